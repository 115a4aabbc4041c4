//! PagerDuty's V3 webhooks (https://developer.pagerduty.com/docs/webhooks-overview):
//! `incident.triggered` opens and `incident.resolved` resolves an incident of
//! the mapped service.

use serde_json::Value;

use super::fields::{incident, IncidentParts};
use super::json::text;
use super::{time, Events, Meaning, Refusal};
use crate::connections::ConnectionOptions;

pub fn interpret(payload: &Value, options: &ConnectionOptions) -> Result<Meaning, Refusal> {
    let event = payload
        .get("event")
        .ok_or_else(|| Refusal::new("event", "event is required (a V3 webhook)"))?;
    let kind = text(event, "/event_type").ok_or_else(|| Refusal::new("event.event_type", "is required"))?;
    let resolved = match kind {
        "incident.triggered" => false,
        "incident.resolved" => true,
        other => {
            return Ok(Meaning::Ignored(format!(
                "{other} changes no incident (incident.triggered and incident.resolved do)"
            )))
        }
    };
    let data = event
        .get("data")
        .ok_or_else(|| Refusal::new("event.data", "is required"))?;
    let id = text(data, "/id").ok_or_else(|| Refusal::new("event.data.id", "is required"))?;
    let service_id = text(data, "/service/id").unwrap_or_default();
    let service_name = text(data, "/service/summary").unwrap_or(service_id);
    if service_name.is_empty() {
        return Err(Refusal::new("event.data.service", "the incident's service is required"));
    }
    let occurred_at = time::required("event.occurred_at", event.get("occurred_at"))?;
    // A resolved incident still says when it was created; the trigger's own
    // time is the fallback.
    let opened_at = time::optional("event.data.created_at", data.get("created_at"))?.unwrap_or(occurred_at);
    Ok(Meaning::Events(Events {
        incidents: vec![incident(IncidentParts {
            id: format!("pd-{id}"),
            service: options
                .service_for(&[service_id, service_name])
                .unwrap_or_else(|| service_name.to_string()),
            title: text(data, "/title"),
            opened_at,
            started_at: None,
            resolved_at: resolved.then_some(occurred_at.max(opened_at)),
            deployment_id: None,
            commit_sha: None,
        })?],
        ..Events::default()
    }))
}
