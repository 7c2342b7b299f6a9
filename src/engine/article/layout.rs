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
//! On the screen every line fits the width (the pane cannot scroll sideways; a URL too long
//! for it is cut into pieces, each a hyperlink to the whole). In plain mode and `herald show`
//! a URL is never cut, so it can be copied whole: a line that holds one longer than the width
//! runs past it, and so do `herald show`'s preformatted lines. Tables are laid out a row per
//! line, in aligned columns when they fit.
//!
//! The text of all lines lives in one string, so a long article costs about its own size once
//! laid out, not a string per line.

use std::ops::Range;

use super::{ArticleText, Attachment, Block, BlockKind, Inline, ListMarker, Span};
use crate::text::blocks::{
    CELL_SEPARATOR, aligned_rule, aligned_width, column_widths, is_header_row, same_list,
    table_end, table_rows,
};
use crate::text::wrap::{column_ranges, is_url, wrap_ranges, wrap_ranges_keeping_urls};
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
    /// A row of a table, or the rule under its header row.
    Table,
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
    /// URLs are never cut (all flavors but the screen's): their lines may run past the width.
    keep_urls: bool,
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
    /// Between the cells of a table row; always three columns wide.
    cell: &'static str,
    /// The rule under a table's header row: its line and where it crosses a separator.
    rule: (char, char),
}

impl Flavor {
    fn marks(self) -> Marks {
        match self {
            Flavor::Screen { ascii } => Marks {
                banner: "Breaking News",
                quote: if ascii { "| " } else { "\u{2502} " },
                bullet: if ascii { "* " } else { "\u{2022} " },
                quote_once: false,
                cell: if ascii { CELL_SEPARATOR } else { " \u{2502} " },
                rule: if ascii {
                    ('-', '+')
                } else {
                    ('\u{2500}', '\u{253c}')
                },
            },
            Flavor::Speech => Marks {
                banner: "Breaking news.",
                quote: "Quote: ",
                bullet: "- ",
                quote_once: true,
                cell: "; ",
                rule: ('-', '+'),
            },
            Flavor::Print => Marks {
                banner: "BREAKING NEWS",
                quote: "> ",
                bullet: "- ",
                quote_once: false,
                cell: CELL_SEPARATOR,
                rule: ('-', '+'),
            },
        }
    }

    /// In words where a screen reader may speak it (it spoke an ISO date as "2002 dash 07 dash
    /// 28"); `herald show` keeps the ISO date scripts read.
    fn date(self, date: Published) -> String {
        match self {
            Flavor::Print => date.iso_date(),
            Flavor::Screen { .. } | Flavor::Speech => date.long_date(),
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
        keep_urls: !matches!(flavor, Flavor::Screen { .. }),
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
    let blocks = &article.blocks;
    let mut i = 0;
    while i < blocks.len() {
        let block = &blocks[i];
        let tight = i > 0 && same_list(blocks[i - 1].kind, block.kind);
        if i > 0 && !tight {
            lines.push(LineKind::Body, "", &[]);
        }
        if block.is_cell() {
            let end = table_end(blocks, i);
            table_into(&mut lines, &blocks[i..end], flavor, &marks);
            i = end;
        } else {
            block_into(&mut lines, block, flavor, &marks);
            i += 1;
        }
    }
    links_into(&mut lines, article, flavor);
    lines
}

type Styles = Vec<(Range<usize>, Inline)>;

/// Spans as one string, with each link's mark after its text, and where the styles are in it.
fn inline_text(spans: &[Span], flavor: Flavor) -> (String, Styles) {
    // Markup around nothing visible is shown as nothing: no underlined spaces, no link number
    // after no text (HTML is read that way; blocks made elsewhere may not be).
    let style_of = |span: &Span| {
        if span.text.trim().is_empty() {
            Inline::Plain
        } else {
            span.style
        }
    };
    let mut text = String::new();
    let mut styles = Vec::new();
    for (i, span) in spans.iter().enumerate() {
        let style = style_of(span);
        let start = text.len();
        text.push_str(&span.text);
        if style != Inline::Plain {
            styles.push((start..text.len(), style));
        }
        // A link's number follows its text, once, where the link ends; set off by a space
        // when the text is a URL, or `[1]` would be copied as part of it.
        if let Inline::Link(number) = style
            && spans.get(i + 1).map(style_of) != Some(style)
        {
            if flavor != Flavor::Speech && span.text.rsplit(' ').next().is_some_and(is_url) {
                text.push(' ');
            }
            text.push_str(&flavor.link_mark(number));
        }
    }
    (text, styles)
}

/// One block: its text with link marks, wrapped after its markers.
fn block_into(lines: &mut Lines, block: &Block, flavor: Flavor, marks: &Marks) {
    let (text, styles) = inline_text(&block.spans, flavor);
    let quote = marks.quote.repeat(usize::from(block.quote));
    let (kind, first, rest) = match block.kind {
        BlockKind::Paragraph => (LineKind::Body, String::new(), String::new()),
        BlockKind::Heading(_) => (LineKind::Heading, String::new(), String::new()),
        // A cell alone (tables are laid out by `table_into`) is a line of its table.
        BlockKind::TableCell { .. } => (LineKind::Table, String::new(), String::new()),
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
        // `herald show` keeps every line of code whole, as it keeps URLs; the screen and plain
        // mode (whose lines must fit: a screen reader reads a soft-wrapped line as two) cut.
        let cut = flavor != Flavor::Print;
        preformatted_into(lines, &first, &rest, &text, &styles, cut);
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

/// One table cell's text on one line: link marks in, line breaks as spaces, no spaces at its
/// ends. A header cell is strong on the screen wherever it has no other style.
struct Cell {
    text: String,
    styles: Styles,
}

impl Cell {
    fn of(block: &Block, flavor: Flavor) -> Self {
        let (text, styles) = inline_text(&block.spans, flavor);
        // One byte for one, so the styles' ranges still hold.
        let text = text.replace('\n', " ");
        let start = text.len() - text.trim_start().len();
        let end = text.trim_end().len().max(start);
        let mut styles = shift(&styles, start..end);
        if block.is_header() && matches!(flavor, Flavor::Screen { .. }) {
            styles = filled(styles, end - start, Inline::Strong);
        }
        Self {
            text: text[start..end].to_owned(),
            styles,
        }
    }
}

/// `styles` with every gap between them (up to `len`) given `style`.
fn filled(styles: Styles, len: usize, style: Inline) -> Styles {
    let mut out = Vec::with_capacity(styles.len() * 2 + 1);
    let mut at = 0;
    for (range, inline) in styles {
        if range.start > at {
            out.push((at..range.start, style));
        }
        at = range.end;
        out.push((range, inline));
    }
    if at < len {
        out.push((at..len, style));
    }
    out
}

/// Appends a cell's text to a line, with its styles moved to where it now starts.
fn push_cell(text: &mut String, styles: &mut Styles, cell: &Cell) {
    let start = text.len();
    text.push_str(&cell.text);
    styles.extend(
        cell.styles
            .iter()
            .map(|(r, style)| (start + r.start..start + r.end, *style)),
    );
}

/// Cells joined into one line by `separator`, each but the last padded to its column's width
/// when `widths` are given.
fn joined(cells: &[Cell], separator: &str, widths: Option<&[usize]>) -> (String, Styles) {
    let mut text = String::new();
    let mut styles = Vec::new();
    for (column, cell) in cells.iter().enumerate() {
        if column > 0 {
            text.push_str(separator);
        }
        push_cell(&mut text, &mut styles, cell);
        if let Some(widths) = widths
            && column + 1 < cells.len()
        {
            let width = widths.get(column).copied().unwrap_or(0);
            let pad = width.saturating_sub(display_width(&cell.text));
            text.extend(std::iter::repeat_n(' ', pad));
        }
    }
    (text, styles)
}

/// A table: a line per row (in aligned columns when they fit, else wrapped with the
/// continuation indented), a rule under a header row; in speech, a row is its cells, each
/// named by its column's header, since a listener cannot see columns line up.
fn table_into(lines: &mut Lines, cells: &[Block], flavor: Flavor, marks: &Marks) {
    let quote_depth = usize::from(cells.first().map_or(0, |c| c.quote));
    let rows: Vec<(bool, Vec<Cell>)> = table_rows(cells)
        .into_iter()
        .map(|row| {
            (
                is_header_row(row),
                row.iter().map(|c| Cell::of(c, flavor)).collect(),
            )
        })
        .collect();
    if flavor == Flavor::Speech {
        speech_table_into(lines, rows, marks, quote_depth);
        return;
    }
    let prefix = marks.quote.repeat(quote_depth);
    let hang = format!("{prefix}  ");
    let room = lines.width.saturating_sub(display_width(&prefix));
    let widths = column_widths(
        rows.iter()
            .map(|(_, cells)| cells.iter().map(|c| c.text.as_str())),
    );
    let aligned = aligned_width(&widths) <= room;
    let (line, cross) = marks.rule;
    for (n, (header, cells)) in rows.iter().enumerate() {
        let (text, styles) = joined(cells, marks.cell, aligned.then_some(widths.as_slice()));
        if aligned {
            push_piece(
                lines,
                LineKind::Table,
                &prefix,
                &text,
                0..text.len(),
                &styles,
            );
        } else {
            wrap_into(lines, LineKind::Table, &prefix, &hang, &text, &styles);
        }
        if *header && n + 1 < rows.len() {
            let rule = if aligned {
                aligned_rule(&widths[..cells.len().min(widths.len())], line, cross)
            } else {
                std::iter::repeat_n(line, display_width(&text).min(room)).collect()
            };
            push_piece(lines, LineKind::Table, &prefix, &rule, 0..rule.len(), &[]);
        }
    }
}

/// A table in words: how big it is, then a line per row of `header: cell` pairs.
fn speech_table_into(lines: &mut Lines, rows: Vec<(bool, Vec<Cell>)>, marks: &Marks, quote: usize) {
    let columns = rows.iter().map(|(_, cells)| cells.len()).max().unwrap_or(0);
    let headed = rows.len() > 1 && rows.first().is_some_and(|(header, _)| *header);
    let mut rows = rows.into_iter().map(|(_, cells)| cells);
    let header = if headed { rows.next() } else { None };
    let data: Vec<Vec<Cell>> = rows.collect();
    let intro = format!(
        "Table, {}, {}:",
        crate::text::count(data.len(), "row"),
        crate::text::count(columns, "column")
    );
    let first = if quote > 0 { marks.quote } else { "" };
    wrap_into(lines, LineKind::Table, first, "", &intro, &[]);
    for cells in data {
        let mut text = String::new();
        let mut styles = Vec::new();
        for (column, cell) in cells.iter().enumerate() {
            if cell.text.is_empty() {
                continue;
            }
            if !text.is_empty() {
                text.push_str(marks.cell);
            }
            if let Some(name) = header
                .as_ref()
                .and_then(|h| h.get(column))
                .filter(|h| !h.text.is_empty())
            {
                text.push_str(&name.text);
                text.push_str(": ");
            }
            push_cell(&mut text, &mut styles, cell);
        }
        wrap_into(lines, LineKind::Table, "", "", &text, &styles);
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
    let ranges = if lines.keep_urls {
        wrap_ranges_keeping_urls(text, room)
    } else {
        wrap_ranges(text, room)
    };
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

/// Preformatted text: every line kept as it is; with `cut`, cut by columns where it is too
/// wide.
fn preformatted_into(
    lines: &mut Lines,
    first: &str,
    rest: &str,
    text: &str,
    styles: &[(Range<usize>, Inline)],
    cut: bool,
) {
    let room = lines
        .width
        .saturating_sub(display_width(first).max(display_width(rest)));
    let mut offset = 0;
    let mut n = 0;
    for source in text.split('\n') {
        // An empty line is a line too.
        let mut pieces = if cut {
            column_ranges(source, room)
        } else {
            std::iter::once(0..source.len()).collect()
        };
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
/// reader can pick a link by its number. The article's files (a podcast's audio) are listed
/// with them, under the numbers after the links', each saying what it is.
fn links_into(lines: &mut Lines, article: &ArticleText, flavor: Flavor) {
    let own = article
        .url
        .as_deref()
        .map(|url| (article.url_number(), url));
    let mut listed: Vec<(String, u32, &str)> = article
        .links
        .iter()
        .map(|l| {
            let label = match flavor {
                Flavor::Speech => format!("Link {}:", l.number),
                _ => format!("[{}]", l.number),
            };
            (label, l.number, l.url.as_str())
        })
        .collect();
    listed.extend(
        article
            .attachments
            .iter()
            .map(|a| (attachment_label(a, flavor), a.number, a.url.as_str())),
    );
    match flavor {
        Flavor::Screen { .. } => {
            if listed.is_empty() && own.is_none() {
                return;
            }
            lines.push(LineKind::Body, "", &[]);
            lines.push(LineKind::Link, super::LINKS_HEADING, &[]);
            for (label, number, url) in listed {
                reference_into(lines, &label, url, number);
            }
            if let Some((number, url)) = own {
                reference_into(lines, &format!("[{number}] Article:"), url, number);
            }
        }
        Flavor::Print => {
            if !listed.is_empty() {
                lines.push(LineKind::Body, "", &[]);
                lines.push(LineKind::Link, super::LINKS_HEADING, &[]);
                for (label, number, url) in listed {
                    reference_into(lines, &label, url, number);
                }
            }
            if let Some((number, url)) = own {
                lines.push(LineKind::Body, "", &[]);
                reference_into(lines, "Link:", url, number);
            }
        }
        Flavor::Speech => {
            if listed.is_empty() && own.is_none() {
                return;
            }
            lines.push(LineKind::Body, "", &[]);
            for (label, number, url) in listed {
                reference_into(lines, &label, url, number);
            }
            if let Some((number, url)) = own {
                reference_into(lines, "Link:", url, number);
            }
        }
    }
}

/// What a file is, in words a screen reader says well: `[3] Audio, Episode 1 (audio/mpeg,
/// 12.3 MB):`, in speech `Link 3, audio, Episode 1 (audio/mpeg, 12.3 megabytes):`.
fn attachment_label(attachment: &Attachment, flavor: Flavor) -> String {
    let speech = flavor == Flavor::Speech;
    let kind = attachment.kind();
    let mut label = if speech {
        format!("Link {}, {}", attachment.number, kind.spoken())
    } else {
        format!("[{}] {}", attachment.number, kind.written())
    };
    if let Some(title) = &attachment.title {
        label.push_str(", ");
        label.push_str(title);
    }
    let details: Vec<String> = attachment
        .mime_type
        .clone()
        .into_iter()
        .chain(attachment.length.map(|bytes| file_size(bytes, speech)))
        .collect();
    if !details.is_empty() {
        label.push_str(&format!(" ({})", details.join(", ")));
    }
    label.push(':');
    label
}

/// A file's size in decimal units, as feeds and file managers give it: `12.3 MB`, `640 kB`
/// (in speech, `12.3 megabytes`).
fn file_size(bytes: u64, speech: bool) -> String {
    const UNITS: [(&str, &str); 4] = [
        ("kB", "kilobytes"),
        ("MB", "megabytes"),
        ("GB", "gigabytes"),
        ("TB", "terabytes"),
    ];
    if bytes < 1000 {
        return if bytes == 1 {
            "1 byte".to_owned()
        } else {
            format!("{bytes} bytes")
        };
    }
    // Precision beyond three digits is not wanted: this is a size to judge, not to check.
    #[allow(clippy::cast_precision_loss)]
    let mut value = bytes as f64 / 1000.0;
    let mut unit = 0;
    while value >= 999.95 && unit + 1 < UNITS.len() {
        value /= 1000.0;
        unit += 1;
    }
    let number = if value < 99.95 {
        format!("{value:.1}")
    } else {
        format!("{value:.0}")
    };
    let number = number.strip_suffix(".0").unwrap_or(&number);
    let (short, long) = UNITS[unit];
    match (speech, number) {
        (false, _) => format!("{number} {short}"),
        (true, "1") => format!("1 {}", long.trim_end_matches('s')),
        (true, _) => format!("{number} {long}"),
    }
}

/// `label` then `url`, the URL as spans of link `number`. On the screen every line fits: the
/// URL goes whole on a line of its own when it fits one, and only a URL longer than the
/// width is cut into pieces (each a hyperlink to the whole). Elsewhere the URL is never cut:
/// it ends the label's last line, however long that makes it, so it can be copied whole.
fn reference_into(lines: &mut Lines, label: &str, url: &str, number: u32) {
    let style = Inline::Link(number);
    let link = |start: usize, end: usize| StyleSpan {
        start: u32::try_from(start).unwrap_or(u32::MAX),
        end: u32::try_from(end).unwrap_or(u32::MAX),
        style,
    };
    let width = lines.width;
    let whole = format!("{label} {url}");
    if display_width(&whole) <= width || (lines.keep_urls && display_width(label) <= width) {
        lines.push(
            LineKind::Link,
            &whole,
            &[link(label.len() + 1, whole.len())],
        );
        return;
    }
    let label_lines = if lines.keep_urls {
        wrap_ranges_keeping_urls(label, width)
    } else {
        wrap_ranges(label, width)
    };
    let Some((last, before)) = label_lines.split_last() else {
        return;
    };
    for range in before {
        lines.push(LineKind::Link, &label[range.clone()], &[]);
    }
    let last = label[last.clone()].trim_end();
    if lines.keep_urls {
        let line = format!("{last} {url}");
        lines.push(LineKind::Link, &line, &[link(last.len() + 1, line.len())]);
        return;
    }
    let mut rest = 0;
    let room = width.saturating_sub(display_width(last) + 1);
    if display_width(url) <= width || room < 8 {
        lines.push(LineKind::Link, last, &[]);
    } else {
        // Too long for any line: it starts after the label, rather than waste a line.
        let first = column_ranges(url, room).first().map_or(0, |r| r.end);
        let line = format!("{last} {}", &url[..first]);
        lines.push(LineKind::Link, &line, &[link(last.len() + 1, line.len())]);
        rest = first;
    }
    for piece in column_ranges(&url[rest..], width) {
        let text = &url[rest + piece.start..rest + piece.end];
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
            attachments: Vec::new(),
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
                "28 July 2002, VOA, Asia",
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
                // Too long for the label's line, the URL goes whole on the next, not cut.
                "[2] Article:",
                "https://example.org/ferry",
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

    fn cell(header: bool, starts_row: bool, text: &str) -> Block {
        Block {
            kind: BlockKind::TableCell { header, starts_row },
            ..Block::paragraph(text)
        }
    }

    fn rain() -> Vec<Block> {
        vec![
            cell(true, true, "City"),
            cell(true, false, "Rain"),
            cell(false, true, "Oslo"),
            Block {
                spans: vec![
                    Span {
                        style: Inline::Link(1),
                        text: "12".to_owned(),
                    },
                    Span {
                        style: Inline::Plain,
                        text: " mm".to_owned(),
                    },
                ],
                ..cell(false, false, "")
            },
            cell(false, true, "Trondheim"),
            cell(false, false, ""),
        ]
    }

    /// The lines after the dateline's blank line, up to the link list.
    fn body(lines: &Lines) -> Vec<String> {
        let texts = lines.texts();
        let start = texts
            .iter()
            .position(String::is_empty)
            .map_or(0, |at| at + 1);
        let end = texts
            .iter()
            .position(|l| l == super::super::LINKS_HEADING || l.starts_with("Link"))
            .unwrap_or(texts.len());
        texts[start..end]
            .iter()
            .map(String::as_str)
            .collect::<Vec<_>>()
            .join("\n")
            .trim_end()
            .split('\n')
            .map(str::to_owned)
            .collect()
    }

    #[test]
    fn a_table_is_a_row_per_line_in_aligned_columns_with_its_header_ruled_off() {
        let mut blocks = vec![Block::paragraph("Rain:")];
        blocks.extend(rain());
        blocks.push(Block::paragraph("After."));
        let screen = lay_out(
            &article(blocks.clone()),
            40,
            Flavor::Screen { ascii: false },
        );
        assert_eq!(
            body(&screen),
            [
                "Rain:",
                "",
                "City      \u{2502} Rain",
                &format!("{}\u{253c}{}", "\u{2500}".repeat(10), "\u{2500}".repeat(9)),
                "Oslo      \u{2502} 12[1] mm",
                "Trondheim \u{2502}",
                "",
                "After.",
            ]
        );
        // Header cells are strong (told apart without colour), links keep their style.
        let header = screen.get(6).expect("the header row");
        assert_eq!(header.kind, LineKind::Table);
        let strong: Vec<&str> = header
            .spans
            .iter()
            .filter(|s| s.style == Inline::Strong)
            .map(|s| &header.text[s.start as usize..s.end as usize])
            .collect();
        assert_eq!(strong, ["City", "Rain"]);
        let oslo = screen.get(8).expect("a row");
        assert_eq!(
            oslo.spans
                .iter()
                .map(|s| (&oslo.text[s.start as usize..s.end as usize], s.style))
                .collect::<Vec<_>>(),
            [("12", Inline::Link(1))]
        );
        let ascii = lay_out(&article(blocks.clone()), 40, Flavor::Screen { ascii: true });
        assert_eq!(
            body(&ascii)[2..5],
            [
                "City      | Rain",
                "----------+---------",
                "Oslo      | 12[1] mm"
            ]
        );
        let print = lay_out(&article(blocks), 40, Flavor::Print);
        assert_eq!(body(&print), body(&ascii));
    }

    #[test]
    fn a_table_too_wide_for_columns_keeps_a_row_per_line_with_continuations_indented() {
        let lines = lay_out(&article(rain()), 14, Flavor::Print);
        assert_eq!(
            body(&lines),
            [
                "City | Rain",
                "-----------",
                "Oslo | 12[1]",
                "  mm",
                "Trondheim |",
            ]
        );
        for line in lines.iter().filter(|l| l.kind == LineKind::Table) {
            assert!(display_width(line.text) <= 14, "{line:?}");
        }
    }

    #[test]
    fn speech_names_each_cell_by_its_column() {
        let lines = lay_out(&article(rain()), 80, Flavor::Speech);
        assert_eq!(
            body(&lines),
            [
                "Table, 2 rows, 2 columns:",
                "City: Oslo; Rain: 12 (link 1) mm",
                "City: Trondheim",
            ]
        );
        // Without a header row the cells are said in order.
        let plain = vec![cell(false, true, "a"), cell(false, false, "b")];
        let lines = lay_out(&article(plain), 80, Flavor::Speech);
        assert_eq!(body(&lines), ["Table, 1 row, 2 columns:", "a; b"]);
    }

    const LONG: &str = "https://example.org/2024/03/a-very-long-address/of-an-article?with=query";

    fn long_url_article() -> ArticleText {
        ArticleText {
            links: vec![Link {
                number: 1,
                url: LONG.to_owned(),
            }],
            url: Some(format!("{LONG}&own=1")),
            ..article(vec![Block::paragraph(format!("Read it at {LONG} today."))])
        }
    }

    #[test]
    fn print_and_speech_never_cut_a_url_and_let_its_line_run_past_the_width() {
        for flavor in [Flavor::Print, Flavor::Speech] {
            let lines = lay_out(&long_url_article(), 30, flavor);
            let texts = lines.texts();
            for expected in [
                LONG.to_owned(),
                match flavor {
                    Flavor::Print => format!("[1] {LONG}"),
                    _ => format!("Link 1: {LONG}"),
                },
                match flavor {
                    Flavor::Print => format!("Link: {LONG}&own=1"),
                    _ => format!("Link: {LONG}&own=1"),
                },
            ] {
                assert!(
                    texts.contains(&expected),
                    "{flavor:?}: {expected} in {texts:#?}"
                );
            }
            // Only lines holding a URL are wider than the width.
            for line in &texts {
                assert!(
                    display_width(line) <= 30 || line.contains(LONG),
                    "{flavor:?}: {line:?}"
                );
            }
        }
    }

    #[test]
    fn the_screen_cuts_only_a_url_longer_than_the_pane_each_piece_a_link() {
        let lines = lay_out(&long_url_article(), 30, Flavor::Screen { ascii: false });
        for line in lines.iter() {
            assert!(display_width(line.text) <= 30, "{line:?}");
        }
        let texts = lines.texts();
        let at = texts
            .iter()
            .position(|l| l == "Links:")
            .expect("the link list");
        // Pieces of link 1 follow its label; every piece is a span of link 1.
        let one: String = texts[at + 1..]
            .iter()
            .take_while(|l| !l.starts_with("[2]"))
            .map(String::as_str)
            .collect();
        assert_eq!(one, format!("[1] {LONG}"));
        for line in lines.iter().skip(at + 1) {
            assert_eq!(line.spans.len(), 1, "{line:?}");
            let span = line.spans[0];
            assert!(matches!(span.style, Inline::Link(1 | 2)), "{line:?}");
            assert_eq!(span.end as usize, line.text.len(), "{line:?}");
        }
        // A URL that fits the pane is moved whole to a line of its own.
        let fits = lay_out(
            &article(vec![Block::paragraph("See https://example.org/a/b/c now")]),
            27,
            Flavor::Screen { ascii: false },
        );
        assert!(
            fits.texts()
                .contains(&"https://example.org/a/b/c".to_owned()),
            "{:?}",
            fits.texts()
        );
    }

    #[test]
    fn preformatted_lines_are_whole_in_print_and_cut_where_lines_must_fit() {
        let code = "    let total = first_value + second_value + third_value;";
        let pre = Block {
            kind: BlockKind::Preformatted,
            ..Block::paragraph(format!("fn main() {{\n{code}\n}}"))
        };
        let print = lay_out(&article(vec![pre.clone()]), 30, Flavor::Print);
        assert_eq!(
            body(&print),
            [
                "    fn main() {".to_owned(),
                format!("    {code}"),
                "    }".to_owned()
            ]
        );
        for flavor in [Flavor::Speech, Flavor::Screen { ascii: true }] {
            let lines = lay_out(&article(vec![pre.clone()]), 30, flavor);
            let body = body(&lines);
            assert_eq!(body[0], "fn main() {", "{flavor:?}");
            assert_eq!(body[1], code[..30].trim_end(), "{flavor:?}");
            assert!(
                lines
                    .iter()
                    .filter(|l| l.kind == LineKind::Preformatted)
                    .all(|l| display_width(l.text) <= 30),
                "{flavor:?}"
            );
        }
    }

    #[test]
    fn a_link_around_nothing_visible_gets_no_number() {
        let block = Block {
            spans: vec![
                Span {
                    style: Inline::Plain,
                    text: "a".to_owned(),
                },
                Span {
                    style: Inline::Link(1),
                    text: " ".to_owned(),
                },
                Span {
                    style: Inline::Plain,
                    text: "b".to_owned(),
                },
            ],
            ..Block::paragraph("")
        };
        for flavor in [
            Flavor::Print,
            Flavor::Speech,
            Flavor::Screen { ascii: false },
        ] {
            let lines = lay_out(&article(vec![block.clone()]), 40, flavor);
            assert_eq!(lines.get(4).map(|l| l.text), Some("a b"), "{flavor:?}");
            assert_eq!(lines.get(4).map(|l| l.spans.len()), Some(0), "{flavor:?}");
        }
    }

    fn podcast() -> ArticleText {
        let file =
            |number, url: &str, mime: Option<&str>, length, title: Option<&str>| Attachment {
                number,
                url: url.to_owned(),
                mime_type: mime.map(str::to_owned),
                length,
                title: title.map(str::to_owned),
            };
        ArticleText {
            attachments: vec![
                file(
                    2,
                    "https://cdn.example/ep1.mp3",
                    Some("audio/mpeg"),
                    Some(12_345_678),
                    None,
                ),
                file(
                    3,
                    "https://cdn.example/cover.jpg?s=1",
                    None,
                    None,
                    Some("Cover"),
                ),
            ],
            ..article(vec![Block::paragraph("Episode one.")])
        }
    }

    #[test]
    fn files_are_listed_with_the_links_numbered_after_them_and_say_what_they_are() {
        let text = podcast();
        assert_eq!(text.url_number(), 4);
        assert_eq!(text.link(2), Some("https://cdn.example/ep1.mp3"));
        assert_eq!(text.link(3), Some("https://cdn.example/cover.jpg?s=1"));
        let screen = lay_out(&text, 80, Flavor::Screen { ascii: false }).texts();
        let at = screen
            .iter()
            .position(|l| l == "Links:")
            .expect("the link list");
        assert_eq!(
            screen[at..],
            [
                "Links:",
                "[1] https://example.org/times",
                "[2] Audio (audio/mpeg, 12.3 MB): https://cdn.example/ep1.mp3",
                "[3] Image, Cover: https://cdn.example/cover.jpg?s=1",
                "[4] Article: https://example.org/ferry",
            ]
        );
        let print = lay_out(&text, 80, Flavor::Print).texts();
        assert!(
            print.contains(
                &"[2] Audio (audio/mpeg, 12.3 MB): https://cdn.example/ep1.mp3".to_owned()
            ),
            "{print:#?}"
        );
        let speech = lay_out(&text, 80, Flavor::Speech).texts();
        let at = speech
            .iter()
            .position(|l| l.starts_with("Link 1"))
            .expect("the links");
        assert_eq!(
            speech[at..],
            [
                "Link 1: https://example.org/times",
                "Link 2, audio (audio/mpeg, 12.3 megabytes): https://cdn.example/ep1.mp3",
                "Link 3, image, Cover: https://cdn.example/cover.jpg?s=1",
                "Link: https://example.org/ferry",
            ]
        );
        // Every URL piece is a span of its own number, so the screen makes it a hyperlink.
        let lines = lay_out(&text, 30, Flavor::Screen { ascii: false });
        let linked: String = lines
            .iter()
            .flat_map(|l| {
                l.spans
                    .iter()
                    .filter(|s| s.style == Inline::Link(2))
                    .map(move |s| &l.text[s.start as usize..s.end as usize])
            })
            .collect();
        assert_eq!(linked, "https://cdn.example/ep1.mp3");
    }

    #[test]
    fn file_sizes_are_in_decimal_units_and_words_for_speech() {
        for (bytes, written, spoken) in [
            (1, "1 byte", "1 byte"),
            (999, "999 bytes", "999 bytes"),
            (1_000, "1 kB", "1 kilobyte"),
            (640_000, "640 kB", "640 kilobytes"),
            (12_345_678, "12.3 MB", "12.3 megabytes"),
            (999_960, "1 MB", "1 megabyte"),
            (3_200_000_000, "3.2 GB", "3.2 gigabytes"),
        ] {
            assert_eq!(file_size(bytes, false), written, "{bytes}");
            assert_eq!(file_size(bytes, true), spoken, "{bytes}");
        }
    }
}
