//! Calendar dates and instants (UTC), without a date library: the same code
//! runs in the browser and on the server.

use super::DAY_MS;

/// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (if m <= 2 { yoe + era * 400 + 1 } else { yoe + era * 400 }, m, d)
}

/// The years a date may name: from the epoch, with four digits (so dates
/// kept as text, a checkpoint's `held_on` or an action's due date, sort as they fall).
pub const YEARS: std::ops::RangeInclusive<i64> = 1970..=9999;

/// `YYYY-MM-DD` (exactly: four, two and two digits; surrounding blanks
/// ignored) → the instant that day begins (UTC), in ms. `None` for anything
/// else, for a day that does not exist, and for a year outside [`YEARS`].
/// The one date parser: windows, history filters, due dates and `held_on`.
pub fn parse_date(text: &str) -> Option<i64> {
    let text = text.trim();
    let b = text.as_bytes();
    let digits = |r: std::ops::Range<usize>| b[r].iter().all(u8::is_ascii_digit);
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' || !digits(0..4) || !digits(5..7) || !digits(8..10) {
        return None;
    }
    let (y, m, d): (i64, i64, i64) = (
        text[0..4].parse().ok()?,
        text[5..7].parse().ok()?,
        text[8..10].parse().ok()?,
    );
    if !YEARS.contains(&y) || !(1..=12).contains(&m) || !(1..=31).contains(&d) {
        return None;
    }
    let days = days_from_civil(y, m, d);
    // 2026-02-31 is not a date: it must survive the round trip.
    (civil_from_days(days) == (y, m, d)).then_some(days * DAY_MS)
}

/// The UTC date of an instant, `YYYY-MM-DD`.
pub fn format_date(ms: i64) -> String {
    let (y, m, d) = civil_from_days(ms.div_euclid(DAY_MS));
    format!("{y:04}-{m:02}-{d:02}")
}

/// How finely [`rfc3339`] writes the time of day.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Precision {
    /// `2026-11-20T10:00:00Z`
    Seconds,
    /// `2026-11-20T10:00:00.000Z`
    Millis,
}

/// An instant (ms since the epoch) as RFC 3339 in UTC, truncated to `precision`.
pub fn rfc3339(ms: i64, precision: Precision) -> String {
    let (y, m, d) = civil_from_days(ms.div_euclid(DAY_MS));
    let in_day = ms.rem_euclid(DAY_MS);
    let (h, min, s) = (in_day / 3_600_000, in_day / 60_000 % 60, in_day / 1000 % 60);
    let date = format!("{y:04}-{m:02}-{d:02}T{h:02}:{min:02}:{s:02}");
    match precision {
        Precision::Seconds => format!("{date}Z"),
        Precision::Millis => format!("{date}.{:03}Z", in_day % 1000),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_round_trip_and_impossible_dates_are_refused() {
        assert_eq!(parse_date("1970-01-01"), Some(0));
        assert_eq!(parse_date("2026-11-20"), Some(1_795_132_800_000));
        assert_eq!(format_date(1_795_168_800_000), "2026-11-20");
        assert_eq!(format_date(parse_date("2024-02-29").unwrap()), "2024-02-29");
        assert_eq!(parse_date("2026-02-29"), None);
        assert_eq!(parse_date("2026-13-01"), None);
        assert_eq!(parse_date("yesterday"), None);
    }

    #[test]
    fn instants_are_written_as_chrono_writes_them() {
        for ms in [
            0,
            1_795_132_800_000,
            1_795_168_800_123,
            1_709_251_199_999,
            -1,
            253_402_300_799_999,
        ] {
            let t = chrono::DateTime::from_timestamp_millis(ms).unwrap();
            assert_eq!(
                rfc3339(ms, Precision::Seconds),
                t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
            );
            assert_eq!(
                rfc3339(ms, Precision::Millis),
                t.to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
            );
        }
        assert_eq!(
            rfc3339(1_795_168_800_123, Precision::Millis),
            "2026-11-20T10:00:00.123Z"
        );
    }

    #[test]
    fn a_date_has_four_two_and_two_digits_and_a_year_from_1970() {
        assert_eq!(parse_date(" 2026-11-20 "), Some(1_795_132_800_000));
        assert!(parse_date("9999-12-31").is_some());
        for bad in [
            "2026-1-05",
            "2026-01-5",
            "26-01-05",
            "+202-01-05",
            "2026/01/05",
            "1969-12-31",
            "02026-01-05",
        ] {
            assert_eq!(parse_date(bad), None, "{bad:?}");
        }
    }
}
