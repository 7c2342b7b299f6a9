//! Fetching subscribed feeds into their stores: [`http`] asks one server as a good citizen
//! does (conditional requests with the exact validators, `Retry-After`, bounded time and
//! size), [`schedule`] remembers what each server said, and [`run`] fetches the due feeds in
//! parallel, one connection per host, and merges each into its store as `herald import` does.
//! The reader watches the stores, so what a fetch writes appears on screen by itself.

pub mod http;
pub mod run;
pub mod schedule;

use std::path::PathBuf;

pub use run::{FeedOutcome, FeedReport};

/// What a whole fetch run did.
#[derive(Debug, Default)]
pub struct Fetched {
    /// One per feed asked for, in the subscriptions' order.
    pub reports: Vec<FeedReport>,
    /// Names or URLs given that no feed has.
    pub unknown: Vec<String>,
    /// Things to tell the user that are not about one feed (a schedule file that could not be
    /// read, a moved feed whose new URL could not be written into feeds.toml).
    pub problems: Vec<String>,
}

impl Fetched {
    pub fn failed(&self) -> usize {
        self.reports.iter().filter(|r| r.failed()).count()
    }

    /// New articles in all.
    pub fn added(&self) -> usize {
        self.reports
            .iter()
            .map(|r| match r.outcome {
                FeedOutcome::Fetched { added, .. } => added,
                _ => 0,
            })
            .sum()
    }

    /// One line for a status bar or plain mode: `Fetched 40 feeds: 12 new articles; 2 failed.`
    pub fn summary(&self) -> String {
        let asked = self
            .reports
            .iter()
            .filter(|r| !matches!(r.outcome, FeedOutcome::NotDue(_)))
            .count();
        if asked == 0 {
            return match self.reports.len() {
                0 => "No feeds to fetch (herald feeds add URL subscribes to one)".to_owned(),
                _ => "No feed is due yet (R fetches them all anyway)".to_owned(),
            };
        }
        let feeds = if asked == 1 { "feed" } else { "feeds" };
        let added = self.added();
        let articles = if added == 1 { "article" } else { "articles" };
        let mut line = format!("Fetched {asked} {feeds}: {added} new {articles}");
        let failed: Vec<&FeedReport> = self.reports.iter().filter(|r| r.failed()).collect();
        if !failed.is_empty() {
            // Which failed and why, where the reader is looking: the first few in full.
            let named: Vec<String> = failed
                .iter()
                .take(3)
                .map(|r| match &r.outcome {
                    FeedOutcome::Failed(reason) => format!("{} ({reason})", r.name),
                    _ => r.name.clone(),
                })
                .collect();
            line.push_str(&format!("; failed: {}", named.join(", ")));
            if failed.len() > 3 {
                line.push_str(&format!(
                    " and {} more (herald feeds list says why)",
                    failed.len() - 3
                ));
            }
        }
        line
    }
}

/// Where the subscriptions and the schedule are.
pub struct Places {
    pub feeds: PathBuf,
    pub schedule: Option<PathBuf>,
    pub state: Option<PathBuf>,
}

impl Places {
    /// The user's own: `feeds.toml` beside the config, the schedule and marks in the data
    /// folder.
    pub fn default_for(feeds: PathBuf) -> Self {
        Self {
            feeds,
            schedule: schedule::default_path(),
            state: crate::engine::state::file::default_path(),
        }
    }
}

/// Fetches the feeds in `only` (names or URLs; none: all) that are due (`force`: all of them,
/// but never before a server's `Retry-After`), writes them into their stores, and remembers
/// what the servers said. `progress(done, total)` after each feed. `Err` when the run could
/// not start at all (another run holds the lock).
pub fn fetch(
    places: &Places,
    only: &[String],
    force: bool,
    limits: http::Limits,
    progress: &(dyn Fn(usize, usize) + Sync),
) -> Result<Fetched, String> {
    let _lock = match &places.schedule {
        Some(path) => Some(schedule::lock(path)?),
        None => None,
    };
    let subscriptions = crate::produce::feeds::load(&places.feeds);
    let mut fetched = Fetched {
        problems: subscriptions.problems.clone(),
        ..Fetched::default()
    };
    let (mut schedule, problem) = schedule::Schedule::load(places.schedule.clone());
    fetched.problems.extend(problem);
    // Read and starred marks, so trimming a store to its `keep` never drops what the reader
    // still needs. Read only: a fetch never writes the reader's state.
    let marks = places
        .state
        .as_deref()
        .map(crate::engine::state::file::peek);
    let (feeds, unknown) = run::select(&subscriptions, only);
    fetched.unknown = unknown;
    let request = run::Request {
        force,
        limits,
        marks: marks.as_ref(),
    };
    fetched.reports = run::fetch(&request, &feeds, &mut schedule, progress);
    for report in &fetched.reports {
        if let Some(to) = &report.moved_to
            && let Err(problem) = crate::produce::feeds::replace_url(&places.feeds, &report.url, to)
        {
            fetched.problems.push(format!(
                "{} moved permanently to {to}, but feeds.toml could not be updated: {problem}",
                report.url
            ));
        }
    }
    if let Err(error) = schedule.save() {
        fetched.problems.push(format!(
            "the fetch schedule could not be saved ({error}); the next fetch will not send \
             the validators just received"
        ));
    }
    Ok(fetched)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn report(name: &str, outcome: FeedOutcome) -> FeedReport {
        FeedReport {
            name: name.to_owned(),
            url: format!("http://example.org/{name}"),
            outcome,
            moved_to: None,
        }
    }

    #[test]
    fn the_summary_says_what_came_and_which_failed_and_why() {
        let fetched = Fetched {
            reports: vec![
                report(
                    "A",
                    FeedOutcome::Fetched {
                        added: 3,
                        updated: 0,
                        dropped: 0,
                        warnings: Vec::new(),
                    },
                ),
                report("B", FeedOutcome::NotModified),
                report("C", FeedOutcome::Failed("404 Not Found".into())),
                report("D", FeedOutcome::NotDue(0)),
            ],
            ..Fetched::default()
        };
        assert_eq!(
            fetched.summary(),
            "Fetched 3 feeds: 3 new articles; failed: C (404 Not Found)"
        );
        let nothing_due = Fetched {
            reports: vec![report("D", FeedOutcome::NotDue(0))],
            ..Fetched::default()
        };
        assert!(nothing_due.summary().starts_with("No feed is due yet"));
        assert!(
            Fetched::default()
                .summary()
                .starts_with("No feeds to fetch")
        );
    }
}
