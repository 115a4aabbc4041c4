//! The room page: where everyone follows the facilitator's stage.

use checkpoint_core::dora::current::AnyEdition;
use checkpoint_core::live::{CheckpointStatus, Stage, View};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

use super::controls::confirm;
use super::link::{open_live, LinkIndicator, NotInRoom};
use super::stages::{MaturityStage, PerformanceStage, QuestionStage, SceneStage, WelcomeStage};
use crate::errors::error_text;

#[server(endpoint = "set_checkpoint_status")]
pub async fn set_checkpoint_status(id: String, status: String) -> Result<(), ServerFnError> {
    use crate::context::{app_context, form_error, require_user};
    use checkpoint_core::store::ServiceError;
    let user = require_user().await?;
    let status = CheckpointStatus::parse(&status)
        .filter(|s| *s != CheckpointStatus::Draft)
        .ok_or_else(|| {
            form_error(ServiceError::invalid(
                "status",
                "the status can become live or finished",
            ))
        })?;
    let ctx = app_context()?;
    ctx.store
        .set_checkpoint_status(&user, &id, status)
        .await
        .map_err(form_error)?;
    ctx.rooms.refresh(&id).await;
    leptos_axum::redirect(&format!("/checkpoints/{id}"));
    Ok(())
}

#[server(endpoint = "add_co_facilitator")]
pub async fn add_co_facilitator(id: String, username: String) -> Result<(), ServerFnError> {
    use crate::context::{app_context, form_error, require_user};
    let user = require_user().await?;
    let ctx = app_context()?;
    ctx.store
        .add_co_facilitator(&user, &id, &username)
        .await
        .map_err(form_error)?;
    ctx.rooms.refresh(&id).await;
    leptos_axum::redirect(&format!("/checkpoints/{id}"));
    Ok(())
}

#[component]
pub fn CheckpointPage() -> impl IntoView {
    let params = use_params_map();
    let id = move || params.with(|p| p.get("id")).unwrap_or_default();
    let view = super::room_resources(id);
    provide_context(super::stages::PreviousActionsData(Resource::new(
        id,
        super::stages::load_previous_actions,
    )));
    view! {
        <Transition fallback=|| view! { <p class="muted">"Opening the checkpoint…"</p> }>
            {move || view.get().map(|result| match result {
                Ok(v) => view! { <Room initial=v/> }.into_any(),
                // The server is away (restarting, or the network dropped): keep trying
                // rather than send the person back to the join page.
                Err(ServerFnError::Request(_)) => {
                    #[cfg(feature = "hydrate")]
                    set_timeout(move || view.refetch(), std::time::Duration::from_secs(2));
                    view! { <p class="notice" role="status">"Could not reach the server. Trying again…"</p> }.into_any()
                }
                Err(e) => view! { <NotInRoom message=error_text(&e) id=id()/> }.into_any(),
            })}
        </Transition>
    }
}

#[component]
fn Room(initial: View) -> impl IntoView {
    let live = open_live(initial);
    let shown = Memo::new(move |_| live.shown_stage());
    let is_current = live.peek(|v| v.info.benchmark.current().is_some());
    let info = live.select(move |v| v.info.clone());
    let revision = live.select(move |v| v.revision);
    let facilitator = live.select(move |v| v.facilitator);
    view! {
        <Title text=move || format!("{} checkpoint", info.get().squad_name)/>
        <div class="room" data-revision=move || revision.get()>
            <header class="room-head">
                <div>
                    <p class="breadcrumb"><a href=move || format!("/squads/{}", info.get().squad_slug)><bdi>{move || info.get().squad_name}</bdi></a>" / checkpoint"</p>
                    <h1><bdi>{move || info.get().squad_name}</bdi>{move || format!(" · {}", info.get().held_on)}</h1>
                    <p class="muted small">
                        "Facilitated by "<bdi>{move || info.get().facilitator}</bdi>{move || format!(" · DORA {} edition", info.get().benchmark.label())}
                        {move || info.get().board_url.map(|url| view! { " · "<a href=url rel="noopener noreferrer" target="_blank">"External board"<span class="visually-hidden">" (opens in a new tab)"</span></a> })}
                    </p>
                </div>
                <div class="room-status">
                    <span class=move || format!("status-pill status-{}", info.get().status.id())>{move || info.get().status.label()}</span>
                    <LinkIndicator/>
                    <SaveStatus/>
                </div>
            </header>
            <Show when=move || live.removed.get()>
                <p class="notice notice-error" role="alert">"The facilitator removed you from this checkpoint."</p>
            </Show>
            // Refusals of what a control sent are shown beside it; the rest
            // (the server's own news) at the foot of the screen, wherever one has scrolled.
            <Show when=move || live.error.with(|e| e.as_ref().is_some_and(|r| r.control.is_none()))>
                <p class="notice notice-error room-toast" role="alert" data-testid="room-error">
                    {move || live.error.get().map(|r| r.message)}
                    <button type="button" class="button subtle small" on:click=move |_| live.error.set(None)>"Dismiss"</button>
                </p>
            </Show>
            <Show when=move || facilitator.get()>
                <FacilitatorBar/>
            </Show>
            <StageNav/>
            // The board needs the whole width: the presence list folds into a strip above it.
            <div class="room-grid" class:room-wide=move || shown.get() == Stage::Board>
                <section class="stage-panel" aria-live="polite" aria-labelledby="stage-heading">
                    <FollowNotice/>
                    // Through a Memo: the stage is drawn again when it changes, not
                    // on every change of the room (which would wipe what people type).
                    {move || match shown.get() {
                        Stage::Welcome => view! { <WelcomeStage/> }.into_any(),
                        Stage::Scene => view! { <SceneStage/> }.into_any(),
                        Stage::Maturity if is_current => view! { <PerformanceStage/> }.into_any(),
                        Stage::Maturity => view! { <MaturityStage/> }.into_any(),
                        Stage::Capabilities => view! { <super::capabilities::CapabilitiesStage/> }.into_any(),
                        Stage::Board => view! { <super::board::BoardStage/> }.into_any(),
                        Stage::Summary => view! { <crate::summary::stage::SummaryStage/> }.into_any(),
                        Stage::Survey => view! { <crate::summary::stage::SurveyStage/> }.into_any(),
                        other => view! { <QuestionStage question=other.metric().expect("a question stage")/> }.into_any(),
                    }}
                </section>
                <Presence/>
            </div>
            <Show when=move || facilitator.get()>
                <EndCheckpoint/>
            </Show>
        </div>
    }
}

/// Whether this person's changes are saved: each counts only once the server
/// acknowledged it. Empty when everything is saved (the live region stays, so
/// that each change of state is announced).
#[component]
pub(crate) fn SaveStatus() -> impl IntoView {
    use super::link::SaveState;
    let live = super::link::use_live();
    let state = Memo::new(move |_| live.save_state());
    let count = move || live.pending.with(Vec::len);
    view! {
        <span class=move || match state.get() { SaveState::Saved => "save-status", SaveState::Saving => "save-status saving", SaveState::Retrying => "save-status retrying" }
            role="status" aria-live="polite" data-testid="save-status">
            {move || match state.get() {
                SaveState::Saved => String::new(),
                SaveState::Saving => "Saving…".to_string(),
                SaveState::Retrying => match count() {
                    1 => "Not saved, retrying (1 change waiting)".to_string(),
                    n => format!("Not saved, retrying ({n} changes waiting)"),
                },
            }}
        </span>
    }
}

/// Ending the room, at the foot of the page: far from the join code the
/// facilitator shares, and from the stage controls used all session.
#[component]
fn EndCheckpoint() -> impl IntoView {
    let live = super::link::use_live();
    let status = live.select(move |v| v.info.status);
    view! {
        <Show when=move || status.get() != CheckpointStatus::Finished>
            <section class="room-end" aria-label="End the checkpoint">
                <form method="post" action="/api/set_checkpoint_status" on:submit=|ev| {
                    if !confirm("End this checkpoint for everyone? Nobody can join, vote or answer the survey afterwards.") { ev.prevent_default(); }
                }>
                    <input type="hidden" name="id" value=live.id()/>
                    <input type="hidden" name="status" value="finished"/>
                    <button type="submit" class="button danger">"End the checkpoint"</button>
                </form>
                <p class="muted small">"When the survey is in: nobody can join, vote or answer the survey afterwards. The summary stays, and can still be finalised or corrected."</p>
            </section>
        </Show>
    }
}

/// Start, the join code, the projector view and co-facilitators.
#[component]
fn FacilitatorBar() -> impl IntoView {
    let live = super::link::use_live();
    let id = move || live.id();
    let status = live.select(move |v| v.info.status);
    let code = live.select(move |v| v.join_code.clone().unwrap_or_default());
    // Once everyone is in, the bar shrinks to a line (the code stays for latecomers).
    let arriving = live.select(move |v| matches!(v.stage, Stage::Welcome | Stage::Scene));
    view! {
        <section class="facilitator-bar card" class:compact=move || !arriving.get() aria-label="Facilitator controls">
            <super::join_link::JoinBox code/>
            <div class="facilitator-actions">
                <Show when=move || status.get() == CheckpointStatus::Draft>
                    <form method="post" action="/api/set_checkpoint_status">
                        <input type="hidden" name="id" value=id/>
                        <input type="hidden" name="status" value="live"/>
                        <button type="submit" class="button primary">"Start the checkpoint"</button>
                    </form>
                </Show>
                <a class="button" href=move || format!("/checkpoints/{}/present", id()) target="_blank" rel="noopener" data-testid="open-projector">
                    "Open the projector view"<span class="visually-hidden">" (opens in a new tab: the stage everyone follows, in large type)"</span>
                </a>
                <details class="co-facilitators">
                    <summary>"Add a co-facilitator"</summary>
                    <form method="post" action="/api/add_co_facilitator" class="form inline-form">
                        <input type="hidden" name="id" value=id/>
                        <label for="co-facilitator">"Username"</label>
                        <input id="co-facilitator" name="username" required maxlength="40" autocomplete="off"/>
                        <button type="submit" class="button">"Add"</button>
                    </form>
                    <p class="small"><a href=move || format!("/checkpoints/{}/manage", id())>"Remove a co-facilitator or delete this checkpoint"</a></p>
                </details>
            </div>
        </section>
    }
}

#[component]
fn StageNav() -> impl IntoView {
    let live = super::link::use_live();
    let current = live.select(move |v| v.stage);
    let facilitator = live.select(move |v| v.facilitator);
    // The edition never changes during a session.
    let edition = live.peek(|v| v.info.benchmark);
    let control = super::link::Control::new();
    // On a phone the bar is one scrolling row: keep the facilitator's stage in view.
    #[cfg(feature = "hydrate")]
    Effect::new(move |_| {
        current.track();
        centre_current_stage();
    });
    view! {
        <nav class="stage-nav" aria-label="Stages">
            <ol>
                {Stage::all_in(edition).enumerate().map(|(number, stage)| {
                    let state = move || {
                        match stage.cmp(&current.get()) { std::cmp::Ordering::Equal => "current", std::cmp::Ordering::Less => "done", std::cmp::Ordering::Greater => "ahead" }
                    };
                    let shown = move || live.shown_stage() == stage;
                    view! {
                        <li class=move || format!("stage-step stage-{}", state())>
                            <form method="post" action="/api/live_command" on:submit=move |ev| {
                                if facilitator.get() {
                                    if live.send_from(Some(control), checkpoint_core::live::Command::GoTo { stage }, |_| {}) {
                                        live.looking_at.set(None);
                                        ev.prevent_default();
                                    }
                                } else {
                                    // Participants only look; the facilitator's stage does not move.
                                    ev.prevent_default();
                                    live.looking_at.set(if stage == current.get() { None } else { Some(stage) });
                                }
                            }>
                                <input type="hidden" name="id" value=live.id()/>
                                <input type="hidden" name="kind" value="go_to"/>
                                <input type="hidden" name="stage" value=stage.id()/>
                                <button type="submit" class="stage-button"
                                    aria-current=move || (stage == current.get()).then_some("step")
                                    aria-pressed=move || shown().to_string()
                                    disabled=move || !facilitator.get() && is_ahead(stage, current.get())
                                    title=move || step_title(facilitator.get(), stage, current.get(), edition)>
                                    <span class="stage-number">{number + 1}</span>
                                    <span class="stage-label">{stage.label_in(edition)}</span>
                                </button>
                            </form>
                        </li>
                    }
                }).collect_view()}
            </ol>
            <super::controls::Refused control/>
        </nav>
    }
}

/// Scrolls the stage bar (not the page) so that the current stage is in its middle.
#[cfg(feature = "hydrate")]
fn centre_current_stage() {
    use wasm_bindgen::JsCast;
    let Some(doc) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    let list = doc.query_selector(".stage-nav ol").ok().flatten();
    let step = doc.query_selector(".stage-nav .stage-current").ok().flatten();
    if let (Some(list), Some(step)) = (list, step.and_then(|s| s.dyn_into::<web_sys::HtmlElement>().ok())) {
        list.set_scroll_left(step.offset_left() - (list.client_width() - step.offset_width()) / 2);
    }
}

fn is_ahead(stage: Stage, current: Stage) -> bool {
    stage > current
}

fn step_title(facilitator: bool, stage: Stage, current: Stage, edition: AnyEdition) -> String {
    if facilitator {
        format!("Take everyone to {}", stage.label_in(edition))
    } else if stage > current {
        "Not reached yet".to_string()
    } else {
        format!("Look at {}", stage.label_in(edition))
    }
}

/// Shown while a participant looks at another stage than the facilitator's.
#[component]
fn FollowNotice() -> impl IntoView {
    let live = super::link::use_live();
    let stage = live.select(move |v| v.stage);
    let edition = live.peek(|v| v.info.benchmark);
    let away = move || live.looking_at.get().filter(|s| *s != stage.get());
    view! {
        <Show when=move || away().is_some()>
            <p class="notice follow-notice" role="status">
                {move || format!("You are looking back at {}. The facilitator is at {}. ", away().map(|s| s.label_in(edition)).unwrap_or_default(), stage.get().label_in(edition))}
                <button type="button" class="button subtle" on:click=move |_| live.looking_at.set(None)>"Follow the facilitator"</button>
            </p>
        </Show>
    }
}

#[component]
fn Presence() -> impl IntoView {
    let live = super::link::use_live();
    let current_question = live.select(move |v| v.stage.metric());
    let online = live.select(move |v| v.people.iter().filter(|p| p.online).count());
    // Who is here and who has voted on the question open: not the votes' revisions.
    let people = live.select(move |v| {
        let voters: Vec<String> = v
            .stage
            .metric()
            .and_then(|q| v.question(q))
            .map(|q| q.voters.clone())
            .unwrap_or_default();
        (v.people.clone(), voters, v.me.clone(), v.facilitator)
    });
    view! {
        <aside class="presence card" aria-labelledby="presence-heading">
            <h2 id="presence-heading">{move || format!("Here ({})", online.get())}</h2>
            <ul class="people" data-testid="presence">
                {move || people.with(|(everyone, voters, me, can_remove)| {
                    let (me, can_remove) = (me.clone(), *can_remove);
                    let id = live.id();
                    everyone.iter().map(|p| {
                        let voted = voters.contains(&p.id);
                        let pid = p.id.clone();
                        let removable = can_remove && !p.facilitator && p.id != me;
                        let name = p.name.clone();
                        view! {
                            <li class=if p.online { "person online" } else { "person away" } data-name=p.name.clone()>
                                <span class="presence-dot" aria-hidden="true"></span>
                                <span class="person-name"><bdi>{p.name.clone()}</bdi>{(p.id == me).then_some(" (you)")}</span>
                                {p.facilitator.then(|| view! { <span class="tag">"facilitator"</span> })}
                                <span class="visually-hidden">{if p.online { ", online" } else { ", away" }}</span>
                                {current_question.get().is_some().then(|| if voted {
                                    view! { <span class="voted" title="Has voted">"✓ voted"</span> }.into_any()
                                } else {
                                    view! { <span class="not-voted muted">"not voted"</span> }.into_any()
                                })}
                                {removable.then(|| {
                                    let pid2 = pid.clone();
                                    let control = super::link::Control::new();
                                    view! {
                                        <form method="post" action="/api/live_command" class="inline" on:submit=move |ev| {
                                            if !confirm(&format!("Remove {name} from this checkpoint?")) { ev.prevent_default(); return; }
                                            if live.send_from(Some(control), checkpoint_core::live::Command::RemoveParticipant { participant: pid2.clone() }, |_| {}) { ev.prevent_default(); }
                                        }>
                                            <input type="hidden" name="id" value=id.clone()/>
                                            <input type="hidden" name="kind" value="remove"/>
                                            <input type="hidden" name="participant" value=pid.clone()/>
                                            <button type="submit" class="button subtle small" aria-label=format!("Remove {}", p.name)>"Remove"</button>
                                            <super::controls::Refused control/>
                                        </form>
                                    }
                                })}
                            </li>
                        }
                    }).collect_view()
                })}
            </ul>
            <super::duplicates::Duplicates/>
            <super::resume_link::ResumeLink id=live.id()/>
        </aside>
    }
}
