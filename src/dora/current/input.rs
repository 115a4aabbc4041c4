//! The answers of a current-edition check and how they are parsed from the
//! API's JSON or a form's text, each refusal naming its field.

use serde_json::{Map, Value};

use super::benchmarks::{org_size_row, IndustryKey, OrgSizeKey};
use super::{Edition, FieldError, Metric, Percent};
use crate::dora::{Answer, Question};

/// The answers of one check in a current edition. Rework is present exactly
/// when the edition asks for it; the constructor keeps it so.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CurrentAnswers {
    edition: Edition,
    lead_time: Answer,
    deploy_frequency: Answer,
    time_to_restore: Answer,
    change_failure_rate: Percent,
    rework_rate: Option<Percent>,
}

impl CurrentAnswers {
    /// For answers already parsed (a measured window, stored votes). Refuses an
    /// answer to the wrong question and a rework rate the edition does not ask
    /// for, or one it is missing.
    pub fn new(
        edition: Edition,
        [lead_time, deploy_frequency, time_to_restore]: [Answer; 3],
        change_failure_rate: Percent,
        rework_rate: Option<Percent>,
    ) -> Result<CurrentAnswers, FieldError> {
        for (answer, question) in [
            (lead_time, Question::LeadTime),
            (deploy_frequency, Question::DeployFrequency),
            (time_to_restore, Question::TimeToRestore),
        ] {
            if answer.question() != question {
                return Err(FieldError::new(
                    question.id(),
                    format!("{} is not an answer to {}", answer.id(), question.id()),
                ));
            }
        }
        check_rework(edition, rework_rate.is_some())?;
        Ok(CurrentAnswers {
            edition,
            lead_time,
            deploy_frequency,
            time_to_restore,
            change_failure_rate,
            rework_rate,
        })
    }

    pub fn edition(&self) -> Edition {
        self.edition
    }
    pub fn lead_time(&self) -> Answer {
        self.lead_time
    }
    pub fn deploy_frequency(&self) -> Answer {
        self.deploy_frequency
    }
    pub fn time_to_restore(&self) -> Answer {
        self.time_to_restore
    }
    pub fn change_failure_rate(&self) -> Percent {
        self.change_failure_rate
    }
    pub fn rework_rate(&self) -> Option<Percent> {
        self.rework_rate
    }
}

fn check_rework(edition: Edition, present: bool) -> Result<(), FieldError> {
    let field = Metric::ReworkRate.id();
    match (edition.asks(Metric::ReworkRate), present) {
        (true, false) => Err(FieldError::new(
            field,
            format!("rework_rate is required in the {} edition", edition.id()),
        )),
        (false, true) => Err(FieldError::new(
            field,
            format!("rework_rate is not asked in the {} edition", edition.id()),
        )),
        _ => Ok(()),
    }
}

/// A check to score: the answers and what to compare them with.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CurrentInput {
    pub answers: CurrentAnswers,
    /// Defaults to all industries.
    pub industry: IndustryKey,
    /// Compared with only when asked for.
    pub org_size: Option<OrgSizeKey>,
}

/// A percent field as it arrived.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum RawPercent<'a> {
    /// The API: must be a JSON number.
    Json(&'a Value),
    /// A form or query string: digits.
    Text(&'a str),
}

impl RawPercent<'_> {
    /// JSON null and blank text mean "not given", as an absent field does.
    fn is_absent(self) -> bool {
        match self {
            RawPercent::Json(v) => v.is_null(),
            RawPercent::Text(t) => t.trim().is_empty(),
        }
    }
}

/// The fields of a request before parsing; `None` (or empty text, or JSON
/// null) is "absent".
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct CurrentFields<'a> {
    pub benchmark: Option<&'a str>,
    pub lead_time: Option<&'a str>,
    pub deploy_frequency: Option<&'a str>,
    pub time_to_restore: Option<&'a str>,
    pub change_failure_rate: Option<RawPercent<'a>>,
    pub rework_rate: Option<RawPercent<'a>>,
    pub industry: Option<&'a str>,
    pub org_size: Option<&'a str>,
}

impl CurrentInput {
    /// Parses a request whose `benchmark` is a current edition (`"2024"` or
    /// `"2025"`; absent means 2025). Fields are checked in question order,
    /// then industry and organisation size; the first wrong one is named.
    pub fn parse(fields: &CurrentFields<'_>) -> Result<CurrentInput, FieldError> {
        let edition = match fields.benchmark.filter(|s| !s.is_empty()) {
            None => Edition::default(),
            Some(raw) => Edition::from_id(raw).ok_or_else(|| {
                FieldError::new(
                    "benchmark",
                    format!("{raw:?} is not a current edition; expected 2024 or 2025"),
                )
            })?,
        };
        let answer = |q: Question, raw: Option<&str>| -> Result<Answer, FieldError> {
            let raw = raw
                .filter(|s| !s.is_empty())
                .ok_or_else(|| FieldError::new(q.id(), format!("{} is required", q.id())))?;
            q.answer(raw).ok_or_else(|| {
                FieldError::new(
                    q.id(),
                    format!(
                        "unknown answer {raw:?} for {}; expected one of {}",
                        q.id(),
                        q.answer_ids().join(", ")
                    ),
                )
            })
        };
        let percent = |field: &str, raw: Option<RawPercent<'_>>| -> Result<Option<Percent>, FieldError> {
            match raw.filter(|r| !r.is_absent()) {
                None => Ok(None),
                Some(RawPercent::Json(v)) => Percent::from_json(field, v).map(Some),
                Some(RawPercent::Text(t)) => Percent::from_text(field, t).map(Some),
            }
        };
        let lead_time = answer(Question::LeadTime, fields.lead_time)?;
        let deploy_frequency = answer(Question::DeployFrequency, fields.deploy_frequency)?;
        let time_to_restore = answer(Question::TimeToRestore, fields.time_to_restore)?;
        let cfr_field = Metric::ChangeFailureRate.id();
        let change_failure_rate = percent(cfr_field, fields.change_failure_rate)?
            .ok_or_else(|| FieldError::new(cfr_field, "change_failure_rate is required"))?;
        // An unexpected rework rate is refused before it is parsed: in 2024 any
        // value at all is the mistake.
        check_rework(edition, fields.rework_rate.is_some_and(|r| !r.is_absent()))?;
        let rework_rate = percent(Metric::ReworkRate.id(), fields.rework_rate)?;
        let answers = CurrentAnswers::new(
            edition,
            [lead_time, deploy_frequency, time_to_restore],
            change_failure_rate,
            rework_rate,
        )?;
        let industry = match fields.industry.filter(|s| !s.is_empty()) {
            None => IndustryKey::All,
            Some(raw) => IndustryKey::from_id(raw).ok_or_else(|| {
                FieldError::new(
                    "industry",
                    format!(
                        "unknown industry {raw:?} for the {} edition; expected one of {}",
                        edition.id(),
                        IndustryKey::ALL.map(IndustryKey::id).join(", ")
                    ),
                )
            })?,
        };
        let org_size = match fields.org_size.filter(|s| !s.is_empty()) {
            None => None,
            Some(raw) => Some(
                OrgSizeKey::from_id(raw)
                    .filter(|k| org_size_row(edition, *k).is_some())
                    .ok_or_else(|| {
                        let keys: Vec<&str> = super::benchmarks::org_size_rows(edition)
                            .iter()
                            .map(|r| r.key.id())
                            .collect();
                        FieldError::new(
                            "org_size",
                            format!(
                                "unknown organisation size {raw:?} for the {} edition; expected one of {}",
                                edition.id(),
                                keys.join(", ")
                            ),
                        )
                    })?,
            ),
        };
        Ok(CurrentInput {
            answers,
            industry,
            org_size,
        })
    }

    /// Parses the API's JSON object. Text fields must be strings, the two
    /// percentages JSON numbers; anything else is refused naming the field.
    pub fn from_json(object: &Map<String, Value>) -> Result<CurrentInput, FieldError> {
        let text = |field: &str| -> Result<Option<&str>, FieldError> {
            match object.get(field) {
                None | Some(Value::Null) => Ok(None),
                Some(Value::String(s)) => Ok(Some(s.as_str())),
                Some(_) => Err(FieldError::new(field, format!("{field} must be a string"))),
            }
        };
        let number = |field: &str| object.get(field).map(RawPercent::Json);
        CurrentInput::parse(&CurrentFields {
            benchmark: text("benchmark")?,
            lead_time: text("lead_time")?,
            deploy_frequency: text("deploy_frequency")?,
            time_to_restore: text("time_to_restore")?,
            change_failure_rate: number("change_failure_rate"),
            rework_rate: number("rework_rate"),
            industry: text("industry")?,
            org_size: text("org_size")?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn body(value: Value) -> Map<String, Value> {
        match value {
            Value::Object(o) => o,
            _ => unreachable!("test bodies are objects"),
        }
    }

    fn check_2025() -> Value {
        json!({
            "benchmark": "2025",
            "lead_time": "less_than_one_day",
            "deploy_frequency": "daily_to_weekly",
            "time_to_restore": "less_than_one_hour",
            "change_failure_rate": 12,
            "rework_rate": 25,
        })
    }

    fn field_of(value: Value) -> String {
        CurrentInput::from_json(&body(value)).unwrap_err().field
    }

    fn with(mut value: Value, key: &str, v: Value) -> Value {
        value[key] = v;
        value
    }

    fn without(mut value: Value, key: &str) -> Value {
        value.as_object_mut().unwrap().remove(key);
        value
    }

    #[test]
    fn a_2025_check_parses_with_defaults() {
        let input = CurrentInput::from_json(&body(check_2025())).unwrap();
        assert_eq!(input.answers.edition(), Edition::Y2025);
        assert_eq!(input.answers.lead_time().code(), 5);
        assert_eq!(input.answers.change_failure_rate().get(), 12);
        assert_eq!(input.answers.rework_rate().map(Percent::get), Some(25));
        assert_eq!((input.industry, input.org_size), (IndustryKey::All, None));
        // No benchmark at all means 2025.
        assert_eq!(
            CurrentInput::from_json(&body(without(check_2025(), "benchmark"))).unwrap(),
            input
        );
    }

    #[test]
    fn every_refusal_names_its_field() {
        let base_2024 = without(with(check_2025(), "benchmark", json!("2024")), "rework_rate");
        assert!(CurrentInput::from_json(&body(base_2024.clone())).is_ok());
        let cases = [
            (with(check_2025(), "benchmark", json!("2019")), "benchmark"),
            (with(check_2025(), "benchmark", json!(2025)), "benchmark"),
            (without(check_2025(), "lead_time"), "lead_time"),
            (
                with(check_2025(), "deploy_frequency", json!("weekly")),
                "deploy_frequency",
            ),
            (with(check_2025(), "time_to_restore", json!(3)), "time_to_restore"),
            (
                with(check_2025(), "change_failure_rate", json!("0-15")),
                "change_failure_rate",
            ),
            (
                with(check_2025(), "change_failure_rate", json!(101)),
                "change_failure_rate",
            ),
            (
                with(check_2025(), "change_failure_rate", json!(null)),
                "change_failure_rate",
            ),
            (without(check_2025(), "rework_rate"), "rework_rate"),
            (with(check_2025(), "rework_rate", json!(-1)), "rework_rate"),
            (with(check_2025(), "rework_rate", json!("25")), "rework_rate"),
            (with(base_2024.clone(), "rework_rate", json!(25)), "rework_rate"),
            (with(base_2024.clone(), "rework_rate", json!("oops")), "rework_rate"),
            (with(check_2025(), "industry", json!("finance")), "industry"),
            (with(check_2025(), "industry", json!(["all"])), "industry"),
            (with(check_2025(), "org_size", json!("fewer_than_20")), "org_size"),
            (with(check_2025(), "org_size", json!("huge")), "org_size"),
        ];
        for (request, field) in cases {
            assert_eq!(field_of(request.clone()), field, "{request}");
        }
        // 2024 publishes the 10 to 19 band.
        let input = CurrentInput::from_json(&body(with(base_2024, "org_size", json!("fewer_than_20")))).unwrap();
        assert_eq!(input.org_size, Some(OrgSizeKey::FewerThan20));
    }

    #[test]
    fn form_text_parses_like_json() {
        let fields = CurrentFields {
            benchmark: Some("2025"),
            lead_time: Some("less_than_one_day"),
            deploy_frequency: Some("daily_to_weekly"),
            time_to_restore: Some("less_than_one_hour"),
            change_failure_rate: Some(RawPercent::Text("12")),
            rework_rate: Some(RawPercent::Text("25")),
            industry: Some("technology"),
            org_size: Some("solo"),
        };
        let input = CurrentInput::parse(&fields).unwrap();
        assert_eq!(
            input.answers,
            CurrentInput::from_json(&body(check_2025())).unwrap().answers
        );
        assert_eq!(
            (input.industry, input.org_size),
            (IndustryKey::Technology, Some(OrgSizeKey::Solo))
        );
        let empty_rework = CurrentFields {
            rework_rate: Some(RawPercent::Text("")),
            ..fields
        };
        assert_eq!(CurrentInput::parse(&empty_rework).unwrap_err().field, "rework_rate");
    }

    #[test]
    fn answers_to_the_wrong_question_are_refused() {
        let lt = Question::LeadTime.answer_with_code(3);
        let df = Question::DeployFrequency.answer_with_code(3);
        let p = Percent::new(10).unwrap();
        let err = CurrentAnswers::new(Edition::Y2024, [lt, lt, lt], p, None).unwrap_err();
        assert_eq!(err.field, "deploy_frequency");
        let rec = Question::TimeToRestore.answer_with_code(3);
        assert!(CurrentAnswers::new(Edition::Y2024, [lt, df, rec], p, None).is_ok());
        assert_eq!(
            CurrentAnswers::new(Edition::Y2024, [lt, df, rec], p, Some(p))
                .unwrap_err()
                .field,
            "rework_rate"
        );
        assert_eq!(
            CurrentAnswers::new(Edition::Y2025, [lt, df, rec], p, None)
                .unwrap_err()
                .field,
            "rework_rate"
        );
    }
}
