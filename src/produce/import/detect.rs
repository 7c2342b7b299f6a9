//! Telling what an input is from its content alone (file names lie, and stdin has none).

/// What an input turned out to be.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum InputFormat {
    /// XML whose root element is `rss` (0.9x, 2.0), `rdf:RDF` (RSS 1.0) or `feed` (Atom).
    XmlFeed,
    /// JSON that Herald's store reader understands: a JSON Feed (1.0, 1.1) or a native store.
    HeraldJson,
    /// Anything else: a saved plain-text page.
    TextPage,
}

/// Decides the format, or says why the input cannot be imported.
pub fn detect(bytes: &[u8]) -> Result<InputFormat, String> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let start = bytes
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .map_or(&[][..], |i| &bytes[i..]);
    match start.first() {
        None => Err("the input is empty".to_owned()),
        Some(b'<') => match xml_root(start) {
            Some(root) if matches!(local_name(&root), "rss" | "RDF" | "feed") => {
                Ok(InputFormat::XmlFeed)
            }
            Some(root) => Err(format!(
                "it is XML with root element <{root}>, not a feed \
                 (expected <rss>, <rdf:RDF> or <feed>)"
            )),
            None => Err("it starts like XML but has no root element".to_owned()),
        },
        Some(b'{' | b'[') => detect_json(start),
        Some(_) => Ok(InputFormat::TextPage),
    }
}

fn detect_json(bytes: &[u8]) -> Result<InputFormat, String> {
    let value: serde_json::Value = serde_json::from_slice(bytes).map_err(|e| {
        format!(
            "it is not valid JSON (line {}, column {}: {e})",
            e.line(),
            e.column()
        )
    })?;
    let is_feed = value
        .get("version")
        .and_then(serde_json::Value::as_str)
        .is_some_and(crate::engine::store::parse::is_json_feed_version);
    if is_feed || value.is_array() || value.get("articles").is_some() {
        Ok(InputFormat::HeraldJson)
    } else {
        Err(
            "it is JSON but neither a JSON Feed (no jsonfeed.org \"version\") nor a Herald \
             store (no \"articles\")"
                .to_owned(),
        )
    }
}

/// The name of the first element, skipping the XML declaration, comments, processing
/// instructions and a DOCTYPE.
fn xml_root(bytes: &[u8]) -> Option<String> {
    let text = String::from_utf8_lossy(&bytes[..bytes.len().min(64 * 1024)]);
    let mut rest: &str = &text;
    loop {
        rest = rest.trim_start();
        if let Some(after) = rest.strip_prefix("<!--") {
            rest = &after[after.find("-->")? + 3..];
        } else if let Some(after) = rest.strip_prefix("<!DOCTYPE") {
            // An internal subset (`[<!ENTITY ...>]`) holds `>`s of its own.
            let end = match (after.find('['), after.find('>')) {
                (Some(open), Some(close)) if open < close => {
                    let subset_end = open + after[open..].find(']')?;
                    subset_end + after[subset_end..].find('>')?
                }
                (_, close) => close?,
            };
            rest = &after[end + 1..];
        } else if rest.starts_with("<?") || rest.starts_with("<!") {
            rest = &rest[rest.find('>')? + 1..];
        } else if let Some(after) = rest.strip_prefix('<') {
            let end = after
                .find(|c: char| c.is_whitespace() || c == '>' || c == '/')
                .unwrap_or(after.len());
            let name = &after[..end];
            return (!name.is_empty()).then(|| crate::text::sanitize_line(name).into_owned());
        } else {
            return None;
        }
    }
}

/// `rdf:RDF` -> `RDF`.
fn local_name(name: &str) -> &str {
    name.rsplit(':').next().unwrap_or(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_are_told_apart_by_content() {
        use InputFormat::*;
        for (input, expected) in [
            (
                "<?xml version=\"1.0\"?>\n<rss version=\"2.0\"><channel/></rss>",
                XmlFeed,
            ),
            (
                "\u{FEFF}<!-- c --><!DOCTYPE x><feed xmlns=\"http://www.w3.org/2005/Atom\"/>",
                XmlFeed,
            ),
            (
                "<!DOCTYPE rss [<!ENTITY a \"b\"> <!ENTITY c \">\">]>\n<rss version=\"2.0\"/>",
                XmlFeed,
            ),
            ("<rdf:RDF xmlns:rdf=\"x\"></rdf:RDF>", XmlFeed),
            (
                "  {\"version\": \"https://jsonfeed.org/version/1.1\", \"items\": []}",
                HeraldJson,
            ),
            ("{\"name\": \"x\", \"articles\": []}", HeraldJson),
            ("[]", HeraldJson),
            (
                "Accessibility links\n\nTitle - 2002-07-28\n\nText.",
                TextPage,
            ),
        ] {
            assert_eq!(detect(input.as_bytes()), Ok(expected), "{input}");
        }
    }

    #[test]
    fn what_cannot_be_imported_says_why() {
        for (input, expected) in [
            ("", "empty"),
            ("  \n", "empty"),
            ("<!DOCTYPE html><html><body/></html>", "root element <html>"),
            ("<!-- never closed", "no root element"),
            ("{\"title\": \"x\"}", "neither a JSON Feed"),
            ("{\"version\": ", "not valid JSON (line 1"),
        ] {
            let error = detect(input.as_bytes()).unwrap_err();
            assert!(error.contains(expected), "{input:?}: {error}");
        }
    }
}
