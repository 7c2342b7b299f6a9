//! What a session writes, on its way to the client: a bounded queue between the session's
//! thread (which writes with `std::io::Write`) and the connection's task (which sends within
//! the window the client grants).
//!
//! A client that stops reading must neither stall the other sessions nor grow memory. Each
//! session has a thread of its own, so waiting only ever stalls that session; memory is
//! bounded by the queue's limit plus the frame on its way. Past the limit:
//! - the full-screen reader ([`Overflow::Repaint`]) drops the frames waiting and the one
//!   coming, and asks for a whole new screen once the client has read what was sent: a frame
//!   is a difference from the last, so the next ones are drawn over a screen that is not
//!   the one they assume, and the repaint (which starts with a clear) puts it right;
//! - plain mode and commands ([`Overflow::Wait`]) are text the user must read whole, so the
//!   writer waits for room.
//!
//! Frames are queued whole (the reader's backend flushes once per frame), so dropping never
//! cuts an escape sequence in two.

use std::collections::VecDeque;
use std::io;
use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError};

/// What happens to output past the limit.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Overflow {
    Repaint,
    Wait,
}

#[derive(Debug, Default)]
struct Queue {
    chunks: VecDeque<Vec<u8>>,
    bytes: usize,
    /// Frames were dropped: the screen must be drawn again whole once the queue is empty.
    dropped: bool,
    /// The writer is done, with this exit status and standard error: send what is left,
    /// then end.
    closed: Option<Ending>,
    /// The client is gone: writes fail from now on.
    gone: bool,
}

/// The queue and its two ends' wake-ups.
#[derive(Debug)]
pub struct Outbox {
    queue: Mutex<Queue>,
    limit: usize,
    overflow: Overflow,
    /// Wakes the sending task.
    ready: tokio::sync::Notify,
    /// Wakes a writer waiting for room.
    room: Condvar,
}

/// How a session ended: its exit status and what it said on standard error.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Ending {
    pub status: u32,
    pub stderr: Vec<u8>,
}

/// What the sending task takes next.
#[derive(Debug, PartialEq, Eq)]
pub enum Next {
    Send(Vec<u8>),
    /// Frames were dropped and everything else is sent: ask for a whole new screen.
    Repaint,
    /// The writer closed the queue and everything is sent (None: the client is gone).
    End(Option<Ending>),
}

impl Outbox {
    pub fn new(limit: usize, overflow: Overflow) -> Arc<Self> {
        Arc::new(Self {
            queue: Mutex::new(Queue::default()),
            limit,
            overflow,
            ready: tokio::sync::Notify::new(),
            room: Condvar::new(),
        })
    }

    fn lock(&self) -> MutexGuard<'_, Queue> {
        // Plain data: a panic elsewhere leaves it usable.
        self.queue.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Queues one whole chunk (a frame, a line, a command's output).
    pub fn push(&self, chunk: Vec<u8>) -> io::Result<()> {
        if chunk.is_empty() {
            return Ok(());
        }
        let mut queue = self.lock();
        loop {
            if queue.gone {
                return Err(io::Error::from(io::ErrorKind::BrokenPipe));
            }
            if self.has_room(&queue, chunk.len()) {
                break;
            }
            match self.overflow {
                Overflow::Repaint => {
                    queue.chunks.clear();
                    queue.bytes = 0;
                    if !std::mem::replace(&mut queue.dropped, true) {
                        // Once a time, not once a frame: the log must not grow with a
                        // client that never reads.
                        eprintln!(
                            "herald serve: a client reads too slowly: frames dropped; its \
                             screen is drawn again whole once it catches up"
                        );
                    }
                    return Ok(());
                }
                Overflow::Wait => {
                    queue = self
                        .room
                        .wait(queue)
                        .unwrap_or_else(PoisonError::into_inner);
                }
            }
        }
        self.enqueue(queue, chunk);
        Ok(())
    }

    /// Queues `chunk` if there is room for it now, else drops it: for what the connection's
    /// own task writes (the echo of typing), which must never wait.
    pub fn try_push(&self, chunk: Vec<u8>) {
        if chunk.is_empty() {
            return;
        }
        let queue = self.lock();
        if queue.gone || !self.has_room(&queue, chunk.len()) {
            return;
        }
        self.enqueue(queue, chunk);
    }

    /// Whether a chunk of `len` bytes fits now. An empty queue takes any chunk, however big:
    /// there is no other way to send it.
    fn has_room(&self, queue: &Queue, len: usize) -> bool {
        queue.bytes == 0 || queue.bytes + len <= self.limit
    }

    /// Adds `chunk` to the queue held by `queue` and wakes the sending task.
    fn enqueue(&self, mut queue: MutexGuard<'_, Queue>, chunk: Vec<u8>) {
        queue.bytes += chunk.len();
        queue.chunks.push_back(chunk);
        drop(queue);
        self.ready.notify_one();
    }

    /// The writer is done.
    pub fn close(&self, ending: Ending) {
        self.lock().closed = Some(ending);
        self.ready.notify_one();
    }

    /// The client is gone: a writer waiting for room, and every later write, fails.
    pub fn hang_up(&self) {
        let mut queue = self.lock();
        queue.gone = true;
        queue.chunks.clear();
        queue.bytes = 0;
        drop(queue);
        self.room.notify_all();
        self.ready.notify_one();
    }

    /// Bytes waiting (for tests and the log).
    pub fn waiting(&self) -> usize {
        self.lock().bytes
    }

    /// What to send next, without waiting; None when there is nothing yet.
    pub fn try_next(&self) -> Option<Next> {
        let mut queue = self.lock();
        if let Some(chunk) = queue.chunks.pop_front() {
            queue.bytes -= chunk.len();
            drop(queue);
            self.room.notify_all();
            return Some(Next::Send(chunk));
        }
        if queue.gone {
            return Some(Next::End(None));
        }
        if let Some(ending) = queue.closed.take() {
            // Taken once: the task ends on it.
            queue.gone = true;
            return Some(Next::End(Some(ending)));
        }
        if std::mem::take(&mut queue.dropped) {
            return Some(Next::Repaint);
        }
        None
    }

    /// What to send next, once there is something.
    pub async fn next(&self) -> Next {
        loop {
            // Registered before looking, so a push between the look and the wait is not lost.
            let notified = self.ready.notified();
            if let Some(next) = self.try_next() {
                return next;
            }
            notified.await;
        }
    }
}

/// The session thread's end: collects what is written and queues it whole on each flush.
#[derive(Debug)]
pub struct Writer {
    outbox: Arc<Outbox>,
    pending: Vec<u8>,
}

impl Writer {
    pub fn new(outbox: Arc<Outbox>) -> Self {
        Self {
            outbox,
            pending: Vec::new(),
        }
    }
}

impl io::Write for Writer {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        self.pending.extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        self.outbox.push(std::mem::take(&mut self.pending))
    }
}

impl Drop for Writer {
    /// Whatever was written and not flushed still goes.
    fn drop(&mut self) {
        let _ = self.outbox.push(std::mem::take(&mut self.pending));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    #[test]
    fn a_full_queue_of_frames_is_dropped_whole_and_a_repaint_asked_for_once_sent() {
        let outbox = Outbox::new(10, Overflow::Repaint);
        outbox.push(b"frame-1".to_vec()).unwrap();
        // Does not fit: it and everything waiting go.
        outbox.push(b"frame-2".to_vec()).unwrap();
        assert_eq!(outbox.waiting(), 0);
        outbox.push(b"frame-3".to_vec()).unwrap();
        assert_eq!(outbox.try_next(), Some(Next::Send(b"frame-3".to_vec())));
        assert_eq!(outbox.try_next(), Some(Next::Repaint));
        assert_eq!(outbox.try_next(), None);
        outbox.close(Ending::default());
        assert_eq!(outbox.try_next(), Some(Next::End(Some(Ending::default()))));
    }

    #[test]
    fn a_chunk_bigger_than_the_limit_still_goes_when_nothing_waits() {
        let outbox = Outbox::new(4, Overflow::Repaint);
        outbox.push(b"a whole big frame".to_vec()).unwrap();
        assert_eq!(outbox.waiting(), 17);
    }

    #[test]
    fn text_waits_for_room_and_fails_once_the_client_is_gone() {
        let outbox = Outbox::new(4, Overflow::Wait);
        outbox.push(b"1234".to_vec()).unwrap();
        let writer = {
            let outbox = outbox.clone();
            std::thread::spawn(move || outbox.push(b"5678".to_vec()))
        };
        // The second waits until the first is taken; nothing is dropped.
        while outbox.try_next() != Some(Next::Send(b"1234".to_vec())) {}
        writer.join().unwrap().unwrap();
        assert_eq!(outbox.try_next(), Some(Next::Send(b"5678".to_vec())));
        outbox.push(b"abcd".to_vec()).unwrap();
        let blocked = {
            let outbox = outbox.clone();
            std::thread::spawn(move || outbox.push(b"efgh".to_vec()))
        };
        outbox.hang_up();
        assert!(blocked.join().unwrap().is_err());
        assert_eq!(outbox.try_next(), Some(Next::End(None)));
    }

    #[test]
    fn an_echo_that_does_not_fit_is_dropped_and_never_waits() {
        let outbox = Outbox::new(4, Overflow::Wait);
        outbox.push(b"1234".to_vec()).unwrap();
        // Full: dropped at once, on this thread, with what waits kept whole.
        outbox.try_push(b"x".to_vec());
        assert_eq!(outbox.try_next(), Some(Next::Send(b"1234".to_vec())));
        assert_eq!(outbox.try_next(), None);
        outbox.try_push(b"ab".to_vec());
        assert_eq!(outbox.try_next(), Some(Next::Send(b"ab".to_vec())));
    }

    #[test]
    fn the_writer_queues_on_flush_and_on_drop() {
        let outbox = Outbox::new(100, Overflow::Repaint);
        let mut writer = Writer::new(outbox.clone());
        writer.write_all(b"abc").unwrap();
        assert_eq!(outbox.waiting(), 0);
        writer.flush().unwrap();
        writer.write_all(b"de").unwrap();
        drop(writer);
        assert_eq!(outbox.try_next(), Some(Next::Send(b"abc".to_vec())));
        assert_eq!(outbox.try_next(), Some(Next::Send(b"de".to_vec())));
    }
}
