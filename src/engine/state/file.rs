//! The reader state on disk: `state.json` in the data folder.
//!
//! Several Herald instances may run at once (two SSH sessions, a plain-mode reader beside the
//! full-screen one). So a save never overwrites what another instance wrote: under an
//! exclusive lock it reads the file as it is now, merges this session's changes into it mark
//! by mark (the most recent change wins), and replaces the file atomically (temp file, fsync,
//! rename, fsync of the folder). A crash at any point leaves either the old file or the new
//! one, each complete. Only the changed marks are merged in: a mark another instance (or
//! `herald state compact`) removed is not written back from this session's memory.

use std::collections::HashMap;
use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::{ArticleKey, Changes, Mark, Marks, Outside, Timestamp};

/// The version of the file format this build writes and understands.
const FORMAT_VERSION: u32 = 1;

/// The file as stored. Marks for articles that no longer exist are kept: a store may come back.
#[derive(Debug, Default, Serialize, Deserialize)]
struct Stored {
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

/// The state file, as the saver knows it.
#[derive(Debug)]
pub struct StateFile {
    path: PathBuf,
    /// The marks on disk as last read or written: what this session has already seen.
    known: HashMap<ArticleKey, Mark>,
    /// Written by a newer Herald: read it, never overwrite it.
    read_only: bool,
}

/// `$XDG_DATA_HOME/herald/state.json` (or the platform's equivalent).
pub fn default_path() -> Option<PathBuf> {
    crate::paths::data_dir().map(|dir| dir.join("state.json"))
}

/// Loads the state at `path`: the marks for the app, the file for the saver, and problems to
/// tell the user once. A missing file is an empty state. A corrupt one is moved aside
/// (`state.json.corrupt-<seconds>`) so nothing is lost, and Herald starts with no marks.
pub fn open(path: PathBuf) -> (Marks, StateFile, Vec<String>) {
    let mut problems = Vec::new();
    let stored = match read(&path) {
        Ok(stored) => stored.unwrap_or_default(),
        Err(problem) => {
            problems.push(set_aside(&path, &problem));
            Stored::default()
        }
    };
    let read_only = stored.version > FORMAT_VERSION;
    if read_only {
        problems.push(format!(
            "the reader state was written by a newer Herald (format {}); marks made now \
             will not be saved",
            stored.version
        ));
    }
    let known: HashMap<ArticleKey, Mark> =
        stored.marks.into_iter().map(|m| (m.key, m.mark)).collect();
    let marks = Marks::from_file(
        known.iter().map(|(k, m)| (k.clone(), *m)),
        stored.selected,
        read_only,
    );
    let file = StateFile {
        path,
        known,
        read_only,
    };
    (marks, file, problems)
}

impl StateFile {
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Merges `changes` into the file on disk and replaces it atomically; returns what the file
    /// held that this session did not know (other instances' marks), for the app to take in.
    pub fn save(&mut self, changes: &Changes) -> io::Result<Outside> {
        if self.read_only || changes.is_empty() {
            return Ok(Outside::default());
        }
        if let Some(dir) = self.path.parent() {
            fs::create_dir_all(dir)?;
        }
        let lock = lock_file(&self.path)?;
        lock.lock()?;
        let on_disk = match read(&self.path) {
            Ok(stored) => stored.unwrap_or_default(),
            Err(problem) => {
                // Someone wrote garbage since we loaded: keep it for inspection, then write ours.
                set_aside(&self.path, &problem);
                Stored::default()
            }
        };
        if on_disk.version > FORMAT_VERSION {
            self.read_only = true;
            lock.unlock()?;
            return Err(io::Error::other(
                "the reader state was written by a newer Herald since this one started; it is \
                 left as it is",
            ));
        }
        let mut merged: HashMap<ArticleKey, Mark> =
            on_disk.marks.into_iter().map(|m| (m.key, m.mark)).collect();
        let ours: HashMap<&ArticleKey, &Mark> = changes.marks.iter().map(|(k, m)| (k, m)).collect();
        for (key, mark) in &changes.marks {
            match merged.get(key) {
                // A later change made elsewhere wins.
                Some(theirs) if theirs.changed > mark.changed => {}
                _ => {
                    merged.insert(key.clone(), *mark);
                }
            }
        }
        let selected = match &changes.selected {
            Some(selection) => selection.clone(),
            None => on_disk.selected,
        };
        write_atomically(&self.path, &to_stored(&merged, selected))?;
        lock.unlock()?;
        // What differs from what this session believes (its last view plus its changes).
        let mut outside = Outside::default();
        for (key, mark) in &merged {
            let believed = ours.get(key).copied().or_else(|| self.known.get(key));
            if believed != Some(mark) {
                outside.marks.push((key.clone(), *mark));
            }
        }
        outside.forgotten = self
            .known
            .keys()
            .filter(|key| !merged.contains_key(*key))
            .cloned()
            .collect();
        self.known = merged;
        Ok(outside)
    }
}

fn to_stored(marks: &HashMap<ArticleKey, Mark>, selected: Option<ArticleKey>) -> Stored {
    let mut marks: Vec<StoredMark> = marks
        .iter()
        .map(|(key, mark)| StoredMark {
            key: key.clone(),
            mark: *mark,
        })
        .collect();
    // Sorted, so the file diffs cleanly and two saves of the same state are identical.
    marks.sort_by(|a, b| a.key.cmp(&b.key));
    Stored {
        version: FORMAT_VERSION,
        marks,
        selected,
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
    let mut stored = read(path).map_err(io::Error::other)?.unwrap_or_default();
    if stored.version > FORMAT_VERSION {
        return Err(io::Error::other(
            "the reader state was written by a newer Herald; it is left as it is",
        ));
    }
    let before = stored.marks.len();
    stored.marks.retain(|m| !remove(&m.key));
    let result = Compacted {
        removed: before - stored.marks.len(),
        kept: stored.marks.len(),
    };
    if result.removed > 0 {
        write_atomically(path, &stored)?;
    }
    lock.unlock()?;
    Ok(result)
}

/// Writes the state as JSON to `out`, buffered: serde writes a token at a time, and 100k marks
/// unbuffered were a million system calls (five seconds, with no key answered).
fn write_stored(out: impl Write, file: &Stored) -> io::Result<()> {
    let mut out = io::BufWriter::with_capacity(1 << 16, out);
    serde_json::to_writer_pretty(&mut out, file).map_err(io::Error::other)?;
    out.write_all(b"\n")?;
    out.flush()
}

/// `Ok(None)` when there is no file yet; `Err` with a description when it cannot be used.
fn read(path: &Path) -> Result<Option<Stored>, String> {
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
    let seconds = Timestamp::now().0 / 1000;
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
fn write_atomically(path: &Path, file: &Stored) -> io::Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    let mut temp = tempfile::NamedTempFile::new_in(dir)?;
    write_stored(temp.as_file_mut(), file)?;
    temp.as_file().sync_all()?;
    temp.persist(path).map_err(|e| e.error)?;
    // The rename is durable only once the folder's entry is on disk.
    File::open(dir)?.sync_all()
}

#[cfg(test)]
mod tests {
    use super::*;

    const T: Timestamp = Timestamp(1_000);

    fn temp_state() -> (tempfile::TempDir, PathBuf) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("herald").join("state.json");
        (dir, path)
    }

    fn save(marks: &mut Marks, file: &mut StateFile) -> Outside {
        let changes = marks.take_changes().unwrap_or_default();
        let outside = file.save(&changes).unwrap();
        marks.adopt(outside.clone());
        outside
    }

    #[test]
    fn marks_survive_a_restart() {
        let (_dir, path) = temp_state();
        let (mut marks, mut file, problems) = open(path.clone());
        assert!(problems.is_empty());
        marks.set_read("VOA", "a", true, T);
        marks.set_starred("VOA", "b", true, T);
        marks.set_last_selected(ArticleKey::new("VOA", "b"));
        save(&mut marks, &mut file);
        let (again, _, _) = open(path);
        assert!(again.is_read("VOA", "a"));
        assert!(!again.is_read("VOA", "b"));
        assert!(again.is_starred("VOA", "b"));
        assert!(!again.is_read("Other", "a"), "keys include the store");
        assert_eq!(again.last_selected(), Some(&ArticleKey::new("VOA", "b")));
    }

    #[test]
    fn two_instances_keep_each_others_marks() {
        let (_dir, path) = temp_state();
        let (mut one, mut one_file, _) = open(path.clone());
        let (mut two, mut two_file, _) = open(path.clone());
        one.set_read("S", "from-one", true, T);
        two.set_read("S", "from-two", true, T);
        save(&mut one, &mut one_file);
        let outside = save(&mut two, &mut two_file);
        assert_eq!(outside.marks.len(), 1, "{outside:?}");
        assert!(
            two.is_read("S", "from-one"),
            "a save brings in the other instance's marks"
        );
        let (fresh, _, _) = open(path);
        assert!(fresh.is_read("S", "from-one"));
        assert!(fresh.is_read("S", "from-two"));
    }

    #[test]
    fn the_latest_change_to_one_mark_wins() {
        let (_dir, path) = temp_state();
        let (mut one, mut one_file, _) = open(path.clone());
        let (mut two, mut two_file, _) = open(path.clone());
        one.set_read("S", "x", true, Timestamp(5_000));
        save(&mut one, &mut one_file);
        two.set_read("S", "x", true, Timestamp(6_000));
        two.set_read("S", "x", false, Timestamp(6_000));
        save(&mut two, &mut two_file);
        let (fresh, _, _) = open(path.clone());
        assert!(!fresh.is_read("S", "x"));
        // An older change loses to the one on disk, and the loser hears of the winner.
        let (mut old, mut old_file, _) = open(path.clone());
        old.set_starred("S", "x", true, Timestamp(1));
        let (mut newer, mut newer_file, _) = open(path.clone());
        newer.set_starred("S", "x", false, Timestamp(9_000));
        newer.set_read("S", "x", true, Timestamp(9_000));
        save(&mut newer, &mut newer_file);
        save(&mut old, &mut old_file);
        assert!(old.is_read("S", "x"), "the newer mark was taken in");
        assert!(open(path).0.is_read("S", "x"));
    }

    #[test]
    fn a_corrupt_file_is_moved_aside_and_reported() {
        let (dir, path) = temp_state();
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(&path, "{ not json").unwrap();
        let (mut marks, mut file, problems) = open(path.clone());
        assert_eq!(problems.len(), 1);
        assert!(problems[0].contains("was unusable"), "{}", problems[0]);
        assert!(!marks.is_read("S", "x"));
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
        marks.set_read("S", "x", true, T);
        save(&mut marks, &mut file);
        assert!(open(path).0.is_read("S", "x"));
    }

    #[test]
    fn marks_for_missing_articles_are_kept() {
        let (_dir, path) = temp_state();
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(&path, r#"{"version": 1, "marks": [{"store": "Gone", "id": "old", "read": true, "changed": 5}]}"#)
            .unwrap();
        let (mut marks, mut file, _) = open(path.clone());
        marks.set_read("Here", "new", true, T);
        save(&mut marks, &mut file);
        let (fresh, _, _) = open(path);
        assert!(fresh.is_read("Gone", "old"));
        assert!(fresh.is_read("Here", "new"));
    }

    #[test]
    fn a_newer_format_is_read_but_never_overwritten() {
        let (_dir, path) = temp_state();
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        let newer = r#"{"version": 99, "marks": [{"store": "S", "id": "a", "read": true}]}"#;
        fs::write(&path, newer).unwrap();
        let (mut marks, mut file, problems) = open(path.clone());
        assert!(marks.is_read("S", "a"));
        assert!(problems[0].contains("newer Herald"));
        marks.set_read("S", "b", true, T);
        assert!(marks.take_changes().is_none(), "nothing to save");
        assert!(file.save(&Changes::default()).is_ok());
        assert_eq!(fs::read_to_string(&path).unwrap(), newer);
    }

    #[test]
    fn saving_without_changes_writes_nothing() {
        let (_dir, path) = temp_state();
        let (mut marks, _file, _) = open(path.clone());
        marks.set_read("S", "a", false, T);
        assert!(marks.take_changes().is_none());
        assert!(!path.exists());
    }

    #[test]
    fn a_compacted_mark_is_not_written_back_by_a_running_reader() {
        let (_dir, path) = temp_state();
        let (mut reader, mut reader_file, _) = open(path.clone());
        reader.set_read("S", "gone", true, T);
        reader.set_read("S", "here", true, T);
        save(&mut reader, &mut reader_file);
        compact(&path, |key| key.id == "gone").unwrap();
        // The reader marks something else and saves: "gone" stays gone, here and there too.
        reader.set_read("S", "new", true, T);
        let outside = save(&mut reader, &mut reader_file);
        assert_eq!(outside.forgotten, [ArticleKey::new("S", "gone")]);
        let (fresh, _, _) = open(path);
        assert!(!fresh.is_read("S", "gone"));
        assert!(fresh.is_read("S", "here") && fresh.is_read("S", "new"));
        assert!(!reader.is_read("S", "gone"), "the reader forgot it too");
    }

    /// Counts the writes that reach it (each would be a system call on a file).
    struct Counting(usize, usize);

    impl Write for Counting {
        fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
            self.0 += 1;
            self.1 += bytes.len();
            Ok(bytes.len())
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn the_state_reaches_the_file_in_large_writes() {
        let marks: HashMap<ArticleKey, Mark> = (0..100_000)
            .map(|n| {
                let mark = Mark {
                    read: true,
                    starred: n % 7 == 0,
                    changed: 1_000 + n,
                };
                (ArticleKey::new("Store", &format!("article-{n}")), mark)
            })
            .collect();
        let mut out = Counting(0, 0);
        write_stored(&mut out, &to_stored(&marks, None)).unwrap();
        // About 100 bytes a mark, written in 64 KB pieces: some 150 writes, not a million.
        assert!(out.1 > 8_000_000, "{} bytes", out.1);
        assert!(
            out.0 <= out.1 / 60_000 + 2,
            "{} writes for {} bytes",
            out.0,
            out.1
        );
    }

    #[test]
    fn a_hundred_thousand_marks_round_trip() {
        let (_dir, path) = temp_state();
        let (mut marks, mut file, _) = open(path.clone());
        for n in 0..100_000 {
            marks.set_read("S", &format!("article-{n}"), true, T);
        }
        let changes = marks.take_changes().unwrap();
        file.save(&changes).unwrap();
        let bytes = fs::metadata(&path).unwrap().len();
        assert!(bytes > 1_000_000, "{bytes}");
        assert_eq!(open(path).0.len(), 100_000);
    }
}
