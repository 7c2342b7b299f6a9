//! A real HTTP/1.1 server on 127.0.0.1 for the fetcher's tests: std's `TcpListener`, a thread
//! per connection, one request per connection (`Connection: close`), every request recorded,
//! every answer from the test's handler. It can also misbehave on purpose: answer a byte at a
//! time, never answer, or send a body that never ends.
//!
//! Dropping the server stops it: the connections still open are shut down, which wakes every
//! thread blocked on them, and every thread is joined, so no test leaves one behind.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Condvar, Mutex};
use std::thread::JoinHandle;
use std::time::Duration;

type Handler = dyn Fn(&Request) -> Reply + Send + Sync;

/// A running server; stops, and joins its threads, on drop.
pub struct Server {
    address: SocketAddr,
    shared: Arc<Shared>,
    acceptor: Option<JoinHandle<()>>,
}

struct Shared {
    handler: Box<Handler>,
    requests: Mutex<Vec<Request>>,
    /// A clone of every accepted connection, to shut them all down on drop.
    open: Mutex<Vec<TcpStream>>,
    threads: Mutex<Vec<JoinHandle<()>>>,
    stopping: AtomicBool,
    /// Wakes the replies that wait (drip, hang) when the server stops.
    stop: (Mutex<bool>, Condvar),
}

impl Shared {
    fn stopping(&self) -> bool {
        self.stopping.load(Ordering::SeqCst)
    }

    /// Waits `for_how_long`, or until the server stops; `false` if it stopped.
    fn pause(&self, for_how_long: Option<Duration>) -> bool {
        let (lock, wake) = &self.stop;
        let mut stopped = lock.lock().unwrap();
        match for_how_long {
            Some(d) => {
                let (guard, _) = wake
                    .wait_timeout_while(stopped, d, |stopped| !*stopped)
                    .unwrap();
                !*guard
            }
            None => {
                while !*stopped {
                    stopped = wake.wait(stopped).unwrap();
                }
                false
            }
        }
    }
}

/// One request as the server read it.
#[derive(Clone, Debug)]
pub struct Request {
    pub method: String,
    /// The request target, query included.
    pub path: String,
    /// In the order sent, names lowercased.
    pub headers: Vec<(String, String)>,
}

impl Request {
    /// The first value of the header `name` (any case).
    pub fn header(&self, name: &str) -> Option<&str> {
        let name = name.to_ascii_lowercase();
        self.headers
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, v)| v.as_str())
    }
}

/// What the server answers with.
#[derive(Clone, Debug)]
pub struct Reply {
    status: u16,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
    drip: Option<Duration>,
    hang: bool,
    endless: bool,
}

impl Reply {
    /// 200 with the body, as an RSS feed.
    pub fn ok(body: impl Into<Vec<u8>>) -> Reply {
        Reply {
            body: body.into(),
            ..Reply::status(200)
        }
        .header("Content-Type", "application/rss+xml")
    }

    /// `code` with an empty body.
    pub fn status(code: u16) -> Reply {
        Reply {
            status: code,
            headers: Vec::new(),
            body: Vec::new(),
            drip: None,
            hang: false,
            endless: false,
        }
    }

    /// Sets the header `name`, replacing one of the same name already set.
    pub fn header(mut self, name: &str, value: &str) -> Reply {
        self.headers.retain(|(n, _)| !n.eq_ignore_ascii_case(name));
        self.headers.push((name.to_owned(), value.to_owned()));
        self
    }

    /// Compresses the body now, and says so with `Content-Encoding: gzip`.
    pub fn gzip(mut self) -> Reply {
        self.body = gzip(&self.body);
        self.header("Content-Encoding", "gzip")
    }

    /// Sends the body one byte per `every`.
    pub fn drip(mut self, every: Duration) -> Reply {
        self.drip = Some(every);
        self
    }

    /// Reads the request and never answers, until the server is dropped.
    pub fn hang(mut self) -> Reply {
        self.hang = true;
        self
    }

    /// After the headers, a body that never ends (until the client goes away or the server is
    /// dropped); it is made as it is sent, never held.
    pub fn endless(mut self) -> Reply {
        self.endless = true;
        self
    }
}

/// `data`, gzip-compressed.
pub fn gzip(data: &[u8]) -> Vec<u8> {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    encoder.write_all(data).unwrap();
    encoder.finish().unwrap()
}

/// `size` zero bytes, gzip-compressed, without ever holding them: a gzip bomb.
pub fn gzip_zeros(size: usize) -> Vec<u8> {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    let zeros = vec![0_u8; 64 * 1024];
    let mut left = size;
    while left > 0 {
        let n = left.min(zeros.len());
        encoder.write_all(&zeros[..n]).unwrap();
        left -= n;
    }
    encoder.finish().unwrap()
}

impl Server {
    /// Starts a server on a free port of 127.0.0.1 that answers every request with `handler`.
    pub fn start(handler: impl Fn(&Request) -> Reply + Send + Sync + 'static) -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let address = listener.local_addr().unwrap();
        let shared = Arc::new(Shared {
            handler: Box::new(handler),
            requests: Mutex::new(Vec::new()),
            open: Mutex::new(Vec::new()),
            threads: Mutex::new(Vec::new()),
            stopping: AtomicBool::new(false),
            stop: (Mutex::new(false), Condvar::new()),
        });
        let accepting = Arc::clone(&shared);
        let acceptor = std::thread::spawn(move || accept(&listener, &accepting));
        Server {
            address,
            shared,
            acceptor: Some(acceptor),
        }
    }

    /// `http://127.0.0.1:PORT/path` (`path` with or without its leading slash).
    pub fn url(&self, path: &str) -> String {
        let path = path.strip_prefix('/').unwrap_or(path);
        format!("http://{}/{path}", self.address)
    }

    /// Every request so far, in the order they arrived.
    pub fn requests(&self) -> Vec<Request> {
        self.shared.requests.lock().unwrap().clone()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.shared.stopping.store(true, Ordering::SeqCst);
        {
            let (lock, wake) = &self.shared.stop;
            *lock.lock().unwrap() = true;
            wake.notify_all();
        }
        // Wakes the acceptor, which sees `stopping` and returns.
        let _ = TcpStream::connect(self.address);
        if let Some(acceptor) = self.acceptor.take() {
            let _ = acceptor.join();
        }
        for stream in self.shared.open.lock().unwrap().drain(..) {
            let _ = stream.shutdown(Shutdown::Both);
        }
        let threads: Vec<_> = self.shared.threads.lock().unwrap().drain(..).collect();
        for thread in threads {
            let _ = thread.join();
        }
    }
}

fn accept(listener: &TcpListener, shared: &Arc<Shared>) {
    for stream in listener.incoming() {
        if shared.stopping() {
            return;
        }
        let Ok(stream) = stream else { continue };
        let Ok(clone) = stream.try_clone() else {
            continue;
        };
        shared.open.lock().unwrap().push(clone);
        let serving = Arc::clone(shared);
        let thread = std::thread::spawn(move || serve(stream, &serving));
        shared.threads.lock().unwrap().push(thread);
    }
}

/// One connection: one request read, recorded and answered (errors just end it: the client
/// going away mid-answer is what several tests are about).
fn serve(stream: TcpStream, shared: &Shared) {
    let Some(request) = read_request(&stream) else {
        return;
    };
    shared.requests.lock().unwrap().push(request.clone());
    let reply = (shared.handler)(&request);
    if reply.hang {
        shared.pause(None);
        return;
    }
    let _ = answer(stream, &reply, shared);
}

fn read_request(stream: &TcpStream) -> Option<Request> {
    let mut reader = BufReader::new(stream.take(64 * 1024));
    let mut line = String::new();
    reader.read_line(&mut line).ok()?;
    let mut parts = line.split_whitespace();
    let method = parts.next()?.to_owned();
    let path = parts.next()?.to_owned();
    let mut headers = Vec::new();
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).ok()? == 0 {
            return None;
        }
        let line = line.trim_end_matches(['\r', '\n']);
        if line.is_empty() {
            break;
        }
        let (name, value) = line.split_once(':')?;
        headers.push((name.trim().to_ascii_lowercase(), value.trim().to_owned()));
    }
    Some(Request {
        method,
        path,
        headers,
    })
}

fn answer(mut stream: TcpStream, reply: &Reply, shared: &Shared) -> std::io::Result<()> {
    let mut head = format!("HTTP/1.1 {} {}\r\n", reply.status, phrase(reply.status));
    for (name, value) in &reply.headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    // An endless body is delimited by the connection closing, so it has no length.
    if !reply.endless && !matches!(reply.status, 100..=199 | 204 | 304) {
        head.push_str(&format!("Content-Length: {}\r\n", reply.body.len()));
    }
    head.push_str("Connection: close\r\n\r\n");
    stream.write_all(head.as_bytes())?;
    if reply.endless {
        let chunk = vec![b'x'; 64 * 1024];
        while !shared.stopping() {
            stream.write_all(&chunk)?;
        }
    } else if let Some(every) = reply.drip {
        for byte in &reply.body {
            stream.write_all(std::slice::from_ref(byte))?;
            stream.flush()?;
            if !shared.pause(Some(every)) {
                break;
            }
        }
    } else {
        stream.write_all(&reply.body)?;
    }
    stream.flush()
}

fn phrase(status: u16) -> &'static str {
    match status {
        200 => "OK",
        204 => "No Content",
        301 => "Moved Permanently",
        302 => "Found",
        303 => "See Other",
        304 => "Not Modified",
        307 => "Temporary Redirect",
        308 => "Permanent Redirect",
        400 => "Bad Request",
        404 => "Not Found",
        410 => "Gone",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        503 => "Service Unavailable",
        _ => "Whatever",
    }
}
