//! The four measured metrics as cards: the answer, and why.

use checkpoint_core::dora::Question;
use checkpoint_core::measured::provenance::Provenance;
use checkpoint_core::measured::report::{answer_label, answer_of, explain};
use checkpoint_core::measured::Measured;
use leptos::prelude::*;

use super::provenance::{failure_line, incident_line, WhyList};

pub fn question_title(q: Question) -> &'static str {
    match q {
        Question::LeadTime => "Lead time for changes",
        Question::DeployFrequency => "Deployment frequency",
        Question::TimeToRestore => "Time to restore service",
        Question::ChangeFailureRate => "Change failure rate",
    }
}

/// The failed deployments or incidents behind one metric's answer, with how
/// each is linked and who sent it (none for lead time and frequency).
fn why_lines(measured: &Measured, question: Question, provenance: &Provenance) -> (&'static str, Vec<String>) {
    match question {
        Question::ChangeFailureRate => (
            "The failed deployments:",
            provenance.failed.iter().map(failure_line).collect(),
        ),
        Question::TimeToRestore => (
            "The incidents resolved in the window:",
            provenance
                .incidents
                .iter()
                .filter(|i| i.resolved_at.is_some_and(|r| measured.window.contains(r)))
                .map(incident_line)
                .collect(),
        ),
        Question::LeadTime | Question::DeployFrequency => ("", Vec::new()),
    }
}

/// One metric: its measured answer and the numbers behind it (with the
/// squad page's provenance, the deployments and incidents too).
#[component]
pub fn MeasuredAnswer(
    measured: Measured,
    question: Question,
    #[prop(optional)] provenance: Option<Provenance>,
) -> impl IntoView {
    let answer = answer_of(&measured, question).map(str::to_string);
    let label = answer_label(question, answer.as_deref());
    let (heading, lines) = provenance
        .as_ref()
        .map(|p| why_lines(&measured, question, p))
        .unwrap_or_default();
    view! {
        <div class="measured-answer" class:no-data=answer.is_none()>
            <p class="measured-label">"Measured: "<strong>{label}</strong></p>
            <details>
                <summary>"Why this answer"</summary>
                <p>{explain(&measured, question)}</p>
                <WhyList lines heading/>
            </details>
        </div>
    }
}

/// The four metrics side by side, with the measured maturity.
#[component]
pub fn MetricCards(measured: Measured, #[prop(optional)] provenance: Option<Provenance>) -> impl IntoView {
    let maturity = measured.maturity.clone();
    view! {
        <div class="metric-cards">
            {Question::ALL.into_iter().map(|q| view! {
                <section class="card metric-card">
                    <h3>{question_title(q)}</h3>
                    {match provenance.clone() {
                        Some(p) => view! { <MeasuredAnswer measured=measured.clone() question=q provenance=p/> }.into_any(),
                        None => view! { <MeasuredAnswer measured=measured.clone() question=q/> }.into_any(),
                    }}
                </section>
            }).collect_view()}
        </div>
        <p class="measured-maturity">{match maturity {
            Some(m) => format!("Measured maturity: {}, percentile {}", m.level.label(), m.percentile),
            None => "Measured maturity: not enough data (it needs all four metrics).".to_string(),
        }}</p>
    }
}
