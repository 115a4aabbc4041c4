//! The facilitation options through [`super::apply`] and [`super::View`]: an
//! anonymous reveal, the squad's focus proposals, a timer's typed length.

use std::collections::HashSet;

use super::command::tests::{room, who};
use super::{apply, Command, LiveError, Stage, TimerAction, View};
use crate::dora::current::Metric;

const Q: Metric = Metric::LeadTime;

fn view(s: &super::LiveState, me: &str) -> View {
    View::for_participant(s, me, &HashSet::new(), 0, None)
}

fn vote(s: &mut super::LiveState, by: &str, answer: &str) {
    let cmd = Command::Vote {
        question: Q,
        answer: answer.into(),
    };
    apply(s, &who(by), cmd, 0).unwrap();
}

#[test]
fn an_anonymous_reveal_shows_counts_and_no_names_to_anyone() {
    let mut s = room(&["Ana", "Bo"]);
    apply(&mut s, &who("fac"), Command::SetAnonymous { on: true }, 0).unwrap();
    vote(&mut s, "bo", "less_than_one_hour");
    vote(&mut s, "ana", "less_than_one_day");
    apply(&mut s, &who("fac"), Command::Reveal { question: Q }, 0).unwrap();
    for me in ["fac", "ana", "bo"] {
        let v = view(&s, me);
        let choices = v.question(Q).unwrap().choices.clone().unwrap();
        assert_eq!(choices.len(), 2, "{me} sees the counts");
        assert!(
            choices.iter().all(|(who, _)| who.is_empty()),
            "{me} sees a name: {choices:?}"
        );
        let mut answers: Vec<&str> = choices.iter().map(|(_, a)| a.as_str()).collect();
        let sorted = answers.clone();
        answers.sort_unstable();
        assert_eq!(answers, sorted, "in an order that follows no one");
        let json = serde_json::to_string(&choices).unwrap();
        assert!(!json.contains("ana") && !json.contains("bo"), "{json}");
    }
    assert_eq!(
        view(&s, "ana").question(Q).unwrap().mine.as_deref(),
        Some("less_than_one_day")
    );
}

#[test]
fn a_named_reveal_still_names_and_anonymity_is_fixed_at_the_first_reveal() {
    let mut s = room(&["Ana"]);
    vote(&mut s, "ana", "less_than_one_day");
    apply(&mut s, &who("fac"), Command::SetAnonymous { on: true }, 0).unwrap();
    apply(&mut s, &who("fac"), Command::SetAnonymous { on: false }, 0).unwrap();
    assert_eq!(
        apply(&mut s, &who("ana"), Command::SetAnonymous { on: true }, 0),
        Err(LiveError::Forbidden),
        "participants do not choose"
    );
    apply(&mut s, &who("fac"), Command::Reveal { question: Q }, 0).unwrap();
    let choices = view(&s, "fac").question(Q).unwrap().choices.clone().unwrap();
    assert_eq!(choices, [("ana".to_string(), "less_than_one_day".to_string())]);
    apply(&mut s, &who("fac"), Command::Reopen { question: Q }, 0).unwrap();
    let late = apply(&mut s, &who("fac"), Command::SetAnonymous { on: true }, 0).unwrap_err();
    assert!(
        matches!(late, LiveError::Refused(ref e) if e.field == "anonymous"),
        "{late:?}"
    );
    assert!(!s.doc.anonymous);
}

#[test]
fn an_auto_reveal_fixes_anonymity_too() {
    let mut s = room(&["Ana"]);
    apply(&mut s, &who("fac"), Command::SetAnonymous { on: true }, 0).unwrap();
    apply(&mut s, &who("fac"), Command::AutoReveal { on: true }, 0).unwrap();
    vote(&mut s, "ana", "less_than_one_day");
    assert!(s.doc.revealed_once);
    assert!(apply(&mut s, &who("fac"), Command::SetAnonymous { on: false }, 0).is_err());
}

#[test]
fn the_squad_proposes_the_facilitator_sees_who_and_alone_adds_to_the_focus() {
    let mut s = room(&["Ana", "Bo"]);
    let propose = |on| Command::ProposeFocus {
        capability: "trunk_based".into(),
        on,
    };
    apply(&mut s, &who("ana"), propose(true), 0).unwrap();
    apply(&mut s, &who("bo"), propose(true), 0).unwrap();
    let fac = view(&s, "fac");
    assert_eq!(
        fac.capabilities.proposals,
        [("trunk_based".to_string(), vec!["Ana".to_string(), "Bo".to_string()])]
    );
    let bo = view(&s, "bo");
    assert!(
        bo.capabilities.proposals.is_empty(),
        "only the facilitator sees who proposed"
    );
    assert_eq!(bo.capabilities.my_proposals, ["trunk_based"]);
    let add = Command::AddFocus {
        capability: "trunk_based".into(),
    };
    assert_eq!(apply(&mut s, &who("ana"), add.clone(), 0), Err(LiveError::Forbidden));
    assert_eq!(
        apply(&mut s, &who("ana"), Command::ConfirmFocus { confirmed: true }, 0),
        Err(LiveError::Forbidden)
    );
    apply(&mut s, &who("fac"), add, 0).unwrap();
    assert_eq!(s.doc.capabilities.focus, ["trunk_based"]);
}

#[test]
fn a_timer_runs_for_the_minutes_the_facilitator_types() {
    let mut s = room(&["Ana"]);
    let start = |minutes| Command::Timer {
        stage: Stage::LeadTime,
        action: TimerAction::StartFor { minutes },
    };
    assert_eq!(apply(&mut s, &who("ana"), start(5), 0), Err(LiveError::Forbidden));
    let err = apply(&mut s, &who("fac"), start(500), 0).unwrap_err();
    assert!(
        matches!(err, LiveError::Refused(ref e) if e.field == "minutes"),
        "{err:?}"
    );
    apply(&mut s, &who("fac"), start(7), 1_000).unwrap();
    assert_eq!(s.question(Q).timer.ends_at_ms, Some(1_000 + 7 * 60_000));
    let parsed = Command::from_fields("timer_start", &|n| {
        [("stage", "lead_time"), ("minutes", "0")]
            .into_iter()
            .find(|(k, _)| *k == n)
            .map(|(_, v)| v.to_string())
    })
    .unwrap_err();
    assert_eq!(parsed.field, "minutes");
}
