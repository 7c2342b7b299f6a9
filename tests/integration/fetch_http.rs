//! The fetcher's HTTP client against a real server on 127.0.0.1 (`common::http`): what it sends,
//! how it reads every kind of answer, and that no server, however slow, large or broken, can
//! keep it longer than its limits. No test reaches the internet.

use std::io::Write;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, SystemTime};

use herald::produce::fetch::http::{Client, Limits, Outcome, Validators};

use crate::common::deadline;
use crate::common::http::{Reply, Request, Server, gzip_zeros};

const FEED: &str =
    "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>T</title></channel></rss>";

fn client() -> Client {
    Client::new(Limits::default())
}

/// A client whose whole fetch may take 2 s, for the servers that never finish.
fn impatient() -> Client {
    Client::new(Limits {
        whole: Duration::from_secs(2),
        ..Limits::default()
    })
}

fn small(max_bytes: u64) -> Client {
    Client::new(Limits {
        max_bytes,
        ..Limits::default()
    })
}

fn no_validators() -> Validators {
    Validators::default()
}

/// `client.get(url)` on a thread of its own, so a fetch that does not end fails the test at
/// the deadline instead of hanging it.
fn get_within_deadline(client: Client, url: String, validators: Validators) -> Outcome {
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(client.get(&url, &validators));
    });
    rx.recv_timeout(deadline())
        .expect("the fetch ends by itself, well within the test's deadline")
}

fn failure(outcome: Outcome) -> (String, Option<u16>) {
    match outcome {
        Outcome::Failed { reason, status } => (reason, status),
        other => panic!("expected a failure, got {other:?}"),
    }
}

fn feed(outcome: Outcome) -> (Vec<u8>, String, Option<String>, Validators) {
    match outcome {
        Outcome::Feed {
            body,
            url,
            moved_to,
            validators,
            ..
        } => (body, url, moved_to, validators),
        other => panic!("expected a feed, got {other:?}"),
    }
}

#[test]
fn validators_are_sent_exactly_and_a_304_is_not_modified() {
    let server = Server::start(|request: &Request| {
        if request.header("if-none-match") == Some("W/\"abc, \\\"def\\\"\"") {
            Reply::status(304).header("Cache-Control", "max-age=300")
        } else {
            Reply::ok(FEED)
        }
    });
    let sent = Validators {
        etag: Some("W/\"abc, \\\"def\\\"\"".to_owned()),
        last_modified: Some("Wed, 21 Oct 2015 07:28:00 GMT".to_owned()),
    };
    let outcome = client().get(&server.url("/feed"), &sent);
    assert_eq!(
        outcome,
        Outcome::NotModified {
            validators: sent.clone(),
            fresh_for: Some(Duration::from_secs(300)),
        }
    );
    let requests = server.requests();
    assert_eq!(requests.len(), 1);
    assert_eq!(requests[0].method, "GET");
    assert_eq!(
        requests[0].header("if-none-match"),
        Some("W/\"abc, \\\"def\\\"\"")
    );
    assert_eq!(
        requests[0].header("if-modified-since"),
        Some("Wed, 21 Oct 2015 07:28:00 GMT")
    );
}

#[test]
fn a_304_with_validators_of_its_own_replaces_only_those() {
    let server = Server::start(|_: &Request| Reply::status(304).header("ETag", "\"v2\""));
    let sent = Validators {
        etag: Some("\"v1\"".to_owned()),
        last_modified: Some("Wed, 21 Oct 2015 07:28:00 GMT".to_owned()),
    };
    let outcome = client().get(&server.url("/feed"), &sent);
    assert_eq!(
        outcome,
        Outcome::NotModified {
            validators: Validators {
                etag: Some("\"v2\"".to_owned()),
                last_modified: Some("Wed, 21 Oct 2015 07:28:00 GMT".to_owned()),
            },
            fresh_for: None,
        }
    );
}

#[test]
fn without_validators_the_request_is_unconditional() {
    let server = Server::start(|_: &Request| Reply::ok(FEED));
    feed(client().get(&server.url("/feed"), &no_validators()));
    let request = &server.requests()[0];
    assert_eq!(request.header("if-none-match"), None);
    assert_eq!(request.header("if-modified-since"), None);
}

#[test]
fn a_200_gives_the_body_its_validators_and_freshness() {
    let server = Server::start(|_: &Request| {
        Reply::ok(FEED)
            .header("ETag", "W/\"5e1-xyz\"")
            .header("Last-Modified", "Tue, 03 Jun 2025 10:00:00 GMT")
            .header("Cache-Control", "public, s-maxage=60, max-age=900")
    });
    let url = server.url("/feed.xml");
    assert_eq!(
        client().get(&url, &no_validators()),
        Outcome::Feed {
            body: FEED.as_bytes().to_vec(),
            url: url.clone(),
            moved_to: None,
            validators: Validators {
                etag: Some("W/\"5e1-xyz\"".to_owned()),
                last_modified: Some("Tue, 03 Jun 2025 10:00:00 GMT".to_owned()),
            },
            fresh_for: Some(Duration::from_secs(900)),
            content_type: Some("application/rss+xml".to_owned()),
        }
    );
}

#[test]
fn no_cache_means_no_freshness() {
    let server = Server::start(|_: &Request| {
        Reply::ok(FEED).header("Cache-Control", "max-age=900, no-cache")
    });
    match client().get(&server.url("/feed"), &no_validators()) {
        Outcome::Feed { fresh_for, .. } => assert_eq!(fresh_for, None),
        other => panic!("expected a feed, got {other:?}"),
    }
}

#[test]
fn it_says_who_it_is_and_sends_no_cookie_referer_or_extra_query() {
    // The first answer sets a cookie and redirects: a browser would send both back.
    let server = Server::start(|request: &Request| {
        if request.path.starts_with("/old") {
            Reply::status(302)
                .header("Location", "/feed?a=1&b=2")
                .header("Set-Cookie", "session=secret; Path=/")
        } else {
            Reply::ok(FEED).header("Set-Cookie", "tracker=1")
        }
    });
    feed(client().get(&server.url("/old?x=%20y"), &no_validators()));
    let requests = server.requests();
    assert_eq!(requests.len(), 2);
    assert_eq!(requests[0].path, "/old?x=%20y");
    assert_eq!(requests[1].path, "/feed?a=1&b=2");
    let version = env!("CARGO_PKG_VERSION");
    for request in &requests {
        let agent = request.header("user-agent").unwrap();
        assert!(
            agent.starts_with(&format!("Herald/{version} ")),
            "User-Agent {agent:?}"
        );
        let accept = request.header("accept").unwrap();
        assert!(
            accept.starts_with("application/rss+xml, application/atom+xml, application/feed+json"),
            "Accept {accept:?}"
        );
        assert!(accept.contains("*/*;q=0.8"), "Accept {accept:?}");
        let encodings = request.header("accept-encoding").unwrap();
        assert!(encodings.contains("gzip"), "Accept-Encoding {encodings:?}");
        assert!(encodings.contains("br"), "Accept-Encoding {encodings:?}");
        assert_eq!(request.header("cookie"), None);
        assert_eq!(request.header("referer"), None);
    }
}

#[test]
fn a_gzip_body_is_decoded() {
    let text = FEED.repeat(100);
    let body = text.clone();
    let server = Server::start(move |_: &Request| Reply::ok(body.clone()).gzip());
    let (body, ..) = feed(client().get(&server.url("/feed"), &no_validators()));
    assert_eq!(String::from_utf8(body).unwrap(), text);
}

/// A server where `/hop/N` redirects to `/hop/N+1` with `statuses[N]`, and past the last one
/// `/hop/LEN` is the feed. Locations are absolute, built from the Host header.
fn chain(statuses: &'static [u16]) -> Server {
    Server::start(move |request: &Request| {
        let n: usize = request.path.trim_start_matches("/hop/").parse().unwrap();
        match statuses.get(n) {
            Some(&status) => {
                let host = request.header("host").unwrap();
                Reply::status(status).header("Location", &format!("http://{host}/hop/{}", n + 1))
            }
            None => Reply::ok(FEED),
        }
    })
}

#[test]
fn permanent_redirects_all_the_way_move_the_subscription() {
    for statuses in [&[301][..], &[301, 308], &[308, 301, 301]] {
        let statuses: &'static [u16] = Box::leak(statuses.to_vec().into_boxed_slice());
        let server = chain(statuses);
        let last = server.url(&format!("/hop/{}", statuses.len()));
        let (body, url, moved_to, _) = feed(client().get(&server.url("/hop/0"), &no_validators()));
        assert_eq!(body, FEED.as_bytes(), "{statuses:?}");
        assert_eq!(url, last, "{statuses:?}");
        assert_eq!(moved_to, Some(last), "{statuses:?}");
        assert_eq!(server.requests().len(), statuses.len() + 1);
    }
}

#[test]
fn any_temporary_redirect_keeps_the_subscription_where_it_is() {
    for statuses in [
        &[302][..],
        &[303],
        &[307],
        &[301, 302],
        &[302, 301],
        &[308, 307, 308],
    ] {
        let statuses: &'static [u16] = Box::leak(statuses.to_vec().into_boxed_slice());
        let server = chain(statuses);
        let last = server.url(&format!("/hop/{}", statuses.len()));
        let (_, url, moved_to, _) = feed(client().get(&server.url("/hop/0"), &no_validators()));
        assert_eq!(url, last, "{statuses:?}");
        assert_eq!(moved_to, None, "{statuses:?}");
    }
}

#[test]
fn validators_go_with_every_hop_of_a_redirect() {
    let server = chain(&[301]);
    let sent = Validators {
        etag: Some("\"e\"".to_owned()),
        last_modified: None,
    };
    feed(client().get(&server.url("/hop/0"), &sent));
    for request in server.requests() {
        assert_eq!(request.header("if-none-match"), Some("\"e\""));
    }
}

#[test]
fn a_relative_location_is_resolved_against_the_url_that_sent_it() {
    let server = Server::start(|request: &Request| match request.path.as_str() {
        "/a/b/feed" => Reply::status(301).header("Location", "../c/rss.xml"),
        "/a/c/rss.xml" => Reply::ok(FEED),
        _ => Reply::status(404),
    });
    let (_, url, moved_to, _) = feed(client().get(&server.url("/a/b/feed"), &no_validators()));
    assert_eq!(url, server.url("/a/c/rss.xml"));
    assert_eq!(moved_to, Some(server.url("/a/c/rss.xml")));
}

#[test]
fn a_redirect_loop_is_named() {
    let server = Server::start(|request: &Request| {
        let next = if request.path == "/a" { "/b" } else { "/a" };
        Reply::status(302).header("Location", next)
    });
    let (reason, status) = failure(client().get(&server.url("/a"), &no_validators()));
    assert_eq!(reason, "redirect loop");
    assert_eq!(status, Some(302));
    assert_eq!(server.requests().len(), 2);
}

#[test]
fn five_redirects_are_followed_and_the_sixth_is_refused() {
    let five = chain(&[301, 302, 307, 308, 303]);
    feed(client().get(&five.url("/hop/0"), &no_validators()));
    assert_eq!(five.requests().len(), 6);

    let server = Server::start(|request: &Request| {
        let n: usize = request.path.trim_start_matches("/r").parse().unwrap();
        Reply::status(301).header("Location", &format!("/r{}", n + 1))
    });
    let (reason, status) = failure(client().get(&server.url("/r0"), &no_validators()));
    assert_eq!(reason, "too many redirects (more than 5)");
    assert_eq!(status, Some(301));
    assert_eq!(server.requests().len(), 6);
}

#[test]
fn a_redirect_to_another_scheme_is_not_followed() {
    let server =
        Server::start(|_: &Request| Reply::status(301).header("Location", "file:///etc/passwd"));
    let (reason, status) = failure(client().get(&server.url("/feed"), &no_validators()));
    assert_eq!(
        reason,
        "301 Moved Permanently to a non-HTTP URL, not followed: file:///etc/passwd"
    );
    assert_eq!(status, Some(301));
    assert_eq!(server.requests().len(), 1);
}

#[test]
fn too_many_requests_says_when_to_come_back_in_seconds() {
    let server = Server::start(|_: &Request| Reply::status(429).header("Retry-After", "120"));
    let before = SystemTime::now();
    let outcome = client().get(&server.url("/feed"), &no_validators());
    let after_the_fetch = SystemTime::now();
    let Outcome::RetryLater {
        status,
        reason,
        after,
    } = outcome
    else {
        panic!("expected RetryLater, got {outcome:?}");
    };
    assert_eq!(status, 429);
    assert_eq!(reason, "429 Too Many Requests");
    let after = after.expect("Retry-After: 120 is read");
    let wait = Duration::from_secs(120);
    assert!(
        after >= before + wait && after <= after_the_fetch + wait,
        "{after:?}"
    );
}

#[test]
fn unavailable_says_when_to_come_back_as_a_date() {
    let server = Server::start(|_: &Request| {
        Reply::status(503).header("Retry-After", "Fri, 31 Dec 2100 23:59:59 GMT")
    });
    assert_eq!(
        client().get(&server.url("/feed"), &no_validators()),
        Outcome::RetryLater {
            status: 503,
            reason: "503 Service Unavailable".to_owned(),
            after: Some(SystemTime::UNIX_EPOCH + Duration::from_secs(4_133_980_799)),
        }
    );
}

#[test]
fn retry_later_without_a_readable_retry_after_has_no_time() {
    let server = Server::start(|_: &Request| Reply::status(429).header("Retry-After", "later"));
    match client().get(&server.url("/feed"), &no_validators()) {
        Outcome::RetryLater { after, .. } => assert_eq!(after, None),
        other => panic!("expected RetryLater, got {other:?}"),
    }
}

#[test]
fn other_statuses_fail_with_the_status_and_its_name() {
    for (status, words) in [
        (404, "404 Not Found"),
        (410, "410 Gone"),
        (500, "500 Internal Server Error"),
        (401, "401 Unauthorized"),
    ] {
        let server = Server::start(move |_: &Request| Reply::status(status));
        assert_eq!(
            client().get(&server.url("/feed"), &no_validators()),
            Outcome::Failed {
                reason: words.to_owned(),
                status: Some(status),
            }
        );
    }
}

#[test]
fn a_closed_port_is_connection_refused() {
    let port = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    };
    let (reason, status) =
        failure(client().get(&format!("http://127.0.0.1:{port}/feed"), &no_validators()));
    assert_eq!(reason, "connection refused");
    assert_eq!(status, None);
}

#[test]
fn a_url_that_is_not_http_is_refused_without_a_connection() {
    let (reason, _) = failure(client().get("ftp://127.0.0.1/feed", &no_validators()));
    assert_eq!(reason, "not an http or https URL: ftp://127.0.0.1/feed");
    let (reason, _) = failure(client().get("not a url", &no_validators()));
    assert!(reason.starts_with("not a valid URL"), "{reason}");
}

#[test]
fn a_server_that_never_answers_times_out_within_the_whole_limit() {
    let server = Server::start(|_: &Request| Reply::ok(FEED).hang());
    let (reason, status) = failure(get_within_deadline(
        impatient(),
        server.url("/feed"),
        no_validators(),
    ));
    assert_eq!(reason, "timed out (no answer within 2 s)");
    assert_eq!(status, None);
    assert_eq!(server.requests().len(), 1, "the request was read");
}

#[test]
fn a_server_that_drips_times_out_within_the_whole_limit() {
    // 1000 bytes at 50 ms each would take 50 s; the client allows 2.
    let server =
        Server::start(|_: &Request| Reply::ok(vec![b' '; 1000]).drip(Duration::from_millis(50)));
    let (reason, _) = failure(get_within_deadline(
        impatient(),
        server.url("/feed"),
        no_validators(),
    ));
    assert_eq!(reason, "timed out (the body was not finished within 2 s)");
}

#[test]
fn a_slow_body_that_finishes_in_time_is_read() {
    let server = Server::start(|_: &Request| {
        Reply::ok(FEED.as_bytes()[..20].to_vec()).drip(Duration::from_millis(1))
    });
    let (body, ..) = feed(get_within_deadline(
        client(),
        server.url("/feed"),
        no_validators(),
    ));
    assert_eq!(body, &FEED.as_bytes()[..20]);
}

#[test]
fn a_body_over_the_limit_fails_whatever_its_length_says() {
    let limit = 64 * 1024;
    let exact = Server::start(move |_: &Request| Reply::ok(vec![b'a'; limit]));
    let (body, ..) = feed(small(limit as u64).get(&exact.url("/feed"), &no_validators()));
    assert_eq!(body.len(), limit, "a body of exactly the limit is kept");

    let declared = Server::start(|_: &Request| Reply::ok(vec![b'a'; 1_000_000]));
    let (reason, _) = failure(get_within_deadline(
        small(limit as u64),
        declared.url("/feed"),
        no_validators(),
    ));
    assert_eq!(reason, "the body is larger than 64 KiB");

    let endless = Server::start(|_: &Request| Reply::ok(Vec::new()).endless());
    let (reason, _) = failure(get_within_deadline(
        small(limit as u64),
        endless.url("/feed"),
        no_validators(),
    ));
    assert_eq!(reason, "the body is larger than 64 KiB");
}

#[test]
fn a_gzip_bomb_stops_at_the_limit() {
    let bomb = Arc::new(gzip_zeros(100 * 1024 * 1024));
    assert!(bomb.len() < 200 * 1024, "{} bytes of gzip", bomb.len());
    let served = Arc::clone(&bomb);
    let server = Server::start(move |_: &Request| {
        Reply::ok(served.to_vec()).header("Content-Encoding", "gzip")
    });
    let (reason, _) = failure(get_within_deadline(
        small(64 * 1024),
        server.url("/feed"),
        no_validators(),
    ));
    assert_eq!(reason, "the body is larger than 64 KiB");
}

#[test]
fn html_instead_of_a_feed_is_returned_for_the_caller_to_judge() {
    let page = "<!doctype html><html><head><link rel=alternate type=application/rss+xml href=/rss></head></html>";
    let server = Server::start(move |_: &Request| {
        Reply::ok(page).header("Content-Type", "text/html; charset=utf-8")
    });
    match client().get(&server.url("/"), &no_validators()) {
        Outcome::Feed {
            body, content_type, ..
        } => {
            assert_eq!(body, page.as_bytes());
            assert_eq!(content_type.as_deref(), Some("text/html; charset=utf-8"));
        }
        other => panic!("expected the page as a body, got {other:?}"),
    }
}

#[test]
fn tls_to_a_server_that_does_not_speak_it_fails_as_tls() {
    // A plain-HTTP server that answers at once, before the client's TLS hello is read: the
    // client gets HTTP where a TLS record should be.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("https://{}/feed", listener.local_addr().unwrap());
    let plain = std::thread::spawn(move || {
        let (mut stream, _) = listener.accept().unwrap();
        let _ = stream.write_all(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n");
    });
    let (reason, status) = failure(get_within_deadline(client(), url, no_validators()));
    assert_eq!(reason, "TLS: the server does not speak TLS on this port");
    assert_eq!(status, None);
    plain.join().unwrap();
}

#[test]
fn a_certificate_nobody_signed_is_refused() {
    // A real TLS server on 127.0.0.1 with a self-signed certificate for that address: the
    // handshake is sound, but no authority the system trusts vouches for it.
    let certified = rcgen::generate_simple_self_signed(vec!["127.0.0.1".to_owned()]).unwrap();
    let key = rustls::pki_types::PrivateKeyDer::Pkcs8(certified.signing_key.serialize_der().into());
    let config = rustls::ServerConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .unwrap()
    .with_no_client_auth()
    .with_single_cert(vec![certified.cert.der().clone()], key)
    .unwrap();
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("https://{}/feed", listener.local_addr().unwrap());
    let tls = std::thread::spawn(move || {
        let (mut stream, _) = listener.accept().unwrap();
        let mut connection = rustls::ServerConnection::new(Arc::new(config)).unwrap();
        // The client's alert ends the handshake here: the server never sees a request.
        while connection.is_handshaking() {
            if connection.complete_io(&mut stream).is_err() {
                break;
            }
        }
    });
    let (reason, status) = failure(get_within_deadline(client(), url, no_validators()));
    assert_eq!(
        reason,
        "TLS: the certificate is not signed by a trusted authority"
    );
    assert_eq!(status, None);
    tls.join().unwrap();
}

#[test]
fn one_client_serves_many_threads_at_once() {
    let served = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&served);
    let server = Server::start(move |request: &Request| {
        counter.fetch_add(1, Ordering::SeqCst);
        Reply::ok(request.path.clone())
    });
    let client = client();
    std::thread::scope(|scope| {
        let fetches: Vec<_> = (0..8)
            .map(|i| {
                let (client, url) = (&client, server.url(&format!("/feed/{i}")));
                scope.spawn(move || client.get(&url, &Validators::default()))
            })
            .collect();
        for (i, fetch) in fetches.into_iter().enumerate() {
            let (body, ..) = feed(fetch.join().unwrap());
            assert_eq!(body, format!("/feed/{i}").as_bytes());
        }
    });
    assert_eq!(served.load(Ordering::SeqCst), 8);
}
