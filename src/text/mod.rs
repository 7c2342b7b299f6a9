//! Text handling shared by every output: sanitising untrusted store text, dates, and layout by
//! display width. Nothing here knows about terminals or widgets.

pub mod blocks;
pub mod date;
pub mod html;
pub mod ids;
pub mod line_editor;
pub mod sanitize;
pub mod wrap;

pub use date::Published;
pub use sanitize::{is_inert, sanitize_line, sanitize_text};
pub use wrap::{display_width, truncate_to_width, wrap_body};

/// `1 article`, `2 articles`: the count and the noun, in the plural when it is not one.
pub fn count(n: usize, noun: &str) -> String {
    if n == 1 {
        format!("{n} {noun}")
    } else {
        format!("{n} {noun}s")
    }
}

/// `text` with its first letter a capital: a list of words made the start of a sentence.
pub fn capitalized(text: &str) -> String {
    let mut chars = text.chars();
    chars
        .next()
        .map(|first| first.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}
