//! Text as structure: blocks (paragraphs, headings, list items, preformatted text, each maybe
//! inside quotes) of inline spans (plain, emphasis, strong, code, a numbered link). What HTML
//! becomes ([`super::html`]), and what every presenter formats its own way.

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
}

/// Blocks as plain text, for a store's `body` .
pub fn plain_text_of(blocks: &[Block]) -> String {
    let mut out = String::new();
    let mut previous: Option<BlockKind> = None;
    for block in blocks {
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
/// (`p`, `h1`-`h6`, `blockquote`, `ul`/`ol`/`li`, `pre`, `em`, `strong`, `code`, `a href`,
/// `br`), every text escaped. Reading it back gives the same blocks.
pub fn to_html(blocks: &[Block], links: &[Link]) -> String {
    let mut out = String::new();
    let mut quotes = 0u8;
    // Open lists, outermost first: whether each is ordered.
    let mut lists: Vec<bool> = Vec::new();
    for block in blocks {
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
            match span.style {
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
                    <pre>  keep\n   spacing</pre><p>End.</p>";
        let parsed = super::super::html::parse(html);
        let again = super::super::html::parse(&to_html(&parsed.blocks, &parsed.links));
        assert_eq!(again, parsed);
        assert_eq!(parsed.blocks.len(), 9, "{:#?}", parsed.blocks);
    }
}
