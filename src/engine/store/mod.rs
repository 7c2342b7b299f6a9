//! Reading JSON stores: native files, JSON Feeds and JSON Lines, from files, folders or the
//! built-in sample. Only reads; never writes a store. Knows nothing of terminals.

pub mod cache;
pub(crate) mod cores;
pub mod diagnostic;
mod fields;
pub mod index;
pub mod model;
mod object;
pub mod parse;
pub mod place;
pub mod progress;
pub mod scan;
pub mod source;
pub(crate) mod table;

pub use diagnostic::{Diagnostic, Locator, Position, Severity};
pub use model::{Article, ArticleDetail, Headline, StoreId, StoreInfo};
pub use parse::{FileKind, Format, Keep, parse_file, parse_file_keeping};
pub use progress::Progress;
pub use source::{SAMPLE_FILES, SAMPLE_FOLDER, StoreSource};
