//! The maturity stage: the level and percentile the locked answers give.

use checkpoint_core::dora::chart::per_metric;
use checkpoint_core::dora::current::Metric;
use checkpoint_core::dora::{assess, Question};
use leptos::prelude::*;

use crate::chart::{PerMetricView, PerformanceChart, RecommendedCapabilities};
use crate::live::controls::NextStage;
use crate::live::link::use_live;

#[component]
pub fn MaturityStage() -> impl IntoView {
    let live = use_live();
    let locked = live.select(move |v| {
        let locked: Vec<Option<String>> = Question::ALL
            .iter()
            .map(|q| v.question(Metric::of_question(*q)).and_then(|x| x.locked.clone()))
            .collect();
        (locked, v.locked_input(), v.info.industry)
    });
    view! {
        <h2 id="stage-heading">"Maturity"</h2>
        {move || locked.with(|(locked, input, industry)| {
            let industry = *industry;
            let Some(input) = *input else {
                let missing: Vec<&str> = Question::ALL.iter().zip(locked.iter()).filter(|(_, l)| l.is_none()).map(|(q, _)| q.title()).collect();
                return view! {
                    <p class="empty-state">{format!("Lock the group's answer on every question to see the maturity. Still open: {}.", missing.join(", "))}</p>
                }.into_any();
            };
            let result = assess(&input);
            let rows = per_metric(&input, industry);
            view! {
                <p class="level-line">
                    <span class=format!("level-badge level-{}", result.level.id()) data-testid="level">{result.level.label()}</span>
                    <span class="percentile" data-testid="percentile">{format!("Better than {} % of {} respondents", result.percentile, result.benchmark.id())}</span>
                </p>
                <PerformanceChart benchmark=result.benchmark percentile=result.percentile level=result.level/>
                <h3>"Per metric"</h3>
                <PerMetricView rows industry/>
                <crate::live::measured::VotedAndMeasured voted=locked.to_vec()/>
                <RecommendedCapabilities level=result.level/>
            }.into_any()
        })}
        <NextStage/>
    }
}
