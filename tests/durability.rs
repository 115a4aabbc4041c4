//! What the store promises under concurrent writes, on SQLite and PostgreSQL:
//! the last admin survives simultaneous demotions, read-then-write paths do
//! not fail while live changes commit, and (SQLite) the write-ahead log stays
//! under its ceiling while a board takes thousands of changes with readers busy.

use checkpoint_test_support::{self as support, on_both_backends};

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use checkpoint_core::accounts::{CurrentUser, Role};
use checkpoint_core::board::BoardCommand;
use checkpoint_core::checkpoints::CheckpointForm;
use checkpoint_core::hub::Rooms;
use checkpoint_core::live::{CheckpointStatus, Command};
use checkpoint_core::names::DisplayName;
use checkpoint_core::store::squads::SquadForm;
use checkpoint_core::store::{ServiceError, Store};

fn as_actor(row: &checkpoint_core::store::users::UserRow) -> CurrentUser {
    CurrentUser {
        id: row.id.clone(),
        username: row.username.clone(),
        role: row.role,
    }
}

async fn admins(store: &Store, by: &CurrentUser) -> usize {
    store
        .list_users(by)
        .await
        .unwrap()
        .iter()
        .filter(|u| u.role == Role::Admin)
        .count()
}

/// Three admins demote each other at once, many times over: one is always left,
/// and every refusal is the last-admin rule, never an error of the database.
async fn the_last_admin_survives_concurrent_demotions(store: Store) {
    let rows = [
        store
            .create_user(None, "ada", "long enough password", Role::Admin)
            .await
            .unwrap(),
        store
            .create_user(None, "bea", "long enough password", Role::Admin)
            .await
            .unwrap(),
        store
            .create_user(None, "cyd", "long enough password", Role::Admin)
            .await
            .unwrap(),
    ];
    let [a, b, c] = rows.each_ref().map(as_actor);
    for round in 0..30 {
        let (ra, rb, rc) = tokio::join!(
            store.set_role(&b, &a.id, Role::Viewer),
            store.set_role(&c, &b.id, Role::Facilitator),
            store.set_role(&a, &c.id, Role::Viewer),
        );
        for r in [ra, rb, rc] {
            if let Err(e) = r {
                assert!(
                    matches!(&e, ServiceError::Conflict(c) if c.field == "role"),
                    "round {round}: {e:?}"
                );
            }
        }
        let left = admins(&store, &a).await;
        assert!(left >= 1, "round {round}: no admin left");
        assert_eq!(left, 1, "round {round}: every demotion but the last one's goes through");
        for u in [&a, &b, &c] {
            store.set_role(&a, &u.id, Role::Admin).await.unwrap();
        }
    }
}

/// Votes commit through the hub all along while squads, tribes and roles are
/// read and then written: none of those fails because the database was busy.
async fn read_then_write_paths_do_not_fail_while_live_changes_commit(store: Store) {
    let fac_row = store
        .create_user(None, "fran", "long enough password", Role::Facilitator)
        .await
        .unwrap();
    let admin_row = store
        .create_user(None, "root", "long enough password", Role::Admin)
        .await
        .unwrap();
    let (fac, admin) = (as_actor(&fac_row), as_actor(&admin_row));
    let squad = store
        .create_squad(None, SquadForm::parse("Payments", "Money", None).unwrap())
        .await
        .unwrap();
    let id = store
        .create_checkpoint(
            &fac,
            &squad.slug,
            CheckpointForm::parse("2026-11-22", None, Some("2021")).unwrap(),
        )
        .await
        .unwrap();
    let code = store.load_live(&id).await.unwrap().join_code.display();
    store
        .set_checkpoint_status(&fac, &id, CheckpointStatus::Live)
        .await
        .unwrap();
    let fac_p = store.participant_for_user(&id, &fac).await.unwrap().unwrap();
    let rooms = Rooms::new(store.clone());
    rooms
        .execute(
            &id,
            &fac_p,
            Command::GoTo {
                stage: checkpoint_core::live::Stage::LeadTime,
            },
        )
        .await
        .unwrap();
    let mut voters = Vec::new();
    for i in 0..6 {
        voters.push(
            store
                .join_checkpoint(&code, &format!("P{i}"), "10.0.0.1")
                .await
                .unwrap()
                .participant_id,
        );
    }
    let stop = Arc::new(AtomicBool::new(false));
    let votes = Arc::new(AtomicUsize::new(0));
    let mut tasks = Vec::new();
    for (i, p) in voters.into_iter().enumerate() {
        let (rooms, id, stop, votes) = (rooms.clone(), id.clone(), stop.clone(), votes.clone());
        tasks.push(tokio::spawn(async move {
            let answers = ["less_than_one_hour", "less_than_one_day", "one_day_to_one_week"];
            let mut n = i;
            while !stop.load(Ordering::Relaxed) {
                n += 1;
                let vote = Command::Vote {
                    question: checkpoint_core::dora::current::Metric::LeadTime,
                    answer: answers[n % 3].into(),
                };
                rooms.execute(&id, &p, vote).await.unwrap();
                votes.fetch_add(1, Ordering::Relaxed);
            }
        }));
    }
    let mut tribe = "Money".to_string();
    for round in 0..60 {
        let next = format!("Money {round}");
        store
            .rename_tribe(&admin, &tribe, &DisplayName::parse("new_name", &next).unwrap())
            .await
            .unwrap_or_else(|e| panic!("rename, round {round}: {e:?}"));
        tribe = next;
        let form = SquadForm::parse(&format!("Payments {round}"), &tribe, None).unwrap();
        store
            .update_squad(&admin, &squad.slug, form)
            .await
            .unwrap_or_else(|e| panic!("update squad, round {round}: {e:?}"));
        let role = if round % 2 == 0 {
            Role::Viewer
        } else {
            Role::Facilitator
        };
        store
            .set_role(&admin, &fac.id, role)
            .await
            .unwrap_or_else(|e| panic!("set role, round {round}: {e:?}"));
        store
            .create_squad(
                Some(&admin),
                SquadForm::parse(&format!("Squad {round}"), &tribe, None).unwrap(),
            )
            .await
            .unwrap_or_else(|e| panic!("create squad, round {round}: {e:?}"));
    }
    stop.store(true, Ordering::Relaxed);
    for t in tasks {
        t.await.unwrap();
    }
    assert!(votes.load(Ordering::Relaxed) > 60, "votes kept committing meanwhile");
}

/// Many people behind one address (an office) join with the right code, sixteen
/// at a time: every one gets in, and no attempt is left counted against the address.
async fn right_codes_joined_in_parallel_leave_nothing_counted(store: Store) {
    let fac_row = store
        .create_user(None, "fran", "long enough password", Role::Facilitator)
        .await
        .unwrap();
    let fac = as_actor(&fac_row);
    let squad = store
        .create_squad(None, SquadForm::parse("Payments", "Money", None).unwrap())
        .await
        .unwrap();
    let id = store
        .create_checkpoint(
            &fac,
            &squad.slug,
            CheckpointForm::parse("2026-11-22", None, Some("2021")).unwrap(),
        )
        .await
        .unwrap();
    let code = store.load_live(&id).await.unwrap().join_code.display();
    for wave in 0..25 {
        let joins = (0..16).map(|i| {
            let (store, code) = (store.clone(), code.clone());
            tokio::spawn(async move { store.join_checkpoint(&code, &format!("P{wave}-{i}"), "10.0.0.7").await })
        });
        for j in joins.collect::<Vec<_>>() {
            j.await.unwrap().unwrap_or_else(|e| panic!("wave {wave}: {e:?}"));
        }
    }
    let key = checkpoint_core::store::throttle::join_key("10.0.0.7");
    assert_eq!(
        store.counted_failures(&key).await.unwrap(),
        0,
        "every right code gave its attempt back"
    );
}

on_both_backends!(
    the_last_admin_survives_concurrent_demotions,
    read_then_write_paths_do_not_fail_while_live_changes_commit,
    right_codes_joined_in_parallel_leave_nothing_counted,
);

/// The documented ceiling of the SQLite write-ahead log.
const WAL_CEILING: u64 = checkpoint_core::store::WAL_CEILING;

/// A checkpoint whose board already holds `notes` notes of 280 characters
/// (written into its document before the room opens: adding them one by one
/// would take most of the test), with `people` participants.
async fn busy_board(
    store: &Store,
    fac: &CurrentUser,
    squad: &str,
    notes: usize,
    people: usize,
) -> (String, Vec<String>) {
    use checkpoint_core::board::Board;
    use checkpoint_core::live::LiveDoc;
    let id = store
        .create_checkpoint(
            fac,
            squad,
            CheckpointForm::parse("2026-11-22", None, Some("2021")).unwrap(),
        )
        .await
        .unwrap();
    let code = store.load_live(&id).await.unwrap().join_code.display();
    store
        .set_checkpoint_status(fac, &id, CheckpointStatus::Live)
        .await
        .unwrap();
    let mut board = Board::default();
    board.apply("fac", BoardCommand::UseTemplate).unwrap();
    for n in 0..notes {
        board
            .apply(
                "fac",
                BoardCommand::AddNote {
                    id: format!("n{n}"),
                    step: format!("step-{}", n % 7 + 1),
                    kind: "manual".into(),
                    text: note_text(n),
                },
            )
            .unwrap();
    }
    let raw: String = sqlx::query_scalar("SELECT doc FROM checkpoints WHERE id = $1")
        .bind(&id)
        .fetch_one(store.pool())
        .await
        .unwrap();
    let mut doc: LiveDoc = serde_json::from_str(&raw).unwrap();
    doc.board = board;
    sqlx::query("UPDATE checkpoints SET doc = $1 WHERE id = $2")
        .bind(serde_json::to_string(&doc).unwrap())
        .bind(&id)
        .execute(store.pool())
        .await
        .unwrap();
    let mut people_ids = Vec::new();
    for p in 0..people {
        people_ids.push(
            store
                .join_checkpoint(&code, &format!("P{p}"), "10.0.0.1")
                .await
                .unwrap()
                .participant_id,
        );
    }
    (id, people_ids)
}

fn note_text(n: usize) -> String {
    format!(
        "{n:06} {}",
        "the release waits for a manual sign-off from the change board, ".repeat(5)
    )[..280]
        .to_string()
}

/// Eight people on four boards of 200 notes rename steps as fast as the
/// store takes it (each rewrites the document: about 90 KB per change, 150 MB in all) while
/// three readers take turns holding a read transaction open for a moment
/// (as a page reading several tables does), so that one always is: the log
/// never passes its ceiling, and once the writing stops it is emptied.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_sqlite_log_stays_under_its_ceiling_while_boards_change_and_readers_read() {
    let (store, dir) = support::sqlite_store().await;
    let wal = dir.path().join("test.db-wal");
    let fac_row = store
        .create_user(None, "fran", "long enough password", Role::Facilitator)
        .await
        .unwrap();
    let fac = as_actor(&fac_row);
    let squad = store
        .create_squad(None, SquadForm::parse("Payments", "Money", None).unwrap())
        .await
        .unwrap();
    const NOTES: usize = 200;
    let mut rooms_people = Vec::new();
    for _ in 0..4 {
        rooms_people.push(busy_board(&store, &fac, &squad.slug, NOTES, 2).await);
    }
    let rooms = Rooms::new(store.clone());

    let stop = Arc::new(AtomicBool::new(false));
    let max_wal = Arc::new(std::sync::atomic::AtomicU64::new(0));
    let wal_size = {
        let wal = wal.clone();
        move || std::fs::metadata(&wal).map(|m| m.len()).unwrap_or(0)
    };
    let mut readers = Vec::new();
    for r in 0..3u64 {
        let (store, id, stop) = (store.clone(), rooms_people[0].0.clone(), stop.clone());
        readers.push(tokio::spawn(async move {
            tokio::time::sleep(Duration::from_millis(50 * r)).await;
            let mut reads = 0usize;
            while !stop.load(Ordering::Relaxed) {
                let mut tx = store.pool().begin().await.unwrap();
                let _: String = sqlx::query_scalar("SELECT doc FROM checkpoints WHERE id = $1")
                    .bind(&id)
                    .fetch_one(&mut *tx)
                    .await
                    .unwrap();
                tokio::time::sleep(Duration::from_millis(150)).await;
                let _: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM participants WHERE checkpoint_id = $1")
                    .bind(&id)
                    .fetch_one(&mut *tx)
                    .await
                    .unwrap();
                tx.commit().await.unwrap();
                reads += 1;
            }
            reads
        }));
    }
    let watcher = {
        let (stop, max_wal, wal_size) = (stop.clone(), max_wal.clone(), wal_size.clone());
        tokio::spawn(async move {
            while !stop.load(Ordering::Relaxed) {
                max_wal.fetch_max(wal_size(), Ordering::Relaxed);
                tokio::time::sleep(Duration::from_millis(5)).await;
            }
        })
    };
    const CHANGES: usize = 1_600;
    let board = |op| Command::Board { op };
    let mut writers = Vec::new();
    for (id, people) in &rooms_people {
        // Renaming steps is the facilitator's: two writers in each room act as them.
        let facilitator = store
            .participant_for_user(id, &fac)
            .await
            .unwrap()
            .expect("in the room");
        for (w, _) in people.iter().enumerate() {
            let (rooms, id, p, max_wal, wal_size) = (
                rooms.clone(),
                id.clone(),
                facilitator.clone(),
                max_wal.clone(),
                wal_size.clone(),
            );
            writers.push(tokio::spawn(async move {
                for i in 0..CHANGES / 8 {
                    // A step's new name writes the whole document (a note's
                    // change would write only that note: `board_log`).
                    let op = BoardCommand::RenameStep {
                        id: format!("step-{}", (w * 7919 + i * 31) % 7 + 1),
                        title: format!("Step {w} renamed {i}"),
                    };
                    rooms.execute(&id, &p, board(op)).await.unwrap();
                    max_wal.fetch_max(wal_size(), Ordering::Relaxed);
                }
            }));
        }
    }
    for w in writers {
        w.await.unwrap();
    }
    stop.store(true, Ordering::Relaxed);
    watcher.await.unwrap();
    let mut reads = 0;
    for r in readers {
        reads += r.await.unwrap();
    }
    let max = max_wal.load(Ordering::Relaxed);
    eprintln!(
        "{CHANGES} changes, {reads} read transactions meanwhile, write-ahead log at most {:.1} MiB",
        max as f64 / (1 << 20) as f64
    );
    assert!(reads > 10, "the readers were busy throughout");
    assert!(max > 0, "the log was watched");
    assert!(
        max <= WAL_CEILING,
        "the log reached {max} bytes, past its ceiling of {WAL_CEILING}"
    );

    // Idle: within a few seconds the log is emptied.
    let mut waited = 0;
    while wal_size() > 0 && waited < 50 {
        tokio::time::sleep(Duration::from_millis(100)).await;
        waited += 1;
    }
    assert_eq!(wal_size(), 0, "an idle server leaves an empty log");
}
