//! `update`: one action in, the state changed, effects out. Pure: no I/O, no clock, no
//! terminal. Whether to redraw is decided by comparing a snapshot of what is shown.

use super::{Action, App, Effect, Exit, Focus, Message, MessageKind, Mode, OpenArticle};
use crate::app::view::{query_matches, visible};
use crate::engine::store::StoreId;

pub fn update(app: &mut App, action: Action) -> Vec<Effect> {
    let before = app.snapshot();
    let mut effects = Vec::new();
    // A message lives until the next key; run-loop events do not clear it.
    if !matches!(
        action,
        Action::Resize(..)
            | Action::Resumed
            | Action::Terminate(_)
            | Action::Hangup
            | Action::SaveFailed(_)
            | Action::OpenLinkFailed(_)
    ) {
        app.message = None;
    }
    match &app.mode {
        Mode::Search { .. } => search_prompt(app, action, &mut effects),
        Mode::Help { .. } => help(app, action, &mut effects),
        Mode::Browse => browse(app, action, &mut effects),
    }
    app.keep_selection_visible();
    app.remember_message();
    if app.snapshot() != before && !effects.iter().any(|e| matches!(e, Effect::Exit(_))) {
        effects.push(Effect::Redraw);
    }
    effects
}

/// Actions that mean the same everywhere. Returns true when handled.
fn global(app: &mut App, action: &Action, effects: &mut Vec<Effect>) -> bool {
    match action {
        Action::Quit => quit(app, effects, Exit::Quit),
        Action::Terminate(signal) => quit(app, effects, Exit::Signal(*signal)),
        Action::Hangup => quit(app, effects, Exit::Hangup),
        Action::Redraw => effects.push(Effect::FullRedraw),
        Action::Suspend => effects.extend([Effect::Save, Effect::Suspend, Effect::FullRedraw]),
        Action::Resumed => effects.extend([Effect::Reenter, Effect::FullRedraw]),
        Action::Resize(width, height) => resize(app, *width, *height),
        Action::ToggleHighContrast => {
            app.high_contrast = !app.high_contrast;
            let state = if app.high_contrast { "on" } else { "off" };
            info(app, &format!("High contrast {state}"));
        }
        Action::OpenLinkFailed(error) => {
            app.message = Some(Message {
                kind: MessageKind::Error,
                text: format!("could not open the link: {error}"),
            });
        }
        Action::SaveFailed(error) => {
            app.message = Some(Message {
                kind: MessageKind::Error,
                text: format!("could not save read marks: {error}"),
            });
        }
        _ => return false,
    }
    true
}

fn quit(app: &mut App, effects: &mut Vec<Effect>, exit: Exit) {
    if let Some(index) = app.selected_article() {
        let key = app.key_of(index);
        app.state.set_last_selected(key);
    }
    effects.extend([Effect::Save, Effect::Exit(exit)]);
}

fn resize(app: &mut App, width: u16, height: u16) {
    app.size = (width, height);
    app.keep_selection_visible();
    rewrap(app);
}

/// Lays the open article out again for the current pane width and height.
fn rewrap(app: &mut App) {
    let Some(panes) = app.panes() else { return };
    let height = usize::from(panes.article.height);
    if let Some(article) = app.article.as_mut() {
        article.rewrap(&app.library, panes.article_text_width());
        article.scroll = article.scroll.min(article.max_scroll(height));
    }
}

fn help(app: &mut App, action: Action, effects: &mut Vec<Effect>) {
    if global(app, &action, effects) {
        return;
    }
    let Mode::Help { scroll } = &mut app.mode else {
        return;
    };
    let lines = super::help::help_lines(&app.keymap, usize::from(app.size.0)).len();
    let max = super::help::max_scroll(lines, usize::from(app.size.1));
    let height = usize::from(app.size.1.saturating_sub(1)).max(1);
    match action {
        Action::Down => *scroll = (*scroll + 1).min(max),
        Action::Up => *scroll = scroll.saturating_sub(1),
        Action::PageDown => *scroll = (*scroll + height).min(max),
        Action::PageUp => *scroll = scroll.saturating_sub(height),
        Action::Top => *scroll = 0,
        Action::Bottom => *scroll = max,
        Action::Help | Action::Back | Action::BackOrQuit => app.mode = Mode::Browse,
        _ => {}
    }
}

fn search_prompt(app: &mut App, action: Action, effects: &mut Vec<Effect>) {
    if global(app, &action, effects) {
        return;
    }
    let Mode::Search { input } = &mut app.mode else {
        return;
    };
    match action {
        Action::SearchInput(c) => input.push(c),
        // Backspace on an empty prompt leaves it, as in less and vim.
        Action::SearchBackspace if input.pop().is_none() => app.mode = Mode::Browse,
        Action::SearchBackspace => {}
        Action::SearchSubmit => {
            let query = input.trim().to_owned();
            app.mode = Mode::Browse;
            if !query.is_empty() {
                app.last_query = Some(query);
                search(app, true, true);
            }
        }
        Action::Back => app.mode = Mode::Browse,
        _ => {}
    }
}

fn browse(app: &mut App, action: Action, effects: &mut Vec<Effect>) {
    if global(app, &action, effects) {
        return;
    }
    match action {
        Action::Down => move_by(app, 1),
        Action::Up => move_by(app, -1),
        Action::PageDown => page(app, 1),
        Action::PageUp => page(app, -1),
        Action::Top => move_to(app, 0),
        Action::Bottom => move_to(app, usize::MAX),
        Action::Open => open(app, effects),
        Action::OpenLink => open_link(app, effects),
        Action::ToggleFocus => {
            if app.article.is_some() {
                app.focus = match app.focus {
                    Focus::List => Focus::Article,
                    Focus::Article => Focus::List,
                };
            } else {
                let key = key_label(app, &Action::Open);
                info(app, &format!("Open an article with {key} first."));
            }
        }
        Action::BackOrQuit => {
            if app.focus == Focus::Article {
                app.focus = Focus::List;
            } else {
                quit(app, effects, Exit::Quit);
            }
        }
        Action::Back => app.focus = Focus::List,
        Action::Search => {
            app.mode = Mode::Search {
                input: String::new(),
            };
        }
        Action::SearchNext => search(app, true, false),
        Action::SearchPrevious => search(app, false, false),
        Action::NextBreaking => next_breaking(app),
        Action::FilterBreaking => {
            app.filter.breaking_only = !app.filter.breaking_only;
            refilter(app);
        }
        Action::FilterUnread => {
            app.filter.unread_only = !app.filter.unread_only;
            refilter(app);
        }
        Action::FilterStarred => {
            app.filter.starred_only = !app.filter.starred_only;
            refilter(app);
        }
        Action::ToggleRead => toggle_mark(app, effects, Mark::Read),
        Action::ToggleStar => toggle_mark(app, effects, Mark::Star),
        Action::NextStore => cycle_store(app, true),
        Action::PreviousStore => cycle_store(app, false),
        Action::Help => app.mode = Mode::Help { scroll: 0 },
        Action::CopyLink => copy_link(app, effects),
        Action::RepeatMessage => match app.last_message.clone() {
            Some(message) => app.message = Some(message),
            None => info(app, "No message yet."),
        },
        _ => {}
    }
}

/// `y`: the open article's link when it has the keys, else the selected headline's. The URL
/// was sanitised when the store was loaded; the run loop base64-encodes it into OSC 52.
fn copy_link(app: &mut App, effects: &mut Vec<Effect>) {
    let target = match (&app.article, app.focus) {
        (Some(article), Focus::Article) => Some(article.index),
        _ => app.selected_article(),
    };
    let Some(index) = target else {
        info(app, "Nothing to copy: no article is selected.");
        return;
    };
    let Some(url) = app.library.article(index).detail.url.clone() else {
        info(app, "This article has no link to copy.");
        return;
    };
    if app.caps.clipboard {
        info(
            app,
            &format!("Link copied to the clipboard (OSC 52): {url}"),
        );
        effects.push(Effect::CopyToClipboard(url));
    } else {
        info(
            app,
            &format!("This terminal has no clipboard Herald can reach; the link is {url}"),
        );
    }
}

/// The key for `action` as messages name it, from the keymap in force (remapped keys show).
fn key_label(app: &App, action: &Action) -> String {
    app.keymap.key_for(action).unwrap_or_else(|| {
        format!(
            "the {} action (no key: bind one in the config)",
            super::keymap::action_name(action)
        )
    })
}

fn info(app: &mut App, text: &str) {
    app.message = Some(Message {
        kind: MessageKind::Info,
        text: text.to_owned(),
    });
}

/// j/k: the selection in the list, the text in the article.
fn move_by(app: &mut App, delta: isize) {
    if app.focus == Focus::Article {
        scroll_article(app, delta);
        return;
    }
    let target = app.selected.saturating_add_signed(delta);
    move_to(app, target);
}

fn page(app: &mut App, direction: isize) {
    if app.focus == Focus::Article {
        // Keep one line of context, as less does with a window minus one.
        let step = app.article_height().saturating_sub(1).max(1);
        scroll_article(app, direction * isize::try_from(step).unwrap_or(1));
        return;
    }
    let step = app.list_height().saturating_sub(1).max(1);
    let step = isize::try_from(step).unwrap_or(1);
    move_to(app, app.selected.saturating_add_signed(direction * step));
}

fn move_to(app: &mut App, position: usize) {
    if app.focus == Focus::Article {
        let height = app.article_height();
        if let Some(article) = app.article.as_mut() {
            article.scroll = if position == 0 {
                0
            } else {
                article.max_scroll(height)
            };
        }
        return;
    }
    app.selected = position.min(app.visible.len().saturating_sub(1));
    app.keep_selection_visible();
    if let Some(index) = app.selected_article() {
        let key = app.key_of(index);
        app.state.set_last_selected(key);
    }
}

fn scroll_article(app: &mut App, delta: isize) {
    let height = app.article_height();
    if let Some(article) = app.article.as_mut() {
        let max = article.max_scroll(height);
        article.scroll = article.scroll.saturating_add_signed(delta).min(max);
    }
}

/// Enter: show the selected article, mark it read, and move the keys to it.
fn open(app: &mut App, effects: &mut Vec<Effect>) {
    let Some(index) = app.selected_article() else {
        info(app, "Nothing to open: no headline matches the filters.");
        return;
    };
    let width = app.panes().map_or(40, |p| p.article_text_width());
    app.article = Some(OpenArticle::new(&app.library, index, width));
    app.focus = Focus::Article;
    let key = app.key_of(index);
    if !app.state.is_read(&key.store, &key.id) {
        app.state.set_read(&key.store, &key.id, true);
        app.marks += 1;
    }
    app.state.set_last_selected(key);
    effects.push(Effect::Save);
}

/// `o`: the open article's link when it has the keys, else the selected headline's.
fn open_link(app: &mut App, effects: &mut Vec<Effect>) {
    let target = match (&app.article, app.focus) {
        (Some(article), Focus::Article) => Some(article.index),
        _ => app.selected_article(),
    };
    let Some(index) = target else { return };
    let url = app.library.article(index).detail.url.clone();
    let Some(url) = url else {
        info(app, "This article has no link.");
        return;
    };
    if !is_openable(&url) {
        app.message = Some(Message {
            kind: MessageKind::Error,
            text: "refused to open the link: only http, https and mailto links are opened"
                .to_owned(),
        });
        return;
    }
    info(app, &format!("Opening {url}"));
    effects.push(Effect::OpenLink(url));
}

/// Links Herald hands to an opener: web pages and mail. Not `file:`, `javascript:`, custom
/// schemes (which can start arbitrary handlers) or anything that could read as an option.
pub fn is_openable(url: &str) -> bool {
    let lower = url.to_ascii_lowercase();
    let scheme_ok = ["http://", "https://", "mailto:"]
        .iter()
        .any(|scheme| lower.starts_with(scheme) && lower.len() > scheme.len());
    scheme_ok && !url.chars().any(|c| c.is_control())
}

enum Mark {
    Read,
    Star,
}

/// m / s: the open article when it has the keys, else the selected headline.
fn toggle_mark(app: &mut App, effects: &mut Vec<Effect>, mark: Mark) {
    let target = match (&app.article, app.focus) {
        (Some(article), Focus::Article) => Some(article.index),
        _ => app.selected_article(),
    };
    let Some(index) = target else { return };
    let key = app.key_of(index);
    // Only a character or a style changes on screen, which a screen reader does not speak:
    // say what happened.
    let said = match mark {
        Mark::Read => {
            let read = app.state.is_read(&key.store, &key.id);
            app.state.set_read(&key.store, &key.id, !read);
            if read { "Marked unread" } else { "Marked read" }
        }
        Mark::Star => {
            let starred = app.state.is_starred(&key.store, &key.id);
            app.state.set_starred(&key.store, &key.id, !starred);
            if starred { "Unstarred" } else { "Starred" }
        }
    };
    let title = app.library.headline(index).title.to_owned();
    info(app, &format!("{said}: {title}"));
    app.marks += 1;
    effects.push(Effect::Save);
}

/// Recomputes the list after a filter change, keeping the same article selected if it is
/// still there.
fn refilter(app: &mut App) {
    let current = app.selected_article();
    app.visible = visible(&app.library, &app.state, &app.order, &app.filter);
    app.selected = current
        .and_then(|index| app.visible.iter().position(|&i| i == index))
        .unwrap_or(0);
    app.list_offset = 0;
    app.focus = Focus::List;
    app.keep_selection_visible();
    if app.visible.is_empty() {
        info(app, "No headlines match these filters.");
    }
}

/// `]` / `[`: all stores -> first -> ... -> last -> all stores.
fn cycle_store(app: &mut App, forward: bool) {
    let count = app.library.stores().len();
    if count == 0 {
        return;
    }
    let current = app.filter.store.map(StoreId::index);
    let next = match (current, forward) {
        (None, true) => Some(0),
        (None, false) => Some(count - 1),
        (Some(i), true) => (i + 1 < count).then_some(i + 1),
        (Some(i), false) => i.checked_sub(1),
    };
    app.filter.store = next.map(|i| StoreId(u32::try_from(i).unwrap_or(u32::MAX)));
    refilter(app);
}

/// `n` / `N` (and Enter in the prompt, which may match the selected headline itself).
fn search(app: &mut App, forward: bool, include_current: bool) {
    let Some(query) = app.last_query.clone() else {
        let key = key_label(app, &Action::Search);
        info(app, &format!("No search yet: press {key} to search."));
        return;
    };
    let len = app.visible.len();
    if len == 0 {
        info(app, "No headlines to search.");
        return;
    }
    let matches = match app.search_matches.take() {
        Some((cached, matches)) if cached == query => matches,
        _ => query_matches(&app.library, &query),
    };
    let start = app.selected;
    let first_step = usize::from(!include_current);
    for step in first_step..first_step + len {
        let position = if forward {
            (start + step) % len
        } else {
            (start + len * 2 - step) % len
        };
        if matches[app.visible[position]] {
            app.search_matches = Some((query, matches));
            app.focus = Focus::List;
            move_to(app, position);
            let wrapped = if forward {
                position < start || (position == start && !include_current)
            } else {
                position > start
            };
            if wrapped {
                info(app, "Search wrapped around.");
            }
            return;
        }
    }
    info(app, &format!("No match for \"{query}\"."));
    app.search_matches = Some((query, matches));
}

fn next_breaking(app: &mut App) {
    // An announced arrival first: that is the one the reader was just told about.
    if let Some(key) = app.announced.take()
        && let Some(index) = app.library.find(&key.store, &key.id)
        && let Some(position) = app.visible.iter().position(|&i| i == index)
    {
        app.focus = Focus::List;
        move_to(app, position);
        return;
    }
    let len = app.visible.len();
    for step in 1..=len {
        let position = (app.selected + step) % len;
        if app.library.headline(app.visible[position]).breaking {
            app.focus = Focus::List;
            move_to(app, position);
            return;
        }
    }
    info(app, "No breaking articles in this view.");
}
