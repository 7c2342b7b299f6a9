//! Any bytes, read as a JSON store and as JSON Lines: the loader must return articles or
//! diagnostics, never panic, and every article's text must be inert.
#![no_main]

use herald::engine::store::{FileKind, parse_file};
use herald::text::is_inert;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    for kind in [FileKind::Json, FileKind::JsonLines] {
        let file = parse_file("fuzz.json", data, kind);
        for article in &file.articles {
            assert!(is_inert(&article.id) && is_inert(&article.title) && is_inert(&article.detail.body));
        }
        for diagnostic in &file.diagnostics {
            assert!(is_inert(&diagnostic.to_string()));
        }
    }
});
