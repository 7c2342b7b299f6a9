//! Text handling shared by every output: sanitising untrusted store text, dates, and layout by
//! display width. Nothing here knows about terminals or widgets.

pub mod blocks;
pub mod date;
pub mod html;
pub mod ids;
pub mod sanitize;
pub mod wrap;

pub use date::Published;
pub use sanitize::{is_inert, sanitize_line, sanitize_text};
pub use wrap::{display_width, truncate_to_width, wrap_body};
