//! The facilitator's tidy-up of someone who joined twice: merge the duplicate
//! into the one who stays (their votes, ratings, notes and dots move, never
//! counted twice: see `checkpoint_core::live::merge`). Removing one is the
//! presence list's "Remove".

use checkpoint_core::live::Command;
use leptos::prelude::*;

use super::controls::{confirm, CommandFields, Refused};
use super::link::{use_live, Control};

#[component]
pub fn Duplicates() -> impl IntoView {
    let live = use_live();
    let control = Control::new();
    let people = live.select(move |v| {
        let people: Vec<(String, String, bool)> = v
            .people
            .iter()
            .map(|p| (p.id.clone(), p.name.clone(), p.facilitator))
            .collect();
        v.facilitator.then_some(people)
    });
    let from = RwSignal::new(String::new());
    let into = RwSignal::new(String::new());
    view! {
        {move || people.get().filter(|p| p.len() > 2).map(|people| {
            let merged: Vec<(String, String)> = people.iter().filter(|p| !p.2).map(|p| (p.0.clone(), p.1.clone())).collect();
            let kept: Vec<(String, String)> = people.iter().map(|p| (p.0.clone(), p.1.clone())).collect();
            let name_of = move |id: &str| people.iter().find(|p| p.0 == id).map(|p| p.1.clone()).unwrap_or_default();
            view! {
                <details class="duplicates" data-testid="duplicates">
                    <summary>"Someone joined twice?"</summary>
                    <form method="post" action="/api/live_command" class="form merge-form" aria-label="Merge a duplicate" on:submit=move |ev| {
                        let (f, i) = (from.get_untracked(), into.get_untracked());
                        if f.is_empty() || i.is_empty() { return; }
                        if !confirm(&format!("Merge {} into {}? Where both voted or rated, {}'s stands.", name_of(&f), name_of(&i), name_of(&i))) { ev.prevent_default(); return; }
                        if live.send_from(Some(control), Command::MergeParticipant { from: f, into: i }, |_| {}) { ev.prevent_default(); }
                    }>
                        <CommandFields kind="merge"/>
                        <label for="merge-from">"Merge"</label>
                        <select id="merge-from" name="participant" required on:change=move |ev| from.set(event_target_value(&ev))>
                            <option value="">"Choose the duplicate"</option>
                            {merged.into_iter().map(|(id, name)| view! { <option value=id>{name}</option> }).collect_view()}
                        </select>
                        <label for="merge-into">"into"</label>
                        <select id="merge-into" name="into" required on:change=move |ev| into.set(event_target_value(&ev))>
                            <option value="">"Choose who stays"</option>
                            {kept.into_iter().map(|(id, name)| view! { <option value=id>{name}</option> }).collect_view()}
                        </select>
                        <p class="muted small">"Their votes, ratings, notes and dots move to who stays; where both did the same, the one who stays keeps theirs."</p>
                        <button type="submit" class="button small">"Merge"</button>
                        <Refused control/>
                    </form>
                </details>
            }
        })}
    }
}
