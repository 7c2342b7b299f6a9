//! A plain-mode session: what one command does, as actions on the shared [`App`], and what is
//! printed about it. The app does the reading, marking, filtering and searching, exactly as for
//! the full-screen reader; the session keeps only what is about printing: how much of the
//! list and of the open article has been printed.
//!
//! Actions go through an [`Act`] (the loop's: update, then carry out the effects and wait for
//! the runtime's answers), so everything here is testable with jobs done inline.

use super::command::Command;
use super::render::{self, count, sentence};
use crate::app::{Action, App, Filter, MessageKind};
use crate::text::wrap::{is_url, wrap_paragraph_keeping_urls};
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
    /// How many items of the list have been printed since it was last printed from the top.
    shown: usize,
    /// The query the list was searched for, as typed (made safe to print).
    query: Option<String>,
    /// Lines of the open article not printed yet (when articles are paged), for `m`.
    article_rest: Vec<String>,
    /// How many lines the open article has in all.
    article_len: usize,
}

impl Session {
    pub fn new(layout: Layout) -> Self {
        Self {
            layout: layout.checked(),
            shown: 0,
            query: None,
            article_rest: Vec::new(),
            article_len: 0,
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

    fn fit(&self, lines: Vec<String>) -> Vec<String> {
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

    fn answer(&mut self, app: &mut App, act: &mut impl Act, command: Command) -> Reply {
        match command {
            Command::Open(number) => {
                act.act(app, Action::OpenNumbered(number));
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
                    Reply::lines(self.page(app))
                }
            }
            Command::Search(words) if words.is_empty() => {
                Reply::line("To search, type / and words, for example /north korea.")
            }
            Command::Search(words) => {
                let words = sanitize_line(&words).into_owned();
                self.show_only(
                    app,
                    act,
                    Filter {
                        query: Some(words),
                        ..Filter::default()
                    },
                )
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
                self.shown = 0;
                let mut lines = vec![self.list_title(app)];
                lines.extend(self.page(app));
                Reply::lines(lines)
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
                act.act(app, if all { Action::FetchAll } else { Action::Fetch });
                Reply::lines(message_lines(app))
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
        self.shown = 0;
        let mut lines = vec![self.list_title(app)];
        lines.extend(self.page(app));
        Reply::lines(lines)
    }

    /// The next page of the list, and a line saying how to get more when there is more.
    fn page(&mut self, app: &App) -> Vec<String> {
        self.article_rest.clear();
        let list = app.visible();
        if list.is_empty() {
            return vec!["The list is empty.".to_owned()];
        }
        let mut lines = Vec::new();
        let mut rows = 0;
        let mut end = self.shown;
        while end < list.len() {
            let line = render::headline(app.library(), app.marks(), end + 1, list[end]);
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
            lines.push(format!("Shown {end} of {}. Type m for more.", list.len()));
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
        let mut lines = article
            .lines
            .as_deref()
            .map(crate::engine::article::Lines::texts)
            .unwrap_or_default();
        let position = app.selected().map_or(1, |p| p + 1);
        lines.push(format!(
            "End of article {position} of {}.",
            app.visible().len()
        ));
        let lines = self.fit(lines);
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
