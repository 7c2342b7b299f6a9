//! Herald: a terminal news reader for local JSON stores.
//!
//! The folders are the design, bottom to top:
//! - [`text`]: sanitising untrusted text, widths, wrapping, dates. Knows nothing else.
//! - [`engine`]: the stores and everything that touches them or the reader's state: reading
//!   store files, the library in memory, search, marks, watching for changes, and the runtime
//!   that carries out effects off the input thread.
//! - [`app`]: the reader as pure state: `Action` in, state changed, effects out. No I/O.
//! - [`produce`]: what writes stores (`herald import`).
//! - [`present`]: what people see: the full-screen reader, plain mode, one-shot commands.
//! - [`config`] and [`cli`]: what the user asked for, resolved before anything runs.
//! - [`paths`] and [`files`]: where Herald's own files live, and opening any file safely.

pub mod app;
pub mod cli;
pub mod config;
pub mod engine;
pub mod files;
pub mod paths;
pub mod present;
pub mod produce;
pub mod text;
