//! The bundled sample data: what it must contain, that it matches the documented schema, and
//! that the copy built into the binary is the folder in the repository.

use std::path::Path;

use herald::engine::store::{SAMPLE_FILES, StoreSource};

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn the_built_in_sample_is_the_sample_data_folder() {
    let mut on_disk: Vec<String> = std::fs::read_dir(root().join("sample-data"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    on_disk.sort();
    let built_in: Vec<&str> = SAMPLE_FILES.iter().map(|(name, _)| *name).collect();
    assert_eq!(
        on_disk, built_in,
        "update SAMPLE_FILES in src/store/source.rs"
    );
    for (name, bytes) in SAMPLE_FILES {
        assert_eq!(
            std::fs::read(root().join("sample-data").join(name)).unwrap(),
            *bytes,
            "{name}"
        );
    }
}

#[test]
fn the_sample_covers_what_the_reader_must_show() {
    let library = herald::engine::Stores::new(vec![StoreSource::Path(root().join("sample-data"))])
        .with_cache(None)
        .open();
    assert!(
        library.diagnostics().is_empty(),
        "{:?}",
        library.diagnostics()
    );
    assert!(library.len() >= 41, "{} articles", library.len());
    assert!(library.stores().len() >= 4);
    let first = herald::engine::article::read::article(&library, 0);
    assert_eq!(
        first.headline.title,
        "Russian Foreign Minister Arrives in North Korea"
    );
    assert_eq!(first.headline.published.unwrap().iso_date(), "2002-07-28");
    assert_eq!(first.headline.source, Some("VOA"));
    assert!(first.headline.breaking);
    assert_eq!(herald::text::wrap::paragraphs(&first.detail.body).len(), 9);
    let headlines: Vec<_> = library.headlines().collect();
    assert!(headlines.iter().filter(|h| h.breaking).count() >= 3);
    assert_eq!(
        headlines.iter().filter(|h| h.published.is_none()).count(),
        1
    );
    let years: std::collections::BTreeSet<i32> = headlines
        .iter()
        .filter_map(|h| h.published.map(|d| d.year))
        .collect();
    assert!(
        years.last().unwrap() - years.first().unwrap() >= 20,
        "{years:?}"
    );
    assert!(
        headlines.iter().any(|h| h.title.chars().count() > 200),
        "a very long title"
    );
    let all_text: String = (0..library.len())
        .map(|i| {
            herald::engine::article::read::article(&library, i)
                .detail
                .body
                .clone()
        })
        .collect();
    for (what, found) in [
        ("accents", all_text.contains('ü') || all_text.contains('ã')),
        (
            "CJK",
            all_text
                .chars()
                .any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)),
        ),
        (
            "right-to-left",
            all_text
                .chars()
                .any(|c| ('\u{0590}'..='\u{06ff}').contains(&c)),
        ),
        (
            "emoji",
            all_text
                .chars()
                .any(|c| ('\u{1f300}'..='\u{1faff}').contains(&c)),
        ),
    ] {
        assert!(found, "sample text has no {what}");
    }
    assert!(
        all_text.split("\n\n").any(|p| p.len() > 2000),
        "a very long paragraph"
    );
}

fn schema() -> jsonschema::Validator {
    let schema: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(root().join("docs/store.schema.json")).unwrap(),
    )
    .unwrap();
    jsonschema::draft202012::new(&schema).unwrap()
}

#[test]
fn the_sample_data_validates_against_the_published_schema() {
    let schema = schema();
    let raw: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(root().join("docs/store.schema.json")).unwrap(),
    )
    .unwrap();
    let article_schema = jsonschema::draft202012::new(&serde_json::json!({
        "$defs": raw["$defs"].clone(),
        "$ref": "#/$defs/article"
    }))
    .unwrap();
    for (name, bytes) in SAMPLE_FILES {
        let text = std::str::from_utf8(bytes).unwrap();
        if name.ends_with(".jsonl") {
            for (number, line) in text
                .lines()
                .enumerate()
                .filter(|(_, l)| !l.trim().is_empty())
            {
                let value: serde_json::Value = serde_json::from_str(line).unwrap();
                let errors: Vec<String> = article_schema
                    .iter_errors(&value)
                    .map(|e| e.to_string())
                    .collect();
                assert!(errors.is_empty(), "{name}:{}: {errors:?}", number + 1);
            }
        } else {
            let value: serde_json::Value = serde_json::from_str(text).unwrap();
            let errors: Vec<String> = schema.iter_errors(&value).map(|e| e.to_string()).collect();
            assert!(errors.is_empty(), "{name}: {errors:?}");
        }
    }
}

#[test]
fn the_schema_rejects_what_herald_rejects() {
    let schema = schema();
    for bad in [
        serde_json::json!({"articles": [{"title": "no id"}]}),
        serde_json::json!({"articles": [{"id": 5, "title": "numeric id"}]}),
        serde_json::json!([{"id": "a"}]),
        serde_json::json!({"name": "no articles"}),
        serde_json::json!([{"id": "a", "title": "t", "published": "yesterday"}]),
    ] {
        assert!(!schema.is_valid(&bad), "schema accepted {bad}");
    }
}
