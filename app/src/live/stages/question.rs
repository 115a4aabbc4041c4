//! A question stage: the secret ballot, the reveal, the distribution of
//! votes and the facilitator's lock of the group's answer.

use checkpoint_core::dora::current::Metric;
use checkpoint_core::dora::Question;
use checkpoint_core::live::answer::{wording, AnswerKind};
use checkpoint_core::live::{Command, Phase, Stage};
use leptos::prelude::*;

use crate::live::controls::{CommandButton, CommandFields, NextStage, Refused, StageTimer};
use crate::live::link::use_live;

#[component]
pub fn QuestionStage(question: Metric) -> impl IntoView {
    let live = use_live();
    // Neither the edition nor how a question is answered changes during a session.
    let edition = live.peek(|v| v.info.benchmark);
    let kind = live.peek(|v| v.question(question).map(|q| q.kind));
    let (title, prompt, tip) = wording(edition, question);
    // Each its own memo: a vote changes the count, never the ballot (which
    // would lose a choice made and not sent yet) nor the facilitator's row.
    let facilitator = live.select(move |v| v.facilitator);
    let phase = live.select(move |v| v.question(question).expect("every question has a view").phase);
    let open = live.select(move |v| {
        v.stage == Stage::of_metric(question) && v.info.status == checkpoint_core::live::CheckpointStatus::Live
    });
    let voted = live.select(move |v| {
        let q = v.question(question).expect("every question has a view");
        (q.voters.len(), q.expected)
    });
    let counts = move || {
        let (n, expected) = voted.get();
        format!("{n} of {} voted", expected.max(n))
    };
    let not_all_voted = Signal::derive(move || {
        let (n, expected) = voted.get();
        (n < expected).then(|| format!("Only {n} of {expected} have voted. Reveal anyway?"))
    });
    view! {
        <h2 id="stage-heading">{title}</h2>
        <p class="prompt">{prompt}</p>
        <aside class="tip"><strong>"Workshop tip: "</strong>{tip}</aside>
        <StageTimer stage=Stage::of_metric(question)/>
        <crate::live::timer_length::StageTimerLength stage=Stage::of_metric(question)/>
        <p class="vote-count" data-testid="vote-count" aria-live="polite">{counts}</p>
        <super::anonymity::AnonymityNote/>
        {move || match phase.get() {
            // Votes are taken only on the question the facilitator has open, in a live checkpoint.
            Phase::Voting if open.get() => match kind {
                Some(AnswerKind::Choice { question: choices }) => view! { <Ballot question choices/> }.into_any(),
                _ => view! { <super::percent_vote::PercentBallot question/> }.into_any(),
            },
            Phase::Voting => view! {
                <p class="notice" data-testid="vote-not-open">"Voting on this question opens when the facilitator brings everyone here."</p>
            }.into_any(),
            _ => match kind {
                Some(AnswerKind::Choice { question: choices }) => view! { <Distribution question choices/><crate::live::measured::MeasuredBesideVotes question/> }.into_any(),
                _ => view! { <super::percent_vote::PercentStrip question/><crate::live::measured::MeasuredBesideVotes question/> }.into_any(),
            },
        }}
        <Show when=move || facilitator.get()>
            <div class="facilitator-row">
                {move || match phase.get() {
                    Phase::Voting => view! {
                        <CommandButton kind="reveal" question command=Command::Reveal { question } label="Reveal the votes" class="primary" confirm_when=not_all_voted/>
                        <AutoReveal/>
                        <super::anonymity::AnonymitySwitch/>
                    }.into_any(),
                    Phase::Revealed => view! {
                        <CommandButton kind="reopen" question command=Command::Reopen { question } label="Reopen the vote"/>
                        {match kind {
                            Some(AnswerKind::Choice { question: choices }) => view! { <LockForm question choices/> }.into_any(),
                            _ => view! { <super::percent_vote::PercentLock question/> }.into_any(),
                        }}
                    }.into_any(),
                    Phase::Locked => view! {
                        <CommandButton kind="unlock" question command=Command::Unlock { question } label="Unlock"/>
                    }.into_any(),
                }}
            </div>
            <NextStage/>
        </Show>
    }
}

#[component]
fn AutoReveal() -> impl IntoView {
    let live = use_live();
    let on = live.select(move |v| v.auto_reveal);
    let control = crate::live::link::Control::new();
    view! {
        <form method="post" action="/api/live_command" class="inline" on:submit=move |ev| {
            if live.send_from(Some(control), Command::AutoReveal { on: !on.get() }, |_| {}) { ev.prevent_default(); }
        }>
            <CommandFields kind="auto_reveal"/>
            <input type="hidden" name="on" value=move || (!on.get()).to_string()/>
            <button type="submit" class="button subtle" aria-pressed=move || on.get().to_string()>
                {move || if on.get() { "Auto-reveal is on" } else { "Reveal automatically when all have voted" }}
            </button>
            <Refused control/>
        </form>
    }
}

#[component]
fn Ballot(question: Metric, choices: Question) -> impl IntoView {
    let live = use_live();
    let control = crate::live::link::Control::new();
    let saved = live.select(move |v| v.question(question).and_then(|q| q.mine.clone()));
    let waiting = move || live.pending_vote(question);
    let mine = move || waiting().or_else(|| saved.get());
    let choice = RwSignal::new(untrack(mine));
    view! {
        <form method="post" action="/api/live_command" class="ballot" on:submit=move |ev| {
            if let Some(answer) = choice.get_untracked() {
                if live.send_from(Some(control), Command::Vote { question, answer }, |_| {}) { ev.prevent_default(); }
            }
        }>
            <CommandFields kind="vote" question/>
            <fieldset>
                <legend>"Your vote (secret until the reveal)"</legend>
                {choices.answers_best_first().map(|a| {
                    let id = format!("vote-{}", a.id());
                    view! {
                        <div class="choice">
                            <input type="radio" id=id.clone() name="answer" value=a.id()
                                checked=move || mine().as_deref() == Some(a.id())
                                on:change=move |_| choice.set(Some(a.id().to_string()))/>
                            <label for=id>{a.label()}</label>
                        </div>
                    }
                }).collect_view()}
            </fieldset>
            <button type="submit" class="button primary">{move || if mine().is_some() { "Change my vote" } else { "Cast my vote" }}</button>
            <Refused control/>
            <p class="muted small" data-testid="my-vote">{move || match (waiting().and_then(|m| choices.answer(&m)), saved.get().and_then(|m| choices.answer(&m))) {
                (Some(a), _) if live.link.get() == crate::live::link::LinkState::Live => format!("Saving your vote: {}…", a.label()),
                (Some(a), _) => format!("Your vote is not saved yet: {}. It is sent when the connection is back.", a.label()),
                (None, Some(a)) => format!("You voted: {}", a.label()),
                (None, None) => "You have not voted yet.".into(),
            }}</p>
        </form>
    }
}

#[component]
pub fn Distribution(question: Metric, choices: Question) -> impl IntoView {
    let live = use_live();
    let rows = live.select(move |v| {
        let q = v.question(question).cloned().expect("question");
        let names: Vec<(String, String)> = v.people.iter().map(|p| (p.id.clone(), p.name.clone())).collect();
        (q, names, v.anonymous)
    });
    let locked = live.select(move |v| v.question(question).and_then(|q| q.locked.clone()));
    view! {
        {move || rows.with(|(q, names, anonymous)| {
            let anonymous = *anonymous;
            let votes = q.choices.clone().unwrap_or_default();
            let total = votes.len().max(1);
            let locked = q.locked.clone();
            let name_of = |p: &str| names.iter().find(|(id, _)| id == p).map_or("someone who left", |(_, n)| n.as_str()).to_string();
            view! {
                <table class="distribution" data-testid="distribution">
                    <caption>{if q.phase == Phase::Locked { "The votes, and the group's answer" } else { "The votes" }}</caption>
                    <thead><tr><th scope="col">"Answer"</th><th scope="col">"Votes"</th>{(!anonymous).then(|| view! { <th scope="col">"Who"</th> })}</tr></thead>
                    <tbody>
                        {choices.answers_best_first().map(|a| {
                            let who: Vec<String> = votes.iter().filter(|(_, c)| c == a.id()).map(|(p, _)| name_of(p)).collect();
                            let n = who.len();
                            let is_locked = locked.as_deref() == Some(a.id());
                            view! {
                                <tr class:locked=is_locked data-answer=a.id()>
                                    <th scope="row">{a.label()}{is_locked.then_some(" — group answer")}</th>
                                    <td class="bar-cell">
                                        // An SVG attribute, not an inline style: the CSP allows no inline style.
                                        <svg class="bar" viewBox="0 0 100 10" preserveAspectRatio="none" aria-hidden="true" focusable="false">
                                            <rect class="bar-fill" x="0" y="0" height="10" width=(n * 100 / total).to_string()/>
                                        </svg>
                                        <span class="count">{n}</span>
                                    </td>
                                    {(!anonymous).then(|| view! { <td>{who.into_iter().enumerate().map(|(i, name)| view! { {(i > 0).then_some(", ")}<bdi>{name}</bdi> }).collect_view()}</td> })}
                                </tr>
                            }
                        }).collect_view()}
                    </tbody>
                </table>
            }
        })}
        {move || locked.get().and_then(|id| choices.answer(&id)).map(|a| view! {
            <p class="locked-answer" data-testid="locked-answer">{format!("Locked: {}", a.label())}</p>
        })}
    }
}

#[component]
fn LockForm(question: Metric, choices: Question) -> impl IntoView {
    let live = use_live();
    // Suggest the answer most people chose (the more conservative on a tie, which the facilitator is told of).
    let suggested = live.select(move |v| v.question(question).and_then(|q| q.proposal()));
    let tie = live.select(move |v| v.question(question).map(|q| q.tie()).unwrap_or_default());
    let choice = RwSignal::new(suggested.get_untracked());
    let control = crate::live::link::Control::new();
    view! {
        <form method="post" action="/api/live_command" class="inline-form" on:submit=move |ev| {
            if let Some(answer) = choice.get_untracked() {
                if live.send_from(Some(control), Command::Lock { question, answer }, |_| {}) { ev.prevent_default(); }
            }
        }>
            <CommandFields kind="lock" question/>
            <label for="lock-answer">"Group answer"</label>
            <select id="lock-answer" name="answer" on:change=move |ev| choice.set(Some(event_target_value(&ev)))>
                {choices.answers_best_first().map(|a| view! {
                    <option value=a.id() selected=move || suggested.get().as_deref() == Some(a.id())>{a.label()}</option>
                }).collect_view()}
            </select>
            <button type="submit" class="button primary">"Lock the answer"</button>
            <Refused control/>
            {move || {
                let tied = tie.get();
                (!tied.is_empty()).then(|| view! {
                    <p class="notice tie-notice" role="status" data-testid="tie">
                        {format!("A tie: {}. The more conservative answer is proposed; choose the group's answer after the discussion.", tied.iter().map(|a| a.label()).collect::<Vec<_>>().join(", "))}
                    </p>
                })
            }}
        </form>
    }
}
