//! `update`: one action in, the state changed, effects out. Pure: no I/O, no clock (the time
//! comes in with the action), no terminal. Whether to redraw is decided by comparing a
//! snapshot of what is shown.

use std::sync::Arc;

use super::view::{Filter, Listed, Scope, Sort, Visible, sorted, visible, words_of};
use super::{
    Action, App, Effect, Exit, Focus, LinkUse, Message, MessageKind, Mode, OpenArticle, Purpose,
    RELAYOUT_HERE_UP_TO, RunningSearch, Surface,
};
use crate::engine::article::layout::lay_out;
use crate::engine::runtime::{Done, Job, Reload};
use crate::engine::scope::Field;
use crate::engine::state::history::with_search;
use crate::engine::state::{ArticleKey, Timestamp};
use crate::engine::store::StoreId;
use crate::engine::{ArticleIndex, Library};
use crate::text::line_editor::{Edit, LineEditor};
use crate::text::{capitalized, count};

/// How the message line says a search is running.
const SEARCHING: &str = "Searching for ";

pub fn update(app: &mut App, action: Action, now: Timestamp) -> Vec<Effect> {
    app.now = now;
    let before = app.snapshot();
    let mut effects = Vec::new();
    // A message lives until the next key; what the loop or the runtime reports does not
    // clear it. On screen a move keeps it too, without the cursor: a screen reader speaks
    // what changed, and a message giving way to the status bar was all it spoke of that
    // move, not the headline the cursor landed on.
    let from_loop = matches!(
        action,
        Action::Resize(..)
            | Action::Resumed
            | Action::Terminate(_)
            | Action::Hangup
            | Action::StoresChanged
            | Action::SaveNow
            | Action::Done(_)
            | Action::FetchProgress(..)
            | Action::Fetched { .. }
            | Action::FetchDue
            | Action::NotesChanged(_)
    );
    // (With the focus line a move changes that line, which is then what is spoken.)
    let moves = app.surface == Surface::Screen
        && !app.options.focus_line
        && matches!(app.mode, Mode::Browse)
        && matches!(
            action,
            Action::Down
                | Action::Up
                | Action::PageDown
                | Action::PageUp
                | Action::Top
                | Action::Bottom
        );
    let kept = if from_loop { None } else { app.message.take() };
    let before_message = app.message.clone();
    let action = if from_loop {
        action
    } else {
        with_count(app, action)
    };
    match &app.mode {
        Mode::Search { .. } => search_prompt(app, action, &mut effects),
        Mode::Help { .. } => help(app, action, &mut effects),
        Mode::Stores { .. } => stores(app, action, &mut effects),
        Mode::Links { .. } => links(app, action, &mut effects),
        Mode::Browse => browse(app, action, &mut effects),
    }
    // The link list is the open article's: when a reload takes the article away, so is it.
    if matches!(app.mode, Mode::Links { .. }) && app.article.is_none() {
        app.mode = Mode::Browse;
    }
    if app.message.is_none() && moves {
        app.message = kept;
        app.message_is_new = false;
    } else if app.message != before_message || !from_loop {
        app.message_is_new = app.message.is_some();
    }
    // Counts update live: a mark, a mark-all, a reload or fresh notes (a fetch ended) while
    // the store list is open.
    if matches!(app.mode, Mode::Stores { .. })
        && (app.marks_changed != before.marks_changed
            || Arc::as_ptr(&app.library) as usize != before.library
            || Arc::as_ptr(&app.notes) as usize != before.notes)
    {
        let keep = match app.mode {
            Mode::Stores { selected, .. } => app.store_rows.get(selected).map(|c| c.listed.clone()),
            _ => None,
        };
        refresh_store_rows(app, keep);
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
        Action::Suspend if app.caps.remote => {
            let quit = key_label(app, &Action::Quit);
            info(
                app,
                &format!("There is nothing to suspend to over SSH; {quit} leaves the reader."),
            );
        }
        Action::Suspend => {
            // A stopped process may never be resumed: what it knows is saved first.
            save_now(app, effects);
            effects.extend([Effect::Suspend, Effect::FullRedraw]);
        }
        Action::Resumed => effects.extend([Effect::Reenter, Effect::FullRedraw]),
        Action::Resize(width, height) => resize(app, *width, *height, effects),
        Action::ToggleHighContrast => {
            app.high_contrast = !app.high_contrast;
            let state = if app.high_contrast { "on" } else { "off" };
            info(app, &format!("High contrast {state}"));
        }
        Action::CountDigit(_) => say_count(app),
        Action::StoresChanged => reload(app, effects),
        Action::SaveNow => save_now(app, effects),
        Action::Done(done) => finished(app, done.clone(), effects),
        Action::Fetch => fetch(app, false, effects),
        Action::FetchAll => fetch(app, true, effects),
        // A timed fetch when one is running already would only be turned away.
        Action::FetchDue if app.fetching.is_none() => fetch(app, false, effects),
        Action::FetchDue => {}
        Action::FetchProgress(done, total) => {
            if app.fetching.is_some() {
                app.fetching = Some((*done, *total));
            }
        }
        Action::NotesChanged(notes) => {
            app.notes = notes.clone();
            retag(app);
        }
        Action::Fetched { summary, failed } => {
            app.fetching = None;
            app.message = Some(Message {
                kind: if *failed {
                    MessageKind::Error
                } else {
                    MessageKind::Info
                },
                text: summary.clone(),
            });
        }
        _ => return false,
    }
    true
}

/// Starts a fetch in the background, unless one runs (then says so). New headlines come in
/// through the live reload of the stores the fetch writes, like any other change.
fn fetch(app: &mut App, all: bool, effects: &mut Vec<Effect>) {
    if let Some((done, total)) = app.fetching {
        info(
            app,
            &format!("Already fetching ({done} of {total} feeds done)"),
        );
        return;
    }
    app.fetching = Some((0, 0));
    info(
        app,
        if all {
            "Fetching every feed..."
        } else {
            "Fetching the feeds that are due..."
        },
    );
    effects.push(Effect::Fetch { all });
}

fn error(app: &mut App, text: String) {
    app.message = Some(Message {
        kind: MessageKind::Error,
        text,
    });
}

fn info(app: &mut App, text: &str) {
    app.message = Some(Message {
        kind: MessageKind::Info,
        text: text.to_owned(),
    });
}

fn quit(app: &mut App, effects: &mut Vec<Effect>, exit: Exit) {
    if let Some(index) = app.selected_article() {
        let key = app.key_of(index);
        app.marks.set_last_selected(key);
    }
    // For the next session's "new since" (the briefing): plain mode's sessions always record
    // their end; the screen's go with a save made anyway, so its exit saves no more than before.
    app.marks
        .end_session(app.now, matches!(app.surface, Surface::Lines { .. }));
    save_everything(app, effects);
    effects.push(Effect::Exit(exit));
}

/// On the way out: every change goes to one last save now, even while another save runs (a
/// mark made during a save used to wait for that save's answer, which never came once the
/// loop had ended, and was lost with exit 0). That last save holds the running save's
/// changes too, so its outcome, which the exit reports, covers every mark: if the running
/// save fails, this one writes them; saving a mark twice is harmless, the merge keeps one.
fn save_everything(app: &mut App, effects: &mut Vec<Effect>) {
    let Some(running) = app.saving.take() else {
        save_now(app, effects);
        return;
    };
    app.save_again = false;
    let mut last = running.clone();
    if let Some(newer) = app.marks.take_changes() {
        last.marks
            .retain(|(key, _)| !newer.marks.iter().any(|(k, _)| k == key));
        last.marks.extend(newer.marks);
        if newer.selected.is_some() {
            last.selected = newer.selected;
        }
        last.session_ended = newer.session_ended.or(last.session_ended);
    }
    app.saving = Some(last.clone());
    effects.push(Effect::Job(Job::Save(last)));
}

/// Hands the changed marks to a save, unless one is running (then once it ends).
fn save_now(app: &mut App, effects: &mut Vec<Effect>) {
    if app.saving.is_some() {
        app.save_again = true;
        return;
    }
    if let Some(changes) = app.marks.take_changes() {
        app.saving = Some(changes.clone());
        effects.push(Effect::Job(Job::Save(changes)));
    }
}

/// Something the runtime finished.
fn finished(app: &mut App, done: Done, effects: &mut Vec<Effect>) {
    match done {
        Done::ArticleRead {
            ticket,
            text,
            lines,
        } => {
            let height = app.article_height();
            // Whether the link list waited for this text (opened from the headline list), or
            // the text's links changed under it (a reload): then it is said again, else not.
            // (Worded only while the link list is open: not for every article read.)
            let links_before = app
                .article
                .as_ref()
                .filter(|a| a.ticket == ticket && matches!(app.mode, Mode::Links { .. }))
                .map(|a| a.text.as_ref().map(|t| t.listed_links()));
            if let Some(article) = app.article.as_mut().filter(|a| a.ticket == ticket) {
                article.text = Some(text.clone());
                let reopened = article.lines.is_some();
                article.lines = Some(lines);
                if reopened {
                    // The same article read again after a reload: stay where the reader was.
                    let max = article.max_scroll(height);
                    article.scroll = article.scroll.min(max);
                }
            }
            if let Some((wanted, use_, number)) = app.link_wanted
                && wanted == ticket
            {
                app.link_wanted = None;
                match number {
                    None => use_link(app, text.url.clone(), use_, effects),
                    Some(number) => use_numbered(app, &text, number, use_, effects),
                }
            }
            if matches!(app.mode, Mode::Links { .. })
                && let Some(before) = links_before
                && before.as_ref() != Some(&text.listed_links())
            {
                say_link_list(app);
            }
        }
        Done::LaidOut { ticket, lines } => {
            let height = app.article_height();
            if let Some(article) = app.article.as_mut().filter(|a| a.ticket == ticket) {
                article.relaid(lines);
                article.scroll = article.scroll.min(article.max_scroll(height));
            }
        }
        Done::Searched { ticket, matches } => {
            let Some(running) = app.searching.take_if(|s| s.ticket == ticket) else {
                return;
            };
            // "Searching..." is over: the answer says what it found.
            if app
                .message
                .as_ref()
                .is_some_and(|m| m.text.starts_with(SEARCHING))
            {
                app.message = None;
            }
            app.matches = Some((running.query.clone(), matches));
            match running.purpose {
                Purpose::Jump {
                    forward,
                    include_current,
                } => step(app, &running.query, forward, include_current),
                Purpose::ShowOnly(filter) => show_only(app, filter),
                Purpose::List(filter) => search_list(app, filter),
            }
        }
        Done::Scoped {
            ticket,
            values,
            matches,
        } => scoped(app, ticket, values, matches),
        Done::Reloaded(reload) => {
            app.reloading = false;
            apply_reload(app, &reload, effects);
            if std::mem::take(&mut app.reload_again) {
                self::reload(app, effects);
            }
        }
        Done::SearchSaved(result) => search_saved(app, result),
        Done::Saved(result) => {
            let changes = app.saving.take();
            match result {
                Ok(mut outside) => {
                    let problems = std::mem::take(&mut outside.problems);
                    if !problems.is_empty() {
                        error(app, problems.join("; "));
                    }
                    if !outside.marks.is_empty() || !outside.forgotten.is_empty() {
                        app.marks.adopt(outside);
                        app.marks_changed += 1;
                    }
                }
                Err(problem) => {
                    if let Some(changes) = changes {
                        app.marks.restore(changes);
                    }
                    error(app, format!("could not save read marks: {problem}"));
                }
            }
            if std::mem::take(&mut app.save_again) {
                save_now(app, effects);
            }
        }
        Done::OpenFailed(problem) => error(app, format!("could not open the link: {problem}")),
    }
}

fn resize(app: &mut App, width: u16, height: u16, effects: &mut Vec<Effect>) {
    app.size = (width, height);
    app.keep_selection_visible();
    relayout(app, effects);
}

/// Lays the open article out again for the current pane width: here when it is short, by the
/// runtime when it is long (the old lines stay until the new ones come).
fn relayout(app: &mut App, effects: &mut Vec<Effect>) {
    if app.panes().is_none() && app.surface == Surface::Screen {
        return;
    }
    let (flavor, width) = app.article_layout();
    let height = app.article_height();
    let ticket = app.next_ticket();
    let Some(article) = app.article.as_mut() else {
        return;
    };
    // A taller or shorter pane may leave the text scrolled past its end.
    article.scroll = article.scroll.min(article.max_scroll(height));
    let (Some(text), Some(lines)) = (&article.text, &article.lines) else {
        return;
    };
    if lines.width() == width {
        return;
    }
    if lines.len() <= RELAYOUT_HERE_UP_TO {
        let lines = Arc::new(lay_out(text, width, flavor));
        article.relaid(lines);
        article.scroll = article.scroll.min(article.max_scroll(height));
    } else {
        article.ticket = ticket;
        effects.push(Effect::Job(Job::LayOut {
            ticket,
            text: text.clone(),
            width,
            flavor,
        }));
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
    let (columns, marker) = app.prompt_columns();
    let Mode::Search { prompt } = &mut app.mode else {
        return;
    };
    match action {
        // Backspace on an empty prompt leaves it, as in less and vim.
        Action::SearchEdit(Edit::Backspace) if prompt.is_empty() => app.mode = Mode::Browse,
        Action::SearchEdit(edit) => {
            prompt.apply(edit);
            prompt.keep_cursor_visible(columns, marker);
        }
        Action::SearchSubmit => {
            let query = prompt.text().trim().to_owned();
            app.mode = Mode::Browse;
            if !query.is_empty() {
                // The search's own job first, then the history's.
                submit_search(app, query.clone(), effects);
                remember_search(app, &query, effects);
            }
        }
        Action::Back => app.mode = Mode::Browse,
        _ => {}
    }
}

/// Adds `query` to the search history, here at once (Up recalls it straight away) and in the
/// history file by the runtime, which answers with what the file then holds.
fn remember_search(app: &mut App, query: &str, effects: &mut Vec<Effect>) {
    app.search_history = with_search(&app.search_history, query).into();
    app.history_saving.push_back(query.to_owned());
    effects.push(Effect::Job(Job::SaveSearch(query.to_owned())));
}

/// A save of the search history answered. Saves are done in order and each answer holds the
/// whole file, so the last one's answer holds every earlier search too: only it is taken in
/// (an earlier one would drop the searches still being saved).
///
/// A search whose save failed stays in this session's history, over what the file holds.
fn search_saved(app: &mut App, result: Result<Vec<String>, String>) {
    let query = app.history_saving.pop_front();
    if result.is_err()
        && let Some(query) = query
    {
        app.history_unsaved.push(query);
    }
    match result {
        Ok(entries) if app.history_saving.is_empty() => {
            let mut entries = entries;
            for query in &app.history_unsaved {
                entries = with_search(&entries, query);
            }
            app.search_history = entries.into();
        }
        Ok(_) => {}
        // Said once: the searches are still in memory, and every later search would say it
        // again over its own answer.
        Err(problem) if !std::mem::replace(&mut app.history_failed, true) => error(
            app,
            format!(
                "could not save the search history: {problem}. Searches are remembered until \
                 Herald quits"
            ),
        ),
        Err(_) => {}
    }
}

/// Enter in the prompt: the matches become the list (`search_lists`), or the selection jumps
/// to the first.
fn submit_search(app: &mut App, query: String, effects: &mut Vec<Effect>) {
    app.last_query = Some(query.clone());
    if !app.options.search_lists || app.surface != Surface::Screen {
        search(app, true, true, effects);
        return;
    }
    let filter = Filter {
        query: Some(query.clone()),
        ..app.filter.clone()
    };
    if has_matches(app, &query) {
        search_list(app, filter);
    } else {
        start_search(app, query, Purpose::List(filter), effects);
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
        Action::OpenNumbered(number) => open_numbered(app, number, effects),
        Action::NextArticle => open_next(app, true, effects),
        Action::PreviousArticle => open_next(app, false, effects),
        Action::OpenLink => link(app, LinkUse::Open, None, effects),
        Action::CopyLink => link(app, LinkUse::Copy, None, effects),
        Action::OpenLinkNumbered(number) => link(app, LinkUse::Open, Some(number), effects),
        Action::CopyLinkNumbered(number) => link(app, LinkUse::Copy, Some(number), effects),
        Action::LinkList => open_link_list(app, effects),
        Action::ToggleFocus => {
            if app.article.is_some() {
                app.focus = match app.focus {
                    Focus::List => Focus::Article,
                    Focus::Article => Focus::List,
                };
                say_focus(app);
            } else {
                let key = key_label(app, &Action::Open);
                info(app, &format!("Open an article with {key} first."));
            }
        }
        Action::BackOrQuit => {
            if app.focus == Focus::Article {
                app.focus = Focus::List;
                say_focus(app);
            } else if !close_search_list(app) && !close_scope(app) {
                quit(app, effects, Exit::Quit);
            }
        }
        Action::Back => {
            if app.searching.take().is_some() {
                effects.push(Effect::Job(Job::CancelSearch));
                info(app, "Search stopped.");
            } else if app.focus == Focus::List {
                let _ = close_search_list(app) || close_scope(app);
            } else {
                app.focus = Focus::List;
                say_focus(app);
            }
            app.focus = Focus::List;
        }
        Action::Search => {
            app.mode = Mode::Search {
                prompt: LineEditor::new(app.search_history.clone()),
            };
        }
        Action::SearchNext => search(app, true, false, effects),
        Action::SearchPrevious => search(app, false, false, effects),
        Action::NextBreaking => next_breaking(app),
        Action::DismissBanner => dismiss_banner(app),
        Action::FilterBreaking => {
            app.filter.breaking_only = !app.filter.breaking_only;
            refilter(app);
            say_list(app);
        }
        Action::FilterUnread => {
            app.filter.unread_only = !app.filter.unread_only;
            refilter(app);
            say_list(app);
        }
        Action::FilterStarred => {
            app.filter.starred_only = !app.filter.starred_only;
            refilter(app);
            say_list(app);
        }
        Action::ShowOnly(filter) => {
            // Plain mode's `/words`: remembered as the prompt's searches are.
            let remember = filter.query.clone().filter(|q| !q.is_empty());
            match &filter.query {
                Some(query) if !has_matches(app, query) => {
                    let query = query.clone();
                    start_search(app, query, Purpose::ShowOnly(filter), effects);
                }
                _ => show_only(app, filter),
            }
            if let Some(query) = remember {
                remember_search(app, &query, effects);
            }
        }
        Action::ToggleRead => toggle_mark(app, effects, Mark::Read),
        Action::ToggleStar => toggle_mark(app, effects, Mark::Star),
        Action::NextStore => {
            cycle_store(app, true);
            say_list(app);
        }
        Action::PreviousStore => {
            cycle_store(app, false);
            say_list(app);
        }
        Action::Help => app.mode = Mode::Help { scroll: 0 },
        Action::NextUnread => next_unread(app, true, effects),
        Action::PreviousUnread => next_unread(app, false, effects),
        Action::MarkAllRead => mark_all_read(app, effects),
        Action::UndoMarkAll => undo_mark_all(app, effects),
        Action::StoreList => open_store_list(app),
        Action::Sort => {
            let next = app.sort.next();
            sort_list(app, next);
        }
        Action::SortBy(sort) => sort_list(app, sort),
        Action::SameSection => scope(app, Field::Section, effects),
        Action::SameAuthor => scope(app, Field::Author, effects),
        Action::SameTag => scope(app, Field::Tag, effects),
        Action::RepeatMessage => match app.last_message.clone() {
            Some(message) => app.message = Some(message),
            None => info(app, "No message yet."),
        },
        _ => {}
    }
}

/// The store list (`L`): every store with its unread and breaking counts, the store showing
/// (or the first) selected.
fn open_store_list(app: &mut App) {
    app.mode = Mode::Stores {
        selected: 0,
        by_name: false,
    };
    let showing = match (&app.filter.store, &app.filter.tag) {
        (Some(id), _) => Some(Listed::Store(*id)),
        (None, Some(tag)) => Some(Listed::Tag(tag.name.clone())),
        (None, None) => None,
    };
    refresh_store_rows(app, showing);
    let tags = app
        .store_rows
        .iter()
        .filter(|c| matches!(c.listed, Listed::Tag(_)))
        .count();
    let stores = app.store_rows.len() - tags;
    let text = match app.store_rows.first().map(|_| selected_store_sentence(app)) {
        Some(sentence) if tags > 0 => format!("Stores: {stores}, tags: {tags}. {sentence}"),
        Some(sentence) => format!("Stores: {stores}. {sentence}"),
        None => "No stores.".to_owned(),
    };
    info(app, &text);
}

/// The tag filter found again for this library and these notes: its stores may have come,
/// gone or moved. The list is shown again only when they changed.
fn retag(app: &mut App) {
    let Some(tag) = app.filter.tag.clone() else {
        return;
    };
    let stores = app.notes.stores_tagged(&app.library, &tag.name);
    if stores != tag.stores {
        app.filter.tag = Some(super::TagFilter { stores, ..tag });
        let message = app.message.take();
        refilter(app);
        app.message = message.or(app.message.take());
    }
}

/// Counts the stores again (one pass over the library) in the order the list shows, keeping
/// `keep` (else the same row) selected. Only when the list opens, the marks change or the
/// stores reload: never per key or per frame.
fn refresh_store_rows(app: &mut App, keep: Option<Listed>) {
    let Mode::Stores { selected, by_name } = app.mode else {
        return;
    };
    let mut rows = super::view::store_rows(&app.library, &app.marks, &app.notes);
    super::view::sort_stores(&mut rows, by_name);
    let selected = keep
        .and_then(|listed| rows.iter().position(|c| c.listed == listed))
        .unwrap_or(selected)
        .min(rows.len().saturating_sub(1));
    app.store_rows = rows;
    app.mode = Mode::Stores { selected, by_name };
}

/// The selected store's counts in words.
fn selected_store_sentence(app: &App) -> String {
    match app.mode {
        Mode::Stores { selected, .. } => app
            .store_rows
            .get(selected)
            .map(super::view::store_sentence)
            .unwrap_or_default(),
        _ => String::new(),
    }
}

/// Keys in the store list: move, Enter opens the store's headlines, back (or the list key)
/// returns, the sort key switches between newest first and by name.
fn stores(app: &mut App, action: Action, effects: &mut Vec<Effect>) {
    if global(app, &action, effects) {
        return;
    }
    let Mode::Stores { selected, by_name } = app.mode else {
        return;
    };
    let last = app.store_rows.len().saturating_sub(1);
    let page = app.list_height().saturating_sub(1).max(1);
    let selected = match row_moved(&action, selected, last, page) {
        Some(moved) => moved,
        None => match action {
            Action::SortStores | Action::Sort => {
                // The same store stays selected in the new order.
                let listed = app.store_rows.get(selected).map(|c| c.listed.clone());
                super::view::sort_stores(&mut app.store_rows, !by_name);
                let at = app
                    .store_rows
                    .iter()
                    .position(|c| Some(&c.listed) == listed.as_ref());
                app.mode = Mode::Stores {
                    selected: at.unwrap_or(0),
                    by_name: !by_name,
                };
                let order = if by_name { "newest first" } else { "by name" };
                info(app, &format!("Stores {order}."));
                return;
            }
            Action::Open => {
                let Some(row) = app.store_rows.get(selected).cloned() else {
                    app.mode = Mode::Browse;
                    return;
                };
                match row.listed {
                    Listed::Store(id) => {
                        app.filter.store = Some(id);
                        app.filter.tag = None;
                    }
                    Listed::Tag(name) => {
                        app.filter.store = None;
                        app.filter.tag = app.tag_filter(&name);
                    }
                    Listed::Unfetched(_) => {
                        // Nothing to list: the row stays selected, and says why.
                        let words = row.fetch.as_deref().unwrap_or("nothing fetched yet");
                        info(app, &format!("No articles from {} yet: {words}.", row.name));
                        return;
                    }
                }
                app.mode = Mode::Browse;
                refilter(app);
                say_list(app);
                return;
            }
            Action::Back | Action::BackOrQuit | Action::StoreList => {
                app.mode = Mode::Browse;
                return;
            }
            Action::Help => {
                app.mode = Mode::Help { scroll: 0 };
                return;
            }
            _ => return,
        },
    };
    app.mode = Mode::Stores { selected, by_name };
    let text = selected_store_sentence(app);
    if !text.is_empty() {
        info(app, &text);
    }
}

/// Where a move key takes the selection in a list of `last + 1` rows (the store list, the link
/// list), `page` rows at a time; None for any other key.
fn row_moved(action: &Action, selected: usize, last: usize, page: usize) -> Option<usize> {
    Some(match action {
        Action::Down => (selected + 1).min(last),
        Action::Up => selected.saturating_sub(1),
        Action::PageDown => (selected + page).min(last),
        Action::PageUp => selected.saturating_sub(page),
        Action::Top => 0,
        Action::Bottom => last,
        _ => return None,
    })
}

/// `.` and `,`: the next (previous) unread article in the list; past its end, the first
/// unread one of the next stores (the list then shows that store). From the article, it is
/// opened. Says where it landed.
fn next_unread(app: &mut App, forward: bool, effects: &mut Vec<Effect>) {
    let reading = app.focus == Focus::Article && app.article.is_some();
    let from = app
        .article
        .as_ref()
        .filter(|_| reading)
        .and_then(|a| app.visible.position(&app.library, a.index))
        .unwrap_or(app.selected);
    let unread_at = |app: &App, position: usize| {
        app.visible()
            .get(position)
            .is_some_and(|&index| !app.is_read(index))
    };
    let len = app.visible().len();
    // Plain mode with nothing open has no "this one": the first unread of the list.
    let first = if app.article.is_none() && matches!(app.surface, Surface::Lines { .. }) {
        0
    } else {
        from + 1
    };
    let found = if forward {
        (first..len).find(|&p| unread_at(app, p))
    } else {
        (0..from.min(len)).rev().find(|&p| unread_at(app, p))
    };
    let target = match found {
        Some(position) => Some(position),
        // Past the end of one store's list: the next store that has unread articles.
        None if app.filter.store.is_some() && app.filter.query.is_none() => {
            unread_in_other_store(app, forward)
        }
        None => None,
    };
    let Some(position) = target else {
        let scope = if app.filter.store.is_some() {
            "in this or the other stores"
        } else {
            "in this list"
        };
        let way = if forward { "after" } else { "before" };
        info(app, &format!("No unread articles {way} this one {scope}."));
        return;
    };
    select(app, position);
    if reading {
        open_selected(app, effects);
    }
    let Some(index) = app.selected_article() else {
        return;
    };
    let headline = app.library.headline(index);
    let store = &app.library.store(headline.store).name;
    let left = app.visible().iter().filter(|&&i| !app.is_read(i)).count();
    let text = format!(
        "Unread, {store}: {}. {left} unread in this list.",
        headline.title
    );
    info(app, &text);
}

/// Switches the list to the next (or previous) store, in store order, that has an unread
/// article the other filters let through, and returns where its first (or last) one is.
fn unread_in_other_store(app: &mut App, forward: bool) -> Option<usize> {
    let count = app.library.stores().len();
    let current = app.filter.store.map_or(0, StoreId::index);
    for step in 1..count {
        let i = if forward {
            (current + step) % count
        } else {
            (current + count - step) % count
        };
        let mut filter = app.filter.clone();
        filter.store = Some(StoreId(u32::try_from(i).unwrap_or(u32::MAX)));
        let list = list_for(app, &filter);
        let list = list.as_slice(&app.library);
        let unread = |&&index: &&ArticleIndex| {
            let key = key_in(&app.library, index);
            !app.marks.is_read(&key.store, &key.id)
        };
        let position = if forward {
            list.iter().position(|i| unread(&i))
        } else {
            list.iter().rposition(|i| unread(&i))
        };
        if let Some(position) = position {
            app.filter = filter;
            refilter(app);
            return Some(position);
        }
    }
    None
}

/// `A`: every article of the list as shown marked read, in one change saved like any mark;
/// what was unread is kept for `U`.
fn mark_all_read(app: &mut App, effects: &mut Vec<Effect>) {
    let now = app.now;
    let keys: Vec<ArticleKey> = app
        .visible()
        .iter()
        .filter(|&&index| !app.is_read(index))
        .map(|&index| app.key_of(index))
        .collect();
    if keys.is_empty() {
        info(app, "Nothing to mark: every article of this list is read.");
        return;
    }
    for key in &keys {
        app.marks.set_read(&key.store, &key.id, true, now);
    }
    let undo = key_label(app, &Action::UndoMarkAll);
    info(
        app,
        &format!(
            "Marked {} read ({undo} undoes it).",
            count(keys.len(), "article")
        ),
    );
    app.marked_all = keys;
    marks_changed_in_bulk(app, effects);
}

/// After a mark-all or its undo: saved like any mark, and an unread-only list shown again
/// (it changed wholesale), with the message that said what happened kept.
fn marks_changed_in_bulk(app: &mut App, effects: &mut Vec<Effect>) {
    app.marks_changed += 1;
    effects.push(Effect::SaveSoon);
    if app.filter.unread_only {
        let message = app.message.take();
        refilter(app);
        app.message = message;
    }
}

/// `U`: the last mark-all undone: what it marked read is unread again.
fn undo_mark_all(app: &mut App, effects: &mut Vec<Effect>) {
    let keys = std::mem::take(&mut app.marked_all);
    if keys.is_empty() {
        info(app, "Nothing to undo: no list was marked read.");
        return;
    }
    let now = app.now;
    for key in &keys {
        app.marks.set_read(&key.store, &key.id, false, now);
    }
    info(
        app,
        &format!("Undone: {} unread again.", count(keys.len(), "article")),
    );
    marks_changed_in_bulk(app, effects);
}

/// After the keys moved between list and article (Tab, q, Esc) with both panes on screen:
/// only the status bar changed, and that was all a screen reader spoke. Say where the keys
/// went, and to what. One pane at a time, the pane itself changed and says it.
fn say_focus(app: &mut App) {
    let single = app.panes().is_some_and(|p| p.single);
    if single || app.surface != Surface::Screen {
        return;
    }
    let said = match (app.focus, &app.article) {
        (Focus::Article, Some(article)) => {
            format!("Article: {}", app.library.headline(article.index).title)
        }
        _ => match app.selected_article() {
            Some(index) => format!("Headline list: {}", app.library.headline(index).title),
            None => "Headline list".to_owned(),
        },
    };
    info(app, &said);
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
            if position > 0 && article.lines.is_some() {
                info(app, "End of article.");
            }
        }
        return;
    }
    select(app, position);
}

/// Moves the selection in the list and remembers it.
fn select(app: &mut App, position: usize) {
    app.selected = position.min(app.visible().len().saturating_sub(1));
    app.keep_selection_visible();
    if let Some(index) = app.selected_article() {
        let key = app.key_of(index);
        app.marks.set_last_selected(key);
    }
}

fn scroll_article(app: &mut App, delta: isize) {
    let height = app.article_height();
    if let Some(article) = app.article.as_mut() {
        let max = article.max_scroll(height);
        article.scroll = article.scroll.saturating_add_signed(delta).min(max);
        // Reaching the end changes nothing more on screen: say it, as plain mode does.
        if delta > 0 && article.scroll == max && article.lines.is_some() {
            info(app, "End of article.");
        }
    }
}

/// After a filter or store change: what the list now holds, in words (`Breaking only: 7 of
/// 47 headlines`), so the count is heard, not only seen in the header.
fn say_list(app: &mut App) {
    if app.message.is_some() {
        // "No headlines match these filters." says it already.
        return;
    }
    let text = list_sentence(app);
    info(app, &text);
}

/// What the list holds, in words: `Breaking only: 7 of 47 headlines`.
fn list_sentence(app: &App) -> String {
    let filter = &app.filter;
    let mut scope = Vec::new();
    if let Some(tag) = &filter.tag {
        scope.push(format!("tag {}", tag.name));
    }
    if let Some(id) = filter.store {
        scope.push(app.library.store(id).name.clone());
    }
    // A count of a search's list without the search would say "All headlines: 3 of 47".
    if let Some(query) = &filter.query {
        scope.push(format!("search \"{query}\""));
    }
    for (on, name) in [
        (filter.breaking_only, "breaking only"),
        (filter.unread_only, "unread only"),
        (filter.starred_only, "starred only"),
    ] {
        if on {
            scope.push(name.to_owned());
        }
    }
    if let Some(same) = &filter.scope {
        scope.push(same.label());
    }
    let scope = if scope.is_empty() {
        "All headlines".to_owned()
    } else {
        capitalized(&scope.join(", "))
    };
    format!(
        "{scope}: {} of {} headlines",
        app.visible().len(),
        app.library.len()
    )
}

/// Enter: show the selected article, mark it read, and move the keys to it.
fn open(app: &mut App, effects: &mut Vec<Effect>) {
    if app.selected_article().is_none() {
        info(app, "Nothing to open: no headline matches the filters.");
        return;
    }
    open_selected(app, effects);
}

/// Opens the article numbered `number` (from 1) in the list: plain mode's numbers.
fn open_numbered(app: &mut App, number: usize, effects: &mut Vec<Effect>) {
    let len = app.visible().len();
    if len == 0 {
        info(app, "The list is empty.");
        return;
    }
    if number == 0 || number > len {
        // A number too long to read is still "a number nobody has".
        let shown = if number == usize::MAX {
            "that number".to_owned()
        } else {
            number.to_string()
        };
        info(
            app,
            &format!(
                "There is no article {shown}: the list has {}.",
                count(len, "article")
            ),
        );
        return;
    }
    select(app, number - 1);
    open_selected(app, effects);
}

/// J/K (and plain mode's n/p): the article after or before the open one in the list (the
/// selected one when none is open, or the open one is not in the list).
fn open_next(app: &mut App, forward: bool, effects: &mut Vec<Effect>) {
    let len = app.visible().len();
    if len == 0 {
        info(app, "The list is empty.");
        return;
    }
    let current = app
        .article
        .as_ref()
        .and_then(|a| app.visible.position(&app.library, a.index));
    let target = match (current, forward) {
        (None, _) => Some(app.selected.min(len - 1)),
        (Some(position), true) => Some(position + 1).filter(|&p| p < len),
        (Some(position), false) => position.checked_sub(1),
    };
    match target {
        Some(position) => {
            select(app, position);
            open_selected(app, effects);
            // Where it landed; the article's own lines say its title. (Plain mode prints the
            // article itself, and its end says the same.)
            if app.surface == Surface::Screen {
                info(app, &format!("Article {} of {len}.", position + 1));
            }
        }
        None if forward => info(
            app,
            &format!("No next article: that was the last of {len}."),
        ),
        None => info(app, "No previous article: that was the first."),
    }
}

fn open_selected(app: &mut App, effects: &mut Vec<Effect>) {
    let Some(index) = app.selected_article() else {
        return;
    };
    let key = app.key_of(index);
    let ticket = app.next_ticket();
    let (flavor, width) = app.article_layout();
    app.article = Some(OpenArticle::new(index, key.clone(), ticket));
    app.focus = Focus::Article;
    effects.push(Effect::Job(Job::ReadArticle {
        ticket,
        library: app.library.clone(),
        index,
        width,
        flavor,
    }));
    if !app.marks.is_read(&key.store, &key.id) {
        app.marks.set_read(&key.store, &key.id, true, app.now);
        app.marks_changed += 1;
    }
    app.marks.set_last_selected(key);
    effects.push(Effect::SaveSoon);
}

/// `o` and `y`: the open article's link when it has the keys, else the selected headline's,
/// which may first have to be read from its store.
/// With a `number` (`3o`, plain mode's `open 3`), that link of the article instead.
fn link(app: &mut App, use_: LinkUse, number: Option<u32>, effects: &mut Vec<Effect>) {
    let Some(index) = target(app) else {
        info(app, "Nothing to copy: no article is selected.");
        return;
    };
    if let Some(article) = app.article.as_ref().filter(|a| a.index == index)
        && let Some(text) = article.text.clone()
    {
        match number {
            None => use_link(app, text.url.clone(), use_, effects),
            Some(number) => use_numbered(app, &text, number, use_, effects),
        }
        return;
    }
    match app
        .library
        .detail_in_memory(index)
        .filter(|_| number.is_none())
    {
        Some(detail) => {
            let url = detail.url.clone();
            use_link(app, url, use_, effects);
        }
        None => {
            // Its links are in the store file: read the article, then act (see `finished`).
            let ticket = app.next_ticket();
            let (flavor, width) = app.article_layout();
            app.link_wanted = Some((ticket, use_, number));
            effects.push(Effect::Job(Job::ReadArticle {
                ticket,
                library: app.library.clone(),
                index,
                width,
                flavor,
            }));
        }
    }
}

fn use_link(app: &mut App, url: Option<String>, use_: LinkUse, effects: &mut Vec<Effect>) {
    let Some(url) = url else {
        let text = match use_ {
            LinkUse::Open => "This article has no link.",
            LinkUse::Copy => "This article has no link to copy.",
        };
        info(app, text);
        return;
    };
    match use_ {
        LinkUse::Open if !is_openable(&url) => error(
            app,
            "refused to open the link: only http, https and mailto links are opened".to_owned(),
        ),
        // It would open on the server, for nobody: the reader's own side copies it.
        LinkUse::Open if app.caps.remote => {
            let copy = key_label(app, &Action::CopyLink);
            info(
                app,
                &format!("Links do not open over SSH; {copy} copies this one: {url}"),
            );
        }
        LinkUse::Open => {
            info(app, &format!("Opening {url}"));
            effects.push(Effect::Job(Job::OpenLink(url)));
        }
        // The URL was sanitised when the store was loaded; the presenter base64-encodes it
        // into OSC 52.
        LinkUse::Copy if app.caps.clipboard => {
            info(
                app,
                &format!("Link copied to the clipboard (OSC 52): {url}"),
            );
            effects.push(Effect::CopyToClipboard(url));
        }
        LinkUse::Copy if app.surface != Surface::Screen => info(
            app,
            &format!(
                "Plain mode writes no escape sequences, so it cannot reach the clipboard. \
                 The link is {url}"
            ),
        ),
        LinkUse::Copy => info(
            app,
            &format!("This terminal has no clipboard Herald can reach; the link is {url}"),
        ),
    }
}

/// Link `number` of `text`, opened or copied; if it has none, which numbers it has.
fn use_numbered(
    app: &mut App,
    text: &crate::engine::article::ArticleText,
    number: u32,
    use_: LinkUse,
    effects: &mut Vec<Effect>,
) {
    match text.numbered_link(number) {
        Some(url) => use_link(app, Some(url.to_owned()), use_, effects),
        None => {
            let listed = text.listed_links();
            let has = match (listed.first(), listed.last()) {
                (Some(first), Some(last)) if first.number == last.number => {
                    format!("it has link {} only", first.number)
                }
                (Some(first), Some(last)) => {
                    format!("its links are {} to {}", first.number, last.number)
                }
                _ => "it has none".to_owned(),
            };
            info(app, &format!("This article has no link {number}: {has}."));
        }
    }
}

/// Rewrites a link key typed after digits into its numbered form (`3o`: open link 3), and
/// keeps the digits of a count growing; any other key drops the count.
fn with_count(app: &mut App, action: Action) -> Action {
    let count = app.count.take();
    // Only where a link key follows (elsewhere `o` sorts or nothing opens): a digit is nothing.
    if !matches!(app.mode, Mode::Browse | Mode::Links { .. }) {
        // (With no count kept, `say_count` says nothing.)
        return action;
    }
    match (count, action) {
        (_, Action::CountDigit(digit)) => {
            // Six digits are more links than any article has; more only repeat the answer.
            let grown = count
                .unwrap_or(0)
                .saturating_mul(10)
                .saturating_add(u32::from(digit));
            app.count = Some(grown.min(999_999));
            Action::CountDigit(digit)
        }
        (Some(number), Action::OpenLink) => Action::OpenLinkNumbered(number),
        (Some(number), Action::CopyLink) => Action::CopyLinkNumbered(number),
        (Some(number), Action::Open) if matches!(app.mode, Mode::Links { .. }) => {
            Action::OpenLinkNumbered(number)
        }
        (_, action) => action,
    }
}

/// A digit was typed: say what the count will do, with the keys in force.
fn say_count(app: &mut App) {
    let Some(number) = app.count else { return };
    let open = key_label(app, &Action::OpenLink);
    let copy = key_label(app, &Action::CopyLink);
    info(
        app,
        &format!("Link {number}: {open} opens it, {copy} copies it."),
    );
}

/// `U`: the open article's links, numbered. From the headline list, the selected article is
/// opened first (its links are said once it has been read).
fn open_link_list(app: &mut App, effects: &mut Vec<Effect>) {
    let Some(index) = target(app) else {
        info(app, "No article is selected.");
        return;
    };
    if app.article.as_ref().is_none_or(|a| a.index != index) {
        open_selected(app, effects);
    }
    app.focus = Focus::Article;
    if app.article.as_ref().is_some_and(|a| a.text.is_some()) && link_count(app) == 0 {
        info(app, "This article has no links.");
        return;
    }
    app.mode = Mode::Links { selected: 0 };
    if app.article.as_ref().is_some_and(|a| a.text.is_some()) {
        say_link_list(app);
    }
}

fn listed_links(app: &App) -> Vec<crate::engine::article::ListedLink> {
    app.article
        .as_ref()
        .and_then(|a| a.text.as_ref())
        .map(|text| text.listed_links())
        .unwrap_or_default()
}

fn link_count(app: &App) -> usize {
    listed_links(app).len()
}

/// `Links: 4. Link 1 of 4: the guest, https://a.example`.
fn say_link_list(app: &mut App) {
    let listed = listed_links(app);
    if listed.is_empty() {
        app.mode = Mode::Browse;
        info(app, "This article has no links.");
        return;
    }
    let Mode::Links { selected } = app.mode else {
        return;
    };
    let selected = selected.min(listed.len() - 1);
    app.mode = Mode::Links { selected };
    info(
        app,
        &format!("Links: {}. {}", listed.len(), link_of(&listed, selected)),
    );
}

/// `Link 2 of 4: the guest, https://a.example`: the selected link in words.
fn link_of(listed: &[crate::engine::article::ListedLink], selected: usize) -> String {
    match listed.get(selected) {
        Some(link) => {
            let sentence = link.sentence();
            let rest = sentence
                .split_once(": ")
                .map_or(sentence.as_str(), |(_, rest)| rest);
            format!("Link {} of {}: {rest}", link.number, listed.len())
        }
        None => String::new(),
    }
}

/// Keys in the link list: move, Enter or the open key opens the selected link, the copy key
/// copies it, a number first picks another; back (or the list key) returns to the article.
fn links(app: &mut App, action: Action, effects: &mut Vec<Effect>) {
    if global(app, &action, effects) {
        return;
    }
    let Mode::Links { selected } = app.mode else {
        return;
    };
    let listed = listed_links(app);
    let last = listed.len().saturating_sub(1);
    let page = app.article_height().saturating_sub(1).max(1);
    let selected = match row_moved(&action, selected, last, page) {
        Some(moved) => moved,
        None => match action {
            Action::Open | Action::OpenLink | Action::CopyLink => {
                let use_ = if action == Action::CopyLink {
                    LinkUse::Copy
                } else {
                    LinkUse::Open
                };
                if let Some(number) = listed.get(selected).map(|l| l.number) {
                    link(app, use_, Some(number), effects);
                }
                return;
            }
            Action::OpenLinkNumbered(number) | Action::CopyLinkNumbered(number) => {
                let use_ = if matches!(action, Action::CopyLinkNumbered(_)) {
                    LinkUse::Copy
                } else {
                    LinkUse::Open
                };
                // The row of the link picked by number is selected, so the screen shows it.
                if let Some(row) = listed.iter().position(|l| l.number == number) {
                    app.mode = Mode::Links { selected: row };
                }
                link(app, use_, Some(number), effects);
                return;
            }
            Action::Back | Action::BackOrQuit | Action::LinkList => {
                app.mode = Mode::Browse;
                return;
            }
            Action::Help => {
                app.mode = Mode::Help { scroll: 0 };
                return;
            }
            _ => return,
        },
    };
    app.mode = Mode::Links { selected };
    let text = link_of(&listed, selected);
    if !text.is_empty() {
        info(app, &text);
    }
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

/// The article keys act on: the open one when it has the keys (always, in plain mode, which
/// has no panes), else the selected headline.
fn target(app: &App) -> Option<ArticleIndex> {
    match (&app.article, app.focus, app.surface) {
        (Some(article), Focus::Article, _) | (Some(article), _, Surface::Lines { .. }) => {
            Some(article.index)
        }
        _ => app.selected_article(),
    }
}

/// m / s: the open article when it has the keys, else the selected headline.
fn toggle_mark(app: &mut App, effects: &mut Vec<Effect>, mark: Mark) {
    let target = target(app);
    let Some(index) = target else { return };
    let key = app.key_of(index);
    let now = app.now;
    // Only a character or a style changes on screen, which a screen reader does not speak:
    // say what happened.
    let said = match mark {
        Mark::Read => {
            let read = app.marks.is_read(&key.store, &key.id);
            app.marks.set_read(&key.store, &key.id, !read, now);
            if read { "Marked unread" } else { "Marked read" }
        }
        Mark::Star => {
            let starred = app.marks.is_starred(&key.store, &key.id);
            app.marks.set_starred(&key.store, &key.id, !starred, now);
            if starred { "Unstarred" } else { "Starred" }
        }
    };
    // Where the headline's row is on screen, its change is spoken with its title; the
    // title again in the message was heard twice.
    if row_on_screen(app, index) {
        info(app, &format!("{said}."));
    } else {
        let title = app.library.headline(index).title.to_owned();
        info(app, &format!("{said}: {title}"));
    }
    app.marks_changed += 1;
    effects.push(Effect::SaveSoon);
}

/// Whether `index` is the selected headline and the list is drawn: its row then shows (and a
/// screen reader speaks) what a key changed about it.
fn row_on_screen(app: &App, index: ArticleIndex) -> bool {
    let Some(panes) = app.panes().filter(|_| app.surface == Surface::Screen) else {
        return false;
    };
    let list_hidden = panes.single && app.focus == Focus::Article && app.article.is_some();
    !list_hidden && app.selected_article() == Some(index)
}

/// Whether a search for `query` has been answered for this library.
fn has_matches(app: &App, query: &str) -> bool {
    app.matches.as_ref().is_some_and(|(q, _)| q == query)
}

fn matches_for<'a>(app: &'a App, filter: &Filter) -> Option<&'a [bool]> {
    let query = filter.query.as_deref()?;
    app.matches
        .as_ref()
        .filter(|(q, _)| q == query)
        .map(|(_, m)| m.as_slice())
}

/// The scope's answer, when it is the one `filter` asks for.
fn scoped_for<'a>(app: &'a App, filter: &Filter) -> Option<&'a [bool]> {
    let scope = filter.scope.as_ref()?;
    app.scoped
        .as_ref()
        .filter(|(s, _)| s == scope)
        .map(|(_, m)| m.as_slice())
}

/// `e`, `w`, `t`: only what shares the open (or selected) article's section, author or tags,
/// within the filters in force; the same key again leaves it. The field may be on disk, so
/// the runtime reads it and finds who shares it (see `scoped`).
fn scope(app: &mut App, field: Field, effects: &mut Vec<Effect>) {
    if app.filter.scope.as_ref().is_some_and(|s| s.field == field) {
        close_scope(app);
        return;
    }
    let Some(index) = target(app) else {
        info(app, "No article is selected: the list is empty.");
        return;
    };
    ask_scope(app, index, field, effects);
    info(
        app,
        &format!("Finding articles of the same {}...", field.name()),
    );
}

fn ask_scope(app: &mut App, index: ArticleIndex, field: Field, effects: &mut Vec<Effect>) {
    let ticket = app.next_ticket();
    let key = app.key_of(index);
    app.scoping = Some((ticket, field, key));
    effects.push(Effect::Job(Job::Scope {
        ticket,
        library: app.library.clone(),
        index,
        field,
    }));
}

/// The runtime's answer to a scope: the list narrowed to it and its count said (`Same
/// author, Jane Doe: 4 of 47 headlines`), or, when the article has no such field, why not.
fn scoped(app: &mut App, ticket: u64, values: Vec<String>, matches: Arc<Vec<bool>>) {
    let Some((_, field, _)) = app.scoping.take_if(|(t, ..)| *t == ticket) else {
        return;
    };
    // "Finding..." is over either way.
    app.message = None;
    if values.is_empty() {
        let text = match field {
            Field::Tag => {
                "This article has no tags, so there are none to match. The list is unchanged."
                    .to_owned()
            }
            _ => format!(
                "This article has no {}, so there is none to match. The list is unchanged.",
                field.name()
            ),
        };
        info(app, &text);
        return;
    }
    let scope = Scope { field, values };
    app.scoped = Some((scope.clone(), matches));
    app.filter.scope = Some(scope);
    refilter(app);
    say_list(app);
}

/// Back from a scope to the list it narrowed, the same article selected. Returns false when
/// no scope is in force.
fn close_scope(app: &mut App) -> bool {
    let Some(scope) = app.filter.scope.take() else {
        return false;
    };
    refilter(app);
    if app.message.is_none() {
        let text = format!("Same {} left. {}", scope.field.name(), list_sentence(app));
        info(app, &text);
    }
    true
}

/// The list `filter` lets through, in the order the reader chose.
fn list_for(app: &App, filter: &Filter) -> Visible {
    let list = visible(
        &app.library,
        &app.marks,
        filter,
        matches_for(app, filter),
        scoped_for(app, filter),
    );
    sorted(&app.library, &app.marks, list, app.sort)
}

/// The headline list in `sort`'s order, the same article selected (scrolled so it shows),
/// and the order said in words. Marks read since the list was made count: "unread first"
/// puts what is unread now first.
fn sort_list(app: &mut App, sort: Sort) {
    app.sort = sort;
    let current = app.selected_article();
    app.visible = list_for(app, &app.filter);
    if let Some(position) = current.and_then(|index| app.visible.position(&app.library, index)) {
        app.selected = position;
    }
    app.keep_selection_visible();
    info(app, sort.sentence());
}

/// Recomputes the list after a filter change, keeping the same article selected if it is
/// still there.
fn refilter(app: &mut App) {
    let current = app.selected_article();
    app.visible = list_for(app, &app.filter);
    app.selected = current
        .and_then(|index| app.visible.position(&app.library, index))
        .unwrap_or(0);
    app.list_offset = 0;
    app.focus = Focus::List;
    app.keep_selection_visible();
    if app.visible().is_empty() {
        info(app, "No headlines match these filters.");
    }
}

/// Shows what `filter` lets through from the top of the list, unless that is nothing: then
/// the list stays as it was (so numbers a plain-mode reader knows still work) and says so.
fn show_only(app: &mut App, filter: Filter) {
    let found = list_for(app, &filter);
    if found.as_slice(&app.library).is_empty() {
        let what = match &filter.query {
            Some(words) => format!("No articles match {words}"),
            None if filter.breaking_only => "No breaking articles".to_owned(),
            None if filter.unread_only => "No unread articles".to_owned(),
            None if filter.starred_only => "No starred articles".to_owned(),
            None => "No articles".to_owned(),
        };
        info(app, &format!("{what}. The list is unchanged."));
        return;
    }
    app.filter = filter;
    app.visible = found;
    app.selected = 0;
    app.list_offset = 0;
}

/// The prompt's search as a list (`search_lists`): only the matches, the first selected, and
/// what was found said in words.
fn search_list(app: &mut App, filter: Filter) {
    let query = filter.query.clone().unwrap_or_default();
    show_only(app, filter);
    if app.message.is_some() {
        // Nothing matched: "No articles match ... The list is unchanged."
        return;
    }
    let count = app.visible().len();
    let title = app
        .selected_article()
        .map(|index| app.library.headline(index).title.to_owned())
        .unwrap_or_default();
    let text = match count {
        1 => format!("Search \"{query}\": 1 match: {title}"),
        n => format!("Search \"{query}\": {n} matches, 1 of {n}: {title}"),
    };
    info(app, &text);
}

/// Back from a search's list to the list it was made from, the same article selected.
/// Returns false when the list is not a search's.
fn close_search_list(app: &mut App) -> bool {
    if !app.options.search_lists || app.filter.query.is_none() {
        return false;
    }
    app.filter.query = None;
    refilter(app);
    if app.message.is_none() {
        let text = format!("Search closed. {}", list_sentence(app));
        info(app, &text);
    }
    true
}

/// `]` / `[`: all stores -> first -> ... -> last -> all stores. In a tag's list the same
/// within the tag: its whole list -> its first store -> ... -> its last -> the whole tag again,
/// so the keys never leave the tag the reader chose.
fn cycle_store(app: &mut App, forward: bool) {
    let stores: Vec<StoreId> = match &app.filter.tag {
        Some(tag) => tag.stores.clone(),
        None => (0..app.library.stores().len())
            .map(|i| StoreId(u32::try_from(i).unwrap_or(u32::MAX)))
            .collect(),
    };
    let count = stores.len();
    if count == 0 {
        return;
    }
    let current = app
        .filter
        .store
        .and_then(|id| stores.iter().position(|&s| s == id));
    let next = match (current, forward) {
        (None, true) => Some(0),
        (None, false) => Some(count - 1),
        (Some(i), true) => (i + 1 < count).then_some(i + 1),
        (Some(i), false) => i.checked_sub(1),
    };
    app.filter.store = next.map(|i| stores[i]);
    refilter(app);
}

/// `n` / `N` (and Enter in the prompt, which may match the selected headline itself). The
/// first step for a query asks the runtime to search; the answer makes the step.
fn search(app: &mut App, forward: bool, include_current: bool, effects: &mut Vec<Effect>) {
    let Some(query) = app.last_query.clone() else {
        let key = key_label(app, &Action::Search);
        info(app, &format!("No search yet: press {key} to search."));
        return;
    };
    if app.visible().is_empty() {
        info(app, "No headlines to search.");
        return;
    }
    if has_matches(app, &query) {
        step(app, &query, forward, include_current);
        return;
    }
    let purpose = Purpose::Jump {
        forward,
        include_current,
    };
    match app.searching.as_mut() {
        // Already asked: the answer makes the latest step asked for.
        Some(running) if running.query == query => running.purpose = purpose,
        _ => start_search(app, query, purpose, effects),
    }
}

fn start_search(app: &mut App, query: String, purpose: Purpose, effects: &mut Vec<Effect>) {
    let ticket = app.next_ticket();
    effects.push(Effect::Job(Job::Search {
        ticket,
        library: app.library.clone(),
        words: words_of(&query),
    }));
    info(app, &format!("{SEARCHING}\"{query}\"..."));
    app.searching = Some(RunningSearch {
        ticket,
        query,
        purpose,
    });
}

/// Moves to the next (or previous) match of `query`, whose matches are known.
fn step(app: &mut App, query: &str, forward: bool, include_current: bool) {
    let Some((_, matches)) = app.matches.clone() else {
        return;
    };
    let len = app.visible().len();
    if len == 0 {
        info(app, "No headlines to search.");
        return;
    }
    let start = app.selected.min(len - 1);
    let first_step = usize::from(!include_current);
    for step in first_step..first_step + len {
        let position = if forward {
            (start + step) % len
        } else {
            (start + len * 2 - step) % len
        };
        let index = app.visible()[position];
        if matches.get(index).copied().unwrap_or(false) {
            app.focus = Focus::List;
            move_to(app, position);
            let wrapped = if forward {
                position < start || (position == start && !include_current)
            } else {
                position > start
            };
            say_match(
                app,
                &matches,
                position,
                include_current,
                wrapped.then_some(forward),
            );
            return;
        }
    }
    info(app, &format!("No match for \"{query}\"."));
}

/// Where a search step landed, in words: `3 matches, 1 of 3: TITLE` for a new search,
/// `Match 2 of 3: TITLE` after, `Only match: TITLE`, and which end it wrapped from.
fn say_match(
    app: &mut App,
    matches: &[bool],
    position: usize,
    new_search: bool,
    wrapped_forward: Option<bool>,
) {
    let is_match = |index: ArticleIndex| matches.get(index).copied().unwrap_or(false);
    let visible = app.visible();
    let total = visible.iter().filter(|&&i| is_match(i)).count();
    let nth = visible[..position].iter().filter(|&&i| is_match(i)).count() + 1;
    let title = app.library.headline(visible[position]).title.to_owned();
    let text = match (total, new_search, wrapped_forward) {
        (1, true, _) => format!("1 match: {title}"),
        (1, false, _) => format!("Only match: {title}"),
        (_, true, _) => format!("{total} matches, {nth} of {total}: {title}"),
        (_, false, Some(true)) => format!("Match {nth} of {total}, from the top: {title}"),
        (_, false, Some(false)) => format!("Match {nth} of {total}, from the bottom: {title}"),
        (_, false, None) => format!("Match {nth} of {total}: {title}"),
    };
    info(app, &text);
}

fn next_breaking(app: &mut App) {
    // An announced arrival first: that is the one the reader was just told about; then the
    // one the banner shows.
    let announced = app
        .announced
        .take()
        .and_then(|key| app.library.find(&key.store, &key.id));
    let bannered = app.banner().map(|banner| banner.index);
    for index in [announced, bannered].into_iter().flatten() {
        if let Some(position) = app.visible.position(&app.library, index)
            && position != app.selected
        {
            app.focus = Focus::List;
            move_to(app, position);
            return;
        }
    }
    let len = app.visible().len();
    for step in 1..=len {
        let position = (app.selected + step) % len;
        if app.library.headline(app.visible()[position]).breaking {
            app.focus = Focus::List;
            move_to(app, position);
            return;
        }
    }
    info(app, "No breaking articles in this view.");
}

/// `x`: the banner goes until breaking news the reader has not dismissed comes.
fn dismiss_banner(app: &mut App) {
    if app.banner().is_none() {
        info(app, "No breaking-news banner to dismiss.");
        return;
    }
    let waiting: Vec<ArticleKey> = app
        .library
        .breaking_now()
        .iter()
        .filter(|&&index| !app.is_read(index))
        .map(|&index| app.key_of(index))
        .collect();
    let count = waiting.len();
    app.banner_dismissed.extend(waiting);
    let stories = if count == 1 {
        "1 breaking story stays".to_owned()
    } else {
        format!("{count} breaking stories stay")
    };
    info(
        app,
        &format!("Banner dismissed; {stories} marked in the list."),
    );
}

/// A store changed: read the stores again (after the running reload, if there is one).
fn reload(app: &mut App, effects: &mut Vec<Effect>) {
    if app.reloading {
        app.reload_again = true;
        return;
    }
    app.reloading = true;
    effects.push(Effect::Job(Job::Reload {
        library: app.library.clone(),
        words: app.filter.query.as_deref().map(words_of),
        scope: app
            .filter
            .scope
            .as_ref()
            .map(|s| (s.field, s.values.clone())),
    }));
}

/// Swaps a fresh load in whole, keeping the reader where it was: the selection on the same
/// article (by store and id), the open article open at the same line, the selected row on
/// the same screen row when it can, filters (stores matched by name). New breaking articles
/// are announced; the selection moves to one only when asked (`B`).
fn apply_reload(app: &mut App, reload: &Reload, effects: &mut Vec<Effect>) {
    // Where the reader is, by store and id: indices mean nothing in the next library.
    let selected = app.selected_article().map(|i| key_in(&app.library, i));
    // Plain mode's numbers are positions in this list: it is kept, by store and id.
    let heard: Option<Vec<ArticleKey>> = matches!(app.surface, Surface::Lines { .. }).then(|| {
        app.visible()
            .iter()
            .map(|&i| key_in(&app.library, i))
            .collect()
    });
    let screen_row = app.selected.saturating_sub(app.list_offset);
    let old = std::mem::replace(&mut app.library, reload.library.clone());
    let had_problems = old.has_problems();
    app.filter.store = app
        .filter
        .store
        .and_then(|id| app.library.store_id(&old.store(id).name));
    if let Some(tag) = app.filter.tag.as_mut() {
        // Its stores, found again in the new library (a fetch may have brought one).
        tag.stores = app.notes.stores_tagged(&app.library, &tag.name);
    }
    // Matches found in the old library point at its articles, not the new one's.
    // Taken only for the search and scope still in force: one started while the reload ran
    // was asked for the old library, and the reload's answer is for what was in force then.
    // Otherwise the stores are read again for what is in force now.
    app.matches = match (&app.filter.query, &reload.matches) {
        (Some(query), Some((words, matches))) if words_of(query) == *words => {
            Some((query.clone(), matches.clone()))
        }
        (Some(_), _) if app.searching.is_none() => {
            app.reload_again = true;
            None
        }
        _ => None,
    };
    if let Some(running) = app.searching.take() {
        // The running search answers for the old library: ask again of this one.
        start_search(app, running.query, running.purpose, effects);
    }
    app.scoped = match (&app.filter.scope, &reload.scoped) {
        (Some(scope), Some(((field, values), scoped)))
            if scope.field == *field && scope.values == *values =>
        {
            Some((scope.clone(), scoped.clone()))
        }
        (Some(_), _) if app.scoping.is_none() => {
            app.reload_again = true;
            None
        }
        _ => None,
    };
    if let Some((_, field, key)) = app.scoping.take() {
        // The same: the running scope answers for the old library.
        if let Some(index) = app.library.find(&key.store, &key.id) {
            ask_scope(app, index, field, effects);
        }
    }
    let fresh = list_for(app, &app.filter);
    app.reloads += 1;
    app.appended = 0..0;
    app.vanished.clear();
    app.visible = match heard {
        Some(heard) => pin(app, &heard, fresh),
        None => fresh,
    };
    let position = selected
        .as_ref()
        .and_then(|k| app.library.find(&k.store, &k.id))
        .and_then(|index| app.visible.position(&app.library, index));
    // A vanished selection leaves the cursor at the same place in the list.
    app.selected = position
        .unwrap_or(app.selected)
        .min(app.visible().len().saturating_sub(1));
    // At the top of the list, stay there so arrivals (newest first) show up; scrolled down, keep
    // the selected row on the same screen row.
    if app.list_offset > 0 {
        app.list_offset = app.selected.saturating_sub(screen_row);
    }
    if let Some(article) = app.article.take() {
        match app.library.find(&article.key.store, &article.key.id) {
            Some(index) => {
                // Read it again (its text may have changed); the old lines show until then.
                let ticket = app.next_ticket();
                let (flavor, width) = app.article_layout();
                effects.push(Effect::Job(Job::ReadArticle {
                    ticket,
                    library: app.library.clone(),
                    index,
                    width,
                    flavor,
                }));
                app.article = Some(OpenArticle {
                    index,
                    ticket,
                    ..article
                });
            }
            None => app.focus = Focus::List,
        }
    }
    app.link_wanted = None;
    effects.push(Effect::Job(Job::Release(old)));
    app.arrivals = reload
        .arrivals
        .iter()
        .map(|&i| key_in(&app.library, i))
        .collect();
    if let Some(first) = app.arrivals.first() {
        app.announced = Some(first.clone());
    }
    effects.extend(Effect::notify(&app.library, &reload.arrivals));
    let announcement = announcement(app, &reload.arrivals);
    app.reload_problems.clone_from(&reload.problems);
    // A store that was broken and now reads (a malformed file fixed): the error shown for it,
    // at the start or by an earlier reload, must not stand as if it still held.
    app.problems_cleared = had_problems && !app.library.has_problems();
    let problems = &reload.problems;
    let text = match (problems.is_empty(), announcement) {
        (true, None) if app.problems_cleared => {
            Some((MessageKind::Info, super::PROBLEMS_CLEARED.to_owned()))
        }
        (true, None) => None,
        (true, Some(text)) => Some((MessageKind::Info, text)),
        (false, Some(text)) => Some((
            MessageKind::Info,
            format!("{text}; {}", problems.join("; ")),
        )),
        (false, None) => Some((MessageKind::Error, problems.join("; "))),
    };
    if let Some((kind, text)) = text {
        app.message = Some(Message { kind, text });
    }
}

/// Plain mode's list after a reload: the list the reader heard (`heard`), in its order, less
/// what left the stores, then what `fresh` (the filter over the new library) holds that it did
/// not, newest first. A number a reader has heard keeps meaning the same article for the whole
/// session, and only the reader's own command (a filter, a search, a store) numbers from 1
/// again. What moved is kept in `appended` and `vanished` for plain mode to say.
fn pin(app: &mut App, heard: &[ArticleKey], fresh: super::Visible) -> super::Visible {
    let library = &app.library;
    let mut held = vec![false; library.len()];
    let mut list = Vec::with_capacity(heard.len());
    for (position, key) in heard.iter().enumerate() {
        match library.find(&key.store, &key.id) {
            Some(index) if !held[index] => {
                held[index] = true;
                list.push(index);
            }
            _ => app.vanished.push(position),
        }
    }
    let start = list.len();
    list.extend(
        fresh
            .as_slice(library)
            .iter()
            .copied()
            .filter(|&index| !held[index]),
    );
    app.appended = start..list.len();
    if list.as_slice() == fresh.as_slice(library) {
        // Nothing moved: keep the filter's own list (for all articles, not even a copy).
        fresh
    } else {
        super::Visible::Pinned(list)
    }
}

fn key_in(library: &Library, index: ArticleIndex) -> ArticleKey {
    let headline = library.headline(index);
    ArticleKey::new(&library.store(headline.store).name, headline.id)
}

/// The announcement for new breaking articles, or None when there are none.
fn announcement(app: &App, breaking: &[ArticleIndex]) -> Option<String> {
    let first = *breaking.first()?;
    let first = (first < app.library.len()).then(|| app.library.headline(first))?;
    Some(match breaking.len() {
        1 => format!("Breaking news: {}", first.title),
        n => format!("Breaking news: {} (and {} more)", first.title, n - 1),
    })
}
