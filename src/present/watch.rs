//! `herald watch`: no screen, one line per article that arrives while it runs (breaking news
//! only, unless `--all`), for a tmux status line, a second terminal read by a screen reader, or
//! a pipe to a speech synthesizer. `--json` prints `herald list --json` records instead,
//! `--notify` also sends the reader's desktop notification, `--fetch` fetches the subscribed
//! feeds as their schedule comes due.
//!
//! One channel brings everything (store changes from the watcher, signals, the output pipe
//! closing, a fetch's end) and the loop blocks on it: idle means no wake-up at all. The only
//! deadlines are a notification's due time and the next feed's due time, both known in
//! advance. Nothing already in the stores at start is printed: only what a reload finds that
//! the previous library did not have.
//!
//! Every line is store text, which the library sanitised at load; it is sanitised again here
//! as it is written, and JSON escapes every control character, so no escape byte is printed.

use std::fs::File;
use std::io::{self, Write};
use std::process::ExitCode;
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
use std::time::{Duration, Instant};

use crate::config::FileConfig;
use crate::engine::state::Marks;
use crate::engine::{ArticleIndex, Library, Progress, Stores};
use crate::present::notify::{Notifier, Setting};
use crate::produce::fetch::{Fetched, Places};
use crate::text::date::Published;

/// What `herald watch` was asked for.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Options {
    /// Every new article, not only breaking news.
    pub all: bool,
    /// JSON Lines instead of text.
    pub json: bool,
    /// Desktop notifications of breaking arrivals, on the controlling terminal.
    pub notify: bool,
    /// Fetch the subscribed feeds on their schedule.
    pub fetch: bool,
}

/// What the loop waits for.
#[derive(Debug)]
enum Event {
    StoresChanged,
    /// SIGINT, SIGTERM or SIGHUP.
    Signal,
    /// Nobody reads standard output any more (`herald watch | head -1`, head has exited).
    OutputClosed,
    /// A fetch run ended (Err: it could not start, e.g. another run holds the lock).
    Fetched(Result<Fetched, String>),
}

/// After a signal, a fetch that is writing a store gets this long to finish (its writes are
/// atomic either way; this only spares a fetch that is about to land).
const FETCH_GRACE: Duration = Duration::from_secs(3);
/// After a signal, the process ends by this time whatever the loop is doing (a write to a
/// pipe nobody drains can block for ever).
const EXIT_GRACE: Duration = Duration::from_secs(5);
/// Fetch runs start at least this far apart, whatever the schedule file says: a schedule that
/// could not be saved, or a run that could not take the lock, must not make a busy loop.
pub const MIN_FETCH_GAP: Duration = Duration::from_secs(60);

/// The articles of `new` that `old` did not have, oldest first (so the last line printed is
/// the newest). Which of them are breaking is each headline's `breaking`, judged at load as
/// everywhere else, freshness included: these with that filter are
/// [`crate::engine::stores::arrivals`].
pub fn arrived(old: &Library, new: &Library) -> Vec<ArticleIndex> {
    let mut found: Vec<ArticleIndex> = new
        .newest_first()
        .iter()
        .copied()
        .filter(|&i| {
            let headline = new.headline(i);
            old.find(&new.store(headline.store).name, headline.id)
                .is_none()
        })
        .collect();
    found.reverse();
    found
}

/// Articles that were in the stores while watch ran and then went: a scraper's `rm -rf out &&
/// mkdir out` seen half-way, a store trimmed. When one comes back it is not news, and printing
/// it again would read a whole store out loud.
#[derive(Debug, Default)]
pub struct Gone(std::collections::HashSet<(String, String)>);

impl Gone {
    /// Notes what `old` had that `new` lacks; `arrived` is how many of `new`'s articles `old`
    /// did not have. Only when some went is `old` gone through.
    pub fn note(&mut self, old: &Library, new: &Library, arrived: usize) {
        if new.len().saturating_sub(arrived) >= old.len() {
            return;
        }
        for &i in old.newest_first() {
            let headline = old.headline(i);
            let store = &old.store(headline.store).name;
            if new.find(store, headline.id).is_none() {
                self.0.insert((store.clone(), headline.id.to_owned()));
            }
        }
    }

    /// Whether the article at `index` of `library` was there before.
    pub fn had(&self, library: &Library, index: ArticleIndex) -> bool {
        let headline = library.headline(index);
        let key = (
            library.store(headline.store).name.clone(),
            headline.id.to_owned(),
        );
        self.0.contains(&key)
    }
}

/// `YYYY-MM-DD HH:MM` in UTC, or only the date when the store gave only a date (a plain date
/// counts as midnight UTC, and `00:00` would claim a time nobody wrote).
pub fn when(published: Published) -> String {
    let days = published.instant.div_euclid(86_400);
    let seconds = published.instant.rem_euclid(86_400);
    let (year, month, day) = crate::text::date::civil_from_days(days);
    let date = format!("{year:04}-{month:02}-{day:02}");
    if seconds == 0 && (year, month, day) == (published.year, published.month, published.day) {
        return date;
    }
    format!("{date} {:02}:{:02}", seconds / 3600, seconds / 60 % 60)
}

/// One text line: `BREAKING 2026-12-03 14:05 Reuters: Title`, or without `BREAKING` for an
/// ordinary article, without the date when there is none. Who is the article's source, else
/// its store's name. Short and in reading order, so a speech synthesizer says it naturally.
pub fn text_line(library: &Library, index: ArticleIndex) -> String {
    let headline = library.headline(index);
    let mut line = String::new();
    if headline.breaking {
        line.push_str("BREAKING ");
    }
    if let Some(published) = headline.published {
        line.push_str(&when(published));
        line.push(' ');
    }
    let who = headline
        .source
        .filter(|s| !s.trim().is_empty())
        .unwrap_or(&library.store(headline.store).name);
    let who = crate::text::sanitize_line(who);
    let title = crate::text::sanitize_line(headline.title);
    let title = if title.is_empty() {
        "(untitled)"
    } else {
        &title
    };
    line.push_str(&format!("{who}: {title}"));
    line
}

/// Writes one line per article of `which`, as text or JSON, then flushes: each batch reaches
/// the reader at once, whatever buffers the output.
fn print(
    library: &Library,
    which: &[ArticleIndex],
    json: bool,
    out: &mut impl Write,
) -> io::Result<()> {
    if which.is_empty() {
        return Ok(());
    }
    // Read now, not at start: marks are only read (watch writes none), and an article that
    // came back may have been read in the reader meanwhile.
    let marks = if json {
        peek_marks()
    } else {
        Marks::in_memory()
    };
    for &index in which {
        if json {
            let article = crate::engine::article::read::article(library, index);
            crate::present::json::write_line(
                out,
                &crate::present::json::Listed::new(&article, &marks),
            )?;
        } else {
            writeln!(out, "{}", text_line(library, index))?;
        }
    }
    out.flush()
}

fn peek_marks() -> Marks {
    crate::engine::state::file::default_path().map_or_else(Marks::in_memory, |path| {
        crate::engine::state::file::peek(&path)
    })
}

/// The earliest time (unix seconds) any of `feeds` may be fetched by its schedule: Herald's
/// own `next_due` and the server's `Retry-After`, whichever is later; 0 for a feed never
/// fetched. None when there are no feeds.
pub fn next_fetch(
    schedule: &crate::produce::fetch::schedule::Schedule,
    feeds: &[crate::produce::feeds::Feed],
) -> Option<u64> {
    feeds
        .iter()
        .map(|feed| {
            let state = schedule.get(&feed.url);
            state
                .next_due
                .unwrap_or(0)
                .max(state.retry_after.unwrap_or(0))
        })
        .min()
}

/// How long to wait before the next fetch run: until `due` (unix seconds, now `now`), and
/// never sooner than [`MIN_FETCH_GAP`] after the last run started (`last`, unix seconds).
pub fn fetch_wait(due: u64, now: u64, last: Option<u64>) -> Duration {
    let floor = last.map_or(0, |last| last.saturating_add(MIN_FETCH_GAP.as_secs()));
    Duration::from_secs(due.max(floor).saturating_sub(now))
}

/// Where fetches come from, while watch runs with `--fetch`.
struct Fetching {
    places: std::sync::Arc<Places>,
    limits: crate::produce::fetch::http::Limits,
    events: Sender<Event>,
    /// When the next run starts (None: one is running, or there is nothing to fetch).
    due: Option<Instant>,
    running: bool,
    /// When the last run started, in unix seconds.
    last_start: Option<u64>,
    /// Whether "no feeds" was said already.
    said_empty: bool,
    /// How many feeds are subscribed, as last read.
    feeds: usize,
}

impl Fetching {
    fn start(&mut self) {
        self.due = None;
        self.running = true;
        self.last_start = Some(crate::produce::fetch::run::now_secs());
        let (places, limits, events) = (self.places.clone(), self.limits, self.events.clone());
        crate::engine::runtime::spawn_background("herald-watch-fetch", move || {
            let fetched = crate::produce::fetch::fetch(&places, &[], false, limits, &|_, _| {});
            let _ = events.send(Event::Fetched(fetched));
        });
    }

    /// Plans the next run from the schedule on disk (which the run just saved, or another
    /// process keeps: `herald fetch` from cron, the reader's `r`).
    fn plan(&mut self, err: &mut impl Write) {
        let (schedule, _) =
            crate::produce::fetch::schedule::Schedule::load(self.places.schedule.clone());
        let feeds = crate::produce::feeds::load(&self.places.feeds).feeds;
        self.feeds = feeds.len();
        let Some(due) = next_fetch(&schedule, &feeds) else {
            if !std::mem::replace(&mut self.said_empty, true) {
                let _ = writeln!(
                    err,
                    "herald: no feeds are subscribed, so --fetch has nothing to fetch \
                     (herald feeds add URL subscribes to one)"
                );
            }
            self.due = None;
            return;
        };
        let now = crate::produce::fetch::run::now_secs();
        self.due = Some(Instant::now() + fetch_wait(due, now, self.last_start));
    }
}

/// Says what went wrong in a fetch run on standard error, one line each; what went well is
/// the articles it lands.
fn report_fetch(fetched: &Result<Fetched, String>, err: &mut impl Write) {
    let lines: Vec<String> = match fetched {
        Ok(fetched) => fetched
            .problems
            .iter()
            .cloned()
            .chain(
                fetched
                    .reports
                    .iter()
                    .filter(|r| r.failed())
                    .map(crate::produce::fetch::FeedReport::line),
            )
            .collect(),
        Err(problem) => vec![format!("could not fetch: {problem}")],
    };
    for line in lines {
        // Names and reasons come from feeds.toml and from servers.
        let _ = writeln!(err, "herald: fetch: {}", crate::text::sanitize_line(&line));
    }
}

/// Desktop notifications and the terminal they go to.
struct Notifying {
    notifier: Notifier<Instant>,
    tty: File,
}

/// The notifier `--notify` asks for, writing to the controlling terminal; None (said once on
/// standard error) when the config turns notifications off, the terminal cannot show them, or
/// there is no terminal. The flag is an explicit ask, so `auto` counts as `on` here (the
/// terminal inside tmux or over ssh is rarely recognised); `notify = "off"` still wins.
fn notifying(config: &FileConfig, err: &mut impl Write) -> Option<Notifying> {
    let mut config = config.clone();
    if config.notify != Some(Setting::Off) {
        config.notify = Some(Setting::On);
    }
    let Some(plan) = config.notifications(|name| std::env::var(name).ok()) else {
        let why = if config.notify == Some(Setting::Off) {
            "notify = \"off\" in the config"
        } else {
            "this terminal (TERM) does not understand them"
        };
        let _ = writeln!(err, "herald: no desktop notifications: {why}");
        return None;
    };
    // Standard output may be a pipe: the notification goes to the terminal itself.
    match std::fs::OpenOptions::new().write(true).open("/dev/tty") {
        Ok(tty) => Some(Notifying {
            notifier: Notifier::new(plan),
            tty,
        }),
        Err(error) => {
            let _ = writeln!(
                err,
                "herald: no desktop notifications: no terminal to send them to (/dev/tty: \
                 {error}); printing only"
            );
            None
        }
    }
}

impl Notifying {
    /// Sends what is due at `now`. A terminal that cannot take it is gone or ignores it; the
    /// lines still print.
    fn send_due(&mut self, now: Instant) {
        if let Some(bytes) = self.notifier.take(now) {
            let _ = self.tty.write_all(&bytes).and_then(|()| self.tty.flush());
        }
    }
}

/// Ends the loop on SIGINT, SIGTERM and SIGHUP; if the loop cannot end by itself in
/// [`EXIT_GRACE`], the process ends anyway, with status 0 (watch keeps no state to lose).
fn spawn_signals(events: Sender<Event>) -> io::Result<()> {
    use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};
    let mut signals = signal_hook::iterator::Signals::new([SIGINT, SIGTERM, SIGHUP])?;
    std::thread::Builder::new()
        .name("herald-watch-signals".into())
        .spawn(move || {
            if signals.forever().next().is_some() {
                let _ = events.send(Event::Signal);
                std::thread::sleep(EXIT_GRACE);
                std::process::exit(0);
            }
        })?;
    Ok(())
}

/// When standard output is a pipe or a socket, waits in the kernel for its reader to go
/// (poll reports POLLERR or POLLHUP without being asked), so `herald watch | head -1` ends as
/// soon as head does, not at the next article. Asking for no events means a pipe that can be
/// written to never wakes it.
fn spawn_output_watch(events: Sender<Event>) -> io::Result<()> {
    use rustix::event::{PollFd, PollFlags, poll};
    use std::os::fd::AsFd;
    let stdout = io::stdout();
    let kind = rustix::fs::fstat(stdout.as_fd())
        .map(|stat| rustix::fs::FileType::from_raw_mode(stat.st_mode))
        .ok();
    if !matches!(
        kind,
        Some(rustix::fs::FileType::Fifo | rustix::fs::FileType::Socket)
    ) {
        return Ok(());
    }
    std::thread::Builder::new()
        .name("herald-watch-output".into())
        .spawn(move || {
            let stdout = io::stdout();
            loop {
                let mut fds = [PollFd::from_borrowed_fd(stdout.as_fd(), PollFlags::empty())];
                match poll(&mut fds, None) {
                    Ok(n) if n > 0 => break,
                    Ok(_) | Err(rustix::io::Errno::INTR) => {}
                    // Nothing to wait on: the write that fails will say so.
                    Err(_) => return,
                }
            }
            let _ = events.send(Event::OutputClosed);
        })?;
    Ok(())
}

/// `herald watch`: prints arrivals on `out` until a signal or a closed output. `library` is
/// the stores as loaded at start (its problems were already reported); nothing in it is
/// printed. Problems later go to `err`.
pub fn run(
    stores: &Stores,
    library: Library,
    options: Options,
    config: &FileConfig,
    out: &mut impl Write,
    err: &mut impl Write,
) -> io::Result<ExitCode> {
    if stores.is_sample() {
        // It never changes: waiting on it would wait for ever, saying nothing.
        let _ = writeln!(
            err,
            "herald: nothing to watch: the sample data built into Herald never changes; name \
             the stores to watch (herald watch PATH...) or subscribe to feeds (herald feeds add)"
        );
        return Ok(ExitCode::FAILURE);
    }
    let (tx, rx) = mpsc::channel();
    spawn_signals(tx.clone())?;
    spawn_output_watch(tx.clone())?;
    let live_tx = tx.clone();
    let live = crate::engine::watch::watch(stores.sources(), move || {
        live_tx.send(Event::StoresChanged).is_ok()
    });
    let _live = match live {
        Ok((live, problems)) => {
            for problem in problems {
                let _ = writeln!(err, "herald: {problem}");
            }
            Some(live)
        }
        Err(error) if options.fetch => {
            let _ = writeln!(
                err,
                "herald: store files cannot be watched for changes ({error}); only fetches \
                 will be seen"
            );
            None
        }
        Err(error) => {
            let _ = writeln!(
                err,
                "herald: store files cannot be watched for changes ({error}), so there is \
                 nothing to watch"
            );
            return Ok(ExitCode::FAILURE);
        }
    };
    let mut notifying = if options.notify {
        notifying(config, err)
    } else {
        None
    };
    let mut fetching = if options.fetch {
        match crate::paths::feeds_file() {
            Some(feeds) => Some(Fetching {
                places: std::sync::Arc::new(Places::default_for(feeds)),
                limits: config.fetch_limits(),
                events: tx.clone(),
                due: Some(Instant::now()),
                running: false,
                last_start: None,
                said_empty: false,
                feeds: 0,
            }),
            None => {
                let _ = writeln!(
                    err,
                    "herald: there is no config folder, so no feeds.toml to fetch from; \
                     watching only"
                );
                None
            }
        }
    } else {
        None
    };
    if let Some(fetching) = fetching.as_mut() {
        fetching.plan(err);
    }
    drop(tx);
    let mut watcher = Watcher {
        stores,
        library,
        options,
        gone: Gone::default(),
    };
    // What was written between the load and the watch starting is an arrival too.
    if let Err(error) = watcher.reload(notifying.as_mut(), out, err) {
        return ended(error);
    }
    // Said once the watch is on, so whoever starts it (a person, a screen reader, a test)
    // knows that what is written from now on will be seen. Standard error: the output stays
    // the articles alone.
    let what = if options.all {
        "new articles"
    } else {
        "breaking news"
    };
    // Before a first fetch there may be no store at all: the feeds are the news to come.
    let fetched = fetching.as_ref().map_or_else(String::new, |f| {
        format!(
            ", fetching {} when due",
            crate::text::count(f.feeds, "feed")
        )
    });
    let _ = writeln!(
        err,
        "herald: watching {} for {what}{fetched}; Ctrl-C stops",
        crate::text::count(watcher.library.stores().len(), "store")
    );
    let outcome = watch_loop(
        &rx,
        &mut watcher,
        notifying.as_mut(),
        fetching.as_mut(),
        out,
        err,
    );
    match outcome {
        Ok(()) => Ok(ExitCode::SUCCESS),
        Err(error) => ended(error),
    }
}

/// A closed output is the end the reader chose, not an error.
fn ended(error: io::Error) -> io::Result<ExitCode> {
    if error.kind() == io::ErrorKind::BrokenPipe {
        Ok(ExitCode::SUCCESS)
    } else {
        Err(error)
    }
}

/// The stores and the library as last read.
struct Watcher<'a> {
    stores: &'a Stores,
    library: Library,
    options: Options,
    gone: Gone,
}

impl Watcher<'_> {
    /// Reads the stores again, says their new problems, prints the arrivals and hands the
    /// breaking ones to the notifier.
    fn reload(
        &mut self,
        notifying: Option<&mut Notifying>,
        out: &mut impl Write,
        err: &mut impl Write,
    ) -> io::Result<()> {
        let new = self
            .stores
            .reload(&self.library, &Progress::default())
            .library;
        // Every problem that was not there before, warnings too (a skipped line is one): a
        // watch has no `herald check` screen to show them later.
        let known: std::collections::HashSet<String> = self
            .library
            .diagnostics()
            .iter()
            .map(ToString::to_string)
            .collect();
        for diagnostic in new.diagnostics() {
            let problem = diagnostic.to_string();
            if !known.contains(&problem) {
                // Already `file:line:column: error: ...`, its text sanitised at load. Here
                // and everywhere in watch, a standard error that cannot be written ends
                // nothing: the lines on standard output are what watch is for.
                let _ = writeln!(err, "{problem}");
            }
        }
        let fresh = arrived(&self.library, &new);
        self.gone.note(&self.library, &new, fresh.len());
        let which: Vec<ArticleIndex> = fresh
            .into_iter()
            .filter(|&i| self.options.all || new.headline(i).breaking)
            .filter(|&i| !self.gone.had(&new, i))
            .collect();
        print(&new, &which, self.options.json, out)?;
        if let Some(notifying) = notifying {
            let titles: Vec<String> = which
                .iter()
                .rev()
                .map(|&i| new.headline(i))
                .filter(|h| h.breaking)
                .map(|h| h.title.to_owned())
                .collect();
            notifying.notifier.arrive(&titles, Instant::now());
        }
        self.library = new;
        Ok(())
    }
}

fn watch_loop(
    rx: &Receiver<Event>,
    watcher: &mut Watcher<'_>,
    mut notifying: Option<&mut Notifying>,
    mut fetching: Option<&mut Fetching>,
    out: &mut impl Write,
    err: &mut impl Write,
) -> io::Result<()> {
    loop {
        let notify_due = notifying.as_ref().and_then(|n| n.notifier.due());
        let fetch_due = fetching.as_ref().and_then(|f| f.due);
        let due = [notify_due, fetch_due].into_iter().flatten().min();
        let event = match due {
            None => rx.recv().ok(),
            Some(due) => match rx.recv_timeout(due.saturating_duration_since(Instant::now())) {
                Ok(event) => Some(event),
                Err(RecvTimeoutError::Timeout) => {
                    // The deadline waited for counts as come even a hair early.
                    let now = Instant::now().max(due);
                    if let Some(notifying) = notifying.as_deref_mut() {
                        notifying.send_due(now);
                    }
                    if let Some(fetching) = fetching.as_deref_mut()
                        && fetching.due.is_some_and(|at| at <= now)
                    {
                        fetching.start();
                    }
                    continue;
                }
                Err(RecvTimeoutError::Disconnected) => None,
            },
        };
        match event {
            // Every sender gone: nothing more can happen.
            None => return Ok(()),
            Some(Event::Signal | Event::OutputClosed) => {
                if let Some(fetching) = fetching.as_deref()
                    && fetching.running
                {
                    wait_for_fetch(rx);
                }
                return Ok(());
            }
            Some(Event::StoresChanged) => watcher.reload(notifying.as_deref_mut(), out, err)?,
            Some(Event::Fetched(fetched)) => {
                report_fetch(&fetched, err);
                // The watcher sees the stores it wrote too; reading now does not wait for
                // it, and catches feed stores outside the watched ones.
                watcher.reload(notifying.as_deref_mut(), out, err)?;
                if let Some(fetching) = fetching.as_deref_mut() {
                    fetching.running = false;
                    fetching.plan(err);
                }
            }
        }
    }
}

/// Waits up to [`FETCH_GRACE`] for the running fetch to end, so a store it is writing is
/// finished; what else comes meanwhile is dropped (watch is ending).
fn wait_for_fetch(rx: &Receiver<Event>) {
    let until = Instant::now() + FETCH_GRACE;
    while let Ok(event) = rx.recv_timeout(until.saturating_duration_since(Instant::now())) {
        if matches!(event, Event::Fetched(_)) {
            return;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::store::StoreSource;

    fn article(id: &str, title: &str, breaking: bool, published: &str) -> String {
        format!(
            "{}\n",
            serde_json::json!({
                "id": id, "title": title, "breaking": breaking, "published": published,
                "source": "Wire", "body": "Text."
            })
        )
    }

    #[test]
    fn times_are_utc_and_a_plain_date_has_no_time() {
        let cases = [
            ("2026-12-03T14:05:59Z", "2026-12-03 14:05"),
            ("2026-12-03T16:05:00+02:00", "2026-12-03 14:05"),
            // Written the day before in New York: UTC's day, not the store's.
            ("2026-12-02T23:30:00-05:00", "2026-12-03 04:30"),
            ("2026-12-03", "2026-12-03"),
            ("2026-12-03T00:00:00Z", "2026-12-03"),
        ];
        for (written, shown) in cases {
            let published = Published::parse(written).expect("a date");
            assert_eq!(when(published), shown, "{written}");
        }
    }

    #[test]
    fn only_what_arrived_counts_oldest_first_and_breaking_as_the_reader_judges_it()
    -> Result<(), Box<dyn std::error::Error>> {
        let dir = tempfile::tempdir()?;
        let file = dir.path().join("wire.jsonl");
        std::fs::write(
            &file,
            article("old", "Old Alarm", true, "2026-01-01T10:00:00Z"),
        )?;
        let stores = Stores::new(vec![StoreSource::Path(file.clone())]).with_cache(None);
        let before = stores.open();
        let mut text = std::fs::read_to_string(&file)?;
        text.push_str(&article("b1", "First Alarm", true, "2026-01-02T10:00:00Z"));
        text.push_str(&article(
            "calm",
            "Tide \u{1b}[2JTables",
            false,
            "2026-01-02T11:00:00Z",
        ));
        text.push_str(&article("b2", "Second Alarm", true, "2026-01-02T12:00:00Z"));
        std::fs::write(&file, text)?;
        let after = stores.reload(&before, &Progress::default()).library;
        let lines = |all: bool| -> Vec<String> {
            arrived(&before, &after)
                .into_iter()
                .filter(|&i| all || after.headline(i).breaking)
                .map(|i| text_line(&after, i))
                .collect()
        };
        assert_eq!(
            lines(false),
            [
                "BREAKING 2026-01-02 10:00 Wire: First Alarm",
                "BREAKING 2026-01-02 12:00 Wire: Second Alarm",
            ]
        );
        // The breaking ones are exactly what the reader would notify of, newest first there.
        let mut reader = crate::engine::stores::arrivals(&before, &after);
        reader.reverse();
        let breaking: Vec<ArticleIndex> = arrived(&before, &after)
            .into_iter()
            .filter(|&i| after.headline(i).breaking)
            .collect();
        assert_eq!(breaking, reader);
        assert_eq!(
            lines(true),
            [
                "BREAKING 2026-01-02 10:00 Wire: First Alarm",
                "2026-01-02 11:00 Wire: Tide Tables",
                "BREAKING 2026-01-02 12:00 Wire: Second Alarm",
            ]
        );
        assert!(arrived(&after, &after).is_empty());
        Ok(())
    }

    #[test]
    fn a_line_without_a_date_or_a_source_still_reads() -> Result<(), Box<dyn std::error::Error>> {
        let dir = tempfile::tempdir()?;
        let file = dir.path().join("desk.jsonl");
        std::fs::write(
            &file,
            concat!(
                "{\"id\":\"a\",\"title\":\"Quiet Day\"}\n",
                "{\"id\":\"b\",\"title\":\"Storm \\u001b[2J\",\"breaking\":true,\"source\":\" \"}\n",
            ),
        )?;
        let stores = Stores::new(vec![StoreSource::Path(file)]).with_cache(None);
        let library = stores.open();
        let mut lines: Vec<String> = library
            .newest_first()
            .iter()
            .map(|&i| text_line(&library, i))
            .collect();
        lines.sort();
        assert_eq!(lines, ["BREAKING desk: Storm", "desk: Quiet Day"]);
        Ok(())
    }

    #[test]
    fn an_article_that_went_and_came_back_is_not_news() -> Result<(), Box<dyn std::error::Error>> {
        let dir = tempfile::tempdir()?;
        let out = dir.path().join("out");
        std::fs::create_dir(&out)?;
        let text = article("a", "Alarm", true, "2026-01-01T10:00:00Z");
        std::fs::write(out.join("wire.jsonl"), &text)?;
        let stores = Stores::new(vec![StoreSource::Path(out.clone())]).with_cache(None);
        let start = stores.open();
        let mut gone = Gone::default();
        // The scraper's way, seen half-way: the folder emptied...
        std::fs::remove_file(out.join("wire.jsonl"))?;
        let empty = stores.reload(&start, &Progress::default()).library;
        let went = arrived(&start, &empty);
        gone.note(&start, &empty, went.len());
        assert!(went.is_empty() && empty.is_empty());
        // ...then written again, with one story that is new.
        let mut again = text.clone();
        again.push_str(&article("b", "New Alarm", true, "2026-01-02T10:00:00Z"));
        std::fs::write(out.join("wire.jsonl"), again)?;
        let back = stores.reload(&empty, &Progress::default()).library;
        let came = arrived(&empty, &back);
        gone.note(&empty, &back, came.len());
        assert_eq!(came.len(), 2);
        let news: Vec<String> = came
            .into_iter()
            .filter(|&i| !gone.had(&back, i))
            .map(|i| text_line(&back, i))
            .collect();
        assert_eq!(news, ["BREAKING 2026-01-02 10:00 Wire: New Alarm"]);
        Ok(())
    }

    #[test]
    fn the_next_fetch_is_the_earliest_feed_due_and_never_within_a_minute_of_the_last() {
        use crate::produce::fetch::schedule::{FeedState, Schedule};
        let feed = |url: &str| crate::produce::feeds::Feed {
            url: url.to_owned(),
            name: url.to_owned(),
            store: std::path::PathBuf::from("x.json"),
            tags: Vec::new(),
            every: Duration::from_secs(3600),
            keep: 100,
            line: 1,
            breaking: Vec::new(),
        };
        let mut schedule = Schedule::default();
        assert_eq!(next_fetch(&schedule, &[]), None);
        // Never fetched: due at once.
        assert_eq!(next_fetch(&schedule, &[feed("a")]), Some(0));
        schedule.feeds.insert(
            "a".into(),
            FeedState {
                next_due: Some(5000),
                ..FeedState::default()
            },
        );
        schedule.feeds.insert(
            "b".into(),
            FeedState {
                next_due: Some(3000),
                retry_after: Some(7000),
                ..FeedState::default()
            },
        );
        assert_eq!(next_fetch(&schedule, &[feed("a"), feed("b")]), Some(5000));
        assert_eq!(fetch_wait(5000, 4000, None), Duration::from_secs(1000));
        assert_eq!(fetch_wait(0, 4000, None), Duration::ZERO);
        // A schedule that says "now" right after a run waits out the gap.
        assert_eq!(fetch_wait(0, 4000, Some(3990)), Duration::from_secs(50));
        assert_eq!(
            fetch_wait(9000, 4000, Some(3990)),
            Duration::from_secs(5000)
        );
    }
}
