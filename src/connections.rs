//! Connections: a squad's webhooks from the tools it already runs (GitHub,
//! GitLab, PagerDuty, Prometheus Alertmanager), as plain data. What a
//! delivery means is in `hooks` (server side); the rows are in
//! `store::connections`.

use serde::{Deserialize, Serialize};

use crate::error::FieldError;

/// The tools a squad can connect.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ConnectionKind {
    Github,
    Gitlab,
    Pagerduty,
    Alertmanager,
}

impl ConnectionKind {
    pub const ALL: [ConnectionKind; 4] = [
        ConnectionKind::Github,
        ConnectionKind::Gitlab,
        ConnectionKind::Pagerduty,
        ConnectionKind::Alertmanager,
    ];

    pub fn parse(field: &str, raw: &str) -> Result<ConnectionKind, FieldError> {
        ConnectionKind::ALL
            .into_iter()
            .find(|k| k.as_str() == raw.trim().to_ascii_lowercase())
            .ok_or_else(|| FieldError::new(field, "kind must be one of github, gitlab, pagerduty, alertmanager"))
    }

    /// The path segment of the hook and the stored kind.
    pub fn as_str(self) -> &'static str {
        match self {
            ConnectionKind::Github => "github",
            ConnectionKind::Gitlab => "gitlab",
            ConnectionKind::Pagerduty => "pagerduty",
            ConnectionKind::Alertmanager => "alertmanager",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            ConnectionKind::Github => "GitHub",
            ConnectionKind::Gitlab => "GitLab",
            ConnectionKind::Pagerduty => "PagerDuty",
            ConnectionKind::Alertmanager => "Prometheus Alertmanager",
        }
    }

    /// GitHub and PagerDuty sign each delivery with the secret (HMAC), so the
    /// server must be able to read it back; the others send it as it is and
    /// only its hash is kept.
    pub fn signs_with_secret(self) -> bool {
        matches!(self, ConnectionKind::Github | ConnectionKind::Pagerduty)
    }

    /// Where the tool should send its deliveries, under the site's origin.
    pub fn hook_path(self, connection_id: &str) -> String {
        format!("/api/v1/hooks/{}/{connection_id}", self.as_str())
    }
}

/// Where an event came from, kept on it so a person can see it beside its link.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Source {
    Api,
    Csv,
    Connection { kind: ConnectionKind, name: String },
}

impl Source {
    /// The stored kind: `api`, `csv` or the connection's kind.
    pub fn kind(&self) -> &'static str {
        match self {
            Source::Api => "api",
            Source::Csv => "csv",
            Source::Connection { kind, .. } => kind.as_str(),
        }
    }

    pub fn name(&self) -> Option<&str> {
        match self {
            Source::Connection { name, .. } => Some(name),
            _ => None,
        }
    }

    /// Back from the stored kind and name (an unknown kind reads as the API:
    /// every event before connections came through it).
    pub fn from_stored(kind: &str, name: Option<String>) -> Source {
        match kind {
            "csv" => Source::Csv,
            other => match (ConnectionKind::ALL.into_iter().find(|k| k.as_str() == other), name) {
                (Some(kind), name) => Source::Connection {
                    kind,
                    name: name.unwrap_or_default(),
                },
                (None, _) => Source::Api,
            },
        }
    }

    /// "the API", "a CSV import", "GitHub (payments repo)".
    pub fn describe(&self) -> String {
        match self {
            Source::Api => "the API".to_string(),
            Source::Csv => "a CSV import".to_string(),
            Source::Connection { kind, name } if name.is_empty() => kind.label().to_string(),
            Source::Connection { kind, name } => format!("{} ({name})", kind.label()),
        }
    }
}

/// One `label=value` or `label!=value` an alert must satisfy.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LabelMatcher {
    pub label: String,
    pub value: String,
    pub equal: bool,
}

impl LabelMatcher {
    pub fn matches(&self, value: Option<&str>) -> bool {
        (value == Some(self.value.as_str())) == self.equal
    }

    fn show(&self) -> String {
        format!("{}{}{}", self.label, if self.equal { "=" } else { "!=" }, self.value)
    }
}

/// How a connection's deliveries map onto the squad's services and events.
/// One shape for every kind; each kind reads the options that concern it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConnectionOptions {
    /// Environments that count as production (GitHub, GitLab).
    pub production_environments: Vec<String>,
    /// Workflows whose completed runs are deployments, by name or file
    /// (`deploy.yml`), as an alternative to deployments (GitHub).
    pub deploy_workflows: Vec<String>,
    /// The label that makes an issue an incident (GitHub, GitLab).
    pub incident_label: String,
    /// Repository, project or PagerDuty service (id or name) → our service.
    /// Unmapped ones keep their own name.
    pub services: Vec<(String, String)>,
    /// The alert label that names the service (Alertmanager).
    pub service_label: String,
    /// Only alerts matching all of these open incidents (Alertmanager).
    pub matchers: Vec<LabelMatcher>,
}

impl Default for ConnectionOptions {
    fn default() -> ConnectionOptions {
        ConnectionOptions {
            production_environments: vec!["production".into(), "prod".into()],
            deploy_workflows: Vec::new(),
            incident_label: "incident".into(),
            services: Vec::new(),
            service_label: "service".into(),
            matchers: vec![LabelMatcher {
                label: "severity".into(),
                value: "critical".into(),
                equal: true,
            }],
        }
    }
}

/// The options as a form sends them: every field text, blank meaning the default.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct OptionsForm {
    #[serde(default)]
    pub production_environments: String,
    #[serde(default)]
    pub deploy_workflows: String,
    #[serde(default)]
    pub incident_label: String,
    #[serde(default)]
    pub services: String,
    #[serde(default)]
    pub service_label: String,
    #[serde(default)]
    pub matchers: String,
}

const MAX_ITEM: usize = 200;
const MAX_ITEMS: usize = 100;

/// Comma- or newline-separated items, trimmed, blanks dropped.
fn items(raw: &str) -> impl Iterator<Item = &str> {
    raw.split([',', '\n']).map(str::trim).filter(|s| !s.is_empty())
}

fn bounded_items(field: &str, raw: &str) -> Result<Vec<String>, FieldError> {
    let list: Vec<String> = items(raw).map(str::to_string).collect();
    if list.len() > MAX_ITEMS {
        return Err(FieldError::new(
            field,
            format!("{field} may list at most {MAX_ITEMS} items"),
        ));
    }
    if let Some(long) = list.iter().find(|i| i.chars().count() > MAX_ITEM) {
        return Err(FieldError::new(
            field,
            format!(
                "{field}: \"{}…\" is longer than {MAX_ITEM} characters",
                long.chars().take(20).collect::<String>()
            ),
        ));
    }
    Ok(list)
}

fn single(field: &str, raw: &str, default: &str) -> Result<String, FieldError> {
    let value = raw.trim();
    if value.is_empty() {
        return Ok(default.to_string());
    }
    if value.chars().count() > MAX_ITEM || value.contains(char::is_whitespace) {
        return Err(FieldError::new(
            field,
            format!("{field} must be one word of at most {MAX_ITEM} characters"),
        ));
    }
    Ok(value.to_string())
}

impl OptionsForm {
    pub fn parse(&self) -> Result<ConnectionOptions, FieldError> {
        let defaults = ConnectionOptions::default();
        let production = bounded_items("production_environments", &self.production_environments)?;
        let services = bounded_items("services", &self.services)?
            .into_iter()
            .map(|pair| match pair.split_once('=') {
                Some((from, to)) if !from.trim().is_empty() && !to.trim().is_empty() => {
                    Ok((from.trim().to_string(), to.trim().to_string()))
                }
                _ => Err(FieldError::new(
                    "services",
                    format!("services: write each mapping as source=service (\"{pair}\" is not)"),
                )),
            })
            .collect::<Result<Vec<_>, _>>()?;
        let matchers = bounded_items("matchers", &self.matchers)?
            .into_iter()
            .map(|m| {
                let (label, value, equal) = match m.split_once("!=") {
                    Some((l, v)) => (l, v, false),
                    None => match m.split_once('=') {
                        Some((l, v)) => (l, v, true),
                        None => ("", "", true),
                    },
                };
                let (label, value) = (label.trim(), value.trim().trim_matches('"'));
                if label.is_empty() || value.is_empty() {
                    return Err(FieldError::new(
                        "matchers",
                        format!("matchers: write each as label=value or label!=value (\"{m}\" is not)"),
                    ));
                }
                Ok(LabelMatcher {
                    label: label.to_string(),
                    value: value.to_string(),
                    equal,
                })
            })
            .collect::<Result<Vec<_>, _>>()?;
        Ok(ConnectionOptions {
            production_environments: if production.is_empty() {
                defaults.production_environments
            } else {
                production
            },
            deploy_workflows: bounded_items("deploy_workflows", &self.deploy_workflows)?,
            incident_label: single("incident_label", &self.incident_label, &defaults.incident_label)?,
            services,
            service_label: single("service_label", &self.service_label, &defaults.service_label)?,
            matchers: if matchers.is_empty() {
                defaults.matchers
            } else {
                matchers
            },
        })
    }
}

impl ConnectionOptions {
    /// Whether `environment` counts as production for this connection.
    pub fn is_production(&self, environment: &str) -> bool {
        self.production_environments
            .iter()
            .any(|e| e.eq_ignore_ascii_case(environment.trim()))
    }

    /// Our service for a repository, project or PagerDuty service: the first
    /// mapping whose source is any of `names` (id, name, full name), else the
    /// last of `names` (the plain name).
    pub fn service_for(&self, names: &[&str]) -> Option<String> {
        names
            .iter()
            .find_map(|n| {
                self.services
                    .iter()
                    .find(|(from, _)| from == n)
                    .map(|(_, to)| to.clone())
            })
            .or_else(|| names.last().map(|n| n.to_string()))
    }

    /// The options as the form shows them, for editing and for display.
    pub fn to_form(&self) -> OptionsForm {
        OptionsForm {
            production_environments: self.production_environments.join(", "),
            deploy_workflows: self.deploy_workflows.join(", "),
            incident_label: self.incident_label.clone(),
            services: self
                .services
                .iter()
                .map(|(a, b)| format!("{a}={b}"))
                .collect::<Vec<_>>()
                .join(", "),
            service_label: self.service_label.clone(),
            matchers: self
                .matchers
                .iter()
                .map(LabelMatcher::show)
                .collect::<Vec<_>>()
                .join(", "),
        }
    }

    /// One line per option this kind reads, for the squad page.
    pub fn summary(&self, kind: ConnectionKind) -> Vec<(&'static str, String)> {
        let form = self.to_form();
        let services = if form.services.is_empty() {
            "each keeps its own name".to_string()
        } else {
            form.services
        };
        match kind {
            ConnectionKind::Github => vec![
                ("Production environments", form.production_environments),
                (
                    "Deploy workflows",
                    if form.deploy_workflows.is_empty() {
                        "none (deployments only)".into()
                    } else {
                        form.deploy_workflows
                    },
                ),
                ("Incident label", form.incident_label),
                ("Repositories → services", services),
            ],
            ConnectionKind::Gitlab => vec![
                ("Production environments", form.production_environments),
                ("Incident label", form.incident_label),
                ("Projects → services", services),
            ],
            ConnectionKind::Pagerduty => vec![("PagerDuty services → services", services)],
            ConnectionKind::Alertmanager => vec![
                ("Service label", form.service_label),
                ("Alerts that count", form.matchers),
            ],
        }
    }
}

/// What became of one delivery.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Outcome {
    Accepted,
    Ignored,
    Refused,
}

impl Outcome {
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Accepted => "accepted",
            Outcome::Ignored => "ignored",
            Outcome::Refused => "refused",
        }
    }

    pub fn parse(raw: &str) -> Outcome {
        match raw {
            "accepted" => Outcome::Accepted,
            "ignored" => Outcome::Ignored,
            _ => Outcome::Refused,
        }
    }
}

/// One line of a connection's delivery log.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Delivery {
    pub received_at: i64,
    /// The tool's name for the event (`push`, `incident.triggered`, ...).
    pub event: String,
    /// The tool's id for the delivery, when it sends one.
    pub delivery: Option<String>,
    pub outcome: Outcome,
    /// What it did, or why it did nothing.
    pub reason: String,
}

/// A connection as its squad page lists it. The secret is never here.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Connection {
    pub id: String,
    pub kind: ConnectionKind,
    pub name: String,
    pub options: ConnectionOptions,
    pub created_by: String,
    pub created_at: i64,
    pub revoked_at: Option<i64>,
    pub last_delivery: Option<Delivery>,
}

impl Connection {
    pub fn hook_path(&self) -> String {
        self.kind.hook_path(&self.id)
    }
}

/// A connection just created, with its secret: shown once, then only its hash
/// or its sealed copy is kept.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewConnection {
    pub connection: Connection,
    pub secret: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blank_options_are_the_documented_defaults() {
        let options = OptionsForm::default().parse().unwrap();
        assert_eq!(options, ConnectionOptions::default());
        assert!(options.is_production("Production") && options.is_production("prod"));
        assert!(!options.is_production("staging"));
        assert!(options.matchers[0].matches(Some("critical")));
        assert!(!options.matchers[0].matches(Some("warning")) && !options.matchers[0].matches(None));
    }

    #[test]
    fn options_parse_lists_mappings_and_matchers() {
        let form = OptionsForm {
            production_environments: "live, prod-eu\n".into(),
            services: "octo/payments = payments-api, PF9KMXH=search".into(),
            matchers: "severity=page, team!=infra".into(),
            ..OptionsForm::default()
        };
        let options = form.parse().unwrap();
        assert_eq!(options.production_environments, vec!["live", "prod-eu"]);
        assert_eq!(
            options.service_for(&["octo/payments", "payments"]).as_deref(),
            Some("payments-api")
        );
        assert_eq!(options.service_for(&["octo/web", "web"]).as_deref(), Some("web"));
        assert!(!options.matchers[1].matches(Some("infra")) && options.matchers[1].matches(None));
        assert_eq!(options.to_form().parse().unwrap(), options, "the form round-trips");
    }

    #[test]
    fn bad_options_name_their_field() {
        let bad = |form: OptionsForm| form.parse().unwrap_err().field;
        let services = OptionsForm {
            services: "payments".into(),
            ..OptionsForm::default()
        };
        assert_eq!(bad(services), "services");
        let matchers = OptionsForm {
            matchers: "severity".into(),
            ..OptionsForm::default()
        };
        assert_eq!(bad(matchers), "matchers");
        let label = OptionsForm {
            incident_label: "two words".into(),
            ..OptionsForm::default()
        };
        assert_eq!(bad(label), "incident_label");
    }

    #[test]
    fn sources_round_trip_through_their_columns() {
        for source in [
            Source::Api,
            Source::Csv,
            Source::Connection {
                kind: ConnectionKind::Pagerduty,
                name: "on-call".into(),
            },
        ] {
            let back = Source::from_stored(source.kind(), source.name().map(str::to_string));
            assert_eq!(back, source);
        }
        assert_eq!(
            Source::Connection {
                kind: ConnectionKind::Github,
                name: "payments repo".into()
            }
            .describe(),
            "GitHub (payments repo)"
        );
    }
}
