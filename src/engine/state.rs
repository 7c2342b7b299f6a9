//! The reader's own state: which articles are read or starred, and which was selected last.
//! It lives in the user's data directory, never in a store.
//!
//! Several Herald instances may run at once (two SSH sessions, a plain-mode reader beside the
//! full-screen one). So a save never overwrites what another instance wrote: under an exclusive
//! lock it reads the file as it is now, merges mark by mark (the most recent change wins), and
//! replaces the file atomically (temp file, fsync, rename, fsync of the folder). A crash at any
//! point leaves either the old file or the new one, each complete.

use std::collections::{HashMap, HashSet};
use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

use serde::{Deserialize, Serialize};

/// The version of the file format this build writes and understands.
const FORMAT_VERSION: u32 = 1;

/// Identifies an article across runs: ids are unique only within a store.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct ArticleKey {
    pub store: String,
    pub id: String,
}

impl ArticleKey {
    pub fn new(store: &str, id: &str) -> Self {
        Self {
            store: store.to_owned(),
            id: id.to_owned(),
        }
    }
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
struct Mark {
    #[serde(default)]
    read: bool,
    #[serde(default)]
    starred: bool,
    /// Milliseconds since the Unix epoch of the last change, for merging.
    #[serde(default)]
    changed: u64,
}

/// The file as stored. Marks for articles that no longer exist are kept: a store may come back.
#[derive(Debug, Default, Serialize, Deserialize)]
struct StateFile {
    version: u32,
    #[serde(default)]
    marks: Vec<StoredMark>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    selected: Option<ArticleKey>,
}

#[derive(Debug, Serialize, Deserialize)]
struct StoredMark {
    #[serde(flatten)]
    key: ArticleKey,
    #[serde(flatten)]
    mark: Mark,
}

#[derive(Debug, Default)]
pub struct ReaderState {
    /// Where the state is saved; `None` keeps it in memory only (tests, or no data directory).
    path: Option<PathBuf>,
    /// Store name -> article id -> mark: nested so a lookup by `&str` allocates nothing (the
    /// list asks for every visible row on every frame).
    marks: HashMap<String, HashMap<String, Mark>>,
    selected: Option<ArticleKey>,
    /// Marks changed in this session and not yet saved.
    dirty: HashSet<ArticleKey>,
    selected_dirty: bool,
    /// Set when the file was written by a newer Herald: read it, but never overwrite it.
    read_only: bool,
}

impl ReaderState {
    /// State that is never saved.
    pub fn in_memory() -> Self {
        Self::default()
    }

    /// `$XDG_DATA_HOME/herald/state.json` (or the platform's equivalent).
    pub fn default_path() -> Option<PathBuf> {
        crate::paths::data_dir().map(|dir| dir.join("state.json"))
    }

    /// Loads the state at `path`. A missing file is an empty state. A corrupt one is moved aside
    /// (`state.json.corrupt-<seconds>`) so nothing is lost, and reported once; Herald starts with
    /// an empty state.
    pub fn open(path: PathBuf) -> (Self, Vec<String>) {
        let mut problems = Vec::new();
        let mut state = Self {
            path: Some(path.clone()),
            ..Self::default()
        };
        match read_file(&path) {
            Ok(Some(file)) => state.adopt(file, &mut problems),
            Ok(None) => {}
            Err(problem) => problems.push(set_aside(&path, &problem)),
        }
        (state, problems)
    }

    fn adopt(&mut self, file: StateFile, problems: &mut Vec<String>) {
        if file.version > FORMAT_VERSION {
            self.read_only = true;
            problems.push(format!(
                "the reader state was written by a newer Herald (format {}); marks made now \
                 will not be saved",
                file.version
            ));
        }
        for StoredMark { key, mark } in file.marks {
            self.put(key, mark);
        }
        self.selected = file.selected;
    }

    pub fn is_read(&self, store: &str, id: &str) -> bool {
        self.mark(store, id).is_some_and(|m| m.read)
    }

    pub fn is_starred(&self, store: &str, id: &str) -> bool {
        self.mark(store, id).is_some_and(|m| m.starred)
    }

    fn mark(&self, store: &str, id: &str) -> Option<&Mark> {
        self.marks.get(store)?.get(id)
    }

    fn put(&mut self, key: ArticleKey, mark: Mark) {
        self.marks
            .entry(key.store)
            .or_default()
            .insert(key.id, mark);
    }

    pub fn set_read(&mut self, store: &str, id: &str, read: bool) {
        self.change(store, id, |mark| mark.read = read);
    }

    pub fn set_starred(&mut self, store: &str, id: &str, starred: bool) {
        self.change(store, id, |mark| mark.starred = starred);
    }

    fn change(&mut self, store: &str, id: &str, edit: impl FnOnce(&mut Mark)) {
        let mark = self
            .marks
            .entry(store.to_owned())
            .or_default()
            .entry(id.to_owned())
            .or_default();
        let before = *mark;
        edit(mark);
        if mark.read != before.read || mark.starred != before.starred {
            mark.changed = now_millis().max(before.changed + 1);
            self.dirty.insert(ArticleKey::new(store, id));
        }
    }

    pub fn last_selected(&self) -> Option<&ArticleKey> {
        self.selected.as_ref()
    }

    pub fn set_last_selected(&mut self, key: ArticleKey) {
        if self.selected.as_ref() != Some(&key) {
            self.selected = Some(key);
            self.selected_dirty = true;
        }
    }

    /// True when there are changes that [`save`](Self::save) would write.
    pub fn has_unsaved_changes(&self) -> bool {
        !self.read_only && self.path.is_some() && (!self.dirty.is_empty() || self.selected_dirty)
    }

    /// Merges this session's changes into the file on disk and replaces it atomically. Marks made
    /// by other instances since this one loaded are kept, and become visible here too.
    pub fn save(&mut self) -> io::Result<()> {
        if !self.has_unsaved_changes() {
            return Ok(());
        }
        let Some(path) = self.path.clone() else {
            return Ok(());
        };
        if let Some(dir) = path.parent() {
            fs::create_dir_all(dir)?;
        }
        let lock = lock_file(&path)?;
        lock.lock()?;
        let on_disk = match read_file(&path) {
            Ok(file) => file.unwrap_or_default(),
            Err(problem) => {
                // Someone wrote garbage since we loaded: keep it for inspection, then write ours.
                set_aside(&path, &problem);
                StateFile::default()
            }
        };
        self.merge_from_disk(on_disk);
        write_atomically(&path, &self.to_file())?;
        self.dirty.clear();
        self.selected_dirty = false;
        lock.unlock()
    }

    fn merge_from_disk(&mut self, disk: StateFile) {
        for StoredMark { key, mark } in disk.marks {
            let ours_is_newer = self.dirty.contains(&key)
                && self
                    .mark(&key.store, &key.id)
                    .is_some_and(|m| m.changed >= mark.changed);
            if !ours_is_newer {
                self.put(key, mark);
            }
        }
        if !self.selected_dirty {
            self.selected = disk.selected;
        }
    }

    fn to_file(&self) -> StateFile {
        let mut marks: Vec<StoredMark> = self
            .marks
            .iter()
            .flat_map(|(store, ids)| {
                ids.iter().map(|(id, mark)| StoredMark {
                    key: ArticleKey::new(store, id),
                    mark: *mark,
                })
            })
            .collect();
        // Sorted, so the file diffs cleanly and two saves of the same state are identical.
        marks.sort_by(|a, b| a.key.cmp(&b.key));
        StateFile {
            version: FORMAT_VERSION,
            marks,
            selected: self.selected.clone(),
        }
    }
}

/// What [`compact`] did.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Compacted {
    pub removed: usize,
    pub kept: usize,
}

/// Removes, from the state file at `path`, the marks that `remove` picks. Done under the same
/// lock as a save, reading the file as it is now, so a reader saving at the same moment loses
/// nothing but the marks removed here. Marks are never dropped any other way: this is the
/// explicit `herald state compact` command.
pub fn compact(path: &Path, remove: impl Fn(&ArticleKey) -> bool) -> io::Result<Compacted> {
    if !path.exists() {
        return Ok(Compacted::default());
    }
    let lock = lock_file(path)?;
    lock.lock()?;
    let mut file = match read_file(path) {
        Ok(file) => file.unwrap_or_default(),
        Err(problem) => return Err(io::Error::other(problem)),
    };
    if file.version > FORMAT_VERSION {
        return Err(io::Error::other(
            "the reader state was written by a newer Herald; it is left as it is",
        ));
    }
    let before = file.marks.len();
    file.marks.retain(|m| !remove(&m.key));
    let result = Compacted {
        removed: before - file.marks.len(),
        kept: file.marks.len(),
    };
    if result.removed > 0 {
        write_atomically(path, &file)?;
    }
    lock.unlock()?;
    Ok(result)
}

fn now_millis() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
}

/// `Ok(None)` when there is no file yet; `Err` with a description when it cannot be used.
fn read_file(path: &Path) -> Result<Option<StateFile>, String> {
    let text = match fs::read_to_string(path) {
        Ok(text) => text,
        Err(error) if error.kind() == io::ErrorKind::NotFound => return Ok(None),
        Err(error) => return Err(format!("cannot read: {error}")),
    };
    serde_json::from_str(&text)
        .map(Some)
        .map_err(|error| format!("not valid state: {error}"))
}

/// Moves an unusable state file aside and says where it went.
fn set_aside(path: &Path, problem: &str) -> String {
    let seconds = now_millis() / 1000;
    let mut aside = path.as_os_str().to_owned();
    aside.push(format!(".corrupt-{seconds}"));
    let aside = PathBuf::from(aside);
    let shown = crate::engine::store::source::display_path(path);
    match fs::rename(path, &aside) {
        Ok(()) => format!(
            "the reader state {shown} was unusable ({problem}); it was moved to {} and Herald \
             started with no read marks",
            crate::engine::store::source::display_path(&aside)
        ),
        Err(error) => format!(
            "the reader state {shown} was unusable ({problem}) and could not be moved aside: {error}"
        ),
    }
}

fn lock_file(path: &Path) -> io::Result<File> {
    let mut lock_path = path.as_os_str().to_owned();
    lock_path.push(".lock");
    OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(PathBuf::from(lock_path))
}

/// Writes `file` next to `path` and renames it into place, with fsyncs so that after a crash or
/// power loss the file is either the old one or the new one, complete.
fn write_atomically(path: &Path, file: &StateFile) -> io::Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    let mut temp = tempfile::NamedTempFile::new_in(dir)?;
    // Buffered: serde writes a token at a time, and 100k marks unbuffered were a million
    // system calls (five seconds).
    let mut out = io::BufWriter::with_capacity(1 << 16, temp.as_file_mut());
    serde_json::to_writer_pretty(&mut out, file).map_err(io::Error::other)?;
    out.write_all(b"\n")?;
    out.flush()?;
    drop(out);
    temp.as_file().sync_all()?;
    temp.persist(path).map_err(|e| e.error)?;
    // The rename is durable only once the folder's entry is on disk.
    File::open(dir)?.sync_all()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn temp_state() -> (tempfile::TempDir, PathBuf) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("herald").join("state.json");
        (dir, path)
    }

    #[test]
    fn marks_survive_a_restart() {
        let (_dir, path) = temp_state();
        let (mut state, problems) = ReaderState::open(path.clone());
        assert!(problems.is_empty());
        state.set_read("VOA", "a", true);
        state.set_starred("VOA", "b", true);
        state.set_last_selected(ArticleKey::new("VOA", "b"));
        state.save().unwrap();
        let (again, _) = ReaderState::open(path);
        assert!(again.is_read("VOA", "a"));
        assert!(!again.is_read("VOA", "b"));
        assert!(again.is_starred("VOA", "b"));
        assert!(!again.is_read("Other", "a"), "keys include the store");
        assert_eq!(again.last_selected(), Some(&ArticleKey::new("VOA", "b")));
    }

    #[test]
    fn two_instances_keep_each_others_marks() {
        let (_dir, path) = temp_state();
        let (mut one, _) = ReaderState::open(path.clone());
        let (mut two, _) = ReaderState::open(path.clone());
        one.set_read("S", "from-one", true);
        two.set_read("S", "from-two", true);
        one.save().unwrap();
        two.save().unwrap();
        assert!(
            two.is_read("S", "from-one"),
            "a save brings in the other instance's marks"
        );
        let (fresh, _) = ReaderState::open(path);
        assert!(fresh.is_read("S", "from-one"));
        assert!(fresh.is_read("S", "from-two"));
    }

    #[test]
    fn the_latest_change_to_one_mark_wins() {
        let (_dir, path) = temp_state();
        let (mut one, _) = ReaderState::open(path.clone());
        let (mut two, _) = ReaderState::open(path.clone());
        one.set_read("S", "x", true);
        one.save().unwrap();
        two.set_read("S", "x", true);
        two.set_read("S", "x", false);
        two.save().unwrap();
        let (fresh, _) = ReaderState::open(path);
        assert!(!fresh.is_read("S", "x"));
    }

    #[test]
    fn a_corrupt_file_is_moved_aside_and_reported() {
        let (dir, path) = temp_state();
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(&path, "{ not json").unwrap();
        let (mut state, problems) = ReaderState::open(path.clone());
        assert_eq!(problems.len(), 1);
        assert!(problems[0].contains("was unusable"), "{}", problems[0]);
        assert!(!state.is_read("S", "x"));
        let kept: Vec<_> = fs::read_dir(dir.path().join("herald"))
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n.starts_with("state.json.corrupt-"))
            .collect();
        assert_eq!(kept.len(), 1);
        assert_eq!(
            fs::read_to_string(dir.path().join("herald").join(&kept[0])).unwrap(),
            "{ not json"
        );
        state.set_read("S", "x", true);
        state.save().unwrap();
        assert!(ReaderState::open(path).0.is_read("S", "x"));
    }

    #[test]
    fn marks_for_missing_articles_are_kept() {
        let (_dir, path) = temp_state();
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(&path, r#"{"version": 1, "marks": [{"store": "Gone", "id": "old", "read": true, "changed": 5}]}"#)
            .unwrap();
        let (mut state, _) = ReaderState::open(path.clone());
        state.set_read("Here", "new", true);
        state.save().unwrap();
        let (fresh, _) = ReaderState::open(path);
        assert!(fresh.is_read("Gone", "old"));
        assert!(fresh.is_read("Here", "new"));
    }

    #[test]
    fn a_newer_format_is_read_but_never_overwritten() {
        let (_dir, path) = temp_state();
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        let newer = r#"{"version": 99, "marks": [{"store": "S", "id": "a", "read": true}]}"#;
        fs::write(&path, newer).unwrap();
        let (mut state, problems) = ReaderState::open(path.clone());
        assert!(state.is_read("S", "a"));
        assert!(problems[0].contains("newer Herald"));
        state.set_read("S", "b", true);
        state.save().unwrap();
        assert_eq!(fs::read_to_string(&path).unwrap(), newer);
    }

    #[test]
    fn saving_without_changes_writes_nothing() {
        let (_dir, path) = temp_state();
        let (mut state, _) = ReaderState::open(path.clone());
        state.set_read("S", "a", false);
        state.save().unwrap();
        assert!(!path.exists());
    }
}
