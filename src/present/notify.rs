//! Desktop notifications through the terminal, so that they cross SSH and tmux: when breaking
//! news arrives while Herald runs, a sequence the terminal turns into a notification on the
//! user's own desktop (OSC 9, OSC 777 or OSC 99), wrapped for tmux or screen when Herald runs
//! inside one.
//!
//! Pure: the environment is a lookup the caller passes in, and the [`Collector`] is told the
//! time rather than reading a clock, so every case is a table test. The presenter decides once
//! at start ([`plan`]), feeds arrivals to a [`Notifier`], waits until its [`Notifier::due`]
//! time and writes what [`Notifier::take`] gives it between frames.

#![deny(
    clippy::disallowed_methods,
    clippy::disallowed_types,
    clippy::disallowed_macros
)]

use std::ops::Add;
use std::time::Duration;

use unicode_segmentation::UnicodeSegmentation;

/// `notify = "off" | "auto" | "on"`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Setting {
    Off,
    /// On when the terminal is known to show notifications (see [`detect`]).
    #[default]
    Auto,
    On,
}

/// The escape sequence a terminal turns into a desktop notification (`notify_via`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Protocol {
    /// `OSC 9 ; text`: iTerm2, WezTerm, Ghostty, kitty, foot, Windows Terminal.
    Osc9,
    /// `OSC 777 ; notify ; title ; body`: urxvt, foot, VTE-based terminals with the patch.
    Osc777,
    /// `OSC 99 ; metadata ; payload`: kitty's own, with a title and a body.
    Osc99,
}

impl Protocol {
    pub const ALL: [Self; 3] = [Self::Osc9, Self::Osc777, Self::Osc99];

    /// Its name in the config file.
    pub fn name(self) -> &'static str {
        match self {
            Self::Osc9 => "osc9",
            Self::Osc777 => "osc777",
            Self::Osc99 => "osc99",
        }
    }
}

/// What Herald runs inside, which must be asked to pass the sequence on to the terminal.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Wrap {
    None,
    /// tmux's DCS passthrough (`allow-passthrough on`, tmux 3.3 and later).
    Tmux,
    /// GNU screen's DCS passthrough.
    Screen,
}

/// How notifications are sent, decided once at start.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Plan {
    pub protocol: Protocol,
    pub wrap: Wrap,
    /// A BEL after the notification (outside any wrapping, so tmux and screen see a bell too).
    pub bell: bool,
}

/// The terminal's notification protocol as the environment tells it, or None when it is not
/// known to show notifications. Over SSH only `TERM` and (with OpenSSH's default
/// `SendEnv LC_*`) `LC_TERMINAL` come along; inside tmux `TERM_PROGRAM` is `tmux`, so this may
/// not see the terminal at all (`notify = "on"` with `notify_via` then says it).
pub fn detect(env: impl Fn(&str) -> Option<String>) -> Option<Protocol> {
    let set = |name: &str| env(name).is_some_and(|v| !v.is_empty());
    let term = env("TERM").unwrap_or_default();
    if set("KITTY_WINDOW_ID") || term == "xterm-kitty" {
        return Some(Protocol::Osc99);
    }
    if matches!(
        env("TERM_PROGRAM").as_deref(),
        Some("iTerm.app" | "WezTerm" | "ghostty")
    ) || env("LC_TERMINAL").as_deref() == Some("iTerm2")
        || set("WT_SESSION")
        || term.starts_with("foot")
        || term == "xterm-ghostty"
        || term == "wezterm"
    {
        return Some(Protocol::Osc9);
    }
    if term.starts_with("rxvt") || set("VTE_VERSION") {
        return Some(Protocol::Osc777);
    }
    None
}

/// tmux when `TMUX` is set, else screen when `STY` is.
pub fn wrap_for(env: impl Fn(&str) -> Option<String>) -> Wrap {
    let set = |name: &str| env(name).is_some_and(|v| !v.is_empty());
    if set("TMUX") {
        Wrap::Tmux
    } else if set("STY") {
        Wrap::Screen
    } else {
        Wrap::None
    }
}

/// Whether and how to send notifications: `off` never; `auto` only when [`detect`] knows the
/// terminal; `on` always, with `via` or the detected protocol, else OSC 9. Never on a terminal
/// that prints OSC sequences it does not know (`TERM=dumb`, the Linux console: see
/// [`crate::present::reader::term::understands_osc`]).
pub fn plan(
    setting: Setting,
    via: Option<Protocol>,
    bell: bool,
    env: impl Fn(&str) -> Option<String>,
) -> Option<Plan> {
    if !crate::present::reader::term::understands_osc(env("TERM").as_deref()) {
        return None;
    }
    let detected = detect(&env);
    let protocol = match setting {
        Setting::Off => return None,
        Setting::Auto => via.or(Some(detected?)),
        Setting::On => via.or(detected).or(Some(Protocol::Osc9)),
    }?;
    Some(Plan {
        protocol,
        wrap: wrap_for(&env),
        bell,
    })
}

/// The longest one title may be inside a notification, in bytes (cut between characters).
pub const MAX_TITLE_BYTES: usize = 160;
/// The longest a notification's body may be, in bytes: a few titles. With the heading and the
/// wrapping the whole sequence stays well under screen's 768-byte string limit.
pub const MAX_BODY_BYTES: usize = 320;

/// What one notification says: `Breaking` and the title, or `3 breaking stories` and the
/// titles, newest first.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Notice {
    pub heading: String,
    pub body: String,
}

impl Notice {
    /// The notice for `count` stories whose titles (newest first) begin with `titles`; None
    /// for none. Titles are cleaned and cut (see [`clean`]).
    pub fn of(titles: &[String], count: usize) -> Option<Self> {
        let count = count.max(titles.len());
        let first = titles.first()?;
        if count == 1 {
            return Some(Self {
                heading: "Breaking".to_owned(),
                body: clean(first, MAX_TITLE_BYTES),
            });
        }
        let mut body = String::new();
        let mut shown = 0;
        for title in titles {
            let title = clean(title, MAX_TITLE_BYTES);
            let separator = if body.is_empty() { "" } else { ", " };
            // Room for ", ..." after it whenever more follow.
            let after = if shown + 1 < count { 5 } else { 0 };
            if !body.is_empty()
                && body.len() + separator.len() + title.len() + after > MAX_BODY_BYTES
            {
                break;
            }
            body.push_str(separator);
            body.push_str(&title);
            shown += 1;
        }
        if shown < count {
            body.push_str(", ...");
        }
        Some(Self {
            heading: format!("{count} breaking stories"),
            body,
        })
    }

    /// The notice as one line: `Breaking: <title>`, `3 breaking stories: <first>, ...`.
    pub fn text(&self) -> String {
        format!("{}: {}", self.heading, self.body)
    }
}

/// `text` made safe inside any of the sequences: store text is cleaned again as it is at load
/// (escape sequences, controls, bidi and invisible characters out; line breaks to spaces),
/// then every control character left (C0, DEL, C1 such as the 8-bit ST `0x9c`) goes too, so
/// nothing can end or split the sequence; `;` becomes `,` (OSC 777 splits its fields on it);
/// the result is cut to `max_bytes` between grapheme clusters, with `...` when cut.
pub fn clean(text: &str, max_bytes: usize) -> String {
    let line = crate::text::sanitize_line(text);
    let mut out: String = line
        .chars()
        .filter(|c| !c.is_control())
        .map(|c| if c == ';' { ',' } else { c })
        .collect();
    if out.trim().is_empty() {
        out = "(untitled)".to_owned();
    }
    if out.len() > max_bytes {
        let room = max_bytes.saturating_sub(3);
        let mut end = 0;
        for (at, grapheme) in out.grapheme_indices(true) {
            if at + grapheme.len() > room {
                break;
            }
            end = at + grapheme.len();
        }
        out.truncate(end);
        out.truncate(out.trim_end().len());
        out.push_str("...");
    }
    out
}

const ESC: u8 = 0x1b;
const BEL: u8 = 0x07;
/// `ESC \`, the string terminator.
const ST: &[u8] = b"\x1b\\";

/// The bytes of one notification, wrapped as `plan` says, with a BEL after when asked. `id`
/// tells OSC 99 notifications apart (its title and body are two sequences of one id).
pub fn sequence(plan: &Plan, notice: &Notice, id: u64) -> Vec<u8> {
    // Inside screen's passthrough an `ESC \` would end the wrapping: BEL ends the inner one.
    let end: &[u8] = match plan.wrap {
        Wrap::Screen => &[BEL],
        Wrap::None | Wrap::Tmux => ST,
    };
    let mut inner = Vec::new();
    match plan.protocol {
        Protocol::Osc9 => {
            inner.extend_from_slice(b"\x1b]9;");
            inner.extend_from_slice(notice.text().as_bytes());
            inner.push(BEL);
        }
        Protocol::Osc777 => {
            inner.extend_from_slice(b"\x1b]777;notify;");
            inner.extend_from_slice(notice.heading.as_bytes());
            inner.push(b';');
            inner.extend_from_slice(notice.body.as_bytes());
            inner.push(BEL);
        }
        Protocol::Osc99 => {
            inner.extend_from_slice(format!("\x1b]99;i=herald-{id}:d=0;").as_bytes());
            inner.extend_from_slice(notice.heading.as_bytes());
            inner.extend_from_slice(end);
            inner.extend_from_slice(format!("\x1b]99;i=herald-{id}:p=body;").as_bytes());
            inner.extend_from_slice(notice.body.as_bytes());
            inner.extend_from_slice(end);
        }
    }
    let mut out = wrap(plan.wrap, &inner);
    if plan.bell {
        out.push(BEL);
    }
    out
}

/// `inner` wrapped for tmux (`ESC P tmux;`, every ESC doubled, `ESC \`) or screen (`ESC P`,
/// as it is, `ESC \`).
pub fn wrap(wrap: Wrap, inner: &[u8]) -> Vec<u8> {
    match wrap {
        Wrap::None => inner.to_vec(),
        Wrap::Tmux => {
            let mut out = b"\x1bPtmux;".to_vec();
            for &byte in inner {
                if byte == ESC {
                    out.push(ESC);
                }
                out.push(byte);
            }
            out.extend_from_slice(ST);
            out
        }
        Wrap::Screen => {
            let mut out = b"\x1bP".to_vec();
            out.extend_from_slice(inner);
            out.extend_from_slice(ST);
            out
        }
    }
}

/// After a quiet spell, the first arrival waits this long for more (one write of three
/// stories is one notification, even when it reaches Herald as several reloads).
pub const GATHER: Duration = Duration::from_secs(2);
/// At most one notification this often: what arrives sooner is held, and sent as one.
pub const AT_MOST_EVERY: Duration = Duration::from_secs(60);
/// How many titles are held for one notification (the count goes on past them).
const HELD_TITLES: usize = 16;

/// Decides when to send: gathers arrivals, at most one notification a minute. Time is
/// whatever the caller measures it in (`Instant` in the reader, `Duration` in tests).
#[derive(Clone, Debug)]
pub struct Collector<T> {
    /// Titles held, newest first.
    titles: Vec<String>,
    /// How many stories are held (titles past [`HELD_TITLES`] are only counted).
    count: usize,
    due: Option<T>,
    last_sent: Option<T>,
}

impl<T> Default for Collector<T> {
    fn default() -> Self {
        Self {
            titles: Vec::new(),
            count: 0,
            due: None,
            last_sent: None,
        }
    }
}

impl<T: Copy + Ord + Add<Duration, Output = T>> Collector<T> {
    /// Breaking stories arrived at `now` (titles newest first).
    pub fn arrive(&mut self, titles: &[String], now: T) {
        if titles.is_empty() {
            return;
        }
        // Newer than everything held: in front.
        let mut held: Vec<String> = titles.iter().take(HELD_TITLES).cloned().collect();
        held.append(&mut self.titles);
        held.truncate(HELD_TITLES);
        self.titles = held;
        self.count += titles.len();
        if self.due.is_none() {
            let gathered = now + GATHER;
            self.due = Some(match self.last_sent {
                Some(sent) => gathered.max(sent + AT_MOST_EVERY),
                None => gathered,
            });
        }
    }

    /// When the held stories are to be sent; None when nothing is held.
    pub fn due(&self) -> Option<T> {
        self.due
    }

    /// The notice to send at `now`, if one is due.
    pub fn take(&mut self, now: T) -> Option<Notice> {
        if self.due.is_none_or(|due| now < due) {
            return None;
        }
        self.due = None;
        let notice = Notice::of(&self.titles, self.count);
        self.titles.clear();
        self.count = 0;
        self.last_sent = Some(now);
        notice
    }
}

/// A [`Plan`] and a [`Collector`]: what the presenter keeps.
#[derive(Clone, Debug)]
pub struct Notifier<T> {
    plan: Plan,
    collector: Collector<T>,
    sent: u64,
}

impl<T: Copy + Ord + Add<Duration, Output = T>> Notifier<T> {
    pub fn new(plan: Plan) -> Self {
        Self {
            plan,
            collector: Collector::default(),
            sent: 0,
        }
    }

    pub fn plan(&self) -> Plan {
        self.plan
    }

    /// Breaking stories arrived at `now` (titles newest first).
    pub fn arrive(&mut self, titles: &[String], now: T) {
        self.collector.arrive(titles, now);
    }

    /// When [`Self::take`] will next give bytes.
    pub fn due(&self) -> Option<T> {
        self.collector.due()
    }

    /// The bytes to write at `now`, if a notification is due.
    pub fn take(&mut self, now: T) -> Option<Vec<u8>> {
        let notice = self.collector.take(now)?;
        self.sent += 1;
        Some(sequence(&self.plan, &notice, self.sent))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Variables, by name and value.
    type Vars<'a> = &'a [(&'a str, &'a str)];

    fn env<'a>(vars: &'a [(&'a str, &'a str)]) -> impl Fn(&str) -> Option<String> + 'a {
        move |name| {
            vars.iter()
                .find(|(n, _)| *n == name)
                .map(|(_, v)| (*v).to_owned())
        }
    }

    fn titles(list: &[&str]) -> Vec<String> {
        list.iter().map(|t| (*t).to_owned()).collect()
    }

    fn plain(protocol: Protocol) -> Plan {
        Plan {
            protocol,
            wrap: Wrap::None,
            bell: false,
        }
    }

    fn one(title: &str) -> Notice {
        Notice::of(&titles(&[title]), 1).expect("a notice")
    }

    #[test]
    fn the_terminal_is_detected_from_the_environment() {
        let cases: &[(Vars<'_>, Option<Protocol>)] = &[
            (&[("TERM_PROGRAM", "iTerm.app")], Some(Protocol::Osc9)),
            (&[("TERM_PROGRAM", "WezTerm")], Some(Protocol::Osc9)),
            (&[("TERM_PROGRAM", "ghostty")], Some(Protocol::Osc9)),
            (&[("TERM", "xterm-ghostty")], Some(Protocol::Osc9)),
            (&[("TERM", "wezterm")], Some(Protocol::Osc9)),
            // Over ssh (SendEnv LC_*), and inside a tmux started from iTerm2.
            (
                &[("TERM_PROGRAM", "tmux"), ("LC_TERMINAL", "iTerm2")],
                Some(Protocol::Osc9),
            ),
            (&[("KITTY_WINDOW_ID", "1")], Some(Protocol::Osc99)),
            (&[("TERM", "xterm-kitty")], Some(Protocol::Osc99)),
            (&[("WT_SESSION", "abc")], Some(Protocol::Osc9)),
            (&[("TERM", "foot")], Some(Protocol::Osc9)),
            (&[("TERM", "foot-extra")], Some(Protocol::Osc9)),
            (&[("TERM", "rxvt-unicode-256color")], Some(Protocol::Osc777)),
            (
                &[("TERM", "xterm-256color"), ("VTE_VERSION", "7600")],
                Some(Protocol::Osc777),
            ),
            (&[("TERM", "xterm-256color")], None),
            // Inside tmux nothing is known of the terminal outside.
            (&[("TERM", "tmux-256color"), ("TERM_PROGRAM", "tmux")], None),
            (&[("TERM_PROGRAM", "Apple_Terminal")], None),
            (&[("KITTY_WINDOW_ID", "")], None),
            (&[], None),
        ];
        for (vars, expected) in cases {
            assert_eq!(detect(env(vars)), *expected, "{vars:?}");
        }
    }

    #[test]
    fn tmux_and_screen_are_seen_by_their_variables() {
        assert_eq!(
            wrap_for(env(&[("TMUX", "/tmp/tmux-0/default,1,0")])),
            Wrap::Tmux
        );
        assert_eq!(wrap_for(env(&[("STY", "123.pts-0.host")])), Wrap::Screen);
        assert_eq!(
            wrap_for(env(&[("TMUX", "/t,1,0"), ("STY", "1.x")])),
            Wrap::Tmux
        );
        assert_eq!(wrap_for(env(&[("TMUX", "")])), Wrap::None);
        assert_eq!(wrap_for(env(&[])), Wrap::None);
    }

    #[test]
    fn the_setting_decides_with_the_environment() {
        let xterm = [("TERM", "xterm-256color")];
        let kitty = [("TERM", "xterm-kitty")];
        let tmux = [("TERM", "tmux-256color"), ("TMUX", "/t,1,0")];
        let cases: &[(Setting, Option<Protocol>, Vars<'_>, Option<Plan>)] = &[
            (Setting::Off, None, &kitty, None),
            (Setting::Off, Some(Protocol::Osc9), &kitty, None),
            (Setting::Auto, None, &xterm, None),
            (Setting::Auto, None, &kitty, Some(plain(Protocol::Osc99))),
            (
                Setting::Auto,
                Some(Protocol::Osc9),
                &kitty,
                Some(plain(Protocol::Osc9)),
            ),
            // `via` alone does not make an unknown terminal known.
            (Setting::Auto, Some(Protocol::Osc9), &xterm, None),
            (Setting::On, None, &xterm, Some(plain(Protocol::Osc9))),
            (Setting::On, None, &kitty, Some(plain(Protocol::Osc99))),
            (
                Setting::On,
                Some(Protocol::Osc777),
                &xterm,
                Some(plain(Protocol::Osc777)),
            ),
            (
                Setting::On,
                None,
                &tmux,
                Some(Plan {
                    protocol: Protocol::Osc9,
                    wrap: Wrap::Tmux,
                    bell: false,
                }),
            ),
            // Terminals that print what they do not understand get nothing, even when on.
            (Setting::On, None, &[("TERM", "dumb")], None),
            (Setting::On, None, &[("TERM", "linux")], None),
            (Setting::On, None, &[], None),
        ];
        for (setting, via, vars, expected) in cases {
            assert_eq!(
                plan(*setting, *via, false, env(vars)),
                *expected,
                "{setting:?} {via:?} {vars:?}"
            );
        }
        let bell = plan(Setting::On, None, true, env(&xterm)).expect("on");
        assert!(bell.bell);
    }

    #[test]
    fn every_protocol_s_exact_bytes() {
        let notice = one("Dam Bursts");
        assert_eq!(
            sequence(&plain(Protocol::Osc9), &notice, 1),
            b"\x1b]9;Breaking: Dam Bursts\x07"
        );
        assert_eq!(
            sequence(&plain(Protocol::Osc777), &notice, 1),
            b"\x1b]777;notify;Breaking;Dam Bursts\x07"
        );
        assert_eq!(
            sequence(&plain(Protocol::Osc99), &notice, 7),
            b"\x1b]99;i=herald-7:d=0;Breaking\x1b\\\x1b]99;i=herald-7:p=body;Dam Bursts\x1b\\"
        );
        let bell = Plan {
            bell: true,
            ..plain(Protocol::Osc9)
        };
        assert_eq!(
            sequence(&bell, &notice, 1),
            b"\x1b]9;Breaking: Dam Bursts\x07\x07"
        );
    }

    #[test]
    fn wrapping_for_tmux_doubles_every_escape_and_screen_s_ends_inner_sequences_with_bel() {
        assert_eq!(
            wrap(Wrap::Tmux, b"\x1b]9;hi\x07"),
            b"\x1bPtmux;\x1b\x1b]9;hi\x07\x1b\\"
        );
        assert_eq!(
            wrap(Wrap::Screen, b"\x1b]9;hi\x07"),
            b"\x1bP\x1b]9;hi\x07\x1b\\"
        );
        assert_eq!(wrap(Wrap::None, b"\x1b]9;hi\x07"), b"\x1b]9;hi\x07");
        let notice = one("Dam Bursts");
        let tmux = |protocol| Plan {
            protocol,
            wrap: Wrap::Tmux,
            bell: true,
        };
        // The bell is outside the wrapping: tmux sees it and flags the window.
        assert_eq!(
            sequence(&tmux(Protocol::Osc9), &notice, 1),
            b"\x1bPtmux;\x1b\x1b]9;Breaking: Dam Bursts\x07\x1b\\\x07"
        );
        assert_eq!(
            sequence(&tmux(Protocol::Osc99), &notice, 2),
            b"\x1bPtmux;\x1b\x1b]99;i=herald-2:d=0;Breaking\x1b\x1b\\\
              \x1b\x1b]99;i=herald-2:p=body;Dam Bursts\x1b\x1b\\\x1b\\\x07"
        );
        let screen = Plan {
            protocol: Protocol::Osc99,
            wrap: Wrap::Screen,
            bell: false,
        };
        assert_eq!(
            sequence(&screen, &notice, 3),
            b"\x1bP\x1b]99;i=herald-3:d=0;Breaking\x07\x1b]99;i=herald-3:p=body;Dam Bursts\x07\x1b\\"
        );
    }

    /// The payload of an unwrapped OSC 9 notification: everything between `ESC ] 9 ;` and its
    /// BEL, which must be the last byte and the only one that is not printable text.
    fn osc9_payload(bytes: &[u8]) -> &str {
        let body = bytes
            .strip_prefix(b"\x1b]9;")
            .and_then(|rest| rest.strip_suffix(b"\x07"))
            .unwrap_or_else(|| panic!("not one OSC 9: {bytes:?}"));
        let text = std::str::from_utf8(body).expect("UTF-8");
        assert!(
            !text.chars().any(char::is_control),
            "a control character inside: {text:?}"
        );
        text
    }

    #[test]
    fn hostile_titles_cannot_end_or_split_the_sequence() {
        let cases = [
            ("Dam \u{1b}]9;fake\u{7} Bursts", "Breaking: Dam Bursts"),
            ("Dam \u{7}Bursts", "Breaking: Dam Bursts"),
            ("Dam \u{1b}\\Bursts", "Breaking: Dam Bursts"),
            ("Dam \u{9c}Bursts", "Breaking: Dam Bursts"),
            ("Dam \u{9d}0;owned\u{9c} Bursts", "Breaking: Dam Bursts"),
            ("Dam\nBursts\r\nAgain", "Breaking: Dam Bursts Again"),
            ("Dam\u{1b}[2J Bursts", "Breaking: Dam Bursts"),
            ("Dam \u{18}\u{1a}\u{7f}Bursts", "Breaking: Dam Bursts"),
            ("\u{202e}Dam Bursts", "Breaking: Dam Bursts"),
            ("4;1;50", "Breaking: 4,1,50"),
            ("\u{1b}\u{7}", "Breaking: (untitled)"),
        ];
        for (title, expected) in cases {
            let bytes = sequence(&plain(Protocol::Osc9), &one(title), 1);
            assert_eq!(osc9_payload(&bytes), expected, "{title:?}");
        }
    }

    #[test]
    fn osc_777_fields_hold_no_semicolon() {
        let bytes = sequence(&plain(Protocol::Osc777), &one("Rates; then more; rain"), 1);
        assert_eq!(
            bytes,
            b"\x1b]777;notify;Breaking;Rates, then more, rain\x07"
        );
        let many = Notice::of(&titles(&["a;b", "c;d"]), 2).expect("a notice");
        let bytes = sequence(&plain(Protocol::Osc777), &many, 1);
        assert_eq!(bytes.iter().filter(|&&b| b == b';').count(), 3, "{bytes:?}");
    }

    #[test]
    fn a_very_long_title_is_cut_between_characters() {
        let long = "é".repeat(500) + "\u{1b}]9;tail\u{7}";
        let bytes = sequence(&plain(Protocol::Osc9), &one(&long), 1);
        let text = osc9_payload(&bytes);
        let title = text.strip_prefix("Breaking: ").expect("the heading");
        assert!(title.len() <= MAX_TITLE_BYTES, "{}", title.len());
        assert!(title.ends_with("é..."), "{title}");
        // A flag is one grapheme of two characters: never split.
        let flags = "\u{1f1eb}\u{1f1f7}".repeat(100);
        let cut = clean(&flags, 21);
        assert_eq!(cut, "\u{1f1eb}\u{1f1f7}\u{1f1eb}\u{1f1f7}...");
        assert_eq!(clean("short", 21), "short");
    }

    #[test]
    fn several_stories_are_one_notice_newest_first_and_bounded() {
        let notice = Notice::of(&titles(&["Third", "Second", "First"]), 3).expect("a notice");
        assert_eq!(notice.text(), "3 breaking stories: Third, Second, First");
        let many: Vec<String> = (0..40).map(|i| format!("Story number {i:02}")).collect();
        let notice = Notice::of(&many, 40).expect("a notice");
        assert!(notice.body.len() <= MAX_BODY_BYTES, "{}", notice.body.len());
        assert!(
            notice
                .text()
                .starts_with("40 breaking stories: Story number 00, Story number 01, "),
            "{}",
            notice.text()
        );
        assert!(notice.body.ends_with(", ..."), "{}", notice.body);
        // More counted than held.
        let notice = Notice::of(&titles(&["A", "B"]), 5).expect("a notice");
        assert_eq!(notice.text(), "5 breaking stories: A, B, ...");
        assert_eq!(Notice::of(&[], 0), None);
        // Never `<digits>;` first, which ConEmu and Windows Terminal read as a command.
        let text = Notice::of(&titles(&["9;4;1"]), 2).expect("a notice").text();
        assert!(!text.contains(';'), "{text}");
    }

    const T0: Duration = Duration::from_secs(1000);

    fn secs(s: u64) -> Duration {
        T0 + Duration::from_secs(s)
    }

    fn texts(collector: &mut Collector<Duration>, at: Duration) -> Option<String> {
        collector.take(at).map(|notice| notice.text())
    }

    #[test]
    fn the_first_arrival_waits_a_moment_for_the_rest_of_its_write() {
        let mut c = Collector::default();
        assert_eq!(c.due(), None);
        c.arrive(&titles(&["A"]), secs(0));
        assert_eq!(c.due(), Some(secs(0) + GATHER));
        assert_eq!(texts(&mut c, secs(1)), None, "not yet");
        c.arrive(&titles(&["C", "B"]), secs(1));
        assert_eq!(
            c.due(),
            Some(secs(0) + GATHER),
            "the window is not pushed back"
        );
        assert_eq!(
            texts(&mut c, secs(2)).as_deref(),
            Some("3 breaking stories: C, B, A")
        );
        assert_eq!(c.due(), None);
        assert_eq!(texts(&mut c, secs(3)), None, "nothing twice");
    }

    #[test]
    fn arrivals_within_the_minute_are_held_and_sent_as_one() {
        let mut c = Collector::default();
        c.arrive(&titles(&["A"]), secs(0));
        assert_eq!(texts(&mut c, secs(2)).as_deref(), Some("Breaking: A"));
        c.arrive(&titles(&["B"]), secs(10));
        assert_eq!(c.due(), Some(secs(2) + AT_MOST_EVERY));
        c.arrive(&titles(&["C"]), secs(30));
        assert_eq!(texts(&mut c, secs(61)), None);
        assert_eq!(
            texts(&mut c, secs(62)).as_deref(),
            Some("2 breaking stories: C, B")
        );
        // A quiet minute later, the next arrival is quick again.
        c.arrive(&titles(&["D"]), secs(200));
        assert_eq!(c.due(), Some(secs(200) + GATHER));
        assert_eq!(texts(&mut c, secs(202)).as_deref(), Some("Breaking: D"));
        // Just under a minute after that: held until the minute is up.
        c.arrive(&titles(&["E"]), secs(250));
        assert_eq!(c.due(), Some(secs(262)));
    }

    #[test]
    fn a_flood_holds_a_few_titles_and_counts_them_all() {
        let mut c = Collector::default();
        for i in 0..100 {
            c.arrive(&[format!("S{i}")], secs(0));
        }
        let text = texts(&mut c, secs(2)).expect("one notice");
        assert!(
            text.starts_with("100 breaking stories: S99, S98, "),
            "{text}"
        );
        assert!(text.ends_with(", ..."), "{text}");
        c.arrive(&[], secs(3));
        assert_eq!(c.due(), None, "nothing arrived");
    }

    #[test]
    fn the_notifier_numbers_its_notifications() {
        let mut n = Notifier::new(plain(Protocol::Osc99));
        n.arrive(&titles(&["A"]), secs(0));
        assert_eq!(n.take(secs(1)), None);
        let first = n.take(secs(2)).expect("due");
        assert!(first.starts_with(b"\x1b]99;i=herald-1:d=0;"), "{first:?}");
        n.arrive(&titles(&["B"]), secs(100));
        let second = n.take(secs(102)).expect("due");
        assert!(second.starts_with(b"\x1b]99;i=herald-2:d=0;"), "{second:?}");
    }
}
