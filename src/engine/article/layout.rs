//! An [`ArticleText`] laid out in lines for a width, in one of three flavors:
//!
//! - [`Flavor::Screen`], the full-screen reader: styles travel with the text as spans (bold,
//!   italic, underlined links), and every structure also has a marker that needs no colour:
//!   `│ ` before quoted lines, `• ` or `1. ` before list items, `[3]` after a link's text, the
//!   numbered link list at the end.
//! - [`Flavor::Speech`], plain mode: the same text in words a screen reader speaks well
//!   (`Breaking news.`, `28 July 2002`, `Quote:`, `(link 3)`), no decorative characters.
//! - [`Flavor::Print`], `herald show`: clean text for a file or a pipe.
//!
//! Every line fits the width; the text of all lines lives in one string, so a long article
//! costs about its own size once laid out, not a string per line.

use std::ops::Range;

use super::{ArticleText, Block, BlockKind, Inline, ListMarker};
use crate::text::wrap::{column_ranges, wrap_ranges};
use crate::text::{Published, display_width};

/// Who the lines are for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Flavor {
    /// The full-screen reader; `ascii` when the terminal cannot show `│`, `•` and `…`.
    Screen { ascii: bool },
    /// Plain mode, for screen readers and braille displays.
    Speech,
    /// `herald show`.
    Print,
}

/// What a line is, for styling.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum LineKind {
    Banner,
    Title,
    Dateline,
    Heading,
    Body,
    Preformatted,
    /// The heading of the link list, or one of its `[n] url` lines.
    Link,
}

/// A styled part of a line: bytes `start..end` of its text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct StyleSpan {
    pub start: u32,
    pub end: u32,
    pub style: Inline,
}

/// One line, borrowed from [`Lines`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Line<'a> {
    pub kind: LineKind,
    pub text: &'a str,
    /// In order, not overlapping; text outside them is plain.
    pub spans: &'a [StyleSpan],
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct LineAt {
    start: u32,
    len: u32,
    spans: u32,
    span_count: u32,
    kind: LineKind,
}

/// The laid-out article.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Lines {
    text: String,
    lines: Vec<LineAt>,
    spans: Vec<StyleSpan>,
    width: usize,
}

impl Lines {
    pub fn len(&self) -> usize {
        self.lines.len()
    }

    pub fn is_empty(&self) -> bool {
        self.lines.is_empty()
    }

    /// The width the lines were laid out for.
    pub fn width(&self) -> usize {
        self.width
    }

    pub fn get(&self, index: usize) -> Option<Line<'_>> {
        let at = self.lines.get(index)?;
        let text = self
            .text
            .get(at.start as usize..(at.start + at.len) as usize)
            .unwrap_or("");
        let spans = self
            .spans
            .get(at.spans as usize..(at.spans + at.span_count) as usize)
            .unwrap_or(&[]);
        Some(Line {
            kind: at.kind,
            text,
            spans,
        })
    }

    pub fn iter(&self) -> impl Iterator<Item = Line<'_>> + '_ {
        (0..self.lines.len()).filter_map(|i| self.get(i))
    }

    /// Every line's text, for presenters that print them.
    pub fn texts(&self) -> Vec<String> {
        self.iter().map(|line| line.text.to_owned()).collect()
    }

    fn push(&mut self, kind: LineKind, text: &str, spans: &[StyleSpan]) {
        let start = u32::try_from(self.text.len()).unwrap_or(u32::MAX);
        self.text.push_str(text);
        let span_start = u32::try_from(self.spans.len()).unwrap_or(u32::MAX);
        self.spans.extend_from_slice(spans);
        self.lines.push(LineAt {
            start,
            len: u32::try_from(text.len()).unwrap_or(u32::MAX),
            spans: span_start,
            span_count: u32::try_from(spans.len()).unwrap_or(0),
            kind,
        });
    }
}

/// The words and marks of a flavor.
struct Marks {
    banner: &'static str,
    quote: &'static str,
    bullet: &'static str,
    /// Before a quoted block's first line only (speech), instead of before every line.
    quote_once: bool,
}

impl Flavor {
    fn marks(self) -> Marks {
        match self {
            Flavor::Screen { ascii } => Marks {
                banner: "Breaking News",
                quote: if ascii { "| " } else { "\u{2502} " },
                bullet: if ascii { "* " } else { "\u{2022} " },
                quote_once: false,
            },
            Flavor::Speech => Marks {
                banner: "Breaking news.",
                quote: "Quote: ",
                bullet: "- ",
                quote_once: true,
            },
            Flavor::Print => Marks {
                banner: "BREAKING NEWS",
                quote: "> ",
                bullet: "- ",
                quote_once: false,
            },
        }
    }

    fn date(self, date: Published) -> String {
        match self {
            Flavor::Speech => date.long_date(),
            _ => date.iso_date(),
        }
    }

    /// What follows a link's text.
    fn link_mark(self, number: u32) -> String {
        match self {
            Flavor::Speech => format!(" (link {number})"),
            _ => format!("[{number}]"),
        }
    }
}

/// Lays `article` out for `width` columns.
pub fn lay_out(article: &ArticleText, width: usize, flavor: Flavor) -> Lines {
    let width = width.max(crate::text::wrap::MIN_WRAP_WIDTH);
    let marks = flavor.marks();
    let mut lines = Lines {
        width,
        ..Lines::default()
    };
    if article.breaking {
        wrap_into(&mut lines, LineKind::Banner, "", "", marks.banner, &[]);
    }
    wrap_into(&mut lines, LineKind::Title, "", "", &article.title, &[]);
    let dateline = &article.dateline;
    let mut parts = Vec::new();
    match dateline.published {
        Some(date) => parts.push(flavor.date(date)),
        None => parts.push("Undated".to_owned()),
    }
    parts.extend(dateline.source.clone());
    parts.extend(dateline.section.clone());
    parts.extend(dateline.author.as_ref().map(|a| format!("by {a}")));
    wrap_into(
        &mut lines,
        LineKind::Dateline,
        "",
        "",
        &parts.join(", "),
        &[],
    );
    if let Some(updated) = dateline.updated {
        let text = format!("Updated {}", flavor.date(updated));
        wrap_into(&mut lines, LineKind::Dateline, "", "", &text, &[]);
    }
    lines.push(LineKind::Body, "", &[]);
    if article.blocks.is_empty() {
        wrap_into(
            &mut lines,
            LineKind::Body,
            "",
            "",
            "(This article has no text.)",
            &[],
        );
    }
    for (i, block) in article.blocks.iter().enumerate() {
        let tight = i > 0 && crate::text::blocks::same_list(article.blocks[i - 1].kind, block.kind);
        if i > 0 && !tight {
            lines.push(LineKind::Body, "", &[]);
        }
        block_into(&mut lines, block, flavor, &marks);
    }
    links_into(&mut lines, article, flavor);
    lines
}

/// One block: its text with link marks, wrapped after its markers.
fn block_into(lines: &mut Lines, block: &Block, flavor: Flavor, marks: &Marks) {
    let mut text = String::new();
    let mut styles: Vec<(Range<usize>, Inline)> = Vec::new();
    for (i, span) in block.spans.iter().enumerate() {
        let start = text.len();
        text.push_str(&span.text);
        if span.style != Inline::Plain {
            styles.push((start..text.len(), span.style));
        }
        // A link's number follows its text, once, where the link ends.
        if let Inline::Link(number) = span.style
            && block.spans.get(i + 1).map(|s| s.style) != Some(span.style)
        {
            text.push_str(&flavor.link_mark(number));
        }
    }
    let quote = marks.quote.repeat(usize::from(block.quote));
    let (kind, first, rest) = match block.kind {
        BlockKind::Paragraph => (LineKind::Body, String::new(), String::new()),
        BlockKind::Heading(_) => (LineKind::Heading, String::new(), String::new()),
        BlockKind::Preformatted => {
            let indent = if flavor == Flavor::Print { "    " } else { "" };
            (LineKind::Preformatted, indent.to_owned(), indent.to_owned())
        }
        BlockKind::ListItem { depth, marker } => {
            let indent = "  ".repeat(usize::from(depth.saturating_sub(1)));
            let marker = match marker {
                ListMarker::Bullet => marks.bullet.to_owned(),
                ListMarker::Number(n) => format!("{n}. "),
            };
            let hang = " ".repeat(display_width(&marker));
            (
                LineKind::Body,
                format!("{indent}{marker}"),
                format!("{indent}{hang}"),
            )
        }
    };
    let (first_quote, rest_quote) = if marks.quote_once && block.quote > 0 {
        (marks.quote.to_owned(), String::new())
    } else {
        (quote.clone(), quote)
    };
    let first = format!("{first_quote}{first}");
    let rest = format!("{rest_quote}{rest}");
    if block.kind == BlockKind::Preformatted {
        preformatted_into(lines, &first, &rest, &text, &styles);
        return;
    }
    // A line break inside the block starts a new line; the markers go only before the first.
    let mut offset = 0;
    for (n, segment) in text.split('\n').enumerate() {
        let shifted = shift(&styles, offset..offset + segment.len());
        let prefix = if n == 0 {
            first.as_str()
        } else {
            rest.as_str()
        };
        wrap_into(lines, kind, prefix, &rest, segment, &shifted);
        offset += segment.len() + 1;
    }
}

/// The styles of `styles` that fall inside `range`, moved to start at its start.
fn shift(styles: &[(Range<usize>, Inline)], range: Range<usize>) -> Vec<(Range<usize>, Inline)> {
    styles
        .iter()
        .filter_map(|(r, style)| {
            let start = r.start.max(range.start);
            let end = r.end.min(range.end);
            (start < end).then(|| (start - range.start..end - range.start, *style))
        })
        .collect()
}

/// Wraps `text` to the lines' width after `first` (on the first line) or `rest` (on the
/// others), carrying `styles` (byte ranges of `text`) over to the lines.
fn wrap_into(
    lines: &mut Lines,
    kind: LineKind,
    first: &str,
    rest: &str,
    text: &str,
    styles: &[(Range<usize>, Inline)],
) {
    let room = lines
        .width
        .saturating_sub(display_width(first).max(display_width(rest)));
    let ranges = wrap_ranges(text, room);
    if ranges.is_empty() {
        if !first.trim().is_empty() {
            lines.push(kind, first.trim_end(), &[]);
        }
        return;
    }
    for (n, range) in ranges.into_iter().enumerate() {
        let prefix = if n == 0 { first } else { rest };
        push_piece(lines, kind, prefix, text, range, styles);
    }
}

/// Preformatted text: every line kept as it is, cut by columns where it is too wide.
fn preformatted_into(
    lines: &mut Lines,
    first: &str,
    rest: &str,
    text: &str,
    styles: &[(Range<usize>, Inline)],
) {
    let room = lines
        .width
        .saturating_sub(display_width(first).max(display_width(rest)));
    let mut offset = 0;
    let mut n = 0;
    for source in text.split('\n') {
        // An empty line is a line too.
        let mut pieces = column_ranges(source, room);
        if pieces.is_empty() {
            pieces.push(0..0);
        }
        for piece in pieces {
            let prefix = if n == 0 { first } else { rest };
            let range = offset + piece.start..offset + piece.end;
            push_piece(lines, LineKind::Preformatted, prefix, text, range, styles);
            n += 1;
        }
        offset += source.len() + 1;
    }
}

fn push_piece(
    lines: &mut Lines,
    kind: LineKind,
    prefix: &str,
    text: &str,
    range: Range<usize>,
    styles: &[(Range<usize>, Inline)],
) {
    let mut line = String::with_capacity(prefix.len() + range.len());
    line.push_str(prefix);
    line.push_str(&text[range.clone()]);
    let spans: Vec<StyleSpan> = shift(styles, range)
        .into_iter()
        .map(|(r, style)| StyleSpan {
            start: u32::try_from(prefix.len() + r.start).unwrap_or(u32::MAX),
            end: u32::try_from(prefix.len() + r.end).unwrap_or(u32::MAX),
            style,
        })
        .collect();
    lines.push(kind, line.trim_end(), &spans);
}

/// Every link, numbered, at the end: nothing is lost where a terminal has no hyperlinks, and a
/// reader can pick a link by its number.
fn links_into(lines: &mut Lines, article: &ArticleText, flavor: Flavor) {
    let own = article
        .url
        .as_deref()
        .map(|url| (article.url_number(), url));
    let listed: Vec<(u32, &str)> = article
        .links
        .iter()
        .map(|l| (l.number, l.url.as_str()))
        .collect();
    match flavor {
        Flavor::Screen { .. } => {
            if listed.is_empty() && own.is_none() {
                return;
            }
            lines.push(LineKind::Body, "", &[]);
            lines.push(LineKind::Link, super::LINKS_HEADING, &[]);
            for (number, url) in listed {
                reference_into(lines, &format!("[{number}] "), url, number);
            }
            if let Some((number, url)) = own {
                reference_into(lines, &format!("[{number}] Article: "), url, number);
            }
        }
        Flavor::Print => {
            if !listed.is_empty() {
                lines.push(LineKind::Body, "", &[]);
                lines.push(LineKind::Link, super::LINKS_HEADING, &[]);
                for (number, url) in listed {
                    reference_into(lines, &format!("[{number}] "), url, number);
                }
            }
            if let Some((number, url)) = own {
                lines.push(LineKind::Body, "", &[]);
                reference_into(lines, "Link: ", url, number);
            }
        }
        Flavor::Speech => {
            if listed.is_empty() && own.is_none() {
                return;
            }
            lines.push(LineKind::Body, "", &[]);
            for (number, url) in listed {
                let text = format!("Link {number}: {url}");
                wrap_into(lines, LineKind::Link, "", "", &text, &[]);
            }
            if let Some((_, url)) = own {
                wrap_into(lines, LineKind::Link, "", "", &format!("Link: {url}"), &[]);
            }
        }
    }
}

/// `label` then `url`, the URL cut into pieces that fit (never at a space: URLs have none),
/// each piece a span of link `number`.
fn reference_into(lines: &mut Lines, label: &str, url: &str, number: u32) {
    let width = lines.width.max(8);
    let label_width = display_width(label);
    let style = Inline::Link(number);
    let link = |start: usize, end: usize| StyleSpan {
        start: u32::try_from(start).unwrap_or(u32::MAX),
        end: u32::try_from(end).unwrap_or(u32::MAX),
        style,
    };
    let mut pieces = column_ranges(url, width).into_iter();
    if label_width >= width {
        lines.push(LineKind::Link, label.trim_end(), &[]);
    } else if let Some(first) = column_ranges(url, width - label_width).first().cloned() {
        let line = format!("{label}{}", &url[first.clone()]);
        lines.push(LineKind::Link, &line, &[link(label.len(), line.len())]);
        pieces = column_ranges(&url[first.end..], width)
            .into_iter()
            .map(|r| first.end + r.start..first.end + r.end)
            .collect::<Vec<_>>()
            .into_iter();
    }
    for piece in pieces {
        let text = &url[piece];
        lines.push(LineKind::Link, text, &[link(0, text.len())]);
    }
}

#[cfg(test)]
mod tests {
    use super::super::{Dateline, Link, Span};
    use super::*;

    fn article(blocks: Vec<Block>) -> ArticleText {
        ArticleText {
            breaking: true,
            title: "Ferry Returns".to_owned(),
            dateline: Dateline {
                published: Published::parse("2002-07-28"),
                source: Some("VOA".to_owned()),
                section: Some("Asia".to_owned()),
                ..Dateline::default()
            },
            blocks,
            links: vec![Link {
                number: 1,
                url: "https://example.org/times".to_owned(),
            }],
            url: Some("https://example.org/ferry".to_owned()),
        }
    }

    fn linked() -> Vec<Block> {
        vec![
            Block {
                kind: BlockKind::Heading(2),
                quote: 0,
                spans: vec![Span {
                    style: Inline::Plain,
                    text: "Times".to_owned(),
                }],
            },
            Block {
                kind: BlockKind::Paragraph,
                quote: 0,
                spans: vec![
                    Span {
                        style: Inline::Plain,
                        text: "See the ".to_owned(),
                    },
                    Span {
                        style: Inline::Link(1),
                        text: "timetable".to_owned(),
                    },
                    Span {
                        style: Inline::Plain,
                        text: " now.".to_owned(),
                    },
                ],
            },
            Block {
                kind: BlockKind::ListItem {
                    depth: 1,
                    marker: ListMarker::Bullet,
                },
                quote: 1,
                spans: vec![Span {
                    style: Inline::Strong,
                    text: "Bring a coat for the deck, it is cold".to_owned(),
                }],
            },
        ]
    }

    #[test]
    fn the_screen_has_markers_styles_and_the_link_list() {
        let lines = lay_out(&article(linked()), 30, Flavor::Screen { ascii: false });
        assert_eq!(
            lines.texts(),
            [
                "Breaking News",
                "Ferry Returns",
                "2002-07-28, VOA, Asia",
                "",
                "Times",
                "",
                "See the timetable[1] now.",
                "",
                "\u{2502} \u{2022} Bring a coat for the deck,",
                "\u{2502}   it is cold",
                "",
                "Links:",
                "[1] https://example.org/times",
                "[2] Article: https://example.o",
                "rg/ferry",
            ]
        );
        let see = lines.get(6).expect("a line");
        assert_eq!(
            see.spans,
            [StyleSpan {
                start: 8,
                end: 17,
                style: Inline::Link(1)
            }]
        );
        let coat = lines.get(8).expect("a line");
        assert_eq!(
            &coat.text[coat.spans[0].start as usize..],
            "Bring a coat for the deck,"
        );
        assert_eq!(coat.spans[0].style, Inline::Strong);
        assert_eq!(lines.get(4).map(|l| l.kind), Some(LineKind::Heading));
        for line in lines.iter() {
            assert!(display_width(line.text) <= 30, "{line:?}");
        }
    }

    #[test]
    fn speech_says_structure_in_words() {
        let lines = lay_out(&article(linked()), 80, Flavor::Speech);
        assert_eq!(
            lines.texts(),
            [
                "Breaking news.",
                "Ferry Returns",
                "28 July 2002, VOA, Asia",
                "",
                "Times",
                "",
                "See the timetable (link 1) now.",
                "",
                "Quote: - Bring a coat for the deck, it is cold",
                "",
                "Link 1: https://example.org/times",
                "Link: https://example.org/ferry",
            ]
        );
    }

    #[test]
    fn print_is_clean_text_ending_with_the_link() {
        let plain = ArticleText {
            links: Vec::new(),
            ..article(vec![Block::paragraph("One paragraph.")])
        };
        let lines = lay_out(&plain, 80, Flavor::Print);
        assert_eq!(
            lines.texts(),
            [
                "BREAKING NEWS",
                "Ferry Returns",
                "2002-07-28, VOA, Asia",
                "",
                "One paragraph.",
                "",
                "Link: https://example.org/ferry",
            ]
        );
    }

    #[test]
    fn an_article_without_text_says_so_and_preformatted_lines_are_kept() {
        let empty = lay_out(&article(Vec::new()), 40, Flavor::Print);
        assert!(
            empty
                .texts()
                .contains(&"(This article has no text.)".to_owned())
        );
        let pre = Block {
            kind: BlockKind::Preformatted,
            quote: 0,
            spans: vec![Span {
                style: Inline::Code,
                text: "fn main() {\n    go();\n}".to_owned(),
            }],
        };
        let lines = lay_out(&article(vec![pre]), 40, Flavor::Screen { ascii: true });
        let texts = lines.texts();
        assert!(texts.contains(&"    go();".to_owned()), "{texts:?}");
    }
}
