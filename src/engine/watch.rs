//! Watching store files while a reader is open. A change notification is one more input: the
//! watcher thread waits in the kernel (inotify, FSEvents, kqueue) and, once the files have been
//! quiet for a moment, sends one message. Nothing here polls or ticks, so an idle reader stays
//! idle.
//!
//! Folders are watched, not files: a writer that replaces a file by renaming a new one over it
//! (the safe way to write) gives the new file a new inode, which a watch on the old file would
//! never see. A folder watch sees the rename, an append, a new file and a deleted one alike.
//! Each folder's parent is watched as well, so a folder deleted and made again is watched
//! again (see [`Folders`]).

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
use std::sync::{Arc, Mutex};
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
    /// Absolute (lexically), so it compares with the paths events carry.
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
            StoreSource::Path(path) => {
                let path = std::path::absolute(path).unwrap_or_else(|_| path.clone());
                if path.is_dir() {
                    return Some(Watch {
                        folder: path,
                        file: None,
                    });
                }
                Some(Watch {
                    folder: path.parent()?.to_path_buf(),
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
        // The folder itself (re)appearing or going: a scraper's `rm -rf out && mkdir out`.
        if same_folder(path, &self.folder) {
            return true;
        }
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
    _watcher: Arc<Mutex<Folders>>,
}

/// The watched folders, each with the identity (device, inode) of the folder the watch is on.
/// A watch follows an inode: once the folder is deleted, a new folder at the same path is
/// another inode that nothing watches. So each folder's parent is watched too; when an event
/// names a folder itself (deleted, made, renamed), it is watched anew. The identity catches
/// a folder replaced while no event was seen; a new folder may reuse the old inode number,
/// which is why the events decide too.
struct Folders {
    watcher: notify::RecommendedWatcher,
    watched: BTreeMap<PathBuf, Option<(u64, u64)>>,
}

fn identity(folder: &Path) -> Option<(u64, u64)> {
    use std::os::unix::fs::MetadataExt;
    let metadata = std::fs::metadata(folder).ok()?;
    metadata.is_dir().then(|| (metadata.dev(), metadata.ino()))
}

impl Folders {
    /// Watches every folder in `wanted` that exists and is not watched as it is now (never
    /// watched, or deleted and made again), and the parents of all of them. The problems, in
    /// words, for the folders that exist and cannot be watched.
    fn refresh<'a>(
        &mut self,
        wanted: impl IntoIterator<Item = &'a PathBuf>,
        touched: &BTreeSet<PathBuf>,
    ) -> Vec<String> {
        let mut problems = Vec::new();
        for folder in wanted {
            let now = identity(folder);
            let stale = self.watched.get(folder) != Some(&now) || touched.contains(folder);
            if now.is_some() && stale {
                // The old watch, if any, died with the old folder; unwatching it is tidying.
                let _ = self.watcher.unwatch(folder);
                match self.watcher.watch(folder, RecursiveMode::NonRecursive) {
                    Ok(()) => {
                        self.watched.insert(folder.clone(), now);
                    }
                    Err(error) => problems.push(format!(
                        "cannot watch {} for changes: {error}",
                        crate::engine::store::source::display_path(folder)
                    )),
                }
            }
            if let Some(parent) = folder.parent().filter(|p| !p.as_os_str().is_empty()) {
                let parent = parent.to_path_buf();
                let now = identity(&parent);
                if now.is_some() && self.watched.get(&parent) != Some(&now) {
                    let _ = self.watcher.unwatch(&parent);
                    // Best effort: without it only a recreated folder goes unseen.
                    if self
                        .watcher
                        .watch(&parent, RecursiveMode::NonRecursive)
                        .is_ok()
                    {
                        self.watched.insert(parent, now);
                    }
                }
            }
        }
        problems
    }
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
    let mut folders = Folders {
        watcher: notify::recommended_watcher(tx)?,
        watched: BTreeMap::new(),
    };
    let wanted: BTreeSet<PathBuf> = watches.iter().map(|w| w.folder.clone()).collect();
    let problems = folders.refresh(&wanted, &BTreeSet::new());
    let folders = Arc::new(Mutex::new(folders));
    let weak = Arc::downgrade(&folders);
    std::thread::Builder::new()
        .name("herald-live".into())
        .spawn(move || {
            let rewatch = |touched: &BTreeSet<PathBuf>| {
                if let Some(folders) = weak.upgrade()
                    && let Ok(mut folders) = folders.lock()
                {
                    folders.refresh(&wanted, touched);
                }
            };
            debounce(&rx, &watches, rewatch, notify);
        })
        .map_err(notify::Error::io)?;
    Ok((LiveStores { _watcher: folders }, problems))
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
/// [`MAX_DELAY`] has passed), watches again any folder that was made anew, and calls
/// `notify`. Ends when the watcher is dropped or `notify` returns false (nobody listens any
/// more).
fn debounce(
    rx: &Receiver<notify::Result<notify::Event>>,
    watches: &[Watch],
    rewatch: impl Fn(&BTreeSet<PathBuf>),
    notify: impl Fn() -> bool,
) {
    // The watched folders that events named themselves.
    let folders_in = |event: &notify::Result<notify::Event>, touched: &mut BTreeSet<PathBuf>| {
        if let Ok(event) = event {
            for path in &event.paths {
                for watch in watches.iter().filter(|w| &w.folder == path) {
                    touched.insert(watch.folder.clone());
                }
            }
        }
    };
    while let Ok(event) = rx.recv() {
        if !relevant(&event, watches) {
            continue;
        }
        let mut touched = BTreeSet::new();
        folders_in(&event, &mut touched);
        let start = Instant::now();
        loop {
            let left = MAX_DELAY.saturating_sub(start.elapsed());
            if left.is_zero() {
                break;
            }
            match rx.recv_timeout(DEBOUNCE.min(left)) {
                Ok(event) => folders_in(&event, &mut touched),
                Err(RecvTimeoutError::Timeout) => break,
                Err(RecvTimeoutError::Disconnected) => return,
            }
        }
        // Before the reload, so a file written into a new folder right after is seen too.
        rewatch(&touched);
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

    #[test]
    fn a_folder_deleted_and_made_again_is_still_watched() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("out");
        std::fs::create_dir(&out).unwrap();
        std::fs::write(out.join("a.json"), "{}").unwrap();
        let (notifier, rx) = channel_notifier();
        let (_live, problems) = watch(&[StoreSource::Path(out.clone())], notifier).unwrap();
        assert!(problems.is_empty(), "{problems:?}");
        let deadline = Duration::from_secs(20);
        // The scraper's way: away with the folder, a new one, new files.
        std::fs::remove_dir_all(&out).unwrap();
        std::fs::create_dir(&out).unwrap();
        std::fs::write(out.join("a.json"), "{}").unwrap();
        rx.recv_timeout(deadline).expect("the new folder is seen");
        while rx.recv_timeout(DEBOUNCE * 3).is_ok() {}
        // And the new folder is watched: a change inside it is seen as well.
        std::fs::write(out.join("b.json"), "{}").unwrap();
        rx.recv_timeout(deadline)
            .expect("a file written into the new folder is seen");
    }
}
