//! Watching store files while a reader is open. A change notification is one more input: the
//! watcher thread waits in the kernel (inotify, FSEvents, kqueue) and, once the files have been
//! quiet for a moment, sends one message. Nothing here polls or ticks, so an idle reader stays
//! idle.
//!
//! Folders are watched, not files: a writer that replaces a file by renaming a new one over it
//! (the safe way to write) gives the new file a new inode, which a watch on the old file would
//! never see. A folder watch sees the rename, an append, a new file and a deleted one alike.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
use std::time::{Duration, Instant};

use notify::{RecursiveMode, Watcher};

use crate::engine::store::StoreSource;
use crate::engine::store::source::kind_for;

/// Changes are reported once the files have been quiet this long, so a writer's burst of
/// events (truncate, write, write, rename) becomes one reload of the finished file.
pub const DEBOUNCE: Duration = Duration::from_millis(150);
/// A writer that never stops (a log being appended every few ms) still gets a reload this
/// often.
pub const MAX_DELAY: Duration = Duration::from_secs(1);

/// What to watch for one source: a folder, and which of its entries matter.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Watch {
    folder: PathBuf,
    /// `Some(name)`: only this file in the folder (a store named directly). `None`: every
    /// store file (`.json`, `.jsonl`, `.ndjson`) in it.
    file: Option<std::ffi::OsString>,
}

fn watches(sources: &[StoreSource]) -> Vec<Watch> {
    sources
        .iter()
        .filter_map(|source| match source {
            StoreSource::Embedded => None,
            StoreSource::Path(path) if path.is_dir() => Some(Watch {
                folder: path.clone(),
                file: None,
            }),
            StoreSource::Path(path) => {
                let parent = match path.parent() {
                    Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
                    _ => PathBuf::from("."),
                };
                Some(Watch {
                    folder: parent,
                    file: Some(path.file_name()?.to_owned()),
                })
            }
        })
        .collect()
}

impl Watch {
    fn matches(&self, path: &Path) -> bool {
        let Some(name) = path.file_name() else {
            return false;
        };
        let in_folder = path.parent().is_some_and(|p| same_folder(p, &self.folder));
        in_folder
            && match &self.file {
                Some(file) => name == file,
                None => kind_for(path).is_some(),
            }
    }
}

fn same_folder(a: &Path, b: &Path) -> bool {
    a == b
        || match (a.canonicalize(), b.canonicalize()) {
            (Ok(a), Ok(b)) => a == b,
            _ => false,
        }
}

/// Keeps the watches alive; dropping it stops them (and the thread ends).
pub struct LiveStores {
    _watcher: notify::RecommendedWatcher,
}

/// Watches the files behind `sources` and calls `notify` (from a background thread) once per
/// settled burst of changes. Sources that cannot be watched are skipped: the reader still works,
/// only without live updates for them; the returned strings say which.
pub fn watch(
    sources: &[StoreSource],
    notify: impl Fn() -> bool + Send + 'static,
) -> notify::Result<(LiveStores, Vec<String>)> {
    let watches = watches(sources);
    let (tx, rx) = mpsc::channel::<notify::Result<notify::Event>>();
    let mut watcher = notify::recommended_watcher(tx)?;
    let mut problems = Vec::new();
    let folders: BTreeSet<&PathBuf> = watches.iter().map(|w| &w.folder).collect();
    for folder in folders {
        if let Err(error) = watcher.watch(folder, RecursiveMode::NonRecursive) {
            problems.push(format!(
                "cannot watch {} for changes: {error}",
                crate::engine::store::source::display_path(folder)
            ));
        }
    }
    std::thread::Builder::new()
        .name("herald-live".into())
        .spawn(move || debounce(&rx, &watches, notify))
        .map_err(notify::Error::io)?;
    Ok((LiveStores { _watcher: watcher }, problems))
}

fn relevant(event: &notify::Result<notify::Event>, watches: &[Watch]) -> bool {
    match event {
        // A lost event (queue overflow) may have been about us: reload to be safe.
        Err(_) => true,
        Ok(event) => {
            !matches!(event.kind, notify::EventKind::Access(_))
                && event
                    .paths
                    .iter()
                    .any(|path| watches.iter().any(|w| w.matches(path)))
        }
    }
}

/// Blocks until a relevant event, then waits until the events stop for [`DEBOUNCE`] (or
/// [`MAX_DELAY`] has passed) and calls `notify`. Ends when the watcher is dropped or `notify`
/// returns false (nobody listens any more).
fn debounce(
    rx: &Receiver<notify::Result<notify::Event>>,
    watches: &[Watch],
    notify: impl Fn() -> bool,
) {
    while let Ok(event) = rx.recv() {
        if !relevant(&event, watches) {
            continue;
        }
        let start = Instant::now();
        loop {
            let left = MAX_DELAY.saturating_sub(start.elapsed());
            if left.is_zero() {
                break;
            }
            match rx.recv_timeout(DEBOUNCE.min(left)) {
                Ok(_) => {}
                Err(RecvTimeoutError::Timeout) => break,
                Err(RecvTimeoutError::Disconnected) => return,
            }
        }
        if !notify() {
            return;
        }
    }
}

/// A channel-backed signal for callers that check between commands (plain mode).
pub fn channel_notifier() -> (impl Fn() -> bool + Send + 'static, Receiver<()>) {
    let (tx, rx): (Sender<()>, Receiver<()>) = mpsc::channel();
    (move || tx.send(()).is_ok(), rx)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn files_are_watched_through_their_folder_and_folders_by_extension() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("wire.jsonl");
        std::fs::write(&file, "").unwrap();
        let w = watches(&[
            StoreSource::Path(file.clone()),
            StoreSource::Path(dir.path().to_path_buf()),
            StoreSource::Embedded,
        ]);
        assert_eq!(w.len(), 2);
        assert_eq!(w[0].folder, dir.path());
        assert!(w[0].matches(&file));
        assert!(!w[0].matches(&dir.path().join("other.jsonl")));
        assert!(!w[0].matches(&dir.path().join(".wire.jsonl.tmp123")));
        assert!(w[1].matches(&dir.path().join("new.json")));
        assert!(!w[1].matches(&dir.path().join("notes.txt")));
    }

    #[test]
    fn a_rename_over_the_file_and_an_append_are_each_reported() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("s.jsonl");
        std::fs::write(&file, "").unwrap();
        let (notifier, rx) = channel_notifier();
        let (_live, problems) = watch(&[StoreSource::Path(file.clone())], notifier).unwrap();
        assert!(problems.is_empty(), "{problems:?}");
        let deadline = Duration::from_secs(20);

        let temp = dir.path().join("s.jsonl.tmp");
        std::fs::write(&temp, "{}\n").unwrap();
        std::fs::rename(&temp, &file).unwrap();
        rx.recv_timeout(deadline).expect("a rename is seen");

        use std::io::Write;
        let mut f = std::fs::OpenOptions::new()
            .append(true)
            .open(&file)
            .unwrap();
        writeln!(f, "{{}}").unwrap();
        drop(f);
        rx.recv_timeout(deadline).expect("an append is seen");

        // A file the store does not use changes nothing.
        std::fs::write(dir.path().join("unrelated.txt"), "x").unwrap();
        assert!(rx.recv_timeout(DEBOUNCE * 4).is_err());
    }
}
