//! One catalog entry, in either grouping: name (and "core" in the current
//! one), its paragraph, its dora.dev article, and the squads focusing on it.

use checkpoint_core::dora::catalog::CatalogEntry;
use checkpoint_core::dora::current::catalog::CurrentEntry;
use leptos::prelude::*;

use super::Focusing;

/// What an entry shows, whichever grouping it comes from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Shown {
    /// The key of the grouping shown (`data-key`).
    pub key: &'static str,
    pub name: &'static str,
    /// Marked only in the current grouping.
    pub core: bool,
    pub description: &'static str,
    pub url: String,
    /// Squads' focus is stored as section 5 keys; both groupings find it by this.
    pub focus_key: &'static str,
}

impl Shown {
    pub fn current(e: &CurrentEntry) -> Shown {
        Shown {
            key: e.key,
            name: e.name,
            core: e.core,
            description: e.description(),
            url: e.url(),
            focus_key: e.legacy_key,
        }
    }

    pub fn legacy(e: &CatalogEntry) -> Shown {
        Shown {
            key: e.key,
            name: e.name,
            core: false,
            description: e.description,
            url: e.url.to_string(),
            focus_key: e.key,
        }
    }
}

#[component]
pub fn CatalogItem(entry: Shown, focus: Resource<Result<Option<Vec<Focusing>>, ServerFnError>>) -> impl IntoView {
    let Shown {
        key,
        name,
        core,
        description,
        url,
        focus_key,
    } = entry;
    view! {
        <li class="capability" class:core=core data-key=key>
            <div class="capability-head">
                <h3>{name}</h3>
                {core.then(|| view! { <span class="core-badge">"core"<span class="visually-hidden">" capability"</span></span> })}
            </div>
            <p>{description}</p>
            <a href=url rel="noopener" target="_blank">{format!("Read about {} on dora.dev", name.to_lowercase())}<span class="visually-hidden">" (opens in a new tab)"</span></a>
            <Transition fallback=|| ()>
                {move || focus.get().and_then(Result::ok).flatten().map(|all| {
                    let squads: Vec<Focusing> = all.into_iter().filter(|f| f.capability == focus_key).collect();
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
    }
}
