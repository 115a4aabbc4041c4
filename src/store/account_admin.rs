//! What a company expects of its accounts beyond signing in: changing one's
//! own password, an admin resetting someone's, and deactivating an account.
//! Every password is stored as an Argon2id hash; a reset's temporary password
//! is returned once to be shown once, and never stored readable.

use sqlx::Row;

use super::secrets::{hash_password, new_token, token_hash, verify_password};
use super::throttle::sign_in_key;
use super::{now_ms, ServiceError, Store};
use crate::access::{require_role, Action};
use crate::accounts::CurrentUser;
use crate::names::NewPassword;
use crate::security::Backoff;

/// 80 random bits as five groups of four hex digits: easy to read out, and
/// at least as long as [`NewPassword`] asks.
fn temporary_password() -> String {
    let hex = new_token();
    hex.as_bytes()[..20]
        .chunks(4)
        .map(|c| String::from_utf8_lossy(c).into_owned())
        .collect::<Vec<_>>()
        .join("-")
}

impl Store {
    /// Changes the signed-in user's own password, given the current one.
    /// Every other session of theirs ends (someone who learnt the old password
    /// is signed out); `this_session` (the caller's cookie) stays. A wrong
    /// current password counts as a failed sign-in from `client`.
    pub async fn change_password(
        &self,
        user: &CurrentUser,
        current: &str,
        new: &str,
        this_session: Option<&str>,
        client: &str,
    ) -> Result<(), ServiceError> {
        let new = NewPassword::parse(new).map_err(|e| ServiceError::invalid("new_password", e.message))?;
        let key = sign_in_key(client, &user.username);
        self.reserve_attempt(&[(&key, Backoff::SIGN_IN)]).await?;
        let hash: Option<String> =
            sqlx::query_scalar("SELECT password_hash FROM users WHERE id = $1 AND deactivated_at IS NULL")
                .bind(&user.id)
                .fetch_optional(&self.pool)
                .await?;
        let hash = hash.ok_or(ServiceError::Unauthenticated)?;
        if !verify_password(current, &hash).await {
            return Err(ServiceError::invalid(
                "current_password",
                "that is not your current password",
            ));
        }
        self.clear_attempts(&key).await?;
        let new_hash = hash_password(new.expose()).await?;
        let mut tx = self.writer.begin().await?;
        sqlx::query("UPDATE users SET password_hash = $1 WHERE id = $2")
            .bind(&new_hash)
            .bind(&user.id)
            .execute(&mut *tx)
            .await?;
        sqlx::query("DELETE FROM sessions WHERE user_id = $1 AND token_hash <> $2")
            .bind(&user.id)
            .bind(this_session.map(token_hash).unwrap_or_default())
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(())
    }

    /// An admin gives someone a new, temporary password (returned, to be shown
    /// once and passed on privately); all of that person's sessions end. They
    /// sign in with it and change it on their account page.
    pub async fn reset_password(&self, by: &CurrentUser, user_id: &str) -> Result<String, ServiceError> {
        require_role(Some(by), Action::ManageUsers)?;
        let password = temporary_password();
        let hash = hash_password(&password).await?;
        let mut tx = self.writer.begin().await?;
        let updated = sqlx::query("UPDATE users SET password_hash = $1 WHERE id = $2")
            .bind(&hash)
            .bind(user_id)
            .execute(&mut *tx)
            .await?;
        if updated.rows_affected() == 0 {
            return Err(ServiceError::NotFound("user"));
        }
        sqlx::query("DELETE FROM sessions WHERE user_id = $1")
            .bind(user_id)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(password)
    }

    /// Deactivates an account (`active = false`) or reactivates it. A
    /// deactivated account's sessions are deleted, it cannot sign in, and the
    /// API tokens it created are refused until it is reactivated. An admin
    /// cannot deactivate themselves, nor the last active admin (counted as
    /// [`Store::set_role`] counts, with the admins' rows locked first).
    pub async fn set_user_active(&self, by: &CurrentUser, user_id: &str, active: bool) -> Result<(), ServiceError> {
        require_role(Some(by), Action::ManageUsers)?;
        if !active && by.id == user_id {
            return Err(ServiceError::conflict(
                "active",
                "you cannot deactivate your own account; ask another admin",
            ));
        }
        let mut tx = self.writer.begin().await?;
        let admins = self.active_admins_locked(&mut tx).await?;
        let row = sqlx::query("SELECT role FROM users WHERE id = $1")
            .bind(user_id)
            .fetch_optional(&mut *tx)
            .await?
            .ok_or(ServiceError::NotFound("user"))?;
        let is_admin = row.get::<String, _>("role") == "admin";
        if !active && is_admin && admins.iter().all(|a| a == user_id) {
            return Err(ServiceError::conflict(
                "active",
                "this is the last active admin; make someone else admin first",
            ));
        }
        sqlx::query("UPDATE users SET deactivated_at = $1 WHERE id = $2")
            .bind((!active).then(now_ms))
            .bind(user_id)
            .execute(&mut *tx)
            .await?;
        if !active {
            sqlx::query("DELETE FROM sessions WHERE user_id = $1")
                .bind(user_id)
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_temporary_password_is_long_enough_and_fresh() {
        let (a, b) = (temporary_password(), temporary_password());
        assert_eq!(a.len(), 24);
        assert!(NewPassword::parse(&a).is_ok());
        assert_ne!(a, b);
    }
}
