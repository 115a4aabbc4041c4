//! Accounts as plain data: roles and what each may do. Shared by server and browser.

use serde::{Deserialize, Serialize};

use crate::error::FieldError;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    Admin,
    Facilitator,
    Viewer,
}

impl Role {
    pub const ALL: [Role; 3] = [Role::Admin, Role::Facilitator, Role::Viewer];

    pub fn id(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Facilitator => "facilitator",
            Role::Viewer => "viewer",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Role::Admin => "Admin",
            Role::Facilitator => "Facilitator",
            Role::Viewer => "Viewer",
        }
    }

    pub fn parse(raw: &str) -> Result<Role, FieldError> {
        Role::ALL.into_iter().find(|r| r.id() == raw).ok_or_else(|| {
            FieldError::new(
                "role",
                format!("unknown role {raw:?}; expected admin, facilitator or viewer"),
            )
        })
    }

    /// Facilitators and admins create and edit tribes, squads and checkpoints.
    pub fn can_manage_squads(self) -> bool {
        crate::access::allows(crate::access::Hat::of_role(self), crate::access::Action::ManageSquads)
    }

    pub fn can_manage_users(self) -> bool {
        crate::access::allows(crate::access::Hat::of_role(self), crate::access::Action::ManageUsers)
    }
}

/// The signed-in user, as the UI sees it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CurrentUser {
    pub id: String,
    pub username: String,
    pub role: Role,
}

/// An account as the admin page lists it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserRow {
    pub id: String,
    pub username: String,
    pub role: Role,
    /// Milliseconds since the Unix epoch, UTC.
    pub created_at: i64,
    /// Deactivated accounts cannot sign in; an admin may reactivate them.
    #[serde(default)]
    pub active: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_facilitators_and_admins_manage_squads_and_only_admins_manage_users() {
        assert!(Role::Admin.can_manage_squads() && Role::Facilitator.can_manage_squads());
        assert!(!Role::Viewer.can_manage_squads());
        assert!(Role::Admin.can_manage_users());
        assert!(!Role::Facilitator.can_manage_users() && !Role::Viewer.can_manage_users());
        assert_eq!(Role::parse("owner").unwrap_err().field, "role");
    }
}
