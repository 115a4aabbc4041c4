//! Names people type: participant, squad and tribe names, action owners,
//! usernames. Parsed once at the boundary: Unicode NFC, whitespace collapsed,
//! control and invisible formatting characters refused (a right-to-left
//! override or a zero-width space would let two names look alike, or reorder
//! the text around them).

use serde::{Deserialize, Serialize};
use unicode_normalization::UnicodeNormalization;
use unicode_properties::{GeneralCategory, UnicodeGeneralCategory};

use crate::error::FieldError;

/// Characters that draw nothing yet are not formatting characters (Cf):
/// the combining grapheme joiner and the Hangul fillers.
const INVISIBLE: [char; 5] = ['\u{34F}', '\u{115F}', '\u{1160}', '\u{3164}', '\u{FFA0}'];

/// A name as typed, made canonical: NFC, trimmed, runs of whitespace (tabs
/// and newlines too) made one space. Refuses, naming `field`, control
/// characters and invisible formatting characters: general category Cf (bidi
/// overrides, embeddings, isolates and marks, zero-width spaces and joiners,
/// the word joiner, the byte order mark, the soft hyphen, ...) and a few other
/// invisible ones. Emptiness and length are the caller's rules.
pub fn normalise(field: &str, raw: &str) -> Result<String, FieldError> {
    let nfc: String = raw.nfc().collect();
    for c in nfc.chars() {
        if c.is_control() && !c.is_whitespace() {
            return Err(FieldError::new(
                field,
                format!("{field} must not contain control characters (found U+{:04X})", c as u32),
            ));
        }
        if c.general_category() == GeneralCategory::Format || INVISIBLE.contains(&c) {
            return Err(FieldError::new(
                field,
                format!(
                    "{field} must not contain invisible or text-direction characters (found U+{:04X})",
                    c as u32
                ),
            ));
        }
    }
    Ok(nfc.split_whitespace().collect::<Vec<_>>().join(" "))
}

/// The form two names are compared in: normalised as [`normalise`] does
/// (without refusing anything), then case-folded, so "ANA", "ana" and a
/// decomposed "Aná" against a composed one compare equal.
pub fn fold(name: &str) -> String {
    let nfc: String = name.nfc().collect();
    let spaced = nfc.split_whitespace().collect::<Vec<_>>().join(" ");
    // Upper then lower folds more than lowercase alone ("Straße" ~ "STRASSE").
    spaced.to_uppercase().to_lowercase().nfc().collect()
}

/// A display name of 1..=80 characters, normalised by [`normalise`].
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DisplayName(String);

/// How the refusal of a participant name someone in the checkpoint already
/// has begins: the join page recognises it and asks "Are you Ana?".
pub const NAME_TAKEN: &str = "someone in this checkpoint is already called";

impl DisplayName {
    pub fn parse(field: &str, raw: &str) -> Result<DisplayName, FieldError> {
        let name = normalise(field, raw)?;
        if name.is_empty() {
            return Err(FieldError::new(field, format!("{field} must not be empty")));
        }
        if name.chars().count() > 80 {
            return Err(FieldError::new(field, format!("{field} must be at most 80 characters")));
        }
        Ok(DisplayName(name))
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
    pub fn into_string(self) -> String {
        self.0
    }
    /// Whether `other` (say, a name already stored) is this name, ignoring
    /// case and Unicode normalisation.
    pub fn same_as(&self, other: &str) -> bool {
        fold(&self.0) == fold(other)
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
        if slug.is_empty() {
            "squad".to_string()
        } else {
            slug
        }
    }
}

/// A username: 3..=40 characters of lowercase letters, digits, `.`, `_` or `-`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Username(String);

impl Username {
    pub fn parse(raw: &str) -> Result<Username, FieldError> {
        let name = normalise("username", raw)?.to_lowercase();
        let ok_len = (3..=40).contains(&name.chars().count());
        let ok_chars = name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || "._-".contains(c));
        if !ok_len || !ok_chars {
            return Err(FieldError::new(
                "username",
                "username must be 3 to 40 characters: letters, digits, '.', '_' or '-'",
            ));
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
        assert_eq!(
            DisplayName::parse("name", "Team Rocket — Payments!").unwrap().slug(),
            "team-rocket-payments"
        );
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
        assert_eq!(
            format!("{:?}", NewPassword::parse("long enough pw").unwrap()),
            "NewPassword(***)"
        );
    }

    #[test]
    fn names_are_nfc_so_a_decomposed_accent_equals_the_composed_one() {
        let composed = DisplayName::parse("name", "Jos\u{E9}").unwrap();
        let decomposed = DisplayName::parse("name", "Jose\u{301}").unwrap();
        assert_eq!(decomposed, composed);
        assert_eq!(decomposed.as_str(), "Jos\u{E9}");
        assert_eq!(
            DisplayName::parse("tribe", "Caf\u{E9}").unwrap(),
            DisplayName::parse("tribe", "Cafe\u{301}").unwrap()
        );
    }

    #[test]
    fn internal_whitespace_collapses() {
        assert_eq!(
            DisplayName::parse("name", " Ana \t  Maria\nLopez ").unwrap().as_str(),
            "Ana Maria Lopez"
        );
    }

    #[test]
    fn invisible_direction_and_control_characters_are_refused_naming_the_field() {
        for (field, raw) in [
            ("name", "Ana\u{202E}cod.exe"), // right-to-left override
            ("tribe", "Pay\u{200B}ments"),  // zero-width space
            ("name", "a\u{7}b"),            // control character (bell)
            ("owner", "Bo\u{0}"),
            ("name", "\u{2066}Ana\u{2069}"),
            ("name", "Ana\u{200F}"),
            ("name", "A\u{200D}na"),
            ("name", "\u{FEFF}Ana"),
            ("name", "An\u{AD}a"),
            ("name", "Ana\u{2060}"),
            ("name", "Ana\u{E0001}"), // a language tag: Cf
        ] {
            let err = DisplayName::parse(field, raw).unwrap_err();
            assert_eq!(err.field, field, "{raw:?}");
            assert!(
                err.message.starts_with(field) && err.message.contains("must not contain"),
                "{raw:?}: {}",
                err.message
            );
        }
        assert!(DisplayName::parse("name", "Ana\u{202E}")
            .unwrap_err()
            .message
            .contains("U+202E"));
        assert_eq!(Username::parse("ana\u{200B}").unwrap_err().field, "username");
        // Letters of any script are fine, and so are emoji with variation selectors.
        for ok in [
            "\u{645}\u{62D}\u{645}\u{62F}",
            "\u{5E9}\u{5E8}\u{5D4}",
            "Zoë",
            "\u{2764}\u{FE0F} team",
            "李小龍",
        ] {
            assert!(DisplayName::parse("name", ok).is_ok(), "{ok:?}");
        }
    }

    #[test]
    fn names_compare_ignoring_case_and_normalisation() {
        let ana = DisplayName::parse("name", "Jos\u{E9}").unwrap();
        assert!(ana.same_as("JOSE\u{301}"));
        assert!(ana.same_as("jos\u{E9}"));
        assert!(!ana.same_as("Jose"));
        assert!(DisplayName::parse("name", "Stra\u{DF}e").unwrap().same_as("STRASSE"));
    }
}
