//! The full-screen reader: its run loop, and its start-up over a real terminal.
//!
//! The loop is generic over the ratatui backend, the source of inputs and the host that hands
//! jobs to the runtime, so tests drive the very same loop with scripted keys on a
//! `TestBackend`. One channel brings everything: keys, resizes, signals, store changes and the
//! runtime's answers. The loop blocks on it, applies each input with `update`, hands the jobs
//! on, and draws when there is nothing left to apply: idle means zero bytes written, and a
//! burst of keys or resizes is one frame.

use std::collections::VecDeque;
use std::io;
use std::process::ExitCode;
use std::sync::mpsc::{Receiver, RecvTimeoutError, channel};
use std::time::{Duration, Instant};

use ratatui::Terminal;
use ratatui::backend::Backend;

use crate::app::{Action, App, Effect, Exit, Options, TerminalCaps, update};
use crate::config::FileConfig;
use crate::config::resolve::{self, Environment, Flags};
use crate::engine::runtime::{self, Context, Done, Job, Runtime};
use crate::engine::state::history::HistoryFile;
use crate::engine::state::{self, Marks, Timestamp};
use crate::engine::{Library, Stores};
use crate::present::notify::Notifier;
use term::Input;

pub mod backend;
pub mod term;
pub mod ui;
pub mod wide;

/// Where the loop gets its inputs. `None` ends the loop as if the user quit.
pub trait Events {
    fn next_input(&mut self) -> Option<Input>;
    /// The next input if one comes before `deadline`.
    fn next_input_until(&mut self, deadline: Instant) -> Waited;
    /// An input that is already waiting, if any: resizes are gathered with it.
    fn waiting_input(&mut self) -> Option<Input>;
}

/// What waiting for an input until a deadline gave.
#[derive(Debug)]
pub enum Waited {
    Input(Input),
    /// Nothing came in time.
    Quiet,
    /// No input will ever come.
    Closed,
}

impl Events for Receiver<Input> {
    fn next_input(&mut self) -> Option<Input> {
        self.recv().ok()
    }

    fn next_input_until(&mut self, deadline: Instant) -> Waited {
        match self.recv_timeout(deadline.saturating_duration_since(Instant::now())) {
            Ok(input) => Waited::Input(input),
            Err(RecvTimeoutError::Timeout) => Waited::Quiet,
            Err(RecvTimeoutError::Disconnected) => Waited::Closed,
        }
    }

    fn waiting_input(&mut self) -> Option<Input> {
        self.try_recv().ok()
    }
}

/// How long the reader waits for a pause in the keys before saving its state: a save syncs to
/// disk, which can take longer than many key presses, and no key should wait for one.
pub const SAVE_WHEN_QUIET_FOR: Duration = Duration::from_millis(300);

/// After asking for an article or a search, the loop waits this long for the answer before
/// drawing, so a quick one draws its result at once instead of "Opening..." or "Searching..."
/// first (a screen reader would speak both). A slow one is drawn as such, then as its result.
pub const ANSWER_WAIT: Duration = Duration::from_millis(2);

/// A fixed script of inputs, for tests.
#[derive(Debug, Default)]
pub struct Script(pub VecDeque<Input>);

impl Script {
    pub fn new(inputs: impl IntoIterator<Item = Input>) -> Self {
        Self(inputs.into_iter().collect())
    }
}

impl Events for Script {
    fn next_input(&mut self) -> Option<Input> {
        self.0.pop_front()
    }

    /// A script is typed slowly: there is a pause after every input.
    fn next_input_until(&mut self, _deadline: Instant) -> Waited {
        Waited::Quiet
    }

    fn waiting_input(&mut self) -> Option<Input> {
        None
    }
}

/// What the loop asks of the world beyond the screen.
pub trait Host {
    /// Hands `job` to the runtime. A host that does the job at once returns its answer, which
    /// the loop applies next; the real one returns None and the answer comes as an input.
    fn submit(&mut self, job: Job) -> Option<Done>;
    /// Waits for the saves asked for so far; the last one's outcome.
    fn flush_saves(&mut self) -> Result<(), String>;
    fn suspend(&mut self) -> io::Result<()>;
    fn reenter(&mut self) -> io::Result<()>;
    /// Writes Herald's own escape sequences (OSC 52, OSC 8) to the terminal, after the frame.
    fn write_terminal(&mut self, bytes: &[u8]) -> io::Result<()> {
        let _ = bytes;
        Ok(())
    }
    /// The time an action happens at.
    fn now(&mut self) -> Timestamp {
        Timestamp::now()
    }
    /// Desktop notifications, when they are on (decided once at start): the loop gives it the
    /// arrivals, waits for its due time and writes what it gives with
    /// [`Self::write_terminal`].
    fn notifier(&mut self) -> Option<&mut Notifier<Instant>> {
        None
    }
    /// Starts a fetch of the subscribed feeds in the background; its progress and its end
    /// come back as inputs. A host without feeds says so at once, as an end.
    fn fetch(&mut self, all: bool) -> Option<Input> {
        let _ = all;
        Some(Input::Fetched {
            summary: "Fetching is not available here".to_owned(),
            failed: true,
        })
    }
}

/// The real host: the runtime's threads and the terminal.
pub struct RealHost {
    pub runtime: Runtime,
    /// Where fetches run, and where their news goes.
    pub fetcher: Option<Fetcher>,
    pub notifier: Option<Notifier<Instant>>,
}

/// What a fetch from the reader needs: the subscriptions and schedule, the limits, and the
/// way back to the loop.
pub struct Fetcher {
    pub places: std::sync::Arc<crate::produce::fetch::Places>,
    pub limits: crate::produce::fetch::http::Limits,
    pub inputs: std::sync::mpsc::Sender<Input>,
    /// The stores the reader reads, for the notes read again after the fetch.
    pub sources: std::sync::Arc<[crate::engine::store::StoreSource]>,
}

impl Fetcher {
    fn start(&self, all: bool) {
        let (places, limits, inputs) = (self.places.clone(), self.limits, self.inputs.clone());
        let sources = self.sources.clone();
        crate::engine::runtime::spawn_background("herald-fetch", move || {
            // A Sender is Sync: the workers of the run share this one.
            let progress = |done: usize, total: usize| {
                let _ = inputs.send(Input::FetchProgress(done, total));
            };
            let ended = match crate::produce::fetch::fetch(&places, &[], all, limits, &progress) {
                Ok(fetched) => {
                    let mut summary = fetched.summary();
                    if let Some(problem) = fetched.problems.first() {
                        summary.push_str(&format!("; {problem}"));
                    }
                    Input::Fetched {
                        // Names and reasons come from feeds.toml and from servers.
                        summary: crate::text::sanitize_line(&summary).into_owned(),
                        failed: fetched.failed() > 0,
                    }
                }
                Err(problem) => Input::Fetched {
                    summary: format!("Could not fetch: {problem}"),
                    failed: true,
                },
            };
            // What the run wrote into the schedule, before its summary: the store list then
            // shows this fetch's errors, not the last one's. Problems with the files were
            // said by the fetch itself.
            let (notes, _) =
                crate::present::notes::load(&places.feeds, places.schedule.as_deref(), &sources);
            let _ = inputs.send(Input::Notes(std::sync::Arc::new(notes)));
            let _ = inputs.send(ended);
        });
    }
}

impl Host for RealHost {
    fn submit(&mut self, job: Job) -> Option<Done> {
        self.runtime.submit(job);
        None
    }
    fn flush_saves(&mut self) -> Result<(), String> {
        self.runtime.flush_saves(runtime::FINAL_SAVE_WITHIN)
    }
    fn suspend(&mut self) -> io::Result<()> {
        term::suspend()
    }
    fn reenter(&mut self) -> io::Result<()> {
        term::reenter()
    }
    fn write_terminal(&mut self, bytes: &[u8]) -> io::Result<()> {
        term::write_sequence(bytes)
    }
    fn notifier(&mut self) -> Option<&mut Notifier<Instant>> {
        self.notifier.as_mut()
    }
    fn fetch(&mut self, all: bool) -> Option<Input> {
        match &self.fetcher {
            Some(fetcher) => {
                fetcher.start(all);
                None
            }
            None => Some(Input::Fetched {
                summary: "There is no config folder, so no feeds.toml to fetch from".to_owned(),
                failed: true,
            }),
        }
    }
}

/// How the loop ended.
#[derive(Debug, PartialEq, Eq)]
pub struct Finished {
    pub exit: Exit,
    /// Whether the last save of the reader state (on the way out) worked.
    pub saved: Result<(), String>,
}

fn backend_error<E: std::error::Error + Send + Sync + 'static>(error: E) -> io::Error {
    io::Error::other(error)
}

/// Clears the screen and forgets the previous frame, so the next draw repaints everything.
/// Not `Terminal::clear`: that asks the terminal for the cursor position and blocks until it
/// answers, which a slow or silent terminal (or one behind SSH) may never do.
fn full_clear<B: Backend>(terminal: &mut Terminal<B>) -> io::Result<()>
where
    B::Error: Send + Sync + 'static,
{
    let size = terminal.size().map_err(backend_error)?;
    terminal
        .resize(ratatui::layout::Rect::new(0, 0, size.width, size.height))
        .map_err(backend_error)
}

/// Draws `app`; returns the OSC 8 bytes that make its link cells hyperlinks (empty when
/// hyperlinks are off or no link is on screen). `shown` is the frame on screen (None after a
/// clear): wide characters it holds are erased whole (see [`wide`]), and it becomes the frame
/// just drawn.
fn draw<B: Backend>(
    terminal: &mut Terminal<B>,
    app: &App,
    shown: &mut Option<ratatui::buffer::Buffer>,
) -> io::Result<Vec<u8>>
where
    B::Error: Send + Sync + 'static,
{
    let mut drawn = ui::Drawn::default();
    let frame = terminal
        .draw(|frame| {
            drawn = ui::draw(frame, app);
            if let Some(previous) = shown.as_ref() {
                wide::keep_wide_characters_whole(previous, frame.buffer_mut());
            }
        })
        .map_err(backend_error)?;
    *shown = Some(frame.buffer.clone());
    if !app.caps().hyperlinks {
        return Ok(Vec::new());
    }
    Ok(ui::hyperlinks::osc8_bytes(frame.buffer, &drawn.links))
}

/// Writes the frame's hyperlinks unless the same ones are already on screen (ratatui does not
/// rewrite cells that did not change, so they keep their links). Idle stays silent.
fn show_links(host: &mut impl Host, shown: &mut Vec<u8>, links: Vec<u8>) -> io::Result<()> {
    if links != *shown {
        if !links.is_empty() {
            host.write_terminal(&links)?;
        }
        *shown = links;
    }
    Ok(())
}

/// The loop's own state between inputs.
struct Loop {
    /// Inputs taken from the events but not applied yet, in order.
    inputs: VecDeque<Input>,
    /// When the keys must pause until for a save (the first ask sets it, so a stream of keys
    /// cannot put a save off for ever).
    save_due: Option<Instant>,
    /// When the next breaking story goes stale: the stores are then judged again (read again,
    /// which costs nothing for files that did not change), so its mark goes.
    stale_due: Option<Instant>,
    /// The address of the library `stale_due` was worked out for: only a new one can change
    /// it (the next is made while the last is still held, so the two never share one).
    judged: usize,
    /// When the notifier has a notification to send (see [`Host::notifier`]).
    notify_due: Option<Instant>,
    redraw: bool,
    clear: bool,
    /// An article or a search was asked for: give it a moment before drawing.
    answer_due: bool,
}

impl Loop {
    /// The next input: one already taken, else the next from `events`, else (once the keys
    /// have paused) a save, a reload when a breaking story goes stale, or a notification when
    /// its time has come. None: nothing more will come. With none of those waiting, this
    /// blocks until an input comes.
    fn next(&mut self, events: &mut impl Events) -> Option<Input> {
        if let Some(input) = self.inputs.pop_front() {
            return Some(input);
        }
        // A notification's time is the clock's, not a pause's: keys cannot put it off.
        if self.notify_due.is_some_and(|due| due <= Instant::now()) {
            return Some(Input::NotifyDue);
        }
        let due = [self.save_due, self.stale_due, self.notify_due]
            .into_iter()
            .flatten()
            .min();
        match due {
            None => events.next_input(),
            Some(due) => match events.next_input_until(due) {
                Waited::Input(input) => Some(input),
                Waited::Closed => None,
                Waited::Quiet if self.save_due.is_some_and(|save| save <= due) => {
                    self.save_due = None;
                    Some(Input::SaveDue)
                }
                Waited::Quiet if self.stale_due.is_some_and(|stale| stale <= due) => {
                    self.stale_due = None;
                    Some(Input::StoresChanged)
                }
                Waited::Quiet => Some(Input::NotifyDue),
            },
        }
    }

    /// Notes when the library's next breaking story goes stale, by the system clock; only
    /// when the library is a new one (a key leaves it as it was).
    fn watch_staleness(&mut self, library: &Library, now: Timestamp) {
        let address = std::ptr::from_ref(library) as usize;
        if self.judged == address {
            return;
        }
        self.judged = address;
        let now_secs = i64::try_from(now.0 / 1000).unwrap_or(i64::MAX);
        // A time already past was asked for: its reload is on the way, and asking again
        // until the answer comes would only read the stores again and again.
        self.stale_due = library
            .stale_at()
            .and_then(|stale| u64::try_from(stale.checked_sub(now_secs)?).ok())
            .filter(|&wait| wait > 0)
            .map(|wait| Instant::now() + Duration::from_secs(wait));
    }

    /// A resize and every resize waiting right behind it are one: the last size.
    fn gather_resizes(&mut self, events: &mut impl Events, mut size: (u16, u16)) -> (u16, u16) {
        while let Some(input) = events.waiting_input() {
            match input {
                Input::Resize(width, height) => size = (width, height),
                other => {
                    self.inputs.push_back(other);
                    break;
                }
            }
        }
        size
    }
}

/// Runs until the user quits, a signal arrives or the terminal goes away.
///
/// A terminal that cannot be drawn on or set up again is gone: writes to a hung-up terminal
/// fail at once. The loop then ends as on a hang-up, saving first, whatever it was doing:
/// closing a terminal sends SIGHUP and SIGCONT together, and when SIGCONT is heard first the
/// loop re-enters and redraws a dead terminal before it hears of the hang-up.
pub fn run_loop<B: Backend>(
    terminal: &mut Terminal<B>,
    app: &mut App,
    events: &mut impl Events,
    host: &mut impl Host,
) -> Finished
where
    B::Error: Send + Sync + 'static,
{
    let mut screen = Screen {
        links: Vec::new(),
        shown: None,
    };
    let mut state = Loop {
        inputs: VecDeque::new(),
        save_due: None,
        stale_due: None,
        judged: 0,
        notify_due: None,
        redraw: true,
        clear: false,
        answer_due: false,
    };
    if full_clear(terminal).is_err() {
        return hang_up(app, host, &mut state);
    }
    state.watch_staleness(app.library(), host.now());
    loop {
        // Draw once everything that came has been applied.
        if state.inputs.is_empty() && (state.redraw || state.clear) {
            if std::mem::take(&mut state.answer_due)
                && let Waited::Input(input) = events.next_input_until(Instant::now() + ANSWER_WAIT)
            {
                state.inputs.push_back(input);
                continue;
            }
            if redraw(terminal, app, host, &mut state, &mut screen).is_err() {
                return hang_up(app, host, &mut state);
            }
        }
        let Some(input) = state.next(events) else {
            // No input will ever come: leave as if the user quit.
            state.inputs.clear();
            return match apply(app, host, &mut state, Action::Quit) {
                Ok(exit) => finish(host, exit.unwrap_or(Exit::Quit)),
                Err(_) => hang_up(app, host, &mut state),
            };
        };
        let action = match input {
            Input::Key(key) => match app.keymap().resolve(app.input_mode(), key) {
                Some(action) => action,
                // An unbound key changes nothing and writes nothing.
                None => continue,
            },
            Input::Resize(width, height) => {
                let (width, height) = state.gather_resizes(events, (width, height));
                Action::Resize(width, height)
            }
            Input::Signal(signal) => Action::Terminate(signal),
            Input::Resumed => Action::Resumed,
            Input::Stop => Action::Suspend,
            Input::Hangup => Action::Hangup,
            Input::StoresChanged => Action::StoresChanged,
            Input::SaveDue => Action::SaveNow,
            Input::NotifyDue => {
                send_notification(host, &mut state);
                continue;
            }
            Input::Done(done) => Action::Done(done),
            Input::FetchProgress(done, total) => Action::FetchProgress(done, total),
            Input::Fetched { summary, failed } => Action::Fetched { summary, failed },
            Input::FetchDue => Action::FetchDue,
            Input::Notes(notes) => Action::NotesChanged(notes),
        };
        match apply(app, host, &mut state, action) {
            Ok(None) => {}
            Ok(Some(exit)) => return finish(host, exit),
            Err(_) => return hang_up(app, host, &mut state),
        }
    }
}

/// What the loop knows of the terminal's screen.
struct Screen {
    /// The hyperlink bytes last written: what the link cells on screen carry.
    links: Vec<u8>,
    /// The frame on screen; None after a clear.
    shown: Option<ratatui::buffer::Buffer>,
}

/// Clears if asked, takes in a size change the events have not told of yet, and draws.
fn redraw<B: Backend>(
    terminal: &mut Terminal<B>,
    app: &mut App,
    host: &mut impl Host,
    state: &mut Loop,
    screen: &mut Screen,
) -> io::Result<()>
where
    B::Error: Send + Sync + 'static,
{
    if std::mem::take(&mut state.clear) {
        full_clear(terminal)?;
        screen.links.clear();
        screen.shown = None;
    }
    state.redraw = false;
    let size = terminal.size().map_err(backend_error)?;
    if (size.width, size.height) != app.size() {
        apply(app, host, state, Action::Resize(size.width, size.height))?;
    }
    let drawn = draw(terminal, app, &mut screen.shown)?;
    show_links(host, &mut screen.links, drawn)
}

/// Writes the notification that is due, between frames (a frame is written and flushed
/// whole before the loop waits again). The deadline the loop waited for counts as come even
/// if the clock is a hair short of it (a scripted test's pause is any length). A terminal that
/// cannot take it is gone or ignores it, as with the clipboard.
fn send_notification(host: &mut impl Host, state: &mut Loop) {
    let now = state
        .notify_due
        .map_or_else(Instant::now, |due| due.max(Instant::now()));
    let Some(notifier) = host.notifier() else {
        state.notify_due = None;
        return;
    };
    let bytes = notifier.take(now);
    state.notify_due = notifier.due();
    if let Some(bytes) = bytes {
        let _ = host.write_terminal(&bytes);
    }
}

/// The terminal is gone: end as a hang-up does, which saves the marks first. Whatever else
/// was waiting (the rest of a SIGCONT's redraw, keys) is dropped: nothing can be shown.
fn hang_up(app: &mut App, host: &mut impl Host, state: &mut Loop) -> Finished {
    state.inputs.clear();
    // A hang-up only saves and exits, so it asks nothing more of the terminal.
    let exit = apply(app, host, state, Action::Hangup).ok().flatten();
    finish(host, exit.unwrap_or(Exit::Hangup))
}

/// The final save, then the end.
fn finish(host: &mut impl Host, exit: Exit) -> Finished {
    Finished {
        exit,
        saved: host.flush_saves(),
    }
}

/// Applies one action and carries out its effects; Some when the loop must end.
fn apply(
    app: &mut App,
    host: &mut impl Host,
    state: &mut Loop,
    action: Action,
) -> io::Result<Option<Exit>> {
    let now = host.now();
    let effects = update(app, action, now);
    state.watch_staleness(app.library(), now);
    for effect in effects {
        match effect {
            Effect::Redraw => state.redraw = true,
            Effect::FullRedraw => (state.redraw, state.clear) = (true, true),
            // Saved once the keys pause (see SAVE_WHEN_QUIET_FOR), not now: the reader sees
            // the article before its read mark reaches the disk.
            Effect::SaveSoon => {
                state
                    .save_due
                    .get_or_insert_with(|| Instant::now() + SAVE_WHEN_QUIET_FOR);
            }
            Effect::Job(job) => {
                if matches!(job, Job::Save(_)) {
                    state.save_due = None;
                }
                state.answer_due |= matches!(job, Job::ReadArticle { .. } | Job::Search { .. });
                if let Some(done) = host.submit(job) {
                    state.inputs.push_back(Input::Done(done));
                }
            }
            Effect::Suspend => {
                // A stopped process may never be resumed: its marks are on disk first.
                let _ = host.flush_saves();
                host.suspend()?;
            }
            Effect::Reenter => host.reenter()?,
            // A terminal that cannot take it is gone or ignores it; the message stands.
            Effect::CopyToClipboard(text) => {
                let _ = host.write_terminal(&term::osc52(&text));
            }
            Effect::Fetch { all } => {
                if let Some(input) = host.fetch(all) {
                    state.inputs.push_back(input);
                }
            }
            Effect::Notify(titles) => {
                if let Some(notifier) = host.notifier() {
                    notifier.arrive(&titles, Instant::now());
                    state.notify_due = notifier.due();
                }
            }
            Effect::Exit(exit) => return Ok(Some(exit)),
        }
    }
    Ok(None)
}

/// Flags from the command line, for [`start`].
pub type ReaderFlags = Flags;

/// The reader state where the user keeps it, or in memory (and a problem saying so).
pub fn open_state() -> (Marks, Option<state::StateFile>, Vec<String>) {
    match state::file::default_path() {
        Some(path) => {
            let (marks, file, problems) = state::open(path);
            (marks, Some(file), problems)
        }
        None => (
            Marks::in_memory(),
            None,
            vec!["no data directory: read marks will not be kept".to_owned()],
        ),
    }
}

/// The search history where the user keeps it (next to the reader state), with problems to
/// tell once; none without a data folder ([`open_state`] already says there is none).
pub fn open_history() -> (Vec<String>, Option<HistoryFile>, Vec<String>) {
    match state::history::default_path() {
        Some(path) => state::history::open(path),
        None => (Vec::new(), None, Vec::new()),
    }
}

/// `herald [STORE]...`: the full-screen reader on the real terminal. `config` is the config
/// file as loaded (its problems were already reported by the caller).
pub fn start(
    stores: Stores,
    library: Library,
    flags: &Flags,
    config: &FileConfig,
) -> io::Result<ExitCode> {
    let mut problems = Vec::new();
    let options: Options = resolve::resolve(flags, config, &Environment::from_process());
    let (marks, state_file, state_problems) = open_state();
    problems.extend(state_problems);
    let (history, history_file, history_problems) = open_history();
    problems.extend(history_problems);
    let places = crate::paths::feeds_file().map(crate::produce::fetch::Places::default_for);
    let notes = places.as_ref().map(|places| {
        let (notes, notes_problems) = crate::present::notes::load(
            &places.feeds,
            places.schedule.as_deref(),
            stores.sources(),
        );
        problems.extend(notes_problems);
        notes
    });
    if library.has_problems() {
        problems.push(format!(
            "{} problem(s) in the stores; `herald check` lists them",
            library.diagnostics().len()
        ));
    }
    for problem in &problems {
        eprintln!("herald: {problem}");
    }
    let size = term::size()?;
    let osc = term::understands_osc(std::env::var("TERM").ok().as_deref());
    let caps = TerminalCaps {
        hyperlinks: osc && config.hyperlinks.unwrap_or(true),
        clipboard: osc,
        ..TerminalCaps::default()
    };
    // Decided once: the config against the terminal Herald was started in.
    let notifier = config
        .notifications(|name| std::env::var(name).ok())
        .map(Notifier::new);
    let mut app = App::new(library, marks, options.clone(), size, problems)
        .with_keymap(config.keymap())
        .with_caps(caps)
        .with_search_history(history)
        .with_notes(std::sync::Arc::new(notes.unwrap_or_default()));

    term::install_panic_hook();
    term::enter(options.alt_screen)?;
    let (tx, mut rx) = channel();
    let answers = tx.clone();
    let runtime = Runtime::start(
        Context {
            reloads: std::sync::Arc::new(stores.clone()),
            state: state_file,
            history: history_file,
            opener: config.opener_argv(),
        },
        move |done| {
            let _ = answers.send(Input::Done(done));
        },
    );
    // Live stores: a change is one more input. If watching fails the reader still works.
    let live_tx = tx.clone();
    let _live = match crate::engine::watch::watch(stores.sources(), move || {
        live_tx.send(Input::StoresChanged).is_ok()
    }) {
        Ok((live, watch_problems)) => {
            if let Some(problem) = watch_problems.first() {
                app.show_error(problem);
            }
            Some(live)
        }
        Err(error) => {
            app.show_error(&format!("store files are not watched for changes: {error}"));
            None
        }
    };
    let fetcher = places.map(|places| Fetcher {
        places: std::sync::Arc::new(places),
        limits: config.fetch_limits(),
        inputs: tx.clone(),
        sources: stores.sources().into(),
    });
    if let Some(every) = config.fetch_every {
        // A clock, as an input like any other: the loop itself never ticks.
        let timer = tx.clone();
        std::thread::Builder::new()
            .name("herald-fetch-timer".into())
            .spawn(move || {
                while timer.send(Input::FetchDue).is_ok() {
                    std::thread::sleep(every);
                }
            })?;
    }
    let outcome = term::spawn_inputs(&tx).and_then(|()| {
        let backend = backend::ReaderBackend::new(io::BufWriter::new(term::Frames));
        let mut terminal = Terminal::new(backend)?;
        let mut events = TestPanic {
            inner: &mut rx,
            armed: std::env::var_os("HERALD_TEST_PANIC").is_some(),
        };
        Ok(run_loop(
            &mut terminal,
            &mut app,
            &mut events,
            &mut RealHost {
                runtime,
                fetcher,
                notifier,
            },
        ))
    });
    term::restore();
    let finished = outcome?;
    let mut code = match finished.exit {
        Exit::Quit => ExitCode::SUCCESS,
        Exit::Signal(signal) => ExitCode::from(u8::try_from(128 + signal).unwrap_or(255)),
        Exit::Hangup => ExitCode::from(129),
    };
    if let Err(problem) = finished.saved {
        eprintln!("herald: could not save read marks: {problem}");
        if finished.exit == Exit::Quit {
            code = ExitCode::FAILURE;
        }
    }
    Ok(code)
}

/// `HERALD_TEST_PANIC=1` makes the first key panic, so end-to-end tests can check that a
/// panic leaves the terminal restored. It is inert unless set.
struct TestPanic<'a, E> {
    inner: &'a mut E,
    armed: bool,
}

impl<E: Events> TestPanic<'_, E> {
    fn check(&self, input: Option<&Input>) {
        if self.armed && matches!(input, Some(Input::Key(_))) {
            panic!("HERALD_TEST_PANIC: deliberate panic to test terminal restore");
        }
    }
}

impl<E: Events> Events for TestPanic<'_, E> {
    fn next_input(&mut self) -> Option<Input> {
        let input = self.inner.next_input();
        self.check(input.as_ref());
        input
    }

    fn next_input_until(&mut self, deadline: Instant) -> Waited {
        let waited = self.inner.next_input_until(deadline);
        if let Waited::Input(input) = &waited {
            self.check(Some(input));
        }
        waited
    }

    fn waiting_input(&mut self) -> Option<Input> {
        let input = self.inner.waiting_input();
        self.check(input.as_ref());
        input
    }
}
