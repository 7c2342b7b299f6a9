//! A one-line editor, as readline edits a line: the text, a cursor, and the edits a prompt
//! takes (insert, Backspace, Delete, Left/Right, Home/End, kill to the start or end, kill the
//! previous word, and Up/Down through past lines, keeping the line being typed).
//!
//! The cursor only ever sits between grapheme clusters (what a reader sees as one character:
//! `é` written as `e` and a combining accent, a flag, a family emoji), so no edit can split
//! one, and Left over `é` is one key however it is encoded. Pure data: no terminal, no I/O;
//! the app keeps one in the search prompt and the screen draws it with [`LineEditor::view`].

use std::sync::Arc;

use unicode_segmentation::UnicodeSegmentation;

use super::display_width;

/// One edit, as the prompt's keys ask for it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Edit {
    /// Type this character at the cursor.
    Insert(char),
    /// Delete the character before the cursor.
    Backspace,
    /// Delete the character under the cursor.
    Delete,
    Left,
    Right,
    /// To the start of the line.
    Home,
    /// To the end of the line.
    End,
    /// Delete from the start of the line to the cursor (Ctrl-U).
    KillToStart,
    /// Delete from the cursor to the end of the line (Ctrl-K).
    KillToEnd,
    /// Delete the word before the cursor, and the spaces after it (Ctrl-W).
    KillWordBack,
    /// The line before in the history (Up).
    Older,
    /// The line after in the history, and past the newest the line being typed (Down).
    Newer,
}

/// The text, the cursor, and where in the history the line came from.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct LineEditor {
    text: String,
    /// A byte offset into `text`, always at a grapheme boundary.
    cursor: usize,
    /// Past lines, oldest first. Shared, so a prompt costs no copy of the history.
    history: Arc<[String]>,
    /// The history entry shown; None while the line being typed is.
    at: Option<usize>,
    /// The line being typed, kept while Up and Down show past lines.
    draft: String,
    /// The first byte of `text` shown when the line is wider than the screen (see
    /// [`LineEditor::keep_cursor_visible`]).
    scroll: usize,
}

/// What to draw of the line in a given number of columns.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct View<'a> {
    /// Text is hidden before what is shown: the caller draws a marker in the first columns.
    pub scrolled: bool,
    /// The text shown, after the marker if any; it fits the columns.
    pub text: &'a str,
    /// The cursor's column, counted from the first column given (the marker's, if any).
    pub cursor: usize,
}

impl LineEditor {
    /// An empty line; Up and Down walk `history` (oldest first).
    pub fn new(history: Arc<[String]>) -> Self {
        Self {
            history,
            ..Self::default()
        }
    }

    pub fn text(&self) -> &str {
        &self.text
    }

    /// The cursor as a byte offset into [`Self::text`].
    pub fn cursor(&self) -> usize {
        self.cursor
    }

    pub fn is_empty(&self) -> bool {
        self.text.is_empty()
    }

    /// The history entry shown, counted from the oldest; None for the line being typed.
    pub fn history_position(&self) -> Option<usize> {
        self.at
    }

    /// Applies `edit`. Returns false when it changed nothing (Left at the start, Up at the
    /// oldest line, a control character), so the caller can tell the user nothing happened.
    pub fn apply(&mut self, edit: Edit) -> bool {
        // A line is short: comparing copies is simpler than tracking each edit's effect.
        let before = (self.text.clone(), self.cursor, self.at);
        match edit {
            Edit::Insert(c) => self.insert(c),
            Edit::Backspace => {
                let start = self.previous_boundary();
                self.text.replace_range(start..self.cursor, "");
                self.cursor = start;
            }
            Edit::Delete => {
                let end = self.next_boundary();
                self.text.replace_range(self.cursor..end, "");
            }
            Edit::Left => self.cursor = self.previous_boundary(),
            Edit::Right => self.cursor = self.next_boundary(),
            Edit::Home => self.cursor = 0,
            Edit::End => self.cursor = self.text.len(),
            Edit::KillToStart => {
                self.text.replace_range(..self.cursor, "");
                self.cursor = 0;
            }
            Edit::KillToEnd => self.text.truncate(self.cursor),
            Edit::KillWordBack => {
                let start = self.word_start();
                self.text.replace_range(start..self.cursor, "");
                self.cursor = start;
            }
            Edit::Older => self.recall(true),
            Edit::Newer => self.recall(false),
        }
        before != (self.text.clone(), self.cursor, self.at)
    }

    fn insert(&mut self, c: char) {
        // The keymap sends no control characters, but a paste can hold anything: a control
        // character or a bidi override would reach the terminal (and the history file), and
        // the sanitiser strips them from what is searched anyway.
        if c.is_control() || !super::is_inert(c.encode_utf8(&mut [0; 4])) {
            return;
        }
        self.text.insert(self.cursor, c);
        // A character can join the cluster after it (a regional indicator before another):
        // the cursor goes after the whole cluster, never inside it.
        self.cursor = self.boundary_at_or_after(self.cursor + c.len_utf8());
    }

    /// The grapheme boundaries of the text, from 0 to its length.
    fn boundaries(&self) -> impl DoubleEndedIterator<Item = usize> + '_ {
        self.text
            .grapheme_indices(true)
            .map(|(at, _)| at)
            .chain(std::iter::once(self.text.len()))
    }

    fn previous_boundary(&self) -> usize {
        self.boundaries()
            .rev()
            .find(|&at| at < self.cursor)
            .unwrap_or(0)
    }

    fn next_boundary(&self) -> usize {
        self.boundary_at_or_after(self.cursor + 1)
    }

    fn boundary_at_or_after(&self, at: usize) -> usize {
        self.boundaries()
            .find(|&b| b >= at)
            .unwrap_or(self.text.len())
    }

    /// Where Ctrl-W deletes back to, as readline's `unix-word-rubout`: back over spaces, then
    /// over everything up to the space before the word.
    fn word_start(&self) -> usize {
        let before = &self.text[..self.cursor];
        let start = before
            .trim_end()
            .char_indices()
            .rev()
            .find(|(_, c)| c.is_whitespace())
            .map_or(0, |(at, c)| at + c.len_utf8());
        // A space can carry a combining mark: never stop inside that cluster.
        self.boundary_at_or_after(start).min(self.cursor)
    }

    /// Up (`older`) or Down: the line before or after in the history. Leaving the line being
    /// typed keeps it, and Down past the newest entry brings it back; an edit made to a
    /// recalled entry lasts until the next Up or Down, as in readline without its undo.
    fn recall(&mut self, older: bool) {
        let next = match (self.at, older) {
            (None, true) if !self.history.is_empty() => Some(self.history.len() - 1),
            (Some(at), true) if at > 0 => Some(at - 1),
            (Some(at), false) if at + 1 < self.history.len() => Some(at + 1),
            // Down from the newest entry: the line being typed again.
            (Some(_), false) => None,
            _ => return,
        };
        if self.at.is_none() {
            self.draft = std::mem::take(&mut self.text);
        }
        self.text = match next {
            Some(at) => self.history[at].clone(),
            None => std::mem::take(&mut self.draft),
        };
        self.at = next;
        self.cursor = self.text.len();
    }

    /// Scrolls so the cursor shows in `columns` columns, a marker of `marker` columns taking
    /// the first when text is hidden before (see [`Self::view`]). The app calls this after
    /// each edit with the screen's width, so the view stays put while the cursor moves inside
    /// it, and jumps by half a width when it leaves, as readline's horizontal scrolling does:
    /// the line is not redrawn (and read out again) at every key.
    pub fn keep_cursor_visible(&mut self, columns: usize, marker: usize) {
        self.scroll = self.scroll_for(self.scroll, columns, marker);
    }

    /// The first byte shown, starting from `offset`, so that the cursor is visible.
    fn scroll_for(&self, offset: usize, columns: usize, marker: usize) -> usize {
        let columns = columns.max(1);
        // The cell the cursor sits on: the character under it, or the blank after the end.
        let cursor_cell = self.text[self.cursor..]
            .graphemes(true)
            .next()
            .map_or(1, |g| display_width(g).max(1));
        let fits = |from: usize| {
            let hidden = if from > 0 { marker } else { 0 };
            hidden + display_width(&self.text[from..self.cursor]) + cursor_cell <= columns
        };
        if fits(0) {
            return 0;
        }
        let valid = offset <= self.cursor && self.boundaries().any(|b| b == offset);
        if valid && fits(offset) {
            return offset;
        }
        // Recentre: as much text before the cursor as half the columns hold.
        let half = (columns / 2).max(marker + cursor_cell);
        let mut from = self.cursor;
        for at in self.boundaries().rev().filter(|&b| b < self.cursor) {
            if marker + display_width(&self.text[at..self.cursor]) + cursor_cell > half || !fits(at)
            {
                break;
            }
            from = at;
        }
        from
    }

    /// What to draw in `columns` columns, with a marker of `marker` columns first when text
    /// is hidden before. Scrolled as [`Self::keep_cursor_visible`] last left it, unless that
    /// was for other columns and the cursor would not show: drawing never hides the cursor.
    pub fn view(&self, columns: usize, marker: usize) -> View<'_> {
        let from = self.scroll_for(self.scroll, columns, marker);
        let scrolled = from > 0;
        let room = columns.saturating_sub(if scrolled { marker } else { 0 });
        let mut end = from;
        let mut used = 0;
        for grapheme in self.text[from..].graphemes(true) {
            let width = display_width(grapheme);
            if used + width > room {
                break;
            }
            used += width;
            end += grapheme.len();
        }
        View {
            scrolled,
            text: &self.text[from..end],
            cursor: if scrolled { marker } else { 0 }
                + display_width(&self.text[from..self.cursor]),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use Edit as E;

    fn typed(text: &str) -> LineEditor {
        let mut editor = LineEditor::default();
        for c in text.chars() {
            editor.apply(E::Insert(c));
        }
        editor
    }

    fn with(editor: &mut LineEditor, edits: &[Edit]) -> (String, usize) {
        for &edit in edits {
            editor.apply(edit);
        }
        (editor.text().to_owned(), editor.cursor())
    }

    fn history(lines: &[&str]) -> Arc<[String]> {
        lines.iter().map(|l| (*l).to_owned()).collect()
    }

    #[test]
    fn edits_at_the_cursor() {
        // (typed, edits, text after, cursor after)
        let cases: &[(&str, &[Edit], &str, usize)] = &[
            ("abc", &[E::Left, E::Insert('X')], "abXc", 3),
            ("abc", &[E::Home, E::Insert('X')], "Xabc", 1),
            ("abc", &[E::Home, E::End, E::Insert('X')], "abcX", 4),
            ("abc", &[E::Backspace], "ab", 2),
            ("abc", &[E::Left, E::Backspace], "ac", 1),
            ("abc", &[E::Home, E::Backspace], "abc", 0),
            ("abc", &[E::Delete], "abc", 3),
            ("abc", &[E::Home, E::Delete], "bc", 0),
            ("abc", &[E::Left, E::Left, E::Delete], "ac", 1),
            ("abc", &[E::Right], "abc", 3),
            ("abc", &[E::Home, E::Left], "abc", 0),
            ("abc", &[E::Home, E::Right, E::Right], "abc", 2),
            ("north korea", &[E::KillToStart], "", 0),
            ("north korea", &[E::Left, E::Left, E::KillToStart], "ea", 0),
            ("north korea", &[E::Home, E::KillToStart], "north korea", 0),
            (
                "north korea",
                &[E::Left, E::Left, E::KillToEnd],
                "north kor",
                9,
            ),
            ("north korea", &[E::KillWordBack], "north ", 6),
            ("north korea  ", &[E::KillWordBack], "north ", 6),
            ("north korea", &[E::KillWordBack, E::KillWordBack], "", 0),
            (
                "north korea",
                &[E::Left, E::Left, E::KillWordBack],
                "north ea",
                6,
            ),
            ("a-b.c d", &[E::Left, E::Left, E::KillWordBack], " d", 0),
            ("a-b.c d", &[E::Left, E::KillWordBack], "d", 0),
            ("   ", &[E::KillWordBack], "", 0),
        ];
        for &(text, edits, after, cursor) in cases {
            let mut editor = typed(text);
            assert_eq!(
                with(&mut editor, edits),
                (after.to_owned(), cursor),
                "{text:?} then {edits:?}"
            );
        }
    }

    #[test]
    fn an_empty_line_takes_every_edit_without_harm() {
        for edit in [
            E::Backspace,
            E::Delete,
            E::Left,
            E::Right,
            E::Home,
            E::End,
            E::KillToStart,
            E::KillToEnd,
            E::KillWordBack,
            E::Older,
            E::Newer,
        ] {
            let mut editor = LineEditor::default();
            assert!(!editor.apply(edit), "{edit:?} changed an empty line");
            assert_eq!((editor.text(), editor.cursor()), ("", 0), "{edit:?}");
        }
    }

    #[test]
    fn apply_says_whether_anything_changed() {
        let mut editor = typed("ab");
        assert!(!editor.apply(E::Right));
        assert!(editor.apply(E::Left));
        assert!(editor.apply(E::Delete));
        assert!(!editor.apply(E::Delete));
        assert!(!editor.apply(E::Insert('\u{1b}')), "escape is not text");
        assert!(!editor.apply(E::Insert('\n')));
        assert!(
            !editor.apply(E::Insert('\u{202e}')),
            "a bidi override is not text"
        );
        assert!(
            !editor.apply(E::Insert('\u{200b}')),
            "nor an invisible space"
        );
        assert_eq!(editor.text(), "a");
    }

    #[test]
    fn wide_characters_are_one_step_each() {
        let mut editor = typed("日本語");
        assert_eq!(editor.cursor(), 9);
        assert_eq!(with(&mut editor, &[E::Left]), ("日本語".to_owned(), 6));
        assert_eq!(
            with(&mut editor, &[E::Insert('の')]),
            ("日本の語".to_owned(), 9)
        );
        assert_eq!(
            with(&mut editor, &[E::Backspace, E::Backspace]),
            ("日語".to_owned(), 3)
        );
        assert_eq!(with(&mut editor, &[E::Delete]), ("日".to_owned(), 3));
    }

    #[test]
    fn combining_marks_stay_with_their_letter() {
        // "Café" with the accent as a combining mark, then "s".
        let mut editor = typed("Cafe\u{301}s");
        assert_eq!(editor.text().chars().count(), 6);
        // Left from the end passes `s`, then `é` whole.
        assert_eq!(with(&mut editor, &[E::Left]).1, 6);
        assert_eq!(with(&mut editor, &[E::Left]).1, 3);
        // Delete removes `é`, accent and all.
        assert_eq!(with(&mut editor, &[E::Delete]), ("Cafs".to_owned(), 3));
        // A combining mark typed after a letter joins it; Backspace removes both.
        let mut editor = typed("ne");
        editor.apply(E::Insert('\u{303}'));
        assert_eq!(editor.cursor(), editor.text().len());
        assert_eq!(with(&mut editor, &[E::Backspace]), ("n".to_owned(), 1));
        // Typed at the very start, a mark is a cluster of its own.
        let mut editor = typed("a");
        editor.apply(E::Home);
        editor.apply(E::Insert('\u{301}'));
        assert_eq!(editor.cursor(), 2);
    }

    #[test]
    fn a_character_that_joins_the_next_cluster_puts_the_cursor_after_it() {
        // Two regional indicators make one flag: typing the first before the second.
        let mut editor = typed("a\u{1f1f7}");
        editor.apply(E::Left);
        editor.apply(E::Insert('\u{1f1eb}'));
        assert_eq!(editor.text(), "a\u{1f1eb}\u{1f1f7}");
        assert_eq!(editor.cursor(), editor.text().len());
        assert!(editor.text().is_char_boundary(editor.cursor()));
        // An emoji with a skin tone is one step.
        let mut editor = typed("x\u{1f44d}\u{1f3fd}");
        editor.apply(E::Left);
        assert_eq!(editor.cursor(), 1);
    }

    #[test]
    fn up_and_down_walk_the_history_and_keep_the_line_being_typed() {
        let mut editor = LineEditor::new(history(&["oldest", "middle", "newest"]));
        editor.apply(E::Insert('d'));
        editor.apply(E::Insert('r'));
        assert_eq!(with(&mut editor, &[E::Older]), ("newest".to_owned(), 6));
        assert_eq!(editor.history_position(), Some(2));
        assert_eq!(with(&mut editor, &[E::Older]).0, "middle");
        assert_eq!(with(&mut editor, &[E::Older]).0, "oldest");
        assert!(!editor.apply(E::Older), "nothing before the oldest");
        assert_eq!(editor.text(), "oldest");
        assert_eq!(with(&mut editor, &[E::Newer, E::Newer]).0, "newest");
        // Past the newest: the draft, as it was typed.
        assert_eq!(with(&mut editor, &[E::Newer]), ("dr".to_owned(), 2));
        assert_eq!(editor.history_position(), None);
        assert!(!editor.apply(E::Newer));
        assert_eq!(editor.text(), "dr");
    }

    #[test]
    fn an_edited_recall_is_what_enter_takes() {
        let mut editor = LineEditor::new(history(&["north korea"]));
        let (text, _) = with(&mut editor, &[E::Older, E::KillWordBack, E::Insert('x')]);
        assert_eq!(text, "north x");
        assert_eq!(with(&mut editor, &[E::Newer]).0, "");
    }

    #[test]
    fn no_history_means_up_does_nothing() {
        let mut editor = typed("abc");
        assert!(!editor.apply(E::Older));
        assert_eq!(editor.text(), "abc");
    }

    #[test]
    fn a_short_line_shows_whole_with_the_cursor_where_it_is() {
        let mut editor = typed("abc");
        editor.apply(E::Left);
        editor.keep_cursor_visible(10, 1);
        assert_eq!(
            editor.view(10, 1),
            View {
                scrolled: false,
                text: "abc",
                cursor: 2
            }
        );
    }

    #[test]
    fn wide_characters_move_the_cursor_by_their_width() {
        let mut editor = typed("日本語");
        editor.apply(E::Left);
        let view = editor.view(20, 1);
        assert_eq!((view.text, view.cursor), ("日本語", 4));
    }

    #[test]
    fn a_long_line_scrolls_to_keep_the_cursor_in_view() {
        let line = "abcdefghijklmnopqrstuvwxyz";
        let mut editor = typed(line);
        editor.keep_cursor_visible(10, 1);
        let view = editor.view(10, 1);
        assert!(view.scrolled);
        assert!(view.cursor < 10, "{view:?}");
        assert!(line.ends_with(view.text), "{view:?}");
        assert_eq!(1 + display_width(view.text), view.cursor, "{view:?}");
        // Moving inside the window does not scroll.
        let before = editor.view(10, 1).text.to_owned();
        editor.apply(E::Left);
        editor.keep_cursor_visible(10, 1);
        assert_eq!(editor.view(10, 1).text, before);
        // Home shows the start again.
        editor.apply(E::Home);
        editor.keep_cursor_visible(10, 1);
        let view = editor.view(10, 1);
        assert_eq!((view.scrolled, view.cursor), (false, 0));
        assert_eq!(view.text, "abcdefghij");
        // Walking right past the edge jumps half a width, and the cursor stays in view on
        // the character it is on.
        for _ in 0..line.len() {
            editor.apply(E::Right);
            editor.keep_cursor_visible(10, 1);
            let view = editor.view(10, 1);
            assert!(view.cursor < 10, "{view:?}");
            let before_cursor = &view.text[..view.cursor - usize::from(view.scrolled)];
            assert!(line[..editor.cursor()].ends_with(before_cursor), "{view:?}");
        }
    }

    #[test]
    fn a_long_line_of_wide_characters_keeps_the_whole_cursor_cell_in_view() {
        let mut editor = typed(&"語".repeat(20));
        for _ in 0..5 {
            editor.apply(E::Left);
        }
        for columns in 3..12 {
            editor.keep_cursor_visible(columns, 1);
            let view = editor.view(columns, 1);
            // The cell under the cursor is two columns wide and both show.
            assert!(view.cursor + 2 <= columns, "{columns}: {view:?}");
            let marker = usize::from(view.scrolled);
            assert!(
                marker + display_width(view.text) <= columns,
                "{columns}: {view:?}"
            );
        }
    }

    #[test]
    fn a_view_for_other_columns_still_shows_the_cursor() {
        let mut editor = typed(&"x".repeat(50));
        editor.apply(E::Home);
        editor.keep_cursor_visible(80, 1);
        editor.apply(E::End);
        // Not told of the new position: drawing works it out anyway.
        let view = editor.view(10, 1);
        assert!(view.scrolled && view.cursor < 10, "{view:?}");
    }
}
