//! An open article laid out as lines for a given width. The text is the same as `herald show`
//! and plain mode print (`commands::article_lines`); this adds what each line is, for styling.

use crate::engine::{ArticleIndex, Library};
use crate::present::commands::article_lines;
use crate::text::wrap::wrap_paragraph;
use crate::text::{display_width, wrap_body};

/// The words of the banner on a breaking article.
pub const BANNER: &str = "Breaking News";

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum LineKind {
    Banner,
    Title,
    Dateline,
    Body,
    Link,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ArticleLine {
    pub kind: LineKind,
    pub text: String,
    /// The part of this line that is a link (a whole URL or one wrapped piece of it).
    pub link: Option<LineLink>,
}

/// Display columns `start..end` of a line show (part of) `url`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LineLink {
    pub start: usize,
    pub end: usize,
    pub url: String,
}

/// Heads the numbered list of links at the end of an article.
pub const LINKS_HEADING: &str = "Links:";

/// The `[n]: url` reference lines html2text leaves at the end of imported bodies, taken out of
/// the body (they are listed again, with the same numbers, at the end of the article).
/// Returns the body without them and the references in body order.
pub fn split_references(body: &str) -> (String, Vec<(usize, String)>) {
    let mut references = Vec::new();
    let mut kept = Vec::new();
    for line in body.lines() {
        match parse_reference(line.trim()) {
            Some(reference) => references.push(reference),
            None => kept.push(line),
        }
    }
    if references.is_empty() {
        return (body.to_owned(), references);
    }
    let mut text = kept.join("\n");
    // Removing the references may leave blank lines at the end.
    text.truncate(text.trim_end().len());
    (text, references)
}

fn parse_reference(line: &str) -> Option<(usize, String)> {
    let rest = line.strip_prefix('[')?;
    let (number, rest) = rest.split_once("]: ")?;
    let number: usize = number.parse().ok()?;
    let url = rest.trim();
    (!url.is_empty() && !url.contains(char::is_whitespace) && url.contains(':'))
        .then(|| (number, url.to_owned()))
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OpenArticle {
    pub index: ArticleIndex,
    /// First line shown.
    pub scroll: usize,
    pub width: usize,
    pub lines: Vec<ArticleLine>,
}

impl OpenArticle {
    pub fn new(library: &Library, index: ArticleIndex, width: usize) -> Self {
        Self {
            index,
            scroll: 0,
            width,
            lines: layout(library, index, width),
        }
    }

    /// Re-wraps for a new width, keeping the reader near the same place in the text.
    pub fn rewrap(&mut self, library: &Library, width: usize) {
        if width == self.width {
            return;
        }
        let fraction = self.scroll as f64 / self.lines.len().max(1) as f64;
        self.lines = layout(library, self.index, width);
        self.width = width;
        // Truncation is intended: the line at or before the same fraction of the text.
        #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
        let scroll = (fraction * self.lines.len() as f64) as usize;
        self.scroll = scroll;
    }

    pub fn max_scroll(&self, height: usize) -> usize {
        self.lines.len().saturating_sub(height)
    }

    /// "line 12 of 30, 40%": the first line shown, and how much has been seen (less style).
    pub fn position(&self, height: usize) -> String {
        let total = self.lines.len().max(1);
        let seen = (self.scroll + height).min(total);
        format!(
            "line {} of {}, {}%",
            (self.scroll + 1).min(total),
            total,
            seen * 100 / total
        )
    }
}

/// Banner, title, dateline and body as `herald show` prints them, then every link as a
/// numbered reference: the body's own `[n]` references keep their numbers, and the article's
/// link comes last. Nothing is lost when the terminal has no hyperlinks.
fn layout(library: &Library, index: ArticleIndex, width: usize) -> Vec<ArticleLine> {
    let article = library.article(index);
    let (body, mut references) = split_references(&article.detail.body);
    let article_url = article.detail.url.clone();
    let mut detail = article.detail.clone().into_owned();
    detail.body = body;
    detail.url = None;
    let shown = crate::engine::store::Article {
        headline: article.headline,
        detail: std::borrow::Cow::Owned(detail),
        store: article.store,
    };
    let texts = article_lines(&shown, width, BANNER);
    let banner = usize::from(article.headline.breaking);
    let title = wrap_body(article.headline.title, width).len();
    let mut lines: Vec<ArticleLine> = texts
        .into_iter()
        .enumerate()
        .map(|(i, text)| {
            let kind = if i < banner {
                LineKind::Banner
            } else if i < banner + title {
                LineKind::Title
            } else if i == banner + title
                || (i == banner + title + 1 && text.starts_with("Updated"))
            {
                LineKind::Dateline
            } else {
                LineKind::Body
            };
            (kind, text)
        })
        // The dateline is not wrapped by `article_lines`; no line may overflow.
        .flat_map(|(kind, text)| {
            let pieces = if display_width(&text) > width {
                wrap_paragraph(&text, width)
            } else {
                vec![text]
            };
            pieces.into_iter().map(move |text| ArticleLine {
                kind,
                text,
                link: None,
            })
        })
        .collect();
    let next = references.iter().map(|(n, _)| n + 1).max().unwrap_or(1);
    let mut labelled: Vec<(String, String)> = references
        .drain(..)
        .map(|(n, url)| (format!("[{n}] "), url))
        .collect();
    if let Some(url) = article_url {
        labelled.push((format!("[{next}] Article: "), url));
    }
    if !labelled.is_empty() {
        let plain = |text: &str| ArticleLine {
            kind: LineKind::Body,
            text: text.to_owned(),
            link: None,
        };
        lines.push(plain(""));
        lines.push(plain(LINKS_HEADING));
        for (label, url) in labelled {
            lines.extend(reference_lines(&label, &url, width));
        }
    }
    lines
}

/// `[n] url`, the URL cut into pieces that fit `width` (never at a space: URLs have none),
/// each piece marked as a link to the whole URL.
fn reference_lines(label: &str, url: &str, width: usize) -> Vec<ArticleLine> {
    let width = width.max(8);
    let mut lines = Vec::new();
    let mut text = label.to_owned();
    let mut start = display_width(label);
    if start >= width {
        lines.push(ArticleLine {
            kind: LineKind::Link,
            text: std::mem::take(&mut text),
            link: None,
        });
        start = 0;
    }
    let mut used = start;
    let push = |lines: &mut Vec<ArticleLine>, text: &mut String, start: usize, end: usize| {
        lines.push(ArticleLine {
            kind: LineKind::Link,
            text: std::mem::take(text),
            link: Some(LineLink {
                start,
                end,
                url: url.to_owned(),
            }),
        });
    };
    for c in url.chars() {
        let w = unicode_width::UnicodeWidthChar::width(c).unwrap_or(0);
        if used + w > width && used > start {
            push(&mut lines, &mut text, start, used);
            start = 0;
            used = 0;
        }
        text.push(c);
        used += w;
    }
    if used > start {
        push(&mut lines, &mut text, start, used);
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references_are_taken_from_the_end_of_the_body() {
        let (body, refs) = split_references(
            "Timetables are on the [harbour website][1].\n\n[1]: https://example.org/t\n\
             [2]: mailto:desk@example.org\n",
        );
        assert_eq!(body, "Timetables are on the [harbour website][1].");
        assert_eq!(
            refs,
            [
                (1, "https://example.org/t".to_owned()),
                (2, "mailto:desk@example.org".to_owned())
            ]
        );
        // Text that only looks a little like a reference stays in the body.
        for text in [
            "[1]: not a url",
            "[x]: https://a.example",
            "[1] https://a.example",
        ] {
            let (body, refs) = split_references(text);
            assert!(refs.is_empty(), "{text}");
            assert_eq!(body, text);
        }
    }

    #[test]
    fn a_long_url_is_cut_to_the_width_and_every_piece_links_to_it() {
        let url = "https://example.org/a/very/long/path/that/does/not/fit";
        let lines = reference_lines("[1] ", url, 20);
        let texts: Vec<&str> = lines.iter().map(|l| l.text.as_str()).collect();
        assert_eq!(
            texts,
            [
                "[1] https://example.",
                "org/a/very/long/path",
                "/that/does/not/fit"
            ]
        );
        let joined: String = lines
            .iter()
            .map(|l| {
                let link = l.link.as_ref().expect("a link");
                assert_eq!(link.url, url);
                &l.text[link.start..link.end]
            })
            .collect();
        assert_eq!(joined, url);
        assert!(lines.iter().all(|l| display_width(&l.text) <= 20));
    }
}
