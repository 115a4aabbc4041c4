//! Edits in progress kept across redraws, and the text of a note someone
//! else deleted while it was being edited.

use checkpoint_core::board::NoteKind;
use leptos::prelude::*;

use super::form::{new_id, BoardForm};
use crate::live::link::use_live;

/// Edits in progress, by note id: a note that someone else moves or edits is
/// drawn again, and the person editing it must not lose their text or focus.
#[derive(Clone, Copy)]
pub(super) struct EditDrafts(pub(super) RwSignal<std::collections::HashMap<String, Draft>>);

#[derive(Clone, Debug, PartialEq)]
pub(super) struct Draft {
    pub(super) text: Option<String>,
    pub(super) focused: bool,
    /// Where the note was, to add the text again should someone delete it.
    pub(super) step: String,
    pub(super) kind: NoteKind,
}

impl EditDrafts {
    /// Tracked: the notice of a note deleted while being edited follows it.
    pub(super) fn forget(self, id: &str) {
        self.0.update(|m| {
            m.remove(id);
        });
    }
}

/// Drops `id`'s draft, when this board keeps drafts (event handlers run
/// outside the component, so the drafts are looked up when it is made).
pub(super) fn forget_draft(drafts: Option<EditDrafts>, id: &str) {
    if let Some(d) = drafts {
        d.forget(id);
    }
}

/// Notes someone else deleted while this person was editing them: the text
/// typed so far is kept here, to add again or discard (delete wins over edit).
#[component]
pub(super) fn DeletedWhileEditing() -> impl IntoView {
    let live = use_live();
    let Some(kept) = use_context::<EditDrafts>() else {
        return ().into_any();
    };
    let drafts = kept.0;
    let orphans = live.select(move |v| {
        drafts.with(|m| {
            let mut gone: Vec<(String, Draft)> = m
                .iter()
                .filter(|(id, d)| d.text.is_some() && !v.board.notes.iter().any(|n| &n.id == *id))
                .map(|(id, d)| (id.clone(), d.clone()))
                .collect();
            gone.sort_by(|a, b| a.0.cmp(&b.0));
            gone
        })
    });
    view! {
        <For each=move || orphans.get() key=|(id, _)| id.clone() let:((id, draft))>
            {
                let text = draft.text.clone().unwrap_or_default();
                let (keep, discard) = (id.clone(), id.clone());
                // Back to its step if that still exists, else the first one.
                let step = live.peek(|v| v.board.steps.iter().find(|s| s.id == draft.step).or(v.board.steps.first()).map(|s| s.id.clone()).unwrap_or_default());
                view! {
                    <div class="notice notice-error deleted-draft" role="alert" data-testid="deleted-draft">
                        <p>"Someone deleted the note you were editing. Your text is kept:"</p>
                        <blockquote>{text.clone()}</blockquote>
                        <div class="button-row">
                            <BoardForm op="add_note" class="inline" on_saved=move |_: ()| kept.forget(&keep)>
                                <input type="hidden" name="note" value=new_id()/>
                                <input type="hidden" name="step" value=step/>
                                <input type="hidden" name="kind" value=draft.kind.id()/>
                                <input type="hidden" name="text" value=text/>
                                <button type="submit" class="button small primary">"Add it again"</button>
                            </BoardForm>
                            <button type="button" class="button small subtle" on:click=move |_| kept.forget(&discard)>"Discard"</button>
                        </div>
                    </div>
                }
            }
        </For>
    }
    .into_any()
}
