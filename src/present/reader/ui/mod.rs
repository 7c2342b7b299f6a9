//! Drawing: the only place that knows Frame and Buffer. `draw` is a pure function of `App`:
//! no I/O, no clock, no mutation (a lint keeps it so, as for `app`). It puts the real cursor
//! on the focused thing, because braille displays and screen readers follow the cursor, not
//! reverse video, and it returns what it drew where ([`Drawn`]), so nothing after it has to
//! work the layout out again.

#![deny(
    clippy::disallowed_methods,
    clippy::disallowed_types,
    clippy::disallowed_macros
)]

pub mod article;
pub mod contrast;
pub mod guard;
pub mod headlines;
pub mod help;
pub mod hyperlinks;
pub mod theme;

use ratatui::Frame;
use ratatui::buffer::Buffer;
use ratatui::layout::{Position, Rect};

use crate::app::layout::ARTICLE_MARGIN;
use crate::app::{Action, App, Area, Focus, MessageKind, Mode, Panes, Sort, view};
use crate::text::display_width;
use crate::text::wrap::truncate_with;
use article::ArticlePane;
use headlines::{HeadlineList, HeadlineRow, NO_DATE};
use hyperlinks::ScreenLink;
use theme::{Role, Theme};

pub fn theme_of(app: &App) -> Theme {
    Theme::new(app.theme(), app.options().depth, app.options().ascii)
}

fn rect(area: Area) -> Rect {
    Rect::new(area.x, area.y, area.width, area.height)
}

/// What a frame put where.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Drawn {
    /// The panes the frame was laid out in (None: too small, or the help screen).
    pub panes: Option<Panes>,
    /// The cells that show links, as drawn: what OSC 8 rewrites as hyperlinks.
    pub links: Vec<ScreenLink>,
}

/// Draws the whole screen for `app`, places the cursor, and says what went where.
pub fn draw(frame: &mut Frame, app: &App) -> Drawn {
    let theme = theme_of(app);
    let area = frame.area();
    let buf = frame.buffer_mut();
    // Panes from the frame itself, so drawing never leaves the buffer even if a resize has
    // not reached `app` yet (the run loop syncs sizes before drawing).
    let panes = app.panes_for(area.width, area.height);
    let mut drawn = Drawn::default();
    let cursor = match panes {
        None => too_small(buf, area, &theme),
        Some(_) if matches!(app.mode(), Mode::Help { .. }) => draw_help(buf, area, app, &theme),
        Some(panes) if matches!(app.mode(), Mode::Stores { .. }) => {
            draw_stores(buf, &panes, app, &theme)
        }
        Some(panes) if matches!(app.mode(), Mode::Links { .. }) => {
            draw_links(buf, &panes, app, &theme)
        }
        Some(panes) => {
            let (cursor, links) = draw_reader(buf, &panes, app, &theme);
            drawn = Drawn {
                panes: Some(panes),
                links,
            };
            cursor
        }
    };
    frame.set_cursor_position(cursor);
    let replaced = guard::scrub(frame.buffer_mut());
    debug_assert_eq!(replaced, 0, "unsafe characters reached the frame");
    drawn
}

fn put_line(buf: &mut Buffer, area: Rect, y: u16, text: &str, style: ratatui::style::Style) {
    buf.set_stringn(area.x, y, text, usize::from(area.width), style);
}

/// `text` wrapped between words over the rows of `area`; only text longer than those rows is
/// cut, with an ellipsis on the last.
fn put_wrapped(
    buf: &mut Buffer,
    area: Rect,
    text: &str,
    style: ratatui::style::Style,
    theme: &Theme,
) {
    let width = usize::from(area.width);
    let rows = usize::from(area.height).max(1);
    let mut lines = crate::text::wrap_body(text, width.max(1));
    if lines.len() > rows {
        let rest = lines.split_off(rows - 1).join(" ");
        lines.push(truncate_with(&rest, width, theme.glyphs.ellipsis));
    }
    for (row, line) in lines.iter().enumerate().take(rows) {
        let y = area.y + u16::try_from(row).unwrap_or(0);
        put_line(buf, area, y, line, style);
    }
}

fn too_small(buf: &mut Buffer, area: Rect, theme: &Theme) -> Position {
    let text = format!(
        "Terminal too small ({}x{}). Herald needs {}x{}.",
        area.width,
        area.height,
        crate::app::layout::MIN_WIDTH,
        crate::app::layout::MIN_HEIGHT
    );
    let lines = crate::text::wrap_body(&text, usize::from(area.width.max(1)));
    for (row, line) in lines.iter().take(usize::from(area.height)).enumerate() {
        let y = area.y + u16::try_from(row).unwrap_or(0);
        put_line(buf, area, y, line, theme.style(Role::Base));
    }
    Position::new(area.x, area.y)
}

fn draw_help(buf: &mut Buffer, area: Rect, app: &App, theme: &Theme) -> Position {
    let Mode::Help { scroll } = app.mode() else {
        return Position::new(0, 0);
    };
    let lines = crate::app::help::help_lines(app.keymap(), usize::from(area.width));
    let more = crate::app::help::more(app.keymap());
    let widget = help::Help {
        lines: &lines,
        scroll: *scroll,
        more: &more,
        theme,
    };
    ratatui::widgets::Widget::render(widget, area, buf);
    Position::new(area.x, area.y)
}

/// The store list: a row per store, its name first, then its counts in words; the selected
/// row in reverse video with the cursor on it; the bottom line as in the reader (the message
/// says the selected store's counts, so a move is spoken as one sentence).
fn draw_stores(buf: &mut Buffer, panes: &Panes, app: &App, theme: &Theme) -> Position {
    let Mode::Stores { selected, by_name } = *app.mode() else {
        return Position::new(0, 0);
    };
    let counts = app.store_rows();
    let header = rect(panes.header);
    let order = if by_name { "by name" } else { "newest first" };
    let title = format!("{} | {order}", crate::text::count(counts.len(), "store"));
    buf.set_style(header, theme.style(Role::Header));
    put_line(buf, header, header.y, &title, theme.style(Role::Header));
    let width = usize::from(buf.area.width);
    // Labels, not names: a tag's row is named `Tag world`, so it is never heard as a store.
    let labels: Vec<String> = counts.iter().map(view::store_label).collect();
    let name_width = labels
        .iter()
        .map(|l| display_width(l))
        .max()
        .unwrap_or(0)
        .min(width / 2);
    let rows = counts.iter().zip(&labels).map(|(count, label)| {
        let name = truncate_with(label, name_width, theme.glyphs.ellipsis);
        let pad = " ".repeat(name_width.saturating_sub(display_width(&name)));
        // The same words the message says of the row, whichever row is selected.
        let text = format!("{name}{pad}  {}", view::store_words(count, true));
        let role = if count.failed || count.failing > 0 {
            Role::Error
        } else if count.unread > 0 {
            Role::Unread
        } else {
            Role::Base
        };
        (text, role)
    });
    modal_rows(buf, panes, app, theme, selected, counts.len(), rows)
}

/// The rows of a list that fills the body (the store list, the link list) under its header
/// line: `len` rows from `rows`, scrolled so `selected` shows, in reverse video with the cursor
/// on it, unless a message on the bottom line has the cursor. The rows take the whole
/// body, whatever the layout.
fn modal_rows(
    buf: &mut Buffer,
    panes: &Panes,
    app: &App,
    theme: &Theme,
    selected: usize,
    len: usize,
    rows: impl Iterator<Item = (String, Role)>,
) -> Position {
    let top = rect(panes.header).y + 1;
    let bottom = panes.bottom.map_or(buf.area.height, |b| b.y);
    let height = usize::from(bottom.saturating_sub(top));
    let width = usize::from(buf.area.width);
    let offset = crate::app::layout::scroll_into_view(selected, 0, len, height);
    for (row, (text, role)) in rows.enumerate().skip(offset).take(height) {
        let y = top + u16::try_from(row - offset).unwrap_or(0);
        let text = truncate_with(&text, width, theme.glyphs.ellipsis);
        let line = Rect::new(0, y, buf.area.width, 1);
        put_line(buf, line, y, &text, theme.style(role));
        if row == selected {
            buf.set_style(line, theme.style(Role::Selected));
        }
    }
    let cursor_row = top + u16::try_from(selected.saturating_sub(offset)).unwrap_or(0);
    let at_message = panes
        .bottom
        .and_then(|b| bottom_line(buf, rect(b), app, theme));
    at_message.unwrap_or(Position::new(0, cursor_row))
}

/// The open article's links: a row per link, its number first, then the words it was on and
/// where it goes; selected as in the store list, and said by the message.
fn draw_links(buf: &mut Buffer, panes: &Panes, app: &App, theme: &Theme) -> Position {
    let Mode::Links { selected } = *app.mode() else {
        return Position::new(0, 0);
    };
    let Some(article) = app.article() else {
        return Position::new(0, 0);
    };
    let listed = article
        .text
        .as_ref()
        .map(|text| text.listed_links())
        .unwrap_or_default();
    let header = rect(panes.header);
    let title = app.library().headline(article.index).title;
    let what = if article.text.is_none() {
        "reading the article".to_owned()
    } else {
        crate::text::count(listed.len(), "link")
    };
    buf.set_style(header, theme.style(Role::Header));
    let heading = truncate_with(
        &format!("Links of {title} | {what}"),
        usize::from(header.width),
        theme.glyphs.ellipsis,
    );
    put_line(buf, header, header.y, &heading, theme.style(Role::Header));
    let number_width = listed
        .last()
        .map_or(1, |link| link.number.to_string().len());
    let rows = listed.iter().map(|link| {
        let rest = match &link.label {
            Some(label) => format!("{label}, {}", link.url),
            None => link.url.clone(),
        };
        (
            format!("{:>number_width$}  {rest}", link.number),
            Role::Base,
        )
    });
    modal_rows(buf, panes, app, theme, selected, listed.len(), rows)
}

fn draw_reader(
    buf: &mut Buffer,
    panes: &Panes,
    app: &App,
    theme: &Theme,
) -> (Position, Vec<ScreenLink>) {
    header(buf, panes, app, theme);
    // One pane at a time: the open article when it has the keys, else the list.
    let article_shown = app.article().is_some() && app.focus() == Focus::Article;
    let show_list = !panes.single || !article_shown;
    let show_article = !panes.single || article_shown;
    let list_area = rect(panes.list);
    // Breaking news waiting to be read: one line above the headlines, in words.
    if let Some(banner) = panes.banner
        && show_list
        && let Some((title, more)) = app.banner_parts()
    {
        let line = rect(banner);
        let style = theme.style(Role::ListBanner);
        buf.set_style(line, style);
        let text = banner_line(title, &more, usize::from(line.width), theme.glyphs.ellipsis);
        put_line(buf, line, line.y, &text, style);
    }
    // The app scrolled for its idea of the screen; scroll again for this frame's list, so the
    // selected row is drawn even if the two ever disagree.
    let height = usize::from(list_area.height);
    let divider_at = app.divider();
    let offset = crate::app::layout::scroll_around_divider(
        app.selected().unwrap_or(0),
        app.list_offset(),
        app.visible().len(),
        height,
        divider_at,
    );
    // The divider, as a row index among those drawn, where it shows.
    let divider = divider_at
        .filter(|&at| crate::app::layout::divider_shows(at, offset, height))
        .and_then(|at| Some((at - offset, app.divider_text()?)));
    let rows = headline_rows(app, offset, height);
    let several_stores = app.filter().store.is_none() && app.library().stores().len() > 1;
    let store_width = HeadlineList::store_width(
        several_stores,
        app.library().stores().iter().map(|s| s.name.as_str()),
    );
    let selected_row = app.selected().map(|s| s.saturating_sub(offset));
    // A new subscriber's first start: nothing fetched yet. The key named is the one bound;
    // worded only then, so no frame of a full list pays for it.
    let nothing_yet =
        app.library()
            .is_empty()
            .then(|| {
                match app.keymap().key_for(&Action::Fetch) {
        Some(key) => format!(
            "No articles yet. {key} fetches your feeds (herald feeds add URL subscribes to one)."
        ),
        None => "No articles yet: herald fetch gets your feeds (herald feeds add URL subscribes \
                 to one)."
            .to_owned(),
    }
            });
    let list = HeadlineList {
        rows: &rows,
        selected: selected_row,
        divider: divider.as_ref().map(|(at, text)| (*at, text.as_str())),
        columns: &app.options().columns,
        store_width,
        empty_text: nothing_yet
            .as_deref()
            .unwrap_or("No headlines match the filters (b, u, S and ] change them)."),
        theme,
    };
    if show_list {
        ratatui::widgets::Widget::render(list, list_area, buf);
    }
    separator(buf, panes, theme);
    let article_area = rect(panes.article);
    let pane = ArticlePane {
        article: app.article(),
        placeholder: "Press Enter to read the selected headline.",
        opening: "Opening the article...",
        theme,
    };
    let links = if show_article {
        pane.render_links(article_area, buf)
    } else {
        Vec::new()
    };
    let bottom = panes.bottom.map(|b| bottom_line(buf, rect(b), app, theme));
    // With the focus line, the list's cursor is on it: a braille display then shows the
    // whole title and its state, and "read current line" says them, where the row is cut.
    let focus_line = panes
        .bottom
        .filter(|_| app.options().focus_line && app.selected().is_some())
        .map(|b| Position::new(b.x, b.y));

    // The cursor: prompt or message first, then the focused pane.
    let cursor = match (bottom, app.focus(), focus_line) {
        (Some(Some(position)), _, _) => position,
        (_, Focus::Article, _) if app.article().is_some() => {
            Position::new(article_area.x + ARTICLE_MARGIN, article_area.y)
        }
        (_, _, Some(position)) => position,
        _ => {
            let row = selected_row.unwrap_or(0);
            // Below the divider, rows are one line further down.
            let row = row + usize::from(divider.as_ref().is_some_and(|(at, _)| row >= *at));
            Position::new(list_area.x, list_area.y + u16::try_from(row).unwrap_or(0))
        }
    };
    (cursor, links)
}

fn headline_rows(app: &App, offset: usize, height: usize) -> Vec<HeadlineRow> {
    let library = app.library();
    app.visible()
        .iter()
        .skip(offset)
        .take(height)
        .map(|&index| {
            let headline = library.headline(index);
            HeadlineRow {
                unread: !app.is_read(index),
                starred: app.is_starred(index),
                breaking: headline.breaking,
                date: headline
                    .published
                    .map_or_else(|| NO_DATE.to_owned(), |d| d.short_date()),
                store: library.store(headline.store).name.clone(),
                title: headline.title.to_owned(),
            }
        })
        .collect()
}

/// The store and filter indicator, and the article position on the right.
fn header(buf: &mut Buffer, panes: &Panes, app: &App, theme: &Theme) {
    let area = rect(panes.header);
    let library = app.library();
    let filter = app.filter();
    let store = match (&filter.tag, filter.store) {
        (None, None) => format!("All {} stores", library.stores().len()),
        (None, Some(id)) => format!(
            "Store {} of {}: {}",
            id.index() + 1,
            library.stores().len(),
            library.store(id).name
        ),
        (Some(tag), None) => format!("Tag {}", tag.name),
        // `]` in a tag's list goes through its stores: numbered among them.
        (Some(tag), Some(id)) => format!(
            "Tag {}, store {} of {}: {}",
            tag.name,
            tag.stores
                .iter()
                .position(|&s| s == id)
                .map_or(0, |i| i + 1),
            tag.stores.len(),
            library.store(id).name
        ),
    };
    let filters: Vec<&str> = [
        (filter.breaking_only, "breaking only"),
        (filter.unread_only, "unread only"),
        (filter.starred_only, "starred only"),
    ]
    .into_iter()
    .filter_map(|(on, name)| on.then_some(name))
    .collect();
    // What the reader chose beyond the filters: never the part a narrow screen cuts off.
    let mut chosen: Vec<String> = Vec::new();
    if let Some(scope) = &filter.scope {
        chosen.push(scope.label());
    }
    if app.sort() != Sort::Date {
        chosen.push(app.sort().label().to_owned());
    }
    let count = format!("{} of {} headlines", app.visible().len(), library.len());
    let mut parts = vec![store.clone(), count];
    if let Some(query) = &filter.query {
        parts.push(format!("search \"{query}\""));
    }
    parts.extend(filters.iter().map(|&f| f.to_owned()));
    parts.extend(chosen.iter().cloned());
    let mut left = parts.join(" | ");
    let right = app
        .article()
        .filter(|_| app.options().header_position)
        .map(|a| a.position(usize::from(panes.article.height)))
        .unwrap_or_default();
    let width = usize::from(area.width);
    let right_width = display_width(&right);
    let left_room = width.saturating_sub(right_width + 1);
    if display_width(&left) > left_room && !(filters.is_empty() && chosen.is_empty()) {
        // Too narrow for it all: the filters first, shortened, so what `b`, `u` or `S` did
        // is never the part cut off (at 40 columns `breaking only` was cut to `bre…`); the
        // sort after them, whole.
        let short: Vec<&str> = filters
            .iter()
            .map(|f| f.trim_end_matches(" only"))
            .collect();
        let mut lead = Vec::new();
        if !short.is_empty() {
            lead.push(format!("{} only", short.join(", ")));
        }
        lead.extend(chosen.iter().cloned());
        left = format!(
            "{} | {} of {} | {store}",
            lead.join(", "),
            app.visible().len(),
            library.len()
        );
    }
    let left = truncate_with(&left, left_room, theme.glyphs.ellipsis);
    buf.set_style(area, theme.style(Role::Header));
    put_line(buf, area, area.y, &left, theme.style(Role::Header));
    if right_width < width {
        let x = area.x + u16::try_from(width - right_width).unwrap_or(0);
        buf.set_stringn(x, area.y, &right, right_width, theme.style(Role::Header));
    }
}

fn separator(buf: &mut Buffer, panes: &Panes, theme: &Theme) {
    let area = rect(panes.separator);
    if area.is_empty() {
        return;
    }
    let style = theme.style(Role::Separator);
    if panes.wide {
        for y in area.y..area.y + area.height {
            buf.set_string(area.x, y, theme.glyphs.vertical, style);
        }
    } else {
        let line = theme.glyphs.horizontal.repeat(usize::from(area.width));
        put_line(buf, area, area.y, &line, style);
    }
}

/// The prompt, a message, or the status bar. Returns where the cursor goes when it should be
/// here (prompt input position, start of a message).
fn bottom_line(buf: &mut Buffer, area: Rect, app: &App, theme: &Theme) -> Option<Position> {
    if let Mode::Search { prompt } = app.mode() {
        // `/` and the line, scrolled so the cursor shows (a marker first when the start is
        // off to the left); the cursor on the character it is on, so a braille display and
        // a screen reader's "current character" follow the edit.
        let marker = app.prompt_marker();
        let view = prompt.view(
            usize::from(area.width).saturating_sub(1).max(1),
            display_width(marker),
        );
        let text = format!("/{}{}", if view.scrolled { marker } else { "" }, view.text);
        put_line(buf, area, area.y, &text, theme.style(Role::Base));
        let x = u16::try_from(1 + view.cursor).unwrap_or(u16::MAX);
        return Some(Position::new(
            (area.x + x).min(area.x + area.width.saturating_sub(1)),
            area.y,
        ));
    }
    if let Some(message) = app.message() {
        let role = match message.kind {
            MessageKind::Info => Role::Base,
            MessageKind::Error => Role::Error,
        };
        put_wrapped(buf, area, &message.shown(), theme.style(role), theme);
        // A message kept through moves stays readable but gives the cursor back.
        return app.message_is_new().then(|| Position::new(area.x, area.y));
    }
    if app.options().focus_line {
        put_wrapped(buf, area, &focus_text(app), theme.style(Role::Base), theme);
        return None;
    }
    let keymap = app.keymap();
    let hint = |action: Action, what: &str| {
        // When `q` is unbound (`letter_keys = false`), name the key that still does it.
        let fallback = match action {
            Action::BackOrQuit if what == "back" => Some(Action::Back),
            Action::BackOrQuit => Some(Action::Quit),
            _ => None,
        };
        keymap
            .key_for(&action)
            .or_else(|| fallback.and_then(|a| keymap.key_for(&a)))
            .map(|key| format!("{key} {what}"))
            .unwrap_or_default()
    };
    let hints = match app.focus() {
        // Most useful first: narrow screens cut the end.
        Focus::Article if app.article().is_some() => [
            hint(Action::Help, "help"),
            hint(Action::BackOrQuit, "back"),
            hint(Action::PageDown, "page"),
            hint(Action::Down, "scroll"),
            hint(Action::ToggleFocus, "list"),
        ],
        _ => [
            hint(Action::Help, "help"),
            hint(Action::BackOrQuit, "quit"),
            hint(Action::Open, "open"),
            hint(Action::Search, "search"),
            hint(Action::FilterBreaking, "breaking"),
        ],
    };
    let mut hints: Vec<String> = hints.into_iter().filter(|h| !h.is_empty()).collect();
    // A fetch running in the background says how far it is, first.
    match app.fetching() {
        Some((_, 0)) => hints.insert(0, "Fetching...".to_owned()),
        Some((done, total)) => hints.insert(0, format!("Fetching {done} of {total}")),
        None => {}
    }
    let text = truncate_with(
        &hints.join("  "),
        usize::from(area.width),
        theme.glyphs.ellipsis,
    );
    buf.set_style(area, theme.style(Role::Status));
    put_line(buf, area, area.y, &text, theme.style(Role::Status));
    None
}

/// The focus line: the focused headline whole, its state and date in words. In the article it
/// says which of the list's articles it is, and does not change while it scrolls (a position
/// there was re-read on every line); not its title, which opening it had just spoken.
fn focus_text(app: &App) -> String {
    let library = app.library();
    if let Some(article) = app.article().filter(|_| app.focus() == Focus::Article) {
        return match app.position_in_list(article.index) {
            Some(at) => format!("Article {} of {}.", at + 1, app.visible().len()),
            None => "Article.".to_owned(),
        };
    }
    let Some(index) = app.selected_article() else {
        return String::new();
    };
    let headline = library.headline(index);
    let mut state = Vec::new();
    if headline.breaking {
        state.push("breaking");
    }
    if !app.is_read(index) {
        state.push("unread");
    }
    if app.is_starred(index) {
        state.push("starred");
    }
    let mut text = headline.title.to_owned();
    if !text.ends_with(['.', '?', '!']) {
        text.push('.');
    }
    if !state.is_empty() {
        text.push_str(&format!(
            " {}.",
            crate::text::capitalized(&state.join(", "))
        ));
    }
    let date = headline
        .published
        .map_or_else(|| "Undated".to_owned(), |d| d.long_date());
    text.push_str(&format!(" {date}, {}.", library.store(headline.store).name));
    // The divider row is not on the focus line: the first article below it says it instead.
    if app.divider().is_some() && app.divider() == app.selected() {
        text.push_str(" The first article from before your last session.");
    }
    text
}

/// `BREAKING: <title> (2 more)` in `width` columns: the title is shortened first, so the word
/// BREAKING and the count are kept while there is room for a few letters of the title.
fn banner_line(title: &str, more: &str, width: usize, ellipsis: &str) -> String {
    const WORD: &str = "BREAKING: ";
    let fixed = WORD.len() + crate::text::display_width(more);
    match width.checked_sub(fixed) {
        Some(room) if room >= 8 => format!("{WORD}{}{more}", truncate_with(title, room, ellipsis)),
        _ => truncate_with(&format!("{WORD}{title}{more}"), width, ellipsis),
    }
}
