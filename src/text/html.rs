//! HTML (a native store's `html`, a JSON Feed's `content_html`, a feed's content) into blocks.
//!
//! html5ever's tokenizer reads the markup (entities, attributes, broken tags, `<script>`
//! contents) exactly as browsers do; the blocks are built here from the tokens in one pass,
//! without a tree: an element changes counters and a few small stacks, so input of any depth
//! costs time in proportion to its length (30,000 nested `<div>`s once took quadratic time).
//! Everything that is not text a reader should see (scripts, styles, forms, media) is dropped,
//! and all text is sanitised like any other store text.

use std::cell::RefCell;

use html5ever::tendril::StrTendril;
use html5ever::tokenizer::states::RawKind;
use html5ever::tokenizer::{
    BufferQueue, Tag, TagKind, Token, TokenSink, TokenSinkResult, Tokenizer, TokenizerOpts,
};

use super::blocks::{Block, BlockKind, Inline, Link, ListMarker, Span, plain_text_of};
use super::{display_width, sanitize_line, sanitize_text};

/// Lists nested deeper than this are shown at this depth.
const MAX_LIST_DEPTH: usize = 16;

/// Tabs in preformatted text stop every this many columns (as in sanitising).
const TAB_WIDTH: usize = 8;

/// What HTML yielded.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Parsed {
    pub blocks: Vec<Block>,
    pub links: Vec<Link>,
}

/// Reads `html` into blocks and numbered links.
pub fn parse(html: &str) -> Parsed {
    let sink = Sink(RefCell::new(Builder::default()));
    let tokenizer = Tokenizer::new(sink, TokenizerOpts::default());
    let input = BufferQueue::default();
    input.push_back(StrTendril::from_slice(html));
    // The sink never asks to stop for a script, so one feed reads everything.
    let _ = tokenizer.feed(&input);
    tokenizer.end();
    let Sink(builder) = tokenizer.sink;
    builder.into_inner().finish()
}

/// The plain text of `html`: its blocks as a store's `body` holds them.
pub fn to_plain_text(html: &str) -> String {
    plain_text_of(&parse(html).blocks)
}

struct Sink(RefCell<Builder>);

impl TokenSink for Sink {
    type Handle = ();

    fn process_token(&self, token: Token, _line: u64) -> TokenSinkResult<()> {
        let mut builder = self.0.borrow_mut();
        match token {
            Token::TagToken(tag) => return builder.tag(&tag),
            Token::CharacterTokens(text) => builder.text(&text),
            Token::EOFToken => builder.end_block(),
            _ => {}
        }
        TokenSinkResult::Continue
    }
}

/// An element whose contents a reader never sees.
fn is_hidden(name: &str) -> bool {
    matches!(
        name,
        "script"
            | "style"
            | "head"
            | "title"
            | "template"
            | "noscript"
            | "svg"
            | "math"
            | "iframe"
            | "object"
            | "embed"
            | "canvas"
            | "video"
            | "audio"
            | "select"
            | "textarea"
            | "button"
            | "form"
    )
}

/// An element that starts and ends a block of its own.
fn is_block(name: &str) -> bool {
    matches!(
        name,
        "p" | "div"
            | "section"
            | "article"
            | "header"
            | "footer"
            | "main"
            | "aside"
            | "nav"
            | "figure"
            | "figcaption"
            | "address"
            | "details"
            | "summary"
            | "dl"
            | "dt"
            | "dd"
            | "table"
            | "thead"
            | "tbody"
            | "tfoot"
            | "tr"
            | "caption"
            | "fieldset"
            | "legend"
            | "center"
            | "hr"
            | "body"
            | "html"
    )
}

#[derive(Default)]
struct Builder {
    blocks: Vec<Block>,
    links: Vec<Link>,
    /// Each address's number, so a page with many links costs one lookup per link.
    link_numbers: std::collections::HashMap<String, u32>,
    /// The block being built.
    spans: Vec<Span>,
    kind: Option<BlockKind>,
    quote: u8,
    /// Open lists: ordered ones with the number of their next item.
    lists: Vec<Option<u32>>,
    /// Lists opened beyond [`MAX_LIST_DEPTH`], not on `lists`.
    deep_lists: usize,
    emphasis: u32,
    strong: u32,
    code: u32,
    /// The link the text is in, if any.
    link: Option<u32>,
    /// Inside `<pre>`: keep spaces and line breaks.
    pre: u32,
    /// Drop a newline that comes right after `<pre>` (HTML says so).
    pre_start: bool,
    /// Inside an element whose text is hidden (depth).
    hidden: u32,
    /// Whitespace was seen since the last text: one space goes before the next word.
    space: bool,
    /// Inside `<pre>`: the column the text has reached on its line, for tabs.
    pre_column: usize,
    /// The outermost table being read.
    table: Option<Table>,
    /// Tables open inside a cell of it: their rows and cells only break blocks.
    inner_tables: u32,
}

/// A table as it is read. Its cells' text is read into ordinary blocks; when the table ends it
/// becomes a data table (a block per cell, see [`BlockKind::TableCell`]) if every cell held at
/// most a paragraph and it has two columns with text, or else stays the blocks it was: a
/// table used for layout (one column, or cells of paragraphs, lists, quotes, code) reads as
/// the text it holds, never as one run of words.
struct Table {
    quote: u8,
    /// The next cell starts a row.
    new_row: bool,
    /// Inside `<thead>` (depth): its cells head their columns even as `<td>`.
    head: u32,
    cells: Vec<CellStart>,
}

struct CellStart {
    header: bool,
    starts_row: bool,
    /// The index in `blocks` its text starts at; it runs to the next cell's.
    block: usize,
}

impl Builder {
    fn tag(&mut self, tag: &Tag) -> TokenSinkResult<()> {
        let name: &str = &tag.name;
        let start = tag.kind == TagKind::StartTag;
        if is_hidden(name) {
            if start && !tag.self_closing {
                self.hidden += 1;
                // The tokenizer must read these as raw text, or a `<` inside a script would
                // start a tag (a tree builder would tell it so; this is the same advice).
                return match name {
                    "script" => TokenSinkResult::RawData(RawKind::ScriptData),
                    "style" | "iframe" | "noscript" => TokenSinkResult::RawData(RawKind::Rawtext),
                    "title" | "textarea" => TokenSinkResult::RawData(RawKind::Rcdata),
                    _ => TokenSinkResult::Continue,
                };
            }
            if !start {
                self.hidden = self.hidden.saturating_sub(1);
            }
            return TokenSinkResult::Continue;
        }
        if self.hidden > 0 {
            return TokenSinkResult::Continue;
        }
        match (name, start) {
            ("plaintext", true) => {
                self.open_block(BlockKind::Preformatted);
                self.pre += 1;
                return TokenSinkResult::Plaintext;
            }
            ("br", true) => self.line_break(),
            ("h1" | "h2" | "h3" | "h4" | "h5" | "h6", true) => {
                let level = name.as_bytes()[1] - b'0';
                self.open_block(BlockKind::Heading(level));
            }
            ("h1" | "h2" | "h3" | "h4" | "h5" | "h6", false) => self.end_block(),
            ("blockquote", true) => {
                self.end_block();
                self.quote = self.quote.saturating_add(1);
            }
            ("blockquote", false) => {
                self.end_block();
                self.quote = self.quote.saturating_sub(1);
            }
            ("ul" | "ol" | "menu", true) => {
                self.end_block();
                if self.lists.len() < MAX_LIST_DEPTH {
                    let first = attribute(tag, "start")
                        .and_then(|s| s.trim().parse().ok())
                        .unwrap_or(1);
                    self.lists.push((name == "ol").then_some(first));
                } else {
                    self.deep_lists += 1;
                }
            }
            ("ul" | "ol" | "menu", false) => {
                self.end_block();
                if self.deep_lists > 0 {
                    self.deep_lists -= 1;
                } else {
                    self.lists.pop();
                }
            }
            ("li", true) => {
                let marker = match self.lists.last_mut() {
                    Some(Some(next)) => {
                        let number = *next;
                        *next = next.saturating_add(1);
                        ListMarker::Number(number)
                    }
                    _ => ListMarker::Bullet,
                };
                let depth = u8::try_from(self.lists.len().max(1)).unwrap_or(u8::MAX);
                self.open_block(BlockKind::ListItem { depth, marker });
            }
            ("li", false) => self.end_block(),
            ("pre", true) => {
                self.open_block(BlockKind::Preformatted);
                self.pre += 1;
                self.pre_start = true;
            }
            ("pre", false) => {
                self.end_block();
                self.pre = self.pre.saturating_sub(1);
            }
            ("table", true) => {
                self.end_block();
                if self.table.is_some() {
                    self.inner_tables += 1;
                } else {
                    self.table = Some(Table {
                        quote: self.quote,
                        new_row: true,
                        head: 0,
                        cells: Vec::new(),
                    });
                }
            }
            ("table", false) => {
                self.end_block();
                if self.inner_tables > 0 {
                    self.inner_tables -= 1;
                } else {
                    self.close_table();
                }
            }
            ("tr", _) => {
                self.end_block();
                if let Some(table) = self.outer_table() {
                    table.new_row = true;
                }
            }
            ("thead", start) => {
                self.end_block();
                if let Some(table) = self.outer_table() {
                    table.head = if start {
                        table.head.saturating_add(1)
                    } else {
                        table.head.saturating_sub(1)
                    };
                }
            }
            ("td" | "th", true) => {
                self.end_block();
                let block = self.blocks.len();
                if let Some(table) = self.outer_table() {
                    let header = name == "th" || table.head > 0;
                    let starts_row = std::mem::take(&mut table.new_row);
                    table.cells.push(CellStart {
                        header,
                        starts_row,
                        block,
                    });
                }
            }
            ("td" | "th", false) => self.end_block(),
            ("em" | "i" | "cite" | "dfn" | "var" | "q", true) => self.emphasis += 1,
            ("em" | "i" | "cite" | "dfn" | "var" | "q", false) => {
                self.emphasis = self.emphasis.saturating_sub(1);
            }
            ("strong" | "b", true) => self.strong += 1,
            ("strong" | "b", false) => self.strong = self.strong.saturating_sub(1),
            ("code" | "kbd" | "samp" | "tt", true) => self.code += 1,
            ("code" | "kbd" | "samp" | "tt", false) => self.code = self.code.saturating_sub(1),
            ("a", true) => {
                self.link = attribute(tag, "href")
                    .map(|href| sanitize_line(href.trim()).into_owned())
                    .filter(|href| !href.is_empty() && !href.starts_with('#'))
                    .map(|href| self.number_of(href));
            }
            ("a", false) => self.link = None,
            ("img", true) => {
                if let Some(alt) = attribute(tag, "alt").filter(|alt| !alt.trim().is_empty()) {
                    self.word_break();
                    let alt = sanitize_line(alt).into_owned();
                    self.push(&format!("[image: {alt}]"), self.style());
                }
            }
            (name, _) if is_block(name) => self.end_block(),
            _ => {}
        }
        TokenSinkResult::Continue
    }

    /// The outermost table, when the markup is not inside a table inside it.
    fn outer_table(&mut self) -> Option<&mut Table> {
        if self.inner_tables > 0 {
            return None;
        }
        self.table.as_mut()
    }

    /// Ends the table being read: its cells' blocks become a data table's cells, or stay as
    /// they are (see [`Table`]).
    fn close_table(&mut self) {
        self.inner_tables = 0;
        let Some(table) = self.table.take() else {
            return;
        };
        let Some(first) = table.cells.first() else {
            return;
        };
        let start = first.block;
        // Each cell's blocks, as a range of `blocks`.
        let ranges: Vec<std::ops::Range<usize>> = table
            .cells
            .iter()
            .zip(
                table
                    .cells
                    .iter()
                    .skip(1)
                    .map(|c| c.block)
                    .chain(std::iter::once(self.blocks.len())),
            )
            .map(|(cell, end)| cell.block..end.max(cell.block))
            .collect();
        let simple = ranges.iter().all(|range| {
            range.len() <= 1
                && self.blocks[range.clone()].iter().all(|b| {
                    matches!(b.kind, BlockKind::Paragraph | BlockKind::Heading(_))
                        && b.quote == table.quote
                })
        });
        if !simple {
            return;
        }
        // Rows as lists of cells; a row with no text at all is left out.
        let mut rows: Vec<Vec<usize>> = Vec::new();
        for (i, cell) in table.cells.iter().enumerate() {
            match rows.last_mut() {
                Some(row) if !cell.starts_row => row.push(i),
                _ => rows.push(vec![i]),
            }
        }
        rows.retain(|row| row.iter().any(|&i| !ranges[i].is_empty()));
        let mut columns_with_text = std::collections::BTreeSet::new();
        for row in &rows {
            for (column, &i) in row.iter().enumerate() {
                if !ranges[i].is_empty() {
                    columns_with_text.insert(column);
                }
            }
        }
        if columns_with_text.len() < 2 {
            return;
        }
        let mut old: Vec<Option<Block>> =
            self.blocks.split_off(start).into_iter().map(Some).collect();
        for row in rows {
            for (column, i) in row.into_iter().enumerate() {
                let spans = ranges[i]
                    .clone()
                    .next()
                    .and_then(|b| old.get_mut(b - start))
                    .and_then(Option::take)
                    .map(|block| block.spans)
                    .unwrap_or_default();
                self.blocks.push(Block {
                    kind: BlockKind::TableCell {
                        header: table.cells[i].header,
                        starts_row: column == 0,
                    },
                    quote: table.quote,
                    spans,
                });
            }
        }
    }

    /// The number of the link to `url`: one number per address.
    fn number_of(&mut self, url: String) -> u32 {
        if let Some(&number) = self.link_numbers.get(&url) {
            return number;
        }
        let number = u32::try_from(self.links.len() + 1).unwrap_or(u32::MAX);
        self.link_numbers.insert(url.clone(), number);
        self.links.push(Link { number, url });
        number
    }

    /// The style text gets here: a link first, then code, strong, emphasis.
    fn style(&self) -> Inline {
        if let Some(number) = self.link {
            Inline::Link(number)
        } else if self.code > 0 {
            Inline::Code
        } else if self.strong > 0 {
            Inline::Strong
        } else if self.emphasis > 0 {
            Inline::Emphasis
        } else {
            Inline::Plain
        }
    }

    fn text(&mut self, text: &str) {
        if self.hidden > 0 {
            return;
        }
        let style = self.style();
        if self.pre > 0 {
            self.pre_text(text, style);
            return;
        }
        // Cleaned before spaces are collapsed: removing an escape sequence between two spaces,
        // or before a block's first word, must not leave a double or a leading space (the
        // block would then read back differently from the HTML import writes for it).
        let clean = sanitize_text(text);
        let text = clean.as_ref();
        // Outside `<pre>`, any run of whitespace is one space, and none at a block's edges.
        let mut word = String::new();
        for c in text.chars() {
            if c.is_whitespace() {
                if !word.is_empty() {
                    self.push(&std::mem::take(&mut word), style);
                }
                self.space = true;
            } else {
                if self.space && word.is_empty() {
                    self.word_break();
                }
                word.push(c);
            }
        }
        if !word.is_empty() {
            self.push(&word, style);
        }
    }

    /// Preformatted text, kept as it is. Tabs are expanded here, by the column the line has
    /// reached, not by sanitising each piece of text alone: markup splits code lines into
    /// many pieces (a syntax highlighter's `<span>`s), and a tab after one must still stop at
    /// the same column as in the source.
    fn pre_text(&mut self, text: &str, style: Inline) {
        let first = std::mem::take(&mut self.pre_start);
        for (n, piece) in text.split('\t').enumerate() {
            if n > 0 {
                let spaces = TAB_WIDTH - self.pre_column % TAB_WIDTH;
                self.push(&" ".repeat(spaces), style);
            }
            let clean = sanitize_text(piece);
            let mut piece = clean.as_ref();
            if first && n == 0 {
                // A newline right after `<pre>` is not part of the text (HTML says so).
                piece = piece.strip_prefix('\n').unwrap_or(piece);
            }
            self.push(piece, style);
        }
    }

    /// The space owed before the next word, if the block has text already.
    fn word_break(&mut self) {
        if std::mem::take(&mut self.space)
            && self
                .spans
                .last()
                .is_some_and(|s| !s.text.is_empty() && !s.text.ends_with('\n'))
        {
            // The space takes the style of the text around it only when the text before and
            // after it share one (`<code>x = 1</code>`), so an underline or a code span does
            // not run on into the text after it.
            let style = match self.spans.last().map(|s| s.style) {
                Some(before) if before == self.style() => before,
                _ => Inline::Plain,
            };
            self.push(" ", style);
        }
        self.space = false;
    }

    fn push(&mut self, text: &str, style: Inline) {
        if text.is_empty() {
            return;
        }
        if self.kind.is_none() {
            self.kind = Some(self.inside_pre(BlockKind::Paragraph));
        }
        if self.pre > 0 {
            self.pre_column = match text.rfind('\n') {
                Some(at) => display_width(&text[at + 1..]),
                None => self.pre_column + display_width(text),
            };
        }
        match self.spans.last_mut() {
            Some(last) if last.style == style => last.text.push_str(text),
            _ => self.spans.push(Span {
                style,
                text: text.to_owned(),
            }),
        }
    }

    fn line_break(&mut self) {
        self.space = false;
        if self.spans.iter().any(|s| !s.text.is_empty()) {
            self.push("\n", Inline::Plain);
        }
    }

    fn open_block(&mut self, kind: BlockKind) {
        self.end_block();
        self.kind = Some(self.inside_pre(kind));
    }

    /// Inside an open `<pre>` every block keeps its spaces and line breaks, as browsers show
    /// a `<p>` there, so it is preformatted too.
    fn inside_pre(&self, kind: BlockKind) -> BlockKind {
        if self.pre > 0 {
            BlockKind::Preformatted
        } else {
            kind
        }
    }

    /// Finishes the block being built, if it holds any text.
    fn end_block(&mut self) {
        self.space = false;
        self.pre_column = 0;
        let kind = self.kind.take().unwrap_or(BlockKind::Paragraph);
        let mut spans = std::mem::take(&mut self.spans);
        // Trailing spaces and line breaks mean nothing at the end of a block; in preformatted
        // text only the line breaks go.
        while let Some(last) = spans.last_mut() {
            let kept = if kind == BlockKind::Preformatted {
                last.text.trim_end_matches('\n').len()
            } else {
                last.text.trim_end().len()
            };
            last.text.truncate(kept);
            if !last.text.is_empty() {
                break;
            }
            spans.pop();
        }
        spans.retain(|s| !s.text.is_empty());
        let spans = without_empty_markup(spans);
        if spans.iter().any(|s| !s.text.trim().is_empty()) {
            self.blocks.push(Block {
                kind,
                quote: self.quote,
                spans,
            });
        }
    }

    fn finish(mut self) -> Parsed {
        self.end_block();
        self.close_table();
        // Only links the kept text still points at are listed, numbered from 1 in the order
        // the text uses them: a link whose text was all dropped (a script, an escape
        // sequence) leaves no gap, and the clean HTML written from these blocks numbers them
        // the same way when it is read back.
        let mut new_numbers = std::collections::HashMap::new();
        let mut links = Vec::new();
        for span in self.blocks.iter_mut().flat_map(|b| b.spans.iter_mut()) {
            let Inline::Link(old) = span.style else {
                continue;
            };
            let new = *new_numbers.entry(old).or_insert_with(|| {
                let number = u32::try_from(links.len() + 1).unwrap_or(u32::MAX);
                // Numbers were given in order from 1, so link `old` is at `old - 1`.
                let url = old
                    .checked_sub(1)
                    .and_then(|i| self.links.get(i as usize))
                    .map(|link| link.url.clone())
                    .unwrap_or_default();
                links.push(Link { number, url });
                number
            });
            span.style = Inline::Link(new);
        }
        Parsed {
            blocks: self.blocks,
            links,
        }
    }
}

/// `spans` with markup around nothing visible taken off: `<b> </b>` in `<pre>`, `<em>` around a
/// line break. Such a span would be written back as `<strong> </strong>`, underlined as a
/// link of spaces, or given a link number that points at nothing a reader can see.
fn without_empty_markup(spans: Vec<Span>) -> Vec<Span> {
    let mut out: Vec<Span> = Vec::with_capacity(spans.len());
    for mut span in spans {
        if span.text.trim().is_empty() {
            span.style = Inline::Plain;
        }
        match out.last_mut() {
            Some(last) if last.style == span.style => last.text.push_str(&span.text),
            _ => out.push(span),
        }
    }
    out
}

fn attribute<'t>(tag: &'t Tag, name: &str) -> Option<&'t str> {
    tag.attrs
        .iter()
        .find(|a| &*a.name.local == name)
        .map(|a| &*a.value)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spans(block: &Block) -> Vec<(Inline, &str)> {
        block
            .spans
            .iter()
            .map(|s| (s.style, s.text.as_str()))
            .collect()
    }

    #[test]
    fn paragraphs_headings_and_inline_styles_become_structure_not_punctuation() {
        let parsed = parse(
            "<h2>Results</h2><p>First <b>bold</b> and <em>soft</em> with <code>x = 1</code>.\
             </p><p>Empty <b></b>markup is nothing.</p>",
        );
        assert_eq!(parsed.blocks.len(), 3);
        assert_eq!(parsed.blocks[0].kind, BlockKind::Heading(2));
        assert_eq!(parsed.blocks[0].text(), "Results");
        assert_eq!(
            spans(&parsed.blocks[1]),
            [
                (Inline::Plain, "First "),
                (Inline::Strong, "bold"),
                (Inline::Plain, " and "),
                (Inline::Emphasis, "soft"),
                (Inline::Plain, " with "),
                (Inline::Code, "x = 1"),
                (Inline::Plain, "."),
            ]
        );
        assert_eq!(parsed.blocks[2].text(), "Empty markup is nothing.");
        let all: String = parsed.blocks.iter().map(Block::text).collect();
        assert!(!all.contains('*'), "{all}");
    }

    #[test]
    fn links_are_numbered_once_per_address_and_entities_decoded() {
        let parsed = parse(
            "<p>See <a href=\"https://a.example/x\">the <i>notice</i></a> &amp; \
             <a href='https://b.example'>this</a>, then <a href=\"https://a.example/x\">it \
             again</a>. <a href=\"#top\">Top</a> &aacute;&#146;&eacute;</p>",
        );
        let block = &parsed.blocks[0];
        assert_eq!(
            spans(block),
            [
                (Inline::Plain, "See "),
                (Inline::Link(1), "the notice"),
                (Inline::Plain, " & "),
                (Inline::Link(2), "this"),
                (Inline::Plain, ", then "),
                (Inline::Link(1), "it again"),
                (Inline::Plain, ". Top á\u{2019}é"),
            ]
        );
        let urls: Vec<&str> = parsed.links.iter().map(|l| l.url.as_str()).collect();
        assert_eq!(urls, ["https://a.example/x", "https://b.example"]);
    }

    #[test]
    fn quotes_lists_and_preformatted_text_keep_their_shape() {
        let parsed = parse(
            "<blockquote><p>Said once.</p></blockquote><ul><li>one</li><li>two<ol start=3>\
             <li>three</li></ol></li></ul><pre>\n  keep   this\n  as is</pre><p>a<br>b</p>",
        );
        let kinds: Vec<(BlockKind, u8, String)> = parsed
            .blocks
            .iter()
            .map(|b| (b.kind, b.quote, b.text()))
            .collect();
        assert_eq!(
            kinds,
            [
                (BlockKind::Paragraph, 1, "Said once.".to_owned()),
                (
                    BlockKind::ListItem {
                        depth: 1,
                        marker: ListMarker::Bullet
                    },
                    0,
                    "one".to_owned()
                ),
                (
                    BlockKind::ListItem {
                        depth: 1,
                        marker: ListMarker::Bullet
                    },
                    0,
                    "two".to_owned()
                ),
                (
                    BlockKind::ListItem {
                        depth: 2,
                        marker: ListMarker::Number(3)
                    },
                    0,
                    "three".to_owned()
                ),
                (
                    BlockKind::Preformatted,
                    0,
                    "  keep   this\n  as is".to_owned()
                ),
                (BlockKind::Paragraph, 0, "a\nb".to_owned()),
            ]
        );
    }

    #[test]
    fn scripts_styles_and_forms_are_dropped_and_text_is_sanitised() {
        let parsed = parse(
            "<style>p { x: '<b>' }</style><script>if (a < b) document.write('<p>x</p>')</script>\
             <p>Safe \u{1b}]0;owned\u{7}text\u{202e} here</p><form><input value=x>Log in</form>\
             <p><img src=x alt=\"A harbour\"></p>",
        );
        let texts: Vec<String> = parsed.blocks.iter().map(Block::text).collect();
        assert_eq!(texts, ["Safe text here", "[image: A harbour]"]);
        for text in texts {
            assert!(super::super::is_inert(&text), "{text:?}");
        }
    }

    #[test]
    fn deep_nesting_costs_its_length_and_keeps_the_text() {
        let depth = 30_000;
        let html = format!(
            "{}deep{}",
            "<div><b>".repeat(depth),
            "</b></div>".repeat(depth)
        );
        let parsed = parse(&html);
        assert_eq!(parsed.blocks.len(), 1);
        assert_eq!(spans(&parsed.blocks[0]), [(Inline::Strong, "deep")]);
        let lists = format!(
            "{}x{}",
            "<ul><li>".repeat(depth),
            "</li></ul>".repeat(depth)
        );
        let parsed = parse(&lists);
        assert_eq!(
            parsed.blocks[0].kind,
            BlockKind::ListItem {
                depth: MAX_LIST_DEPTH as u8,
                marker: ListMarker::Bullet
            }
        );
    }

    /// Each cell's (header, starts_row, text), and the blocks that are not cells as text.
    fn cells(parsed: &Parsed) -> Vec<(bool, bool, String)> {
        parsed
            .blocks
            .iter()
            .map(|b| match b.kind {
                BlockKind::TableCell { header, starts_row } => (header, starts_row, b.text()),
                _ => (false, false, format!("<{:?}> {}", b.kind, b.text())),
            })
            .collect()
    }

    #[test]
    fn a_data_table_becomes_its_cells_row_by_row_with_the_headers_marked() {
        let parsed = parse(
            "<table><caption>Rain in March</caption><thead><tr><td>City</td><td>Rain</td>\
             </tr></thead><tbody><tr><th>Oslo</th><td><p>12 <b>mm</b></p></td></tr>\
             <tr><td></td><td></td></tr><tr><td>Bergen<td></td><td>dry</table><p>After.</p>",
        );
        let t = |header, starts_row, text: &str| (header, starts_row, text.to_owned());
        assert_eq!(
            cells(&parsed),
            [
                t(false, false, "<Paragraph> Rain in March"),
                t(true, true, "City"),
                t(true, false, "Rain"),
                t(true, true, "Oslo"),
                t(false, false, "12 mm"),
                // The row of empty cells is gone; an empty cell keeps the next in its column.
                t(false, true, "Bergen"),
                t(false, false, ""),
                t(false, false, "dry"),
                t(false, false, "<Paragraph> After."),
            ]
        );
        assert_eq!(
            spans(&parsed.blocks[4]),
            [(Inline::Plain, "12 "), (Inline::Strong, "mm")]
        );
    }

    #[test]
    fn a_table_used_for_layout_reads_as_the_text_it_holds() {
        // One column, or cells holding more than a paragraph (several, a list, a nested
        // table): the blocks stay blocks, in order, never one run of words.
        for html in [
            "<table><tr><td><p>First.</p></td></tr><tr><td><p>Second.</p></td></tr></table>",
            "<table><tr><td><p>First.</p><p>Second.</p></td><td></td></tr></table>",
            "<table><tr><td>First.<table><tr><td>Second.</td><td></td></tr></table></td>\
             <td>x</td></tr></table>",
        ] {
            let parsed = parse(html);
            assert!(!parsed.blocks.iter().any(Block::is_cell), "{html}");
            let texts: Vec<String> = parsed.blocks.iter().map(Block::text).collect();
            assert_eq!(texts[..2], ["First.", "Second."], "{html}");
        }
        let parsed = parse("<table><tr><td><ul><li>one</li></ul></td><td>two</td></tr></table>");
        assert_eq!(
            parsed.blocks[0].kind,
            BlockKind::ListItem {
                depth: 1,
                marker: ListMarker::Bullet
            }
        );
        assert_eq!(parsed.blocks[1].text(), "two");
    }

    #[test]
    fn empty_and_blank_markup_leaves_no_style_mark_or_link_number() {
        // Markup around nothing visible, inside and outside <pre>: none of it may become a
        // styled span (written back as `<strong> </strong>`, drawn as underlined spaces) or
        // take a link number pointing at nothing.
        let parsed = parse(
            "<p>A <b></b>b<em> </em>c <strong><img src=x></strong> d<a href=\"https://a.example\">\
             &nbsp;</a>e<i><br></i>f</p><pre>g<b> </b>h<a href=\"https://b.example\">  </a>i\
             <em>\n</em>j</pre>",
        );
        for block in &parsed.blocks {
            for span in &block.spans {
                assert!(
                    span.style == Inline::Plain || !span.text.trim().is_empty(),
                    "{span:?} in {:?}",
                    parsed.blocks
                );
            }
        }
        assert_eq!(parsed.blocks[0].text(), "A b c d e\nf");
        assert_eq!(spans(&parsed.blocks[1]), [(Inline::Plain, "g h  i\nj")]);
        assert!(parsed.links.is_empty(), "{:?}", parsed.links);
        let html = super::super::blocks::to_html(&parsed.blocks, &parsed.links);
        assert_eq!(html, "<p>A b c d e<br>f</p><pre>g h  i\nj</pre>");
    }

    #[test]
    fn preformatted_text_keeps_its_lines_spaces_and_tab_stops_across_markup() {
        // A syntax highlighter splits a line into spans; the tab after one still stops at
        // column 8 of the line, not 8 columns after the span.
        let parsed = parse(
            "<pre>\n  fn main() {\n<span class=k>ab</span>\tgo();\n\t<b>x</b>\ty\n}\n\n</pre>",
        );
        assert_eq!(parsed.blocks.len(), 1);
        assert_eq!(parsed.blocks[0].kind, BlockKind::Preformatted);
        assert_eq!(
            parsed.blocks[0].text(),
            "  fn main() {\nab      go();\n        x       y\n}"
        );
    }

    #[test]
    fn plain_text_is_paragraphs_and_items_without_markup() {
        let text = to_plain_text(
            "<p>One <b>two</b>.</p><ul><li>a</li><li>b</li></ul><ol><li>c</li></ol><p>End</p>",
        );
        assert_eq!(text, "One two.\n\n- a\n- b\n\n1. c\n\nEnd");
    }

    #[test]
    fn what_sanitising_removes_leaves_no_stray_spaces_gaps_or_line_breaks() {
        // Each of these once read back differently from the clean HTML import writes for it
        // (found by the property test in tests/integration/properties.rs).
        let parsed = parse("<p>\u{1b}\\\r\nTokyo \u{1b}[31m here</p>");
        assert_eq!(parsed.blocks[0].text(), "Tokyo here");
        let parsed =
            parse("<a href=\"javascript:x\"><a href=\"https://a.example/\">\u{9d}\u{1b}[x</a>");
        assert_eq!(
            parsed.links,
            [Link {
                number: 1,
                url: "https://a.example/".into()
            }],
            "a link with no text left takes no number"
        );
        assert_eq!(spans(&parsed.blocks[0]), [(Inline::Link(1), "[x")]);
        let parsed = parse("<pre>code\r\n<br>\u{1b}</pre>");
        assert_eq!(parsed.blocks[0].text(), "code");
    }

    #[test]
    fn a_paragraph_inside_an_open_pre_keeps_its_line_breaks() {
        let parsed = parse("<pre>first<p>\r\n  second");
        let kinds: Vec<BlockKind> = parsed.blocks.iter().map(|b| b.kind).collect();
        assert_eq!(kinds, [BlockKind::Preformatted, BlockKind::Preformatted]);
        assert_eq!(parsed.blocks[1].text(), "\n  second");
    }
}
