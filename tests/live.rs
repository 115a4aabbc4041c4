//! Live checkpoints through the store and the hub, on SQLite and PostgreSQL:
//! joining, voting, secrecy on the wire, persistence, and two instances.

use checkpoint_test_support::{self as support, on_both_backends};

use std::time::Duration;

use checkpoint_core::accounts::{CurrentUser, Role};
use checkpoint_core::board::{ActionStatus, BoardCommand, ReviewItem};
use checkpoint_core::checkpoints::CheckpointForm;
use checkpoint_core::dora::current::Metric;
use checkpoint_core::dora::Question;
use checkpoint_core::hub::{Connection, Outbound, Rooms};
use checkpoint_core::live::{CheckpointStatus, Command, Frame, View};
use checkpoint_core::store::squads::SquadForm;
use checkpoint_core::store::{ServiceError, Store};
use checkpoint_core::summary::history::{action_progress, spread_by_quarter, HistoryFilter, HistoryRow};

const Q: Metric = Metric::LeadTime;

struct Fixture {
    facilitator: CurrentUser,
    checkpoint: String,
    code: String,
}

async fn fixture(store: &Store) -> Fixture {
    let row = store
        .create_user(None, "fran", "long enough password", Role::Facilitator)
        .await
        .unwrap();
    let facilitator = CurrentUser {
        id: row.id,
        username: row.username,
        role: Role::Facilitator,
    };
    let squad = store
        .create_squad(None, SquadForm::parse("Payments", "Money", None).unwrap())
        .await
        .unwrap();
    let checkpoint = store
        .create_checkpoint(
            &facilitator,
            &squad.slug,
            CheckpointForm::parse("2026-11-22", None, Some("2021")).unwrap(),
        )
        .await
        .unwrap();
    let code = store.load_live(&checkpoint).await.unwrap().join_code.display();
    // Started, at the first question: where votes are taken.
    store
        .set_checkpoint_status(&facilitator, &checkpoint, CheckpointStatus::Live)
        .await
        .unwrap();
    let fac = store
        .participant_for_user(&checkpoint, &facilitator)
        .await
        .unwrap()
        .expect("the creator is in the room");
    Rooms::new(store.clone())
        .execute(
            &checkpoint,
            &fac,
            Command::GoTo {
                stage: checkpoint_core::live::Stage::LeadTime,
            },
        )
        .await
        .unwrap();
    Fixture {
        facilitator,
        checkpoint,
        code,
    }
}

fn vote(answer: &str) -> Command {
    Command::Vote {
        question: Q,
        answer: answer.into(),
    }
}

/// Frames already queued on a connection, as text.
fn drain(conn: &mut Connection) -> Vec<String> {
    let mut out = Vec::new();
    while let Ok(msg) = conn.rx.try_recv() {
        if let Outbound::Text(t) = msg {
            out.push(t.to_string());
        }
    }
    out
}

async fn next_snapshot(conn: &mut Connection) -> View {
    loop {
        let msg = tokio::time::timeout(Duration::from_secs(10), conn.rx.recv())
            .await
            .expect("a frame within 10 s")
            .expect("open");
        if let Outbound::Text(t) = msg {
            if let Ok(Frame::Snapshot { view }) = serde_json::from_str(&t) {
                return *view;
            }
        }
    }
}

/// The view a client keeps: `view` with every frame applied as the browser
/// applies them, until it reaches `revision`.
async fn follow(conn: &mut Connection, mut view: View, revision: i64) -> View {
    while view.revision < revision {
        let msg = tokio::time::timeout(Duration::from_secs(10), conn.rx.recv())
            .await
            .expect("a frame within 10 s")
            .expect("open");
        let Outbound::Text(t) = msg else { continue };
        match serde_json::from_str(&t).expect("a frame") {
            Frame::Snapshot { view: v } => view = *v,
            Frame::Note { rev, id, note, index } => assert!(
                view.apply_note(rev, &id, note, index),
                "note frames arrive in revision order"
            ),
            _ => {}
        }
    }
    view
}

async fn join_vote_and_persist(store: Store) {
    let f = fixture(&store).await;
    let listed = store.list_checkpoints("payments").await.unwrap();
    assert_eq!((listed.len(), listed[0].status), (1, CheckpointStatus::Live));

    let bad = store.join_checkpoint("ZZZZ-ZZZZ", "Ana", "10.1.1.1").await.unwrap_err();
    assert_eq!(bad.field(), Some("code"));
    let ana = store
        .join_checkpoint(&f.code.to_lowercase(), "Ana", "10.1.1.1")
        .await
        .unwrap();
    assert_eq!(ana.checkpoint_id, f.checkpoint);
    assert_eq!(
        store
            .participant_for_token(&f.checkpoint, &ana.token)
            .await
            .unwrap()
            .as_deref(),
        Some(ana.participant_id.as_str())
    );
    assert_eq!(
        store.participant_for_token("another", &ana.token).await.unwrap(),
        None,
        "a participant session opens one checkpoint only"
    );
    let fac = store
        .participant_for_user(&f.checkpoint, &f.facilitator)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        store
            .participant_for_user(&f.checkpoint, &f.facilitator)
            .await
            .unwrap()
            .as_deref(),
        Some(fac.as_str()),
        "one participant per user"
    );

    let rooms = Rooms::new(store.clone());
    let mut conn = rooms.connect(&f.checkpoint, &ana.participant_id).await.unwrap();
    let first = next_snapshot(&mut conn).await;
    assert!(!first.facilitator && first.join_code.is_none());
    let rev = rooms
        .execute(&f.checkpoint, &ana.participant_id, vote("less_than_one_day"))
        .await
        .unwrap();
    assert!(rev > first.revision);
    let refused = rooms
        .execute(&f.checkpoint, &ana.participant_id, Command::Reveal { question: Q })
        .await
        .unwrap_err();
    assert!(matches!(refused, ServiceError::Forbidden));
    let bad_answer = rooms
        .execute(&f.checkpoint, &ana.participant_id, vote("soon"))
        .await
        .unwrap_err();
    assert_eq!(bad_answer.field(), Some("answer"));

    // A new process (no cache) reads the same state back.
    let restarted = Rooms::new(store.clone());
    let view = restarted.view(&f.checkpoint, &fac).await.unwrap();
    assert!(view.facilitator, "the creator runs the checkpoint");
    assert_eq!(view.join_code.as_deref(), Some(f.code.as_str()));
    assert_eq!(view.question(Q).unwrap().voters, vec![ana.participant_id.clone()]);
    assert_eq!(view.revision, rev);

    // Ending it: nothing more is accepted and the code admits nobody.
    store
        .set_checkpoint_status(&f.facilitator, &f.checkpoint, CheckpointStatus::Finished)
        .await
        .unwrap();
    rooms.refresh(&f.checkpoint).await;
    let late = rooms
        .execute(&f.checkpoint, &ana.participant_id, vote("less_than_one_hour"))
        .await
        .unwrap_err();
    assert_eq!(late.field(), Some("status"));
    let closed = store.join_checkpoint(&f.code, "Late", "10.1.1.2").await.unwrap_err();
    assert_eq!(closed.field(), Some("code"));
}

async fn joining_with_wrong_codes_is_rate_limited(store: Store) {
    let f = fixture(&store).await;
    for _ in 0..20 {
        assert!(store.join_checkpoint("ABCD-EFGH", "Guess", "10.9.9.9").await.is_err());
    }
    let limited = store.join_checkpoint(&f.code, "Real", "10.9.9.9").await.unwrap_err();
    assert!(matches!(limited, ServiceError::RateLimited { .. }), "{limited:?}");
    assert!(
        store.join_checkpoint(&f.code, "Other", "10.9.9.10").await.is_ok(),
        "other clients are unaffected"
    );
}

async fn before_the_reveal_no_frame_carries_another_choice(store: Store) {
    let f = fixture(&store).await;
    let ana = store.join_checkpoint(&f.code, "Ana", "c").await.unwrap();
    let bo = store.join_checkpoint(&f.code, "Bo", "c").await.unwrap();
    let fac = store
        .participant_for_user(&f.checkpoint, &f.facilitator)
        .await
        .unwrap()
        .unwrap();
    let rooms = Rooms::new(store.clone());
    let mut bo_conn = rooms.connect(&f.checkpoint, &bo.participant_id).await.unwrap();
    rooms
        .execute(&f.checkpoint, &ana.participant_id, vote("less_than_one_hour"))
        .await
        .unwrap();
    rooms
        .execute(&f.checkpoint, &ana.participant_id, vote("one_week_to_one_month"))
        .await
        .unwrap();
    rooms
        .execute(&f.checkpoint, &bo.participant_id, vote("more_than_six_months"))
        .await
        .unwrap();
    rooms
        .execute(
            &f.checkpoint,
            &fac,
            Command::GoTo {
                stage: checkpoint_core::live::Stage::LeadTime,
            },
        )
        .await
        .unwrap();
    let before = drain(&mut bo_conn);
    assert!(before.len() >= 4, "{before:?}");
    for frame in &before {
        assert!(
            !frame.contains("less_than_one_hour") && !frame.contains("one_week_to_one_month"),
            "Ana's choice reached Bo: {frame}"
        );
    }
    rooms
        .execute(&f.checkpoint, &fac, Command::Reveal { question: Q })
        .await
        .unwrap();
    let after = drain(&mut bo_conn).join("\n");
    assert!(
        after.contains("one_week_to_one_month"),
        "after the reveal everyone sees the choices"
    );
}

async fn two_instances_never_lose_a_vote(store: Store) {
    let f = fixture(&store).await;
    let ana = store.join_checkpoint(&f.code, "Ana", "c").await.unwrap();
    let bo = store.join_checkpoint(&f.code, "Bo", "c").await.unwrap();
    let (one, two) = (Rooms::new(store.clone()), Rooms::new(store.clone()));
    // Both load the room, then each commits without hearing of the other.
    let _c1 = one.connect(&f.checkpoint, &ana.participant_id).await.unwrap();
    let _c2 = two.connect(&f.checkpoint, &bo.participant_id).await.unwrap();
    one.execute(&f.checkpoint, &ana.participant_id, vote("less_than_one_day"))
        .await
        .unwrap();
    two.execute(&f.checkpoint, &bo.participant_id, vote("less_than_one_hour"))
        .await
        .unwrap();
    let stored = store.load_live(&f.checkpoint).await.unwrap().state;
    assert_eq!(stored.vote_count(Q), 2, "the stale instance reloaded and applied again");
}

async fn ratings_and_the_confirmed_focus_persist(store: Store) {
    use checkpoint_core::dora::capabilities::CapabilityKey;
    use checkpoint_core::dora::prioritise::Rating;
    let f = fixture(&store).await;
    let ana = store.join_checkpoint(&f.code, "Ana", "c").await.unwrap();
    let fac = store
        .participant_for_user(&f.checkpoint, &f.facilitator)
        .await
        .unwrap()
        .unwrap();
    let rooms = Rooms::new(store.clone());
    for q in Question::ALL {
        rooms
            .execute(
                &f.checkpoint,
                &fac,
                Command::Reveal {
                    question: Metric::of_question(q),
                },
            )
            .await
            .unwrap();
        rooms
            .execute(
                &f.checkpoint,
                &fac,
                Command::Lock {
                    question: Metric::of_question(q),
                    answer: q.answer_ids()[5].into(),
                },
            )
            .await
            .unwrap();
    }
    let rate = |i: u8, r: &str| Command::Rate {
        capability: CapabilityKey::Westrum,
        statement: i,
        rating: r.into(),
    };
    rooms
        .execute(&f.checkpoint, &ana.participant_id, rate(0, "4"))
        .await
        .unwrap();
    rooms
        .execute(&f.checkpoint, &ana.participant_id, rate(1, "dont_know"))
        .await
        .unwrap();
    rooms
        .execute(&f.checkpoint, &ana.participant_id, rate(0, "1"))
        .await
        .unwrap();
    for key in ["small_batches", "continuous_integration"] {
        rooms
            .execute(&f.checkpoint, &fac, Command::AddFocus { capability: key.into() })
            .await
            .unwrap();
    }
    assert!(
        store.current_focus().await.unwrap().is_empty(),
        "an unconfirmed focus is a draft"
    );
    rooms
        .execute(&f.checkpoint, &fac, Command::ConfirmFocus { confirmed: true })
        .await
        .unwrap();

    let state = store.load_live(&f.checkpoint).await.unwrap().state;
    let mine = &state.ratings[&ana.participant_id];
    assert_eq!(
        mine[&(CapabilityKey::Westrum, 0)],
        Rating::Agreement(1),
        "a changed rating replaces the earlier one"
    );
    assert_eq!(mine[&(CapabilityKey::Westrum, 1)], Rating::DontKnow);
    assert_eq!(
        state.doc.capabilities.focus,
        ["small_batches", "continuous_integration"]
    );
    let focus = store.current_focus().await.unwrap();
    assert_eq!(
        focus.iter().map(|f| f.capability.as_str()).collect::<Vec<_>>(),
        ["small_batches", "continuous_integration"]
    );
    assert_eq!(focus[0].squad_slug, "payments");
}

/// Finalising freezes the summary; only a correction (a new revision) changes
/// what it says, and earlier revisions stay readable as they were.
async fn a_finalised_summary_changes_only_through_a_new_revision(store: Store) {
    use checkpoint_core::summary::SurveyResponse;
    let f = fixture(&store).await;
    let ana = store.join_checkpoint(&f.code, "Ana", "c").await.unwrap();
    let viewer = CurrentUser {
        id: "v".into(),
        username: "val".into(),
        role: Role::Viewer,
    };
    let fac = store
        .participant_for_user(&f.checkpoint, &f.facilitator)
        .await
        .unwrap()
        .unwrap();
    Rooms::new(store.clone())
        .execute(
            &f.checkpoint,
            &fac,
            Command::GoTo {
                stage: checkpoint_core::live::Stage::Survey,
            },
        )
        .await
        .unwrap();
    store
        .answer_survey(
            &f.checkpoint,
            &ana.participant_id,
            &SurveyResponse::parse(Some("4"), "good", "").unwrap(),
        )
        .await
        .unwrap();
    store
        .save_highlights(&f.facilitator, &f.checkpoint, "  First draft  ")
        .await
        .unwrap();
    let draft = store.summary_page(&f.checkpoint, None).await.unwrap();
    assert_eq!(
        (
            draft.summary.revision,
            draft.summary.highlights.as_str(),
            draft.revisions.len()
        ),
        (None, "First draft", 0)
    );
    assert!(matches!(
        store.save_highlights(&viewer, &f.checkpoint, "x").await.unwrap_err(),
        ServiceError::Forbidden
    ));
    assert!(matches!(
        store.finalise_summary(&viewer, &f.checkpoint, "x").await.unwrap_err(),
        ServiceError::Forbidden
    ));
    let too_long = "x".repeat(checkpoint_core::summary::MAX_HIGHLIGHTS + 1);
    assert_eq!(
        store
            .finalise_summary(&f.facilitator, &f.checkpoint, &too_long)
            .await
            .unwrap_err()
            .field(),
        Some("highlights")
    );
    assert!(
        store
            .summary_page(&f.checkpoint, None)
            .await
            .unwrap()
            .revisions
            .is_empty(),
        "a refused finalise stores nothing"
    );

    assert_eq!(
        store
            .finalise_summary(&f.facilitator, &f.checkpoint, "Final words")
            .await
            .unwrap(),
        1
    );
    assert_eq!(
        store.load_live(&f.checkpoint).await.unwrap().state.info.status,
        CheckpointStatus::Live,
        "finalising leaves the room open for the survey"
    );
    // Frozen: no more draft edits, no second finalise, no correction without a reason.
    assert_eq!(
        store
            .save_highlights(&f.facilitator, &f.checkpoint, "sneaky")
            .await
            .unwrap_err()
            .field(),
        Some("highlights")
    );
    assert_eq!(
        store
            .finalise_summary(&f.facilitator, &f.checkpoint, "again")
            .await
            .unwrap_err()
            .field(),
        Some("revision")
    );
    assert_eq!(
        store
            .correct_summary(&f.facilitator, &f.checkpoint, "x", "  ", &[])
            .await
            .unwrap_err()
            .field(),
        Some("reason")
    );
    let first = store.summary_page(&f.checkpoint, None).await.unwrap();
    assert_eq!(
        (
            first.summary.revision,
            first.summary.highlights.as_str(),
            first.summary.survey.responses
        ),
        (Some(1), "Final words", 1)
    );
    // Ended by its facilitator: the survey is closed.
    store
        .set_checkpoint_status(&f.facilitator, &f.checkpoint, CheckpointStatus::Finished)
        .await
        .unwrap();
    assert!(store
        .answer_survey(
            &f.checkpoint,
            &ana.participant_id,
            &SurveyResponse::parse(Some("2"), "", "").unwrap()
        )
        .await
        .is_err());

    assert_eq!(
        store
            .correct_summary(
                &f.facilitator,
                &f.checkpoint,
                "Final words, corrected",
                "fixed the wording",
                &[]
            )
            .await
            .unwrap(),
        2
    );
    let now = store.summary_page(&f.checkpoint, None).await.unwrap();
    assert_eq!(
        (
            now.summary.revision,
            now.summary.highlights.as_str(),
            now.newer_survey_responses
        ),
        (Some(2), "Final words, corrected", 0)
    );
    assert_eq!(now.summary.finalised.as_ref().unwrap().reason, "fixed the wording");
    assert_eq!(now.revisions.iter().map(|r| r.revision).collect::<Vec<_>>(), [2, 1]);
    let old = store.summary_page(&f.checkpoint, Some(1)).await.unwrap();
    assert_eq!(
        old.summary.highlights.as_str(),
        "Final words",
        "revision 1 is unchanged"
    );
    assert!(matches!(
        store.summary_page(&f.checkpoint, Some(3)).await.unwrap_err(),
        ServiceError::NotFound(_)
    ));
}

/// A survey response is stored with nothing that links it to who gave it:
/// who answered and what was answered are two sets with no order in common.
async fn survey_responses_carry_no_participant_identity(store: Store) {
    use checkpoint_core::summary::SurveyResponse;
    use sqlx::{Column, Row};
    let f = fixture(&store).await;
    let fac = store
        .participant_for_user(&f.checkpoint, &f.facilitator)
        .await
        .unwrap()
        .unwrap();
    let early = store.join_checkpoint(&f.code, "Eve", "c").await.unwrap();
    let closed = store
        .answer_survey(
            &f.checkpoint,
            &early.participant_id,
            &SurveyResponse::parse(Some("5"), "", "").unwrap(),
        )
        .await
        .unwrap_err();
    assert_eq!(closed.field(), Some("usefulness"), "closed before the survey stage");
    Rooms::new(store.clone())
        .execute(
            &f.checkpoint,
            &fac,
            Command::GoTo {
                stage: checkpoint_core::live::Stage::Survey,
            },
        )
        .await
        .unwrap();
    let ana = store.join_checkpoint(&f.code, "Anastasia Quill", "c").await.unwrap();
    let bo = store.join_checkpoint(&f.code, "Bo", "c").await.unwrap();
    let cy = store.join_checkpoint(&f.code, "Cy", "c").await.unwrap();
    // Answered in an order that differs from both sorted orders.
    let answers = [
        (&bo, "5", "zebra crossing"),
        (&ana, "3", "Anastasia Quill liked it"),
        (&cy, "4", "middle"),
    ];
    for (who, score, text) in answers {
        store
            .answer_survey(
                &f.checkpoint,
                &who.participant_id,
                &SurveyResponse::parse(Some(score), text, "").unwrap(),
            )
            .await
            .unwrap();
        if who.participant_id == bo.participant_id {
            let shown = store.survey_results(&f.checkpoint).await.unwrap();
            assert_eq!(
                (shown.responses, shown.mean_usefulness, shown.went_well.len()),
                (1, None, 0),
                "one answer alone is not shown"
            );
        }
    }
    let twice = store
        .answer_survey(
            &f.checkpoint,
            &ana.participant_id,
            &SurveyResponse::parse(Some("1"), "", "").unwrap(),
        )
        .await
        .unwrap_err();
    assert!(matches!(twice, ServiceError::Conflict(_)), "one response each");
    assert!(store
        .has_answered_survey(&f.checkpoint, &ana.participant_id)
        .await
        .unwrap());
    let results = store.survey_results(&f.checkpoint).await.unwrap();
    assert_eq!(
        (results.responses, results.usefulness, results.mean_usefulness),
        (3, [0, 0, 1, 1, 1], Some(4.0))
    );

    let rows = sqlx::query("SELECT * FROM survey_sets")
        .fetch_all(store.pool())
        .await
        .unwrap();
    assert_eq!(rows.len(), 1, "one row per checkpoint");
    let columns: Vec<String> = rows[0].columns().iter().map(|c| c.name().to_string()).collect();
    assert_eq!(
        columns,
        ["checkpoint_id", "version", "respondents", "responses"],
        "no time column, nothing per person"
    );
    let who: Vec<String> = serde_json::from_str(rows[0].get::<&str, _>("respondents")).unwrap();
    let mut sorted = who.clone();
    sorted.sort();
    assert_eq!(who, sorted, "respondents in id order, not answer order");
    let what: Vec<serde_json::Value> = serde_json::from_str(rows[0].get::<&str, _>("responses")).unwrap();
    let texts: Vec<&str> = what.iter().map(|r| r["went_well"].as_str().unwrap()).collect();
    assert_eq!(
        texts,
        ["Anastasia Quill liked it", "middle", "zebra crossing"],
        "answers in content order, not answer order"
    );
    for legacy in ["survey_answered", "survey_responses"] {
        let n: i64 = sqlx::query_scalar(sqlx::AssertSqlSafe(format!("SELECT COUNT(*) FROM {legacy}")))
            .fetch_one(store.pool())
            .await
            .unwrap();
        assert_eq!(n, 0, "nothing in {legacy}, whose order paired rows");
    }
}

/// The board through the hub: a retried create makes one note, concurrent
/// edits of one note converge on every connection, and all of it persists.
async fn board_notes_are_idempotent_converge_and_persist(store: Store) {
    use checkpoint_core::board::BoardCommand;
    let f = fixture(&store).await;
    let ana = store.join_checkpoint(&f.code, "Ana", "c").await.unwrap();
    let bo = store.join_checkpoint(&f.code, "Bo", "c").await.unwrap();
    let fac = store
        .participant_for_user(&f.checkpoint, &f.facilitator)
        .await
        .unwrap()
        .unwrap();
    let rooms = Rooms::new(store.clone());
    let board = |op: BoardCommand| Command::Board { op };
    rooms
        .execute(&f.checkpoint, &fac, board(BoardCommand::UseTemplate))
        .await
        .unwrap();
    let create = || {
        board(BoardCommand::AddNote {
            id: "n1".into(),
            step: "step-3".into(),
            kind: "manual".into(),
            text: "Build takes 40 min".into(),
        })
    };
    rooms
        .execute(&f.checkpoint, &ana.participant_id, create())
        .await
        .unwrap();
    rooms
        .execute(&f.checkpoint, &ana.participant_id, create())
        .await
        .unwrap();
    let mut ana_conn = rooms.connect(&f.checkpoint, &ana.participant_id).await.unwrap();
    let mut bo_conn = rooms.connect(&f.checkpoint, &bo.participant_id).await.unwrap();
    let ana_view = next_snapshot(&mut ana_conn).await;
    assert_eq!(ana_view.board.notes.len(), 1, "a retried create makes one note");
    let bo_view = next_snapshot(&mut bo_conn).await;
    // Ana edits the text while Bo edits the kind and moves it.
    let (a, b, c) = tokio::join!(
        rooms.execute(
            &f.checkpoint,
            &ana.participant_id,
            board(BoardCommand::EditNote {
                id: "n1".into(),
                text: Some("Build takes 40 minutes".into()),
                kind: None
            })
        ),
        rooms.execute(
            &f.checkpoint,
            &bo.participant_id,
            board(BoardCommand::EditNote {
                id: "n1".into(),
                text: None,
                kind: Some("improvement".into())
            })
        ),
        rooms.execute(
            &f.checkpoint,
            &bo.participant_id,
            board(BoardCommand::MoveNote {
                id: "n1".into(),
                step: "step-4".into(),
                index: 0
            })
        ),
    );
    let last = a.unwrap().max(b.unwrap()).max(c.unwrap());
    // Note changes travel as small frames; applied in order they give every
    // screen the same board as the server's.
    let (seen_by_ana, seen_by_bo) = (
        follow(&mut ana_conn, ana_view, last).await,
        follow(&mut bo_conn, bo_view, last).await,
    );
    assert_eq!(seen_by_ana.board.notes, seen_by_bo.board.notes);
    assert_eq!(
        seen_by_ana.board.notes,
        rooms
            .view(&f.checkpoint, &ana.participant_id)
            .await
            .unwrap()
            .board
            .notes
    );
    let n = &seen_by_ana.board.notes[0];
    assert_eq!(
        (n.text.as_str(), n.kind.id(), n.step.as_str(), n.version),
        ("Build takes 40 minutes", "improvement", "step-4", 4)
    );
    let reloaded = store.load_live(&f.checkpoint).await.unwrap().state.doc.board;
    assert_eq!(reloaded.notes, seen_by_ana.board.notes, "the board persists");
}

/// The stored document and the number of logged note changes beside it.
async fn stored_board(store: &Store, id: &str) -> (String, i64) {
    let doc: String = sqlx::query_scalar("SELECT doc FROM checkpoints WHERE id = $1")
        .bind(id)
        .fetch_one(store.pool())
        .await
        .unwrap();
    let logs: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM board_log WHERE checkpoint_id = $1")
        .bind(id)
        .fetch_one(store.pool())
        .await
        .unwrap();
    (doc, logs)
}

/// A note's change writes that note, not the board: the stored document stays
/// as it was and one small log row is added, until the room writes the whole
/// board again after `BOARD_LOG_LIMIT` of them. Whatever is stored reads back
/// as the board the room holds, after any change, compaction or other write.
async fn a_board_change_writes_the_note_not_the_board(store: Store) {
    use checkpoint_core::store::BOARD_LOG_LIMIT;
    let f = fixture(&store).await;
    let ana = store.join_checkpoint(&f.code, "Ana", "c").await.unwrap();
    let fac = store
        .participant_for_user(&f.checkpoint, &f.facilitator)
        .await
        .unwrap()
        .unwrap();
    let rooms = Rooms::new(store.clone());
    let board = |op: BoardCommand| Command::Board { op };
    let run = |who: String, op: BoardCommand| {
        let rooms = rooms.clone();
        let id = f.checkpoint.clone();
        async move { rooms.execute(&id, &who, Command::Board { op }).await.unwrap() }
    };
    rooms
        .execute(&f.checkpoint, &fac, board(BoardCommand::UseTemplate))
        .await
        .unwrap();
    let agrees = |label: String| {
        let (store, rooms, id, ana) = (
            store.clone(),
            rooms.clone(),
            f.checkpoint.clone(),
            ana.participant_id.clone(),
        );
        async move {
            let stored = store.load_live(&id).await.unwrap().state.doc.board;
            let held = rooms.view(&id, &ana).await.unwrap().board;
            assert_eq!(stored.notes, held.notes, "{label}: the stored board is the room's");
            stored
        }
    };
    for i in 0..60 {
        run(
            ana.participant_id.clone(),
            BoardCommand::AddNote {
                id: format!("n{i}"),
                step: format!("step-{}", 1 + i % 7),
                kind: "manual".into(),
                text: format!("A step that takes a while, number {i}"),
            },
        )
        .await;
    }
    let (doc_before, logs_before) = stored_board(&store, &f.checkpoint).await;
    run(
        ana.participant_id.clone(),
        BoardCommand::MoveNote {
            id: "n3".into(),
            step: "step-6".into(),
            index: 0,
        },
    )
    .await;
    let (doc_after, logs_after) = stored_board(&store, &f.checkpoint).await;
    assert!(
        doc_after == doc_before,
        "moving one note rewrote the stored document ({} → {} bytes)",
        doc_before.len(),
        doc_after.len()
    );
    assert_eq!(logs_after, logs_before + 1, "and logs that one note");
    let entry: String =
        sqlx::query_scalar("SELECT entry FROM board_log WHERE checkpoint_id = $1 ORDER BY revision DESC LIMIT 1")
            .bind(&f.checkpoint)
            .fetch_one(store.pool())
            .await
            .unwrap();
    let whole = serde_json::to_string(&store.load_live(&f.checkpoint).await.unwrap().state.doc.board)
        .unwrap()
        .len();
    assert!(
        entry.len() < 400 && whole > 4_000,
        "a {}-byte log row instead of the {whole}-byte board",
        entry.len()
    );
    let stored = agrees("after a move".into()).await;
    assert_eq!(stored.notes_of("step-6").next().map(|n| n.id.as_str()), Some("n3"));

    // Edits and deletes until the room writes the whole board again.
    for i in 0..BOARD_LOG_LIMIT {
        let op = match i % 3 {
            0 => BoardCommand::EditNote {
                id: format!("n{}", i % 60),
                text: Some(format!("Rewritten {i}")),
                kind: None,
            },
            1 => BoardCommand::MoveNote {
                id: format!("n{}", i % 60),
                step: "step-2".into(),
                index: i % 4,
            },
            _ => BoardCommand::DeleteNote {
                id: format!("n{}", i % 60),
            },
        };
        let _ = rooms.execute(&f.checkpoint, &ana.participant_id, board(op)).await;
    }
    let (_, logs) = stored_board(&store, &f.checkpoint).await;
    assert!(
        (logs as usize) < BOARD_LOG_LIMIT,
        "the log is folded into the board every {BOARD_LOG_LIMIT} changes ({logs} rows left)"
    );
    let stored = agrees("after the board was written again".into()).await;
    let deleted = stored.deleted.clone();
    assert!(!deleted.is_empty(), "deletions are kept as tombstones");

    // Another write of the document (an action) holds the logged notes and clears the log.
    run(
        ana.participant_id.clone(),
        BoardCommand::EditNote {
            id: "n4".into(),
            text: Some("Logged, then written with an action".into()),
            kind: None,
        },
    )
    .await;
    rooms
        .execute(&f.checkpoint, &fac, add_action("a1", "Automate the build"))
        .await
        .unwrap();
    assert_eq!(
        stored_board(&store, &f.checkpoint).await.1,
        0,
        "a document write clears the log"
    );
    let stored = agrees("after an action".into()).await;
    assert_eq!(stored.note("n4").unwrap().text, "Logged, then written with an action");
    assert_eq!(stored.deleted, deleted, "tombstones survive");
    assert_eq!(stored.authors.len(), stored.notes.len(), "every note keeps its author");
}

/// The squad `payments` run by `fran`; returns her.
async fn facilitator_and_squad(store: &Store) -> CurrentUser {
    let row = store
        .create_user(None, "fran", "long enough password", Role::Facilitator)
        .await
        .unwrap();
    let fran = CurrentUser {
        id: row.id,
        username: row.username,
        role: Role::Facilitator,
    };
    store
        .create_squad(None, SquadForm::parse("Payments", "Money", None).unwrap())
        .await
        .unwrap();
    fran
}

async fn checkpoint_of(store: &Store, by: &CurrentUser, squad: &str, held_on: &str) -> String {
    store
        .create_checkpoint(by, squad, CheckpointForm::parse(held_on, None, Some("2021")).unwrap())
        .await
        .unwrap()
}

/// Runs commands in a checkpoint as the facilitator who made it.
async fn run(store: &Store, by: &CurrentUser, id: &str, commands: Vec<Command>) {
    let me = store.participant_for_user(id, by).await.unwrap().unwrap();
    let rooms = Rooms::new(store.clone());
    for c in commands {
        rooms.execute(id, &me, c).await.unwrap();
    }
}

fn add_action(id: &str, title: &str) -> Command {
    Command::Board {
        op: BoardCommand::AddAction {
            id: id.into(),
            title: title.into(),
            owner: "Ana".into(),
            due: Some("2026-12-18".into()),
            capability: None,
            from_note: None,
        },
    }
}

fn board_actions(store: &Store, id: &str) -> impl std::future::Future<Output = Vec<checkpoint_core::board::Action>> {
    let (store, id) = (store.clone(), id.to_string());
    async move { store.load_live(&id).await.unwrap().state.doc.board.actions }
}

async fn carried_actions_follow_the_squad_until_done(store: Store) {
    let fran = facilitator_and_squad(&store).await;
    let a = checkpoint_of(&store, &fran, "payments", "2026-01-10").await;
    run(
        &store,
        &fran,
        &a,
        vec![
            add_action("x", "Trunk-based development"),
            add_action("y", "Delete the release branch"),
        ],
    )
    .await;
    let b = checkpoint_of(&store, &fran, "payments", "2026-04-10").await;
    let c_listed = |items: Vec<ReviewItem>| {
        items
            .into_iter()
            .map(|i| (i.checkpoint_id, i.action.id))
            .collect::<Vec<_>>()
    };
    assert_eq!(
        c_listed(store.action_review(&b).await.unwrap()),
        [(a.clone(), "x".to_string()), (a.clone(), "y".to_string())]
    );

    // Carried twice from the review: one copy, open, linked to its origin; done: no copy.
    for _ in 0..2 {
        store.review_action(&fran, &b, &a, "x", "carried").await.unwrap();
    }
    store.review_action(&fran, &b, &a, "y", "done").await.unwrap();
    let in_b = board_actions(&store, &b).await;
    assert_eq!(in_b.len(), 1, "{in_b:?}");
    assert_eq!(
        (
            in_b[0].title.as_str(),
            in_b[0].status,
            in_b[0].carried_from[0].checkpoint_id.as_str()
        ),
        ("Trunk-based development", ActionStatus::Open, a.as_str())
    );
    let refused = store.review_action(&fran, &b, &a, "x", "dropped").await.unwrap_err();
    assert_eq!(refused.field(), Some("action"), "once copied, the copy is what changes");

    // Still open at the end of b, it is reviewed at c as b's, and carried again with its chain.
    let c = checkpoint_of(&store, &fran, "payments", "2026-07-10").await;
    let copy = in_b[0].id.clone();
    assert_eq!(
        c_listed(store.action_review(&c).await.unwrap()),
        [(b.clone(), copy.clone())],
        "the original and the done one are not listed"
    );
    store.review_action(&fran, &c, &b, &copy, "carried").await.unwrap();
    let in_c = board_actions(&store, &c).await;
    let chain: Vec<&str> = in_c[0].carried_from.iter().map(|o| o.checkpoint_id.as_str()).collect();
    assert_eq!((in_c.len(), chain), (1, vec![a.as_str(), b.as_str()]));

    // Marked carried on its own board, it is copied when the next checkpoint is created.
    run(
        &store,
        &fran,
        &c,
        vec![Command::Board {
            op: BoardCommand::SetActionStatus {
                id: in_c[0].id.clone(),
                status: "carried".into(),
            },
        }],
    )
    .await;
    let d = checkpoint_of(&store, &fran, "payments", "2026-10-10").await;
    let in_d = board_actions(&store, &d).await;
    assert_eq!(
        (in_d.len(), in_d[0].carried_from.len(), in_d[0].status),
        (1, 3, ActionStatus::Open)
    );
    assert!(
        store.action_review(&d).await.unwrap().is_empty(),
        "nothing waits: the copy is in d"
    );
    let e = checkpoint_of(&store, &fran, "payments", "2027-01-10").await;
    assert!(board_actions(&store, &e).await.is_empty(), "a copy is made once");
}

async fn history_pages_and_aggregates_follow_the_rules_over_every_row(store: Store) {
    let fran = facilitator_and_squad(&store).await;
    store
        .create_squad(None, SquadForm::parse("Ledger", "Else", None).unwrap())
        .await
        .unwrap();
    for i in 0..52 {
        checkpoint_of(
            &store,
            &fran,
            "payments",
            &format!("2025-{:02}-{:02}", i % 12 + 1, i / 12 + 1),
        )
        .await;
    }
    // Some with every answer locked (a level), in several quarters, and some actions.
    let lock_all = |code: usize| -> Vec<Command> {
        let mut out = vec![];
        for q in Question::ALL {
            let answer = q.answers_best_first().nth(code).unwrap().id().to_string();
            out.extend([
                Command::GoTo {
                    stage: checkpoint_core::live::Stage::of_metric(Metric::of_question(q)),
                },
                Command::Reveal {
                    question: Metric::of_question(q),
                },
                Command::Lock {
                    question: Metric::of_question(q),
                    answer,
                },
            ]);
        }
        out
    };
    for (squad, held_on, code, actions) in [
        ("payments", "2026-01-15", 5, 2),
        ("payments", "2024-06-01", 0, 0),
        ("ledger", "2026-03-01", 1, 1),
        ("payments", "2026-05-01", 2, 3),
    ] {
        let id = checkpoint_of(&store, &fran, squad, held_on).await;
        store
            .set_checkpoint_status(&fran, &id, CheckpointStatus::Live)
            .await
            .unwrap();
        let mut commands = lock_all(code);
        commands.extend((0..actions).map(|i| add_action(&format!("a{i}"), "Something to do")));
        run(&store, &fran, &id, commands).await;
    }
    let all_filter = HistoryFilter::default();
    let (first, second) = (
        store.checkpoint_history(&all_filter, 1).await.unwrap(),
        store.checkpoint_history(&all_filter, 2).await.unwrap(),
    );
    assert_eq!(
        (
            first.rows.len(),
            second.rows.len(),
            first.paged.total,
            first.paged.pages
        ),
        (50, 6, 56, 2)
    );
    let rows: Vec<HistoryRow> = first.rows.iter().chain(&second.rows).cloned().collect();
    let mut newest_first = rows.clone();
    newest_first.sort_by(|a, b| b.held_on.cmp(&a.held_on));
    assert_eq!(
        rows.iter().map(|r| &r.held_on).collect::<Vec<_>>(),
        newest_first.iter().map(|r| &r.held_on).collect::<Vec<_>>()
    );
    assert_eq!(
        first.spread,
        spread_by_quarter(&rows),
        "the SQL spread follows the rule of the pure one"
    );
    assert_eq!(first.actions, action_progress(&rows));
    assert_eq!(first.actions, [6, 0, 0, 0]);
    assert_eq!(rows.iter().filter(|r| r.voted.is_some()).count(), 4);

    // The level filter is applied before paging, on every backend.
    let level = rows
        .iter()
        .find(|r| r.held_on == "2026-01-15")
        .unwrap()
        .voted
        .unwrap()
        .level;
    let filtered = store
        .checkpoint_history(
            &HistoryFilter {
                level: Some(level),
                ..HistoryFilter::default()
            },
            1,
        )
        .await
        .unwrap();
    let expected: Vec<&String> = rows
        .iter()
        .filter(|r| r.voted.is_some_and(|v| v.level == level))
        .map(|r| &r.id)
        .collect();
    assert_eq!(filtered.rows.iter().map(|r| &r.id).collect::<Vec<_>>(), expected);
    assert_eq!(filtered.paged.total as usize, expected.len());
    let money = store
        .checkpoint_history(
            &HistoryFilter {
                tribe: Some("money".into()),
                ..HistoryFilter::default()
            },
            9,
        )
        .await
        .unwrap();
    assert_eq!(
        (money.paged.page, money.paged.total),
        (2, 55),
        "a page past the end is the last"
    );

    // The trend's pages are oldest first, and the first change on page 2 compares with page 1.
    let trend = store.squad_trend("payments", 2).await.unwrap();
    assert_eq!((trend.points.len(), trend.paged.total), (5, 55));
    let dates: Vec<&str> = trend.points.iter().map(|p| p.row.held_on.as_str()).collect();
    assert_eq!(
        dates,
        ["2025-12-02", "2025-12-03", "2025-12-04", "2026-01-15", "2026-05-01"]
    );
    assert!(
        trend.points[3].voted_change.is_some(),
        "compared with 2024-06-01, on page 1"
    );
    let whole = {
        let mut p1 = store.squad_trend("payments", 1).await.unwrap().points;
        p1.extend(trend.points.clone());
        p1
    };
    let recomputed =
        checkpoint_core::summary::history::trend(whole.iter().map(|p| p.row.clone()).collect(), (None, None));
    assert_eq!(
        whole, recomputed,
        "paged or not, each change is against the previous result"
    );

    // Rows written before the digest existed get it at the next start.
    sqlx::query("UPDATE checkpoints SET digested = 0, voted_level = NULL, voted_percentile = NULL, actions_open = 0, actions = '[]'").execute(store.pool()).await.unwrap();
    store.migrate().await.unwrap();
    assert_eq!(store.checkpoint_history(&all_filter, 1).await.unwrap(), first);
}

/// A 2025 checkpoint of `payments` on `held_on`, every answer locked and the
/// CI statements rated `rating` by the facilitator; ratings revealed or not.
async fn rated_2025(store: &Store, by: &CurrentUser, held_on: &str, rating: &str, reveal: bool) -> String {
    let id = store
        .create_checkpoint(
            by,
            "payments",
            CheckpointForm::parse(held_on, None, Some("2025")).unwrap(),
        )
        .await
        .unwrap();
    store
        .set_checkpoint_status(by, &id, CheckpointStatus::Live)
        .await
        .unwrap();
    let mut commands = vec![];
    for (m, answer) in [
        (Metric::LeadTime, "less_than_one_day"),
        (Metric::DeployFrequency, "on_demand"),
        (Metric::TimeToRestore, "less_than_one_hour"),
        (Metric::ChangeFailureRate, "20"),
        (Metric::ReworkRate, "5"),
    ] {
        commands.push(Command::Reveal { question: m });
        commands.push(Command::Lock {
            question: m,
            answer: answer.into(),
        });
    }
    for statement in 0..5 {
        commands.push(Command::Rate {
            capability: checkpoint_core::dora::capabilities::CapabilityKey::Ci,
            statement,
            rating: rating.into(),
        });
    }
    if reveal {
        commands.push(Command::RevealRatings);
    }
    run(store, by, &id, commands).await;
    id
}

async fn the_previous_revealed_scores_stand_beside_todays(store: Store) {
    let fran = facilitator_and_squad(&store).await;
    rated_2025(&store, &fran, "2026-06-01", "4", true).await;
    // Later, but never revealed: its ratings stay secret and it is passed over.
    rated_2025(&store, &fran, "2026-09-01", "0", false).await;
    let today = checkpoint_of(&store, &fran, "payments", "2026-12-01").await;
    // A legacy checkpoint shows no previous scores of the current three.
    assert_eq!(store.load_live(&today).await.unwrap().state.previous, None);
    let current = rated_2025(&store, &fran, "2026-12-02", "2", false).await;
    let previous = store
        .load_live(&current)
        .await
        .unwrap()
        .state
        .previous
        .expect("an earlier revealed checkpoint");
    assert_eq!(previous.held_on, "2026-06-01");
    assert_eq!(
        previous.of(checkpoint_core::dora::capabilities::CapabilityKey::Ci),
        Some(10.0)
    );
    assert_eq!(
        previous.of(checkpoint_core::dora::capabilities::CapabilityKey::Westrum),
        None
    );
}

/// A merged duplicate's rows: its vote goes where the kept one had none, is
/// dropped where the kept one voted, and a reload sees one vote per person.
async fn a_merge_persists_one_vote_per_person(store: Store) {
    use checkpoint_core::store::checkpoints::JoinAs;
    let f = fixture(&store).await;
    let join = |how: JoinAs| {
        let (store, code) = (store.clone(), f.code.clone());
        async move {
            store
                .join_checkpoint_as(&code, "Ana", "10.1.1.1", &|_| None, &how)
                .await
                .unwrap()
        }
    };
    let ana = join(JoinAs::New).await;
    let dup = join(JoinAs::Distinct).await;
    let rooms = Rooms::new(store.clone());
    rooms
        .execute(&f.checkpoint, &ana.participant_id, vote("less_than_one_day"))
        .await
        .unwrap();
    rooms
        .execute(&f.checkpoint, &dup.participant_id, vote("less_than_one_hour"))
        .await
        .unwrap();
    let fac = store
        .participant_for_user(&f.checkpoint, &f.facilitator)
        .await
        .unwrap()
        .unwrap();
    let merge = Command::MergeParticipant {
        from: dup.participant_id.clone(),
        into: ana.participant_id.clone(),
    };
    rooms.execute(&f.checkpoint, &fac, merge).await.unwrap();
    let state = store.load_live(&f.checkpoint).await.unwrap().state;
    let votes = state.votes_on(Q);
    assert_eq!(votes.len(), 1, "{votes:?}");
    assert_eq!(votes[&ana.participant_id], "less_than_one_day");
    assert!(state.participant(&dup.participant_id).unwrap().removed);
    assert_eq!(state.expected_voters(Q), 1);
}

on_both_backends!(
    a_merge_persists_one_vote_per_person,
    the_previous_revealed_scores_stand_beside_todays,
    carried_actions_follow_the_squad_until_done,
    history_pages_and_aggregates_follow_the_rules_over_every_row,
    board_notes_are_idempotent_converge_and_persist,
    a_board_change_writes_the_note_not_the_board,
    a_finalised_summary_changes_only_through_a_new_revision,
    survey_responses_carry_no_participant_identity,
    ratings_and_the_confirmed_focus_persist,
    join_vote_and_persist,
    joining_with_wrong_codes_is_rate_limited,
    before_the_reveal_no_frame_carries_another_choice,
    two_instances_never_lose_a_vote
);

/// Two processes on one PostgreSQL: a vote through one reaches a participant
/// connected to the other, through LISTEN/NOTIFY.
#[tokio::test]
async fn postgres_instances_share_a_live_checkpoint() {
    let Some(url) = support::postgres_database_url().await else {
        return;
    };
    let first = Store::connect(&url).await.unwrap();
    first.migrate().await.unwrap();
    let second = Store::connect(&url).await.unwrap();
    let f = fixture(&first).await;
    let ana = first.join_checkpoint(&f.code, "Ana", "c").await.unwrap();
    let bo = first.join_checkpoint(&f.code, "Bo", "c").await.unwrap();
    let (one, two) = (Rooms::new(first), Rooms::new(second));
    tokio::spawn(two.clone().follow_postgres(url.clone()));
    let mut bo_conn = two.connect(&f.checkpoint, &bo.participant_id).await.unwrap();
    next_snapshot(&mut bo_conn).await;
    // The listener needs a moment to LISTEN; vote until the other side sees it.
    tokio::time::sleep(Duration::from_millis(500)).await;
    one.execute(&f.checkpoint, &ana.participant_id, vote("less_than_one_day"))
        .await
        .unwrap();
    // The first snapshots may come from the listener's start-up reload; the
    // vote itself comes as the small frame, applied from the notification's
    // delta without reading the room again, as on the instance that took it.
    let mut seen: Option<View> = None;
    let how = loop {
        let msg = tokio::time::timeout(Duration::from_secs(10), bo_conn.rx.recv())
            .await
            .expect("a frame within 10 s")
            .expect("open");
        let Outbound::Text(t) = msg else { continue };
        match serde_json::from_str(&t).expect("a frame") {
            Frame::Snapshot { view } => {
                if !view.question(Q).unwrap().voters.is_empty() {
                    seen = Some(*view);
                    break "snapshot";
                }
                seen = Some(*view);
            }
            Frame::Voted {
                rev,
                question,
                participant,
                expected,
                mine,
            } => {
                let view = seen.as_mut().expect("a snapshot first");
                assert!(view.apply_voted(rev, question, &participant, expected, mine));
                break "voted";
            }
            _ => {}
        }
    };
    let seen = seen.unwrap();
    assert_eq!(
        how, "voted",
        "the other instance sends the vote frame, not a reloaded snapshot"
    );
    assert_eq!(seen.question(Q).unwrap().voters, vec![ana.participant_id.clone()]);
    assert_eq!(seen.question(Q).unwrap().mine, None);
}
