//! Reading JSON stores: native files, JSON Feeds and JSON Lines, from files, folders or the
//! built-in sample. Only reads; never writes a store. Knows nothing of terminals.

pub mod cache;
pub mod diagnostic;
mod fields;
pub mod index;
pub mod library;
pub mod model;
mod object;
pub mod parse;
pub mod scan;
mod search;
pub mod source;
mod table;

pub use diagnostic::{Diagnostic, Position, Severity};
pub use library::{ArticleIndex, Library, LoadMode, Progress};
pub use model::{Article, ArticleDetail, Headline, StoreId, StoreInfo};
pub use parse::{FileKind, Format, parse_file};
pub use source::{SAMPLE_FILES, SAMPLE_FOLDER, StoreSource};
