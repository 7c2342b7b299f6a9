//! One session channel's work, on a thread of its own: the full-screen reader (a pty was
//! asked for), plain mode (no pty: `ssh -T`), or one command (`ssh host list`).
//!
//! The reader's run loop and plain mode are blocking and generic over where their input
//! comes from and where their output goes, so each session is the very loop the local reader
//! runs, fed by channels from the connection's task and writing into an [`Outbox`]. A thread
//! per session is bounded by the session limits, and it keeps a slow session from holding up
//! the network tasks that every other session shares.

use std::io::{self, BufReader, Read};
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc::{Receiver, SyncSender, TrySendError};
use std::time::Instant;

use ratatui::Terminal;
use ratatui::layout::Size;

use super::cooked::Crlf;
use super::exec::{self, Exec};
use super::output::{Ending, Outbox, Overflow, Writer};
use crate::app::{App, Exit, Options, TerminalCaps};
use crate::config::FileConfig;
use crate::config::resolve::{self, Environment, Flags};
use crate::engine::hub::{Hub, Told};
use crate::engine::runtime::{self, Context, Done, Job, Runtime};
use crate::engine::state::{self, Marks, StateFile};
use crate::present::notify::Notifier;
use crate::present::plain;
use crate::present::reader::backend::{ReaderBackend, SharedSize};
use crate::present::reader::term::Input;
use crate::present::reader::{self as reader, Host};

/// Inputs waiting for a session's loop: keys past this are dropped (a client pasting a
/// novel cannot grow the server's memory; a person typing never comes near it).
pub const INPUT_QUEUE: usize = 1024;

/// What every session reads: one library for all of them, and the settings.
pub struct Shared {
    /// The library, read again once for every session when the stores change.
    pub hub: Arc<Hub>,
    pub config: FileConfig,
    pub flags: Flags,
    /// Sessions running now (the log says how many, so a leak shows).
    pub running: AtomicUsize,
}

/// Whose session it is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Who {
    /// Let in by `--anonymous`: marks live as long as the session.
    Anonymous,
    /// A key of `--authorized-keys`: marks kept in this state file.
    Reader { marks: PathBuf },
}

impl Who {
    /// The marks for a session: the reader's own state file, opened (and saved to) as the
    /// local reader opens its own, so sessions of one key merge their marks as two local
    /// readers do.
    fn open(&self) -> (Marks, Option<StateFile>, Vec<String>) {
        match self {
            Who::Anonymous => (Marks::in_memory(), None, Vec::new()),
            Who::Reader { marks } => {
                if let Some(dir) = marks.parent()
                    && let Err(error) = std::fs::create_dir_all(dir)
                {
                    return (
                        Marks::in_memory(),
                        None,
                        vec![format!("marks will not be kept: {error}")],
                    );
                }
                let (marks, file, problems) = state::open(marks.clone());
                (marks, Some(file), problems)
            }
        }
    }

    /// The marks, only read: what a command reports.
    fn peek(&self) -> Marks {
        match self {
            Who::Anonymous => Marks::in_memory(),
            Who::Reader { marks } => state::file::peek(marks),
        }
    }
}

/// The environment a client may set (everything else is refused before it gets here).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ClientEnv {
    pub lang: Option<String>,
    pub lc_all: Option<String>,
    pub lc_ctype: Option<String>,
    pub no_color: Option<String>,
}

impl ClientEnv {
    /// Takes `name=value` if it is one of the allowed ones (TERM comes with the pty).
    pub fn set(&mut self, name: &str, value: &str) -> bool {
        let value = Some(value.to_owned());
        match name {
            "LANG" => self.lang = value,
            "LC_ALL" => self.lc_all = value,
            "LC_CTYPE" => self.lc_ctype = value,
            "NO_COLOR" => self.no_color = value,
            // The other LC_ variables change nothing Herald does, and are harmless.
            _ if name.starts_with("LC_") => {}
            _ => return false,
        }
        true
    }

    fn environment(&self) -> Environment {
        Environment {
            no_color: self.no_color.clone(),
            colorterm: None,
            lc_all: self.lc_all.clone(),
            lc_ctype: self.lc_ctype.clone(),
            lang: self.lang.clone(),
            accessible: None,
            stdout_is_terminal: true,
        }
    }
}

/// What a session runs.
pub enum Work {
    Reader {
        term: String,
        size: Arc<SharedSize>,
        inputs: Receiver<Input>,
        /// For the runtime's answers (the loop's own channel).
        answers: SyncSender<Input>,
    },
    Plain {
        lines: Receiver<Vec<u8>>,
        /// The pty's size, on a pty (in raw mode: line feeds then go out as CR LF).
        pty: Option<Arc<SharedSize>>,
    },
    Exec(Result<Exec, String>),
}

impl Work {
    /// How its output behaves past the limit (see [`Overflow`]).
    pub fn overflow(&self) -> Overflow {
        match self {
            Work::Reader { .. } => Overflow::Repaint,
            Work::Plain { .. } | Work::Exec(_) => Overflow::Wait,
        }
    }
}

/// Counts a running session for as long as it lives.
struct Running<'a>(&'a AtomicUsize);

impl<'a> Running<'a> {
    fn start(count: &'a AtomicUsize) -> Self {
        count.fetch_add(1, Ordering::SeqCst);
        Self(count)
    }
}

impl Drop for Running<'_> {
    fn drop(&mut self) {
        let left = self.0.fetch_sub(1, Ordering::SeqCst) - 1;
        eprintln!("herald serve: a session ended; {left} sessions running");
    }
}

/// Starts `work` on a thread of its own; its output goes to `outbox`, which is closed with
/// the session's ending.
pub fn spawn(
    shared: Arc<Shared>,
    who: Who,
    env: ClientEnv,
    work: Work,
    outbox: Arc<Outbox>,
) -> io::Result<()> {
    std::thread::Builder::new()
        .name("herald-serve-session".into())
        .spawn(move || {
            let _running = Running::start(&shared.running);
            let ending = match work {
                Work::Reader {
                    term,
                    size,
                    inputs,
                    answers,
                } => run_reader(&shared, &who, &env, &term, size, inputs, answers, &outbox),
                Work::Plain { lines, pty } => {
                    run_plain(&shared, &who, lines, pty.as_deref(), &outbox)
                }
                Work::Exec(exec) => run_exec(&shared, &who, &exec, &outbox),
            };
            outbox.close(ending);
        })
        .map(drop)
}

/// The run loop's host for a session: the session's own runtime threads, the outbox for
/// Herald's escape sequences, and nothing of the server's own terminal.
struct SessionHost {
    runtime: Runtime,
    outbox: Arc<Outbox>,
    notifier: Option<Notifier<Instant>>,
}

impl Host for SessionHost {
    fn submit(&mut self, job: Job) -> Option<Done> {
        self.runtime.submit(job);
        None
    }
    fn flush_saves(&mut self) -> Result<(), String> {
        self.runtime.flush_saves(runtime::FINAL_SAVE_WITHIN)
    }
    /// Ctrl-Z would stop the server: a session has nothing to suspend to.
    fn suspend(&mut self) -> io::Result<()> {
        Ok(())
    }
    fn reenter(&mut self) -> io::Result<()> {
        Ok(())
    }
    fn write_terminal(&mut self, bytes: &[u8]) -> io::Result<()> {
        self.outbox.push(bytes.to_vec())
    }
    fn notifier(&mut self) -> Option<&mut Notifier<Instant>> {
        self.notifier.as_mut()
    }
}

/// The session's runtime: no search history and no link opener (links open on the
/// client's side, with `y` and OSC 52 or OSC 8, never as a program on the server).
fn runtime(
    shared: &Shared,
    state: Option<StateFile>,
    deliver: impl Fn(Done) + Send + Sync + 'static,
) -> Runtime {
    Runtime::start(
        Context {
            reloads: shared.hub.clone(),
            state,
            history: None,
            opener: Vec::new(),
        },
        deliver,
    )
}

#[allow(clippy::too_many_arguments)]
fn run_reader(
    shared: &Shared,
    who: &Who,
    env: &ClientEnv,
    term: &str,
    size: Arc<SharedSize>,
    mut inputs: Receiver<Input>,
    answers: SyncSender<Input>,
    outbox: &Arc<Outbox>,
) -> Ending {
    let options: Options = resolve::resolve(&shared.flags, &shared.config, &env.environment());
    let (marks, state_file, problems) = who.open();
    let osc = reader::term::understands_osc(Some(term));
    let caps = TerminalCaps {
        hyperlinks: osc && shared.config.hyperlinks.unwrap_or(true),
        clipboard: osc,
        remote: true,
    };
    // A new library is one more input, as a store change is for the local reader: the loop
    // then asks the hub for it (subscribed before the library is taken, so one made in
    // between is not missed). Never waits: the hub tells a busy session again later.
    let told = answers.clone();
    let _subscription = shared
        .hub
        .subscribe(move || match told.try_send(Input::StoresChanged) {
            Ok(()) => Told::Heard,
            Err(TrySendError::Full(_)) => Told::Busy,
            Err(TrySendError::Disconnected(_)) => Told::Gone,
        });
    let Size { width, height } = size.get();
    let mut app = App::new(
        shared.hub.library(),
        marks,
        options.clone(),
        (width, height),
        problems,
    )
    .with_keymap(shared.config.keymap())
    .with_caps(caps);
    let runtime = runtime(shared, state_file, move |done| {
        // Blocks while the loop's queue is full: the loop is the one who empties it.
        let _ = answers.send(Input::Done(done));
    });
    // Notifications go to the client's terminal, as the server's config asks, judged by the
    // terminal the client said it has (its TERM is all a session knows of it).
    let notifier = shared
        .config
        .notifications(|name| (name == "TERM").then(|| term.to_owned()))
        .map(Notifier::new);
    let mut host = SessionHost {
        runtime,
        outbox: outbox.clone(),
        notifier,
    };
    if options.alt_screen {
        let _ = outbox.push(b"\x1b[?1049h".to_vec());
    }
    let backend = ReaderBackend::with_shared_size(Writer::new(outbox.clone()), size);
    let finished = match Terminal::new(backend) {
        Ok(mut terminal) => reader::run_loop(&mut terminal, &mut app, &mut inputs, &mut host),
        Err(error) => {
            return Ending {
                status: 1,
                stderr: format!("herald: {error}\r\n").into_bytes(),
            };
        }
    };
    // As the local reader leaves the terminal: no style, the normal screen, the cursor.
    let mut leave = b"\x1b[0m".to_vec();
    if options.alt_screen {
        leave.extend_from_slice(b"\x1b[?1049l");
    }
    leave.extend_from_slice(b"\x1b[?25h");
    let _ = outbox.push(leave);
    let mut stderr = Vec::new();
    if let Err(problem) = &finished.saved {
        stderr = format!("herald: could not save read marks: {problem}\r\n").into_bytes();
    }
    let status = match finished.exit {
        Exit::Quit if finished.saved.is_ok() => 0,
        Exit::Quit => 1,
        Exit::Signal(signal) => 128 + u32::try_from(signal).unwrap_or(0),
        Exit::Hangup => 129,
    };
    Ending { status, stderr }
}

/// A session's input as a byte stream: what the client sends, in order; the end when it
/// sends EOF or goes.
struct Lines {
    chunks: Receiver<Vec<u8>>,
    chunk: Vec<u8>,
    at: usize,
}

impl Read for Lines {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        while self.at >= self.chunk.len() {
            match self.chunks.recv() {
                Ok(chunk) => (self.chunk, self.at) = (chunk, 0),
                Err(_) => return Ok(0),
            }
        }
        let n = buf.len().min(self.chunk.len() - self.at);
        buf[..n].copy_from_slice(&self.chunk[self.at..self.at + n]);
        self.at += n;
        Ok(n)
    }
}

fn run_plain(
    shared: &Shared,
    who: &Who,
    lines: Receiver<Vec<u8>>,
    pty: Option<&SharedSize>,
    outbox: &Arc<Outbox>,
) -> Ending {
    let (marks, state_file, problems) = who.open();
    let notes: Vec<String> = problems
        .iter()
        .map(|p| format!("Problem: {}", plain::render::sentence(p)))
        .collect();
    // On a pty, its size as the request gave it; else nothing to measure: the widths a file
    // or a pipe gets.
    let layout = plain::layout_for(
        pty.map(|size| {
            let Size { width, height } = size.get();
            (width, height)
        }),
        None,
    );
    // Plain mode takes a new library in before the next command, never unasked. Counted
    // before the library is taken, so one made in between is not missed.
    let mut seen = shared.hub.generation();
    let app = App::new(
        shared.hub.library(),
        marks,
        Options::default(),
        (0, 0),
        Vec::new(),
    )
    .on_lines(layout.width)
    // No escape byte in plain mode: `y` shows a link rather than copying it.
    .with_caps(TerminalCaps {
        hyperlinks: false,
        clipboard: false,
        remote: true,
    });
    let mut driver = plain::Driver::threads(Context {
        reloads: shared.hub.clone(),
        state: state_file,
        history: None,
        opener: Vec::new(),
    });
    let input = BufReader::new(Lines {
        chunks: lines,
        chunk: Vec::new(),
        at: 0,
    });
    let mut out: Box<dyn std::io::Write> = match pty {
        Some(_) => Box::new(Crlf(Writer::new(outbox.clone()))),
        None => Box::new(Writer::new(outbox.clone())),
    };
    let mut changed = || {
        let now = shared.hub.generation();
        std::mem::replace(&mut seen, now) != now
    };
    let result = plain::run(
        app,
        &mut driver,
        layout,
        &notes,
        input,
        &mut out,
        &mut changed,
    );
    let mut stderr = Vec::new();
    if let Err(problem) = driver.flush_saves() {
        stderr.extend(format!("herald: could not save read marks: {problem}\n").into_bytes());
    }
    match result {
        Ok(()) => Ending {
            status: u32::from(!stderr.is_empty()),
            stderr,
        },
        // The client went away mid-answer: nobody to tell.
        Err(_) => Ending { status: 1, stderr },
    }
}

fn run_exec(
    shared: &Shared,
    who: &Who,
    exec: &Result<Exec, String>,
    outbox: &Arc<Outbox>,
) -> Ending {
    let exec = match exec {
        Ok(exec) => exec,
        Err(refusal) => {
            return Ending {
                status: 2,
                stderr: format!("herald: {refusal}.\n\n{}", exec::HELP).into_bytes(),
            };
        }
    };
    let marks = who.peek();
    let mut out = Writer::new(outbox.clone());
    let mut stderr = Vec::new();
    // A failed write is a client gone mid-answer.
    let status = exec::run(exec, &shared.hub.library(), &marks, &mut out, &mut stderr).unwrap_or(1);
    drop(out);
    Ending { status, stderr }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_locale_and_no_color_may_be_set() {
        let mut env = ClientEnv::default();
        for (name, value) in [
            ("LANG", "C"),
            ("LC_ALL", "C.UTF-8"),
            ("LC_TIME", "x"),
            ("NO_COLOR", "1"),
        ] {
            assert!(env.set(name, value), "{name}");
        }
        for name in [
            "PATH",
            "LD_PRELOAD",
            "HOME",
            "TERM",
            "HERALD_PLAIN",
            "ACCESSIBLE",
        ] {
            assert!(!env.set(name, "x"), "{name}");
        }
        assert_eq!(env.lang.as_deref(), Some("C"));
        assert_eq!(env.no_color.as_deref(), Some("1"));
    }

    #[test]
    fn plain_input_reads_the_chunks_in_order_then_ends() {
        let (tx, rx) = std::sync::mpsc::sync_channel(4);
        tx.send(b"1\nq".to_vec()).unwrap();
        tx.send(b"\n".to_vec()).unwrap();
        drop(tx);
        let mut text = String::new();
        Lines {
            chunks: rx,
            chunk: Vec::new(),
            at: 0,
        }
        .read_to_string(&mut text)
        .unwrap();
        assert_eq!(text, "1\nq\n");
    }
}
