//! The sentences plain mode prints. Pure functions from data to lines: no I/O, no terminal
//! codes. Every line is a complete sentence, so a screen reader pauses in the right places and
//! a braille display shows something meaningful in any 40-cell window.

use crate::engine::state::ReaderState;
use crate::engine::{ArticleIndex, Library};

/// Printed once at start and as the last line of help: what to type, never more than one line.
pub const HINT: &str = "Type a number to read, h for help, q to quit.";

/// `1 article`, `2 articles`.
pub fn count(n: usize, noun: &str) -> String {
    if n == 1 {
        format!("{n} {noun}")
    } else {
        format!("{n} {noun}s")
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

pub fn is_read(library: &Library, state: &ReaderState, index: ArticleIndex) -> bool {
    let (store, id) = store_and_id(library, index);
    state.is_read(store, id)
}

pub fn is_starred(library: &Library, state: &ReaderState, index: ArticleIndex) -> bool {
    let (store, id) = store_and_id(library, index);
    state.is_starred(store, id)
}

/// `42 articles in 4 stores, 30 unread, 3 breaking.`
pub fn summary(library: &Library, state: &ReaderState) -> String {
    let all = library.len();
    let unread = (0..all).filter(|&i| !is_read(library, state, i)).count();
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
pub fn headline(
    library: &Library,
    state: &ReaderState,
    number: usize,
    index: ArticleIndex,
) -> String {
    let headline = library.headline(index);
    let mut line = format!("{number}. ");
    if headline.breaking {
        line.push_str("Breaking. ");
    }
    if !is_read(library, state, index) {
        line.push_str("Unread. ");
    }
    if is_starred(library, state, index) {
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
        "/ and words, for example /north korea: search titles and text; the results become the list. search north korea does the same.",
        "b: breaking news only. u: unread only. a: all articles.",
        "s: star the open article, or unstar it.",
        "h or ?: this help. q: quit. Commands can also be typed as words, such as next or quit.",
    ]
    .into_iter()
    .map(str::to_owned)
    .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::store::StoreSource;

    fn sample() -> Library {
        Library::load(&[StoreSource::Embedded])
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
        let mut state = ReaderState::in_memory();
        let ivanov = index_of(&library, "Russian Foreign Minister");
        assert_eq!(
            headline(&library, &state, 3, ivanov),
            "3. Breaking. Unread. Russian Foreign Minister Arrives in North Korea. VOA, 28 July 2002."
        );
        let (store, id) = store_and_id(&library, ivanov);
        let (store, id) = (store.to_owned(), id.to_owned());
        state.set_read(&store, &id, true);
        state.set_starred(&store, &id, true);
        assert_eq!(
            headline(&library, &state, 3, ivanov),
            "3. Breaking. Starred. Russian Foreign Minister Arrives in North Korea. VOA, 28 July 2002."
        );
    }

    #[test]
    fn an_undated_headline_says_undated() {
        let library = sample();
        let state = ReaderState::in_memory();
        let dog = index_of(&library, "Lost Dog");
        let line = headline(&library, &state, 1, dog);
        assert!(line.ends_with(" Undated."), "{line}");
        assert!(line.starts_with("1. Unread. Lost Dog"), "{line}");
    }

    #[test]
    fn the_summary_counts_articles_stores_unread_and_breaking() {
        let library = sample();
        let state = ReaderState::in_memory();
        let breaking = library.headlines().filter(|h| h.breaking).count();
        assert_eq!(
            summary(&library, &state),
            format!(
                "{} articles in {} stores, {} unread, {breaking} breaking.",
                library.len(),
                library.stores().len(),
                library.len()
            )
        );
        assert_eq!(
            summary(&Library::default(), &state),
            "0 articles in 0 stores, 0 unread, 0 breaking."
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
