//! Feed dates as feeds really write them, into the RFC 3339 a store holds, keeping the offset
//! the feed wrote: `mer, 16 nov 2022 00:38:15 +0100` is stored as
//! `2022-11-16T00:38:15+01:00`, so the reader shows the 16th, the feed's own day, not the
//! 15th that UTC would make of it.
//!
//! Read: RFC 3339 and ISO 8601/W3C-DTF (`2024-01-05T10:00:00.123+01:00`, `2024-01-05`,
//! `2024-01`, `20240105T100000Z`); RFC 822/2822 and their variants (two-digit years, one-digit
//! hours, no seconds, named zones such as `EST` or `CEST`, military letters); day and month
//! names in English, French, German, Spanish, Italian, Dutch and Portuguese; asctime
//! (`Sun Jul 28 09:30:00 2002`); and `AM`/`PM`. No crate reads all of these (chrono's RFC 2822
//! parser refuses localised names and most zone names), so this is a small tokenizer in the
//! manner of feedparser's date handlers. A date that still cannot be read is reported, never
//! dropped in silence.

use crate::text::Published;

/// A date read from a feed.
#[derive(Debug, PartialEq, Eq)]
pub struct FeedDate {
    /// RFC 3339 (or `YYYY-MM-DD` for a date without a time), as a store holds it.
    pub text: String,
    /// The feed gave a time but no zone; it was read as UTC.
    pub assumed_utc: bool,
}

/// Reads a feed's date; `None` when it is not a date Herald can understand.
pub fn parse(raw: &str) -> Option<FeedDate> {
    let raw = raw.trim();
    if raw.is_empty() {
        return None;
    }
    let date = iso(raw).or_else(|| words(raw))?;
    // Whatever was built must be a real date (no 30 February) in the form stores use.
    Published::parse(&date.text)?;
    Some(date)
}

/// Date and time fields, before they are written out.
#[derive(Debug, Default)]
struct Fields {
    year: i32,
    month: u32,
    day: u32,
    time: Option<(u32, u32, u32)>,
    /// Minutes east of UTC, when the zone was given.
    offset: Option<i32>,
}

impl Fields {
    fn finish(self) -> Option<FeedDate> {
        if !(1..=12).contains(&self.month) || !(1..=31).contains(&self.day) {
            return None;
        }
        let date = format!("{:04}-{:02}-{:02}", self.year, self.month, self.day);
        let Some((hour, minute, second)) = self.time else {
            return Some(FeedDate {
                text: date,
                assumed_utc: false,
            });
        };
        if hour > 23 || minute > 59 || second > 60 {
            return None;
        }
        let zone = match self.offset {
            None | Some(0) => "Z".to_owned(),
            Some(offset) => {
                if offset.abs() >= 24 * 60 {
                    return None;
                }
                let sign = if offset < 0 { '-' } else { '+' };
                format!("{sign}{:02}:{:02}", offset.abs() / 60, offset.abs() % 60)
            }
        };
        Some(FeedDate {
            text: format!("{date}T{hour:02}:{minute:02}:{second:02}{zone}"),
            assumed_utc: self.offset.is_none(),
        })
    }
}

/// ISO 8601 as feeds use it: `YYYY[-MM[-DD]]`, then `T` or a space and `hh:mm[:ss[.f]]`, then
/// `Z`, `±hh:mm`, `±hhmm` or `±hh`; also the basic form `YYYYMMDDThhmmss`.
fn iso(raw: &str) -> Option<FeedDate> {
    let bytes = raw.as_bytes();
    if bytes.len() < 4 || !bytes[..4].iter().all(u8::is_ascii_digit) {
        return None;
    }
    let (date, rest) = match raw.find(['T', 't', ' ']) {
        Some(split) => (&raw[..split], Some(raw[split + 1..].trim())),
        None => (raw, None),
    };
    let mut fields = Fields {
        month: 1,
        day: 1,
        ..Fields::default()
    };
    let parts: Vec<&str> = date.split('-').collect();
    match parts.as_slice() {
        [basic] if basic.len() == 8 => {
            fields.year = basic.get(..4)?.parse().ok()?;
            fields.month = basic.get(4..6)?.parse().ok()?;
            fields.day = basic.get(6..8)?.parse().ok()?;
        }
        [year] if year.len() == 4 => fields.year = year.parse().ok()?,
        [year, month] if year.len() == 4 && month.len() == 2 => {
            fields.year = year.parse().ok()?;
            fields.month = month.parse().ok()?;
        }
        [year, month, day] if year.len() == 4 && month.len() <= 2 && day.len() <= 2 => {
            fields.year = year.parse().ok()?;
            fields.month = month.parse().ok()?;
            fields.day = day.parse().ok()?;
        }
        _ => return None,
    }
    if let Some(rest) = rest.filter(|r| !r.is_empty()) {
        let zone_at = rest
            .find(['Z', 'z', '+', '-'])
            .or_else(|| rest.find(' '))
            .unwrap_or(rest.len());
        fields.time = Some(clock(rest[..zone_at].trim())?);
        let zone = rest[zone_at..].trim();
        if !zone.is_empty() {
            fields.offset = Some(zone_offset(zone)?);
        }
    }
    fields.finish()
}

/// `hh:mm[:ss[.fraction]]`, or the basic `hhmmss`. Fractions are dropped: stores keep
/// seconds.
fn clock(text: &str) -> Option<(u32, u32, u32)> {
    let text = text.split(['.', ',']).next()?;
    // Digits and colons only, so the slices below fall on character boundaries.
    if !text.bytes().all(|b| b.is_ascii_digit() || b == b':') {
        return None;
    }
    let numbers: Vec<&str> = if text.contains(':') {
        text.split(':').collect()
    } else if text.len() == 6 || text.len() == 4 {
        vec![&text[..2], &text[2..4], text.get(4..).unwrap_or("0")]
    } else {
        return None;
    };
    let number = |i: usize| -> Option<u32> {
        match numbers.get(i) {
            Some(n) if !n.is_empty() && n.len() <= 2 => n.parse().ok(),
            Some(_) => None,
            None => Some(0),
        }
    };
    if numbers.len() < 2 || numbers.len() > 3 {
        return None;
    }
    Some((number(0)?, number(1)?, number(2)?))
}

/// `Z`, `+01:00`, `+0100`, `+01`, `GMT`, `EST`, `CEST`, `UTC+2`, military letters.
fn zone_offset(zone: &str) -> Option<i32> {
    let zone = zone.trim_matches(|c: char| c == '(' || c == ')');
    if let Some(sign) = zone.chars().next().filter(|c| *c == '+' || *c == '-') {
        let digits: String = zone[1..].chars().filter(char::is_ascii_digit).collect();
        let (hours, minutes) = match digits.len() {
            1 | 2 => (digits.parse::<i32>().ok()?, 0),
            3 => (
                digits[..1].parse::<i32>().ok()?,
                digits[1..].parse::<i32>().ok()?,
            ),
            4 => (
                digits[..2].parse::<i32>().ok()?,
                digits[2..].parse::<i32>().ok()?,
            ),
            _ => return None,
        };
        if minutes > 59 {
            return None;
        }
        let offset = hours * 60 + minutes;
        return Some(if sign == '-' { -offset } else { offset });
    }
    let upper = zone.to_ascii_uppercase();
    for prefix in ["UTC", "GMT", "UT"] {
        if let Some(rest) = upper.strip_prefix(prefix)
            && !rest.is_empty()
        {
            return zone_offset(rest);
        }
    }
    let hours = match upper.as_str() {
        "Z" | "UT" | "UTC" | "GMT" | "WET" => 0,
        "BST" | "WEST" | "CET" | "MET" => 1,
        "CEST" | "MEST" | "EET" | "SAST" => 2,
        "EEST" | "MSK" => 3,
        "IST" => return Some(5 * 60 + 30),
        "JST" | "KST" => 9,
        "AEST" => 10,
        "AEDT" => 11,
        "NZST" => 12,
        "NZDT" => 13,
        "EDT" => -4,
        "EST" | "CDT" => -5,
        "CST" | "MDT" => -6,
        "MST" | "PDT" => -7,
        "PST" | "AKDT" => -8,
        "AKST" => -9,
        "HST" => -10,
        "AST" => -4,
        "ADT" => -3,
        "NST" => return Some(-(3 * 60 + 30)),
        "NDT" => return Some(-(2 * 60 + 30)),
        // RFC 822's military zones; `Z` above, `J` is not a zone.
        letter if letter.len() == 1 => {
            let c = letter.as_bytes()[0];
            match c {
                b'A'..=b'I' => i32::from(c - b'A') + 1,
                b'K'..=b'M' => i32::from(c - b'K') + 10,
                b'N'..=b'Y' => -(i32::from(c - b'N') + 1),
                _ => return None,
            }
        }
        _ => return None,
    };
    Some(hours * 60)
}

/// A month's number from its name or abbreviation in the languages feeds are written in.
fn month(word: &str) -> Option<u32> {
    let word: String = word.chars().flat_map(char::to_lowercase).collect();
    let word = word.trim_end_matches('.');
    // Longer prefixes first where short ones clash (French `juin`/`juil`).
    const NAMES: [(&str, u32); 39] = [
        ("juil", 7),
        ("juin", 6),
        ("jan", 1),
        ("ene", 1),
        ("gen", 1),
        ("feb", 2),
        ("fév", 2),
        ("fev", 2),
        ("mar", 3),
        ("mär", 3),
        ("mrz", 3),
        ("mrt", 3),
        ("apr", 4),
        ("avr", 4),
        ("abr", 4),
        ("may", 5),
        ("mai", 5),
        ("mag", 5),
        ("mei", 5),
        ("jun", 6),
        ("giu", 6),
        ("jul", 7),
        ("lug", 7),
        ("aug", 8),
        ("aoû", 8),
        ("aou", 8),
        ("ago", 8),
        ("sep", 9),
        ("set", 9),
        ("oct", 10),
        ("okt", 10),
        ("ott", 10),
        ("out", 10),
        ("nov", 11),
        ("dec", 12),
        ("déc", 12),
        ("dez", 12),
        ("dic", 12),
        ("des", 12),
    ];
    NAMES
        .iter()
        .find(|(prefix, _)| word.starts_with(prefix))
        .map(|(_, number)| *number)
}

/// Dates written in words and numbers, in any of the orders feeds use: RFC 822
/// (`Sun, 28 Jul 2002 09:30:00 +0200`), asctime (`Sun Jul 28 09:30:00 2002`), US
/// (`July 28, 2002 9:30 AM EST`). Day names, in any language, are skipped.
fn words(raw: &str) -> Option<FeedDate> {
    let mut fields = Fields::default();
    let mut numbers: Vec<(u32, usize)> = Vec::new();
    // (month, whether the word is also a day name): `mar` is March, and Tuesday in French.
    let mut months: Vec<(u32, bool)> = Vec::new();
    let mut pm = None;
    let tokens: Vec<&str> = raw
        .split(|c: char| c.is_whitespace() || c == ',')
        .filter(|t| !t.is_empty())
        .collect();
    let mut i = 0;
    while i < tokens.len() {
        let token = tokens[i];
        i += 1;
        if token.contains(':') && token.starts_with(|c: char| c.is_ascii_digit()) {
            // A time, perhaps with its zone glued on (`09:30:00+0200`, `09:30:00Z`).
            let zone_at = token.find(['+', '-', 'Z', 'z']).unwrap_or(token.len());
            fields.time = Some(clock(&token[..zone_at])?);
            if zone_at < token.len() {
                fields.offset = Some(zone_offset(&token[zone_at..])?);
            }
        } else if token.starts_with(['+', '-']) && fields.time.is_some() {
            fields.offset = Some(zone_offset(token)?);
        } else if token.chars().all(|c| c.is_ascii_digit()) {
            numbers.push((token.parse().ok()?, token.len()));
        } else if !token.trim_end_matches('.').is_empty()
            && token.trim_end_matches('.').chars().all(char::is_alphabetic)
        {
            let lower = token.to_ascii_lowercase();
            if lower == "am" || lower == "pm" {
                pm = Some(lower == "pm");
            } else if token.chars().count() >= 3
                && let Some(m) = month(token)
            {
                months.push((m, is_day_name(token)));
            } else if fields.time.is_some()
                && let Some(offset) = zone_offset(token)
            {
                fields.offset = Some(offset);
            }
            // Anything else is a day name (`mer`, `Sonntag`) or a word such as `at`.
        } else if let Some(day) = token
            .strip_suffix(['.'])
            .filter(|d| d.parse::<u32>().is_ok())
        {
            // German `16. Nov 2022`.
            numbers.push((day.parse().ok()?, day.len()));
        } else {
            return None;
        }
    }
    fields.month = months
        .iter()
        .find(|(_, day_name)| !day_name)
        .or(months.first())?
        .0;
    // The year is the four-digit number (or the last one, two digits long); the day the other.
    let year_at = numbers
        .iter()
        .position(|(_, len)| *len == 4)
        .or_else(|| (numbers.len() == 2).then_some(1))?;
    let (year, year_len) = numbers.remove(year_at);
    let [(day, _)] = numbers.as_slice() else {
        return None;
    };
    fields.day = *day;
    fields.year = i32::try_from(if year_len == 2 {
        // RFC 822's two-digit years: as RFC 2822 reads them.
        if year < 50 { 2000 + year } else { 1900 + year }
    } else {
        year
    })
    .ok()?;
    if let (Some(pm), Some((hour, minute, second))) = (pm, fields.time) {
        let hour = match (pm, hour) {
            (false, 12) => 0,
            (true, h) if h < 12 => h + 12,
            (_, h) => h,
        };
        fields.time = Some((hour, minute, second));
    }
    fields.finish()
}

/// Day names that begin like a month: `mar` is Tuesday in French, Spanish and Italian.
fn is_day_name(word: &str) -> bool {
    let lower: String = word.chars().flat_map(char::to_lowercase).collect();
    matches!(
        lower.trim_end_matches('.'),
        "mar" | "mardi" | "martes" | "martedì" | "martedi"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(raw: &str) -> String {
        parse(raw).map_or_else(|| "-".to_owned(), |d| d.text)
    }

    #[test]
    fn rfc822_keeps_the_feeds_own_offset() {
        assert_eq!(
            text("Sun, 28 Jul 2002 09:30:00 +0200"),
            "2002-07-28T09:30:00+02:00"
        );
        assert_eq!(
            text("mer, 16 nov 2022 00:38:15 +0100"),
            "2022-11-16T00:38:15+01:00"
        );
        assert_eq!(text("Mon, 1 Jan 2024 9:05 GMT"), "2024-01-01T09:05:00Z");
        assert_eq!(
            text("Tue, 10 Jun 03 04:00:00 EDT"),
            "2003-06-10T04:00:00-04:00"
        );
        assert_eq!(
            text("Fri, 15 Mar 2024 22:10:00 CEST"),
            "2024-03-15T22:10:00+02:00"
        );
        assert_eq!(
            text("Sat, 13 Dec 2003 18:30:02.25 +0100"),
            "2003-12-13T18:30:02+01:00"
        );
        assert_eq!(
            text("Thu, 01 Feb 2024 12:00:00 -0830"),
            "2024-02-01T12:00:00-08:30"
        );
    }

    #[test]
    fn localised_day_and_month_names() {
        assert_eq!(
            text("Sonntag, 16. Nov 2022 08:00:00 +0100"),
            "2022-11-16T08:00:00+01:00"
        );
        assert_eq!(
            text("mar, 03 déc 2019 10:00:00 +0100"),
            "2019-12-03T10:00:00+01:00"
        );
        assert_eq!(
            text("jue, 12 ene 2023 10:00:00 -0300"),
            "2023-01-12T10:00:00-03:00"
        );
        assert_eq!(
            text("dom, 05 juil. 2020 07:00:00 +0200"),
            "2020-07-05T07:00:00+02:00"
        );
        assert_eq!(
            text("ven, 05 juin 2020 07:00:00 +0200"),
            "2020-06-05T07:00:00+02:00"
        );
        assert_eq!(
            text("Tue, 05 Mar 2024 07:00:00 +0000"),
            "2024-03-05T07:00:00Z"
        );
    }

    #[test]
    fn iso_and_w3c_dates_in_their_forms() {
        assert_eq!(
            text("2024-01-05T10:00:00+01:00"),
            "2024-01-05T10:00:00+01:00"
        );
        assert_eq!(text("2024-01-05T10:00:00.123456Z"), "2024-01-05T10:00:00Z");
        assert_eq!(
            text("2024-01-05 10:00:00 +0530"),
            "2024-01-05T10:00:00+05:30"
        );
        assert_eq!(text("2024-01-05T10:00+01"), "2024-01-05T10:00:00+01:00");
        assert_eq!(text("2024-01-05"), "2024-01-05");
        assert_eq!(text("2024-01"), "2024-01-01");
        assert_eq!(text("2003"), "2003-01-01");
        assert_eq!(text("20031213T183002Z"), "2003-12-13T18:30:02Z");
    }

    #[test]
    fn other_orders_and_twelve_hour_clocks() {
        assert_eq!(text("Sun Jul 28 09:30:00 2002"), "2002-07-28T09:30:00Z");
        assert_eq!(
            text("July 28, 2002 9:30 PM EST"),
            "2002-07-28T21:30:00-05:00"
        );
        assert_eq!(text("28 July 2002 12:15 am +0000"), "2002-07-28T00:15:00Z");
    }

    #[test]
    fn a_missing_zone_is_read_as_utc_and_said() {
        let date = parse("Sun, 28 Jul 2002 09:30:00").unwrap();
        assert_eq!(date.text, "2002-07-28T09:30:00Z");
        assert!(date.assumed_utc);
        assert!(
            !parse("Sun, 28 Jul 2002 09:30:00 +0000")
                .unwrap()
                .assumed_utc
        );
        assert!(!parse("2024-01-05").unwrap().assumed_utc);
    }

    #[test]
    fn what_is_not_a_date_is_refused() {
        for raw in [
            "",
            "yesterday",
            "31 Feb 2024 10:00:00 GMT",
            "2024-13-01",
            "Sun, 28 Jul 2002 25:30:00 +0200",
            "28 Jul 2002 10:00:00 +9999",
            "Jul 2002",
            "12345",
            // Found by the fuzzer: times that are not ASCII were sliced where no character
            // starts.
            "2022-11-16T0\u{FFFD}0:38",
            "2022-11-16T0\u{FFFD}00",
            "Wed, 16 Nov 2022 0\u{FFFD}:38:15 +0100",
        ] {
            assert_eq!(parse(raw), None, "{raw:?}");
        }
    }
}
