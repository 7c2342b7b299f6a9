//! Publication dates: parsing the two forms stores may use (RFC 3339 date-time or `YYYY-MM-DD`)
//! and showing them. Herald shows the calendar date as the store wrote it (a newsroom's
//! "Sunday" stays Sunday wherever the reader is) and sorts by the instant in UTC.

use std::fmt;

/// A publication date as written in a store, with an instant for ordering.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Published {
    pub year: i32,
    pub month: u8,
    pub day: u8,
    /// Seconds since 1970-01-01T00:00:00Z; a plain date counts as midnight UTC.
    pub instant: i64,
}

impl Published {
    /// Whether this was published at or after `unix_ms` (milliseconds since 1970, as the
    /// state file keeps times): "new since" a session's end.
    pub fn is_at_or_after(&self, unix_ms: u64) -> bool {
        self.instant.saturating_mul(1000) >= i64::try_from(unix_ms).unwrap_or(i64::MAX)
    }

    /// Parses `YYYY-MM-DD` or an RFC 3339 date-time (`T`, `t` or a space between date and time,
    /// optional fractional seconds, `Z` or a `±HH:MM` offset). Returns `None` for anything else,
    /// including dates that do not exist (2023-02-30).
    pub fn parse(text: &str) -> Option<Self> {
        let text = text.trim();
        let (year, month, day) = parse_date(text.get(..10)?)?;
        let days = days_from_civil(year, month, day);
        let rest = &text[10..];
        if rest.is_empty() {
            return Some(Self {
                year,
                month,
                day,
                instant: days * 86_400,
            });
        }
        let rest = rest.strip_prefix(['T', 't', ' '])?;
        let seconds_of_day = parse_time(rest)?;
        Some(Self {
            year,
            month,
            day,
            instant: days * 86_400 + seconds_of_day,
        })
    }

    /// `2002-07-28`
    pub fn iso_date(&self) -> String {
        format!("{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }

    /// `28 Jul 2002`: short enough for a column, and spoken as words where an ISO date was
    /// spoken "2002 dash 07 dash 28". At most [`SHORT_DATE_WIDTH`] columns.
    pub fn short_date(&self) -> String {
        let month = MONTHS[usize::from(self.month - 1)];
        format!(
            "{} {} {}",
            self.day,
            month.get(..3).unwrap_or(month),
            self.year
        )
    }

    /// `28 July 2002`: unambiguous when spoken by a screen reader.
    pub fn long_date(&self) -> String {
        format!(
            "{} {} {}",
            self.day,
            MONTHS[usize::from(self.month - 1)],
            self.year
        )
    }
}

impl fmt::Display for Published {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.iso_date())
    }
}

/// The widest [`Published::short_date`] of a four-digit year: `28 Jul 2002`.
pub const SHORT_DATE_WIDTH: usize = 11;

const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

fn digits(text: &str) -> Option<u32> {
    if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    text.parse().ok()
}

fn parse_date(text: &str) -> Option<(i32, u8, u8)> {
    let bytes = text.as_bytes();
    if bytes.len() != 10 || bytes[4] != b'-' || bytes[7] != b'-' {
        return None;
    }
    let year = i32::try_from(digits(&text[..4])?).ok()?;
    let month = u8::try_from(digits(&text[5..7])?).ok()?;
    let day = u8::try_from(digits(&text[8..10])?).ok()?;
    if !(1..=12).contains(&month) || day == 0 || day > days_in_month(year, month) {
        return None;
    }
    Some((year, month, day))
}

/// Parses `HH:MM:SS[.fraction](Z|±HH:MM)` into seconds since midnight UTC (may be negative or
/// exceed a day once the offset is applied; the caller adds it to the day's start).
fn parse_time(text: &str) -> Option<i64> {
    let bytes = text.as_bytes();
    if bytes.len() < 9 || bytes[2] != b':' || bytes[5] != b':' {
        return None;
    }
    let hour = i64::from(digits(&text[..2])?);
    let minute = i64::from(digits(&text[3..5])?);
    // 60 allows a leap second.
    let second = i64::from(digits(&text[6..8])?);
    if hour > 23 || minute > 59 || second > 60 {
        return None;
    }
    let mut rest = &text[8..];
    if let Some(fraction) = rest.strip_prefix('.') {
        let end = fraction
            .find(|c: char| !c.is_ascii_digit())
            .unwrap_or(fraction.len());
        if end == 0 {
            return None;
        }
        rest = &fraction[end..];
    }
    let offset = match rest {
        "Z" | "z" => 0,
        _ => {
            let sign = match rest.as_bytes().first()? {
                b'+' => 1,
                b'-' => -1,
                _ => return None,
            };
            let offset = &rest[1..];
            if offset.len() != 5 || offset.as_bytes()[2] != b':' {
                return None;
            }
            let hours = i64::from(digits(&offset[..2])?);
            let minutes = i64::from(digits(&offset[3..])?);
            if hours > 23 || minutes > 59 {
                return None;
            }
            sign * (hours * 3600 + minutes * 60)
        }
    };
    Some(hour * 3600 + minute * 60 + second - offset)
}

/// The calendar date (year, month, day) of day `days` since 1970-01-01 (Howard Hinnant's
/// algorithm, the inverse of `days_from_civil`).
pub fn civil_from_days(days: i64) -> (i32, u8, u8) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let day_of_era = z - era * 146_097;
    let year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let mp = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    (
        i32::try_from(year).unwrap_or(i32::MAX),
        u8::try_from(month).unwrap_or(1),
        u8::try_from(day).unwrap_or(1),
    )
}

/// The name of the weekday of day `days` since 1970-01-01 (a Thursday).
pub fn weekday(days: i64) -> &'static str {
    const NAMES: [&str; 7] = [
        "Thursday",
        "Friday",
        "Saturday",
        "Sunday",
        "Monday",
        "Tuesday",
        "Wednesday",
    ];
    NAMES[usize::try_from(days.rem_euclid(7)).unwrap_or(0)]
}

/// `28 July 2002` for day `days` since 1970-01-01; without the year when it is `this_year`.
pub fn day_in_words(days: i64, this_year: Option<i32>) -> String {
    let (year, month, day) = civil_from_days(days);
    let month = MONTHS[usize::from(month.clamp(1, 12) - 1)];
    if Some(year) == this_year {
        format!("{day} {month}")
    } else {
        format!("{day} {month} {year}")
    }
}

fn is_leap(year: i32) -> bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
}

fn days_in_month(year: i32, month: u8) -> u8 {
    match month {
        2 if is_leap(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days since 1970-01-01 for a proleptic Gregorian date (Howard Hinnant's algorithm).
fn days_from_civil(year: i32, month: u8, day: u8) -> i64 {
    let year = i64::from(year) - i64::from(month <= 2);
    let era = year.div_euclid(400);
    let year_of_era = year - era * 400;
    let month = i64::from(month);
    let day_of_year = (153 * (month + if month > 2 { -3 } else { 9 }) + 2) / 5 + i64::from(day) - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

const DAY_MS: i64 = 86_400_000;

/// Since when, in words, from day-level facts (UTC days), both times in milliseconds since
/// 1970: `today`, `since yesterday`, `since Tuesday` within the last six days, `since 3
/// November` before (with the year when it is not this one's). A session that ended after
/// `now` (a clock put back) is "since the last session".
pub fn since_words(since_ms: u64, now_ms: u64) -> String {
    let days = |t: u64| i64::try_from(t).unwrap_or(i64::MAX).div_euclid(DAY_MS);
    let (then, today) = (days(since_ms), days(now_ms));
    match today - then {
        ..0 => "since the last session".to_owned(),
        0 => "today".to_owned(),
        1 => "since yesterday".to_owned(),
        2..=6 => format!("since {}", weekday(then)),
        _ => format!(
            "since {}",
            day_in_words(then, Some(civil_from_days(today).0))
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_go_back_to_dates_and_weekdays() {
        for (text, weekday_name) in [
            ("1970-01-01", "Thursday"),
            ("2002-07-28", "Sunday"),
            ("2024-02-29", "Thursday"),
            ("2026-12-01", "Tuesday"),
            ("1969-12-31", "Wednesday"),
        ] {
            let parsed = Published::parse(text).expect("a date");
            let days = parsed.instant.div_euclid(86_400);
            assert_eq!(
                civil_from_days(days),
                (parsed.year, parsed.month, parsed.day),
                "{text}"
            );
            assert_eq!(weekday(days), weekday_name, "{text}");
        }
        assert_eq!(day_in_words(0, Some(1970)), "1 January");
        assert_eq!(day_in_words(0, Some(2026)), "1 January 1970");
    }

    #[test]
    fn parses_the_accepted_forms() {
        let cases: &[(&str, (i32, u8, u8), i64)] = &[
            ("1970-01-01", (1970, 1, 1), 0),
            ("2002-07-28", (2002, 7, 28), 1_027_814_400),
            ("2002-07-28T09:30:00Z", (2002, 7, 28), 1_027_848_600),
            ("2002-07-28t09:30:00z", (2002, 7, 28), 1_027_848_600),
            ("2002-07-28 09:30:00Z", (2002, 7, 28), 1_027_848_600),
            ("2002-07-28T09:30:00.123456Z", (2002, 7, 28), 1_027_848_600),
            ("2002-07-28T12:30:00+03:00", (2002, 7, 28), 1_027_848_600),
            (
                "2002-07-28T01:00:00-08:30",
                (2002, 7, 28),
                1_027_818_000 + 8 * 3600 + 1800,
            ),
            ("2024-02-29", (2024, 2, 29), 1_709_164_800),
            ("1969-12-31", (1969, 12, 31), -86_400),
        ];
        for (text, (year, month, day), instant) in cases {
            let parsed = Published::parse(text).unwrap_or_else(|| panic!("{text} should parse"));
            assert_eq!(
                (parsed.year, parsed.month, parsed.day),
                (*year, *month, *day),
                "{text}"
            );
            assert_eq!(parsed.instant, *instant, "{text}");
        }
    }

    #[test]
    fn rejects_what_is_not_a_date() {
        for text in [
            "",
            "yesterday",
            "2002-7-28",
            "2002/07/28",
            "2023-02-29",
            "2002-13-01",
            "2002-00-10",
            "2002-07-32",
            "2002-07-28T25:00:00Z",
            "2002-07-28T09:30Z",
            "2002-07-28T09:30:00",
            "2002-07-28T09:30:00+0300",
            "2002-07-28T09:30:00.Z",
            "2002-07-28junk",
            "+002-07-28",
            "２００２-07-28",
        ] {
            assert_eq!(Published::parse(text), None, "{text:?} should not parse");
        }
    }

    #[test]
    fn formats_for_lists_and_for_speech() {
        let date = Published::parse("2002-07-28").unwrap();
        assert_eq!(date.iso_date(), "2002-07-28");
        assert_eq!(date.long_date(), "28 July 2002");
        assert_eq!(date.to_string(), "2002-07-28");
    }
}
