//! One fetch run: which feeds are due, fetching them in parallel (a small global limit, and one
//! connection per host at a time, so no server sees Herald twice at once), writing each into
//! its store through the import merge (by id, atomic, locked, marks kept), and remembering
//! what the servers said for next time.

use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Condvar, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use super::http::{Client, Limits, Outcome, Validators};
use super::schedule::{FeedState, Schedule};
use crate::produce::feeds::{Feed, Subscriptions};
use crate::produce::import::{self, ImportError, Overrides, Retention};

/// At most this many feeds are fetched at once.
pub const PARALLEL: usize = 8;
/// The longest Herald's own backoff makes a failing feed wait.
const MAX_BACKOFF: Duration = Duration::from_secs(24 * 3600);

/// What to fetch.
pub struct Request<'a> {
    /// Ignore Herald's own schedule (never a server's `Retry-After`).
    pub force: bool,
    pub limits: Limits,
    /// The reader's marks, to keep unread and starred articles when trimming.
    pub marks: Option<&'a crate::engine::state::Marks>,
}

/// How one feed went.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FeedOutcome {
    Fetched {
        added: usize,
        updated: usize,
        dropped: usize,
        /// What the import warned about (items skipped, dates not understood), each naming
        /// the feed's URL, line and column.
        warnings: Vec<String>,
    },
    NotModified,
    /// Herald's own schedule says not yet (unix seconds).
    NotDue(u64),
    /// The server said not before (unix seconds).
    Waiting(u64),
    Failed(String),
}

/// One line of the run's report.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FeedReport {
    pub name: String,
    pub url: String,
    pub outcome: FeedOutcome,
    /// A permanent redirect moved the subscription here.
    pub moved_to: Option<String>,
}

impl FeedReport {
    pub fn failed(&self) -> bool {
        matches!(self.outcome, FeedOutcome::Failed(_))
    }

    /// `new 12`, `not modified`, `waiting until 14:05 UTC (the server asked)`, `error: ...`.
    pub fn said(&self) -> String {
        let mut text = match &self.outcome {
            FeedOutcome::Fetched {
                added,
                updated,
                dropped,
                warnings,
            } => {
                let mut text = format!("new {added}");
                if *updated > 0 {
                    text.push_str(&format!(", updated {updated}"));
                }
                if *dropped > 0 {
                    text.push_str(&format!(", {dropped} old dropped"));
                }
                // Never a silent zero: what was skipped is said, the first reason in full.
                match warnings.as_slice() {
                    [] => {}
                    [only] => text.push_str(&format!("; warning: {only}")),
                    [first, rest @ ..] => text.push_str(&format!(
                        "; {} warnings, the first: {first}",
                        rest.len() + 1
                    )),
                }
                text
            }
            FeedOutcome::NotModified => "not modified".to_owned(),
            FeedOutcome::NotDue(at) => format!("not due until {}", clock(*at)),
            FeedOutcome::Waiting(at) => format!("waiting until {} (the server asked)", clock(*at)),
            FeedOutcome::Failed(reason) => format!("error: {reason}"),
        };
        if let Some(to) = &self.moved_to {
            text.push_str(&format!(" (moved permanently to {to}; feeds.toml updated)"));
        }
        text
    }

    /// `Name: new 12`
    pub fn line(&self) -> String {
        format!("{}: {}", self.name, self.said())
    }
}

pub fn now_secs() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

/// `14:05 UTC` today, `2026-12-03 14:05 UTC` another day.
pub fn clock(at: u64) -> String {
    let day = at / 86_400;
    let (hour, minute) = ((at % 86_400) / 3600, (at % 3600) / 60);
    if day == now_secs() / 86_400 {
        format!("{hour:02}:{minute:02} UTC")
    } else {
        format!("{} {hour:02}:{minute:02} UTC", civil_date(day as i64))
    }
}

/// `YYYY-MM-DD` of a day number since 1970-01-01.
fn civil_date(days: i64) -> String {
    let (year, month, day) = crate::text::date::civil_from_days(days);
    format!("{year:04}-{month:02}-{day:02}")
}

/// The feeds `only` names (by name or URL), or every feed; with the names that matched none.
pub fn select<'a>(
    subscriptions: &'a Subscriptions,
    only: &[String],
) -> (Vec<&'a Feed>, Vec<String>) {
    if only.is_empty() {
        return (subscriptions.feeds.iter().collect(), Vec::new());
    }
    let mut chosen = Vec::new();
    let mut unknown = Vec::new();
    for wanted in only {
        let found: Vec<&Feed> = subscriptions
            .feeds
            .iter()
            .filter(|f| f.name == *wanted || f.url == *wanted)
            .collect();
        if found.is_empty() {
            unknown.push(wanted.clone());
        }
        for feed in found {
            if !chosen.iter().any(|c: &&Feed| c.url == feed.url) {
                chosen.push(feed);
            }
        }
    }
    (chosen, unknown)
}

fn host_of(url: &str) -> String {
    let rest = url.split_once("://").map_or(url, |(_, rest)| rest);
    let authority = rest.split(['/', '?', '#']).next().unwrap_or(rest);
    authority
        .rsplit_once('@')
        .map_or(authority, |(_, host)| host)
        .to_ascii_lowercase()
}

/// Fetches the chosen feeds; `progress(done, total)` after each. The schedule is updated in
/// memory; the caller saves it.
pub fn fetch(
    request: &Request<'_>,
    feeds: &[&Feed],
    schedule: &mut Schedule,
    progress: &(dyn Fn(usize, usize) + Sync),
) -> Vec<FeedReport> {
    let now = now_secs();
    let client = Client::new(request.limits);
    // Feeds by host: each host is asked one thing at a time (see `Queue`).
    let mut by_host: BTreeMap<String, VecDeque<Job<'_>>> = BTreeMap::new();
    let mut reports: Vec<Option<FeedReport>> = vec![None; feeds.len()];
    let mut due = 0;
    for (i, feed) in feeds.iter().enumerate() {
        let state = schedule.get(&feed.url);
        if let Some(until) = state.retry_after.filter(|&until| until > now) {
            reports[i] = Some(report(feed, FeedOutcome::Waiting(until)));
            continue;
        }
        if !request.force
            && let Some(until) = state.next_due.filter(|&until| until > now)
        {
            reports[i] = Some(report(feed, FeedOutcome::NotDue(until)));
            continue;
        }
        due += 1;
        by_host
            .entry(host_of(&feed.url))
            .or_default()
            .push_back((i, feed, state));
    }
    let total = due;
    let done = AtomicUsize::new(0);
    let queue = Queue {
        work: Mutex::new(Work {
            hosts: by_host,
            busy: BTreeSet::new(),
        }),
        changed: Condvar::new(),
    };
    let results = Mutex::new(Vec::new());
    let workers = PARALLEL.min(total).max(1);
    std::thread::scope(|scope| {
        for _ in 0..workers {
            scope.spawn(|| {
                while let Some((host, (i, feed, state))) = queue.take() {
                    let (report, state) = fetch_one(&client, request, feed, state);
                    queue.release(&host);
                    if let Ok(mut results) = results.lock() {
                        results.push((i, report, state));
                    }
                    progress(done.fetch_add(1, Ordering::SeqCst) + 1, total);
                }
            });
        }
    });
    for (i, report, state) in results.into_inner().unwrap_or_default() {
        let url = feeds[i].url.clone();
        match &report.moved_to {
            Some(to) => {
                schedule.feeds.remove(&url);
                schedule.feeds.insert(to.clone(), state);
            }
            None => {
                schedule.feeds.insert(url, state);
            }
        }
        reports[i] = Some(report);
    }
    reports.into_iter().flatten().collect()
}

/// The feeds left to fetch, by host, and the hosts a worker is talking to now.
struct Work<'a> {
    hosts: BTreeMap<String, VecDeque<Job<'a>>>,
    busy: BTreeSet<String>,
}

type Job<'a> = (usize, &'a Feed, FeedState);

/// Hands out feeds so that every worker is busy while any host is free, and no host is
/// asked two things at once.
struct Queue<'a> {
    work: Mutex<Work<'a>>,
    changed: Condvar,
}

impl<'a> Queue<'a> {
    /// The next feed of a host nobody is talking to, waiting while every host with feeds left
    /// is busy; None when there are no feeds left.
    fn take(&self) -> Option<(String, Job<'a>)> {
        let mut work = self.work.lock().ok()?;
        loop {
            if work.hosts.is_empty() {
                return None;
            }
            // The free host with the most feeds left first: the hosts then finish together,
            // instead of a few long queues running on alone at the end.
            let free = work
                .hosts
                .iter()
                .filter(|(host, _)| !work.busy.contains(*host))
                .max_by_key(|(_, feeds)| feeds.len())
                .map(|(host, _)| host.clone());
            if let Some(host) = free {
                let job = work.hosts.get_mut(&host)?.pop_front()?;
                if work.hosts.get(&host).is_some_and(VecDeque::is_empty) {
                    work.hosts.remove(&host);
                }
                work.busy.insert(host.clone());
                return Some((host, job));
            }
            work = self.changed.wait(work).ok()?;
        }
    }

    /// The worker is done with `host`.
    fn release(&self, host: &str) {
        if let Ok(mut work) = self.work.lock() {
            work.busy.remove(host);
        }
        self.changed.notify_all();
    }
}

fn report(feed: &Feed, outcome: FeedOutcome) -> FeedReport {
    FeedReport {
        name: feed.name.clone(),
        url: feed.url.clone(),
        outcome,
        moved_to: None,
    }
}

/// The next time Herald itself may ask: the feed's interval, or longer if the server said its
/// answer stays fresh longer.
fn next_due(now: u64, feed: &Feed, fresh_for: Option<Duration>) -> u64 {
    let wait = fresh_for.map_or(feed.every, |fresh| fresh.max(feed.every));
    now + wait.as_secs()
}

/// After `failures` failures in a row: the interval doubled each time, at most a day.
fn backoff(now: u64, feed: &Feed, failures: u32) -> u64 {
    let factor = 1u32
        .checked_shl(failures.saturating_sub(1))
        .unwrap_or(u32::MAX);
    let wait = feed.every.saturating_mul(factor).min(MAX_BACKOFF);
    now + wait.as_secs().max(60)
}

fn fetch_one(
    client: &Client,
    request: &Request<'_>,
    feed: &Feed,
    mut state: FeedState,
) -> (FeedReport, FeedState) {
    let validators = Validators {
        etag: state.etag.clone(),
        last_modified: state.last_modified.clone(),
    };
    let outcome = client.get(&feed.url, &validators);
    let now = now_secs();
    state.last_attempt = Some(now);
    let mut moved = None;
    let result = match outcome {
        Outcome::Feed {
            body,
            url,
            moved_to,
            validators,
            fresh_for,
            ..
        } => match store_feed(request, feed, &url, &body) {
            Ok((counts, warnings)) => {
                state.etag = validators.etag;
                state.last_modified = validators.last_modified;
                state.next_due = Some(next_due(now, feed, fresh_for));
                state.retry_after = None;
                state.failures = 0;
                if let Some(to) = moved_to.filter(|to| *to != feed.url) {
                    moved = Some(to);
                }
                FeedOutcome::Fetched {
                    added: counts.added,
                    updated: counts.updated,
                    dropped: counts.dropped,
                    warnings,
                }
            }
            Err(reason) => {
                // The store keeps its last good contents; the validators are not taken, so
                // the next fetch asks for the whole feed again.
                state.failures += 1;
                state.next_due = Some(backoff(now, feed, state.failures));
                FeedOutcome::Failed(reason)
            }
        },
        Outcome::NotModified {
            validators,
            fresh_for,
        } => {
            if validators.etag.is_some() {
                state.etag = validators.etag;
            }
            if validators.last_modified.is_some() {
                state.last_modified = validators.last_modified;
            }
            state.next_due = Some(next_due(now, feed, fresh_for));
            state.retry_after = None;
            state.failures = 0;
            FeedOutcome::NotModified
        }
        Outcome::RetryLater { reason, after, .. } => {
            state.failures += 1;
            let asked = after
                .and_then(|t| t.duration_since(UNIX_EPOCH).ok())
                .map(|d| d.as_secs());
            match asked.filter(|&until| until > now) {
                Some(until) => {
                    state.retry_after = Some(until);
                    state.next_due = Some(until.max(backoff(now, feed, state.failures)));
                    FeedOutcome::Waiting(until)
                }
                None => {
                    state.next_due = Some(backoff(now, feed, state.failures));
                    FeedOutcome::Failed(reason)
                }
            }
        }
        Outcome::Failed { reason, .. } => {
            state.failures += 1;
            state.next_due = Some(backoff(now, feed, state.failures));
            FeedOutcome::Failed(reason)
        }
    };
    state.last_ok = !matches!(result, FeedOutcome::Failed(_));
    let report = FeedReport {
        name: feed.name.clone(),
        url: feed.url.clone(),
        moved_to: moved,
        outcome: result,
    };
    state.last_result = Some(report.said());
    (report, state)
}

/// Writes a fetched feed into its store: parsed as `herald import` parses, merged by id,
/// trimmed to the feed's `keep`, replaced atomically under the store's lock.
fn store_feed(
    request: &Request<'_>,
    feed: &Feed,
    url: &str,
    body: &[u8],
) -> Result<(import::merge::Counts, Vec<String>), String> {
    if let Some(dir) = feed.store.parent() {
        std::fs::create_dir_all(dir)
            .map_err(|e| format!("cannot make the store's folder {}: {e}", dir.display()))?;
    }
    let overrides = Overrides {
        name: Some(feed.name.clone()),
        ..Overrides::default()
    };
    let marks = request.marks;
    let may_drop = |store: &str, id: &str| {
        marks.is_some_and(|m| m.is_read(store, id) && !m.is_starred(store, id))
    };
    let retention = Retention {
        keep: feed.keep,
        may_drop: &may_drop,
    };
    match import::import_bytes(url, body, &feed.store, &overrides, Some(&retention)) {
        Ok(report) => Ok((report.counts, report.warnings)),
        Err(ImportError::Unrecognised { reason, .. }) => Err(format!("not a feed: {reason}")),
        Err(error) => Err(error.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn feed(url: &str, every: u64) -> Feed {
        Feed {
            url: url.to_owned(),
            name: url.to_owned(),
            store: std::path::PathBuf::from("/tmp/x.json"),
            tags: Vec::new(),
            every: Duration::from_secs(every),
            keep: 1000,
            line: 1,
            breaking: Vec::new(),
        }
    }

    #[test]
    fn hosts_are_told_apart_by_name_and_port_only() {
        assert_eq!(
            host_of("https://User@Example.org:8080/a?b"),
            "example.org:8080"
        );
        assert_eq!(host_of("http://example.org/feed"), "example.org");
        assert_ne!(
            host_of("http://127.0.0.1:1/a"),
            host_of("http://127.0.0.2:1/a")
        );
    }

    #[test]
    fn the_schedule_waits_the_interval_or_longer_and_backs_off_to_a_day() {
        let f = feed("http://a/", 3600);
        assert_eq!(next_due(1000, &f, None), 4600);
        assert_eq!(next_due(1000, &f, Some(Duration::from_secs(60))), 4600);
        assert_eq!(next_due(1000, &f, Some(Duration::from_secs(7200))), 8200);
        assert_eq!(backoff(0, &f, 1), 3600);
        assert_eq!(backoff(0, &f, 2), 7200);
        assert_eq!(backoff(0, &f, 40), 24 * 3600, "at most a day");
    }

    #[test]
    fn dates_and_times_are_said_in_utc() {
        assert_eq!(civil_date(0), "1970-01-01");
        assert_eq!(civil_date(20_454), "2026-01-01");
        let today = now_secs() / 86_400 * 86_400;
        assert_eq!(clock(today + 14 * 3600 + 5 * 60), "14:05 UTC");
        assert_eq!(clock(86_400 + 60), "1970-01-02 00:01 UTC");
    }

    #[test]
    fn the_queue_never_gives_one_host_twice_at_once_and_drains_the_longest_first() {
        let (a1, a2, b1) = (
            feed("http://a/1", 1),
            feed("http://a/2", 1),
            feed("http://b/1", 1),
        );
        let mut hosts: BTreeMap<String, VecDeque<Job<'_>>> = BTreeMap::new();
        for (i, f) in [&a1, &a2, &b1].into_iter().enumerate() {
            hosts
                .entry(host_of(&f.url))
                .or_default()
                .push_back((i, f, FeedState::default()));
        }
        let queue = Queue {
            work: Mutex::new(Work {
                hosts,
                busy: BTreeSet::new(),
            }),
            changed: Condvar::new(),
        };
        let (first, _) = queue.take().unwrap();
        assert_eq!(first, "a", "the host with the most feeds left");
        let (second, _) = queue.take().unwrap();
        assert_eq!(second, "b", "a is busy");
        queue.release("a");
        let (third, job) = queue.take().unwrap();
        assert_eq!((third.as_str(), job.0), ("a", 1));
        queue.release("a");
        queue.release("b");
        assert!(queue.take().is_none(), "nothing left");
    }
}
