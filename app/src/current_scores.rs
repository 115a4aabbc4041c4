//! The result of a current edition (2024, 2025) as the quick check and the
//! live Performance stage both draw it: the overall score with throughput and
//! stability, then each metric on its 0–10 axis beside one benchmark.

use checkpoint_core::dora::current::{Comparison, CurrentAnswers, CurrentAssessment, Metric};
use leptos::prelude::*;

use crate::score_axis::{decimal, ScoreAxis};

/// Each metric's answer as the squad gave it, in the edition's order.
pub fn answer_texts(a: &CurrentAnswers) -> Vec<(Metric, String)> {
    a.edition()
        .metrics()
        .iter()
        .map(|m| {
            let text = match m {
                Metric::LeadTime => a.lead_time().label().to_string(),
                Metric::DeployFrequency => a.deploy_frequency().label().to_string(),
                Metric::TimeToRestore => a.time_to_restore().label().to_string(),
                Metric::ChangeFailureRate => format!("{} %", a.change_failure_rate().get()),
                Metric::ReworkRate => a.rework_rate().map_or_else(String::new, |p| format!("{} %", p.get())),
            };
            (*m, text)
        })
        .collect()
}

/// `by` says what `benchmark` is ("industry", "organisation size").
#[component]
pub fn ScoreSummary(
    assessment: CurrentAssessment,
    benchmark: Comparison,
    by: &'static str,
    answers: Vec<(Metric, String)>,
    /// The organisation size's benchmark too, when the squad has one.
    also: Option<Comparison>,
) -> impl IntoView {
    let a = assessment;
    let edition = a.benchmark;
    let answer_of = move |m: Metric| {
        answers
            .iter()
            .find(|(x, _)| *x == m)
            .map(|(_, t)| t.clone())
            .unwrap_or_default()
    };
    view! {
        <dl class="score-summary">
            <div class="score-overall">
                <dt>"Overall score"</dt>
                <dd><span class="score-value" data-testid="score">{decimal(a.score)}</span><span class="muted">" of 10"</span></dd>
                <dd class="muted small">{format!("{} ({by}): mean {} ± {}", benchmark.name, decimal(benchmark.score.mean), decimal(benchmark.score.sd))}</dd>
                {also.map(|o| view! {
                    <dd class="muted small" data-testid="org-size-benchmark">{format!("{} (organisation size): mean {} ± {}", o.name, decimal(o.score.mean), decimal(o.score.sd))}</dd>
                })}
            </div>
            <div>
                <dt>"Throughput"</dt>
                <dd><span class="score-value" data-testid="throughput">{decimal(a.throughput)}</span></dd>
                <dd class="muted small">"Lead time, deployment frequency, recovery"</dd>
            </div>
            <div>
                <dt>"Stability"</dt>
                <dd><span class="score-value" data-testid="stability">{decimal(a.stability)}</span></dd>
                <dd class="muted small">{if edition.asks(Metric::ReworkRate) { "Change failure rate, rework rate" } else { "Change failure rate" }}</dd>
            </div>
        </dl>
        <h3>"Per metric"</h3>
        <p class="muted small">{format!("Each metric on 0 to 10, 10 best, beside {} ({by}, {} edition).", benchmark.name, edition.id())}</p>
        <ul class="score-axes">
            {edition.metrics().iter().copied().filter_map(|m| Some((m, a.metrics.metric(m)?, benchmark.metric(m)?))).map(|(m, score, bench)| view! {
                <li><ScoreAxis metric=m score benchmark=bench benchmark_name=benchmark.name answer=answer_of(m)/></li>
            }).collect_view()}
        </ul>
        <p class="legend small score-legend">
            <span class="legend-item"><span class="swatch swatch-band" aria-hidden="true"></span>"Benchmark mean ± standard deviation"</span>
            <span class="legend-item"><span class="swatch swatch-mean" aria-hidden="true"></span>"Benchmark mean"</span>
            <span class="legend-item"><span class="swatch swatch-squad" aria-hidden="true"></span>"Your squad"</span>
        </p>
    }
}
