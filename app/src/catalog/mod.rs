//! The public capability catalog: by default as DORA groups it today (fast
//! flow, fast feedback, climate for learning, AI; core marked), the section 5
//! grouping one link away (`?grouping=legacy`); searchable in both; signed-in
//! users also see which squads currently focus on each.

mod entry;
mod grouping;

use checkpoint_core::dora::catalog::{self, Category};
use checkpoint_core::dora::current::catalog::{self as current, Group};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::Form;
use leptos_router::hooks::use_query_map;
use serde::{Deserialize, Serialize};

use entry::{CatalogItem, Shown};
pub use grouping::Grouping;
use grouping::GroupingSwitch;

/// A squad focusing on a capability, as the catalog shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Focusing {
    /// A section 5 catalog key: what a squad's focus stores.
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

/// One heading's entries, in the catalog's order.
struct Section {
    id: String,
    label: &'static str,
    entries: Vec<Shown>,
}

fn sections(grouping: Grouping, query: &str) -> Vec<Section> {
    let section = |label: &'static str, entries: Vec<Shown>| Section {
        id: format!(
            "group-{}",
            label.to_lowercase().replace(|c: char| !c.is_ascii_alphanumeric(), "-")
        ),
        label,
        entries,
    };
    match grouping {
        Grouping::Current => {
            let found: Vec<_> = current::search(query).collect();
            Group::ALL
                .into_iter()
                .map(|g| {
                    section(
                        g.label(),
                        found
                            .iter()
                            .filter(|e| e.group == g)
                            .map(|e| Shown::current(e))
                            .collect(),
                    )
                })
                .filter(|s| !s.entries.is_empty())
                .collect()
        }
        Grouping::Legacy => {
            let found: Vec<_> = catalog::search(query).collect();
            Category::ALL
                .into_iter()
                .map(|c| {
                    section(
                        c.label(),
                        found
                            .iter()
                            .filter(|e| e.category == c)
                            .map(|e| Shown::legacy(e))
                            .collect(),
                    )
                })
                .filter(|s| !s.entries.is_empty())
                .collect()
        }
    }
}

#[component]
pub fn CatalogPage() -> impl IntoView {
    let query = use_query_map();
    let q = move || query.with(|m| m.get("q")).unwrap_or_default();
    let grouping = Memo::new(move |_| Grouping::from_param(query.with(|m| m.get("grouping")).as_deref()));
    let focus = Resource::new(|| (), |_| current_focus());
    view! {
        <Title text="Capability catalog"/>
        <h1>"Capability catalog"</h1>
        <p class="lead">{move || grouping.get().lead()}</p>
        <GroupingSwitch grouping query=Signal::derive(q)/>
        <Form method="GET" action="" attr:class="search-form" attr:role="search">
            {move || grouping.get().param().map(|g| view! { <input type="hidden" name="grouping" value=g/> })}
            <label for="catalog-q">"Search capabilities"</label>
            <input id="catalog-q" type="search" name="q" value=q placeholder="for example: testing, culture, cloud"/>
            <button type="submit" class="button">"Search"</button>
        </Form>
        {move || {
            let query = q();
            let found = sections(grouping.get(), &query);
            let count: usize = found.iter().map(|s| s.entries.len()).sum();
            if count == 0 {
                return view! { <p class="empty-state">{format!("No capability matches “{query}”. Try a shorter word.")}</p> }.into_any();
            }
            view! {
                <p class="muted small" aria-live="polite">{if query.trim().is_empty() { format!("{count} capabilities") } else { format!("{count} of {} capabilities match “{}”", catalog::CATALOG.len(), query.trim()) }}</p>
                {found.into_iter().map(|s| view! {
                    <section class="catalog-group" aria-labelledby=s.id.clone()>
                        <h2 id=s.id.clone()>{s.label}</h2>
                        <ul class="capabilities catalog-list">
                            {s.entries.into_iter().map(|e| view! { <CatalogItem entry=e focus/> }).collect_view()}
                        </ul>
                    </section>
                }).collect_view()}
            }.into_any()
        }}
    }
}
