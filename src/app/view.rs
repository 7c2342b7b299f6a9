//! Which articles a reader shows: filters (store, breaking, unread, starred, search words)
//! over the library's newest-first order. Shared by both presenters, so they agree on what
//! "unread" or a search finds. Pure: a search's answer comes in as `matches`.

use crate::engine::state::Marks;
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

impl Filter {
    /// Whether the filter lets every article through.
    pub fn is_none(&self) -> bool {
        *self == Filter::default()
    }
}

/// The list as shown: every article (the library's own order, not copied), or some of them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Visible {
    All,
    /// In the library's order.
    Only(Vec<ArticleIndex>),
    /// In the order the reader first heard them (plain mode, across reloads): a list's numbers
    /// are its positions, and a number once heard keeps meaning the same article, so what
    /// arrives is added at the end, not at its place by date.
    Pinned(Vec<ArticleIndex>),
}

impl Visible {
    pub fn as_slice<'a>(&'a self, library: &'a Library) -> &'a [ArticleIndex] {
        match self {
            Visible::All => library.newest_first(),
            Visible::Only(articles) | Visible::Pinned(articles) => articles,
        }
    }

    /// Where `index` is in the list, if it is there: found by its rank, not by a search.
    pub fn position(&self, library: &Library, index: ArticleIndex) -> Option<usize> {
        let rank = library.rank(index);
        match self {
            Visible::All => (rank < library.len()).then_some(rank),
            Visible::Only(articles) => articles
                .binary_search_by_key(&rank, |&i| library.rank(i))
                .ok(),
            // In no order a search could use; plain mode asks a few times per command.
            Visible::Pinned(articles) => articles.iter().position(|&i| i == index),
        }
    }
}

/// The articles `filter` lets through, newest first. `matches` answers the query (a search
/// over the same library); without it a query matches nothing.
pub fn visible(
    library: &Library,
    marks: &Marks,
    filter: &Filter,
    matches: Option<&[bool]>,
) -> Visible {
    if filter.is_none() {
        // The usual start: everything shows, and a library of a million articles is not
        // looked at a million times to say so.
        return Visible::All;
    }
    Visible::Only(
        library
            .newest_first()
            .iter()
            .copied()
            .filter(|&index| {
                let headline = library.headline(index);
                let store = || &library.store(headline.store).name;
                filter.store.is_none_or(|s| s == headline.store)
                    && (!filter.breaking_only || headline.breaking)
                    && (!filter.unread_only || !marks.is_read(store(), headline.id))
                    && (!filter.starred_only || marks.is_starred(store(), headline.id))
                    && (filter.query.is_none()
                        || matches.is_some_and(|m| m.get(index).copied().unwrap_or(false)))
            })
            .collect(),
    )
}

/// One store as the store list shows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoreCount {
    pub id: StoreId,
    pub name: String,
    pub articles: usize,
    pub unread: usize,
    /// Unread breaking articles.
    pub breaking: usize,
    /// Its newest article's date, for "newest first".
    pub newest: Option<i64>,
    /// Problems reading its files (load errors and warnings).
    pub problems: usize,
}

/// Every store with its counts, in store order. One pass over the library.
pub fn store_counts(library: &Library, marks: &Marks) -> Vec<StoreCount> {
    let mut counts: Vec<StoreCount> = library
        .stores()
        .iter()
        .enumerate()
        .map(|(i, store)| StoreCount {
            id: StoreId(u32::try_from(i).unwrap_or(u32::MAX)),
            name: store.name.clone(),
            articles: 0,
            unread: 0,
            breaking: 0,
            newest: None,
            problems: library
                .diagnostics()
                .iter()
                .filter(|d| store.origins.contains(&d.path))
                .count(),
        })
        .collect();
    for &index in library.newest_first() {
        let headline = library.headline(index);
        let Some(count) = counts.get_mut(headline.store.index()) else {
            continue;
        };
        count.articles += 1;
        let unread = !marks.is_read(&count.name, headline.id);
        count.unread += usize::from(unread);
        count.breaking += usize::from(unread && headline.breaking);
        if count.newest.is_none() {
            count.newest = headline.published.map(|d| d.instant);
        }
    }
    counts
}

/// A store's counts in words: `VOA: 12 articles, 3 unread, 1 breaking.`
pub fn store_sentence(count: &StoreCount) -> String {
    let mut text = format!(
        "{}: {}, {} unread",
        count.name,
        crate::text::count(count.articles, "article"),
        count.unread
    );
    if count.breaking > 0 {
        text.push_str(&format!(", {} breaking", count.breaking));
    }
    if count.problems > 0 {
        text.push_str(&format!(
            ", {}",
            crate::text::count(count.problems, "problem")
        ));
    }
    text.push('.');
    text
}

/// The store list's order: newest article first (stores with none last), or by name.
pub fn sort_stores(counts: &mut [StoreCount], by_name: bool) {
    if by_name {
        counts.sort_by_cached_key(|c| c.name.to_lowercase());
    } else {
        counts.sort_by_key(|c| std::cmp::Reverse(c.newest.unwrap_or(i64::MIN)));
    }
}

/// The words of a query, lower-cased: a search ignores case and word order.
pub fn words_of(query: &str) -> Vec<String> {
    query.split_whitespace().map(str::to_lowercase).collect()
}

#[cfg(test)]
// The tests load a library and search it to have something to filter; the module itself
// cannot (see the lint at the top of `app`).
#[allow(clippy::disallowed_methods)]
mod tests {
    use super::*;
    use crate::engine::Stores;
    use crate::engine::state::Timestamp;

    fn sample() -> Library {
        Stores::sample().open()
    }

    fn titles(library: &Library, indices: &[ArticleIndex]) -> Vec<String> {
        indices
            .iter()
            .map(|&i| library.headline(i).title.to_owned())
            .collect()
    }

    #[test]
    fn a_query_keeps_what_the_search_matched() {
        let library = sample();
        let marks = Marks::in_memory();
        let words = words_of("ivanov PYONGYANG");
        let matched = crate::engine::search::matches(&library, &words);
        let filter = Filter {
            query: Some("ivanov PYONGYANG".into()),
            ..Filter::default()
        };
        let found = visible(&library, &marks, &filter, Some(&matched));
        assert_eq!(
            titles(&library, found.as_slice(&library)),
            ["Russian Foreign Minister Arrives in North Korea"]
        );
        let unanswered = visible(&library, &marks, &filter, None);
        assert!(unanswered.as_slice(&library).is_empty());
    }

    #[test]
    fn filters_combine_and_positions_are_found_by_rank() {
        let library = sample();
        let mut marks = Marks::in_memory();
        let only = |filter: Filter, marks: &Marks| visible(&library, marks, &filter, None);
        let breaking = only(
            Filter {
                breaking_only: true,
                ..Filter::default()
            },
            &marks,
        );
        let breaking = breaking.as_slice(&library).to_vec();
        assert!(!breaking.is_empty());
        assert!(breaking.iter().all(|&i| library.headline(i).breaking));
        let first = library.headline(breaking[0]);
        let store = library.store(first.store).name.clone();
        marks.set_read(&store, first.id, true, Timestamp(1));
        let unread_breaking = only(
            Filter {
                breaking_only: true,
                unread_only: true,
                ..Filter::default()
            },
            &marks,
        );
        assert_eq!(unread_breaking.as_slice(&library).len(), breaking.len() - 1);
        marks.set_starred(&store, first.id, true, Timestamp(1));
        let starred = only(
            Filter {
                starred_only: true,
                ..Filter::default()
            },
            &marks,
        );
        assert_eq!(starred.as_slice(&library), [breaking[0]]);
        let in_store = only(
            Filter {
                store: Some(first.store),
                ..Filter::default()
            },
            &marks,
        );
        let in_store_list = in_store.as_slice(&library);
        assert!(
            in_store_list
                .iter()
                .all(|&i| library.headline(i).store == first.store)
        );
        assert!(in_store_list.len() < library.len());
        for (position, &index) in in_store_list.iter().enumerate() {
            assert_eq!(in_store.position(&library, index), Some(position));
        }
        let elsewhere = library
            .newest_first()
            .iter()
            .find(|&&i| library.headline(i).store != first.store)
            .copied()
            .expect("another store");
        assert_eq!(in_store.position(&library, elsewhere), None);
        let all = Visible::All;
        assert_eq!(all.position(&library, library.newest_first()[5]), Some(5));
    }
}
