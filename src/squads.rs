//! Squads as plain data, and the parsed form that creates or edits one.

use serde::{Deserialize, Serialize};

use crate::dora::baselines::Industry;
use crate::dora::current::benchmarks::{IndustryKey, OrgSizeKey};
use crate::error::FieldError;
use crate::names::DisplayName;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Squad {
    pub id: String,
    pub slug: String,
    pub name: String,
    pub tribe: String,
    pub industry: Industry,
    /// The organisation-size band of the current editions' benchmarks (7.3);
    /// squads made before it existed have none.
    #[serde(default)]
    pub org_size: Option<OrgSizeKey>,
    /// Archived squads leave the lists and selects; their history stays.
    #[serde(default)]
    pub archived: bool,
}

/// What a facilitator types to create or edit a squad, parsed once.
#[derive(Clone, Debug)]
pub struct SquadForm {
    pub name: DisplayName,
    pub tribe: DisplayName,
    pub industry: Industry,
    pub org_size: Option<OrgSizeKey>,
}

impl SquadForm {
    pub fn parse(name: &str, tribe: &str, industry: Option<&str>) -> Result<SquadForm, FieldError> {
        let industry = match industry.map(str::trim).filter(|s| !s.is_empty()) {
            None => Industry::default(),
            // The form offers the current editions' keys; older links and
            // the CLI send the legacy ids. Both name the same fourteen.
            Some(raw) => IndustryKey::from_any(raw)
                .map(IndustryKey::legacy)
                .ok_or_else(|| FieldError::new("industry", format!("unknown industry {raw:?}")))?,
        };
        Ok(SquadForm {
            name: DisplayName::parse("name", name)?,
            tribe: DisplayName::parse("tribe", tribe)?,
            industry,
            org_size: None,
        })
    }

    /// The optional organisation size: a 7.3 key, or blank for none.
    pub fn with_org_size(self, org_size: Option<&str>) -> Result<SquadForm, FieldError> {
        let org_size = match org_size.map(str::trim).filter(|s| !s.is_empty()) {
            None => None,
            Some(raw) => Some(OrgSizeKey::from_id(raw).ok_or_else(|| {
                FieldError::new(
                    "org_size",
                    format!(
                        "org_size {raw:?} is not an organisation size; expected one of {}",
                        OrgSizeKey::ALL.map(OrgSizeKey::id).join(", ")
                    ),
                )
            })?),
        };
        Ok(SquadForm { org_size, ..self })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn industry_accepts_legacy_ids_and_current_keys_alike() {
        for key in IndustryKey::ALL {
            let by_key = SquadForm::parse("a", "b", Some(key.id())).unwrap().industry;
            let by_id = SquadForm::parse("a", "b", Some(key.legacy().id())).unwrap().industry;
            assert_eq!((by_key, by_id), (key.legacy(), key.legacy()), "{key:?}");
        }
        assert_eq!(
            SquadForm::parse("a", "b", Some("financial_services")).unwrap().industry,
            Industry::Finance
        );
        assert_eq!(
            SquadForm::parse("a", "b", Some("farming")).unwrap_err().field,
            "industry"
        );
    }

    #[test]
    fn org_size_is_optional_and_a_bad_one_is_named() {
        let form = || SquadForm::parse("a", "b", None).unwrap();
        assert_eq!(form().org_size, None);
        assert_eq!(form().with_org_size(Some(" ")).unwrap().org_size, None);
        assert_eq!(
            form().with_org_size(Some("fewer_than_100")).unwrap().org_size,
            Some(OrgSizeKey::FewerThan100)
        );
        let err = form().with_org_size(Some("huge")).unwrap_err();
        assert_eq!(err.field, "org_size");
        assert!(err.message.contains("more_than_9999"), "{}", err.message);
    }
}
