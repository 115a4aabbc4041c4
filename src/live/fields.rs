//! The fields of a plain HTML form, read into commands in one place: the
//! server function of a form posted without JavaScript and the hydrated page
//! (which reads the same form's fields) get the same command, or the same
//! refusal naming the field.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use super::command::Command;
use super::stage::Stage;
use super::timer::TimerAction;
use crate::dora::current::Metric;
use crate::error::FieldError;

/// A form's fields by name, as a server function receives them
/// (`#[server(flatten)]`, so the form keeps its plain field names).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Fields(pub HashMap<String, String>);

impl Fields {
    pub fn get(&self, name: &str) -> Option<String> {
        self.0.get(name).cloned()
    }
}

impl<const N: usize> From<[(&str, &str); N]> for Fields {
    fn from(pairs: [(&str, &str); N]) -> Fields {
        Fields(pairs.into_iter().map(|(k, v)| (k.to_string(), v.to_string())).collect())
    }
}

impl Command {
    /// Reads the command a plain form names by `kind` from its other fields
    /// (`question`, `answer`, `stage`, `participant`, `on`).
    pub fn from_fields(kind: &str, field: &dyn Fn(&str) -> Option<String>) -> Result<Command, FieldError> {
        let question = || {
            let raw = field("question").unwrap_or_default();
            Metric::from_id(&raw).ok_or_else(|| FieldError::new("question", format!("unknown question {raw:?}")))
        };
        let stage = || {
            let raw = field("stage").unwrap_or_default();
            Stage::from_id(&raw).ok_or_else(|| FieldError::new("stage", format!("unknown stage {raw:?}")))
        };
        let answer = || {
            field("answer")
                .filter(|a| !a.is_empty())
                .ok_or_else(|| FieldError::new("answer", "choose an answer first"))
        };
        let on = || field("on").is_some_and(|v| v == "true" || v == "on");
        let timer = |action| -> Result<Command, FieldError> {
            Ok(Command::Timer {
                stage: stage()?,
                action,
            })
        };
        Ok(match kind {
            "vote" => Command::Vote {
                question: question()?,
                answer: answer()?,
            },
            "reveal" => Command::Reveal { question: question()? },
            "reopen" => Command::Reopen { question: question()? },
            "lock" => Command::Lock {
                question: question()?,
                answer: answer()?,
            },
            "unlock" => Command::Unlock { question: question()? },
            "go_to" => Command::GoTo { stage: stage()? },
            // A typed length starts the timer for that long.
            "timer_start" => match field("minutes").filter(|m| !m.trim().is_empty()) {
                Some(m) => timer(TimerAction::StartFor {
                    minutes: super::timer::parse_minutes(&m)?,
                })?,
                None => timer(TimerAction::Start)?,
            },
            "anonymous" => Command::SetAnonymous { on: on() },
            "propose_focus" => Command::ProposeFocus {
                capability: field("capability").unwrap_or_default(),
                on: on(),
            },
            "merge" => Command::MergeParticipant {
                from: field("participant").unwrap_or_default(),
                into: field("into").unwrap_or_default(),
            },
            "timer_pause" => timer(TimerAction::Pause)?,
            "timer_reset" => timer(TimerAction::Reset)?,
            "timer_extend" => timer(TimerAction::Extend { minutes: 5 })?,
            "reveal_ratings" => Command::RevealRatings,
            "reopen_ratings" => Command::ReopenRatings,
            "confirm_focus" => Command::ConfirmFocus { confirmed: on() },
            "auto_reveal" => Command::AutoReveal { on: on() },
            "remove" => Command::RemoveParticipant {
                participant: field("participant").unwrap_or_default(),
            },
            other => return Err(FieldError::new("kind", format!("unknown action {other:?}"))),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(kind: &str, fields: Fields) -> Result<Command, FieldError> {
        Command::from_fields(kind, &|n| fields.get(n))
    }

    #[test]
    fn plain_forms_become_the_same_commands_as_socket_messages() {
        let vote = parse(
            "vote",
            [("question", "lead_time"), ("answer", "less_than_one_day")].into(),
        )
        .unwrap();
        assert_eq!(
            vote,
            Command::Vote {
                question: Metric::LeadTime,
                answer: "less_than_one_day".into()
            }
        );
        assert_eq!(
            parse("vote", [("question", "lead_time")].into()).unwrap_err().field,
            "answer"
        );
        assert_eq!(parse("go_to", [("stage", "warp")].into()).unwrap_err().field, "stage");
        assert_eq!(parse("explode", Fields::default()).unwrap_err().field, "kind");
        assert_eq!(
            parse("auto_reveal", [("on", "on")].into()).unwrap(),
            Command::AutoReveal { on: true }
        );
    }
}
