//! What outlives the session: the summary (page and room stage), the closing
//! survey, and the history leadership reads.

pub mod answer_correction;
pub mod history;
pub mod page;
pub mod pager;
pub mod performance;
pub mod stage;
pub mod trend;
pub mod trend_chart;
pub mod view;
