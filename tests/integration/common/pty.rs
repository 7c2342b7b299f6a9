//! The one pseudo-terminal harness: a program (Herald in a sandbox, or ssh) on a real pty, its
//! output read through the vt100 emulator. Every wait is on a condition with the deadline from
//! [`super::deadline`]; checks return `Result` so tests can show that a check can fail.

use std::io::{Read, Write};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use portable_pty::{Child, CommandBuilder, MasterPty, PtySize, native_pty_system};

use super::{HERALD, Sandbox, deadline, root};

/// How to start Herald on a pty.
pub struct Launch<'a> {
    pub args: &'a [&'a str],
    /// Variables on top of the sandbox's (and `TERM=xterm-256color`).
    pub env: &'a [(&'a str, &'a str)],
    /// Columns, rows.
    pub size: (u16, u16),
    /// Run through `sh -c` with this prefix (e.g. `trap "" HUP;`).
    pub shell_prefix: Option<&'a str>,
    /// Text of `config.toml`, when there should be one.
    pub config: Option<&'a str>,
}

impl Default for Launch<'_> {
    fn default() -> Self {
        Self {
            args: &["sample-data"],
            env: &[],
            size: (100, 30),
            shell_prefix: None,
            config: None,
        }
    }
}

pub struct Pty {
    child: Box<dyn Child + Send + Sync>,
    writer: Option<Box<dyn Write + Send>>,
    master: Option<Box<dyn MasterPty + Send>>,
    parser: Arc<Mutex<vt100::Parser>>,
    bytes: Arc<Mutex<Vec<u8>>>,
    /// Tells the reader thread to let go of its copy of the master after its next read.
    stop_reading: Arc<AtomicBool>,
    /// Set once the reader thread has let go of its copy of the master.
    reader_gone: Arc<AtomicBool>,
    size: (u16, u16),
    /// Keeps Herald's sandbox (its temporary home) alive as long as the program runs.
    _sandbox: Option<Sandbox>,
}

impl Pty {
    /// Herald in a fresh sandbox, as `launch` says.
    pub fn launch(launch: Launch<'_>) -> Self {
        Self::launch_in(Sandbox::new(), launch)
    }

    /// Herald in `sandbox` (whose files the test may have prepared).
    pub fn launch_in(sandbox: Sandbox, launch: Launch<'_>) -> Self {
        if let Some(config) = launch.config {
            sandbox.write_config(config);
        }
        let mut cmd = match launch.shell_prefix {
            None => {
                let mut cmd = CommandBuilder::new(HERALD);
                cmd.args(launch.args);
                cmd
            }
            Some(prefix) => {
                let mut cmd = CommandBuilder::new("sh");
                let line = format!("{prefix} exec {HERALD} {}", launch.args.join(" "));
                cmd.args(["-c", &line]);
                cmd
            }
        };
        cmd.env_clear();
        for (name, value) in sandbox.environment() {
            cmd.env(name, value);
        }
        cmd.env("TERM", "xterm-256color");
        for (name, value) in launch.env {
            cmd.env(name, value);
        }
        let mut pty = Self::spawn(cmd, launch.size);
        pty._sandbox = Some(sandbox);
        pty
    }

    /// Any program on a pty of `size` (columns, rows), run from the project's root.
    pub fn spawn(mut cmd: CommandBuilder, size: (u16, u16)) -> Self {
        let (cols, rows) = size;
        let pair = native_pty_system()
            .openpty(PtySize {
                rows,
                cols,
                pixel_width: 0,
                pixel_height: 0,
            })
            .expect("a pty");
        cmd.cwd(root());
        let child = pair.slave.spawn_command(cmd).expect("spawn on the pty");
        drop(pair.slave);
        let mut reader = pair.master.try_clone_reader().expect("reader");
        let writer = pair.master.take_writer().expect("writer");
        let parser = Arc::new(Mutex::new(vt100::Parser::new(
            rows.try_into().expect("rows"),
            cols.try_into().expect("cols"),
            0,
        )));
        let bytes = Arc::new(Mutex::new(Vec::new()));
        let stop_reading = Arc::new(AtomicBool::new(false));
        let reader_gone = Arc::new(AtomicBool::new(false));
        {
            let (parser, bytes, stop) = (parser.clone(), bytes.clone(), stop_reading.clone());
            let gone = reader_gone.clone();
            std::thread::spawn(move || {
                let mut buf = [0u8; 8192];
                while let Ok(n) = reader.read(&mut buf) {
                    if n == 0 {
                        break;
                    }
                    // Bytes first: whoever sees the screen change finds the bytes there.
                    bytes.lock().expect("lock").extend_from_slice(&buf[..n]);
                    parser.lock().expect("lock").process(&buf[..n]);
                    if stop.load(Ordering::SeqCst) {
                        break;
                    }
                }
                drop(reader);
                gone.store(true, Ordering::SeqCst);
            });
        }
        Self {
            child,
            writer: Some(writer),
            master: Some(pair.master),
            parser,
            bytes,
            stop_reading,
            reader_gone,
            size,
            _sandbox: None,
        }
    }

    pub fn send(&mut self, keys: &str) {
        let writer = self.writer.as_mut().expect("the terminal is open");
        writer.write_all(keys.as_bytes()).expect("write keys");
        writer.flush().expect("flush keys");
    }

    pub fn with_screen<R>(&self, f: impl FnOnce(&vt100::Screen) -> R) -> R {
        f(self.parser.lock().expect("lock").screen())
    }

    pub fn screen_text(&self) -> String {
        self.with_screen(vt100::Screen::contents)
    }

    pub fn byte_count(&self) -> usize {
        self.bytes.lock().expect("lock").len()
    }

    pub fn bytes_since(&self, start: usize) -> Vec<u8> {
        self.bytes.lock().expect("lock")[start..].to_vec()
    }

    /// The bottom row.
    pub fn last_row(&self) -> u16 {
        self.size.1 - 1
    }

    /// Waits until `check` passes, or returns its last complaint with the screen.
    pub fn wait_for(
        &self,
        deadline: Duration,
        check: impl Fn(&vt100::Screen) -> Result<(), String>,
    ) -> Result<(), String> {
        let end = Instant::now() + deadline;
        loop {
            let outcome = self.with_screen(&check);
            match outcome {
                Ok(()) => return Ok(()),
                Err(error) if Instant::now() > end => {
                    let (row, col) = self.with_screen(vt100::Screen::cursor_position);
                    return Err(format!(
                        "{error}\ncursor at row {row}, column {col}; screen:\n{}",
                        self.screen_text()
                    ));
                }
                Err(_) => std::thread::sleep(Duration::from_millis(5)),
            }
        }
    }

    /// Waits until `condition` holds, or says what the screen showed.
    pub fn wait_until(
        &self,
        what: &str,
        deadline: Duration,
        condition: impl Fn(&vt100::Screen) -> bool,
    ) -> Result<(), String> {
        self.wait_for(deadline, |screen| {
            condition(screen)
                .then_some(())
                .ok_or_else(|| format!("timed out waiting for {what}"))
        })
    }

    /// Waits until `check` passes; panics with its complaint and the screen if it never does.
    pub fn must(&self, check: impl Fn(&vt100::Screen) -> Result<(), String>) {
        if let Err(error) = self.wait_for(deadline(), check) {
            panic!("{error}");
        }
    }

    /// Waits until `condition` holds; panics with the screen if it never does.
    pub fn wait(&self, what: &str, condition: impl Fn(&vt100::Screen) -> bool) {
        if let Err(error) = self.wait_until(what, deadline(), condition) {
            panic!("{error}");
        }
    }

    pub fn wait_for_text(&self, text: &str) {
        self.wait(text, |s| s.contents().contains(text));
    }

    pub fn wait_for_cursor(&self, row: u16, col: u16) {
        self.wait(&format!("the cursor at row {row}, column {col}"), |s| {
            s.cursor_position() == (row, col)
        });
    }

    /// Waits for the program to end; returns its exit code.
    pub fn wait_exit(&mut self) -> u32 {
        let end = Instant::now() + deadline();
        loop {
            if let Some(status) = self.child.try_wait().expect("try_wait") {
                return status.exit_code();
            }
            assert!(
                Instant::now() < end,
                "the program did not exit; screen:\n{}",
                self.screen_text()
            );
            std::thread::sleep(Duration::from_millis(5));
        }
    }

    /// Quits with `q` (from the list) and checks that the exit code is 0.
    pub fn quit(mut self) {
        self.send("q");
        let code = self.wait_exit();
        assert_eq!(code, 0, "screen:\n{}", self.screen_text());
    }

    /// After exit: the output must end by restoring the terminal.
    pub fn assert_restored(&self) {
        let restored = |bytes: &[u8]| {
            let text = String::from_utf8_lossy(bytes);
            let leave = text.rfind("\x1b[?1049l");
            let show = text.rfind("\x1b[?25h");
            let enter = text.rfind("\x1b[?1049h");
            matches!((leave, show, enter), (Some(l), Some(s), Some(e)) if l > e && s > l)
        };
        // The reader thread may still be draining the last bytes.
        let outcome = super::wait_until("the terminal restored", || {
            restored(&self.bytes.lock().expect("lock"))
        });
        if let Err(error) = outcome {
            panic!(
                "{error}; last bytes: {:?}",
                String::from_utf8_lossy(&self.bytes_since(self.byte_count().saturating_sub(200)))
            );
        }
        assert!(!self.with_screen(vt100::Screen::alternate_screen));
    }

    /// Resizes the terminal: the emulator first, then the pty. Herald redraws as soon as it
    /// sees SIGWINCH, and a redraw parsed at the old size would be cut when the emulator
    /// changes size afterwards.
    pub fn resize(&mut self, cols: u16, rows: u16) {
        self.parser.lock().expect("lock").screen_mut().set_size(
            rows.try_into().expect("rows"),
            cols.try_into().expect("cols"),
        );
        self.resize_pty_only(cols, rows);
        self.size = (cols, rows);
    }

    /// Resizes the pty only, leaving the emulator at its size: for sizes no emulator could
    /// hold (65535x65535 cells would take gigabytes). What is drawn meanwhile is clipped.
    pub fn resize_pty_only(&mut self, cols: u16, rows: u16) {
        self.master
            .as_ref()
            .expect("the terminal is open")
            .resize(PtySize {
                rows,
                cols,
                pixel_width: 0,
                pixel_height: 0,
            })
            .expect("resize");
    }

    /// The terminal's own side (the one the program has), opened without becoming the test's
    /// controlling terminal.
    fn terminal_side(&self) -> std::os::fd::OwnedFd {
        use rustix::fs::{Mode, OFlags};
        let path = self
            .master
            .as_ref()
            .and_then(|master| master.tty_name())
            .expect("the terminal is open and has a name");
        rustix::fs::open(&path, OFlags::RDWR | OFlags::NOCTTY, Mode::empty())
            .expect("open the terminal's side")
    }

    /// Whether the terminal is in raw mode: no line editing, no echo.
    pub fn is_raw(&self) -> bool {
        use rustix::termios::LocalModes;
        let modes = rustix::termios::tcgetattr(self.terminal_side()).expect("the terminal's modes");
        !modes
            .local_modes
            .intersects(LocalModes::ICANON | LocalModes::ECHO)
    }

    /// What a shell does when the job it runs stops: puts the terminal back in line mode
    /// (with echo) and prints its prompt, wherever the screen is.
    pub fn shell_takes_over(&self, prompt: &str) {
        use rustix::termios::{InputModes, LocalModes, OptionalActions, OutputModes};
        let tty = self.terminal_side();
        let mut modes = rustix::termios::tcgetattr(&tty).expect("the terminal's modes");
        modes.local_modes |=
            LocalModes::ICANON | LocalModes::ECHO | LocalModes::ISIG | LocalModes::IEXTEN;
        modes.input_modes |= InputModes::ICRNL;
        modes.output_modes |= OutputModes::OPOST | OutputModes::ONLCR;
        rustix::termios::tcsetattr(&tty, OptionalActions::Now, &modes).expect("line mode");
        let mut bytes = format!("\r\n{prompt}").into_bytes();
        while !bytes.is_empty() {
            let n = rustix::io::write(&tty, &bytes).expect("the prompt");
            bytes.drain(..n);
        }
    }

    /// Whether the program is stopped (by SIGSTOP, SIGTSTP...), from /proc.
    pub fn is_stopped(&self) -> bool {
        let stat =
            std::fs::read_to_string(format!("/proc/{}/stat", self.pid())).unwrap_or_default();
        // The state follows the command name, which is in parentheses and may hold spaces.
        let state = stat
            .rsplit_once(')')
            .and_then(|(_, rest)| rest.trim_start().chars().next());
        matches!(state, Some('T' | 't'))
    }

    /// Closes the terminal, as when a window is closed: the program sees a hang-up.
    pub fn hang_up(&mut self) {
        // Make the reader thread drop its copy of the master after its next read, then close
        // ours; the Ctrl-L sent (a redraw) makes a read happen.
        self.stop_reading.store(true, Ordering::SeqCst);
        self.send("\x0c");
        self.writer.take();
        self.master.take();
    }

    /// After [`Self::hang_up`]: waits until the terminal is really closed, which happens once
    /// the reader thread lets go of the last copy of the master (after the program's next
    /// output, so not while the program is stopped).
    pub fn wait_closed(&self) {
        let outcome = super::wait_until("the terminal closed", || {
            self.master.is_none() && self.reader_gone.load(Ordering::SeqCst)
        });
        if let Err(error) = outcome {
            panic!("{error}; screen:\n{}", self.screen_text());
        }
    }

    /// Kills the program (for ssh: drops the connection).
    pub fn kill(&mut self) {
        self.child.kill().expect("kill");
    }

    pub fn pid(&self) -> i32 {
        i32::try_from(self.child.process_id().expect("pid")).expect("pid fits")
    }
}

impl Drop for Pty {
    fn drop(&mut self) {
        let _ = self.child.kill();
    }
}
