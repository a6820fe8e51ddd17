//! Captures what the `tracing` events of one test print, to check that traces say what
//! happened without holding a secret.

use std::io::Write;
use std::sync::{Arc, Mutex};

use tracing::Dispatch;
use tracing::subscriber::DefaultGuard;
use tracing_subscriber::fmt::format::FmtSpan;

/// A `fmt` subscriber at TRACE level, the default of the current thread while this
/// lives (tests on the current-thread runtime run their tasks on it).
pub struct TraceCapture {
    buffer: Arc<Mutex<Vec<u8>>>,
    _guard: DefaultGuard,
    /// `tracing-core` computes the interest of a callsite met for the first time from
    /// the thread's own default when only one dispatcher exists; other tests, running
    /// on other threads without a subscriber, would then switch callsites off for this
    /// one too. A second live dispatcher makes every callsite ask all of them.
    _second: Dispatch,
}

impl TraceCapture {
    pub fn start() -> TraceCapture {
        let buffer = Arc::new(Mutex::new(Vec::new()));
        let writer = Writer(buffer.clone());
        let second = Dispatch::new(tracing_subscriber::registry());
        let subscriber = tracing_subscriber::fmt()
            .with_max_level(tracing::Level::TRACE)
            .with_ansi(false)
            .with_span_events(FmtSpan::CLOSE)
            .with_writer(move || writer.clone())
            .finish();
        let guard = tracing::subscriber::set_default(subscriber);
        TraceCapture {
            buffer,
            _guard: guard,
            _second: second,
        }
    }

    /// Everything printed so far.
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.buffer.lock().unwrap_or_else(|e| e.into_inner())).into_owned()
    }
}

#[derive(Clone)]
struct Writer(Arc<Mutex<Vec<u8>>>);

impl Write for Writer {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}
