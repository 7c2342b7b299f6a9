//! A plain-mode session: the current list, the open article and the page, and what each command
//! does to them. Commands return the lines to print; the caller does the printing and saving, so
//! every behaviour here is testable without a terminal or a file.

use super::command::Command;
use super::render::{self, count, sentence};
use crate::app::view::{Filter, visible};
use crate::engine::state::ReaderState;
use crate::engine::{ArticleIndex, Library};
use crate::present::commands::article_lines;
use crate::text::wrap::wrap_paragraph;
use crate::text::{display_width, sanitize_line};

/// How long a typed command may be when it is repeated back in an answer.
const ECHO_LIMIT: usize = 40;

/// Layout settings of a session.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Layout {
    /// Article text wraps to this many columns.
    pub width: usize,
    /// Headlines printed at a time.
    pub page: usize,
    /// Rows free on the screen, when output is a terminal: a list page also ends before its
    /// wrapped lines would fill more rows, and an article is printed this many rows at a time.
    /// `None` (output that is not a terminal) prints whole articles.
    pub screen: Option<usize>,
}

/// The answer to one command.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Reply {
    pub lines: Vec<String>,
    /// The reader state changed (read or starred) and should be saved.
    pub state_changed: bool,
    pub quit: bool,
}

impl Reply {
    fn lines(lines: Vec<String>) -> Self {
        Self {
            lines,
            ..Self::default()
        }
    }

    fn line(line: impl Into<String>) -> Self {
        Self::lines(vec![line.into()])
    }
}

pub struct Session<'a> {
    library: &'a Library,
    layout: Layout,
    /// Every article, newest first: what filters choose from.
    order: Vec<ArticleIndex>,
    filter: Filter,
    /// The numbered list: item `n` is `list[n - 1]`.
    list: Vec<ArticleIndex>,
    /// How many items of `list` have been printed since it was last printed from the top.
    shown: usize,
    /// The article opened last, which `s`, `n` and `p` act on.
    open: Option<ArticleIndex>,
    /// Lines of the open article not printed yet (when articles are paged), for `m`.
    article_rest: Vec<String>,
    /// How many lines the open article has in all.
    article_len: usize,
}

impl<'a> Session<'a> {
    pub fn new(library: &'a Library, state: &ReaderState, layout: Layout) -> Self {
        let order = library.newest_first();
        let filter = Filter::default();
        let list = visible(library, state, &order, &filter);
        Self {
            library,
            layout: Layout {
                width: layout.width.max(crate::text::wrap::MIN_WRAP_WIDTH),
                page: layout.page.max(1),
                screen: layout.screen.map(|rows| rows.max(1)),
            },
            order,
            filter,
            list,
            shown: 0,
            open: None,
            article_rest: Vec::new(),
            article_len: 0,
        }
    }

    /// What is printed on start: the summary, the one hint line, then the first page.
    pub fn start(&mut self, state: &ReaderState) -> Vec<String> {
        let mut lines = vec![
            render::summary(self.library, state),
            render::HINT.to_owned(),
        ];
        lines.extend(self.page(state));
        self.fit(lines)
    }

    /// Answers one command. Every line fits the width: the terminal never wraps a line itself,
    /// since a screen reader reads a soft-wrapped line as two and splits the word at the edge.
    pub fn handle(&mut self, state: &mut ReaderState, command: Command) -> Reply {
        let mut reply = self.answer(state, command);
        reply.lines = self.fit(std::mem::take(&mut reply.lines));
        reply
    }

    fn fit(&self, lines: Vec<String>) -> Vec<String> {
        lines.into_iter().flat_map(|line| self.wrap(line)).collect()
    }

    fn wrap(&self, line: String) -> Vec<String> {
        if display_width(&line) <= self.layout.width {
            vec![line]
        } else {
            wrap_paragraph(&line, self.layout.width)
        }
    }

    fn answer(&mut self, state: &mut ReaderState, command: Command) -> Reply {
        match command {
            Command::Open(number) => self.open_number(state, number),
            Command::Next => self.step(state, true),
            Command::Previous => self.step(state, false),
            Command::List => {
                self.shown = 0;
                let mut lines = vec![self.list_title()];
                lines.extend(self.page(state));
                Reply::lines(lines)
            }
            Command::More => {
                if !self.article_rest.is_empty() {
                    Reply::lines(self.article_page())
                } else if self.shown >= self.list.len() {
                    Reply::line(format!(
                        "No more: that was the whole list of {}. Type l to list it again.",
                        count(self.list.len(), "article")
                    ))
                } else {
                    Reply::lines(self.page(state))
                }
            }
            Command::Search(words) if words.is_empty() => {
                Reply::line("To search, type / and words, for example /north korea.")
            }
            Command::Search(words) => self.choose(
                state,
                Filter {
                    query: Some(words),
                    ..Filter::default()
                },
            ),
            Command::BreakingOnly => self.choose(
                state,
                Filter {
                    breaking_only: true,
                    ..Filter::default()
                },
            ),
            Command::UnreadOnly => self.choose(
                state,
                Filter {
                    unread_only: true,
                    ..Filter::default()
                },
            ),
            Command::All => self.choose(state, Filter::default()),
            Command::Star => self.star(state),
            Command::Help => Reply::lines(render::help()),
            Command::Quit => Reply {
                quit: true,
                ..Reply::default()
            },
            Command::Nothing => Reply::default(),
            Command::Unknown(text) => Reply::line(format!(
                "Unknown command: {}. Type h for help.",
                echo(&text)
            )),
        }
    }

    /// `All articles: 47.`, `Search for ivanov: 1 article.`
    fn list_title(&self) -> String {
        let n = self.list.len();
        match &self.filter {
            Filter {
                query: Some(words), ..
            } => format!("Search for {}: {}.", echo(words), count(n, "article")),
            Filter {
                breaking_only: true,
                ..
            } => format!("Breaking news only: {}.", count(n, "article")),
            Filter {
                unread_only: true, ..
            } => format!("Unread only: {}.", count(n, "article")),
            _ => format!("All articles: {n}."),
        }
    }

    /// The next page of the list, and a line saying how to get more when there is more.
    fn page(&mut self, state: &ReaderState) -> Vec<String> {
        self.article_rest.clear();
        if self.list.is_empty() {
            return vec!["The list is empty.".to_owned()];
        }
        let mut lines = Vec::new();
        let mut rows = 0;
        let mut end = self.shown;
        while end < self.list.len() {
            let line = render::headline(self.library, state, end + 1, self.list[end]);
            rows += self.wrap(line.clone()).len();
            let full = end - self.shown >= self.layout.page
                || self.layout.screen.is_some_and(|screen| rows > screen);
            if full && end > self.shown {
                break;
            }
            lines.push(line);
            end += 1;
        }
        self.shown = end;
        if end < self.list.len() {
            lines.push(format!(
                "Shown {end} of {}. Type m for more.",
                self.list.len()
            ));
        }
        lines
    }

    /// Makes `filter` the list, unless it matches nothing: then the old list stays, so the
    /// numbers the reader knows still work.
    fn choose(&mut self, state: &ReaderState, filter: Filter) -> Reply {
        let found = visible(self.library, state, &self.order, &filter);
        if found.is_empty() {
            let what = match &filter.query {
                Some(words) => format!("No articles match {}", echo(words)),
                None if filter.breaking_only => "No breaking articles".to_owned(),
                None if filter.unread_only => "No unread articles".to_owned(),
                None => "No articles".to_owned(),
            };
            return Reply::line(format!("{what}. The list is unchanged."));
        }
        self.filter = filter;
        self.list = found;
        self.shown = 0;
        let mut lines = vec![self.list_title()];
        lines.extend(self.page(state));
        Reply::lines(lines)
    }

    fn open_number(&mut self, state: &mut ReaderState, number: usize) -> Reply {
        if self.list.is_empty() {
            return Reply::line("The list is empty.");
        }
        if number == 0 || number > self.list.len() {
            let shown = if number == usize::MAX {
                "that number".to_owned()
            } else {
                number.to_string()
            };
            return Reply::line(format!(
                "There is no article {shown}: the list has {}.",
                count(self.list.len(), "article")
            ));
        }
        self.open_at(state, number - 1)
    }

    /// Position of the open article in the current list, if it is in it.
    fn current_position(&self) -> Option<usize> {
        let open = self.open?;
        self.list.iter().position(|&i| i == open)
    }

    fn step(&mut self, state: &mut ReaderState, forward: bool) -> Reply {
        if self.list.is_empty() {
            return Reply::line("The list is empty.");
        }
        let target = match (self.current_position(), forward) {
            (None, _) => Some(0),
            (Some(position), true) => Some(position + 1).filter(|&p| p < self.list.len()),
            (Some(position), false) => position.checked_sub(1),
        };
        match target {
            Some(position) => self.open_at(state, position),
            None if forward => Reply::line(format!(
                "No next article: that was the last of {}.",
                self.list.len()
            )),
            None => Reply::line("No previous article: that was the first."),
        }
    }

    /// Prints item `position` of the list and marks it read.
    fn open_at(&mut self, state: &mut ReaderState, position: usize) -> Reply {
        let index = self.list[position];
        self.open = Some(index);
        let article = self.library.article(index);
        let mut lines = article_lines(&article, self.layout.width, "Breaking news.");
        speakable_dates(&mut lines, &article);
        let mut lines = self.fit(lines);
        lines.push(format!(
            "End of article {} of {}.",
            position + 1,
            self.list.len()
        ));
        self.article_len = lines.len();
        self.article_rest = lines;
        let lines = self.article_page();
        let (store, id) = (&article.store.name, &article.headline.id);
        let state_changed = !state.is_read(store, id);
        state.set_read(store, id, true);
        Reply {
            lines,
            state_changed,
            quit: false,
        }
    }

    /// The next screenful of the open article, with a line saying how to get more when there is
    /// more. A screen reader speaks only what is on the screen, so a longer article printed at
    /// once would lose its beginning (seen with fenrir); piped output gets it whole.
    fn article_page(&mut self) -> Vec<String> {
        let take = match self.layout.screen {
            Some(rows) if rows < self.article_rest.len() => rows,
            _ => self.article_rest.len(),
        };
        let mut lines: Vec<String> = self.article_rest.drain(..take).collect();
        if !self.article_rest.is_empty() {
            let shown = self.article_len - self.article_rest.len();
            lines.push(format!(
                "Shown {shown} of {} lines. Type m for more.",
                self.article_len
            ));
        }
        lines
    }

    fn star(&mut self, state: &mut ReaderState) -> Reply {
        let Some(index) = self.open else {
            return Reply::line("No article is open. Type its number first, then s.");
        };
        let article = self.library.article(index);
        let (store, id) = (&article.store.name, &article.headline.id);
        let starred = !state.is_starred(store, id);
        state.set_starred(store, id, starred);
        let verb = if starred { "Starred" } else { "Unstarred" };
        Reply {
            lines: vec![format!("{verb}: {}", sentence(article.headline.title))],
            state_changed: true,
            quit: false,
        }
    }
}

/// Says the dateline's dates as `28 July 2002`: screen readers speak `2002-07-28` as "2002
/// dash 07 dash 28" (heard under fenrir). `article_lines` writes the date first on the dateline
/// and after `Updated ` on its own line.
fn speakable_dates(lines: &mut [String], article: &crate::engine::store::Article<'_>) {
    let dates = [
        (article.headline.published, ""),
        (article.detail.updated, "Updated "),
    ];
    for (date, prefix) in dates {
        let Some(date) = date else { continue };
        let iso = format!("{prefix}{}", date.iso_date());
        if let Some(line) = lines.iter_mut().find(|line| {
            line.strip_prefix(iso.as_str())
                .is_some_and(|rest| rest.is_empty() || rest.starts_with(", "))
        }) {
            *line = format!("{prefix}{}{}", date.long_date(), &line[iso.len()..]);
        }
    }
}

/// Text the reader typed, made safe to print back: no control characters, not too long.
fn echo(text: &str) -> String {
    let clean = sanitize_line(text);
    crate::text::truncate_to_width(&clean, ECHO_LIMIT)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::store::StoreSource;
    use crate::present::plain::parse;

    /// Wide enough that no headline wraps, so a page is 5 headlines.
    const LAYOUT: Layout = Layout {
        width: 200,
        page: 5,
        screen: None,
    };

    fn sample() -> Library {
        Library::load(&[StoreSource::Embedded])
    }

    fn say(session: &mut Session<'_>, state: &mut ReaderState, input: &str) -> Reply {
        session.handle(state, parse(input))
    }

    #[test]
    fn start_prints_summary_hint_and_one_page() {
        let library = sample();
        let state = ReaderState::in_memory();
        let mut session = Session::new(&library, &state, LAYOUT);
        let lines = session.start(&state);
        assert_eq!(lines.len(), 2 + 5 + 1, "{lines:#?}");
        assert_eq!(lines[1], render::HINT);
        assert!(lines[2].starts_with("1. "));
        assert_eq!(
            lines[7],
            format!("Shown 5 of {}. Type m for more.", library.len())
        );
    }

    #[test]
    fn more_continues_the_numbering_and_says_when_the_list_ends() {
        let library = sample();
        let mut state = ReaderState::in_memory();
        let mut session = Session::new(&library, &state, LAYOUT);
        session.start(&state);
        let more = say(&mut session, &mut state, "m");
        assert!(more.lines[0].starts_with("6. "), "{:?}", more.lines);
        for _ in 0..20 {
            say(&mut session, &mut state, "m");
        }
        let end = say(&mut session, &mut state, "m");
        assert_eq!(
            end.lines,
            [format!(
                "No more: that was the whole list of {} articles. Type l to list it again.",
                library.len()
            )]
        );
        let again = say(&mut session, &mut state, "l");
        assert_eq!(again.lines[0], format!("All articles: {}.", library.len()));
        assert!(again.lines[1].starts_with("1. "));
    }

    #[test]
    fn opening_prints_the_article_marks_it_read_and_asks_for_a_save() {
        let library = sample();
        let mut state = ReaderState::in_memory();
        let mut session = Session::new(&library, &state, LAYOUT);
        session.start(&state);
        let found = say(&mut session, &mut state, "/ivanov pyongyang");
        assert_eq!(found.lines[0], "Search for ivanov pyongyang: 1 article.");
        let article = say(&mut session, &mut state, "1");
        assert_eq!(article.lines[0], "Breaking news.");
        assert_eq!(
            article.lines[1],
            "Russian Foreign Minister Arrives in North Korea"
        );
        assert_eq!(article.lines[2], "28 July 2002, VOA, Asia");
        assert_eq!(
            article.lines.last().map(String::as_str),
            Some("End of article 1 of 1.")
        );
        assert!(article.state_changed);
        assert!(article.lines.iter().all(|l| display_width(l) <= 200));
        let again = say(&mut session, &mut state, "1");
        assert!(!again.state_changed, "already read: nothing to save");
        let listed = say(&mut session, &mut state, "l");
        assert_eq!(
            listed.lines[1],
            "1. Breaking. Russian Foreign Minister Arrives in North Korea. VOA, 28 July 2002."
        );
    }

    #[test]
    fn every_line_fits_the_width_and_a_page_counts_rows() {
        let library = sample();
        let mut state = ReaderState::in_memory();
        let narrow = Layout {
            width: 40,
            page: 100,
            screen: Some(6),
        };
        let mut session = Session::new(&library, &state, narrow);
        let mut lines = session.start(&state);
        let headline_rows = lines.len() - 3;
        assert!(headline_rows <= 6, "{lines:#?}");
        assert!(headline_rows >= 5, "{lines:#?}");
        for input in [
            "h",
            "m",
            "/ivanov",
            "1",
            "zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz",
        ] {
            lines.extend(say(&mut session, &mut state, input).lines);
        }
        for line in &lines {
            assert!(display_width(line) <= 40, "{line:?}");
        }
        // Wrapping breaks between words, so no word is split across two lines.
        assert!(
            lines
                .iter()
                .any(|l| l == "Russian Foreign Minister Arrives in")
        );
    }

    #[test]
    fn on_a_terminal_an_article_comes_a_screenful_at_a_time() {
        let library = sample();
        let mut state = ReaderState::in_memory();
        let paged = Layout {
            screen: Some(10),
            ..LAYOUT
        };
        let mut session = Session::new(&library, &state, paged);
        say(&mut session, &mut state, "/ivanov");
        let first = say(&mut session, &mut state, "1");
        assert_eq!(first.lines.len(), 11);
        assert_eq!(first.lines[0], "Breaking news.");
        assert!(first.state_changed);
        let total = first.lines[10]
            .strip_prefix("Shown 10 of ")
            .and_then(|rest| rest.strip_suffix(" lines. Type m for more."))
            .and_then(|n| n.parse::<usize>().ok())
            .unwrap_or_else(|| panic!("{:?}", first.lines[10]));
        let mut printed = 10;
        let mut last = Vec::new();
        while printed < total {
            last = say(&mut session, &mut state, "m").lines;
            printed += last.len().min(10);
        }
        assert_eq!(
            last.last().map(String::as_str),
            Some("End of article 1 of 1.")
        );
        // With the article done, m is about the list again.
        let more = say(&mut session, &mut state, "m");
        assert!(more.lines[0].starts_with("No more: "), "{:?}", more.lines);
    }

    #[test]
    fn next_and_previous_walk_the_list_and_stop_at_its_ends() {
        let library = sample();
        let mut state = ReaderState::in_memory();
        let mut session = Session::new(&library, &state, LAYOUT);
        let first = say(&mut session, &mut state, "p");
        assert!(
            first
                .lines
                .last()
                .is_some_and(|l| l.starts_with("End of article 1 of "))
        );
        let none = say(&mut session, &mut state, "p");
        assert_eq!(none.lines, ["No previous article: that was the first."]);
        let second = say(&mut session, &mut state, "n");
        assert!(
            second
                .lines
                .last()
                .is_some_and(|l| l.starts_with("End of article 2 of "))
        );
        let last = library.len().to_string();
        say(&mut session, &mut state, &last);
        let beyond = say(&mut session, &mut state, "n");
        assert_eq!(
            beyond.lines,
            [format!("No next article: that was the last of {last}.")]
        );
    }

    #[test]
    fn star_toggles_and_says_so() {
        let library = sample();
        let mut state = ReaderState::in_memory();
        let mut session = Session::new(&library, &state, LAYOUT);
        let nothing = say(&mut session, &mut state, "s");
        assert_eq!(
            nothing.lines,
            ["No article is open. Type its number first, then s."]
        );
        assert!(!nothing.state_changed);
        say(&mut session, &mut state, "/ivanov");
        say(&mut session, &mut state, "1");
        let on = say(&mut session, &mut state, "s");
        assert_eq!(
            on.lines,
            ["Starred: Russian Foreign Minister Arrives in North Korea."]
        );
        assert!(on.state_changed);
        assert!(state.is_starred("VOA", "voa-2002-07-28-ivanov-pyongyang"));
        let off = say(&mut session, &mut state, "s");
        assert_eq!(
            off.lines,
            ["Unstarred: Russian Foreign Minister Arrives in North Korea."]
        );
    }

    #[test]
    fn filters_replace_the_list_but_an_empty_result_keeps_it() {
        let library = sample();
        let mut state = ReaderState::in_memory();
        let mut session = Session::new(&library, &state, LAYOUT);
        let breaking = library.headlines().filter(|h| h.breaking).count();
        let reply = say(&mut session, &mut state, "b");
        assert_eq!(
            reply.lines[0],
            format!("Breaking news only: {breaking} articles.")
        );
        assert!(
            reply.lines[1..=breaking.min(5)]
                .iter()
                .all(|l| l.contains(" Breaking. "))
        );
        let none = say(&mut session, &mut state, "/zebra unicorn");
        assert_eq!(
            none.lines,
            ["No articles match zebra unicorn. The list is unchanged."]
        );
        let still = say(&mut session, &mut state, "l");
        assert_eq!(still.lines[0], reply.lines[0]);
        let unread = say(&mut session, &mut state, "u");
        assert_eq!(
            unread.lines[0],
            format!("Unread only: {} articles.", library.len())
        );
        let all = say(&mut session, &mut state, "a");
        assert_eq!(all.lines[0], format!("All articles: {}.", library.len()));
    }

    #[test]
    fn bad_input_gets_one_line_and_typed_text_is_made_safe() {
        let library = sample();
        let mut state = ReaderState::in_memory();
        let mut session = Session::new(&library, &state, LAYOUT);
        let reply = say(&mut session, &mut state, "zz\u{1b}[31m");
        assert_eq!(reply.lines.len(), 1);
        assert!(!reply.lines[0].contains('\u{1b}'), "{:?}", reply.lines);
        assert!(reply.lines[0].starts_with("Unknown command: zz"));
        let search = say(&mut session, &mut state, "/\u{1b}]0;owned\u{7}zebra");
        assert!(
            search
                .lines
                .iter()
                .all(|l| !l.contains(['\u{1b}', '\u{7}']))
        );
        let range = say(&mut session, &mut state, "0");
        assert_eq!(
            range.lines,
            [format!(
                "There is no article 0: the list has {} articles.",
                library.len()
            )]
        );
        let huge = say(&mut session, &mut state, "99999999999999999999999");
        assert!(huge.lines[0].starts_with("There is no article that number"));
        assert_eq!(
            say(&mut session, &mut state, "").lines,
            Vec::<String>::new()
        );
        assert!(say(&mut session, &mut state, "q").quit);
    }

    #[test]
    fn an_empty_library_answers_without_panicking() {
        let library = Library::default();
        let mut state = ReaderState::in_memory();
        let mut session = Session::new(&library, &state, LAYOUT);
        let start = session.start(&state);
        assert_eq!(start[2], "The list is empty.");
        for input in ["1", "n", "p", "m", "l", "s", "b", "u", "a", "/x", "h"] {
            let reply = say(&mut session, &mut state, input);
            assert!(!reply.lines.is_empty(), "{input}");
        }
    }
}
