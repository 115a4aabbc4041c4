//! The Performance stage of the current editions: the locked answers scored 0
//! to 10 as the quick check draws them, voted and measured side by side,
//! compared with the squad's industry.

use checkpoint_core::dora::current::result::Comparisons;
use checkpoint_core::dora::current::{CurrentAssessment, IndustryKey};
use checkpoint_core::live::Stage;
use checkpoint_core::measured::current::{assessment, MeasuredAssessment};
use leptos::prelude::*;

use crate::current_scores::{answer_texts, ScoreSummary};
use crate::live::controls::NextStage;
use crate::live::link::use_live;
use crate::live::measured::{current_measured, MeasuredData};

#[component]
pub fn PerformanceStage() -> impl IntoView {
    let live = use_live();
    let edition = live.peek(|v| v.info.benchmark);
    let (industry, org_size) = live.peek(|v| (v.info.industry, v.info.org_size));
    let locked = live.select(move |v| {
        let missing: Vec<&'static str> = v
            .questions
            .iter()
            .filter(|q| q.locked.is_none())
            .map(|q| Stage::of_metric(q.question).label_in(edition))
            .collect();
        (v.locked_current(), missing)
    });
    view! {
        <h2 id="stage-heading">"Performance"</h2>
        {move || locked.with(|(answers, missing)| {
            let Some(answers) = answers else {
                return view! {
                    <p class="empty-state">{format!("Lock the group's answer on every question to see the scores. Still open: {}.", missing.join(", "))}</p>
                }.into_any();
            };
            let e = answers.edition();
            let comparison = Comparisons::of(e, IndustryKey::from_legacy(industry), org_size);
            let voted = CurrentAssessment::of(answers, comparison);
            view! {
                <div class="side-by-side">
                    <section class="scores-panel" data-testid="voted-scores" aria-labelledby="voted-scores-heading">
                        <h3 id="voted-scores-heading">"Voted"</h3>
                        <ScoreSummary benchmark=voted.comparison.industry also=voted.comparison.org_size assessment=voted by="industry" answers=answer_texts(answers)/>
                    </section>
                    <MeasuredScores edition=e/>
                </div>
            }.into_any()
        })}
        <NextStage/>
    }
}

#[component]
fn MeasuredScores(edition: checkpoint_core::dora::current::Edition) -> impl IntoView {
    let measured = expect_context::<MeasuredData>().0;
    let live = use_live();
    let (industry, org_size) = live.peek(|v| (v.info.industry, v.info.org_size));
    view! {
        <section class="scores-panel" data-testid="measured-scores" aria-labelledby="measured-scores-heading">
            <h3 id="measured-scores-heading">"Measured"</h3>
            <Transition fallback=|| view! { <p class="muted">"Loading the measured metrics…"</p> }>
                {move || measured.get().map(|r| match r.ok().flatten() {
                    None => view! { <p class="hint">"No measured metrics: this squad's pipelines have not sent deployments or incidents yet (see the squad page for API tokens)."</p> }.into_any(),
                    Some(m) => match assessment(&m, edition.into(), industry, org_size) {
                        Some(MeasuredAssessment::Current(a)) => {
                            let a = *a;
                            let answers = edition.metrics().iter().map(|x| (*x, current_measured(&m, *x).0)).collect();
                            view! { <ScoreSummary benchmark=a.comparison.industry also=a.comparison.org_size assessment=a by="industry" answers/> }.into_any()
                        }
                        _ => view! {
                            <p class="hint">"Not enough data to score every metric:"</p>
                            <ul class="measured-gaps">
                                {edition.metrics().iter().map(|x| {
                                    let (label, why) = current_measured(&m, *x);
                                    view! { <li><strong>{x.title()}</strong>": "{label}" · "<span class="muted">{why}</span></li> }
                                }).collect_view()}
                            </ul>
                        }.into_any(),
                    },
                })}
            </Transition>
        </section>
    }
}
