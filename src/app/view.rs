//! Which articles a reader shows: filters (store, breaking, unread, starred, search words)
//! over the library's newest-first order. Shared by both presenters, so they agree on what
//! "unread" or a search finds. Pure: a search's answer comes in as `matches`.

use super::notes::FeedNotes;
use crate::engine::scope::Field;
use crate::engine::state::Marks;
use crate::engine::store::StoreId;
use crate::engine::{ArticleIndex, Library};

/// Only the articles that share a field with one article: its section, its author, one of its
/// tags. The values are the article's own, as it wrote them (compared ignoring case).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Scope {
    pub field: Field,
    pub values: Vec<String>,
}

impl Scope {
    /// How the header and the messages name it: `same author, Jane Doe`, `same tag, Asia or
    /// Politics`.
    pub fn label(&self) -> String {
        format!("same {}, {}", self.field.name(), self.values.join(" or "))
    }
}

/// Only the stores of one tag of feeds.toml: the tag, and the stores it stands for in this
/// library (found again when the stores reload or the notes change).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TagFilter {
    pub name: String,
    /// In store order.
    pub stores: Vec<StoreId>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Filter {
    /// Only this store; `None` shows all stores (or all of the tag's).
    pub store: Option<StoreId>,
    /// Only the stores of this tag; with `store` too, only that one of them.
    pub tag: Option<TagFilter>,
    pub breaking_only: bool,
    pub unread_only: bool,
    pub starred_only: bool,
    /// Only articles whose title or body contain every word of this query.
    pub query: Option<String>,
    /// Only articles that share a section, an author or a tag with one article.
    pub scope: Option<Scope>,
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
    /// In a [`Sort`]'s order other than the library's, with each article's position beside
    /// it (`at[index]`, `u32::MAX` when it is not in the list): a sorted list is in no order
    /// a search by rank could use, and the selection is looked up after every rebuild.
    Sorted {
        list: Vec<ArticleIndex>,
        at: Vec<u32>,
    },
}

impl Visible {
    pub fn as_slice<'a>(&'a self, library: &'a Library) -> &'a [ArticleIndex] {
        match self {
            Visible::All => library.newest_first(),
            Visible::Only(articles) | Visible::Pinned(articles) => articles,
            Visible::Sorted { list, .. } => list,
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
            Visible::Sorted { at, .. } => at
                .get(index)
                .filter(|&&p| p != u32::MAX)
                .map(|&p| p as usize),
        }
    }
}

/// The articles `filter` lets through, newest first. `matches` answers the query (a search
/// over the same library), `scoped` the scope (read from the stores the same way); without its
/// answer a query or a scope matches nothing.
pub fn visible(
    library: &Library,
    marks: &Marks,
    filter: &Filter,
    matches: Option<&[bool]>,
    scoped: Option<&[bool]>,
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
                    && filter
                        .tag
                        .as_ref()
                        .is_none_or(|t| t.stores.contains(&headline.store))
                    && (!filter.breaking_only || headline.breaking)
                    && (!filter.unread_only || !marks.is_read(store(), headline.id))
                    && (!filter.starred_only || marks.is_starred(store(), headline.id))
                    && (filter.query.is_none()
                        || matches.is_some_and(|m| m.get(index).copied().unwrap_or(false)))
                    && (filter.scope.is_none()
                        || scoped.is_some_and(|m| m.get(index).copied().unwrap_or(false)))
            })
            .collect(),
    )
}

/// The headline list's order. The library's own (newest first) is the default; the others
/// keep it among equals, so "unread first" is newest first within the unread.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Sort {
    #[default]
    Date,
    /// Unread before read, then newest first.
    Unread,
    /// By store name (A to Z, ignoring case), then newest first.
    Store,
    /// By title, A to Z, ignoring case.
    Title,
}

impl Sort {
    /// Every order, in the order the sort key cycles through them.
    pub const ALL: [Sort; 4] = [Sort::Date, Sort::Unread, Sort::Store, Sort::Title];

    /// The next order the sort key goes to.
    pub fn next(self) -> Sort {
        match self {
            Sort::Date => Sort::Unread,
            Sort::Unread => Sort::Store,
            Sort::Store => Sort::Title,
            Sort::Title => Sort::Date,
        }
    }

    /// How the config file and plain mode's `sort` command name it.
    pub fn name(self) -> &'static str {
        match self {
            Sort::Date => "date",
            Sort::Unread => "unread",
            Sort::Store => "store",
            Sort::Title => "title",
        }
    }

    /// The order called `name` (any case).
    pub fn named(name: &str) -> Option<Sort> {
        Sort::ALL
            .into_iter()
            .find(|s| s.name().eq_ignore_ascii_case(name.trim()))
    }

    /// The header's words for it: `sorted by title`.
    pub fn label(self) -> &'static str {
        match self {
            Sort::Date => "sorted by date",
            Sort::Unread => "sorted unread first",
            Sort::Store => "sorted by store",
            Sort::Title => "sorted by title",
        }
    }

    /// What the sort key says: `Sorted by title, A to Z.`
    pub fn sentence(self) -> &'static str {
        match self {
            Sort::Date => "Sorted by date, newest first.",
            Sort::Unread => "Sorted unread first, then newest first.",
            Sort::Store => "Sorted by store, then newest first.",
            Sort::Title => "Sorted by title, A to Z.",
        }
    }
}

/// `list` (in the library's order) in `sort`'s order. Stable sorts over indices: for the
/// default nothing is touched; titles are lower-cased once each (`sort_by_cached_key`), so
/// 100 000 headlines sort in milliseconds.
pub fn sorted(library: &Library, marks: &Marks, list: Visible, sort: Sort) -> Visible {
    if sort == Sort::Date {
        return list;
    }
    let mut order = list.as_slice(library).to_vec();
    match sort {
        Sort::Date => {}
        Sort::Unread => {
            // A key of one bit: read articles after unread ones, each group as it was.
            order.sort_by_cached_key(|&index| {
                let headline = library.headline(index);
                marks.is_read(&library.store(headline.store).name, headline.id)
            });
        }
        Sort::Store => {
            // Stores ranked by name once; then a small integer key per article.
            let mut names: Vec<(String, usize)> = library
                .stores()
                .iter()
                .enumerate()
                .map(|(i, s)| (s.name.to_lowercase(), i))
                .collect();
            names.sort();
            let mut rank = vec![0; names.len()];
            for (position, (_, store)) in names.iter().enumerate() {
                rank[*store] = position;
            }
            order.sort_by_key(|&index| {
                rank.get(library.headline(index).store.index())
                    .copied()
                    .unwrap_or(usize::MAX)
            });
        }
        Sort::Title => {
            order.sort_by_cached_key(|&index| library.headline(index).title.to_lowercase());
        }
    }
    let mut at = vec![u32::MAX; library.len()];
    for (position, &index) in order.iter().enumerate() {
        if let Some(slot) = at.get_mut(index) {
            *slot = u32::try_from(position).unwrap_or(u32::MAX);
        }
    }
    Visible::Sorted { list: order, at }
}

/// What a row of the store list stands for.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Listed {
    Store(StoreId),
    /// A subscribed feed whose store the library does not have: nothing fetched from it yet
    /// (or every fetch failed). By the feed's name.
    Unfetched(String),
    /// Every store fed by a feed with this tag (feeds.toml's `tags`).
    Tag(String),
}

/// One row of the store list: a store, a feed not fetched yet, or a tag.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoreCount {
    pub listed: Listed,
    /// The store's name, the feed's, or the tag.
    pub name: String,
    pub articles: usize,
    pub unread: usize,
    /// Unread breaking articles.
    pub breaking: usize,
    /// Its newest article's date, for "newest first".
    pub newest: Option<i64>,
    /// Problems reading its files (load errors and warnings).
    pub problems: usize,
    /// The tags of the feeds fetched into it.
    pub tags: Vec<String>,
    /// What the last fetch of its feeds said, when it went wrong (`last fetch failed: 404 Not
    /// Found`), or `not fetched yet`.
    pub fetch: Option<String>,
    /// Whether the last fetch of one of its feeds failed.
    pub failed: bool,
    /// A tag row: how many stores it gathers, and how many of them failed their last fetch.
    pub stores: usize,
    pub failing: usize,
}

impl StoreCount {
    /// The store a store row stands for.
    pub fn id(&self) -> Option<StoreId> {
        match self.listed {
            Listed::Store(id) => Some(id),
            _ => None,
        }
    }

    fn empty(listed: Listed, name: String) -> Self {
        Self {
            listed,
            name,
            articles: 0,
            unread: 0,
            breaking: 0,
            newest: None,
            problems: 0,
            tags: Vec::new(),
            fetch: None,
            failed: false,
            stores: 0,
            failing: 0,
        }
    }
}

/// Every store with its counts, in store order. One pass over the library.
pub fn store_counts(library: &Library, marks: &Marks) -> Vec<StoreCount> {
    let mut counts: Vec<StoreCount> = library
        .stores()
        .iter()
        .enumerate()
        .map(|(i, store)| StoreCount {
            problems: library
                .diagnostics()
                .iter()
                .filter(|d| store.origins.contains(&d.path))
                .count(),
            ..StoreCount::empty(
                Listed::Store(StoreId(u32::try_from(i).unwrap_or(u32::MAX))),
                store.name.clone(),
            )
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

/// The store list's rows, in store order: every store with its counts and what its feeds'
/// last fetch said, then each subscribed feed not fetched yet, then each tag (A to Z) with
/// the sums of its stores.
pub fn store_rows(library: &Library, marks: &Marks, notes: &FeedNotes) -> Vec<StoreCount> {
    let mut rows = store_counts(library, marks);
    let matched = notes.matched(library);
    let note = |n: usize| &notes.feeds[n];
    for (row, feeds) in rows.iter_mut().zip(&matched.by_store) {
        let troubles: Vec<&str> = feeds
            .iter()
            .filter_map(|&n| note(n).trouble.as_deref())
            .collect();
        row.failed = !troubles.is_empty();
        row.fetch = (!troubles.is_empty()).then(|| troubles.join("; "));
        row.tags = feeds.iter().flat_map(|&n| note(n).tags.clone()).collect();
        row.tags.dedup();
    }
    for &n in &matched.unmatched {
        let feed = note(n);
        rows.push(StoreCount {
            tags: feed.tags.clone(),
            failed: feed.trouble.is_some(),
            fetch: feed
                .trouble
                .clone()
                .or_else(|| (!feed.attempted).then(|| "not fetched yet".to_owned())),
            ..StoreCount::empty(Listed::Unfetched(feed.name.clone()), feed.name.clone())
        });
    }
    let mut tags = Vec::new();
    for tag in notes.tags() {
        let mut sum = StoreCount::empty(Listed::Tag(tag.clone()), tag.clone());
        for row in rows.iter().filter(|r| r.tags.contains(&tag)) {
            sum.stores += 1;
            sum.failing += usize::from(row.failed);
            sum.articles += row.articles;
            sum.unread += row.unread;
            sum.breaking += row.breaking;
            sum.problems += row.problems;
            sum.newest = sum.newest.max(row.newest);
        }
        tags.push(sum);
    }
    rows.extend(tags);
    rows
}

/// A row's counts in words, after its name: `12 articles, 3 unread, 1 breaking, last fetch
/// failed: 404 Not Found`. The screen's rows and the sentences say the same words; `loud`
/// (the screen) writes `BREAKING` in capitals, as the headline list marks it.
pub fn store_words(count: &StoreCount, loud: bool) -> String {
    let mut parts = Vec::new();
    if let Listed::Tag(_) = count.listed {
        parts.push(crate::text::count(count.stores, "store"));
    }
    if let Listed::Unfetched(_) = count.listed {
        parts.push("no articles yet".to_owned());
    } else {
        parts.push(crate::text::count(count.articles, "article"));
        parts.push(format!("{} unread", count.unread));
    }
    if count.breaking > 0 {
        let word = if loud { "BREAKING" } else { "breaking" };
        parts.push(format!("{} {word}", count.breaking));
    }
    if count.problems > 0 {
        parts.push(crate::text::count(count.problems, "problem"));
    }
    if let Some(fetch) = &count.fetch {
        parts.push(fetch.clone());
    }
    if count.failing > 0 {
        parts.push(format!(
            "last fetch failed for {}",
            crate::text::count(count.failing, "store")
        ));
    }
    parts.join(", ")
}

/// How a row names what it stands for: the store's or feed's name, `Tag world`.
pub fn store_label(count: &StoreCount) -> String {
    match count.listed {
        Listed::Tag(_) => format!("Tag {}", count.name),
        _ => count.name.clone(),
    }
}

/// A row in words: `VOA: 12 articles, 3 unread, 1 breaking.`
pub fn store_sentence(count: &StoreCount) -> String {
    let words = store_words(count, false);
    // A reason from a server may end in a full stop of its own.
    let words = words.strip_suffix('.').unwrap_or(&words);
    format!("{}: {words}.", store_label(count))
}

/// The store list's order: newest article first (stores with none last), or by name; the tags
/// after the stores, by name.
pub fn sort_stores(counts: &mut [StoreCount], by_name: bool) {
    let is_tag = |c: &StoreCount| matches!(c.listed, Listed::Tag(_));
    if by_name {
        counts.sort_by_cached_key(|c| (is_tag(c), c.name.to_lowercase()));
    } else {
        counts.sort_by_key(|c| {
            (
                is_tag(c),
                std::cmp::Reverse(if is_tag(c) {
                    i64::MIN
                } else {
                    c.newest.unwrap_or(i64::MIN)
                }),
            )
        });
        // Tags keep their A to Z order from `store_rows` (the sort is stable).
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
        let found = visible(&library, &marks, &filter, Some(&matched), None);
        assert_eq!(
            titles(&library, found.as_slice(&library)),
            ["Russian Foreign Minister Arrives in North Korea"]
        );
        let unanswered = visible(&library, &marks, &filter, None, None);
        assert!(unanswered.as_slice(&library).is_empty());
    }

    #[test]
    fn filters_combine_and_positions_are_found_by_rank() {
        let library = sample();
        let mut marks = Marks::in_memory();
        let only = |filter: Filter, marks: &Marks| visible(&library, marks, &filter, None, None);
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

    #[test]
    fn each_sort_orders_the_list_and_keeps_newest_first_among_equals() {
        let library = sample();
        let mut marks = Marks::in_memory();
        // The whole list, unfiltered: `Visible::All` whatever the marks.
        let all = || Visible::All;
        assert_eq!(sorted(&library, &marks, all(), Sort::Date), Visible::All);

        let by_title = sorted(&library, &marks, all(), Sort::Title);
        let titles: Vec<String> = titles(&library, by_title.as_slice(&library))
            .iter()
            .map(|t| t.to_lowercase())
            .collect();
        assert!(titles.is_sorted(), "A to Z, ignoring case: {titles:?}");
        assert_eq!(titles.len(), library.len());

        let by_store = sorted(&library, &marks, all(), Sort::Store);
        let list = by_store.as_slice(&library);
        let names: Vec<String> = list
            .iter()
            .map(|&i| library.store(library.headline(i).store).name.to_lowercase())
            .collect();
        assert!(names.is_sorted(), "{names:?}");
        for pair in list.windows(2) {
            let [a, b] = [pair[0], pair[1]];
            if library.headline(a).store == library.headline(b).store {
                assert!(
                    library.rank(a) < library.rank(b),
                    "newest first within a store"
                );
            }
        }

        // Two articles read, from the newest end: they go last, in date order.
        let newest = library.newest_first().to_vec();
        for &index in &newest[..2] {
            let headline = library.headline(index);
            let store = library.store(headline.store).name.clone();
            marks.set_read(&store, headline.id, true, Timestamp(1));
        }
        let unread_first = sorted(&library, &marks, all(), Sort::Unread);
        let list = unread_first.as_slice(&library);
        assert_eq!(&list[list.len() - 2..], &newest[..2]);
        assert_eq!(&list[..list.len() - 2], &newest[2..]);

        // Positions are found for a sorted list too, and a filtered one sorts as well.
        for (position, &index) in list.iter().enumerate() {
            assert_eq!(unread_first.position(&library, index), Some(position));
        }
        let breaking = visible(
            &library,
            &marks,
            &Filter {
                breaking_only: true,
                ..Filter::default()
            },
            None,
            None,
        );
        let count = breaking.as_slice(&library).len();
        let breaking = sorted(&library, &marks, breaking, Sort::Title);
        assert_eq!(breaking.as_slice(&library).len(), count);
        assert_eq!(breaking.position(&library, newest[newest.len() - 1]), None);
    }

    #[test]
    fn the_sort_key_cycles_through_every_order_and_names_read_back() {
        let mut sort = Sort::Date;
        let mut seen = Vec::new();
        for _ in 0..4 {
            seen.push(sort);
            sort = sort.next();
        }
        assert_eq!(seen, Sort::ALL);
        assert_eq!(sort, Sort::Date);
        for sort in Sort::ALL {
            assert_eq!(Sort::named(sort.name()), Some(sort));
        }
        assert_eq!(Sort::named(" Title "), Some(Sort::Title));
        assert_eq!(Sort::named("colour"), None);
    }

    #[test]
    fn a_scope_keeps_what_its_answer_matched_and_composes_with_filters() {
        let library = sample();
        let marks = Marks::in_memory();
        let scope = Scope {
            field: Field::Author,
            values: vec!["Jane Doe".into()],
        };
        assert_eq!(scope.label(), "same author, Jane Doe");
        let breaking = library.newest_first()[..]
            .iter()
            .copied()
            .find(|&i| library.headline(i).breaking)
            .expect("a breaking article");
        let plain = library
            .newest_first()
            .iter()
            .copied()
            .find(|&i| !library.headline(i).breaking)
            .expect("another article");
        let mut answer = vec![false; library.len()];
        answer[breaking] = true;
        answer[plain] = true;
        let filter = Filter {
            scope: Some(scope),
            ..Filter::default()
        };
        let mut both = vec![breaking, plain];
        both.sort_by_key(|&i| library.rank(i));
        let found = visible(&library, &marks, &filter, None, Some(&answer));
        assert_eq!(found.as_slice(&library), both);
        let breaking_only = Filter {
            breaking_only: true,
            ..filter.clone()
        };
        let found = visible(&library, &marks, &breaking_only, None, Some(&answer));
        assert_eq!(found.as_slice(&library), [breaking]);
        // Unanswered, a scope matches nothing (never the whole list by mistake).
        assert!(
            visible(&library, &marks, &filter, None, None)
                .as_slice(&library)
                .is_empty()
        );
    }
}
