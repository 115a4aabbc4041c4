use super::*;
use crate::dora::prioritise::Rating;
use crate::dora::Benchmark;
use crate::live::capabilities::RatingPhase;
use crate::live::command::tests::room;
use crate::live::state::Phase;
use crate::measured::dates::parse_date;
use crate::measured::{measure, Commit, Deployment, Incident, Status, Window, DAY_MS, HOUR_MS};

/// A finished session: Ana, Bo and Cy voted, the four answers are locked,
/// the Elite capabilities were rated and revealed, and two focus capabilities confirmed.
fn session() -> LiveState {
    let mut s = room(&["Ana", "Bo", "Cy"]);
    s.info.board_url = Some("https://miro.example/board/42".into());
    let votes: [[&str; 3]; 4] = [
        ["less_than_one_hour", "less_than_one_day", "less_than_one_day"],
        ["on_demand", "on_demand", "hourly_to_daily"],
        ["less_than_one_hour", "less_than_one_hour", "less_than_one_hour"],
        ["0-15", "16-30", "0-15"],
    ];
    let locked = ["less_than_one_day", "on_demand", "less_than_one_hour", "0-15"];
    for (i, q) in Question::ALL.iter().enumerate() {
        for (who, answer) in ["ana", "bo", "cy"].iter().zip(votes[i]) {
            s.votes[i].insert(who.to_string(), answer.to_string());
        }
        s.doc.questions[i].phase = Phase::Revealed;
        s.doc.questions[i].locked = Some(locked[i].to_string());
        assert!(q.answer(locked[i]).is_some());
    }
    let rec = s.recommended().expect("all four locked");
    for (who, v) in [("ana", 4), ("bo", 3), ("cy", 2)] {
        let mine = s.ratings.entry(who.to_string()).or_default();
        for c in rec {
            for i in 0..crate::dora::statements::statements(c).len() as u8 {
                mine.insert((c, i), Rating::agreement(v).unwrap());
            }
        }
    }
    s.doc.capabilities.phase = RatingPhase::Revealed;
    s.doc.capabilities.focus = vec![rec[0].catalog_key().to_string(), "trunk_based".into()];
    s.doc.capabilities.focus_confirmed = true;
    use crate::board::BoardCommand as B;
    let b = &mut s.doc.board;
    b.apply("fac", B::UseTemplate).unwrap();
    let note = |id: &str, step: &str, kind: &str, text: &str| B::AddNote {
        id: id.into(),
        step: step.into(),
        kind: kind.into(),
        text: text.into(),
    };
    b.apply("ana", note("n1", "step-2", "manual", "Two approvals, by hand"))
        .unwrap();
    b.apply("bo", note("n2", "step-3", "automated", "Build on every push"))
        .unwrap();
    b.apply("cy", note("n3", "step-5", "failed", "Staging deploy fails | weekly"))
        .unwrap();
    b.apply(
        "ana",
        note("i1", "step-2", "improvement", "One approval for small changes"),
    )
    .unwrap();
    b.apply(
        "bo",
        note("i2", "step-5", "improvement", "=Automate the staging smoke test"),
    )
    .unwrap();
    b.apply(
        "fac",
        B::OpenDots {
            budget: 3,
            per_note: 2,
            show_live: false,
        },
    )
    .unwrap();
    for (who, n) in [("ana", "i2"), ("bo", "i2"), ("cy", "i1")] {
        b.apply(
            who,
            B::Dot {
                note: n.into(),
                add: true,
            },
        )
        .unwrap();
    }
    b.apply("fac", B::CloseDots).unwrap();
    b.apply(
        "fac",
        B::AddAction {
            id: "a1".into(),
            title: "Automate the staging smoke test".into(),
            owner: "Bo".into(),
            due: Some("2026-12-18".into()),
            capability: Some("test_automation".into()),
            from_note: Some("i2".into()),
        },
    )
    .unwrap();
    s
}

/// 13 weeks of two deployments a day and one incident, ending on the checkpoint's day.
pub(super) fn measured() -> Measured {
    let to = parse_date("2026-11-23").unwrap();
    let window = Window {
        from: to - 91 * DAY_MS,
        to,
    };
    let deployments: Vec<Deployment> = (0..91 * 2)
        .map(|i| {
            let finished_at = window.from + i64::from(i) * 12 * HOUR_MS + HOUR_MS;
            Deployment {
                id: format!("d{i}"),
                service: "api".into(),
                environment: "production".into(),
                status: if i % 20 == 0 { Status::Failure } else { Status::Success },
                started_at: Some(finished_at - 5 * 60_000),
                finished_at,
                commits: vec![Commit {
                    sha: format!("c{i}"),
                    committed_at: finished_at - 3 * HOUR_MS,
                }],
                rework: false,
                source: crate::measured::Source::Api,
            }
        })
        .collect();
    let opened_at = window.from + 40 * DAY_MS;
    let incidents = vec![Incident {
        id: "i1".into(),
        service: "api".into(),
        opened_at,
        started_at: None,
        resolved_at: Some(opened_at + 45 * 60_000),
        deployment_id: None,
        commit_sha: None,
        source: crate::measured::Source::Api,
        choice: None,
    }];
    measure(&deployments, &incidents, window, Benchmark::Y2019)
}

pub(super) fn survey() -> SurveyResults {
    SurveyResults::of(&[
        SurveyResponse::parse(Some("5"), "The measured numbers settled the lead-time debate", "").unwrap(),
        SurveyResponse::parse(Some("4"), "", "Shorter welcome | less slides").unwrap(),
        SurveyResponse::parse(Some("4"), "Clear *actions*", "Start on time").unwrap(),
    ])
}

fn fixed_summary() -> Summary {
    Summary::draft(Draft {
        state: &session(),
        tribe: "Money",
        highlights: "Deploys on demand; lead time under a day.\n\nAgreed to track <flaky> tests & fix the top 3.",
        measured: Some(measured()),
        survey: survey(),
        org_size: None,
    })
    .finalise(1, "2026-11-22T16:05:00Z".into(), "fran".into(), String::new())
}

#[test]
fn a_draft_counts_the_votes_and_scores_the_locked_answers_without_naming_voters() {
    let s = Summary::draft(Draft {
        state: &session(),
        tribe: "Money",
        highlights: "",
        measured: None,
        survey: SurveyResults::default(),
        org_size: None,
    });
    assert_eq!(s.revision, None);
    assert_eq!(s.participants, 4, "everyone in the room, the facilitator included");
    let lead = s.answer(Question::LeadTime).unwrap();
    assert_eq!(lead.locked.as_deref(), Some("less_than_one_day"));
    let counts: Vec<(&str, usize)> = lead
        .distribution
        .iter()
        .filter(|d| d.votes > 0)
        .map(|d| (d.answer.as_str(), d.votes))
        .collect();
    assert_eq!(counts, [("less_than_one_hour", 1), ("less_than_one_day", 2)]);
    // Answers 5, 6, 6 (codes) and 6: mean 5.75, Elite; percentile from the 2019 population.
    let voted = s.voted.unwrap();
    assert_eq!(voted.level, Level::Elite);
    assert_eq!(
        voted.percentile,
        crate::dora::assess::percentile(5.75, Benchmark::Y2019)
    );
    // Focus: the first recommended capability carries its score (25 × mean of 4, 3, 2 = 75); trunk-based was not rated.
    assert_eq!(s.focus.len(), 2);
    assert_eq!((s.focus[0].score, s.focus[0].recommended), (Some(75), true));
    assert_eq!(
        (s.focus[1].name.as_str(), s.focus[1].score, s.focus[1].recommended),
        ("Trunk-based development", None, false)
    );
    let json = serde_json::to_string(&s).unwrap();
    for name in ["Ana", "\"ana\"", "Cy"] {
        assert!(!json.contains(name), "the summary names a voter: {name}");
    }
}

#[test]
fn an_unconfirmed_focus_and_unrevealed_ratings_stay_out_of_the_summary() {
    let mut state = session();
    state.doc.capabilities.focus_confirmed = false;
    let s = Summary::draft(Draft {
        state: &state,
        tribe: "",
        highlights: "",
        measured: None,
        survey: SurveyResults::default(),
        org_size: None,
    });
    assert!(s.focus.is_empty());
    state.doc.capabilities.focus_confirmed = true;
    state.doc.capabilities.phase = RatingPhase::Rating;
    let s = Summary::draft(Draft {
        state: &state,
        tribe: "",
        highlights: "",
        measured: None,
        survey: SurveyResults::default(),
        org_size: None,
    });
    assert_eq!(s.focus[0].score, None);
    state.doc.questions[0].locked = None;
    let s = Summary::draft(Draft {
        state: &state,
        tribe: "",
        highlights: "",
        measured: None,
        survey: SurveyResults::default(),
        org_size: None,
    });
    assert_eq!(s.voted, None);
}

#[test]
fn the_markdown_export_of_a_fixed_checkpoint() {
    insta::assert_snapshot!(markdown::to_markdown(&fixed_summary()));
}

#[test]
fn the_json_export_of_a_fixed_checkpoint() {
    insta::assert_json_snapshot!(fixed_summary());
}

#[test]
fn the_json_export_reads_back_as_the_same_summary() {
    let s = fixed_summary();
    let back: Summary = serde_json::from_str(&serde_json::to_string(&s).unwrap()).unwrap();
    assert_eq!(back, s);
}

#[test]
fn the_html_export_escapes_what_people_typed_and_has_a_print_stylesheet() {
    let mut s = fixed_summary();
    s.highlights = "<img src=x onerror=alert(1)>".into();
    s.checkpoint.squad_name = "R&D <core>".into();
    let html = html::to_html(&s);
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert!(html.contains("&lt;img src=x onerror=alert(1)&gt;"));
    assert!(!html.contains("<img"));
    assert!(html.contains("R&amp;D &lt;core&gt;"));
    assert!(html.contains("@media print"));
    assert!(!html.contains("<script"), "the page is standalone and runs nothing");
    assert!(html.contains("role=\"img\""), "the chart has a text alternative");
}

#[test]
fn markdown_cells_keep_pipes_and_markup_literal() {
    assert_eq!(
        markdown::escape("a | b <i>*c*</i>"),
        "a \\| b &lt;i&gt;\\*c\\*&lt;/i&gt;"
    );
    let md = markdown::to_markdown(&fixed_summary());
    assert!(md.contains("- Shorter welcome \\| less slides"));
    // Every table row has as many cells as its header.
    for table in md.split("\n\n").filter(|b| b.starts_with('|')) {
        let cells: Vec<usize> = table
            .lines()
            .map(|l| l.replace("\\|", "").matches('|').count())
            .collect();
        assert!(cells.iter().all(|n| *n == cells[0]), "ragged table:\n{table}");
    }
}

#[test]
fn the_survey_is_aggregated_with_sorted_comments() {
    let r = survey();
    assert_eq!(r.responses, 3);
    assert_eq!(r.usefulness, [0, 0, 0, 2, 1]);
    assert_eq!(r.mean_usefulness, Some(4.3));
    assert_eq!(
        r.went_well,
        ["Clear *actions*", "The measured numbers settled the lead-time debate"]
    );
    assert_eq!(r.to_improve, ["Shorter welcome | less slides", "Start on time"]);
    assert_eq!(SurveyResults::of(&[]).mean_usefulness, None);
}

#[test]
fn survey_answers_outside_the_scale_or_too_long_are_refused_by_field() {
    for bad in [None, Some(""), Some("0"), Some("6"), Some("four")] {
        assert_eq!(
            SurveyResponse::parse(bad, "", "").unwrap_err().field,
            "usefulness",
            "{bad:?}"
        );
    }
    let long = "x".repeat(MAX_SURVEY_TEXT + 1);
    assert_eq!(
        SurveyResponse::parse(Some("3"), &long, "").unwrap_err().field,
        "went_well"
    );
    assert_eq!(
        SurveyResponse::parse(Some("3"), "", &long).unwrap_err().field,
        "to_improve"
    );
    assert_eq!(
        SurveyResponse::parse(Some(" 3 "), "  ok \r\n", "").unwrap().went_well,
        "ok"
    );
}

#[test]
fn highlights_and_reasons_are_trimmed_and_bounded() {
    assert_eq!(parse_highlights("  a\r\nb  ").unwrap(), "a\nb");
    assert_eq!(
        parse_highlights(&"x".repeat(MAX_HIGHLIGHTS + 1)).unwrap_err().field,
        "highlights"
    );
    assert_eq!(parse_reason("   ").unwrap_err().field, "reason");
    assert_eq!(parse_reason(" fixed  the\ntribe ").unwrap(), "fixed the tribe");
}

#[test]
fn the_csv_exports_list_the_actions_and_the_notes_in_flow_order() {
    let s = fixed_summary();
    assert_eq!(
        csv::actions_csv(&s),
        "title,owner,due,capability,status\r\nAutomate the staging smoke test,Bo,2026-12-18,Test automation (continuous testing),open\r\n"
    );
    let notes = csv::notes_csv(&s);
    let lines: Vec<&str> = notes.lines().collect();
    assert_eq!(lines[0], "step,position,kind,text");
    assert_eq!(lines[1], "Pull request,1,manual,\"Two approvals, by hand\"");
    assert_eq!(lines[2], "Pull request,2,improvement,One approval for small changes");
    assert!(
        notes.contains("Deploy to staging,2,improvement,'=Automate the staging smoke test"),
        "a formula is defused: {notes}"
    );
    assert_eq!(lines.len(), 6);
}

#[test]
fn the_summary_ranks_improvements_by_dots_once_voting_closed() {
    let s = fixed_summary();
    let ranked: Vec<(&str, Option<u32>)> = s.improvements.iter().map(|i| (i.text.as_str(), i.dots)).collect();
    assert_eq!(
        ranked,
        [
            ("=Automate the staging smoke test", Some(2)),
            ("One approval for small changes", Some(1))
        ]
    );
    assert_eq!(s.flow.len(), 7);
    assert_eq!(
        s.actions[0].capability_name.as_deref(),
        Some("Test automation (continuous testing)")
    );
}
