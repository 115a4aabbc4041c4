//! The capabilities stage: the three recommended capabilities, the squad's
//! private ratings of their statements, the revealed scores, and the focus.

use std::collections::HashMap;

use checkpoint_core::dora::capabilities::CapabilityKey;
use checkpoint_core::dora::catalog::{self, CatalogEntry};
use checkpoint_core::dora::statements::statements;
use checkpoint_core::live::capabilities::{asked, rating_id, why_recommended, MAX_FOCUS};
use checkpoint_core::live::{Command, RatingPhase, Stage};
use leptos::prelude::*;

use super::controls::{confirm, CommandButton, CommandFields, NextStage, Refused, StageTimer};
use super::link::use_live;
use super::link::Control;
use crate::score_axis::decimal;

/// Every rating of a plain form at once (no JavaScript): fields `ratings[<capability>-<n>]`.
#[server(endpoint = "rate_all")]
pub async fn rate_all(id: String, ratings: HashMap<String, String>) -> Result<i64, ServerFnError> {
    use crate::context::{app_context, form_error, require_participant};
    use checkpoint_core::store::ServiceError;
    let by = require_participant(&id).await?;
    let rooms = app_context()?.rooms;
    let mut rev = 0;
    for (key, value) in ratings {
        if value.is_empty() {
            continue;
        }
        let (cap, n) = key.rsplit_once('-').ok_or_else(|| {
            form_error(ServiceError::invalid(
                "ratings",
                format!("unreadable rating field {key:?}"),
            ))
        })?;
        let capability = CapabilityKey::from_id(cap).ok_or_else(|| {
            form_error(ServiceError::invalid(
                "capability",
                format!("unknown capability {cap:?}"),
            ))
        })?;
        let statement = n
            .parse::<u8>()
            .map_err(|_| form_error(ServiceError::invalid("statement", format!("unknown statement {n:?}"))))?;
        rev = rooms
            .execute(
                &id,
                &by,
                Command::Rate {
                    capability,
                    statement,
                    rating: value,
                },
            )
            .await
            .map_err(form_error)?;
    }
    leptos_axum::redirect(&format!("/checkpoints/{id}"));
    Ok(rev)
}

/// Adds or removes a focus capability (a plain form; the socket sends the same commands).
#[server(endpoint = "focus_command")]
pub async fn focus_command(id: String, kind: String, capability: String) -> Result<i64, ServerFnError> {
    use crate::context::{app_context, form_error, require_participant};
    use checkpoint_core::store::ServiceError;
    let by = require_participant(&id).await?;
    let command = match kind.as_str() {
        "add" => Command::AddFocus { capability },
        "remove" => Command::RemoveFocus { capability },
        other => {
            return Err(form_error(ServiceError::invalid(
                "kind",
                format!("unknown focus action {other:?}"),
            )))
        }
    };
    let rev = app_context()?
        .rooms
        .execute(&id, &by, command)
        .await
        .map_err(form_error)?;
    leptos_axum::redirect(&format!("/checkpoints/{id}"));
    Ok(rev)
}

fn entry(key: CapabilityKey) -> &'static CatalogEntry {
    catalog::find(key.catalog_key()).expect("recommended capabilities are in the catalog")
}

/// A recommended capability as the current catalog names and describes it
/// (name, description, dora.dev link): "loosely coupled teams", not the
/// legacy "architecture".
fn current_entry(key: CapabilityKey) -> (&'static str, &'static str, String) {
    match checkpoint_core::dora::current::catalog::from_legacy(key.catalog_key()) {
        Some(e) => (e.name, e.description(), e.url()),
        None => {
            let e = entry(key);
            (e.name, e.description, e.url.to_string())
        }
    }
}

/// A capability's name in the checkpoint's catalog (current or legacy).
pub(crate) fn capability_name(key: CapabilityKey, current: bool) -> &'static str {
    if current {
        current_entry(key).0
    } else {
        entry(key).name
    }
}

fn score_text(score: Option<f64>) -> String {
    score
        .map(|s| format!("{:.0}", s.round()))
        .unwrap_or_else(|| "no ratings".into())
}

#[component]
pub fn CapabilitiesStage() -> impl IntoView {
    let live = use_live();
    // Each its own memo: a rating changes the count, never the form (which
    // would lose what is half filled) nor the facilitator's pick of a focus.
    let recommended = live.select(move |v| v.capabilities.recommended.clone());
    let phase = live.select(move |v| v.capabilities.phase);
    let rated = live.select(move |v| (v.capabilities.done.len(), v.capabilities.expected));
    let facilitator = live.select(move |v| v.facilitator);
    let edition = live.peek(|v| v.info.benchmark);
    let current = edition.current().is_some();
    view! {
        <h2 id="stage-heading">{Stage::Capabilities.label_in(edition)}</h2>
        {move || match recommended.get() {
            None if current => view! {
                <p class="empty-state">"Lock the group's answer on every question first; then the squad rates the three capabilities DORA recommends to every team."</p>
            }.into_any(),
            None => view! {
                <p class="empty-state">"The recommendations follow from the maturity: lock the group's answer on all four questions first."</p>
            }.into_any(),
            Some(rec) => {
                let rec_for_list = rec.clone();
                let rec_for_focus = rec.clone();
                view! {
                    <p>{if current {
                        "DORA recommends these three capabilities to every team. Rate each statement for your squad, privately; the facilitator reveals the scores (0 to 10, the lowest is the key focus)."
                    } else {
                        "These three capabilities are recommended for the squad's level. Rate each statement for your squad, privately; the facilitator reveals the scores."
                    }}</p>
                    <StageTimer stage=Stage::Capabilities/>
                    <crate::live::timer_length::StageTimerLength stage=Stage::Capabilities/>
                    <ul class="capabilities">
                        {rec_for_list.into_iter().map(|key| {
                            let (name, description, url) = if current {
                                current_entry(key)
                            } else {
                                let e = entry(key);
                                (e.name, e.description, e.url.to_string())
                            };
                            view! {
                                <li class="capability" data-key=key.id()>
                                    <h3>{name}</h3>
                                    <p>{description}</p>
                                    {(!current).then(|| view! { <p class="muted small"><strong>"Why now: "</strong>{why_recommended(key)}</p> })}
                                    <a href=url rel="noopener" target="_blank">{format!("Read about {} on dora.dev", name.to_lowercase())}<span class="visually-hidden">" (opens in a new tab)"</span></a>
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                    <p class="vote-count" data-testid="rated-count" aria-live="polite">
                        {move || { let (done, expected) = rated.get(); format!("{done} of {} done", expected.max(done)) }}
                    </p>
                    {move || match phase.get() {
                        RatingPhase::Rating => view! { <RatingForm recommended=rec.clone()/> }.into_any(),
                        RatingPhase::Revealed if current => view! { <CurrentScores/> }.into_any(),
                        RatingPhase::Revealed => view! { <Scores/> }.into_any(),
                    }}
                    <Show when=move || facilitator.get()>
                        <div class="facilitator-row">
                            {move || match phase.get() {
                                RatingPhase::Rating => {
                                    let unfinished = Signal::derive(move || {
                                        let (done, expected) = rated.get();
                                        (done < expected).then(|| format!("Only {done} of {expected} have rated everything. Reveal the scores anyway?"))
                                    });
                                    view! { <CommandButton kind="reveal_ratings" command=Command::RevealRatings label="Reveal the scores" class="primary" confirm_when=unfinished/> }.into_any()
                                }
                                RatingPhase::Revealed => view! { <CommandButton kind="reopen_ratings" command=Command::ReopenRatings label="Reopen rating"/> }.into_any(),
                            }}
                        </div>
                    </Show>
                    <Focus recommended=rec_for_focus/>
                }.into_any()
            }
        }}
        <NextStage/>
    }
}

const CHOICES: [(&str, &str); 6] = [
    ("0", "Strongly disagree"),
    ("1", "Disagree"),
    ("2", "Neither"),
    ("3", "Agree"),
    ("4", "Strongly agree"),
    ("dont_know", "Don't know"),
];

#[component]
fn RatingForm(recommended: Vec<CapabilityKey>) -> impl IntoView {
    let live = use_live();
    let edition = live.peek(|v| v.info.benchmark);
    let id = move || live.id();
    view! {
        <form method="post" action="/api/rate_all" class="rating-form" on:submit=move |ev| {
            // With the script running every choice is already sent (or queued) as it is made.
            if live.scripted.get_untracked() { ev.prevent_default(); }
        }>
            <input type="hidden" name="id" value=id/>
            {recommended.into_iter().map(|key| view! {
                <h3 class="rating-capability">{if edition.current().is_some() { current_entry(key).0 } else { entry(key).name }}</h3>
                {asked(edition, key).into_iter().map(|n| {
                    let i = usize::from(n);
                    let text = statements(key)[i];
                    let field = format!("ratings[{}-{i}]", key.id());
                    let control = Control::new();
                    view! {
                        <fieldset class="statement" data-statement=format!("{}-{i}", key.id())>
                            <legend>{text}</legend>
                            <div class="scale">
                                {CHOICES.into_iter().map(|(value, label)| {
                                    let input_id = format!("r-{}-{i}-{value}", key.id());
                                    let mine = live.select(move |v| v.my_rating((key, n)).map(rating_id).as_deref() == Some(value));
                                    view! {
                                        <span class="scale-choice">
                                            <input type="radio" id=input_id.clone() name=field.clone() value=value checked=move || mine.get()
                                                on:change=move |_| { live.send_from(Some(control), Command::Rate { capability: key, statement: n, rating: value.to_string() }, |_| {}); }/>
                                            <label for=input_id>{label}</label>
                                        </span>
                                    }
                                }).collect_view()}
                            </div>
                            <Refused control/>
                        </fieldset>
                    }
                }).collect_view()}
            }).collect_view()}
            <button type="submit" class="button primary" class:js-hidden=move || live.scripted.get()>"Save my ratings"</button>
            <p class="muted small">{move || if live.scripted.get() { "Each choice is saved as you make it." } else { "Press Save to send your ratings." }}</p>
        </form>
    }
}

#[component]
pub(crate) fn Scores() -> impl IntoView {
    let live = use_live();
    let results = live.select(move |v| v.capabilities.results.clone());
    view! {
        {move || results.with(|res| {
            let Some(res) = res.clone() else { return ().into_any() };
            let key_focus = res.key_focus;
            view! {
                {key_focus.map(|k| view! {
                    <p class="key-focus" data-testid="key-focus">{format!("Key focus area: {}", entry(k).name)}</p>
                })}
                <table class="data-table scores reflow" data-testid="scores">
                    <caption>"Scores (0–100: 25 × the mean rating, “don't know” left out)"</caption>
                    <thead><tr><th scope="col">"Capability"</th><th scope="col" class="num">"Squad"</th><th scope="col" class="num">"All respondents"</th><th scope="col" class="num">"Level profile"</th></tr></thead>
                    <tbody>
                        {res.scores.iter().map(|s| view! {
                            <tr data-key=s.capability.id() class:key-focus-row=Some(s.capability) == key_focus>
                                <th scope="row">{entry(s.capability).name}</th>
                                <td class="num" data-label="Squad" data-testid="score">{score_text(s.score)}</td>
                                <td class="num" data-label="All respondents">{s.all_mean}</td>
                                <td class="num" data-label="Level profile">{s.profile_mean}</td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
                <details class="spread" open>
                    <summary>"How the squad answered each statement"</summary>
                    <table class="data-table reflow reflow-inline">
                        <thead><tr><th scope="col">"Statement"</th>{CHOICES.into_iter().map(|(_, l)| view! { <th scope="col" class="num">{l}</th> }).collect_view()}</tr></thead>
                        <tbody>
                            {res.spread.iter().map(|((key, i), counts)| {
                                let text = statements(*key).get(usize::from(*i)).copied().unwrap_or_default();
                                // Answers on both sides of "neither" mean the squad disagrees: worth a conversation.
                                let split = counts[..2].iter().sum::<usize>() > 0 && counts[3..5].iter().sum::<usize>() > 0;
                                view! {
                                    <tr class:disagreement=split>
                                        <th scope="row">{text}{split.then_some(" (views differ)")}</th>
                                        {counts.iter().zip(CHOICES).map(|(n, (_, label))| view! { <td class="num" data-label=label>{*n}</td> }).collect_view()}
                                    </tr>
                                }
                            }).collect_view()}
                        </tbody>
                    </table>
                </details>
            }.into_any()
        })}
    }
}

/// The current editions' reveal: each capability's score 0 to 10 beside the
/// squad's previous one, every capability tied for the lowest marked.
#[component]
pub(crate) fn CurrentScores() -> impl IntoView {
    let live = use_live();
    let data = live.select(move |v| (v.capabilities.results.clone(), v.capabilities.previous.clone()));
    view! {
        {move || data.with(|(res, previous)| {
            let Some(current) = res.as_ref().and_then(|r| r.current.clone()) else { return ().into_any() };
            let focus = current.key_focus.clone();
            let names: Vec<&str> = focus.iter().map(|k| current_entry(*k).0).collect();
            let focus_line = match names.len() {
                0 => "No key focus yet: nobody rated these statements.".to_string(),
                1 => format!("Key focus area: {}", names[0]),
                _ => format!("Tied for the key focus: {}. The facilitator chooses.", names.join(" and ")),
            };
            let tie = focus.len() > 1;
            let previous_caption = previous.as_ref().map(|p| format!("Previous ({})", p.held_on));
            view! {
                <p class="key-focus" class:tie=tie data-testid="key-focus">{focus_line}</p>
                <table class="data-table scores" data-testid="scores">
                    <caption>"Scores (0 to 10: the mean rating, strongly disagree 0 to strongly agree 10, “don't know” left out)"</caption>
                    <thead><tr>
                        <th scope="col">"Capability"</th><th scope="col" class="num">"Squad"</th>
                        {previous_caption.clone().map(|c| view! { <th scope="col" class="num">{c}</th> })}
                    </tr></thead>
                    <tbody>
                        {current.scores.iter().map(|s| {
                            let is_focus = focus.contains(&s.capability);
                            let before = previous.as_ref().map(|p| p.of(s.capability).map_or_else(|| "–".to_string(), decimal));
                            view! {
                                <tr data-key=s.capability.id() class:key-focus-row=is_focus>
                                    <th scope="row">{current_entry(s.capability).0}</th>
                                    <td class="num" data-testid="score">{s.score.map_or_else(|| "no ratings".to_string(), decimal)}</td>
                                    {before.map(|b| view! { <td class="num" data-testid="previous-score">{b}</td> })}
                                </tr>
                            }
                        }).collect_view()}
                    </tbody>
                </table>
                {previous.is_none().then(|| view! { <p class="muted small">"No earlier checkpoint of this squad revealed these scores, so there is nothing to compare with yet."</p> })}
            }.into_any()
        })}
    }
}

/// Up to three focus capabilities, from the recommended ones or the whole catalog.
#[component]
fn Focus(recommended: Vec<CapabilityKey>) -> impl IntoView {
    let live = use_live();
    let facilitator = live.select(move |v| v.facilitator);
    let focus = live.select(move |v| v.capabilities.focus.clone());
    let confirmed = live.select(move |v| v.capabilities.focus_confirmed);
    let id = move || live.id();
    let pick = RwSignal::new(String::new());
    // One place for the refusals of the focus' buttons, at the section's foot.
    let control = Control::new();
    let current = live.peek(|v| v.info.benchmark.current().is_some());
    let name_of = move |k: &str| super::focus_proposals::focus_name(current, k);
    view! {
        <section class="focus" aria-labelledby="focus-heading">
            <h3 id="focus-heading">"Our focus"</h3>
            {move || {
                let f = focus.get();
                if f.is_empty() {
                    view! { <p class="empty-state">"No focus chosen yet. Pick up to three, from the recommendations or anywhere in the catalog."</p> }.into_any()
                } else {
                    view! {
                        <ol class="focus-list" data-testid="focus">
                            {f.into_iter().map(|k| {
                                let label = name_of(&k).to_string();
                                let key = k.clone();
                                view! {
                                    <li>
                                        {label.clone()}
                                        <Show when=move || facilitator.get() && !confirmed.get()>
                                            <form method="post" action="/api/focus_command" class="inline" on:submit={
                                                let key = key.clone();
                                                move |ev| if live.send_from(Some(control), Command::RemoveFocus { capability: key.clone() }, |_| {}) { ev.prevent_default(); }
                                            }>
                                                <input type="hidden" name="id" value=id/>
                                                <input type="hidden" name="kind" value="remove"/>
                                                <input type="hidden" name="capability" value=key.clone()/>
                                                <button type="submit" class="button subtle small" aria-label=format!("Remove {label} from the focus")>"Remove"</button>
                                            </form>
                                        </Show>
                                    </li>
                                }
                            }).collect_view()}
                        </ol>
                    }.into_any()
                }
            }}
            <super::focus_proposals::FocusProposals/>
            <p class="muted small" data-testid="focus-state">{move || if confirmed.get() { "Confirmed by the facilitator." } else { "Not confirmed yet." }}</p>
            <Show when=move || facilitator.get() && !confirmed.get() && focus.get().len() < MAX_FOCUS>
                <div class="focus-add">
                    {recommended.iter().map(|key| {
                        let k = key.catalog_key();
                        view! {
                            <Show when=move || !focus.get().iter().any(|f| f == k)>
                                <form method="post" action="/api/focus_command" class="inline" on:submit=move |ev| {
                                    if live.send_from(Some(control), Command::AddFocus { capability: k.to_string() }, |_| {}) { ev.prevent_default(); }
                                }>
                                    <input type="hidden" name="id" value=id/>
                                    <input type="hidden" name="kind" value="add"/>
                                    <input type="hidden" name="capability" value=k/>
                                    <button type="submit" class="button">{format!("+ {}", name_of(k))}</button>
                                </form>
                            </Show>
                        }
                    }).collect_view()}
                    <form method="post" action="/api/focus_command" class="inline-form" on:submit=move |ev| {
                        if live.send_from(Some(control), Command::AddFocus { capability: pick.get_untracked() }, |_| {}) { ev.prevent_default(); }
                    }>
                        <input type="hidden" name="id" value=id/>
                        <input type="hidden" name="kind" value="add"/>
                        <label for="focus-pick">"Or from the catalog"</label>
                        <select id="focus-pick" name="capability" on:change=move |ev| pick.set(event_target_value(&ev))>
                            <option value="">"Choose a capability…"</option>
                            {catalog::CATALOG.iter().map(|e| {
                                let group = match current {
                                    true => checkpoint_core::dora::current::catalog::from_legacy(e.key).map(|c| c.group.label()),
                                    false => None,
                                }
                                .unwrap_or(e.category.label());
                                view! { <option value=e.key>{format!("{} ({group})", name_of(e.key))}</option> }
                            }).collect_view()}
                        </select>
                        <button type="submit" class="button">"Add"</button>
                    </form>
                </div>
            </Show>
            <Show when=move || facilitator.get()>
                {move || {
                    let confirming = !confirmed.get();
                    view! {
                        <form method="post" action="/api/live_command" class="inline" on:submit=move |ev| {
                            if confirming && !confirm("Confirm this focus for the squad? It is stored with the checkpoint for its summary.") { ev.prevent_default(); return; }
                            if live.send_from(Some(control), Command::ConfirmFocus { confirmed: confirming }, |_| {}) { ev.prevent_default(); }
                        }>
                            <CommandFields kind="confirm_focus"/>
                            <input type="hidden" name="on" value=confirming.to_string()/>
                            <button type="submit" class=if confirming { "button primary" } else { "button" }>{if confirming { "Confirm the focus" } else { "Change the focus" }}</button>
                        </form>
                    }
                }}
            </Show>
            <Refused control/>
        </section>
    }
}
