//! TEMPORARY STUB so the reader branch compiles before `view.rs` lands on main. The real module
//! from main replaces this file at merge; only the API the lead announced is here.

use crate::state::ReaderState;
use crate::store::{ArticleIndex, Library, StoreId};

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Filter {
    pub store: Option<StoreId>,
    pub breaking_only: bool,
    pub unread_only: bool,
    pub starred_only: bool,
    pub query: Option<String>,
}

pub fn visible(
    library: &Library,
    state: &ReaderState,
    order: &[ArticleIndex],
    filter: &Filter,
) -> Vec<ArticleIndex> {
    order
        .iter()
        .copied()
        .filter(|&i| {
            let h = &library.headlines()[i];
            let name = &library.store(h.store).name;
            filter.store.is_none_or(|s| s == h.store)
                && (!filter.breaking_only || h.breaking)
                && (!filter.unread_only || !state.is_read(name, &h.id))
                && (!filter.starred_only || state.is_starred(name, &h.id))
                && filter
                    .query
                    .as_deref()
                    .is_none_or(|q| matches_query(library, i, q))
        })
        .collect()
}

pub fn matches_query(library: &Library, index: ArticleIndex, query: &str) -> bool {
    let article = library.article(index);
    let haystack = format!("{}\n{}", article.headline.title, article.detail.body).to_lowercase();
    query
        .split_whitespace()
        .all(|w| haystack.contains(&w.to_lowercase()))
}
