//! The full-screen reader's tests, as one binary: update and keymap behaviour, TestBackend
//! snapshots, flows through the real run loop, and end-to-end runs of the binary in a pty.

#![allow(clippy::unwrap_used, clippy::expect_used)] // Tests fail loudly by design.

mod bytes;
mod config;
mod flow;
mod links;
mod live;
mod opener;
mod pty;
mod render;
mod state;
mod support;
mod update;
