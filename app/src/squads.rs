//! Tribes and squads: list, create, edit.

pub mod connections;

use checkpoint_core::dora::current::{IndustryKey, OrgSizeKey};
use checkpoint_core::squads::Squad;
use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

use crate::auth::use_session;
use crate::errors::{error_text, FormError};
use crate::layout::AccessNotice;

#[server(endpoint = "list_squads")]
pub async fn list_squads() -> Result<Vec<Squad>, ServerFnError> {
    use crate::context::{app_context, into_server_error, require_user};
    require_user().await?;
    app_context()?.store.list_squads().await.map_err(into_server_error)
}

#[server(endpoint = "list_archived_squads")]
pub async fn list_archived_squads() -> Result<Vec<Squad>, ServerFnError> {
    use crate::context::{app_context, into_server_error, require_user};
    require_user().await?;
    app_context()?
        .store
        .list_archived_squads()
        .await
        .map_err(into_server_error)
}

#[server(endpoint = "set_squad_archived")]
pub async fn set_squad_archived(slug: String, archived: String) -> Result<Squad, ServerFnError> {
    use crate::context::{app_context, form_error, require_user};
    use checkpoint_core::store::ServiceError;
    let user = require_user().await?;
    let archived = match archived.as_str() {
        "true" => true,
        "false" => false,
        _ => {
            return Err(form_error(ServiceError::invalid(
                "archived",
                "archived is true or false",
            )))
        }
    };
    app_context()?
        .store
        .set_squad_archived(&user, &slug, archived)
        .await
        .map_err(form_error)
}

#[server(endpoint = "get_squad")]
pub async fn get_squad(slug: String) -> Result<Squad, ServerFnError> {
    use crate::context::{app_context, into_server_error, require_user};
    require_user().await?;
    app_context()?.store.squad(&slug).await.map_err(into_server_error)
}

#[server(endpoint = "create_squad")]
pub async fn create_squad(
    name: String,
    tribe: String,
    industry: Option<String>,
    org_size: Option<String>,
) -> Result<Squad, ServerFnError> {
    use crate::context::{app_context, form_error, require_user};
    use checkpoint_core::squads::SquadForm;
    let user = require_user().await?;
    let form = SquadForm::parse(&name, &tribe, industry.as_deref())
        .and_then(|f| f.with_org_size(org_size.as_deref()))
        .map_err(|e| form_error(e.into()))?;
    app_context()?
        .store
        .create_squad(Some(&user), form)
        .await
        .map_err(form_error)
}

#[server(endpoint = "update_squad")]
pub async fn update_squad(
    slug: String,
    name: String,
    tribe: String,
    industry: Option<String>,
    org_size: Option<String>,
) -> Result<Squad, ServerFnError> {
    use crate::context::{app_context, form_error, require_user};
    use checkpoint_core::squads::SquadForm;
    let user = require_user().await?;
    let form = SquadForm::parse(&name, &tribe, industry.as_deref())
        .and_then(|f| f.with_org_size(org_size.as_deref()))
        .map_err(|e| form_error(e.into()))?;
    app_context()?
        .store
        .update_squad(&user, &slug, form)
        .await
        .map_err(form_error)
}

#[server(endpoint = "rename_tribe")]
pub async fn rename_tribe(tribe: String, new_name: String) -> Result<(), ServerFnError> {
    use crate::context::{app_context, form_error, require_user};
    use checkpoint_core::names::DisplayName;
    let user = require_user().await?;
    let new_name = DisplayName::parse("new_name", &new_name).map_err(|e| form_error(e.into()))?;
    app_context()?
        .store
        .rename_tribe(&user, &tribe, &new_name)
        .await
        .map_err(form_error)
}

/// The tribes that have squads, once each (the list arrives sorted by tribe).
fn tribes_of(squads: Vec<Squad>) -> Vec<String> {
    let mut tribes: Vec<String> = squads.into_iter().map(|s| s.tribe).collect();
    tribes.dedup();
    tribes
}

fn can_manage() -> impl Fn() -> bool + Copy {
    let session = use_session();
    move || {
        session
            .user
            .get()
            .and_then(Result::ok)
            .flatten()
            .is_some_and(|u| u.role.can_manage_squads())
    }
}

#[component]
fn SquadFields(#[prop(optional)] squad: Option<Squad>, #[prop(into)] tribes: Signal<Vec<String>>) -> impl IntoView {
    // The current editions' names; the squad keeps its legacy id, one to one.
    let industry = IndustryKey::from_legacy(squad.as_ref().map(|s| s.industry).unwrap_or_default());
    let org_size = squad.as_ref().and_then(|s| s.org_size);
    view! {
        <label for="squad-name">"Squad name"</label>
        <input id="squad-name" name="name" required maxlength="80" value=squad.as_ref().map(|s| s.name.clone())/>
        <label for="squad-tribe">"Tribe"</label>
        <input id="squad-tribe" name="tribe" required maxlength="80" list="known-tribes" value=squad.as_ref().map(|s| s.tribe.clone())/>
        <datalist id="known-tribes">
            // Only the suggestions follow the list: the fields themselves are
            // drawn once, so a refused form keeps what was typed and chosen.
            {move || tribes.get().into_iter().map(|t| view! { <option value=t/> }).collect_view()}
        </datalist>
        <p class="hint">"Pick an existing tribe or type a new one."</p>
        <label for="squad-industry">"Industry (for the baselines)"</label>
        <select id="squad-industry" name="industry">
            {IndustryKey::ALL.into_iter().map(|i| view! { <option value=i.id() selected=i == industry>{i.name()}</option> }).collect_view()}
        </select>
        <label for="squad-org-size">"Organisation size (optional)"</label>
        <select id="squad-org-size" name="org_size" aria-describedby="squad-org-size-hint">
            <option value="" selected=org_size.is_none()>"Not given"</option>
            // "All organisations" is a benchmark row, not a size a squad has.
            {OrgSizeKey::ALL.into_iter().filter(|k| *k != OrgSizeKey::All).map(|k| view! {
                <option value=k.id() selected=org_size == Some(k)>{k.name()}</option>
            }).collect_view()}
        </select>
        <p class="hint" id="squad-org-size-hint">"Compares the squad with organisations of its size in the 2024 and 2025 editions (2025 publishes no 10 to 19 band)."</p>
    }
}

#[component]
pub fn SquadsPage() -> impl IntoView {
    let create = ServerAction::<CreateSquad>::new();
    let rename = ServerAction::<RenameTribe>::new();
    let squads = Resource::new(
        move || (create.version().get(), rename.version().get()),
        |_| list_squads(),
    );
    let archived = Resource::new(move || create.version().get(), |_| list_archived_squads());
    // A refused form keeps what was typed; a created squad clears it for the next.
    let form = NodeRef::<leptos::html::Form>::new();
    Effect::new(move |_| {
        if matches!(create.value().get(), Some(Ok(_))) {
            if let Some(f) = form.get() {
                f.reset();
            }
        }
    });
    let can_manage = can_manage();
    view! {
        <Title text="Squads"/>
        <h1>"Squads"</h1>
        <div class="two-col">
            <section aria-labelledby="squad-list-heading">
                <h2 id="squad-list-heading">"All squads"</h2>
                <Transition fallback=|| view! { <p class="muted">"Loading squads…"</p> }>
                    {move || squads.get().map(|result| match result {
                        Err(e) => view! { <AccessNotice message=error_text(&e)/> }.into_any(),
                        Ok(list) if list.is_empty() => view! {
                            <p class="empty-state">"No squads yet. "{if can_manage() { "Create the first one with the form." } else { "A facilitator or admin can create them." }}</p>
                        }.into_any(),
                        Ok(list) => view! {
                            <table class="data-table">
                                <thead><tr><th scope="col">"Squad"</th><th scope="col">"Tribe"</th><th scope="col">"Industry"</th></tr></thead>
                                <tbody>
                                    {list.into_iter().map(|s| view! {
                                        <tr>
                                            <td><a href=format!("/squads/{}", s.slug)><bdi>{s.name}</bdi></a></td>
                                            <td><bdi>{s.tribe}</bdi></td>
                                            <td>{IndustryKey::from_legacy(s.industry).name()}</td>
                                        </tr>
                                    }).collect_view()}
                                </tbody>
                            </table>
                        }.into_any(),
                    })}
                </Transition>
                <Transition fallback=|| ()>
                    {move || archived.get().and_then(Result::ok).filter(|l| !l.is_empty()).map(|list| view! {
                        <details class="archived-squads" data-testid="archived-squads">
                            <summary>{format!("Archived squads ({})", list.len())}</summary>
                            <p class="hint">"Hidden from lists and selects; their checkpoints, summaries and history are kept."</p>
                            <ul>
                                {list.into_iter().map(|s| view! { <li><a href=format!("/squads/{}", s.slug)><bdi>{s.name}</bdi></a>" · "<bdi>{s.tribe}</bdi></li> }).collect_view()}
                            </ul>
                        </details>
                    })}
                </Transition>
            </section>
            // Inside a Transition: the role comes from a resource, which hydration
            // must read from the server's data, not guess.
            <Transition fallback=|| ()>
            <Show when=can_manage>
                <div>
                <section class="card" aria-labelledby="new-squad-heading">
                    <h2 id="new-squad-heading">"New squad"</h2>
                    <FormError result=create.value().into() form="create_squad"/>
                    <Show when=move || matches!(create.value().get(), Some(Ok(_)))>
                        <p class="notice notice-ok" role="status">{move || create.value().get().and_then(Result::ok).map(|s| view! { "Created "<bdi>{s.name}</bdi>"." })}</p>
                    </Show>
                    <ActionForm action=create node_ref=form attr:class="form" attr:aria-label="New squad">
                        <SquadFields tribes=Signal::derive(move || squads.get().and_then(Result::ok).map(tribes_of).unwrap_or_default())/>
                        <button type="submit" class="button primary" disabled=create.pending()>"Create squad"</button>
                    </ActionForm>
                </section>
                <section class="card" aria-labelledby="rename-tribe-heading">
                    <h2 id="rename-tribe-heading">"Rename a tribe"</h2>
                    <FormError result=rename.value().into() form="rename_tribe"/>
                    <ActionForm action=rename attr:class="form" attr:aria-label="Rename a tribe">
                        <label for="rename-tribe">"Tribe to rename"</label>
                        <select id="rename-tribe" name="tribe">
                            {move || squads.get().and_then(Result::ok).map(|list| {
                                tribes_of(list).into_iter().map(|t| { let label = t.clone(); view! { <option value=t>{label}</option> } }).collect_view()
                            })}
                        </select>
                        <label for="rename-new-name">"New name"</label>
                        <input id="rename-new-name" name="new_name" required maxlength="80"/>
                        <button type="submit" class="button" disabled=rename.pending()>"Rename tribe"</button>
                    </ActionForm>
                </section>
                </div>
            </Show>
            </Transition>
        </div>
    }
}

/// " · industry: … · organisation size: …", as the squad's benchmarks see it.
fn squad_context(s: &Squad) -> String {
    let industry = IndustryKey::from_legacy(s.industry).name();
    match s.org_size {
        Some(size) => format!(" · industry: {industry} · organisation size: {}", size.name()),
        None => format!(" · industry: {industry}"),
    }
}

#[component]
pub fn SquadPage() -> impl IntoView {
    let params = use_params_map();
    let slug = move || params.with(|p| p.get("slug")).unwrap_or_default();
    let update = ServerAction::<UpdateSquad>::new();
    let archive = ServerAction::<SetSquadArchived>::new();
    let squad = Resource::new(
        move || (slug(), update.version().get(), archive.version().get()),
        |(slug, _, _)| get_squad(slug),
    );
    let can_manage = can_manage();
    let tokens = crate::metrics::tokens::TokenData::new(slug);
    let connections = connections::ConnectionData::new(slug);
    let checkpoints = crate::live::checkpoints::CheckpointListData::new(slug);
    view! {
        <Transition fallback=|| view! { <p class="muted">"Loading…"</p> }>
            {move || squad.get().map(|result| match result {
                Err(e) => view! { <Title text="Squad"/><AccessNotice message=error_text(&e)/> }.into_any(),
                Ok(s) => {
                    let (archive_slug, s_archived) = (s.slug.clone(), s.archived);
                    view! {
                    <Title text=s.name.clone()/>
                    <p class="breadcrumb"><a href="/squads">"Squads"</a>" / "<bdi>{s.tribe.clone()}</bdi></p>
                    <h1><bdi>{s.name.clone()}</bdi></h1>
                    <p class="muted">"Tribe "<bdi>{s.tribe.clone()}</bdi>{squad_context(&s)}</p>
                    {s.archived.then(|| view! { <p class="notice" role="status" data-testid="archived-notice">"This squad is archived: it is hidden from lists and selects; its checkpoints, summaries and history are kept."</p> })}
                    <nav class="page-actions" aria-label="Squad">
                        <a class="button" href=format!("/squads/{}/metrics", s.slug)>"Measured metrics"</a>
                        <a class="button" href=format!("/squads/{}/trend", s.slug)>"Trend"</a>
                        {can_manage().then(|| view! { <a class="button subtle" href=format!("/squads/{}/import", s.slug)>"Import CSV"</a> })}
                    </nav>
                    <crate::live::checkpoints::SquadCheckpoints squad=s.slug.clone() can_manage=can_manage() data=checkpoints/>
                    {can_manage().then(|| view! { <crate::metrics::tokens::ApiTokens squad=s.slug.clone() data=tokens/> })}
                    {can_manage().then(|| view! { <connections::Connections squad=s.slug.clone() data=connections/> })}
                    {can_manage().then(|| view! {
                        <section class="card" aria-labelledby="edit-squad-heading">
                            <h2 id="edit-squad-heading">"Edit squad"</h2>
                            <FormError result=update.value().into() form="update_squad"/>
                            <ActionForm action=update attr:class="form" attr:aria-label="Edit squad">
                                <input type="hidden" name="slug" value=s.slug.clone()/>
                                <SquadFields squad=s.clone() tribes=Vec::new()/>
                                <button type="submit" class="button primary" disabled=update.pending()>"Save changes"</button>
                            </ActionForm>
                        </section>
                    })}
                    {can_manage().then(|| view! { <ArchiveSquad slug=archive_slug archived=s_archived archive/> })}
                }.into_any()},
            })}
        </Transition>
    }
}

/// Archiving a squad, or bringing it back.
#[component]
fn ArchiveSquad(slug: String, archived: bool, archive: ServerAction<SetSquadArchived>) -> impl IntoView {
    view! {
                        <section class="card" aria-labelledby="archive-squad-heading">
                            <h2 id="archive-squad-heading">{if archived { "Bring the squad back" } else { "Archive the squad" }}</h2>
                            <p class="hint">{if archived { "It returns to the lists and selects." } else { "For a squad that no longer meets: it leaves the lists and selects; nothing is deleted, and its page, checkpoints, summaries and history stay reachable." }}</p>
                            <FormError result=archive.value().into() form="set_squad_archived"/>
                            <ActionForm action=archive attr:class="inline-form">
                                <input type="hidden" name="slug" value=slug/>
                                <input type="hidden" name="archived" value=(!archived).to_string()/>
                                <button type="submit" class="button">{if archived { "Unarchive squad" } else { "Archive squad" }}</button>
                            </ActionForm>
                        </section>
    }
}
