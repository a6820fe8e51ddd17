//! The report of a poll: one row per appliance, as a table, JSON or HTML.

use std::fmt::Write as _;
use std::time::Duration;

use serde::{Serialize, Serializer};

use super::status::{Reason, Status};

/// The status of one appliance and how it was found.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct ApplianceReport {
    /// The appliance's name.
    pub name: String,
    /// The appliance's URL.
    pub url: String,
    /// Its status.
    pub status: Status,
    /// Why: the issues found, worst first, or one green reason; never empty.
    pub reasons: Vec<Reason>,
    /// The product version (`ProductInfo.get` `versionString`), when it was read.
    pub version: Option<String>,
    /// How long polling it took, login to logout.
    #[serde(rename = "elapsed_ms", serialize_with = "millis")]
    pub elapsed: Duration,
}

impl ApplianceReport {
    /// A red row for an appliance whose poll failed as a whole.
    pub(crate) fn failed(name: String, url: String, reason: String) -> Self {
        ApplianceReport {
            name,
            url,
            status: Status::Red,
            reasons: vec![Reason::new(Status::Red, reason)],
            version: None,
            elapsed: Duration::ZERO,
        }
    }
}

/// The report of a whole fleet, rows in the order the appliances were given.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct FleetReport {
    /// One row per appliance.
    pub appliances: Vec<ApplianceReport>,
    /// How long the whole poll took.
    #[serde(rename = "elapsed_ms", serialize_with = "millis")]
    pub elapsed: Duration,
}

fn millis<S: Serializer>(duration: &Duration, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.serialize_u64(u64::try_from(duration.as_millis()).unwrap_or(u64::MAX))
}

impl FleetReport {
    /// How many appliances have this status.
    pub fn count(&self, status: Status) -> usize {
        self.appliances
            .iter()
            .filter(|a| a.status == status)
            .count()
    }

    /// The worst status of the fleet (grey when it is empty or all grey).
    pub fn worst(&self) -> Status {
        self.appliances
            .iter()
            .map(|a| a.status)
            .max()
            .unwrap_or(Status::Grey)
    }

    /// The exit status of a program that reports this fleet, by its worst colour, as
    /// monitoring checks give it: 0 when every appliance is green or grey, 1 when the
    /// worst is yellow, 2 when any is red.
    pub fn exit_code(&self) -> u8 {
        match self.worst() {
            Status::Red => 2,
            Status::Yellow => 1,
            _ => 0,
        }
    }

    /// One line: how many appliances of each colour and how long the poll took.
    pub fn summary(&self) -> String {
        let mut parts = Vec::new();
        for status in [Status::Red, Status::Yellow, Status::Green, Status::Grey] {
            let n = self.count(status);
            if n > 0 {
                parts.push(format!("{n} {status}"));
            }
        }
        let noun = if self.appliances.len() == 1 {
            "appliance"
        } else {
            "appliances"
        };
        let counts = if parts.is_empty() {
            String::new()
        } else {
            format!(": {}", parts.join(", "))
        };
        format!(
            "{} {noun}{counts} in {}",
            self.appliances.len(),
            duration(self.elapsed)
        )
    }

    /// The report as pretty-printed JSON: `{"appliances": [{"name", "url", "status",
    /// "reasons": [{"status", "text"}], "version", "elapsed_ms"}], "elapsed_ms"}`.
    pub fn to_json(&self) -> String {
        // A report holds only strings, numbers and lists: serializing cannot fail.
        serde_json::to_string_pretty(self).unwrap_or_default()
    }

    /// The report as a text table, one line per reason, worst appliances first; with
    /// `color`, the status is coloured with ANSI escapes (for a terminal). Control
    /// characters in names and reasons are shown escaped, never sent to the terminal.
    pub fn to_table(&self, color: bool) -> String {
        let header = ["STATUS", "NAME", "VERSION", "TIME", "REASONS"];
        let rows: Vec<[String; 5]> = self
            .sorted()
            .iter()
            .map(|a| {
                [
                    a.status.as_str().to_uppercase(),
                    printable(&a.name),
                    a.version.as_deref().map_or_else(|| "-".into(), printable),
                    duration(a.elapsed),
                    String::new(),
                ]
            })
            .collect();
        let mut widths = [0; 4];
        for row in std::iter::once(&header.map(String::from)).chain(&rows) {
            for (w, cell) in widths.iter_mut().zip(row) {
                *w = (*w).max(cell.chars().count());
            }
        }
        let mut out = String::new();
        let _ = writeln!(
            out,
            "{:<w0$}  {:<w1$}  {:<w2$}  {:>w3$}  {}",
            header[0],
            header[1],
            header[2],
            header[3],
            header[4],
            w0 = widths[0],
            w1 = widths[1],
            w2 = widths[2],
            w3 = widths[3],
        );
        for (row, appliance) in rows.iter().zip(self.sorted()) {
            let status = format!("{:<w$}", row[0], w = widths[0]);
            let status = if color {
                format!("{}{status}\x1b[0m", ansi(appliance.status))
            } else {
                status
            };
            let indent = widths[0] + widths[1] + widths[2] + widths[3] + 8;
            for (i, reason) in appliance.reasons.iter().enumerate() {
                let text = printable(&reason.text);
                if i == 0 {
                    let _ = writeln!(
                        out,
                        "{status}  {:<w1$}  {:<w2$}  {:>w3$}  {text}",
                        row[1],
                        row[2],
                        row[3],
                        w1 = widths[1],
                        w2 = widths[2],
                        w3 = widths[3],
                    );
                } else {
                    let _ = writeln!(out, "{:indent$}{text}", "");
                }
            }
        }
        let _ = writeln!(out, "{}", self.summary());
        out
    }

    /// The rows worst first (red, yellow, green, grey), by name within a colour.
    pub fn sorted(&self) -> Vec<&ApplianceReport> {
        let mut rows: Vec<&ApplianceReport> = self.appliances.iter().collect();
        rows.sort_by(|a, b| (a.status.sort_rank(), &a.name).cmp(&(b.status.sort_rank(), &b.name)));
        rows
    }
}

fn ansi(status: Status) -> &'static str {
    match status {
        Status::Green => "\x1b[1;32m",
        Status::Yellow => "\x1b[1;33m",
        Status::Red => "\x1b[1;31m",
        Status::Grey => "\x1b[90m",
    }
}

/// A duration as people read it: `850 ms`, `1.2 s`.
pub(crate) fn duration(d: Duration) -> String {
    if d < Duration::from_secs(1) {
        format!("{} ms", d.as_millis())
    } else {
        format!("{:.1} s", d.as_secs_f64())
    }
}

/// The text with control characters escaped, so a name or a server's message cannot
/// move the cursor or change colours.
fn printable(text: &str) -> String {
    if !text.chars().any(char::is_control) {
        return text.to_owned();
    }
    text.chars()
        .map(|c| {
            if c.is_control() {
                c.escape_default().to_string()
            } else {
                c.to_string()
            }
        })
        .collect()
}

#[cfg(test)]
#[path = "report_tests.rs"]
mod tests;
