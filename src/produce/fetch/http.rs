//! One GET of one feed, as the best-behaved feed client would make it: conditional (ETag and
//! Last-Modified sent back exactly as received), compressed, honest about who it is, no cookies,
//! no Referer, and bounded in time and size whatever the server does.
//!
//! Redirects are followed here rather than by ureq, so that a chain of permanent redirects can
//! move a subscription (and a temporary one never does), and loops are named as loops. Every
//! way a fetch can end is an [`Outcome`] with a short reason a person can act on; nothing here
//! panics or returns an error type the caller has to word.
//!
//! A proxy from the environment is used (ureq's reading: the first of `ALL_PROXY`,
//! `HTTPS_PROXY`, `HTTP_PROXY`, for every URL, with `NO_PROXY`): a reader behind one has no
//! other way out.

use std::io::{self, Read};
use std::time::{Duration, Instant, SystemTime};

use ureq::http::{HeaderMap, HeaderValue, StatusCode};
use ureq::tls::{RootCerts, TlsConfig};
use url::Url;

/// Who is asking, on every request: feed publishers read their logs to learn which readers
/// poll them and how to reach their authors.
pub const USER_AGENT: &str = concat!(
    "Herald/",
    env!("CARGO_PKG_VERSION"),
    " (+https://github.com/herald-reader/herald)"
);

/// Feed types first, so a server that negotiates sends the feed, not the HTML page about it.
pub const ACCEPT: &str = "application/rss+xml, application/atom+xml, application/feed+json, \
                          application/xml;q=0.9, */*;q=0.8";

/// Exactly the encodings ureq is built to decode here (features `gzip` and `brotli`).
pub const ACCEPT_ENCODING: &str = "gzip, br";

/// Redirects followed before giving up; more than a handful is a misconfigured server.
pub const MAX_REDIRECTS: usize = 5;

/// How long and how much one fetch may take.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    /// Finding the host and connecting to it (TLS handshake included).
    pub connect: Duration,
    /// The whole fetch, every redirect and the whole body included: a server that drips a byte
    /// a second still ends within this.
    pub whole: Duration,
    /// The largest body kept, counted after decoding, so a small gzip bomb stops here too.
    pub max_bytes: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            connect: Duration::from_secs(10),
            whole: Duration::from_secs(60),
            max_bytes: 20 * 1024 * 1024,
        }
    }
}

/// What a server said about the version it sent, to be sent back on the next fetch. Opaque:
/// kept and sent byte for byte (quotes and a `W/` prefix included), never parsed.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Validators {
    pub etag: Option<String>,
    pub last_modified: Option<String>,
}

/// How one fetch ended.
#[derive(Debug, PartialEq, Eq)]
pub enum Outcome {
    /// A 2xx answer and its whole body (decoded). Whether the body is a feed is the caller's
    /// to decide: an HTML page comes back here too, with its `content_type`.
    Feed {
        body: Vec<u8>,
        /// Where the body came from: the URL asked for, or the last one redirected to.
        url: String,
        /// `Some(url)` when every redirect on the way was permanent (301 or 308), so the
        /// subscription should move there; `None` after any temporary one, or with none.
        moved_to: Option<String>,
        /// This response's own validators.
        validators: Validators,
        /// `Cache-Control: max-age` (`None` with `no-cache` or `no-store`, or without one).
        fresh_for: Option<Duration>,
        /// The `Content-Type` header as received, parameters included.
        content_type: Option<String>,
    },
    /// 304: what the caller has is current.
    NotModified {
        /// The 304's own validators, each one it did not send kept from those sent.
        validators: Validators,
        fresh_for: Option<Duration>,
    },
    /// 429 or 503: the server asks to be left alone for a while.
    RetryLater {
        status: u16,
        /// For example "429 Too Many Requests".
        reason: String,
        /// `Retry-After`, when it was given and could be read.
        after: Option<SystemTime>,
    },
    /// Anything else: a short reason, and the status of the last answer when one came (a
    /// redirect's, when following it failed; 200 for a body over the limit).
    Failed { reason: String, status: Option<u16> },
}

/// The fetcher's HTTP client: one per fetch run, shared by its worker threads by reference
/// (connections to the same host are reused between their fetches).
#[derive(Debug)]
pub struct Client {
    agent: ureq::Agent,
    limits: Limits,
}

/// Where a fetch was when it failed, for wording the reason.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Phase {
    /// Connecting, asking, waiting for the status and headers.
    Answer,
    /// Reading the body.
    Body,
}

impl Client {
    pub fn new(limits: Limits) -> Self {
        let tls = TlsConfig::builder()
            // The system's verifier and roots, so a CA the system distrusts (or an
            // organisation's own CA it trusts) counts here as it does everywhere else.
            .root_certs(RootCerts::PlatformVerifier)
            .build();
        let config = ureq::Agent::config_builder()
            // Statuses are outcomes here, not errors: 304, 429 and 503 each mean something.
            .http_status_as_error(false)
            // Herald follows redirects itself, to tell permanent from temporary.
            .max_redirects(0)
            .user_agent(USER_AGENT)
            .accept(ACCEPT)
            .accept_encoding(ACCEPT_ENCODING)
            .timeout_resolve(Some(limits.connect))
            .timeout_connect(Some(limits.connect))
            .tls_config(tls)
            .build();
        Self {
            agent: config.new_agent(),
            limits,
        }
    }

    /// The limits this client keeps.
    pub fn limits(&self) -> Limits {
        self.limits
    }

    /// One GET of a feed. Sends If-None-Match / If-Modified-Since from `validators` when
    /// present (exact bytes), says it is Herald and which version, asks for feed types first
    /// and for gzip or brotli. No cookies, no Referer, never adds query parameters.
    pub fn get(&self, url: &str, validators: &Validators) -> Outcome {
        let deadline = Instant::now().checked_add(self.limits.whole);
        let mut current = match http_url(url) {
            Ok(parsed) => parsed,
            Err(reason) => return failed(reason, None),
        };
        let mut visited = vec![current.clone()];
        let mut all_permanent = true;
        loop {
            let remaining = deadline.map(|d| d.saturating_duration_since(Instant::now()));
            if remaining.is_some_and(|r| r.is_zero()) {
                return failed(self.timed_out(Phase::Answer), None);
            }
            let response = match self.call(&current, validators, remaining) {
                Ok(response) => response,
                Err(e) => return failed(self.describe(&e, &current, Phase::Answer), None),
            };
            let status = response.status().as_u16();
            if matches!(status, 301 | 302 | 303 | 307 | 308) {
                let next = match redirect_target(&current, status, response.headers()) {
                    Ok(next) => next,
                    Err(reason) => return failed(reason, Some(status)),
                };
                if visited.contains(&next) {
                    return failed("redirect loop".to_owned(), Some(status));
                }
                if visited.len() > MAX_REDIRECTS {
                    return failed(
                        format!("too many redirects (more than {MAX_REDIRECTS})"),
                        Some(status),
                    );
                }
                all_permanent &= matches!(status, 301 | 308);
                visited.push(next.clone());
                current = next;
                continue;
            }
            let redirected = visited.len() > 1;
            let (final_url, moved_to) = if redirected {
                let final_url = current.as_str().to_owned();
                (final_url.clone(), all_permanent.then_some(final_url))
            } else {
                // Unredirected, the URL is the caller's own, not as `Url` normalised it.
                (url.to_owned(), None)
            };
            return self.finish(response, &current, validators, final_url, moved_to);
        }
    }

    /// One request of the chain, within what is left of the whole fetch's time.
    fn call(
        &self,
        url: &Url,
        validators: &Validators,
        remaining: Option<Duration>,
    ) -> Result<ureq::http::Response<ureq::Body>, ureq::Error> {
        let mut request = self.agent.get(url.as_str());
        // A validator that cannot be a header value (it came from a file, after all) is left
        // out: an unconditional fetch is always correct, only bigger.
        if let Some(value) = header_value(validators.etag.as_deref()) {
            request = request.header("If-None-Match", value);
        }
        if let Some(value) = header_value(validators.last_modified.as_deref()) {
            request = request.header("If-Modified-Since", value);
        }
        // The whole budget spans every hop and the body; ureq's own clock restarts per call.
        request.config().timeout_global(remaining).build().call()
    }

    /// The outcome of the last response of the chain.
    fn finish(
        &self,
        response: ureq::http::Response<ureq::Body>,
        current: &Url,
        sent: &Validators,
        url: String,
        moved_to: Option<String>,
    ) -> Outcome {
        let status = response.status().as_u16();
        let headers = response.headers();
        let fresh_for = fresh_for(headers);
        let received = validators(headers);
        match status {
            304 => Outcome::NotModified {
                validators: Validators {
                    etag: received.etag.or_else(|| sent.etag.clone()),
                    last_modified: received
                        .last_modified
                        .or_else(|| sent.last_modified.clone()),
                },
                fresh_for,
            },
            200..=299 => {
                let content_type = header_text(headers, "content-type").map(str::to_owned);
                match self.read_body(response.into_body(), current) {
                    Ok(body) => Outcome::Feed {
                        body,
                        url,
                        moved_to,
                        validators: received,
                        fresh_for,
                        content_type,
                    },
                    Err(reason) => failed(reason, Some(status)),
                }
            }
            429 | 503 => Outcome::RetryLater {
                status,
                reason: status_words(status),
                after: header_text(headers, "retry-after")
                    .and_then(|v| parse_retry_after(v, SystemTime::now())),
            },
            _ => failed(status_words(status), Some(status)),
        }
    }

    /// The decoded body, or why it was not kept. Never holds more than `max_bytes` + 1 bytes,
    /// however long the body is or however well it compresses.
    fn read_body(&self, body: ureq::Body, url: &Url) -> Result<Vec<u8>, String> {
        let max = self.limits.max_bytes;
        let too_large = || format!("the body is larger than {}", size_words(max));
        // Content-Length is only known when the body is not being decompressed; a declared
        // length over the limit is refused before a byte of it is read.
        let declared = body.content_length();
        if declared.is_some_and(|n| n > max) {
            return Err(too_large());
        }
        let cap = usize::try_from(max.saturating_add(1)).unwrap_or(usize::MAX);
        let hint = declared.map_or(0, |n| usize::try_from(n).unwrap_or(cap).min(cap));
        let mut kept = Vec::with_capacity(hint);
        let mut chunk = vec![0_u8; 64 * 1024];
        let mut reader = body.into_reader();
        while kept.len() < cap {
            let want = chunk.len().min(cap - kept.len());
            let n = match reader.read(&mut chunk[..want]) {
                Ok(0) => break,
                Ok(n) => n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(self.describe(&ureq::Error::from(e), url, Phase::Body)),
            };
            if kept.capacity() - kept.len() < n {
                // Doubling as Vec would, but never past the cap, so a 20 MiB limit allocates
                // at most 20 MiB and a byte, not the 32 MiB the next power of two would be.
                let grown = kept
                    .capacity()
                    .saturating_mul(2)
                    .max(kept.len() + n)
                    .min(cap);
                kept.reserve_exact(grown - kept.len());
            }
            kept.extend_from_slice(&chunk[..n]);
        }
        if kept.len() as u64 > max {
            return Err(too_large());
        }
        Ok(kept)
    }

    fn timed_out(&self, phase: Phase) -> String {
        let whole = duration_words(self.limits.whole);
        match phase {
            Phase::Answer => format!("timed out (no answer within {whole})"),
            Phase::Body => format!("timed out (the body was not finished within {whole})"),
        }
    }

    /// A short reason for a failure of ureq's, in words a person can act on.
    fn describe(&self, error: &ureq::Error, url: &Url, phase: Phase) -> String {
        let host = url.host_str().unwrap_or("(no host)");
        let connect = duration_words(self.limits.connect);
        match error {
            ureq::Error::Timeout(ureq::Timeout::Resolve) => {
                format!("timed out (could not resolve host {host} within {connect})")
            }
            ureq::Error::Timeout(ureq::Timeout::Connect) => {
                format!("timed out (no connection to {host} within {connect})")
            }
            ureq::Error::Timeout(_) => self.timed_out(phase),
            ureq::Error::HostNotFound => format!("could not resolve host {host}"),
            ureq::Error::Io(e) => self.describe_io(e, host, phase),
            ureq::Error::Rustls(e) => tls_words(e),
            ureq::Error::Tls(words) => format!("TLS: {words}"),
            ureq::Error::Protocol(e) => format!("the answer is not valid HTTP ({e})"),
            ureq::Error::LargeResponseHeader(..) => "the response headers are too large".to_owned(),
            ureq::Error::Decompress(encoding, e) => {
                format!("the body is not valid {encoding} ({e})")
            }
            ureq::Error::BadUri(uri) => format!("not a valid URL ({uri})"),
            ureq::Error::ConnectionFailed => format!("could not connect to {host}"),
            other => other.to_string(),
        }
    }

    fn describe_io(&self, e: &io::Error, host: &str, phase: Phase) -> String {
        if let Some(tls) = e
            .get_ref()
            .and_then(|inner| inner.downcast_ref::<rustls::Error>())
        {
            return tls_words(tls);
        }
        match e.kind() {
            io::ErrorKind::ConnectionRefused => "connection refused".to_owned(),
            io::ErrorKind::ConnectionReset => "the server reset the connection".to_owned(),
            io::ErrorKind::ConnectionAborted => "the connection was aborted".to_owned(),
            io::ErrorKind::TimedOut | io::ErrorKind::WouldBlock => self.timed_out(phase),
            io::ErrorKind::UnexpectedEof => match phase {
                Phase::Answer => "the server closed the connection without answering".to_owned(),
                Phase::Body => "the connection closed before the body was complete".to_owned(),
            },
            io::ErrorKind::HostUnreachable => format!("host {host} is unreachable"),
            io::ErrorKind::NetworkUnreachable => "the network is unreachable".to_owned(),
            // std words every failed name lookup this way and gives it no kind of its own.
            _ if e.to_string().starts_with("failed to lookup address") => {
                format!("could not resolve host {host}")
            }
            _ => format!("network error: {e}"),
        }
    }
}

fn failed(reason: String, status: Option<u16>) -> Outcome {
    Outcome::Failed { reason, status }
}

/// `url` as an http(s) URL to ask for: anything else is refused before a connection is made.
fn http_url(url: &str) -> Result<Url, String> {
    let mut parsed = Url::parse(url).map_err(|e| format!("not a valid URL ({e}): {url}"))?;
    if !matches!(parsed.scheme(), "http" | "https") {
        return Err(format!("not an http or https URL: {url}"));
    }
    // The fragment is the reader's, never sent (and an http URI cannot carry one).
    parsed.set_fragment(None);
    Ok(parsed)
}

/// Where a redirect points, resolved against the URL that answered it.
fn redirect_target(current: &Url, status: u16, headers: &HeaderMap) -> Result<Url, String> {
    let Some(location) = header_text(headers, "location").filter(|l| !l.trim().is_empty()) else {
        return Err(format!("{} without a Location", status_words(status)));
    };
    let mut next = current
        .join(location.trim())
        .map_err(|_| format!("{} to an invalid URL: {location}", status_words(status)))?;
    if !matches!(next.scheme(), "http" | "https") {
        return Err(format!(
            "{} to a non-HTTP URL, not followed: {location}",
            status_words(status)
        ));
    }
    next.set_fragment(None);
    Ok(next)
}

fn header_value(value: Option<&str>) -> Option<HeaderValue> {
    value.and_then(|v| HeaderValue::from_str(v).ok())
}

/// A header's first value, when it is text (anything else cannot be sent back exactly).
fn header_text<'h>(headers: &'h HeaderMap, name: &str) -> Option<&'h str> {
    headers
        .get(name)
        .and_then(|v| std::str::from_utf8(v.as_bytes()).ok())
}

fn validators(headers: &HeaderMap) -> Validators {
    Validators {
        etag: header_text(headers, "etag").map(str::to_owned),
        last_modified: header_text(headers, "last-modified").map(str::to_owned),
    }
}

/// Every Cache-Control header, read as one list (a server may split it over several).
fn fresh_for(headers: &HeaderMap) -> Option<Duration> {
    let joined: Vec<&str> = headers
        .get_all("cache-control")
        .iter()
        .filter_map(|v| std::str::from_utf8(v.as_bytes()).ok())
        .collect();
    if joined.is_empty() {
        return None;
    }
    parse_max_age(&joined.join(","))
}

/// "404 Not Found": the code and its standard phrase (servers' own phrases vary and lie).
fn status_words(status: u16) -> String {
    match StatusCode::from_u16(status)
        .ok()
        .and_then(|s| s.canonical_reason())
    {
        Some(phrase) => format!("{status} {phrase}"),
        None => format!("HTTP status {status}"),
    }
}

/// What went wrong in TLS, worded for the common certificate problems.
fn tls_words(error: &rustls::Error) -> String {
    use rustls::CertificateError as C;
    match error {
        rustls::Error::InvalidCertificate(C::UnknownIssuer) => {
            "TLS: the certificate is not signed by a trusted authority".to_owned()
        }
        rustls::Error::InvalidCertificate(C::Expired | C::ExpiredContext { .. }) => {
            "TLS: the certificate has expired".to_owned()
        }
        rustls::Error::InvalidCertificate(
            C::NotValidForName | C::NotValidForNameContext { .. },
        ) => "TLS: the certificate is for another host".to_owned(),
        rustls::Error::InvalidCertificate(C::Revoked) => {
            "TLS: the certificate has been revoked".to_owned()
        }
        // What comes back when the port speaks plain HTTP (or anything else but TLS).
        rustls::Error::InvalidMessage(rustls::InvalidMessage::InvalidContentType) => {
            "TLS: the server does not speak TLS on this port".to_owned()
        }
        other => format!("TLS: {other}"),
    }
}

/// "20 MiB", "64 KiB", "1000 bytes": a limit as it was most likely set.
fn size_words(bytes: u64) -> String {
    const KIB: u64 = 1024;
    const MIB: u64 = 1024 * 1024;
    if bytes >= MIB && bytes.is_multiple_of(MIB) {
        format!("{} MiB", bytes / MIB)
    } else if bytes >= KIB && bytes.is_multiple_of(KIB) {
        format!("{} KiB", bytes / KIB)
    } else {
        format!("{bytes} bytes")
    }
}

/// "60 s", "1.5 s", "250 ms".
fn duration_words(d: Duration) -> String {
    if d.subsec_millis() == 0 {
        format!("{} s", d.as_secs())
    } else if d < Duration::from_secs(1) {
        format!("{} ms", d.as_millis())
    } else {
        format!("{:.1} s", d.as_secs_f64())
    }
}

/// When a `Retry-After` value says to come back: delta-seconds from `now`, or an HTTP-date
/// (IMF-fixdate, and the obsolete RFC 850 and asctime forms). `None` when it is neither.
pub fn parse_retry_after(value: &str, now: SystemTime) -> Option<SystemTime> {
    let value = value.trim();
    if !value.is_empty() && value.bytes().all(|b| b.is_ascii_digit()) {
        return now.checked_add(Duration::from_secs(value.parse().ok()?));
    }
    httpdate::parse_http_date(value).ok()
}

/// How long a response stays fresh by its Cache-Control: `max-age` (`s-maxage` is for shared
/// caches, which Herald is not); `None` without one, or with `no-cache` or `no-store`, which
/// mean "ask every time" whatever else the header says.
pub fn parse_max_age(cache_control: &str) -> Option<Duration> {
    let mut max_age = None;
    for directive in cache_control.split(',') {
        let (name, value) = match directive.split_once('=') {
            Some((name, value)) => (name.trim(), Some(value.trim())),
            None => (directive.trim(), None),
        };
        if name.eq_ignore_ascii_case("no-cache") || name.eq_ignore_ascii_case("no-store") {
            return None;
        }
        if name.eq_ignore_ascii_case("max-age") && max_age.is_none() {
            max_age = value.and_then(delta_seconds);
        }
    }
    max_age
}

/// RFC 9111 delta-seconds; a value too large to hold counts as 2^31 seconds, as it says.
/// A quoted number is tolerated: servers send `max-age="60"` often enough.
fn delta_seconds(value: &str) -> Option<Duration> {
    let digits = value
        .strip_prefix('"')
        .and_then(|v| v.strip_suffix('"'))
        .unwrap_or(value);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    Some(Duration::from_secs(digits.parse().unwrap_or(1 << 31)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(secs: u64) -> SystemTime {
        SystemTime::UNIX_EPOCH + Duration::from_secs(secs)
    }

    #[test]
    fn client_is_shared_by_worker_threads() {
        fn shareable<T: Send + Sync>() {}
        shareable::<Client>();
    }

    #[test]
    fn retry_after_reads_delta_seconds_and_http_dates() {
        let now = at(1_000_000);
        let cases: &[(&str, Option<SystemTime>)] = &[
            ("120", Some(at(1_000_120))),
            (" 0 ", Some(now)),
            // IMF-fixdate, RFC 850 and asctime: the same instant.
            ("Wed, 21 Oct 2015 07:28:00 GMT", Some(at(1_445_412_480))),
            ("Wednesday, 21-Oct-15 07:28:00 GMT", Some(at(1_445_412_480))),
            ("Wed Oct 21 07:28:00 2015", Some(at(1_445_412_480))),
            ("", None),
            ("-5", None),
            ("1.5", None),
            ("soon", None),
            ("99999999999999999999999", None),
            ("Wed, 32 Oct 2015 07:28:00 GMT", None),
        ];
        for (value, expected) in cases {
            assert_eq!(parse_retry_after(value, now), *expected, "{value:?}");
        }
    }

    #[test]
    fn max_age_is_read_and_no_cache_or_no_store_win() {
        let secs = |s| Some(Duration::from_secs(s));
        let cases: &[(&str, Option<Duration>)] = &[
            ("max-age=900", secs(900)),
            ("public, max-age=60", secs(60)),
            ("MAX-AGE = 30", secs(30)),
            ("max-age=\"45\"", secs(45)),
            ("max-age=0", secs(0)),
            ("s-maxage=600", None),
            ("s-maxage=600, max-age=60", secs(60)),
            ("max-age=60, no-cache", None),
            ("no-store, max-age=60", None),
            ("No-Cache", None),
            ("private", None),
            ("max-age", None),
            ("max-age=-1", None),
            ("max-age=ten", None),
            ("max-age=99999999999999999999999", secs(1 << 31)),
            ("max-age=10, max-age=20", secs(10)),
            ("", None),
        ];
        for (value, expected) in cases {
            assert_eq!(parse_max_age(value), *expected, "{value:?}");
        }
    }

    #[test]
    fn sizes_and_durations_read_as_they_were_set() {
        assert_eq!(size_words(20 * 1024 * 1024), "20 MiB");
        assert_eq!(size_words(64 * 1024), "64 KiB");
        assert_eq!(size_words(1000), "1000 bytes");
        assert_eq!(size_words(0), "0 bytes");
        assert_eq!(duration_words(Duration::from_secs(60)), "60 s");
        assert_eq!(duration_words(Duration::from_millis(1500)), "1.5 s");
        assert_eq!(duration_words(Duration::from_millis(250)), "250 ms");
    }

    #[test]
    fn statuses_are_worded_with_their_standard_phrase() {
        assert_eq!(status_words(404), "404 Not Found");
        assert_eq!(status_words(429), "429 Too Many Requests");
        assert_eq!(status_words(503), "503 Service Unavailable");
        assert_eq!(status_words(599), "HTTP status 599");
    }

    #[test]
    fn failures_are_worded_briefly() {
        let client = Client::new(Limits::default());
        let url = Url::parse("http://example.invalid/feed").unwrap();
        let words = |e: ureq::Error| client.describe(&e, &url, Phase::Answer);
        assert_eq!(
            words(ureq::Error::HostNotFound),
            "could not resolve host example.invalid"
        );
        // What std's lookup returns for a name that does not exist.
        let lookup =
            io::Error::other("failed to lookup address information: Name or service not known");
        assert_eq!(
            words(ureq::Error::Io(lookup)),
            "could not resolve host example.invalid"
        );
        assert_eq!(
            words(ureq::Error::Io(io::ErrorKind::ConnectionRefused.into())),
            "connection refused"
        );
        assert_eq!(
            words(ureq::Error::Timeout(ureq::Timeout::Global)),
            "timed out (no answer within 60 s)"
        );
        assert_eq!(
            client.describe(
                &ureq::Error::Timeout(ureq::Timeout::Global),
                &url,
                Phase::Body
            ),
            "timed out (the body was not finished within 60 s)"
        );
        assert_eq!(
            words(ureq::Error::Timeout(ureq::Timeout::Connect)),
            "timed out (no connection to example.invalid within 10 s)"
        );
        let untrusted = io::Error::new(
            io::ErrorKind::InvalidData,
            rustls::Error::InvalidCertificate(rustls::CertificateError::UnknownIssuer),
        );
        assert_eq!(
            words(ureq::Error::Io(untrusted)),
            "TLS: the certificate is not signed by a trusted authority"
        );
    }

    #[test]
    fn only_http_and_https_urls_are_fetched() {
        assert!(http_url("https://example.com/feed.xml").is_ok());
        assert_eq!(
            http_url("file:///etc/passwd").unwrap_err(),
            "not an http or https URL: file:///etc/passwd"
        );
        assert!(
            http_url("example.com/feed")
                .unwrap_err()
                .starts_with("not a valid URL")
        );
        assert_eq!(
            http_url("http://example.com/feed#top").unwrap().as_str(),
            "http://example.com/feed"
        );
    }

    #[test]
    fn redirects_resolve_relative_locations_and_refuse_other_schemes() {
        let current = Url::parse("http://example.com/a/b/feed?x=1").unwrap();
        let target = |location: &str| {
            let mut headers = HeaderMap::new();
            headers.insert("location", HeaderValue::from_str(location).unwrap());
            redirect_target(&current, 301, &headers)
        };
        assert_eq!(
            target("../c/rss").unwrap().as_str(),
            "http://example.com/a/c/rss"
        );
        assert_eq!(target("/rss").unwrap().as_str(), "http://example.com/rss");
        assert_eq!(
            target("//cdn.example.net/rss").unwrap().as_str(),
            "http://cdn.example.net/rss"
        );
        assert_eq!(
            target("https://example.org/rss#x").unwrap().as_str(),
            "https://example.org/rss"
        );
        assert_eq!(
            target("ftp://example.com/rss").unwrap_err(),
            "301 Moved Permanently to a non-HTTP URL, not followed: ftp://example.com/rss"
        );
        assert_eq!(
            redirect_target(&current, 302, &HeaderMap::new()).unwrap_err(),
            "302 Found without a Location"
        );
    }
}
