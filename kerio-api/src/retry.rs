//! Sending idempotent calls again: which failures are worth another try, and how long to
//! wait before it.
//!
//! Only methods the spec declares idempotent ([`Method::IDEMPOTENT`](crate::Method::IDEMPOTENT))
//! are sent again, and only after failures that say the appliance may not have seen the
//! request or could not serve it for a moment: the connection was refused, reset or
//! closed before the reply ([`Error::Transport`]), or a proxy or the appliance's web
//! server answered 502 or 503 ([`Error::Http`]). A timeout is not retried (the appliance
//! may still be working on it, and a second wait doubles the first), nor is any answer of
//! the appliance itself.

use std::time::Duration;

use crate::error::Error;

/// Default number of retries of an idempotent call.
pub const DEFAULT_RETRIES: u32 = 2;
/// Default wait before the first retry; it doubles with each further one.
pub const DEFAULT_RETRY_BACKOFF: Duration = Duration::from_millis(250);
/// The longest wait between two tries.
const MAX_BACKOFF: Duration = Duration::from_secs(8);

/// How idempotent calls are retried.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct RetryPolicy {
    /// Retries after the first try.
    pub(crate) retries: u32,
    /// Wait before the first retry.
    pub(crate) backoff: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            retries: DEFAULT_RETRIES,
            backoff: DEFAULT_RETRY_BACKOFF,
        }
    }
}

impl RetryPolicy {
    /// The wait before retry `n` (from 0): the backoff, doubled `n` times, at most
    /// [`MAX_BACKOFF`].
    pub(crate) fn delay(&self, n: u32) -> Duration {
        self.backoff
            .saturating_mul(1 << n.min(16))
            .min(MAX_BACKOFF.max(self.backoff))
    }
}

/// Whether a failure of an idempotent call is worth another try.
pub(crate) fn retryable(error: &Error) -> bool {
    match error {
        Error::Transport { .. } => true,
        Error::Http { status, .. } => matches!(status, 502 | 503),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_up_to_a_cap() {
        let p = RetryPolicy::default();
        assert_eq!(p.delay(0), Duration::from_millis(250));
        assert_eq!(p.delay(1), Duration::from_millis(500));
        assert_eq!(p.delay(10), MAX_BACKOFF);
        let long = RetryPolicy {
            retries: 1,
            backoff: Duration::from_secs(20),
        };
        assert_eq!(long.delay(3), Duration::from_secs(20));
    }

    #[test]
    fn only_resets_and_502_503_are_retried() {
        let http = |status| Error::Http {
            method: "X.get",
            status,
            content_type: None,
            kind: "an HTML page",
            excerpt: String::new(),
        };
        assert!(retryable(&http(502)) && retryable(&http(503)));
        assert!(!retryable(&http(500)) && !retryable(&http(404)));
        assert!(retryable(&Error::Transport {
            method: "X.get",
            message: "the connection was reset".into(),
            source: None,
        }));
        assert!(!retryable(&Error::Timeout { method: "X.get" }));
    }
}
