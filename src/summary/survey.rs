//! The closing survey: one anonymous response per participant, shown only in
//! aggregate.

use serde::{Deserialize, Serialize};

use crate::error::FieldError;

pub const MAX_SURVEY_TEXT: usize = 1000;

/// A parsed response. It holds nothing about who gave it.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct SurveyResponse {
    /// How useful the session was, 1 to 5.
    pub usefulness: u8,
    pub went_well: String,
    pub to_improve: String,
}

impl SurveyResponse {
    pub fn parse(usefulness: Option<&str>, went_well: &str, to_improve: &str) -> Result<SurveyResponse, FieldError> {
        let raw = usefulness
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .ok_or_else(|| FieldError::new("usefulness", "choose how useful the session was, 1 to 5"))?;
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
        Ok(SurveyResponse {
            usefulness,
            went_well: text("went_well", went_well)?,
            to_improve: text("to_improve", to_improve)?,
        })
    }
}

/// One checkpoint's survey as stored: who has answered, and the answers, as
/// two sets with no order in common (respondents sorted by id, answers by
/// content), so that nothing pairs an answer with its author.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SurveySet {
    respondents: std::collections::BTreeSet<String>,
    responses: Vec<SurveyResponse>,
}

impl SurveySet {
    /// Adds one participant's answer; false (and nothing changes) if they already answered.
    pub fn add(&mut self, participant: &str, response: SurveyResponse) -> bool {
        if !self.respondents.insert(participant.to_string()) {
            return false;
        }
        let at = self.responses.binary_search(&response).unwrap_or_else(|i| i);
        self.responses.insert(at, response);
        true
    }

    /// Adds rows kept elsewhere before (their order is dropped here).
    pub fn merge(&mut self, who: impl IntoIterator<Item = String>, answers: impl IntoIterator<Item = SurveyResponse>) {
        self.respondents.extend(who);
        self.responses.extend(answers);
        self.responses.sort();
    }

    pub fn has_answered(&self, participant: &str) -> bool {
        self.respondents.contains(participant)
    }

    pub fn responses(&self) -> &[SurveyResponse] {
        &self.responses
    }

    #[cfg(feature = "ssr")]
    pub fn to_json(&self) -> (String, String) {
        (
            serde_json::to_string(&self.respondents).unwrap_or_default(),
            serde_json::to_string(&self.responses).unwrap_or_default(),
        )
    }

    #[cfg(feature = "ssr")]
    pub fn from_json(respondents: &str, responses: &str) -> Result<SurveySet, serde_json::Error> {
        let mut responses: Vec<SurveyResponse> = serde_json::from_str(responses)?;
        responses.sort();
        Ok(SurveySet {
            respondents: serde_json::from_str(respondents)?,
            responses,
        })
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
    /// As [`crate::live::Disclosure::survey`] allows: below the minimum, only
    /// how many have answered.
    pub fn disclosed(self) -> SurveyResults {
        if crate::live::Disclosure::survey(self.responses) {
            self
        } else {
            SurveyResults {
                responses: self.responses,
                ..SurveyResults::default()
            }
        }
    }

    pub fn of(responses: &[SurveyResponse]) -> SurveyResults {
        let mut usefulness = [0usize; 5];
        for r in responses {
            usefulness[usize::from(r.usefulness.clamp(1, 5) - 1)] += 1;
        }
        let total: usize = responses.iter().map(|r| usize::from(r.usefulness)).sum();
        let comments = |pick: fn(&SurveyResponse) -> &str| {
            let mut v: Vec<String> = responses
                .iter()
                .map(pick)
                .filter(|t| !t.is_empty())
                .map(str::to_string)
                .collect();
            v.sort();
            v
        };
        SurveyResults {
            responses: responses.len(),
            usefulness,
            mean_usefulness: (!responses.is_empty())
                .then(|| (total as f64 / responses.len() as f64 * 10.0).round() / 10.0),
            went_well: comments(|r| &r.went_well),
            to_improve: comments(|r| &r.to_improve),
        }
    }
}
