//! Saying that stores are loading, when it takes long enough to wonder: a first start on a big
//! store indexes it (a million articles take a couple of seconds). Nothing is said when
//! loading is quick, which is almost always.

use std::io::Write;
use std::sync::mpsc::{Receiver, RecvTimeoutError};
use std::time::Duration;

use crate::engine::store::Progress;

/// How the notice is written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Style {
    /// A count that updates in place (carriage return, then erased): for a terminal that the
    /// full-screen reader is about to take over.
    Live,
    /// One line, no escape sequences, said once: plain mode and anything not a terminal. On a
    /// terminal of `width` columns the line is wrapped between words (see [`super::notice`]).
    OneLine { width: Option<usize> },
}

/// When the notice is written.
#[derive(Clone, Copy, Debug)]
pub struct Timing {
    /// Nothing is said if loading ends before this.
    pub first_after: Duration,
    /// How often a live count is updated.
    pub every: Duration,
}

impl Timing {
    /// A quarter of a second before the full-screen reader says anything.
    pub const READER: Self = Self {
        first_after: Duration::from_millis(250),
        every: Duration::from_millis(200),
    };
    /// A second before plain mode does, as its users asked: every line is read aloud.
    pub const PLAIN: Self = Self {
        first_after: Duration::from_secs(1),
        every: Duration::from_secs(1),
    };
}

impl Style {
    fn timing(self) -> Timing {
        match self {
            Self::Live => Timing::READER,
            Self::OneLine { .. } => Timing::PLAIN,
        }
    }
}

/// Runs `load` (which counts what it reads in the progress it is given) while a notice thread
/// writes to `out` in `style`; returns once the notice has erased itself, so whatever is
/// written next starts on a clean line.
pub fn with_notice<T>(
    style: Style,
    out: &mut (impl Write + Send),
    load: impl FnOnce(&Progress) -> T,
) -> T {
    let progress = Progress::default();
    let (finished, done) = std::sync::mpsc::channel::<()>();
    std::thread::scope(|scope| {
        let counted = &progress;
        let notice = scope.spawn(move || notice(counted, &done, style, style.timing(), out));
        let loaded = load(&progress);
        drop(finished);
        let _ = notice.join();
        loaded
    })
}

/// Writes the notice to `out` until `done` is signalled (a message, or its sender dropped).
pub fn notice(
    progress: &Progress,
    done: &Receiver<()>,
    style: Style,
    timing: Timing,
    out: &mut impl Write,
) {
    if !still_loading(done, timing.first_after) {
        return;
    }
    // Failures to write are ignored: the notice is a courtesy, and the load goes on.
    if let Style::OneLine { width } = style {
        let text = format!(
            "herald: loading stores ({} articles so far); the first start on a big store takes a moment",
            grouped(progress.articles())
        );
        let _ = writeln!(out, "{}", super::notice::wrapped(&text, width));
        let _ = out.flush();
        return;
    }
    loop {
        let _ = write!(
            out,
            "\rherald: loading stores: {} articles",
            grouped(progress.articles())
        );
        let _ = out.flush();
        if !still_loading(done, timing.every) {
            break;
        }
    }
    // Erase the line, so nothing is left behind the reader's screen or after it.
    let _ = write!(out, "\r\x1b[K");
    let _ = out.flush();
}

fn still_loading(done: &Receiver<()>, wait: Duration) -> bool {
    matches!(done.recv_timeout(wait), Err(RecvTimeoutError::Timeout))
}

/// `1234567` as `1,234,567`.
fn grouped(number: usize) -> String {
    let digits = number.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, digit) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(digit);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::{Arc, Mutex, mpsc};
    use std::time::Instant;

    /// A writer the test can read while the notice is still writing.
    #[derive(Clone, Default)]
    struct Shared(Arc<Mutex<Vec<u8>>>);

    impl Write for Shared {
        fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
            self.0.lock().expect("lock").extend_from_slice(bytes);
            Ok(bytes.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    impl Shared {
        fn text(&self) -> String {
            String::from_utf8_lossy(&self.0.lock().expect("lock")).into_owned()
        }
    }

    const QUICK: Timing = Timing {
        first_after: Duration::ZERO,
        every: Duration::from_millis(1),
    };

    /// Runs the notice on a thread until `until(text)` holds, then ends the load.
    fn run(style: Style, timing: Timing, until: fn(&str) -> bool) -> String {
        let progress = Progress::default();
        progress.add(1_234_567);
        let (finished, done) = mpsc::channel();
        let out = Shared::default();
        let mut writer = out.clone();
        let (counted, shown) = (progress.clone(), out.clone());
        let thread =
            std::thread::spawn(move || notice(&counted, &done, style, timing, &mut writer));
        let deadline = Instant::now() + Duration::from_secs(10);
        while !until(&shown.text()) {
            assert!(Instant::now() < deadline, "never wrote: {:?}", shown.text());
            std::thread::sleep(Duration::from_millis(1));
        }
        drop(finished);
        thread.join().expect("notice thread");
        out.text()
    }

    #[test]
    fn a_quick_load_says_nothing() {
        let slow = Timing {
            first_after: Duration::from_secs(60),
            ..QUICK
        };
        let text = run(Style::Live, slow, |_| true);
        assert_eq!(text, "");
    }

    #[test]
    fn a_live_count_updates_in_place_and_is_erased() {
        let text = run(Style::Live, QUICK, |text| text.matches('\r').count() >= 2);
        assert!(
            text.starts_with("\rherald: loading stores: 1,234,567 articles"),
            "{text:?}"
        );
        assert!(text.ends_with("\r\x1b[K"), "{text:?}");
        assert!(!text.contains('\n'), "{text:?}");
    }

    #[test]
    fn plain_mode_gets_one_line_without_escape_sequences() {
        let text = run(Style::OneLine { width: None }, QUICK, |text| {
            text.ends_with('\n')
        });
        assert_eq!(text.lines().count(), 1, "{text:?}");
        assert!(text.contains("1,234,567 articles so far"), "{text:?}");
        assert!(!text.contains(['\r', '\x1b']), "{text:?}");
        // On a narrow terminal: between words.
        let narrow = run(Style::OneLine { width: Some(30) }, QUICK, |text| {
            text.ends_with("moment\n")
        });
        assert!(
            narrow.lines().all(|l| l.chars().count() <= 30),
            "{narrow:?}"
        );
        assert!(
            narrow.contains("(1,234,567 articles so far);"),
            "{narrow:?}"
        );
    }

    #[test]
    fn a_load_under_a_notice_gives_its_result_and_a_quick_one_says_nothing() {
        let mut out = Vec::new();
        let loaded = with_notice(Style::Live, &mut out, |progress| {
            progress.add(3);
            progress.articles()
        });
        assert_eq!(loaded, 3);
        assert!(out.is_empty(), "{out:?}");
    }

    #[test]
    fn numbers_are_grouped_by_thousands() {
        assert_eq!(grouped(0), "0");
        assert_eq!(grouped(999), "999");
        assert_eq!(grouped(1000), "1,000");
        assert_eq!(grouped(1_234_567), "1,234,567");
    }
}
