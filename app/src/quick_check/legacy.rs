//! The quick check in a legacy edition (2019, 2021, 2022): four questions in,
//! level, percentile and recommendations out, exactly as before the current
//! editions arrived.

use checkpoint_core::dora::baselines::Industry;
use checkpoint_core::dora::{assess, chart, AssessmentInput, Benchmark, Question};
use leptos::prelude::*;

use super::answer_radios::AnswerRadios;
use leptos_router::components::Form;
use leptos_router::hooks::use_query_map;

use crate::chart::{PerMetricView, PerformanceChart, RecommendedCapabilities};

#[component]
pub fn LegacyCheck() -> impl IntoView {
    let query = use_query_map();
    let param = move |name: &str| query.with(|q| q.get(name));
    let submitted = move || Question::ALL.iter().any(|q| param(q.id()).is_some());
    let parsed = move || {
        AssessmentInput::parse(
            param("lead_time").as_deref(),
            param("deploy_frequency").as_deref(),
            param("time_to_restore").as_deref(),
            param("change_failure_rate").as_deref(),
            param("benchmark").as_deref(),
        )
    };
    let industry = move || {
        param("industry")
            // A current key (as a squad's form sends) names the same industry.
            .and_then(|i| checkpoint_core::dora::current::IndustryKey::from_any(&i))
            .map(checkpoint_core::dora::current::IndustryKey::legacy)
            .unwrap_or_default()
    };
    let benchmark_selected = move |b: Benchmark| param("benchmark").map_or(b == Benchmark::default(), |p| p == b.id());

    view! {
        <p class="lead">"Answer four questions about the primary application or service your squad works on to see its delivery performance level, how it compares with others, and which capabilities to improve next. Nothing is stored."</p>
        <div class="two-col">
            <Form method="GET" action=super::FORM_ACTION attr:class="form quick-check-form" attr:aria-label="Quick check questions">
                {Question::ALL.into_iter().enumerate().map(|(i, q)| view! {
                    <fieldset class="question" id=format!("q-{}", q.id())>
                        <legend><span class="question-number">{format!("{} of 4 · ", i + 1)}</span>{q.title()}</legend>
                        <p class="prompt">{q.prompt()}</p>
                        <AnswerRadios question=q chosen=Signal::derive(move || param(q.id()))/>
                        <p class="hint tip"><strong>"Tip: "</strong>{q.tip()}</p>
                    </fieldset>
                }).collect_view()}
                <div class="form-row">
                    <div>
                        <label for="benchmark">"Compare with"</label>
                        <select id="benchmark" name="benchmark">
                            {Benchmark::ALL.into_iter().map(|b| view! {
                                <option value=b.id() selected=move || benchmark_selected(b)>{format!("{} respondents", b.id())}</option>
                            }).collect_view()}
                        </select>
                    </div>
                    <div>
                        <label for="industry">"Industry baseline"</label>
                        <select id="industry" name="industry">
                            {Industry::ALL.into_iter().map(|ind| view! {
                                <option value=ind.id() selected=move || industry() == ind>{ind.label()}</option>
                            }).collect_view()}
                        </select>
                    </div>
                </div>
                <button type="submit" class="button primary">"Show my result"</button>
            </Form>
            <section class="result" id="result" aria-live="polite" aria-labelledby="result-heading">
                <h2 id="result-heading">"Your result"</h2>
                {move || match (submitted(), parsed()) {
                    (false, _) => view! { <p class="empty-state">"Answer the four questions and press “Show my result”. Your level, percentile and recommended capabilities appear here."</p> }.into_any(),
                    (true, Err(e)) => view! {
                        <p class="notice notice-error" role="alert" data-field=e.field.clone()>
                            {format!("Please check “{}”: {}", Question::from_id(&e.field).map_or(e.field.as_str(), |q| q.title()), e.message)}
                        </p>
                    }.into_any(),
                    (true, Ok(input)) => view! { <QuickCheckResult input industry=industry()/> }.into_any(),
                }}
            </section>
        </div>
    }
}

#[component]
fn QuickCheckResult(input: AssessmentInput, industry: Industry) -> impl IntoView {
    let result = assess(&input);
    let rows = chart::per_metric(&input, industry);
    view! {
        <div class="result-summary">
            <p class="level-line">
                <span class=format!("level-badge level-{}", result.level.id())>{result.level.label()}</span>
                <span class="percentile" data-testid="percentile">{format!("Better than {} % of {} respondents", result.percentile, result.benchmark.id())}</span>
            </p>
            <p class="muted small">{format!("Average answer {} of 6.", two_decimals(input.answers().iter().map(|a| u32::from(a.code())).sum::<u32>() * 25))}</p>
        </div>
        <PerformanceChart benchmark=result.benchmark percentile=result.percentile level=result.level/>
        <h3>"Per metric"</h3>
        <PerMetricView rows industry/>
        <RecommendedCapabilities level=result.level/>
    }
}

/// `hundredths` as "4.75"; integer formatting keeps float formatting out of the wasm.
fn two_decimals(hundredths: u32) -> String {
    format!("{}.{:02}", hundredths / 100, hundredths % 100)
}
