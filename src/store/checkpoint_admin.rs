//! Tidying checkpoints: removing a co-facilitator, and deleting a checkpoint
//! created by mistake.
//!
//! Decided here: a checkpoint with a finalised summary is never deleted (409
//! on `checkpoint`), whatever is confirmed; its summary is the record leaders
//! read, and the history would lose a point without a trace. Anything else is
//! deleted only with `confirm` set to the checkpoint's date as shown on its
//! page (422 on `confirm` otherwise), so a stray click or a replayed form
//! cannot delete it.

use sqlx::Row;

use super::{ServiceError, Store};
use crate::access::{may, Action};
use crate::accounts::CurrentUser;
use crate::checkpoints::CheckpointAdmin;
use crate::live::CheckpointStatus;
use crate::names::Username;

impl Store {
    /// The checkpoint as its tidying page shows it, to those who may remove a
    /// co-facilitator (those who run it, and admins); others are refused.
    pub async fn checkpoint_admin(
        &self,
        by: &CurrentUser,
        checkpoint_id: &str,
    ) -> Result<CheckpointAdmin, ServiceError> {
        if !may(&self.hats_of(by, checkpoint_id).await?, Action::AddCoFacilitator) {
            return Err(ServiceError::Forbidden);
        }
        let row = sqlx::query(
            "SELECT c.held_on, c.status, s.slug, s.name, u.username AS facilitator, \
             (SELECT COUNT(*) FROM summary_revisions r WHERE r.checkpoint_id = c.id) AS revisions \
             FROM checkpoints c JOIN squads s ON s.id = c.squad_id JOIN users u ON u.id = c.facilitator_id WHERE c.id = $1",
        )
        .bind(checkpoint_id)
        .fetch_optional(&self.pool)
        .await?
        .ok_or(ServiceError::NotFound("checkpoint"))?;
        let status: String = row.get("status");
        Ok(CheckpointAdmin {
            id: checkpoint_id.to_string(),
            squad_slug: row.get("slug"),
            squad_name: row.get("name"),
            held_on: row.get("held_on"),
            status: CheckpointStatus::parse(&status)
                .ok_or_else(|| ServiceError::Internal(format!("unknown status in database: {status}")))?,
            facilitator: row.get("facilitator"),
            co_facilitators: self.co_facilitators(checkpoint_id).await?,
            finalised: row.get::<i64, _>("revisions") > 0,
        })
    }

    /// Removes a co-facilitator: who may add one may remove one (those who run
    /// it, and admins). The checkpoint's own facilitator is not a
    /// co-facilitator and stays. The person stays a participant (their votes
    /// and notes are theirs), but no longer drives the session.
    pub async fn remove_co_facilitator(
        &self,
        by: &CurrentUser,
        checkpoint_id: &str,
        username: &str,
    ) -> Result<(), ServiceError> {
        if !may(&self.hats_of(by, checkpoint_id).await?, Action::AddCoFacilitator) {
            return Err(ServiceError::Forbidden);
        }
        let username = Username::parse(username)?;
        let mut tx = self.writer.begin().await?;
        let removed = sqlx::query(
            "DELETE FROM checkpoint_facilitators WHERE checkpoint_id = $1 AND user_id = (SELECT id FROM users WHERE username = $2)",
        )
        .bind(checkpoint_id)
        .bind(username.as_str())
        .execute(&mut *tx)
        .await?;
        if removed.rows_affected() == 0 {
            return Err(ServiceError::invalid(
                "username",
                format!("{:?} is not a co-facilitator of this checkpoint", username.as_str()),
            ));
        }
        self.bump_revision(&mut tx, checkpoint_id).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Deletes a checkpoint created by mistake, with everything recorded in it
    /// (participants, votes, ratings, the board, the survey, a draft summary).
    /// Those who run it and admins may ([`Action::WriteSummary`]'s hats: whoever
    /// may write its summary may discard it unwritten). Refused once a summary
    /// is finalised; `confirm` must be the checkpoint's date (see the module).
    pub async fn delete_checkpoint(
        &self,
        by: &CurrentUser,
        checkpoint_id: &str,
        confirm: &str,
    ) -> Result<(), ServiceError> {
        if !may(&self.hats_of(by, checkpoint_id).await?, Action::WriteSummary) {
            return Err(ServiceError::Forbidden);
        }
        let mut tx = self.writer.begin().await?;
        let held_on: Option<String> = sqlx::query_scalar("SELECT held_on FROM checkpoints WHERE id = $1")
            .bind(checkpoint_id)
            .fetch_optional(&mut *tx)
            .await?;
        let held_on = held_on.ok_or(ServiceError::NotFound("checkpoint"))?;
        let finalised: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM summary_revisions WHERE checkpoint_id = $1")
            .bind(checkpoint_id)
            .fetch_one(&mut *tx)
            .await?;
        if finalised > 0 {
            return Err(ServiceError::conflict(
                "checkpoint",
                "this checkpoint has a finalised summary, so it is kept: its summary and its place in the history are the squad's record",
            ));
        }
        if confirm.trim() != held_on {
            return Err(ServiceError::invalid(
                "confirm",
                format!("type the checkpoint's date, {held_on}, to confirm that it and everything recorded in it are deleted"),
            ));
        }
        // The tables that name a checkpoint delete their rows with it (ON DELETE
        // CASCADE); deleted explicitly too, so a database whose foreign keys
        // are off loses nothing but what it should.
        for table in [
            "votes",
            "ratings",
            "checkpoint_focus",
            "summary_drafts",
            "survey_responses",
            "survey_answered",
            "survey_sets",
            "participants",
            "checkpoint_facilitators",
        ] {
            sqlx::query(sqlx::AssertSqlSafe(format!(
                "DELETE FROM {table} WHERE checkpoint_id = $1"
            )))
            .bind(checkpoint_id)
            .execute(&mut *tx)
            .await?;
        }
        sqlx::query("DELETE FROM checkpoints WHERE id = $1")
            .bind(checkpoint_id)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(())
    }
}
