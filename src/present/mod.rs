//! What people see and use: the full-screen [`reader`], [`plain`] mode for screen readers and
//! braille displays, and the one-shot [`commands`] (`list`, `show`, `check`, `state compact`),
//! with the [`packaging`] extras and the [`loading`] notice.

pub mod commands;
pub mod loading;
pub mod packaging;
pub mod plain;
pub mod reader;
