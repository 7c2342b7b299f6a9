//! The runtime: where the effects `update` asks for are carried out, off the thread that
//! answers keys, and how their results come back: as [`Done`] values delivered through the
//! same channel as the keys, which the presenter hands to `update` as actions.
//!
//! Each kind of work has its own thread, so none waits behind another: reading and laying out
//! articles, searching (cancelled the moment a new search or Esc comes), reloading the stores
//! (coalesced: a burst of changes is one reload), saving the reader state (in order, so the
//! last save wins), and starting the link opener. [`Inline`] does the same work on the calling
//! thread, for tests that drive the run loop with a script.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use super::article::{ArticleText, Flavor, Lines, layout, read};
use super::library::{ArticleIndex, Library};
use super::scope::Field;
use super::search::{Threads, matches_unless};
use super::state::history::HistoryFile;
use super::state::{Changes, Outside, StateFile};
use super::store::Progress;
use super::stores::Stores;

/// Tells one request's answer from a later one's: the app ignores answers to requests it has
/// since replaced.
pub type Ticket = u64;

/// Work for the runtime.
#[derive(Clone)]
pub enum Job {
    /// Read article `index` of `library` and lay it out for `width` columns.
    ReadArticle {
        ticket: Ticket,
        library: Arc<Library>,
        index: ArticleIndex,
        width: usize,
        flavor: Flavor,
    },
    /// Lay an article out again, for a new width.
    LayOut {
        ticket: Ticket,
        text: Arc<ArticleText>,
        width: usize,
        flavor: Flavor,
    },
    /// Find the articles whose title or body hold every word (lower-cased).
    Search {
        ticket: Ticket,
        library: Arc<Library>,
        words: Vec<String>,
    },
    /// Stop the running search, if any.
    CancelSearch,
    /// What article `index` has in `field` (its author, say), and which articles share it.
    Scope {
        ticket: Ticket,
        library: Arc<Library>,
        index: ArticleIndex,
        field: Field,
    },
    /// Read the stores again, reusing what `library` holds; search the new library for
    /// `words` too, and find what shares `scope`, so a list filtered by a search or a scope
    /// never shows half a reload.
    Reload {
        library: Arc<Library>,
        words: Option<Vec<String>>,
        scope: Option<(Field, Vec<String>)>,
    },
    /// Write these changes to the state file.
    Save(Changes),
    /// Add this search to the search history file (after the saves asked for before it).
    SaveSearch(String),
    /// Start the opener on this link (already checked to be one Herald opens).
    OpenLink(String),
    /// A library the app has replaced: freeing a big one is tens of milliseconds of `munmap`
    /// (a million headlines, 30 ms) that a key arriving meanwhile would wait for.
    Release(Arc<Library>),
}

impl Job {
    fn name(&self) -> &'static str {
        match self {
            Job::ReadArticle { .. } => "ReadArticle",
            Job::LayOut { .. } => "LayOut",
            Job::Search { .. } => "Search",
            Job::CancelSearch => "CancelSearch",
            Job::Scope { .. } => "Scope",
            Job::Reload { .. } => "Reload",
            Job::Save(_) => "Save",
            Job::SaveSearch(_) => "SaveSearch",
            Job::OpenLink(_) => "OpenLink",
            Job::Release(_) => "Release",
        }
    }
}

impl std::fmt::Debug for Job {
    /// Short: a job can hold a whole library.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Job::ReadArticle {
                ticket,
                index,
                width,
                ..
            } => write!(f, "ReadArticle(#{ticket}, article {index}, {width} wide)"),
            Job::LayOut { ticket, width, .. } => write!(f, "LayOut(#{ticket}, {width} wide)"),
            Job::Search { ticket, words, .. } => write!(f, "Search(#{ticket}, {words:?})"),
            Job::Scope {
                ticket,
                index,
                field,
                ..
            } => write!(f, "Scope(#{ticket}, {index}, {field:?})"),
            Job::Reload { words, scope, .. } => write!(f, "Reload({words:?}, {scope:?})"),
            Job::Save(changes) => write!(f, "Save({} marks)", changes.marks.len()),
            Job::SaveSearch(search) => write!(f, "SaveSearch({search:?})"),
            Job::OpenLink(url) => write!(f, "OpenLink({url})"),
            Job::CancelSearch => write!(f, "CancelSearch"),
            Job::Release(library) => write!(f, "Release({} articles)", library.len()),
        }
    }
}

impl PartialEq for Job {
    /// The same kind of request with the same ticket (or the same payload where there is no
    /// ticket); libraries are compared by identity.
    fn eq(&self, other: &Self) -> bool {
        match (self, other) {
            (Job::ReadArticle { ticket: a, .. }, Job::ReadArticle { ticket: b, .. })
            | (Job::LayOut { ticket: a, .. }, Job::LayOut { ticket: b, .. })
            | (Job::Search { ticket: a, .. }, Job::Search { ticket: b, .. })
            | (Job::Scope { ticket: a, .. }, Job::Scope { ticket: b, .. }) => a == b,
            (
                Job::Reload {
                    library: a,
                    words: x,
                    scope: p,
                },
                Job::Reload {
                    library: b,
                    words: y,
                    scope: q,
                },
            ) => Arc::ptr_eq(a, b) && x == y && p == q,
            (Job::Save(a), Job::Save(b)) => a == b,
            (Job::SaveSearch(a), Job::SaveSearch(b)) => a == b,
            (Job::OpenLink(a), Job::OpenLink(b)) => a == b,
            (Job::Release(a), Job::Release(b)) => Arc::ptr_eq(a, b),
            _ => self.name() == other.name(),
        }
    }
}

/// What came of a job.
#[derive(Clone)]
pub enum Done {
    ArticleRead {
        ticket: Ticket,
        text: Arc<ArticleText>,
        lines: Arc<Lines>,
    },
    LaidOut {
        ticket: Ticket,
        lines: Arc<Lines>,
    },
    Searched {
        ticket: Ticket,
        matches: Arc<Vec<bool>>,
    },
    /// What the article had in the field (none: nothing to match), and who shares it.
    Scoped {
        ticket: Ticket,
        values: Vec<String>,
        matches: Arc<Vec<bool>>,
    },
    Reloaded(Arc<Reload>),
    /// A save finished: what other instances had written, or why it failed.
    Saved(Result<Outside, String>),
    /// A search was added to the history file: the history as saved (oldest first, other
    /// instances' searches included), or why it could not be.
    SearchSaved(Result<Vec<String>, String>),
    /// The opener could not be started.
    OpenFailed(String),
}

impl std::fmt::Debug for Done {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Done::ArticleRead { ticket, lines, .. } => {
                write!(f, "ArticleRead(#{ticket}, {} lines)", lines.len())
            }
            Done::LaidOut { ticket, lines } => {
                write!(f, "LaidOut(#{ticket}, {} lines)", lines.len())
            }
            Done::Searched { ticket, matches } => write!(
                f,
                "Searched(#{ticket}, {} matches)",
                matches.iter().filter(|m| **m).count()
            ),
            Done::Scoped {
                ticket,
                values,
                matches,
            } => write!(
                f,
                "Scoped(#{ticket}, {values:?}, {} matches)",
                matches.iter().filter(|m| **m).count()
            ),
            Done::Reloaded(reload) => write!(f, "Reloaded({} articles)", reload.library.len()),
            Done::Saved(result) => write!(f, "Saved({result:?})"),
            Done::SearchSaved(result) => match result {
                Ok(entries) => write!(f, "SearchSaved({} searches)", entries.len()),
                Err(error) => write!(f, "SearchSaved(Err({error}))"),
            },
            Done::OpenFailed(error) => write!(f, "OpenFailed({error})"),
        }
    }
}

impl PartialEq for Done {
    fn eq(&self, other: &Self) -> bool {
        match (self, other) {
            (Done::ArticleRead { ticket: a, .. }, Done::ArticleRead { ticket: b, .. })
            | (Done::LaidOut { ticket: a, .. }, Done::LaidOut { ticket: b, .. })
            | (Done::Searched { ticket: a, .. }, Done::Searched { ticket: b, .. })
            | (Done::Scoped { ticket: a, .. }, Done::Scoped { ticket: b, .. }) => a == b,
            (Done::Reloaded(a), Done::Reloaded(b)) => Arc::ptr_eq(a, b),
            (Done::Saved(a), Done::Saved(b)) => a == b,
            (Done::SearchSaved(a), Done::SearchSaved(b)) => a == b,
            (Done::OpenFailed(a), Done::OpenFailed(b)) => a == b,
            _ => false,
        }
    }
}

impl Eq for Job {}
impl Eq for Done {}

/// A scope as a reload is asked for it: the field, and the values it must share.
pub type ScopeAsked = (Field, Vec<String>);

/// A reload's outcome, ready to be swapped in whole.
#[derive(Debug)]
pub struct Reload {
    pub library: Arc<Library>,
    /// New errors, worded for the user.
    pub problems: Vec<String>,
    /// Breaking articles that were not there before, newest first.
    pub arrivals: Vec<ArticleIndex>,
    /// The search the job asked for (its words), on the new library: the app takes it only
    /// if it is still the search in force (another may have started meanwhile).
    pub matches: Option<(Vec<String>, Arc<Vec<bool>>)>,
    /// What shares the scope the job asked for (its field and values), on the new library.
    pub scoped: Option<(ScopeAsked, Arc<Vec<bool>>)>,
}

/// Where a reload gets its next library from.
pub trait Reloader: Send + Sync {
    /// The library that follows `previous`, and what is new in it since `previous`.
    fn next_library(&self, previous: &Arc<Library>) -> NextLibrary;
}

/// A reload's new library, and what changed since the one it followed.
#[derive(Debug)]
pub struct NextLibrary {
    pub library: Arc<Library>,
    /// Errors that were not there before, worded for the user.
    pub problems: Vec<String>,
    /// Breaking articles the previous library did not have, newest first.
    pub arrivals: Vec<ArticleIndex>,
}

/// A reader on its own reads the stores again itself, keeping what did not change.
impl Reloader for Stores {
    fn next_library(&self, previous: &Arc<Library>) -> NextLibrary {
        let reloaded = self.reload(previous, &Progress::default());
        NextLibrary {
            library: Arc::new(reloaded.library),
            problems: reloaded.problems,
            arrivals: reloaded.arrivals,
        }
    }
}

/// What the runtime needs to carry jobs out.
pub struct Context {
    /// Where reloads come from: the stores themselves, or a library shared with other
    /// readers in this process (`herald serve`), reloaded once for all of them.
    pub reloads: Arc<dyn Reloader>,
    /// Where the reader state is saved; None keeps it in memory only.
    pub state: Option<StateFile>,
    /// Where searches are remembered; None keeps them in memory only (and a search saved
    /// then gets no answer: the app's own copy is all there is).
    pub history: Option<HistoryFile>,
    /// The program that opens links, with its arguments.
    pub opener: Vec<String>,
}

fn read_article(library: &Library, index: ArticleIndex, width: usize, flavor: Flavor) -> Done {
    let text = read::text(library, index);
    let lines = layout::lay_out(&text, width, flavor);
    Done::ArticleRead {
        ticket: 0,
        text: Arc::new(text),
        lines: Arc::new(lines),
    }
}

fn reload(
    reloads: &dyn Reloader,
    library: &Arc<Library>,
    words: Option<&[String]>,
    scope: Option<&(Field, Vec<String>)>,
) -> Done {
    let reloaded = reloads.next_library(library);
    let matches = words.map(|words| {
        let never = AtomicBool::new(false);
        let found = matches_unless(&reloaded.library, words, &never, Threads::Background)
            .unwrap_or_default();
        (words.to_vec(), Arc::new(found))
    });
    let scoped = scope.map(|(field, values)| {
        let found = super::scope::matches(&reloaded.library, *field, values);
        ((*field, values.clone()), Arc::new(found))
    });
    Done::Reloaded(Arc::new(Reload {
        library: reloaded.library,
        problems: reloaded.problems,
        arrivals: reloaded.arrivals,
        matches,
        scoped,
    }))
}

fn scope(ticket: Ticket, library: &Library, index: ArticleIndex, field: Field) -> Done {
    let values = super::scope::values_of(library, index, field);
    let matches = super::scope::matches(library, field, &values);
    Done::Scoped {
        ticket,
        values,
        matches: Arc::new(matches),
    }
}

fn save(state: Option<&mut StateFile>, changes: &Changes) -> Done {
    let result = match state {
        Some(file) => file.save(changes).map_err(|e| e.to_string()),
        None => Ok(Outside::default()),
    };
    Done::Saved(result)
}

fn save_search(history: Option<&mut HistoryFile>, search: &str) -> Option<Done> {
    let file = history?;
    Some(Done::SearchSaved(
        file.save(search).map_err(|e| e.to_string()),
    ))
}

fn with_ticket(done: Done, ticket: Ticket) -> Done {
    match done {
        Done::ArticleRead { text, lines, .. } => Done::ArticleRead {
            ticket,
            text,
            lines,
        },
        other => other,
    }
}

/// Carries jobs out on the calling thread, one at a time: for tests that script the run loop.
pub struct Inline {
    pub context: Context,
}

impl Inline {
    /// Does `job` now and returns what came of it.
    pub fn run(&mut self, job: Job) -> Option<Done> {
        match job {
            Job::ReadArticle {
                ticket,
                library,
                index,
                width,
                flavor,
            } => Some(with_ticket(
                read_article(&library, index, width, flavor),
                ticket,
            )),
            Job::LayOut {
                ticket,
                text,
                width,
                flavor,
            } => Some(Done::LaidOut {
                ticket,
                lines: Arc::new(layout::lay_out(&text, width, flavor)),
            }),
            Job::Search {
                ticket,
                library,
                words,
            } => {
                let never = AtomicBool::new(false);
                let matches = matches_unless(&library, &words, &never, Threads::All)?;
                Some(Done::Searched {
                    ticket,
                    matches: Arc::new(matches),
                })
            }
            Job::CancelSearch => None,
            Job::Scope {
                ticket,
                library,
                index,
                field,
            } => Some(scope(ticket, &library, index, field)),
            Job::Reload {
                library,
                words,
                scope,
            } => Some(reload(
                &*self.context.reloads,
                &library,
                words.as_deref(),
                scope.as_ref(),
            )),
            Job::Save(changes) => Some(save(self.context.state.as_mut(), &changes)),
            Job::SaveSearch(search) => save_search(self.context.history.as_mut(), &search),
            Job::OpenLink(url) => super::opener::spawn(&self.context.opener, &url)
                .err()
                .map(|error| Done::OpenFailed(error.to_string())),
            Job::Release(library) => {
                drop(library);
                None
            }
        }
    }
}

/// A message to the saver thread.
enum ToSaver {
    Save(Changes),
    SaveSearch(String),
    /// Answer once every save asked for before this one is done, with the last one's outcome.
    Flush(Sender<Result<(), String>>),
}

/// The runtime's threads, fed by [`Runtime::submit`].
pub struct Runtime {
    articles: Sender<Job>,
    searches: Sender<(Job, Arc<AtomicBool>)>,
    /// The running search's cancel flag.
    searching: Mutex<Arc<AtomicBool>>,
    reloads: Sender<Job>,
    saves: Sender<ToSaver>,
    opener: Vec<String>,
    deliver: Arc<dyn Fn(Done) + Send + Sync>,
}

/// How long the final save may take before quitting says it did not finish.
pub const FINAL_SAVE_WITHIN: Duration = Duration::from_secs(10);

impl Runtime {
    /// Starts the threads; every job's outcome goes to `deliver`, from the thread that did it.
    pub fn start(context: Context, deliver: impl Fn(Done) + Send + Sync + 'static) -> Self {
        let deliver: Arc<dyn Fn(Done) + Send + Sync> = Arc::new(deliver);
        let Context {
            reloads: reloader,
            state,
            history,
            opener,
        } = context;
        let (articles, article_jobs) = mpsc::channel::<Job>();
        let (searches, search_jobs) = mpsc::channel::<(Job, Arc<AtomicBool>)>();
        let (reloads, reload_jobs) = mpsc::channel::<Job>();
        let (saves, save_jobs) = mpsc::channel::<ToSaver>();
        spawn_background("herald-articles", {
            let deliver = deliver.clone();
            move || article_worker(&article_jobs, &*deliver)
        });
        spawn_background("herald-search", {
            let deliver = deliver.clone();
            move || search_worker(&search_jobs, &*deliver)
        });
        spawn_background("herald-reload", {
            let deliver = deliver.clone();
            move || reload_worker(&*reloader, &reload_jobs, &*deliver)
        });
        spawn_background("herald-save", {
            let deliver = deliver.clone();
            move || save_worker(state, history, &save_jobs, &*deliver)
        });
        Self {
            articles,
            searches,
            searching: Mutex::new(Arc::new(AtomicBool::new(false))),
            reloads,
            saves,
            opener,
            deliver,
        }
    }

    /// Hands `job` to its thread and returns at once.
    pub fn submit(&self, job: Job) {
        // A worker that is gone (it never panics; if it did) leaves its jobs undone, and the
        // app keeps working with what it has.
        match job {
            Job::ReadArticle { .. } | Job::LayOut { .. } => {
                let _ = self.articles.send(job);
            }
            Job::Search { .. } => {
                let flag = Arc::new(AtomicBool::new(false));
                self.cancel_search(Some(flag.clone()));
                let _ = self.searches.send((job, flag));
            }
            Job::CancelSearch => self.cancel_search(None),
            Job::Scope {
                ticket,
                library,
                index,
                field,
            } => {
                // Rare (a key the reader presses), and answered by ticket: a thread of its
                // own, so it neither cancels a search nor waits behind one.
                let deliver = self.deliver.clone();
                spawn("herald-scope", move || {
                    deliver(scope(ticket, &library, index, field));
                });
            }
            Job::Reload { .. } => {
                let _ = self.reloads.send(job);
            }
            Job::Save(changes) => {
                let _ = self.saves.send(ToSaver::Save(changes));
            }
            // The same thread as the marks: one writer to the data folder, and quitting's
            // flush waits for both.
            Job::SaveSearch(search) => {
                let _ = self.saves.send(ToSaver::SaveSearch(search));
            }
            Job::OpenLink(url) => {
                let opener = self.opener.clone();
                let deliver = self.deliver.clone();
                // Starting a program takes a fork and an exec: not on the key path.
                spawn("herald-opener", move || {
                    if let Err(error) = super::opener::spawn(&opener, &url) {
                        deliver(Done::OpenFailed(error.to_string()));
                    }
                });
            }
            // Whoever holds the last reference frees it: a thread of its own, so neither a
            // key nor a read waits behind it. (Jobs that still use it hold references.)
            Job::Release(library) => spawn_background("herald-release", move || drop(library)),
        }
    }

    /// Stops the running search; `next` becomes the flag of the one about to start.
    fn cancel_search(&self, next: Option<Arc<AtomicBool>>) {
        let mut running = self
            .searching
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        running.store(true, Ordering::Relaxed);
        if let Some(next) = next {
            *running = next;
        }
    }

    /// Waits (at most `within`) for every save asked for so far; the last one's outcome.
    pub fn flush_saves(&self, within: Duration) -> Result<(), String> {
        let (reply, answer) = mpsc::channel();
        if self.saves.send(ToSaver::Flush(reply)).is_err() {
            return Err("the saver stopped".to_owned());
        }
        match answer.recv_timeout(within) {
            Ok(result) => result,
            Err(RecvTimeoutError::Timeout) => Err(format!(
                "the reader state was still being saved after {} s",
                within.as_secs()
            )),
            Err(RecvTimeoutError::Disconnected) => Err("the saver stopped".to_owned()),
        }
    }
}

/// How much lower than the input thread background work runs (a nice value, as `nice -n`).
const BACKGROUND_NICE: i32 = 10;

/// [`spawn`] for work nobody is waiting on key by key: it runs at a lower priority, so a key
/// that arrives while every core is parsing is answered at once instead of after a time slice
/// (4-5 ms on two busy cores, measured with `bench/engine.sh`).
pub fn spawn_background(name: &str, work: impl FnOnce() + Send + 'static) {
    spawn(name, move || {
        yield_to_input();
        work();
    });
}

/// On Linux a nice value belongs to a thread, and the threads it starts inherit it (a
/// reload's parsing threads). Failing leaves the normal priority, which only costs latency.
/// Never for a thread that starts programs: they would inherit it too.
#[cfg(target_os = "linux")]
fn yield_to_input() {
    let _ = rustix::process::setpriority_process(Some(rustix::thread::gettid()), BACKGROUND_NICE);
}

#[cfg(not(target_os = "linux"))]
fn yield_to_input() {}

fn spawn(name: &str, work: impl FnOnce() + Send + 'static) {
    // A thread that cannot start leaves that kind of job undone, as if it were slow; there is
    // nothing better to do, and the reader goes on.
    let _ = std::thread::Builder::new()
        .name(name.to_owned())
        .spawn(work);
}

/// Takes every job waiting, so a burst becomes the last of each kind.
fn latest<T>(first: T, queue: &Receiver<T>) -> Vec<T> {
    let mut jobs = vec![first];
    while let Ok(job) = queue.try_recv() {
        jobs.push(job);
    }
    jobs
}

fn article_worker(jobs: &Receiver<Job>, deliver: &(dyn Fn(Done) + Send + Sync)) {
    while let Ok(first) = jobs.recv() {
        let batch = latest(first, jobs);
        // Every read is answered (something may wait for each); of layouts waiting, only the
        // newest is still wanted.
        let newest_layout = batch.iter().rposition(|j| matches!(j, Job::LayOut { .. }));
        for (at, job) in batch.into_iter().enumerate() {
            match job {
                Job::ReadArticle {
                    ticket,
                    library,
                    index,
                    width,
                    flavor,
                } => {
                    deliver(with_ticket(
                        read_article(&library, index, width, flavor),
                        ticket,
                    ));
                }
                Job::LayOut {
                    ticket,
                    text,
                    width,
                    flavor,
                } if Some(at) == newest_layout => {
                    let lines = Arc::new(layout::lay_out(&text, width, flavor));
                    deliver(Done::LaidOut { ticket, lines });
                }
                _ => {}
            }
        }
    }
}

fn search_worker(jobs: &Receiver<(Job, Arc<AtomicBool>)>, deliver: &(dyn Fn(Done) + Send + Sync)) {
    while let Ok(first) = jobs.recv() {
        // A search already replaced by a newer one is cancelled; run the newest only.
        let Some((job, cancelled)) = latest(first, jobs).pop() else {
            continue;
        };
        if let Job::Search {
            ticket,
            library,
            words,
        } = job
            && let Some(matches) = matches_unless(&library, &words, &cancelled, Threads::Background)
        {
            deliver(Done::Searched {
                ticket,
                matches: Arc::new(matches),
            });
        }
    }
}

fn reload_worker(
    reloads: &dyn Reloader,
    jobs: &Receiver<Job>,
    deliver: &(dyn Fn(Done) + Send + Sync),
) {
    while let Ok(first) = jobs.recv() {
        // Changes that came while the last reload ran are one reload, of the newest library.
        if let Some(Job::Reload {
            library,
            words,
            scope,
        }) = latest(first, jobs).pop()
        {
            deliver(reload(reloads, &library, words.as_deref(), scope.as_ref()));
        }
    }
}

fn save_worker(
    mut state: Option<StateFile>,
    mut history: Option<HistoryFile>,
    jobs: &Receiver<ToSaver>,
    deliver: &(dyn Fn(Done) + Send + Sync),
) {
    let mut last: Result<(), String> = Ok(());
    while let Ok(message) = jobs.recv() {
        match message {
            ToSaver::Save(changes) => {
                let done = save(state.as_mut(), &changes);
                if let Done::Saved(result) = &done {
                    last = result.as_ref().map(|_| ()).map_err(Clone::clone);
                }
                deliver(done);
            }
            // A search that was not remembered costs nothing on the way out: only the marks'
            // outcome is what quitting reports.
            ToSaver::SaveSearch(search) => {
                if let Some(done) = save_search(history.as_mut(), &search) {
                    deliver(done);
                }
            }
            ToSaver::Flush(reply) => {
                let _ = reply.send(last.clone());
            }
        }
    }
}
