//! What the squad metrics page and the checkpoint show from measured events:
//! plain sentences that say why each answer, the metrics week by week and per
//! service, time per pipeline stage, and deployment durations. Pure.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::{measure_linked, median, Deployment, Incident, IncidentLink, Measured, Prepared, Window, DAY_MS};
use crate::dora::{Benchmark, Question};

/// "3 h 20 min", "2.5 days": a duration as people say it.
pub fn human_duration(seconds: f64) -> String {
    let s = seconds.max(0.0);
    if s < 90.0 {
        format!("{} s", s.round())
    } else if s < 90.0 * 60.0 {
        format!("{} min", (s / 60.0).round())
    } else if s < 36.0 * 3600.0 {
        let h = (s / 3600.0).floor();
        let m = ((s - h * 3600.0) / 60.0).round();
        if m == 0.0 {
            format!("{h} h")
        } else {
            format!("{h} h {m} min")
        }
    } else {
        format!("{:.1} days", s / 86_400.0)
    }
}

pub fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

fn trim(x: f64) -> String {
    let s = format!("{x:.1}");
    s.strip_suffix(".0").map(str::to_string).unwrap_or(s)
}

/// The label of a measured answer, or "no data".
pub fn answer_label(question: Question, answer: Option<&str>) -> String {
    answer
        .and_then(|a| question.answer(a))
        .map_or_else(|| "No data".to_string(), |a| a.label().to_string())
}

/// Why the measured answer of `question` is what it is: the numbers behind it.
pub fn explain(m: &Measured, question: Question) -> String {
    let days = m.window.days();
    match question {
        Question::LeadTime => match m.lead_time.median_seconds {
            Some(s) => format!(
                "Half of the {} first deployed to production in these {days} days reached it within {} of being committed (median; each commit counted once, from its first successful production deployment).",
                plural(m.lead_time.changes, "commit", "commits"),
                human_duration(s)
            ),
            None => format!("No commit reached production in these {days} days, so there is no lead time to measure."),
        },
        Question::DeployFrequency => {
            let f = &m.deployment_frequency;
            match (f.deploy_days_per_week, f.deploys_per_deploy_day) {
                (Some(w), Some(d)) => format!(
                    "{} successful production deployments in {days} days: in a typical week {} days had a deployment, and a typical deploy day had {}.",
                    f.deployments,
                    trim(w),
                    trim(d)
                ),
                (Some(w), None) => format!("No successful production deployment in these {days} days (a typical week had {} deploy days).", trim(w)),
                _ if days < 7 => "A window shorter than a week has no deployment frequency.".to_string(),
                _ => format!("{} successful production deployments in {days} days.", f.deployments),
            }
        }
        Question::ChangeFailureRate => match m.change_failure_rate.percent {
            Some(p) => format!(
                "{} of {} production deployments failed or caused an incident: {p} %.",
                m.change_failure_rate.failed,
                m.change_failure_rate.total
            ),
            None => format!("No production deployment finished in these {days} days."),
        },
        Question::TimeToRestore => match m.time_to_restore.median_seconds {
            Some(s) => format!(
                "Half of the {} resolved in these {days} days were restored within {} of impact beginning (median).",
                plural(m.time_to_restore.incidents, "incident", "incidents"),
                human_duration(s)
            ),
            None => format!("No incident was resolved in these {days} days."),
        },
    }
}

/// Why the measured rework rate (7.6) is what it is.
pub fn explain_rework(m: &Measured) -> String {
    let r = &m.rework_rate;
    match r.percent {
        Some(p) => format!(
            "{} of {} successful production deployments in these {} days were rework (unplanned, to fix a bug users saw): {p} %.",
            r.rework,
            r.deployments,
            m.window.days()
        ),
        None => format!("No successful production deployment in these {} days, so there is no rework rate.", m.window.days()),
    }
}

/// Why the measured failed deployment recovery time (7.6) is what it is: the
/// median and how many of each kind it is taken over.
pub fn explain_recovery(m: &Measured) -> String {
    let r = &m.failed_deployment_recovery;
    match r.median_seconds {
        Some(s) => format!(
            "Back to normal within {} of a failed change (median over {} in these {} days: {} linked to a deployment, {} recovered by the next successful deployment).",
            human_duration(s),
            plural(r.incidents + r.failed_deployments, "recovery", "recoveries"),
            m.window.days(),
            plural(r.incidents, "incident", "incidents"),
            plural(r.failed_deployments, "failed deployment", "failed deployments"),
        ),
        None => format!(
            "No incident linked to a deployment was resolved, and no failed deployment was recovered, in these {} days.",
            m.window.days()
        ),
    }
}

/// Why the measured value of `metric` is what it is, in the current
/// editions' terms: section 6's reasons for the metrics they share, 7.6's for
/// recovery and rework.
pub fn explain_metric(m: &Measured, metric: crate::dora::current::Metric) -> String {
    use crate::dora::current::Metric;
    match metric {
        Metric::TimeToRestore => explain_recovery(m),
        Metric::ReworkRate => explain_rework(m),
        Metric::LeadTime => explain(m, Question::LeadTime),
        Metric::DeployFrequency => explain(m, Question::DeployFrequency),
        Metric::ChangeFailureRate => explain(m, Question::ChangeFailureRate),
    }
}

/// The measured answer id of one question.
pub fn answer_of(m: &Measured, question: Question) -> Option<&str> {
    match question {
        Question::LeadTime => m.lead_time.answer.as_deref(),
        Question::DeployFrequency => m.deployment_frequency.answer.as_deref(),
        Question::TimeToRestore => m.time_to_restore.answer.as_deref(),
        Question::ChangeFailureRate => m.change_failure_rate.answer.as_deref(),
    }
}

/// The whole weeks of `window`, counted back from its end, oldest first.
pub fn weeks(window: Window) -> Vec<Window> {
    let n = window.days() / 7;
    (0..n)
        .rev()
        .map(|k| Window {
            from: window.to - (k + 1) * 7 * DAY_MS,
            to: window.to - k * 7 * DAY_MS,
        })
        .collect()
}

/// The metrics of each whole week of the window: the same computation with
/// the same links, so the weeks' failures and attempts add up to the window's.
pub fn weekly(prepared: &Prepared, incidents: &[Incident], window: Window, benchmark: Benchmark) -> Vec<Measured> {
    weeks(window)
        .into_iter()
        .map(|w| prepared.measure(incidents, w, benchmark))
        .collect()
}

/// The metrics of each service with events, by name; a service's failures
/// are those its own incidents point at.
pub fn per_service(
    deployments: &[Deployment],
    incidents: &[Incident],
    links: &[IncidentLink],
    window: Window,
    benchmark: Benchmark,
) -> Vec<(String, Measured)> {
    let mut names: Vec<&str> = deployments
        .iter()
        .filter(|d| window.contains(d.finished_at))
        .map(|d| d.service.as_str())
        .collect();
    names.extend(incidents.iter().map(|i| i.service.as_str()));
    names.sort_unstable();
    names.dedup();
    names
        .into_iter()
        .map(|name| {
            let d: Vec<Deployment> = deployments.iter().filter(|d| d.service == name).cloned().collect();
            let i: Vec<Incident> = incidents.iter().filter(|i| i.service == name).cloned().collect();
            let l: Vec<IncidentLink> = links.iter().filter(|l| l.incident_service == name).cloned().collect();
            (name.to_string(), measure_linked(&d, &i, &l, window, benchmark))
        })
        .collect()
}

/// One pipeline stage run by a deployment in the window.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StageRun {
    pub name: String,
    pub position: i64,
    pub started_at: i64,
    pub finished_at: i64,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct StageTime {
    pub name: String,
    pub median_seconds: f64,
    pub runs: usize,
}

/// Median time in each stage, in the order the stages usually run.
pub fn stage_times(runs: &[StageRun]) -> Vec<StageTime> {
    let mut by_name: BTreeMap<&str, (Vec<f64>, Vec<f64>)> = BTreeMap::new();
    for r in runs {
        let entry = by_name.entry(r.name.as_str()).or_default();
        entry.0.push((r.finished_at - r.started_at).max(0) as f64 / 1000.0);
        entry.1.push(r.position as f64);
    }
    let mut out: Vec<(f64, StageTime)> = by_name
        .into_iter()
        .map(|(name, (mut seconds, mut positions))| {
            let runs = seconds.len();
            let order = median(&mut positions).unwrap_or(0.0);
            (
                order,
                StageTime {
                    name: name.to_string(),
                    median_seconds: median(&mut seconds).unwrap_or(0.0),
                    runs,
                },
            )
        })
        .collect();
    out.sort_by(|a, b| a.0.total_cmp(&b.0).then_with(|| a.1.name.cmp(&b.1.name)));
    out.into_iter().map(|(_, s)| s).collect()
}

/// How long deployments of one service took, start to finish.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DurationStat {
    pub service: String,
    pub deployments: usize,
    /// Deployments that said when they started.
    pub timed: usize,
    pub median_seconds: Option<f64>,
    pub mean_seconds: Option<f64>,
}

/// Durations of the production deployments that finished in the window, per service.
pub fn durations(deployments: &[Deployment], window: Window) -> Vec<DurationStat> {
    let mut by_service: BTreeMap<&str, (usize, Vec<f64>)> = BTreeMap::new();
    for d in deployments
        .iter()
        .filter(|d| window.contains(d.finished_at) && super::is_production(&d.environment))
    {
        let entry = by_service.entry(d.service.as_str()).or_default();
        entry.0 += 1;
        if let Some(s) = d.started_at {
            entry.1.push((d.finished_at - s).max(0) as f64 / 1000.0);
        }
    }
    by_service
        .into_iter()
        .map(|(service, (deployments, mut seconds))| {
            let timed = seconds.len();
            let mean = (timed > 0).then(|| seconds.iter().sum::<f64>() / timed as f64);
            DurationStat {
                service: service.to_string(),
                deployments,
                timed,
                median_seconds: median(&mut seconds),
                mean_seconds: mean,
            }
        })
        .collect()
}

/// Everything the squad metrics page shows.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SquadMetrics {
    pub squad: String,
    pub squad_name: String,
    pub overall: Measured,
    pub weeks: Vec<Measured>,
    pub services: Vec<(String, Measured)>,
    pub stages: Vec<StageTime>,
    pub durations: Vec<DurationStat>,
    /// Events stored for the squad in all (any environment, any time).
    pub total_deployments: i64,
    pub total_incidents: i64,
    /// How each failed deployment and incident of the window is linked, and who sent it.
    #[serde(default)]
    pub provenance: super::provenance::Provenance,
}

/// One row of the leaderboard: a squad's service in one environment.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LeaderboardRow {
    pub squad: String,
    pub squad_name: String,
    pub tribe: String,
    pub environment: String,
    pub service: String,
    pub deployments: usize,
    pub mean_duration_seconds: Option<f64>,
    pub frequency_answer: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::measured::{measure, Commit, Status, HOUR_MS};

    #[test]
    fn durations_read_as_people_say_them() {
        assert_eq!(human_duration(42.0), "42 s");
        assert_eq!(human_duration(600.0), "10 min");
        assert_eq!(human_duration(3.0 * 3600.0 + 20.0 * 60.0), "3 h 20 min");
        assert_eq!(human_duration(2.5 * 86_400.0), "2.5 days");
    }

    #[test]
    fn weeks_run_back_from_the_end_and_drop_a_partial_week() {
        let w = Window {
            from: 0,
            to: 20 * DAY_MS,
        };
        let weeks = weeks(w);
        assert_eq!(
            weeks,
            vec![
                Window {
                    from: 6 * DAY_MS,
                    to: 13 * DAY_MS
                },
                Window {
                    from: 13 * DAY_MS,
                    to: 20 * DAY_MS
                }
            ]
        );
    }

    #[test]
    fn stages_keep_their_usual_order_and_durations_skip_untimed_deployments() {
        let run = |name: &str, position, secs: i64| StageRun {
            name: name.into(),
            position,
            started_at: 0,
            finished_at: secs * 1000,
        };
        let t = stage_times(&[
            run("test", 1, 300),
            run("build", 0, 60),
            run("build", 0, 120),
            run("test", 1, 100),
        ]);
        assert_eq!(
            t.iter()
                .map(|s| (s.name.as_str(), s.median_seconds, s.runs))
                .collect::<Vec<_>>(),
            vec![("build", 90.0, 2), ("test", 200.0, 2)]
        );
        let d = |id: &str, started: Option<i64>, env: &str| Deployment {
            id: id.into(),
            service: "api".into(),
            environment: env.into(),
            status: Status::Success,
            started_at: started,
            finished_at: DAY_MS,
            commits: vec![Commit {
                sha: id.into(),
                committed_at: 0,
            }],
            rework: false,
            source: crate::measured::Source::Api,
        };
        let stats = durations(
            &[
                d("a", Some(DAY_MS - 60_000), "production"),
                d("b", None, "production"),
                d("c", Some(0), "staging"),
            ],
            Window {
                from: 0,
                to: 2 * DAY_MS,
            },
        );
        assert_eq!(
            (stats[0].deployments, stats[0].timed, stats[0].median_seconds),
            (2, 1, Some(60.0))
        );
    }

    #[test]
    fn explanations_give_the_numbers_or_say_there_are_none() {
        let w = Window {
            from: 0,
            to: 14 * DAY_MS,
        };
        let empty = measure(&[], &[], w, Benchmark::default());
        assert_eq!(
            explain(&empty, Question::LeadTime),
            "No commit reached production in these 14 days, so there is no lead time to measure."
        );
        assert_eq!(
            answer_label(Question::LeadTime, answer_of(&empty, Question::LeadTime)),
            "No data"
        );
        let d = Deployment {
            id: "d".into(),
            service: "api".into(),
            environment: "production".into(),
            status: Status::Failure,
            started_at: None,
            finished_at: DAY_MS,
            commits: vec![],
            rework: false,
            source: crate::measured::Source::Api,
        };
        let m = measure(&[d], &[], w, Benchmark::default());
        assert_eq!(
            explain(&m, Question::ChangeFailureRate),
            "1 of 1 production deployments failed or caused an incident: 100 %."
        );
        assert_eq!(
            explain_rework(&m),
            "No successful production deployment in these 14 days, so there is no rework rate."
        );
        assert_eq!(
            explain_recovery(&m),
            "No incident linked to a deployment was resolved, and no failed deployment was recovered, in these 14 days."
        );
    }

    fn deployment(id: &str, status: Status, finished_at: i64, rework: bool) -> Deployment {
        Deployment {
            id: id.into(),
            service: "api".into(),
            environment: "production".into(),
            status,
            started_at: None,
            finished_at,
            commits: vec![],
            rework,
            source: crate::measured::Source::Api,
        }
    }

    #[test]
    fn rework_and_recovery_explain_their_numbers_and_add_up_week_by_week() {
        let w = Window {
            from: 0,
            to: 14 * DAY_MS,
        };
        // Week one: a failure recovered two hours later, then a rework success.
        // Week two: two planned successes and one rework.
        let deployments = [
            deployment("f1", Status::Failure, DAY_MS, false),
            deployment("s1", Status::Success, DAY_MS + 2 * HOUR_MS, false),
            deployment("r1", Status::Success, 2 * DAY_MS, true),
            deployment("s2", Status::Success, 8 * DAY_MS, false),
            deployment("s3", Status::Success, 9 * DAY_MS, false),
            deployment("r2", Status::Success, 10 * DAY_MS, true),
        ];
        let m = measure(&deployments, &[], w, Benchmark::default());
        assert_eq!(
            explain_rework(&m),
            "2 of 5 successful production deployments in these 14 days were rework (unplanned, to fix a bug users saw): 40 %."
        );
        assert_eq!(
            explain_recovery(&m),
            "Back to normal within 2 h of a failed change (median over 1 recovery in these 14 days: 0 incidents linked to a deployment, 1 failed deployment recovered by the next successful deployment)."
        );
        let prepared = Prepared::new(&deployments, &[]);
        let weeks = weekly(&prepared, &[], w, Benchmark::default());
        let rework: Vec<_> = weeks
            .iter()
            .map(|w| (w.rework_rate.rework, w.rework_rate.deployments, w.rework_rate.percent))
            .collect();
        assert_eq!(rework, [(1, 2, Some(50)), (1, 3, Some(33))]);
        let recovery: Vec<_> = weeks
            .iter()
            .map(|w| {
                (
                    w.failed_deployment_recovery.failed_deployments,
                    w.failed_deployment_recovery.median_seconds,
                )
            })
            .collect();
        assert_eq!(recovery, [(1, Some(7200.0)), (0, None)]);
    }
}
