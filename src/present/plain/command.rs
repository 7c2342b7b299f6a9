//! Plain-mode commands: one line of input becomes one [`Command`]. Pure, so every spelling is
//! unit-tested without a terminal. Each command resolves to the app's own actions (see
//! `session`), so plain mode can do what the full-screen reader does.

/// What the reader asked for with one line of input.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Command {
    /// Open this item (counted from 1) of the current list.
    Open(usize),
    Next,
    Previous,
    /// Print the current list again from the top.
    List,
    /// Print the next page of the current list (or more of the open article).
    More,
    /// Print the page of the list before the last one printed.
    PreviousPage,
    /// Print this page (counted from 1) of the list.
    Page(usize),
    /// Print the list's last page.
    LastPage,
    /// Print the open article's next paragraph (the first, the first time).
    NextParagraph,
    PreviousParagraph,
    /// Say where the reader is in the open article.
    Where,
    /// Search titles and text; the results become the list. Holds the words as typed.
    Search(String),
    /// The past searches, numbered, newest first (`history`).
    History,
    /// Search again for past search N (counted from 1, newest first) (`/!N`).
    SearchAgain(usize),
    BreakingOnly,
    UnreadOnly,
    StarredOnly,
    All,
    /// Star the open article, or unstar it when it is starred.
    Star,
    /// Mark the open article unread, or read again.
    ToggleRead,
    NextStore,
    PreviousStore,
    /// Fetch the subscribed feeds that are due (`all`: every one).
    Fetch {
        all: bool,
    },
    /// What is new since the last session (see `present::brief`).
    Brief,
    /// Every store with its counts, numbered (`stores`).
    Stores,
    /// The articles of store N of the last `stores` list (`store 2`).
    Store(usize),
    /// The next unread article, in the next stores too.
    NextUnread,
    /// Every article of the list read.
    MarkAllRead,
    /// The last mark-all undone.
    Undo,
    /// The open article's links, numbered.
    Links,
    /// Open link N of the open article (`open 3`); None: the article's own link (`open`).
    OpenLink(Option<u32>),
    /// Copy link N of the open article; plain mode says it, as it cannot reach a clipboard.
    CopyLink(Option<u32>),
    /// Only the articles sharing this field with the open one (`same author`); again: all.
    Same(crate::engine::scope::Field),
    /// The list in this order (`sort title`); None: the word was missing or not an order.
    Sort(Option<crate::app::Sort>),
    Help,
    Quit,
    /// A blank line: nothing to do.
    Nothing,
    /// Anything else, as typed (trimmed).
    Unknown(String),
}

/// Reads one line of input. Letters and words are case-insensitive, surrounding spaces are
/// ignored, and each command also has a spelled-out name (`next`, `quit`...), which is easier
/// to remember than a letter.
///
/// One exception to case: `S` alone is "starred only" and `s` is "star", as in the
/// full-screen reader, so a letter learnt in one mode means the same in the other.
pub fn parse(line: &str) -> Command {
    let line = line.trim();
    if line.is_empty() {
        return Command::Nothing;
    }
    if line == "S" {
        return Command::StarredOnly;
    }
    if let Some(words) = line.strip_prefix('/') {
        // `/!2` as in a shell's `!2`; `/!word` is still a search, for `!word`.
        if let Some(number) = words.trim().strip_prefix('!').map(str::trim)
            && !number.is_empty()
            && number.bytes().all(|b| b.is_ascii_digit())
        {
            return Command::SearchAgain(number.parse().unwrap_or(usize::MAX));
        }
        return Command::Search(words.trim().to_owned());
    }
    // `search words` says the same without `/`, which some braille keyboards make awkward.
    if let Some((first, words)) = line.split_once(char::is_whitespace)
        && first.eq_ignore_ascii_case("search")
    {
        return Command::Search(words.trim().to_owned());
    }
    if let Some((first, number)) = line.split_once(char::is_whitespace)
        && first.eq_ignore_ascii_case("page")
    {
        let number = number.trim();
        if number.bytes().all(|b| b.is_ascii_digit()) {
            return Command::Page(number.parse().unwrap_or(usize::MAX));
        }
    }
    // `store 2`, not a bare number after `stores`: numbers mean articles for the whole
    // session (they never move under the reader).
    if let Some((first, number)) = line.split_once(char::is_whitespace)
        && first.eq_ignore_ascii_case("store")
    {
        let number = number.trim();
        if number.bytes().all(|b| b.is_ascii_digit()) {
            return Command::Store(number.parse().unwrap_or(usize::MAX));
        }
    }
    // `open 3`, `copy 3`: a link of the open article by the number it shows.
    if let Some((first, number)) = line.split_once(char::is_whitespace) {
        let number = number.trim();
        let link = || number.parse().unwrap_or(u32::MAX);
        if number.bytes().all(|b| b.is_ascii_digit()) {
            if first.eq_ignore_ascii_case("open") {
                return Command::OpenLink(Some(link()));
            }
            if first.eq_ignore_ascii_case("copy") {
                return Command::CopyLink(Some(link()));
            }
        }
    }
    if let Some((first, order)) = line.split_once(char::is_whitespace)
        && first.eq_ignore_ascii_case("sort")
    {
        return Command::Sort(crate::app::Sort::named(order));
    }
    if line.bytes().all(|b| b.is_ascii_digit()) {
        // Too many digits for a usize is still "a number nobody has": it is out of range.
        return Command::Open(line.parse().unwrap_or(usize::MAX));
    }
    match line.to_lowercase().as_str() {
        "n" | "next" => Command::Next,
        "p" | "prev" | "previous" => Command::Previous,
        "l" | "list" => Command::List,
        "m" | "more" | "next page" => Command::More,
        "back" | "previous page" => Command::PreviousPage,
        "top" | "first" | "first page" => Command::Page(1),
        "last" | "last page" => Command::LastPage,
        "np" | "next paragraph" => Command::NextParagraph,
        "pp" | "previous paragraph" => Command::PreviousParagraph,
        "where" | "where am i" => Command::Where,
        "b" | "breaking" => Command::BreakingOnly,
        "u" | "unread" => Command::UnreadOnly,
        "starred" => Command::StarredOnly,
        "a" | "all" => Command::All,
        "s" | "star" => Command::Star,
        "r" | "read" => Command::ToggleRead,
        "]" | "next store" => Command::NextStore,
        "[" | "previous store" => Command::PreviousStore,
        "brief" | "briefing" => Command::Brief,
        "history" | "searches" => Command::History,
        "stores" => Command::Stores,
        "nu" | "next unread" => Command::NextUnread,
        "mark all read" | "read all" => Command::MarkAllRead,
        "undo" => Command::Undo,
        "links" => Command::Links,
        "open" | "open link" => Command::OpenLink(None),
        "copy" | "copy link" => Command::CopyLink(None),
        "sort" => Command::Sort(None),
        "same section" => Command::Same(crate::engine::scope::Field::Section),
        "same author" => Command::Same(crate::engine::scope::Field::Author),
        "same tag" | "same tags" => Command::Same(crate::engine::scope::Field::Tag),
        "h" | "?" | "help" => Command::Help,
        "q" | "quit" | "exit" => Command::Quit,
        "search" => Command::Search(String::new()),
        "fetch" => Command::Fetch { all: false },
        "fetch all" => Command::Fetch { all: true },
        _ => Command::Unknown(line.to_owned()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_spelling_of_every_command() {
        let cases = [
            ("3", Command::Open(3)),
            ("  12 ", Command::Open(12)),
            ("0", Command::Open(0)),
            ("99999999999999999999999", Command::Open(usize::MAX)),
            ("links", Command::Links),
            ("open 3", Command::OpenLink(Some(3))),
            ("OPEN  12", Command::OpenLink(Some(12))),
            ("open 99999999999", Command::OpenLink(Some(u32::MAX))),
            ("open", Command::OpenLink(None)),
            ("copy 2", Command::CopyLink(Some(2))),
            ("copy link", Command::CopyLink(None)),
            ("open three", Command::Unknown("open three".into())),
            ("n", Command::Next),
            ("N", Command::Next),
            ("next", Command::Next),
            ("p", Command::Previous),
            ("previous", Command::Previous),
            ("l", Command::List),
            ("m", Command::More),
            ("more", Command::More),
            ("next page", Command::More),
            ("back", Command::PreviousPage),
            ("Previous Page", Command::PreviousPage),
            ("page 5", Command::Page(5)),
            ("PAGE  12 ", Command::Page(12)),
            ("page 0", Command::Page(0)),
            ("page five", Command::Unknown("page five".into())),
            ("top", Command::Page(1)),
            ("first page", Command::Page(1)),
            ("last", Command::LastPage),
            ("last page", Command::LastPage),
            ("np", Command::NextParagraph),
            ("next paragraph", Command::NextParagraph),
            ("pp", Command::PreviousParagraph),
            ("previous paragraph", Command::PreviousParagraph),
            ("where", Command::Where),
            ("Where am I", Command::Where),
            ("b", Command::BreakingOnly),
            ("u", Command::UnreadOnly),
            ("a", Command::All),
            ("s", Command::Star),
            ("star", Command::Star),
            ("STAR", Command::Star),
            ("S", Command::StarredOnly),
            ("starred", Command::StarredOnly),
            ("Starred", Command::StarredOnly),
            ("r", Command::ToggleRead),
            ("read", Command::ToggleRead),
            ("]", Command::NextStore),
            ("next store", Command::NextStore),
            ("[", Command::PreviousStore),
            ("Previous Store", Command::PreviousStore),
            ("brief", Command::Brief),
            ("stores", Command::Stores),
            ("store 2", Command::Store(2)),
            ("Store  12", Command::Store(12)),
            ("nu", Command::NextUnread),
            ("next unread", Command::NextUnread),
            ("mark all read", Command::MarkAllRead),
            ("read all", Command::MarkAllRead),
            ("undo", Command::Undo),
            ("sort title", Command::Sort(Some(crate::app::Sort::Title))),
            (
                "Sort  Unread ",
                Command::Sort(Some(crate::app::Sort::Unread)),
            ),
            ("sort store", Command::Sort(Some(crate::app::Sort::Store))),
            ("sort date", Command::Sort(Some(crate::app::Sort::Date))),
            ("sort", Command::Sort(None)),
            (
                "same author",
                Command::Same(crate::engine::scope::Field::Author),
            ),
            (
                "Same Section",
                Command::Same(crate::engine::scope::Field::Section),
            ),
            ("same tags", Command::Same(crate::engine::scope::Field::Tag)),
            ("sort colour", Command::Sort(None)),
            ("Briefing", Command::Brief),
            ("h", Command::Help),
            ("?", Command::Help),
            ("HELP", Command::Help),
            ("q", Command::Quit),
            ("quit", Command::Quit),
            ("exit", Command::Quit),
            ("", Command::Nothing),
            ("   \t", Command::Nothing),
            ("/Ivanov", Command::Search("Ivanov".into())),
            ("/ north  korea ", Command::Search("north  korea".into())),
            ("/", Command::Search(String::new())),
            ("search ivanov", Command::Search("ivanov".into())),
            ("Search  north korea", Command::Search("north korea".into())),
            ("search", Command::Search(String::new())),
            ("history", Command::History),
            ("History", Command::History),
            ("searches", Command::History),
            ("/!1", Command::SearchAgain(1)),
            (" /! 12 ", Command::SearchAgain(12)),
            (
                "/!99999999999999999999999",
                Command::SearchAgain(usize::MAX),
            ),
            ("/!", Command::Search("!".into())),
            ("/!word", Command::Search("!word".into())),
            ("x", Command::Unknown("x".into())),
            ("3a", Command::Unknown("3a".into())),
            ("-1", Command::Unknown("-1".into())),
            ("nn", Command::Unknown("nn".into())),
        ];
        for (input, expected) in cases {
            assert_eq!(parse(input), expected, "input {input:?}");
        }
    }

    #[test]
    fn a_windows_line_ending_is_ignored() {
        assert_eq!(parse("q\r"), Command::Quit);
    }
}
