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
use super::{sanitize_line, sanitize_text};

/// Lists nested deeper than this are shown at this depth.
const MAX_LIST_DEPTH: usize = 16;

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
    /// A table cell was closed in this row: the next one is set off by ` | `.
    after_cell: bool,
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
            ("td" | "th", true) if self.after_cell => {
                self.push(" | ", Inline::Plain);
                self.space = false;
            }
            ("td" | "th", false) => self.after_cell = true,
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
            (name, _) if is_block(name) => {
                self.end_block();
                if name == "tr" {
                    self.after_cell = false;
                }
            }
            _ => {}
        }
        TokenSinkResult::Continue
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
        // Cleaned before spaces are collapsed: removing an escape sequence between two spaces,
        // or before a block's first word, must not leave a double or a leading space (the
        // block would then read back differently from the HTML import writes for it).
        let clean = sanitize_text(text);
        let text = clean.as_ref();
        let style = self.style();
        if self.pre > 0 {
            let mut text = text;
            if std::mem::take(&mut self.pre_start) {
                text = text.strip_prefix('\n').unwrap_or(text);
            }
            self.push(text, style);
            return;
        }
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
        self.after_cell = false;
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

    #[test]
    fn table_rows_are_lines_with_their_cells_set_off() {
        let parsed = parse(
            "<table><tr><th>City</th><th>Rain</th></tr><tr><td>Oslo</td><td>12 mm</td></tr></table>",
        );
        let texts: Vec<String> = parsed.blocks.iter().map(Block::text).collect();
        assert_eq!(texts, ["City | Rain", "Oslo | 12 mm"]);
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
