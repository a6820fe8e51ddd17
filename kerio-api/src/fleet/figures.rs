//! The figures behind a reason: what was measured, and the threshold it was held to.

use serde::{Deserialize, Serialize};

/// The numbers behind a [`Reason`](super::Reason), for programs; the reason's text
/// shows them rounded. Only the figures the reason is about are set (and serialized).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
#[non_exhaustive]
pub struct Figures {
    /// Memory in use, in percent of the total: the mean over the last two hours.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub memory_used_percent: Option<f64>,
    /// The appliance's memory, in bytes.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub memory_total_bytes: Option<f64>,
    /// Free space of the data partition, in bytes.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub disk_free_bytes: Option<f64>,
    /// Size of the data partition, in bytes.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub disk_total_bytes: Option<f64>,
    /// Free space of the data partition, in percent.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub disk_free_percent: Option<f64>,
    /// Days until an expiry (0: the last day).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub days_left: Option<i64>,
    /// Days since an expiry passed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub days_expired: Option<i64>,
    /// Kerio Connect: messages waiting in the mail queue.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mail_queue_messages: Option<i64>,
    /// The threshold the figure was held to, in the figure's unit (percent, days, messages), from
    /// [`Thresholds`](super::Thresholds).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub threshold: Option<f64>,
    /// How long the appliance had to answer, in seconds.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub timeout_seconds: Option<f64>,
}

// Only finite numbers are kept (the readings filter the others out), so equality is an
// equivalence and reasons stay `Eq`.
impl Eq for Figures {}

impl Figures {
    /// Whether no figure is set.
    pub fn is_empty(&self) -> bool {
        *self == Figures::default()
    }
}
