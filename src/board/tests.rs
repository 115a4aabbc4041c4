use super::*;

fn board() -> Board {
    let mut b = Board::default();
    b.apply("fac", BoardCommand::UseTemplate).unwrap();
    b
}

fn add(b: &mut Board, who: &str, id: &str, step: &str, kind: &str, text: &str) -> Result<BoardChange, BoardError> {
    b.apply(
        who,
        BoardCommand::AddNote {
            id: id.into(),
            step: step.into(),
            kind: kind.into(),
            text: text.into(),
        },
    )
}

fn order(b: &Board, step: &str) -> Vec<String> {
    b.notes_of(step).map(|n| n.id.clone()).collect()
}

#[test]
fn a_new_board_starts_from_the_template_once() {
    let b = board();
    let titles: Vec<&str> = b.steps.iter().map(|s| s.title.as_str()).collect();
    assert_eq!(titles, TEMPLATE);
    let mut b = b;
    assert!(
        b.apply("fac", BoardCommand::UseTemplate).is_err(),
        "a board with steps keeps them"
    );
}

#[test]
fn steps_are_added_renamed_reordered_and_removed_only_when_empty() {
    let mut b = board();
    b.apply(
        "a",
        BoardCommand::AddStep {
            id: "canary".into(),
            title: "  Canary   release ".into(),
        },
    )
    .unwrap();
    assert_eq!(b.steps.last().unwrap().title, "Canary release");
    b.apply(
        "a",
        BoardCommand::MoveStep {
            id: "canary".into(),
            index: 5,
        },
    )
    .unwrap();
    assert_eq!(b.steps[5].id, "canary");
    b.apply(
        "a",
        BoardCommand::RenameStep {
            id: "canary".into(),
            title: "Canary".into(),
        },
    )
    .unwrap();
    add(&mut b, "a", "n1", "canary", "manual", "Watch the graphs by hand").unwrap();
    let refused = b
        .apply("a", BoardCommand::RemoveStep { id: "canary".into() })
        .unwrap_err();
    assert!(refused.to_string().contains("move or delete its 1 notes"), "{refused}");
    b.apply("a", BoardCommand::DeleteNote { id: "n1".into() }).unwrap();
    b.apply("a", BoardCommand::RemoveStep { id: "canary".into() }).unwrap();
    assert!(b.step("canary").is_none());
    assert!(matches!(
        b.apply(
            "a",
            BoardCommand::RenameStep {
                id: "x".into(),
                title: "".into()
            }
        ),
        Err(BoardError::Invalid(e)) if e.field == "title"
    ));
}

#[test]
fn a_retried_create_makes_one_note_and_bad_notes_name_the_field() {
    let mut b = board();
    assert_eq!(
        add(&mut b, "a", "n1", "step-1", "manual", "Squash by hand").unwrap(),
        BoardChange::Note { id: "n1".into() }
    );
    assert_eq!(
        add(&mut b, "a", "n1", "step-1", "manual", "Squash by hand").unwrap(),
        BoardChange::None
    );
    assert_eq!(b.notes.len(), 1);
    let field = |r: Result<BoardChange, BoardError>| match r {
        Err(BoardError::Invalid(e)) => e.field,
        other => panic!("{other:?}"),
    };
    assert_eq!(field(add(&mut b, "a", "n2", "step-1", "manual", "   ")), "text");
    assert_eq!(
        field(add(&mut b, "a", "n2", "step-1", "manual", &"x".repeat(281))),
        "text"
    );
    assert!(
        add(&mut b, "a", "n2", "step-1", "manual", &"é".repeat(280)).is_ok(),
        "280 characters, not bytes"
    );
    assert_eq!(field(add(&mut b, "a", "n3", "step-1", "sticky", "x")), "kind");
    assert_eq!(field(add(&mut b, "a", "n3", "nowhere", "manual", "x")), "step");
    assert_eq!(field(add(&mut b, "a", "bad id!", "step-1", "manual", "x")), "id");
}

#[test]
fn concurrent_edits_of_different_fields_both_survive_and_the_last_writer_wins_per_field() {
    let mut b = board();
    add(&mut b, "a", "n1", "step-3", "manual", "Build takes 40 min").unwrap();
    // Ana changes the text while Bo changes the kind and Cy moves the note: all three stay.
    b.apply(
        "ana",
        BoardCommand::EditNote {
            id: "n1".into(),
            text: Some("Build takes 40 minutes".into()),
            kind: None,
        },
    )
    .unwrap();
    b.apply(
        "bo",
        BoardCommand::EditNote {
            id: "n1".into(),
            text: None,
            kind: Some("improvement".into()),
        },
    )
    .unwrap();
    b.apply(
        "cy",
        BoardCommand::MoveNote {
            id: "n1".into(),
            step: "step-4".into(),
            index: 0,
        },
    )
    .unwrap();
    let n = b.note("n1").unwrap();
    assert_eq!(
        (n.text.as_str(), n.kind, n.step.as_str(), n.version),
        ("Build takes 40 minutes", NoteKind::Improvement, "step-4", 4)
    );
    // Two writers of the same field: the later one wins, and replaying the same order gives the same board.
    let mut replay = b.clone();
    for target in [&mut b, &mut replay] {
        target
            .apply(
                "ana",
                BoardCommand::EditNote {
                    id: "n1".into(),
                    text: Some("Cache the build".into()),
                    kind: None,
                },
            )
            .unwrap();
        target
            .apply(
                "bo",
                BoardCommand::EditNote {
                    id: "n1".into(),
                    text: Some("Cache dependencies".into()),
                    kind: None,
                },
            )
            .unwrap();
    }
    assert_eq!(b, replay);
    assert_eq!(b.note("n1").unwrap().text, "Cache dependencies");
}

#[test]
fn deleting_wins_over_editing_and_a_late_create_does_not_revive_the_note() {
    let mut b = board();
    add(&mut b, "a", "n1", "step-1", "failed", "Rollback by hand").unwrap();
    b.apply("ana", BoardCommand::DeleteNote { id: "n1".into() }).unwrap();
    let edit = b.apply(
        "bo",
        BoardCommand::EditNote {
            id: "n1".into(),
            text: Some("Rollback script".into()),
            kind: None,
        },
    );
    assert_eq!(edit, Err(BoardError::NoteGone));
    assert_eq!(
        b.apply(
            "bo",
            BoardCommand::MoveNote {
                id: "n1".into(),
                step: "step-2".into(),
                index: 0
            }
        ),
        Err(BoardError::NoteGone)
    );
    assert_eq!(
        add(&mut b, "a", "n1", "step-1", "failed", "Rollback by hand").unwrap(),
        BoardChange::None
    );
    assert!(b.note("n1").is_none());
    assert_eq!(
        b.apply("ana", BoardCommand::DeleteNote { id: "n1".into() }).unwrap(),
        BoardChange::None,
        "deleting twice is harmless"
    );
}

#[test]
fn notes_move_between_steps_and_reorder_within_one() {
    let mut b = board();
    for id in ["a", "b", "c"] {
        add(&mut b, "p", id, "step-2", "manual", id).unwrap();
    }
    add(&mut b, "p", "x", "step-5", "manual", "x").unwrap();
    b.apply(
        "p",
        BoardCommand::MoveNote {
            id: "c".into(),
            step: "step-2".into(),
            index: 0,
        },
    )
    .unwrap();
    assert_eq!(order(&b, "step-2"), ["c", "a", "b"]);
    b.apply(
        "p",
        BoardCommand::MoveNote {
            id: "c".into(),
            step: "step-2".into(),
            index: 99,
        },
    )
    .unwrap();
    assert_eq!(order(&b, "step-2"), ["a", "b", "c"]);
    b.apply(
        "p",
        BoardCommand::MoveNote {
            id: "a".into(),
            step: "step-5".into(),
            index: 0,
        },
    )
    .unwrap();
    assert_eq!(
        (order(&b, "step-2"), order(&b, "step-5")),
        (vec!["b".to_string(), "c".into()], vec!["a".to_string(), "x".into()])
    );
}

#[test]
fn dots_respect_the_budget_and_the_cap_and_stay_hidden_until_closed() {
    let mut b = board();
    for id in ["i1", "i2", "i3"] {
        add(&mut b, "p", id, "step-3", "improvement", id).unwrap();
    }
    add(&mut b, "p", "m1", "step-3", "manual", "m").unwrap();
    let dot = |b: &mut Board, who: &str, note: &str| {
        b.apply(
            who,
            BoardCommand::Dot {
                note: note.into(),
                add: true,
            },
        )
    };
    assert!(dot(&mut b, "ana", "i1").is_err(), "voting is not open yet");
    b.apply(
        "fac",
        BoardCommand::OpenDots {
            budget: 5,
            per_note: 3,
            show_live: false,
        },
    )
    .unwrap();
    assert!(!b.dots.counts_visible());
    for _ in 0..3 {
        dot(&mut b, "ana", "i1").unwrap();
    }
    let capped = dot(&mut b, "ana", "i1").unwrap_err();
    assert!(capped.to_string().contains("at most 3 dots on one note"), "{capped}");
    dot(&mut b, "ana", "i2").unwrap();
    dot(&mut b, "ana", "i3").unwrap();
    let spent = dot(&mut b, "ana", "i2").unwrap_err();
    assert!(spent.to_string().contains("used all 5"), "{spent}");
    assert_eq!(b.dots.used_by("ana"), 5);
    assert!(dot(&mut b, "ana", "m1").is_err(), "only improvements take dots");
    b.apply(
        "ana",
        BoardCommand::Dot {
            note: "i3".into(),
            add: false,
        },
    )
    .unwrap();
    dot(&mut b, "ana", "i2").unwrap();
    dot(&mut b, "bo", "i2").unwrap();
    b.apply("fac", BoardCommand::CloseDots).unwrap();
    assert!(b.dots.counts_visible());
    assert!(dot(&mut b, "bo", "i2").is_err(), "closed");
    let ranked: Vec<(&str, u32)> = b
        .ranked_improvements()
        .iter()
        .map(|(n, d)| (n.id.as_str(), *d))
        .collect();
    assert_eq!(ranked, [("i1", 3), ("i2", 3), ("i3", 0)]);
}

#[test]
fn dot_limits_are_configurable_and_checked() {
    let mut b = board();
    let open = |b: &mut Board, budget, per_note| {
        b.apply(
            "fac",
            BoardCommand::OpenDots {
                budget,
                per_note,
                show_live: true,
            },
        )
    };
    assert!(matches!(
        open(&mut b, 0, 1),
        Err(BoardError::Invalid(e)) if e.field == "budget"
    ));
    assert!(matches!(
        open(&mut b, 3, 4),
        Err(BoardError::Invalid(e)) if e.field == "per_note"
    ));
    open(&mut b, 3, 1).unwrap();
    assert!(b.dots.counts_visible(), "shown live when asked");
    use crate::access::{allows, Action, Hat};
    assert_eq!(
        BoardCommand::OpenDots {
            budget: 1,
            per_note: 1,
            show_live: false
        }
        .access("ana", None),
        Action::Drive
    );
    assert!(allows(
        Hat::Participant,
        BoardCommand::Dot {
            note: "x".into(),
            add: true
        }
        .access("ana", None)
    ));
    assert!(!allows(
        Hat::Participant,
        BoardCommand::RemoveAction { id: "a".into() }.access("ana", None)
    ));
    assert!(!allows(
        Hat::Participant,
        BoardCommand::RenameStep {
            id: "s".into(),
            title: "t".into()
        }
        .access("ana", None)
    ));
    let delete = BoardCommand::DeleteNote { id: "n".into() };
    assert!(allows(Hat::Participant, delete.access("ana", Some("ana"))));
    assert!(
        !allows(Hat::Participant, delete.access("ana", Some("bo"))),
        "others' notes only by the facilitator"
    );
    assert!(allows(Hat::Runner, delete.access("fac", Some("bo"))));
}

#[test]
fn a_deleted_or_retyped_improvement_gives_its_dots_back() {
    let mut b = board();
    add(&mut b, "p", "i1", "step-1", "improvement", "i").unwrap();
    add(&mut b, "p", "i2", "step-1", "improvement", "j").unwrap();
    b.apply(
        "fac",
        BoardCommand::OpenDots {
            budget: 2,
            per_note: 2,
            show_live: false,
        },
    )
    .unwrap();
    b.apply(
        "ana",
        BoardCommand::Dot {
            note: "i1".into(),
            add: true,
        },
    )
    .unwrap();
    b.apply(
        "ana",
        BoardCommand::Dot {
            note: "i2".into(),
            add: true,
        },
    )
    .unwrap();
    b.apply(
        "bo",
        BoardCommand::EditNote {
            id: "i1".into(),
            text: None,
            kind: Some("manual".into()),
        },
    )
    .unwrap();
    b.apply("bo", BoardCommand::DeleteNote { id: "i2".into() }).unwrap();
    assert_eq!(b.dots.used_by("ana"), 0);
}

#[test]
fn form_fields_read_as_the_same_commands() {
    let fields = |pairs: &'static [(&'static str, &'static str)]| {
        move |name: &str| pairs.iter().find(|(k, _)| *k == name).map(|(_, v)| v.to_string())
    };
    let add = BoardCommand::from_fields(
        "add_note",
        &fields(&[("note", "n1"), ("step", "step-1"), ("kind", "manual"), ("text", "x")]),
    )
    .unwrap();
    assert_eq!(
        add,
        BoardCommand::AddNote {
            id: "n1".into(),
            step: "step-1".into(),
            kind: "manual".into(),
            text: "x".into()
        }
    );
    let edit = BoardCommand::from_fields(
        "edit_note",
        &fields(&[("note", "n1"), ("text", " "), ("kind", "failed")]),
    )
    .unwrap();
    assert_eq!(
        edit,
        BoardCommand::EditNote {
            id: "n1".into(),
            text: None,
            kind: Some("failed".into())
        }
    );
    // The edit form sends only what the person changed, so another person's
    // concurrent change of the other field survives.
    let text_only = BoardCommand::from_fields(
        "edit_note",
        &fields(&[
            ("note", "n1"),
            ("text", "Build takes 40 minutes"),
            ("text_was", "Build takes 40 min"),
            ("kind", "manual"),
            ("kind_was", "manual"),
        ]),
    )
    .unwrap();
    assert_eq!(
        text_only,
        BoardCommand::EditNote {
            id: "n1".into(),
            text: Some("Build takes 40 minutes".into()),
            kind: None
        }
    );
    let kind_only = BoardCommand::from_fields(
        "edit_note",
        &fields(&[
            ("note", "n1"),
            ("text", "Same"),
            ("text_was", "Same "),
            ("kind", "failed"),
            ("kind_was", "manual"),
        ]),
    )
    .unwrap();
    assert_eq!(
        kind_only,
        BoardCommand::EditNote {
            id: "n1".into(),
            text: None,
            kind: Some("failed".into())
        }
    );
    let open = BoardCommand::from_fields("open_dots", &fields(&[("budget", "5"), ("per_note", "3")])).unwrap();
    assert_eq!(
        open,
        BoardCommand::OpenDots {
            budget: 5,
            per_note: 3,
            show_live: false
        }
    );
    assert!(matches!(
        BoardCommand::from_fields("move_note", &fields(&[("index", "up")])),
        Err(BoardError::Invalid(e)) if e.field == "index"
    ));
    assert!(matches!(
        BoardCommand::from_fields("paint", &fields(&[])),
        Err(BoardError::Invalid(e)) if e.field == "op"
    ));
}

#[test]
fn actions_are_parsed_once_idempotent_and_editable() {
    let mut b = board();
    add(&mut b, "p", "i1", "step-3", "improvement", "Cache dependencies").unwrap();
    let create = || BoardCommand::AddAction {
        id: "a1".into(),
        title: "  Cache   the build ".into(),
        owner: "Ana".into(),
        due: Some("2026-12-15".into()),
        capability: Some("continuous_integration".into()),
        from_note: Some("i1".into()),
    };
    assert_eq!(b.apply("fac", create()).unwrap(), BoardChange::Actions);
    assert_eq!(b.apply("fac", create()).unwrap(), BoardChange::None, "a retried create");
    let a = &b.actions[0];
    assert_eq!(
        (a.title.as_str(), a.status, a.capability.as_deref()),
        ("Cache the build", ActionStatus::Open, Some("continuous_integration"))
    );
    let refuse = |b: &mut Board, cmd| match b.apply("fac", cmd) {
        Err(BoardError::Invalid(e)) => e.field,
        other => panic!("{other:?}"),
    };
    let with = |title: &str, owner: &str, due: Option<&str>, capability: Option<&str>| BoardCommand::AddAction {
        id: "a2".into(),
        title: title.into(),
        owner: owner.into(),
        due: due.map(str::to_string),
        capability: capability.map(str::to_string),
        from_note: None,
    };
    assert_eq!(refuse(&mut b, with("", "Ana", None, None)), "title");
    assert_eq!(refuse(&mut b, with("x", " ", None, None)), "owner");
    assert_eq!(refuse(&mut b, with("x", "Ana", Some("next week"), None)), "due");
    assert_eq!(refuse(&mut b, with("x", "Ana", None, Some("magic"))), "capability");
    b.apply(
        "fac",
        BoardCommand::EditAction {
            id: "a1".into(),
            title: "Cache the build".into(),
            owner: "Bo".into(),
            due: None,
            capability: None,
        },
    )
    .unwrap();
    b.apply(
        "fac",
        BoardCommand::SetActionStatus {
            id: "a1".into(),
            status: "done".into(),
        },
    )
    .unwrap();
    assert_eq!(
        (
            b.actions[0].owner.as_str(),
            b.actions[0].due.clone(),
            b.actions[0].status
        ),
        ("Bo", None, ActionStatus::Done)
    );
    assert_eq!(
        refuse(
            &mut b,
            BoardCommand::SetActionStatus {
                id: "a1".into(),
                status: "maybe".into()
            }
        ),
        "status"
    );
    b.apply("fac", BoardCommand::RemoveAction { id: "a1".into() }).unwrap();
    assert!(b.actions.is_empty());
}

#[test]
fn an_empty_board_can_take_the_previous_flow() {
    let mut b = Board::default();
    b.apply(
        "fac",
        BoardCommand::UseFlow {
            titles: vec!["Commit".into(), " Canary ".into()],
        },
    )
    .unwrap();
    assert_eq!(
        b.steps.iter().map(|s| s.title.as_str()).collect::<Vec<_>>(),
        ["Commit", "Canary"]
    );
    assert!(
        b.apply(
            "fac",
            BoardCommand::UseFlow {
                titles: vec!["X".into()]
            }
        )
        .is_err(),
        "only an empty board"
    );
    assert!(Board::default()
        .apply("fac", BoardCommand::UseFlow { titles: vec![] })
        .is_err());
}

#[test]
fn tombstones_keep_the_most_recent_deletions_only() {
    let mut b = board();
    let total = MAX_TOMBSTONES + 40;
    for i in 0..total {
        add(&mut b, "a", &format!("n{i}"), "step-1", "manual", "Short-lived").unwrap();
        b.apply("a", BoardCommand::DeleteNote { id: format!("n{i}") }).unwrap();
    }
    assert_eq!(
        b.deleted.len(),
        MAX_TOMBSTONES,
        "the board does not grow with every deletion"
    );
    assert_eq!(
        b.deleted.first().map(String::as_str),
        Some(format!("n{}", total - MAX_TOMBSTONES).as_str()),
        "the oldest go first"
    );
    // A late retry of a recent create still changes nothing ...
    let recent = format!("n{}", total - 1);
    assert_eq!(
        add(&mut b, "a", &recent, "step-1", "manual", "Short-lived").unwrap(),
        BoardChange::None
    );
    assert!(matches!(
        b.apply(
            "a",
            BoardCommand::EditNote {
                id: recent,
                text: Some("x".into()),
                kind: None
            }
        ),
        Err(BoardError::NoteGone)
    ));
    // ... and one older than the tombstones kept is the one thing lost: it makes the note again.
    assert_eq!(
        add(&mut b, "a", "n0", "step-1", "manual", "Short-lived").unwrap(),
        BoardChange::Note { id: "n0".into() }
    );
}

fn full_message(r: Result<BoardChange, BoardError>) -> String {
    match r {
        Err(BoardError::Invalid(e)) if e.field == "notes" => e.message,
        other => panic!("expected the board to be full, got {other:?}"),
    }
}

#[test]
fn a_board_of_plain_notes_fills_up_by_count_and_a_refused_note_changes_nothing() {
    let mut b = board();
    let long = "x".repeat(MAX_NOTE_TEXT);
    for i in 0..MAX_NOTES {
        add(
            &mut b,
            "participant-with-a-long-id-0123456789",
            &format!("{i:08x}-aaaa-bbbb-cccc-dddddddddddd"),
            &format!("step-{}", i % 7 + 1),
            "improvement",
            &long,
        )
        .unwrap_or_else(|e| panic!("note {i} of {MAX_NOTES} full-length notes: {e}"));
    }
    assert!(
        json_len(&b) <= MAX_BOARD_BYTES,
        "{MAX_NOTES} full notes of plain text fit in the stored size"
    );
    let before = b.clone();
    let message = full_message(add(&mut b, "a", "one-more", "step-1", "manual", "Anything"));
    assert!(
        message.contains("the board is full") && message.contains(&MAX_NOTES.to_string()),
        "{message}"
    );
    assert_eq!(b, before);
}

#[test]
fn a_board_cannot_grow_past_its_stored_size_by_adding_or_editing() {
    let mut b = board();
    // Four bytes a character, and two-character escapes: the longest a note can be.
    let heavy: String = "😀\u{1}".repeat(MAX_NOTE_TEXT / 2);
    add(&mut b, "a", "small", "step-1", "manual", "tiny").unwrap();
    let mut added = 0;
    let refused = loop {
        match add(&mut b, "a", &format!("n{added}"), "step-1", "manual", &heavy) {
            Ok(_) => added += 1,
            Err(e) => break Err(e),
        }
        assert!(added <= MAX_NOTES, "the size, not the count, stops these notes");
    };
    assert!(
        json_len(&b) <= MAX_BOARD_BYTES,
        "the board stayed within {MAX_BOARD_BYTES} bytes"
    );
    let message = full_message(refused);
    assert!(
        message.contains("the board is full") && message.contains("KiB"),
        "{message}"
    );
    assert!(
        added < MAX_NOTES && added > 50,
        "{added} notes of the heaviest kind fit"
    );

    // Edits that grow the board are refused too; one that shrinks it is not.
    let before = b.clone();
    let grow = b.apply(
        "a",
        BoardCommand::EditNote {
            id: "small".into(),
            text: Some(heavy.clone()),
            kind: None,
        },
    );
    full_message(grow);
    assert_eq!(b, before, "a refused edit changes nothing");
    b.apply(
        "a",
        BoardCommand::EditNote {
            id: "n1".into(),
            text: Some("shorter".into()),
            kind: None,
        },
    )
    .unwrap();
    b.apply(
        "a",
        BoardCommand::EditNote {
            id: "small".into(),
            text: Some("a little longer".into()),
            kind: None,
        },
    )
    .unwrap();
}

mod log_replay {
    use super::*;
    use proptest::prelude::*;

    /// Random note commands over a few ids, steps and kinds, with dots open
    /// so that some commands move dots (those write the document instead).
    fn command() -> impl Strategy<Value = (u8, BoardCommand)> {
        let id = (0..6u8).prop_map(|i| format!("n{i}"));
        let step = (1..4u8).prop_map(|i| format!("step-{i}"));
        let kind = prop_oneof![Just("manual"), Just("improvement"), Just("failed")];
        let who = 0..3u8;
        prop_oneof![
            (who.clone(), id.clone(), step.clone(), kind.clone()).prop_map(|(w, id, step, kind)| (
                w,
                BoardCommand::AddNote {
                    id,
                    step,
                    kind: kind.into(),
                    text: "A note".into()
                }
            )),
            (who.clone(), id.clone(), "[a-z]{1,8}").prop_map(|(w, id, text)| (
                w,
                BoardCommand::EditNote {
                    id,
                    text: Some(text),
                    kind: None
                }
            )),
            (who.clone(), id.clone(), kind).prop_map(|(w, id, kind)| (
                w,
                BoardCommand::EditNote {
                    id,
                    text: None,
                    kind: Some(kind.into())
                }
            )),
            (who.clone(), id.clone(), step, 0..5usize)
                .prop_map(|(w, id, step, index)| (w, BoardCommand::MoveNote { id, step, index })),
            (who.clone(), id.clone()).prop_map(|(w, id)| (w, BoardCommand::DeleteNote { id })),
            (who, id).prop_map(|(w, note)| (w, BoardCommand::Dot { note, add: true })),
        ]
    }

    proptest! {
        /// What the store keeps (the last written board plus each note change's
        /// log replayed in order) is the board the room had in memory.
        #[test]
        fn replaying_the_note_logs_rebuilds_the_board(commands in proptest::collection::vec(command(), 1..60)) {
            let mut live = board();
            live.apply("fac", BoardCommand::OpenDots { budget: 3, per_note: 2, show_live: true }).unwrap();
            let mut stored = live.clone();
            for (who, cmd) in commands {
                let dots_before = live.dots.clone();
                match live.apply(&format!("p{who}"), cmd) {
                    Ok(BoardChange::Note { id }) if live.dots == dots_before => stored.replay(&live.note_log(&id)),
                    Ok(BoardChange::None) | Err(_) => {}
                    // Anything else writes the whole document.
                    Ok(_) => stored = live.clone(),
                }
                prop_assert_eq!(&stored, &live);
            }
        }
    }
}
