//! Joining a checkpoint with its code and a display name. A browser that has
//! joined goes back in as itself; a name someone else holds asks "Are you
//! Ana?": continuing as Ana takes Ana's own resume link (shown to Ana alone, in
//! the room), anyone else joins as "Ana (2)".

use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::errors::{error_text, FormError};

#[server(endpoint = "join_checkpoint")]
pub async fn join_checkpoint(
    code: String,
    name: String,
    #[server(default)] resume: Option<String>,
    #[server(default)] as_new: Option<String>,
) -> Result<String, ServerFnError> {
    use crate::context::{
        accepts_html, app_context, client_addr, form_error, participant_cookies, set_participant_cookie,
    };
    use checkpoint_core::request::percent_encode;
    use checkpoint_core::store::checkpoints::JoinAs;
    use checkpoint_core::store::ServiceError;
    let how = match (resume.filter(|r| !r.trim().is_empty()), as_new.is_some()) {
        (Some(r), _) => JoinAs::Resume(r),
        (None, true) => JoinAs::Distinct,
        (None, false) => JoinAs::New,
    };
    let joined = app_context()?
        .store
        .join_checkpoint_as(&code, &name, &client_addr(), &participant_cookies(), &how)
        .await;
    let joined = match joined {
        // A taken name, from a form posted without JavaScript: back to the
        // form, which asks whether this is them. (With JavaScript the page
        // reads the refusal itself.)
        Err(ServiceError::Conflict(e)) if e.field == "name" && how == JoinAs::New && accepts_html() => {
            leptos_axum::redirect(&format!(
                "/join?code={}&taken={}",
                percent_encode(&code),
                percent_encode(name.trim())
            ));
            return Ok(String::new());
        }
        other => other.map_err(form_error)?,
    };
    set_participant_cookie(&joined.checkpoint_id, &joined.token);
    app_context()?.rooms.refresh(&joined.checkpoint_id).await;
    leptos_axum::redirect(&format!("/checkpoints/{}", joined.checkpoint_id));
    Ok(joined.checkpoint_id)
}

#[component]
pub fn JoinPage() -> impl IntoView {
    let join = ServerAction::<JoinCheckpoint>::new();
    let query = use_query_map();
    let code = move || query.with(|q| q.get("code")).unwrap_or_default();
    let typed = RwSignal::new(String::new());
    let typed_code = RwSignal::new(String::new());
    let is_taken = |r: &Option<Result<String, ServerFnError>>| matches!(r, Some(Err(e)) if error_text(e).starts_with(checkpoint_core::names::NAME_TAKEN));
    // A taken name: from the refusal (with JavaScript; it stays while they
    // choose) or from the query (a plain post sent back here).
    let refused_name = RwSignal::new(None::<String>);
    Effect::new(move |_| {
        if join.value().with(is_taken) {
            refused_name.set(Some(typed.get_untracked()));
        }
    });
    let taken = move || {
        refused_name
            .get()
            .or_else(|| query.with(|q| q.get("taken")).filter(|t| !t.trim().is_empty()))
    };
    let shown_error = Signal::derive(move || join.value().get().filter(|r| !is_taken(&Some(r.clone()))));
    view! {
        <Title text="Join a checkpoint"/>
        <section class="card narrow" aria-labelledby="join-heading">
            <h1 id="join-heading">"Join a checkpoint"</h1>
            <p class="muted">"Your facilitator shows the code on their screen. No account needed: your name is only shown to the others in this checkpoint."</p>
            <FormError result=shown_error form="join_checkpoint"/>
            {move || match taken() {
                None => view! {
                    <ActionForm action=join attr:class="form" attr:aria-labelledby="join-heading">
                        <label for="join-code">"Join code"</label>
                        <input id="join-code" name="code" required autocomplete="off" autocapitalize="characters" spellcheck="false" placeholder="ABCD-EFGH" maxlength="12" value=code on:input=move |ev| typed_code.set(event_target_value(&ev))/>
                        <label for="join-name">"Your name"</label>
                        <input id="join-name" name="name" required maxlength="80" autocomplete="nickname" on:input=move |ev| typed.set(event_target_value(&ev))/>
                        <button type="submit" class="button primary" disabled=join.pending()>{move || if join.pending().get() { "Joining…" } else { "Join" }}</button>
                    </ActionForm>
                }.into_any(),
                Some(name) => {
                    // The code typed (with JavaScript), else the one in the address.
                    let code = Some(typed_code.get_untracked()).filter(|c| !c.trim().is_empty()).unwrap_or_else(code);
                    view! { <NameTaken join code name/> }.into_any()
                }
            }}
        </section>
    }
}

/// "Are you Ana?": continue as Ana with her resume link, or join as someone new.
#[component]
fn NameTaken(join: ServerAction<JoinCheckpoint>, code: String, name: String) -> impl IntoView {
    let resume = RwSignal::new(String::new());
    // The resume link carries its code after `#`, which never reaches the server.
    Effect::new(move |_| {
        #[cfg(feature = "hydrate")]
        if let Some(hash) = web_sys::window().and_then(|w| w.location().hash().ok()) {
            if let Some(code) = hash.strip_prefix("#resume=").filter(|c| !c.is_empty()) {
                resume.set(code.to_string());
            }
        }
    });
    let heading = format!("Are you {name}?");
    let continue_label = format!("Continue as {name}");
    let (code_a, code_b, name_a, name_b) = (code.clone(), code.clone(), name.clone(), name.clone());
    let numbered = format!("{name} (2)");
    let another = format!("/join?code={code}");
    view! {
        <div class="name-taken" role="group" aria-labelledby="taken-heading" data-testid="name-taken">
            <h2 id="taken-heading"><bdi>{heading}</bdi></h2>
            <p>"Someone in this checkpoint already goes by "<bdi>{name}</bdi>". If that is you on another device, continue with your resume link: open the room on the device you joined with, copy the link under “Continue on another device” and open or paste it here."</p>
            <ActionForm action=join attr:class="form" attr:aria-labelledby="taken-heading">
                <input type="hidden" name="code" value=code_a/>
                <input type="hidden" name="name" value=name_a/>
                <label for="join-resume">"Your resume link or code"</label>
                <input id="join-resume" name="resume" required autocomplete="off" spellcheck="false" prop:value=move || resume.get()/>
                <button type="submit" class="button primary"><bdi>{continue_label}</bdi></button>
            </ActionForm>
            <ActionForm action=join attr:class="form" attr:aria-label="Join as someone new">
                <input type="hidden" name="code" value=code_b/>
                <input type="hidden" name="name" value=name_b/>
                <input type="hidden" name="as_new" value="true"/>
                <p class="muted">"Not you? Join under the same name with a number, for example "<bdi>{numbered}</bdi>"."</p>
                <button type="submit" class="button">"I am someone else"</button>
            </ActionForm>
            <p><a href=another>"Use another name"</a></p>
        </div>
    }
}
