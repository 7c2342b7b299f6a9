//! What Herald remembers between fetches, per feed URL: the validators to send back, when the
//! feed may be asked again (Herald's own interval, the server's `max-age`, the backoff after
//! errors) and when the server said not to come back before (`Retry-After`), and how the last
//! fetch went. `$XDG_DATA_HOME/herald/fetch.json`, replaced atomically after each run.
//!
//! A fetch run holds `fetch.json.lock` from start to end, so two runs (a cron job and `r` in
//! the reader) never ask a server twice in one go or overwrite each other's schedule.

use std::collections::BTreeMap;
use std::fs::File;
use std::io;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

/// One feed's schedule and memory.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FeedState {
    /// `ETag` as the server sent it, byte for byte (quotes and `W/` included).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub etag: Option<String>,
    /// `Last-Modified` as the server sent it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_modified: Option<String>,
    /// Unix seconds of the last attempt.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_attempt: Option<u64>,
    /// How the last attempt went, in words (`new 12`, `not modified`, `error: 404 Not Found`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_result: Option<String>,
    /// Whether the last attempt succeeded.
    #[serde(default)]
    pub last_ok: bool,
    /// Herald's own schedule: not before this (unix seconds). `--force` overrides it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_due: Option<u64>,
    /// The server's: not before this (unix seconds), whatever is asked.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retry_after: Option<u64>,
    /// Failures in a row, for the backoff.
    #[serde(default)]
    pub failures: u32,
}

/// Every feed's state, by URL.
#[derive(Debug, Default)]
pub struct Schedule {
    path: Option<PathBuf>,
    pub feeds: BTreeMap<String, FeedState>,
}

#[derive(Debug, Default, Serialize, Deserialize)]
struct Stored {
    #[serde(default)]
    feeds: BTreeMap<String, FeedState>,
}

/// The largest schedule file read: far beyond any real one, small enough to never hurt.
const MAX_BYTES: u64 = 64 << 20;

/// `$XDG_DATA_HOME/herald/fetch.json`.
pub fn default_path() -> Option<PathBuf> {
    crate::paths::data_dir().map(|dir| dir.join("fetch.json"))
}

impl Schedule {
    /// The schedule at `path` (none: kept in memory only). A file that cannot be used is a
    /// problem to report, never a reason not to fetch: the schedule is rebuilt as feeds are
    /// fetched (the first fetch of each is then unconditional, which servers handle).
    pub fn load(path: Option<PathBuf>) -> (Self, Option<String>) {
        let Some(file) = path.as_deref() else {
            return (Self::default(), None);
        };
        let shown = crate::engine::store::source::display_path(file);
        let (feeds, problem) = match crate::files::read_regular(file, MAX_BYTES) {
            Ok(bytes) => match serde_json::from_slice::<Stored>(&bytes) {
                Ok(stored) => (stored.feeds, None),
                Err(error) => (
                    BTreeMap::new(),
                    Some(format!(
                        "the fetch schedule {shown} is not valid ({error}); starting afresh"
                    )),
                ),
            },
            Err(error) if error.kind() == io::ErrorKind::NotFound => (BTreeMap::new(), None),
            Err(error) => (
                BTreeMap::new(),
                Some(format!(
                    "the fetch schedule {shown} cannot be read ({error}); starting afresh"
                )),
            ),
        };
        (Self { path, feeds }, problem)
    }

    pub fn get(&self, url: &str) -> FeedState {
        self.feeds.get(url).cloned().unwrap_or_default()
    }

    /// A feed moved (a permanent redirect): its memory goes with it.
    pub fn rename(&mut self, from: &str, to: &str) {
        if let Some(state) = self.feeds.remove(from) {
            self.feeds.insert(to.to_owned(), state);
        }
    }

    /// Writes the schedule (when it has a file), atomically.
    pub fn save(&self) -> io::Result<()> {
        let Some(path) = &self.path else {
            return Ok(());
        };
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir)?;
        }
        let stored = Stored {
            feeds: self.feeds.clone(),
        };
        crate::produce::import::write::write_atomically(path, |out| {
            serde_json::to_writer_pretty(&mut *out, &stored).map_err(io::Error::other)?;
            out.write_all(b"\n")
        })
    }
}

/// Holds the fetch lock; released when dropped (or when the process dies).
#[derive(Debug)]
pub struct RunLock {
    _file: File,
}

/// Takes the lock of the schedule at `path`, without waiting: another run going on means
/// this one has nothing to add.
pub fn lock(path: &Path) -> Result<RunLock, String> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(|e| format!("cannot make {}: {e}", dir.display()))?;
    }
    let mut name = path.as_os_str().to_owned();
    name.push(".lock");
    let file = crate::files::open_own(Path::new(&name))
        .map_err(|e| format!("cannot open the fetch lock: {e}"))?;
    match file.try_lock() {
        Ok(()) => Ok(RunLock { _file: file }),
        Err(std::fs::TryLockError::WouldBlock) => {
            Err("another fetch is running (herald fetch, or r in a reader)".to_owned())
        }
        Err(std::fs::TryLockError::Error(error)) => {
            Err(format!("cannot take the fetch lock: {error}"))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_schedule_round_trips_and_a_bad_file_starts_afresh() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("fetch.json");
        let (mut schedule, problem) = Schedule::load(Some(path.clone()));
        assert!(problem.is_none());
        schedule.feeds.insert(
            "http://a/feed".into(),
            FeedState {
                etag: Some("W/\"x\"".into()),
                next_due: Some(5),
                ..FeedState::default()
            },
        );
        schedule.save().unwrap();
        let (again, _) = Schedule::load(Some(path.clone()));
        assert_eq!(again.get("http://a/feed").etag.as_deref(), Some("W/\"x\""));
        std::fs::write(&path, "{ not json").unwrap();
        let (fresh, problem) = Schedule::load(Some(path));
        assert!(fresh.feeds.is_empty());
        assert!(problem.unwrap().contains("starting afresh"));
    }

    #[test]
    fn one_run_at_a_time() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("fetch.json");
        let first = lock(&path).unwrap();
        assert!(lock(&path).unwrap_err().contains("another fetch"));
        drop(first);
        assert!(lock(&path).is_ok());
    }
}
