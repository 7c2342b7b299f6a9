//! Links without a shell: `o` hands the link to the opener as one argument, and only web and
//! mail links are handed over at all.

use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::time::{Duration, Instant};

use herald::app::{Action, App, Effect, MessageKind, is_openable};
use herald::engine::opener::spawn as spawn_opener;
use herald::engine::runtime::Job;
use herald::engine::state::Marks;
use herald::engine::store::StoreSource;
use herald::engine::{Library, Stores};

use crate::reader::support::{act, act_all, options};

const DEADLINE: Duration = Duration::from_secs(20);

/// An opener that records its arguments (count, then each one NUL-terminated) and nothing else.
fn recording_opener(dir: &Path) -> std::path::PathBuf {
    let script = dir.join("opener");
    let record = dir.join("argv");
    std::fs::write(
        &script,
        format!(
            "#!/bin/sh\n{{ printf '%s\\n' \"$#\"; printf '%s\\0' \"$@\"; }} > '{0}.tmp'\nmv '{0}.tmp' '{0}'\n",
            record.display()
        ),
    )
    .unwrap();
    std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).unwrap();
    script
}

fn wait_for(path: &Path) -> Vec<u8> {
    let end = Instant::now() + DEADLINE;
    loop {
        if let Ok(bytes) = std::fs::read(path) {
            return bytes;
        }
        assert!(Instant::now() < end, "the opener never ran");
        std::thread::sleep(Duration::from_millis(10));
    }
}

#[test]
fn the_link_reaches_the_opener_as_one_unchanged_argument_and_nothing_else_runs() {
    let dir = tempfile::tempdir().unwrap();
    let opener = recording_opener(dir.path());
    let pwned = dir.path().join("pwned");
    let p = pwned.display();
    let urls = [
        "https://a.example/q?x=\"quoted\"&y='single'".to_owned(),
        "https://a.example/with spaces/and  two".to_owned(),
        format!("https://a.example/$(touch {p})"),
        format!("https://a.example/`touch {p}`"),
        format!("https://a.example/;touch {p};"),
        format!("https://a.example/|touch {p} && touch {p} > {p}"),
        "mailto:x@example.com?subject=$(id)".to_owned(),
    ];
    for url in &urls {
        let record = dir.path().join("argv");
        let _ = std::fs::remove_file(&record);
        spawn_opener(&[opener.to_string_lossy().into_owned()], url).unwrap();
        let got = wait_for(&record);
        let expected = format!("1\n{url}\0");
        assert_eq!(String::from_utf8_lossy(&got), expected);
        assert!(!pwned.exists(), "{url} ran something");
    }
}

/// `opener = "... --new-tab"` in the config file: the words before the link are the
/// configured ones, each one argument, and the link comes last (it once failed at the first
/// `o`: the whole string was taken as a program name).
#[test]
fn a_configured_opener_with_arguments_gets_them_before_the_link() {
    let dir = tempfile::tempdir().unwrap();
    let opener = recording_opener(dir.path());
    let text = format!(
        "opener = \"'{}' --new-tab --name 'My Window'\"\n",
        opener.display()
    );
    let loaded = herald::config::parse(&text, "config.toml", &dir.path().join("config.toml"));
    assert!(loaded.problems.is_empty(), "{:?}", loaded.problems);
    let argv = loaded.config.opener.expect("an opener");
    spawn_opener(&argv, "https://a.example/story").unwrap();
    let got = wait_for(&dir.path().join("argv"));
    assert_eq!(
        String::from_utf8_lossy(&got),
        "4\n--new-tab\0--name\0My Window\0https://a.example/story\0"
    );
}

#[test]
fn a_missing_opener_is_an_error_not_a_hang() {
    let opener = ["/nonexistent/herald-opener".to_owned()];
    let error = spawn_opener(&opener, "https://a.example/").unwrap_err();
    assert!(
        error.to_string().contains("/nonexistent/herald-opener"),
        "{error}"
    );
}

#[test]
fn only_web_and_mail_links_are_openable() {
    for url in [
        "https://example.com/a",
        "http://example.com",
        "HTTPS://EXAMPLE.COM",
        "mailto:a@example.com",
    ] {
        assert!(is_openable(url), "{url}");
    }
    for url in [
        "javascript:alert(1)",
        "file:///etc/passwd",
        "ssh://host",
        "-h",
        "--help",
        "https://",
        "",
        "x-scheme-handler://run",
        "https://a.example/\nrm -rf",
        "https://a.example/\u{1b}]52;c;AAAA\u{7}",
    ] {
        assert!(!is_openable(url), "{url:?}");
    }
}

fn store_with_links(dir: &Path, links: &[&str]) -> Library {
    let articles: Vec<String> = links
        .iter()
        .enumerate()
        .map(|(i, url)| {
            format!(
                "{{\"id\": \"l{i}\", \"title\": \"Link {i}\", \"published\": \"2020-01-{:02}\", \"url\": {}}}",
                30 - i,
                serde_json::to_string(url).unwrap()
            )
        })
        .collect();
    let path = dir.join("links.json");
    std::fs::write(
        &path,
        format!(
            "{{\"name\": \"Links\", \"articles\": [{}]}}",
            articles.join(",")
        ),
    )
    .unwrap();
    Stores::new(vec![StoreSource::Path(path)])
        .with_cache(None)
        .open()
}

#[test]
fn the_o_key_opens_web_links_and_refuses_the_rest_with_a_message() {
    let dir = tempfile::tempdir().unwrap();
    let library = store_with_links(
        dir.path(),
        &[
            "https://a.example/$(id)",
            "javascript:alert(1)",
            "https://a.example/line\nbreak;touch x",
        ],
    );
    let mut app = App::new(library, Marks::default(), options(), (100, 30), Vec::new());
    let effects = act_all(&mut app, Action::OpenLink);
    assert!(effects.contains(&Effect::Job(Job::OpenLink(
        "https://a.example/$(id)".into()
    ))));

    act(&mut app, Action::Down);
    let effects = act_all(&mut app, Action::OpenLink);
    assert!(
        !effects
            .iter()
            .any(|e| matches!(e, Effect::Job(Job::OpenLink(_))))
    );
    let message = app.message().expect("refused");
    assert_eq!(message.kind, MessageKind::Error);
    assert!(
        message.text.contains("only http, https and mailto"),
        "{}",
        message.text
    );

    // A newline cannot survive the loader: the link reaches the opener with it made a space
    // (or removed), still as one argument, and the shell words after it are just text.
    act(&mut app, Action::Down);
    let url =
        herald::engine::article::read::article(app.library(), app.selected_article().unwrap())
            .detail
            .url
            .clone()
            .unwrap();
    assert!(!url.contains('\n'), "{url:?}");
    let effects = act_all(&mut app, Action::OpenLink);
    let opened: Vec<&Effect> = effects
        .iter()
        .filter(|e| matches!(e, Effect::Job(Job::OpenLink(_))))
        .collect();
    assert_eq!(
        opened,
        [&Effect::Job(Job::OpenLink(url.clone()))],
        "{url:?}"
    );
}
