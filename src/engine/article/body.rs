//! A store's plain-text `body` as blocks: paragraphs separated by blank lines. Bodies written
//! by older imports end with `[n]: url` reference lines (html2text's notation); those are taken
//! out of the text and become the article's numbered links, with the same numbers.

use super::{Block, Link};
use crate::text::wrap::paragraphs;

/// The body's paragraphs and the links its reference lines listed.
pub(super) fn parse(body: &str) -> (Vec<Block>, Vec<Link>) {
    let (text, links) = split_references(body);
    let blocks = paragraphs(&text)
        .into_iter()
        .map(Block::paragraph)
        .collect();
    (blocks, links)
}

/// The body without its `[n]: url` reference lines, and the references in number order
/// (the first of two with one number wins).
fn split_references(body: &str) -> (std::borrow::Cow<'_, str>, Vec<Link>) {
    let mut links = Vec::new();
    let mut kept = Vec::new();
    for line in body.lines() {
        match parse_reference(line.trim()) {
            Some(link) => links.push(link),
            None => kept.push(line),
        }
    }
    if links.is_empty() {
        return (std::borrow::Cow::Borrowed(body), links);
    }
    links.sort_by_key(|link: &Link| link.number);
    links.dedup_by_key(|link| link.number);
    (std::borrow::Cow::Owned(kept.join("\n")), links)
}

fn parse_reference(line: &str) -> Option<Link> {
    let rest = line.strip_prefix('[')?;
    let (number, rest) = rest.split_once("]: ")?;
    let number: u32 = number.parse().ok()?;
    let url = rest.trim();
    (number > 0 && !url.is_empty() && !url.contains(char::is_whitespace) && url.contains(':')).then(
        || Link {
            number,
            url: url.to_owned(),
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references_are_taken_from_the_body_and_keep_their_numbers() {
        let (blocks, links) = parse(
            "Timetables are on the [harbour website][1].\n\n[1]: https://example.org/t\n\
             [2]: mailto:desk@example.org\n",
        );
        assert_eq!(
            blocks,
            [Block::paragraph(
                "Timetables are on the [harbour website][1]."
            )]
        );
        let urls: Vec<(u32, &str)> = links.iter().map(|l| (l.number, l.url.as_str())).collect();
        assert_eq!(
            urls,
            [(1, "https://example.org/t"), (2, "mailto:desk@example.org")]
        );
        // Text that only looks a little like a reference stays in the body.
        for text in [
            "[1]: not a url",
            "[x]: https://a.example",
            "[1] https://a.example",
            "[0]: https://a.example",
        ] {
            let (blocks, links) = parse(text);
            assert!(links.is_empty(), "{text}");
            assert_eq!(blocks, [Block::paragraph(text)]);
        }
    }

    #[test]
    fn paragraphs_are_split_at_blank_lines_and_lines_joined() {
        let (blocks, _) = parse("One\nline.\n\n\nTwo.\n");
        assert_eq!(
            blocks,
            [Block::paragraph("One line."), Block::paragraph("Two.")]
        );
    }
}
