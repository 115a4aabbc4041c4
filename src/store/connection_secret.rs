//! A connection's secret set from outside: PagerDuty makes the signing secret
//! of a webhook subscription itself and shows it once, after the subscription
//! (and so our hook URL) exists. The connection is created first, with a
//! generated secret nobody is shown, and PagerDuty's replaces it here.

use super::secrets::token_hash;
use super::{ServiceError, Store};
use crate::access::{require_role, Action};
use crate::accounts::CurrentUser;
use crate::connections::ConnectionKind;

/// A tool's secret is at most this long (PagerDuty's are 64 characters).
const MAX_SECRET: usize = 200;

fn parse_secret(raw: &str) -> Result<&str, ServiceError> {
    let secret = raw.trim();
    if secret.is_empty() {
        return Err(ServiceError::invalid(
            "secret",
            "paste the signing secret the tool showed you",
        ));
    }
    if secret.chars().count() > MAX_SECRET || secret.contains(char::is_whitespace) {
        return Err(ServiceError::invalid(
            "secret",
            format!("a signing secret is one word of at most {MAX_SECRET} characters"),
        ));
    }
    Ok(secret)
}

impl Store {
    /// Replaces the secret a live connection of the squad verifies deliveries
    /// with. `by` is the acting user; `None` means the operator at the CLI.
    pub async fn set_connection_secret(
        &self,
        by: Option<&CurrentUser>,
        squad: &str,
        connection_id: &str,
        secret: &str,
    ) -> Result<(), ServiceError> {
        require_role(by, Action::ManageConnections)?;
        let secret = parse_secret(secret)?;
        let kind: Option<String> = sqlx::query_scalar(
            "SELECT c.kind FROM connections c JOIN squads s ON s.id = c.squad_id \
             WHERE c.id = $1 AND s.slug = $2 AND c.revoked_at IS NULL",
        )
        .bind(connection_id)
        .bind(squad)
        .fetch_optional(&self.pool)
        .await?;
        let kind = kind
            .and_then(|k| ConnectionKind::parse("kind", &k).ok())
            .ok_or(ServiceError::NotFound("connection"))?;
        // Kept as `create_connection` keeps it: sealed when the hook must sign with it, else hashed.
        let (hash, sealed) = if kind.signs_with_secret() {
            (None, Some(self.sealing.seal(secret)))
        } else {
            (Some(token_hash(secret)), None)
        };
        let done = sqlx::query(
            "UPDATE connections SET secret_hash = $1, secret_sealed = $2 WHERE id = $3 AND revoked_at IS NULL",
        )
        .bind(hash)
        .bind(sealed)
        .bind(connection_id)
        .execute(&self.writer)
        .await?;
        if done.rows_affected() == 0 {
            return Err(ServiceError::NotFound("connection"));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::parse_secret;

    #[test]
    fn a_pasted_secret_is_trimmed_and_must_be_one_word() {
        assert_eq!(parse_secret("  abc123\n").unwrap(), "abc123");
        for bad in ["", "   ", "two words", &"x".repeat(201)] {
            assert_eq!(parse_secret(bad).unwrap_err().field(), Some("secret"), "{bad:?}");
        }
    }
}
