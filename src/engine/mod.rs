//! The engine every presenter sits on, bottom to top:
//! - [`store`]: reading store files (native, JSON Feed, JSON Lines), indexes and their cache;
//! - [`library`]: the stores in memory, as plain data; [`load`] builds one, and a reload
//!   builds the next from it, reading only what changed;
//! - [`stores`]: the one way to open stores (sources, names, cache), for every presenter;
//! - [`article`]: an article as structured text, read from its store and laid out;
//! - [`breaking`]: what makes an article breaking news (the stores' flags, the reader's rules)
//!   and for how long;
//! - [`search`], [`scope`] (articles sharing a section, author or tag), [`state`] (read and starred marks), [`watch`] (store files changing);
//! - [`hub`]: one library for many readers in one process (`herald serve`), read again once
//!   for all of them;
//! - [`runtime`]: where effects run, off the input thread, their results coming back as
//!   [`runtime::Done`] values; [`opener`] starts the link opener.

pub mod article;
pub mod breaking;
pub mod hub;
pub mod library;
mod load;
pub mod opener;
pub mod runtime;
pub mod scope;
pub mod search;
pub mod state;
pub mod store;
pub mod stores;
pub mod watch;

pub use library::{ArticleIndex, Library, LoadMode, Reading};
pub use store::Progress;
pub use stores::Stores;
