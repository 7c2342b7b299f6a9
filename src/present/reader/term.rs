//! The only place that touches the terminal's modes: raw mode, the alternate screen, the
//! cursor, and the signals and hang-ups that must put them back.
//!
//! Restoring works from any thread and never takes Rust's stdout lock (the main thread may
//! hold it): it writes the escape sequences straight to the file descriptor.

use std::io;
use std::os::fd::{AsFd, OwnedFd};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::Sender;
use std::time::Duration;

use ratatui::crossterm::event::{self, Event, KeyEventKind, KeyModifiers};
use ratatui::crossterm::terminal;
use signal_hook::consts::{SIGCONT, SIGHUP, SIGINT, SIGTERM, SIGTSTP};

use crate::app::{Key, KeyCode};
use crate::engine::runtime::Done;

/// What the terminal side of the reader sends the run loop.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Input {
    Key(Key),
    Resize(u16, u16),
    /// SIGINT, SIGTERM or SIGHUP.
    Signal(i32),
    /// SIGCONT: continued after a stop.
    Resumed,
    /// SIGTSTP from outside (`kill -TSTP`): suspend as Ctrl-Z does.
    Stop,
    /// The terminal is gone.
    Hangup,
    /// A store file changed, appeared or disappeared (see [`crate::engine::watch`]).
    StoresChanged,
    /// The runtime finished a job.
    Done(Done),
    /// The keys paused long enough to save (made by the run loop itself).
    SaveDue,
    /// A desktop notification is due (made by the run loop itself).
    NotifyDue,
    /// A background fetch has done this many of that many feeds.
    FetchProgress(usize, usize),
    /// A background fetch ended.
    Fetched {
        summary: String,
        failed: bool,
    },
    /// `fetch_every` came round.
    FetchDue,
    /// feeds.toml and the fetch schedule, read again after a fetch.
    Notes(std::sync::Arc<crate::app::FeedNotes>),
}

/// True while the terminal is in the reader's modes and needs restoring.
static ACTIVE: AtomicBool = AtomicBool::new(false);
static ALT_SCREEN: AtomicBool = AtomicBool::new(true);

/// If the run loop has not finished within this time after a signal or hang-up (it normally
/// takes milliseconds), the watcher restores the terminal and exits by itself. Long enough
/// for the final save's longest honest wait (another instance's lock, then the write), so the
/// net never cuts off a save that would have kept the last marks.
const GRACE: Duration =
    Duration::from_millis(crate::engine::state::file::LOCK_WAIT.as_millis() as u64 + 3000);

/// Raw mode, and the alternate screen unless `alt_screen` is false.
pub fn enter(alt_screen: bool) -> io::Result<()> {
    ALT_SCREEN.store(alt_screen, Ordering::SeqCst);
    // Herald implements NO_COLOR in its themes (styles then carry no colour at all). Letting
    // crossterm also apply it would turn "reverse + colour" into a reset that drops reverse.
    ratatui::crossterm::style::force_color_output(true);
    terminal::enable_raw_mode()?;
    ACTIVE.store(true, Ordering::SeqCst);
    if alt_screen {
        write_all(b"\x1b[?1049h")?;
    }
    Ok(())
}

/// Puts the terminal back: leaves the alternate screen (or moves below the drawing), shows the
/// cursor, leaves raw mode. Idempotent and safe from any thread; errors are ignored because
/// there is nobody left to tell (the terminal may be gone).
pub fn restore() {
    if !ACTIVE.swap(false, Ordering::SeqCst) {
        return;
    }
    let _ = write_all(b"\x1b[0m");
    if ALT_SCREEN.load(Ordering::SeqCst) {
        let _ = write_all(b"\x1b[?1049l");
    } else {
        // Without the alternate screen the drawing stays; put the shell prompt below it.
        let rows = rustix::termios::tcgetwinsize(io::stdout().as_fd()).map_or(1, |w| w.ws_row);
        let _ = write_all(format!("\x1b[{rows};1H\r\n").as_bytes());
    }
    let _ = write_all(b"\x1b[?25h");
    let _ = terminal::disable_raw_mode();
}

/// Writes Herald's own escape sequences (OSC 52, OSC 8) straight to the terminal, after a
/// frame has been flushed. Store text never gets here: only sequences built by [`osc52`] and
/// `ui::hyperlinks`, whose variable parts are base64 or percent-encoded.
pub fn write_sequence(bytes: &[u8]) -> io::Result<()> {
    write_all(bytes)
}

/// OSC 52: put `text` on the clipboard of the terminal the user sits at (also across SSH),
/// `ESC ] 52 ; c ; BASE64 BEL`. Base64 leaves no byte that could end the sequence early.
pub fn osc52(text: &str) -> Vec<u8> {
    let mut out = b"\x1b]52;c;".to_vec();
    out.extend_from_slice(base64(text.as_bytes()).as_bytes());
    out.push(0x07);
    out
}

/// Standard base64 with padding (RFC 4648), which is all OSC 52 needs.
pub fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(char::from(ALPHABET[((n >> (18 - 6 * i)) & 63) as usize]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// Whether a terminal of this `TERM` can take OSC sequences it does not know without printing
/// them: the Linux (and BSD) console does not, so it gets neither hyperlinks nor OSC 52 (it has
/// no clipboard for them anyway). Others ignore what they do not support.
pub fn understands_osc(term: Option<&str>) -> bool {
    let term = term.unwrap_or("");
    !(term.is_empty()
        || term == "dumb"
        || term.starts_with("linux")
        || term.starts_with("cons")
        || term.starts_with("vt"))
}

/// Standard output written straight to its file descriptor, for the frames. Not through
/// `io::stdout()`: a frame a hung-up terminal refuses would stay in std's buffer, and the
/// flush on the way out would fail again and turn the hang-up's exit status into an error.
/// The reader's own `BufWriter` on top drops what it could not write.
pub struct Frames;

impl io::Write for Frames {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        loop {
            match rustix::io::write(io::stdout().as_fd(), bytes) {
                Err(rustix::io::Errno::INTR) => {}
                written => return Ok(written?),
            }
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

fn write_all(mut bytes: &[u8]) -> io::Result<()> {
    let out = io::stdout();
    while !bytes.is_empty() {
        match rustix::io::write(out.as_fd(), bytes) {
            Ok(0) => return Err(io::ErrorKind::WriteZero.into()),
            Ok(n) => bytes = &bytes[n..],
            Err(rustix::io::Errno::INTR) => {}
            Err(error) => return Err(error.into()),
        }
    }
    Ok(())
}

/// The terminal's size, asked of standard output (crossterm's asks /dev/tty), bounded as the
/// frames are (see [`super::backend::MAX_FRAME_SIZE`]).
pub fn size() -> io::Result<(u16, u16)> {
    let (width, height) = match rustix::termios::tcgetwinsize(io::stdout().as_fd()) {
        Ok(size) if size.ws_col > 0 && size.ws_row > 0 => (size.ws_col, size.ws_row),
        _ => terminal::size()?,
    };
    Ok(bounded(width, height))
}

/// A size the terminal reported, bounded as the frames are.
fn bounded(width: u16, height: u16) -> (u16, u16) {
    let size = super::backend::bounded(ratatui::layout::Size::new(width, height));
    (size.width, size.height)
}

/// Restores the terminal before the default panic message, so the message is readable and the
/// shell usable.
pub fn install_panic_hook() {
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        restore();
        previous(info);
    }));
}

/// Ctrl-Z, or SIGTSTP from outside: give the terminal back, stop, and take it again when
/// continued. SIGTSTP is caught (so that one from outside comes here too), and raising it
/// would only come back as another suspend: Herald stops as SIGTSTP's default action would,
/// with SIGSTOP.
pub fn suspend() -> io::Result<()> {
    let alt_screen = ALT_SCREEN.load(Ordering::SeqCst);
    restore();
    signal_hook::low_level::emulate_default_handler(SIGTSTP)?;
    enter(alt_screen)
}

/// After SIGCONT from outside (`kill -STOP`, then `-CONT`): the shell has likely put the
/// terminal back in line mode meanwhile, so set the modes again. Raw mode is left first:
/// crossterm still believes it is on and would do nothing, and leaving it puts back the modes
/// from before Herald started, which entering records again for the restore at the end.
pub fn reenter() -> io::Result<()> {
    let alt_screen = ALT_SCREEN.load(Ordering::SeqCst);
    terminal::disable_raw_mode()?;
    terminal::enable_raw_mode()?;
    ACTIVE.store(true, Ordering::SeqCst);
    if alt_screen {
        write_all(b"\x1b[?1049h")?;
    }
    Ok(())
}

/// Starts the threads that feed the run loop: terminal events, signals, and the hang-up watch.
pub fn spawn_inputs(tx: &Sender<Input>) -> io::Result<()> {
    spawn_events(tx.clone())?;
    spawn_signals(tx.clone())?;
    spawn_hangup_watch(tx.clone())?;
    Ok(())
}

fn spawn_events(tx: Sender<Input>) -> io::Result<()> {
    // Set up crossterm's event source now, on this thread, before the first frame: it installs
    // the SIGWINCH handler, and the thread below would only do that on its first read. Until
    // then SIGWINCH is ignored, so a resize right after the first frame would never be seen.
    // A zero-timeout poll creates the source without reading anything; if it fails (no
    // terminal), the thread's first read fails the same way and reports a hang-up.
    let _ = event::poll(Duration::ZERO);
    std::thread::Builder::new()
        .name("herald-input".into())
        .spawn(move || {
            loop {
                let input = match event::read() {
                    Ok(Event::Key(key)) if key.kind != KeyEventKind::Release => {
                        Input::Key(convert_key(key))
                    }
                    Ok(Event::Resize(width, height)) => {
                        let (width, height) = bounded(width, height);
                        Input::Resize(width, height)
                    }
                    Ok(_) => continue,
                    Err(_) => Input::Hangup,
                };
                let stop = input == Input::Hangup;
                if tx.send(input).is_err() || stop {
                    return;
                }
            }
        })?;
    Ok(())
}

fn spawn_signals(tx: Sender<Input>) -> io::Result<()> {
    let mut signals =
        signal_hook::iterator::Signals::new([SIGINT, SIGTERM, SIGHUP, SIGCONT, SIGTSTP])?;
    std::thread::Builder::new()
        .name("herald-signals".into())
        .spawn(move || {
            for signal in signals.forever() {
                match signal {
                    SIGCONT => {
                        let _ = tx.send(Input::Resumed);
                    }
                    // Its default action would stop Herald with the terminal still raw.
                    SIGTSTP => {
                        let _ = tx.send(Input::Stop);
                    }
                    _ => {
                        let _ = tx.send(Input::Signal(signal));
                        exit_after_grace(128 + signal);
                    }
                }
            }
        })?;
    Ok(())
}

/// The terminal hanging up is detected by polling the tty for POLLHUP (no events requested,
/// so the thread sleeps in the kernel until then). This works when SIGHUP is ignored, where
/// crossterm would spin on the dead tty forever.
fn spawn_hangup_watch(tx: Sender<Input>) -> io::Result<()> {
    let tty: Option<OwnedFd> = if rustix::termios::isatty(io::stdin().as_fd()) {
        None
    } else {
        Some(std::fs::File::open("/dev/tty")?.into())
    };
    std::thread::Builder::new()
        .name("herald-hangup".into())
        .spawn(move || {
            let stdin = io::stdin();
            let fd = tty.as_ref().map_or_else(|| stdin.as_fd(), AsFd::as_fd);
            loop {
                let mut fds = [rustix::event::PollFd::from_borrowed_fd(
                    fd,
                    rustix::event::PollFlags::empty(),
                )];
                match rustix::event::poll(&mut fds, None) {
                    Ok(n) if n > 0 => break,
                    Ok(_) | Err(rustix::io::Errno::INTR) => {}
                    Err(_) => break,
                }
            }
            let _ = tx.send(Input::Hangup);
            exit_after_grace(128 + SIGHUP);
        })?;
    Ok(())
}

/// Gives the run loop time to save and exit; if it has not, exits from here.
fn exit_after_grace(code: i32) {
    std::thread::sleep(GRACE);
    restore();
    std::process::exit(code);
}

pub fn convert_key(key: event::KeyEvent) -> Key {
    use event::KeyCode as C;
    let code = match key.code {
        C::Char(c) => KeyCode::Char(c),
        C::Enter => KeyCode::Enter,
        C::Esc => KeyCode::Esc,
        C::Tab => KeyCode::Tab,
        C::BackTab => KeyCode::BackTab,
        C::Backspace => KeyCode::Backspace,
        C::Up => KeyCode::Up,
        C::Down => KeyCode::Down,
        C::Left => KeyCode::Left,
        C::Right => KeyCode::Right,
        C::PageUp => KeyCode::PageUp,
        C::PageDown => KeyCode::PageDown,
        C::Home => KeyCode::Home,
        C::End => KeyCode::End,
        C::Delete => KeyCode::Delete,
        C::F(n) => KeyCode::F(n),
        _ => KeyCode::Other,
    };
    Key {
        code,
        // Shift is already in the character (`G`, `?`); for other keys Herald ignores it.
        ctrl: key.modifiers.contains(KeyModifiers::CONTROL),
        alt: key.modifiers.contains(KeyModifiers::ALT),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_matches_rfc_4648_vectors() {
        let cases = [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg=="),
            ("fooba", "Zm9vYmE="),
            ("foobar", "Zm9vYmFy"),
        ];
        for (plain, encoded) in cases {
            assert_eq!(base64(plain.as_bytes()), encoded, "{plain:?}");
        }
        assert_eq!(base64(&[0xff, 0xfe, 0x00]), "//4A");
    }

    #[test]
    fn osc52_is_one_sequence_with_nothing_inside_that_could_end_it() {
        let bytes = osc52("https://example.org/a?b=1;c=\u{7}\u{1b}");
        assert!(bytes.starts_with(b"\x1b]52;c;"));
        assert_eq!(bytes.last(), Some(&0x07));
        let body = &bytes[7..bytes.len() - 1];
        assert!(body.iter().all(|b| b.is_ascii_graphic()), "{body:?}");
    }

    #[test]
    fn the_linux_console_gets_no_osc() {
        for term in ["linux", "linux-16color", "cons25", "vt100", "dumb", ""] {
            assert!(!understands_osc(Some(term)), "{term}");
        }
        assert!(!understands_osc(None));
        for term in [
            "xterm-256color",
            "tmux-256color",
            "screen",
            "alacritty",
            "foot",
        ] {
            assert!(understands_osc(Some(term)), "{term}");
        }
    }
}
