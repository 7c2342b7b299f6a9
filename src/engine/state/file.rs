//! The reader state on disk: `state.json` in the data folder.
//!
//! Several Herald instances may run at once (two SSH sessions, a plain-mode reader beside the
//! full-screen one). So a save never overwrites what another instance wrote: under an
//! exclusive lock it reads the file as it is now, merges this session's changes into it mark
//! by mark (the most recent change wins), and replaces the file atomically (temp file, fsync,
//! rename, fsync of the folder). A crash at any point leaves either the old file or the new
//! one, each complete. Only the changed marks are merged in: a mark another instance (or
//! `herald state compact`) removed is not written back from this session's memory.
//!
//! When the file is not what it should be, no mark that can be read is lost:
//! - a mark (or the selection) that cannot be read is left out and reported, with its line;
//!   the file as it was is kept beside it (`state.json.corrupt-<seconds>[-n]`, never
//!   overwriting an earlier copy), and the rest is written back clean;
//! - a file that is not state at all is moved aside the same way, and Herald starts empty;
//! - a file that cannot be read (permissions, a FIFO or a folder at the path) is left alone,
//!   and marks are kept in memory only, as they are when it cannot be moved aside;
//! - the lock is waited for at most [`LOCK_WAIT`], on the saver's thread, never the keys'.
//!   A save that cannot get it fails, is reported, and its marks are saved with the next one;
//! - temporary files of a save killed before its rename are removed at the next start.

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
    /// When the last session to end ended, in milliseconds since the Unix epoch: the later of
    /// the instances' ends wins, as with marks.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    session_ended: Option<u64>,
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

/// How long a save (or compaction) waits for another instance's lock before it gives up.
/// Saves happen on the saver thread, so the keys never wait; quitting waits this long at most.
pub const LOCK_WAIT: std::time::Duration = std::time::Duration::from_secs(2);

/// A session end later than this (the year 9999) is not believed.
const MAX_SESSION_MILLIS: u64 = 253_402_300_800_000;

/// The largest state file read: about ten million marks.
const MAX_STATE_BYTES: u64 = 1 << 30;

/// Loads the state at `path`: the marks for the app, the file for the saver, and problems to
/// tell the user once. A missing file is an empty state; for the others, see the module's
/// notes. Never waits for a lock: what it tidies (a repair, stale temporary files) it does
/// only if the lock is free at once.
pub fn open(path: PathBuf) -> (Marks, StateFile, Vec<String>) {
    let mut problems = Vec::new();
    let mut read_only = false;
    let shown = crate::engine::store::source::display_path(&path);
    let stored = match read(&path) {
        Found::Missing => Stored::default(),
        Found::State(stored, bad) if bad.is_empty() => stored,
        Found::State(stored, bad) => {
            let (problem, kept) = left_out(&path, &stored, &bad);
            problems.push(problem);
            if !kept {
                // Saving now would drop the unreadable entries with no copy of them left.
                read_only = true;
            } else if stored.version <= FORMAT_VERSION {
                repair(&path, &stored);
            }
            stored
        }
        Found::Unusable(problem) => {
            match move_aside(&path) {
                Ok(aside) => problems.push(format!(
                    "the reader state {shown} was unusable ({problem}); it was moved to {} \
                     and Herald started with no read marks",
                    crate::engine::store::source::display_path(&aside)
                )),
                Err(error) => {
                    read_only = true;
                    problems.push(format!(
                        "the reader state {shown} was unusable ({problem}) and could not be \
                         moved aside ({error}); it is left as it is, and marks made now are \
                         not saved"
                    ));
                }
            }
            Stored::default()
        }
        Found::Unreadable(error) => {
            read_only = true;
            problems.push(format!(
                "the reader state {shown} cannot be read ({error}); it is left as it is, and \
                 marks made now are not saved"
            ));
            Stored::default()
        }
    };
    if stored.version > FORMAT_VERSION {
        read_only = true;
        problems.push(format!(
            "the reader state was written by a newer Herald (format {}); marks made now \
             will not be saved",
            stored.version
        ));
    }
    if !read_only {
        remove_stale_temporaries(&path, true);
    }
    let known: HashMap<ArticleKey, Mark> =
        stored.marks.into_iter().map(|m| (m.key, m.mark)).collect();
    let marks = Marks::from_file(
        known.iter().map(|(k, m)| (k.clone(), *m)),
        stored.selected,
        read_only,
        stored.session_ended.map(Timestamp),
    );
    let file = StateFile {
        path,
        known,
        read_only,
    };
    (marks, file, problems)
}

/// The marks at `path`, only read: no repair, no tidying, nothing written. For the writers of
/// stores (a fetch trimming a store to its size), which must not drop what the reader still
/// needs and must never touch the reader's own file.
pub fn peek(path: &Path) -> Marks {
    match read(path) {
        Found::State(stored, _) => Marks::from_file(
            stored.marks.into_iter().map(|m| (m.key, m.mark)),
            stored.selected,
            true,
            stored.session_ended.map(Timestamp),
        ),
        _ => Marks::in_memory(),
    }
}

/// Keeps a copy of a state file with unreadable entries and says so: which entries, where
/// the copy went, what stayed. False when no copy could be kept (then nothing may rewrite
/// the file).
fn left_out(path: &Path, stored: &Stored, bad: &[String]) -> (String, bool) {
    let shown = crate::engine::store::source::display_path(path);
    let (kept, copied) = match copy_aside(path) {
        Ok(aside) => (
            format!(
                "the file as it was is kept at {}",
                crate::engine::store::source::display_path(&aside)
            ),
            true,
        ),
        Err(error) => (
            format!(
                "a copy of the file could not be kept ({error}), so it is left as it is and \
                 marks made now are not saved"
            ),
            false,
        ),
    };
    let first = bad.first().map(String::as_str).unwrap_or_default();
    let more = match bad.len() {
        1 => String::new(),
        n => format!(" and {} more", n - 1),
    };
    let message = format!(
        "the reader state {shown} had {} Herald could not read ({first}{more}); {} left out, \
         the other {} kept; {kept}",
        plural(bad.len(), "entry", "entries"),
        if bad.len() == 1 {
            "it was"
        } else {
            "they were"
        },
        plural(stored.marks.len(), "mark", "marks"),
    );
    (message, copied)
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// Writes back the marks that could be read, so the next start does not find (and copy) the
/// same bad entries again. Only if the lock is free now: otherwise the next save does it.
fn repair(path: &Path, stored: &Stored) {
    let Ok(lock) = lock_file(path) else { return };
    if lock.try_lock().is_err() {
        return;
    }
    // Only if the file is still the one just read: another instance may have saved since.
    if let Found::State(now, bad) = read(path)
        && !bad.is_empty()
        && now.marks.len() == stored.marks.len()
    {
        let _ = write_atomically(path, &now);
    }
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
        wait_for(&lock)?;
        let mut problems = Vec::new();
        let on_disk = match read(&self.path) {
            Found::Missing => Stored::default(),
            Found::State(stored, bad) if bad.is_empty() => stored,
            Found::State(stored, bad) => {
                // Someone wrote a bad entry since we loaded: keep the file as it was, say so,
                // and write back everything that can be read.
                let (problem, kept) = left_out(&self.path, &stored, &bad);
                if !kept {
                    return Err(io::Error::other(problem));
                }
                problems.push(problem);
                stored
            }
            Found::Unusable(problem) => {
                // Someone wrote garbage since we loaded: keep it for inspection, then write ours.
                let shown = crate::engine::store::source::display_path(&self.path);
                let aside = move_aside(&self.path).map_err(|error| {
                    io::Error::other(format!(
                        "the reader state {shown} became unusable ({problem}) and could not be \
                         moved aside: {error}"
                    ))
                })?;
                problems.push(format!(
                    "the reader state {shown} had become unusable ({problem}); it was moved to \
                     {} and this session's marks were saved in a new one",
                    crate::engine::store::source::display_path(&aside)
                ));
                Stored::default()
            }
            Found::Unreadable(error) => {
                return Err(io::Error::other(format!(
                    "the reader state cannot be read any more ({error}); it is left as it is"
                )));
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
        // The later end wins, whoever wrote it.
        let session_ended = on_disk
            .session_ended
            .max(changes.session_ended.map(|t| t.0));
        write_atomically(&self.path, &to_stored(&merged, selected, session_ended))?;
        lock.unlock()?;
        // What differs from what this session believes (its last view plus its changes).
        let mut outside = Outside {
            problems,
            ..Outside::default()
        };
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

fn to_stored(
    marks: &HashMap<ArticleKey, Mark>,
    selected: Option<ArticleKey>,
    session_ended: Option<u64>,
) -> Stored {
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
        session_ended,
    }
}

/// What [`compact`] did (or, as a dry run, would do).
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Compacted {
    /// The marks removed, in the file's order.
    pub removed: Vec<ArticleKey>,
    pub kept: usize,
}

/// Removes, from the state file at `path`, the marks that `remove` picks; with `dry_run`,
/// only says which it would remove. Done under the same lock as a save, reading the file as
/// it is now, so a reader saving at the same moment loses nothing but the marks removed
/// here. Marks are never dropped any other way: this is the explicit `herald state compact`
/// command. A file with entries that cannot be read is not compacted: rewriting it would
/// drop them too.
pub fn compact(
    path: &Path,
    remove: impl Fn(&ArticleKey) -> bool,
    dry_run: bool,
) -> io::Result<Compacted> {
    let shown = crate::engine::store::source::display_path(path);
    let lock = match fs::symlink_metadata(path) {
        Err(error) if error.kind() == io::ErrorKind::NotFound => {
            return Ok(Compacted::default());
        }
        _ => lock_file(path)?,
    };
    wait_for(&lock)?;
    let mut stored = match read(path) {
        Found::Missing => return Ok(Compacted::default()),
        Found::State(stored, bad) if bad.is_empty() => stored,
        Found::State(_, bad) => {
            return Err(io::Error::other(format!(
                "the reader state {shown} has entries Herald cannot read ({}); start Herald \
                 once to set them aside, then compact",
                bad.join("; ")
            )));
        }
        Found::Unusable(problem) => {
            return Err(io::Error::other(format!(
                "the reader state {shown} is unusable ({problem})"
            )));
        }
        Found::Unreadable(error) => {
            return Err(io::Error::other(format!(
                "the reader state {shown} cannot be read ({error})"
            )));
        }
    };
    if stored.version > FORMAT_VERSION {
        return Err(io::Error::other(
            "the reader state was written by a newer Herald; it is left as it is",
        ));
    }
    let (gone, kept): (Vec<StoredMark>, Vec<StoredMark>) =
        stored.marks.into_iter().partition(|m| remove(&m.key));
    let result = Compacted {
        removed: gone.into_iter().map(|m| m.key).collect(),
        kept: kept.len(),
    };
    stored.marks = kept;
    if !result.removed.is_empty() && !dry_run {
        write_atomically(path, &stored)?;
    }
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

/// What is at the state file's path.
enum Found {
    Missing,
    /// The state, and a description of each entry that could not be read (left out).
    State(Stored, Vec<String>),
    /// Readable, but not reader state at all.
    Unusable(String),
    /// Not readable: permissions, or something other than a regular file.
    Unreadable(io::Error),
}

/// The file as it may be found: every part optional and each mark on its own, so that one
/// bad mark costs only that mark. Marks borrow the text, which tells where each one is.
#[derive(Deserialize)]
struct Lenient<'a> {
    #[serde(default = "current_version")]
    version: u32,
    #[serde(default, borrow)]
    marks: Vec<&'a serde_json::value::RawValue>,
    #[serde(default, borrow)]
    selected: Option<&'a serde_json::value::RawValue>,
    #[serde(default, borrow)]
    session_ended: Option<&'a serde_json::value::RawValue>,
}

fn current_version() -> u32 {
    FORMAT_VERSION
}

fn read(path: &Path) -> Found {
    let bytes = match crate::files::read_regular(path, MAX_STATE_BYTES) {
        Ok(bytes) => bytes,
        Err(error) if error.kind() == io::ErrorKind::NotFound => return Found::Missing,
        Err(error) => return Found::Unreadable(error),
    };
    // Editors on some systems start a UTF-8 file with a byte-order mark; JSON has none.
    let bytes = bytes.strip_prefix("\u{feff}".as_bytes()).unwrap_or(&bytes);
    let Ok(text) = std::str::from_utf8(bytes) else {
        return Found::Unusable("not UTF-8 text".to_owned());
    };
    let lenient: Lenient<'_> = match serde_json::from_str(text) {
        Ok(lenient) => lenient,
        Err(error) => return Found::Unusable(format!("not valid state: {error}")),
    };
    let mut bad = Vec::new();
    let mut marks = Vec::with_capacity(lenient.marks.len());
    for raw in lenient.marks {
        match serde_json::from_str::<StoredMark>(raw.get()) {
            Ok(mark) => marks.push(mark),
            Err(error) => bad.push(format!("line {}: {error}", line_of(text, raw.get()))),
        }
    }
    let selected = lenient.selected.and_then(|raw| {
        serde_json::from_str::<Option<ArticleKey>>(raw.get())
            .map_err(|error| {
                bad.push(format!(
                    "line {}: the selection: {error}",
                    line_of(text, raw.get())
                ));
            })
            .ok()
            .flatten()
    });
    // A crafted or mangled end (a string, a negative number, a date in the year 300000) is
    // no record at all: it only words a briefing, and must never cost a start or a mark.
    let session_ended = lenient
        .session_ended
        .and_then(|raw| serde_json::from_str::<u64>(raw.get()).ok())
        .filter(|&millis| millis < MAX_SESSION_MILLIS);
    let stored = Stored {
        version: lenient.version,
        marks,
        selected,
        session_ended,
    };
    Found::State(stored, bad)
}

/// The 1-based line of `part`, a slice of `text`, in it.
fn line_of(text: &str, part: &str) -> usize {
    let at = (part.as_ptr() as usize).saturating_sub(text.as_ptr() as usize);
    text.as_bytes()[..at.min(text.len())]
        .iter()
        .filter(|&&b| b == b'\n')
        .count()
        + 1
}

/// Keeps a copy of the state file beside it, under a name no earlier copy has; where.
/// A hard link: instant, and the copy stays as it is when the file is replaced by a rename.
fn copy_aside(path: &Path) -> io::Result<PathBuf> {
    let seconds = Timestamp::now().0 / 1000;
    let mut base = path.as_os_str().to_owned();
    base.push(format!(".corrupt-{seconds}"));
    for n in 1..1000 {
        let mut name = base.clone();
        if n > 1 {
            name.push(format!("-{n}"));
        }
        let aside = PathBuf::from(name);
        // `link` never replaces what is there, so no earlier copy can be overwritten; where
        // links are not supported, a copy into a file that must be new does the same.
        let made = fs::hard_link(path, &aside).or_else(|error| {
            if error.kind() == io::ErrorKind::AlreadyExists {
                return Err(error);
            }
            let mut copy = OpenOptions::new()
                .write(true)
                .create_new(true)
                .open(&aside)?;
            io::copy(&mut crate::files::open_regular(path)?, &mut copy)?;
            copy.sync_all()
        });
        match made {
            Ok(()) => return Ok(aside),
            Err(error) if error.kind() == io::ErrorKind::AlreadyExists => {}
            Err(error) => return Err(error),
        }
    }
    Err(io::Error::other("too many copies already"))
}

/// Moves an unusable state file aside, to a name no earlier copy has; where it went.
pub(super) fn move_aside(path: &Path) -> io::Result<PathBuf> {
    let aside = copy_aside(path)?;
    fs::remove_file(path)?;
    Ok(aside)
}

pub(super) fn lock_file(path: &Path) -> io::Result<File> {
    let mut lock_path = path.as_os_str().to_owned();
    lock_path.push(".lock");
    crate::files::open_own(Path::new(&lock_path))
}

/// Takes the lock, waiting at most [`LOCK_WAIT`]: another instance holds it for the few
/// milliseconds of its save, so a longer wait means it is stuck (stopped with ^Z, or a
/// process that never lets go), and this save must not hang on it.
pub(super) fn wait_for(lock: &File) -> io::Result<()> {
    let until = std::time::Instant::now() + LOCK_WAIT;
    loop {
        match lock.try_lock() {
            Ok(()) => return Ok(()),
            Err(fs::TryLockError::WouldBlock) if std::time::Instant::now() < until => {
                std::thread::sleep(std::time::Duration::from_millis(10));
            }
            Err(fs::TryLockError::WouldBlock) => {
                return Err(io::Error::new(
                    io::ErrorKind::WouldBlock,
                    format!(
                        "another Herald has held the reader state's lock for over {} s; the \
                         marks are kept and saved with the next save",
                        LOCK_WAIT.as_secs()
                    ),
                ));
            }
            Err(fs::TryLockError::Error(error)) => return Err(error),
        }
    }
}

/// Temporary files of the state are named `.state.json.<random>.tmp`, so that those a save
/// killed before its rename left behind can be told from anything else.
fn temp_prefix(path: &Path) -> String {
    let name = path
        .file_name()
        .map_or_else(|| "state.json".into(), |n| n.to_string_lossy().into_owned());
    format!(".{name}.")
}

const TEMP_SUFFIX: &str = ".tmp";

/// Removes the temporary files saves killed mid-way left (ours, and with `legacy` the
/// `.tmpXXXXXX` names earlier versions of the state file's writer used: only its own caller
/// may, as those belong to its lock). Under the lock, taken only if free at once: a save makes
/// its temporary file only while it holds the lock, so then none of them is in use.
pub(super) fn remove_stale_temporaries(path: &Path, legacy: bool) {
    let Some(dir) = path.parent() else { return };
    let Ok(lock) = lock_file(path) else { return };
    if lock.try_lock().is_err() {
        return;
    }
    let prefix = temp_prefix(path);
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let name = name.to_string_lossy();
        let stale = if legacy {
            crate::files::is_temporary(&name, &prefix, TEMP_SUFFIX)
        } else {
            name.starts_with(&prefix) && name.ends_with(TEMP_SUFFIX)
        };
        if stale && entry.file_type().is_ok_and(|t| t.is_file()) {
            let _ = fs::remove_file(entry.path());
        }
    }
}

/// Writes `file` next to `path` and renames it into place, with fsyncs so that after a crash or
/// power loss the file is either the old one or the new one, complete.
fn write_atomically(path: &Path, file: &Stored) -> io::Result<()> {
    replace_with(path, |out| write_stored(out, file))
}

/// Replaces `path` with what `write` writes, as [`write_atomically`] does: the search history
/// is written the same way.
pub(super) fn replace_with(
    path: &Path,
    write: impl FnOnce(&mut File) -> io::Result<()>,
) -> io::Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    let mut temp = tempfile::Builder::new()
        .prefix(&temp_prefix(path))
        .suffix(TEMP_SUFFIX)
        .tempfile_in(dir)?;
    write(temp.as_file_mut())?;
    temp.as_file().sync_all()?;
    temp.persist(path).map_err(|e| e.error)?;
    // The rename is durable only once the folder's entry is on disk.
    File::open(dir)?.sync_all()
}

#[cfg(test)]
mod tests {
    use std::os::unix::fs::FileTypeExt;

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
    fn the_later_session_end_wins_and_the_next_start_sees_it() {
        let (_dir, path) = temp_state();
        let (mut first, mut first_file, _) = open(path.clone());
        let (mut second, mut second_file, _) = open(path.clone());
        assert_eq!(first.previous_session(), None);
        second.end_session(Timestamp(9_000), true);
        save(&mut second, &mut second_file);
        // An instance that ends earlier, saving after it, does not put the record back.
        first.end_session(Timestamp(5_000), true);
        save(&mut first, &mut first_file);
        let (again, _, problems) = open(path.clone());
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(again.previous_session(), Some(Timestamp(9_000)));
        // Without `save`, the end waits for a save made anyway.
        let (mut quiet, _, _) = open(path);
        quiet.end_session(Timestamp(10_000), false);
        assert!(!quiet.has_unsaved_changes());
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

    fn names_in(dir: &Path, prefix: &str) -> Vec<String> {
        let mut names: Vec<String> = fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n.starts_with(prefix))
            .collect();
        names.sort();
        names
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
        let kept = names_in(&dir.path().join("herald"), "state.json.corrupt-");
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
    fn set_aside_copies_never_overwrite_each_other() {
        let (dir, path) = temp_state();
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        // Three bad files within the same second: three copies, each as it was.
        for n in 0..3 {
            fs::write(&path, format!("garbage {n}")).unwrap();
            let (_, _, problems) = open(path.clone());
            assert!(problems[0].contains("was unusable"), "{problems:?}");
        }
        let folder = dir.path().join("herald");
        let kept = names_in(&folder, "state.json.corrupt-");
        assert_eq!(kept.len(), 3, "{kept:?}");
        let mut contents: Vec<String> = kept
            .iter()
            .map(|n| fs::read_to_string(folder.join(n)).unwrap())
            .collect();
        contents.sort();
        assert_eq!(contents, ["garbage 0", "garbage 1", "garbage 2"]);
    }

    #[test]
    fn one_bad_mark_costs_only_that_mark() {
        let (dir, path) = temp_state();
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        let text = "{\n  \"version\": 1,\n  \"marks\": [\n    {\"store\": \"S\", \"id\": \"good\", \"read\": true, \"changed\": 5},\n    {\"store\": \"S\", \"id\": \"bad\", \"read\": \"yes\", \"changed\": 5},\n    {\"store\": \"S\", \"id\": \"also\", \"starred\": true, \"changed\": 5}\n  ]\n}\n";
        fs::write(&path, text).unwrap();
        let (marks, _, problems) = open(path.clone());
        assert!(marks.is_read("S", "good"));
        assert!(marks.is_starred("S", "also"));
        assert!(!marks.is_read("S", "bad"));
        assert_eq!(problems.len(), 1);
        assert!(
            problems[0].contains("1 entry") && problems[0].contains("line 5"),
            "{}",
            problems[0]
        );
        assert!(
            problems[0].contains("the other 2 marks kept"),
            "{}",
            problems[0]
        );
        // The file as it was is kept; the state file itself now holds the two good marks, so
        // the next start is clean and makes no second copy.
        let folder = dir.path().join("herald");
        let kept = names_in(&folder, "state.json.corrupt-");
        assert_eq!(kept.len(), 1);
        assert_eq!(fs::read_to_string(folder.join(&kept[0])).unwrap(), text);
        let (again, _, problems) = open(path);
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(again.len(), 2);
    }

    #[test]
    fn a_byte_order_mark_is_not_corruption() {
        let (_dir, path) = temp_state();
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(
            &path,
            "\u{feff}{\"version\": 1, \"marks\": [{\"store\": \"S\", \"id\": \"a\", \"read\": true}]}",
        )
        .unwrap();
        let (marks, _, problems) = open(path);
        assert!(problems.is_empty(), "{problems:?}");
        assert!(marks.is_read("S", "a"));
    }

    #[test]
    fn a_fifo_or_a_folder_at_the_path_is_reported_left_alone_and_never_blocks() {
        let (_dir, path) = temp_state();
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        crate::files::make_fifo(&path);
        let (mut marks, mut file, problems) = open(path.clone());
        assert!(problems[0].contains("FIFO"), "{problems:?}");
        marks.set_read("S", "a", true, T);
        assert!(marks.take_changes().is_none(), "kept in memory only");
        assert!(file.save(&Changes::default()).is_ok());
        assert!(fs::symlink_metadata(&path).unwrap().file_type().is_fifo());
        fs::remove_file(&path).unwrap();
        fs::create_dir(&path).unwrap();
        let (_, _, problems) = open(path.clone());
        assert!(problems[0].contains("a folder"), "{problems:?}");
        assert!(path.is_dir(), "left as it is");
    }

    #[test]
    fn temporary_files_of_a_killed_save_are_removed_at_the_next_start() {
        let (dir, path) = temp_state();
        let folder = dir.path().join("herald");
        fs::create_dir_all(&folder).unwrap();
        for name in [".state.json.a1B2c3.tmp", ".tmpXy12Ab"] {
            fs::write(folder.join(name), "{\"version\": 1}").unwrap();
        }
        fs::write(folder.join("notes.txt"), "mine").unwrap();
        let _ = open(path);
        assert!(
            names_in(&folder, ".state.json.")
                .iter()
                .all(|n| !n.ends_with(".tmp"))
        );
        assert!(names_in(&folder, ".tmp").is_empty());
        assert!(folder.join("notes.txt").exists(), "other files stay");
    }

    #[test]
    fn a_lock_held_elsewhere_makes_a_save_fail_in_bounded_time_and_keeps_the_marks() {
        let (_dir, path) = temp_state();
        let (mut marks, mut file, _) = open(path.clone());
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        let held = lock_file(&path).unwrap();
        held.lock().unwrap();
        marks.set_read("S", "a", true, T);
        let changes = marks.take_changes().unwrap();
        let started = std::time::Instant::now();
        let error = file.save(&changes).unwrap_err();
        assert!(started.elapsed() < LOCK_WAIT * 3, "{:?}", started.elapsed());
        assert!(error.to_string().contains("lock"), "{error}");
        marks.restore(changes);
        held.unlock().unwrap();
        save(&mut marks, &mut file);
        assert!(open(path).0.is_read("S", "a"));
    }

    #[test]
    fn corruption_found_at_save_time_is_reported() {
        let (_dir, path) = temp_state();
        let (mut marks, mut file, _) = open(path.clone());
        marks.set_read("S", "a", true, T);
        save(&mut marks, &mut file);
        fs::write(&path, "garbage from elsewhere").unwrap();
        marks.set_read("S", "b", true, T);
        let outside = save(&mut marks, &mut file);
        assert_eq!(outside.problems.len(), 1, "{outside:?}");
        assert!(
            outside.problems[0].contains("moved to"),
            "{:?}",
            outside.problems
        );
    }

    #[test]
    fn a_dry_run_says_what_compaction_would_remove_and_removes_nothing() {
        let (_dir, path) = temp_state();
        let (mut marks, mut file, _) = open(path.clone());
        marks.set_read("S", "gone", true, T);
        marks.set_read("S", "here", true, T);
        save(&mut marks, &mut file);
        let before = fs::read(&path).unwrap();
        let would = compact(&path, |key| key.id == "gone", true).unwrap();
        assert_eq!(would.removed, [ArticleKey::new("S", "gone")]);
        assert_eq!(would.kept, 1);
        assert_eq!(fs::read(&path).unwrap(), before);
        let did = compact(&path, |key| key.id == "gone", false).unwrap();
        assert_eq!(did, would);
        assert!(!open(path).0.is_read("S", "gone"));
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
        compact(&path, |key| key.id == "gone", false).unwrap();
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
        write_stored(&mut out, &to_stored(&marks, None, None)).unwrap();
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
