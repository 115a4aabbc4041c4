//! Accounts and roles, for admins.

use checkpoint_core::accounts::{Role, UserRow};
use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_meta::Title;

use crate::errors::{error_text, FormError};
use crate::layout::AccessNotice;

#[server(endpoint = "list_users")]
pub async fn list_users() -> Result<Vec<UserRow>, ServerFnError> {
    use crate::context::{app_context, into_server_error, require_user};
    let user = require_user().await?;
    app_context()?.store.list_users(&user).await.map_err(into_server_error)
}

#[server(endpoint = "create_user")]
pub async fn create_user(username: String, password: String, role: String) -> Result<UserRow, ServerFnError> {
    use crate::context::{app_context, form_error, require_user};
    let user = require_user().await?;
    let role = Role::parse(&role).map_err(|e| form_error(e.into()))?;
    app_context()?
        .store
        .create_user(Some(&user), &username, &password, role)
        .await
        .map_err(form_error)
}

#[server(endpoint = "set_role")]
pub async fn set_role(user_id: String, role: String) -> Result<(), ServerFnError> {
    use crate::context::{app_context, form_error, require_user};
    let user = require_user().await?;
    let role = Role::parse(&role).map_err(|e| form_error(e.into()))?;
    app_context()?
        .store
        .set_role(&user, &user_id, role)
        .await
        .map_err(form_error)
}

/// A temporary password, shown once to the admin who reset it.
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
pub struct TemporaryPassword {
    pub username: String,
    pub password: String,
}

#[server(endpoint = "reset_password")]
pub async fn reset_password(user_id: String, username: String) -> Result<TemporaryPassword, ServerFnError> {
    use crate::context::{app_context, form_error, require_user};
    let user = require_user().await?;
    let password = app_context()?
        .store
        .reset_password(&user, &user_id)
        .await
        .map_err(form_error)?;
    Ok(TemporaryPassword { username, password })
}

#[server(endpoint = "set_user_active")]
pub async fn set_user_active(user_id: String, active: String) -> Result<(), ServerFnError> {
    use crate::context::{app_context, form_error, require_user};
    use checkpoint_core::store::ServiceError;
    let user = require_user().await?;
    let active = match active.as_str() {
        "true" => true,
        "false" => false,
        _ => return Err(form_error(ServiceError::invalid("active", "active is true or false"))),
    };
    app_context()?
        .store
        .set_user_active(&user, &user_id, active)
        .await
        .map_err(form_error)
}

/// A user's row's reset and (de)activation buttons.
#[component]
fn AccountActions(
    user: UserRow,
    reset: ServerAction<ResetPassword>,
    set_active: ServerAction<SetUserActive>,
) -> impl IntoView {
    let (id_reset, id_active, name) = (user.id.clone(), user.id.clone(), user.username.clone());
    let (name_reset, name_hidden, name_active) = (name.clone(), name.clone(), name);
    let active = user.active;
    // The temporary password is shown by the hydrated page; a plain form post
    // is sent back to the page without it, so the button waits for scripts.
    let scripted = RwSignal::new(false);
    Effect::new(move |_| scripted.set(true));
    view! {
        <td>
            <div class="account-actions">
            {(!active).then(|| view! { <span class="status-pill status-finished">"Deactivated"</span> })}
            <ActionForm action=reset attr:class="inline-form">
                <input type="hidden" name="user_id" value=id_reset/>
                <input type="hidden" name="username" value=name_reset/>
                <button type="submit" class="button subtle small" disabled=move || !scripted.get() title="Shows a temporary password once (needs JavaScript)">"Reset password"<span class="visually-hidden">" of "<bdi>{name_hidden}</bdi></span></button>
            </ActionForm>
            <ActionForm action=set_active attr:class="inline-form">
                <input type="hidden" name="user_id" value=id_active/>
                <input type="hidden" name="active" value=(!active).to_string()/>
                <button type="submit" class=if active { "button danger small" } else { "button small" }>
                    {if active { "Deactivate" } else { "Reactivate" }}<span class="visually-hidden">" "<bdi>{name_active}</bdi></span>
                </button>
            </ActionForm>
            </div>
        </td>
    }
}

#[component]
fn RoleSelect(id: String, selected: Role) -> impl IntoView {
    view! {
        <select id=id name="role">
            {Role::ALL.into_iter().map(|r| view! { <option value=r.id() selected=r == selected>{r.label()}</option> }).collect_view()}
        </select>
    }
}

#[component]
pub fn UsersPage() -> impl IntoView {
    let create = ServerAction::<CreateUser>::new();
    let set_role = ServerAction::<SetRole>::new();
    let reset = ServerAction::<ResetPassword>::new();
    let set_active = ServerAction::<SetUserActive>::new();
    let users = Resource::new(
        move || {
            (
                create.version().get(),
                set_role.version().get(),
                set_active.version().get(),
            )
        },
        |_| list_users(),
    );
    view! {
        <Title text="Users"/>
        <h1>"Users and roles"</h1>
        <p class="muted">"Admins manage accounts. Facilitators run checkpoints and manage squads; viewers read summaries and history. A deactivated account cannot sign in, its sessions end at once and the API tokens it created stop working until it is reactivated."</p>
        <Transition fallback=|| view! { <p class="muted">"Loading users…"</p> }>
            {move || users.get().map(|result| match result {
                Err(e) => view! { <AccessNotice message=error_text(&e)/> }.into_any(),
                Ok(list) => view! {
                    <div class="two-col">
                        <section aria-labelledby="users-heading">
                            <h2 id="users-heading">"Accounts"</h2>
                            <FormError result=set_role.value().into() form="set_role"/>
                            <FormError result=reset.value().into() form="reset_password"/>
                            <FormError result=set_active.value().into() form="set_user_active"/>
                            {move || reset.value().get().and_then(Result::ok).map(|t| view! {
                                <div class="notice notice-ok temporary-password" role="status" data-testid="temporary-password">
                                    <p>"Temporary password for "<bdi>{t.username}</bdi>" (shown once; pass it on privately, they change it on their account page):"</p>
                                    <p><code>{t.password}</code></p>
                                </div>
                            })}
                            <div class="table-scroll">
                            <table class="data-table users-table">
                                <thead><tr><th scope="col">"Username"</th><th scope="col">"Role"</th><th scope="col">"Account"</th></tr></thead>
                                <tbody>
                                    {list.into_iter().map(|u| {
                                        let select_id = format!("role-{}", u.id);
                                        let row = u.clone();
                                        view! {
                                            <tr>
                                                <td><bdi>{u.username.clone()}</bdi></td>
                                                <td>
                                                    <ActionForm action=set_role attr:class="inline-form">
                                                        <input type="hidden" name="user_id" value=u.id.clone()/>
                                                        <label class="visually-hidden" for=select_id.clone()>"Role of "<bdi>{u.username.clone()}</bdi></label>
                                                        <RoleSelect id=select_id selected=u.role/>
                                                        <button type="submit" class="button subtle">"Save"<span class="visually-hidden">" role of "<bdi>{u.username.clone()}</bdi></span></button>
                                                    </ActionForm>
                                                </td>
                                                <AccountActions user=row reset set_active/>
                                            </tr>
                                        }
                                    }).collect_view()}
                                </tbody>
                            </table>
                            </div>
                        </section>
                        <section class="card" aria-labelledby="new-user-heading">
                            <h2 id="new-user-heading">"Add a user"</h2>
                            <FormError result=create.value().into() form="create_user"/>
                            <ActionForm action=create attr:class="form" attr:aria-label="Add a user">
                                <label for="new-username">"Username"</label>
                                <input id="new-username" name="username" required minlength="3" maxlength="40" autocomplete="off"/>
                                <label for="new-password">"Initial password"</label>
                                <input id="new-password" name="password" type="password" required minlength="10" autocomplete="new-password"/>
                                <p class="hint">"At least 10 characters. Share it with the person privately."</p>
                                <label for="new-role">"Role"</label>
                                <RoleSelect id="new-role".to_string() selected=Role::Facilitator/>
                                <button type="submit" class="button primary" disabled=create.pending()>"Add user"</button>
                            </ActionForm>
                        </section>
                    </div>
                }.into_any(),
            })}
        </Transition>
    }
}
