//! A percentage question of the current editions (change failure rate,
//! rework rate): each person's percent in secret, every vote on a 0–100 strip
//! with who chose what and the median once revealed, and the facilitator's
//! lock of any whole percent (the median proposed).

use checkpoint_core::dora::current::Metric;
use checkpoint_core::live::Command;
use leptos::prelude::*;

use crate::live::controls::{CommandFields, Refused};
use crate::live::link::{use_live, Control, LinkState};
use crate::score_axis::decimal;

const LEFT: i64 = 16;
const WIDTH: i64 = 368;

fn x_of(percent: u8) -> i64 {
    LEFT + i64::from(percent.min(100)) * WIDTH / 100
}

/// The secret ballot: a slider and its number field, one value. Without
/// JavaScript the number field alone is the answer (the slider needs the page
/// to be live to follow it, so it is shown only then).
#[component]
pub fn PercentBallot(question: Metric) -> impl IntoView {
    let live = use_live();
    let control = Control::new();
    let saved = live.select(move |v| v.question(question).and_then(|q| q.mine.clone()));
    let waiting = move || live.pending_vote(question);
    let mine = move || waiting().or_else(|| saved.get());
    // The starting value only: later votes must not overwrite what is being typed.
    let value = RwSignal::new(untrack(mine).unwrap_or_default());
    let id = format!("vote-{}", question.id());
    let slider_id = format!("{id}-slider");
    view! {
        <form method="post" action="/api/live_command" class="ballot percent-ballot" on:submit=move |ev| {
            let answer = value.get_untracked();
            if !answer.trim().is_empty() && live.send_from(Some(control), Command::Vote { question, answer }, |_| {}) {
                ev.prevent_default();
            }
        }>
            <CommandFields kind="vote" question/>
            <fieldset>
                <legend>"Your percentage (secret until the reveal)"</legend>
                <div class="percent-field">
                    <label class="visually-hidden" for=slider_id.clone()>{format!("{}, slider", question.title())}</label>
                    <input type="range" id=slider_id class="live-only" min="0" max="100" step="1"
                        prop:value=move || { let v = value.get(); if v.is_empty() { "0".to_string() } else { v } }
                        on:input=move |ev| value.set(event_target_value(&ev))/>
                    <span class="percent-number">
                        <label for=id.clone()><span class="visually-hidden">{format!("{}, ", question.title())}</span>"percent"</label>
                        <input type="number" id=id name="answer" min="0" max="100" step="1" inputmode="numeric" required
                            value=untrack(mine).unwrap_or_default()
                            prop:value=move || value.get()
                            on:input=move |ev| value.set(event_target_value(&ev))/>
                        <span aria-hidden="true">" %"</span>
                    </span>
                </div>
                <p class="hint small muted">"A whole number from 0 to 100. A best guess is fine."</p>
            </fieldset>
            <button type="submit" class="button primary">{move || if mine().is_some() { "Change my vote" } else { "Cast my vote" }}</button>
            <Refused control/>
            <p class="muted small" data-testid="my-vote">{move || match (waiting(), saved.get()) {
                (Some(p), _) if live.link.get() == LinkState::Live => format!("Saving your vote: {p} %…"),
                (Some(p), _) => format!("Your vote is not saved yet: {p} %. It is sent when the connection is back."),
                (None, Some(p)) => format!("You voted: {p} %"),
                (None, None) => "You have not voted yet.".into(),
            }}</p>
        </form>
    }
}

/// Every revealed vote on a 0–100 strip, with who chose what and the median;
/// a list of the same for screen readers and small screens.
#[component]
pub fn PercentStrip(question: Metric) -> impl IntoView {
    let live = use_live();
    let data = live.select(move |v| {
        let q = v.question(question).cloned().expect("question");
        let mut votes: Vec<(u8, String)> = q
            .choices
            .clone()
            .unwrap_or_default()
            .iter()
            // An anonymous reveal has no ids: the values without names.
            .filter_map(|(p, a)| {
                Some((
                    a.parse().ok()?,
                    if p.is_empty() {
                        String::new()
                    } else {
                        v.name_of(p).to_string()
                    },
                ))
            })
            .collect();
        votes.sort();
        (votes, q.median(), q.locked.clone())
    });
    view! {
        {move || data.with(|(votes, median, locked)| {
            let median_text = median.map_or_else(|| "no votes".to_string(), |m| format!("{} %", decimal(m).trim_end_matches(".0")));
            let label = format!(
                "{} votes from 0 to 100 %: {}. Median {median_text}.",
                votes.len(),
                votes.iter().map(|(p, n)| if n.is_empty() { format!("{p} %") } else { format!("{n} {p} %") }).collect::<Vec<_>>().join(", ")
            );
            // Votes on the same value stack upwards.
            let mut seen: Vec<u8> = Vec::new();
            let marks: Vec<(i64, i64, u8)> = votes.iter().map(|(p, _)| {
                let level = seen.iter().filter(|s| *s == p).count() as i64;
                seen.push(*p);
                (x_of(*p), 52 - level * 12, *p)
            }).collect();
            let height = 84 + 12 * marks.iter().map(|(_, y, _)| (52 - y) / 12).max().unwrap_or(0);
            view! {
                <figure class="percent-strip" data-testid="percent-strip">
                    <figcaption>{if locked.is_some() { "The votes, and the group's answer" } else { "The votes" }}</figcaption>
                    <svg viewBox=format!("0 {} 400 {height}", 84 - height) class="percent-strip-svg" role="img" aria-label=label>
                        <line x1=LEFT y1="60" x2=LEFT + WIDTH y2="60" class="axis-line"/>
                        {[0u8, 25, 50, 75, 100].map(|t| view! {
                            <line x1=x_of(t) y1="64" x2=x_of(t) y2="70" class="axis-tick"/>
                            <text x=x_of(t) y="82" text-anchor="middle" class="axis-tick-label">{format!("{t} %")}</text>
                        }).collect_view()}
                        {median.map(|m| {
                            let x = LEFT + (m * WIDTH as f64 / 100.0).round() as i64;
                            view! { <line x1=x y1=84 - height + 4 x2=x y2="70" class="axis-mean" data-testid="median-mark"/> }
                        })}
                        {locked.as_deref().and_then(|l| l.parse::<u8>().ok()).map(|l| view! {
                            <rect x=x_of(l) - 6 y="54" width="12" height="12" class="strip-locked"/>
                        })}
                        {marks.into_iter().map(|(x, y, _)| view! { <circle cx=x cy=y r="5" class="axis-squad"/> }).collect_view()}
                    </svg>
                    <p class="strip-median" data-testid="median">{format!("Median: {median_text}")}</p>
                    <ul class="strip-votes" data-testid="distribution">
                        {votes.iter().map(|(p, name)| view! { <li data-answer=p.to_string()>{if name.is_empty() { format!("{p} %") } else { String::new() }}{(!name.is_empty()).then(|| view! { <bdi>{name.clone()}</bdi>{format!(": {p} %")} })}</li> }).collect_view()}
                    </ul>
                </figure>
            }
        })}
        {move || data.with(|(_, _, locked)| locked.clone()).map(|l| view! {
            <p class="locked-answer" data-testid="locked-answer">{format!("Locked: {l} %")}</p>
        })}
    }
}

/// The facilitator's lock: any whole percent, the median proposed.
#[component]
pub fn PercentLock(question: Metric) -> impl IntoView {
    let live = use_live();
    let proposed = live.select(move |v| v.question(question).and_then(|q| q.proposal()));
    let value = RwSignal::new(proposed.get_untracked().unwrap_or_default());
    let id = format!("lock-{}", question.id());
    let control = Control::new();
    view! {
        <form method="post" action="/api/live_command" class="inline-form" on:submit=move |ev| {
            let answer = value.get_untracked();
            if !answer.trim().is_empty() && live.send_from(Some(control), Command::Lock { question, answer }, |_| {}) { ev.prevent_default(); }
        }>
            <CommandFields kind="lock" question/>
            <label for=id.clone()>"Group answer (%)"</label>
            <input type="number" id=id name="answer" min="0" max="100" step="1" inputmode="numeric" required
                value=proposed.get_untracked().unwrap_or_default()
                prop:value=move || value.get()
                on:input=move |ev| value.set(event_target_value(&ev))/>
            <span class="muted small">{move || proposed.get().map(|p| format!("median, rounded: {p} %")).unwrap_or_default()}</span>
            <button type="submit" class="button primary">"Lock the answer"</button>
            <Refused control/>
        </form>
    }
}
