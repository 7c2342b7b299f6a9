//! Every integration test, as one binary (one link, one run), as bottom and ripgrep do:
//! the one-shot commands, import, subscriptions (`feeds`), plain mode, the full-screen reader
//! (update, snapshots, flows through the real run loop, the binary in a pty), accessibility,
//! SSH (sshd, and `herald serve`'s own server), hostile input and the index cache. `common` holds the one sandbox and the one pty harness they share.

#![allow(clippy::unwrap_used, clippy::expect_used)] // Tests fail loudly by design.

mod common;

mod a11y;
mod breaking;
mod cli;
mod engine;
mod feeds;
mod fetch;
mod fetch_http;
mod hostile;
mod import;
mod index_cache;
mod plain;
mod properties;
mod reader;
mod real_feeds;
mod sample_data;
mod scripting;
mod serve;
mod special_files;
mod ssh;
mod store_enclosures;
mod watch;
