//! A note's live character counter. The text box has no `maxlength` (which
//! cuts a paste silently): the counter says how far over the limit the text
//! is, and the form's button waits until it fits. The server refuses an
//! over-long note too, naming the field.

use checkpoint_core::board::MAX_NOTE_TEXT;
use leptos::prelude::*;

/// Characters as the server counts them (Unicode scalar values, CRLF as one).
pub(super) fn note_length(text: &str) -> usize {
    text.trim().replace("\r\n", "\n").chars().count()
}

/// Whether a note of `count` characters may be sent.
pub(super) fn fits(count: usize) -> bool {
    count <= MAX_NOTE_TEXT
}

#[component]
pub(super) fn NoteCounter(id: String, count: RwSignal<usize>) -> impl IntoView {
    view! {
        <span id=id class="char-counter small" class:over-limit=move || !fits(count.get()) aria-live="polite" data-testid="note-counter">
            {move || {
                let n = count.get();
                if fits(n) {
                    format!("{n} / {MAX_NOTE_TEXT}")
                } else {
                    format!("{n} / {MAX_NOTE_TEXT}: {} too many, shorten the note to add it", n - MAX_NOTE_TEXT)
                }
            }}
        </span>
    }
}
