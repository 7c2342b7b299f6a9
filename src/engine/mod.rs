//! The engine every presenter sits on: store files read into a [`Library`], the reader's
//! [`state`], [`search`], [`watch`]ing store files for changes, and choosing which [`stores`]
//! to open.

pub mod library;
pub mod search;
pub mod state;
pub mod store;
pub mod stores;
pub mod watch;

pub use library::{ArticleIndex, Library, LoadMode};
pub use store::Progress;
