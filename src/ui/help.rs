//! The help screen, generated from the keymap: every bound action, its keys and one line.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::widgets::Widget;

use super::theme::{Role, Theme};
use crate::text::display_width;

pub const TITLE: &str = "Herald keys. Close with q, Esc or ?";
pub const MORE: &str = "More below: j or Space scrolls, q closes.";
pub const LEGEND: &str =
    "In the list: > selected, N unread, * starred, BREAKING breaking news, ---------- no date.";

/// The help text as lines: title, one line per action, legend.
pub fn lines(rows: &[(String, &'static str)]) -> Vec<(Role, String)> {
    let keys_width = rows
        .iter()
        .map(|(k, _)| display_width(k))
        .max()
        .unwrap_or(0);
    let mut lines = vec![(Role::Header, TITLE.to_owned())];
    for (keys, description) in rows {
        let pad = " ".repeat(keys_width - display_width(keys) + 2);
        lines.push((Role::Base, format!("{keys}{pad}{description}")));
    }
    lines.push((Role::Base, String::new()));
    lines.push((Role::Base, LEGEND.to_owned()));
    lines
}

pub struct Help<'a> {
    pub lines: &'a [(Role, String)],
    pub scroll: usize,
    pub theme: &'a Theme,
}

impl Widget for Help<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let height = usize::from(area.height);
        let more = self.lines.len() > self.scroll + height;
        // When the help does not fit, the last row says so instead of cutting silently.
        let rows = if more { height.saturating_sub(1) } else { height };
        if more && height > 0 {
            let y = area.y + area.height - 1;
            let style = self.theme.style(Role::Status);
            buf.set_stringn(area.x, y, MORE, usize::from(area.width), style);
        }
        for (row, (role, text)) in self.lines.iter().skip(self.scroll).take(rows).enumerate() {
            let y = area.y + u16::try_from(row).unwrap_or(u16::MAX);
            buf.set_stringn(
                area.x,
                y,
                text,
                usize::from(area.width),
                self.theme.style(*role),
            );
        }
    }
}
