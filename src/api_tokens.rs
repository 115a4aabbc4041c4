//! Per-squad API tokens as the UI lists them. The token itself is shown once,
//! when created; only its SHA-256 is stored.

use serde::{Deserialize, Serialize};

/// What every token starts with, so secret scanners and people recognise one.
pub const TOKEN_PREFIX: &str = "cpt_";

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiToken {
    pub id: String,
    pub name: String,
    /// The first characters of the token, to tell tokens apart.
    pub hint: String,
    pub created_by: String,
    pub created_at: i64,
    pub last_used_at: Option<i64>,
    pub revoked_at: Option<i64>,
}

/// A token just created: the only time its secret is available.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewApiToken {
    pub token: ApiToken,
    pub secret: String,
}
