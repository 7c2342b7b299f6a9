//! Wide characters (CJK, most emoji) are erased whole, or written whole, on every redraw.
//!
//! When a redraw puts a narrow character over the left cell of a wide one, ratatui's diff
//! (`ratatui-core` `buffer/diff.rs`) writes only that cell: the right cell holds a blank in
//! both frames, so it looks unchanged (ratatui only forces it out when the old character's
//! style shows on a blank: reverse, underline or a background). Real terminals blank the whole
//! wide character and agree with ratatui. The pyte emulator inside the fenrir screen reader
//! keeps the right half as an empty cell instead and then fails on it
//! (`IndexError: string index out of range`, selectel/pyte#207), which ends fenrir. The same
//! happens when a new wide character covers the left cell of an old one whose right cell is
//! not rewritten.
//!
//! So before each frame is diffed, every cell that an old wide character covered, whose
//! character is being replaced, and that nothing new covers, is marked
//! [`CellDiffOption::AlwaysUpdate`]: ratatui then writes it (a blank, with the new frame's own
//! style), and every emulator ends with the same screen. Only rows whose wide characters change
//! pay for it; a move in a list of Latin titles writes no extra byte.

use ratatui::buffer::{Buffer, CellDiffOption, CellWidth};

/// Marks the cells of `next` that must be written so that no wide character of `previous` (the
/// frame on screen) is left half erased. Returns how many cells it marked. Does nothing when
/// the two frames differ in size (the screen is cleared and repainted then).
pub fn keep_wide_characters_whole(previous: &Buffer, next: &mut Buffer) -> usize {
    if previous.area != next.area {
        return 0;
    }
    let area = next.area;
    let width = usize::from(area.width);
    let mut marked = 0;
    for y in area.top()..area.bottom() {
        // Which columns of `next` a wide character covers beyond its own cell: ratatui writes
        // them as part of that character, so they must not be written again.
        let mut covered = vec![false; width];
        let mut x = 0;
        while x < width {
            let cell_width = usize::from(next.content[row_index(next, x, y)].cell_width().max(1));
            let end = (x + cell_width).min(width);
            covered[(x + 1).min(end)..end].fill(true);
            x += cell_width;
        }
        for x in 0..width {
            let old = &previous.content[row_index(previous, x, y)];
            let old_width = usize::from(old.cell_width());
            if old_width < 2 {
                continue;
            }
            let new = &next.content[row_index(next, x, y)];
            // The same character again (perhaps restyled) is written whole, or not at all.
            if new.symbol() == old.symbol() && !covered[x] {
                continue;
            }
            let end = (x + old_width).min(width);
            for (c, &is_covered) in covered.iter().enumerate().take(end).skip(x + 1) {
                let index = row_index(next, c, y);
                let cell = &mut next.content[index];
                if !is_covered && cell.diff_option == CellDiffOption::None {
                    cell.set_diff_option(CellDiffOption::AlwaysUpdate);
                    marked += 1;
                }
            }
        }
    }
    marked
}

fn row_index(buffer: &Buffer, x: usize, y: u16) -> usize {
    usize::from(y - buffer.area.y) * usize::from(buffer.area.width) + x
}

#[cfg(test)]
mod tests {
    use super::*;
    use ratatui::layout::Rect;
    use ratatui::style::{Modifier, Style};

    fn line(text: &str) -> Buffer {
        let mut buffer = Buffer::empty(Rect::new(0, 0, 8, 1));
        buffer.set_string(0, 0, text, Style::default());
        buffer
    }

    /// The columns ratatui's diff writes from `previous` to `next`.
    fn written(previous: &Buffer, next: &Buffer) -> Vec<u16> {
        previous.diff(next).iter().map(|&(x, _, _)| x).collect()
    }

    #[test]
    fn a_narrow_character_over_a_wide_one_writes_its_right_half_too() {
        let previous = line("ab日本");
        let mut next = line("abc d");
        // The bug, in ratatui alone: only the left cells are written.
        assert_eq!(written(&previous, &next), vec![2, 4]);
        assert_eq!(keep_wide_characters_whole(&previous, &mut next), 2);
        assert_eq!(written(&previous, &next), vec![2, 3, 4, 5]);
    }

    #[test]
    fn a_wide_character_over_the_left_half_of_another_rewrites_the_rest() {
        // Before: a, 日 in 1-2, 本 in 3-4. After: 本 in 0-1 covers 日's left half, so 日's
        // right half (2) must be written; x replaces 本, so 本's right half (4) too.
        let previous = line("a日本");
        let mut next = line("本 x");
        assert_eq!(written(&previous, &next), vec![0, 3]);
        assert_eq!(keep_wide_characters_whole(&previous, &mut next), 2);
        assert_eq!(written(&previous, &next), vec![0, 2, 3, 4]);
    }

    #[test]
    fn unchanged_or_restyled_wide_characters_cost_nothing_extra() {
        let previous = line("ab日本");
        let mut same = line("ab日本");
        assert_eq!(keep_wide_characters_whole(&previous, &mut same), 0);
        let mut restyled = line("ab日本");
        restyled.set_style(restyled.area, Style::default().add_modifier(Modifier::BOLD));
        assert_eq!(keep_wide_characters_whole(&previous, &mut restyled), 0);
        // Latin text only: nothing to do.
        let mut latin = line("xyz");
        assert_eq!(keep_wide_characters_whole(&line("abc"), &mut latin), 0);
    }

    #[test]
    fn a_resized_frame_is_left_alone() {
        let previous = line("日本");
        let mut next = Buffer::empty(Rect::new(0, 0, 9, 1));
        assert_eq!(keep_wide_characters_whole(&previous, &mut next), 0);
    }
}
