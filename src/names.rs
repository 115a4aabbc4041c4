//! Names people type: squad and tribe names, usernames. Parsed once at the boundary.

use serde::{Deserialize, Serialize};

use crate::dora::FieldError;

/// A trimmed display name of 1..=80 characters with no control characters.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DisplayName(String);

impl DisplayName {
    pub fn parse(field: &str, raw: &str) -> Result<DisplayName, FieldError> {
        let trimmed = raw.trim();
        if trimmed.is_empty() {
            return Err(FieldError::new(field, format!("{field} must not be empty")));
        }
        if trimmed.chars().count() > 80 {
            return Err(FieldError::new(field, format!("{field} must be at most 80 characters")));
        }
        if trimmed.chars().any(char::is_control) {
            return Err(FieldError::new(field, format!("{field} must not contain control characters")));
        }
        Ok(DisplayName(trimmed.to_string()))
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
    /// URL-safe identifier: lowercase ASCII letters and digits joined by dashes.
    pub fn slug(&self) -> String {
        let mut slug = String::new();
        for c in self.0.chars().flat_map(char::to_lowercase) {
            if c.is_ascii_alphanumeric() {
                slug.push(c);
            } else if !slug.is_empty() && !slug.ends_with('-') {
                slug.push('-');
            }
        }
        let slug = slug.trim_end_matches('-').to_string();
        if slug.is_empty() { "squad".to_string() } else { slug }
    }
}

/// A username: 3..=40 characters of lowercase letters, digits, `.`, `_` or `-`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Username(String);

impl Username {
    pub fn parse(raw: &str) -> Result<Username, FieldError> {
        let name = raw.trim().to_lowercase();
        let ok_len = (3..=40).contains(&name.chars().count());
        let ok_chars = name.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || "._-".contains(c));
        if !ok_len || !ok_chars {
            return Err(FieldError::new("username", "username must be 3 to 40 characters: letters, digits, '.', '_' or '-'"));
        }
        Ok(Username(name))
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A new password: at least 10 characters, at most 200.
#[derive(Clone)]
pub struct NewPassword(String);

impl NewPassword {
    pub fn parse(raw: &str) -> Result<NewPassword, FieldError> {
        let n = raw.chars().count();
        if n < 10 {
            return Err(FieldError::new("password", "password must be at least 10 characters"));
        }
        if n > 200 {
            return Err(FieldError::new("password", "password must be at most 200 characters"));
        }
        Ok(NewPassword(raw.to_string()))
    }
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for NewPassword {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("NewPassword(***)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_names_are_trimmed_and_bounded() {
        assert_eq!(DisplayName::parse("name", "  Payments  ").unwrap().as_str(), "Payments");
        assert_eq!(DisplayName::parse("name", "   ").unwrap_err().field, "name");
        assert!(DisplayName::parse("tribe", &"x".repeat(81)).is_err());
        assert!(DisplayName::parse("name", "a\u{7}b").is_err());
    }

    #[test]
    fn slugs_are_url_safe() {
        assert_eq!(DisplayName::parse("name", "Team Rocket — Payments!").unwrap().slug(), "team-rocket-payments");
        assert_eq!(DisplayName::parse("name", "Ünïcode").unwrap().slug(), "n-code");
        assert_eq!(DisplayName::parse("name", "!!!").unwrap().slug(), "squad");
    }

    #[test]
    fn usernames_and_passwords() {
        assert_eq!(Username::parse(" Alice ").unwrap().as_str(), "alice");
        assert!(Username::parse("a b").is_err());
        assert!(Username::parse("ab").is_err());
        assert_eq!(NewPassword::parse("short").unwrap_err().field, "password");
        assert!(NewPassword::parse("long enough pw").is_ok());
        assert_eq!(format!("{:?}", NewPassword::parse("long enough pw").unwrap()), "NewPassword(***)");
    }
}
