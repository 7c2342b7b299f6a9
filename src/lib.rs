//! Herald: a terminal news reader for local JSON stores.
//!
//! `store` reads stores, `text` neutralises and lays out their text, `commands` prints them.
//! The binary (`main.rs`) is a thin layer over these modules, so tests and benchmarks use the
//! same code the user runs.

pub mod app;
pub mod cli;
pub mod commands;
pub mod config;
pub mod import;
pub mod live;
pub mod loading;
pub mod packaging;
pub mod paths;
pub mod plain;
pub mod reader;
pub mod setup;
pub mod state;
pub mod store;
pub mod term;
pub mod text;
pub mod ui;
pub mod view;
