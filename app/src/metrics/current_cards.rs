//! The two measured figures the 2024 and 2025 editions add (section 7.6),
//! as cards beside the four: rework rate and failed deployment recovery time,
//! each with why.

use checkpoint_core::dora::Question;
use checkpoint_core::measured::provenance::Provenance;
use checkpoint_core::measured::report::{answer_label, explain_recovery, explain_rework};
use checkpoint_core::measured::Measured;
use leptos::prelude::*;

use super::provenance::{failure_line, incident_line, WhyList};

#[component]
fn Card(
    title: &'static str,
    testid: &'static str,
    value: Option<String>,
    why: String,
    #[prop(optional)] lines: Vec<String>,
) -> impl IntoView {
    let no_data = value.is_none();
    view! {
        <section class="card metric-card" data-testid=testid>
            <h3>{title}</h3>
            <div class="measured-answer" class:no-data=no_data>
                <p class="measured-label">"Measured: "<strong>{value.unwrap_or_else(|| "No data".to_string())}</strong></p>
                <details>
                    <summary>"Why this answer"</summary>
                    <p>{why}</p>
                    <WhyList lines heading="The failed changes and their links:"/>
                </details>
            </div>
        </section>
    }
}

#[component]
pub fn CurrentMetricCards(measured: Measured, #[prop(optional)] provenance: Option<Provenance>) -> impl IntoView {
    // Recovery is taken over the linked incidents resolved in the window and the failed deployments.
    let lines: Vec<String> = provenance
        .iter()
        .flat_map(|p| {
            p.incidents
                .iter()
                .filter(|i| i.link.is_some() && i.resolved_at.is_some_and(|r| measured.window.contains(r)))
                .map(incident_line)
                .chain(p.failed.iter().filter(|d| d.status_failed).map(failure_line))
        })
        .collect();
    let recovery = measured.failed_deployment_recovery.answer.clone();
    let recovery = recovery.map(|a| answer_label(Question::TimeToRestore, Some(&a)));
    let rework = measured.rework_rate.percent.map(|p| format!("{p} %"));
    view! {
        <h2 class="metric-cards-heading">"Also measured for the 2024 and 2025 editions"</h2>
        <div class="metric-cards">
            <Card title="Failed deployment recovery time" testid="card-recovery" value=recovery why=explain_recovery(&measured) lines/>
            <Card title="Deployment rework rate" testid="card-rework" value=rework why=explain_rework(&measured)/>
        </div>
    }
}
