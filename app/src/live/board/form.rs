//! The board's one form: a plain post without JavaScript, the same fields
//! read by the same parser and sent over the socket when hydrated.

use checkpoint_core::board::BoardCommand;
use checkpoint_core::live::{Command, Fields};
use leptos::prelude::*;

use crate::live::controls::Refused;
use crate::live::link::{use_live, Control, Live};

/// A plain form fallback: one board change. `op` names it; its other fields
/// are read by `BoardCommand::from_fields`, the parser the hydrated page
/// uses on the same form.
#[server(endpoint = "board_command")]
pub async fn post_board_change(
    id: String,
    op: String,
    #[server(flatten)] fields: Fields,
) -> Result<i64, ServerFnError> {
    use crate::context::{app_context, form_error, require_participant};
    use checkpoint_core::store::ServiceError;
    let by = require_participant(&id).await?;
    let op = BoardCommand::from_fields(&op, &|name| fields.get(name)).map_err(|e| form_error(ServiceError::from(e)))?;
    let rev = app_context()?
        .rooms
        .execute(&id, &by, Command::Board { op })
        .await
        .map_err(form_error)?;
    leptos_axum::redirect(&format!("/checkpoints/{id}#board"));
    Ok(rev)
}

/// A fresh client-made id for a new note or step.
pub(super) fn new_id() -> String {
    uuid::Uuid::new_v4().simple().to_string()
}

/// Sends the form's change over the socket (or queues it until the socket is
/// back), with the same fields the plain post carries, read by the same
/// parser. False without a script: the form then posts.
pub(super) fn submit_over_socket(
    live: Live,
    control: Control,
    ev: &leptos::ev::SubmitEvent,
    done: impl FnOnce(Result<i64, String>) + 'static,
) -> bool {
    #[cfg(feature = "hydrate")]
    {
        use wasm_bindgen::JsCast;
        if !live.scripted.get_untracked() {
            return false;
        }
        let Some(form) = ev.target().and_then(|t| t.dyn_into::<web_sys::HtmlFormElement>().ok()) else {
            return false;
        };
        let Ok(data) = web_sys::FormData::new_with_form(&form) else {
            return false;
        };
        let get = |name: &str| data.get(name).as_string();
        let op = get("op").unwrap_or_default();
        match BoardCommand::from_fields(&op, &get) {
            Ok(op) => {
                if let BoardCommand::AddNote { id, .. } = &op {
                    // One's own notes may be deleted by oneself: the server
                    // tells snapshots which; a note just added is known here.
                    let id = id.clone();
                    live.note_mine(id);
                }
                live.send_from(Some(control), Command::Board { op }, done)
            }
            Err(e) => {
                live.refuse(Some(control), e.to_string());
                done(Err(e.to_string()));
                true
            }
        }
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = (live, control, ev, done);
        false
    }
}

#[component]
pub(super) fn BoardForm(
    op: &'static str,
    #[prop(optional)] class: &'static str,
    #[prop(optional)] label: Option<String>,
    /// Called once the change has been handed to the socket (sent, or waiting for it).
    #[prop(optional, into)]
    on_sent: Option<Callback<()>>,
    /// Called once the server has acknowledged the change.
    #[prop(optional, into)]
    on_saved: Option<Callback<()>>,
    children: Children,
) -> impl IntoView {
    let live = use_live();
    let control = Control::new();
    view! {
        <form method="post" action="/api/board_command" class=format!("board-form {class}") aria-label=label on:submit=move |ev| {
            let done = move |r: Result<i64, String>| if let (Ok(_), Some(f)) = (r, on_saved) { f.run(()) };
            if submit_over_socket(live, control, &ev, done) {
                ev.prevent_default();
                if let Some(f) = on_sent { f.run(()); }
            }
        }>
            <input type="hidden" name="id" value=live.id()/>
            <input type="hidden" name="op" value=op/>
            {children()}
            <Refused control/>
        </form>
    }
}
