//! The report as one self-contained HTML page: inline style and script, no external
//! assets, every value escaped; the table sorts by status, name, product, version or
//! time.

use std::fmt::Write as _;

use super::report::{FleetReport, duration};
use super::status::Status;

const STYLE: &str = r#"
:root { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #1d2430; background: #f5f6f8; }
body { margin: 2rem; }
h1 { font-size: 1.4rem; margin: 0 0 .25rem; }
p.summary { margin: 0 0 1rem; color: #4a5568; }
.counts span { display: inline-block; margin-right: .5rem; padding: .15rem .6rem; border-radius: 1rem; font-weight: 600; }
table { border-collapse: collapse; width: 100%; background: #fff; box-shadow: 0 1px 3px rgba(0,0,0,.12); }
th, td { text-align: left; padding: .55rem .75rem; border-bottom: 1px solid #e2e8f0; vertical-align: top; }
th { background: #edf0f4; user-select: none; white-space: nowrap; }
th button { all: unset; cursor: pointer; font-weight: 600; }
th button::after { content: " \2195"; color: #a0aec0; }
th[aria-sort="ascending"] button::after { content: " \2191"; color: #1d2430; }
th[aria-sort="descending"] button::after { content: " \2193"; color: #1d2430; }
td.time { text-align: right; white-space: nowrap; font-variant-numeric: tabular-nums; }
.url { color: #4a5568; font-size: .9em; word-break: break-all; }
ul { margin: 0; padding-left: 1.1rem; }
.badge { display: inline-block; min-width: 4.5rem; text-align: center; padding: .2rem .6rem; border-radius: .3rem; font-weight: 700; text-transform: uppercase; font-size: .85em; }
.green { background: #2f9e44; color: #fff; }
.yellow { background: #f2c12e; color: #1d2430; }
.red { background: #d6336c; color: #fff; }
.grey { background: #adb5bd; color: #1d2430; }
li.green, li.yellow, li.red, li.grey { background: none; color: inherit; }
li.red { color: #a61e4d; } li.yellow { color: #7a5b00; } li.grey { color: #6c757d; }
"#;

/// Sorts the rows by the column of the clicked header; the status column sorts by
/// severity (the row's `data-rank`), the time column by milliseconds.
const SCRIPT: &str = r#"
(function () {
  var table = document.getElementById('fleet');
  var body = table.tBodies[0];
  var headers = table.querySelectorAll('th[data-key]');
  function key(row, k) {
    var v = row.getAttribute('data-' + k);
    return (k === 'rank' || k === 'ms') ? Number(v) : v.toLowerCase();
  }
  headers.forEach(function (th) {
    th.querySelector('button').addEventListener('click', function () {
      var k = th.getAttribute('data-key');
      var asc = th.getAttribute('aria-sort') !== 'ascending';
      headers.forEach(function (h) { h.removeAttribute('aria-sort'); });
      th.setAttribute('aria-sort', asc ? 'ascending' : 'descending');
      var rows = Array.prototype.slice.call(body.rows);
      rows.sort(function (a, b) {
        var x = key(a, k), y = key(b, k);
        var c = x < y ? -1 : x > y ? 1 : 0;
        if (c === 0) { c = key(a, 'name') < key(b, 'name') ? -1 : 1; }
        return asc ? c : -c;
      });
      rows.forEach(function (r) { body.appendChild(r); });
    });
  });
})();
"#;

impl FleetReport {
    /// The report as a self-contained HTML page (inline style and script, no external
    /// assets), worst appliances first; the table can be sorted by status, name,
    /// product, version or time. Every value is HTML-escaped.
    pub fn to_html(&self) -> String {
        let mut out = String::new();
        out.push_str("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
        out.push_str("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
        let _ = writeln!(out, "<title>Fleet status: {}</title>", self.worst());
        let _ = writeln!(out, "<style>{STYLE}</style>\n</head>\n<body>");
        out.push_str("<h1>Kerio fleet</h1>\n");
        let _ = writeln!(out, "<p class=\"summary\">{}</p>", escape(&self.summary()));
        out.push_str("<p class=\"counts\">");
        for status in [Status::Red, Status::Yellow, Status::Green, Status::Grey] {
            let _ = write!(
                out,
                "<span class=\"{status}\">{} {status}</span>",
                self.count(status)
            );
        }
        out.push_str("</p>\n<table id=\"fleet\">\n<thead><tr>");
        for (key, title, sort) in [
            ("rank", "Status", " aria-sort=\"ascending\""),
            ("name", "Appliance", ""),
            ("product", "Product", ""),
            ("version", "Version", ""),
            ("ms", "Time", ""),
        ] {
            let _ = write!(
                out,
                "<th data-key=\"{key}\"{sort}><button type=\"button\">{title}</button></th>"
            );
        }
        out.push_str("<th>Reasons</th></tr></thead>\n<tbody>\n");
        for a in self.sorted() {
            let version = a.version.as_deref().unwrap_or("-");
            let (product, title) = a.product.map_or(("-", "-"), |p| (p.as_str(), p.title()));
            let _ = write!(
                out,
                "<tr class=\"row-{status}\" data-rank=\"{rank}\" data-name=\"{name}\" \
                 data-product=\"{product}\" data-version=\"{version}\" data-ms=\"{ms}\">\
                 <td><span class=\"badge {status}\">{status}</span></td>\
                 <td><strong>{name}</strong><br><span class=\"url\">{url}</span></td>\
                 <td>{title}</td><td>{version}</td><td class=\"time\">{time}</td><td><ul>",
                status = a.status,
                rank = a.status.sort_rank(),
                name = escape(&a.name),
                url = escape(&a.url),
                version = escape(version),
                ms = a.elapsed.as_millis(),
                time = escape(&duration(a.elapsed)),
            );
            for reason in &a.reasons {
                let _ = write!(
                    out,
                    "<li class=\"{}\">{}</li>",
                    reason.status,
                    escape(&reason.text)
                );
            }
            out.push_str("</ul></td></tr>\n");
        }
        let _ = writeln!(
            out,
            "</tbody>\n</table>\n<script>{SCRIPT}</script>\n</body>\n</html>"
        );
        out
    }
}

/// Escapes text for HTML content and quoted attribute values.
pub(crate) fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}
