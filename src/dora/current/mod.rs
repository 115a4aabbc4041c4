//! The current DORA model of `shared/reference/dora-model.md`, section 7: the
//! 2024 and 2025 editions. Five (or four) metrics scored 0 to 10, throughput and
//! stability, industry and organisation-size benchmarks, the three capabilities
//! every team is recommended, and DORA's current catalog grouping.
//!
//! Plain data and pure functions, wasm-safe, so that the quick check page, the
//! API, the live room and the measured side compute the same figures.

pub mod benchmarks;
pub mod capabilities;
pub mod catalog;
pub mod edition;
pub mod input;
pub mod percent;
pub mod result;
pub mod score;

// The one place this module names where `FieldError` lives.
pub(crate) use crate::error::FieldError;

pub use benchmarks::{compare_industry, compare_org_size, Comparison, IndustryKey, MeanSd, OrgSizeKey};
pub use edition::{AnyEdition, Edition, Metric, Model};
pub use input::{CurrentAnswers, CurrentFields, CurrentInput, RawPercent};
pub use percent::Percent;
pub use result::{assess_current, CurrentAssessment};
pub use score::{round1, Scores};
