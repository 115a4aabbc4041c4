//! What to fill in on each tool's settings screen, as plain text, so the page
//! right after creating a connection says exactly where the URL and secret go.

use checkpoint_core::connections::ConnectionKind;

/// The steps, in order, on the tool's own screens.
pub fn steps(kind: ConnectionKind) -> Vec<&'static str> {
    match kind {
        ConnectionKind::Github => vec![
            "In the repository (or organisation) on GitHub, open Settings → Webhooks → Add webhook.",
            "Payload URL: the hook URL above. Content type: application/json. Secret: the secret above.",
            "Which events: choose “Let me select individual events” and tick Pushes, Deployment statuses, Workflow runs and Issues.",
            "Keep Active ticked and click Add webhook: GitHub sends a ping, which appears in this connection’s delivery log.",
        ],
        ConnectionKind::Gitlab => vec![
            "In the project (or group) on GitLab, open Settings → Webhooks → Add new webhook.",
            "URL: the hook URL above. Secret token: the secret above.",
            "Trigger: tick Push events (all branches, or the default branch only), Deployment events and Issues events.",
            "Click Add webhook, then Test → Push events: the test delivery appears in this connection’s delivery log.",
        ],
        ConnectionKind::Pagerduty => vec![
            "In PagerDuty, open Integrations → Generic Webhooks (v3) → New Webhook.",
            "Webhook URL: the hook URL above. Scope type: Service, and pick the service (or Account for all).",
            "Event subscription: tick only incident.triggered and incident.resolved, then click Add Webhook.",
            "PagerDuty shows the subscription’s signing secret once: paste it below, under “Signing secret (from PagerDuty)”.",
        ],
        ConnectionKind::Alertmanager => vec![
            "Add the receiver below to alertmanager.yml (the secret is its bearer credential).",
            "Route the alerts that should count as incidents to it (the connection also keeps only those its matchers select).",
            "Reload Alertmanager (SIGHUP, or POST /-/reload): the next alert it sends appears in this connection’s delivery log.",
        ],
    }
}

/// The `receivers:` entry for alertmanager.yml.
pub fn alertmanager_receiver(hook_url: &str, secret: &str) -> String {
    format!(
        "receivers:\n  - name: checkpoint\n    webhook_configs:\n      - url: {hook_url}\n        send_resolved: true\n        http_config:\n          authorization:\n            type: Bearer\n            credentials: {secret}\n"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_has_three_to_five_steps() {
        for kind in ConnectionKind::ALL {
            assert!((3..=5).contains(&steps(kind).len()), "{kind:?}");
        }
    }

    #[test]
    fn the_alertmanager_snippet_is_yaml_with_the_url_and_bearer_secret() {
        let yaml = alertmanager_receiver("https://cp.example/api/v1/hooks/alertmanager/abc", "s3cret");
        assert!(yaml.contains("      - url: https://cp.example/api/v1/hooks/alertmanager/abc\n"));
        assert!(yaml.contains("            credentials: s3cret\n"));
        assert!(yaml.contains("            type: Bearer\n"));
    }
}
