//! The figures of a current-edition checkpoint (2024, 2025): the 0–10 scores
//! of the locked and of the measured answers, each compared with the squad's
//! industry and, once squads carry one, its organisation size.

use crate::dora::baselines::Industry;
use crate::dora::current::result::Comparisons;
use crate::dora::current::{
    compare_industry, compare_org_size, AnyEdition, CurrentAnswers, CurrentAssessment, IndustryKey, OrgSizeKey,
};
use crate::measured::current::{assessment, MeasuredAssessment};
use crate::measured::Measured;

/// Who the squad is compared with: its industry and, when it has one the
/// edition publishes, its organisation size (else the comparison has no
/// organisation-size side).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Peers {
    pub industry: Industry,
    pub org_size: Option<OrgSizeKey>,
}

impl Peers {
    fn comparisons(self, answers: &CurrentAnswers) -> Comparisons {
        let edition = answers.edition();
        Comparisons {
            industry: compare_industry(edition, IndustryKey::from_legacy(self.industry)),
            org_size: self.org_size.and_then(|k| compare_org_size(edition, k)),
        }
    }
}

/// The locked answers' figures.
pub fn voted(answers: &CurrentAnswers, peers: Peers) -> CurrentAssessment {
    CurrentAssessment::of(answers, peers.comparisons(answers))
}

/// The measured answers' figures in a current edition; `None` in a legacy one
/// or unless every metric the edition asks for has a value.
pub fn measured(m: &Measured, edition: AnyEdition, peers: Peers) -> Option<CurrentAssessment> {
    edition.current()?;
    match assessment(m, edition, peers.industry, peers.org_size)? {
        MeasuredAssessment::Current(a) => Some(*a),
        MeasuredAssessment::Legacy(_) => None,
    }
}
