//! How each failed deployment and each incident of a window came to count:
//! the link (explicit, by commit, inferred, chosen by a person, or none) and
//! the source that sent it, so a person can see why and trust it (issue 17,
//! point 7). Pure: the store hands over the window's events and links.

use rustc_hash::FxHashMap as HashMap;
use serde::{Deserialize, Serialize};

use super::{is_production, Choice, Deployment, Incident, IncidentLink, Link, LinkChoice, Source, Status, Window};

/// One incident of the window and how it is linked.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LinkedIncident {
    pub id: String,
    pub service: String,
    pub source: Source,
    pub began_at: i64,
    pub resolved_at: Option<i64>,
    /// What its sender named.
    pub deployment_id: Option<String>,
    pub commit_sha: Option<String>,
    pub link: Option<Link>,
    /// The deployment it is tied to, when known by id (a link found outside
    /// the window by inference or commit is not named).
    pub deployment: Option<String>,
    pub choice: Option<Choice>,
}

/// One failed production deployment of the window and why it failed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FailedDeployment {
    pub id: String,
    pub service: String,
    pub finished_at: i64,
    pub source: Source,
    /// The pipeline said so.
    pub status_failed: bool,
    /// The incidents tied to it, and how.
    pub incidents: Vec<(String, Link)>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Provenance {
    /// Newest first.
    pub failed: Vec<FailedDeployment>,
    /// Newest impact first.
    pub incidents: Vec<LinkedIncident>,
    /// The window's latest production deployments (id, service), newest
    /// first: what a relink is usually to.
    pub recent: Vec<(String, String)>,
}

/// How many recent deployments a relink offers to pick from.
pub const RECENT: usize = 50;

/// The window's failed production deployments and the given incidents, each
/// with its link out of `links`. Ids starting with NUL are the store's
/// stand-ins for deployments outside the window, never shown.
pub fn provenance(
    deployments: &[Deployment],
    incidents: &[Incident],
    links: &[IncidentLink],
    window: Window,
) -> Provenance {
    let of_incident: HashMap<(&str, &str), &IncidentLink> = links
        .iter()
        .map(|l| ((l.incident_service.as_str(), l.incident.as_str()), l))
        .collect();
    let mut of_deployment: HashMap<(&str, &str), Vec<(String, Link)>> = HashMap::default();
    for l in links {
        of_deployment
            .entry((l.service.as_str(), l.deployment.as_str()))
            .or_default()
            .push((l.incident.clone(), l.link));
    }
    let mut failed: Vec<FailedDeployment> = deployments
        .iter()
        .filter(|d| !d.id.starts_with('\u{0}') && is_production(&d.environment) && window.contains(d.finished_at))
        .filter_map(|d| {
            let mut tied = of_deployment
                .get(&(d.service.as_str(), d.id.as_str()))
                .cloned()
                .unwrap_or_default();
            let status_failed = d.status == Status::Failure;
            if !status_failed && tied.is_empty() {
                return None;
            }
            tied.sort_by(|a, b| a.0.cmp(&b.0));
            Some(FailedDeployment {
                id: d.id.clone(),
                service: d.service.clone(),
                finished_at: d.finished_at,
                source: d.source.clone(),
                status_failed,
                incidents: tied,
            })
        })
        .collect();
    failed.sort_by(|a, b| (b.finished_at, &b.id).cmp(&(a.finished_at, &a.id)));
    let mut seen = rustc_hash::FxHashSet::default();
    let mut rows: Vec<LinkedIncident> = incidents
        .iter()
        .filter(|i| seen.insert((i.service.as_str(), i.id.as_str())))
        .map(|i| {
            let l = of_incident.get(&(i.service.as_str(), i.id.as_str()));
            let deployment = l.and_then(|l| match l.link {
                _ if !l.deployment.starts_with('\u{0}') => Some(l.deployment.clone()),
                Link::Explicit => i.deployment_id.clone(),
                Link::Chosen => match i.choice.as_ref().map(|c| &c.choice) {
                    Some(LinkChoice::Relinked { deployment }) => Some(deployment.clone()),
                    _ => None,
                },
                Link::Commit | Link::Inferred => None,
            });
            LinkedIncident {
                id: i.id.clone(),
                service: i.service.clone(),
                source: i.source.clone(),
                began_at: i.began_at(),
                resolved_at: i.resolved_at,
                deployment_id: i.deployment_id.clone(),
                commit_sha: i.commit_sha.clone(),
                link: l.map(|l| l.link),
                deployment,
                choice: i.choice.clone(),
            }
        })
        .collect();
    rows.sort_by(|a, b| (b.began_at, &b.id).cmp(&(a.began_at, &a.id)));
    let mut recent: Vec<&Deployment> = deployments
        .iter()
        .filter(|d| !d.id.starts_with('\u{0}') && is_production(&d.environment) && window.contains(d.finished_at))
        .collect();
    recent.sort_by(|a, b| (b.finished_at, &b.id).cmp(&(a.finished_at, &a.id)));
    let recent = recent
        .into_iter()
        .take(RECENT)
        .map(|d| (d.id.clone(), d.service.clone()))
        .collect();
    Provenance {
        failed,
        incidents: rows,
        recent,
    }
}

/// How an incident is linked, in words: "inferred: the latest deployment of
/// api before impact began (d-7)", "unlinked by ana".
pub fn describe_link(i: &LinkedIncident) -> String {
    let to = |d: &Option<String>| match d {
        Some(id) => format!("deployment {id}"),
        None => "a deployment outside this window".to_string(),
    };
    match (&i.choice, i.link) {
        (Some(c), _) if c.choice == LinkChoice::Unlinked => format!("unlinked by {}", c.by),
        (Some(c), Some(Link::Chosen)) => format!("set by {}: {}", c.by, to(&i.deployment)),
        (Some(c), _) => format!(
            "set by {} to a deployment that is not a production one here: linked to none",
            c.by
        ),
        (None, Some(Link::Explicit)) => format!("explicit: its sender named {}", to(&i.deployment)),
        (None, Some(Link::Commit)) => format!(
            "by commit {}: the first deployment that carried it, {}",
            i.commit_sha.as_deref().unwrap_or_default(),
            to(&i.deployment)
        ),
        (None, Some(Link::Inferred)) => format!(
            "inferred: the latest deployment of {} before impact began, {}",
            i.service,
            to(&i.deployment)
        ),
        (None, Some(Link::Chosen)) | (None, None) => format!(
            "not linked: no deployment of {} before impact began{}",
            i.service,
            if i.deployment_id.is_some() || i.commit_sha.is_some() {
                ", and the deployment or commit its sender named is not a production one here"
            } else {
                ""
            }
        ),
    }
}

/// Why a deployment counts as failed, in words.
pub fn describe_failure(d: &FailedDeployment) -> String {
    let incidents: Vec<String> = d
        .incidents
        .iter()
        .map(|(id, link)| format!("incident {id} ({})", link.label()))
        .collect();
    match (d.status_failed, incidents.is_empty()) {
        (true, true) => "the pipeline reported it failed".to_string(),
        (true, false) => format!("the pipeline reported it failed; tied to {}", incidents.join(", ")),
        (false, _) => format!("tied to {}", incidents.join(", ")),
    }
}
