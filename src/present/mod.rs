//! What people see and use: the full-screen [`reader`], [`plain`] mode for screen readers and
//! braille displays, the one-shot [`commands`] (`list`, `show`, `check`, `state compact`) and
//! [`feeds`] (`herald feeds ...`), with the [`packaging`] extras, the [`loading`] notice, the
//! wrapping of [`notice`]s, desktop notifications through the terminal ([`notify`]), the
//! headless [`watch`], which prints what arrives as lines, and the reader served over SSH
//! ([`serve`]).

pub mod brief;
pub mod commands;
pub mod feeds;
pub mod fetch;
pub mod json;
pub mod loading;
pub mod mark;
pub mod notes;
pub mod notice;
pub mod notify;
pub mod packaging;
pub mod plain;
pub mod reader;
pub mod serve;
pub mod watch;
