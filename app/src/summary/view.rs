//! The summary itself, as the page and the room's Summary stage show it.

use checkpoint_core::dora::Benchmark;
use checkpoint_core::summary::answers::{answer_line, answer_text};
use checkpoint_core::summary::{window_text, Summary};
use leptos::prelude::*;

use super::performance::SummaryPerformance;
use crate::chart::PerformanceChart;

#[component]
pub fn SummaryBody(summary: Summary) -> impl IntoView {
    let s = summary;
    let benchmark = Benchmark::from_id(&s.checkpoint.benchmark).unwrap_or_default();
    let measured_row = match &s.measured {
        Some(m) => {
            let (level, pct) = m.maturity.as_ref().map_or(("Not enough data".to_string(), "—".to_string()), |mm| (mm.level.label().to_string(), mm.percentile.to_string()));
            view! { <tr><th scope="row">{format!("Measured ({})", window_text(m))}</th><td data-testid="summary-measured-level">{level}</td><td>{pct}</td></tr> }.into_any()
        }
        None => view! { <tr><th scope="row">"Measured"</th><td colspan="2">"No deployments or incidents sent by this squad"</td></tr> }.into_any(),
    };
    let edition = s.edition();
    let performance = checkpoint_core::summary::performance::performance(&s);
    view! {
        <section aria-labelledby="summary-highlights">
            <h2 id="summary-highlights">"Highlights"</h2>
            {if s.highlights.is_empty() {
                view! { <p class="empty-state">"No highlights written yet."</p> }.into_any()
            } else {
                view! { <div class="highlights" data-testid="highlights">{s.highlights.split("\n\n").map(|p| view! { <p>{p.to_string()}</p> }).collect_view()}</div> }.into_any()
            }}
        </section>
        {match performance.clone() {
            Some(p) => view! { <SummaryPerformance summary=s.clone() performance=p/> }.into_any(),
            None => view! {
        <section aria-labelledby="summary-maturity">
            <h2 id="summary-maturity">"Maturity"</h2>
            {s.voted.map(|v| view! { <PerformanceChart benchmark percentile=v.percentile level=v.level/> })}
            <table class="data-table" data-testid="summary-maturity">
                <thead><tr><th scope="col"></th><th scope="col">"Level"</th><th scope="col">"Percentile"</th></tr></thead>
                <tbody>
                    {match s.voted {
                        Some(v) => view! { <tr><th scope="row">"Voted"</th><td data-testid="summary-voted-level">{v.level.label()}</td><td>{v.percentile}</td></tr> }.into_any(),
                        None => view! { <tr><th scope="row">"Voted"</th><td colspan="2">"Not all four answers are locked"</td></tr> }.into_any(),
                    }}
                    {measured_row}
                </tbody>
            </table>
        </section>
            }.into_any(),
        }}
        <section aria-labelledby="summary-answers">
            <h2 id="summary-answers">"Answers"</h2>
            <table class="data-table reflow" data-testid="summary-answers">
                <thead><tr><th scope="col">"Question"</th><th scope="col">"Locked answer"</th><th scope="col">"Measured"</th><th scope="col">"Votes"</th></tr></thead>
                <tbody>
                    {s.answers.iter().map(|a| {
                        let line = answer_line(&s, a);
                        let total: usize = a.distribution.iter().map(|d| d.votes).sum();
                        let measured_cell = match line.measured.clone() {
                            Some((label, why)) => view! { {label}<br/><small class="muted">{why.unwrap_or_default()}</small> }.into_any(),
                            None => view! { "—" }.into_any(),
                        };
                        view! {
                            <tr>
                                <th scope="row">{line.title}</th>
                                <td data-label="Locked answer">{line.locked.clone()}</td>
                                <td data-label="Measured">{measured_cell}</td>
                                <td data-label="Votes">
                                    {if !a.revealed {
                                        view! { <span class="muted" data-testid="not-revealed">{checkpoint_core::summary::NOT_REVEALED}</span> }.into_any()
                                    } else if a.percent.is_some() {
                                        view! { <span data-testid="summary-percent-votes">{line.votes.clone()}</span> }.into_any()
                                    } else if total == 0 {
                                        view! { "No votes" }.into_any()
                                    } else {
                                        view! {
                                            <ul class="vote-spread">
                                                {a.distribution.iter().filter(|d| d.votes > 0).map(|d| view! {
                                                    <li>{format!("{}: {}", answer_text(edition, a.question, Some(&d.answer)), d.votes)}</li>
                                                }).collect_view()}
                                            </ul>
                                        }.into_any()
                                    }}
                                </td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        </section>
        <section aria-labelledby="summary-focus">
            <h2 id="summary-focus">"Focus capabilities"</h2>
            {if s.focus.is_empty() {
                view! { <p class="empty-state">"No focus confirmed at the Capabilities stage."</p> }.into_any()
            } else {
                view! {
                    <table class="data-table" data-testid="summary-focus">
                        <thead><tr>{checkpoint_core::summary::focus_headers(s.edition()).map(|h| view! { <th scope="col">{h}</th> })}</tr></thead>
                        <tbody>{s.focus.iter().map(|f| view! {
                            <tr>
                                <th scope="row">{f.name.clone()}</th>
                                <td>{f.score_text()}</td>
                                <td>{if f.recommended { "Yes" } else { "No" }}</td>
                            </tr>
                        }).collect_view()}</tbody>
                    </table>
                }.into_any()
            }}
        </section>
        <section aria-labelledby="summary-flow">
            <h2 id="summary-flow">"Delivery flow"</h2>
            {if s.flow.is_empty() {
                view! { <p class="empty-state">"No flow mapped on the board."</p> }.into_any()
            } else {
                view! {
                    <ol class="summary-flow" data-testid="summary-flow">
                        {s.flow.iter().map(|st| view! {
                            <li>
                                <strong>{st.step.clone()}</strong>
                                {(!st.notes.is_empty()).then(|| view! {
                                    <ul>{st.notes.iter().map(|n| view! { <li class=format!("note-chip note-{}", n.kind.id())><crate::live::board::icon::NoteIcon kind=n.kind/>" "{format!("{}: {}", n.kind.label(), n.text)}</li> }).collect_view()}</ul>
                                })}
                            </li>
                        }).collect_view()}
                    </ol>
                }.into_any()
            }}
        </section>
        <section aria-labelledby="summary-improvements">
            <h2 id="summary-improvements">"Top improvements"</h2>
            {if s.improvements.is_empty() {
                view! { <p class="empty-state">"No improvements proposed."</p> }.into_any()
            } else {
                view! {
                    <ol data-testid="summary-improvements">
                        {s.improvements.iter().map(|i| view! {
                            <li>{format!("{} ({}){}", i.text, i.step, i.dots.map(|d| format!(" · {}", checkpoint_core::summary::dots_text(d))).unwrap_or_default())}</li>
                        }).collect_view()}
                    </ol>
                }.into_any()
            }}
        </section>
        <section aria-labelledby="summary-actions">
            <h2 id="summary-actions">"Actions"</h2>
            {if s.actions.is_empty() {
                view! { <p class="empty-state">"No actions agreed."</p> }.into_any()
            } else {
                view! {
                    <table class="data-table reflow" data-testid="summary-actions-table">
                        <thead><tr><th scope="col">"Action"</th><th scope="col">"Owner"</th><th scope="col">"Due"</th><th scope="col">"Capability"</th><th scope="col">"Status"</th></tr></thead>
                        <tbody>{s.actions.iter().map(|a| view! {
                            <tr>
                                <th scope="row">{a.title_text()}</th>
                                <td data-label="Owner"><bdi>{a.owner.clone()}</bdi></td>
                                <td data-label="Due">{a.due.clone().unwrap_or_else(|| "—".into())}</td>
                                <td data-label="Capability">{a.capability_name.clone().unwrap_or_else(|| "—".into())}</td>
                                <td data-label="Status">{a.status.label()}</td>
                            </tr>
                        }).collect_view()}</tbody>
                    </table>
                }.into_any()
            }}
        </section>
        <section aria-labelledby="summary-survey">
            <h2 id="summary-survey">"Survey"</h2>
            {match s.survey.mean_usefulness {
                None if s.survey.responses > 0 => view! {
                    <p class="empty-state" data-testid="survey-withheld">{checkpoint_core::summary::survey_withheld_text(s.survey.responses)}</p>
                }.into_any(),
                None => view! { <p class="empty-state">"No survey responses."</p> }.into_any(),
                Some(mean) => {
                    let sv = s.survey.clone();
                    view! {
                        <p data-testid="survey-aggregate">{format!("{} responses · usefulness {mean} of 5 on average", sv.responses)}</p>
                        <table class="data-table compact">
                            <caption>"How useful was the session? (1 = not at all, 5 = very)"</caption>
                            <thead><tr>{(1..=5).map(|n| view! { <th scope="col">{n}</th> }).collect_view()}</tr></thead>
                            <tbody><tr>{sv.usefulness.iter().map(|n| view! { <td>{*n}</td> }).collect_view()}</tr></tbody>
                        </table>
                        <div class="two-col">
                            <div><h3>"What went well"</h3><CommentList items=sv.went_well.clone()/></div>
                            <div><h3>"What to improve"</h3><CommentList items=sv.to_improve.clone()/></div>
                        </div>
                    }.into_any()
                }
            }}
        </section>
    }
}

#[component]
fn CommentList(items: Vec<String>) -> impl IntoView {
    if items.is_empty() {
        view! { <p class="muted">"Nothing written."</p> }.into_any()
    } else {
        view! { <ul>{items.into_iter().map(|t| view! { <li>{t}</li> }).collect_view()}</ul> }.into_any()
    }
}
