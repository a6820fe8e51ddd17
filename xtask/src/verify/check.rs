//! Checking one HAR entry: its exchanges through the generated types, rendered as the
//! lines to print. Pure, so workers can check entries in any order and the printer puts
//! them back in capture order.

use kerio_api::contract::Severity;

use super::apis::Target;
use super::exchange::{self, Exchange, Outcome, Reply};
use super::redact;
use kerio_codegen::learn::har::entry;

/// Exchange counts, for the summary.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Counts {
    /// Exchanges checked.
    pub exchanges: u64,
    /// Without findings.
    pub ok: u64,
    /// With warnings only.
    pub warned: u64,
    /// With at least one error.
    pub failed: u64,
    /// Whose reply was an error (params checked only).
    pub error_replies: u64,
}

impl Counts {
    /// Adds `other` to these counts.
    pub fn absorb(&mut self, other: Counts) {
        self.exchanges += other.exchanges;
        self.ok += other.ok;
        self.warned += other.warned;
        self.failed += other.failed;
        self.error_replies += other.error_replies;
    }
}

/// What one entry gave.
#[derive(Debug, Default)]
pub struct Checked {
    /// Exchange lines, for stdout.
    pub lines: Vec<String>,
    /// An input problem (one line, without the `error: ` prefix), for stderr.
    pub problem: Option<String>,
    /// True when the entry was a call to an API of kerio-api.
    pub call: bool,
    /// The path of a JSON-RPC endpoint that no API of kerio-api serves.
    pub unrouted: Option<String>,
    /// Counts of the entry's exchanges.
    pub counts: Counts,
}

/// Where an entry comes from.
#[derive(Debug, Clone, Copy)]
pub struct Origin<'a> {
    /// The capture's path as given, for input problems.
    pub name: &'a str,
    /// The capture's short name, for exchange lines.
    pub label: &'a str,
    /// Index of the entry in `log.entries`.
    pub index: usize,
}

/// Checks one entry (its raw JSON text).
pub fn entry(bytes: &[u8], at: Origin<'_>, targets: &[Target], quiet: bool) -> Checked {
    let mut done = Checked::default();
    let (name, index) = (at.name, at.index);
    let view = match entry::parse(bytes) {
        Ok(v) => v,
        Err(e) => {
            done.problem = Some(format!("{name}: entry {index}: not a valid HAR entry: {e}"));
            return done;
        }
    };
    match exchange::read(&view, targets) {
        Ok(Outcome::Calls(target, exchanges)) => {
            done.call = true;
            for x in &exchanges {
                check(target, &at, x, quiet, &mut done);
            }
        }
        Ok(Outcome::Unrouted(path)) => done.unrouted = Some(path),
        Ok(Outcome::NotApi | Outcome::NoBody) => {}
        Err(bad) => {
            let what = bad.method.map(|m| format!(" ({m})")).unwrap_or_default();
            done.problem = Some(format!("{name}: entry {index}{what}: {}", bad.reason));
        }
    }
    done
}

/// One finding, ready to print.
struct Finding {
    error: bool,
    path: String,
    message: String,
}

/// Checks one exchange and renders its lines.
fn check(target: &Target, at: &Origin<'_>, x: &Exchange, quiet: bool, done: &mut Checked) {
    let mut findings: Vec<Finding> = x
        .problems
        .iter()
        .map(|(path, message)| Finding {
            error: true,
            path: path.clone(),
            message: message.clone(),
        })
        .collect();
    let mut note = String::new();
    if let Some((params, reply)) = &x.call {
        let result = match reply {
            Reply::Result(v) => Some(v),
            Reply::Missing => {
                note = " (no reply, params only)".into();
                None
            }
            Reply::Error(code) => {
                done.counts.error_replies += 1;
                note = match code {
                    Some(c) => format!(" (error reply {c}, params only)"),
                    None => " (error reply, params only)".into(),
                };
                None
            }
        };
        match (target.check)(&x.method, params, result) {
            None => findings.push(Finding {
                error: true,
                path: String::new(),
                message: format!(
                    "not in the spec (no such method in the {} API)",
                    target.name
                ),
            }),
            Some(report) => findings.extend(report.findings.iter().map(|f| Finding {
                error: f.severity != Severity::Warning,
                path: redact::path(&f.path).into_owned(),
                message: redact::message(&f.path, &f.message).into_owned(),
            })),
        }
    }
    let command = x.command.map(|k| format!("[{k}]")).unwrap_or_default();
    let subject = format!("{}#{}{command} {}{note}", at.label, at.index, x.method);
    done.counts.exchanges += 1;
    if findings.iter().any(|f| f.error) {
        done.counts.failed += 1;
    } else if findings.is_empty() {
        done.counts.ok += 1;
        if !quiet {
            done.lines.push(format!("{:<7} {subject}", "ok"));
        }
    } else {
        done.counts.warned += 1;
    }
    for f in findings {
        let status = if f.error { "error" } else { "warning" };
        done.lines.push(if f.path.is_empty() {
            format!("{status:<7} {subject}: {}", f.message)
        } else {
            format!("{status:<7} {subject}: {}: {}", f.path, f.message)
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::apis::targets;

    fn entry_json(req: &serde_json::Value, resp: &serde_json::Value) -> String {
        serde_json::json!({
            "request": {"url": "https://fw/admin/api/jsonrpc/", "postData": {"text": req.to_string()}},
            "response": {"content": {"text": resp.to_string()}}
        })
        .to_string()
    }

    fn at() -> Origin<'static> {
        Origin {
            name: "dir/a.har",
            label: "a.har",
            index: 4,
        }
    }

    #[test]
    fn lines_and_counts() {
        let e = entry_json(
            &serde_json::json!({"method": "ProductInfo.getUptime", "params": {"x": 1}}),
            &serde_json::json!({"result": {"uptime": "long"}}),
        );
        let done = entry(e.as_bytes(), at(), &targets(None).expect("targets"), false);
        assert!(done.call && done.problem.is_none());
        assert_eq!(
            done.lines[0],
            "warning a.har#4 ProductInfo.getUptime: params.x: unknown parameter"
        );
        assert!(
            done.lines[1].starts_with("error   a.har#4 ProductInfo.getUptime: result.uptime: "),
            "{:?}",
            done.lines
        );
        assert_eq!(
            done.counts,
            Counts {
                exchanges: 1,
                failed: 1,
                ..Counts::default()
            }
        );
        let e = entry_json(
            &serde_json::json!({"method": "ProductInfo.getUptime"}),
            &serde_json::json!({"result": {"uptime": 5}}),
        );
        assert_eq!(
            entry(e.as_bytes(), at(), &targets(None).expect("targets"), false).lines,
            ["ok      a.har#4 ProductInfo.getUptime"]
        );
        assert!(
            entry(e.as_bytes(), at(), &targets(None).expect("targets"), true)
                .lines
                .is_empty()
        );
    }

    #[test]
    fn problems_name_the_file_as_given() {
        let done = entry(
            br#"{"request": 5}"#,
            at(),
            &targets(None).expect("targets"),
            false,
        );
        assert_eq!(
            done.problem
                .as_deref()
                .map(|p| p.starts_with("dir/a.har: entry 4: ")),
            Some(true)
        );
        assert!(!done.call);
    }
}
