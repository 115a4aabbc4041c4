//! Accounts, sessions, sign-in with rate limiting, and first-admin setup.

use sqlx::Row;

use super::secrets::{dummy_hash, hash_password, new_token, token_hash, verify_password};
use super::throttle::{sign_in_address_key, sign_in_key};
use super::{new_id, now_ms, Backend, ServiceError, Store};
use crate::accounts::{CurrentUser, Role};
use crate::names::{NewPassword, Username};
use crate::security::Backoff;

pub const SESSION_DAYS: i64 = 14;

pub use crate::accounts::UserRow;

/// A fresh session: the cookie value (only its hash is stored) and when it ends.
pub struct NewSession {
    pub token: String,
    pub expires_at_ms: i64,
    pub user: CurrentUser,
}

fn role_of(raw: &str) -> Result<Role, ServiceError> {
    Role::parse(raw).map_err(|_| ServiceError::Internal(format!("unknown role in database: {raw}")))
}

impl Store {
    /// The active admins' ids, their rows locked first on PostgreSQL: of two
    /// changes that each might remove the last admin, the second waits, then
    /// counts without the first one's admin. (SQLite's writes run one
    /// transaction at a time on the writer.)
    pub(super) async fn active_admins_locked(&self, tx: &mut super::Tx<'_>) -> Result<Vec<String>, ServiceError> {
        let lock = if self.backend == Backend::Postgres {
            " FOR UPDATE"
        } else {
            ""
        };
        Ok(sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
            "SELECT id FROM users WHERE role = 'admin' AND deactivated_at IS NULL ORDER BY id{lock}"
        )))
        .fetch_all(&mut **tx)
        .await?)
    }

    pub async fn admin_exists(&self) -> Result<bool, ServiceError> {
        let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM users WHERE role = 'admin'")
            .fetch_one(&self.pool)
            .await?;
        Ok(n > 0)
    }

    /// Creates an account. `by` is the acting user; `None` means the operator at the CLI.
    pub async fn create_user(
        &self,
        by: Option<&CurrentUser>,
        username: &str,
        password: &str,
        role: Role,
    ) -> Result<UserRow, ServiceError> {
        if let Some(actor) = by {
            if !actor.role.can_manage_users() {
                return Err(ServiceError::Forbidden);
            }
        }
        let username = Username::parse(username)?;
        let password = NewPassword::parse(password)?;
        let hash = hash_password(password.expose()).await?;
        self.insert_user(&mut *self.writer.acquire().await?, &username, &hash, role)
            .await
    }

    async fn insert_user(
        &self,
        conn: &mut sqlx::AnyConnection,
        username: &Username,
        hash: &str,
        role: Role,
    ) -> Result<UserRow, ServiceError> {
        let row = UserRow {
            id: new_id(),
            username: username.as_str().to_string(),
            role,
            created_at: now_ms(),
            active: true,
        };
        let inserted = sqlx::query("INSERT INTO users (id, username, password_hash, role, created_at) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (username) DO NOTHING")
            .bind(&row.id)
            .bind(&row.username)
            .bind(hash)
            .bind(role.id())
            .bind(row.created_at)
            .execute(&mut *conn)
            .await?;
        if inserted.rows_affected() == 0 {
            return Err(ServiceError::conflict(
                "username",
                format!("the username {:?} is taken", row.username),
            ));
        }
        Ok(row)
    }

    pub async fn list_users(&self, by: &CurrentUser) -> Result<Vec<UserRow>, ServiceError> {
        if !by.role.can_manage_users() {
            return Err(ServiceError::Forbidden);
        }
        let rows = sqlx::query("SELECT id, username, role, created_at, deactivated_at FROM users ORDER BY username")
            .fetch_all(&self.pool)
            .await?;
        rows.iter()
            .map(|r| {
                Ok(UserRow {
                    id: r.get("id"),
                    username: r.get("username"),
                    role: role_of(r.get("role"))?,
                    created_at: r.get("created_at"),
                    active: r.get::<Option<i64>, _>("deactivated_at").is_none(),
                })
            })
            .collect()
    }

    /// Changes a role; the last admin cannot be demoted, so the app is never left without one.
    pub async fn set_role(&self, by: &CurrentUser, user_id: &str, role: Role) -> Result<(), ServiceError> {
        if !by.role.can_manage_users() {
            return Err(ServiceError::Forbidden);
        }
        let mut tx = self.writer.begin().await?;
        let admins = self.active_admins_locked(&mut tx).await?;
        let current: Option<String> = sqlx::query_scalar("SELECT role FROM users WHERE id = $1")
            .bind(user_id)
            .fetch_optional(&mut *tx)
            .await?;
        let current = role_of(&current.ok_or(ServiceError::NotFound("user"))?)?;
        if current == Role::Admin && role != Role::Admin && admins.iter().all(|a| a == user_id) {
            return Err(ServiceError::conflict(
                "role",
                "this is the last admin; make someone else admin first",
            ));
        }
        sqlx::query("UPDATE users SET role = $1 WHERE id = $2")
            .bind(role.id())
            .bind(user_id)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Checks a password. Failures slow further attempts at that username from
    /// that client address ([`Backoff::SIGN_IN`]) and, more gently, any attempt
    /// from that address ([`Backoff::ADDRESS`]); a right password from another
    /// address is never held up by someone else's failures. `client` is the
    /// address key ([`crate::security::client_key`]). The attempt is counted
    /// before the hash is checked, so parallel guesses wait their turn too.
    pub async fn sign_in(&self, username: &str, password: &str, client: &str) -> Result<NewSession, ServiceError> {
        let username = username.trim().to_lowercase();
        let pair_key = sign_in_key(client, &username);
        let address_key = sign_in_address_key(client);
        self.reserve_attempt(&[(&pair_key, Backoff::SIGN_IN), (&address_key, Backoff::ADDRESS)])
            .await?;
        let row =
            sqlx::query("SELECT id, username, password_hash, role, deactivated_at FROM users WHERE username = $1")
                .bind(&username)
                .fetch_optional(&self.pool)
                .await?;
        // Why: verify against a dummy hash when the user is unknown, so timing does not reveal which usernames exist.
        let hash: String = match &row {
            Some(r) => r.get("password_hash"),
            None => dummy_hash().await?.to_string(),
        };
        let ok = verify_password(password, &hash).await && row.is_some();
        let Some(row) = row.filter(|_| ok) else {
            // The reserved attempt stands as the failure.
            return Err(ServiceError::invalid("password", "wrong username or password"));
        };
        self.clear_attempts(&pair_key).await?;
        self.release_attempt(&address_key, Backoff::ADDRESS).await?;
        // Said only to someone who knows the password, so it reveals nothing
        // a guesser could use.
        if row.get::<Option<i64>, _>("deactivated_at").is_some() {
            return Err(ServiceError::invalid(
                "username",
                "this account is deactivated; ask an admin to reactivate it",
            ));
        }
        let user = CurrentUser {
            id: row.get("id"),
            username: row.get("username"),
            role: role_of(row.get("role"))?,
        };
        self.start_session(user).await
    }

    async fn start_session(&self, user: CurrentUser) -> Result<NewSession, ServiceError> {
        let token = new_token();
        let now = now_ms();
        let expires_at_ms = now + SESSION_DAYS * 24 * 3600 * 1000;
        sqlx::query("INSERT INTO sessions (token_hash, user_id, created_at, expires_at) VALUES ($1, $2, $3, $4)")
            .bind(token_hash(&token))
            .bind(&user.id)
            .bind(now)
            .bind(expires_at_ms)
            .execute(&self.writer)
            .await?;
        Ok(NewSession {
            token,
            expires_at_ms,
            user,
        })
    }

    /// The user behind a session cookie, if the session is live.
    pub async fn session_user(&self, token: &str) -> Result<Option<CurrentUser>, ServiceError> {
        let row = sqlx::query("SELECT u.id, u.username, u.role FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.token_hash = $1 AND s.expires_at > $2 AND u.deactivated_at IS NULL")
            .bind(token_hash(token))
            .bind(now_ms())
            .fetch_optional(&self.pool)
            .await?;
        row.map(|r| {
            Ok(CurrentUser {
                id: r.get("id"),
                username: r.get("username"),
                role: role_of(r.get("role"))?,
            })
        })
        .transpose()
    }

    pub async fn sign_out(&self, token: &str) -> Result<(), ServiceError> {
        sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
            .bind(token_hash(token))
            .execute(&self.writer)
            .await?;
        Ok(())
    }

    /// While no admin exists, issues a fresh one-time setup token (replacing any
    /// earlier one) for the caller to print. `None` once an admin exists.
    pub async fn issue_setup_token(&self) -> Result<Option<String>, ServiceError> {
        if self.admin_exists().await? {
            sqlx::query("DELETE FROM setup_tokens").execute(&self.writer).await?;
            return Ok(None);
        }
        let token = new_token()[..24].to_string();
        let mut tx = self.writer.begin().await?;
        sqlx::query("DELETE FROM setup_tokens").execute(&mut *tx).await?;
        sqlx::query("INSERT INTO setup_tokens (token_hash, created_at) VALUES ($1, $2)")
            .bind(token_hash(&token))
            .bind(now_ms())
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(Some(token))
    }

    /// Redeems the setup token: creates the first admin and signs them in.
    pub async fn complete_setup(
        &self,
        token: &str,
        username: &str,
        password: &str,
    ) -> Result<NewSession, ServiceError> {
        let username = Username::parse(username)?;
        let password = NewPassword::parse(password)?;
        let hash = hash_password(password.expose()).await?;
        let mut tx = self.writer.begin().await?;
        let known: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM setup_tokens WHERE token_hash = $1")
            .bind(token_hash(token.trim()))
            .fetch_one(&mut *tx)
            .await?;
        if known == 0 {
            return Err(ServiceError::invalid(
                "token",
                "that setup token is not valid (it is printed in the server log at start; an admin may already exist)",
            ));
        }
        let admins: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM users WHERE role = 'admin'")
            .fetch_one(&mut *tx)
            .await?;
        if admins > 0 {
            return Err(ServiceError::conflict(
                "token",
                "setup is already complete; sign in instead",
            ));
        }
        let user = self.insert_user(&mut tx, &username, &hash, Role::Admin).await?;
        sqlx::query("DELETE FROM setup_tokens").execute(&mut *tx).await?;
        tx.commit().await?;
        self.start_session(CurrentUser {
            id: user.id,
            username: user.username,
            role: Role::Admin,
        })
        .await
    }
}
