//! What a live change writes, one at a time or a whole group commit's worth
//! in a few multi-row statements (the committer's batches).

use std::collections::{HashMap, HashSet};

use sqlx::Row;

use super::checkpoints::{notify_with, EVENTS_CHANNEL};
use super::events::placeholders;
use super::{now_ms, Backend, ServiceError, Tx};
use crate::dora::prioritise::Rating;
use crate::live::Change;

/// What one live change writes, ready for the committer.
#[derive(Clone, Debug)]
pub(crate) struct LiveWrite {
    pub id: String,
    pub revision: i64,
    /// The document's JSON, when the change touched it, with its digest
    /// (what the history and the review read, written with the document it comes from).
    pub doc: Option<(String, super::history::StoredDigest)>,
    /// A board note's change as its log entry (`board::NoteLog` JSON), when
    /// it is logged instead of writing the document.
    pub note: Option<String>,
    /// What other instances apply instead of reloading (`live::Delta` JSON,
    /// PostgreSQL only), sent in the commit's notification.
    pub delta: Option<String>,
    /// The confirmed focus (written with `Change::Focus`).
    pub focus: Vec<String>,
    pub change: Change,
}

/// One live change inside a (shared) transaction. False when the stored
/// revision has moved on.
pub(crate) async fn write_live(tx: &mut Tx<'_>, backend: Backend, w: &LiveWrite) -> Result<bool, ServiceError> {
    let id = &w.id;
    let bumped = match &w.doc {
        Some((doc, digest)) => {
            digest
                .bind(sqlx::query(concat!(
                    "UPDATE checkpoints SET ",
                    super::history::digest_set!(),
                    ", revision = $10, doc = $11, active_at = $14 WHERE id = $12 AND revision = $13"
                )))
                .bind(w.revision)
                .bind(doc)
                .bind(id)
                .bind(w.revision - 1)
                .bind(now_ms())
                .execute(&mut **tx)
                .await?
        }
        None => {
            sqlx::query("UPDATE checkpoints SET revision = $1, active_at = $4 WHERE id = $2 AND revision = $3")
                .bind(w.revision)
                .bind(id)
                .bind(w.revision - 1)
                .bind(now_ms())
                .execute(&mut **tx)
                .await?
        }
    };
    if bumped.rows_affected() == 0 {
        return Ok(false);
    }
    if w.doc.is_some() {
        super::board_log::clear(tx, id).await?;
    }
    if let Some(entry) = &w.note {
        super::board_log::append(tx, id, w.revision, entry).await?;
    }
    match &w.change {
        Change::Vote {
            question,
            participant,
            answer,
            ..
        } => upsert_vote(tx, id, *question, participant, answer).await?,
        Change::Removed { participant } => {
            sqlx::query("UPDATE participants SET removed = 1 WHERE id = $1 AND checkpoint_id = $2")
                .bind(participant)
                .bind(id)
                .execute(&mut **tx)
                .await?;
        }
        Change::Rated {
            participant,
            capability,
            statement,
            rating,
        } => upsert_rating(tx, id, participant, (*capability, *statement), *rating).await?,
        Change::Merged { from, into, moved } => {
            for table in ["votes", "ratings"] {
                sqlx::query(sqlx::AssertSqlSafe(format!(
                    "DELETE FROM {table} WHERE checkpoint_id = $1 AND participant_id = $2"
                )))
                .bind(id)
                .bind(from)
                .execute(&mut **tx)
                .await?;
            }
            for (question, answer) in &moved.votes {
                upsert_vote(tx, id, *question, into, answer).await?;
            }
            for (statement, rating) in &moved.ratings {
                upsert_rating(tx, id, into, *statement, *rating).await?;
            }
            // One "answered the survey" mark for the two; the answers are anonymous and stay.
            sqlx::query(
                "UPDATE survey_answered SET participant_id = $3 WHERE checkpoint_id = $1 AND participant_id = $2 \
                 AND NOT EXISTS (SELECT 1 FROM survey_answered WHERE checkpoint_id = $1 AND participant_id = $3)",
            )
            .bind(id)
            .bind(from)
            .bind(into)
            .execute(&mut **tx)
            .await?;
            sqlx::query("DELETE FROM survey_answered WHERE checkpoint_id = $1 AND participant_id = $2")
                .bind(id)
                .bind(from)
                .execute(&mut **tx)
                .await?;
            sqlx::query("UPDATE participants SET removed = 1 WHERE id = $1 AND checkpoint_id = $2")
                .bind(from)
                .bind(id)
                .execute(&mut **tx)
                .await?;
        }
        Change::Focus => {
            // The stored list is the confirmed focus; an unconfirmed draft lives in the document only.
            sqlx::query("DELETE FROM checkpoint_focus WHERE checkpoint_id = $1")
                .bind(id)
                .execute(&mut **tx)
                .await?;
            for (i, key) in w.focus.iter().enumerate() {
                sqlx::query("INSERT INTO checkpoint_focus (checkpoint_id, position, capability) VALUES ($1, $2, $3)")
                    .bind(id)
                    .bind(i as i64)
                    .bind(key)
                    .execute(&mut **tx)
                    .await?;
            }
        }
        Change::Doc | Change::Note { .. } => {}
    }
    notify_with(tx, backend, id, w.revision, w.delta.as_deref()).await?;
    Ok(true)
}

async fn upsert_vote(
    tx: &mut Tx<'_>,
    id: &str,
    question: crate::dora::current::Metric,
    participant: &str,
    answer: &str,
) -> Result<(), ServiceError> {
    sqlx::query(
        "INSERT INTO votes (checkpoint_id, question, participant_id, answer, updated_at) VALUES ($1, $2, $3, $4, $5) \
         ON CONFLICT (checkpoint_id, question, participant_id) DO UPDATE SET answer = excluded.answer, updated_at = excluded.updated_at",
    )
    .bind(id)
    .bind(question.id())
    .bind(participant)
    .bind(answer)
    .bind(now_ms())
    .execute(&mut **tx)
    .await?;
    Ok(())
}

async fn upsert_rating(
    tx: &mut Tx<'_>,
    id: &str,
    participant: &str,
    (capability, statement): crate::live::capabilities::StatementRef,
    rating: Rating,
) -> Result<(), ServiceError> {
    let value = rating_value(rating);
    sqlx::query(
        "INSERT INTO ratings (checkpoint_id, participant_id, capability, statement, value, updated_at) VALUES ($1, $2, $3, $4, $5, $6) \
         ON CONFLICT (checkpoint_id, participant_id, capability, statement) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at",
    )
    .bind(id)
    .bind(participant)
    .bind(capability.id())
    .bind(i64::from(statement))
    .bind(value)
    .bind(now_ms())
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Whether `w` writes rows only (a vote, a rating or a logged note change,
/// without the document): such changes share one statement per table.
fn rows_only(w: &LiveWrite) -> bool {
    w.doc.is_none()
        && matches!(
            w.change,
            Change::Vote { .. } | Change::Rated { .. } | Change::Note { .. }
        )
}

/// Writes one group commit's changes in `tx`; each result says whether that
/// change's guarded revision bump held (as [`write_live`]).
///
/// Why: at ten thousand votes a second, two statements per vote kept the
/// single writer busy past what it could commit (each statement a trip to
/// SQLite's worker thread). Changes that write rows only, of checkpoints that
/// appear once in the batch (a room commits one change at a time), go
/// together: one guarded bump of all their revisions, then one multi-row
/// statement per table for those whose bump held. The rest are written one
/// by one, in order.
pub(crate) async fn write_batch(
    tx: &mut Tx<'_>,
    backend: Backend,
    writes: &[&LiveWrite],
) -> Result<Vec<bool>, ServiceError> {
    let mut per_checkpoint: HashMap<&str, usize> = HashMap::new();
    for w in writes {
        *per_checkpoint.entry(w.id.as_str()).or_default() += 1;
    }
    let (grouped, single): (Vec<usize>, Vec<usize>) =
        (0..writes.len()).partition(|&i| rows_only(writes[i]) && per_checkpoint[writes[i].id.as_str()] == 1);
    let mut results = vec![false; writes.len()];
    for i in single {
        results[i] = write_live(tx, backend, writes[i]).await?;
    }
    if grouped.is_empty() {
        return Ok(results);
    }
    let group: Vec<&LiveWrite> = grouped.iter().map(|&i| writes[i]).collect();
    let bumped = bump_all(tx, backend, &group).await?;
    let held: Vec<&LiveWrite> = group
        .iter()
        .copied()
        .filter(|w| bumped.contains(w.id.as_str()))
        .collect();
    insert_rows(tx, backend, &held).await?;
    for i in grouped {
        results[i] = bumped.contains(writes[i].id.as_str());
    }
    Ok(results)
}

/// Moves each checkpoint of `group` to its write's revision if it is still at
/// the one before; returns the ids that moved.
async fn bump_all(tx: &mut Tx<'_>, backend: Backend, group: &[&LiveWrite]) -> Result<HashSet<String>, ServiceError> {
    // `now` is an integer of ours, written into the text so that every
    // parameter is a row's (and SQLite's `?` count from the first).
    let sql = format!(
        "UPDATE checkpoints SET revision = revision + 1, active_at = {} FROM (VALUES {}) AS v \
         WHERE checkpoints.id = v.column1 AND checkpoints.revision = v.column2 RETURNING id",
        now_ms(),
        placeholders(backend, group.len(), 2)
    );
    let mut q = sqlx::query(sqlx::AssertSqlSafe(sql)).persistent(false);
    for w in group {
        q = q.bind(w.id.as_str()).bind(w.revision - 1);
    }
    Ok(q.fetch_all(&mut **tx)
        .await?
        .iter()
        .map(|r| r.get::<String, _>("id"))
        .collect())
}

/// The rows of changes whose bump held: votes, ratings and note logs, one
/// statement per table, and on PostgreSQL one notification per checkpoint.
async fn insert_rows(tx: &mut Tx<'_>, backend: Backend, held: &[&LiveWrite]) -> Result<(), ServiceError> {
    let now = now_ms();
    let votes: Vec<_> = held
        .iter()
        .filter_map(|w| match &w.change {
            Change::Vote {
                question,
                participant,
                answer,
                ..
            } => Some((w.id.as_str(), question.id(), participant.as_str(), answer.as_str())),
            _ => None,
        })
        .collect();
    if !votes.is_empty() {
        let sql = format!(
            "INSERT INTO votes (checkpoint_id, question, participant_id, answer, updated_at) VALUES {} \
             ON CONFLICT (checkpoint_id, question, participant_id) DO UPDATE SET answer = excluded.answer, updated_at = excluded.updated_at",
            placeholders(backend, votes.len(), 5)
        );
        let mut q = sqlx::query(sqlx::AssertSqlSafe(sql)).persistent(false);
        for (id, question, participant, answer) in votes {
            q = q.bind(id).bind(question).bind(participant).bind(answer).bind(now);
        }
        q.execute(&mut **tx).await?;
    }
    let ratings: Vec<_> = held
        .iter()
        .filter_map(|w| match &w.change {
            Change::Rated {
                participant,
                capability,
                statement,
                rating,
            } => Some((
                w.id.as_str(),
                participant.as_str(),
                capability.id(),
                *statement,
                rating_value(*rating),
            )),
            _ => None,
        })
        .collect();
    if !ratings.is_empty() {
        let sql = format!(
            "INSERT INTO ratings (checkpoint_id, participant_id, capability, statement, value, updated_at) VALUES {} \
             ON CONFLICT (checkpoint_id, participant_id, capability, statement) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at",
            placeholders(backend, ratings.len(), 6)
        );
        let mut q = sqlx::query(sqlx::AssertSqlSafe(sql)).persistent(false);
        for (id, participant, capability, statement, value) in ratings {
            q = q
                .bind(id)
                .bind(participant)
                .bind(capability)
                .bind(i64::from(statement))
                .bind(value)
                .bind(now);
        }
        q.execute(&mut **tx).await?;
    }
    let notes: Vec<_> = held
        .iter()
        .filter_map(|w| w.note.as_deref().map(|entry| (w.id.as_str(), w.revision, entry)))
        .collect();
    if !notes.is_empty() {
        let sql = format!(
            "INSERT INTO board_log (checkpoint_id, revision, entry) VALUES {}",
            placeholders(backend, notes.len(), 3)
        );
        let mut q = sqlx::query(sqlx::AssertSqlSafe(sql)).persistent(false);
        for (id, revision, entry) in notes {
            q = q.bind(id).bind(revision).bind(entry);
        }
        q.execute(&mut **tx).await?;
    }
    if backend == Backend::Postgres && !held.is_empty() {
        let sql = format!(
            "SELECT pg_notify('{EVENTS_CHANNEL}', v.column1) FROM (VALUES {}) AS v",
            placeholders(backend, held.len(), 1)
        );
        let mut q = sqlx::query(sqlx::AssertSqlSafe(sql)).persistent(false);
        for w in held {
            q = q.bind(match &w.delta {
                Some(delta) => format!("{}:{}:{delta}", w.id, w.revision),
                None => format!("{}:{}", w.id, w.revision),
            });
        }
        q.execute(&mut **tx).await?;
    }
    Ok(())
}

/// A rating as its column holds it: the agreement, or -1 for "don't know".
fn rating_value(rating: Rating) -> i64 {
    match rating {
        Rating::Agreement(v) => i64::from(v),
        Rating::DontKnow => -1,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::accounts::{CurrentUser, Role};
    use crate::checkpoints::CheckpointForm;
    use crate::store::squads::SquadForm;
    use crate::store::Store;

    async fn two_checkpoints(store: &Store) -> [String; 2] {
        let row = store
            .create_user(None, "fran", "long enough password", Role::Facilitator)
            .await
            .unwrap();
        let fran = CurrentUser {
            id: row.id,
            username: row.username,
            role: Role::Facilitator,
        };
        let squad = store
            .create_squad(None, SquadForm::parse("Payments", "Money", None).unwrap())
            .await
            .unwrap();
        let form = || CheckpointForm::parse("2026-11-22", None, Some("2025")).unwrap();
        [
            store.create_checkpoint(&fran, &squad.slug, form()).await.unwrap(),
            store.create_checkpoint(&fran, &squad.slug, form()).await.unwrap(),
        ]
    }

    fn note_write(id: &str, revision: i64) -> LiveWrite {
        LiveWrite {
            id: id.to_string(),
            revision,
            doc: None,
            note: Some(format!(r#"{{"id":"n{revision}","note":null,"index":0,"author":null}}"#)),
            delta: None,
            focus: Vec::new(),
            change: Change::Note {
                id: format!("n{revision}"),
            },
        }
    }

    async fn sqlite_store() -> (Store, tempfile::TempDir) {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::connect(&format!("sqlite://{}/b.db", dir.path().display()))
            .await
            .unwrap();
        store.migrate().await.unwrap();
        (store, dir)
    }

    /// One batch in its own committed transaction, as the committer writes it.
    async fn committed(store: &Store, writes: &[&LiveWrite]) -> Vec<bool> {
        let mut tx = store.writer.begin().await.unwrap();
        let results = write_batch(&mut tx, store.backend, writes).await.unwrap();
        tx.commit().await.unwrap();
        results
    }

    async fn revision_and_logs(store: &Store, id: &str) -> (i64, i64) {
        let rev: i64 = sqlx::query_scalar("SELECT revision FROM checkpoints WHERE id = $1")
            .bind(id)
            .fetch_one(store.pool())
            .await
            .unwrap();
        let logs: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM board_log WHERE checkpoint_id = $1")
            .bind(id)
            .fetch_one(store.pool())
            .await
            .unwrap();
        (rev, logs)
    }

    /// In one batch, a change whose checkpoint moved on is refused alone: the
    /// others are written, and the refused one writes nothing.
    #[tokio::test]
    async fn a_stale_change_in_a_batch_is_refused_alone() {
        let (store, _dir) = sqlite_store().await;
        let [a, b] = two_checkpoints(&store).await;
        let (fresh, stale) = (note_write(&a, 2), note_write(&b, 5));
        let results = committed(&store, &[&fresh, &stale]).await;
        assert_eq!(results, [true, false]);
        assert_eq!(
            revision_and_logs(&store, &a).await,
            (2, 1),
            "the fresh change is written"
        );
        assert_eq!(
            revision_and_logs(&store, &b).await,
            (1, 0),
            "the stale one writes nothing"
        );
    }

    /// Two changes of one checkpoint in a batch are written in order, each on
    /// the revision the one before left.
    #[tokio::test]
    async fn changes_of_one_checkpoint_in_a_batch_keep_their_order() {
        let (store, _dir) = sqlite_store().await;
        let [a, b] = two_checkpoints(&store).await;
        let writes = [note_write(&a, 2), note_write(&a, 3), note_write(&b, 2)];
        let refs: Vec<&LiveWrite> = writes.iter().collect();
        let results = committed(&store, &refs).await;
        assert_eq!(results, [true, true, true]);
        assert_eq!(revision_and_logs(&store, &a).await, (3, 2));
        assert_eq!(revision_and_logs(&store, &b).await, (2, 1));
    }
}
