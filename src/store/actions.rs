//! The review of actions at a checkpoint's welcome stage, and carrying them
//! over (the rules are in `crate::board::carry`). Reads the `actions` digest
//! column of the squad's checkpoints, never their whole documents.

use sha2::{Digest, Sha256};
use sqlx::Row;

use super::{ServiceError, Store, Tx};
use crate::access::Action as Allowed;
use crate::accounts::CurrentUser;
use crate::board::{copied_to, review, to_carry, Action, ActionStatus, CheckpointActions, ReviewItem};
use crate::dora::current::AnyEdition;
use crate::live::LiveDoc;

/// The id of the copy of `checkpoint_id`'s action `action_id`: made from the
/// origin, so carrying it twice finds the first copy.
fn carried_id(checkpoint_id: &str, action_id: &str) -> String {
    let hash = hex::encode(Sha256::digest(format!("{checkpoint_id}\n{action_id}").as_bytes()));
    format!("carried-{}", &hash[..32])
}

impl Store {
    /// The actions of every checkpoint of the squad, oldest first.
    async fn squad_actions(
        &self,
        conn: &mut sqlx::AnyConnection,
        squad_id: &str,
    ) -> Result<Vec<CheckpointActions>, ServiceError> {
        let rows = sqlx::query(
            "SELECT id, held_on, actions FROM checkpoints WHERE squad_id = $1 ORDER BY held_on, created_at, id",
        )
        .bind(squad_id)
        .fetch_all(&mut *conn)
        .await?;
        rows.iter()
            .map(|r| {
                let actions: Vec<Action> = serde_json::from_str(r.get("actions"))
                    .map_err(|e| ServiceError::Internal(format!("checkpoint actions: {e}")))?;
                Ok(CheckpointActions {
                    checkpoint_id: r.get("id"),
                    held_on: r.get("held_on"),
                    actions,
                })
            })
            .collect()
    }

    async fn squad_of(&self, conn: &mut sqlx::AnyConnection, checkpoint_id: &str) -> Result<String, ServiceError> {
        sqlx::query_scalar("SELECT squad_id FROM checkpoints WHERE id = $1")
            .bind(checkpoint_id)
            .fetch_optional(&mut *conn)
            .await?
            .ok_or(ServiceError::NotFound("checkpoint"))
    }

    /// The review at this checkpoint: every action of the squad's earlier
    /// checkpoints still open or waiting to be carried over, and those this
    /// review has set.
    pub async fn action_review(&self, checkpoint_id: &str) -> Result<Vec<ReviewItem>, ServiceError> {
        let mut conn = self.pool.acquire().await?;
        let squad = self.squad_of(&mut conn, checkpoint_id).await?;
        Ok(review(checkpoint_id, &self.squad_actions(&mut conn, &squad).await?))
    }

    /// The copies a new checkpoint `id` of the squad, held on `held_on`,
    /// starts with: every earlier action marked carried over and not yet copied.
    pub(super) async fn carried_into_new(
        &self,
        tx: &mut Tx<'_>,
        squad_id: &str,
        id: &str,
        held_on: &str,
    ) -> Result<Vec<Action>, ServiceError> {
        let mut squad = self.squad_actions(tx, squad_id).await?;
        // Created now, it comes after every checkpoint held on its day or before.
        let at = squad
            .iter()
            .position(|c| c.held_on.as_str() > held_on)
            .unwrap_or(squad.len());
        squad.insert(
            at,
            CheckpointActions {
                checkpoint_id: id.to_string(),
                held_on: held_on.to_string(),
                actions: Vec::new(),
            },
        );
        let mut board = crate::board::Board::default();
        for (from, action) in to_carry(id, &squad) {
            // A full board leaves the rest in the review, to carry by hand.
            if board
                .carry_in(action.carried_copy(from, carried_id(&from.checkpoint_id, &action.id)))
                .is_err()
            {
                break;
            }
        }
        Ok(board.actions)
    }

    /// Sets the status of action `action_id` of the squad's earlier checkpoint
    /// `from`, in the review at `checkpoint_id` (by those who may change its
    /// actions, in the role table). Carried over, it is copied into this checkpoint at once,
    /// in the same transaction, once however often it is asked. Returns the
    /// checkpoints whose rooms should reload.
    pub async fn review_action(
        &self,
        by: &CurrentUser,
        checkpoint_id: &str,
        from: &str,
        action_id: &str,
        status: &str,
    ) -> Result<Vec<String>, ServiceError> {
        self.authorise(by, checkpoint_id, Allowed::EditFlow).await?;
        let status = ActionStatus::parse(status)?;
        let mut tx = self.writer.begin().await?;
        let squad_id = self.squad_of(&mut tx, checkpoint_id).await?;
        let squad = self.squad_actions(&mut tx, &squad_id).await?;
        let here = squad
            .iter()
            .position(|c| c.checkpoint_id == checkpoint_id)
            .ok_or(ServiceError::NotFound("checkpoint"))?;
        let origin = squad[..here]
            .iter()
            .find(|c| c.checkpoint_id == from)
            .ok_or_else(|| ServiceError::invalid("from", "not an earlier checkpoint of this squad"))?;
        if !origin.actions.iter().any(|a| a.id == action_id) {
            return Err(ServiceError::invalid("action", "no such action in that checkpoint"));
        }
        if let Some(copy) = copied_to(&squad, from, action_id) {
            if status == ActionStatus::Carried {
                return Ok(Vec::new());
            }
            let when = squad
                .iter()
                .find(|c| c.checkpoint_id == copy)
                .map_or("", |c| c.held_on.as_str());
            return Err(ServiceError::conflict(
                "action",
                format!("this action was carried over to the checkpoint of {when}; change its copy there"),
            ));
        }

        let (mut doc, benchmark, revision) = self.doc_for_update(&mut tx, from).await?;
        let action = doc
            .board
            .actions
            .iter_mut()
            .find(|a| a.id == action_id)
            .ok_or_else(|| ServiceError::invalid("action", "no such action in that checkpoint"))?;
        action.status = status;
        action.reviewed_in = Some(checkpoint_id.to_string());
        let copy = action.carried_copy(origin, carried_id(from, action_id));
        // Guarded by the revision read above, like every live write: a change
        // committed in between makes this a refusal to retry, never a lost write.
        if !self.write_doc(&mut tx, from, &doc, benchmark, revision).await? {
            return Err(ServiceError::conflict(
                "action",
                "that checkpoint changed at the same moment; try again",
            ));
        }
        self.bump_revision(&mut tx, from).await?;
        let mut changed = vec![from.to_string()];
        if status == ActionStatus::Carried {
            let (mut doc, benchmark, revision) = self.doc_for_update(&mut tx, checkpoint_id).await?;
            if doc.board.carry_in(copy)? {
                if !self
                    .write_doc(&mut tx, checkpoint_id, &doc, benchmark, revision)
                    .await?
                {
                    return Err(ServiceError::conflict(
                        "action",
                        "this checkpoint changed at the same moment; try again",
                    ));
                }
                self.bump_revision(&mut tx, checkpoint_id).await?;
                changed.push(checkpoint_id.to_string());
            }
        }
        tx.commit().await?;
        Ok(changed)
    }

    async fn doc_for_update(
        &self,
        tx: &mut Tx<'_>,
        checkpoint_id: &str,
    ) -> Result<(LiveDoc, AnyEdition, i64), ServiceError> {
        let stored = super::board_log::stored_doc(&mut **tx, checkpoint_id)
            .await?
            .ok_or(ServiceError::NotFound("checkpoint"))?;
        Ok((stored.doc, stored.benchmark, stored.revision))
    }
}
