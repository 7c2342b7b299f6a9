//! OSC 8 hyperlinks for the links the article pane shows. ratatui's cells hold text, not
//! escape sequences (a sequence in a cell would throw its width off), so after a frame is
//! drawn the run loop writes the link cells again, identical in text and style, wrapped in
//! OSC 8: the layout cannot move, and a terminal without OSC 8 just shows the same text. Which
//! cells those are, the article pane says as it draws them (`ui::Drawn`), so they are the
//! cells of the layout in force (side, stacked or automatic), never recomputed.

use ratatui::backend::IntoCrossterm;
use ratatui::buffer::Buffer;
use ratatui::crossterm::{cursor, queue, style};
use unicode_width::UnicodeWidthStr;

/// Cells `x..x + width` of row `y` show (part of) `url`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ScreenLink {
    pub x: u16,
    pub y: u16,
    pub width: u16,
    pub url: String,
}

/// A URL as OSC 8 may carry it: printable ASCII only, everything else percent-encoded, so
/// nothing in it can end the sequence or reach the terminal as a control.
pub fn encode_url(url: &str) -> String {
    let mut out = String::with_capacity(url.len());
    for byte in url.bytes() {
        if (0x21..=0x7e).contains(&byte) {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// The bytes that rewrite `links` from `buffer` as hyperlinks: save the cursor (and pen),
/// for each link move there, open OSC 8, print the cells' own symbols in their own styles,
/// close OSC 8; then restore the cursor. Empty when there are no links.
pub fn osc8_bytes(buffer: &Buffer, links: &[ScreenLink]) -> Vec<u8> {
    let mut out = Vec::new();
    if links.is_empty() {
        return out;
    }
    out.extend_from_slice(b"\x1b7");
    for link in links {
        let _ = queue!(out, cursor::MoveTo(link.x, link.y));
        out.extend_from_slice(format!("\x1b]8;;{}\x1b\\", encode_url(&link.url)).as_bytes());
        let mut skip = 0;
        for x in link.x..link.x.saturating_add(link.width) {
            let Some(cell) = buffer.cell((x, link.y)) else {
                break;
            };
            if skip > 0 {
                skip -= 1;
                continue;
            }
            let symbol = cell.symbol();
            skip = symbol.width().saturating_sub(1);
            out.extend_from_slice(b"\x1b[0m");
            let _ = queue!(
                out,
                style::SetStyle(cell.style().into_crossterm()),
                style::Print(symbol)
            );
        }
        out.extend_from_slice(b"\x1b]8;;\x1b\\");
    }
    out.extend_from_slice(b"\x1b[0m\x1b8");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_are_reduced_to_printable_ascii() {
        assert_eq!(
            encode_url("https://example.org/a b\u{1b}\\é"),
            "https://example.org/a%20b%1B\\%C3%A9"
        );
    }
}
