//! `herald serve`: the reader over SSH for people with no account on the machine.
//!
//! - [`access`]: the host key, the authorized keys, where each reader's marks live.
//! - [`keys`]: the client's bytes as Herald's keys.
//! - [`limits`]: how many connections, from where, and auth attempts.
//! - [`output`]: the bounded queue between a session and the client.
//! - [`exec`]: the commands an exec request may run.

pub mod access;
pub mod exec;
pub mod keys;
pub mod limits;
pub mod output;
