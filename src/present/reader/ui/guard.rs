//! The last check before a frame reaches the terminal: no cell may hold a control character
//! (C0, DEL, C1, which includes ESC) or a bidi control. Store text is sanitised at load, so this
//! never fires in a correct build; it is here so that a future path that forgets to sanitise,
//! or a widget that passes text through, still cannot write an escape sequence to the terminal.

use ratatui::buffer::Buffer;

/// Shown instead of a cell that held something unsafe.
pub const REPLACEMENT: &str = "\u{fffd}";

/// True for characters that must never be written to a terminal cell.
pub fn is_unsafe(c: char) -> bool {
    c.is_control() // C0, DEL and C1 (ESC is C0, CSI/OSC/DCS... in 8 bits are C1)
        || matches!(
            c,
            '\u{061c}' // Arabic letter mark
                | '\u{200e}' | '\u{200f}' // LRM, RLM
                | '\u{202a}'..='\u{202e}' // embeddings and overrides
                | '\u{2066}'..='\u{2069}' // isolates
        )
}

/// Replaces every unsafe cell symbol with U+FFFD. Returns how many cells it changed.
pub fn scrub(buf: &mut Buffer) -> usize {
    let mut replaced = 0;
    for cell in &mut buf.content {
        if cell.symbol().chars().any(is_unsafe) {
            cell.set_symbol(REPLACEMENT);
            replaced += 1;
        }
    }
    replaced
}

#[cfg(test)]
mod tests {
    use super::*;
    use ratatui::layout::Rect;

    #[test]
    fn control_and_bidi_cells_become_replacement_characters() {
        let mut buf = Buffer::empty(Rect::new(0, 0, 12, 1));
        let bad = [
            "\u{1b}", "\u{7}", "\u{0}", "\u{7f}", "\u{9b}", "\u{9d}", "\u{202e}", "\u{2067}",
            "\u{200f}", "a\u{1b}",
        ];
        for (x, symbol) in bad.iter().enumerate() {
            buf[(u16::try_from(x).unwrap(), 0)].set_symbol(symbol);
        }
        buf[(10, 0)].set_symbol("é");
        buf[(11, 0)].set_symbol("中");
        assert_eq!(scrub(&mut buf), bad.len());
        for x in 0..bad.len() {
            assert_eq!(buf[(u16::try_from(x).unwrap(), 0)].symbol(), REPLACEMENT);
        }
        assert_eq!(buf[(10, 0)].symbol(), "é");
        assert_eq!(buf[(11, 0)].symbol(), "中");
        assert_eq!(scrub(&mut buf), 0, "a clean buffer is left alone");
    }
}
