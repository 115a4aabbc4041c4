//! Measured DORA metrics in the UI: the squad's API tokens, its metrics page,
//! CSV import, the leaderboard, and the measured answers inside a checkpoint.

pub mod cards;
pub mod current_cards;
pub mod import;
pub mod leaderboard;
pub mod link_choice;
pub mod page;
pub mod provenance;
pub mod tokens;

use checkpoint_core::measured::dates::{format_date, parse_date};
use checkpoint_core::measured::{BoundedWindow, Window, DAY_MS, DEFAULT_WINDOW_DAYS, MAX_WINDOW_DAYS};

/// The window a page asks for with `from`/`to` dates (both days included);
/// by default the 91 UTC days ending with today, whole days like any dates a
/// person gives (so the leaderboard reads its per-day totals); at most
/// `MAX_WINDOW_DAYS` days. The error names the field to change.
pub fn window_from_dates(
    from: Option<&str>,
    to: Option<&str>,
    now_ms: i64,
) -> Result<BoundedWindow, (&'static str, String)> {
    let date = |field: &'static str, v: Option<&str>| -> Result<Option<i64>, (&'static str, String)> {
        match v.map(str::trim).filter(|v| !v.is_empty()) {
            None => Ok(None),
            Some(v) => parse_date(v)
                .map(Some)
                .ok_or((field, format!("{field} must be a date like 2026-11-22"))),
        }
    };
    let today = now_ms.div_euclid(DAY_MS) * DAY_MS;
    let to = date("to", to)?.unwrap_or(today) + DAY_MS;
    let from = date("from", from)?.unwrap_or(to - DEFAULT_WINDOW_DAYS * DAY_MS);
    if to <= from {
        return Err(("to", "the end date must not be before the start date".into()));
    }
    BoundedWindow::parse(from, to).map_err(|e| {
        (
            e.field,
            format!("a window may span at most {MAX_WINDOW_DAYS} days (two years): choose a later start date"),
        )
    })
}

/// "2026-08-24 – 2026-11-22" (the last day included).
pub fn window_label(w: Window) -> String {
    format!("{} – {}", format_date(w.from), format_date(w.to - 1))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn page_windows_include_both_dates_and_default_to_91_days() {
        let w = window_from_dates(Some("2026-11-01"), Some("2026-11-07"), 0)
            .unwrap()
            .get();
        assert_eq!((w.days(), window_label(w)), (7, "2026-11-01 – 2026-11-07".to_string()));
        let now = parse_date("2026-11-22").unwrap() + 3_600_000;
        let default = window_from_dates(None, None, now).unwrap().get();
        assert_eq!(
            (default.days(), window_label(default)),
            (91, "2026-08-24 – 2026-11-22".to_string()),
            "whole days, today the last"
        );
        assert_eq!(default.to, parse_date("2026-11-23").unwrap());
        assert_eq!(
            window_from_dates(Some("2026-11-08"), Some("2026-11-07"), now)
                .unwrap_err()
                .0,
            "to"
        );
        assert_eq!(window_from_dates(Some("soon"), None, now).unwrap_err().0, "from");
        // Two years with a leap day are 731 days: allowed; a day more is not.
        assert_eq!(
            window_from_dates(Some("2024-01-01"), Some("2025-12-31"), now)
                .unwrap()
                .get()
                .days(),
            731
        );
        assert_eq!(
            window_from_dates(Some("2024-01-01"), Some("2026-01-01"), now)
                .unwrap_err()
                .0,
            "from"
        );
        assert_eq!(
            window_from_dates(Some("1970-01-01"), Some("9999-12-31"), now)
                .unwrap_err()
                .0,
            "from"
        );
    }
}
