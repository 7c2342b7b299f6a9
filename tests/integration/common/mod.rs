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

/// An opener script in `dir` that writes the one link it is given to a file, and that file's
/// path: wait for it with [`wait_for_opened`].
pub fn url_opener(dir: &std::path::Path) -> (PathBuf, PathBuf) {
    use std::os::unix::fs::PermissionsExt;
    let record = dir.join("opened");
    let script = dir.join("opener");
    std::fs::write(
        &script,
        format!(
            "#!/bin/sh\nprintf '%s' \"$1\" > '{0}.tmp'\nmv '{0}.tmp' '{0}'\n",
            record.display()
        ),
    )
    .expect("write the opener");
    std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755))
        .expect("make the opener executable");
    (script, record)
}

/// Waits until [`url_opener`]'s record holds `url`; panics with what it holds if it never does.
pub fn wait_for_opened(record: &std::path::Path, url: &str) {
    let outcome = wait_until(&format!("the opener to get {url}"), || {
        std::fs::read_to_string(record).ok().as_deref() == Some(url)
    });
    if let Err(error) = outcome {
        panic!(
            "{error}; it holds {:?}",
            std::fs::read_to_string(record).ok()
        );
    }
}
