//! Carrying actions over. An action still wanted at the squad's next
//! checkpoint is copied into that checkpoint's board, open, with a link to the
//! action it copies; the copy is what moves on from then. The review at a
//! checkpoint's welcome stage lists every action of the squad's earlier
//! checkpoints that is still open or waits to be carried, each once.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use super::actions::{Action, ActionOrigin, ActionStatus, MAX_ACTIONS};
use super::{invalid, Board, BoardError};

/// One checkpoint's actions, as the review reads them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CheckpointActions {
    pub checkpoint_id: String,
    pub held_on: String,
    pub actions: Vec<Action>,
}

/// An action of an earlier checkpoint, in the review at a later one.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReviewItem {
    /// The checkpoint that holds the action, and when it was held.
    pub checkpoint_id: String,
    pub held_on: String,
    pub action: Action,
    /// The checkpoint its copy is in, once carried over: the copy is reviewed from then on.
    pub copied_to: Option<String>,
}

/// Where each carried action's copy is: (checkpoint, action) copied → the checkpoint holding the copy.
fn copies(squad: &[CheckpointActions]) -> HashMap<(&str, &str), &str> {
    let mut out = HashMap::new();
    for c in squad {
        for a in &c.actions {
            if let Some(o) = a.carried_from.last() {
                out.insert(
                    (o.checkpoint_id.as_str(), o.action_id.as_str()),
                    c.checkpoint_id.as_str(),
                );
            }
        }
    }
    out
}

/// The checkpoint that holds the copy of `checkpoint`'s action `action`, if it was carried over.
pub fn copied_to<'a>(squad: &'a [CheckpointActions], checkpoint: &str, action: &str) -> Option<&'a str> {
    copies(squad).get(&(checkpoint, action)).copied()
}

/// The checkpoints before `current` in `squad` (the squad's, oldest first).
fn before<'a>(current: &str, squad: &'a [CheckpointActions]) -> &'a [CheckpointActions] {
    squad
        .iter()
        .position(|c| c.checkpoint_id == current)
        .map_or(&[], |i| &squad[..i])
}

/// The review at `current`: of the squad's checkpoints before it, every
/// action that is open or carried over but not yet copied, and those whose
/// status this review set; newest checkpoint first, in board order within one.
pub fn review(current: &str, squad: &[CheckpointActions]) -> Vec<ReviewItem> {
    let copied = copies(squad);
    let mut out = Vec::new();
    for c in before(current, squad).iter().rev() {
        for a in &c.actions {
            let copied_to = copied
                .get(&(c.checkpoint_id.as_str(), a.id.as_str()))
                .map(|s| s.to_string());
            let pending = match a.status {
                ActionStatus::Open => copied_to.is_none(),
                ActionStatus::Carried => copied_to.is_none(),
                ActionStatus::Done | ActionStatus::Dropped => false,
            };
            if pending || a.reviewed_in.as_deref() == Some(current) {
                out.push(ReviewItem {
                    checkpoint_id: c.checkpoint_id.clone(),
                    held_on: c.held_on.clone(),
                    action: a.clone(),
                    copied_to,
                });
            }
        }
    }
    out
}

/// What a new checkpoint `target` takes over when it is created: the actions
/// of earlier checkpoints marked carried over and not yet copied, oldest first.
pub fn to_carry<'a>(target: &str, squad: &'a [CheckpointActions]) -> Vec<(&'a CheckpointActions, &'a Action)> {
    let copied = copies(squad);
    before(target, squad)
        .iter()
        .flat_map(|c| c.actions.iter().map(move |a| (c, a)))
        .filter(|(c, a)| {
            a.status == ActionStatus::Carried && !copied.contains_key(&(c.checkpoint_id.as_str(), a.id.as_str()))
        })
        .collect()
}

impl Action {
    /// This action (of checkpoint `from`) carried over: open again, with the
    /// id `id` (made from its origin, so a second carry finds the first) and
    /// its chain of origins.
    pub fn carried_copy(&self, from: &CheckpointActions, id: String) -> Action {
        let mut carried_from = self.carried_from.clone();
        carried_from.push(ActionOrigin {
            checkpoint_id: from.checkpoint_id.clone(),
            action_id: self.id.clone(),
            held_on: from.held_on.clone(),
        });
        Action {
            id,
            title: self.title.clone(),
            owner: self.owner.clone(),
            due: self.due.clone(),
            capability: self.capability.clone(),
            // The note is on the other checkpoint's board.
            from_note: None,
            status: ActionStatus::Open,
            carried_from,
            reviewed_in: None,
        }
    }
}

impl Board {
    /// Adds a carried copy unless an action with its id is there already
    /// (carrying twice gives one copy). True when it was added.
    pub fn carry_in(&mut self, copy: Action) -> Result<bool, BoardError> {
        if self.actions.iter().any(|a| a.id == copy.id) {
            return Ok(false);
        }
        if self.actions.len() >= MAX_ACTIONS {
            return Err(invalid("action", format!("this checkpoint already has {MAX_ACTIONS} actions; finish or remove some before carrying more over")));
        }
        self.actions.push(copy);
        Ok(true)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn action(id: &str, status: ActionStatus) -> Action {
        Action {
            id: id.into(),
            title: format!("Do {id}"),
            owner: "Ana".into(),
            due: Some("2026-12-18".into()),
            capability: Some("deployment_automation".into()),
            from_note: Some("note-1".into()),
            status,
            carried_from: Vec::new(),
            reviewed_in: None,
        }
    }

    fn checkpoint(id: &str, held_on: &str, actions: Vec<Action>) -> CheckpointActions {
        CheckpointActions {
            checkpoint_id: id.into(),
            held_on: held_on.into(),
            actions,
        }
    }

    fn listed(items: &[ReviewItem]) -> Vec<(&str, &str)> {
        items
            .iter()
            .map(|i| (i.checkpoint_id.as_str(), i.action.id.as_str()))
            .collect()
    }

    #[test]
    fn the_review_lists_open_and_uncopied_carried_actions_of_every_earlier_checkpoint_newest_first() {
        let squad = [
            checkpoint(
                "a",
                "2026-01-10",
                vec![
                    action("x", ActionStatus::Open),
                    action("y", ActionStatus::Done),
                    action("z", ActionStatus::Carried),
                ],
            ),
            checkpoint(
                "b",
                "2026-04-10",
                vec![action("w", ActionStatus::Open), action("v", ActionStatus::Dropped)],
            ),
            checkpoint("c", "2026-07-10", vec![]),
            checkpoint("d", "2026-10-10", vec![action("later", ActionStatus::Open)]),
        ];
        assert_eq!(listed(&review("c", &squad)), [("b", "w"), ("a", "x"), ("a", "z")]);
        assert_eq!(listed(&review("a", &squad)), [], "nothing is before the first");
        assert_eq!(listed(&review("unknown", &squad)), []);
    }

    #[test]
    fn a_carried_action_shows_once_as_its_copy_and_its_chain_grows() {
        let x = action("x", ActionStatus::Carried);
        let a = checkpoint("a", "2026-01-10", vec![x.clone()]);
        let copy = x.carried_copy(&a, "copy-x".into());
        assert_eq!(
            (
                copy.status,
                copy.from_note.as_deref(),
                copy.title.as_str(),
                copy.due.as_deref()
            ),
            (ActionStatus::Open, None, "Do x", Some("2026-12-18"))
        );
        let b = checkpoint("b", "2026-04-10", vec![copy.clone()]);
        let c = checkpoint("c", "2026-07-10", vec![]);
        let squad = [a.clone(), b.clone(), c];
        let items = review("c", &squad);
        assert_eq!(
            listed(&items),
            [("b", "copy-x")],
            "the original is not listed once copied"
        );
        assert_eq!(
            items[0].action.carried_from,
            [ActionOrigin {
                checkpoint_id: "a".into(),
                action_id: "x".into(),
                held_on: "2026-01-10".into()
            }]
        );
        assert!(to_carry("c", &squad).is_empty(), "nothing waits to be carried");

        let again = copy.carried_copy(&b, "copy-copy-x".into());
        let chain: Vec<&str> = again.carried_from.iter().map(|o| o.checkpoint_id.as_str()).collect();
        assert_eq!(chain, ["a", "b"]);
    }

    #[test]
    fn a_review_keeps_listing_what_it_set_so_it_can_be_changed_back() {
        let mut done = action("x", ActionStatus::Done);
        done.reviewed_in = Some("b".into());
        let squad = [
            checkpoint("a", "2026-01-10", vec![done]),
            checkpoint("b", "2026-04-10", vec![]),
            checkpoint("c", "2026-07-10", vec![]),
        ];
        assert_eq!(listed(&review("b", &squad)), [("a", "x")]);
        assert_eq!(listed(&review("c", &squad)), [], "a later review does not list it");
    }

    #[test]
    fn a_new_checkpoint_takes_over_every_carried_action_not_yet_copied() {
        let a = checkpoint(
            "a",
            "2026-01-10",
            vec![action("x", ActionStatus::Carried), action("y", ActionStatus::Open)],
        );
        let b = checkpoint("b", "2026-04-10", vec![action("z", ActionStatus::Carried)]);
        let squad = [a.clone(), b.clone(), checkpoint("new", "2026-07-10", vec![])];
        let ids: Vec<(&str, &str)> = to_carry("new", &squad)
            .iter()
            .map(|(c, a)| (c.checkpoint_id.as_str(), a.id.as_str()))
            .collect();
        assert_eq!(ids, [("a", "x"), ("b", "z")]);
    }

    #[test]
    fn carrying_in_twice_adds_one_copy_and_a_full_board_refuses_naming_the_field() {
        let a = checkpoint("a", "2026-01-10", vec![]);
        let mut board = Board::default();
        let copy = action("x", ActionStatus::Carried).carried_copy(&a, "copy".into());
        assert_eq!(board.carry_in(copy.clone()), Ok(true));
        assert_eq!(board.carry_in(copy), Ok(false));
        assert_eq!(board.actions.len(), 1);
        board.actions = (0..MAX_ACTIONS)
            .map(|i| action(&format!("a{i}"), ActionStatus::Open))
            .collect();
        let refused = board
            .carry_in(action("y", ActionStatus::Open).carried_copy(&a, "copy-y".into()))
            .unwrap_err();
        assert!(
            matches!(&refused, BoardError::Invalid(e) if e.field == "action"),
            "{refused:?}"
        );
    }
}
