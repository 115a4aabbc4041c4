//! The six answers of a section 1 question as a radio group, checked as the
//! page's query says: the one group both the legacy and current checks ask.

use checkpoint_core::dora::Question;
use leptos::prelude::*;

#[component]
pub fn AnswerRadios(question: Question, chosen: Signal<Option<String>>) -> impl IntoView {
    let q = question;
    view! {
        <div class="answers">
            {q.answers_best_first().map(|a| {
                let input_id = format!("{}-{}", q.id(), a.id());
                let label_for = input_id.clone();
                view! {
                    <label class="answer" for=label_for>
                        <input type="radio" id=input_id name=q.id() value=a.id() required
                            checked=move || chosen.get().as_deref() == Some(a.id())/>
                        <span>{a.label()}</span>
                    </label>
                }
            }).collect_view()}
        </div>
    }
}
