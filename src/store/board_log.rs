//! The board's note changes on top of the stored document (`board::NoteLog`):
//! a move or an edit of one note writes that note, not the whole board.
//!
//! The rule that keeps the two consistent: every write of `checkpoints.doc`
//! holds the changes logged so far and deletes the checkpoint's log rows in
//! the same transaction ([`clear`]); every read of the document replays them
//! ([`stored_doc`]), reading the document and its log in one statement so
//! that both come from one snapshot on either database.

use sqlx::Row;

use super::{ServiceError, Tx};
use crate::dora::current::AnyEdition;
use crate::live::LiveDoc;

/// Note changes a live room logs before its next one writes the whole
/// document again: at 300 notes (about 45 KB) one document write per 128
/// changes, about 350 bytes of document a change on top of its own row.
pub const BOARD_LOG_LIMIT: usize = 128;

/// A checkpoint's document with its log replayed.
pub(super) struct StoredDoc {
    pub doc: LiveDoc,
    pub revision: i64,
    pub benchmark: AnyEdition,
    /// How many logged changes were replayed (the room's count towards [`BOARD_LOG_LIMIT`]).
    pub logged: usize,
}

/// Reads the document of checkpoint `id` and replays its logged note changes.
pub(super) async fn stored_doc<'e, E>(exec: E, id: &str) -> Result<Option<StoredDoc>, ServiceError>
where
    E: sqlx::Executor<'e, Database = sqlx::Any>,
{
    // The document row sorts first; log rows exist only beside it (foreign key).
    let rows = sqlx::query(
        "SELECT 0 AS k, doc AS body, revision, benchmark FROM checkpoints WHERE id = $1 \
         UNION ALL SELECT 1 AS k, entry AS body, revision, NULL AS benchmark FROM board_log WHERE checkpoint_id = $1 \
         ORDER BY k, revision",
    )
    .bind(id)
    .fetch_all(exec)
    .await?;
    let Some((first, logs)) = rows.split_first() else {
        return Ok(None);
    };
    let mut doc: LiveDoc = serde_json::from_str(first.get::<&str, _>("body"))
        .map_err(|e| ServiceError::Internal(format!("checkpoint doc: {e}")))?;
    for row in logs {
        let log: crate::board::NoteLog = serde_json::from_str(row.get::<&str, _>("body"))
            .map_err(|e| ServiceError::Internal(format!("board log: {e}")))?;
        doc.board.replay(&log);
    }
    Ok(Some(StoredDoc {
        doc,
        revision: first.get("revision"),
        benchmark: AnyEdition::stored(first.get::<&str, _>("benchmark")),
        logged: logs.len(),
    }))
}

/// Logs one note change as revision `revision` (its guarded bump is in the same transaction).
pub(super) async fn append(tx: &mut Tx<'_>, id: &str, revision: i64, entry: &str) -> Result<(), ServiceError> {
    sqlx::query("INSERT INTO board_log (checkpoint_id, revision, entry) VALUES ($1, $2, $3)")
        .bind(id)
        .bind(revision)
        .bind(entry)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// Forgets the log of a checkpoint whose document is being written with it.
pub(super) async fn clear(tx: &mut Tx<'_>, id: &str) -> Result<(), ServiceError> {
    sqlx::query("DELETE FROM board_log WHERE checkpoint_id = $1")
        .bind(id)
        .execute(&mut **tx)
        .await?;
    Ok(())
}
