//! An integer percent 0 to 100: how the current editions answer change
//! failure rate and rework rate.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::FieldError;

/// A whole percent, 0 ..= 100.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "u8", into = "u8")]
pub struct Percent(u8);

impl Percent {
    pub const MIN: Percent = Percent(0);
    pub const MAX: Percent = Percent(100);

    pub fn new(value: u8) -> Option<Percent> {
        (value <= 100).then_some(Percent(value))
    }

    /// Measured percentages are clamped, as the scoring clamps them.
    pub fn clamped(value: i64) -> Percent {
        Percent(value.clamp(0, 100) as u8)
    }

    pub fn get(self) -> u8 {
        self.0
    }

    /// Parses a JSON value (the API): a number with no fractional part, 0 to 100.
    /// Strings are refused even when they hold digits, so that a legacy bucket id
    /// such as `"0-15"` is named as the mistake it is.
    pub fn from_json(field: &str, value: &Value) -> Result<Percent, FieldError> {
        match value {
            Value::Number(n) => {
                let whole = match (n.as_i64(), n.as_f64()) {
                    (Some(i), _) => Some(i),
                    (None, Some(f)) if f.is_finite() && f.fract() == 0.0 && f.abs() < 1e15 => Some(f as i64),
                    _ => None,
                };
                match whole {
                    Some(i) => Percent::in_range(field, i, &n.to_string()),
                    None => Err(FieldError::new(
                        field,
                        format!("{field} must be a whole percent from 0 to 100, not {n}"),
                    )),
                }
            }
            Value::String(s) => Err(not_a_number(field, s)),
            other => Err(FieldError::new(
                field,
                format!("{field} must be a whole percent from 0 to 100 (a JSON number), not {other}"),
            )),
        }
    }

    /// Parses form or query-string text: digits only, 0 to 100.
    pub fn from_text(field: &str, text: &str) -> Result<Percent, FieldError> {
        let text = text.trim();
        if !text.is_empty() && text.len() <= 4 && text.bytes().all(|b| b.is_ascii_digit()) {
            let value: i64 = text.parse().expect("at most four ASCII digits");
            return Percent::in_range(field, value, text);
        }
        Err(not_a_number(field, text))
    }

    fn in_range(field: &str, value: i64, shown: &str) -> Result<Percent, FieldError> {
        u8::try_from(value)
            .ok()
            .and_then(Percent::new)
            .ok_or_else(|| FieldError::new(field, format!("{field} is a percent from 0 to 100, not {shown}")))
    }
}

fn not_a_number(field: &str, raw: &str) -> FieldError {
    let bucket = crate::dora::Question::ChangeFailureRate.answer(raw).is_some();
    let hint = if bucket {
        " (answer ranges belong to the 2019 to 2022 editions)"
    } else {
        ""
    };
    FieldError::new(
        field,
        format!("{field} must be a whole percent from 0 to 100, not {raw:?}{hint}"),
    )
}

impl TryFrom<u8> for Percent {
    type Error = String;
    fn try_from(value: u8) -> Result<Percent, String> {
        Percent::new(value).ok_or_else(|| format!("a percent is 0 to 100, not {value}"))
    }
}

impl From<Percent> for u8 {
    fn from(p: Percent) -> u8 {
        p.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn json_numbers_0_to_100_are_percents() {
        for (v, p) in [(json!(0), 0), (json!(12), 12), (json!(100), 100), (json!(25.0), 25)] {
            assert_eq!(Percent::from_json("change_failure_rate", &v).unwrap().get(), p, "{v}");
        }
    }

    #[test]
    fn everything_else_is_refused_naming_the_field() {
        for v in [
            json!(101),
            json!(-1),
            json!(12.5),
            json!("12"),
            json!("0-15"),
            json!(true),
            json!(null),
            json!([12]),
            json!(1e300),
        ] {
            let err = Percent::from_json("rework_rate", &v).unwrap_err();
            assert_eq!(err.field, "rework_rate", "{v}");
            assert!(err.message.contains("rework_rate"), "{v}: {}", err.message);
        }
        let bucket = Percent::from_json("change_failure_rate", &json!("0-15")).unwrap_err();
        assert!(bucket.message.contains("2019 to 2022"), "{}", bucket.message);
    }

    #[test]
    fn form_text_is_digits_only() {
        assert_eq!(Percent::from_text("f", " 7 ").unwrap().get(), 7);
        assert_eq!(Percent::from_text("f", "100").unwrap().get(), 100);
        for bad in ["", "101", "1000", "-3", "12.0", "12%", "0-15", "99999999999"] {
            assert_eq!(Percent::from_text("f", bad).unwrap_err().field, "f", "{bad:?}");
        }
    }

    #[test]
    fn serde_refuses_out_of_range_and_clamped_clamps() {
        assert_eq!(serde_json::from_str::<Percent>("42").unwrap().get(), 42);
        assert!(serde_json::from_str::<Percent>("101").is_err());
        assert_eq!(serde_json::to_string(&Percent::new(9).unwrap()).unwrap(), "9");
        assert_eq!(Percent::clamped(-5), Percent::MIN);
        assert_eq!(Percent::clamped(250), Percent::MAX);
    }
}
