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
    let users = Resource::new(
        move || (create.version().get(), set_role.version().get()),
        |_| list_users(),
    );
    view! {
        <Title text="Users"/>
        <h1>"Users and roles"</h1>
        <p class="muted">"Admins manage accounts. Facilitators run checkpoints and manage squads; viewers read summaries and history."</p>
        <Transition fallback=|| view! { <p class="muted">"Loading users…"</p> }>
            {move || users.get().map(|result| match result {
                Err(e) => view! { <AccessNotice message=error_text(&e)/> }.into_any(),
                Ok(list) => view! {
                    <div class="two-col">
                        <section aria-labelledby="users-heading">
                            <h2 id="users-heading">"Accounts"</h2>
                            <FormError result=set_role.value().into() form="set_role"/>
                            <table class="data-table">
                                <thead><tr><th scope="col">"Username"</th><th scope="col">"Role"</th></tr></thead>
                                <tbody>
                                    {list.into_iter().map(|u| {
                                        let select_id = format!("role-{}", u.id);
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
                                            </tr>
                                        }
                                    }).collect_view()}
                                </tbody>
                            </table>
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
