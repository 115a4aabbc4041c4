//! The closing survey: one anonymous response per participant, shown only in
//! aggregate.

use serde::{Deserialize, Serialize};

use crate::dora::FieldError;

pub const MAX_SURVEY_TEXT: usize = 1000;

/// A parsed response. It holds nothing about who gave it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SurveyResponse {
    /// How useful the session was, 1 to 5.
    pub usefulness: u8,
    pub went_well: String,
    pub to_improve: String,
}

impl SurveyResponse {
    pub fn parse(usefulness: Option<&str>, went_well: &str, to_improve: &str) -> Result<SurveyResponse, FieldError> {
        let raw = usefulness.map(str::trim).filter(|s| !s.is_empty()).ok_or_else(|| FieldError::new("usefulness", "choose how useful the session was, 1 to 5"))?;
        let usefulness = raw
            .parse::<u8>()
            .ok()
            .filter(|n| (1..=5).contains(n))
            .ok_or_else(|| FieldError::new("usefulness", format!("usefulness is 1 to 5, not {raw:?}")))?;
        let text = |field: &str, raw: &str| {
            let t = raw.trim().replace("\r\n", "\n");
            if t.chars().count() > MAX_SURVEY_TEXT {
                Err(FieldError::new(field, format!("at most {MAX_SURVEY_TEXT} characters")))
            } else {
                Ok(t)
            }
        };
        Ok(SurveyResponse { usefulness, went_well: text("went_well", went_well)?, to_improve: text("to_improve", to_improve)? })
    }
}

/// The responses in aggregate. Comments are sorted, so their order says
/// nothing about who answered when.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct SurveyResults {
    pub responses: usize,
    /// How many chose 1, 2, 3, 4 and 5.
    pub usefulness: [usize; 5],
    /// Mean usefulness to one decimal; `None` without responses.
    pub mean_usefulness: Option<f64>,
    pub went_well: Vec<String>,
    pub to_improve: Vec<String>,
}

impl SurveyResults {
    pub fn of(responses: &[SurveyResponse]) -> SurveyResults {
        let mut usefulness = [0usize; 5];
        for r in responses {
            usefulness[usize::from(r.usefulness.clamp(1, 5) - 1)] += 1;
        }
        let total: usize = responses.iter().map(|r| usize::from(r.usefulness)).sum();
        let comments = |pick: fn(&SurveyResponse) -> &str| {
            let mut v: Vec<String> = responses.iter().map(pick).filter(|t| !t.is_empty()).map(str::to_string).collect();
            v.sort();
            v
        };
        SurveyResults {
            responses: responses.len(),
            usefulness,
            mean_usefulness: (!responses.is_empty()).then(|| (total as f64 / responses.len() as f64 * 10.0).round() / 10.0),
            went_well: comments(|r| &r.went_well),
            to_improve: comments(|r| &r.to_improve),
        }
    }
}
