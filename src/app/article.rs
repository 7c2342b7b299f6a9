//! The open article: which one, its text once the runtime has read it, its lines for the
//! width they were laid out for, and how far it is scrolled.

use std::sync::Arc;

use crate::engine::ArticleIndex;
use crate::engine::article::{ArticleText, Lines};
use crate::engine::runtime::Ticket;
use crate::engine::state::ArticleKey;

/// Articles laid out in fewer lines than this are laid out again on the input thread when the
/// width changes (well under a millisecond); longer ones by the runtime, the old lines shown
/// meanwhile.
pub const RELAYOUT_HERE_UP_TO: usize = 2_000;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OpenArticle {
    pub index: ArticleIndex,
    /// The article's store and id: what finds it again after the stores reload.
    pub key: ArticleKey,
    /// The request its text or lines will answer.
    pub ticket: Ticket,
    /// None until the runtime has read the article.
    pub text: Option<Arc<ArticleText>>,
    pub lines: Option<Arc<Lines>>,
    /// First line shown.
    pub scroll: usize,
}

impl OpenArticle {
    pub fn new(index: ArticleIndex, key: ArticleKey, ticket: Ticket) -> Self {
        Self {
            index,
            key,
            ticket,
            text: None,
            lines: None,
            scroll: 0,
        }
    }

    /// Lines laid out so far (none while the article is being read).
    pub fn line_count(&self) -> usize {
        self.lines.as_ref().map_or(0, |l| l.len())
    }

    /// The width the lines were laid out for.
    pub fn width(&self) -> Option<usize> {
        self.lines.as_ref().map(|l| l.width())
    }

    pub fn max_scroll(&self, height: usize) -> usize {
        self.line_count().saturating_sub(height)
    }

    /// Takes in new lines for another width, keeping the reader near the same place.
    pub fn relaid(&mut self, lines: Arc<Lines>) {
        let before = self.line_count().max(1);
        let fraction = self.scroll as f64 / before as f64;
        // Truncation is intended: the line at or before the same fraction of the text.
        #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
        let scroll = (fraction * lines.len() as f64) as usize;
        self.scroll = scroll;
        self.lines = Some(lines);
    }

    /// "line 12 of 30, 40%": the first line shown, and how much has been seen (less style).
    pub fn position(&self, height: usize) -> String {
        if self.lines.is_none() {
            return "opening".to_owned();
        }
        let total = self.line_count().max(1);
        let seen = (self.scroll + height).min(total);
        format!(
            "line {} of {}, {}%",
            (self.scroll + 1).min(total),
            total,
            seen * 100 / total
        )
    }

    /// The target of link number `n` on the article's lines: one of its links, or its own.
    pub fn link(&self, number: u32) -> Option<&str> {
        self.text.as_ref()?.numbered_link(number)
    }
}
