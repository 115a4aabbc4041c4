//! The measured figures the 2024 and 2025 editions add (section 7.6): rework
//! rate, and failed deployment recovery time, which counts failed deployments
//! that no incident reported beside the incidents themselves.

use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};
use serde::{Deserialize, Serialize};

use super::{between, duration_answer, median, Deployment, Incident, Maturity, Measured, Status, Window};
use crate::dora::baselines::Industry;
use crate::dora::current::result::Comparisons;
use crate::dora::current::{AnyEdition, CurrentAnswers, CurrentAssessment, IndustryKey, Metric, OrgSizeKey, Percent};
use crate::dora::Question;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FailedDeploymentRecovery {
    pub answer: Option<String>,
    pub median_seconds: Option<f64>,
    /// Incidents tied to a production deployment and resolved in the window.
    pub incidents: usize,
    /// Failed deployments no incident points at, recovered by a success in the window.
    pub failed_deployments: usize,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ReworkRate {
    /// Successful production rework deployments in the window.
    pub rework: usize,
    /// Successful production deployments in the window.
    pub deployments: usize,
    pub percent: Option<u32>,
}

/// `100 * rework / deployments` rounded half up; none without a deployment.
pub fn rework_rate(rework: usize, deployments: usize) -> ReworkRate {
    ReworkRate {
        rework,
        deployments,
        percent: (deployments > 0).then(|| ((200 * rework + deployments) / (2 * deployments)) as u32),
    }
}

/// Every unreported failed deployment's recovery, placed at the instant the
/// service's next success finished, so any window takes those it holds.
pub struct Recovery {
    /// (when the recovering success finished, recovery in ms), in order.
    failures: Vec<(i64, f64)>,
}

impl Recovery {
    /// `production` holds production deployments; `linked` the (service,
    /// deployment) pairs an incident points at.
    pub fn new(production: &[&Deployment], linked: &HashSet<(&str, &str)>) -> Recovery {
        let mut successes: HashMap<&str, Vec<i64>> = HashMap::default();
        for d in production.iter().filter(|d| d.status == Status::Success) {
            successes.entry(d.service.as_str()).or_default().push(d.finished_at);
        }
        for list in successes.values_mut() {
            list.sort_unstable();
        }
        let mut failures: Vec<(i64, f64)> = production
            .iter()
            .filter(|d| d.status == Status::Failure && !linked.contains(&(d.service.as_str(), d.id.as_str())))
            .filter_map(|d| {
                let list = successes.get(d.service.as_str())?;
                // The next success is the first to finish strictly after the failure.
                let next = list.get(list.partition_point(|t| *t <= d.finished_at))?;
                Some((*next, (next - d.finished_at) as f64))
            })
            .collect();
        failures.sort_by(|a, b| a.0.cmp(&b.0).then(a.1.total_cmp(&b.1)));
        Recovery { failures }
    }

    /// The median over `linked_incidents` resolved in the window and the
    /// failures recovered in it.
    pub fn measure<'i>(
        &self,
        linked_incidents: impl Iterator<Item = &'i Incident>,
        window: Window,
    ) -> FailedDeploymentRecovery {
        let mut values: Vec<f64> = linked_incidents
            .filter_map(|i| {
                i.resolved_at
                    .filter(|r| window.contains(*r))
                    .map(|r| (r - i.began_at()).max(0) as f64)
            })
            .collect();
        let incidents = values.len();
        let failed = between(&self.failures, window.from, window.to, |f| f.0);
        values.extend(failed.iter().map(|f| f.1));
        let ms = median(&mut values);
        FailedDeploymentRecovery {
            answer: ms.map(|m| duration_answer(m).to_string()),
            median_seconds: ms.map(|m| m / 1000.0),
            incidents,
            failed_deployments: failed.len(),
        }
    }
}

/// What `GET /api/v1/metrics` says of the measured answers in an edition:
/// the current editions' scores and comparison, or a legacy level and percentile.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(untagged)]
pub enum MeasuredAssessment {
    Current(Box<CurrentAssessment>),
    Legacy(Maturity),
}

/// The assessment of `measured` in `edition`, compared with the squad's
/// industry and, when it has one the edition publishes, its organisation size,
/// as `/api/v1/assess` compares; none unless every metric the edition asks for
/// has a value. For a legacy edition it is `measured.maturity`, so measure in
/// that benchmark.
pub fn assessment(
    measured: &Measured,
    edition: AnyEdition,
    industry: Industry,
    org_size: Option<OrgSizeKey>,
) -> Option<MeasuredAssessment> {
    let Some(edition) = edition.current() else {
        return measured.maturity.clone().map(MeasuredAssessment::Legacy);
    };
    let answer = |question: Question, id: &Option<String>| id.as_deref().and_then(|id| question.answer(id));
    let answers = [
        answer(Question::LeadTime, &measured.lead_time.answer)?,
        answer(Question::DeployFrequency, &measured.deployment_frequency.answer)?,
        answer(Question::TimeToRestore, &measured.failed_deployment_recovery.answer)?,
    ];
    let percent = |p: Option<u32>| p.map(|p| Percent::clamped(i64::from(p)));
    let change_failure_rate = percent(measured.change_failure_rate.percent)?;
    let rework_rate = if edition.asks(Metric::ReworkRate) {
        Some(percent(measured.rework_rate.percent)?)
    } else {
        None
    };
    let answers = CurrentAnswers::new(edition, answers, change_failure_rate, rework_rate).ok()?;
    let comparison = Comparisons::of(edition, IndustryKey::from_legacy(industry), org_size);
    Some(MeasuredAssessment::Current(Box::new(CurrentAssessment::of(
        &answers, comparison,
    ))))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dora::Benchmark;
    use crate::measured::{measure, DAY_MS, HOUR_MS};

    const T0: i64 = 1_700_000_000_000; // the window's end
    const W: Window = Window {
        from: T0 - 30 * DAY_MS,
        to: T0,
    };

    fn deploy(id: &str, service: &str, status: Status, finished_at: i64, rework: bool) -> Deployment {
        Deployment {
            id: id.into(),
            service: service.into(),
            environment: "production".into(),
            status,
            started_at: None,
            finished_at,
            commits: Vec::new(),
            rework,
            source: crate::measured::Source::Api,
        }
    }

    fn incident(id: &str, service: &str, began: i64, resolved: i64) -> Incident {
        Incident {
            id: id.into(),
            service: service.into(),
            opened_at: began,
            started_at: None,
            resolved_at: Some(resolved),
            deployment_id: None,
            commit_sha: None,
            source: crate::measured::Source::Api,
            choice: None,
        }
    }

    use Status::{Failure as FAIL, Success as OK};

    #[test]
    fn rework_rate_counts_successful_production_rework_among_the_successes() {
        let mut d: Vec<Deployment> = (0..8)
            .map(|k| deploy(&format!("d{k}"), "api", OK, T0 - (k + 1) * DAY_MS, k == 0))
            .collect();
        // Neither a failed rework, nor a rework outside production, nor one before the window counts.
        d.push(deploy("failed", "api", FAIL, T0 - HOUR_MS, true));
        let mut staging = deploy("staging", "api", OK, T0 - HOUR_MS, true);
        staging.environment = "staging".into();
        d.push(staging);
        d.push(deploy("old", "api", OK, T0 - 40 * DAY_MS, true));
        let m = measure(&d, &[], W, Benchmark::default());
        // 1 of 8 is 12.5 %, rounded half up.
        assert_eq!(
            m.rework_rate,
            ReworkRate {
                rework: 1,
                deployments: 8,
                percent: Some(13)
            }
        );
        let none = measure(
            &[deploy("f", "api", FAIL, T0 - DAY_MS, true)],
            &[],
            W,
            Benchmark::default(),
        );
        assert_eq!(none.rework_rate.percent, None);
    }

    #[test]
    fn recovery_takes_linked_incidents_and_failures_recovered_by_the_next_success() {
        let d = [
            // api: a success, then a failure recovered two hours later by the next success.
            deploy("a1", "api", OK, T0 - 10 * DAY_MS, false),
            deploy("a2", "api", FAIL, T0 - 5 * DAY_MS, false),
            deploy("a3", "api", OK, T0 - 5 * DAY_MS + 2 * HOUR_MS, false),
            // A failure before the window recovered in it counts; one never recovered does not.
            deploy("b1", "web", FAIL, T0 - 31 * DAY_MS, false),
            deploy("b2", "web", OK, T0 - 30 * DAY_MS + 6 * HOUR_MS, false),
            deploy("b3", "web", FAIL, T0 - DAY_MS, false),
            // A failure an incident points at counts as that incident, not twice.
            deploy("c1", "db", FAIL, T0 - 3 * DAY_MS, false),
            deploy("c2", "db", OK, T0 - 2 * DAY_MS, false),
        ];
        let mut explicit = incident("i2", "db", T0 - 3 * DAY_MS, T0 - 3 * DAY_MS + 10 * 60_000);
        explicit.deployment_id = Some("c1".into());
        let i = [
            // Inferred onto a1, 30 minutes.
            incident("i1", "api", T0 - 9 * DAY_MS, T0 - 9 * DAY_MS + 30 * 60_000),
            explicit,
            // Tied to no deployment (queue has none): not a failed deployment's recovery.
            incident("i3", "queue", T0 - 4 * DAY_MS, T0 - 3 * DAY_MS),
        ];
        let m = measure(&d, &i, W, Benchmark::default());
        let r = m.failed_deployment_recovery;
        assert_eq!((r.incidents, r.failed_deployments), (2, 2));
        // 10 min, 30 min, 2 h, 30 h 6 h after b1: the two middle values' mean is 75 minutes.
        assert_eq!(r.median_seconds, Some(75.0 * 60.0));
        assert_eq!(r.answer.as_deref(), Some("less_than_one_day"));
        // Time to restore (section 6) still takes every incident resolved in the window.
        assert_eq!(m.time_to_restore.incidents, 3);
    }

    #[test]
    fn a_failure_recovered_after_the_window_is_not_in_it() {
        let d = [
            deploy("a1", "api", FAIL, T0 - DAY_MS, false),
            deploy("a2", "api", OK, T0 + HOUR_MS, false),
        ];
        let r = measure(&d, &[], W, Benchmark::default()).failed_deployment_recovery;
        assert_eq!((r.failed_deployments, r.median_seconds, r.answer), (0, None, None));
        let later = Window {
            from: T0,
            to: T0 + DAY_MS,
        };
        let r = measure(&d, &[], later, Benchmark::default()).failed_deployment_recovery;
        assert_eq!((r.failed_deployments, r.median_seconds), (1, Some(25.0 * 3600.0)));
    }

    /// Four weeks of two successes a day (one a rework, one with a commit of
    /// two hours) and an hour-long failure recovered each week.
    fn busy() -> Vec<Deployment> {
        let mut d = Vec::new();
        for k in 0..28 {
            let day = T0 - (k + 1) * DAY_MS;
            let mut s = deploy(&format!("s{k}"), "api", OK, day + 2 * HOUR_MS, k == 0);
            s.commits.push(crate::measured::Commit {
                sha: format!("c{k}"),
                committed_at: day,
            });
            d.push(s);
            d.push(deploy(&format!("t{k}"), "api", OK, day + 4 * HOUR_MS, false));
        }
        for k in [3, 10, 17, 24] {
            d.push(deploy(
                &format!("f{k}"),
                "api",
                FAIL,
                T0 - (k + 1) * DAY_MS + 3 * HOUR_MS,
                false,
            ));
        }
        d
    }

    #[test]
    fn the_assessment_follows_the_edition() {
        // Legacy time to restore needs an incident.
        let i = [incident("i1", "api", T0 - 2 * DAY_MS, T0 - 2 * DAY_MS + HOUR_MS)];
        let m = measure(&busy(), &i, W, Benchmark::Y2021);
        let Some(MeasuredAssessment::Legacy(maturity)) = assessment(&m, AnyEdition::Y2021, Industry::All, None) else {
            panic!("a legacy edition answers with its level and percentile");
        };
        assert_eq!(Some(maturity), m.maturity);
        let Some(MeasuredAssessment::Current(a)) = assessment(&m, AnyEdition::Y2025, Industry::Technology, None) else {
            panic!("every 2025 metric has a value");
        };
        assert_eq!(a.benchmark, crate::dora::current::Edition::Y2025);
        // 56 successes, 1 rework: 2 %; 5 failed (4, and the one the incident points at) of 60: 8 %.
        assert_eq!(m.rework_rate.percent, Some(2));
        assert_eq!(m.change_failure_rate.percent, Some(8));
        assert!(a.metrics.rework_rate.is_some());
        assert_eq!(a.comparison.industry.key, IndustryKey::Technology.id());
        assert_eq!(a.comparison.org_size, None, "no size, no size comparison");
        let Some(MeasuredAssessment::Current(sized)) = assessment(
            &m,
            AnyEdition::Y2025,
            Industry::Technology,
            Some(OrgSizeKey::FewerThan100),
        ) else {
            panic!("every 2025 metric has a value");
        };
        assert_eq!(
            sized.comparison.org_size,
            crate::dora::current::compare_org_size(crate::dora::current::Edition::Y2025, OrgSizeKey::FewerThan100)
        );
        assert_eq!(sized.comparison.industry, a.comparison.industry);
        // 2025 publishes no 10 to 19 band: the squad is compared by industry only.
        let Some(MeasuredAssessment::Current(unpublished)) = assessment(
            &m,
            AnyEdition::Y2025,
            Industry::Technology,
            Some(OrgSizeKey::FewerThan20),
        ) else {
            panic!("every 2025 metric has a value");
        };
        assert_eq!(unpublished.comparison.org_size, None);
        let json = serde_json::to_value(MeasuredAssessment::Current(a)).unwrap();
        assert_eq!(json["level"], serde_json::Value::Null);
        assert!(json["score"].is_number());
    }

    #[test]
    fn no_current_assessment_without_every_metric() {
        // No failure and no incident: no recovery time, so no 2024 or 2025 figures.
        let d: Vec<Deployment> = busy().into_iter().filter(|d| d.status == OK).collect();
        let m = measure(&d, &[], W, Benchmark::default());
        assert_eq!(m.failed_deployment_recovery.answer, None);
        assert_eq!(
            assessment(&m, AnyEdition::Y2025, Industry::All, Some(OrgSizeKey::Solo)),
            None
        );
        assert_eq!(assessment(&m, AnyEdition::Y2024, Industry::All, None), None);
    }
}
