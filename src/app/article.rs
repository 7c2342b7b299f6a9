//! An open article laid out as lines for a given width. The text is the same as `herald show`
//! and plain mode print (`commands::article_lines`); this adds what each line is, for styling.

use crate::commands::article_lines;
use crate::store::{ArticleIndex, Library};
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

fn layout(library: &Library, index: ArticleIndex, width: usize) -> Vec<ArticleLine> {
    let article = library.article(index);
    let texts = article_lines(&article, width, BANNER);
    let banner = usize::from(article.headline.breaking);
    let title = wrap_body(&article.headline.title, width).len();
    let link = article.detail.url.is_some();
    let last = texts.len().saturating_sub(1);
    texts
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
            } else if link && i == last {
                LineKind::Link
            } else {
                LineKind::Body
            };
            (kind, text)
        })
        // The dateline and link are not wrapped by `article_lines`; no line may overflow.
        .flat_map(|(kind, text)| {
            let pieces = if display_width(&text) > width {
                wrap_paragraph(&text, width)
            } else {
                vec![text]
            };
            pieces
                .into_iter()
                .map(move |text| ArticleLine { kind, text })
        })
        .collect()
}
