//! One library for many readers in one process (`herald serve`): the stores are watched and
//! read again once for all of them, and each reader takes the new library in its own time.
//!
//! A reader is told that a new library is there (a call it gave when it subscribed; the SSH
//! server's readers put a "stores changed" input in their own queue), and its runtime then
//! asks the hub, as a [`Reloader`], for what follows the library it holds. The hub answers with
//! the newest library and everything that came since the reader's one, however many reloads
//! that spans, so a reader that was busy still hears of every breaking arrival. No reader ever
//! reads the stores itself, and no reader holds a library of its own.
//!
//! The hub also keeps breaking news honest on its own clock: when the newest library's next
//! breaking story goes stale, it reads the stores again (which costs almost nothing for files
//! that did not change), so a reader who connects later never sees a stale mark.

use std::collections::VecDeque;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError, Weak};
use std::time::{Duration, Instant};

use super::library::Library;
use super::runtime::{NextLibrary, Reloader};
use super::store::Progress;
use super::stores::Stores;
use super::watch::LiveStores;

/// Libraries remembered, with what each brought: a reader further behind than this gets the
/// newest library without its arrivals (it was away for a very long time).
const REMEMBERED: usize = 64;

/// How soon a reader whose queue was full is told again.
const TELL_AGAIN_AFTER: Duration = Duration::from_millis(100);

/// How a reader took being told of a new library.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Told {
    /// It will ask for it.
    Heard,
    /// Its queue is full: tell it again shortly.
    Busy,
    /// It is gone: forget it.
    Gone,
}

/// Hears of a reload: the new library, and how many readers were told.
type Report = dyn Fn(&Library, usize) + Send + Sync;

/// The shared library, and who reads it.
pub struct Hub {
    stores: Stores,
    inner: Mutex<Inner>,
    /// Counts the libraries made, so a reader that polls can tell a new one cheaply.
    generation: AtomicU64,
    /// Asks the reload thread to read the stores again.
    wake: Mutex<Sender<()>>,
    /// The store watcher, for as long as the hub lives.
    live: Mutex<Option<LiveStores>>,
    /// Told of each reload once every reader has been told: the new library, and how many
    /// readers there are (the server's log says so).
    report: Box<Report>,
}

struct Inner {
    current: Arc<Library>,
    /// The libraries made, oldest first; the last is `current`.
    made: VecDeque<Made>,
    readers: Vec<(u64, Box<dyn FnMut() -> Told + Send>)>,
    next_reader: u64,
}

/// One library the hub made, and what was new in it.
struct Made {
    /// Weak: a library lives as long as some reader holds it, and is then known to be gone.
    library: Weak<Library>,
    problems: Vec<String>,
    /// Breaking arrivals by store name and id (indices mean nothing in the next library).
    arrivals: Vec<(String, String)>,
}

/// Keeps a reader told of new libraries; dropping it stops that.
pub struct Subscription {
    hub: Weak<Hub>,
    id: u64,
}

impl Drop for Subscription {
    fn drop(&mut self) {
        if let Some(hub) = self.hub.upgrade() {
            hub.lock().readers.retain(|(id, _)| *id != self.id);
        }
    }
}

impl Hub {
    /// Shares `library` (loaded from `stores`) and keeps it up to date: the stores are
    /// watched when they can be (the problems say what could not be watched). `report` hears
    /// of every reload, with the number of readers told.
    pub fn start(
        stores: Stores,
        library: Library,
        report: impl Fn(&Library, usize) + Send + Sync + 'static,
    ) -> (Arc<Self>, Vec<String>) {
        let (wake, wakes) = mpsc::channel();
        let hub = Arc::new(Self::new(stores, library, report, wake.clone()));
        let mut problems = Vec::new();
        match super::watch::watch(hub.stores.sources(), move || wake.send(()).is_ok()) {
            Ok((live, watch_problems)) => {
                problems.extend(watch_problems);
                *hub.live.lock().unwrap_or_else(PoisonError::into_inner) = Some(live);
            }
            Err(error) => {
                problems.push(format!("store files are not watched for changes: {error}"))
            }
        }
        let weak = Arc::downgrade(&hub);
        super::runtime::spawn_background("herald-hub", move || keep_up(&weak, &wakes));
        (hub, problems)
    }

    /// The hub itself, with no watcher and no thread: reloads happen when [`Self::reload`]
    /// is called.
    fn new(
        stores: Stores,
        library: Library,
        report: impl Fn(&Library, usize) + Send + Sync + 'static,
        wake: Sender<()>,
    ) -> Self {
        let library = Arc::new(library);
        Self {
            stores,
            inner: Mutex::new(Inner {
                made: VecDeque::from([Made {
                    library: Arc::downgrade(&library),
                    problems: Vec::new(),
                    arrivals: Vec::new(),
                }]),
                current: library,
                readers: Vec::new(),
                next_reader: 0,
            }),
            generation: AtomicU64::new(0),
            wake: Mutex::new(wake),
            live: Mutex::new(None),
            report: Box::new(report),
        }
    }

    /// The newest library.
    pub fn library(&self) -> Arc<Library> {
        self.lock().current.clone()
    }

    /// How many libraries have been made since the first: a change means a new one.
    pub fn generation(&self) -> u64 {
        self.generation.load(Ordering::SeqCst)
    }

    /// Asks for the stores to be read again (as a change to them does).
    pub fn request_reload(&self) {
        if let Ok(wake) = self.wake.lock() {
            let _ = wake.send(());
        }
    }

    /// Calls `tell` whenever there is a new library, until the subscription is dropped.
    /// `tell` runs on the hub's thread with the hub locked: it must only pass word on, never
    /// wait and never call the hub.
    pub fn subscribe(
        self: &Arc<Self>,
        tell: impl FnMut() -> Told + Send + 'static,
    ) -> Subscription {
        let mut inner = self.lock();
        let id = inner.next_reader;
        inner.next_reader += 1;
        inner.readers.push((id, Box::new(tell)));
        Subscription {
            hub: Arc::downgrade(self),
            id,
        }
    }

    /// Readers subscribed now.
    pub fn readers(&self) -> usize {
        self.lock().readers.len()
    }

    fn lock(&self) -> MutexGuard<'_, Inner> {
        // A reader's `tell` that panicked leaves nothing half-changed worth refusing.
        self.inner.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Reads the stores again, makes the result the newest library and tells every reader;
    /// returns the readers who were busy.
    fn reload(&self) -> Vec<u64> {
        let previous = self.library();
        // Off the lock: readers keep taking the current library while this runs.
        let reloaded = self.stores.reload(&previous, &Progress::default());
        let arrivals = reloaded
            .arrivals
            .iter()
            .map(|&index| {
                let headline = reloaded.library.headline(index);
                let store = reloaded.library.store(headline.store).name.clone();
                (store, headline.id.to_owned())
            })
            .collect();
        // Not held past here, so a library no reader holds any more is forgotten now.
        drop(previous);
        let library = Arc::new(reloaded.library);
        let mut inner = self.lock();
        inner.made.push_back(Made {
            library: Arc::downgrade(&library),
            problems: reloaded.problems,
            arrivals,
        });
        inner.current = library;
        // What no reader holds any more, no reader can ask to follow.
        while inner.made.len() > REMEMBERED
            || inner
                .made
                .front()
                .is_some_and(|made| made.library.strong_count() == 0)
        {
            inner.made.pop_front();
        }
        self.generation.fetch_add(1, Ordering::SeqCst);
        let all: Vec<u64> = inner.readers.iter().map(|(id, _)| *id).collect();
        let busy = tell(&mut inner, &all);
        let (library, readers) = (inner.current.clone(), inner.readers.len());
        drop(inner);
        (self.report)(&library, readers);
        busy
    }
}

/// Tells the readers `ids` of a new library; returns those who were busy (the gone are
/// forgotten).
fn tell(inner: &mut Inner, ids: &[u64]) -> Vec<u64> {
    let mut busy = Vec::new();
    inner.readers.retain_mut(|(id, tell)| {
        if !ids.contains(id) {
            return true;
        }
        match tell() {
            Told::Heard => true,
            Told::Busy => {
                busy.push(*id);
                true
            }
            Told::Gone => false,
        }
    });
    busy
}

impl Reloader for Hub {
    /// The newest library, with every arrival and problem since `previous`; when `previous`
    /// is the newest, the same library with nothing new (its reader's search or scope is then
    /// worked out again on it, and no store is read).
    fn next_library(&self, previous: &Arc<Library>) -> NextLibrary {
        let inner = self.lock();
        let library = inner.current.clone();
        let since = inner
            .made
            .iter()
            .position(|made| std::ptr::eq(made.library.as_ptr(), Arc::as_ptr(previous)));
        let Some(since) = since else {
            return NextLibrary {
                library,
                problems: Vec::new(),
                arrivals: Vec::new(),
            };
        };
        let later: Vec<&Made> = inner.made.iter().skip(since + 1).collect();
        let mut problems: Vec<String> = Vec::new();
        for problem in later.iter().flat_map(|made| &made.problems) {
            if !problems.contains(problem) {
                problems.push(problem.clone());
            }
        }
        // Newest first: the later libraries' arrivals first, each in its own order.
        let mut arrivals = Vec::new();
        for (store, id) in later.iter().rev().flat_map(|made| &made.arrivals) {
            if let Some(index) = library.find(store, id)
                && !arrivals.contains(&index)
            {
                arrivals.push(index);
            }
        }
        NextLibrary {
            library,
            problems,
            arrivals,
        }
    }
}

/// The hub's thread: reads the stores again when they change or when a breaking story goes
/// stale, and tells busy readers again until they hear. Ends with the hub.
fn keep_up(hub: &Weak<Hub>, wakes: &Receiver<()>) {
    let mut busy: Vec<u64> = Vec::new();
    let mut stale_due = hub.upgrade().and_then(|hub| stale_due(&hub.library()));
    loop {
        let retry = (!busy.is_empty()).then(|| Instant::now() + TELL_AGAIN_AFTER);
        let due = [stale_due, retry].into_iter().flatten().min();
        let reload = match due {
            None => wakes.recv().is_ok(),
            Some(due) => match wakes.recv_timeout(due.saturating_duration_since(Instant::now())) {
                Ok(()) => true,
                Err(RecvTimeoutError::Disconnected) => return,
                Err(RecvTimeoutError::Timeout) => stale_due.is_some_and(|s| s <= Instant::now()),
            },
        };
        let Some(hub) = hub.upgrade() else { return };
        if reload {
            // A burst of changes is one reload.
            while wakes.try_recv().is_ok() {}
            busy = hub.reload();
            stale_due = stale_due_of(&hub);
        } else if !busy.is_empty() {
            let ids = std::mem::take(&mut busy);
            busy = tell(&mut hub.lock(), &ids);
        } else if due.is_none() {
            // The channel closed: the hub is being dropped.
            return;
        }
    }
}

fn stale_due_of(hub: &Hub) -> Option<Instant> {
    stale_due(&hub.library())
}

/// When `library`'s next breaking story goes stale, by the system clock; None when none
/// will, or when that time is already past (its reload was the one that made this library).
fn stale_due(library: &Library) -> Option<Instant> {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |since| since.as_secs());
    let now = i64::try_from(now).unwrap_or(i64::MAX);
    let wait = u64::try_from(library.stale_at()?.checked_sub(now)?).ok()?;
    (wait > 0).then(|| Instant::now() + Duration::from_secs(wait))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::store::StoreSource;
    use std::io::Write;
    use std::sync::atomic::AtomicUsize;

    fn line(id: &str, breaking: bool) -> String {
        format!(
            "{{\"id\":\"{id}\",\"title\":\"Story {id}\",\"published\":\"2026-01-01T00:00:00Z\",\
             \"breaking\":{breaking},\"body\":\"It happened.\"}}\n"
        )
    }

    fn append(path: &std::path::Path, text: &str) {
        let mut file = std::fs::OpenOptions::new()
            .append(true)
            .open(path)
            .expect("open");
        file.write_all(text.as_bytes()).expect("append");
    }

    fn stores(dir: &std::path::Path) -> Stores {
        Stores::new(vec![StoreSource::Path(dir.to_path_buf())]).with_cache(None)
    }

    /// A hub that reloads only when the test says so.
    fn hub_on(dir: &std::path::Path) -> Arc<Hub> {
        let library = stores(dir).open();
        Arc::new(Hub::new(stores(dir), library, |_, _| {}, mpsc::channel().0))
    }

    fn ids(next: &NextLibrary) -> Vec<String> {
        next.arrivals
            .iter()
            .map(|&i| next.library.headline(i).id.to_owned())
            .collect()
    }

    #[test]
    fn a_reader_behind_by_two_reloads_gets_the_newest_library_and_both_arrivals() {
        let dir = tempfile::tempdir().expect("temp dir");
        let store = dir.path().join("wire.jsonl");
        std::fs::write(&store, line("a", false)).expect("write");
        let hub = hub_on(dir.path());
        let told = Arc::new(AtomicUsize::new(0));
        let subscription = hub.subscribe({
            let told = told.clone();
            move || {
                told.fetch_add(1, Ordering::SeqCst);
                Told::Heard
            }
        });
        let first = hub.library();
        append(&store, &line("b", true));
        hub.reload();
        append(&store, &line("c", true));
        hub.reload();

        let next = hub.next_library(&first);
        assert!(Arc::ptr_eq(&next.library, &hub.library()));
        assert_eq!(ids(&next), ["c", "b"], "newest first, each once");
        assert_eq!(told.load(Ordering::SeqCst), 2, "told once a reload");

        // Already the newest: the same library, nothing new, no store read.
        let newest = hub.library();
        let again = hub.next_library(&newest);
        assert!(Arc::ptr_eq(&again.library, &newest));
        assert!(again.arrivals.is_empty());

        drop(subscription);
        assert_eq!(hub.readers(), 0);
    }

    #[test]
    fn a_library_no_reader_holds_is_forgotten() {
        let dir = tempfile::tempdir().expect("temp dir");
        let store = dir.path().join("wire.jsonl");
        std::fs::write(&store, line("a", false)).expect("write");
        let hub = hub_on(dir.path());
        let held = hub.library();
        for id in ["b", "c", "d"] {
            append(&store, &line(id, true));
            hub.reload();
        }
        // `held` keeps the history back to it; without it only the newest is remembered.
        assert!(hub.lock().made.len() >= 4);
        assert_eq!(ids(&hub.next_library(&held)), ["d", "c", "b"]);
        drop(held);
        append(&store, &line("e", false));
        hub.reload();
        assert_eq!(hub.lock().made.len(), 1);
    }

    #[test]
    fn a_busy_reader_is_told_again_until_it_hears() {
        let dir = tempfile::tempdir().expect("temp dir");
        let store = dir.path().join("wire.jsonl");
        std::fs::write(&store, line("a", false)).expect("write");
        let library = stores(dir.path()).open();
        let (hub, _) = Hub::start(stores(dir.path()), library, |_, _| {});
        let asked = Arc::new(AtomicUsize::new(0));
        let _subscription = hub.subscribe({
            let asked = asked.clone();
            move || match asked.fetch_add(1, Ordering::SeqCst) {
                0 => Told::Busy,
                _ => Told::Heard,
            }
        });
        append(&store, &line("b", true));
        hub.request_reload();
        let deadline = Instant::now() + Duration::from_secs(20);
        while asked.load(Ordering::SeqCst) < 2 {
            assert!(
                Instant::now() < deadline,
                "the busy reader was never told again"
            );
            std::thread::sleep(Duration::from_millis(5));
        }
    }
}
