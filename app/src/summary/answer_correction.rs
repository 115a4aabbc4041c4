//! The part of a correction that corrects locked answers: one field per
//! question, blank to keep the answer the room locked.

use checkpoint_core::live::answer::AnswerKind;
use checkpoint_core::summary::Summary;
use leptos::prelude::*;

use checkpoint_core::summary::answers::answer_text;

#[component]
pub fn AnswerCorrections(summary: Summary) -> impl IntoView {
    let edition = summary.edition();
    view! {
        <details class="answer-corrections">
            <summary>"Correct a locked answer"</summary>
            <p class="hint">"Only if the group's answer was recorded wrongly; say so in the reason above. Leave a question on “Keep” to keep its answer."</p>
            {summary.answers.into_iter().filter_map(|a| {
                let kind = AnswerKind::of(edition, a.question)?;
                let field = a.question.id();
                let input_id = format!("correct-{field}");
                let current = answer_text(edition, a.question, a.locked.as_deref());
                let title = checkpoint_core::live::Stage::of_metric(a.question).label_in(edition);
                Some(match kind {
                    AnswerKind::Choice { question } => view! {
                        <label for=input_id.clone()>{title}</label>
                        <select id=input_id name=field>
                            <option value="">{format!("Keep: {current}")}</option>
                            {question.answers_best_first().map(|c| view! { <option value=c.id()>{c.label()}</option> }).collect_view()}
                        </select>
                    }.into_any(),
                    AnswerKind::Percent => view! {
                        <label for=input_id.clone()>{format!("{title} (%)")}</label>
                        <input type="number" id=input_id name=field min="0" max="100" step="1" inputmode="numeric" placeholder=format!("Keep: {current}")/>
                    }.into_any(),
                })
            }).collect_view()}
        </details>
    }
}
