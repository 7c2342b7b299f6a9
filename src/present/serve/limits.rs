//! What one server allows: how many connections in all and from one address, and how many
//! authentication attempts an address may make in a while. Pure bookkeeping with the time
//! passed in, so the rules are tested without a clock or a socket.

use std::collections::{HashMap, VecDeque};
use std::net::IpAddr;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

/// The limits a server runs with (`herald serve --help` names the flags).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    /// Open connections, from everyone together.
    pub max_sessions: usize,
    /// Open connections from one address.
    pub max_per_address: usize,
    /// A connection that sends nothing for this long is closed.
    pub idle_timeout: Duration,
    /// A connection not authenticated within this time is closed.
    pub auth_timeout: Duration,
    /// Authentication attempts one address may make per [`AUTH_WINDOW`].
    pub auth_attempts: usize,
    /// Bytes of frames waiting for a client that reads slowly; past this, the frames waiting
    /// are dropped and the screen is drawn again whole once the client has caught up.
    pub output_buffer: usize,
}

/// The window the auth attempts are counted in.
pub const AUTH_WINDOW: Duration = Duration::from_secs(60);

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_sessions: 256,
            max_per_address: 16,
            idle_timeout: Duration::from_secs(30 * 60),
            auth_timeout: Duration::from_secs(30),
            auth_attempts: 30,
            output_buffer: 256 * 1024,
        }
    }
}

/// Why a connection was turned away at the door.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Refusal {
    Full,
    TooManyFromAddress,
    TooManyAuthAttempts,
}

impl std::fmt::Display for Refusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Refusal::Full => "the server is full",
            Refusal::TooManyFromAddress => "too many connections from this address",
            Refusal::TooManyAuthAttempts => "too many authentication attempts from this address",
        })
    }
}

/// The counts behind [`Limits`].
#[derive(Debug, Default)]
pub struct Book {
    open: usize,
    by_address: HashMap<IpAddr, usize>,
    attempts: HashMap<IpAddr, VecDeque<Instant>>,
}

impl Book {
    /// Takes a connection from `address` in, or says why not.
    pub fn admit(&mut self, limits: &Limits, address: IpAddr, now: Instant) -> Result<(), Refusal> {
        if self.recent_attempts(address, now) >= limits.auth_attempts {
            return Err(Refusal::TooManyAuthAttempts);
        }
        if self.open >= limits.max_sessions {
            return Err(Refusal::Full);
        }
        let from_here = self.by_address.entry(address).or_default();
        if *from_here >= limits.max_per_address {
            return Err(Refusal::TooManyFromAddress);
        }
        *from_here += 1;
        self.open += 1;
        Ok(())
    }

    /// A connection admitted from `address` has ended.
    pub fn leave(&mut self, address: IpAddr) {
        self.open = self.open.saturating_sub(1);
        if let Some(from_here) = self.by_address.get_mut(&address) {
            *from_here -= 1;
            if *from_here == 0 {
                self.by_address.remove(&address);
            }
        }
    }

    /// Counts one authentication attempt; false when the address has made too many lately
    /// (the attempt is then refused without being looked at).
    pub fn attempt(&mut self, limits: &Limits, address: IpAddr, now: Instant) -> bool {
        if self.recent_attempts(address, now) >= limits.auth_attempts {
            return false;
        }
        self.attempts.entry(address).or_default().push_back(now);
        true
    }

    /// Open connections.
    pub fn open(&self) -> usize {
        self.open
    }

    /// Attempts from `address` within the window; forgets older ones (and addresses with
    /// none left, so the table cannot grow with every address that ever knocked).
    fn recent_attempts(&mut self, address: IpAddr, now: Instant) -> usize {
        let Some(times) = self.attempts.get_mut(&address) else {
            return 0;
        };
        while times
            .front()
            .is_some_and(|&t| now.saturating_duration_since(t) >= AUTH_WINDOW)
        {
            times.pop_front();
        }
        let count = times.len();
        if count == 0 {
            self.attempts.remove(&address);
        }
        count
    }
}

/// The book shared by every connection of one server.
#[derive(Clone, Debug, Default)]
pub struct Shared(Arc<Mutex<Book>>);

impl Shared {
    pub fn with<T>(&self, f: impl FnOnce(&mut Book) -> T) -> T {
        // The book is counts only: one a panic left half-updated is still usable.
        f(&mut self.0.lock().unwrap_or_else(PoisonError::into_inner))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn limits() -> Limits {
        Limits {
            max_sessions: 3,
            max_per_address: 2,
            auth_attempts: 2,
            ..Limits::default()
        }
    }

    fn ip(last: u8) -> IpAddr {
        IpAddr::from([10, 0, 0, last])
    }

    #[test]
    fn connections_are_limited_in_all_and_per_address_and_leaving_frees_a_place() {
        let (limits, now) = (limits(), Instant::now());
        let mut book = Book::default();
        assert_eq!(book.admit(&limits, ip(1), now), Ok(()));
        assert_eq!(book.admit(&limits, ip(1), now), Ok(()));
        assert_eq!(
            book.admit(&limits, ip(1), now),
            Err(Refusal::TooManyFromAddress)
        );
        assert_eq!(book.admit(&limits, ip(2), now), Ok(()));
        assert_eq!(book.admit(&limits, ip(3), now), Err(Refusal::Full));
        book.leave(ip(1));
        assert_eq!(book.open(), 2);
        assert_eq!(book.admit(&limits, ip(3), now), Ok(()));
        for address in [ip(1), ip(2), ip(3)] {
            book.leave(address);
        }
        assert_eq!(book.open(), 0);
        assert!(book.by_address.is_empty());
    }

    #[test]
    fn auth_attempts_are_limited_per_address_within_the_window() {
        let (limits, start) = (limits(), Instant::now());
        let mut book = Book::default();
        assert!(book.attempt(&limits, ip(1), start));
        assert!(book.attempt(&limits, ip(1), start));
        assert!(!book.attempt(&limits, ip(1), start));
        // Another address is not held back, and the door closes to the busy one.
        assert!(book.attempt(&limits, ip(2), start));
        assert_eq!(
            book.admit(&limits, ip(1), start),
            Err(Refusal::TooManyAuthAttempts)
        );
        // After the window the attempts are forgotten.
        let later = start + AUTH_WINDOW;
        assert!(book.attempt(&limits, ip(1), later));
        assert_eq!(book.admit(&limits, ip(1), later), Ok(()));
    }
}
