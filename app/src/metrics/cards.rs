//! The four measured metrics as cards: the answer, and why.

use checkpoint_core::dora::Question;
use checkpoint_core::measured::report::{answer_label, answer_of, explain};
use checkpoint_core::measured::Measured;
use leptos::prelude::*;

pub fn question_title(q: Question) -> &'static str {
    match q {
        Question::LeadTime => "Lead time for changes",
        Question::DeployFrequency => "Deployment frequency",
        Question::TimeToRestore => "Time to restore service",
        Question::ChangeFailureRate => "Change failure rate",
    }
}

/// One metric: its measured answer and the numbers behind it.
#[component]
pub fn MeasuredAnswer(measured: Measured, question: Question) -> impl IntoView {
    let answer = answer_of(&measured, question).map(str::to_string);
    let label = answer_label(question, answer.as_deref());
    view! {
        <div class="measured-answer" class:no-data=answer.is_none()>
            <p class="measured-label">"Measured: "<strong>{label}</strong></p>
            <details>
                <summary>"Why this answer"</summary>
                <p>{explain(&measured, question)}</p>
            </details>
        </div>
    }
}

/// The four metrics side by side, with the measured maturity.
#[component]
pub fn MetricCards(measured: Measured) -> impl IntoView {
    let maturity = measured.maturity.clone();
    view! {
        <div class="metric-cards">
            {Question::ALL.into_iter().map(|q| view! {
                <section class="card metric-card">
                    <h3>{question_title(q)}</h3>
                    <MeasuredAnswer measured=measured.clone() question=q/>
                </section>
            }).collect_view()}
        </div>
        <p class="measured-maturity">{match maturity {
            Some(m) => format!("Measured maturity: {}, percentile {}", m.level.label(), m.percentile),
            None => "Measured maturity: not enough data (it needs all four metrics).".to_string(),
        }}</p>
    }
}
