//! A participant's own link to continue on another device. It carries their
//! participant cookie's token after `#` (never sent to the server in a
//! request line, so never in a log) and is shown to that cookie's holder
//! alone: nobody else can continue as them. Signed-in people have no link:
//! they sign in on the other device.

use leptos::prelude::*;

/// The link for the cookie this request carries for checkpoint `id`, if any.
#[server(endpoint = "resume_link")]
pub async fn load_resume_link(id: String) -> Result<Option<String>, ServerFnError> {
    use crate::context::{app_context, into_server_error, participant_cookies, site_origin};
    use checkpoint_core::request::percent_encode;
    let ctx = app_context()?;
    let Some(token) = participant_cookies()(&id) else {
        return Ok(None);
    };
    let Some(me) = ctx
        .store
        .participant_for_token(&id, &token)
        .await
        .map_err(into_server_error)?
    else {
        return Ok(None);
    };
    let loaded = ctx.store.load_live(&id).await.map_err(into_server_error)?;
    let Some(name) = loaded.state.participant(&me).map(|p| p.name.clone()) else {
        return Ok(None);
    };
    let origin = site_origin(&ctx);
    Ok(Some(format!(
        "{origin}/join?code={}&taken={}#resume={token}",
        loaded.join_code.display(),
        percent_encode(&name)
    )))
}

/// "Continue on another device": the participant's own resume link and a copy button.
#[component]
pub fn ResumeLink(id: String) -> impl IntoView {
    let link = Resource::new(move || (), move |_| load_resume_link(id.clone()));
    let copied = RwSignal::new(None::<&'static str>);
    view! {
        <Transition fallback=|| ()>
            {move || link.get().and_then(Result::ok).flatten().map(|url| {
                let to_copy = url.clone();
                let copy = move |_| crate::clipboard::copy(to_copy.clone(), move |ok| copied.set(Some(if ok { "Your link is copied. Keep it to yourself: it lets a device in as you." } else { "The browser refused the clipboard; select the link instead." })));
                view! {
                    <details class="resume-link" data-testid="resume-link">
                        <summary>"Continue on another device"</summary>
                        <p class="muted small">"Your own link back in as yourself, for a phone or a second laptop. Anyone with it can act as you: do not share it."</p>
                        <p class="resume-url"><code data-testid="resume-url">{url}</code></p>
                        <p class="button-row"><button type="button" class="button small" on:click=copy>"Copy my link"</button></p>
                        <p class="notice notice-ok small" role="status" aria-live="polite" hidden=move || copied.get().is_none()>{move || copied.get()}</p>
                    </details>
                }
            })}
        </Transition>
    }
}
