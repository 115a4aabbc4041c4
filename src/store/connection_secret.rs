//! A connection's secret set from outside: PagerDuty makes the signing secret
//! of a webhook subscription itself and shows it once, after the subscription
//! (and so our hook URL) exists. The connection is created first, with a
//! generated secret nobody is shown, and PagerDuty's replaces it here.

use super::{ServiceError, Store};
use crate::access::{require_role, Action};
use crate::accounts::CurrentUser;
use crate::connections::ConnectionKind;

/// A tool's secret is this long, as `create_connection_with_secret` takes it.
const SECRET_LENGTH: std::ops::RangeInclusive<usize> = 16..=200;

pub(super) fn parse_secret(raw: &str) -> Result<&str, ServiceError> {
    let secret = raw.trim();
    if secret.is_empty() {
        return Err(ServiceError::invalid(
            "secret",
            "paste the signing secret the tool showed you",
        ));
    }
    if !SECRET_LENGTH.contains(&secret.len()) || secret.contains(char::is_whitespace) {
        return Err(ServiceError::invalid(
            "secret",
            "secret must be 16 to 200 characters without spaces (paste the tool's signing secret as shown)",
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
        let (hash, sealed) = self.kept_secret(kind, secret);
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
        assert_eq!(parse_secret("  abcdef0123456789\n").unwrap(), "abcdef0123456789");
        for bad in ["", "   ", "short", "two words and more", &"x".repeat(201)] {
            assert_eq!(parse_secret(bad).unwrap_err().field(), Some("secret"), "{bad:?}");
        }
    }
}
