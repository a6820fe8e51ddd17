//! The summary regen prints: per API what was learned and what needs a human.

use std::collections::BTreeSet;
use std::fmt;

/// What merging changed in one API, and what it left for review.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct ApiReport {
    /// The API name.
    pub api: String,
    /// Calls learned from (batch commands counted one by one).
    pub calls: u64,
    /// Successful replies among them.
    pub replies: u64,
    /// Error replies among them.
    pub errors: u64,
    /// New interfaces.
    pub new_interfaces: Vec<String>,
    /// New methods (`Interface.method`).
    pub new_methods: Vec<String>,
    /// New params and out-params of existing methods.
    pub new_params: Vec<String>,
    /// New struct fields.
    pub new_fields: Vec<String>,
    /// New enum values.
    pub new_values: Vec<String>,
    /// Widened number types.
    pub widened: Vec<String>,
    /// New named types.
    pub new_types: Vec<String>,
    /// Disagreements left for a human.
    pub review: BTreeSet<String>,
}

fn count(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

impl fmt::Display for ApiReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "{}: learned from {} ({} replies, {}): {}, {}, {}, {}, {}, {}",
            self.api,
            count(self.calls as usize, "call", "calls"),
            self.replies,
            count(self.errors as usize, "error", "errors"),
            count(self.new_methods.len(), "new method", "new methods"),
            count(
                self.new_params.len() + self.new_fields.len(),
                "new field or param",
                "new fields or params"
            ),
            count(self.new_values.len(), "new enum value", "new enum values"),
            count(self.widened.len(), "widened type", "widened types"),
            count(self.new_types.len(), "new type", "new types"),
            count(self.review.len(), "item for review", "items for review"),
        )?;
        let sections: [(&str, &[String]); 7] = [
            ("new interface", &self.new_interfaces),
            ("new method", &self.new_methods),
            ("new param", &self.new_params),
            ("new field", &self.new_fields),
            ("new value", &self.new_values),
            ("widened", &self.widened),
            ("new type", &self.new_types),
        ];
        for (what, items) in sections {
            for item in items {
                writeln!(f, "  {what:<14} {item}")?;
            }
        }
        for item in &self.review {
            writeln!(f, "  {:<14} {item}", "review")?;
        }
        Ok(())
    }
}
