//! Counting what a long load has read, for saying how far it is.

/// How many articles a load has read so far (approximately: a file the fast path gives up on
/// is counted again by the exact parser), for saying how far a long load is.
#[derive(Clone, Debug, Default)]
pub struct Progress(std::sync::Arc<std::sync::atomic::AtomicUsize>);

impl Progress {
    pub fn articles(&self) -> usize {
        self.0.load(std::sync::atomic::Ordering::Relaxed)
    }

    pub(crate) fn add(&self, articles: usize) {
        self.0
            .fetch_add(articles, std::sync::atomic::Ordering::Relaxed);
    }
}
