//! Sign-in, sign-out and first-admin setup.

use checkpoint_core::accounts::CurrentUser;
use checkpoint_core::security::SafeNext;
use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::errors::FormError;

#[server(endpoint = "whoami")]
pub async fn whoami() -> Result<Option<CurrentUser>, ServerFnError> {
    crate::context::current_user().await
}

#[server(endpoint = "login")]
pub async fn login(username: String, password: String, next: Option<String>) -> Result<(), ServerFnError> {
    use crate::context::{app_context, client_addr, form_error, set_session_cookie};
    let store = app_context()?.store;
    let session = store
        .sign_in(&username, &password, &client_addr())
        .await
        .map_err(form_error)?;
    set_session_cookie(
        Some(&session.token),
        checkpoint_core::store::users::SESSION_DAYS * 24 * 3600,
    );
    // Only a path on this site (the rule: `SafeNext`), so a crafted link cannot
    // send people elsewhere after signing in; always a valid header value.
    leptos_axum::redirect(SafeNext::after_sign_in(next.as_deref(), "/squads").as_str());
    Ok(())
}

#[server(endpoint = "logout")]
pub async fn logout() -> Result<(), ServerFnError> {
    use crate::context::{app_context, form_error, session_token, set_session_cookie};
    if let Some(token) = session_token() {
        app_context()?.store.sign_out(&token).await.map_err(form_error)?;
    }
    set_session_cookie(None, 0);
    leptos_axum::redirect("/");
    Ok(())
}

#[server(endpoint = "setup_needed")]
pub async fn setup_needed() -> Result<bool, ServerFnError> {
    use crate::context::{app_context, into_server_error};
    Ok(!app_context()?.store.admin_exists().await.map_err(into_server_error)?)
}

#[server(endpoint = "complete_setup")]
pub async fn complete_setup(token: String, username: String, password: String) -> Result<(), ServerFnError> {
    use crate::context::{app_context, form_error, set_session_cookie};
    let store = app_context()?.store;
    let session = store
        .complete_setup(&token, &username, &password)
        .await
        .map_err(form_error)?;
    set_session_cookie(
        Some(&session.token),
        checkpoint_core::store::users::SESSION_DAYS * 24 * 3600,
    );
    leptos_axum::redirect("/admin/users");
    Ok(())
}

/// The signed-in user and the actions that change who it is, shared by every page.
#[derive(Clone, Copy)]
pub struct Session {
    pub user: Resource<Result<Option<CurrentUser>, ServerFnError>>,
    pub login: ServerAction<Login>,
    pub logout: ServerAction<Logout>,
    pub setup: ServerAction<CompleteSetup>,
}

pub fn provide_session() {
    let login = ServerAction::<Login>::new();
    let logout = ServerAction::<Logout>::new();
    let setup = ServerAction::<CompleteSetup>::new();
    let user = Resource::new(
        move || (login.version().get(), logout.version().get(), setup.version().get()),
        |_| whoami(),
    );
    provide_context(Session {
        user,
        login,
        logout,
        setup,
    });
}

pub fn use_session() -> Session {
    expect_context::<Session>()
}

#[component]
pub fn LoginPage() -> impl IntoView {
    let session = use_session();
    let query = use_query_map();
    // The server checks again; a refused `next` goes home here as well.
    let next = move || {
        query
            .with(|q| q.get("next"))
            .map(|n| SafeNext::or_home(&n).as_str().to_string())
            .unwrap_or_default()
    };
    let pending = session.login.pending();
    view! {
        <Title text="Sign in"/>
        <section class="card narrow">
            <h1>"Sign in"</h1>
            <p class="muted">"Facilitators, viewers and admins sign in here. Squad members join a checkpoint with its code and need no account."</p>
            <FormError result=session.login.value().into() form="login"/>
            <ActionForm action=session.login attr:class="form" attr:aria-label="Sign in">
                <input type="hidden" name="next" prop:value=next/>
                <label for="login-username">"Username"</label>
                <input id="login-username" name="username" autocomplete="username" required autofocus/>
                <label for="login-password">"Password"</label>
                <input id="login-password" name="password" type="password" autocomplete="current-password" required/>
                <button type="submit" class="button primary" disabled=pending>
                    {move || if pending.get() { "Signing in…" } else { "Sign in" }}
                </button>
            </ActionForm>
            <p class="muted small">"First time here? An admin creates your account. Setting up a new installation? Use the "<a href="/setup">"setup page"</a>"."</p>
        </section>
    }
}

#[component]
pub fn SetupPage() -> impl IntoView {
    let session = use_session();
    let needed = Resource::new(move || session.setup.version().get(), |_| setup_needed());
    let pending = session.setup.pending();
    view! {
        <Title text="First-run setup"/>
        <section class="card narrow">
            <h1>"First-run setup"</h1>
            <Suspense fallback=|| view! { <p class="muted">"Checking…"</p> }>
                {move || needed.get().map(|needed| match needed {
                    Ok(false) => view! {
                        <p class="notice">"Setup is complete: this installation has an admin. "<a href="/login">"Sign in"</a>" instead."</p>
                    }.into_any(),
                    Err(e) => view! { <p class="notice notice-error" role="alert">{crate::errors::error_text(&e)}</p> }.into_any(),
                    Ok(true) => view! {
                        <p>"Create the first admin account. The one-time setup token was printed by the server when it started (or run "<code>"checkpoint create-admin"</code>" on the server instead)."</p>
                        <FormError result=session.setup.value().into() form="complete_setup"/>
                        <ActionForm action=session.setup attr:class="form" attr:aria-label="Create the first admin">
                            <label for="setup-token">"Setup token"</label>
                            <input id="setup-token" name="token" autocomplete="off" required/>
                            <label for="setup-username">"Admin username"</label>
                            <input id="setup-username" name="username" autocomplete="username" required minlength="3" maxlength="40"/>
                            <label for="setup-password">"Password"</label>
                            <input id="setup-password" name="password" type="password" autocomplete="new-password" required minlength="10"/>
                            <p class="hint">"At least 10 characters."</p>
                            <button type="submit" class="button primary" disabled=pending>"Create admin"</button>
                        </ActionForm>
                    }.into_any(),
                })}
            </Suspense>
        </section>
    }
}
