//! A plain-mode session: what one command does, as actions on the shared [`App`], and what is
//! printed about it. The app does the reading, marking, filtering and searching, exactly as for
//! the full-screen reader; the session keeps only what is about printing: how much of the
//! list and of the open article has been printed.
//!
//! Actions go through an [`Act`] (the loop's: update, then carry out the effects and wait for
//! the runtime's answers), so everything here is testable with jobs done inline.

use super::command::Command;
use super::render::{self, count, sentence};
use crate::app::view::{Listed, sort_stores, store_rows, store_sentence};
use crate::app::{Action, App, Filter, MessageKind};
use crate::engine::scope::Field;
use crate::text::wrap::{is_url, wrap_paragraph_keeping_urls};
use crate::text::{capitalized, display_width, sanitize_line};

/// How long a typed command may be when it is repeated back in an answer.
const ECHO_LIMIT: usize = 40;
/// Articles a reload brought that are said one by one; the rest are counted.
const NEWS_LINES: usize = 5;

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

impl Layout {
    /// The same layout with its numbers in range.
    pub fn checked(self) -> Self {
        Self {
            width: self.width.max(crate::text::wrap::MIN_WRAP_WIDTH),
            page: self.page.max(1),
            screen: self.screen.map(|rows| rows.max(1)),
        }
    }
}

/// Applies an action to the app and everything it leads to (jobs done, answers applied),
/// before the session says what happened.
pub trait Act {
    fn act(&mut self, app: &mut App, action: Action);
}

/// The answer to one command.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Reply {
    pub lines: Vec<String>,
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

pub struct Session {
    layout: Layout,
    /// The rows as the last `stores` listed them (stores, feeds not fetched yet, tags), with
    /// their names, for `store N`: found again by name, since a reload renumbers the stores.
    stores: Vec<(Listed, String)>,
    /// Where in the list printing has got to: the position after the last headline printed.
    shown: usize,
    /// Where the last page printed began, and where each page before it (printed with `m`)
    /// began, for `back`.
    page_start: usize,
    page_starts: Vec<usize>,
    /// The query the list was searched for, as typed (made safe to print).
    query: Option<String>,
    /// Lines of the open article not printed yet (when articles are paged), for `m`.
    article_rest: Vec<String>,
    /// How many lines the open article has in all.
    article_len: usize,
    /// The open article's paragraphs (ranges of its printed lines, blank lines between), and
    /// the one `np`/`pp` read last.
    paragraphs: Vec<std::ops::Range<usize>>,
    paragraph: Option<usize>,
    /// The open article's lines, as printed.
    article_lines: Vec<String>,
    /// Numbers of the list whose articles left the stores, in order. They keep their place
    /// (`5` answers that article 5 is gone) so that no other number changes under the reader,
    /// until a command of the reader's makes a new list.
    gone: Vec<usize>,
    /// The app's reload count when its changes were last said.
    reloads_said: u64,
    /// The past searches as `history` last numbered them (newest first), for `/!N`: the
    /// numbers heard stay true even after more searches.
    searches: Option<Vec<String>>,
}

impl Session {
    pub fn new(layout: Layout) -> Self {
        Self {
            layout: layout.checked(),
            shown: 0,
            page_start: 0,
            page_starts: Vec::new(),
            query: None,
            article_rest: Vec::new(),
            article_len: 0,
            paragraphs: Vec::new(),
            paragraph: None,
            article_lines: Vec::new(),
            gone: Vec::new(),
            reloads_said: 0,
            stores: Vec::new(),
            searches: None,
        }
    }

    pub fn layout(&self) -> Layout {
        self.layout
    }

    /// What is printed on start: the summary, the one hint line, then the first page.
    pub fn start(&mut self, app: &App) -> Vec<String> {
        let mut lines = vec![
            render::summary(app.library(), app.marks()),
            render::HINT.to_owned(),
        ];
        lines.extend(self.page(app));
        self.fit(lines)
    }

    /// Answers one command. Every line fits the width (the terminal never wraps a line itself,
    /// since a screen reader reads a soft-wrapped line as two and splits the word at the edge),
    /// except a line holding a URL longer than the width: that is kept whole, to be copied.
    pub fn handle(&mut self, app: &mut App, act: &mut impl Act, command: Command) -> Reply {
        let mut reply = self.answer(app, act, command);
        reply.lines = self.fit(std::mem::take(&mut reply.lines));
        reply
    }

    pub fn fit(&self, lines: Vec<String>) -> Vec<String> {
        lines.into_iter().flat_map(|line| self.wrap(line)).collect()
    }

    fn wrap(&self, line: String) -> Vec<String> {
        let width = self.layout.width;
        // A URL is never cut: cut, it could not be copied whole. A line holding one too long
        // for any line is left as it is, rather than split around it ("Link 3:" on one line,
        // the URL on the next).
        if display_width(&line) <= width
            || line
                .split(' ')
                .any(|word| is_url(word) && display_width(word) > width)
        {
            vec![line]
        } else {
            wrap_paragraph_keeping_urls(&line, width)
        }
    }

    /// The number the reader knows the article at `position` of the app's list by.
    fn number(&self, position: usize) -> usize {
        let mut number = position + 1;
        for &gone in &self.gone {
            if gone <= number {
                number += 1;
            } else {
                break;
            }
        }
        number
    }

    /// How many numbers the list has, the gone ones included.
    fn numbers(&self, app: &App) -> usize {
        app.visible().len() + self.gone.len()
    }

    /// The reader's numbers start again from 1: a command of theirs made a new list.
    fn renumber(&mut self) {
        self.gone.clear();
    }

    /// What the last reload did to the list, said between commands, never acted on: each
    /// article it added, with the number it was given at the end of the list (the first few,
    /// then how many more), the numbers whose articles left the stores, and breaking news
    /// the list does not take in. `before` is how many articles the stores had.
    pub fn changes(&mut self, app: &App, before: usize) -> Vec<String> {
        if std::mem::replace(&mut self.reloads_said, app.reloads()) == app.reloads() {
            return Vec::new();
        }
        let library = app.library();
        let mut lines = Vec::new();
        let vanished: Vec<usize> = app.vanished().iter().map(|&p| self.number(p)).collect();
        self.gone.extend(&vanished);
        self.gone.sort_unstable();
        self.gone.dedup();
        let appended = app.appended();
        // Breaking news first, each one said, with the number it was given (nothing is
        // renumbered); then the other arrivals, the first few one by one.
        let (breaking, ordinary): (Vec<_>, Vec<_>) = appended
            .clone()
            .filter_map(|position| Some((position, *app.visible().get(position)?)))
            .partition(|&(_, index)| library.headline(index).breaking);
        for &(position, index) in &breaking {
            lines.push(format!(
                "Breaking news: {} Number {}.",
                sentence(library.headline(index).title),
                self.number(position)
            ));
        }
        for &(position, index) in ordinary.iter().take(NEWS_LINES) {
            lines.push(format!(
                "New article {}. {}",
                self.number(position),
                render::headline_body(library, app.marks(), index)
            ));
        }
        if let Some(rest) = ordinary.get(NEWS_LINES..).filter(|rest| !rest.is_empty()) {
            let first = self.number(rest[0].0);
            let last = self.number(rest[rest.len() - 1].0);
            lines.push(if rest.len() == 1 {
                format!("And 1 more, numbered {first}.")
            } else {
                format!("And {} more, numbered {first} to {last}.", rest.len())
            });
        }
        if !vanished.is_empty() {
            let shown: Vec<String> = vanished
                .iter()
                .take(NEWS_LINES)
                .map(usize::to_string)
                .collect();
            let mut which = render::and_list(&shown);
            if vanished.len() > NEWS_LINES {
                which = format!("{which} and {} more", vanished.len() - NEWS_LINES);
            }
            let noun = if vanished.len() == 1 {
                "article"
            } else {
                "articles"
            };
            lines.push(format!(
                "Gone from the stores: {noun} {which}. The other numbers are unchanged."
            ));
        }
        // Breaking news the list did not take in (a filter keeps it out) is still said.
        let in_list: Vec<_> = app
            .visible()
            .get(appended.clone())
            .unwrap_or_default()
            .iter()
            .map(|&i| app.key_of(i))
            .collect();
        lines.extend(
            app.arrivals()
                .iter()
                .filter(|key| !in_list.contains(key))
                .filter_map(|key| {
                    let index = library.find(&key.store, &key.id)?;
                    Some(format!(
                        "Breaking news, not in this list: {}",
                        sentence(library.headline(index).title)
                    ))
                }),
        );
        if appended.is_empty() && vanished.is_empty() && library.len() != before {
            lines.push(format!(
                "The stores changed: {} now, none new in this list. Type a to list them all.",
                count(library.len(), "article")
            ));
        }
        lines
    }

    fn answer(&mut self, app: &mut App, act: &mut impl Act, command: Command) -> Reply {
        match command {
            Command::Open(number) if self.gone.is_empty() => {
                act.act(app, Action::OpenNumbered(number));
                self.opened(app)
            }
            Command::Open(number) => {
                if self.gone.binary_search(&number).is_ok() {
                    return Reply::line(format!("Article {number} is no longer in the stores."));
                }
                let numbers = self.numbers(app);
                if number == 0 || number > numbers {
                    let shown = if number == usize::MAX {
                        "that number".to_owned()
                    } else {
                        number.to_string()
                    };
                    return Reply::line(format!(
                        "There is no article {shown}: the list has numbers 1 to {numbers}."
                    ));
                }
                let before = self.gone.iter().filter(|&&g| g < number).count();
                act.act(app, Action::OpenNumbered(number - before));
                self.opened(app)
            }
            Command::Next => {
                act.act(app, Action::NextArticle);
                self.opened(app)
            }
            Command::Previous => {
                act.act(app, Action::PreviousArticle);
                self.opened(app)
            }
            Command::List => {
                self.shown = 0;
                self.page_starts.clear();
                let mut lines = vec![self.list_title(app)];
                lines.extend(self.page(app));
                Reply::lines(lines)
            }
            Command::More => {
                if !self.article_rest.is_empty() {
                    Reply::lines(self.article_page())
                } else if self.shown >= app.visible().len() {
                    Reply::line(format!(
                        "No more: that was the whole list of {}. Type l to list it again.",
                        count(app.visible().len(), "article")
                    ))
                } else {
                    self.page_starts.push(self.page_start);
                    Reply::lines(self.page(app))
                }
            }
            Command::PreviousPage => {
                if self.page_start == 0 {
                    return Reply::line(
                        "This is the first page. Type m for the next one, or l to list from the top.",
                    );
                }
                let start = self
                    .page_starts
                    .pop()
                    .unwrap_or_else(|| self.page_start.saturating_sub(self.layout.page));
                self.page_at(app, start)
            }
            Command::Page(number) => {
                let pages = self.pages(app);
                if number == 0 || number > pages {
                    let shown = if number == usize::MAX {
                        "that number".to_owned()
                    } else {
                        number.to_string()
                    };
                    return Reply::line(format!(
                        "There is no page {shown}: the list has {}, of {} headlines each.",
                        count(pages, "page"),
                        self.layout.page
                    ));
                }
                self.page_starts.clear();
                self.page_at(app, (number - 1) * self.layout.page)
            }
            Command::LastPage => {
                self.page_starts.clear();
                let start = (self.pages(app) - 1) * self.layout.page;
                self.page_at(app, start)
            }
            Command::NextParagraph | Command::PreviousParagraph | Command::Where
                if app.article().is_none() || self.paragraphs.is_empty() =>
            {
                let word = match command {
                    Command::NextParagraph => "np",
                    Command::PreviousParagraph => "pp",
                    _ => "where",
                };
                Reply::line(format!(
                    "No article is open. Type its number first, then {word}."
                ))
            }
            Command::NextParagraph => {
                let last = self.paragraphs.len() - 1;
                match self.paragraph {
                    Some(at) if at >= last => Reply::line(format!(
                        "No next paragraph: that was the last of {}. Type n for the next article.",
                        self.paragraphs.len()
                    )),
                    at => Reply::lines(self.read_paragraph(app, at.map_or(0, |p| p + 1))),
                }
            }
            Command::PreviousParagraph => match self.paragraph {
                Some(at) if at > 0 => Reply::lines(self.read_paragraph(app, at - 1)),
                Some(_) => Reply::line("No previous paragraph: that was the first."),
                None => Reply::line(
                    "No paragraph read yet. Type np for the first paragraph of the article.",
                ),
            },
            Command::Where => Reply::line(self.place(app)),
            Command::Search(words) if words.is_empty() => {
                Reply::line("To search, type / and words, for example /north korea.")
            }
            Command::Search(words) => self.search(app, act, &words),
            Command::History => {
                let searches: Vec<String> = app.search_history().iter().rev().cloned().collect();
                let lines = history_lines(&searches);
                self.searches = Some(searches);
                Reply::lines(lines)
            }
            Command::SearchAgain(number) => {
                let newest_first = || app.search_history().iter().rev().cloned().collect();
                let searches = self.searches.clone().unwrap_or_else(newest_first);
                match number.checked_sub(1).and_then(|at| searches.get(at)) {
                    Some(words) => self.search(app, act, words),
                    None if searches.is_empty() => Reply::line(NO_SEARCHES),
                    None => Reply::line(format!(
                        "No search numbered {number}: there are {}. Type history to list them.",
                        searches.len()
                    )),
                }
            }
            Command::BreakingOnly => self.show_only(
                app,
                act,
                Filter {
                    breaking_only: true,
                    ..Filter::default()
                },
            ),
            Command::UnreadOnly => self.show_only(
                app,
                act,
                Filter {
                    unread_only: true,
                    ..Filter::default()
                },
            ),
            Command::StarredOnly => self.show_only(
                app,
                act,
                Filter {
                    starred_only: true,
                    ..Filter::default()
                },
            ),
            Command::All => self.show_only(app, act, Filter::default()),
            Command::NextStore | Command::PreviousStore => {
                let action = match command {
                    Command::NextStore => Action::NextStore,
                    _ => Action::PreviousStore,
                };
                act.act(app, action);
                self.fresh_list(app, Vec::new())
            }
            Command::Star | Command::ToggleRead => {
                if app.article().is_none() {
                    let key = if command == Command::Star { "s" } else { "r" };
                    return Reply::line(format!(
                        "No article is open. Type its number first, then {key}."
                    ));
                }
                let action = match command {
                    Command::Star => Action::ToggleStar,
                    _ => Action::ToggleRead,
                };
                act.act(app, action);
                Reply::lines(message_lines(app))
            }
            Command::Fetch { all } => {
                let before = app.library().len();
                act.act(app, if all { Action::FetchAll } else { Action::Fetch });
                // The fetch's own reload is taken in before the answer: say what it brought.
                let mut lines = message_lines(app);
                lines.extend(self.changes(app, before));
                Reply::lines(lines)
            }
            Command::Brief => Reply::lines(crate::present::brief::briefing(
                app.library(),
                app.marks(),
                crate::engine::state::Timestamp::now(),
                "type l to list them",
            )),
            Command::Stores => {
                let mut counts = store_rows(app.library(), app.marks(), app.notes());
                sort_stores(&mut counts, false);
                self.stores = counts
                    .iter()
                    .map(|c| (c.listed.clone(), c.name.clone()))
                    .collect();
                let tags = counts
                    .iter()
                    .filter(|c| matches!(c.listed, Listed::Tag(_)))
                    .count();
                let stores = count(counts.len() - tags, "store");
                let mut lines = vec![if tags == 0 {
                    format!("{stores}, newest first. Type store and a number to read one.")
                } else {
                    format!(
                        "{stores}, newest first, then {}. Type store and a number to read one; \
                         a tag's number reads all its stores.",
                        count(tags, "tag")
                    )
                }];
                lines.extend(
                    counts
                        .iter()
                        .enumerate()
                        .map(|(i, c)| format!("Store {}. {}", i + 1, store_sentence(c))),
                );
                Reply::lines(lines)
            }
            Command::Store(number) => {
                let row = number
                    .checked_sub(1)
                    .and_then(|i| self.stores.get(i))
                    .cloned();
                let Some((listed, name)) = row else {
                    return Reply::line(if self.stores.is_empty() {
                        "Type stores first: it lists them numbered.".to_owned()
                    } else {
                        format!("There is no store {number}: type stores to list them.")
                    });
                };
                if let Listed::Tag(tag) = &listed {
                    return match app.tag_filter(tag) {
                        Some(tag) => self.show_only(
                            app,
                            act,
                            Filter {
                                tag: Some(tag),
                                ..Filter::default()
                            },
                        ),
                        None => Reply::line(format!("No feed has the tag {tag} any more.")),
                    };
                }
                match app.library().store_id(&name) {
                    Some(id) => self.show_only(
                        app,
                        act,
                        Filter {
                            store: Some(id),
                            ..Filter::default()
                        },
                    ),
                    None if matches!(listed, Listed::Unfetched(_)) => {
                        Reply::line(format!("No articles from {name} yet."))
                    }
                    None => Reply::line(format!("The store {name} is gone.")),
                }
            }
            Command::NextUnread => {
                let before = (app.selected_article(), app.filter().clone());
                let nothing_open = app.article().is_none();
                act.act(app, Action::NextUnread);
                // Found when the selection moved (maybe into another store's list), or, with
                // nothing open, when the first unread was the selected headline itself.
                let moved = (app.selected_article(), app.filter().clone()) != before;
                let here = nothing_open
                    && app
                        .selected_article()
                        .is_some_and(|index| !app.is_read(index));
                let found = moved || here;
                if found {
                    // Plain mode prints the article found (the message is for the screen).
                    act.act(app, Action::Open);
                }
                self.opened(app)
            }
            Command::MarkAllRead | Command::Undo => {
                let action = match command {
                    Command::MarkAllRead => Action::MarkAllRead,
                    _ => Action::UndoMarkAll,
                };
                act.act(app, action);
                Reply::lines(message_lines(app))
            }
            Command::Links => {
                let Some(text) = app.article().and_then(|a| a.text.clone()) else {
                    return Reply::line("No article is open. Type its number first, then links.");
                };
                let listed = text.listed_links();
                if listed.is_empty() {
                    return Reply::line("This article has no links.");
                }
                let mut lines = vec![format!(
                    "{}. Type open and a number to open one, copy and a number to copy one.",
                    capitalized(&count(listed.len(), "link"))
                )];
                lines.extend(listed.iter().map(|link| format!("{}.", link.sentence())));
                Reply::lines(lines)
            }
            Command::OpenLink(number) | Command::CopyLink(number) => {
                if app.article().is_none() {
                    return Reply::line(
                        "No article is open. Type its number first, then links to list its links.",
                    );
                }
                let copy = matches!(command, Command::CopyLink(_));
                let action = match (copy, number) {
                    (false, None) => Action::OpenLink,
                    (true, None) => Action::CopyLink,
                    (false, Some(n)) => Action::OpenLinkNumbered(n),
                    (true, Some(n)) => Action::CopyLinkNumbered(n),
                };
                act.act(app, action);
                Reply::lines(message_lines(app))
            }
            Command::Sort(None) => Reply::line(format!(
                "The list is {}. Type sort date, sort unread, sort store or sort title.",
                app.sort().label()
            )),
            // A sort makes a new list, as a filter does: the numbers start again from 1, and
            // the list is printed again so the reader hears the new numbers before using one.
            Command::Sort(Some(sort)) => {
                act.act(app, Action::SortBy(sort));
                let lines = message_lines(app);
                self.fresh_list(app, lines)
            }
            Command::Same(field) => {
                if app.article().is_none() {
                    return Reply::line(format!(
                        "No article is open. Type its number first, then same {}.",
                        field.name()
                    ));
                }
                let before = app.filter().scope.clone();
                act.act(
                    app,
                    match field {
                        Field::Section => Action::SameSection,
                        Field::Author => Action::SameAuthor,
                        Field::Tag => Action::SameTag,
                    },
                );
                let lines = message_lines(app);
                if app.filter().scope == before {
                    // The article has none: the list and its numbers are as they were.
                    return Reply::lines(lines);
                }
                // A new list, as a filter makes: numbered from 1 and printed again.
                self.fresh_list(app, lines)
            }
            Command::Help => Reply::lines(render::help()),
            Command::Quit => {
                act.act(app, Action::Quit);
                Reply {
                    quit: true,
                    ..Reply::default()
                }
            }
            Command::Nothing => Reply::default(),
            Command::Unknown(text) => Reply::line(format!(
                "Unknown command: {}. Type h for help.",
                echo(&text)
            )),
        }
    }

    /// Searches for `words` (as typed, or from the history): the matches become the list.
    fn search(&mut self, app: &mut App, act: &mut impl Act, words: &str) -> Reply {
        let words = sanitize_line(words).into_owned();
        self.show_only(
            app,
            act,
            Filter {
                query: Some(words),
                ..Filter::default()
            },
        )
    }

    /// `All articles: 47.`, `Search for ivanov: 1 article.`
    fn list_title(&self, app: &App) -> String {
        let query = self.query.as_deref().map(echo);
        render::list_title(
            app.library(),
            app.filter(),
            query.as_deref(),
            app.visible().len(),
        )
    }

    /// Makes `filter` the list, unless it matches nothing: then the app keeps the list (so the
    /// numbers the reader knows still work) and says so.
    fn show_only(&mut self, app: &mut App, act: &mut impl Act, filter: Filter) -> Reply {
        let query = filter.query.clone();
        act.act(app, Action::ShowOnly(filter));
        if app.message().is_some() {
            return Reply::lines(message_lines(app));
        }
        self.query = query;
        self.fresh_list(app, Vec::new())
    }

    /// A command made a new list: `before` (what it said), then the list's title and first
    /// page, numbered from 1.
    fn fresh_list(&mut self, app: &App, mut before: Vec<String>) -> Reply {
        self.renumber();
        self.shown = 0;
        self.page_starts.clear();
        before.push(self.list_title(app));
        before.extend(self.page(app));
        Reply::lines(before)
    }

    /// How many pages of `Layout::page` headlines the list has (at least 1).
    fn pages(&self, app: &App) -> usize {
        app.visible().len().div_ceil(self.layout.page).max(1)
    }

    /// The page of the list that begins at position `start`, said as such: `Page 3 of 25.`
    fn page_at(&mut self, app: &App, start: usize) -> Reply {
        self.shown = start.min(app.visible().len());
        let mut lines = vec![format!(
            "Page {} of {}.",
            start / self.layout.page + 1,
            self.pages(app)
        )];
        lines.extend(self.page(app));
        Reply::lines(lines)
    }

    /// The open article's paragraph `at`, wrapped, and where it is.
    fn read_paragraph(&mut self, app: &App, at: usize) -> Vec<String> {
        self.paragraph = Some(at);
        let Some(range) = self.paragraphs.get(at).cloned() else {
            return Vec::new();
        };
        let mut lines = self.article_lines[range].to_vec();
        lines.push(self.place(app));
        lines
    }

    /// `Article 3 of 48: paragraph 4 of 9, lines 20 to 25 of 60.`
    fn place(&self, app: &App) -> String {
        let article = format!(
            "Article {} of {}",
            self.number(app.selected().unwrap_or(0)),
            self.numbers(app)
        );
        let of = self.paragraphs.len();
        match self
            .paragraph
            .and_then(|at| Some((at, self.paragraphs.get(at)?)))
        {
            Some((at, range)) => format!(
                "{article}: paragraph {} of {of}, lines {} to {} of {}.",
                at + 1,
                range.start + 1,
                range.end,
                self.article_lines.len()
            ),
            None => {
                let shown = self.article_len - self.article_rest.len();
                let seen = self.paragraphs.iter().filter(|p| p.start < shown).count();
                format!(
                    "{article}: shown lines 1 to {shown} of {}, paragraphs 1 to {seen} of {of}. \
                     Type np to read it paragraph by paragraph.",
                    self.article_len
                )
            }
        }
    }

    /// The next page of the list, and a line saying how to get more when there is more.
    fn page(&mut self, app: &App) -> Vec<String> {
        self.article_rest.clear();
        self.page_start = self.shown;
        let list = app.visible();
        if list.is_empty() {
            return vec!["The list is empty.".to_owned()];
        }
        let mut lines = Vec::new();
        let mut rows = 0;
        let mut end = self.shown;
        while end < list.len() {
            let line = render::headline(app.library(), app.marks(), self.number(end), list[end]);
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
        if end < list.len() {
            lines.push(format!(
                "Shown {} of {}. Type m for more.",
                self.number(end - 1),
                self.numbers(app)
            ));
        }
        lines
    }

    /// After an action that opens an article: the article, or what the app said instead.
    fn opened(&mut self, app: &App) -> Reply {
        if let Some(message) = app.message() {
            return Reply::line(sentence(&message.text));
        }
        let Some(article) = app.article() else {
            return Reply::line("The list is empty.");
        };
        let lines = article
            .lines
            .as_deref()
            .map(crate::engine::article::Lines::texts)
            .unwrap_or_default();
        let mut lines = self.fit(lines);
        self.article_lines = lines.clone();
        self.paragraphs = paragraphs(&self.article_lines);
        self.paragraph = None;
        let number = self.number(app.selected().unwrap_or(0));
        lines.push(format!("End of article {number} of {}.", self.numbers(app)));
        self.article_len = lines.len();
        self.article_rest = lines;
        Reply::lines(self.article_page())
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
}

/// The paragraphs of an article's lines: runs of lines with text, between blank lines.
fn paragraphs(lines: &[String]) -> Vec<std::ops::Range<usize>> {
    let mut found = Vec::new();
    let mut start = None;
    for (at, line) in lines.iter().enumerate() {
        match (line.trim().is_empty(), start) {
            (true, Some(begun)) => {
                found.push(begun..at);
                start = None;
            }
            (false, None) => start = Some(at),
            _ => {}
        }
    }
    if let Some(begun) = start {
        found.push(begun..lines.len());
    }
    found
}

/// What `history` and `/!N` say when nothing has been searched yet.
const NO_SEARCHES: &str =
    "No past searches yet. Type / and words to search, for example /north korea.";

/// `history`: how many, how to use them, then one numbered line each (newest first).
fn history_lines(newest_first: &[String]) -> Vec<String> {
    if newest_first.is_empty() {
        return vec![NO_SEARCHES.to_owned()];
    }
    let mut lines = vec![format!(
        "Past searches, newest first: {}. To search again for one, type /! and its number.",
        newest_first.len()
    )];
    lines.extend(
        newest_first
            .iter()
            .enumerate()
            .map(|(n, words)| format!("{}. {}", n + 1, echo(words))),
    );
    lines
}

/// The app's message as plain mode says it: a sentence, a problem said as one.
pub fn message_lines(app: &App) -> Vec<String> {
    app.message()
        .map(|message| match message.kind {
            MessageKind::Info => sentence(&message.text),
            MessageKind::Error => format!("Problem: {}", sentence(&message.text)),
        })
        .into_iter()
        .collect()
}

/// Text the reader typed, made safe to print back: no control characters, not too long.
fn echo(text: &str) -> String {
    let clean = sanitize_line(text);
    crate::text::truncate_to_width(&clean, ECHO_LIMIT)
}
