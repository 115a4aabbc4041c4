//! Prometheus Alertmanager's webhook (`webhook_config`, JSON version 4,
//! https://prometheus.io/docs/alerting/latest/configuration/#webhook_config):
//! a firing alert opens an incident keyed by its fingerprint and `startsAt`;
//! resolved, it resolves at `endsAt`.

use serde_json::Value;

use super::fields::{incident, IncidentParts};
use super::json::text;
use super::{time, Events, Meaning, Refusal};
use crate::connections::ConnectionOptions;

pub fn interpret(payload: &Value, options: &ConnectionOptions) -> Result<Meaning, Refusal> {
    match text(payload, "/version") {
        Some("4") => {}
        Some(v) => {
            return Err(Refusal::new(
                "version",
                format!("version {v:?} is not the webhook JSON version 4"),
            ))
        }
        None => {
            return Err(Refusal::new(
                "version",
                "version is required (the webhook JSON version 4)",
            ))
        }
    }
    let alerts = payload
        .get("alerts")
        .and_then(Value::as_array)
        .ok_or_else(|| Refusal::new("alerts", "alerts is required"))?;
    let mut events = Events::default();
    for (i, alert) in alerts.iter().enumerate() {
        let label = |name: &str| alert.get("labels").and_then(|l| l.get(name)).and_then(Value::as_str);
        let shown = label("alertname").unwrap_or("an alert");
        if let Some(m) = options.matchers.iter().find(|m| !m.matches(label(&m.label))) {
            events.skipped.push(format!(
                "{shown}: does not match {}{}{}",
                m.label,
                if m.equal { "=" } else { "!=" },
                m.value
            ));
            continue;
        }
        let Some(service) = label(&options.service_label) else {
            events.skipped.push(format!(
                "{shown}: has no {:?} label to name its service",
                options.service_label
            ));
            continue;
        };
        let field = |name: &str| format!("alerts[{i}].{name}");
        let fingerprint =
            text(alert, "/fingerprint").ok_or_else(|| Refusal::new(field("fingerprint"), "is required"))?;
        let starts_at = time::required(&field("startsAt"), alert.get("startsAt"))?;
        let resolved_at = match text(alert, "/status") {
            Some("resolved") => Some(time::required(&field("endsAt"), alert.get("endsAt"))?),
            Some("firing") => None,
            _ => return Err(Refusal::new(field("status"), "status must be firing or resolved")),
        };
        let title = text(alert, "/annotations/summary").or(label("alertname"));
        events.incidents.push(incident(IncidentParts {
            id: format!("am-{fingerprint}-{starts_at}"),
            service: options.service_for(&[service]).unwrap_or_else(|| service.to_string()),
            title,
            opened_at: starts_at,
            started_at: None,
            resolved_at: resolved_at.map(|r| r.max(starts_at)),
            deployment_id: None,
            commit_sha: None,
        })?);
    }
    if events.incidents.is_empty() {
        return Ok(Meaning::Ignored(if events.skipped.is_empty() {
            "no alerts".to_string()
        } else {
            events.skipped.join("; ")
        }));
    }
    Ok(Meaning::Events(events))
}
