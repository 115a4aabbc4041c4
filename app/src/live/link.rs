//! The page's connection to its room: opening it (`open_live`), showing it
//! (`LinkIndicator`), and the way in for those not in it (`NotInRoom`). The
//! state it keeps is in `link/state.rs`, the WebSocket in `link/socket.rs`.

use checkpoint_core::live::View;
use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_meta::Title;

#[cfg(feature = "hydrate")]
mod socket;
mod state;

pub use state::{use_live, Control, LinkState, Live, Queued, Refusal, SaveState};

/// The room's live state for this page, connected to its socket when hydrated.
pub(crate) fn open_live(initial: View) -> Live {
    connect(Live::new(initial))
}

/// As [`open_live`], for the projector's page (no controls).
pub(crate) fn open_projector(initial: View) -> Live {
    connect(Live::projecting(initial))
}

fn connect(live: Live) -> Live {
    #[cfg(feature = "hydrate")]
    let id = live.id();
    provide_context(live);
    #[cfg(feature = "hydrate")]
    {
        let socket: state::SocketHandle = std::rc::Rc::new(socket::open(&id, live));
        live.socket.set_value(Some(socket));
        // After hydration, so the server's markup (a plain form) is what hydrates.
        Effect::new(move |_| live.scripted.set(true));
        live.now.set(js_sys::Date::now() as i64);
        let tick = set_interval_with_handle(
            move || live.now.set(js_sys::Date::now() as i64),
            std::time::Duration::from_millis(1000),
        )
        .ok();
        on_cleanup(move || {
            live.socket.try_with_value(|s| {
                if let Some(s) = s {
                    s.close()
                }
            });
            if let Some(t) = tick {
                t.clear();
            }
        });
    }
    live
}

#[component]
pub(crate) fn LinkIndicator() -> impl IntoView {
    let live = use_live();
    let text = move || match live.link.get() {
        LinkState::Connecting => "Connecting…".to_string(),
        LinkState::Live => "Connected".to_string(),
        LinkState::Reconnecting(n) => format!("Reconnecting… (attempt {n})"),
    };
    let class = move || match live.link.get() {
        LinkState::Live => "link-pill link-live",
        LinkState::Connecting => "link-pill",
        LinkState::Reconnecting(_) => "link-pill link-lost",
    };
    view! { <span class=class role="status" data-testid="link">{text}</span> }
}

/// "Join as a participant": a signed-in facilitator or admin takes part
/// without a code. Only this, never reading the page, makes them a participant.
#[server(endpoint = "join_as_user")]
pub async fn join_as_user(id: String) -> Result<(), ServerFnError> {
    use crate::context::{app_context, form_error, require_user};
    let user = require_user().await?;
    let ctx = app_context()?;
    ctx.store.join_as_user(&id, &user).await.map_err(form_error)?;
    ctx.rooms.refresh(&id).await;
    leptos_axum::redirect(&format!("/checkpoints/{id}"));
    Ok(())
}

#[component]
pub(crate) fn NotInRoom(message: String, id: String) -> impl IntoView {
    // Not being in the room is no failure of this page: it shows the ways in
    // (a code, signing in, joining as a participant), so it answers 200 where
    // the refused read of the room had set 401.
    #[cfg(feature = "ssr")]
    if message == checkpoint_core::store::ServiceError::Unauthenticated.to_string() {
        if let Some(res) = use_context::<leptos_axum::ResponseOptions>() {
            res.set_status(axum::http::StatusCode::OK);
        }
    }
    let session = crate::auth::use_session();
    let join = ServerAction::<JoinAsUser>::new();
    use checkpoint_core::access::{allows, Action, Hat};
    let can_join = move || {
        session
            .user
            .get()
            .and_then(Result::ok)
            .flatten()
            .is_some_and(|u| allows(Hat::of_role(u.role), Action::JoinAsUser))
    };
    let id_for_join = id.clone();
    let id_for_viewer = id.clone();
    view! {
        <Title text="Join a checkpoint"/>
        <section class="card narrow">
            <h1>"Join this checkpoint"</h1>
            {move || if can_join() {
                let id_for_join = id_for_join.clone();
                view! {
                    <p class="notice">"You are signed in, but not taking part in this checkpoint. Opening it adds nobody: join if you want to vote and add notes."</p>
                    <crate::errors::FormError result=join.value().into() form="join_as_user"/>
                    <ActionForm action=join attr:class="form inline">
                        <input type="hidden" name="id" value=id_for_join/>
                        <button type="submit" class="button primary">"Join as a participant"</button>
                    </ActionForm>
                    <p class="muted small">"You will be counted among those expected to vote."</p>
                }.into_any()
            } else if let Some(u) = session.user.get().and_then(Result::ok).flatten() {
                // Signed in, as a viewer: not told to sign in, but shown what a
                // viewer reads (the summary, with what has been revealed).
                view! {
                    <p class="notice" data-testid="viewer-notice">"You are signed in as "<bdi>{u.username}</bdi>" ("{u.role.label()}"). The live room is for those taking part; as a viewer you read the checkpoint's summary, which shows what has been revealed so far."</p>
                    <p><a class="button primary" href=format!("/checkpoints/{id_for_viewer}/summary")>"Read the summary"</a></p>
                    <p class="muted small">"Taking part? Ask the facilitator for the join code, then "<a href="/join">"join with the code"</a>"."</p>
                }.into_any()
            } else {
                let message = message.clone();
                view! {
                    <p class="notice">{message}</p>
                    <p>"Ask your facilitator for the join code, then "<a href="/join">"join with the code"</a>". Facilitators: "<a href="/login">"sign in"</a>" first."</p>
                }.into_any()
            }}
            <p>"Viewers and leadership read the outcome on "<a href=format!("/checkpoints/{id}/summary")>"the checkpoint's summary"</a>"."</p>
        </section>
    }
}
