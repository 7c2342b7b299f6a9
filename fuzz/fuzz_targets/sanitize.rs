//! Any string: sanitised text is inert, stable under a second pass, and wraps within its width.
#![no_main]

use herald::text::{display_width, is_inert, sanitize_line, sanitize_text, wrap::wrap_paragraph};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|input: &str| {
    let text = sanitize_text(input);
    assert!(is_inert(&text));
    assert_eq!(sanitize_text(&text), text);
    let line = sanitize_line(input);
    assert!(is_inert(&line) && !line.contains('\n'));
    for width in [herald::text::wrap::MIN_WRAP_WIDTH, 7, 40] {
        for wrapped in wrap_paragraph(&line, width) {
            assert!(display_width(&wrapped) <= width);
        }
    }
});
