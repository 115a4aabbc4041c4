//! The squad's measured metrics inside a checkpoint: after each question's
//! reveal, the measured answer beside the votes with why; at the maturity
//! stage, measured and voted side by side.

use checkpoint_core::dora::current::Metric;
use checkpoint_core::dora::{assess, Question};
use checkpoint_core::live::state::locked_input;
use checkpoint_core::measured::report::{answer_label, answer_of, explain, explain_metric};
use checkpoint_core::measured::Measured;
use leptos::prelude::*;

use super::link::use_live;
use crate::metrics::cards::MeasuredAnswer;
use crate::metrics::window_label;

#[server(endpoint = "checkpoint_measured")]
pub async fn checkpoint_measured(id: String) -> Result<Option<Measured>, ServerFnError> {
    use crate::context::{app_context, into_server_error, require_participant};
    require_participant(&id).await?;
    app_context()?
        .store
        .checkpoint_measured(&id)
        .await
        .map_err(into_server_error)
}

/// The checkpoint's measured metrics, loaded once per page (see `CheckpointPage`).
#[derive(Clone, Copy)]
pub struct MeasuredData(pub Resource<Result<Option<Measured>, ServerFnError>>);

fn measured_resource() -> Resource<Result<Option<Measured>, ServerFnError>> {
    expect_context::<MeasuredData>().0
}

/// What the pipelines measured for `metric` in a current edition, and why:
/// recovery time and the two percentages as 7.6 defines them.
pub fn current_measured(m: &Measured, metric: Metric) -> (String, String) {
    let label = match metric {
        Metric::LeadTime | Metric::DeployFrequency => {
            let q = metric.legacy_question().expect("a section 1 question");
            answer_label(q, answer_of(m, q))
        }
        Metric::TimeToRestore => answer_label(Question::TimeToRestore, m.failed_deployment_recovery.answer.as_deref()),
        Metric::ChangeFailureRate => percent_label(m.change_failure_rate.percent),
        Metric::ReworkRate => percent_label(m.rework_rate.percent),
    };
    (label, explain_metric(m, metric))
}

fn percent_label(p: Option<u32>) -> String {
    p.map_or_else(|| "No data".to_string(), |p| format!("{p} %"))
}

/// Under a revealed question: what the pipelines say.
#[component]
pub fn MeasuredBesideVotes(question: Metric) -> impl IntoView {
    let measured = measured_resource();
    let live = use_live();
    let edition = live.peek(|v| v.info.benchmark);
    view! {
        <Transition fallback=|| ()>
            {move || measured.get().and_then(Result::ok).flatten().map(|m| view! {
                <aside class="measured-beside" data-testid="measured-answer" aria-label="Measured from deployments and incidents">
                    <p class="muted">{format!("From the squad's deployments and incidents, {}:", window_label(m.window))}</p>
                    {match (edition.current(), question.legacy_question()) {
                        (None, Some(q)) => view! { <MeasuredAnswer measured=m question=q/> }.into_any(),
                        _ => {
                            let (label, why) = current_measured(&m, question);
                            let no_data = label == "No data";
                            view! {
                                <div class="measured-answer" class:no-data=no_data>
                                    <p class="measured-label">"Measured: "<strong>{label}</strong></p>
                                    <details>
                                        <summary>"Why this answer"</summary>
                                        <p>{why}</p>
                                    </details>
                                </div>
                            }.into_any()
                        }
                    }}
                </aside>
            })}
        </Transition>
    }
}

/// The "why" of the measured level: where it comes from when there is one;
/// else that it needs all four metrics, naming those without data.
fn maturity_why(measured: bool, missing: Vec<&str>) -> String {
    match (measured, missing.as_slice()) {
        (true, _) => "From the four measured answers above, on the same thresholds as the vote.".to_string(),
        (false, []) => "The measured level needs all four metrics.".to_string(),
        (false, missing) => format!(
            "The measured level needs all four metrics; no data yet for {}.",
            missing.join(", ")
        ),
    }
}

/// At the maturity stage: the group's answers beside the measured ones.
#[component]
pub fn VotedAndMeasured(voted: Vec<Option<String>>) -> impl IntoView {
    let measured = measured_resource();
    let live = use_live();
    view! {
        <Transition fallback=|| ()>
            {move || measured.get().map(|result| match result.ok().flatten() {
                None => view! {
                    <p class="hint">"No measured metrics: this squad's pipelines have not sent deployments or incidents yet (see the squad page for API tokens)."</p>
                }.into_any(),
                Some(m) => {
                    let benchmark = live.peek(|v| v.info.benchmark);
                    let voted_level = {
                        let locked: [Option<&str>; 4] = std::array::from_fn(|i| voted.get(i).and_then(|id| id.as_deref()));
                        locked_input(locked, benchmark).map(|input| assess(&input))
                    };
                    view! {
                        <table class="data-table voted-measured" data-testid="voted-measured">
                            <caption>{format!("Voted and measured ({})", window_label(m.window))}</caption>
                            <thead><tr><th scope="col">"Metric"</th><th scope="col">"Voted"</th><th scope="col">"Measured"</th><th scope="col">"Why"</th></tr></thead>
                            <tbody>
                                {Question::ALL.into_iter().zip(voted.clone()).map(|(q, v)| {
                                    let measured_id = answer_of(&m, q).map(str::to_string);
                                    let agree = measured_id.is_some() && measured_id == v;
                                    view! {
                                        <tr class:agree=agree>
                                            <th scope="row">{q.title()}</th>
                                            <td>{answer_label(q, v.as_deref())}</td>
                                            <td>{answer_label(q, measured_id.as_deref())}</td>
                                            <td>{explain(&m, q)}</td>
                                        </tr>
                                    }
                                }).collect_view()}
                                <tr>
                                    <th scope="row">"Maturity"</th>
                                    <td>{voted_level.map_or_else(|| "–".to_string(), |a| format!("{}, percentile {}", a.level.label(), a.percentile))}</td>
                                    <td data-testid="measured-level">{m.maturity.as_ref().map_or_else(|| "Not enough data".to_string(), |x| format!("{}, percentile {}", x.level.label(), x.percentile))}</td>
                                    <td>{maturity_why(m.maturity.is_some(), Question::ALL.into_iter().filter(|q| answer_of(&m, *q).is_none()).map(Question::title).collect())}</td>
                                </tr>
                            </tbody>
                        </table>
                    }.into_any()
                }
            })}
        </Transition>
    }
}
