//! Which articles a reader shows: filters (store, breaking, unread, starred) and search. Shared by
//! the full-screen reader and plain mode, so both agree on what "unread" or a search finds.

use crate::engine::state::ReaderState;
use crate::engine::store::StoreId;
use crate::engine::{ArticleIndex, Library};

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Filter {
    /// Only this store; `None` shows all stores.
    pub store: Option<StoreId>,
    pub breaking_only: bool,
    pub unread_only: bool,
    pub starred_only: bool,
    /// Only articles whose title or body contain every word of this query.
    pub query: Option<String>,
}

/// The articles of `order` that pass `filter`, in the same order.
pub fn visible(
    library: &Library,
    state: &ReaderState,
    order: &[ArticleIndex],
    filter: &Filter,
) -> Vec<ArticleIndex> {
    // A search is answered for the whole library at once: bodies on disk are read file by file.
    let found = filter
        .query
        .as_deref()
        .map(|query| crate::engine::search::matches(library, &words_of(query)));
    if *filter == Filter::default() {
        // The usual start: everything shows, and a library of a million articles is not
        // looked at a million times to say so.
        return order.to_vec();
    }
    order
        .iter()
        .copied()
        .filter(|&index| {
            let headline = library.headline(index);
            let store = || &library.store(headline.store).name;
            filter.store.is_none_or(|s| s == headline.store)
                && (!filter.breaking_only || headline.breaking)
                && (!filter.unread_only || !state.is_read(store(), headline.id))
                && (!filter.starred_only || state.is_starred(store(), headline.id))
                && found.as_ref().is_none_or(|found| found[index])
        })
        .collect()
}

/// For every article of the library, whether its title or body contains every word of
/// `query`, ignoring case: one pass over all bodies, for a search that then steps through them.
pub fn query_matches(library: &Library, query: &str) -> Vec<bool> {
    crate::engine::search::matches(library, &words_of(query))
}

/// The words of a query, lower-cased: a search ignores case and word order.
fn words_of(query: &str) -> Vec<String> {
    query.split_whitespace().map(str::to_lowercase).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::store::StoreSource;

    fn sample() -> Library {
        Library::load(&[StoreSource::Embedded])
    }

    fn titles(library: &Library, indices: &[ArticleIndex]) -> Vec<String> {
        indices
            .iter()
            .map(|&i| library.headline(i).title.to_owned())
            .collect()
    }

    #[test]
    fn search_matches_every_word_in_title_or_body_ignoring_case() {
        let library = sample();
        let order = library.newest_first();
        let state = ReaderState::in_memory();
        let found = visible(
            &library,
            &state,
            &order,
            &Filter {
                query: Some("ivanov PYONGYANG".into()),
                ..Filter::default()
            },
        );
        assert_eq!(
            titles(&library, &found),
            ["Russian Foreign Minister Arrives in North Korea"]
        );
        let none = visible(
            &library,
            &state,
            &order,
            &Filter {
                query: Some("ivanov zebra".into()),
                ..Filter::default()
            },
        );
        assert!(none.is_empty());
    }

    #[test]
    fn filters_combine() {
        let library = sample();
        let order = library.newest_first();
        let mut state = ReaderState::in_memory();
        let breaking = visible(
            &library,
            &state,
            &order,
            &Filter {
                breaking_only: true,
                ..Filter::default()
            },
        );
        assert!(!breaking.is_empty());
        assert!(breaking.iter().all(|&i| library.headline(i).breaking));
        let first = library.headline(breaking[0]);
        let store = library.store(first.store).name.clone();
        state.set_read(&store, first.id, true);
        let unread_breaking = visible(
            &library,
            &state,
            &order,
            &Filter {
                breaking_only: true,
                unread_only: true,
                ..Filter::default()
            },
        );
        assert_eq!(unread_breaking.len(), breaking.len() - 1);
        state.set_starred(&store, first.id, true);
        let starred = visible(
            &library,
            &state,
            &order,
            &Filter {
                starred_only: true,
                ..Filter::default()
            },
        );
        assert_eq!(starred, [breaking[0]]);
        let in_store = visible(
            &library,
            &state,
            &order,
            &Filter {
                store: Some(first.store),
                ..Filter::default()
            },
        );
        assert!(
            in_store
                .iter()
                .all(|&i| library.headline(i).store == first.store)
        );
        assert!(in_store.len() < order.len());
    }
}
