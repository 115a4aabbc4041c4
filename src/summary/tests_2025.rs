//! A fixed checkpoint in the 2025 edition: five questions, the two
//! percentages voted privately and locked as whole percents, scored 0 to 10
//! beside the squad's industry; its exports pinned by snapshots.

use super::tests::{measured, survey};
use super::*;
use crate::dora::baselines::Industry;
use crate::dora::current::Metric;
use crate::dora::prioritise::Rating;
use crate::live::capabilities::RatingPhase;
use crate::live::command::tests::room;
use crate::live::stage::metric_index;
use crate::live::state::Phase;

/// Ana, Bo and Cy voted on the five questions and the facilitator locked the
/// worked check of dora-model.md 7.3 (lead time less than a day, deployments
/// daily to weekly, recovery within the hour, 12 % failed changes, 25 % rework).
fn session_2025() -> LiveState {
    let mut s = room(&["Ana", "Bo", "Cy"]);
    s.info.benchmark = AnyEdition::Y2025;
    s.info.industry = Industry::Technology;
    let votes: [(Metric, [&str; 3], &str); 5] = [
        (
            Metric::LeadTime,
            ["less_than_one_day", "less_than_one_day", "less_than_one_hour"],
            "less_than_one_day",
        ),
        (
            Metric::DeployFrequency,
            ["daily_to_weekly", "daily_to_weekly", "on_demand"],
            "daily_to_weekly",
        ),
        (
            Metric::TimeToRestore,
            ["less_than_one_hour", "less_than_one_hour", "less_than_one_day"],
            "less_than_one_hour",
        ),
        (Metric::ChangeFailureRate, ["15", "10", "12"], "12"),
        (Metric::ReworkRate, ["40", "20", "25"], "25"),
    ];
    for (m, cast, locked) in votes {
        let i = metric_index(m);
        for (who, v) in ["ana", "bo", "cy"].iter().zip(cast) {
            s.votes[i].insert(who.to_string(), v.to_string());
        }
        s.doc.questions[i].phase = Phase::Locked;
        s.doc.questions[i].locked = Some(locked.to_string());
    }
    let rec = s.recommended().expect("all five locked");
    for (who, v) in [("ana", 4), ("bo", 4), ("cy", 2)] {
        let mine = s.ratings.entry(who.to_string()).or_default();
        for c in rec {
            for i in 0..crate::dora::statements::statements(c).len() as u8 {
                mine.insert((c, i), Rating::agreement(v).unwrap());
            }
        }
    }
    s.doc.capabilities.phase = RatingPhase::Revealed;
    s.doc.capabilities.focus = vec![rec[0].catalog_key().to_string()];
    s.doc.capabilities.focus_confirmed = true;
    s
}

fn draft_inputs(state: &LiveState) -> Draft<'_> {
    Draft {
        state,
        tribe: "Money",
        highlights: "Recovery is fast; rework is the thing to watch.",
        measured: Some(measured()),
        survey: survey(),
        org_size: None,
    }
}

fn draft_of(state: &LiveState) -> Summary {
    Summary::draft(draft_inputs(state))
}

fn fixed_2025() -> Summary {
    draft_of(&session_2025()).finalise(1, "2026-11-22T16:05:00Z".into(), "fran".into(), String::new())
}

#[test]
fn a_2025_summary_scores_the_locked_answers_and_gives_no_level() {
    let s = fixed_2025();
    assert_eq!(s.checkpoint.benchmark, "2025");
    assert_eq!((s.voted, s.measured.as_ref().unwrap().maturity.clone()), (None, None));
    let v = s.voted_score.as_ref().expect("every question locked");
    assert_eq!((v.score, v.throughput, v.stability), (8.1, 8.0, 8.2));
    assert_eq!(v.metrics.rework_rate, Some(7.5));
    // Technology, 2025: mean of 5.7, 4.9, 7.4, 8.1 and 7.7.
    assert_eq!(
        (v.comparison.industry.key, v.comparison.industry.score.mean),
        ("technology", 6.76)
    );
    assert_eq!(v.comparison.org_size, None);
    let m = s.measured_score.as_ref().expect("every metric measured");
    assert_eq!(m.metrics.rework_rate, Some(10.0), "no deployment was rework");
    let ids: Vec<&str> = s.answers.iter().map(|a| a.question.id()).collect();
    assert_eq!(
        ids,
        [
            "lead_time",
            "deploy_frequency",
            "time_to_restore",
            "change_failure_rate",
            "rework_rate"
        ]
    );
    let cfr = &s.answers[3];
    assert_eq!(cfr.locked.as_deref(), Some("12"));
    assert!(cfr.distribution.is_empty(), "a percentage has no buckets");
    let p = cfr.percent.as_ref().unwrap();
    assert_eq!((p.values.clone(), p.median), (vec![10, 12, 15], Some(12.0)));
    assert_eq!(s.answers[4].percent.as_ref().unwrap().median, Some(25.0));
    assert_eq!(s.answers[0].percent, None);
}

#[test]
fn before_a_reveal_a_percentage_question_carries_no_value() {
    let mut state = session_2025();
    let i = metric_index(Metric::ReworkRate);
    state.doc.questions[i].phase = Phase::Voting;
    state.doc.questions[i].locked = None;
    let s = draft_of(&state);
    let rw = &s.answers[4];
    assert!(!rw.revealed);
    assert_eq!(rw.percent.as_ref().map(|p| (p.values.len(), p.median)), Some((0, None)));
    assert_eq!(s.voted_score, None, "not every question is locked");
    let json = serde_json::to_string(&s).unwrap();
    assert!(!json.contains("40"), "a vote's value leaks: {json}");
    let md = markdown::to_markdown(&s);
    assert!(
        md.contains(&format!("| Deployment rework rate | — | 0 % | {NOT_REVEALED} |")),
        "{md}"
    );
    // A stored revision written with values shows none either until revealed.
    let mut stored = fixed_2025();
    stored.answers[4].revealed = false;
    stored.answers[4].locked = None;
    let shown = stored.disclosed();
    assert_eq!(shown.answers[4].percent.as_ref().unwrap().values, Vec::<u8>::new());
}

#[test]
fn the_markdown_export_of_a_fixed_2025_checkpoint() {
    insta::assert_snapshot!(markdown::to_markdown(&fixed_2025()));
}

#[test]
fn the_json_export_of_a_fixed_2025_checkpoint() {
    insta::assert_json_snapshot!(fixed_2025());
}

#[test]
fn the_2025_json_export_reads_back_as_the_same_summary() {
    let s = fixed_2025();
    let back: Summary = serde_json::from_str(&serde_json::to_string(&s).unwrap()).unwrap();
    assert_eq!(back, s);
}

#[test]
fn the_2025_html_export_shows_the_scores_and_no_level() {
    let html = html::to_html(&fixed_2025());
    assert!(html.contains("<h2>Performance (DORA 2025 edition)</h2>"), "{html}");
    assert!(
        html.contains("<tr><th scope=\"row\">Overall score</th><td>8.1</td>"),
        "{html}"
    );
    assert!(html.contains("<td>10 %, 12 %, 15 % (median 12 %)</td>"), "{html}");
    assert!(!html.contains("Maturity") && !html.contains("Percentile"), "{html}");
}

#[test]
fn a_squad_with_an_organisation_size_is_compared_by_it_too() {
    let s = Summary::draft(Draft {
        org_size: Some(crate::dora::current::OrgSizeKey::FewerThan100),
        ..draft_inputs(&session_2025())
    });
    let by_size = s.voted_score.as_ref().unwrap().comparison.org_size.unwrap();
    // 2025, 20 to 99 employees: recovery stored inverted, so 10 - 2.4.
    assert_eq!((by_size.key, by_size.time_to_restore.mean), ("fewer_than_100", 7.6));
    let md = markdown::to_markdown(&s);
    assert!(
        md.contains("| Technology (mean ± sd) | 20 to 99 employees (mean ± sd) |"),
        "{md}"
    );
    assert!(
        md.contains("| Failed deployment recovery time | 10.0 | 8.0 | 7.4 ± 2.1 | 7.6 ± 1.9 |"),
        "{md}"
    );
}
