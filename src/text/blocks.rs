//! Text as structure: blocks (paragraphs, headings, list items, preformatted text, table cells,
//! each maybe inside quotes) of inline spans (plain, emphasis, strong, code, a numbered link).
//! What HTML becomes ([`super::html`]), and what every presenter formats its own way.

/// A numbered link target.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Link {
    pub number: u32,
    pub url: String,
}

/// One block of text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Block {
    pub kind: BlockKind,
    /// How many quotes this block is inside (0: none).
    pub quote: u8,
    pub spans: Vec<Span>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BlockKind {
    Paragraph,
    /// Level 1 to 6.
    Heading(u8),
    /// A list item, `depth` lists deep (1 for a top-level list).
    ListItem {
        depth: u8,
        marker: ListMarker,
    },
    /// Text whose line breaks and spaces are kept.
    Preformatted,
    /// One cell of a data table. The cells of a table are consecutive blocks (with one quote
    /// depth), row by row; `starts_row` is set on the first cell of each row. A cell may be
    /// empty, so the cells after it stay in their columns.
    TableCell {
        header: bool,
        starts_row: bool,
    },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ListMarker {
    Bullet,
    Number(u32),
}

/// A run of text in one inline style. A `\n` inside a span is a line break (`<br>`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Span {
    pub style: Inline,
    pub text: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Inline {
    Plain,
    Emphasis,
    Strong,
    Code,
    /// Part of the text of the link numbered `n` in the article's links.
    Link(u32),
}

impl Block {
    pub fn paragraph(text: impl Into<String>) -> Self {
        Self {
            kind: BlockKind::Paragraph,
            quote: 0,
            spans: vec![Span {
                style: Inline::Plain,
                text: text.into(),
            }],
        }
    }

    /// The block's text without styles.
    pub fn text(&self) -> String {
        self.spans.iter().map(|s| s.text.as_str()).collect()
    }

    pub fn is_cell(&self) -> bool {
        matches!(self.kind, BlockKind::TableCell { .. })
    }

    pub fn is_header(&self) -> bool {
        matches!(self.kind, BlockKind::TableCell { header: true, .. })
    }
}

/// Where the table whose first cell is `blocks[start]` ends: after the cells that follow it
/// at its quote depth. `start` itself when that block is no cell.
pub fn table_end(blocks: &[Block], start: usize) -> usize {
    let Some(first) = blocks.get(start).filter(|b| b.is_cell()) else {
        return start;
    };
    start
        + blocks[start..]
            .iter()
            .take_while(|b| b.is_cell() && b.quote == first.quote)
            .count()
}

/// A table's cells row by row: a row starts at each cell that says so, and at the first.
pub fn table_rows(cells: &[Block]) -> Vec<&[Block]> {
    let mut rows = Vec::new();
    let mut start = 0;
    for (i, cell) in cells.iter().enumerate() {
        if i > start
            && matches!(
                cell.kind,
                BlockKind::TableCell {
                    starts_row: true,
                    ..
                }
            )
        {
            rows.push(&cells[start..i]);
            start = i;
        }
    }
    if start < cells.len() {
        rows.push(&cells[start..]);
    }
    rows
}

/// A row that heads the columns below it: all its cells are header cells.
pub fn is_header_row(row: &[Block]) -> bool {
    !row.is_empty() && row.iter().all(Block::is_header)
}

/// Widest a table is laid out in aligned columns in plain text; a wider one is written a row
/// per line with its cells set off by ` | `.
pub const PLAIN_TABLE_WIDTH: usize = 80;

/// Between two cells of a row.
pub const CELL_SEPARATOR: &str = " | ";

/// A table as plain text: a line per row, cells set off by [`CELL_SEPARATOR`] and aligned in
/// columns when that fits [`PLAIN_TABLE_WIDTH`], and a rule of `-` under each header row, so
/// headers are told apart without any style.
fn plain_table(cells: &[Block], out: &mut String) {
    let rows: Vec<(bool, Vec<String>)> = table_rows(cells)
        .into_iter()
        .map(|row| {
            let texts = row
                .iter()
                .map(|cell| cell.text().replace('\n', " ").trim().to_owned())
                .collect();
            (is_header_row(row), texts)
        })
        .collect();
    let widths = column_widths(
        rows.iter()
            .map(|(_, texts)| texts.iter().map(String::as_str)),
    );
    let aligned = aligned_width(&widths) <= PLAIN_TABLE_WIDTH;
    for (n, (header, texts)) in rows.iter().enumerate() {
        if n > 0 {
            out.push('\n');
        }
        let line = if aligned {
            aligned_row(texts, &widths)
        } else {
            texts.join(CELL_SEPARATOR)
        };
        out.push_str(line.trim_end());
        if *header && n + 1 < rows.len() {
            out.push('\n');
            if aligned {
                out.push_str(&aligned_rule(&widths[..texts.len()], '-', '+'));
            } else {
                out.push_str(&"-".repeat(super::display_width(line.trim_end()).max(3)));
            }
        }
    }
}

/// The display width of the widest cell of each column.
pub fn column_widths<'a, R, C>(rows: R) -> Vec<usize>
where
    R: IntoIterator<Item = C>,
    C: IntoIterator<Item = &'a str>,
{
    let mut widths: Vec<usize> = Vec::new();
    for row in rows {
        for (column, text) in row.into_iter().enumerate() {
            let width = super::display_width(text);
            match widths.get_mut(column) {
                Some(widest) => *widest = (*widest).max(width),
                None => widths.push(width),
            }
        }
    }
    widths
}

/// How wide a table is in aligned columns of these widths.
pub fn aligned_width(widths: &[usize]) -> usize {
    widths.iter().sum::<usize>() + CELL_SEPARATOR.len() * widths.len().saturating_sub(1)
}

/// A row's cells padded to their columns (the last one not padded).
fn aligned_row(texts: &[String], widths: &[usize]) -> String {
    let mut line = String::new();
    for (column, text) in texts.iter().enumerate() {
        if column > 0 {
            line.push_str(CELL_SEPARATOR);
        }
        line.push_str(text);
        if column + 1 < texts.len() {
            let width = widths.get(column).copied().unwrap_or(0);
            let pad = width.saturating_sub(super::display_width(text));
            line.extend(std::iter::repeat_n(' ', pad));
        }
    }
    line
}

/// The rule under a header row of aligned columns: `line` under each column, `cross` where
/// the separators are (`-----+------`).
pub fn aligned_rule(widths: &[usize], line: char, cross: char) -> String {
    let mut rule = String::new();
    for (column, width) in widths.iter().enumerate() {
        if column > 0 {
            rule.push(line);
            rule.push(cross);
            rule.push(line);
        }
        rule.extend(std::iter::repeat_n(line, *width));
    }
    rule
}

/// Blocks as plain text, for a store's `body`: paragraphs separated by a blank line, list items
/// on lines of their own, preformatted text as it is, a table a row per line.
pub fn plain_text_of(blocks: &[Block]) -> String {
    let mut out = String::new();
    let mut previous: Option<BlockKind> = None;
    let mut i = 0;
    while i < blocks.len() {
        let block = &blocks[i];
        if block.is_cell() {
            let end = table_end(blocks, i);
            let mut table = String::new();
            plain_table(&blocks[i..end], &mut table);
            if !table.trim().is_empty() {
                if !out.is_empty() {
                    out.push_str("\n\n");
                }
                out.push_str(&table);
                previous = Some(block.kind);
            }
            i = end;
            continue;
        }
        i += 1;
        let text = block.text();
        let text = text.trim_end_matches('\n');
        if text.trim().is_empty() {
            continue;
        }
        // Items of one list follow each other on consecutive lines; everything else is a
        // paragraph of its own.
        let tight = previous.is_some_and(|p| same_list(p, block.kind));
        if !out.is_empty() {
            out.push_str(if tight { "\n" } else { "\n\n" });
        }
        match block.kind {
            BlockKind::ListItem { marker, .. } => {
                match marker {
                    ListMarker::Bullet => out.push_str("- "),
                    ListMarker::Number(n) => out.push_str(&format!("{n}. ")),
                }
                out.push_str(&text.replace('\n', " "));
            }
            BlockKind::Preformatted => out.push_str(text),
            _ => out.push_str(&text.replace('\n', " ")),
        }
        previous = Some(block.kind);
    }
    out
}

/// Whether a block of kind `next` continues the list a block of kind `previous` is in: both
/// items, bullets after bullets or the next number after a number, or deeper than it.
pub fn same_list(previous: BlockKind, next: BlockKind) -> bool {
    match (previous, next) {
        (
            BlockKind::ListItem {
                depth: a,
                marker: m,
            },
            BlockKind::ListItem {
                depth: b,
                marker: n,
            },
        ) => {
            b != a
                || match (m, n) {
                    (ListMarker::Bullet, ListMarker::Bullet) => true,
                    (ListMarker::Number(x), ListMarker::Number(y)) => y == x.saturating_add(1),
                    _ => false,
                }
        }
        _ => false,
    }
}

/// Blocks as clean HTML, for a store's `html` field: only the elements the blocks stand for
/// (`p`, `h1`-`h6`, `blockquote`, `ul`/`ol`/`li`, `pre`, `table`/`tr`/`th`/`td`, `em`,
/// `strong`, `code`, `a href`, `br`), every text escaped. Reading it back gives the same
/// blocks.
pub fn to_html(blocks: &[Block], links: &[Link]) -> String {
    let mut out = String::new();
    let mut quotes = 0u8;
    // Open lists, outermost first: whether each is ordered.
    let mut lists: Vec<bool> = Vec::new();
    // A table is open (and a row in it).
    let mut table = false;
    for block in blocks {
        if table && !(block.is_cell() && block.quote == quotes) {
            out.push_str("</tr></table>");
            table = false;
        }
        let (depth, ordered) = match block.kind {
            BlockKind::ListItem { depth, marker } => {
                (usize::from(depth), matches!(marker, ListMarker::Number(_)))
            }
            _ => (0, false),
        };
        // Lists close before a quote changes, and deeper ones before shallower items.
        let keep = if block.quote == quotes { depth } else { 0 };
        while lists.len() > keep
            || (depth > 0 && lists.len() == depth && lists.last() != Some(&ordered))
        {
            out.push_str(if lists.pop() == Some(true) {
                "</ol>"
            } else {
                "</ul>"
            });
        }
        while quotes > block.quote {
            out.push_str("</blockquote>");
            quotes -= 1;
        }
        while quotes < block.quote {
            out.push_str("<blockquote>");
            quotes += 1;
        }
        while lists.len() < depth {
            let innermost = lists.len() + 1 == depth;
            match (innermost && ordered, block.kind) {
                (
                    true,
                    BlockKind::ListItem {
                        marker: ListMarker::Number(n),
                        ..
                    },
                ) if n != 1 => {
                    out.push_str(&format!("<ol start=\"{n}\">"));
                }
                (true, _) => out.push_str("<ol>"),
                (false, _) => out.push_str("<ul>"),
            }
            lists.push(innermost && ordered);
        }
        let (open, close) = match block.kind {
            BlockKind::Paragraph => ("<p>".to_owned(), "</p>".to_owned()),
            BlockKind::Heading(level) => {
                let level = level.clamp(1, 6);
                (format!("<h{level}>"), format!("</h{level}>"))
            }
            BlockKind::ListItem { .. } => ("<li>".to_owned(), "</li>".to_owned()),
            BlockKind::Preformatted => ("<pre>".to_owned(), "</pre>".to_owned()),
            BlockKind::TableCell { header, starts_row } => {
                if !table {
                    out.push_str("<table><tr>");
                    table = true;
                } else if starts_row {
                    out.push_str("</tr><tr>");
                }
                if header {
                    ("<th>".to_owned(), "</th>".to_owned())
                } else {
                    ("<td>".to_owned(), "</td>".to_owned())
                }
            }
        };
        out.push_str(&open);
        let pre = block.kind == BlockKind::Preformatted;
        if pre
            && block
                .spans
                .first()
                .is_some_and(|s| s.text.starts_with('\n'))
        {
            // A newline right after <pre> is dropped when read; keep a leading one.
            out.push('\n');
        }
        for span in &block.spans {
            let text = escape(&span.text, pre);
            // Markup around nothing visible says nothing (and `<a>` around a space would still
            // get a link number): it is written as the text it holds.
            let style = if span.text.trim().is_empty() {
                Inline::Plain
            } else {
                span.style
            };
            match style {
                Inline::Plain => out.push_str(&text),
                Inline::Emphasis => out.push_str(&format!("<em>{text}</em>")),
                Inline::Strong => out.push_str(&format!("<strong>{text}</strong>")),
                Inline::Code => out.push_str(&format!("<code>{text}</code>")),
                Inline::Link(number) => match links.iter().find(|l| l.number == number) {
                    Some(link) => out.push_str(&format!(
                        "<a href=\"{}\">{text}</a>",
                        escape(&link.url, true).replace('"', "&quot;")
                    )),
                    None => out.push_str(&text),
                },
            }
        }
        out.push_str(&close);
    }
    if table {
        out.push_str("</tr></table>");
    }
    while let Some(ordered) = lists.pop() {
        out.push_str(if ordered { "</ol>" } else { "</ul>" });
    }
    for _ in 0..quotes {
        out.push_str("</blockquote>");
    }
    out
}

/// Text as HTML text: `&`, `<` and `>` escaped; outside `<pre>`, a line break is `<br>`.
fn escape(text: &str, pre: bool) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '\n' if !pre => out.push_str("<br>"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_written_as_html_read_back_the_same() {
        let html = "<h2>Times &amp; tides</h2><p>See <a href=\"https://a.example/?a=1&amp;b=2\">the \
                    table</a>, <em>soon</em> <strong>now</strong> <code>x &lt; y</code>.<br>Next \
                    line.</p><blockquote><p>Quoted.</p><ul><li>in a quote</li></ul></blockquote>\
                    <ol start=\"3\"><li>three<ul><li>inner</li></ul></li><li>four</li></ol>\
                    <pre>  keep\n   spacing</pre><p>End.</p><blockquote><table><tr><th>City</th>\
                    <th>Rain</th></tr><tr><td><a href=\"https://a.example/oslo\">Oslo</a></td>\
                    <td></td></tr></table></blockquote><table><tr><td>a<br>b</td><td>c</td></tr>\
                    </table>";
        let parsed = super::super::html::parse(html);
        let written = to_html(&parsed.blocks, &parsed.links);
        let again = super::super::html::parse(&written);
        assert_eq!(again, parsed);
        assert_eq!(parsed.blocks.len(), 15, "{:#?}", parsed.blocks);
        assert!(
            written.ends_with(
                "<blockquote><table><tr><th>City</th><th>Rain</th></tr><tr><td><a \
                 href=\"https://a.example/oslo\">Oslo</a></td><td></td></tr></table>\
                 </blockquote><table><tr><td>a<br>b</td><td>c</td></tr></table>"
            ),
            "{written}"
        );
    }

    fn cell(header: bool, starts_row: bool, text: &str) -> Block {
        Block {
            kind: BlockKind::TableCell { header, starts_row },
            ..Block::paragraph(text)
        }
    }

    #[test]
    fn plain_text_keeps_preformatted_lines_and_puts_each_table_row_on_a_line() {
        let blocks = [
            Block::paragraph("Rain:"),
            cell(true, true, "City"),
            cell(true, false, "Rain"),
            cell(false, true, "Oslo"),
            cell(false, false, "12 mm"),
            cell(false, true, "Trondheim"),
            cell(false, false, ""),
            Block {
                kind: BlockKind::Preformatted,
                ..Block::paragraph("  fn main() {\n\n      go();\n  }")
            },
        ];
        assert_eq!(
            plain_text_of(&blocks),
            "Rain:\n\nCity      | Rain\n----------+------\nOslo      | 12 mm\nTrondheim |\n\n  \
             fn main() {\n\n      go();\n  }"
        );
        // Too wide for aligned columns: a row per line all the same, cells set off by ` | `.
        let long = "word ".repeat(20);
        let wide = [
            cell(true, true, "Term"),
            cell(true, false, "Meaning"),
            cell(false, true, "x"),
            cell(false, false, long.trim()),
        ];
        assert_eq!(
            plain_text_of(&wide),
            format!("Term | Meaning\n--------------\nx | {}", long.trim())
        );
    }

    #[test]
    fn markup_around_nothing_visible_is_written_as_its_text() {
        let block = Block {
            kind: BlockKind::Paragraph,
            quote: 0,
            spans: vec![
                Span {
                    style: Inline::Plain,
                    text: "a".into(),
                },
                Span {
                    style: Inline::Strong,
                    text: " ".into(),
                },
                Span {
                    style: Inline::Link(1),
                    text: "\n".into(),
                },
                Span {
                    style: Inline::Emphasis,
                    text: "b".into(),
                },
            ],
        };
        let links = [Link {
            number: 1,
            url: "https://a.example".into(),
        }];
        assert_eq!(to_html(&[block], &links), "<p>a <br><em>b</em></p>");
    }
}
