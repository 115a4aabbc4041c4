//! A step's column of sticky notes: each note with its moves, edit and
//! delete forms, and the form that adds one.

use checkpoint_core::board::{BoardCommand, DotsPhase, Note, NoteKind, Step};
use checkpoint_core::live::Command;
use leptos::prelude::*;

use super::dots::DotButton;
use super::drafts::{forget_draft, Draft, EditDrafts};
use super::form::{new_id, submit_over_socket, BoardForm};
use crate::live::controls::{confirm, Refused};
use crate::live::link::{use_live, Control};

#[component]
pub(super) fn Column(step: Step, dragging: RwSignal<Option<String>>) -> impl IntoView {
    let live = use_live();
    let step_id = StoredValue::new(step.id.clone());
    let notes = live.select(move |v| {
        v.board
            .notes
            .iter()
            .filter(|n| n.step == step_id.get_value())
            .cloned()
            .collect::<Vec<_>>()
    });
    // A refused move is shown at the foot of the column it was dropped on.
    let control = Control::new();
    let drop_at_end = move |ev: leptos::ev::DragEvent| {
        ev.prevent_default();
        if let Some(id) = dragging.get_untracked() {
            live.send_from(
                Some(control),
                Command::Board {
                    op: BoardCommand::MoveNote {
                        id,
                        step: step_id.get_value(),
                        index: usize::MAX,
                    },
                },
                |_| {},
            );
            dragging.set(None);
        }
    };
    let heading_id = format!("step-{}", step.id);
    let labelled_by = heading_id.clone();
    view! {
        <li class="board-column" aria-labelledby=labelled_by on:dragover=|ev| ev.prevent_default() on:drop=drop_at_end>
            <h3 id=heading_id>{step.title.clone()}</h3>
            <ol class="notes">
                <For each=move || notes.get() key=|n| (n.id.clone(), n.version) let:note>
                    <NoteCard note=note dragging column=control/>
                </For>
            </ol>
            <Refused control/>
            <AddNote step=step.id.clone() title=step.title.clone()/>
        </li>
    }
}

#[component]
pub(super) fn NoteCard(note: Note, dragging: RwSignal<Option<String>>, column: Control) -> impl IntoView {
    let live = use_live();
    let id = note.id.clone();
    // Where the note stands among its step's notes and the steps around it:
    // others' changes move it, so this follows the board (a Memo, so the
    // buttons are drawn again only when the place really changes).
    let place = {
        let (id, step) = (note.id.clone(), note.step.clone());
        live.select(move |v| {
            let steps = &v.board.steps;
            let at = steps.iter().position(|s| s.id == step).unwrap_or(0);
            let siblings: Vec<&str> = v
                .board
                .notes
                .iter()
                .filter(|n| n.step == step)
                .map(|n| n.id.as_str())
                .collect();
            (
                at.checked_sub(1).and_then(|i| steps.get(i)).cloned(),
                steps.get(at + 1).cloned(),
                siblings.iter().position(|n| *n == id).unwrap_or(0),
                siblings.len(),
            )
        })
    };
    let step = note.step.clone();
    let kind = note.kind;
    let (delete_id, delete_text) = (note.id.clone(), note.text.clone());
    // Their own notes for everyone; anyone's for the facilitator (the server checks too).
    let may_delete = {
        let id = note.id.clone();
        live.select(move |v| v.facilitator || v.board.my_notes.contains(&id))
    };
    let drop_before = {
        let step = step.clone();
        move |ev: leptos::ev::DragEvent| {
            ev.prevent_default();
            ev.stop_propagation();
            if let Some(dragged) = dragging.get_untracked() {
                live.send_from(
                    Some(column),
                    Command::Board {
                        op: BoardCommand::MoveNote {
                            id: dragged,
                            step: step.clone(),
                            index: place.get_untracked().2,
                        },
                    },
                    |_| {},
                );
                dragging.set(None);
            }
        }
    };
    let drag_id = id.clone();
    let mine = {
        let id = id.clone();
        live.select(move |v| v.board.mine.iter().find(|(n, _)| *n == id).map_or(0, |(_, d)| *d))
    };
    let total = {
        let id = id.clone();
        live.select(move |v| {
            v.board
                .ranked
                .as_ref()
                .and_then(|r| r.iter().find(|(n, _)| *n == id).map(|(_, d)| *d))
        })
    };
    // Dots sent (or waiting for the connection) and not yet acknowledged.
    let waiting_dots = {
        let id = id.clone();
        move || {
            live.pending.with(|p| {
                p.iter()
                    .map(|q| match &q.command {
                        Command::Board {
                            op: BoardCommand::Dot { note, add },
                        } if *note == id => {
                            if *add {
                                1
                            } else {
                                -1
                            }
                        }
                        _ => 0,
                    })
                    .sum::<i32>()
            })
        }
    };
    let dots_open = live.select(move |v| v.board.dots_phase == DotsPhase::Open);
    let label = format!("{}: {}", kind.label(), note.text);
    view! {
        <li class=format!("note note-{}", kind.id()) draggable="true" data-note=id.clone() aria-label=label
            on:dragstart=move |_| dragging.set(Some(drag_id.clone())) on:dragover=|ev| ev.prevent_default() on:drop=drop_before>
            <p class="note-kind"><super::icon::NoteIcon kind/>" "{kind.label()}</p>
            <p class="note-text">{note.text.clone()}</p>
            {(kind == NoteKind::Improvement).then(|| view! {
                <p class="note-dots" data-testid="note-dots">
                    {move || total.get().map(|t| format!("{} · ", checkpoint_core::summary::dots_text(t))).unwrap_or_default()}
                    {move || format!("yours: {}", mine.get())}
                    {move || match waiting_dots() {
                        0 => String::new(),
                        n => format!(" ({n:+} not saved yet)"),
                    }}
                </p>
                {
                    let (id, text) = (id.clone(), note.text.clone());
                    move || dots_open.get().then(|| view! {
                        <div class="dot-buttons">
                            <DotButton note=id.clone() add=true label=format!("Add a dot to {text}")/>
                            <DotButton note=id.clone() add=false label=format!("Take a dot back from {text}")/>
                        </div>
                    })
                }
            })}
            <div class="note-actions">
                {
                    let (id, step) = (id.clone(), step.clone());
                    move || {
                        let (prev_step, next_step, position, count) = place.get();
                        view! {
                            <MoveButton id=id.clone() step=prev_step.as_ref().map(|s| s.id.clone()) index=usize::MAX symbol="◀" label=prev_step.map(|s| format!("Move to {}", s.title))/>
                            <MoveButton id=id.clone() step=(position > 0).then(|| step.clone()) index=position.saturating_sub(1) symbol="▲" label=Some("Move up".into())/>
                            <MoveButton id=id.clone() step=(position + 1 < count).then(|| step.clone()) index=position + 1 symbol="▼" label=Some("Move down".into())/>
                            <MoveButton id=id.clone() step=next_step.as_ref().map(|s| s.id.clone()) index=usize::MAX symbol="▶" label=next_step.map(|s| format!("Move to {}", s.title))/>
                        }
                    }
                }
                <EditNoteForm id=id.clone() text=note.text.clone() kind step=note.step.clone()/>
                <Show when=move || may_delete.get()>
                    <DeleteNoteForm id=delete_id.clone() text=delete_text.clone()/>
                </Show>
            </div>
        </li>
    }
}

#[component]
pub(super) fn EditNoteForm(id: String, text: String, kind: NoteKind, step: String) -> impl IntoView {
    let drafts = use_context::<EditDrafts>().map(|d| d.0);
    let (text_id, kind_id) = (format!("edit-text-{id}"), format!("edit-kind-{id}"));
    let label = format!("Edit note: {text}");
    let draft = drafts.and_then(|d| d.with_untracked(|m| m.get(&id).cloned()));
    let shown = draft
        .as_ref()
        .and_then(|d| d.text.clone())
        .unwrap_or_else(|| text.clone());
    let area = NodeRef::<leptos::html::Textarea>::new();
    let count = RwSignal::new(super::counter::note_length(&shown));
    let counter_id = format!("edit-count-{id}");
    if draft.as_ref().is_some_and(|d| d.focused) {
        Effect::new(move |_| {
            if let Some(el) = area.get() {
                let _ = el.focus();
            }
        });
    }
    let key = StoredValue::new(id.clone());
    let step = StoredValue::new(step);
    let record = move |f: &dyn Fn(&mut Draft)| {
        if let Some(d) = drafts {
            d.update_untracked(|m| {
                f(m.entry(key.get_value()).or_insert_with(|| Draft {
                    text: None,
                    focused: false,
                    step: step.get_value(),
                    kind,
                }))
            });
        }
    };
    let forget = move || {
        if let Some(d) = drafts {
            d.update_untracked(|m| {
                m.remove(&key.get_value());
            });
        }
    };
    view! {
        <details class="note-edit" open=draft.is_some() on:toggle=move |ev| {
            let open = event_target::<leptos::web_sys::Element>(&ev).has_attribute("open");
            if open { record(&|_| {}) } else { forget() }
        }>
            <summary>"Edit"</summary>
            <BoardForm op="edit_note" label on_saved=move |_: ()| forget()>
                <input type="hidden" name="note" value=id/>
                <input type="hidden" name="text_was" value=text.clone()/>
                <input type="hidden" name="kind_was" value=kind.id()/>
                <label for=text_id.clone()>"Text"</label>
                <textarea id=text_id name="text" rows="3" required node_ref=area aria-describedby=counter_id.clone()
                    on:input=move |ev| {
                        // Typing means the field has focus, whether or not the window reported it.
                        let t = event_target_value(&ev);
                        count.set(super::counter::note_length(&t));
                        record(&|d| { d.text = Some(t.clone()); d.focused = true; })
                    }
                    on:focus=move |_| record(&|d| d.focused = true)
                    on:blur=move |ev| {
                        // A card taken out of the page (redrawn after someone else's
                        // change) blurs too, while still attached; that is not the
                        // person leaving the field. So look again once the redraw is done.
                        let field = event_target::<leptos::web_sys::Element>(&ev);
                        set_timeout(move || if field.is_connected() { record(&|d| d.focused = false) }, std::time::Duration::ZERO);
                    }>{crate::raw_text::raw_text(shown)}</textarea>
                <label for=kind_id.clone()>"Kind"</label>
                <super::counter::NoteCounter id=counter_id count/>
                <KindSelect id=kind_id selected=kind/>
                <button type="submit" class="button small" disabled=move || !super::counter::fits(count.get())>"Save"</button>
            </BoardForm>
        </details>
    }
}

#[component]
pub(super) fn DeleteNoteForm(id: String, text: String) -> impl IntoView {
    let label = format!("Delete note: {text}");
    let gone = id.clone();
    let drafts = use_context::<EditDrafts>();
    view! {
        <BoardForm op="delete_note" class="inline" on_saved=move |_: ()| forget_draft(drafts, &gone)>
            <input type="hidden" name="note" value=id/>
            <button type="submit" class="button small subtle" aria-label=label on:click=|ev| {
                if !confirm("Delete this note for everyone?") { ev.prevent_default(); }
            }>"Delete"</button>
        </BoardForm>
    }
}

/// One keyboard-reachable move; absent where there is nowhere to go.
#[component]
pub(super) fn MoveButton(
    id: String,
    step: Option<String>,
    index: usize,
    symbol: &'static str,
    label: Option<String>,
) -> impl IntoView {
    step.zip(label).map(|(step, label)| {
        view! {
            <BoardForm op="move_note" class="inline">
                <input type="hidden" name="note" value=id/>
                <input type="hidden" name="step" value=step/>
                <input type="hidden" name="index" value=index.min(9999).to_string()/>
                <button type="submit" class="button small subtle" aria-label=label.clone() title=label>{symbol}</button>
            </BoardForm>
        }
    })
}

#[component]
pub(super) fn KindSelect(id: String, selected: NoteKind) -> impl IntoView {
    view! {
        <select id=id name="kind">
            {NoteKind::ALL.into_iter().map(|k| view! { <option value=k.id() selected=k == selected>{k.label()}</option> }).collect_view()}
        </select>
    }
}

#[component]
pub(super) fn AddNote(step: String, title: String) -> impl IntoView {
    let live = use_live();
    let fresh = RwSignal::new(new_id());
    let control = Control::new();
    // Sent and not yet acknowledged: the text stays (read-only) until it is saved.
    let saving = RwSignal::new(false);
    let area = NodeRef::<leptos::html::Textarea>::new();
    let text_id = format!("new-note-{step}");
    let kind_id = format!("new-kind-{step}");
    let counter_id = format!("new-count-{step}");
    let count = RwSignal::new(0usize);
    view! {
        <form method="post" action="/api/board_command" class="board-form add-note" aria-label=format!("Add a note to {title}") on:submit=move |ev| {
            if saving.get_untracked() {
                ev.prevent_default();
                return;
            }
            let done = move |r: Result<i64, String>| {
                saving.set(false);
                if r.is_ok() {
                    // Saved: next note, next id, and the text box empties for it.
                    // Refused: the text stays, with the server's message beside it.
                    fresh.set(new_id());
                    if let Some(el) = area.get_untracked() {
                        el.set_value("");
                    }
                    count.set(0);
                }
            };
            saving.set(true);
            if submit_over_socket(live, control, &ev, done) {
                ev.prevent_default();
            } else {
                saving.set(false);
            }
        }>
            <input type="hidden" name="id" value=live.id()/>
            <input type="hidden" name="op" value="add_note"/>
            <input type="hidden" name="note" value=move || fresh.get()/>
            <input type="hidden" name="step" value=step.clone()/>
            <label for=text_id.clone()>{format!("New note in {title}")}</label>
            <textarea id=text_id name="text" rows="2" required node_ref=area readonly=move || saving.get() aria-describedby=counter_id.clone()
                on:input=move |ev| count.set(super::counter::note_length(&event_target_value(&ev)))></textarea>
            <super::counter::NoteCounter id=counter_id count/>
            <label for=kind_id.clone() class="visually-hidden">"Kind"</label>
            <KindSelect id=kind_id selected=NoteKind::Manual/>
            <button type="submit" class="button small primary" disabled=move || !super::counter::fits(count.get())>"Add note"</button>
            <Refused control/>
            <Show when=move || saving.get()>
                <span class="muted small pending-note" data-testid="note-pending">
                    {move || if live.link.get() == crate::live::link::LinkState::Live { "Saving this note…" } else { "Not saved yet: this note is sent when the connection is back." }}
                </span>
            </Show>
        </form>
    }
}
