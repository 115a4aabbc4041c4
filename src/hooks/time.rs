//! The instants the tools write: RFC 3339 (`2020-10-02T18:45:22.169Z`, any
//! offset, up to nanoseconds), GitLab's `2021-04-28 21:50:00 +0200` and
//! `2017-09-15 16:50:55 UTC`, and Unix seconds.

use serde_json::Value;

use super::Refusal;

pub fn parse(field: &str, value: &Value) -> Result<i64, Refusal> {
    let bad = || {
        Refusal::new(
            field,
            format!("{field} must be a timestamp such as 2026-11-22T09:30:00Z (got {value})"),
        )
    };
    match value {
        Value::Number(n) => n.as_i64().map(|s| s * 1000).ok_or_else(bad),
        Value::String(s) => {
            let s = s.trim();
            if let Ok(t) = chrono::DateTime::parse_from_rfc3339(s) {
                return Ok(t.timestamp_millis());
            }
            if let Ok(t) = chrono::DateTime::parse_from_str(s, "%Y-%m-%d %H:%M:%S%.f %z") {
                return Ok(t.timestamp_millis());
            }
            if let Some(utc) = s.strip_suffix(" UTC") {
                if let Ok(t) = chrono::NaiveDateTime::parse_from_str(utc, "%Y-%m-%d %H:%M:%S%.f") {
                    return Ok(t.and_utc().timestamp_millis());
                }
            }
            Err(bad())
        }
        _ => Err(bad()),
    }
}

/// `None` when absent, null, or Alertmanager's "not yet" (`0001-01-01T00:00:00Z`).
pub fn optional(field: &str, value: Option<&Value>) -> Result<Option<i64>, Refusal> {
    match value {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) if s.is_empty() || s.starts_with("0001-01-01") => Ok(None),
        Some(v) => parse(field, v).map(Some),
    }
}

pub fn required(field: &str, value: Option<&Value>) -> Result<i64, Refusal> {
    optional(field, value)?.ok_or_else(|| Refusal::new(field, format!("{field} is required")))
}

pub fn rfc3339(ms: i64) -> String {
    chrono::DateTime::from_timestamp_millis(ms)
        .unwrap_or_default()
        .to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}
