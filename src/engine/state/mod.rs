//! The reader's own state: which articles are read or starred, and which was selected last.
//! It lives in the user's data directory, never in a store.
//!
//! [`Marks`] is the state in memory, plain data the app changes as keys come (pure: the time
//! of each change comes in with it). [`file::StateFile`] is the state on disk, which the
//! runtime's saver thread writes: under a lock it reads the file as it is now, merges this
//! session's changes into it mark by mark (the later change wins) and replaces it atomically,
//! then tells the app what other instances changed meanwhile.

pub mod file;
pub mod history;

use std::collections::{HashMap, HashSet};

use serde::{Deserialize, Serialize};

pub use file::{Compacted, StateFile, compact, open};

/// Milliseconds since the Unix epoch: when a mark changed, for merging with other instances.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Timestamp(pub u64);

impl Timestamp {
    /// Now, by the system clock. Only the presenters' loops call this: `update` is given the
    /// time with each action.
    pub fn now() -> Self {
        let millis = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX));
        Self(millis)
    }
}

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

/// One article's marks.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Mark {
    #[serde(default)]
    pub read: bool,
    #[serde(default)]
    pub starred: bool,
    /// Milliseconds since the Unix epoch of the last change, for merging.
    #[serde(default)]
    pub changed: u64,
}

/// What a save writes: the marks changed since the last save, and the selection if it moved.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Changes {
    pub marks: Vec<(ArticleKey, Mark)>,
    /// `Some(selection)` when the selection changed.
    pub selected: Option<Option<ArticleKey>>,
    /// When this session ended, once it has (for the next one's "new since").
    pub session_ended: Option<Timestamp>,
}

impl Changes {
    pub fn is_empty(&self) -> bool {
        self.marks.is_empty() && self.selected.is_none() && self.session_ended.is_none()
    }
}

/// What a save found on disk that this session did not know: other instances' marks (and
/// marks `herald state compact` removed).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Outside {
    pub marks: Vec<(ArticleKey, Mark)>,
    pub forgotten: Vec<ArticleKey>,
    /// What the save found wrong with the file (and what it did about it), to tell the user.
    pub problems: Vec<String>,
}

/// The marks in memory.
#[derive(Clone, Debug, Default)]
pub struct Marks {
    /// Store name -> article id -> mark: nested so a lookup by `&str` allocates nothing (the
    /// list asks for every visible row on every frame).
    marks: HashMap<String, HashMap<String, Mark>>,
    selected: Option<ArticleKey>,
    /// Marks changed in this session and not yet handed to a save.
    dirty: HashSet<ArticleKey>,
    selected_dirty: bool,
    /// The state is kept in memory only (no data folder, or a file written by a newer Herald
    /// that must not be overwritten).
    unsaved: bool,
    /// When the last session before this one ended, as the file said at start (None: no
    /// record, as in files from before it was kept).
    previous_session: Option<Timestamp>,
    /// This session's end, to save.
    session_ended: Option<Timestamp>,
    /// The end is worth a save of its own (else it goes with the next save made anyway).
    session_end_wanted: bool,
}

impl Marks {
    /// Marks that are never saved.
    pub fn in_memory() -> Self {
        Self {
            unsaved: true,
            ..Self::default()
        }
    }

    pub(crate) fn from_file(
        marks: impl IntoIterator<Item = (ArticleKey, Mark)>,
        selected: Option<ArticleKey>,
        unsaved: bool,
        previous_session: Option<Timestamp>,
    ) -> Self {
        let mut state = Self {
            selected,
            unsaved,
            previous_session,
            ..Self::default()
        };
        for (key, mark) in marks {
            state.put(key, mark);
        }
        state
    }

    pub fn is_read(&self, store: &str, id: &str) -> bool {
        self.mark(store, id).is_some_and(|m| m.read)
    }

    pub fn is_starred(&self, store: &str, id: &str) -> bool {
        self.mark(store, id).is_some_and(|m| m.starred)
    }

    pub fn mark(&self, store: &str, id: &str) -> Option<&Mark> {
        self.marks.get(store)?.get(id)
    }

    /// How many articles have marks.
    pub fn len(&self) -> usize {
        self.marks.values().map(HashMap::len).sum()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn put(&mut self, key: ArticleKey, mark: Mark) {
        self.marks
            .entry(key.store)
            .or_default()
            .insert(key.id, mark);
    }

    pub fn set_read(&mut self, store: &str, id: &str, read: bool, at: Timestamp) {
        self.change(store, id, at, |mark| mark.read = read);
    }

    pub fn set_starred(&mut self, store: &str, id: &str, starred: bool, at: Timestamp) {
        self.change(store, id, at, |mark| mark.starred = starred);
    }

    fn change(&mut self, store: &str, id: &str, at: Timestamp, edit: impl FnOnce(&mut Mark)) {
        let mark = self
            .marks
            .entry(store.to_owned())
            .or_default()
            .entry(id.to_owned())
            .or_default();
        let before = *mark;
        edit(mark);
        if mark.read != before.read || mark.starred != before.starred {
            // Later than anything this mark saw, even if the clock went back.
            mark.changed = at.0.max(before.changed + 1);
            self.dirty.insert(ArticleKey::new(store, id));
        }
    }

    /// When the previous session ended, if the state file has a record of it.
    pub fn previous_session(&self) -> Option<Timestamp> {
        self.previous_session
    }

    /// This session ends now: saved with the marks, for the next session's briefing. With
    /// `save`, the end alone makes a save; without, it goes with whatever else is saved (a
    /// session that changed nothing then leaves no record, and the previous one's stands).
    pub fn end_session(&mut self, at: Timestamp, save: bool) {
        self.session_ended = Some(at);
        self.session_end_wanted |= save;
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

    /// True when there are changes a save would write.
    pub fn has_unsaved_changes(&self) -> bool {
        !self.unsaved && (!self.dirty.is_empty() || self.selected_dirty || self.session_end_wanted)
    }

    /// Hands the changes to a save; None when there is nothing to write.
    pub fn take_changes(&mut self) -> Option<Changes> {
        if !self.has_unsaved_changes() {
            return None;
        }
        let mut marks: Vec<(ArticleKey, Mark)> = self
            .dirty
            .drain()
            .filter_map(|key| {
                let mark = *self.marks.get(&key.store)?.get(&key.id)?;
                Some((key, mark))
            })
            .collect();
        marks.sort_by(|a, b| a.0.cmp(&b.0));
        let selected = std::mem::take(&mut self.selected_dirty).then(|| self.selected.clone());
        Some(Changes {
            marks,
            selected,
            session_ended: {
                self.session_end_wanted = false;
                self.session_ended.take()
            },
        })
    }

    /// A save of `changes` failed: they are changes again, but for marks changed since.
    pub fn restore(&mut self, changes: Changes) {
        for (key, _) in changes.marks {
            self.dirty.insert(key);
        }
        if changes.selected.is_some() {
            self.selected_dirty = true;
        }
        if changes.session_ended.is_some() && self.session_ended.is_none() {
            self.session_ended = changes.session_ended;
            self.session_end_wanted = true;
        }
    }

    /// Takes in what a save found on disk. A mark changed here more recently than the one on
    /// disk (and not saved yet) stays.
    pub fn adopt(&mut self, outside: Outside) {
        // (`outside.problems` are for the user; the app shows them.)
        for (key, theirs) in outside.marks {
            let ours_is_newer = self.dirty.contains(&key)
                && self
                    .mark(&key.store, &key.id)
                    .is_some_and(|m| m.changed >= theirs.changed);
            if !ours_is_newer {
                self.put(key, theirs);
            }
        }
        for key in outside.forgotten {
            if !self.dirty.contains(&key)
                && let Some(ids) = self.marks.get_mut(&key.store)
            {
                ids.remove(&key.id);
            }
        }
    }
}
