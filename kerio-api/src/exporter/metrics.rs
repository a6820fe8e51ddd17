//! The metric families of one probe: built by the collectors, encoded for each scrape in
//! the format it asks for (OpenMetrics or the Prometheus text format).

use std::collections::HashSet;

use prometheus_client::collector::Collector;
use prometheus_client::encoding::{DescriptorEncoder, EncodeMetric as _};
use prometheus_client::metrics::MetricType;
use prometheus_client::metrics::gauge::ConstGauge;
use prometheus_client::registry::Registry;

/// Label values from an appliance (interface names, versions) are cut to this many
/// characters, so that a hostile reply cannot blow up a scrape or the time series base.
const MAX_LABEL_CHARS: usize = 128;

/// One metric of a probe: its name, help and type. The help names the method and the
/// field the value comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MetricDef {
    /// The metric's name, as exposed (`kerio_disk_free_bytes`).
    pub name: &'static str,
    /// What it means and where it comes from.
    pub help: &'static str,
    /// How it is exposed.
    pub kind: MetricKind,
}

/// How a metric is exposed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum MetricKind {
    /// A gauge.
    Gauge,
    /// A state set: one series per state of a label, 1 for the current state, 0 for the
    /// others (exposed as a gauge: the client library has no state set type, and
    /// Prometheus stores both alike).
    StateSet,
    /// An info metric: one series whose labels carry the values, always 1 (the name
    /// ends in `_info`).
    Info,
}

/// One sample: labels and value.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Sample {
    pub(crate) labels: Vec<(&'static str, String)>,
    pub(crate) value: f64,
}

/// The samples of one metric.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Family {
    pub(crate) def: &'static MetricDef,
    pub(crate) samples: Vec<Sample>,
}

/// Metric families in the order they were first written to.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct Families {
    families: Vec<Family>,
}

impl Families {
    fn family(&mut self, def: &'static MetricDef) -> &mut Family {
        let at = match self.families.iter().position(|f| f.def.name == def.name) {
            Some(at) => at,
            None => {
                self.families.push(Family {
                    def,
                    samples: Vec::new(),
                });
                self.families.len() - 1
            }
        };
        &mut self.families[at]
    }

    /// A sample without labels; non-finite values are dropped.
    pub(crate) fn gauge(&mut self, def: &'static MetricDef, value: f64) {
        self.gauge_with(def, Vec::new(), value);
    }

    /// A sample with labels; non-finite values are dropped.
    pub(crate) fn gauge_with(
        &mut self,
        def: &'static MetricDef,
        labels: Vec<(&'static str, String)>,
        value: f64,
    ) {
        if value.is_finite() {
            let labels = labels.into_iter().map(|(k, v)| (k, cut(v))).collect();
            self.family(def).samples.push(Sample { labels, value });
        }
    }

    /// A 0/1 sample.
    pub(crate) fn flag(&mut self, def: &'static MetricDef, on: bool) {
        self.gauge(def, if on { 1.0 } else { 0.0 });
    }

    /// A state set: one sample per state of `known` (and `current`, when it is not
    /// among them, e.g. a value newer firmware added), labelled `label`, 1 for
    /// `current`.
    pub(crate) fn state_set(
        &mut self,
        def: &'static MetricDef,
        extra: &[(&'static str, String)],
        label: &'static str,
        known: &[&str],
        current: &str,
    ) {
        let mut states: Vec<&str> = known.to_vec();
        if !states.contains(&current) {
            states.push(current);
        }
        for state in states {
            let mut labels = extra.to_vec();
            labels.push((label, state.to_owned()));
            self.gauge_with(def, labels, if state == current { 1.0 } else { 0.0 });
        }
    }

    /// An info sample.
    pub(crate) fn info(&mut self, def: &'static MetricDef, labels: Vec<(&'static str, String)>) {
        self.gauge_with(def, labels, 1.0);
    }

    /// Appends the families of `other`.
    pub(crate) fn extend(&mut self, other: Families) {
        for family in other.families {
            let own = self.family(family.def);
            own.samples.extend(family.samples);
        }
    }

    /// Every family, in order.
    pub(crate) fn iter(&self) -> impl Iterator<Item = &Family> {
        self.families.iter()
    }

    /// The value of a metric's first sample whose labels include all of `labels`.
    pub(crate) fn value(&self, name: &str, labels: &[(&str, &str)]) -> Option<f64> {
        self.families
            .iter()
            .find(|f| f.def.name == name)?
            .samples
            .iter()
            .find(|s| {
                labels
                    .iter()
                    .all(|(k, v)| s.labels.iter().any(|(sk, sv)| sk == k && sv == v))
            })
            .map(|s| s.value)
    }

    /// Drops repeated label sets within a family (a reply listing two interfaces of the
    /// same name): Prometheus rejects a whole scrape with a duplicate series.
    pub(crate) fn dedup(&mut self) {
        for family in &mut self.families {
            let mut seen = HashSet::new();
            family.samples.retain(|s| seen.insert(s.labels.clone()));
        }
    }

    /// The families in the OpenMetrics text format, `# EOF` included.
    pub(crate) fn to_openmetrics(&self) -> String {
        let mut out = String::new();
        // Writing into a String cannot fail, and every name and label is valid.
        let _ = prometheus_client::encoding::text::encode(&mut out, &self.registry());
        out
    }

    /// The families in the Prometheus text format (version 0.0.4).
    pub(crate) fn to_prometheus_text(&self) -> String {
        let mut out = String::new();
        let _ = prometheus_client::encoding::prometheus_text::encode(&mut out, &self.registry());
        out
    }

    fn registry(&self) -> Registry {
        let mut registry = Registry::default();
        registry.register_collector(Box::new(Encoded(self.clone())));
        registry
    }
}

/// The families as a collector of the client library, for its encoders.
#[derive(Debug)]
struct Encoded(Families);

impl Collector for Encoded {
    fn encode(&self, mut encoder: DescriptorEncoder) -> Result<(), std::fmt::Error> {
        for family in self.0.iter().filter(|f| !f.samples.is_empty()) {
            let def = family.def;
            let kind = match def.kind {
                MetricKind::Info => MetricType::Info,
                MetricKind::Gauge | MetricKind::StateSet => MetricType::Gauge,
            };
            // Info metrics are registered without their `_info` suffix, which the
            // encoders add.
            let name = match def.kind {
                MetricKind::Info => def.name.strip_suffix("_info").unwrap_or(def.name),
                _ => def.name,
            };
            let mut metric = encoder.encode_descriptor(name, def.help, None, kind)?;
            for sample in &family.samples {
                let labels: Vec<(&str, &str)> = sample
                    .labels
                    .iter()
                    .map(|(k, v)| (*k, v.as_str()))
                    .collect();
                match def.kind {
                    MetricKind::Info => metric.encode_info(&labels)?,
                    _ => ConstGauge::new(sample.value).encode(metric.encode_family(&labels)?)?,
                }
            }
        }
        Ok(())
    }
}

/// A label value cut to [`MAX_LABEL_CHARS`] characters.
fn cut(value: String) -> String {
    match value.char_indices().nth(MAX_LABEL_CHARS) {
        Some((at, _)) => value[..at].to_owned(),
        None => value,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const G: MetricDef = MetricDef {
        name: "kerio_test_bytes",
        help: "A test gauge.",
        kind: MetricKind::Gauge,
    };
    const S: MetricDef = MetricDef {
        name: "kerio_test_state",
        help: "A test state set.",
        kind: MetricKind::StateSet,
    };
    const I: MetricDef = MetricDef {
        name: "kerio_test_info",
        help: "A test info.",
        kind: MetricKind::Info,
    };

    #[test]
    fn both_formats_carry_every_family() {
        let mut f = Families::default();
        f.gauge(&G, 1.5);
        f.gauge(&G, f64::NAN);
        f.state_set(&S, &[], "state", &["A", "B"], "C");
        f.info(&I, vec![("version", "9.5 \"beta\"\n".to_owned())]);
        let om = f.to_openmetrics();
        assert!(
            om.contains("# TYPE kerio_test_bytes gauge\nkerio_test_bytes 1.5\n"),
            "{om}"
        );
        assert!(om.contains("kerio_test_state{state=\"A\"} 0.0"), "{om}");
        assert!(om.contains("kerio_test_state{state=\"C\"} 1.0"), "{om}");
        assert!(om.contains("# TYPE kerio_test info"), "{om}");
        assert!(
            om.contains(r#"kerio_test_info{version="9.5 \"beta\"\n"} 1"#),
            "{om}"
        );
        assert!(om.ends_with("# EOF\n"));
        let text = f.to_prometheus_text();
        assert!(text.contains("kerio_test_info{version="), "{text}");
        assert!(!text.contains("# EOF"));
        let samples = text.lines().filter(|l| l.starts_with("kerio_test_bytes "));
        assert_eq!(samples.count(), 1, "{text}");
    }

    #[test]
    fn repeated_label_sets_and_long_values_are_trimmed() {
        let mut f = Families::default();
        let long = "x".repeat(1000);
        f.gauge_with(&G, vec![("interface", long.clone())], 1.0);
        f.gauge_with(&G, vec![("interface", long)], 2.0);
        f.dedup();
        let family = f.iter().next().expect("one family");
        assert_eq!(family.samples.len(), 1);
        assert_eq!(family.samples[0].labels[0].1.len(), MAX_LABEL_CHARS);
        assert_eq!(f.value("kerio_test_bytes", &[]), Some(1.0));
    }
}
