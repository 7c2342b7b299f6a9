//! `herald fetch`: one line per feed on standard output, a progress line on standard error
//! while it runs (only on a terminal: piped, it would be noise in a log).

use std::io::{self, IsTerminal, Write};
use std::process::ExitCode;

use crate::produce::fetch::{self, http::Limits};

/// Fetches, prints the report, and returns the exit code: 0 when no feed failed.
pub fn run(
    places: &fetch::Places,
    only: &[String],
    force: bool,
    limits: Limits,
    out: &mut impl Write,
) -> io::Result<ExitCode> {
    let live = io::stderr().is_terminal();
    let progress = |done: usize, total: usize| {
        if live {
            // `\r` and erase-line: the line is rewritten in place, and cleared at the end.
            let _ = write!(io::stderr(), "\r\x1b[2KFetching {done} of {total}");
        }
    };
    if live {
        let _ = write!(io::stderr(), "Fetching...");
    }
    let fetched = fetch::fetch(places, only, force, limits, &progress);
    if live {
        let _ = write!(io::stderr(), "\r\x1b[2K");
    }
    let fetched = match fetched {
        Ok(fetched) => fetched,
        Err(problem) => {
            eprintln!("herald: {problem}");
            return Ok(ExitCode::FAILURE);
        }
    };
    for problem in &fetched.problems {
        eprintln!("herald: {problem}");
    }
    for name in &fetched.unknown {
        eprintln!(
            "herald: no feed is called or has the URL {:?} (herald feeds list shows them)",
            crate::text::sanitize_line(name)
        );
    }
    if fetched.reports.is_empty() && fetched.unknown.is_empty() {
        writeln!(
            out,
            "No feeds yet: herald feeds add URL subscribes to one, herald feeds import FILE.opml to many."
        )?;
    }
    for report in &fetched.reports {
        // Names and URLs come from feeds.toml and servers' redirects: shown as plain text.
        writeln!(out, "{}", crate::text::sanitize_line(&report.line()))?;
    }
    let failed = fetched.failed() > 0 || !fetched.unknown.is_empty();
    Ok(if failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    })
}

/// What `herald feeds list` says of a feed's fetching: the last result and when, and when it
/// is next due (or the server's own time, when it asked for one). None: never fetched.
pub fn status(
    schedule: &fetch::schedule::Schedule,
    feed: &crate::produce::feeds::Feed,
) -> Option<String> {
    let state = schedule.feeds.get(&feed.url)?;
    let clock = fetch::run::clock;
    let mut parts = Vec::new();
    if let (Some(result), Some(at)) = (&state.last_result, state.last_attempt) {
        parts.push(format!("last: {result} at {}", clock(at)));
    }
    let now = fetch::run::now_secs();
    match (state.retry_after.filter(|&t| t > now), state.next_due) {
        (Some(until), _) => parts.push(format!(
            "next: not before {} (the server asked)",
            clock(until)
        )),
        (None, Some(due)) if due > now => parts.push(format!("next: {}", clock(due))),
        (None, Some(_)) => parts.push("next: due now".to_owned()),
        (None, None) => {}
    }
    (!parts.is_empty()).then(|| crate::text::sanitize_line(&parts.join("; ")).into_owned())
}
