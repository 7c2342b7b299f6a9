//! The article pane: banner, title, dateline and wrapped paragraphs, from the lines `app`
//! laid out for this width. It changes only when an article is opened or scrolled.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::widgets::Widget;

use super::theme::{Role, Theme};
use crate::app::layout::ARTICLE_MARGIN;
use crate::app::{ArticleLine, LineKind};
use crate::text::wrap::truncate_with;

pub struct ArticlePane<'a> {
    /// None: no article open yet.
    pub lines: Option<&'a [ArticleLine]>,
    pub scroll: usize,
    pub placeholder: &'a str,
    pub theme: &'a Theme,
}

impl Widget for ArticlePane<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let theme = self.theme;
        let x = area.x + ARTICLE_MARGIN;
        let width = usize::from(area.width.saturating_sub(2 * ARTICLE_MARGIN));
        let Some(lines) = self.lines else {
            let text = truncate_with(self.placeholder, width, theme.glyphs.ellipsis);
            buf.set_stringn(x, area.y, text, width, theme.style(Role::Muted));
            return;
        };
        for (row, line) in lines
            .iter()
            .skip(self.scroll)
            .take(usize::from(area.height))
            .enumerate()
        {
            let y = area.y + u16::try_from(row).unwrap_or(u16::MAX);
            let role = match line.kind {
                LineKind::Banner => Role::Banner,
                LineKind::Title => Role::Title,
                LineKind::Dateline => Role::Muted,
                LineKind::Body => Role::Base,
                LineKind::Link => Role::Link,
            };
            if line.kind == LineKind::Banner {
                // The banner is a full-width bar, so it reads as one even without colour.
                buf.set_style(Rect::new(area.x, y, area.width, 1), theme.style(role));
            }
            match &line.link {
                // Only the URL is styled as a link, not its `[n]` label.
                Some(link) if link.start < width => {
                    buf.set_stringn(x, y, &line.text, width, theme.style(Role::Base));
                    let start = u16::try_from(link.start).unwrap_or(u16::MAX);
                    let end = u16::try_from(link.end.min(width)).unwrap_or(u16::MAX);
                    let span = Rect::new(x + start, y, end - start, 1).intersection(area);
                    buf.set_style(span, theme.style(role));
                }
                _ => {
                    buf.set_stringn(x, y, &line.text, width, theme.style(role));
                }
            }
        }
    }
}
