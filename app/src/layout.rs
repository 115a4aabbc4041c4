//! The frame around every page.

use checkpoint_core::accounts::Role;
use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_meta::Title;

use crate::auth::use_session;

#[component]
pub fn Header() -> impl IntoView {
    let session = use_session();
    let user = move || session.user.get().and_then(Result::ok).flatten();
    view! {
        <a class="skip-link" href="#main">"Skip to content"</a>
        <header class="site-header">
            <a class="brand" href="/">
                <span class="brand-mark" aria-hidden="true">"◆"</span>
                "DevOps Checkpoint"
            </a>
            <nav aria-label="Main">
                <ul class="nav">
                    <li><a href="/quick-check">"Quick check"</a></li>
                    <li><a href="/capabilities">"Capabilities"</a></li>
                    <Transition>
                        {move || user().map(|u| view! {
                            <li><a href="/squads">"Squads"</a></li>
                            <li><a href="/history">"History"</a></li>
                            <li><a href="/leaderboard">"Leaderboard"</a></li>
                            {(u.role == Role::Admin).then(|| view! { <li><a href="/admin/users">"Users"</a></li> })}
                        })}
                    </Transition>
                </ul>
            </nav>
            <div class="account">
                <Transition fallback=|| ()>
                    {move || match user() {
                        Some(u) => view! {
                            <a class="whoami" href="/account" title="Your account"><bdi>{u.username.clone()}</bdi><span class="role-badge">{u.role.label()}</span></a>
                            <ActionForm action=session.logout attr:class="inline-form">
                                <button type="submit" class="button subtle">"Sign out"</button>
                            </ActionForm>
                        }.into_any(),
                        None => view! {
                            <a class="button primary small" href="/join">"Join a checkpoint"</a>
                            <a class="button subtle" href="/login">"Sign in"</a>
                        }.into_any(),
                    }}
                </Transition>
            </div>
        </header>
    }
}

#[component]
pub fn Footer() -> impl IntoView {
    view! {
        <footer class="site-footer">
            <p>"DevOps Checkpoint runs a squad's quarterly delivery workshop. Figures follow the public DORA Quick Check; wording is our own."</p>
        </footer>
    }
}

#[component]
pub fn NotFound() -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let Some(res) = use_context::<leptos_axum::ResponseOptions>() {
        res.set_status(axum::http::StatusCode::NOT_FOUND);
    }
    view! {
        <Title text="Not found"/>
        <section class="card narrow">
            <h1>"Page not found"</h1>
            <p>"There is nothing at this address. Try the "<a href="/">"home page"</a>" or the "<a href="/quick-check">"quick check"</a>"."</p>
        </section>
    }
}

/// Shown when a page needs a signed-in user, or a role the user lacks.
#[component]
pub fn AccessNotice(message: String) -> impl IntoView {
    // Signed out (a link followed inside the hydrated app, which the server's
    // redirect never sees): go to the sign-in form, and come back after it.
    #[cfg(feature = "hydrate")]
    if message == checkpoint_core::error::ServiceError::Unauthenticated.to_string() {
        Effect::new(move |_| {
            let location = window().location();
            let next = format!(
                "{}{}",
                location.pathname().unwrap_or_default(),
                location.search().unwrap_or_default()
            );
            let encoded = String::from(js_sys::encode_uri_component(&next));
            let _ = location.replace(&format!("/login?next={encoded}"));
        });
    }
    view! {
        <div class="notice notice-error" role="alert">
            <p>{message}</p>
            <p><a href="/login">"Sign in"</a>" with an account that has access."</p>
        </div>
    }
}

/// A page's data could not be loaded: sign-in problems get the sign-in link,
/// anything else (a bad date in the address, say) just its message.
#[component]
pub fn ErrorNotice(e: ServerFnError) -> impl IntoView {
    let message = crate::errors::error_text(&e);
    if message.contains("sign in") || message.contains("permission") {
        view! { <AccessNotice message/> }.into_any()
    } else {
        view! { <p class="notice notice-error" role="alert">{message}</p> }.into_any()
    }
}
