//! The article pane: the lines the runtime laid out for this width (banner, title, dateline,
//! blocks, the numbered links), styled by what each line is and by its spans: bold, italic
//! and underlined links on top of markers that need no colour. It changes only when an article
//! is opened, laid out again or scrolled.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::widgets::Widget;
use unicode_width::UnicodeWidthStr;

use super::hyperlinks::ScreenLink;
use super::theme::{Role, Theme};
use crate::app::layout::ARTICLE_MARGIN;
use crate::app::{OpenArticle, is_openable};
use crate::engine::article::{Inline, LineKind};
use crate::text::wrap::truncate_with;

pub struct ArticlePane<'a> {
    /// None: no article open yet.
    pub article: Option<&'a OpenArticle>,
    pub placeholder: &'a str,
    /// Shown while the article is being read.
    pub opening: &'a str,
    pub theme: &'a Theme,
}

impl ArticlePane<'_> {
    /// Draws the pane into `area` and returns the cells that show links, for OSC 8.
    pub fn render_links(self, area: Rect, buf: &mut Buffer) -> Vec<ScreenLink> {
        let theme = self.theme;
        let x = area.x + ARTICLE_MARGIN;
        let width = usize::from(area.width.saturating_sub(2 * ARTICLE_MARGIN));
        let Some(article) = self.article else {
            let text = truncate_with(self.placeholder, width, theme.glyphs.ellipsis);
            buf.set_stringn(x, area.y, text, width, theme.style(Role::Muted));
            return Vec::new();
        };
        let Some(lines) = article.lines.as_deref() else {
            let text = truncate_with(self.opening, width, theme.glyphs.ellipsis);
            buf.set_stringn(x, area.y, text, width, theme.style(Role::Muted));
            return Vec::new();
        };
        let mut links = Vec::new();
        for (row, line) in lines
            .iter()
            .skip(article.scroll)
            .take(usize::from(area.height))
            .enumerate()
        {
            let y = area.y + u16::try_from(row).unwrap_or(u16::MAX);
            let role = match line.kind {
                LineKind::Banner => Role::Banner,
                LineKind::Title | LineKind::Heading => Role::Title,
                LineKind::Dateline => Role::Muted,
                LineKind::Body | LineKind::Preformatted | LineKind::Table => Role::Base,
                LineKind::Link => Role::Base,
            };
            if line.kind == LineKind::Banner {
                // The banner is a full-width bar, so it reads as one even without colour.
                buf.set_style(Rect::new(area.x, y, area.width, 1), theme.style(role));
            }
            buf.set_stringn(x, y, line.text, width, theme.style(role));
            for span in line.spans {
                let (start, end) = (span.start as usize, span.end as usize);
                let (Some(before), Some(inside)) =
                    (line.text.get(..start), line.text.get(start..end))
                else {
                    continue;
                };
                let from = before.width();
                if from >= width {
                    continue;
                }
                let cells = inside.width().min(width - from);
                let cell_x = x + u16::try_from(from).unwrap_or(u16::MAX);
                let cell_width = u16::try_from(cells).unwrap_or(u16::MAX);
                let rect = Rect::new(cell_x, y, cell_width, 1).intersection(area);
                buf.set_style(rect, style_of(theme, span.style));
                if let Inline::Link(number) = span.style
                    && let Some(url) = article.link(number)
                    // Only links `o` would open become hyperlinks; others stay text.
                    && is_openable(url)
                    && rect.width > 0
                {
                    links.push(ScreenLink {
                        x: rect.x,
                        y: rect.y,
                        width: rect.width,
                        url: url.to_owned(),
                    });
                }
            }
        }
        links
    }
}

fn style_of(theme: &Theme, inline: Inline) -> Style {
    match inline {
        Inline::Plain | Inline::Code => Style::new(),
        Inline::Emphasis => Style::new().add_modifier(Modifier::ITALIC),
        Inline::Strong => Style::new().add_modifier(Modifier::BOLD),
        Inline::Link(_) => theme.style(Role::Link),
    }
}

impl Widget for ArticlePane<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let _ = self.render_links(area, buf);
    }
}
