//! The full-screen reader's run loop, and its start-up over a real terminal.
//!
//! The loop is generic over the ratatui backend, the source of inputs and the host that does
//! I/O, so tests drive the very same loop with scripted keys on a `TestBackend`. It blocks on
//! input and draws only when `update` says something changed: idle means zero bytes written.

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
use crate::engine::Library;
use crate::engine::state::ReaderState;
use crate::engine::store::StoreSource;
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
}

/// How long the reader waits for a pause in the keys before saving its state: a save syncs to
/// disk, which can take longer than many key presses, and no key should wait for one.
pub const SAVE_WHEN_QUIET_FOR: Duration = Duration::from_millis(300);

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
}

/// The I/O that effects ask for.
pub trait Host {
    fn save(&mut self, state: &mut ReaderState) -> io::Result<()>;
    fn suspend(&mut self) -> io::Result<()>;
    fn reenter(&mut self) -> io::Result<()>;
    /// Loads the stores again after a change notification; None when there is nothing to load.
    fn load_stores(&mut self) -> Option<Library> {
        None
    }
    /// Starts the opener on `url` and returns without waiting for it.
    fn open_link(&mut self, url: &str) -> io::Result<()>;
    /// Writes Herald's own escape sequences (OSC 52, OSC 8) to the terminal, after the frame.
    fn write_terminal(&mut self, bytes: &[u8]) -> io::Result<()> {
        let _ = bytes;
        Ok(())
    }
}

/// The opener when the config names none.
pub const DEFAULT_OPENER: &str = if cfg!(target_os = "macos") {
    "open"
} else {
    "xdg-open"
};

/// Runs the `opener` argv with `url` added as its last argument: no shell, so nothing in the
/// URL (quotes, spaces, `$(...)`, backticks, `;`) is interpreted. Its output goes nowhere (it
/// must not draw over the reader), it reads nothing from the terminal, and a thread reaps it
/// so it never lingers as a zombie. Returns once it has started.
pub fn spawn_opener(opener: &[String], url: &str) -> io::Result<()> {
    use std::process::{Command, Stdio};
    let Some((program, arguments)) = opener.split_first() else {
        return Err(io::Error::new(io::ErrorKind::InvalidInput, "no opener"));
    };
    let opener = program;
    let mut child = Command::new(program)
        .args(arguments)
        .arg(url)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|error| io::Error::new(error.kind(), format!("{opener}: {error}")))?;
    std::thread::Builder::new()
        .name("herald-opener".into())
        .spawn(move || {
            let _ = child.wait();
        })?;
    Ok(())
}

/// The real host: the state file, the terminal and the store files.
pub struct RealHost {
    pub sources: Vec<StoreSource>,
    /// Store names from the config file (`[[store]] name`), kept on reload.
    pub names: std::collections::BTreeMap<std::path::PathBuf, String>,
    /// The opener's argv; the link is added as its last argument.
    pub opener: Vec<String>,
}

impl Host for RealHost {
    fn open_link(&mut self, url: &str) -> io::Result<()> {
        spawn_opener(&self.opener, url)
    }
    fn load_stores(&mut self) -> Option<Library> {
        Some(Library::load_named(&self.sources, &self.names))
    }
    fn save(&mut self, state: &mut ReaderState) -> io::Result<()> {
        state.save()
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
}

fn backend_error<E: std::error::Error + Send + Sync + 'static>(error: E) -> io::Error {
    io::Error::other(error)
}

/// Keeps `app`'s idea of the screen size in step with the terminal before a draw.
fn sync_size<B: Backend>(terminal: &Terminal<B>, app: &mut App) -> io::Result<()>
where
    B::Error: Send + Sync + 'static,
{
    let size = terminal.size().map_err(backend_error)?;
    if (size.width, size.height) != app.size() {
        update(app, Action::Resize(size.width, size.height));
    }
    Ok(())
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
    app: &mut App,
    shown: &mut Option<ratatui::buffer::Buffer>,
) -> io::Result<Vec<u8>>
where
    B::Error: Send + Sync + 'static,
{
    sync_size(terminal, app)?;
    let app = &*app;
    let frame = terminal
        .draw(|frame| {
            crate::present::reader::ui::draw(frame, app);
            if let Some(previous) = shown.as_ref() {
                wide::keep_wide_characters_whole(previous, frame.buffer_mut());
            }
        })
        .map_err(backend_error)?;
    *shown = Some(frame.buffer.clone());
    if !app.caps().hyperlinks {
        return Ok(Vec::new());
    }
    let links = crate::present::reader::ui::hyperlinks::screen_links(app, frame.area);
    Ok(crate::present::reader::ui::hyperlinks::osc8_bytes(
        frame.buffer,
        &links,
    ))
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

/// Runs until the user quits, a signal arrives or the terminal goes away.
pub fn run_loop<B: Backend>(
    terminal: &mut Terminal<B>,
    app: &mut App,
    events: &mut impl Events,
    host: &mut impl Host,
) -> io::Result<Exit>
where
    B::Error: Send + Sync + 'static,
{
    // The hyperlink bytes last written: what the link cells on screen carry.
    let mut links = Vec::new();
    full_clear(terminal)?;
    let mut shown = None;
    let drawn = draw(terminal, app, &mut shown)?;
    show_links(host, &mut links, drawn)?;
    let mut pending: VecDeque<Action> = VecDeque::new();
    // When a save was asked for and has not happened yet: it happens once the keys pause.
    let mut save_due: Option<Instant> = None;
    loop {
        let action = match pending.pop_front() {
            Some(action) => Some(action),
            None => {
                let input = match save_due {
                    None => events.next_input(),
                    Some(due) => match events.next_input_until(due) {
                        Waited::Input(input) => Some(input),
                        Waited::Closed => None,
                        Waited::Quiet => {
                            save_due = None;
                            if let Err(error) = host.save(app.state_mut()) {
                                pending.push_back(Action::SaveFailed(error.to_string()));
                            }
                            continue;
                        }
                    },
                };
                let Some(input) = input else {
                    let _ = host.save(app.state_mut());
                    return Ok(Exit::Quit);
                };
                match input {
                    Input::Key(key) => match app.keymap().resolve(app.input_mode(), key) {
                        Some(action) => Some(action),
                        // An unbound key changes nothing and writes nothing.
                        None => continue,
                    },
                    Input::Resize(width, height) => Some(Action::Resize(width, height)),
                    Input::Signal(signal) => Some(Action::Terminate(signal)),
                    Input::Resumed => Some(Action::Resumed),
                    Input::Hangup => Some(Action::Hangup),
                    // Loading is I/O, so it happens here; taking the result in is pure.
                    Input::StoresChanged => None,
                }
            }
        };
        let effects = match action {
            Some(action) => update(app, action),
            None => match host.load_stores() {
                Some(library) => app.stores_changed(library),
                None => continue,
            },
        };
        let (mut redraw, mut clear) = (false, false);
        for effect in effects {
            match effect {
                Effect::Redraw => redraw = true,
                Effect::FullRedraw => (redraw, clear) = (true, true),
                // Saved once the keys pause (see SAVE_WHEN_QUIET_FOR), not now: the reader sees
                // the article before its read mark reaches the disk. The first ask sets the
                // time, so a stream of keys cannot put a save off for ever.
                Effect::Save => {
                    save_due.get_or_insert_with(|| Instant::now() + SAVE_WHEN_QUIET_FOR);
                }
                Effect::OpenLink(url) => {
                    if let Err(error) = host.open_link(&url) {
                        pending.push_back(Action::OpenLinkFailed(error.to_string()));
                    }
                }
                Effect::Suspend => {
                    // A stopped process may never be resumed: what it knows is saved first.
                    if save_due.take().is_some() {
                        let _ = host.save(app.state_mut());
                    }
                    host.suspend()?
                }
                Effect::Reenter => host.reenter()?,
                // A terminal that cannot take it is gone or ignores it; the message stands.
                Effect::CopyToClipboard(text) => {
                    let _ = host.write_terminal(&term::osc52(&text));
                }
                Effect::Exit(exit) => {
                    if save_due.is_some() {
                        let _ = host.save(app.state_mut());
                    }
                    return Ok(exit);
                }
            }
        }
        if clear {
            full_clear(terminal)?;
            links.clear();
            shown = None;
        }
        if redraw {
            let drawn = draw(terminal, app, &mut shown)?;
            show_links(host, &mut links, drawn)?;
        }
    }
}

/// Flags from the command line, for [`start`].
pub type ReaderFlags = Flags;

/// `herald [STORE]...`: the full-screen reader on the real terminal. `config` is the config
/// file as loaded (its problems were already reported by the caller).
pub fn start(
    library: Library,
    sources: Vec<StoreSource>,
    flags: &Flags,
    config: &FileConfig,
) -> io::Result<ExitCode> {
    let opener = config.opener.clone();
    let mut problems = Vec::new();
    let options: Options = resolve::resolve(flags, config, &Environment::from_process());
    let (state, state_problems) = match ReaderState::default_path() {
        Some(path) => ReaderState::open(path),
        None => (
            ReaderState::in_memory(),
            vec!["no data directory: read marks will not be kept".to_owned()],
        ),
    };
    problems.extend(state_problems);
    if library.has_problems() {
        problems.push(format!(
            "{} problem(s) in the stores; `herald check` lists them",
            library.diagnostics().len()
        ));
    }
    for problem in &problems {
        eprintln!("herald: {problem}");
    }
    let size = ratatui::crossterm::terminal::size()?;
    let osc = term::understands_osc(std::env::var("TERM").ok().as_deref());
    let caps = TerminalCaps {
        hyperlinks: osc && config.hyperlinks.unwrap_or(true),
        clipboard: osc,
    };
    let mut app = App::new(library, state, options.clone(), size, problems)
        .with_keymap(config.keymap())
        .with_caps(caps);

    term::install_panic_hook();
    term::enter(options.alt_screen)?;
    let (tx, mut rx) = channel();
    // Live stores: a change is one more input. If watching fails the reader still works.
    let live_tx = tx.clone();
    let _live = match crate::engine::watch::watch(&sources, move || {
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
    let outcome = term::spawn_inputs(&tx).and_then(|()| {
        let backend = backend::ReaderBackend::new(io::BufWriter::new(io::stdout()));
        let mut terminal = Terminal::new(backend)?;
        let mut events = TestPanic {
            inner: &mut rx,
            armed: std::env::var_os("HERALD_TEST_PANIC").is_some(),
        };
        run_loop(
            &mut terminal,
            &mut app,
            &mut events,
            &mut RealHost {
                sources,
                opener: opener.unwrap_or_else(|| vec![DEFAULT_OPENER.to_owned()]),
                names: config.store_names.clone(),
            },
        )
    });
    term::restore();
    Ok(match outcome? {
        Exit::Quit => ExitCode::SUCCESS,
        Exit::Signal(signal) => ExitCode::from(u8::try_from(128 + signal).unwrap_or(255)),
        Exit::Hangup => ExitCode::from(129),
    })
}

/// `HERALD_TEST_PANIC=1` makes the first key panic, so end-to-end tests can check that a
/// panic leaves the terminal restored. It is inert unless set.
struct TestPanic<'a, E> {
    inner: &'a mut E,
    armed: bool,
}

impl<E: Events> Events for TestPanic<'_, E> {
    fn next_input(&mut self) -> Option<Input> {
        let input = self.inner.next_input();
        if self.armed && matches!(input, Some(Input::Key(_))) {
            panic!("HERALD_TEST_PANIC: deliberate panic to test terminal restore");
        }
        input
    }

    fn next_input_until(&mut self, deadline: Instant) -> Waited {
        let waited = self.inner.next_input_until(deadline);
        if self.armed && matches!(waited, Waited::Input(Input::Key(_))) {
            panic!("HERALD_TEST_PANIC: deliberate panic to test terminal restore");
        }
        waited
    }
}
