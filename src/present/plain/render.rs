//! The sentences plain mode prints. Pure functions from data to lines: no I/O, no terminal
//! codes. Every line is a complete sentence, so a screen reader pauses in the right places and
//! a braille display shows something meaningful in any 40-cell window.

use crate::app::Filter;
use crate::engine::state::Marks;
use crate::engine::{ArticleIndex, Library};

/// Printed once at start and as the last line of help: what to type, never more than one line.
pub const HINT: &str = "Type a number to read, h for help, q to quit.";

pub use crate::text::count;

/// `5`, `5 and 9`, `5, 9 and 12`.
pub fn and_list(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

/// Adds a full stop unless the text already ends a sentence (titles often end in `?` or `!`).
pub fn sentence(text: &str) -> String {
    if text.ends_with(['.', '?', '!', '…']) {
        text.to_owned()
    } else {
        format!("{text}.")
    }
}

fn store_and_id(library: &Library, index: ArticleIndex) -> (&str, &str) {
    let headline = library.headline(index);
    (&library.store(headline.store).name, headline.id)
}

pub fn is_read(library: &Library, marks: &Marks, index: ArticleIndex) -> bool {
    let (store, id) = store_and_id(library, index);
    marks.is_read(store, id)
}

pub fn is_starred(library: &Library, marks: &Marks, index: ArticleIndex) -> bool {
    let (store, id) = store_and_id(library, index);
    marks.is_starred(store, id)
}

/// `42 articles in 4 stores, 30 unread, 3 breaking.`
pub fn summary(library: &Library, marks: &Marks) -> String {
    let all = library.len();
    let unread = (0..all).filter(|&i| !is_read(library, marks, i)).count();
    let breaking = library.headlines().filter(|h| h.breaking).count();
    format!(
        "{} in {}, {unread} unread, {breaking} breaking.",
        count(all, "article"),
        count(library.stores().len(), "store"),
    )
}

/// `3. Breaking. Unread. Starred. Russian Foreign Minister Arrives in North Korea. VOA, 28 July
/// 2002.` States come first and in words, so they are heard before the title and never depend
/// on colour; a read article simply has no `Unread.`
pub fn headline(library: &Library, marks: &Marks, number: usize, index: ArticleIndex) -> String {
    format!("{number}. {}", headline_body(library, marks, index))
}

/// A headline without its number: `Breaking. Unread. Title. VOA, 28 July 2002.`
pub fn headline_body(library: &Library, marks: &Marks, index: ArticleIndex) -> String {
    let headline = library.headline(index);
    let mut line = String::new();
    if headline.breaking {
        line.push_str("Breaking. ");
    }
    if !is_read(library, marks, index) {
        line.push_str("Unread. ");
    }
    if is_starred(library, marks, index) {
        line.push_str("Starred. ");
    }
    line.push_str(&sentence(headline.title));
    let store = &library.store(headline.store).name;
    match headline.published {
        Some(date) => line.push_str(&format!(" {store}, {}.", date.long_date())),
        None => line.push_str(&format!(" {}. Undated.", sentence_body(store))),
    }
    line
}

/// What the list is, with its length: `All articles: 47.`, `Search for ivanov: 1 article.`,
/// `Store VOA, unread only: 3 articles.` `query` is the query as the reader typed it, made
/// safe to print.
pub fn list_title(library: &Library, filter: &Filter, query: Option<&str>, len: usize) -> String {
    let n = count(len, "article");
    let kind = if let Some(words) = query {
        Some(format!("Search for {words}"))
    } else if filter.breaking_only {
        Some("Breaking news only".to_owned())
    } else if filter.unread_only {
        Some("Unread only".to_owned())
    } else if filter.starred_only {
        Some("Starred only".to_owned())
    } else {
        None
    };
    // A scope narrows whatever list it was taken in (a search's, a store's): both are said.
    let kind = match (kind, &filter.scope) {
        (None, Some(scope)) => Some(crate::text::capitalized(&scope.label())),
        (Some(kind), Some(scope)) => Some(format!("{kind}, {}", scope.label())),
        (kind, None) => kind,
    };
    let store = filter.store.map(|id| &library.store(id).name);
    let place = match (&filter.tag, store) {
        (None, None) => None,
        (None, Some(store)) => Some(format!("Store {store}")),
        (Some(tag), None) => Some(format!("Tag {}", tag.name)),
        (Some(tag), Some(store)) => Some(format!("Tag {}, store {store}", tag.name)),
    };
    match (place, kind) {
        (None, None) => format!("All articles: {len}."),
        (None, Some(kind)) => format!("{kind}: {n}."),
        (Some(place), None) => format!("{place}: {n}."),
        (Some(place), Some(kind)) => format!("{place}, {}: {n}.", lowercase_first(&kind)),
    }
}

fn lowercase_first(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_lowercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// A store name used as a sentence: without a doubled full stop.
fn sentence_body(text: &str) -> &str {
    text.strip_suffix('.').unwrap_or(text)
}

/// The help text: one command per line, `key: what it does.`
pub fn help() -> Vec<String> {
    [
        "Help. Type a command and press Enter.",
        "A number: read that article of the list.",
        "n: next article. p: previous article.",
        "l: the list again from the top. m: more of the article or of the list.",
        "back: the page of the list before. page and a number, for example page 5: that page. top: the first page. last: the last page.",
        "np: the open article's next paragraph. pp: the paragraph before. where: where you are in the article.",
        "Numbers never change while you read: new articles get the next numbers and are announced before your next command; a filter, a, a search, a sort, a same, ] or [ numbers a new list from 1.",
        "/ and words, for example /north korea: search titles and text; the results become the list. search north korea does the same.",
        "history: your past searches, numbered, newest first; they are kept between sessions and shared with the full-screen reader. To search again for one, type /! and its number.",
        "b: breaking news only. u: unread only. S (capital) or starred: starred only. a: all articles.",
        "sort and an order: sort date (newest first), sort unread (unread first), sort store or sort title (A to Z). The order stays through filters; the list is printed again, numbered from 1.",
        "same section, same author, same tag: only the articles that share the open article's section, author or a tag; the same again, or a, shows all articles.",
        "] and [: the next or previous store (in a tag's list, the next or previous of its stores). stores: every store with its counts and what its last fetch said, numbered, then every tag of feeds.toml; store and a number, for example store 2: that store's articles, or all the articles of that tag's stores.",
        "nu or next unread: the next unread article, in the next stores too. mark all read: every article of the list read. undo: the last mark all read undone.",
        "s (small) or star: star the open article, or unstar it. r: mark it unread, or read again.",
        "links: the open article's links, numbered. open and a number, for example open 3: open that link in the browser. copy 3: say that link whole, to copy. open alone: the article's own link.",
        "fetch: fetch the subscribed feeds that are due. fetch all: every feed, now.",
        "brief: what is new since your last session, breaking news first.",
        "h or ?: this help. q: quit. Commands can also be typed as words, such as next or quit.",
    ]
    .into_iter()
    .map(str::to_owned)
    .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::Stores;
    use crate::engine::state::Timestamp;

    fn sample() -> Library {
        Stores::sample().open()
    }

    fn index_of(library: &Library, title: &str) -> ArticleIndex {
        library
            .headlines()
            .position(|h| h.title.starts_with(title))
            .unwrap_or_else(|| panic!("no sample article titled {title:?}"))
    }

    #[test]
    fn a_headline_says_its_state_in_words() {
        let library = sample();
        let mut marks = Marks::in_memory();
        let ivanov = index_of(&library, "Russian Foreign Minister");
        assert_eq!(
            headline(&library, &marks, 3, ivanov),
            "3. Breaking. Unread. Russian Foreign Minister Arrives in North Korea. VOA, 28 July 2002."
        );
        let (store, id) = store_and_id(&library, ivanov);
        let (store, id) = (store.to_owned(), id.to_owned());
        marks.set_read(&store, &id, true, Timestamp(1));
        marks.set_starred(&store, &id, true, Timestamp(1));
        assert_eq!(
            headline(&library, &marks, 3, ivanov),
            "3. Breaking. Starred. Russian Foreign Minister Arrives in North Korea. VOA, 28 July 2002."
        );
    }

    #[test]
    fn an_undated_headline_says_undated() {
        let library = sample();
        let marks = Marks::in_memory();
        let dog = index_of(&library, "Lost Dog");
        let line = headline(&library, &marks, 1, dog);
        assert!(line.ends_with(" Undated."), "{line}");
        assert!(line.starts_with("1. Unread. Lost Dog"), "{line}");
    }

    #[test]
    fn the_summary_counts_articles_stores_unread_and_breaking() {
        let library = sample();
        let marks = Marks::in_memory();
        let breaking = library.headlines().filter(|h| h.breaking).count();
        assert_eq!(
            summary(&library, &marks),
            format!(
                "{} articles in {} stores, {} unread, {breaking} breaking.",
                library.len(),
                library.stores().len(),
                library.len()
            )
        );
        assert_eq!(
            summary(&Library::default(), &marks),
            "0 articles in 0 stores, 0 unread, 0 breaking."
        );
    }

    #[test]
    fn list_titles_say_what_the_list_holds() {
        let library = sample();
        let all = Filter::default();
        assert_eq!(list_title(&library, &all, None, 47), "All articles: 47.");
        let voa = library.store_id("VOA").expect("the VOA store");
        let store = Filter {
            store: Some(voa),
            unread_only: true,
            ..Filter::default()
        };
        assert_eq!(
            list_title(&library, &store, None, 1),
            "Store VOA, unread only: 1 article."
        );
        assert_eq!(
            list_title(&library, &all, Some("korea"), 2),
            "Search for korea: 2 articles."
        );
    }

    #[test]
    fn sentences_are_not_doubly_stopped() {
        assert_eq!(sentence("Fixed"), "Fixed.");
        assert_eq!(sentence("Why?"), "Why?");
        assert_eq!(sentence("Done."), "Done.");
        assert_eq!(count(1, "store"), "1 store");
        assert_eq!(count(0, "store"), "0 stores");
    }

    #[test]
    fn help_is_plain_ascii_sentences() {
        for line in help() {
            assert!(line.is_ascii(), "{line}");
            assert!(line.ends_with('.'), "{line}");
        }
    }
}
