//! The squad's proposals for the focus: anyone taking part proposes (or
//! withdraws) a catalog capability from their own screen; the facilitator
//! sees who proposed what and alone adds to the focus and confirms it.

use super::capabilities::{parse_focus, CapabilitiesDoc, MAX_FOCUS};
use crate::error::FieldError;

/// `participant` proposes `capability` (`on`) or withdraws their proposal.
/// Each person proposes at most [`MAX_FOCUS`]; nothing changes once the focus
/// is confirmed.
pub fn propose(doc: &mut CapabilitiesDoc, participant: &str, capability: &str, on: bool) -> Result<(), FieldError> {
    if doc.focus_confirmed {
        return Err(FieldError::new(
            "focus",
            "the focus is confirmed; ask the facilitator to reopen it",
        ));
    }
    let key = parse_focus(&[capability.to_string()])?
        .pop()
        .ok_or_else(|| FieldError::new("focus", "choose a capability to propose"))?;
    let mine = |doc: &CapabilitiesDoc, key: &str| {
        doc.proposals
            .get(key)
            .is_some_and(|w| w.iter().any(|p| p == participant))
    };
    if on {
        if mine(doc, &key) {
            return Ok(());
        }
        let count = doc
            .proposals
            .values()
            .filter(|w| w.iter().any(|p| p == participant))
            .count();
        if count >= MAX_FOCUS {
            return Err(FieldError::new(
                "focus",
                format!("propose at most {MAX_FOCUS} capabilities; withdraw one first"),
            ));
        }
        doc.proposals.entry(key).or_default().push(participant.to_string());
    } else {
        if !mine(doc, &key) {
            return Err(FieldError::new("focus", "you have not proposed that capability"));
        }
        let who = doc.proposals.get_mut(&key).expect("proposed");
        who.retain(|p| p != participant);
        if who.is_empty() {
            doc.proposals.remove(&key);
        }
    }
    Ok(())
}

/// The capabilities `participant` proposed, in catalog-key order.
pub fn proposed_by(doc: &CapabilitiesDoc, participant: &str) -> Vec<String> {
    doc.proposals
        .iter()
        .filter(|(_, who)| who.iter().any(|p| p == participant))
        .map(|(k, _)| k.clone())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn people_propose_up_to_three_withdraw_their_own_and_stop_once_confirmed() {
        let mut doc = CapabilitiesDoc::default();
        propose(&mut doc, "ana", "trunk_based", true).unwrap();
        propose(&mut doc, "ben", "trunk_based", true).unwrap();
        propose(&mut doc, "ana", "trunk_based", true).unwrap();
        assert_eq!(doc.proposals["trunk_based"], ["ana", "ben"], "once per person");
        assert_eq!(propose(&mut doc, "ana", "warp_drive", true).unwrap_err().field, "focus");
        propose(&mut doc, "ana", "continuous_integration", true).unwrap();
        propose(&mut doc, "ana", "deployment_automation", true).unwrap();
        let fourth = propose(&mut doc, "ana", "loosely_coupled_architecture", true).unwrap_err();
        assert!(fourth.message.contains("at most 3"), "{fourth}");
        assert!(propose(&mut doc, "cy", "trunk_based", false).is_err(), "only one's own");
        propose(&mut doc, "ben", "trunk_based", false).unwrap();
        assert_eq!(doc.proposals["trunk_based"], ["ana"]);
        assert_eq!(proposed_by(&doc, "ana").len(), 3);
        doc.focus_confirmed = true;
        let before = doc.clone();
        assert!(propose(&mut doc, "ben", "continuous_integration", true).is_err());
        assert_eq!(doc, before, "a refused proposal changes nothing");
    }
}
