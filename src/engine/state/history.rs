//! The search history on disk: `search-history` in the data folder, beside `state.json`. One
//! search a line, oldest first, at most [`MAX_ENTRIES`], each once. The full-screen prompt's
//! Up and Down walk it, and plain mode's `history` and `/!N` read it.
//!
//! It is kept the way the marks are: a save takes the file's lock, reads the file as it is now
//! (another Herald may have searched meanwhile), adds this search as the newest, and replaces
//! the file atomically, so no instance loses another's searches. The file is untrusted when
//! read: each line is sanitised (no control characters, bidi overrides or line breaks reach the
//! prompt), blank lines and repeats are dropped (the newest copy stays), and only the newest
//! [`MAX_ENTRIES`] are kept. A file that is not text at all (binary, not UTF-8) is moved aside
//! and reported, and Herald starts with no history; one that cannot be read is reported, left
//! alone, and this session's searches are not saved.

use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use super::file::{lock_file, move_aside, remove_stale_temporaries, replace_with, wait_for};
use crate::engine::store::source::display_path;

/// How many searches are kept.
pub const MAX_ENTRIES: usize = 100;

/// The largest history file read: far more than [`MAX_ENTRIES`] searches could need.
const MAX_BYTES: u64 = 1 << 20;

/// A search longer than this is cut when read: a query, not a document.
const MAX_ENTRY_CHARS: usize = 1000;

/// `$XDG_DATA_HOME/herald/search-history` (or the platform's equivalent).
pub fn default_path() -> Option<PathBuf> {
    crate::paths::data_dir().map(|dir| dir.join("search-history"))
}

/// The history file, as the saver knows it.
#[derive(Debug)]
pub struct HistoryFile {
    path: PathBuf,
}

enum Found {
    Missing,
    Text(Vec<String>),
    /// Not a history file at all (binary, not UTF-8): why.
    Unusable(String),
    Unreadable(io::Error),
}

/// Loads the history at `path`: the searches (oldest first), the file for the saver (None
/// when it must be left as it is: the problem says so, once, and searches are then kept in
/// memory only), and problems to tell the user once. Never fails and never waits for a lock.
pub fn open(path: PathBuf) -> (Vec<String>, Option<HistoryFile>, Vec<String>) {
    let shown = display_path(&path);
    let mut problems = Vec::new();
    let mut read_only = false;
    let entries = match read(&path) {
        Found::Missing => Vec::new(),
        Found::Text(entries) => entries,
        Found::Unusable(why) => {
            match move_aside(&path) {
                Ok(aside) => problems.push(format!(
                    "the search history {shown} was not a history file ({why}); it was moved \
                     to {} and Herald started with no past searches",
                    display_path(&aside)
                )),
                Err(error) => {
                    read_only = true;
                    problems.push(format!(
                        "the search history {shown} was not a history file ({why}) and could \
                         not be moved aside ({error}); it is left as it is, and searches made \
                         now are not saved"
                    ));
                }
            }
            Vec::new()
        }
        Found::Unreadable(error) => {
            read_only = true;
            problems.push(format!(
                "the search history {shown} cannot be read ({error}); it is left as it is, and \
                 searches made now are not saved"
            ));
            Vec::new()
        }
    };
    if read_only {
        return (entries, None, problems);
    }
    // Not the `.tmpXXXXXX` names: those are the state file's, under its own lock.
    remove_stale_temporaries(&path, false);
    (entries, Some(HistoryFile { path }), problems)
}

/// `entries` (oldest first) with `search` added as the newest: each search once, the newest
/// [`MAX_ENTRIES`] kept. The app keeps its own copy the same way between saves.
pub fn with_search(entries: &[String], search: &str) -> Vec<String> {
    clean(
        entries
            .iter()
            .map(String::as_str)
            .chain(std::iter::once(search)),
    )
}

/// Untrusted lines (oldest first) as a history: each sanitised and cut to a sane length,
/// blank ones dropped, each search once (where it came last), the newest [`MAX_ENTRIES`].
pub fn clean<'a>(lines: impl IntoIterator<Item = &'a str>) -> Vec<String> {
    // Newest first, each once, until there are enough: linear in the file, however crafted
    // (removing each repeat from a list was quadratic in 100 000 distinct lines).
    let lines: Vec<&str> = lines.into_iter().collect();
    let mut seen = std::collections::HashSet::new();
    let mut entries: Vec<String> = Vec::new();
    for line in lines.into_iter().rev() {
        if entries.len() == MAX_ENTRIES {
            break;
        }
        let mut entry = crate::text::sanitize_line(line).into_owned();
        if let Some((cut, _)) = entry.char_indices().nth(MAX_ENTRY_CHARS) {
            entry.truncate(cut);
        }
        if !entry.is_empty() && seen.insert(entry.clone()) {
            entries.push(entry);
        }
    }
    entries.reverse();
    entries
}

fn read(path: &Path) -> Found {
    let bytes = match crate::files::read_regular(path, MAX_BYTES) {
        Ok(bytes) => bytes,
        Err(error) if error.kind() == io::ErrorKind::NotFound => return Found::Missing,
        Err(error) => return Found::Unreadable(error),
    };
    // Text never holds a NUL byte; a binary file (or a file that is one by accident, such as
    // a core dump written over it) does, and is not read as searches.
    if bytes.contains(&0) {
        return Found::Unusable("it holds binary data".to_owned());
    }
    let bytes = bytes.strip_prefix("\u{feff}".as_bytes()).unwrap_or(&bytes);
    let Ok(text) = std::str::from_utf8(bytes) else {
        return Found::Unusable("it is not UTF-8 text".to_owned());
    };
    Found::Text(clean(text.lines()))
}

impl HistoryFile {
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Adds `search` to the history on disk, merged with what is there now; returns the
    /// history as saved (oldest first), for the app to take in other instances' searches.
    pub fn save(&mut self, search: &str) -> io::Result<Vec<String>> {
        if let Some(dir) = self.path.parent() {
            fs::create_dir_all(dir)?;
        }
        let lock = lock_file(&self.path)?;
        wait_for(&lock).map_err(|error| match error.kind() {
            io::ErrorKind::WouldBlock => io::Error::new(
                io::ErrorKind::WouldBlock,
                "another Herald has held the search history's lock for over 2 s",
            ),
            _ => error,
        })?;
        let on_disk = match read(&self.path) {
            Found::Missing => Vec::new(),
            Found::Text(entries) => entries,
            Found::Unusable(why) => {
                // Written over since the start: keep it for inspection, then write ours.
                move_aside(&self.path).map_err(|error| {
                    io::Error::other(format!(
                        "the search history {} is not a history file any more ({why}) and \
                         could not be moved aside: {error}",
                        display_path(&self.path)
                    ))
                })?;
                Vec::new()
            }
            Found::Unreadable(error) => {
                return Err(io::Error::other(format!(
                    "the search history cannot be read any more ({error}); it is left as it is"
                )));
            }
        };
        let merged = with_search(&on_disk, search);
        replace_with(&self.path, |out| {
            let mut out = io::BufWriter::new(out);
            for entry in &merged {
                writeln!(out, "{entry}")?;
            }
            out.flush()
        })?;
        lock.unlock()?;
        Ok(merged)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A crafted file of many distinct lines is read in one pass: the newest entries kept,
    /// in order, each once.
    #[test]
    fn a_huge_history_keeps_the_newest_entries_in_order() {
        let lines: Vec<String> = (0..100_000).map(|n| format!("search {n}")).collect();
        let mut lines: Vec<&str> = lines.iter().map(String::as_str).collect();
        // The newest repeats an old one: it is kept once, as the newest.
        lines.push("search 5");
        let entries = clean(lines);
        assert_eq!(entries.len(), MAX_ENTRIES);
        assert_eq!(entries.last().map(String::as_str), Some("search 5"));
        assert_eq!(entries.first().map(String::as_str), Some("search 99901"));
        assert_eq!(entries[MAX_ENTRIES - 2], "search 99999");
    }

    fn temp() -> (tempfile::TempDir, PathBuf) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("herald").join("search-history");
        (dir, path)
    }

    fn strings(lines: &[&str]) -> Vec<String> {
        lines.iter().map(|l| (*l).to_owned()).collect()
    }

    #[test]
    fn searches_survive_a_restart_newest_last_each_once() {
        let (_dir, path) = temp();
        let (entries, file, problems) = open(path.clone());
        let mut file = file.unwrap();
        assert!(entries.is_empty() && problems.is_empty(), "{problems:?}");
        file.save("ivanov").unwrap();
        file.save("north korea").unwrap();
        assert_eq!(
            file.save("ivanov").unwrap(),
            strings(&["north korea", "ivanov"])
        );
        let (entries, _, problems) = open(path.clone());
        assert_eq!(entries, strings(&["north korea", "ivanov"]));
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(fs::read_to_string(&path).unwrap(), "north korea\nivanov\n");
    }

    #[test]
    fn two_instances_keep_each_others_searches() {
        let (_dir, path) = temp();
        let mut first = open(path.clone()).1.unwrap();
        let mut second = open(path.clone()).1.unwrap();
        first.save("from the first").unwrap();
        // The second knew nothing of it, and keeps it.
        let merged = second.save("from the second").unwrap();
        assert_eq!(merged, strings(&["from the first", "from the second"]));
        first.save("first again").unwrap();
        let (entries, _, _) = open(path);
        assert_eq!(
            entries,
            strings(&["from the first", "from the second", "first again"])
        );
    }

    #[test]
    fn only_the_newest_hundred_are_kept() {
        let lines: Vec<String> = (0..150).map(|n| format!("search {n}")).collect();
        let entries = clean(lines.iter().map(String::as_str));
        assert_eq!(entries.len(), MAX_ENTRIES);
        assert_eq!(entries.first().map(String::as_str), Some("search 50"));
        assert_eq!(entries.last().map(String::as_str), Some("search 149"));
    }

    #[test]
    fn a_crafted_file_is_cleaned_line_by_line() {
        let (_dir, path) = temp();
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        let long = "x".repeat(5000);
        let crafted = format!(
            "\u{feff}plain\n\u{1b}[31mred\u{1b}[0m\n\u{202e}reversed\n\n   \n\tspaced   out \nplain\r\n{long}\n"
        );
        fs::write(&path, crafted).unwrap();
        let (entries, file, problems) = open(path.clone());
        let mut file = file.unwrap();
        assert!(problems.is_empty(), "{problems:?}");
        for entry in &entries {
            assert!(
                entry.chars().all(|c| !c.is_control() && c != '\u{202e}'),
                "{entry:?}"
            );
            assert!(entry.chars().count() <= MAX_ENTRY_CHARS);
        }
        assert!(entries.contains(&"spaced out".to_owned()), "{entries:?}");
        assert_eq!(entries.iter().filter(|e| *e == "plain").count(), 1);
        // The repeat counts as the newer.
        let plain = entries.iter().position(|e| e == "plain").unwrap();
        let spaced = entries.iter().position(|e| e == "spaced out").unwrap();
        assert!(plain > spaced, "{entries:?}");
        // Saving writes it back clean.
        file.save("new").unwrap();
        let written = fs::read_to_string(&path).unwrap();
        assert!(
            !written.contains('\u{1b}') && !written.contains('\r'),
            "{written:?}"
        );
    }

    #[test]
    fn a_binary_file_is_moved_aside_and_reported_and_never_stops_a_start() {
        for bytes in [&b"abc\0\x01\x02\xff"[..], &b"\xff\xfe\xfdnot utf-8"[..]] {
            let (dir, path) = temp();
            fs::create_dir_all(path.parent().unwrap()).unwrap();
            fs::write(&path, bytes).unwrap();
            let (entries, file, problems) = open(path.clone());
            let mut file = file.unwrap();
            assert!(entries.is_empty());
            assert_eq!(problems.len(), 1, "{problems:?}");
            assert!(problems[0].contains("moved to"), "{problems:?}");
            let aside: Vec<_> = fs::read_dir(dir.path().join("herald"))
                .unwrap()
                .flatten()
                .filter(|e| e.file_name().to_string_lossy().contains(".corrupt-"))
                .collect();
            assert_eq!(aside.len(), 1);
            assert_eq!(fs::read(aside[0].path()).unwrap(), bytes);
            assert_eq!(file.save("fresh").unwrap(), strings(&["fresh"]));
        }
    }

    #[test]
    fn an_unreadable_path_is_reported_left_alone_and_not_written() {
        let (_dir, path) = temp();
        fs::create_dir_all(&path).unwrap();
        let (entries, file, problems) = open(path.clone());
        assert!(entries.is_empty());
        assert!(problems[0].contains("cannot be read"), "{problems:?}");
        assert!(file.is_none(), "nothing may write it");
        assert!(path.is_dir());
    }

    #[test]
    fn a_lock_held_elsewhere_makes_a_save_fail_in_bounded_time() {
        let (_dir, path) = temp();
        let mut file = open(path.clone()).1.unwrap();
        file.save("first").unwrap();
        let held = lock_file(&path).unwrap();
        held.lock().unwrap();
        let started = std::time::Instant::now();
        let error = file.save("second").unwrap_err();
        assert!(started.elapsed() < std::time::Duration::from_secs(5));
        assert!(error.to_string().contains("lock"), "{error}");
        held.unlock().unwrap();
        assert_eq!(file.save("second").unwrap(), strings(&["first", "second"]));
    }
}
