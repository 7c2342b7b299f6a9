//! The briefing: what is new since the last session, in plain sentences, breaking news first.
//! `herald brief` prints it; plain mode's `brief` says it. Pure but for reading the first
//! sentence of each story from its store: no terminal codes, dates in words, one line per
//! story (the caller wraps them between words).
//!
//! "New" is an unread article published since the previous session ended (the state file
//! keeps that end: see `Marks::previous_session`). With no record of it (a first start, or a
//! state file from before it was kept) the briefing is of every unread article, and says so.

use crate::engine::article::layout::lay_out;
use crate::engine::article::{Flavor, read};
use crate::engine::state::{Marks, Timestamp};
use crate::engine::{ArticleIndex, Library};

/// Stories told one by one; the rest are counted.
pub const STORIES: usize = 10;
/// A first sentence longer than this is cut at a word.
const SENTENCE_LIMIT: usize = 240;

/// Since when, in words: see [`crate::text::date::since_words`].
pub fn since_words(since: Timestamp, now: Timestamp) -> String {
    crate::text::date::since_words(since.0, now.0)
}

/// The articles a briefing is of, newest first: unread and published since the previous
/// session ended (`Marks::previous_session`), or every unread one when there is no record of
/// that end. `herald list --new` lists the same articles.
pub fn new_articles(library: &Library, marks: &Marks) -> Vec<ArticleIndex> {
    let since = marks.previous_session();
    let unread = |index: ArticleIndex| {
        let headline = library.headline(index);
        !marks.is_read(&library.store(headline.store).name, headline.id)
    };
    let new = |index: ArticleIndex| match since {
        None => true,
        // An undated article cannot be said to be new since a time.
        Some(since) => library
            .headline(index)
            .published
            .is_some_and(|date| date.is_at_or_after(since.0)),
    };
    library
        .newest_first()
        .iter()
        .copied()
        .filter(|&i| unread(i) && new(i))
        .collect()
}

/// The briefing over `library`, as lines: the count first (`6 new since Tuesday, 2
/// breaking.`), then each new story, breaking ones first, each newest first, with its first
/// sentence; past [`STORIES`], how many more and `more` (what to type to see them).
pub fn briefing(library: &Library, marks: &Marks, now: Timestamp, more: &str) -> Vec<String> {
    let since = marks.previous_session();
    let fresh = new_articles(library, marks);
    let (mut stories, rest): (Vec<ArticleIndex>, Vec<ArticleIndex>) =
        fresh.iter().partition(|&&i| library.headline(i).breaking);
    let breaking = stories.len();
    stories.extend(rest);
    let mut lines = vec![count_line(
        fresh.len(),
        breaking,
        since.map(|s| since_words(s, now)),
    )];
    lines.extend(stories.iter().take(STORIES).map(|&i| story(library, i)));
    if stories.len() > STORIES {
        lines.push(format!("And {} more: {more}.", stories.len() - STORIES));
    }
    lines
}

/// `6 new since Tuesday, 2 breaking.`, `6 unread, 2 breaking.`, `Nothing new today.`
pub fn count_line(new: usize, breaking: usize, since: Option<String>) -> String {
    let breaking = match breaking {
        0 => "none breaking".to_owned(),
        n => format!("{n} breaking"),
    };
    match (new, since) {
        (0, Some(since)) => format!("Nothing new {since}."),
        (0, None) => "Nothing unread.".to_owned(),
        (n, Some(since)) => format!("{n} new {since}, {breaking}."),
        (n, None) => format!("{n} unread, {breaking}."),
    }
}

/// `Breaking. Title. VOA, 28 July 2002. The first sentence.`
fn story(library: &Library, index: ArticleIndex) -> String {
    let headline = library.headline(index);
    let mut line = String::new();
    if headline.breaking {
        line.push_str("Breaking. ");
    }
    line.push_str(&super::plain::render::sentence(headline.title));
    let store = &library.store(headline.store).name;
    let store = store.strip_suffix('.').unwrap_or(store);
    match headline.published {
        Some(date) => line.push_str(&format!(" {store}, {}.", date.long_date())),
        None => line.push_str(&format!(" {store}. Undated.")),
    }
    if let Some(first) = first_sentence(library, index) {
        line.push(' ');
        line.push_str(&first);
    }
    line
}

/// The first sentence of an article's text: its first paragraph after the headline block, up
/// to the first full stop (or question or exclamation mark) that ends a word.
fn first_sentence(library: &Library, index: ArticleIndex) -> Option<String> {
    let text = read::text(library, index);
    let lines = lay_out(&text, usize::MAX / 4, Flavor::Speech).texts();
    let paragraph = lines
        .iter()
        .skip_while(|l| !l.trim().is_empty())
        .find(|l| !l.trim().is_empty())?;
    Some(sentence_of(paragraph))
}

/// The first sentence of `paragraph`, cut at a word past [`SENTENCE_LIMIT`] characters.
pub fn sentence_of(paragraph: &str) -> String {
    let paragraph = paragraph.trim();
    let end = paragraph
        .char_indices()
        .find(|&(at, c)| {
            matches!(c, '.' | '?' | '!')
                && paragraph[at + c.len_utf8()..]
                    .chars()
                    .next()
                    .is_none_or(char::is_whitespace)
        })
        .map_or(paragraph.len(), |(at, c)| at + c.len_utf8());
    let sentence = &paragraph[..end];
    if sentence.chars().count() <= SENTENCE_LIMIT {
        return super::plain::render::sentence(sentence);
    }
    let mut cut: String = sentence.chars().take(SENTENCE_LIMIT).collect();
    if let Some(space) = cut.rfind(' ') {
        cut.truncate(space);
    }
    format!("{cut}…")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::Stores;

    /// Milliseconds of `YYYY-MM-DD` at `hour` UTC.
    fn at(date: &str, hour: u64) -> Timestamp {
        let day = crate::text::Published::parse(date).expect("a date");
        Timestamp(u64::try_from(day.instant).expect("after 1970") * 1000 + hour * 3_600_000)
    }

    #[test]
    fn since_is_said_as_a_person_would() {
        // 2 December 2026 is a Wednesday.
        let now = at("2026-12-02", 7);
        let cases = [
            ("2026-12-02", 1, "today"),
            ("2026-12-01", 23, "since yesterday"),
            ("2026-11-30", 9, "since Monday"),
            ("2026-11-26", 9, "since Thursday"),
            ("2026-11-25", 9, "since 25 November"),
            ("2026-11-03", 9, "since 3 November"),
            ("2025-11-03", 9, "since 3 November 2025"),
            ("2026-12-03", 9, "since the last session"),
        ];
        for (date, hour, words) in cases {
            assert_eq!(since_words(at(date, hour), now), words, "{date}");
        }
    }

    #[test]
    fn the_count_line_is_honest_about_what_it_counts() {
        let tuesday = Some("since Tuesday".to_owned());
        assert_eq!(
            count_line(6, 2, tuesday.clone()),
            "6 new since Tuesday, 2 breaking."
        );
        assert_eq!(
            count_line(1, 0, tuesday.clone()),
            "1 new since Tuesday, none breaking."
        );
        assert_eq!(count_line(0, 0, tuesday), "Nothing new since Tuesday.");
        assert_eq!(count_line(6, 2, None), "6 unread, 2 breaking.");
        assert_eq!(count_line(0, 0, None), "Nothing unread.");
    }

    #[test]
    fn first_sentences_end_at_a_stop_that_ends_a_word() {
        assert_eq!(
            sentence_of("Version 4.2.1 is out. Upgrade now."),
            "Version 4.2.1 is out."
        );
        assert_eq!(sentence_of("Why? Because."), "Why?");
        assert_eq!(sentence_of("No stop at all"), "No stop at all.");
        let long = "word ".repeat(100);
        let cut = sentence_of(&long);
        assert!(cut.ends_with("word…"), "{cut}");
        assert!(cut.chars().count() <= SENTENCE_LIMIT + 1, "{cut}");
    }

    #[test]
    fn a_briefing_puts_breaking_news_first_and_is_capped() {
        let library = Stores::sample().open();
        let marks = Marks::in_memory();
        let lines = briefing(&library, &marks, at("2026-12-02", 7), "type l");
        let breaking = library.headlines().filter(|h| h.breaking).count();
        assert_eq!(
            lines[0],
            format!("{} unread, {breaking} breaking.", library.len())
        );
        assert_eq!(lines.len(), 1 + STORIES + 1, "{lines:#?}");
        assert!(
            lines[1..=breaking.min(STORIES)]
                .iter()
                .all(|l| l.starts_with("Breaking. ")),
            "{lines:#?}"
        );
        assert_eq!(
            lines[STORIES + 1],
            format!("And {} more: type l.", library.len() - STORIES)
        );
        assert!(lines.iter().all(|l| !l.contains('\u{1b}')));
    }
}
