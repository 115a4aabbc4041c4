//! A person's choice of an incident's link (issue 17, point 7): unlinked, or
//! relinked to one deployment. It wins over the deployment id or commit its
//! sender named and over inference, from then on (a redelivery keeps it).

use serde::{Deserialize, Serialize};

use crate::error::FieldError;

/// What a facilitator chose for an incident's link.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum LinkChoice {
    /// Tied to no deployment.
    Unlinked,
    /// Tied to exactly this deployment (its id).
    Relinked { deployment: String },
}

/// A link choice, who made it and when (ms).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Choice {
    pub choice: LinkChoice,
    pub by: String,
    pub at: i64,
}

impl Choice {
    /// Back from the stored columns (`link_choice`, `link_deployment`,
    /// `link_chosen_by`, `link_chosen_at`); none for an automatic link.
    pub fn from_stored(
        choice: Option<&str>,
        deployment: Option<String>,
        by: Option<String>,
        at: Option<i64>,
    ) -> Option<Choice> {
        let choice = match (choice?, deployment) {
            ("unlinked", _) => LinkChoice::Unlinked,
            ("relinked", Some(deployment)) => LinkChoice::Relinked { deployment },
            _ => return None,
        };
        Some(Choice {
            choice,
            by: by.unwrap_or_default(),
            at: at.unwrap_or_default(),
        })
    }
}

/// What a facilitator asks for, as a form sends it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ChoiceRequest {
    Unlink,
    Relink(String),
    /// Forget the choice: linked as section 6 says again.
    Automatic,
}

impl ChoiceRequest {
    /// `choice` is `unlink`, `relink` (with `deployment`, an id) or `automatic`.
    pub fn parse(choice: &str, deployment: Option<&str>) -> Result<ChoiceRequest, FieldError> {
        match choice.trim() {
            "unlink" => Ok(ChoiceRequest::Unlink),
            "automatic" => Ok(ChoiceRequest::Automatic),
            "relink" => match deployment.map(str::trim).filter(|d| !d.is_empty()) {
                Some(d) if d.chars().count() > 200 => Err(FieldError::new(
                    "deployment",
                    "a deployment id has at most 200 characters",
                )),
                Some(d) => Ok(ChoiceRequest::Relink(d.to_string())),
                None => Err(FieldError::new(
                    "deployment",
                    "give the id of the deployment to link it to",
                )),
            },
            _ => Err(FieldError::new("choice", "choice must be unlink, relink or automatic")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_request_names_the_field_it_lacks() {
        assert_eq!(ChoiceRequest::parse("unlink", None), Ok(ChoiceRequest::Unlink));
        assert_eq!(
            ChoiceRequest::parse("relink", Some(" d-7 ")),
            Ok(ChoiceRequest::Relink("d-7".into()))
        );
        assert_eq!(
            ChoiceRequest::parse("relink", Some("  ")).unwrap_err().field,
            "deployment"
        );
        assert_eq!(ChoiceRequest::parse("maybe", None).unwrap_err().field, "choice");
        assert_eq!(
            Choice::from_stored(Some("relinked"), Some("d-7".into()), Some("ana".into()), Some(5)),
            Some(Choice {
                choice: LinkChoice::Relinked {
                    deployment: "d-7".into()
                },
                by: "ana".into(),
                at: 5
            })
        );
        assert_eq!(Choice::from_stored(None, Some("d-7".into()), None, None), None);
    }
}
