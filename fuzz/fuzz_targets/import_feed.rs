//! Any bytes, imported as `herald import` would (gzip, UTF-16/32, RSS, Atom, JSON Feed, saved
//! page): parsing must return articles or a reason, never panic; every article must have a
//! non-empty id and title and inert text; and the store an import would write must be one
//! the store reader accepts whole (no import writes what `check` rejects).
#![no_main]

use herald::engine::store::{FileKind, parse_file};
use herald::produce::import::{Overrides, parse_input};
use herald::text::is_inert;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(imported) = parse_input("fuzz.xml", data, &Overrides::default()) else {
        return;
    };
    for warning in &imported.warnings {
        assert!(is_inert(warning), "{warning:?}");
    }
    let mut seen = std::collections::HashSet::new();
    let mut unique = Vec::new();
    for article in &imported.articles {
        assert!(!article.id.is_empty() && !article.title.is_empty(), "{article:?}");
        assert!(is_inert(&article.id) && is_inert(&article.title));
        assert!(article.body.as_deref().is_none_or(is_inert));
        if seen.insert(article.id.clone()) {
            unique.push(article);
        }
    }
    let store = serde_json::json!({ "name": "fuzz", "articles": unique });
    let bytes = serde_json::to_vec(&store).expect("articles serialise");
    let parsed = parse_file("fuzz.json", &bytes, FileKind::Json);
    let problems: Vec<String> = parsed.diagnostics.iter().map(ToString::to_string).collect();
    assert!(
        parsed.diagnostics.is_empty() && parsed.articles.len() == unique.len(),
        "the reader rejects what import wrote: {problems:?}"
    );
});
