//! The live checkpoint as plain data: its stages, the votes, the timers, the
//! commands that change it, and the view each person is allowed to see.
//! Pure: the server applies commands here, persists what changed, and sends
//! every recipient [`view::View::for_participant`]; the browser renders the same types.

pub mod answer;
pub mod capabilities;
pub mod checkpoint;
pub mod command;
pub mod delta;
pub mod disclosure;
pub mod fields;
pub mod frame;
pub mod merge;
pub mod proposals;
pub mod rate;
pub mod sessions;
pub mod stage;
pub mod state;
pub mod timer;
pub mod view;

#[cfg(test)]
mod facilitation_tests;

pub use capabilities::{CapabilitiesDoc, RatingPhase, Results};
pub use checkpoint::{CheckpointInfo, CheckpointStatus, JoinCode, WelcomeText};
pub use command::{apply, apply_once, Actor, Applied, Change, Command, LiveError};
pub use delta::Delta;
pub use disclosure::{Disclosure, MIN_SURVEY_RESPONSES};
pub use fields::Fields;
pub use frame::{ClientMessage, Frame};
pub use rate::CommandRate;
pub use sessions::{Sent, Sessions};
pub use stage::Stage;
pub use state::{LiveDoc, LiveState, Participant, Phase, QuestionDoc};
pub use timer::{Timer, TimerAction};
pub use view::{CapabilitiesView, QuestionView, View};
