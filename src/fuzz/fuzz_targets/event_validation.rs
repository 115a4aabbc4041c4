//! The JSON bodies of `POST /api/v1/deployments` and `/incidents`: any bytes
//! may be refused, none may panic, and every accepted event keeps the rules.
#![no_main]

use checkpoint_core::ingest::{json, MAX_BATCH};
use checkpoint_fuzz::{check_deployment, check_incident};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(deployments) = json::deployments(data) {
        assert!(
            !deployments.is_empty() && deployments.len() <= MAX_BATCH,
            "{} deployments accepted",
            deployments.len()
        );
        deployments.iter().for_each(check_deployment);
    }
    if let Ok(incidents) = json::incidents(data) {
        assert!(
            !incidents.is_empty() && incidents.len() <= MAX_BATCH,
            "{} incidents accepted",
            incidents.len()
        );
        incidents.iter().for_each(check_incident);
    }
});
