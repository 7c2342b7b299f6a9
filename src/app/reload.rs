//! Taking in a fresh load of the stores while the reader runs, without moving the reader.
//!
//! The selection stays on the same article (by store and id), the open article stays open at
//! the same line, the selected row stays on the same screen row when it can, and filters hold.
//! New breaking articles are announced; the selection moves to one only when asked (`B`).
//!
//! A file that loaded before and now fails (a writer caught half-way, a broken edit) must not
//! empty its store: [`reconcile`] keeps the last good library and reports the error. `Library`
//! offers no way to splice one store of a load into another, so "last good" is the whole
//! previous library while any such file is broken; other stores' changes appear once it is
//! whole again. (Per-store keeping needs a `Library` method; see the note in the module test.)

use std::collections::HashSet;

use super::{App, Effect, Message, MessageKind, OpenArticle};
use crate::app::view::visible;
use crate::engine::state::ArticleKey;
use crate::engine::store::{Severity, StoreId};
use crate::engine::{ArticleIndex, Library};

/// What to show after a reload.
#[derive(Debug)]
pub enum Outcome {
    /// Show this library.
    Replace(Library),
    /// A file that was good is now broken: keep showing the old library.
    Keep,
}

/// Decides between the previous library and a new load of the same sources, and returns the
/// errors worth telling the user (new ones only, not those already known at the last load).
pub fn reconcile(old: &Library, new: Library) -> (Outcome, Vec<String>) {
    let old_errors: HashSet<String> = errors(old).map(|d| d.to_string()).collect();
    let old_failed: HashSet<&str> = errors(old).map(|d| d.path.as_str()).collect();
    let old_origins: HashSet<&str> = old
        .stores()
        .iter()
        .flat_map(|s| s.origins.iter().map(String::as_str))
        .collect();
    let fresh: Vec<String> = errors(&new)
        .map(|d| d.to_string())
        .filter(|d| !old_errors.contains(d))
        .collect();
    let broke = errors(&new).any(|d| {
        old_origins.contains(d.path.as_str())
            && !old_failed.contains(d.path.as_str())
            // A file that is gone was removed, not broken: its store goes with it.
            && std::path::Path::new(&d.path).exists()
    });
    if broke {
        let mut messages = fresh;
        if let Some(first) = messages.first_mut() {
            *first = format!("{first} (showing the last good contents)");
        }
        (Outcome::Keep, messages)
    } else {
        (Outcome::Replace(new), fresh)
    }
}

fn errors(library: &Library) -> impl Iterator<Item = &crate::engine::store::Diagnostic> {
    library
        .diagnostics()
        .iter()
        .filter(|d| d.severity == Severity::Error)
}

fn key(library: &Library, index: ArticleIndex) -> ArticleKey {
    let headline = library.headline(index);
    ArticleKey::new(&library.store(headline.store).name, headline.id)
}

/// Breaking articles of `new` that `old` did not have, newest first.
pub fn new_breaking(old: &Library, new: &Library) -> Vec<ArticleIndex> {
    new.newest_first()
        .into_iter()
        .filter(|&i| {
            let headline = new.headline(i);
            headline.breaking
                && old
                    .find(&new.store(headline.store).name, headline.id)
                    .is_none()
        })
        .collect()
}

/// The announcement for new breaking articles, or None when there are none.
pub fn announcement(library: &Library, breaking: &[ArticleIndex]) -> Option<String> {
    let first = *breaking.first()?;
    let first = (first < library.len()).then(|| library.headline(first))?;
    Some(match breaking.len() {
        1 => format!("Breaking news: {}", first.title),
        n => format!("Breaking news: {} (and {} more)", first.title, n - 1),
    })
}

/// Applies a fresh load of the stores to `app`.
pub fn stores_changed(app: &mut App, loaded: Library) -> Vec<Effect> {
    let (outcome, problems) = reconcile(&app.library, loaded);
    app.search_matches = None;
    // Titles may have changed with everything else the same: always draw (ratatui writes only
    // the cells that differ).
    let effects = vec![Effect::Redraw];
    let announced = match outcome {
        Outcome::Keep => None,
        Outcome::Replace(library) => replace(app, library),
    };
    let text = match (problems.is_empty(), announced) {
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
        app.remember_message();
    }
    app.keep_selection_visible();
    effects
}

/// Swaps in `library`, keeping the reader where it was. Returns the announcement, if any.
fn replace(app: &mut App, library: Library) -> Option<String> {
    let old = std::mem::replace(&mut app.library, library);
    let selected = app.selected_article().map(|i| key(&old, i));
    let screen_row = app.selected.saturating_sub(app.list_offset);
    let open = app
        .article
        .as_ref()
        .map(|a| (key(&old, a.index), a.scroll, a.width));
    // The store filter is by position; stores are matched by name.
    app.filter.store = app.filter.store.and_then(|id| {
        let name = &old.store(id).name;
        app.library
            .stores()
            .iter()
            .position(|s| &s.name == name)
            .and_then(|i| u32::try_from(i).ok())
            .map(StoreId)
    });
    app.order = app.library.newest_first();
    app.visible = visible(&app.library, &app.state, &app.order, &app.filter);
    let position = selected
        .as_ref()
        .and_then(|k| app.library.find(&k.store, &k.id))
        .and_then(|index| app.visible.iter().position(|&i| i == index));
    // A vanished selection leaves the cursor at the same place in the list.
    app.selected = position.unwrap_or(app.selected);
    app.selected = app.selected.min(app.visible.len().saturating_sub(1));
    // At the top of the list, stay there so arrivals (newest first) show up; scrolled down, keep
    // the selected row on the same screen row.
    if app.list_offset > 0 {
        app.list_offset = app.selected.saturating_sub(screen_row);
    }
    app.article = None;
    if let Some((open_key, scroll, width)) = open {
        if let Some(index) = app.library.find(&open_key.store, &open_key.id) {
            let mut article = OpenArticle::new(&app.library, index, width);
            let height = app.article_height();
            article.scroll = scroll.min(article.max_scroll(height));
            app.article = Some(article);
        } else {
            app.focus = super::Focus::List;
        }
    }
    let breaking = new_breaking(&old, &app.library);
    if let Some(&first) = breaking.first() {
        app.announced = Some(key(&app.library, first));
    }
    announcement(&app.library, &breaking)
}
