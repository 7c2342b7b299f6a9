//! The help text, generated from the keymap and laid out for a width: every bound action, its
//! keys and one line. Wide screens get a table; narrow ones put the description under the keys
//! so nothing is cut off.

use super::Action;
use super::keymap::{Keymap, PROMPT_KEYS};
use crate::text::display_width;
use crate::text::wrap::wrap_paragraph;

/// With the default keys: "Herald keys. Close with q, Esc or ?".
pub fn title(keymap: &Keymap) -> String {
    let close: Vec<String> = [Action::BackOrQuit, Action::Back, Action::Help]
        .iter()
        .filter_map(|a| keymap.key_for(a))
        .collect();
    match close.as_slice() {
        [] => "Herald keys.".to_owned(),
        [one] => format!("Herald keys. Close with {one}"),
        [init @ .., last] => format!("Herald keys. Close with {} or {last}", init.join(", ")),
    }
}

/// The last row when the help does not fit; with the default keys "More below: j or Space
/// scrolls, q closes."
pub fn more(keymap: &Keymap) -> String {
    let scroll: Vec<String> = [Action::Down, Action::PageDown]
        .iter()
        .filter_map(|a| keymap.key_for(a))
        .collect();
    let close = [Action::BackOrQuit, Action::Back, Action::Help]
        .iter()
        .find_map(|a| keymap.key_for(a));
    let mut text = "More below".to_owned();
    if !scroll.is_empty() {
        text.push_str(&format!(": {} scrolls", scroll.join(" or ")));
    }
    if let Some(close) = close {
        text.push_str(&format!(", {close} closes"));
    }
    text.push('.');
    text
}
pub const LEGEND: &str = "In the list: the title, then BREAKING breaking news, unread, * starred, \
     undated: no date. The selected row is in reverse video, with the cursor on it.";

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HelpLine {
    pub heading: bool,
    pub text: String,
}

/// Heads the search prompt's keys, after the actions' keys.
pub const PROMPT_HEADING: &str = "At the search prompt:";

pub fn help_lines(keymap: &Keymap, width: usize) -> Vec<HelpLine> {
    let width = width.max(10);
    let rows = keymap.help_rows();
    let prompt: Vec<(String, &str)> = PROMPT_KEYS
        .iter()
        .map(|(keys, what)| ((*keys).to_owned(), *what))
        .collect();
    // One keys column for both tables, so they read as one.
    let all = || rows.iter().chain(&prompt);
    let keys_width = all().map(|(k, _)| display_width(k)).max().unwrap_or(0);
    let widest = all()
        .map(|(_, d)| keys_width + 2 + display_width(d))
        .max()
        .unwrap_or(0);
    let line = |text: String| HelpLine {
        heading: false,
        text,
    };
    let heading = |text: &str| {
        wrap_paragraph(text, width)
            .into_iter()
            .map(|text| HelpLine {
                heading: true,
                text,
            })
    };
    // The title names the closing keys in force, which can be longer than a narrow screen.
    let mut lines: Vec<HelpLine> = heading(&title(keymap)).collect();
    let table = |lines: &mut Vec<HelpLine>, rows: &[(String, &str)]| {
        for (keys, description) in rows {
            if widest <= width {
                let pad = " ".repeat(keys_width - display_width(keys) + 2);
                lines.push(line(format!("{keys}{pad}{description}")));
            } else {
                lines.push(line(keys.clone()));
                for part in wrap_paragraph(description, width - 4) {
                    lines.push(line(format!("    {part}")));
                }
            }
        }
    };
    table(&mut lines, &rows);
    lines.push(line(String::new()));
    lines.extend(heading(PROMPT_HEADING));
    table(&mut lines, &prompt);
    lines.push(line(String::new()));
    lines.extend(wrap_paragraph(LEGEND, width).into_iter().map(line));
    if let Some(counts) = counts(keymap) {
        lines.push(line(String::new()));
        lines.extend(wrap_paragraph(&counts, width).into_iter().map(line));
    }
    lines
}

/// How a number picks a link, with the keys in force: `3o` as in vim.
fn counts(keymap: &Keymap) -> Option<String> {
    if !keymap.counts() {
        return None;
    }
    // `3o`, but `3 then Ctrl-O`: a chord glued to the digit does not read as keys.
    let after_3 = |key: String| match key.chars().count() {
        1 => format!("3{key}"),
        _ => format!("3 then {key}"),
    };
    let open = after_3(keymap.key_for(&Action::OpenLink)?);
    let copy = after_3(keymap.key_for(&Action::CopyLink)?);
    Some(format!(
        "A number typed first picks one of the article's links by the number it shows: \
         {open} opens link 3, {copy} copies it."
    ))
}

/// Lines of help that fit on a screen `height` rows high, when the last row may say "more".
pub fn max_scroll(lines: usize, height: usize) -> usize {
    lines.saturating_sub(height.saturating_sub(1).max(1))
}
