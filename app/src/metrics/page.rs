//! The squad metrics page: the four metrics over a window with why, week by
//! week, per service, time per pipeline stage and deployment durations.

use checkpoint_core::dora::Question;
use checkpoint_core::measured::dates::format_date;
use checkpoint_core::measured::report::{answer_label, answer_of, human_duration, SquadMetrics};
use checkpoint_core::measured::Measured;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

use super::cards::{question_title, MetricCards};
use super::current_cards::CurrentMetricCards;
use super::link_choice::LinkControls;
use super::provenance::LinkProvenance;
use super::window_label;
use crate::layout::ErrorNotice;

#[server(endpoint = "squad_metrics")]
pub async fn load_squad_metrics(
    squad: String,
    from: Option<String>,
    to: Option<String>,
    service: Option<String>,
) -> Result<SquadMetrics, ServerFnError> {
    use crate::context::{app_context, into_server_error, require_user};
    use checkpoint_core::store::measured::Reader;
    use checkpoint_core::store::ServiceError;
    let user = require_user().await?;
    let store = &app_context()?.store;
    let window = super::window_from_dates(from.as_deref(), to.as_deref(), crate::context::now_ms())
        .map_err(|(field, message)| into_server_error(ServiceError::invalid(field, message)))?;
    let service = service.filter(|s| !s.is_empty());
    let scope = store
        .metrics_scope(Reader::User(&user), Some(&squad), service.as_deref())
        .await
        .map_err(into_server_error)?;
    store
        .squad_metrics(&scope, window, Default::default())
        .await
        .map_err(into_server_error)
}

fn seconds(s: Option<f64>) -> String {
    s.map_or_else(|| "–".to_string(), human_duration)
}

fn short(m: &Measured, q: Question) -> String {
    answer_of(m, q).map_or_else(|| "–".to_string(), |_| answer_label(q, answer_of(m, q)))
}

/// "11 % (2 of 19)": rework among the week's successful production deployments.
fn rework(w: &Measured) -> String {
    let r = &w.rework_rate;
    r.percent.map_or("–".to_string(), |p| {
        format!("{p} % ({} of {})", r.rework, r.deployments)
    })
}

/// "2 h (1 incident, 1 failed deployment)": the median and what it is taken over.
fn recovery(w: &Measured) -> String {
    let r = &w.failed_deployment_recovery;
    let plural = |n: usize, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
    format!(
        "{} ({}, {})",
        seconds(r.median_seconds),
        plural(r.incidents, "incident", "incidents"),
        plural(r.failed_deployments, "failed deployment", "failed deployments")
    )
}

#[component]
fn WeekTable(weeks: Vec<Measured>) -> impl IntoView {
    // Eight columns outgrow a phone: the table scrolls, not the page (focusable, so keyboards can scroll it).
    view! {
        <div class="table-scroll" tabindex="0" role="region" aria-label="Week by week">
        <table class="data-table">
            <caption>"Week by week (weeks end on the window's last day)"</caption>
            <thead><tr>
                <th scope="col">"Week ending"</th><th scope="col">"Deployments"</th><th scope="col">"Deploy days"</th>
                <th scope="col">"Lead time (median)"</th><th scope="col">"Change failure rate"</th><th scope="col">"Time to restore (median)"</th>
                <th scope="col">"Rework rate"</th><th scope="col">"Failed deployment recovery (median)"</th>
            </tr></thead>
            <tbody>
                {weeks.into_iter().rev().map(|w| view! {
                    <tr>
                        <th scope="row">{format_date(w.window.to - 1)}</th>
                        <td>{w.deployment_frequency.deployments}</td>
                        <td>{w.deployment_frequency.deploy_days_per_week.map_or("–".to_string(), |d| d.to_string())}</td>
                        <td>{seconds(w.lead_time.median_seconds)}{format!(" ({} commits)", w.lead_time.changes)}</td>
                        <td>{w.change_failure_rate.percent.map_or("–".to_string(), |p| format!("{p} % ({} of {})", w.change_failure_rate.failed, w.change_failure_rate.total))}</td>
                        <td>{seconds(w.time_to_restore.median_seconds)}{format!(" ({} incidents)", w.time_to_restore.incidents)}</td>
                        <td>{rework(&w)}</td>
                        <td>{recovery(&w)}</td>
                    </tr>
                }).collect_view()}
            </tbody>
        </table>
        </div>
    }
}

#[component]
fn ServiceTable(squad: String, services: Vec<(String, Measured)>) -> impl IntoView {
    view! {
        <table class="data-table">
            <caption>"Per service"</caption>
            <thead><tr>
                <th scope="col">"Service"</th>
                {Question::ALL.into_iter().map(|q| view! { <th scope="col">{question_title(q)}</th> }).collect_view()}
            </tr></thead>
            <tbody>
                {services.into_iter().map(|(name, m)| view! {
                    <tr>
                        <th scope="row"><a href=format!("/squads/{squad}/metrics?service={name}")>{name.clone()}</a></th>
                        {Question::ALL.into_iter().map(|q| view! { <td>{short(&m, q)}</td> }).collect_view()}
                    </tr>
                }).collect_view()}
            </tbody>
        </table>
    }
}

fn report(data: SquadMetrics, service: Option<String>, controls: LinkControls) -> impl IntoView {
    let squad = data.squad.clone();
    let window = data.overall.window;
    let empty = data.total_deployments == 0 && data.total_incidents == 0;
    view! {
        <Title text=format!("Metrics · {}", data.squad_name)/>
        <p class="breadcrumb"><a href="/squads">"Squads"</a>" / "<a href=format!("/squads/{squad}")><bdi>{data.squad_name.clone()}</bdi></a></p>
        <h1>"Measured metrics · "<bdi>{data.squad_name.clone()}</bdi>{service.clone().map(|s| format!(" · {s}"))}</h1>
        <p class="muted">{format!("{} ({} days). Production deployments and incidents only; ", window_label(window), window.days())}
            <a href=format!("/squads/{squad}/import")>"import a CSV file"</a>" or send events with an API token."</p>
        {service.map(|_| view! { <p><a href=format!("/squads/{squad}/metrics")>"All services of the squad"</a></p> })}
        {if empty {
            view! {
                <section class="card empty-state">
                    <h2>"No events yet"</h2>
                    <p>"This squad has not sent any deployments or incidents. Create an API token on "<a href=format!("/squads/{squad}")>"the squad page"</a>" and add one step to the delivery pipeline, or import a CSV file."</p>
                </section>
            }.into_any()
        } else {
            view! {
                <MetricCards measured=data.overall.clone() provenance=data.provenance.clone()/>
                <CurrentMetricCards measured=data.overall.clone() provenance=data.provenance.clone()/>
                <LinkProvenance squad=squad.clone() provenance=data.provenance.clone() controls/>
                <WeekTable weeks=data.weeks.clone()/>
                {(!data.services.is_empty()).then(|| view! { <ServiceTable squad=squad.clone() services=data.services.clone()/> })}
                <div class="two-col">
                    <section>
                        <h2>"Lead time by pipeline stage"</h2>
                        {if data.stages.is_empty() {
                            view! { <p class="empty-state">"No deployment in this window reported its stages (add "<code>"stages"</code>" to the events)."</p> }.into_any()
                        } else {
                            view! {
                                <table class="data-table">
                                    <thead><tr><th scope="col">"Stage"</th><th scope="col">"Median time"</th><th scope="col">"Runs"</th></tr></thead>
                                    <tbody>{data.stages.iter().map(|s| view! { <tr><th scope="row">{s.name.clone()}</th><td>{human_duration(s.median_seconds)}</td><td>{s.runs}</td></tr> }).collect_view()}</tbody>
                                </table>
                            }.into_any()
                        }}
                    </section>
                    <section>
                        <h2>"Deployment duration"</h2>
                        <table class="data-table">
                            <thead><tr><th scope="col">"Service"</th><th scope="col">"Median"</th><th scope="col">"Mean"</th><th scope="col">"Deployments (timed)"</th></tr></thead>
                            <tbody>{data.durations.iter().map(|d| view! {
                                <tr><th scope="row">{d.service.clone()}</th><td>{seconds(d.median_seconds)}</td><td>{seconds(d.mean_seconds)}</td><td>{format!("{} ({})", d.deployments, d.timed)}</td></tr>
                            }).collect_view()}</tbody>
                        </table>
                    </section>
                </div>
            }.into_any()
        }}
    }
}

#[component]
pub fn SquadMetricsPage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let slug = move || params.with(|p| p.get("slug")).unwrap_or_default();
    let q = move |k: &str| query.with(|q| q.get(k)).filter(|v| !v.is_empty());
    // Created here, not in the report: a choice reloads the figures it changes.
    let controls = LinkControls::new();
    let data = Resource::new(
        move || {
            (
                slug(),
                q("from"),
                q("to"),
                q("service"),
                controls.action.version().get(),
            )
        },
        |(s, f, t, svc, _)| load_squad_metrics(s, f, t, svc),
    );
    view! {
        <form method="get" class="form inline-form window-form" aria-label="Window">
            <label for="from">"From"</label>
            <input id="from" name="from" type="date" value=move || q("from")/>
            <label for="to">"To"</label>
            <input id="to" name="to" type="date" value=move || q("to")/>
            {move || q("service").map(|s| view! { <input type="hidden" name="service" value=s/> })}
            <button type="submit" class="button">"Show"</button>
            <span class="hint">"Without dates: the 91 days ending now."</span>
        </form>
        <Transition fallback=|| view! { <p class="muted" role="status">"Computing the metrics…"</p> }>
            {move || data.get().map(|result| match result {
                Err(e) => view! { <Title text="Metrics"/><ErrorNotice e/> }.into_any(),
                Ok(d) => report(d, q("service"), controls).into_any(),
            })}
        </Transition>
    }
}
