//! Squads as plain data, and the parsed form that creates or edits one.

use serde::{Deserialize, Serialize};

use crate::dora::baselines::Industry;
use crate::error::FieldError;
use crate::names::DisplayName;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Squad {
    pub id: String,
    pub slug: String,
    pub name: String,
    pub tribe: String,
    pub industry: Industry,
}

/// What a facilitator types to create or edit a squad, parsed once.
#[derive(Clone, Debug)]
pub struct SquadForm {
    pub name: DisplayName,
    pub tribe: DisplayName,
    pub industry: Industry,
}

impl SquadForm {
    pub fn parse(name: &str, tribe: &str, industry: Option<&str>) -> Result<SquadForm, FieldError> {
        let industry = match industry.map(str::trim).filter(|s| !s.is_empty()) {
            None => Industry::default(),
            Some(raw) => Industry::from_id(raw)
                .ok_or_else(|| FieldError::new("industry", format!("unknown industry {raw:?}")))?,
        };
        Ok(SquadForm {
            name: DisplayName::parse("name", name)?,
            tribe: DisplayName::parse("tribe", tribe)?,
            industry,
        })
    }
}
