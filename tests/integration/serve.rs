//! `herald serve` end to end, with the real OpenSSH client against the server on 127.0.0.1
//! (a free port, a sandbox data directory for the host key and the marks, throwaway client
//! keys): a pty session reads the seed article, resizes and disconnects leaving no session
//! behind (the server's log says how many run); `ssh -T` gets plain mode with no escape
//! byte; `ssh host list` works; a shell command, sftp and forwarding are refused; an unknown
//! key is refused without `--anonymous`; two sessions of one reader mark different articles
//! and both marks are kept.
//!
//! Without `ssh` these tests fail under CI (`.ci/run` installs OpenSSH) and are skipped with
//! a note elsewhere. Every wait is on a condition with a deadline.

use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::{Arc, Mutex};

use portable_pty::CommandBuilder;

use crate::common::{HERALD, Pty, Sandbox, root, wait_until};

fn find_program(name: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH").unwrap_or_default();
    std::env::split_paths(&path)
        .map(|dir| dir.join(name))
        .find(|p| p.is_file())
}

/// `ssh` and `ssh-keygen`, or None (after failing under CI) when they are missing.
fn openssh() -> Option<(PathBuf, PathBuf)> {
    if let (Some(ssh), Some(keygen)) = (find_program("ssh"), find_program("ssh-keygen")) {
        return Some((ssh, keygen));
    }
    let message = "the herald serve tests need the OpenSSH client (ssh, ssh-keygen): install \
                   openssh-client (`.ci/run` does this with apt-get)";
    let ci = std::env::var("CI").is_ok_and(|v| !v.is_empty() && v != "0" && v != "false");
    assert!(!ci, "{message}");
    eprintln!("note: skipping: {message}");
    None
}

fn free_port() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind a free port");
    listener.local_addr().expect("address").port()
}

/// A running `herald serve`, its log gathered as it comes; killed when dropped.
struct Server {
    child: Child,
    port: u16,
    log: Arc<Mutex<String>>,
    sandbox: Sandbox,
    ssh: PathBuf,
    keygen: PathBuf,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Server {
    /// `herald serve ARGS tests/fixtures/links/links.json`, listening.
    fn start(args: &[&str]) -> Option<Self> {
        Self::start_on(&root().join("tests/fixtures/links/links.json"), args)
    }

    /// `herald serve ARGS STORE`, listening.
    fn start_on(store: &Path, args: &[&str]) -> Option<Self> {
        Self::start_configured(store, args, None)
    }

    /// `herald serve ARGS STORE` with `config` as its config file, listening.
    fn start_configured(store: &Path, args: &[&str], config: Option<&str>) -> Option<Self> {
        let (mut ssh, mut keygen) = openssh()?;
        let mut sandbox = Sandbox::new();
        if let Some(config) = config {
            sandbox.write_config(config);
        }
        // A port can be taken between finding it free and the server binding it.
        for _ in 0..5 {
            let port = free_port();
            let mut child = sandbox
                .command(HERALD)
                .arg("serve")
                .args(["--listen", &format!("127.0.0.1:{port}")])
                .args(args)
                .arg(store)
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(Stdio::piped())
                .spawn()
                .expect("start herald serve");
            let log = Arc::new(Mutex::new(String::new()));
            let stderr = child.stderr.take().expect("stderr");
            {
                let log = log.clone();
                std::thread::spawn(move || {
                    for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                        let mut log = log.lock().expect("lock");
                        log.push_str(&line);
                        log.push('\n');
                    }
                });
            }
            let mut server = Self {
                child,
                port,
                log,
                sandbox,
                ssh,
                keygen,
            };
            let listening = wait_until("the server to listen or exit", || {
                server.log().contains("listening on")
                    || matches!(server.child.try_wait(), Ok(Some(_)))
            });
            if listening.is_ok() && server.log().contains("listening on") {
                return Some(server);
            }
            let log = server.log();
            assert!(log.contains("in use"), "herald serve did not start:\n{log}");
            (sandbox, ssh, keygen) = server.take();
        }
        panic!("no free port for herald serve");
    }

    /// Takes the parts back from a server that did not start, to try another port.
    fn take(mut self) -> (Sandbox, PathBuf, PathBuf) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let sandbox = std::mem::take(&mut self.sandbox);
        let ssh = std::mem::take(&mut self.ssh);
        let keygen = std::mem::take(&mut self.keygen);
        (sandbox, ssh, keygen)
    }

    fn log(&self) -> String {
        self.log.lock().expect("lock").clone()
    }

    fn wait_log(&self, what: &str, condition: impl Fn(&str) -> bool) {
        if let Err(error) = wait_until(what, || condition(&self.log())) {
            panic!("{error}; server log:\n{}", self.log());
        }
    }

    /// Waits until every connection has left and no session runs: nothing left behind.
    fn wait_idle(&self) {
        self.wait_log("no connection open and no session running", |log| {
            let last = |what: &str| log.lines().rev().find(|line| line.contains(what));
            last("connections open").is_some_and(|line| line.contains(" 0 connections open"))
                && last("sessions running").is_some_and(|line| line.contains(" 0 sessions running"))
        });
    }

    /// A new client key pair in the sandbox: the private key's path.
    fn key(&self, name: &str) -> PathBuf {
        let path = self.sandbox.path(name);
        let status = Command::new(&self.keygen)
            .args(["-q", "-t", "ed25519", "-N", "", "-C", name, "-f"])
            .arg(&path)
            .status()
            .expect("ssh-keygen");
        assert!(status.success());
        path
    }

    /// The ssh options every client here uses: no config, no known hosts, no agent, no
    /// questions.
    fn ssh_args(&self, key: &Path) -> Vec<String> {
        let mut args: Vec<String> = vec!["-F".into(), "/dev/null".into(), "-i".into()];
        args.push(key.display().to_string());
        for option in [
            "StrictHostKeyChecking=no",
            "UserKnownHostsFile=/dev/null",
            "IdentitiesOnly=yes",
            "IdentityAgent=none",
            "BatchMode=yes",
            "LogLevel=ERROR",
            "ConnectTimeout=20",
        ] {
            args.push("-o".into());
            args.push(option.into());
        }
        args.push("-p".into());
        args.push(self.port.to_string());
        args
    }

    /// `ssh [OPTIONS] reader@127.0.0.1 [REMOTE]` with `input` on its standard input.
    fn ssh(&self, key: &Path, options: &[&str], remote: &[&str], input: &[u8]) -> Output {
        let mut child = self
            .sandbox
            .command(&self.ssh)
            .args(self.ssh_args(key))
            .args(options)
            .arg("reader@127.0.0.1")
            .args(remote)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start ssh");
        let mut stdin = child.stdin.take().expect("stdin");
        let _ = stdin.write_all(input);
        drop(stdin);
        child.wait_with_output().expect("ssh's output")
    }

    /// `ssh -tt` on a pty of `size`, with TERM=xterm-256color.
    fn ssh_pty(&self, key: &Path, size: (u16, u16)) -> Pty {
        self.ssh_pty_as(key, size, "xterm-256color")
    }

    /// `ssh -tt` on a pty of `size`, with TERM=`term`.
    fn ssh_pty_as(&self, key: &Path, size: (u16, u16), term: &str) -> Pty {
        let mut cmd = CommandBuilder::new(&self.ssh);
        cmd.arg("-tt");
        cmd.args(self.ssh_args(key));
        cmd.arg("reader@127.0.0.1");
        cmd.env_clear();
        for (name, value) in self.sandbox.environment() {
            cmd.env(name, value);
        }
        cmd.env("TERM", term);
        Pty::spawn(cmd, size)
    }
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn a_pty_session_reads_the_seed_article_resizes_and_leaves_nothing_behind() {
    let Some(server) = Server::start(&["--anonymous"]) else {
        return;
    };
    let key = server.key("anyone");
    let mut session = server.ssh_pty(&key, (100, 30));
    session.wait_for_text("Night Ferry to Eastmarsh Returns");
    session.send("\r");
    session.wait_for_text("The night ferry sailed again on Saturday.");

    // The pty's size came with the request; a window change resizes the reader.
    session.resize(30, 8);
    session.wait_for_text("Terminal too small");
    session.resize(110, 32);
    session.wait("the article again at 110x32", |screen| {
        let screen = screen.contents();
        screen.contains("The night ferry sailed again on Saturday.")
            && !screen.contains("Terminal too small")
    });
    server.wait_log("one session running", |log| {
        log.contains("full-screen reader (xterm-256color)")
    });

    // Drop the connection mid-session: the session ends, and nothing is left.
    session.kill();
    server.wait_idle();
}

#[test]
fn quitting_the_reader_ends_the_ssh_session_with_the_terminal_restored() {
    let Some(server) = Server::start(&["--anonymous"]) else {
        return;
    };
    let key = server.key("anyone");
    let mut session = server.ssh_pty(&key, (80, 24));
    session.wait_for_text("Night Ferry to Eastmarsh Returns");
    session.send("q");
    assert_eq!(session.wait_exit(), 0, "{}", server.log());
    // The reader left the client's terminal as it found it: the normal screen, the cursor.
    let bytes = text(&session.bytes_since(0));
    let left = bytes
        .rfind("\u{1b}[?1049l")
        .expect("the alternate screen left");
    assert!(bytes[left..].contains("\u{1b}[?25h"), "{bytes:?}");
    server.wait_idle();
}

#[test]
fn without_a_pty_it_is_plain_mode_with_no_escape_byte() {
    let Some(server) = Server::start(&["--anonymous"]) else {
        return;
    };
    let key = server.key("anyone");
    let output = server.ssh(&key, &["-T"], &[], b"1\nq\n");
    let stdout = text(&output.stdout);
    assert!(
        output.status.success(),
        "{stdout}\n{}",
        text(&output.stderr)
    );
    assert!(
        stdout.contains("Night Ferry to Eastmarsh Returns"),
        "{stdout}"
    );
    assert!(
        stdout.contains("The night ferry sailed again on Saturday."),
        "{stdout}"
    );
    assert!(
        !output.stdout.contains(&0x1b),
        "an escape byte in plain mode:\n{stdout:?}"
    );
    server.wait_idle();
}

#[test]
fn the_read_only_commands_run_and_everything_else_is_refused() {
    let Some(server) = Server::start(&["--anonymous"]) else {
        return;
    };
    let key = server.key("anyone");

    let list = server.ssh(&key, &[], &["list"], b"");
    assert!(list.status.success(), "{}", text(&list.stderr));
    let stdout = text(&list.stdout);
    assert!(
        stdout.contains("Night Ferry to Eastmarsh Returns"),
        "{stdout}"
    );
    assert!(
        stdout.contains("Fish Market Opens an Hour Earlier"),
        "{stdout}"
    );
    let show = server.ssh(&key, &[], &["show", "ferry"], b"");
    assert!(show.status.success(), "{}", text(&show.stderr));
    assert!(text(&show.stdout).contains("The night ferry sailed again on Saturday."));

    // A shell command: refused, saying what is allowed.
    let shell = server.ssh(&key, &[], &["sh", "-c", "id"], b"");
    assert_eq!(shell.status.code(), Some(2), "{}", text(&shell.stdout));
    assert!(shell.stdout.is_empty());
    let said = text(&shell.stderr);
    assert!(
        said.contains("`sh` is not a command this server runs"),
        "{said}"
    );
    assert!(said.contains("list [--ids]"), "{said}");

    // sftp, or any subsystem.
    let sftp = server.ssh(&key, &["-s"], &["sftp"], b"");
    assert!(!sftp.status.success(), "sftp was let in");
    server.wait_log("the subsystem refused", |log| {
        log.contains("subsystem \"sftp\" refused")
    });

    // Remote forwarding (-R), which the client is told fails.
    let remote = server.ssh(
        &key,
        &["-o", "ExitOnForwardFailure=yes", "-R", "0:127.0.0.1:9"],
        &["list"],
        b"",
    );
    assert!(!remote.status.success(), "-R was let in");
    server.wait_log("-R refused", |log| {
        log.contains("remote port forwarding refused")
    });

    // Local forwarding (-L) opens direct-tcpip channels; `-W` is one on standard input.
    let local = server.ssh(&key, &["-W", "127.0.0.1:9"], &[], b"");
    assert!(!local.status.success(), "-W was let in");
    server.wait_log("-L/-W refused", |log| {
        log.contains("port forwarding (direct-tcpip) refused")
    });

    // An environment variable other than the locale and NO_COLOR.
    let env = server.ssh(
        &key,
        &["-o", "SetEnv=LD_PRELOAD=/tmp/x NO_COLOR=1"],
        &["list"],
        b"",
    );
    assert!(env.status.success(), "{}", text(&env.stderr));
    server.wait_log("LD_PRELOAD refused", |log| {
        log.contains("environment variable \"LD_PRELOAD\" refused")
    });
    assert!(!server.log().contains("\"NO_COLOR\" refused"));
    server.wait_idle();
}

#[test]
fn without_anonymous_only_authorized_keys_get_in_and_never_by_password() {
    let Some(server) = Server::start_with_keys(false) else {
        return;
    };
    let reader = server.sandbox.path("reader");
    let stranger = server.key("stranger");
    let refused = server.ssh(&stranger, &[], &["list"], b"");
    assert_eq!(
        refused.status.code(),
        Some(255),
        "{}",
        text(&refused.stdout)
    );
    let said = text(&refused.stderr);
    assert!(said.contains("Permission denied"), "{said}");
    assert!(!said.contains("password"), "a password was offered: {said}");
    server.wait_log("the stranger refused", |log| {
        log.contains("is not authorized; refused")
    });

    let allowed = server.ssh(&reader, &[], &["list"], b"");
    assert!(allowed.status.success(), "{}", text(&allowed.stderr));
    assert!(text(&allowed.stdout).contains("Night Ferry to Eastmarsh Returns"));
    server.wait_idle();
}

impl Server {
    /// A server with an authorized_keys file holding a new key `reader` (made before the
    /// server starts, as a real one's file is there first).
    fn start_with_keys(anonymous: bool) -> Option<Self> {
        let (_, keygen) = openssh()?;
        let keys = tempfile::tempdir().expect("a folder for the key");
        let reader = keys.path().join("reader");
        let status = Command::new(&keygen)
            .args(["-q", "-t", "ed25519", "-N", "", "-C", "reader", "-f"])
            .arg(&reader)
            .status()
            .expect("ssh-keygen");
        assert!(status.success());
        let authorized = keys.path().join("authorized_keys");
        std::fs::copy(reader.with_extension("pub"), &authorized).expect("authorized_keys");
        let authorized = authorized.display().to_string();
        let mut args = vec!["--authorized-keys", authorized.as_str()];
        if anonymous {
            args.push("--anonymous");
        }
        let server = Self::start(&args)?;
        for name in ["reader", "reader.pub"] {
            std::fs::copy(keys.path().join(name), server.sandbox.path(name)).expect("the key");
        }
        Some(server)
    }
}

#[test]
fn two_sessions_of_one_reader_mark_different_articles_and_both_marks_are_kept() {
    let Some(server) = Server::start_with_keys(false) else {
        return;
    };
    let reader = server.sandbox.path("reader");
    let mut first = server.ssh_pty(&reader, (100, 30));
    let mut second = server.ssh_pty(&reader, (100, 30));
    first.wait_for_text("Fish Market Opens an Hour Earlier");
    second.wait_for_text("Fish Market Opens an Hour Earlier");
    // Each stars a different article: the first the top one, the second the next.
    first.send("s");
    first.wait_for_text("Starred");
    second.send("j");
    second.send("s");
    second.wait_for_text("Starred");
    first.send("q");
    second.send("q");
    assert_eq!(first.wait_exit(), 0, "{}", server.log());
    assert_eq!(second.wait_exit(), 0, "{}", server.log());
    server.wait_idle();

    let list = server.ssh(&reader, &[], &["list", "--json"], b"");
    assert!(list.status.success(), "{}", text(&list.stderr));
    let starred: Vec<String> = text(&list.stdout)
        .lines()
        .map(|line| serde_json::from_str::<serde_json::Value>(line).expect("a JSON line"))
        .filter(|article| article["starred"] == serde_json::Value::Bool(true))
        .map(|article| article["id"].as_str().unwrap_or_default().to_owned())
        .collect();
    assert_eq!(
        starred.len(),
        2,
        "both marks kept: {starred:?}\n{}",
        server.log()
    );
}

#[test]
fn a_client_that_never_authenticates_is_disconnected_in_time() {
    let Some(server) = Server::start(&["--authorized-keys", "/dev/null", "--auth-timeout", "1"])
    else {
        return;
    };
    // A TCP connection that never says a word holds no place for long.
    let socket = std::net::TcpStream::connect(("127.0.0.1", server.port)).expect("connect");
    server.wait_log("the silent client dropped", |log| {
        log.contains("no handshake in time") || log.contains("not authenticated in time")
    });
    drop(socket);
    server.wait_idle();
}

#[test]
fn stopping_the_server_ends_every_session_and_keeps_the_marks() {
    let Some(mut server) = Server::start_with_keys(false) else {
        return;
    };
    let reader = server.sandbox.path("reader");
    let mut session = server.ssh_pty(&reader, (100, 30));
    session.wait_for_text("Fish Market Opens an Hour Earlier");
    session.send("s");
    session.wait_for_text("Starred");
    // As systemd stops a service.
    let pid = rustix::process::Pid::from_child(&server.child);
    rustix::process::kill_process(pid, rustix::process::Signal::TERM).expect("SIGTERM");
    let status = server.child.wait().expect("the server's exit");
    assert!(status.success(), "{status:?}\n{}", server.log());
    session.wait_exit();
    server.wait_log("stopped", |log| log.contains("herald serve: stopped\n"));
    let readers = server.sandbox.data().join("herald/serve/readers");
    let marks: String = std::fs::read_dir(&readers)
        .expect("the readers' marks folder")
        .flatten()
        .map(|entry| std::fs::read_to_string(entry.path()).unwrap_or_default())
        .collect();
    assert!(marks.contains("\"starred\": true"), "{marks}");
}

/// A client that stops reading but keeps typing: its frames are dropped past the bound,
/// the others are served meanwhile, and once it reads again its screen is drawn whole.
/// (The output queue's own tests show the drop and the repaint request frame by frame.)
#[test]
fn a_client_that_stops_reading_stalls_nobody_and_gets_a_whole_screen_back() {
    use std::io::Read;
    use std::sync::atomic::{AtomicBool, Ordering};

    let Some(server) = Server::start_on(&root().join("sample-data"), &["--anonymous"]) else {
        return;
    };
    let key = server.key("anyone");
    // Output to a pipe nobody reads (yet): the ssh client stays responsive, keeps sending
    // keys and stops granting window, so frames back up on the server. With no terminal
    // on its side, `-tt` says 0x0, which the server takes as 80x24.
    let mut child = server
        .sandbox
        .command(&server.ssh)
        .arg("-tt")
        .args(server.ssh_args(&key))
        .arg("reader@127.0.0.1")
        .env("TERM", "xterm-256color")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("ssh");
    let mut keys = child.stdin.take().expect("stdin");
    let mut output = child.stdout.take().expect("stdout");
    server.wait_log("the stalled reader's session", |log| {
        log.contains("full-screen reader (xterm-256color)")
    });
    // Each Ctrl-L draws the whole screen again, one key at a time so each is a frame of its
    // own, from a thread: the test never waits on a pipe.
    let typing = Arc::new(AtomicBool::new(true));
    let typist = {
        let typing = typing.clone();
        std::thread::spawn(move || {
            while typing.load(Ordering::SeqCst) {
                if keys.write_all(b"\x0c").and_then(|()| keys.flush()).is_err() {
                    break;
                }
                std::thread::sleep(std::time::Duration::from_millis(1));
            }
            keys
        })
    };
    server.wait_log("frames dropped", |log| log.contains("reads too slowly"));
    typing.store(false, Ordering::SeqCst);

    // Meanwhile another reader is served at once.
    let other = server.ssh(&key, &[], &["list"], b"");
    assert!(other.status.success(), "{}", text(&other.stderr));
    assert!(text(&other.stdout).contains("Lakeview Council Votes to Restore Historic Clock Tower"));

    // Read again: once the client has caught up the server draws its screen again whole
    // (what was dropped is never needed), and the screen is right.
    let mut keys = typist.join().expect("the typist");
    let size = |n: u16| std::num::NonZeroU16::new(n).expect("a size");
    let parser = Arc::new(Mutex::new(vt100::Parser::new(size(24), size(80), 0)));
    {
        let parser = parser.clone();
        std::thread::spawn(move || {
            let mut buf = [0u8; 65536];
            while let Ok(n) = output.read(&mut buf) {
                if n == 0 {
                    break;
                }
                parser.lock().expect("lock").process(&buf[..n]);
            }
        });
    }
    let screen = || parser.lock().expect("lock").screen().contents();
    let settled = wait_until("the whole screen again", || {
        let now = screen();
        now.contains("All 4 stores | 47 of 47 headlines")
            && now.contains("Lakeview Council Votes to Restore")
            && now.contains("Night Trains Return to the Northern Line")
    });
    assert!(
        settled.is_ok(),
        "{settled:?}; screen:\n{}\nlog:\n{}",
        screen(),
        server.log()
    );
    server.wait_log("the repaint", |log| {
        log.contains("its screen is drawn again whole")
    });
    let _ = keys.write_all(b"q");
    drop(keys);
    let _ = child.kill();
    let _ = child.wait();
    server.wait_idle();
}

/// One library for every session: a breaking story appended to the store while two
/// full-screen sessions and a plain one are open is read once by the server, and every
/// session takes it in place: the headline and the banner on both screens, one notification
/// (OSC 9, as the server's config asks) on each client's terminal, plain mode's announcement
/// before its next answer, and `ssh host list` lists it.
#[test]
fn a_store_change_is_read_once_and_reaches_every_session() {
    use crate::reader::notify::{article_line, count};
    let dir = tempfile::tempdir().expect("temp dir");
    let store = dir.path().join("wire.jsonl");
    std::fs::write(
        &store,
        article_line("old", "Old Ordinary Story", false, 600),
    )
    .expect("store");
    let Some(server) =
        Server::start_configured(dir.path(), &["--anonymous"], Some("notify = \"on\"\n"))
    else {
        return;
    };
    let key = server.key("anyone");
    let first = server.ssh_pty(&key, (100, 30));
    let second = server.ssh_pty(&key, (100, 30));
    first.wait_for_text("Old Ordinary Story");
    second.wait_for_text("Old Ordinary Story");
    let mut plain = server
        .sandbox
        .command(&server.ssh)
        .args(server.ssh_args(&key))
        .arg("-T")
        .arg("reader@127.0.0.1")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("start ssh -T");
    let mut plain_in = plain.stdin.take().expect("stdin");
    let plain_out = crate::watch::gather(plain.stdout.take().expect("stdout"));
    let heard = || text(&plain_out.lock().expect("lock"));
    wait_until("plain mode's list", || {
        heard().contains("Old Ordinary Story")
    })
    .unwrap_or_else(|e| panic!("{e}:\n{}", heard()));

    crate::reader::live::append(
        &store,
        &article_line("levee", "Levee Breaks North of Town", true, 5),
    );
    for (name, session) in [("first", &first), ("second", &second)] {
        session.wait(
            &format!("the {name} session's headline and banner"),
            |screen| {
                let screen = screen.contents();
                screen.contains("BREAKING: Levee Breaks North of Town")
                    && screen.contains("Old Ordinary Story")
            },
        );
        let osc9 = b"\x1b]9;";
        if let Err(error) = wait_until(&format!("the {name} session's notification"), || {
            count(&session.bytes_since(0), osc9) == 1
        }) {
            panic!("{error}:\n{:?}", text(&session.bytes_since(0)));
        }
    }
    server.wait_log("the reload", |log| {
        log.contains("read again: 2 articles; told 2 full-screen sessions")
    });

    plain_in.write_all(b"l\n").expect("a command");
    let announced = "Breaking news: Levee Breaks North of Town. Number 2.";
    wait_until("plain mode's announcement", || heard().contains(announced))
        .unwrap_or_else(|e| panic!("{e}:\n{}", heard()));
    plain_in.write_all(b"q\n").expect("quit");
    drop(plain_in);
    assert!(plain.wait().expect("ssh -T").success());

    let list = server.ssh(&key, &[], &["list"], b"");
    assert!(
        text(&list.stdout).contains("Levee Breaks North of Town"),
        "{}",
        text(&list.stdout)
    );
    // Every session took the one reload: the stores were read again once, not per session.
    assert_eq!(
        server.log().matches("read again").count(),
        1,
        "{}",
        server.log()
    );
    first.quit();
    second.quit();
    server.wait_idle();
}

/// A terminal that cannot show the full-screen reader (TERM=dumb, as an Emacs shell buffer
/// says) gets plain mode on its pty, as it would locally: what is typed is echoed and taken
/// a line at a time, lines end in CR LF, and not one escape byte is sent.
#[test]
fn a_dumb_terminal_on_a_pty_gets_plain_mode_with_its_line_editing() {
    let Some(server) = Server::start(&["--anonymous"]) else {
        return;
    };
    let key = server.key("anyone");
    let mut session = server.ssh_pty_as(&key, (70, 20), "dumb");
    session.wait_for_text("Night Ferry to Eastmarsh Returns");
    // A typo rubbed out with Backspace: the line plain mode gets is "1".
    session.send("7\u{7f}1\r");
    session.wait_for_text("The night ferry sailed again on Saturday.");
    session.send("q\r");
    assert_eq!(session.wait_exit(), 0, "{}", server.log());
    let bytes = session.bytes_since(0);
    assert!(
        !bytes.contains(&0x1b),
        "an escape byte on a dumb terminal:\n{:?}",
        text(&bytes)
    );
    let shown = text(&bytes);
    assert!(shown.contains("7\u{8} \u{8}1\r\n"), "the echo: {shown:?}");
    assert!(
        !shown.replace("\r\n", "").contains('\n'),
        "a bare line feed: {shown:?}"
    );
    server.wait_log("the session's kind", |log| {
        log.contains("plain mode (TERM=\"dumb\" on a pty)")
    });
    server.wait_idle();
}
