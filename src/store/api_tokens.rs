//! Per-squad API tokens: created by facilitators and admins (or the operator
//! at the CLI), stored as SHA-256, listed with their last use, revocable.

use sqlx::Row;

use super::secrets::{new_token, token_hash};
use super::{new_id, now_ms, ServiceError, Store};
use crate::access::{require_role, Action};
use crate::accounts::CurrentUser;
pub use crate::api_tokens::{ApiToken, NewApiToken, TOKEN_PREFIX};
use crate::names::DisplayName;

/// The squad a valid token acts for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TokenSquad {
    pub squad_id: String,
    pub slug: String,
}

/// Last use is recorded at most this often, so reads do not become writes.
const LAST_USE_RESOLUTION_MS: i64 = 60_000;

impl Store {
    /// A squad's id by its slug (404 when there is none).
    pub(super) async fn squad_id(&self, slug: &str) -> Result<String, ServiceError> {
        sqlx::query_scalar("SELECT id FROM squads WHERE slug = $1")
            .bind(slug)
            .fetch_optional(&self.pool)
            .await?
            .ok_or(ServiceError::NotFound("squad"))
    }

    /// `by` is the acting user; `None` means the operator at the CLI.
    pub async fn create_api_token(
        &self,
        by: Option<&CurrentUser>,
        squad: &str,
        name: &str,
    ) -> Result<NewApiToken, ServiceError> {
        require_role(by, Action::ManageSquads)?;
        let name = DisplayName::parse("name", name)?;
        let squad_id = self.squad_id(squad).await?;
        let secret = format!("{TOKEN_PREFIX}{}", new_token());
        let token = ApiToken {
            id: new_id(),
            name: name.as_str().to_string(),
            hint: secret[..TOKEN_PREFIX.len() + 6].to_string(),
            created_by: by.map_or_else(|| "command line".to_string(), |u| u.username.clone()),
            created_at: now_ms(),
            last_used_at: None,
            revoked_at: None,
        };
        sqlx::query("INSERT INTO api_tokens (id, squad_id, name, token_hash, hint, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)")
            .bind(&token.id)
            .bind(&squad_id)
            .bind(&token.name)
            .bind(token_hash(&secret))
            .bind(&token.hint)
            .bind(&token.created_by)
            .bind(token.created_at)
            .execute(&self.writer)
            .await?;
        Ok(NewApiToken { token, secret })
    }

    /// The squad's tokens, newest first, revoked ones included.
    pub async fn list_api_tokens(&self, by: &CurrentUser, squad: &str) -> Result<Vec<ApiToken>, ServiceError> {
        require_role(Some(by), Action::ManageSquads)?;
        let squad_id = self.squad_id(squad).await?;
        let rows = sqlx::query("SELECT id, name, hint, created_by, created_at, last_used_at, revoked_at FROM api_tokens WHERE squad_id = $1 ORDER BY created_at DESC")
            .bind(&squad_id)
            .fetch_all(&self.pool)
            .await?;
        Ok(rows
            .iter()
            .map(|r| ApiToken {
                id: r.get("id"),
                name: r.get("name"),
                hint: r.get("hint"),
                created_by: r.get("created_by"),
                created_at: r.get("created_at"),
                last_used_at: r.get("last_used_at"),
                revoked_at: r.get("revoked_at"),
            })
            .collect())
    }

    pub async fn revoke_api_token(&self, by: &CurrentUser, squad: &str, token_id: &str) -> Result<(), ServiceError> {
        require_role(Some(by), Action::ManageSquads)?;
        let squad_id = self.squad_id(squad).await?;
        let done =
            sqlx::query("UPDATE api_tokens SET revoked_at = $1 WHERE id = $2 AND squad_id = $3 AND revoked_at IS NULL")
                .bind(now_ms())
                .bind(token_id)
                .bind(&squad_id)
                .execute(&self.writer)
                .await?;
        if done.rows_affected() == 0 {
            return Err(ServiceError::NotFound("token"));
        }
        Ok(())
    }

    /// The squad events are imported into by a facilitator or admin (`None`: the CLI).
    pub async fn squad_for_events(&self, by: Option<&CurrentUser>, squad: &str) -> Result<TokenSquad, ServiceError> {
        require_role(by, Action::ManageSquads)?;
        let squad_id = self.squad_id(squad).await?;
        Ok(TokenSquad {
            squad_id,
            slug: squad.to_string(),
        })
    }

    /// The squad of a valid, unrevoked token, noting its use.
    pub async fn authenticate_token(&self, secret: &str) -> Result<Option<TokenSquad>, ServiceError> {
        if !secret.starts_with(TOKEN_PREFIX) {
            return Ok(None);
        }
        let row = sqlx::query(concat!(
            "SELECT t.id, t.last_used_at, s.id AS squad_id, s.slug FROM api_tokens t JOIN squads s ON s.id = t.squad_id ",
            // A token made by an account that is now deactivated stops with it
            // (and works again if the account is reactivated); one made at the
            // command line names no account.
            "LEFT JOIN users u ON u.username = t.created_by ",
            "WHERE t.token_hash = $1 AND t.revoked_at IS NULL AND u.deactivated_at IS NULL"
        ))
            .bind(token_hash(secret))
            .fetch_optional(&self.pool)
            .await?;
        let Some(row) = row else { return Ok(None) };
        let now = now_ms();
        let last: Option<i64> = row.get("last_used_at");
        if last.is_none_or(|l| now - l >= LAST_USE_RESOLUTION_MS) {
            let id: String = row.get("id");
            sqlx::query("UPDATE api_tokens SET last_used_at = $1 WHERE id = $2")
                .bind(now)
                .bind(id)
                .execute(&self.writer)
                .await?;
        }
        Ok(Some(TokenSquad {
            squad_id: row.get("squad_id"),
            slug: row.get("slug"),
        }))
    }
}
