//! Who may do what: the one role table. The socket (through
//! [`crate::live::apply`]), the server functions and the API all ask
//! [`may`]; docs/ARCHITECTURE.md prints [`table_markdown`], and a test keeps
//! the two the same.
//!
//! A person can wear several hats at once (a facilitator account that has
//! joined a checkpoint as a participant, say): they may do what any of their
//! hats allows. The rules that depend on the moment (a vote only on the open
//! question, ratings only while rating, ending an abandoned checkpoint after a
//! day without activity) are in the functions that know the moment; this table
//! says who, never when.

use crate::accounts::{CurrentUser, Role};
use crate::error::ServiceError;

/// One hat: how someone stands towards the app and towards one checkpoint.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Hat {
    /// No account, no participant cookie.
    Anonymous,
    /// A squad's API token (a pipeline), for its own squad.
    SquadToken,
    /// Took part in this checkpoint: joined with its code, or a signed-in
    /// facilitator or admin who joined explicitly.
    Participant,
    Viewer,
    /// A facilitator account that does not run this checkpoint.
    Facilitator,
    /// An admin account that does not run this checkpoint.
    Admin,
    /// Runs this checkpoint: its facilitator or a co-facilitator.
    Runner,
}

impl Hat {
    pub const ALL: [Hat; 7] = [
        Hat::Anonymous,
        Hat::SquadToken,
        Hat::Participant,
        Hat::Viewer,
        Hat::Facilitator,
        Hat::Admin,
        Hat::Runner,
    ];

    pub fn of_role(role: Role) -> Hat {
        match role {
            Role::Admin => Hat::Admin,
            Role::Facilitator => Hat::Facilitator,
            Role::Viewer => Hat::Viewer,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Hat::Anonymous => "anonymous",
            Hat::SquadToken => "squad token",
            Hat::Participant => "participant",
            Hat::Viewer => "viewer",
            Hat::Facilitator => "facilitator (other)",
            Hat::Admin => "admin (other)",
            Hat::Runner => "runs it",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Action {
    /// The summary, its exports and revisions, the history and trends.
    ReadSummary,
    /// The live room: its page, its socket, its view.
    ReadRoom,
    /// Take part without a code ("Join as a participant").
    JoinAsUser,
    Vote,
    Rate,
    /// Add, edit and move notes.
    ChangeNote,
    DeleteOwnNote,
    DeleteAnyNote,
    Dot,
    /// Take on an action as its owner.
    Volunteer,
    AnswerSurvey,
    /// Stages, reveals, locks, timers, welcome text, removing people, opening
    /// and closing dot voting, confirming the focus.
    Drive,
    /// The flow's steps and the squad's actions (add, rename, reorder, remove,
    /// their status), and the review of the previous checkpoint's actions.
    EditFlow,
    Start,
    End,
    /// End a checkpoint that has had no activity for a day.
    EndAbandoned,
    /// Also removing one (`Store::remove_co_facilitator`) and reading the
    /// checkpoint's manage page: who may add one may remove one.
    AddCoFacilitator,
    /// Also deleting a checkpoint made by mistake (`Store::delete_checkpoint`,
    /// never once a summary is finalised): whoever may write its summary may
    /// discard it unwritten.
    WriteSummary,
    CreateCheckpoint,
    ManageSquads,
    /// Connect a squad to the tools it runs (webhook connections), read their
    /// delivery logs, revoke them.
    ManageConnections,
    /// Relink or unlink an incident from a deployment: the choice wins over
    /// what the sender said and over inference.
    ChooseIncidentLink,
    ManageUsers,
    /// Post deployments and incidents for the squad (a token, or a verified
    /// webhook delivery of one of its connections).
    PostEvents,
    /// Measured metrics and the leaderboard.
    ReadMetrics,
}

impl Action {
    pub const ALL: [Action; 25] = [
        Action::ReadSummary,
        Action::ReadRoom,
        Action::JoinAsUser,
        Action::Vote,
        Action::Rate,
        Action::ChangeNote,
        Action::DeleteOwnNote,
        Action::DeleteAnyNote,
        Action::Dot,
        Action::Volunteer,
        Action::AnswerSurvey,
        Action::Drive,
        Action::EditFlow,
        Action::Start,
        Action::End,
        Action::EndAbandoned,
        Action::AddCoFacilitator,
        Action::WriteSummary,
        Action::CreateCheckpoint,
        Action::ManageSquads,
        Action::ManageConnections,
        Action::ChooseIncidentLink,
        Action::ManageUsers,
        Action::PostEvents,
        Action::ReadMetrics,
    ];

    pub fn label(self) -> &'static str {
        match self {
            Action::ReadSummary => "read summaries, exports, history, trends",
            Action::ReadRoom => "see the live room",
            Action::JoinAsUser => "join as a participant without a code",
            Action::Vote => "vote (open question of a live checkpoint)",
            Action::Rate => "rate capabilities (while rating)",
            Action::ChangeNote => "add, edit, move notes",
            Action::DeleteOwnNote => "delete own notes",
            Action::DeleteAnyNote => "delete anyone's notes",
            Action::Dot => "dot-vote",
            Action::Volunteer => "volunteer for an action",
            Action::AnswerSurvey => "answer the survey (survey stage to end)",
            Action::Drive => "drive the session",
            Action::EditFlow => "change steps and actions",
            Action::Start => "start a draft",
            Action::End => "end it",
            Action::EndAbandoned => "end it after a day without activity",
            Action::AddCoFacilitator => "add and remove co-facilitators",
            Action::WriteSummary => "write, finalise, correct the summary; delete a mistaken checkpoint",
            Action::CreateCheckpoint => "create checkpoints",
            Action::ManageSquads => "manage tribes, squads, tokens",
            Action::ManageConnections => "connect tools (webhooks), read their deliveries",
            Action::ChooseIncidentLink => "relink or unlink an incident",
            Action::ManageUsers => "manage accounts",
            Action::PostEvents => "post deployments and incidents",
            Action::ReadMetrics => "read measured metrics",
        }
    }
}

/// The table: whether one hat allows one action.
pub fn allows(hat: Hat, action: Action) -> bool {
    use Action::*;
    use Hat::*;
    match action {
        ReadSummary => hat != Anonymous,
        ReadRoom | Vote | Rate | ChangeNote | DeleteOwnNote | Dot | Volunteer | AnswerSurvey => {
            matches!(hat, Participant | Runner)
        }
        JoinAsUser => matches!(hat, Facilitator | Admin | Runner),
        DeleteAnyNote | Drive | EditFlow | Start | End => hat == Runner,
        EndAbandoned | CreateCheckpoint | ManageSquads | ManageConnections | ChooseIncidentLink => {
            matches!(hat, Facilitator | Admin | Runner)
        }
        AddCoFacilitator | WriteSummary => matches!(hat, Admin | Runner),
        ManageUsers => hat == Admin,
        PostEvents => hat == SquadToken,
        ReadMetrics => matches!(hat, SquadToken | Viewer | Facilitator | Admin | Runner),
    }
}

/// Refuses unless `by` may do `action` by their account's role alone: for
/// what no checkpoint decides (squads, tribes, tokens, a new checkpoint).
/// `None` is the operator at the command line, who may do what it offers.
pub fn require_role(by: Option<&CurrentUser>, action: Action) -> Result<(), ServiceError> {
    match by {
        Some(u) if !allows(Hat::of_role(u.role), action) => Err(ServiceError::Forbidden),
        _ => Ok(()),
    }
}

/// Whether someone wearing `hats` may do `action`.
pub fn may(hats: &[Hat], action: Action) -> bool {
    hats.iter().any(|h| allows(*h, action))
}

/// The table as Markdown, rows per action, a column per hat.
pub fn table_markdown() -> String {
    let mut md = String::from("| action |");
    for h in Hat::ALL {
        md.push_str(&format!(" {} |", h.label()));
    }
    md.push_str("\n|---|");
    md.push_str(&"---|".repeat(Hat::ALL.len()));
    md.push('\n');
    for a in Action::ALL {
        md.push_str(&format!("| {} |", a.label()));
        for h in Hat::ALL {
            md.push_str(if allows(h, a) { " ✓ |" } else { " |" });
        }
        md.push('\n');
    }
    md
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_role_check_reads_the_table_and_the_command_line_may() {
        let user = |role| CurrentUser {
            id: "u".into(),
            username: "u".into(),
            role,
        };
        assert!(require_role(None, Action::ManageSquads).is_ok());
        assert!(require_role(Some(&user(Role::Facilitator)), Action::ManageSquads).is_ok());
        assert!(require_role(Some(&user(Role::Admin)), Action::CreateCheckpoint).is_ok());
        assert!(matches!(
            require_role(Some(&user(Role::Viewer)), Action::ManageSquads),
            Err(ServiceError::Forbidden)
        ));
        assert!(matches!(
            require_role(Some(&user(Role::Facilitator)), Action::ManageUsers),
            Err(ServiceError::Forbidden)
        ));
    }

    #[test]
    fn the_architecture_document_prints_this_table() {
        let doc = include_str!("../docs/ARCHITECTURE.md");
        assert!(
            doc.contains(&table_markdown()),
            "docs/ARCHITECTURE.md must hold access::table_markdown() as it is now:\n{}",
            table_markdown()
        );
    }

    #[test]
    fn reading_is_never_acting() {
        for h in [Hat::Viewer, Hat::SquadToken] {
            for a in [
                Action::Vote,
                Action::Drive,
                Action::ChangeNote,
                Action::EditFlow,
                Action::End,
                Action::ReadRoom,
                Action::JoinAsUser,
            ] {
                assert!(!allows(h, a), "{h:?} may not {a:?}");
            }
        }
        assert!(
            Action::ALL.iter().all(|a| !allows(Hat::Anonymous, *a)),
            "anonymous callers do nothing here"
        );
    }

    #[test]
    fn another_facilitator_neither_drives_nor_votes_until_they_join() {
        let other = [Hat::Facilitator];
        assert!(!may(&other, Action::Drive) && !may(&other, Action::Vote) && !may(&other, Action::End));
        assert!(may(&other, Action::JoinAsUser) && may(&other, Action::EndAbandoned));
        assert!(may(&[Hat::Facilitator, Hat::Participant], Action::Vote));
        assert!(!may(&[Hat::Facilitator, Hat::Participant], Action::DeleteAnyNote));
    }
}
