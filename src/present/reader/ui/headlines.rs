//! The headline list. The title comes first in each row, so a braille display (40 cells show
//! the start of the line) and "read current line" begin with it; the state follows in words
//! (`BREAKING unread *`), then the optional columns. A row's text does not depend on the
//! selection: the selected row is shown by reverse video and by the terminal's cursor, so a
//! move changes no text and a screen reader speaks only the row the cursor lands on (a `>`
//! marker changed two rows, and fenrir read both).
//!
//! `Russian Foreign Minister Arrives in North Korea  BREAKING unread * 28 Jul 2002 VOA`

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::widgets::Widget;

use super::theme::{Role, Theme};
use crate::app::options::Column;
use crate::text::date::SHORT_DATE_WIDTH;
use crate::text::display_width;
use crate::text::wrap::truncate_with;

/// One row's content, already sanitised by the store loader.
#[derive(Clone, Debug)]
pub struct HeadlineRow {
    pub unread: bool,
    pub starred: bool,
    pub breaking: bool,
    /// `20 Jan 2026`, or [`NO_DATE`].
    pub date: String,
    pub store: String,
    pub title: String,
}

/// The date of an undated article: a word a screen reader speaks as one (ten dashes were
/// spoken "10 dash"). (`herald list` keeps its dashes: its format is specified for scripts.)
pub const NO_DATE: &str = "undated";
const BREAKING: &str = "BREAKING";
const UNREAD: &str = "unread";
const STARRED: &str = "*";
/// `BREAKING unread *`: each word at a fixed place, so rows line up.
const STATE_WIDTH: usize = BREAKING.len() + 1 + UNREAD.len() + 1 + STARRED.len();
const MAX_STORE_WIDTH: usize = 16;
/// Optional columns are left out before the title would get less than this (or less than
/// half the row), most of all on a narrow screen: the title is what is read.
const MIN_TITLE_WIDTH: usize = 20;

pub struct HeadlineList<'a> {
    /// The rows on screen, top to bottom.
    pub rows: &'a [HeadlineRow],
    /// Which of `rows` is selected.
    pub selected: Option<usize>,
    /// A row of words drawn before row N of `rows` (which then start a line lower; the last
    /// no longer fits): where what is new since the last session ends.
    pub divider: Option<(usize, &'a str)>,
    /// The columns after the title, as configured.
    pub columns: &'a [Column],
    /// Width of the store column: 0 hides it (one store showing).
    pub store_width: usize,
    /// Shown when there are no rows.
    pub empty_text: &'a str,
    pub theme: &'a Theme,
}

impl HeadlineList<'_> {
    /// The store column width for these store names: 0 when at most one store is showing,
    /// where the column would say the same thing on every row.
    pub fn store_width<'n>(several_stores: bool, names: impl Iterator<Item = &'n str>) -> usize {
        if !several_stores {
            return 0;
        }
        names
            .map(display_width)
            .max()
            .unwrap_or(0)
            .min(MAX_STORE_WIDTH)
    }
}

/// Where each part of a row goes for a list `width` wide: the columns that fit, in order, and
/// the title's width.
#[derive(Debug, PartialEq, Eq)]
pub struct RowShape {
    pub title_width: usize,
    pub columns: Vec<(Column, usize)>,
}

impl RowShape {
    pub fn new(width: usize, wanted: &[Column], store_width: usize) -> Self {
        let width_of = |column: Column| match column {
            Column::State => STATE_WIDTH,
            Column::Date => SHORT_DATE_WIDTH,
            Column::Store => store_width,
        };
        let floor = MIN_TITLE_WIDTH.max(width / 2).min(width);
        let mut columns = Vec::new();
        let mut used = 0;
        for &column in wanted {
            let cell = width_of(column);
            if cell == 0 || columns.iter().any(|&(c, _)| c == column) {
                continue;
            }
            // The state says what no style may say alone: it stays while the title keeps
            // its minimum, where the date and store need the title to keep half the row.
            let title_left = width.saturating_sub(used + cell + 1);
            let fits = if column == Column::State {
                title_left >= MIN_TITLE_WIDTH.min(width)
            } else {
                title_left >= floor
            };
            if fits {
                columns.push((column, cell));
                used += cell + 1;
            }
        }
        Self {
            title_width: width.saturating_sub(used),
            columns,
        }
    }
}

/// `BREAKING unread *` with blanks where a state does not hold, each word in its place.
fn state_text(row: &HeadlineRow) -> [(&'static str, Role); 3] {
    let blank = |word: &str| -> &'static str {
        // The blanks are as wide as the words, so the next word stays in its column.
        &"          "[..word.len()]
    };
    [
        if row.breaking {
            (BREAKING, Role::Breaking)
        } else {
            (blank(BREAKING), Role::Base)
        },
        (if row.unread { UNREAD } else { blank(UNREAD) }, Role::Base),
        (
            if row.starred { STARRED } else { blank(STARRED) },
            Role::Base,
        ),
    ]
}

impl Widget for HeadlineList<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let theme = self.theme;
        if self.rows.is_empty() {
            let text = truncate_with(
                self.empty_text,
                usize::from(area.width),
                theme.glyphs.ellipsis,
            );
            buf.set_stringn(
                area.x,
                area.y,
                text,
                usize::from(area.width),
                theme.style(Role::Base),
            );
            return;
        }
        let width = usize::from(area.width);
        let shape = RowShape::new(width, self.columns, self.store_width);
        let height = usize::from(area.height);
        if let Some((at, text)) = self.divider.filter(|&(at, _)| at < height) {
            // The rules only where they fit: the words are what is read.
            let rule = theme.glyphs.horizontal.repeat(2);
            let ruled = format!("{rule} {text} {rule}");
            let line = if display_width(&ruled) <= width {
                ruled
            } else {
                truncate_with(text, width, theme.glyphs.ellipsis)
            };
            let y = area.y + u16::try_from(at).unwrap_or(u16::MAX);
            buf.set_stringn(area.x, y, line, width, theme.style(Role::Muted));
        }
        for (i, row) in self.rows.iter().enumerate().take(height) {
            // Below the divider, a line lower; what falls off the bottom is not drawn.
            let line = i + usize::from(self.divider.is_some_and(|(at, _)| i >= at));
            if line >= height {
                break;
            }
            let y = area.y + u16::try_from(line).unwrap_or(u16::MAX);
            let mut x = area.x;
            let right = area.x + area.width;
            let put = |buf: &mut Buffer, x: &mut u16, text: &str, role: Role| {
                let room = usize::from(right.saturating_sub(*x));
                let (end, _) = buf.set_stringn(*x, y, text, room, theme.style(role));
                *x = end;
            };
            let title = truncate_with(&row.title, shape.title_width, theme.glyphs.ellipsis);
            let pad = " ".repeat(shape.title_width.saturating_sub(display_width(&title)));
            let title_role = if row.unread { Role::Unread } else { Role::Base };
            put(buf, &mut x, &title, title_role);
            put(buf, &mut x, &pad, Role::Base);
            for &(column, cell) in &shape.columns {
                put(buf, &mut x, " ", Role::Base);
                match column {
                    Column::State => {
                        for (n, (word, role)) in state_text(row).into_iter().enumerate() {
                            if n > 0 {
                                put(buf, &mut x, " ", Role::Base);
                            }
                            put(buf, &mut x, word, role);
                        }
                    }
                    Column::Date => {
                        let date = format!("{:<cell$}", row.date);
                        put(buf, &mut x, &date, Role::Muted);
                    }
                    Column::Store => {
                        let store = truncate_with(&row.store, cell, theme.glyphs.ellipsis);
                        let pad = " ".repeat(cell.saturating_sub(display_width(&store)));
                        put(buf, &mut x, &format!("{store}{pad}"), Role::Muted);
                    }
                }
            }
            if self.selected == Some(i) {
                // Reverse video over the whole row, on top of the row's own styles.
                let line = Rect::new(area.x, y, area.width, 1);
                buf.set_style(line, theme.style(Role::Selected));
            }
            debug_assert!(usize::from(x - area.x) <= width);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use Column::*;

    #[test]
    fn the_title_keeps_the_room_and_optional_columns_go_first() {
        let all = [State, Date, Store];
        // 40 columns: the state stays, the date and store would leave too little title.
        assert_eq!(
            RowShape::new(40, &all, 12).columns,
            vec![(State, STATE_WIDTH)]
        );
        assert_eq!(
            RowShape::new(40, &all, 12).title_width,
            40 - STATE_WIDTH - 1
        );
        // 80: the date fits beside half a row of title, the store does not.
        let shape = RowShape::new(80, &all, 12);
        assert_eq!(
            shape.columns,
            vec![(State, STATE_WIDTH), (Date, SHORT_DATE_WIDTH)]
        );
        // 120: everything.
        assert_eq!(RowShape::new(120, &all, 12).columns.len(), 3);
        // One store showing: no store column at any width.
        assert_eq!(RowShape::new(200, &all, 0).columns.len(), 2);
        // The configured order, and only what was asked for.
        assert_eq!(
            RowShape::new(120, &[Date], 12).columns,
            vec![(Date, SHORT_DATE_WIDTH)]
        );
        assert_eq!(RowShape::new(120, &[], 12).title_width, 120);
        for width in 1..300 {
            let shape = RowShape::new(width, &all, 12);
            let used: usize = shape.columns.iter().map(|&(_, w)| w + 1).sum();
            assert_eq!(shape.title_width + used, width, "{width}");
        }
    }

    #[test]
    fn the_state_words_keep_their_places() {
        let row = |breaking, unread, starred| HeadlineRow {
            unread,
            starred,
            breaking,
            date: String::new(),
            store: String::new(),
            title: String::new(),
        };
        let text = |r: &HeadlineRow| {
            state_text(r)
                .iter()
                .map(|(w, _)| *w)
                .collect::<Vec<_>>()
                .join(" ")
        };
        assert_eq!(text(&row(true, true, true)), "BREAKING unread *");
        assert_eq!(text(&row(false, true, false)), "         unread  ");
        assert_eq!(text(&row(true, false, true)), "BREAKING        *");
        assert_eq!(text(&row(false, false, false)).len(), STATE_WIDTH);
    }
}
