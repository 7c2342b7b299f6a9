//! Feed text into what a store keeps: one-line fields (titles, names) as plain text, and
//! bodies as plain text plus, when the HTML had more than plain paragraphs, clean HTML.

use crate::text::blocks::{Block, BlockKind, Inline, Link, plain_text_of, to_html};
use crate::text::{sanitize_line, sanitize_text};

/// A one-line field (a title) as plain text: HTML's tags and entities read, control
/// characters gone, whitespace trimmed.
pub fn line_of(content: &str, html: bool) -> String {
    let plain = if html {
        crate::text::html::to_plain_text(content)
    } else {
        content.to_owned()
    };
    let line = sanitize_line(&plain);
    line.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// A multi-paragraph field (summary, body): its plain text and, when it was HTML with more
/// than plain paragraphs in it, that structure as clean HTML. `resolve` makes the links in it
/// absolute (a feed's relative `href`s are relative to its `xml:base` or its own address).
pub fn text_of(
    content: &str,
    html: bool,
    resolve: &dyn Fn(&str) -> String,
) -> (String, Option<String>) {
    if !html {
        return (trim_blank_lines(&sanitize_text(content)).to_owned(), None);
    }
    let mut parsed = crate::text::html::parse(content);
    for Link { url, .. } in &mut parsed.links {
        *url = resolve(url);
    }
    let plain = plain_text_of(&parsed.blocks);
    (
        trim_blank_lines(&sanitize_text(&plain)).to_owned(),
        structure_of(&parsed),
    )
}

/// Text without the blank lines around it; the first line keeps its leading spaces, which
/// in preformatted text (a `<pre>` that starts the body) are part of it.
fn trim_blank_lines(text: &str) -> &str {
    let text = text.trim_end();
    let start = text
        .char_indices()
        .take_while(|(_, c)| c.is_whitespace())
        .filter(|(_, c)| *c == '\n')
        .last()
        .map_or(0, |(at, _)| at + 1);
    if text[start..].trim().is_empty() {
        return "";
    }
    &text[start..]
}

/// HTML as the clean HTML a store keeps, when it has more than plain paragraphs in it.
pub fn structure_of(parsed: &crate::text::html::Parsed) -> Option<String> {
    parsed
        .blocks
        .iter()
        .any(has_structure)
        .then(|| to_html(&parsed.blocks, &parsed.links))
}

/// Whether a block says more than a plain paragraph of text would.
fn has_structure(block: &Block) -> bool {
    block.kind != BlockKind::Paragraph
        || block.quote > 0
        || block
            .spans
            .iter()
            .any(|s| s.style != Inline::Plain || s.text.contains('\n'))
}

/// A headline for an item that has none: its first dozen words.
pub fn first_words(text: &str) -> String {
    let words: Vec<&str> = text.split_whitespace().collect();
    let mut title = words.iter().take(12).copied().collect::<Vec<_>>().join(" ");
    if words.len() > 12 {
        title.push('…');
    }
    title
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blank_lines_go_and_a_first_lines_indent_stays() {
        assert_eq!(
            trim_blank_lines("\n\n    code();\n  more\n\n"),
            "    code();\n  more"
        );
        assert_eq!(trim_blank_lines("  \n \n"), "");
        assert_eq!(trim_blank_lines("Text."), "Text.");
        let (body, _) = text_of("<pre>    indented()\n    again()</pre>", true, &|u| {
            u.to_owned()
        });
        assert_eq!(body, "    indented()\n    again()");
    }
}
