//! Turning HTML article content (JSON Feed `content_html`, RSS descriptions) into plain text.

/// Very wide, so html2text keeps paragraphs on one line and Herald wraps them itself to the
/// width of whatever shows them.
const UNWRAPPED_WIDTH: usize = 100_000;

/// Converts HTML to plain text with paragraphs separated by blank lines. Links are kept as
/// numbered references listed after the text, so no address is lost. The result is untrusted
/// text like any other and is sanitised by the caller.
pub fn html_to_text(html: &str) -> String {
    match html2text::from_read(html.as_bytes(), UNWRAPPED_WIDTH) {
        Ok(text) => text.trim_end().to_owned(),
        // html2text only fails on I/O errors from the reader, which a byte slice cannot have;
        // falling back to the raw markup still loses nothing.
        Err(_) => html.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paragraphs_lists_entities_and_links_survive() {
        let text = html_to_text(
            "<p>First <em>para</em> &amp; more.</p><p>Second with \
             <a href=\"https://example.org/x\">a link</a>.</p><ul><li>one</li><li>two</li></ul>",
        );
        assert!(
            text.contains("First *para* & more.") || text.contains("First para & more."),
            "{text}"
        );
        assert!(text.contains("Second with"), "{text}");
        assert!(text.contains("https://example.org/x"), "{text}");
        assert!(text.contains("one") && text.contains("two"), "{text}");
        assert!(!text.contains('<'), "{text}");
    }
}
