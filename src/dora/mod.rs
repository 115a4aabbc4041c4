//! The DORA model of `shared/reference/dora-model.md`, sections 1 to 5.

pub mod assess;
pub mod baselines;
pub mod benchmark;
pub mod capabilities;
pub mod catalog;
pub mod chart;
pub mod current;
pub mod prioritise;
pub mod questions;
pub mod statements;

pub use assess::{assess, Assessment, AssessmentInput, Level};
pub use benchmark::Benchmark;
pub use questions::{Answer, Question};
