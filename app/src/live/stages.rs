//! What each stage shows: welcome, set the scene, a question, maturity.

use checkpoint_core::dora::chart::per_metric;
use checkpoint_core::dora::{assess, Question};
use checkpoint_core::live::{Command, Phase, Stage};
use leptos::prelude::*;

use super::controls::{CommandButton, CommandFields, NextStage, Refused, StageTimer};
use super::link::use_live;
use crate::chart::{PerMetricView, PerformanceChart, RecommendedCapabilities};

#[component]
pub fn WelcomeStage() -> impl IntoView {
    let live = use_live();
    let welcome = move || live.view.with(|v| v.welcome.clone());
    view! {
        <h2 id="stage-heading">"Welcome"</h2>
        <dl class="welcome">
            <dt>"Purpose"</dt><dd>{move || welcome().purpose}</dd>
            <dt>"Agenda"</dt><dd>{move || welcome().agenda}</dd>
            <dt>"Expected outcome"</dt><dd>{move || welcome().outcome}</dd>
            <dt>"Meeting principles"</dt><dd>{move || welcome().principles}</dd>
        </dl>
        <super::board::ActionReview/>
        <Show when=move || live.view.with(|v| v.facilitator)>
            <details class="edit-welcome">
                <summary>"Edit the welcome text"</summary>
                <form method="post" action="/api/edit_welcome" class="form">
                    <input type="hidden" name="id" value=move || live.view.with(|v| v.info.id.clone())/>
                    <label for="w-purpose">"Purpose"</label>
                    <textarea id="w-purpose" name="purpose" required maxlength="2000" rows="3">{move || crate::raw_text::raw_text(welcome().purpose)}</textarea>
                    <label for="w-agenda">"Agenda"</label>
                    <textarea id="w-agenda" name="agenda" required maxlength="2000" rows="3">{move || crate::raw_text::raw_text(welcome().agenda)}</textarea>
                    <label for="w-outcome">"Expected outcome"</label>
                    <textarea id="w-outcome" name="outcome" required maxlength="2000" rows="3">{move || crate::raw_text::raw_text(welcome().outcome)}</textarea>
                    <label for="w-principles">"Meeting principles"</label>
                    <textarea id="w-principles" name="principles" required maxlength="2000" rows="3">{move || crate::raw_text::raw_text(welcome().principles)}</textarea>
                    <button type="submit" class="button primary">"Save the welcome text"</button>
                </form>
            </details>
        </Show>
        <NextStage/>
    }
}

#[component]
pub fn SceneStage() -> impl IntoView {
    view! {
        <h2 id="stage-heading">"Set the scene"</h2>
        <p>"Four metrics describe how a squad delivers software: two for speed, two for stability. We answer each for our primary application or service, as it is today."</p>
        <ul class="metric-explainers">
            {Question::ALL.into_iter().map(|q| view! {
                <li><h3>{q.title()}</h3><p>{scene_text(q)}</p></li>
            }).collect_view()}
        </ul>
        <h3>"Delivery principles"</h3>
        <ul>
            <li>"Small batches: small changes are easier to review, test, deploy and undo."</li>
            <li>"Automate the path to production so that a deploy is routine, not an event."</li>
            <li>"Build quality in: fast feedback from tests, monitoring and users."</li>
            <li>"Speed and stability go together; the best squads improve both."</li>
        </ul>
        <NextStage/>
    }
}

fn scene_text(q: Question) -> &'static str {
    match q {
        Question::LeadTime => "Speed: how long a committed change takes to run successfully in production.",
        Question::DeployFrequency => "Speed: how often the squad deploys to production or releases to users.",
        Question::TimeToRestore => {
            "Stability: how long it takes to restore service after an incident that affects users."
        }
        Question::ChangeFailureRate => "Stability: the share of deployments that degrade service and need a fix.",
    }
}

#[component]
pub fn QuestionStage(question: Question) -> impl IntoView {
    let live = use_live();
    let q = move || {
        live.view
            .with(|v| v.question(question).cloned())
            .expect("every question has a view")
    };
    let facilitator = move || live.view.with(|v| v.facilitator);
    let phase = move || q().phase;
    let open = Memo::new(move |_| {
        live.view.with(|v| {
            v.stage == Stage::of_question(question) && v.info.status == checkpoint_core::live::CheckpointStatus::Live
        })
    });
    let counts = move || {
        let q = q();
        format!("{} of {} voted", q.voters.len(), q.expected.max(q.voters.len()))
    };
    let not_all_voted = Signal::derive(move || {
        let q = q();
        (q.voters.len() < q.expected)
            .then(|| format!("Only {} of {} have voted. Reveal anyway?", q.voters.len(), q.expected))
    });
    view! {
        <h2 id="stage-heading">{question.title()}</h2>
        <p class="prompt">{question.prompt()}</p>
        <aside class="tip"><strong>"Workshop tip: "</strong>{question.tip()}</aside>
        <StageTimer stage=Stage::of_question(question)/>
        <p class="vote-count" data-testid="vote-count" aria-live="polite">{counts}</p>
        {move || match phase() {
            // Votes are taken only on the question the facilitator has open, in a live checkpoint.
            Phase::Voting if open.get() => view! { <Ballot question/> }.into_any(),
            Phase::Voting => view! {
                <p class="notice" data-testid="vote-not-open">"Voting on this question opens when the facilitator brings everyone here."</p>
            }.into_any(),
            _ => view! { <Distribution question/><super::measured::MeasuredBesideVotes question/> }.into_any(),
        }}
        <Show when=facilitator>
            <div class="facilitator-row">
                {move || match phase() {
                    Phase::Voting => view! {
                        <CommandButton kind="reveal" question command=Command::Reveal { question } label="Reveal the votes" class="primary" confirm_when=not_all_voted/>
                        <AutoReveal/>
                    }.into_any(),
                    Phase::Revealed => view! {
                        <CommandButton kind="reopen" question command=Command::Reopen { question } label="Reopen the vote"/>
                        <LockForm question/>
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
    let on = move || live.view.with(|v| v.auto_reveal);
    view! {
        <form method="post" action="/api/live_command" class="inline" on:submit=move |ev| {
            if live.send(Command::AutoReveal { on: !on() }) { ev.prevent_default(); }
        }>
            <CommandFields kind="auto_reveal"/>
            <input type="hidden" name="on" value=move || (!on()).to_string()/>
            <button type="submit" class="button subtle" aria-pressed=move || on().to_string()>
                {move || if on() { "Auto-reveal is on" } else { "Reveal automatically when all have voted" }}
            </button>
        </form>
    }
}

#[component]
fn Ballot(question: Question) -> impl IntoView {
    let live = use_live();
    let control = super::link::Control::new();
    let saved = move || live.view.with(|v| v.question(question).and_then(|q| q.mine.clone()));
    // A vote not acknowledged yet (sent, or waiting for the connection).
    let waiting = move || {
        live.pending.with(|p| {
            p.iter().rev().find_map(|q| match &q.command {
                Command::Vote { question: q, answer } if *q == question => Some(answer.clone()),
                _ => None,
            })
        })
    };
    let mine = move || waiting().or_else(saved);
    let choice = RwSignal::new(mine());
    view! {
        <form method="post" action="/api/live_command" class="ballot" on:submit=move |ev| {
            if let Some(answer) = choice.get_untracked() {
                if live.send_from(Some(control), Command::Vote { question, answer }, |_| {}) { ev.prevent_default(); }
            }
        }>
            <CommandFields kind="vote" question/>
            <fieldset>
                <legend>"Your vote (secret until the reveal)"</legend>
                {question.answers_best_first().map(|a| {
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
            <p class="muted small" data-testid="my-vote">{move || match (waiting().and_then(|m| question.answer(&m)), saved().and_then(|m| question.answer(&m))) {
                (Some(a), _) if live.link.get() == super::link::LinkState::Live => format!("Saving your vote: {}…", a.label()),
                (Some(a), _) => format!("Your vote is not saved yet: {}. It is sent when the connection is back.", a.label()),
                (None, Some(a)) => format!("You voted: {}", a.label()),
                (None, None) => "You have not voted yet.".into(),
            }}</p>
        </form>
    }
}

#[component]
fn Distribution(question: Question) -> impl IntoView {
    let live = use_live();
    view! {
        {move || live.view.with(|v| {
            let q = v.question(question).cloned().expect("question");
            let choices = q.choices.clone().unwrap_or_default();
            let total = choices.len().max(1);
            let locked = q.locked.clone();
            view! {
                <table class="distribution" data-testid="distribution">
                    <caption>{if q.phase == Phase::Locked { "The votes, and the group's answer" } else { "The votes" }}</caption>
                    <thead><tr><th scope="col">"Answer"</th><th scope="col">"Votes"</th><th scope="col">"Who"</th></tr></thead>
                    <tbody>
                        {question.answers_best_first().map(|a| {
                            let who: Vec<String> = choices.iter().filter(|(_, c)| c == a.id()).map(|(p, _)| v.name_of(p).to_string()).collect();
                            let n = who.len();
                            let is_locked = locked.as_deref() == Some(a.id());
                            view! {
                                <tr class:locked=is_locked data-answer=a.id()>
                                    <th scope="row">{a.label()}{is_locked.then_some(" — group answer")}</th>
                                    <td class="bar-cell"><span class="bar" style=format!("width:{}%", n * 100 / total)></span><span class="count">{n}</span></td>
                                    <td>{who.into_iter().enumerate().map(|(i, name)| view! { {(i > 0).then_some(", ")}<bdi>{name}</bdi> }).collect_view()}</td>
                                </tr>
                            }
                        }).collect_view()}
                    </tbody>
                </table>
            }
        })}
        {move || live.view.with(|v| v.question(question).and_then(|q| q.locked.clone())).and_then(|id| question.answer(&id)).map(|a| view! {
            <p class="locked-answer" data-testid="locked-answer">{format!("Locked: {}", a.label())}</p>
        })}
    }
}

#[component]
fn LockForm(question: Question) -> impl IntoView {
    let live = use_live();
    // Suggest the answer most people chose (the better one on a tie).
    let suggested = move || {
        live.view.with(|v| {
            let choices = v.question(question).and_then(|q| q.choices.clone()).unwrap_or_default();
            question
                .answers_best_first()
                .map(|a| (a, choices.iter().filter(|(_, c)| c == a.id()).count()))
                .max_by_key(|(a, n)| (*n, a.code()))
                .filter(|(_, n)| *n > 0)
                .map(|(a, _)| a.id().to_string())
        })
    };
    let choice = RwSignal::new(suggested());
    view! {
        <form method="post" action="/api/live_command" class="inline-form" on:submit=move |ev| {
            if let Some(answer) = choice.get_untracked() {
                if live.send(Command::Lock { question, answer }) { ev.prevent_default(); }
            }
        }>
            <CommandFields kind="lock" question/>
            <label for="lock-answer">"Group answer"</label>
            <select id="lock-answer" name="answer" on:change=move |ev| choice.set(Some(event_target_value(&ev)))>
                {question.answers_best_first().map(|a| view! {
                    <option value=a.id() selected=move || suggested().as_deref() == Some(a.id())>{a.label()}</option>
                }).collect_view()}
            </select>
            <button type="submit" class="button primary">"Lock the answer"</button>
        </form>
    }
}

#[component]
pub fn MaturityStage() -> impl IntoView {
    let live = use_live();
    view! {
        <h2 id="stage-heading">"Maturity"</h2>
        {move || live.view.with(|v| {
            let locked: Vec<Option<String>> = Question::ALL.iter().map(|q| v.question(*q).and_then(|x| x.locked.clone())).collect();
            let answers: Option<Vec<_>> = Question::ALL.iter().zip(&locked).map(|(q, id)| id.as_deref().and_then(|id| q.answer(id))).collect();
            let Some(answers) = answers else {
                let missing: Vec<&str> = Question::ALL.iter().zip(&locked).filter(|(_, l)| l.is_none()).map(|(q, _)| q.title()).collect();
                return view! {
                    <p class="empty-state">{format!("Lock the group's answer on every question to see the maturity. Still open: {}.", missing.join(", "))}</p>
                }.into_any();
            };
            let input = checkpoint_core::dora::AssessmentInput {
                lead_time: answers[0], deploy_frequency: answers[1], time_to_restore: answers[2], change_failure_rate: answers[3],
                benchmark: v.info.benchmark,
            };
            let result = assess(&input);
            let rows = per_metric(&input, v.info.industry);
            view! {
                <p class="level-line">
                    <span class=format!("level-badge level-{}", result.level.id()) data-testid="level">{result.level.label()}</span>
                    <span class="percentile" data-testid="percentile">{format!("Better than {} % of {} respondents", result.percentile, result.benchmark.id())}</span>
                </p>
                <PerformanceChart benchmark=result.benchmark percentile=result.percentile level=result.level/>
                <h3>"Per metric"</h3>
                <PerMetricView rows industry=v.info.industry/>
                <super::measured::VotedAndMeasured voted=locked.clone()/>
                <RecommendedCapabilities level=result.level/>
            }.into_any()
        })}
        <NextStage/>
    }
}
