//! Plain mode: Herald for screen readers and braille displays. Line-oriented and append-only:
//! it prints whole sentences and reads one command per line. No alternate screen, no cursor
//! movement, no colour, no carriage-return overwrites, no decorative glyphs, no escape byte at
//! all, so everything it says stays in the terminal's own scrollback and is read once.
//!
//! It is the second presenter of the same [`App`] the full-screen reader draws: each command
//! resolves to the app's actions, the same `update` applies them, the same runtime does the
//! work; only the presentation differs.
//!
//! - [`command`] turns a line of input into a [`Command`] (pure).
//! - [`render`] makes the sentences (pure).
//! - [`session`] turns commands into actions and says what they did.
//! - This module runs the loop: it reads input, applies actions (waiting for the runtime's
//!   answers, since every answer is printed whole), takes store changes in between commands,
//!   and decides when plain mode is on.

pub mod command;
pub mod render;
pub mod session;

use std::collections::VecDeque;
use std::io::{self, BufRead, IsTerminal, Write};
use std::sync::mpsc::{Receiver, channel};

pub use command::{Command, parse};
pub use session::{Act, Layout, Reply, Session};

use crate::app::{Action, App, Effect, MessageKind, Options, update};
use crate::engine::runtime::{Context, Done, Inline, Job, Runtime};
use crate::engine::state::Timestamp;
use crate::engine::{Library, Stores};

/// Article text width when the output is not a terminal (and no `--width`).
pub const DEFAULT_WIDTH: usize = 80;
/// Headlines per page when the output is not a terminal.
pub const DEFAULT_PAGE: usize = 20;
/// Lines of a terminal kept free of headlines: the "more" line, the reader's command and its
/// echo, so a page never scrolls its first headline out of sight.
const PAGE_MARGIN: u16 = 4;

/// Everything that can turn plain mode on, gathered from the command line, config and
/// environment so the decision itself ([`Triggers::plain`]) is a pure function.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Triggers {
    /// `--plain`.
    pub flag: bool,
    /// `plain = true|false` in the config file.
    pub config: Option<bool>,
    /// `HERALD_PLAIN`.
    pub herald_plain: Option<String>,
    /// `ACCESSIBLE`, the generic opt-in some other terminal programs honour.
    pub accessible: Option<String>,
    /// `TERM`.
    pub term: Option<String>,
    pub stdin_is_terminal: bool,
    pub stdout_is_terminal: bool,
}

impl Triggers {
    /// Reads the environment and whether stdin and stdout are terminals.
    pub fn from_environment(flag: bool, config: Option<bool>) -> Self {
        let var = |name: &str| std::env::var_os(name).map(|v| v.to_string_lossy().into_owned());
        Self {
            flag,
            config,
            herald_plain: var("HERALD_PLAIN"),
            accessible: var("ACCESSIBLE"),
            term: var("TERM"),
            stdin_is_terminal: io::stdin().is_terminal(),
            stdout_is_terminal: io::stdout().is_terminal(),
        }
    }

    /// True when Herald should read in plain mode.
    ///
    /// Plain mode is forced when the full-screen reader cannot work: `TERM` unset, empty or
    /// `dumb`, or stdin or stdout not a terminal. Otherwise the most specific choice wins:
    /// `--plain`, then `HERALD_PLAIN` (`0`, `false`, `no` or `off` turn it off; any other
    /// non-empty value on), then `plain` in the config file, then `ACCESSIBLE` (non-empty).
    /// Screen readers are never detected: nothing reliable says one is running, least of all
    /// over SSH.
    pub fn plain(&self) -> bool {
        if term_is_dumb(self.term.as_deref())
            || !self.stdin_is_terminal
            || !self.stdout_is_terminal
            || self.flag
        {
            return true;
        }
        if let Some(choice) = self.herald_plain.as_deref().and_then(env_choice) {
            return choice;
        }
        if let Some(choice) = self.config {
            return choice;
        }
        self.accessible.as_deref().is_some_and(|v| !v.is_empty())
    }
}

/// Whether a terminal of this `TERM` cannot show the full-screen reader: unset, empty or
/// `dumb` (Emacs shell buffers, some braille terminals, `TERM=dumb` by hand).
pub fn term_is_dumb(term: Option<&str>) -> bool {
    term.is_none_or(|term| term.is_empty() || term == "dumb")
}

/// `HERALD_PLAIN`'s value as a choice; empty counts as unset (as with `NO_COLOR`).
fn env_choice(value: &str) -> Option<bool> {
    match value.trim().to_ascii_lowercase().as_str() {
        "" => None,
        "0" | "false" | "no" | "off" => Some(false),
        _ => Some(true),
    }
}

/// True when `herald` (with no subcommand) should run in plain mode: `--plain`, config `plain`,
/// the environment, or a terminal that cannot show the full-screen reader.
pub fn wants_plain(flag: bool, config: Option<bool>) -> bool {
    Triggers::from_environment(flag, config).plain()
}

/// Width and page size from the terminal, or the defaults when output is not a terminal.
/// Reads the size from the kernel (no query is written to the terminal).
pub fn detect_layout(width: Option<u16>) -> Layout {
    // A pseudo-terminal nobody sized reports 0 x 0: that is "unknown", not "tiny".
    let size = if io::stdout().is_terminal() {
        ratatui::crossterm::terminal::size().ok()
    } else {
        None
    };
    layout_for(size, width)
}

/// Width and page size for a terminal of `size` (columns, rows; None or 0 x 0: unknown),
/// `width` if the user gave one.
pub fn layout_for(size: Option<(u16, u16)>, width: Option<u16>) -> Layout {
    let size = size.filter(|&(columns, rows)| columns > 0 && rows > 0);
    let screen = size.map(|(_, rows)| usize::from(rows.saturating_sub(PAGE_MARGIN).max(5)));
    let width = width
        .map(usize::from)
        .unwrap_or_else(|| size.map_or(DEFAULT_WIDTH, |(columns, _)| usize::from(columns.max(20))));
    Layout {
        width,
        page: screen.unwrap_or(DEFAULT_PAGE),
        screen,
    }
}

/// Carries out what actions ask for, and waits for the answers: through the runtime's threads
/// (the real loop), or at once on this thread ([`Inline`], for tests).
pub struct Driver {
    work: Work,
    /// Marks changed: save them once the command is answered.
    save_wanted: bool,
    /// Where `fetch` gets feeds from (None: it says it cannot).
    fetcher: Option<(
        crate::produce::fetch::Places,
        crate::produce::fetch::http::Limits,
    )>,
    /// The stores read, for the notes read again after a fetch.
    sources: Vec<crate::engine::store::StoreSource>,
}

enum Work {
    Threads {
        runtime: Runtime,
        answers: Receiver<Done>,
    },
    Inline(Inline),
}

impl Driver {
    /// The runtime's threads, answering on a channel of their own.
    pub fn threads(context: Context) -> Self {
        let (tx, answers) = channel();
        let runtime = Runtime::start(context, move |done| {
            let _ = tx.send(done);
        });
        Self {
            work: Work::Threads { runtime, answers },
            save_wanted: false,
            fetcher: None,
            sources: Vec::new(),
        }
    }

    /// Every job done at once, on this thread.
    pub fn inline(context: Context) -> Self {
        Self {
            work: Work::Inline(Inline { context }),
            save_wanted: false,
            fetcher: None,
            sources: Vec::new(),
        }
    }

    /// `fetch` gets the feeds of `places`, within `limits`; the notes on the stores in
    /// `sources` are read again after it.
    #[must_use]
    pub fn with_fetcher(
        mut self,
        places: crate::produce::fetch::Places,
        limits: crate::produce::fetch::http::Limits,
        sources: Vec<crate::engine::store::StoreSource>,
    ) -> Self {
        self.fetcher = Some((places, limits));
        self.sources = sources;
        self
    }

    /// feeds.toml and the schedule as the last fetch left them (None: no fetcher).
    fn notes(&self) -> Option<Action> {
        let (places, _) = self.fetcher.as_ref()?;
        let (notes, _) =
            crate::present::notes::load(&places.feeds, places.schedule.as_deref(), &self.sources);
        Some(Action::NotesChanged(std::sync::Arc::new(notes)))
    }

    /// A fetch, done before the answer: plain mode says its result in one line, and the new
    /// articles are announced at the next prompt, as any change to the stores is.
    fn fetch(&self, all: bool) -> Action {
        let Some((places, limits)) = &self.fetcher else {
            return Action::Fetched {
                summary: "There is no config folder, so no feeds.toml to fetch from".to_owned(),
                failed: true,
            };
        };
        match crate::produce::fetch::fetch(places, &[], all, *limits, &|_, _| {}) {
            Ok(fetched) => Action::Fetched {
                summary: crate::text::sanitize_line(&fetched.summary()).into_owned(),
                failed: fetched.failed() > 0,
            },
            Err(problem) => Action::Fetched {
                summary: format!("Could not fetch: {problem}"),
                failed: true,
            },
        }
    }

    fn submit(&mut self, job: Job) -> Option<Done> {
        match &mut self.work {
            Work::Threads { runtime, .. } => {
                runtime.submit(job);
                None
            }
            Work::Inline(inline) => inline.run(job),
        }
    }

    /// The next answer from the runtime (None: there will be none).
    fn answer(&mut self) -> Option<Done> {
        match &mut self.work {
            Work::Threads { answers, .. } => answers.recv().ok(),
            Work::Inline(_) => None,
        }
    }

    /// Saves the marks the last commands changed; the problem, if the save failed.
    pub fn save(&mut self, app: &mut App) -> Option<String> {
        if !std::mem::take(&mut self.save_wanted) {
            return None;
        }
        self.act(app, Action::SaveNow);
        app.message()
            .filter(|m| m.kind == MessageKind::Error)
            .and_then(|m| m.text.strip_prefix(SAVE_FAILED))
            .map(str::to_owned)
    }

    /// Waits for the saves asked for so far; the last one's outcome.
    pub fn flush_saves(&mut self) -> Result<(), String> {
        match &mut self.work {
            Work::Threads { runtime, .. } => {
                runtime.flush_saves(crate::engine::runtime::FINAL_SAVE_WITHIN)
            }
            Work::Inline(_) => Ok(()),
        }
    }
}

/// How the app says a save failed.
const SAVE_FAILED: &str = "could not save read marks: ";

impl Act for Driver {
    /// Applies `action`, then every answer it leads to, until the app waits for nothing: a
    /// plain-mode answer is printed whole, so it is printed only then. Marks are saved once the
    /// command is answered (every command is a pause in the keys): see [`Driver::save`].
    fn act(&mut self, app: &mut App, action: Action) {
        let mut queue = VecDeque::from([action]);
        loop {
            while let Some(action) = queue.pop_front() {
                for effect in update(app, action, Timestamp::now()) {
                    match effect {
                        Effect::Job(job) => {
                            if let Some(done) = self.submit(job) {
                                queue.push_back(Action::Done(done));
                            }
                        }
                        Effect::SaveSoon => self.save_wanted = true,
                        Effect::Fetch { all } => {
                            // Taken in now, so the next command already lists what came.
                            queue.push_back(Action::StoresChanged);
                            let ended = self.fetch(all);
                            queue.extend(self.notes());
                            queue.push_back(ended);
                        }
                        // Drawing, the terminal and the clipboard are the other presenter's.
                        _ => {}
                    }
                }
            }
            if !app.is_waiting() {
                return;
            }
            match self.answer() {
                Some(done) => queue.push_back(Action::Done(done)),
                None => return,
            }
        }
    }
}

/// Runs plain mode on stdin and `out`: the user's reader state, and the stores behind `stores`
/// watched (changes are taken in before the next command).
pub fn run_stdio(
    stores: &Stores,
    library: Library,
    width: Option<u16>,
    fetch_limits: crate::produce::fetch::http::Limits,
    opener: Vec<String>,
    out: &mut impl Write,
) -> io::Result<()> {
    let (marks, state_file, mut problems) = crate::present::reader::open_state();
    let (history, history_file, history_problems) = crate::present::reader::open_history();
    problems.extend(history_problems);
    let mut notes: Vec<String> = problems
        .iter()
        .map(|p| format!("Problem: {}", render::sentence(p)))
        .collect();
    let (changed, changes) = channel::<()>();
    let _live =
        match crate::engine::watch::watch(stores.sources(), move || changed.send(()).is_ok()) {
            Ok((live, problems)) => {
                notes.extend(
                    problems
                        .iter()
                        .map(|p| format!("Problem: {}", render::sentence(p))),
                );
                Some(live)
            }
            Err(_) => None,
        };
    let places = crate::paths::feeds_file().map(crate::produce::fetch::Places::default_for);
    let mut feed_notes = crate::app::FeedNotes::default();
    if let Some(places) = &places {
        let (loaded, problems) = crate::present::notes::load(
            &places.feeds,
            places.schedule.as_deref(),
            stores.sources(),
        );
        notes.extend(
            problems
                .iter()
                .map(|p| format!("Problem: {}", render::sentence(p))),
        );
        feed_notes = loaded;
    }
    let layout = detect_layout(width);
    let app = App::new(library, marks, Options::default(), (0, 0), Vec::new())
        .on_lines(layout.width)
        .with_search_history(history)
        .with_notes(std::sync::Arc::new(feed_notes));
    let mut driver = Driver::threads(Context {
        reloads: std::sync::Arc::new(stores.clone()),
        state: state_file,
        history: history_file,
        opener,
    });
    if let Some(places) = places {
        driver = driver.with_fetcher(places, fetch_limits, stores.sources().to_vec());
    }
    let mut changed = || {
        // Every notification since the last command is one reload.
        let mut any = false;
        while changes.try_recv().is_ok() {
            any = true;
        }
        any
    };
    let result = run(
        app,
        &mut driver,
        layout,
        &notes,
        io::stdin().lock(),
        out,
        &mut changed,
    );
    // Marks made just before the end are on disk before Herald exits, or it says they are not.
    if let Err(problem) = driver.flush_saves() {
        writeln!(
            out,
            "Problem: could not save read and starred marks: {}",
            render::sentence(&problem)
        )?;
        out.flush()?;
    }
    result
}

/// The session loop: prints `notes` and the start, then answers one command per line until `q`
/// or the end of input. Output is flushed after every answer, so it is spoken as soon as it is
/// complete. A failed save is reported once; later saves keep trying quietly.
///
/// Before each command, `changed` says whether the stores changed since the last one; if so
/// they are reloaded before the command is answered, and what that did to the list is said
/// (see [`Session::changes`]): new articles get new numbers at the end of the list, and no
/// number the reader has heard changes. Plain mode never prints unasked: a screen reader would
/// speak it over whatever the reader is doing.
pub fn run(
    mut app: App,
    driver: &mut Driver,
    layout: Layout,
    notes: &[String],
    mut input: impl BufRead,
    out: &mut impl Write,
    changed: &mut dyn FnMut() -> bool,
) -> io::Result<()> {
    let mut session = Session::new(layout);
    print(out, notes)?;
    print(out, &session.start(&app))?;
    let mut save_reported = false;
    let mut line = Vec::new();
    loop {
        line.clear();
        if input.read_until(b'\n', &mut line)? == 0 {
            // The end of input: leave as `q` would.
            driver.act(&mut app, Action::Quit);
            return Ok(());
        }
        let text = String::from_utf8_lossy(&line).into_owned();
        if changed() {
            let before = app.library().len();
            driver.act(&mut app, Action::StoresChanged);
            let mut lines = problems(&app);
            lines.extend(session.changes(&app, before));
            print(out, &session.fit(lines))?;
        }
        let reply = session.handle(&mut app, driver, parse(&text));
        print(out, &reply.lines)?;
        if let Some(problem) = driver.save(&mut app)
            && !std::mem::replace(&mut save_reported, true)
        {
            print(
                out,
                &[format!(
                    "Problem: could not save read and starred marks: {}",
                    render::sentence(&problem)
                )],
            )?;
        }
        if reply.quit {
            return Ok(());
        }
    }
}

/// What a reload found wrong with the stores, or that the problems are gone.
fn problems(app: &App) -> Vec<String> {
    let mut lines: Vec<String> = app
        .reload_problems()
        .iter()
        .map(|p| format!("Problem: {}", render::sentence(p)))
        .collect();
    if app.problems_cleared() {
        lines.push(render::sentence(crate::app::PROBLEMS_CLEARED));
    }
    lines
}

fn print(out: &mut impl Write, lines: &[String]) -> io::Result<()> {
    for line in lines {
        writeln!(out, "{line}")?;
    }
    out.flush()
}
#[cfg(test)]
mod tests {
    use super::*;

    fn terminal() -> Triggers {
        Triggers {
            term: Some("xterm-256color".into()),
            stdin_is_terminal: true,
            stdout_is_terminal: true,
            ..Triggers::default()
        }
    }

    #[test]
    fn a_real_terminal_with_no_choice_is_not_plain() {
        assert!(!terminal().plain());
    }

    #[test]
    fn each_trigger_turns_plain_mode_on() {
        let cases = [
            (
                "--plain",
                Triggers {
                    flag: true,
                    ..terminal()
                },
            ),
            (
                "config plain = true",
                Triggers {
                    config: Some(true),
                    ..terminal()
                },
            ),
            (
                "HERALD_PLAIN=1",
                Triggers {
                    herald_plain: Some("1".into()),
                    ..terminal()
                },
            ),
            (
                "HERALD_PLAIN=yes",
                Triggers {
                    herald_plain: Some("yes".into()),
                    ..terminal()
                },
            ),
            (
                "ACCESSIBLE=1",
                Triggers {
                    accessible: Some("1".into()),
                    ..terminal()
                },
            ),
            (
                "TERM=dumb",
                Triggers {
                    term: Some("dumb".into()),
                    ..terminal()
                },
            ),
            (
                "TERM unset",
                Triggers {
                    term: None,
                    ..terminal()
                },
            ),
            (
                "TERM empty",
                Triggers {
                    term: Some(String::new()),
                    ..terminal()
                },
            ),
            (
                "stdin piped",
                Triggers {
                    stdin_is_terminal: false,
                    ..terminal()
                },
            ),
            (
                "stdout piped",
                Triggers {
                    stdout_is_terminal: false,
                    ..terminal()
                },
            ),
        ];
        for (name, triggers) in cases {
            assert!(triggers.plain(), "{name} should select plain mode");
        }
    }

    #[test]
    fn the_most_specific_choice_wins_but_a_dumb_terminal_always_gets_plain() {
        let off = |t: Triggers| !t.plain();
        assert!(off(Triggers {
            accessible: Some(String::new()),
            ..terminal()
        }));
        assert!(off(Triggers {
            herald_plain: Some(String::new()),
            ..terminal()
        }));
        assert!(off(Triggers {
            config: Some(false),
            accessible: Some("1".into()),
            ..terminal()
        }));
        assert!(off(Triggers {
            herald_plain: Some("0".into()),
            config: Some(true),
            ..terminal()
        }));
        assert!(off(Triggers {
            herald_plain: Some("off".into()),
            accessible: Some("1".into()),
            ..terminal()
        }));
        assert!(
            Triggers {
                flag: true,
                herald_plain: Some("0".into()),
                ..terminal()
            }
            .plain()
        );
        assert!(
            Triggers {
                term: Some("dumb".into()),
                herald_plain: Some("0".into()),
                ..terminal()
            }
            .plain()
        );
        assert!(
            Triggers {
                stdin_is_terminal: false,
                config: Some(false),
                ..terminal()
            }
            .plain()
        );
    }
}
