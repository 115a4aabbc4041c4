//! The quick check in a current edition (2024, 2025): four or five questions,
//! the overall score with throughput and stability, each metric on its 0–10
//! axis beside the chosen benchmark, and the three capabilities of 7.4. No
//! level and no percentile: these editions have none.

use checkpoint_core::dora::current::benchmarks::{industry_rows, org_size_rows};
use checkpoint_core::dora::current::capabilities::RECOMMENDED;
use checkpoint_core::dora::current::{
    assess_current, catalog, CurrentFields, CurrentInput, Edition, Metric, RawPercent,
};
use leptos::prelude::*;
use leptos_router::components::Form;
use leptos_router::hooks::use_query_map;

use super::answer_radios::AnswerRadios;
use super::percent_field::{chosen, shown_name, slider_name, PercentField};
use crate::current_scores::{answer_texts, ScoreSummary};

#[component]
pub fn CurrentCheck(edition: Edition) -> impl IntoView {
    let query = use_query_map();
    let param = move |name: &str| query.with(|q| q.get(name));
    let percent = move |m: Metric| {
        let (typed, slider, shown) = (param(m.id()), param(&slider_name(m)), param(&shown_name(m)));
        chosen(typed.as_deref(), slider.as_deref(), shown.as_deref()).map(str::to_string)
    };
    let submitted = move || {
        edition
            .metrics()
            .iter()
            .any(|m| param(m.id()).is_some() || param(&slider_name(*m)).is_some())
    };
    let parsed = move || {
        let (lt, df, rec) = (param("lead_time"), param("deploy_frequency"), param("time_to_restore"));
        let (cfr, rw) = (percent(Metric::ChangeFailureRate), percent(Metric::ReworkRate));
        let (industry, org_size) = (param("industry"), param("org_size"));
        CurrentInput::parse(&CurrentFields {
            benchmark: Some(edition.id()),
            lead_time: lt.as_deref(),
            deploy_frequency: df.as_deref(),
            time_to_restore: rec.as_deref(),
            change_failure_rate: Some(RawPercent::Text(cfr.as_deref().unwrap_or(""))),
            rework_rate: edition
                .asks(Metric::ReworkRate)
                .then(|| RawPercent::Text(rw.as_deref().unwrap_or(""))),
            industry: industry.as_deref(),
            org_size: org_size.as_deref(),
        })
    };
    let count = edition.metrics().len();
    let count_word = if count == 5 { "five" } else { "four" };

    view! {
        <p class="lead">{format!("Answer {count_word} questions about the primary application or service your squad works on. Each metric is scored from 0 to 10 (10 is best) and compared with the mean and spread of an industry or organisation size. Nothing is stored.")}</p>
        <div class="two-col">
            <Form method="GET" action=super::FORM_ACTION attr:class="form quick-check-form" attr:aria-label="Quick check questions">
                <input type="hidden" name="benchmark" value=edition.id()/>
                {edition.metrics().iter().copied().enumerate().map(|(i, m)| view! {
                    <fieldset class="question" id=format!("q-{}", m.id())>
                        <legend><span class="question-number">{format!("{} of {count} · ", i + 1)}</span>{m.title()}</legend>
                        <p class="prompt">{m.prompt()}</p>
                        {match m.categorical() {
                            Some(q) => view! {
                                <AnswerRadios question=q chosen=Signal::derive(move || param(q.id()))/>
                            }.into_any(),
                            None => view! { <PercentField metric=m value=percent(m)/> }.into_any(),
                        }}
                        <p class="hint tip"><strong>"Tip: "</strong>{m.tip()}</p>
                    </fieldset>
                }).collect_view()}
                <div class="form-row">
                    <div>
                        <label for="industry">"Industry"</label>
                        <select id="industry" name="industry">
                            {industry_rows(edition).iter().map(|r| {
                                let key = r.key.id();
                                view! { <option value=key selected=move || param("industry").as_deref().unwrap_or("all") == key>{r.name}</option> }
                            }).collect_view()}
                        </select>
                    </div>
                    <div>
                        <label for="org_size">"Organisation size"</label>
                        <select id="org_size" name="org_size" aria-describedby="org-size-hint">
                            <option value="" selected=move || param("org_size").is_none_or(|s| s.is_empty())>"Compare by industry"</option>
                            {org_size_rows(edition).iter().map(|r| {
                                let key = r.key.id();
                                view! { <option value=key selected=move || param("org_size").as_deref() == Some(key)>{r.name}</option> }
                            }).collect_view()}
                        </select>
                        <p class="hint small muted" id="org-size-hint">"Pick a size to compare by organisation size instead of industry."</p>
                    </div>
                </div>
                <button type="submit" class="button primary">"Show my result"</button>
            </Form>
            <section class="result" id="result" aria-live="polite" aria-labelledby="result-heading">
                <h2 id="result-heading">"Your result"</h2>
                {move || match (submitted(), parsed()) {
                    (false, _) => view! { <p class="empty-state">{format!("Answer the {count_word} questions and press “Show my result”. Your scores, how they compare and the capabilities to work on appear here.")}</p> }.into_any(),
                    (true, Err(e)) => {
                        let title = Metric::ALL.iter().find(|m| m.id() == e.field).map_or_else(|| field_label(&e.field), |m| m.title());
                        view! {
                            <p class="notice notice-error" role="alert" data-field=e.field.clone()>
                                {format!("Please check “{title}”: {}", e.message)}
                            </p>
                        }.into_any()
                    }
                    (true, Ok(input)) => view! { <CurrentResult input/> }.into_any(),
                }}
            </section>
        </div>
    }
}

fn field_label(field: &str) -> &'static str {
    match field {
        "industry" => "Industry",
        "org_size" => "Organisation size",
        _ => "Edition",
    }
}

#[component]
fn CurrentResult(input: CurrentInput) -> impl IntoView {
    let a = assess_current(&input);
    // Compared by organisation size when one was picked, else by industry.
    let (benchmark, by) = match a.comparison.org_size {
        Some(c) => (c, "organisation size"),
        None => (a.comparison.industry, "industry"),
    };
    view! {
        <ScoreSummary assessment=a.clone() benchmark by also=None answers=answer_texts(&input.answers)/>
        <h3>"What's holding you back"</h3>
        <p class="muted small">"DORA recommends these three capabilities to every team."</p>
        <ul class="capabilities">
            {RECOMMENDED.iter().map(|key| {
                let entry = catalog::from_legacy(key.catalog_key()).expect("the recommended capabilities are in the current catalog");
                view! {
                    <li class="capability" data-key=key.id()>
                        <h4>{entry.name}</h4>
                        <p>{entry.description()}</p>
                        <p class="capability-links">
                            <a href=format!("/capabilities?q={}", entry.legacy().name.replace(' ', "+"))>{format!("{} in the catalog", entry.name)}</a>
                            " · "
                            <a href=entry.url() rel="noopener" target="_blank">{format!("Read about {} on dora.dev", entry.name.to_lowercase())}<span class="visually-hidden">" (opens in a new tab)"</span></a>
                        </p>
                    </li>
                }
            }).collect_view()}
        </ul>
    }
}
