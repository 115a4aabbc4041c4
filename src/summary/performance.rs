//! The "Performance" table of a current-edition summary (2024, 2025), as plain
//! rows that the Markdown and HTML exports and the summary page all render:
//! overall score, throughput, stability and each metric of the edition, voted
//! beside measured beside the benchmark of the squad's industry (and
//! organisation size, when the squad has one). No level, no percentile.

use super::Summary;
use crate::dora::current::result::MetricScores;
use crate::dora::current::{Comparison, CurrentAssessment, Edition, MeanSd};

/// One line of the table; "—" where there is no figure.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PerformanceRow {
    pub label: &'static str,
    pub voted: String,
    pub measured: String,
    /// Mean ± sd of the industry.
    pub industry: String,
    /// Mean ± sd of the organisation size; `None` when compared by industry only.
    pub org_size: Option<String>,
}

/// The table and the names of who it is compared with.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Performance {
    pub edition: Edition,
    /// "All industries".
    pub industry: Option<&'static str>,
    pub org_size: Option<&'static str>,
    pub rows: Vec<PerformanceRow>,
}

/// A score as shown: one decimal, already rounded as the edition rounds it.
pub fn score_text(v: Option<f64>) -> String {
    v.map_or_else(|| "—".to_string(), |v| format!("{v:.1}"))
}

/// "6.72 ± 1.2" (the sd always with its decimal: "8.1 ± 2.0").
pub fn mean_sd_text(m: Option<MeanSd>) -> String {
    m.map_or_else(|| "—".to_string(), |m| format!("{} ± {:.1}", m.mean, m.sd))
}

/// `None` for a legacy edition.
pub fn performance(s: &Summary) -> Option<Performance> {
    let edition = s.edition().current()?;
    let (voted, measured) = (s.voted_score.as_ref(), s.measured_score.as_ref());
    // Both sides compare with the same squad's peers; either says who they are.
    let compared = voted.or(measured).map(|a| a.comparison);
    let industry = compared.map(|c| c.industry);
    let org_size = compared.and_then(|c| c.org_size);
    let figure =
        |a: Option<&CurrentAssessment>, pick: &dyn Fn(&CurrentAssessment) -> Option<f64>| score_text(a.and_then(pick));
    let benchmark =
        |c: Option<Comparison>, pick: &dyn Fn(&Comparison) -> Option<MeanSd>| mean_sd_text(c.as_ref().and_then(pick));
    let mut rows = Vec::new();
    type Pick = fn(&CurrentAssessment) -> f64;
    let headline: [(&'static str, Pick, bool); 3] = [
        ("Overall score", |a| a.score, true),
        ("Throughput", |a| a.throughput, false),
        ("Stability", |a| a.stability, false),
    ];
    for (label, pick, has_benchmark) in headline {
        // DORA publishes a benchmark for the overall score only.
        let bench = |c: Option<Comparison>| {
            if has_benchmark {
                benchmark(c, &|c| Some(c.score))
            } else {
                "—".to_string()
            }
        };
        rows.push(PerformanceRow {
            label,
            voted: figure(voted, &|a| Some(pick(a))),
            measured: figure(measured, &|a| Some(pick(a))),
            industry: bench(industry),
            org_size: org_size.map(|c| bench(Some(c))),
        });
    }
    for m in edition.metrics() {
        let m = *m;
        let of = |a: &CurrentAssessment| MetricScores::metric(&a.metrics, m);
        rows.push(PerformanceRow {
            label: m.title(),
            voted: figure(voted, &of),
            measured: figure(measured, &of),
            industry: benchmark(industry, &|c| c.metric(m)),
            org_size: org_size.map(|c| benchmark(Some(c), &|c| c.metric(m))),
        });
    }
    Some(Performance {
        edition,
        industry: industry.map(|c| c.name),
        org_size: org_size.map(|c| c.name),
        rows,
    })
}

/// "Not every question locked" or the voted score's absence, said once.
pub fn missing_text(s: &Summary) -> Option<&'static str> {
    match (&s.voted_score, &s.measured_score) {
        (None, None) => {
            Some("No score yet: not every question is locked and the pipelines do not measure every metric.")
        }
        (None, Some(_)) => Some("Voted: not every question is locked yet."),
        _ => None,
    }
}
