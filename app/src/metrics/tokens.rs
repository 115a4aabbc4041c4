//! A squad's API tokens: create (shown once), list with last use, revoke.

use checkpoint_core::api_tokens::{ApiToken, NewApiToken};
use checkpoint_core::measured::dates::format_date;
use leptos::form::ActionForm;
use leptos::prelude::*;

use crate::errors::{error_text, FormError};

#[server(endpoint = "list_api_tokens")]
pub async fn list_api_tokens(squad: String) -> Result<Vec<ApiToken>, ServerFnError> {
    use crate::context::{app_context, into_server_error, require_user};
    let user = require_user().await?;
    app_context()?
        .store
        .list_api_tokens(&user, &squad)
        .await
        .map_err(into_server_error)
}

#[server(endpoint = "create_api_token")]
pub async fn create_api_token(squad: String, name: String) -> Result<NewApiToken, ServerFnError> {
    use crate::context::{app_context, form_error, require_user};
    let user = require_user().await?;
    app_context()?
        .store
        .create_api_token(Some(&user), &squad, &name)
        .await
        .map_err(form_error)
}

#[server(endpoint = "revoke_api_token")]
pub async fn revoke_api_token(squad: String, id: String) -> Result<(), ServerFnError> {
    use crate::context::{app_context, form_error, require_user};
    let user = require_user().await?;
    app_context()?
        .store
        .revoke_api_token(&user, &squad, &id)
        .await
        .map_err(form_error)
}

fn when(ms: Option<i64>) -> String {
    ms.map_or_else(|| "never".to_string(), format_date)
}

/// The section's actions and list. Created at the top of the squad page, not
/// inside the section: a resource created inside another resource's view got
/// its server-rendered value mixed up with a sibling's during hydration.
#[derive(Clone, Copy)]
pub struct TokenData {
    create: ServerAction<CreateApiToken>,
    revoke: ServerAction<RevokeApiToken>,
    tokens: Resource<Result<Vec<ApiToken>, ServerFnError>>,
}

impl TokenData {
    pub fn new(squad: impl Fn() -> String + Send + Sync + 'static) -> TokenData {
        let create = ServerAction::<CreateApiToken>::new();
        let revoke = ServerAction::<RevokeApiToken>::new();
        let tokens = Resource::new(
            move || (squad(), create.version().get(), revoke.version().get()),
            |(squad, _, _)| list_api_tokens(squad),
        );
        TokenData { create, revoke, tokens }
    }
}

/// For facilitators and admins on the squad page.
#[component]
pub fn ApiTokens(squad: String, data: TokenData) -> impl IntoView {
    let TokenData { create, revoke, tokens } = data;
    let squad_for_rows = StoredValue::new(squad.clone());
    // The secret is shown in the page that created it, which a plain form post
    // (redirected back) cannot do: creating needs JavaScript, or the CLI.
    let hydrated = RwSignal::new(false);
    Effect::new(move |_| hydrated.set(true));
    let cli = format!("checkpoint token create --squad {squad}");
    view! {
        <section class="card" aria-labelledby="tokens-heading">
            <h2 id="tokens-heading">"API tokens"</h2>
            <p class="muted">"Pipelines send deployments and incidents with a token: "<code>"Authorization: Bearer <token>"</code>". Snippets for GitHub Actions, GitLab CI, curl and CSV are in "<a href="/docs/integrations.md" rel="external" data-testid="integration-guide">"the integration guide"</a>"; the API is described at "<a href="/api/v1/openapi.json">"/api/v1/openapi.json"</a>"."</p>
            <FormError result=create.value().into() form="create_api_token"/>
            {move || create.value().get().and_then(Result::ok).map(|new| view! {
                <div class="notice notice-ok new-token" role="status">
                    <p>"Token "<strong><bdi>{new.token.name.clone()}</bdi></strong>" created. Copy it now: it is shown only this once."</p>
                    <label for="new-token-secret">"New token"</label>
                    <input id="new-token-secret" class="token-secret" readonly value=new.secret.clone()/>
                </div>
            })}
            <ActionForm action=create attr:class="form inline-form" attr:aria-label="New API token">
                <input type="hidden" name="squad" value=squad.clone()/>
                <label for="token-name">"What is it for?"</label>
                <input id="token-name" name="name" required maxlength="80" placeholder="GitHub Actions"/>
                <button type="submit" class="button primary" disabled=move || !hydrated.get() || create.pending().get()>"Create token"</button>
            </ActionForm>
            <noscript><p class="hint">"Creating a token needs JavaScript, because the token is shown only once, in this page. Without it, run "<code>{cli}</code>"."</p></noscript>
            <FormError result=revoke.value().into() form="revoke_api_token"/>
            <Transition fallback=|| view! { <p class="muted">"Loading tokens…"</p> }>
                {move || tokens.get().map(|result| match result {
                    Err(e) => view! { <p class="notice notice-error" role="alert">{error_text(&e)}</p> }.into_any(),
                    Ok(list) if list.is_empty() => view! { <p class="empty-state">"No tokens yet. Create one for each pipeline that reports deployments."</p> }.into_any(),
                    Ok(list) => view! {
                        <table class="data-table">
                            <thead><tr><th scope="col">"Name"</th><th scope="col">"Starts with"</th><th scope="col">"Created"</th><th scope="col">"Last used"</th><th scope="col">"Status"</th></tr></thead>
                            <tbody>
                                {list.into_iter().map(|t| {
                                    let revoked = t.revoked_at.is_some();
                                    view! {
                                        <tr>
                                            <td><bdi>{t.name.clone()}</bdi></td>
                                            <td><code>{format!("{}…", t.hint)}</code></td>
                                            <td>{format!("{} by ", format_date(t.created_at))}<bdi>{t.created_by.clone()}</bdi></td>
                                            <td>{when(t.last_used_at)}</td>
                                            <td>{if revoked {
                                                view! { <span class="muted">{format!("Revoked {}", when(t.revoked_at))}</span> }.into_any()
                                            } else {
                                                let aria = format!("Revoke {}", t.name);
                                                view! {
                                                    <ActionForm action=revoke attr:class="inline-form" attr:aria-label=aria>
                                                        <input type="hidden" name="squad" value=squad_for_rows.get_value()/>
                                                        <input type="hidden" name="id" value=t.id.clone()/>
                                                        <button type="submit" class="button subtle danger">"Revoke "<bdi>{t.name.clone()}</bdi></button>
                                                    </ActionForm>
                                                }.into_any()
                                            }}</td>
                                        </tr>
                                    }
                                }).collect_view()}
                            </tbody>
                        </table>
                    }.into_any(),
                })}
            </Transition>
        </section>
    }
}
