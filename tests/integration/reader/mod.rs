//! The full-screen reader's tests, as one binary: update and keymap behaviour, TestBackend
//! snapshots, flows through the real run loop, and end-to-end runs of the binary in a pty.

pub mod banner;
pub mod bytes;
pub mod config;
pub mod flow;
pub mod links;
pub mod live;
pub mod notes;
pub mod notify;
pub mod opener;
pub mod prompt;
pub mod pty;
pub mod render;
pub mod state;
pub mod support;
pub mod text;
pub mod update;
