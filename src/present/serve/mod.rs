//! `herald serve`: the reader over SSH for people with no account on the machine.
//!
//! One process, one library in memory shared by every session (the engine's
//! [`Hub`](crate::engine::hub::Hub): it watches the stores and reads them again once for all
//! sessions, each taking the new library in place), and per session
//! only what a reader needs of its own: an [`App`](crate::app::App), its marks and the
//! runtime threads that read its articles. The SSH side is russh (pure Rust, tokio): it does
//! the protocol, and this module decides what a connection may do. It may authenticate with
//! a key (or, with `--anonymous`, with nothing) but never with a password; open session
//! channels; ask for a pty, TERM, the locale and NO_COLOR; and run a shell (the reader, or
//! plain mode without a pty) or one of the read-only commands of [`exec`]. Everything else
//! (other environment variables, subsystems such as sftp, port and agent and X11
//! forwarding) is refused and logged.
//!
//! - [`access`]: the host key, the authorized keys, where each reader's marks live.
//! - [`keys`]: the client's bytes as Herald's keys.
//! - [`cooked`]: line editing for plain mode on a pty (`TERM=dumb`).
//! - [`limits`]: how many connections, from where, and auth attempts.
//! - [`output`]: the bounded queue between a session and the client.
//! - [`session`]: a session's work on its own thread: the reader, plain mode, a command.
//! - [`exec`]: the commands an exec request may run.
//!
//! The log (standard error) says who came and went and how many are open and running, so a
//! session left behind shows.

pub mod access;
pub mod cooked;
pub mod exec;
pub mod keys;
pub mod limits;
pub mod output;
pub mod session;

use std::collections::HashMap;
use std::io;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::mpsc::{SyncSender, TrySendError, sync_channel};
use std::time::Instant;

use ratatui::layout::Size;
use russh::keys::PublicKey;
use russh::server::{Auth, ChannelOpenHandle, Handler, Msg, Session};
use russh::{Channel, ChannelId, ChannelOpenFailure, MethodKind, MethodSet, Pty};

use crate::config::FileConfig;
use crate::config::resolve::Flags;
use crate::engine::hub::Hub;
use crate::engine::{Library, Stores};
use crate::present::plain;
use crate::present::reader::backend::SharedSize;
use crate::present::reader::term::Input;
use access::Authorized;
use limits::Limits;
use output::{Next, Outbox};
use session::{ClientEnv, Shared, Who, Work};

/// Session channels one connection may have open at once (OpenSSH's connection sharing
/// opens several; more is someone asking for more than a reader needs).
const MAX_CHANNELS: usize = 4;

/// What `herald serve` was asked for.
#[derive(Clone, Debug)]
pub struct Options {
    pub listen: SocketAddr,
    pub anonymous: bool,
    pub authorized_keys: Option<PathBuf>,
    pub limits: Limits,
}

/// Everything a connection needs to know, shared by all of them.
struct Server {
    shared: Arc<Shared>,
    anonymous: bool,
    authorized: Option<Authorized>,
    data_dir: Option<PathBuf>,
    limits: Limits,
    book: limits::Shared,
    /// Becomes true when the server is asked to stop: every connection is then closed.
    stopping: tokio::sync::watch::Sender<bool>,
}

/// How long a stopping server waits for its sessions to save their marks and end: the
/// longest honest save (another instance's lock, then the write) with room to spare.
const STOP_WITHIN: std::time::Duration = std::time::Duration::from_secs(15);

/// Runs the server until it is killed or its socket fails.
pub fn run(
    options: &Options,
    stores: Stores,
    library: Library,
    config: &FileConfig,
    flags: Flags,
) -> io::Result<ExitCode> {
    if !options.anonymous && options.authorized_keys.is_none() {
        eprintln!(
            "herald serve: say who may connect: --authorized-keys FILE (readers' keys; their \
             marks are kept), --anonymous (anyone; marks last a session), or both"
        );
        return Ok(ExitCode::from(2));
    }
    let authorized = match &options.authorized_keys {
        Some(path) => {
            let (keys, problems) = Authorized::read(path)?;
            for problem in problems {
                eprintln!("herald serve: {problem}");
            }
            eprintln!(
                "herald serve: {} authorized key(s) from {}",
                keys.len(),
                path.display()
            );
            Some(keys)
        }
        None => None,
    };
    let data_dir = crate::paths::data_dir();
    let Some(key_dir) = data_dir.as_deref() else {
        eprintln!(
            "herald serve: there is no data directory (is HOME set?) to keep the host key in"
        );
        return Ok(ExitCode::FAILURE);
    };
    let key_path = access::host_key_path(key_dir);
    let host_key = access::host_key(&key_path)?;
    eprintln!(
        "herald serve: host key {} ({})",
        access::fingerprint(host_key.public_key()),
        key_path.display()
    );
    let mut methods = MethodSet::empty();
    // No password, ever: a reader's key, or nothing at all when anyone may read.
    methods.push(MethodKind::PublicKey);
    if options.anonymous {
        methods.push(MethodKind::None);
        methods.push(MethodKind::KeyboardInteractive);
    }
    let ssh_config = Arc::new(russh::server::Config {
        methods,
        keys: vec![host_key],
        inactivity_timeout: Some(options.limits.idle_timeout),
        auth_rejection_time: std::time::Duration::from_millis(300),
        auth_rejection_time_initial: Some(std::time::Duration::ZERO),
        max_auth_attempts: 6,
        nodelay: true,
        ..Default::default()
    });
    // One reload for every session: the stores are watched here, once.
    let (hub, problems) = Hub::start(stores, library, |library, sessions| {
        eprintln!(
            "herald serve: the stores were read again: {} articles; told {sessions} full-screen sessions",
            library.len()
        );
    });
    for problem in problems {
        eprintln!("herald serve: {problem}");
    }
    let server = Arc::new(Server {
        shared: Arc::new(Shared {
            hub,
            config: config.clone(),
            flags,
            running: AtomicUsize::new(0),
        }),
        anonymous: options.anonymous,
        authorized,
        data_dir,
        limits: options.limits,
        book: limits::Shared::default(),
        stopping: tokio::sync::watch::Sender::new(false),
    });
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .thread_name("herald-serve-net")
        .enable_all()
        .build()?;
    runtime.block_on(async {
        listen(&server, options.listen, ssh_config).await?;
        stop(&server).await;
        Ok::<(), io::Error>(())
    })?;
    Ok(ExitCode::SUCCESS)
}

/// Ends every connection and waits (a while) until every session has saved and ended.
async fn stop(server: &Server) {
    let open = server.book.with(|book| book.open());
    let running = server.shared.running.load(Ordering::SeqCst);
    eprintln!("herald serve: stopping; {open} connections open, {running} sessions running");
    server.stopping.send_replace(true);
    let end = Instant::now() + STOP_WITHIN;
    while Instant::now() < end
        && (server.book.with(|book| book.open()) > 0
            || server.shared.running.load(Ordering::SeqCst) > 0)
    {
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    let running = server.shared.running.load(Ordering::SeqCst);
    if running > 0 {
        eprintln!("herald serve: stopped with {running} sessions still saving");
    } else {
        eprintln!("herald serve: stopped");
    }
}

/// SIGTERM (systemd's stop) or SIGINT (Ctrl-C where it runs by hand).
async fn stop_signal() -> io::Result<()> {
    use tokio::signal::unix::{SignalKind, signal};
    let mut terminate = signal(SignalKind::terminate())?;
    let mut interrupt = signal(SignalKind::interrupt())?;
    tokio::select! {
        _ = terminate.recv() => {}
        _ = interrupt.recv() => {}
    }
    Ok(())
}

/// Accepts connections, each on a task of its own, until a stop signal comes.
async fn listen(
    server: &Arc<Server>,
    address: SocketAddr,
    config: Arc<russh::server::Config>,
) -> io::Result<()> {
    let listener = tokio::net::TcpListener::bind(address).await?;
    let stop = stop_signal();
    tokio::pin!(stop);
    eprintln!("herald serve: listening on {}", listener.local_addr()?);
    loop {
        let accepted = tokio::select! {
            accepted = listener.accept() => accepted,
            stopped = &mut stop => return stopped,
        };
        let (socket, peer) = match accepted {
            Ok(accepted) => accepted,
            // Out of file descriptors, a connection reset before it was taken: the next may
            // work, and the server must not end for one.
            Err(error) => {
                eprintln!("herald serve: accept failed: {error}");
                tokio::time::sleep(std::time::Duration::from_millis(100)).await;
                continue;
            }
        };
        let admitted = server
            .book
            .with(|book| book.admit(&server.limits, peer.ip(), Instant::now()));
        if let Err(refusal) = admitted {
            eprintln!("herald serve: {peer} refused: {refusal}");
            drop(socket);
            continue;
        }
        let open = server.book.with(|book| book.open());
        eprintln!("herald serve: {peer} connected; {open} connections open");
        tokio::spawn(connection(server.clone(), config.clone(), socket, peer));
    }
}

/// One connection, from the handshake to its end; it leaves the book however it ends.
async fn connection(
    server: Arc<Server>,
    config: Arc<russh::server::Config>,
    socket: tokio::net::TcpStream,
    peer: SocketAddr,
) {
    struct Leave<'a>(&'a Server, SocketAddr);
    impl Drop for Leave<'_> {
        fn drop(&mut self) {
            let open = self.0.book.with(|book| {
                book.leave(self.1.ip());
                book.open()
            });
            let running = self.0.shared.running.load(Ordering::SeqCst);
            eprintln!(
                "herald serve: {} left; {open} connections open, {running} sessions running",
                self.1
            );
        }
    }
    let _leave = Leave(&server, peer);
    let authenticated = Arc::new(AtomicBool::new(false));
    let handler = Connection {
        server: server.clone(),
        peer,
        who: None,
        authenticated: authenticated.clone(),
        channels: HashMap::new(),
    };
    let auth_timeout = server.limits.auth_timeout;
    // The handshake too must end in time: a client that connects and says nothing holds a
    // place.
    let session = match tokio::time::timeout(
        auth_timeout,
        russh::server::run_stream(config, socket, handler),
    )
    .await
    {
        Ok(Ok(session)) => session,
        Ok(Err(error)) => {
            eprintln!("herald serve: {peer}: {error}");
            return;
        }
        Err(_) => {
            eprintln!("herald serve: {peer}: no handshake in time");
            return;
        }
    };
    let handle = session.handle();
    let deadline = tokio::time::sleep(auth_timeout);
    let mut stopping = server.stopping.subscribe();
    tokio::pin!(session, deadline);
    let mut waiting_for_auth = true;
    let mut told_to_stop = false;
    loop {
        tokio::select! {
            // The server is stopping: the client is told, and the session ends as on a
            // hang-up (its marks saved) once the connection is gone.
            _ = stopping.changed(), if !told_to_stop => {
                told_to_stop = true;
                let _ = handle
                    .disconnect(
                        russh::Disconnect::ByApplication,
                        "the server is stopping".into(),
                        String::new(),
                    )
                    .await;
            }
            ended = &mut session => {
                if let Err(error) = ended {
                    eprintln!("herald serve: {peer}: {error}");
                }
                return;
            }
            () = &mut deadline, if waiting_for_auth => {
                waiting_for_auth = false;
                if !authenticated.load(Ordering::SeqCst) {
                    eprintln!("herald serve: {peer}: not authenticated in time; disconnected");
                    let _ = handle
                        .disconnect(
                            russh::Disconnect::ByApplication,
                            "authentication took too long".into(),
                            String::new(),
                        )
                        .await;
                }
            }
        }
    }
}

/// A session channel's state on the connection's side.
#[derive(Default)]
struct ChannelState {
    /// Where the session's output goes, until a session starts and takes it.
    write: Option<russh::ChannelWriteHalf<Msg>>,
    /// TERM and size, when a pty was asked for.
    pty: Option<(String, Arc<SharedSize>)>,
    env: ClientEnv,
    running: Option<Started>,
}

/// A running session, as the connection feeds it.
struct Started {
    inputs: Feed,
    outbox: Arc<Outbox>,
    pump: tokio::task::JoinHandle<()>,
}

/// Where the client's bytes go.
enum Feed {
    Keys {
        decoder: keys::Decoder,
        inputs: SyncSender<Input>,
    },
    /// Plain mode's lines (None once the client sent EOF), through a line editor when the
    /// client's terminal is in raw mode on a pty (see [`cooked`]).
    Lines {
        lines: Option<SyncSender<Vec<u8>>>,
        editor: Option<cooked::LineEditor>,
    },
    /// A command reads nothing.
    Nothing,
}

impl Started {
    /// The client is gone: the session ends as on a hang-up, and the pump stops.
    fn hang_up(&mut self) {
        match &mut self.inputs {
            Feed::Keys { inputs, .. } => {
                if let Err(TrySendError::Full(hangup)) = inputs.try_send(Input::Hangup) {
                    // The loop is busy with a full queue; the hang-up must still reach it
                    // (else it would wait for keys for ever), and the network task must
                    // not wait: a thread waits for the room, and ends when it is sent or
                    // the loop is gone.
                    let inputs = inputs.clone();
                    let _ = std::thread::Builder::new()
                        .name("herald-serve-hangup".into())
                        .spawn(move || drop(inputs.send(hangup)));
                }
            }
            Feed::Lines { lines, .. } => *lines = None,
            Feed::Nothing => {}
        }
        self.outbox.hang_up();
        self.pump.abort();
    }
}

/// One connection's handler: what russh asks, answered by the rules of this module.
struct Connection {
    server: Arc<Server>,
    peer: SocketAddr,
    who: Option<Who>,
    authenticated: Arc<AtomicBool>,
    channels: HashMap<ChannelId, ChannelState>,
}

impl Drop for Connection {
    /// The connection ended (a disconnect, a dropped socket, a timeout): every session of
    /// it ends too, so no thread or task is left behind.
    fn drop(&mut self) {
        for channel in self.channels.values_mut() {
            if let Some(started) = &mut channel.running {
                started.hang_up();
            }
        }
    }
}

impl Connection {
    fn log(&self, what: &str) {
        eprintln!("herald serve: {}: {what}", self.peer);
    }

    /// Counts an attempt; false if this address has made too many lately.
    fn attempt(&self) -> bool {
        let allowed = self
            .server
            .book
            .with(|book| book.attempt(&self.server.limits, self.peer.ip(), Instant::now()));
        if !allowed {
            self.log("too many authentication attempts; refused");
        }
        allowed
    }

    fn accept(&mut self, who: Who) -> Auth {
        let how = match &who {
            Who::Anonymous => "anonymous",
            Who::Reader { .. } => "an authorized key",
        };
        self.log(&format!("authenticated with {how}"));
        self.who = Some(who);
        self.authenticated.store(true, Ordering::SeqCst);
        Auth::Accept
    }

    /// Who a verified key is: a reader with marks of their own, an anonymous reader, or
    /// nobody this server lets in.
    fn identify(&self, key: &PublicKey) -> Option<Who> {
        let known = self
            .server
            .authorized
            .as_ref()
            .is_some_and(|keys| keys.allows(key));
        match (&self.server.data_dir, known) {
            (Some(dir), true) => Some(Who::Reader {
                marks: access::marks_path(dir, key),
            }),
            _ if known || self.server.anonymous => Some(Who::Anonymous),
            _ => None,
        }
    }

    /// Starts `work` on `channel`, which must be open, have no session yet and still hold
    /// its write half.
    fn start(
        &mut self,
        channel: ChannelId,
        work: Work,
        feed: Feed,
        repaint: Option<SyncSender<Input>>,
    ) -> bool {
        let Some(who) = self.who.clone() else {
            return false;
        };
        let Some(state) = self.channels.get_mut(&channel) else {
            return false;
        };
        let Some(write) = state.write.take() else {
            return false;
        };
        let outbox = Outbox::new(self.server.limits.output_buffer, work.overflow());
        if let Err(error) = session::spawn(
            self.server.shared.clone(),
            who,
            state.env.clone(),
            work,
            outbox.clone(),
        ) {
            eprintln!(
                "herald serve: {}: cannot start a session: {error}",
                self.peer
            );
            return false;
        }
        let pump = tokio::spawn(pump(outbox.clone(), write, repaint));
        state.running = Some(Started {
            inputs: feed,
            outbox,
            pump,
        });
        true
    }
}

/// Sends a session's output to the client, within the window the client grants, and ends
/// the channel with the session's exit status.
async fn pump(
    outbox: Arc<Outbox>,
    write: russh::ChannelWriteHalf<Msg>,
    repaint: Option<SyncSender<Input>>,
) {
    loop {
        match outbox.next().await {
            Next::Send(bytes) => {
                if write.data_bytes(bytes).await.is_err() {
                    outbox.hang_up();
                    return;
                }
            }
            Next::Repaint => {
                eprintln!("herald serve: a slow client caught up; its screen is drawn again whole");
                if let Some(inputs) = &repaint {
                    // Resumed draws the whole screen again, as after a stop.
                    let _ = inputs.try_send(Input::Resumed);
                }
            }
            Next::End(ending) => {
                if let Some(ending) = ending {
                    if !ending.stderr.is_empty() {
                        let _ = write.extended_data_bytes(1, ending.stderr).await;
                    }
                    let _ = write.exit_status(ending.status).await;
                    let _ = write.eof().await;
                }
                let _ = write.close().await;
                return;
            }
        }
    }
}

impl Handler for Connection {
    type Error = russh::Error;

    async fn auth_none(&mut self, _user: &str) -> Result<Auth, Self::Error> {
        // With authorized keys too, a reader's key is asked for first (OpenSSH then offers
        // its keys), and keyboard-interactive lets in whoever has none.
        if self.server.anonymous && self.server.authorized.is_none() && self.attempt() {
            return Ok(self.accept(Who::Anonymous));
        }
        Ok(Auth::reject())
    }

    async fn auth_password(&mut self, _user: &str, _password: &str) -> Result<Auth, Self::Error> {
        self.log("password authentication refused (never accepted)");
        Ok(Auth::reject())
    }

    async fn auth_publickey_offered(
        &mut self,
        _user: &str,
        offer: russh::server::PublicKeyOffer<'_>,
    ) -> Result<Auth, Self::Error> {
        // Only a key that would be let in is worth a signature.
        Ok(match self.identify(offer.public_key) {
            Some(_) => Auth::Accept,
            None => {
                self.log(&format!(
                    "key {} is not authorized; refused",
                    access::fingerprint(offer.public_key)
                ));
                Auth::reject()
            }
        })
    }

    async fn auth_publickey(
        &mut self,
        _user: &str,
        key: russh::server::VerifiedPublicKey<'_>,
    ) -> Result<Auth, Self::Error> {
        if !self.attempt() {
            return Ok(Auth::reject());
        }
        match self.identify(key.public_key) {
            Some(who) => Ok(self.accept(who)),
            None => {
                self.log(&format!(
                    "key {} is not authorized; refused",
                    access::fingerprint(key.public_key)
                ));
                Ok(Auth::reject())
            }
        }
    }

    async fn auth_keyboard_interactive<'a>(
        &'a mut self,
        _user: &str,
        _submethods: &str,
        _response: Option<russh::server::Response<'a>>,
    ) -> Result<Auth, Self::Error> {
        // No questions asked: this is how someone with no key at all gets in with
        // `--anonymous` when authorized keys are served too.
        if self.server.anonymous && self.attempt() {
            return Ok(self.accept(Who::Anonymous));
        }
        Ok(Auth::reject())
    }

    async fn channel_open_session(
        &mut self,
        channel: Channel<Msg>,
        reply: ChannelOpenHandle,
        _session: &mut Session,
    ) -> Result<(), Self::Error> {
        self.channels.retain(|_, state| {
            state
                .running
                .as_ref()
                .is_none_or(|started| !started.pump.is_finished())
        });
        if self.channels.len() >= MAX_CHANNELS {
            self.log("too many channels; refused");
            reply.reject(ChannelOpenFailure::ResourceShortage).await;
            return Ok(());
        }
        // The client's data comes to `data` below; the read half is not read, and dropped
        // so russh never waits for it.
        let (read, write) = channel.split();
        drop(read);
        let id = write.id();
        self.channels.insert(
            id,
            ChannelState {
                write: Some(write),
                ..ChannelState::default()
            },
        );
        reply.accept().await;
        Ok(())
    }

    async fn channel_open_direct_tcpip(
        &mut self,
        _channel: Channel<Msg>,
        _host: &str,
        _port: u32,
        _from: &str,
        _from_port: u32,
        reply: ChannelOpenHandle,
        _session: &mut Session,
    ) -> Result<(), Self::Error> {
        self.log("port forwarding (direct-tcpip) refused");
        reply
            .reject(ChannelOpenFailure::AdministrativelyProhibited)
            .await;
        Ok(())
    }

    async fn channel_open_direct_streamlocal(
        &mut self,
        _channel: Channel<Msg>,
        _path: &str,
        reply: ChannelOpenHandle,
        _session: &mut Session,
    ) -> Result<(), Self::Error> {
        self.log("socket forwarding (direct-streamlocal) refused");
        reply
            .reject(ChannelOpenFailure::AdministrativelyProhibited)
            .await;
        Ok(())
    }

    async fn channel_open_x11(
        &mut self,
        _channel: Channel<Msg>,
        _from: &str,
        _from_port: u32,
        reply: ChannelOpenHandle,
        _session: &mut Session,
    ) -> Result<(), Self::Error> {
        self.log("X11 channel refused");
        reply
            .reject(ChannelOpenFailure::AdministrativelyProhibited)
            .await;
        Ok(())
    }

    async fn tcpip_forward(
        &mut self,
        _address: &str,
        _port: &mut u32,
        _session: &mut Session,
    ) -> Result<bool, Self::Error> {
        self.log("remote port forwarding refused");
        Ok(false)
    }

    async fn streamlocal_forward(
        &mut self,
        _path: &str,
        _session: &mut Session,
    ) -> Result<bool, Self::Error> {
        self.log("remote socket forwarding refused");
        Ok(false)
    }

    async fn agent_request(
        &mut self,
        channel: ChannelId,
        session: &mut Session,
    ) -> Result<bool, Self::Error> {
        self.log("agent forwarding refused");
        session.channel_failure(channel)?;
        Ok(false)
    }

    async fn x11_request(
        &mut self,
        channel: ChannelId,
        _single: bool,
        _protocol: &str,
        _cookie: &str,
        _screen: u32,
        session: &mut Session,
    ) -> Result<(), Self::Error> {
        self.log("X11 forwarding refused");
        session.channel_failure(channel)?;
        Ok(())
    }

    async fn subsystem_request(
        &mut self,
        channel: ChannelId,
        name: &str,
        session: &mut Session,
    ) -> Result<(), Self::Error> {
        let name =
            crate::text::sanitize_line(&name.chars().take(40).collect::<String>()).into_owned();
        self.log(&format!("subsystem {name:?} refused"));
        session.channel_failure(channel)?;
        Ok(())
    }

    async fn env_request(
        &mut self,
        channel: ChannelId,
        name: &str,
        value: &str,
        session: &mut Session,
    ) -> Result<(), Self::Error> {
        let taken = self
            .channels
            .get_mut(&channel)
            .is_some_and(|state| state.running.is_none() && state.env.set(name, value));
        if taken {
            session.channel_success(channel)?;
        } else {
            let name =
                crate::text::sanitize_line(&name.chars().take(40).collect::<String>()).into_owned();
            self.log(&format!("environment variable {name:?} refused"));
            session.channel_failure(channel)?;
        }
        Ok(())
    }

    async fn pty_request(
        &mut self,
        channel: ChannelId,
        term: &str,
        columns: u32,
        rows: u32,
        _pix_width: u32,
        _pix_height: u32,
        _modes: &[(Pty, u32)],
        session: &mut Session,
    ) -> Result<(), Self::Error> {
        let Some(state) = self
            .channels
            .get_mut(&channel)
            .filter(|s| s.running.is_none())
        else {
            session.channel_failure(channel)?;
            return Ok(());
        };
        // TERM is only ever compared with names Herald knows; keep it short all the same.
        let term: String = term.chars().take(64).collect();
        state.pty = Some((term, Arc::new(SharedSize::new(size(columns, rows)))));
        session.channel_success(channel)?;
        Ok(())
    }

    async fn window_change_request(
        &mut self,
        channel: ChannelId,
        columns: u32,
        rows: u32,
        _pix_width: u32,
        _pix_height: u32,
        _session: &mut Session,
    ) -> Result<(), Self::Error> {
        if let Some(state) = self.channels.get_mut(&channel)
            && let Some((_, shared)) = &state.pty
        {
            let size = size(columns, rows);
            shared.set(size);
            if let Some(Started {
                inputs: Feed::Keys { inputs, .. },
                ..
            }) = &state.running
            {
                // A dropped resize is caught up by the next frame: the loop compares the
                // backend's size with its own before every draw.
                let _ = inputs.try_send(Input::Resize(size.width, size.height));
            }
        }
        Ok(())
    }

    async fn shell_request(
        &mut self,
        channel: ChannelId,
        session: &mut Session,
    ) -> Result<(), Self::Error> {
        let pty = self
            .channels
            .get(&channel)
            .filter(|state| state.running.is_none())
            .map(|state| state.pty.clone());
        let started = match pty {
            None => false,
            // A terminal that cannot show the full-screen reader gets plain mode, as it would
            // locally, with the line editing its pty would have done.
            Some(Some((term, size))) if plain::term_is_dumb(Some(&term)) => {
                let (lines, chunks) = sync_channel(session::INPUT_QUEUE);
                self.log(&format!("plain mode (TERM={term:?} on a pty)"));
                self.start(
                    channel,
                    Work::Plain {
                        lines: chunks,
                        pty: Some(size),
                    },
                    Feed::Lines {
                        lines: Some(lines),
                        editor: Some(cooked::LineEditor::default()),
                    },
                    None,
                )
            }
            Some(Some((term, size))) => {
                let (inputs, events) = sync_channel(session::INPUT_QUEUE);
                let work = Work::Reader {
                    term: term.clone(),
                    size,
                    inputs: events,
                    answers: inputs.clone(),
                };
                let feed = Feed::Keys {
                    decoder: keys::Decoder::default(),
                    inputs: inputs.clone(),
                };
                self.log(&format!("full-screen reader ({term})"));
                self.start(channel, work, feed, Some(inputs))
            }
            Some(None) => {
                let (lines, chunks) = sync_channel(session::INPUT_QUEUE);
                self.log("plain mode (no pty)");
                self.start(
                    channel,
                    Work::Plain {
                        lines: chunks,
                        pty: None,
                    },
                    Feed::Lines {
                        lines: Some(lines),
                        editor: None,
                    },
                    None,
                )
            }
        };
        if started {
            session.channel_success(channel)?;
        } else {
            session.channel_failure(channel)?;
        }
        Ok(())
    }

    async fn exec_request(
        &mut self,
        channel: ChannelId,
        data: &[u8],
        session: &mut Session,
    ) -> Result<(), Self::Error> {
        let exec = exec::parse(data);
        match &exec {
            Ok(command) => self.log(&format!("runs {command:?}")),
            Err(refusal) => self.log(&format!("exec refused: {refusal}")),
        }
        let startable = self
            .channels
            .get(&channel)
            .is_some_and(|state| state.running.is_none());
        if startable && self.start(channel, Work::Exec(exec), Feed::Nothing, None) {
            session.channel_success(channel)?;
        } else {
            session.channel_failure(channel)?;
        }
        Ok(())
    }

    async fn data(
        &mut self,
        channel: ChannelId,
        data: &[u8],
        _session: &mut Session,
    ) -> Result<(), Self::Error> {
        let Some(started) = self
            .channels
            .get_mut(&channel)
            .and_then(|s| s.running.as_mut())
        else {
            return Ok(());
        };
        match &mut started.inputs {
            Feed::Keys { decoder, inputs } => {
                for key in decoder.feed(data) {
                    match inputs.try_send(Input::Key(key)) {
                        Ok(()) | Err(TrySendError::Full(_)) => {}
                        Err(TrySendError::Disconnected(_)) => break,
                    }
                }
            }
            Feed::Lines {
                lines: Some(sender),
                editor: None,
            } => {
                // A line that does not fit waits for nobody: plain mode reads slowly only
                // when the client floods it.
                let _ = sender.try_send(data.to_vec());
            }
            Feed::Lines {
                lines: lines @ Some(_),
                editor: Some(editor),
            } => {
                let typed = editor.feed(data);
                // The echo of a client that does not read is dropped, never waited for.
                started.outbox.try_push(typed.echo);
                if let Some(sender) = lines {
                    for line in typed.lines {
                        let _ = sender.try_send(line);
                    }
                }
                if typed.ended {
                    *lines = None;
                }
            }
            Feed::Lines { lines: None, .. } | Feed::Nothing => {}
        }
        Ok(())
    }

    async fn channel_eof(
        &mut self,
        channel: ChannelId,
        _session: &mut Session,
    ) -> Result<(), Self::Error> {
        // The end of plain mode's input: it answers what it has, then ends as `q` does.
        if let Some(Started {
            inputs: Feed::Lines { lines, .. },
            ..
        }) = self
            .channels
            .get_mut(&channel)
            .and_then(|s| s.running.as_mut())
        {
            *lines = None;
        }
        Ok(())
    }

    async fn channel_close(
        &mut self,
        channel: ChannelId,
        _session: &mut Session,
    ) -> Result<(), Self::Error> {
        if let Some(mut state) = self.channels.remove(&channel)
            && let Some(started) = &mut state.running
        {
            started.hang_up();
        }
        Ok(())
    }
}

/// What a client that does not know its size gets (`ssh -tt` with no terminal sends 0x0).
const UNKNOWN_SIZE: Size = Size::new(80, 24);

/// A window size from the client, within what the reader draws.
fn size(columns: u32, rows: u32) -> Size {
    if columns == 0 || rows == 0 {
        return UNKNOWN_SIZE;
    }
    let clamp = |n: u32| u16::try_from(n).unwrap_or(u16::MAX).max(1);
    crate::present::reader::backend::bounded(Size::new(clamp(columns), clamp(rows)))
}
