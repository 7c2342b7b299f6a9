//! Flows through the real run loop: scripted inputs, a TestBackend wrapped to count what is
//! drawn, and a host that records (or really performs) the I/O effects.

use std::io;

use herald::app::{App, Effect, Exit, Key};
use herald::engine::Stores;
use herald::engine::runtime::{Done, Inline, Job};
use herald::engine::state::{self, Marks, StateFile, Timestamp};
use herald::present::reader::term::Input;
use herald::present::reader::{Host, Script, run_loop};
use ratatui::Terminal;
use ratatui::backend::{Backend, ClearType, TestBackend, WindowSize};
use ratatui::buffer::{Buffer, Cell};
use ratatui::layout::{Position, Size};

use crate::reader::support::{T0, app, inline, options, sample_library, sample_stores, typed};

/// A TestBackend that counts draw calls and cells written, so tests can assert that nothing
/// is drawn when nothing changed and that a move rewrites only a couple of rows.
pub struct Counting {
    pub inner: TestBackend,
    pub draws: usize,
    pub cells: usize,
    pub clears: usize,
    /// After this many draws the terminal is gone: every draw and clear fails, as writes to
    /// a hung-up terminal do.
    pub gone_after: Option<usize>,
}

impl Counting {
    pub fn new(width: u16, height: u16) -> Self {
        Self {
            inner: TestBackend::new(width, height),
            draws: 0,
            cells: 0,
            clears: 0,
            gone_after: None,
        }
    }

    fn check_alive(&self) -> io::Result<()> {
        match self.gone_after {
            Some(n) if self.draws >= n => Err(gone()),
            _ => Ok(()),
        }
    }
}

/// What writing to a hung-up terminal gives.
fn gone() -> io::Error {
    io::Error::from_raw_os_error(rustix::io::Errno::IO.raw_os_error())
}

impl Backend for Counting {
    type Error = io::Error;

    fn draw<'a, I>(&mut self, content: I) -> io::Result<()>
    where
        I: Iterator<Item = (u16, u16, &'a Cell)>,
    {
        self.check_alive()?;
        let cells: Vec<_> = content.collect();
        self.draws += 1;
        self.cells += cells.len();
        self.inner.draw(cells.into_iter()).map_err(io::Error::other)
    }
    fn hide_cursor(&mut self) -> io::Result<()> {
        self.inner.hide_cursor().map_err(io::Error::other)
    }
    fn show_cursor(&mut self) -> io::Result<()> {
        self.inner.show_cursor().map_err(io::Error::other)
    }
    fn get_cursor_position(&mut self) -> io::Result<Position> {
        self.inner.get_cursor_position().map_err(io::Error::other)
    }
    fn set_cursor_position<P: Into<Position>>(&mut self, position: P) -> io::Result<()> {
        self.inner
            .set_cursor_position(position)
            .map_err(io::Error::other)
    }
    fn clear(&mut self) -> io::Result<()> {
        self.check_alive()?;
        self.clears += 1;
        self.inner.clear().map_err(io::Error::other)
    }
    fn clear_region(&mut self, clear_type: ClearType) -> io::Result<()> {
        self.check_alive()?;
        if clear_type == ClearType::All {
            self.clears += 1;
        }
        self.inner
            .clear_region(clear_type)
            .map_err(io::Error::other)
    }
    fn size(&self) -> io::Result<Size> {
        self.inner.size().map_err(io::Error::other)
    }
    fn window_size(&mut self) -> io::Result<WindowSize> {
        self.inner.window_size().map_err(io::Error::other)
    }
    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush().map_err(io::Error::other)
    }
}

/// Does the runtime's work at once (saving for real when it has a state file), and records
/// what the loop asked of the world.
pub struct TestHost {
    pub runtime: Inline,
    pub links: Vec<String>,
    pub saves: usize,
    pub suspends: usize,
    pub fail_saves: bool,
    /// The terminal is gone: suspending, re-entering and writing to it fail.
    pub terminal_gone: bool,
    /// Escape sequences Herald wrote itself (OSC 52, OSC 8).
    pub written: Vec<u8>,
}

impl Default for TestHost {
    fn default() -> Self {
        Self::over(sample_stores())
    }
}

impl TestHost {
    /// A host whose runtime reads `stores` (for reloads) and saves nowhere.
    pub fn over(stores: Stores) -> Self {
        Self {
            runtime: inline(stores),
            links: Vec::new(),
            saves: 0,
            suspends: 0,
            fail_saves: false,
            terminal_gone: false,
            written: Vec::new(),
        }
    }

    /// A host that saves to `file`.
    pub fn saving_to(file: StateFile) -> Self {
        let mut host = Self::default();
        host.runtime.context.state = Some(file);
        host
    }
}

impl Host for TestHost {
    fn submit(&mut self, job: Job) -> Option<Done> {
        match &job {
            Job::Save(_) => {
                self.saves += 1;
                if self.fail_saves {
                    return Some(Done::Saved(Err("disk full".to_owned())));
                }
            }
            Job::OpenLink(url) => {
                self.links.push(url.clone());
                return None;
            }
            _ => {}
        }
        self.runtime.run(job)
    }
    fn flush_saves(&mut self) -> Result<(), String> {
        if self.fail_saves {
            Err("disk full".to_owned())
        } else {
            Ok(())
        }
    }
    fn suspend(&mut self) -> io::Result<()> {
        self.suspends += 1;
        if self.terminal_gone {
            Err(gone())
        } else {
            Ok(())
        }
    }
    fn reenter(&mut self) -> io::Result<()> {
        if self.terminal_gone {
            Err(gone())
        } else {
            Ok(())
        }
    }
    fn write_terminal(&mut self, bytes: &[u8]) -> io::Result<()> {
        if self.terminal_gone {
            return Err(gone());
        }
        self.written.extend_from_slice(bytes);
        Ok(())
    }
    fn now(&mut self) -> Timestamp {
        T0
    }
}

pub struct Run {
    pub terminal: Terminal<Counting>,
    pub host: TestHost,
    pub exit: Exit,
    /// Whether the save on the way out worked.
    pub saved: Result<(), String>,
    pub app: App,
}

impl Run {
    pub fn screen(&self) -> String {
        buffer_text(self.terminal.backend().inner.buffer())
    }
    /// The selected row's text (see [`selected_row`]).
    pub fn selected(&self) -> Option<String> {
        selected_row(self.terminal.backend().inner.buffer())
    }
    pub fn cursor(&mut self) -> Position {
        self.terminal.get_cursor_position().expect("test backend")
    }
}

pub fn buffer_text(buffer: &Buffer) -> String {
    let width = usize::from(buffer.area.width);
    buffer
        .content()
        .chunks(width)
        .map(|row| row.iter().map(Cell::symbol).collect::<String>())
        .collect::<Vec<_>>()
        .join("\n")
}

pub fn run(mut app: App, inputs: Vec<Input>, host: TestHost) -> Run {
    let (width, height) = app.size();
    let mut terminal = Terminal::new(Counting::new(width, height)).expect("backend");
    let mut host = host;
    let finished = run_loop(&mut terminal, &mut app, &mut Script::new(inputs), &mut host);
    Run {
        terminal,
        host,
        exit: finished.exit,
        saved: finished.saved,
        app,
    }
}

#[test]
fn the_cursor_follows_the_selection_row_by_row() {
    for moves in 0..4u16 {
        let keys = "j".repeat(usize::from(moves));
        let mut run = run(app(80, 24), typed(&keys), TestHost::default());
        let first = run.app.panes().expect("fits").list.y;
        assert_eq!(
            run.cursor(),
            Position::new(0, first + moves),
            "after {moves} j"
        );
        let row: String = run
            .screen()
            .lines()
            .nth(usize::from(first + moves))
            .expect("row")
            .into();
        assert_eq!(run.selected(), Some(row));
    }
}

#[test]
fn search_then_enter_opens_the_seed_with_its_banner() {
    let mut run = run(app(100, 30), typed("/Ivanov\n\n"), TestHost::default());
    let screen = run.screen();
    assert!(screen.contains("Breaking News"), "{screen}");
    assert!(
        screen.contains(" Russian Foreign Minister Igor"),
        "{screen}"
    );
    let article = run.app.panes().expect("fits").article;
    assert_eq!(run.cursor(), Position::new(article.x + 1, article.y));
}

#[test]
fn nothing_is_drawn_when_nothing_changed() {
    // `X` is unbound and `k` at the top is a no-op: only the first frame is drawn.
    let run = run(app(80, 24), typed("Xkk"), TestHost::default());
    assert_eq!(run.terminal.backend().draws, 1);
}

#[test]
fn a_move_rewrites_at_most_the_two_rows_involved() {
    let first = run(app(80, 24), typed(""), TestHost::default());
    let moved = run(app(80, 24), typed("j"), TestHost::default());
    let backend = moved.terminal.backend();
    assert_eq!(backend.draws, 2);
    let cells_for_j = backend.cells - first.terminal.backend().cells;
    assert!(cells_for_j <= 2 * 80, "one j rewrote {cells_for_j} cells");
    assert_eq!(backend.clears, 1, "only the initial clear");
}

#[test]
fn moving_the_selection_does_not_repaint_the_open_article() {
    let opened = run(app(120, 40), typed("\n"), TestHost::default());
    let moved = run(app(120, 40), typed("\n\tj"), TestHost::default());
    let article = opened.app.panes().expect("fits").article;
    let before = opened.terminal.backend().inner.buffer().clone();
    let after = moved.terminal.backend().inner.buffer();
    for y in article.y..article.y + article.height {
        for x in article.x..article.x + article.width {
            assert_eq!(
                before[(x, y)],
                after[(x, y)],
                "article cell {x},{y} changed"
            );
        }
    }
}

#[test]
fn read_marks_stars_and_selection_survive_a_restart() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("state.json");
    let (marks, file, problems) = state::open(path.clone());
    assert!(problems.is_empty());
    let first_app = App::new(sample_library(), marks, options(), (80, 24), Vec::new());
    // Open the first article (read), back, star the second, quit.
    let first = run(first_app, typed("\nqjsq"), TestHost::saving_to(file));
    assert_eq!(first.exit, Exit::Quit);
    assert_eq!(first.saved, Ok(()));

    let (marks, _, problems) = state::open(path);
    assert!(problems.is_empty(), "{problems:?}");
    let second = App::new(sample_library(), marks, options(), (80, 24), Vec::new());
    assert_eq!(second.selected(), Some(1), "selection restored");
    let visible = second.visible().to_vec();
    assert!(second.is_read(visible[0]));
    assert!(second.is_starred(visible[1]));
    let mut run = run(second, Vec::new(), TestHost::default());
    let screen = run.screen();
    let rows: Vec<&str> = screen.lines().collect();
    // Row 1 is the breaking-news banner: the headlines start on row 2.
    assert!(
        rows[2].contains("Lakeview") && !rows[2].contains("unread"),
        "first row read: {:?}",
        rows[2]
    );
    assert!(
        rows[3].contains("BREAKING unread *"),
        "second row starred: {:?}",
        rows[3]
    );
    assert_eq!(run.selected().as_deref(), Some(rows[3]));
    assert_eq!(run.cursor(), Position::new(0, 3));
}

#[test]
fn a_failed_save_is_reported_on_screen_with_the_cursor_on_it() {
    let host = TestHost {
        fail_saves: true,
        ..TestHost::default()
    };
    let mut run = run(app(80, 24), typed("s"), host);
    let screen = run.screen();
    let last = screen.lines().last().expect("rows");
    assert!(
        last.starts_with("Error: could not save read marks: disk full"),
        "{last}"
    );
    assert_eq!(run.cursor(), Position::new(0, 23));
}

#[test]
fn suspend_hands_over_and_repaints_everything_after() {
    // Ctrl-Z, and SIGTSTP from outside (`kill -TSTP`), which must not stop Herald raw.
    for input in [Input::Key(Key::ctrl('z')), Input::Stop] {
        let run = run(app(80, 24), vec![input.clone()], TestHost::default());
        assert_eq!(run.host.suspends, 1, "{input:?}");
        assert_eq!(
            run.terminal.backend().clears,
            2,
            "{input:?}: cleared again on resume"
        );
    }
}

#[test]
fn signals_and_hangups_save_and_exit() {
    let run1 = run(app(80, 24), vec![Input::Signal(15)], TestHost::default());
    assert_eq!(run1.exit, Exit::Signal(15));
    assert!(run1.host.saves >= 1);
    let run2 = run(app(80, 24), vec![Input::Hangup], TestHost::default());
    assert_eq!(run2.exit, Exit::Hangup);
}

#[test]
fn ctrl_l_clears_and_redraws() {
    let run = run(
        app(80, 24),
        vec![Input::Key(Key::ctrl('l'))],
        TestHost::default(),
    );
    assert_eq!(run.terminal.backend().clears, 2);
    assert_eq!(run.terminal.backend().draws, 2);
}

/// The text of the list row drawn in reverse video from its first cell, if any (the status
/// bar, on the last row, is reverse video too, and is not a row of the list).
pub fn selected_row(buffer: &Buffer) -> Option<String> {
    let width = usize::from(buffer.area.width);
    let rows: Vec<&[Cell]> = buffer.content().chunks(width).collect();
    rows.iter()
        .take(rows.len().saturating_sub(1))
        .skip(1)
        .find(|row| {
            row.first()
                .is_some_and(|c| c.modifier.contains(ratatui::style::Modifier::REVERSED))
        })
        .map(|row| row.iter().map(Cell::symbol).collect())
}

const SIZES: &[(u16, u16)] = &[
    (40, 12),
    (60, 15),
    (80, 24),
    (99, 30),
    (100, 30),
    (100, 12),
    (120, 40),
    (200, 20),
    (200, 12),
    (300, 100),
];

#[test]
fn a_search_then_open_keeps_the_selected_row_on_screen_at_every_size() {
    for status_bar in [true, false] {
        for &(width, height) in SIZES {
            let app = App::new(
                sample_library(),
                Marks::default(),
                herald::app::Options {
                    status_bar,
                    ..options()
                },
                (width, height),
                Vec::new(),
            );
            let run = run(app, typed("/Ivanov\n\n"), TestHost::default());
            let screen = run.screen();
            let row = run
                .selected()
                .unwrap_or_else(|| panic!("no selected row at {width}x{height}:\n{screen}"));
            assert!(
                row.starts_with("Russian Foreign"),
                "{width}x{height}: {row}"
            );
        }
    }
}

#[test]
fn the_restored_selection_is_on_screen_at_every_size() {
    for &(width, height) in SIZES {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("state.json");
        let (marks, file, _) = state::open(path.clone());
        let first = App::new(sample_library(), marks, options(), (100, 30), Vec::new());
        let first = run(first, typed("/Ivanov\nq"), TestHost::saving_to(file));
        assert_eq!(first.exit, Exit::Quit);
        let (marks, _, _) = state::open(path);
        let again = App::new(
            sample_library(),
            marks,
            options(),
            (width, height),
            Vec::new(),
        );
        let run = run(again, Vec::new(), TestHost::default());
        let screen = run.screen();
        let row = run
            .selected()
            .unwrap_or_else(|| panic!("no selected row at {width}x{height}:\n{screen}"));
        assert!(
            row.starts_with("Russian Foreign"),
            "{width}x{height}: {row}"
        );
    }
}

#[test]
fn a_message_taking_the_last_row_does_not_hide_the_selection() {
    // No status bar: a message borrows the bottom row from the list. With the selection on the
    // list's last row, the list must scroll rather than lose it.
    let app = App::new(
        sample_library(),
        Marks::default(),
        herald::app::Options {
            status_bar: false,
            ..options()
        },
        (100, 30),
        Vec::new(),
    );
    // 29 rows of list; G then k*18 puts the selection on the list's last row (46 - 18 = 28).
    let mut keys = "G".to_owned();
    keys.push_str(&"k".repeat(18));
    keys.push('x'); // unbound: nothing
    keys.push('T'); // not a key either
    let mut run = run(app, typed(&keys), TestHost::default());
    assert!(run.selected().is_some());
    // Tab with no article open shows a message on the bottom row.
    let mut app = run.app;
    let effects = herald::app::update(&mut app, herald::app::Action::ToggleFocus, T0);
    assert!(app.message().is_some(), "{effects:?}");
    let offset = app.list_offset();
    let height = usize::from(app.panes().expect("fits").list.height);
    let selected = app.selected().expect("a selection");
    assert!(
        (offset..offset + height).contains(&selected),
        "selected {selected} outside {offset}..{}",
        offset + height
    );
    run.terminal
        .draw(|frame| {
            herald::present::reader::ui::draw(frame, &app);
        })
        .expect("draw");
    let screen = buffer_text(run.terminal.backend().inner.buffer());
    assert!(
        selected_row(run.terminal.backend().inner.buffer()).is_some(),
        "{screen}"
    );
}

#[test]
fn drawing_shows_the_selection_even_when_the_app_has_a_stale_size() {
    let mut app = app(100, 30);
    herald::app::update(&mut app, herald::app::Action::Bottom, T0);
    // The app scrolled for 30 rows; draw into 12 without telling it.
    let mut terminal = Terminal::new(TestBackend::new(100, 12)).expect("backend");
    terminal
        .draw(|frame| {
            herald::present::reader::ui::draw(frame, &app);
        })
        .expect("draw");
    let screen = buffer_text(terminal.backend().buffer());
    let row = selected_row(terminal.backend().buffer()).unwrap_or_else(|| panic!("{screen}"));
    assert!(
        row.contains("Lost Dog"),
        "the last (undated) headline: {row}"
    );
}

/// A host that notes when each save happens.
struct TimedHost {
    inner: TestHost,
    saves: std::sync::Arc<std::sync::Mutex<Vec<std::time::Instant>>>,
}

impl Host for TimedHost {
    fn submit(&mut self, job: Job) -> Option<Done> {
        if matches!(job, Job::Save(_)) {
            self.saves
                .lock()
                .expect("lock")
                .push(std::time::Instant::now());
        }
        self.inner.submit(job)
    }
    fn flush_saves(&mut self) -> Result<(), String> {
        self.inner.flush_saves()
    }
    fn suspend(&mut self) -> io::Result<()> {
        self.inner.suspend()
    }
    fn reenter(&mut self) -> io::Result<()> {
        self.inner.reenter()
    }
    fn write_terminal(&mut self, bytes: &[u8]) -> io::Result<()> {
        self.inner.write_terminal(bytes)
    }
}

#[test]
fn a_save_waits_for_a_pause_in_the_keys_and_then_takes_everything() {
    use std::time::{Duration, Instant};
    let saves = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let mut host = TimedHost {
        inner: TestHost::default(),
        saves: saves.clone(),
    };
    let (keys, mut inputs) = std::sync::mpsc::channel();
    let looping = std::thread::spawn(move || {
        let mut app = app(80, 24);
        let mut terminal = Terminal::new(Counting::new(80, 24)).expect("backend");
        let finished = run_loop(&mut terminal, &mut app, &mut inputs, &mut host);
        (
            finished.exit,
            app.is_starred(app.visible()[0]),
            app.is_starred(app.visible()[1]),
        )
    });
    let sent = Instant::now();
    for key in typed("sjs") {
        keys.send(key).expect("send");
    }
    // Both stars are asked to be saved; one save takes them both, after the pause.
    let deadline = Instant::now() + Duration::from_secs(10);
    while saves.lock().expect("lock").is_empty() {
        assert!(Instant::now() < deadline, "no save within 10 s of a pause");
        std::thread::sleep(Duration::from_millis(5));
    }
    let first = saves.lock().expect("lock")[0];
    assert!(
        first.duration_since(sent) >= herald::present::reader::SAVE_WHEN_QUIET_FOR,
        "saved {:?} after the keys, before the pause ended",
        first.duration_since(sent)
    );
    keys.send(Input::Key(Key::char('q'))).expect("send");
    let (exit, first_starred, second_starred) = looping.join().expect("loop thread");
    assert_eq!(exit, Exit::Quit);
    assert!(first_starred && second_starred);
    assert_eq!(
        saves.lock().expect("lock").len(),
        1,
        "one save after the pause takes both stars; nothing is left to save at the exit"
    );
}

/// A backend that counts frames where another thread can see them.
struct Observed {
    inner: TestBackend,
    frames: std::sync::Arc<std::sync::atomic::AtomicUsize>,
}

impl Backend for Observed {
    type Error = io::Error;

    fn draw<'a, I>(&mut self, content: I) -> io::Result<()>
    where
        I: Iterator<Item = (u16, u16, &'a Cell)>,
    {
        self.inner.draw(content).map_err(io::Error::other)
    }
    fn hide_cursor(&mut self) -> io::Result<()> {
        self.inner.hide_cursor().map_err(io::Error::other)
    }
    fn show_cursor(&mut self) -> io::Result<()> {
        self.inner.show_cursor().map_err(io::Error::other)
    }
    fn get_cursor_position(&mut self) -> io::Result<Position> {
        self.inner.get_cursor_position().map_err(io::Error::other)
    }
    fn set_cursor_position<P: Into<Position>>(&mut self, position: P) -> io::Result<()> {
        self.inner
            .set_cursor_position(position)
            .map_err(io::Error::other)
    }
    fn clear(&mut self) -> io::Result<()> {
        self.inner.clear().map_err(io::Error::other)
    }
    fn clear_region(&mut self, clear_type: ClearType) -> io::Result<()> {
        self.inner
            .clear_region(clear_type)
            .map_err(io::Error::other)
    }
    fn size(&self) -> io::Result<Size> {
        self.inner.size().map_err(io::Error::other)
    }
    fn window_size(&mut self) -> io::Result<WindowSize> {
        self.inner.window_size().map_err(io::Error::other)
    }
    fn flush(&mut self) -> io::Result<()> {
        self.frames
            .fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        self.inner.flush().map_err(io::Error::other)
    }
}

/// A host whose reloads do not finish until the test says so: the reload runs on a thread of
/// its own (as the runtime's does) and its answer comes back through the loop's channel.
struct SlowReloads {
    inner: TestHost,
    answers: std::sync::mpsc::Sender<Input>,
    release: std::sync::Arc<std::sync::Barrier>,
}

impl Host for SlowReloads {
    fn submit(&mut self, job: Job) -> Option<Done> {
        if matches!(job, Job::Reload { .. }) {
            let (answers, release) = (self.answers.clone(), self.release.clone());
            let mut runtime = inline(sample_stores());
            std::thread::spawn(move || {
                release.wait();
                if let Some(done) = runtime.run(job) {
                    let _ = answers.send(Input::Done(done));
                }
            });
            return None;
        }
        self.inner.submit(job)
    }
    fn flush_saves(&mut self) -> Result<(), String> {
        self.inner.flush_saves()
    }
    fn suspend(&mut self) -> io::Result<()> {
        self.inner.suspend()
    }
    fn reenter(&mut self) -> io::Result<()> {
        self.inner.reenter()
    }
}

/// A reload used to run inside the loop (a 200k-article store appended to 50 times a second
/// held keys back 772 ms at the 95th percentile). Now it is a job: keys are answered while it
/// runs, and its answer is taken in whole when it comes.
#[test]
fn keys_are_answered_while_a_reload_runs() {
    use std::sync::atomic::Ordering;
    use std::sync::{Arc, Barrier};
    use std::time::{Duration, Instant};
    let frames = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let release = Arc::new(Barrier::new(2));
    let (tx, mut rx) = std::sync::mpsc::channel();
    let mut host = SlowReloads {
        inner: TestHost::default(),
        answers: tx.clone(),
        release: release.clone(),
    };
    let observed = frames.clone();
    let looping = std::thread::spawn(move || {
        let mut app = app(80, 24);
        let backend = Observed {
            inner: TestBackend::new(80, 24),
            frames: observed,
        };
        let mut terminal = Terminal::new(backend).expect("backend");
        let finished = run_loop(&mut terminal, &mut app, &mut rx, &mut host);
        (finished.exit, app.selected(), app.library().len())
    });
    let wait_for_frames = |n: usize| {
        let end = Instant::now() + crate::common::deadline();
        while frames.load(Ordering::SeqCst) < n {
            assert!(Instant::now() < end, "no frame {n}: keys are not answered");
            std::thread::sleep(Duration::from_millis(1));
        }
    };
    wait_for_frames(1);
    tx.send(Input::StoresChanged).expect("send");
    for (n, key) in typed("jjj").into_iter().enumerate() {
        tx.send(key).expect("send");
        // Each key is drawn while the reload is still held back.
        wait_for_frames(2 + n);
    }
    release.wait();
    tx.send(Input::Key(Key::char('q'))).expect("send");
    let (exit, selected, len) = looping.join().expect("loop thread");
    assert_eq!(exit, Exit::Quit);
    assert_eq!(selected, Some(3), "every key was taken");
    assert_eq!(len, 47);
}

/// A host that counts the layouts it is asked for.
struct CountingLayouts {
    inner: TestHost,
    layouts: usize,
}

impl Host for CountingLayouts {
    fn submit(&mut self, job: Job) -> Option<Done> {
        if matches!(job, Job::LayOut { .. }) {
            self.layouts += 1;
        }
        self.inner.submit(job)
    }
    fn flush_saves(&mut self) -> Result<(), String> {
        self.inner.flush_saves()
    }
    fn suspend(&mut self) -> io::Result<()> {
        self.inner.suspend()
    }
    fn reenter(&mut self) -> io::Result<()> {
        self.inner.reenter()
    }
}

/// Dragging a window sends a resize per step, and each laid the open article out again on the
/// loop's thread (50 steps with a 10 MB article: 22 s before a key was answered). Resizes
/// waiting together are one: only the last size counts. Here the drag ends where it began,
/// so nothing is laid out again at all; a long article would be laid out by the runtime.
#[test]
fn a_storm_of_resizes_lays_a_long_article_out_once() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("long.json");
    let paragraph = "Word after word of a long article that takes many lines to show. ".repeat(8);
    let body = vec![paragraph; 600].join("\n\n");
    let store = serde_json::json!({
        "name": "Long",
        "articles": [{"id": "long", "title": "A Long Read", "body": body}]
    });
    std::fs::write(&path, store.to_string()).expect("write");
    let stores = Stores::new(vec![herald::engine::store::StoreSource::Path(path)]).with_cache(None);
    let mut app = App::new(
        stores.open(),
        Marks::default(),
        options(),
        (100, 30),
        Vec::new(),
    );
    // Open it first, so the resizes find it open.
    crate::reader::support::act_with(
        &mut inline(stores.clone()),
        &mut app,
        herald::app::Action::Open,
    );
    assert!(app.article().expect("open").line_count() > herald::app::RELAYOUT_HERE_UP_TO);
    let (tx, mut rx) = std::sync::mpsc::channel();
    for step in 0..49u16 {
        tx.send(Input::Resize(60 + step, 20 + step / 5))
            .expect("send");
    }
    tx.send(Input::Resize(100, 30)).expect("send");
    tx.send(Input::Key(Key::char('q'))).expect("send");
    tx.send(Input::Key(Key::char('q'))).expect("send");
    drop(tx);
    let mut host = CountingLayouts {
        inner: TestHost::over(stores),
        layouts: 0,
    };
    let mut terminal = Terminal::new(Counting::new(100, 30)).expect("backend");
    let finished = run_loop(&mut terminal, &mut app, &mut rx, &mut host);
    assert_eq!(finished.exit, Exit::Quit);
    assert_eq!(
        host.layouts, 0,
        "fifty resizes waiting together are one, the last"
    );
    assert_eq!(app.size(), (100, 30));
    let lines = app
        .article()
        .expect("open")
        .lines
        .clone()
        .expect("laid out");
    assert_eq!(
        lines.width(),
        app.panes().expect("fits").article_text_width()
    );

    // A real change of width: the long article is laid out by the runtime, its old lines shown
    // until the new ones come.
    let effects = herald::app::update(&mut app, herald::app::Action::Resize(70, 30), T0);
    let Some(Effect::Job(job @ Job::LayOut { .. })) = effects
        .iter()
        .find(|e| matches!(e, Effect::Job(_)))
        .cloned()
    else {
        panic!("a layout is asked of the runtime: {effects:?}");
    };
    let still = app.article().expect("open").lines.clone().expect("lines");
    assert!(
        std::sync::Arc::ptr_eq(&still, &lines),
        "the old lines show meanwhile"
    );
    let done = inline(sample_stores()).run(job).expect("laid out");
    herald::app::update(&mut app, herald::app::Action::Done(done), T0);
    let width = app.panes().expect("fits").article_text_width();
    assert_eq!(app.article().expect("open").width(), Some(width));
}

/// Closing a terminal sends SIGHUP and SIGCONT together. When SIGCONT is heard first, the loop
/// re-enters the terminal (which fails) or redraws it (which fails): either way it must end as
/// the hang-up it is, with the star that was waiting for a pause in the keys saved.
#[test]
fn a_dead_terminal_ends_the_loop_as_a_hang_up_that_saves_first() {
    for failing in ["re-entering", "redrawing"] {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("state.json");
        let (marks, file, _) = state::open(path.clone());
        let mut app = App::new(sample_library(), marks, options(), (80, 24), Vec::new());
        let mut host = TestHost::saving_to(file);
        let mut backend = Counting::new(80, 24);
        if failing == "re-entering" {
            host.terminal_gone = true;
        } else {
            // The first frame, and the one showing the star.
            backend.gone_after = Some(2);
        }
        let mut terminal = Terminal::new(backend).expect("backend");
        // All waiting at once, as when the terminal closes: no pause in the keys to save in.
        let (tx, mut rx) = std::sync::mpsc::channel();
        for input in [
            Input::Key(Key::char('s')),
            Input::Resumed,
            Input::Key(Key::char('j')),
            Input::Signal(1),
        ] {
            tx.send(input).expect("send");
        }
        drop(tx);
        let finished = run_loop(&mut terminal, &mut app, &mut rx, &mut host);
        assert_eq!(finished.exit, Exit::Hangup, "{failing}");
        assert_eq!(finished.saved, Ok(()), "{failing}");
        let (marks, _, problems) = state::open(path);
        assert!(problems.is_empty(), "{failing}: {problems:?}");
        let again = App::new(sample_library(), marks, options(), (80, 24), Vec::new());
        assert!(
            again.is_starred(again.visible()[0]),
            "{failing}: the star was not saved"
        );
    }
}

/// Issue 15: in less, mutt and newsboat `b` pages up. In the article it did "breaking only"
/// and moved the keys to the list, so the next `q` quit Herald. Now `b` pages up in the
/// article, the keys stay there, the filter is untouched, and `q` leaves the article.
#[test]
fn b_pages_up_in_the_article_and_q_then_leaves_it() {
    use herald::app::Focus;
    let open = "/Ivanov\n\n";
    let one_page = run(app(80, 24), typed(&format!("{open} ")), TestHost::default());
    let scrolled = one_page.app.article().expect("open").scroll;
    assert!(scrolled > 0, "the seed is longer than a page");

    let paged_back = run(
        app(80, 24),
        typed(&format!("{open}  b")),
        TestHost::default(),
    );
    let article = paged_back.app.article().expect("still open");
    assert_eq!(article.scroll, scrolled, "two pages down, one up");
    assert_eq!(paged_back.app.focus(), Focus::Article);
    assert_eq!(paged_back.app.filter(), one_page.app.filter());
    assert!(!paged_back.app.filter().breaking_only);
    let screen = paged_back.screen();
    assert!(screen.contains("Ivanov"), "{screen}");

    // `q` goes back to the list; the loop goes on (`j` moves the selection), so it did not
    // quit.
    let seed_row = paged_back.app.selected().expect("the seed is selected");
    let back = run(
        app(80, 24),
        typed(&format!("{open}  bqj")),
        TestHost::default(),
    );
    assert_eq!(back.app.focus(), Focus::List);
    assert_eq!(back.app.selected(), Some(seed_row + 1));
    assert!(!back.app.filter().breaking_only);
}

/// Issue 16: the list marks where the previous session ended: a row of words between what was
/// published since (above) and what came before (below), which moves with the list and keeps
/// the selection and the cursor on the selected headline.
#[test]
fn a_divider_row_says_where_the_last_session_ended() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("state.json");
    // As if the last session had ended on 15 December 2025: two sample stories are newer.
    std::fs::write(
        &path,
        r#"{"version": 1, "marks": [], "session_ended": 1765756800000}"#,
    )
    .unwrap();
    let (marks, _, problems) = state::open(path);
    assert!(problems.is_empty(), "{problems:?}");
    let app = || {
        App::new(
            sample_library(),
            marks.clone(),
            crate::reader::support::options(),
            (100, 30),
            Vec::new(),
        )
    };
    let divider = "── 2 new since last session, older below ──";
    let rows = |run: &Run| -> Vec<String> {
        run.screen()
            .lines()
            .map(|l| l.trim_end().to_owned())
            .collect()
    };
    let first = run(app(), Vec::new(), TestHost::default());
    let lines = rows(&first);
    let at = lines
        .iter()
        .position(|l| l == divider)
        .unwrap_or_else(|| panic!("no divider in:\n{}", first.screen()));
    // The header, the breaking-news banner, the two new rows, then the divider; older dates below it.
    assert_eq!(at, 4, "{}", first.screen());
    assert!(
        lines[2].contains("2026") && lines[3].contains("2026"),
        "{lines:?}"
    );
    assert!(!lines[5].contains("2026"), "{}", lines[5]);
    // Down twice: across the divider, onto the first older story, with the cursor.
    let mut moved = run(app(), typed("jj"), TestHost::default());
    let lines = rows(&moved);
    let selected = moved.selected().expect("a selected row");
    assert_eq!(selected.trim_end(), lines[5], "{}", moved.screen());
    let cursor = moved
        .terminal
        .backend_mut()
        .inner
        .get_cursor_position()
        .unwrap();
    assert_eq!(cursor.y, 5, "{}", moved.screen());
    // Breaking only: one new story and older ones, so still divided, counting only the one.
    let breaking = run(app(), typed("b"), TestHost::default());
    assert!(
        rows(&breaking)
            .iter()
            .any(|l| l == "── 1 new since last session, older below ──"),
        "{}",
        breaking.screen()
    );
    // At 40 columns the words are kept whole and the rules go.
    let narrow = run(
        App::new(
            sample_library(),
            marks.clone(),
            crate::reader::support::options(),
            (40, 12),
            Vec::new(),
        ),
        Vec::new(),
        TestHost::default(),
    );
    assert!(
        rows(&narrow)
            .iter()
            .any(|l| l == "2 new since last session, older below"),
        "{}",
        narrow.screen()
    );
    // Another order puts old and new together: nothing to divide.
    let by_title = run(app(), typed("O"), TestHost::default());
    assert!(
        by_title.screen().contains("Sorted"),
        "{}",
        by_title.screen()
    );
    assert!(!by_title.screen().contains("new since your last session"));
    // Without a record of the last session there is no divider.
    let none = run(
        App::new(
            sample_library(),
            Marks::default(),
            crate::reader::support::options(),
            (100, 30),
            Vec::new(),
        ),
        Vec::new(),
        TestHost::default(),
    );
    assert!(!none.screen().contains("new since your last session"));
}
