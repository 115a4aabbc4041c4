//! What each stage shows, one file per stage: welcome, set the scene, a
//! question, maturity. (Capabilities, the board and the summary have rooms of their own.)

mod anonymity;
mod maturity;
mod percent_vote;
mod performance;
mod question;
mod scene;
mod welcome;

pub use maturity::MaturityStage;
pub use percent_vote::PercentStrip;
pub use performance::PerformanceStage;
pub use question::{Distribution, QuestionStage};
pub use scene::SceneStage;
pub use welcome::{load_previous_actions, PreviousActionsData, WelcomeStage};
