//! The headline list. Each row says its state in text, so a capture without styles (or a
//! braille line) still shows it: `>` selected, `N` unread, `*` starred, `BREAKING`.
//!
//! `> N* BREAKING 2002-07-28 VOA     Russian Foreign Minister Arrives in North…`

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::widgets::Widget;

use super::theme::{Role, Theme};
use crate::text::display_width;
use crate::text::wrap::truncate_with;

/// One row's content, already sanitised by the store loader.
#[derive(Clone, Debug)]
pub struct HeadlineRow {
    pub unread: bool,
    pub starred: bool,
    pub breaking: bool,
    /// ISO date, or [`NO_DATE`].
    pub date: String,
    pub store: String,
    pub title: String,
}

/// The date column of an undated article: a word a screen reader speaks as one (ten dashes
/// were spoken "10 dash"), padded to the width of an ISO date so titles stay aligned.
/// (`herald list` keeps its dashes: its format is specified for scripts.)
pub const NO_DATE: &str = "undated   ";
const BREAKING: &str = "BREAKING";
/// Lists narrower than this leave out the store column.
const STORE_COLUMN_FROM: u16 = 60;
const MAX_STORE_WIDTH: usize = 12;

pub struct HeadlineList<'a> {
    /// The rows on screen, top to bottom.
    pub rows: &'a [HeadlineRow],
    /// Which of `rows` is selected.
    pub selected: Option<usize>,
    /// Width of the store column (0 hides it).
    pub store_width: usize,
    /// Shown when there are no rows.
    pub empty_text: &'a str,
    pub theme: &'a Theme,
}

impl HeadlineList<'_> {
    /// The store column width for this list width and these store names.
    pub fn store_width<'n>(list_width: u16, names: impl Iterator<Item = &'n str>) -> usize {
        if list_width < STORE_COLUMN_FROM {
            return 0;
        }
        names
            .map(display_width)
            .max()
            .unwrap_or(0)
            .min(MAX_STORE_WIDTH)
    }
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
        for (i, row) in self.rows.iter().enumerate().take(usize::from(area.height)) {
            let y = area.y + u16::try_from(i).unwrap_or(u16::MAX);
            let selected = self.selected == Some(i);
            let mut x = area.x;
            let right = area.x + area.width;
            let put = |buf: &mut Buffer, x: &mut u16, text: &str, role: Role| {
                let room = usize::from(right.saturating_sub(*x));
                let (end, _) = buf.set_stringn(*x, y, text, room, theme.style(role));
                *x = end;
            };
            let marks = format!(
                "{}{}{} ",
                if selected { '>' } else { ' ' },
                if row.unread { 'N' } else { ' ' },
                if row.starred { '*' } else { ' ' },
            );
            put(buf, &mut x, &marks, Role::Base);
            if row.breaking {
                put(buf, &mut x, BREAKING, Role::Breaking);
                put(buf, &mut x, " ", Role::Base);
            } else {
                put(buf, &mut x, &" ".repeat(BREAKING.len() + 1), Role::Base);
            }
            put(buf, &mut x, &format!("{} ", row.date), Role::Muted);
            if self.store_width > 0 {
                let store = truncate_with(&row.store, self.store_width, theme.glyphs.ellipsis);
                let pad = " ".repeat(self.store_width - display_width(&store) + 1);
                put(buf, &mut x, &format!("{store}{pad}"), Role::Muted);
            }
            let room = usize::from(right.saturating_sub(x));
            let title = truncate_with(&row.title, room, theme.glyphs.ellipsis);
            put(
                buf,
                &mut x,
                &title,
                if row.unread { Role::Unread } else { Role::Base },
            );
            if selected {
                // Reverse video over the whole row, on top of the row's own styles.
                let line = Rect::new(area.x, y, area.width, 1);
                buf.set_style(line, theme.style(Role::Selected));
            }
            debug_assert!(usize::from(x - area.x) <= width);
        }
    }
}
