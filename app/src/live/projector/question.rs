//! A question on the projector: its wording and the live "N of M voted"
//! while the votes are secret, then the reveal's distribution.

use checkpoint_core::dora::current::Metric;
use checkpoint_core::live::answer::{wording, AnswerKind};
use checkpoint_core::live::Phase;
use leptos::prelude::*;

use crate::live::link::use_live;
use crate::live::stages::{Distribution, PercentStrip};

#[component]
pub(super) fn ProjectorQuestion(question: Metric) -> impl IntoView {
    let live = use_live();
    let edition = live.peek(|v| v.info.benchmark);
    let kind = live.peek(|v| v.question(question).map(|q| q.kind));
    let (title, prompt, _) = wording(edition, question);
    let phase = live.select(move |v| v.question(question).expect("every question has a view").phase);
    let voted = live.select(move |v| {
        let q = v.question(question).expect("every question has a view");
        (q.voters.len(), q.expected)
    });
    view! {
        <h2 id="stage-heading">{title}</h2>
        <p class="projector-lead">{prompt}</p>
        <p class="projector-count" data-testid="projector-vote-count">{move || {
            let (n, expected) = voted.get();
            format!("{n} of {} voted", expected.max(n))
        }}</p>
        {move || match (phase.get(), kind) {
            (Phase::Voting, _) => view! { <p class="projector-lead muted">"Votes stay secret until the facilitator reveals them."</p> }.into_any(),
            (_, Some(AnswerKind::Choice { question: choices })) => view! { <Distribution question choices/> }.into_any(),
            _ => view! { <PercentStrip question/> }.into_any(),
        }}
    }
}
