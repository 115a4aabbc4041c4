//! A checkpoint's fixed facts, its status, its join code and its welcome text.

use serde::{Deserialize, Serialize};

use crate::dora::baselines::Industry;
use crate::dora::current::AnyEdition;
use crate::error::FieldError;

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum CheckpointStatus {
    #[default]
    Draft,
    Live,
    Finished,
}

impl CheckpointStatus {
    pub fn id(self) -> &'static str {
        match self {
            CheckpointStatus::Draft => "draft",
            CheckpointStatus::Live => "live",
            CheckpointStatus::Finished => "finished",
        }
    }
    pub fn parse(raw: &str) -> Option<CheckpointStatus> {
        [
            CheckpointStatus::Draft,
            CheckpointStatus::Live,
            CheckpointStatus::Finished,
        ]
        .into_iter()
        .find(|s| s.id() == raw)
    }
    pub fn label(self) -> &'static str {
        match self {
            CheckpointStatus::Draft => "Draft",
            CheckpointStatus::Live => "Live",
            CheckpointStatus::Finished => "Finished",
        }
    }
}

/// What does not change during the session.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CheckpointInfo {
    pub id: String,
    pub squad_slug: String,
    pub squad_name: String,
    pub industry: Industry,
    /// The squad's organisation size, when it gave one (absent in older views).
    #[serde(default)]
    pub org_size: Option<crate::dora::current::OrgSizeKey>,
    /// The edition the checkpoint is run in (the column keeps its old name).
    pub benchmark: AnyEdition,
    /// `YYYY-MM-DD`.
    pub held_on: String,
    pub board_url: Option<String>,
    pub facilitator: String,
    pub status: CheckpointStatus,
}

/// The short code people type to join: 8 characters from an alphabet without
/// look-alikes (31^8, about 8.5e11 codes), shown as `ABCD-EFGH`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct JoinCode(String);

pub const CODE_ALPHABET: &[u8] = b"ABCDEFGHJKMNPQRSTUVWXYZ23456789";
const CODE_LEN: usize = 8;

impl JoinCode {
    /// Builds a code from random bytes (the caller supplies the randomness).
    pub fn from_random(bytes: &[u8; CODE_LEN]) -> JoinCode {
        // 256 % 31 = 8: a tiny bias toward the first 8 letters, irrelevant at this size.
        JoinCode(
            bytes
                .iter()
                .map(|b| CODE_ALPHABET[usize::from(*b) % CODE_ALPHABET.len()] as char)
                .collect(),
        )
    }

    /// Accepts what people type: any case, with or without the dash or spaces.
    pub fn parse(raw: &str) -> Result<JoinCode, FieldError> {
        let code: String = raw
            .chars()
            .filter(|c| !c.is_whitespace() && *c != '-')
            .flat_map(char::to_uppercase)
            .collect();
        if code.len() != CODE_LEN || !code.bytes().all(|b| CODE_ALPHABET.contains(&b)) {
            return Err(FieldError::new(
                "code",
                "a join code has 8 letters and digits, like ABCD-EFGH",
            ));
        }
        Ok(JoinCode(code))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn display(&self) -> String {
        format!("{}-{}", &self.0[..4], &self.0[4..])
    }
}

/// The welcome stage's text; the facilitator may edit every part.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct WelcomeText {
    pub purpose: String,
    pub agenda: String,
    pub outcome: String,
    pub principles: String,
}

pub const WELCOME_MAX_CHARS: usize = 2_000;

impl Default for WelcomeText {
    fn default() -> Self {
        WelcomeText {
            purpose: "Take stock of how we deliver software, agree where we stand on the four DORA metrics, and choose what to improve next quarter.".into(),
            agenda: "Welcome · Set the scene · The four questions (about 15 minutes each) · Maturity · Capabilities · Path to production · Actions · Summary".into(),
            outcome: "An agreed maturity level, up to three focus capabilities, and a short list of actions with owners and dates.".into(),
            principles: "Everyone's view counts; vote for what is true today, not what we hope; challenge ideas, not people; phones and chat away; the facilitator keeps time.".into(),
        }
    }
}

impl WelcomeText {
    /// Trims every part and refuses empty or overlong ones, naming the field.
    pub fn parse(self) -> Result<WelcomeText, FieldError> {
        let check = |field: &str, s: String| -> Result<String, FieldError> {
            let t = s.trim().to_string();
            if t.is_empty() {
                return Err(FieldError::new(field, format!("{field} must not be empty")));
            }
            if t.chars().count() > WELCOME_MAX_CHARS {
                return Err(FieldError::new(
                    field,
                    format!("{field} must be at most {WELCOME_MAX_CHARS} characters"),
                ));
            }
            Ok(t)
        };
        Ok(WelcomeText {
            purpose: check("purpose", self.purpose)?,
            agenda: check("agenda", self.agenda)?,
            outcome: check("outcome", self.outcome)?,
            principles: check("principles", self.principles)?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn join_codes_are_forgiving_to_type_and_strict_to_accept() {
        let code = JoinCode::from_random(&[0, 1, 2, 3, 30, 31, 200, 255]);
        assert_eq!(code.as_str().len(), 8);
        assert_eq!(JoinCode::parse(&code.display().to_lowercase()).unwrap(), code);
        assert_eq!(JoinCode::parse(" abcd efgh ").unwrap().as_str(), "ABCDEFGH");
        assert_eq!(JoinCode::parse("ABCD-EFG").unwrap_err().field, "code");
        assert!(
            JoinCode::parse("ABCD-EFG0").is_err(),
            "0 is not in the alphabet (looks like O)"
        );
    }

    #[test]
    fn welcome_text_refuses_empty_parts_by_name() {
        let w = WelcomeText {
            agenda: "  ".into(),
            ..WelcomeText::default()
        };
        assert_eq!(w.parse().unwrap_err().field, "agenda");
        assert!(WelcomeText::default().parse().is_ok());
    }
}
