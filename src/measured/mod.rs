//! The four DORA metrics measured from deployment and incident events, as
//! section 6 of the reference defines them, with the numbers behind each answer
//! so the UI can say why. Pure: the store fetches the events, this computes.

// FxHash: these maps hold thousands of short keys per request; SipHash's
// protection against crafted keys is not needed for a squad's own commit shas.
use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};

use serde::{Deserialize, Serialize};

pub use crate::connections::Source;
use crate::dora::{assess, AssessmentInput, Benchmark, Level, Question};

pub const HOUR_MS: i64 = 3_600_000;
pub const DAY_MS: i64 = 24 * HOUR_MS;
/// The default window: the 91 days ending now.
pub const DEFAULT_WINDOW_DAYS: i64 = 91;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Success,
    Failure,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Commit {
    pub sha: String,
    pub committed_at: i64,
}

/// A deployment as the metrics see it (instants in ms since the epoch, UTC).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Deployment {
    pub id: String,
    pub service: String,
    pub environment: String,
    pub status: Status,
    /// When the deployment began, when the pipeline said so (for its duration).
    pub started_at: Option<i64>,
    pub finished_at: i64,
    pub commits: Vec<Commit>,
    /// An unplanned deployment made to fix a bug users saw (section 7.6).
    #[serde(default)]
    pub rework: bool,
    /// Who sent it (events stored before sources were kept came through the API).
    #[serde(default = "api")]
    pub source: Source,
}

fn api() -> Source {
    Source::Api
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Incident {
    pub id: String,
    pub service: String,
    pub opened_at: i64,
    pub started_at: Option<i64>,
    pub resolved_at: Option<i64>,
    pub deployment_id: Option<String>,
    pub commit_sha: Option<String>,
    #[serde(default = "api")]
    pub source: Source,
    /// A person's choice of link, which wins over what the sender said and
    /// over inference.
    #[serde(default)]
    pub choice: Option<Choice>,
}

impl Incident {
    /// When impact began: `started_at`, else when it was opened.
    pub fn began_at(&self) -> i64 {
        self.started_at.unwrap_or(self.opened_at)
    }
}

/// `production` or `prod`, any case.
pub fn is_production(environment: &str) -> bool {
    environment.eq_ignore_ascii_case("production") || environment.eq_ignore_ascii_case("prod")
}

/// `[from, to)` in ms.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Window {
    pub from: i64,
    pub to: i64,
}

impl Window {
    pub fn contains(&self, t: i64) -> bool {
        self.from <= t && t < self.to
    }
    /// Whole days in the window.
    pub fn days(&self) -> i64 {
        (self.to - self.from).max(0) / DAY_MS
    }
}

/// The longest window anyone may ask for: two years, a leap day included
/// (2024-01-01 to 2025-12-31 is 731 days). Longer windows are refused rather
/// than computed: the weekly view alone grows with the window's length.
pub const MAX_WINDOW_DAYS: i64 = 731;

/// Why a requested window was refused, naming the field to change.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WindowError {
    pub field: &'static str,
    pub message: String,
}

/// A window someone asked for, checked once where it is parsed: it ends after
/// it starts and spans at most [`MAX_WINDOW_DAYS`]. The store's readers take
/// only this, so no request can make them compute an unbounded window.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BoundedWindow(Window);

impl BoundedWindow {
    pub fn parse(from: i64, to: i64) -> Result<BoundedWindow, WindowError> {
        if to <= from {
            return Err(WindowError {
                field: "to",
                message: "the window must end after it starts (to > from)".into(),
            });
        }
        if to - from > MAX_WINDOW_DAYS * DAY_MS {
            return Err(WindowError {
                field: "from",
                message: format!(
                    "the window may span at most {MAX_WINDOW_DAYS} days (two years): move from closer to to"
                ),
            });
        }
        Ok(BoundedWindow(Window { from, to }))
    }

    pub fn get(self) -> Window {
        self.0
    }
}

/// How an incident was tied to a deployment.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Link {
    Explicit,
    Commit,
    Inferred,
    /// A person relinked it (see [`Choice`]).
    Chosen,
}

impl Link {
    /// "explicit", "by commit", "inferred", "chosen by a person".
    pub fn label(self) -> &'static str {
        match self {
            Link::Explicit => "explicit",
            Link::Commit => "by commit",
            Link::Inferred => "inferred",
            Link::Chosen => "chosen by a person",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DeploymentFrequency {
    pub answer: Option<String>,
    /// Successful production deployments in the window.
    pub deployments: usize,
    pub deploy_days_per_week: Option<f64>,
    pub deploys_per_deploy_day: Option<f64>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LeadTime {
    pub answer: Option<String>,
    pub median_seconds: Option<f64>,
    /// Commits in the median.
    pub changes: usize,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ChangeFailureRate {
    pub answer: Option<String>,
    pub failed: usize,
    pub total: usize,
    pub percent: Option<u32>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TimeToRestore {
    pub answer: Option<String>,
    pub median_seconds: Option<f64>,
    pub incidents: usize,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Maturity {
    pub level: Level,
    pub percentile: u8,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Measured {
    pub window: Window,
    pub deployment_frequency: DeploymentFrequency,
    pub lead_time: LeadTime,
    pub change_failure_rate: ChangeFailureRate,
    pub time_to_restore: TimeToRestore,
    pub maturity: Option<Maturity>,
    /// The current editions' `time_to_restore` (section 7.6).
    pub failed_deployment_recovery: FailedDeploymentRecovery,
    pub rework_rate: ReworkRate,
}

/// Median; an even count takes the mean of the two middle values.
pub fn median(values: &mut [f64]) -> Option<f64> {
    if values.is_empty() {
        return None;
    }
    values.sort_by(f64::total_cmp);
    let n = values.len();
    Some(if n % 2 == 1 {
        values[n / 2]
    } else {
        (values[n / 2 - 1] + values[n / 2]) / 2.0
    })
}

/// The duration answer shared by lead time and time to restore.
pub fn duration_answer(ms: f64) -> &'static str {
    let ids = Question::LeadTime.answer_ids();
    let limits = [HOUR_MS, DAY_MS, 7 * DAY_MS, 30 * DAY_MS, 182 * DAY_MS];
    // ids run worst (code 1) to best (code 6); the limits best first.
    match limits.iter().position(|l| ms < *l as f64) {
        Some(i) => ids[5 - i],
        None => ids[0],
    }
}

pub fn failure_answer(percent: u32) -> &'static str {
    let ids = Question::ChangeFailureRate.answer_ids();
    match percent {
        0..=15 => ids[5],
        16..=30 => ids[4],
        31..=45 => ids[3],
        46..=60 => ids[2],
        61..=75 => ids[1],
        _ => ids[0],
    }
}

/// For each commit sha, the first successful production deployment that carries it.
fn first_deployments<'a>(deployments: &[&'a Deployment]) -> HashMap<&'a str, (&'a Deployment, i64)> {
    let commits: usize = deployments.iter().map(|d| d.commits.len()).sum();
    let mut first: HashMap<&str, (&Deployment, i64)> = HashMap::with_capacity_and_hasher(commits, Default::default());
    for d in deployments.iter().filter(|d| d.status == Status::Success) {
        for c in &d.commits {
            let better = first
                .get(c.sha.as_str())
                .is_none_or(|(f, _)| (d.finished_at, &d.id) < (f.finished_at, &f.id));
            if better {
                first.insert(c.sha.as_str(), (d, c.committed_at));
            }
        }
    }
    first
}

/// The deployment an incident is tied to, and how.
pub fn link_incident<'a>(
    incident: &Incident,
    production: &[&'a Deployment],
    first: &HashMap<&str, (&'a Deployment, i64)>,
    infer: bool,
) -> Option<(&'a Deployment, Link)> {
    Linker::new(production).link(incident, first, infer)
}

/// Links incidents to deployments without scanning every deployment for each
/// incident: by id through a map, by inference through each service's
/// successes sorted by finish.
pub struct Linker<'a> {
    by_id: HashMap<&'a str, Vec<&'a Deployment>>,
    successes: HashMap<&'a str, Vec<&'a Deployment>>,
}

impl<'a> Linker<'a> {
    pub fn new(production: &[&'a Deployment]) -> Linker<'a> {
        let mut by_id: HashMap<&str, Vec<&Deployment>> =
            HashMap::with_capacity_and_hasher(production.len(), Default::default());
        let mut successes: HashMap<&str, Vec<&Deployment>> = HashMap::default();
        for d in production {
            by_id.entry(d.id.as_str()).or_default().push(d);
            if d.status == Status::Success {
                successes.entry(d.service.as_str()).or_default().push(d);
            }
        }
        for list in successes.values_mut() {
            list.sort_by(|a, b| (a.finished_at, &a.id).cmp(&(b.finished_at, &b.id)));
        }
        Linker { by_id, successes }
    }

    pub fn link(
        &self,
        incident: &Incident,
        first: &HashMap<&str, (&'a Deployment, i64)>,
        infer: bool,
    ) -> Option<(&'a Deployment, Link)> {
        // A person's choice wins over everything the sender said and over inference.
        match incident.choice.as_ref().map(|c| &c.choice) {
            Some(LinkChoice::Unlinked) => return None,
            Some(LinkChoice::Relinked { deployment }) => {
                return self.by_id(incident, deployment).map(|d| (d, Link::Chosen));
            }
            None => {}
        }
        if let Some(id) = &incident.deployment_id {
            if let Some(d) = self.by_id(incident, id) {
                return Some((d, Link::Explicit));
            }
        }
        if let Some(sha) = &incident.commit_sha {
            if let Some((d, _)) = first.get(sha.as_str()) {
                return Some((d, Link::Commit));
            }
        }
        if !infer {
            return None;
        }
        // The latest success of the service that finished at or before impact began.
        let list = self.successes.get(incident.service.as_str())?;
        let after = list.partition_point(|d| d.finished_at <= incident.began_at());
        after.checked_sub(1).map(|i| (list[i], Link::Inferred))
    }

    /// The production deployment with this id, the incident's own service
    /// first when ids repeat across services.
    fn by_id(&self, incident: &Incident, id: &str) -> Option<&'a Deployment> {
        let same_id = self.by_id.get(id)?;
        Some(
            same_id
                .iter()
                .find(|d| d.service == incident.service)
                .unwrap_or(&same_id[0]),
        )
    }
}

/// One incident tied to one deployment (by service and id, as ids may repeat
/// across services in plain data).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct IncidentLink {
    pub incident: String,
    /// The incident's own service (the per-service view counts only its own).
    pub incident_service: String,
    pub service: String,
    pub deployment: String,
    pub link: Link,
}

/// Every incident's link, against the whole production history given: an
/// explicit id or a commit may point anywhere, and inference takes the latest
/// success before impact began wherever it lies (after a window too). Links do
/// not depend on a window, which is what lets the weeks add up to the whole.
pub fn link_incidents(deployments: &[Deployment], incidents: &[Incident]) -> Vec<IncidentLink> {
    let production: Vec<&Deployment> = deployments.iter().filter(|d| is_production(&d.environment)).collect();
    let first = first_deployments(&production);
    let linker = Linker::new(&production);
    incidents
        .iter()
        .filter_map(|i| {
            linker.link(i, &first, true).map(|(d, link)| IncidentLink {
                incident: i.id.clone(),
                incident_service: i.service.clone(),
                service: d.service.clone(),
                deployment: d.id.clone(),
                link,
            })
        })
        .collect()
}

/// Computes the four metrics over `window`: the definition (section 6).
/// `deployments` and `incidents` are the scope's whole history (or at least
/// every production deployment that finished before `window.to`, for lead
/// time and the 182-day look-back, and whatever the links need).
pub fn measure(deployments: &[Deployment], incidents: &[Incident], window: Window, benchmark: Benchmark) -> Measured {
    let links = link_incidents(deployments, incidents);
    measure_linked(deployments, incidents, &links, window, benchmark)
}

/// `measure` with the incidents' links already resolved (the store resolves
/// them with indexed queries instead of loading the history). `incidents` only
/// serve time to restore here: those resolved in the window are enough.
pub fn measure_linked(
    deployments: &[Deployment],
    incidents: &[Incident],
    links: &[IncidentLink],
    window: Window,
    benchmark: Benchmark,
) -> Measured {
    Prepared::new(deployments, links).measure(incidents, window, benchmark)
}

/// The events sorted once, so that many windows over them (the weeks of the
/// squad metrics page) each cost what they hold, not the whole slice again.
pub struct Prepared<'a> {
    /// Production deployments by finish.
    production: Vec<&'a Deployment>,
    /// When each successful production deployment finished, in order.
    successes: Vec<i64>,
    /// Per commit, (when its first successful deployment finished, lead time in ms), in order.
    leads: Vec<(i64, f64)>,
    linked: HashSet<(&'a str, &'a str)>,
    /// The incidents tied to some production deployment, by (service, id).
    linked_incidents: HashSet<(&'a str, &'a str)>,
    recovery: current::Recovery,
    /// When each successful rework production deployment finished, in order.
    reworks: Vec<i64>,
}

impl<'a> Prepared<'a> {
    pub fn new(deployments: &'a [Deployment], links: &'a [IncidentLink]) -> Prepared<'a> {
        let mut production: Vec<&Deployment> = deployments.iter().filter(|d| is_production(&d.environment)).collect();
        production.sort_by_key(|d| d.finished_at);
        let successes: Vec<i64> = production
            .iter()
            .filter(|d| d.status == Status::Success)
            .map(|d| d.finished_at)
            .collect();
        // The first deployment over all of them is the first before any
        // window's end too, whenever it lies before that end.
        let mut leads: Vec<(i64, f64)> = first_deployments(&production)
            .values()
            .map(|(d, at)| (d.finished_at, (d.finished_at - at).max(0) as f64))
            .collect();
        leads.sort_by(|a, b| a.0.cmp(&b.0).then(a.1.total_cmp(&b.1)));
        let linked = links
            .iter()
            .map(|l| (l.service.as_str(), l.deployment.as_str()))
            .collect();
        let linked_incidents = links
            .iter()
            .map(|l| (l.incident_service.as_str(), l.incident.as_str()))
            .collect();
        let recovery = current::Recovery::new(&production, &linked);
        let reworks = production
            .iter()
            .filter(|d| d.status == Status::Success && d.rework)
            .map(|d| d.finished_at)
            .collect();
        Prepared {
            production,
            successes,
            leads,
            linked,
            linked_incidents,
            recovery,
            reworks,
        }
    }

    pub fn measure(&self, incidents: &[Incident], window: Window, benchmark: Benchmark) -> Measured {
        // Lead time: commits whose first successful deployment finished in the window.
        let mut leads: Vec<f64> = between(&self.leads, window.from, window.to, |l| l.0)
            .iter()
            .map(|(_, ms)| *ms)
            .collect();
        let changes = leads.len();
        let lead_ms = median(&mut leads);
        let lead_time = LeadTime {
            answer: lead_ms.map(|m| duration_answer(m).to_string()),
            median_seconds: lead_ms.map(|m| m / 1000.0),
            changes,
        };

        // Change failure rate: the window's attempts, failed or pointed at by an incident.
        let attempts = between(&self.production, window.from, window.to, |d| d.finished_at);
        let failed = attempts
            .iter()
            .filter(|d| d.status == Status::Failure || self.linked.contains(&(d.service.as_str(), d.id.as_str())))
            .count();
        let total = attempts.len();
        // Half up: 100·failed/total rounded, in integers.
        let percent = (total > 0).then(|| ((200 * failed + total) / (2 * total)) as u32);
        let change_failure_rate = ChangeFailureRate {
            answer: percent.map(|p| failure_answer(p).to_string()),
            failed,
            total,
            percent,
        };

        // Frequency looks at the window and the 182 days before its end.
        let successes = between(
            &self.successes,
            window.from.min(window.to - 182 * DAY_MS),
            window.to,
            |t| *t,
        );
        let deployment_frequency = deployment_frequency(successes, total, window);

        // Time to restore: incidents resolved in the window.
        let mut restores: Vec<f64> = incidents
            .iter()
            .filter_map(|i| {
                i.resolved_at
                    .filter(|r| window.contains(*r))
                    .map(|r| (r - i.began_at()).max(0) as f64)
            })
            .collect();
        let resolved = restores.len();
        let restore_ms = median(&mut restores);
        let time_to_restore = TimeToRestore {
            answer: restore_ms.map(|m| duration_answer(m).to_string()),
            median_seconds: restore_ms.map(|m| m / 1000.0),
            incidents: resolved,
        };

        let maturity = match (
            &lead_time.answer,
            &deployment_frequency.answer,
            &time_to_restore.answer,
            &change_failure_rate.answer,
        ) {
            (Some(l), Some(d), Some(t), Some(c)) => {
                AssessmentInput::parse(Some(l), Some(d), Some(t), Some(c), Some(benchmark.id()))
                    .ok()
                    .map(|input| {
                        let a = assess(&input);
                        Maturity {
                            level: a.level,
                            percentile: a.percentile,
                        }
                    })
            }
            _ => None,
        };
        let failed_deployment_recovery = self.recovery.measure(
            incidents
                .iter()
                .filter(|i| self.linked_incidents.contains(&(i.service.as_str(), i.id.as_str()))),
            window,
        );
        let rework_rate = current::rework_rate(
            between(&self.reworks, window.from, window.to, |t| *t).len(),
            deployment_frequency.deployments,
        );
        Measured {
            window,
            deployment_frequency,
            lead_time,
            change_failure_rate,
            time_to_restore,
            maturity,
            failed_deployment_recovery,
            rework_rate,
        }
    }
}

/// The items of a slice sorted by `at` with `from <= at < to`.
pub(crate) fn between<T>(sorted: &[T], from: i64, to: i64, at: impl Fn(&T) -> i64) -> &[T] {
    let lo = sorted.partition_point(|x| at(x) < from);
    let hi = sorted.partition_point(|x| at(x) < to).max(lo);
    &sorted[lo..hi]
}

/// Deployment frequency from the instants of successful deployments (the
/// window's, and any in the 182 days before its end) and the number of
/// attempts in the window. With no attempt in the window and no success in
/// the 182 days, there is no data: no answer (rather than "fewer than once
/// every six months", which needs a squad that tried).
pub fn deployment_frequency(successes: &[i64], attempts: usize, window: Window) -> DeploymentFrequency {
    let deployments = successes.iter().filter(|t| window.contains(**t)).count();
    let days = window.days();
    let weeks = days / 7;
    if weeks == 0 {
        return DeploymentFrequency {
            answer: None,
            deployments,
            deploy_days_per_week: None,
            deploys_per_deploy_day: None,
        };
    }
    // Slot k covers [to - (k+1) days, to - k days); the whole weeks are slots 0 .. 7·weeks.
    let slots = (weeks * 7) as usize;
    let mut per_slot = vec![0usize; slots];
    for t in successes {
        let back = window.to - 1 - t;
        if back >= 0 {
            let k = (back / DAY_MS) as usize;
            if k < slots {
                per_slot[k] += 1;
            }
        }
    }
    let mut days_per_week: Vec<f64> = per_slot
        .chunks(7)
        .map(|w| w.iter().filter(|n| **n > 0).count() as f64)
        .collect();
    let mut per_day: Vec<f64> = per_slot.iter().filter(|n| **n > 0).map(|n| *n as f64).collect();
    let ddpw = median(&mut days_per_week);
    let dpdd = median(&mut per_day);
    let ids = Question::DeployFrequency.answer_ids();
    let periods = days / 30;
    let busy_periods = (0..periods)
        .filter(|p| {
            successes
                .iter()
                .any(|t| window.to - (p + 1) * 30 * DAY_MS <= *t && *t < window.to - p * 30 * DAY_MS)
        })
        .count() as i64;
    let recent = successes
        .iter()
        .any(|t| window.to - 182 * DAY_MS <= *t && *t < window.to);
    if attempts == 0 && !recent {
        return DeploymentFrequency {
            answer: None,
            deployments,
            deploy_days_per_week: None,
            deploys_per_deploy_day: None,
        };
    }
    let answer = match (ddpw.unwrap_or(0.0), dpdd.unwrap_or(0.0)) {
        (w, d) if w >= 3.0 && d >= 2.0 => ids[5],
        (w, _) if w >= 3.0 => ids[4],
        (w, _) if w >= 1.0 => ids[3],
        _ if periods > 0 && busy_periods * 2 > periods => ids[2],
        _ if recent => ids[1],
        _ => ids[0],
    };
    DeploymentFrequency {
        answer: Some(answer.to_string()),
        deployments,
        deploy_days_per_week: ddpw,
        deploys_per_deploy_day: dpdd,
    }
}

pub mod choice;
pub mod current;
pub mod dates;
pub mod provenance;
pub mod report;

pub use choice::{Choice, ChoiceRequest, LinkChoice};
pub use current::{FailedDeploymentRecovery, ReworkRate};

#[cfg(test)]
mod tests;
