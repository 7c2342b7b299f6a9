//! The help screen: the lines `app::help` generated from the keymap, scrolled, with a "more"
//! line when they do not fit.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::widgets::Widget;

use super::theme::{Role, Theme};
use crate::app::help::HelpLine;

pub struct Help<'a> {
    pub lines: &'a [HelpLine],
    pub scroll: usize,
    /// The "more below" line, with the keys that scroll and close.
    pub more: &'a str,
    pub theme: &'a Theme,
}

impl Widget for Help<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let height = usize::from(area.height);
        let more = self.lines.len() > self.scroll + height;
        // When the help does not fit, the last row says so instead of cutting silently.
        let rows = if more {
            height.saturating_sub(1)
        } else {
            height
        };
        if more && height > 0 {
            let y = area.y + area.height - 1;
            let style = self.theme.style(Role::Status);
            buf.set_stringn(area.x, y, self.more, usize::from(area.width), style);
        }
        for (row, line) in self.lines.iter().skip(self.scroll).take(rows).enumerate() {
            let y = area.y + u16::try_from(row).unwrap_or(u16::MAX);
            let role = if line.heading {
                Role::Header
            } else {
                Role::Base
            };
            let width = usize::from(area.width);
            buf.set_stringn(area.x, y, &line.text, width, self.theme.style(role));
        }
    }
}
