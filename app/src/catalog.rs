//! The public capability catalog: every capability by category, searchable;
//! signed-in users also see which squads currently focus on each.

use checkpoint_core::dora::catalog::{self, Category};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::Form;
use leptos_router::hooks::use_query_map;
use serde::{Deserialize, Serialize};

/// A squad focusing on a capability, as the catalog shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Focusing {
    pub capability: String,
    pub squad_name: String,
    pub squad_slug: String,
}

/// Who focuses on what, for signed-in users; `None` when signed out.
#[server(endpoint = "current_focus")]
pub async fn current_focus() -> Result<Option<Vec<Focusing>>, ServerFnError> {
    use crate::context::{app_context, current_user, into_server_error};
    if current_user().await?.is_none() {
        return Ok(None);
    }
    let rows = app_context()?.store.current_focus().await.map_err(into_server_error)?;
    Ok(Some(
        rows.into_iter()
            .map(|r| Focusing {
                capability: r.capability,
                squad_name: r.squad_name,
                squad_slug: r.squad_slug,
            })
            .collect(),
    ))
}

#[component]
pub fn CatalogPage() -> impl IntoView {
    let query = use_query_map();
    let q = move || query.with(|m| m.get("q")).unwrap_or_default();
    let focus = Resource::new(|| (), |_| current_focus());
    view! {
        <Title text="Capability catalog"/>
        <h1>"Capability catalog"</h1>
        <p class="lead">"The capabilities DORA's research links to better software delivery, in four groups. Each links to its article on dora.dev."</p>
        <Form method="GET" action="" attr:class="search-form" attr:role="search">
            <label for="catalog-q">"Search capabilities"</label>
            <input id="catalog-q" type="search" name="q" value=q placeholder="for example: testing, culture, cloud"/>
            <button type="submit" class="button">"Search"</button>
        </Form>
        {move || {
            let query = q();
            let found: Vec<_> = catalog::search(&query).collect();
            if found.is_empty() {
                return view! { <p class="empty-state">{format!("No capability matches “{query}”. Try a shorter word.")}</p> }.into_any();
            }
            view! {
                <p class="muted small" aria-live="polite">{if query.trim().is_empty() { format!("{} capabilities", found.len()) } else { format!("{} of {} capabilities match “{}”", found.len(), catalog::CATALOG.len(), query.trim()) }}</p>
                {Category::ALL.into_iter().filter(|c| found.iter().any(|e| e.category == *c)).map(|c| {
                    let items: Vec<_> = found.iter().filter(|e| e.category == c).copied().collect();
                    view! {
                        <section class="catalog-group" aria-labelledby=format!("cat-{}", c.label().to_lowercase().replace(' ', "-"))>
                            <h2 id=format!("cat-{}", c.label().to_lowercase().replace(' ', "-"))>{c.label()}</h2>
                            <ul class="capabilities catalog-list">
                                {items.into_iter().map(|e| view! {
                                    <li class="capability" data-key=e.key>
                                        <h3>{e.name}</h3>
                                        <p>{e.description}</p>
                                        <a href=e.url rel="noopener" target="_blank">{format!("Read about {} on dora.dev", e.name.to_lowercase())}<span class="visually-hidden">" (opens in a new tab)"</span></a>
                                        <Transition fallback=|| ()>
                                            {move || focus.get().and_then(Result::ok).flatten().map(|all| {
                                                let squads: Vec<Focusing> = all.into_iter().filter(|f| f.capability == e.key).collect();
                                                if squads.is_empty() {
                                                    view! { <p class="muted small">"No squad focuses on this now."</p> }.into_any()
                                                } else {
                                                    view! {
                                                        <p class="small focusing">"Focus of: "
                                                            {squads.into_iter().enumerate().map(|(i, s)| view! {
                                                                {(i > 0).then_some(", ")}<a href=format!("/squads/{}", s.squad_slug)><bdi>{s.squad_name}</bdi></a>
                                                            }).collect_view()}
                                                        </p>
                                                    }.into_any()
                                                }
                                            })}
                                        </Transition>
                                    </li>
                                }).collect_view()}
                            </ul>
                        </section>
                    }
                }).collect_view()}
            }.into_any()
        }}
    }
}
