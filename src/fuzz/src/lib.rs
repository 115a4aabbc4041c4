//! The promises of `checkpoint_core::ingest`, checked on every event a parser
//! accepts. Both fuzz targets use these, so the JSON API and the CSV import
//! are held to the same rules.

use std::collections::HashSet;

use checkpoint_core::ingest::{DeploymentEvent, IncidentEvent, MAX_ID, MAX_SERVICE};

/// Non-blank and at most `max` characters (not bytes).
pub fn check_bounded(what: &str, value: &str, max: usize) {
    assert!(!value.trim().is_empty(), "{what} is blank: {value:?}");
    let n = value.chars().count();
    assert!(n <= max, "{what} has {n} characters, more than {max}");
}

pub fn check_deployment(d: &DeploymentEvent) {
    check_bounded("deployment id", &d.id, MAX_ID);
    check_bounded("deployment service", &d.service, MAX_SERVICE);
    if let Some(s) = d.started_at {
        assert!(
            s <= d.finished_at,
            "deployment {:?} started at {s}, after it finished at {}",
            d.id,
            d.finished_at
        );
    }
    let mut shas = HashSet::new();
    for (i, c) in d.commits.iter().enumerate() {
        assert!(
            c.committed_at <= d.finished_at,
            "deployment {:?}: commits[{i}] committed at {}, after the deployment finished at {}",
            d.id,
            c.committed_at,
            d.finished_at
        );
        assert!(
            shas.insert(c.sha.as_str()),
            "deployment {:?}: sha {:?} listed twice",
            d.id,
            c.sha
        );
    }
    for (i, s) in d.stages.iter().enumerate() {
        assert!(
            s.started_at <= s.finished_at,
            "deployment {:?}: stages[{i}] started at {}, after it finished at {}",
            d.id,
            s.started_at,
            s.finished_at
        );
    }
}

pub fn check_incident(i: &IncidentEvent) {
    check_bounded("incident id", &i.id, MAX_ID);
    check_bounded("incident service", &i.service, MAX_SERVICE);
    if let Some(r) = i.resolved_at {
        assert!(
            r >= i.opened_at,
            "incident {:?} resolved at {r}, before it was opened at {}",
            i.id,
            i.opened_at
        );
        if let Some(s) = i.started_at {
            assert!(r >= s, "incident {:?} resolved at {r}, before it started at {s}", i.id);
        }
    }
}
