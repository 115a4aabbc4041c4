//! The note kinds' icons as inline SVG: they render on every machine (an
//! emoji needs a font the projector may not have) and take the text colour.

use checkpoint_core::board::NoteKind;
use leptos::prelude::*;

#[component]
pub fn NoteIcon(kind: NoteKind) -> impl IntoView {
    view! {
        <svg class=format!("note-icon note-icon-{}", kind.id()) viewBox="0 0 16 16" width="16" height="16" aria-hidden="true" focusable="false">
            {match kind {
                // A hand: a palm and four fingers.
                NoteKind::Manual => view! {
                    <rect x="3" y="7" width="10" height="7" rx="3" class="icon-fill"/>
                    <rect x="3.5" y="3" width="2" height="6" rx="1" class="icon-fill"/>
                    <rect x="6.5" y="1.5" width="2" height="7" rx="1" class="icon-fill"/>
                    <rect x="9.5" y="2.5" width="2" height="6" rx="1" class="icon-fill"/>
                }.into_any(),
                // A gear: a toothed ring around a hub.
                NoteKind::Automated => view! {
                    <circle cx="8" cy="8" r="5.2" class="icon-stroke icon-teeth"/>
                    <circle cx="8" cy="8" r="3.2" class="icon-stroke"/>
                    <circle cx="8" cy="8" r="1.2" class="icon-fill"/>
                }.into_any(),
                // A cross.
                NoteKind::Failed => view! {
                    <path d="M3.5 3.5 L12.5 12.5 M12.5 3.5 L3.5 12.5" class="icon-stroke icon-bold"/>
                }.into_any(),
                // A light bulb.
                NoteKind::Improvement => view! {
                    <circle cx="8" cy="6.5" r="4.5" class="icon-fill"/>
                    <rect x="6" y="10.5" width="4" height="2.2" rx="0.6" class="icon-fill"/>
                    <rect x="6.5" y="13.4" width="3" height="1.4" rx="0.6" class="icon-fill"/>
                }.into_any(),
            }}
        </svg>
    }
}
