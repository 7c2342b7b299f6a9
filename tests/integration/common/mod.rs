//! What every integration test shares: a sandbox home for each run of the binary, one
//! pseudo-terminal harness, and an HTTP server on 127.0.0.1 for the fetcher. Waits are on
//! conditions with a deadline, never fixed sleeps; the deadline is generous and can be raised
//! on a slow machine with `HERALD_TEST_TIMEOUT` (seconds), as television's pty tests allow.

pub mod http;
pub mod pty;
pub mod sandbox;

use std::path::PathBuf;
use std::time::Duration;

pub use pty::{Launch, Pty};
pub use sandbox::Sandbox;

/// The binary under test.
pub const HERALD: &str = env!("CARGO_BIN_EXE_herald");

/// The project's root: tests run Herald from here, so `sample-data` and `tests/fixtures` work
/// as relative paths.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A file under `tests/fixtures`, as a path relative to [`root`].
pub fn fixture(name: &str) -> String {
    format!("tests/fixtures/{name}")
}

/// How long a test waits for a condition before it fails.
pub fn deadline() -> Duration {
    let seconds = std::env::var("HERALD_TEST_TIMEOUT")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(30);
    Duration::from_secs(seconds)
}

/// Polls `condition` until it holds or [`deadline`] passes; `Err` with `what` on time-out.
pub fn wait_until(what: &str, mut condition: impl FnMut() -> bool) -> Result<(), String> {
    let end = std::time::Instant::now() + deadline();
    loop {
        if condition() {
            return Ok(());
        }
        if std::time::Instant::now() > end {
            return Err(format!("timed out waiting for {what}"));
        }
        std::thread::sleep(Duration::from_millis(5));
    }
}
