//! What the watcher and the HTTP threads share: the build version, the last failure, and the
//! stop flag, behind one `Mutex` with a `Condvar` that wakes event streams when a build ends.
//!
//! There is no global: `serve::run` makes one `Arc<State>` and hands clones to each thread.

use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use crate::diagnostics::Diagnostic;

/// Why the latest build did not produce a site, kept for the browser overlay.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BuildFailure {
    /// Content problems: every diagnostic of the failed build (errors and warnings), sorted.
    Content(Vec<Diagnostic>),
    /// The machine failed us (I/O, permissions): the error chain as one line.
    Env(String),
}

/// The shared serve state.
#[derive(Debug, Default)]
pub struct State {
    inner: Mutex<Inner>,
    changed: Condvar,
}

#[derive(Debug, Default)]
struct Inner {
    /// Counts finished builds, successful or not; event streams compare it with what they sent.
    version: u64,
    /// Set while the latest build failed; cleared by the next good one.
    failure: Option<Arc<BuildFailure>>,
    /// Set once by Ctrl-C (or SIGTERM); every loop checks it and winds down.
    stopping: bool,
    /// The latest build changed only stylesheets (and the links to them): a page that saw the
    /// build before it can swap its stylesheets instead of reloading.
    css_only: bool,
}

/// What a thread waiting for the next build saw.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Wait {
    /// A build finished; this is the new version.
    Built(u64),
    /// Nothing happened within the timeout.
    TimedOut,
    /// The server is stopping.
    Stopping,
}

impl State {
    /// A fresh state: version 0, no failure.
    pub fn new() -> Self {
        Self::default()
    }

    /// The lock, even if a thread panicked while holding it: every write below is a plain
    /// assignment, so the data is never left half-updated and carrying on is safe.
    fn lock(&self) -> MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Records a finished build (`None` = success) and wakes every waiting event stream.
    /// `css_only` says the build changed nothing but stylesheets.
    pub fn finish_build(&self, failure: Option<BuildFailure>, css_only: bool) -> u64 {
        let mut inner = self.lock();
        inner.version += 1;
        // A failure, or clearing one, changes what every page shows: that needs a reload.
        inner.css_only = css_only && failure.is_none() && inner.failure.is_none();
        inner.failure = failure.map(Arc::new);
        self.changed.notify_all();
        inner.version
    }

    /// True when the build numbered `version` is the latest and changed only stylesheets.
    pub fn is_css_only(&self, version: u64) -> bool {
        let inner = self.lock();
        inner.version == version && inner.css_only
    }

    /// The current version and failure, for one response.
    pub fn snapshot(&self) -> (u64, Option<Arc<BuildFailure>>) {
        let inner = self.lock();
        (inner.version, inner.failure.clone())
    }

    /// Waits until the version differs from `seen`, the server stops, or `timeout` passes.
    pub fn wait_for_build(&self, seen: u64, timeout: Duration) -> Wait {
        let guard = self.lock();
        let (inner, _) = self
            .changed
            .wait_timeout_while(guard, timeout, |i| !i.stopping && i.version == seen)
            .unwrap_or_else(PoisonError::into_inner);
        if inner.stopping {
            Wait::Stopping
        } else if inner.version != seen {
            Wait::Built(inner.version)
        } else {
            Wait::TimedOut
        }
    }

    /// Asks every thread to stop, and wakes the ones that are waiting.
    pub fn stop(&self) {
        self.lock().stopping = true;
        self.changed.notify_all();
    }

    /// True once `stop` was called.
    pub fn is_stopping(&self) -> bool {
        self.lock().stopping
    }

    /// Sleeps up to `timeout`, returning early (true) when the server is stopping.
    pub fn sleep_unless_stopping(&self, timeout: Duration) -> bool {
        let guard = self.lock();
        let (inner, _) = self
            .changed
            .wait_timeout_while(guard, timeout, |i| !i.stopping)
            .unwrap_or_else(PoisonError::into_inner);
        inner.stopping
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Instant;

    #[test]
    fn builds_wake_waiters_and_failures_clear() {
        let state = Arc::new(State::new());
        assert_eq!(state.snapshot().0, 0);
        let waiter = {
            let state = state.clone();
            std::thread::spawn(move || state.wait_for_build(0, Duration::from_secs(10)))
        };
        std::thread::sleep(Duration::from_millis(20));
        state.finish_build(Some(BuildFailure::Env("disk full".into())), false);
        assert_eq!(waiter.join().unwrap(), Wait::Built(1));
        assert!(state.snapshot().1.is_some());
        state.finish_build(None, false);
        assert_eq!(state.snapshot(), (2, None));
    }

    #[test]
    fn times_out_and_stops() {
        let state = State::new();
        let t = Instant::now();
        assert_eq!(
            state.wait_for_build(0, Duration::from_millis(30)),
            Wait::TimedOut
        );
        assert!(t.elapsed() >= Duration::from_millis(30));
        state.stop();
        assert_eq!(
            state.wait_for_build(0, Duration::from_secs(10)),
            Wait::Stopping
        );
        assert!(state.sleep_unless_stopping(Duration::from_secs(10)));
        assert!(state.is_stopping());
    }
}
