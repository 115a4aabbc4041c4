//! The Path to production stage: the squad's delivery flow as columns of
//! sticky notes, moved with buttons (keyboard), by dragging, or with plain
//! forms without JavaScript, and dot voting on improvements.
// The plain-form server function takes one optional argument per form field
// (parsed in one place, `BoardCommand::from_fields`); the lint also fires on
// the code the `#[server]` macro generates, which an item attribute misses.
#![expect(
    clippy::too_many_arguments,
    reason = "one argument per form field of the board's plain forms"
)]

use checkpoint_core::board::{
    Action, ActionStatus, BoardCommand, DotsPhase, Note, NoteKind, Step, DEFAULT_BUDGET, DEFAULT_PER_NOTE,
    MAX_NOTE_TEXT,
};
use checkpoint_core::dora::catalog::CATALOG;
use checkpoint_core::live::Command;
use leptos::prelude::*;

use super::controls::{confirm, CarriedFrom, NextStage, Refused};
use super::link::{use_live, Control, Live};

/// A plain form fallback: one board change with flattened fields. Every
/// field `BoardCommand::from_fields` reads must be an argument here, or a
/// plain form silently loses it (the hydrated page reads the form directly).
#[server(endpoint = "board_command")]
pub async fn post_board_change(
    id: String,
    op: String,
    note: Option<String>,
    step: Option<String>,
    kind: Option<String>,
    text: Option<String>,
    text_was: Option<String>,
    kind_was: Option<String>,
    index: Option<String>,
    title: Option<String>,
    budget: Option<String>,
    per_note: Option<String>,
    show_live: Option<String>,
    add: Option<String>,
    action: Option<String>,
    owner: Option<String>,
    due: Option<String>,
    capability: Option<String>,
    status: Option<String>,
    activity: Option<String>,
    timer: Option<String>,
) -> Result<i64, ServerFnError> {
    use crate::context::{app_context, form_error, require_participant};
    use checkpoint_core::store::ServiceError;
    let by = require_participant(&id).await?;
    let fields = [
        ("note", note),
        ("step", step),
        ("kind", kind),
        ("text", text),
        ("text_was", text_was),
        ("kind_was", kind_was),
        ("index", index),
        ("title", title),
        ("budget", budget),
        ("per_note", per_note),
        ("show_live", show_live),
        ("add", add),
        ("action", action),
        ("owner", owner),
        ("due", due),
        ("capability", capability),
        ("status", status),
        ("activity", activity),
        ("timer", timer),
    ];
    let get = |name: &str| fields.iter().find(|(k, _)| *k == name).and_then(|(_, v)| v.clone());
    let op = BoardCommand::from_fields(&op, &get).map_err(|e| match e {
        checkpoint_core::board::BoardError::Invalid { field, message } => {
            form_error(ServiceError::invalid(field, message))
        }
        other => form_error(ServiceError::invalid("note", other.to_string())),
    })?;
    let rev = app_context()?
        .rooms
        .execute(&id, &by, Command::Board { op })
        .await
        .map_err(form_error)?;
    leptos_axum::redirect(&format!("/checkpoints/{id}#board"));
    Ok(rev)
}

/// A fresh client-made id for a new note or step.
fn new_id() -> String {
    uuid::Uuid::new_v4().simple().to_string()
}

/// Sends the form's change over the socket (or queues it until the socket is
/// back), with the same fields the plain post carries, read by the same
/// parser. False without a script: the form then posts.
fn submit_over_socket(
    live: Live,
    control: Control,
    ev: &leptos::ev::SubmitEvent,
    done: impl FnOnce(Result<i64, String>) + 'static,
) -> bool {
    #[cfg(feature = "hydrate")]
    {
        use wasm_bindgen::JsCast;
        if !live.scripted.get_untracked() {
            return false;
        }
        let Some(form) = ev.target().and_then(|t| t.dyn_into::<web_sys::HtmlFormElement>().ok()) else {
            return false;
        };
        let Ok(data) = web_sys::FormData::new_with_form(&form) else {
            return false;
        };
        let get = |name: &str| data.get(name).as_string();
        let op = get("op").unwrap_or_default();
        match BoardCommand::from_fields(&op, &get) {
            Ok(op) => {
                if let BoardCommand::AddNote { id, .. } = &op {
                    // One's own notes may be deleted by oneself: the server
                    // tells snapshots which; a note just added is known here.
                    let id = id.clone();
                    live.view.update(|v| v.board.my_notes.push(id));
                }
                live.send_from(Some(control), Command::Board { op }, done)
            }
            Err(e) => {
                live.refuse(Some(control), e.to_string());
                done(Err(e.to_string()));
                true
            }
        }
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = (live, control, ev, done);
        false
    }
}

#[component]
fn BoardForm(
    op: &'static str,
    #[prop(optional)] class: &'static str,
    #[prop(optional)] label: Option<String>,
    /// Called once the change has been handed to the socket (sent, or waiting for it).
    #[prop(optional, into)]
    on_sent: Option<Callback<()>>,
    /// Called once the server has acknowledged the change.
    #[prop(optional, into)]
    on_saved: Option<Callback<()>>,
    children: Children,
) -> impl IntoView {
    let live = use_live();
    let control = Control::new();
    view! {
        <form method="post" action="/api/board_command" class=format!("board-form {class}") aria-label=label on:submit=move |ev| {
            let done = move |r: Result<i64, String>| if let (Ok(_), Some(f)) = (r, on_saved) { f.run(()) };
            if submit_over_socket(live, control, &ev, done) {
                ev.prevent_default();
                if let Some(f) = on_sent { f.run(()); }
            }
        }>
            <input type="hidden" name="id" value=move || live.view.with(|v| v.info.id.clone())/>
            <input type="hidden" name="op" value=op/>
            {children()}
            <Refused control/>
        </form>
    }
}

#[component]
pub fn BoardStage() -> impl IntoView {
    let live = use_live();
    // A Memo: the columns (and whatever someone is typing in them) are drawn
    // again only when the board gains or loses its steps, not on every change.
    let has_steps = Memo::new(move |_| live.view.with(|v| !v.board.steps.is_empty()));
    let facilitator = Memo::new(move |_| live.view.with(|v| v.facilitator));
    view! {
        <h2 id="stage-heading">"Path to production"</h2>
        <p>"Map how a change travels from commit to production. Mark what is manual, what is automated and where deployments fail, then propose improvements and vote on them."</p>
        <p>
            <a class="button subtle" href=move || format!("/checkpoints/{}/present", live.view.with(|v| v.info.id.clone())) target="_blank" rel="noopener">
                "Present the board"<span class="visually-hidden">" (opens a large, read-only view in a new tab)"</span>
            </a>
        </p>
        <ActivityTimers/>
        <Legend/>
        <crate::errors::FormError result=Signal::derive(|| None::<Result<i64, ServerFnError>>) form="board_command"/>
        {move || if !has_steps.get() && !facilitator.get() {
            view! { <p class="empty-state">"No steps yet. The facilitator sets up the flow's steps; then everyone adds notes to them."</p> }.into_any()
        } else if !has_steps.get() {
            view! {
                <div class="empty-state">
                    <p>"No steps yet. Start from the usual flow and adapt it, or add your own steps."</p>
                    <div class="button-row">
                        <BoardForm op="use_template"><button type="submit" class="button primary">"Start from the template"</button></BoardForm>
                        <form method="post" action="/api/copy_previous_flow">
                            <input type="hidden" name="id" value=move || live.view.with(|v| v.info.id.clone())/>
                            <button type="submit" class="button">"Copy the last checkpoint's flow"</button>
                        </form>
                    </div>
                    <crate::errors::FormError result=Signal::derive(|| None::<Result<i64, ServerFnError>>) form="copy_previous_flow"/>
                </div>
            }.into_any()
        } else {
            view! { <Columns/> }.into_any()
        }}
        <Show when=move || facilitator.get()>
            <StepEditor/>
        </Show>
        <Dots/>
        <Actions/>
        <NextStage/>
    }
}

#[component]
fn Legend() -> impl IntoView {
    view! {
        <ul class="note-legend" aria-label="Kinds of note">
            {NoteKind::ALL.into_iter().map(|k| view! { <li class=format!("note-chip note-{}", k.id())><span aria-hidden="true">{k.icon()}</span>" "{k.label()}</li> }).collect_view()}
        </ul>
    }
}

#[component]
fn Columns() -> impl IntoView {
    let live = use_live();
    let steps = move || live.view.with(|v| v.board.steps.clone());
    let dragging = RwSignal::new(None::<String>);
    provide_context(EditDrafts(RwSignal::new(Default::default())));
    view! {
        <DeletedWhileEditing/>
        <ol class="board" id="board" aria-label="Delivery flow">
            <For each=steps key=|s| s.id.clone() let:step>
                <Column step=step dragging/>
            </For>
        </ol>
    }
}

#[component]
fn Column(step: Step, dragging: RwSignal<Option<String>>) -> impl IntoView {
    let live = use_live();
    let step_id = StoredValue::new(step.id.clone());
    let notes = move || {
        live.view.with(|v| {
            v.board
                .notes
                .iter()
                .filter(|n| n.step == step_id.get_value())
                .cloned()
                .collect::<Vec<_>>()
        })
    };
    let drop_at_end = move |ev: leptos::ev::DragEvent| {
        ev.prevent_default();
        if let Some(id) = dragging.get_untracked() {
            live.send(Command::Board {
                op: BoardCommand::MoveNote {
                    id,
                    step: step_id.get_value(),
                    index: usize::MAX,
                },
            });
            dragging.set(None);
        }
    };
    let heading_id = format!("step-{}", step.id);
    let labelled_by = heading_id.clone();
    view! {
        <li class="board-column" aria-labelledby=labelled_by on:dragover=|ev| ev.prevent_default() on:drop=drop_at_end>
            <h3 id=heading_id>{step.title.clone()}</h3>
            <ol class="notes">
                <For each=notes key=|n| (n.id.clone(), n.version) let:note>
                    <NoteCard note=note dragging/>
                </For>
            </ol>
            <AddNote step=step.id.clone() title=step.title.clone()/>
        </li>
    }
}

#[component]
fn NoteCard(note: Note, dragging: RwSignal<Option<String>>) -> impl IntoView {
    let live = use_live();
    let id = note.id.clone();
    // Where the note stands among its step's notes and the steps around it:
    // others' changes move it, so this follows the board (a Memo, so the
    // buttons are drawn again only when the place really changes).
    let place = {
        let (id, step) = (note.id.clone(), note.step.clone());
        Memo::new(move |_| {
            live.view.with(|v| {
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
        })
    };
    let step = note.step.clone();
    let kind = note.kind;
    let (delete_id, delete_text) = (note.id.clone(), note.text.clone());
    // Their own notes for everyone; anyone's for the facilitator (the server checks too).
    let may_delete = {
        let id = note.id.clone();
        Memo::new(move |_| live.view.with(|v| v.facilitator || v.board.my_notes.contains(&id)))
    };
    let drop_before = {
        let step = step.clone();
        move |ev: leptos::ev::DragEvent| {
            ev.prevent_default();
            ev.stop_propagation();
            if let Some(dragged) = dragging.get_untracked() {
                live.send(Command::Board {
                    op: BoardCommand::MoveNote {
                        id: dragged,
                        step: step.clone(),
                        index: place.get_untracked().2,
                    },
                });
                dragging.set(None);
            }
        }
    };
    let drag_id = id.clone();
    let mine = {
        let id = id.clone();
        move || {
            live.view
                .with(|v| v.board.mine.iter().find(|(n, _)| *n == id).map_or(0, |(_, d)| *d))
        }
    };
    let total = {
        let id = id.clone();
        move || {
            live.view.with(|v| {
                v.board
                    .ranked
                    .as_ref()
                    .and_then(|r| r.iter().find(|(n, _)| *n == id).map(|(_, d)| *d))
            })
        }
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
    let dots_open = Memo::new(move |_| live.view.with(|v| v.board.dots_phase == DotsPhase::Open));
    let label = format!("{}: {}", kind.label(), note.text);
    view! {
        <li class=format!("note note-{}", kind.id()) draggable="true" data-note=id.clone() aria-label=label
            on:dragstart=move |_| dragging.set(Some(drag_id.clone())) on:dragover=|ev| ev.prevent_default() on:drop=drop_before>
            <p class="note-kind"><span aria-hidden="true">{kind.icon()}</span>" "{kind.label()}</p>
            <p class="note-text">{note.text.clone()}</p>
            {(kind == NoteKind::Improvement).then(|| view! {
                <p class="note-dots" data-testid="note-dots">
                    {move || total().map(|t| format!("{} · ", checkpoint_core::summary::dots_text(t))).unwrap_or_default()}
                    {move || format!("yours: {}", mine())}
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

/// Edits in progress, by note id: a note that someone else moves or edits is
/// drawn again, and the person editing it must not lose their text or focus.
#[derive(Clone, Copy)]
struct EditDrafts(RwSignal<std::collections::HashMap<String, Draft>>);

#[derive(Clone, Debug, PartialEq)]
struct Draft {
    text: Option<String>,
    focused: bool,
    /// Where the note was, to add the text again should someone delete it.
    step: String,
    kind: NoteKind,
}

impl EditDrafts {
    /// Tracked: the notice of a note deleted while being edited follows it.
    fn forget(self, id: &str) {
        self.0.update(|m| {
            m.remove(id);
        });
    }
}

/// Drops `id`'s draft, when this board keeps drafts (event handlers run
/// outside the component, so the drafts are looked up when it is made).
fn forget_draft(drafts: Option<EditDrafts>, id: &str) {
    if let Some(d) = drafts {
        d.forget(id);
    }
}

#[component]
fn EditNoteForm(id: String, text: String, kind: NoteKind, step: String) -> impl IntoView {
    let drafts = use_context::<EditDrafts>().map(|d| d.0);
    let (text_id, kind_id) = (format!("edit-text-{id}"), format!("edit-kind-{id}"));
    let label = format!("Edit note: {text}");
    let draft = drafts.and_then(|d| d.with_untracked(|m| m.get(&id).cloned()));
    let shown = draft
        .as_ref()
        .and_then(|d| d.text.clone())
        .unwrap_or_else(|| text.clone());
    let area = NodeRef::<leptos::html::Textarea>::new();
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
                <textarea id=text_id name="text" rows="3" maxlength=MAX_NOTE_TEXT.to_string() required node_ref=area
                    on:input=move |ev| {
                        // Typing means the field has focus, whether or not the window reported it.
                        let t = event_target_value(&ev);
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
                <KindSelect id=kind_id selected=kind/>
                <button type="submit" class="button small">"Save"</button>
            </BoardForm>
        </details>
    }
}

#[component]
fn DeleteNoteForm(id: String, text: String) -> impl IntoView {
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

/// Notes someone else deleted while this person was editing them: the text
/// typed so far is kept here, to add again or discard (delete wins over edit).
#[component]
fn DeletedWhileEditing() -> impl IntoView {
    let live = use_live();
    let Some(kept) = use_context::<EditDrafts>() else {
        return ().into_any();
    };
    let drafts = kept.0;
    let orphans = Memo::new(move |_| {
        drafts.with(|m| {
            live.view.with(|v| {
                let mut gone: Vec<(String, Draft)> = m
                    .iter()
                    .filter(|(id, d)| d.text.is_some() && !v.board.notes.iter().any(|n| &n.id == *id))
                    .map(|(id, d)| (id.clone(), d.clone()))
                    .collect();
                gone.sort_by(|a, b| a.0.cmp(&b.0));
                gone
            })
        })
    });
    view! {
        <For each=move || orphans.get() key=|(id, _)| id.clone() let:((id, draft))>
            {
                let text = draft.text.clone().unwrap_or_default();
                let (keep, discard) = (id.clone(), id.clone());
                // Back to its step if that still exists, else the first one.
                let step = live.view.with_untracked(|v| v.board.steps.iter().find(|s| s.id == draft.step).or(v.board.steps.first()).map(|s| s.id.clone()).unwrap_or_default());
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

/// One keyboard-reachable move; absent where there is nowhere to go.
#[component]
fn MoveButton(
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
fn KindSelect(id: String, selected: NoteKind) -> impl IntoView {
    view! {
        <select id=id name="kind">
            {NoteKind::ALL.into_iter().map(|k| view! { <option value=k.id() selected=k == selected>{format!("{} {}", k.icon(), k.label())}</option> }).collect_view()}
        </select>
    }
}

#[component]
fn AddNote(step: String, title: String) -> impl IntoView {
    let live = use_live();
    let fresh = RwSignal::new(new_id());
    let control = Control::new();
    // Sent and not yet acknowledged: the text stays (read-only) until it is saved.
    let saving = RwSignal::new(false);
    let area = NodeRef::<leptos::html::Textarea>::new();
    let text_id = format!("new-note-{step}");
    let kind_id = format!("new-kind-{step}");
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
                }
            };
            saving.set(true);
            if submit_over_socket(live, control, &ev, done) {
                ev.prevent_default();
            } else {
                saving.set(false);
            }
        }>
            <input type="hidden" name="id" value=move || live.view.with(|v| v.info.id.clone())/>
            <input type="hidden" name="op" value="add_note"/>
            <input type="hidden" name="note" value=move || fresh.get()/>
            <input type="hidden" name="step" value=step.clone()/>
            <label for=text_id.clone()>{format!("New note in {title}")}</label>
            <textarea id=text_id name="text" rows="2" maxlength=MAX_NOTE_TEXT.to_string() required node_ref=area readonly=move || saving.get()></textarea>
            <label for=kind_id.clone() class="visually-hidden">"Kind"</label>
            <KindSelect id=kind_id selected=NoteKind::Manual/>
            <button type="submit" class="button small primary">"Add note"</button>
            <Refused control/>
            <Show when=move || saving.get()>
                <span class="muted small pending-note" data-testid="note-pending">
                    {move || if live.link.get() == super::link::LinkState::Live { "Saving this note…" } else { "Not saved yet: this note is sent when the connection is back." }}
                </span>
            </Show>
        </form>
    }
}

/// Add, rename, reorder and remove steps.
#[component]
fn StepEditor() -> impl IntoView {
    let live = use_live();
    // A Memo: the rename fields are drawn again only when the steps change.
    let steps = Memo::new(move |_| live.view.with(|v| v.board.steps.clone()));
    let fresh = RwSignal::new(new_id());
    view! {
        <details class="card step-editor">
            <summary>"Edit the steps"</summary>
            <ol>
                {move || { let all = steps.get(); let n = all.len(); all.into_iter().enumerate().map(|(i, step)| view! { <StepRow step i n/> }).collect_view() }}
            </ol>
            <BoardForm op="add_step" class="inline-form" label="Add a step".to_string() on_sent=move |_: ()| fresh.set(new_id())>
                <input type="hidden" name="step" value=move || fresh.get()/>
                <label for="new-step">"New step"</label>
                <input id="new-step" name="title" maxlength="60" required placeholder="Canary release"/>
                <button type="submit" class="button small">"Add step"</button>
            </BoardForm>
        </details>
    }
}

#[component]
fn DotButton(note: String, add: bool, label: String) -> impl IntoView {
    view! {
        <BoardForm op="dot" class="inline">
            <input type="hidden" name="note" value=note/>
            <input type="hidden" name="add" value=add.to_string()/>
            <button type="submit" class=if add { "button small" } else { "button small subtle" } aria-label=label>{if add { "+ dot" } else { "− dot" }}</button>
        </BoardForm>
    }
}

#[component]
fn StepRow(step: Step, i: usize, n: usize) -> impl IntoView {
    let Step { id, title } = step;
    let rename_label = format!("Rename {title}");
    let input_id = format!("rename-{id}");
    let earlier = (i > 0).then(|| (id.clone(), format!("Move {title} earlier")));
    let later = (i + 1 < n).then(|| (id.clone(), format!("Move {title} later")));
    let remove_label = format!("Remove {title}");
    let (rename_step, remove_step) = (id.clone(), id.clone());
    view! {
        <li>
            <BoardForm op="rename_step" class="inline" label=rename_label>
                <input type="hidden" name="step" value=rename_step/>
                <label for=input_id.clone() class="visually-hidden">{format!("Name of step {}", i + 1)}</label>
                <input id=input_id name="title" value=title maxlength="60" required/>
                <button type="submit" class="button small">"Rename"</button>
            </BoardForm>
            {earlier.map(|(id, label)| view! { <StepMove id index=i - 1 label symbol="◀"/> })}
            {later.map(|(id, label)| view! { <StepMove id index=i + 1 label symbol="▶"/> })}
            <BoardForm op="remove_step" class="inline">
                <input type="hidden" name="step" value=remove_step/>
                <button type="submit" class="button small subtle" aria-label=remove_label>"Remove"</button>
            </BoardForm>
        </li>
    }
}

#[component]
fn StepMove(id: String, index: usize, label: String, symbol: &'static str) -> impl IntoView {
    view! {
        <BoardForm op="move_step" class="inline">
            <input type="hidden" name="step" value=id/>
            <input type="hidden" name="index" value=index.to_string()/>
            <button type="submit" class="button small subtle" aria-label=label>{symbol}</button>
        </BoardForm>
    }
}

/// Dot voting: the facilitator opens and closes it; afterwards the ranking.
#[component]
fn Dots() -> impl IntoView {
    let live = use_live();
    let b = move || live.view.with(|v| v.board.clone());
    let phase = Memo::new(move |_| live.view.with(|v| v.board.dots_phase));
    let facilitator = move || live.view.with(|v| v.facilitator);
    let title_of = move |id: &str| {
        live.view.with(|v| {
            v.board
                .notes
                .iter()
                .find(|n| n.id == id)
                .map(|n| n.text.clone())
                .unwrap_or_default()
        })
    };
    view! {
        <section class="card dots" aria-labelledby="dots-heading">
            <h3 id="dots-heading">"Dot voting on improvements"</h3>
            {move || {
                let b = b();
                match b.dots_phase {
                    DotsPhase::NotStarted => view! { <p class="muted">"Not open yet. The facilitator opens it once the improvements are on the board."</p> }.into_any(),
                    DotsPhase::Open => view! {
                        <p data-testid="dots-left">{format!("You have used {} of {} dots (at most {} on one note).", b.used, b.budget, b.per_note)}</p>
                        {(!b.show_live).then(|| view! { <p class="muted small">"Counts stay hidden until voting closes."</p> })}
                    }.into_any(),
                    DotsPhase::Closed => view! { <p>"Voting closed."</p> }.into_any(),
                }
            }}
            {move || b().ranked.filter(|_| b().dots_phase == DotsPhase::Closed).map(|ranked| view! {
                <ol class="ranking" data-testid="ranking">
                    {ranked.into_iter().map(|(id, dots)| view! { <li>{format!("{} · {}", title_of(&id), checkpoint_core::summary::dots_text(dots))}</li> }).collect_view()}
                </ol>
            })}
            <Show when=facilitator>
                // By phase only: the facilitator's half-typed settings survive others' changes.
                {move || if phase.get() == DotsPhase::Open {
                    view! { <BoardForm op="close_dots"><button type="submit" class="button primary">"Close voting"</button></BoardForm> }.into_any()
                } else {
                    view! {
                        <BoardForm op="open_dots" class="inline-form" label="Open dot voting".to_string()>
                            <label for="dots-budget">"Dots per person"</label>
                            <input id="dots-budget" name="budget" type="number" min="1" max="20" value=DEFAULT_BUDGET.to_string()/>
                            <label for="dots-per-note">"At most on one note"</label>
                            <input id="dots-per-note" name="per_note" type="number" min="1" max="20" value=DEFAULT_PER_NOTE.to_string()/>
                            <label class="checkbox"><input type="checkbox" name="show_live" value="on"/>" Show counts while voting"</label>
                            <button type="submit" class="button primary">{if phase.get_untracked() == DotsPhase::Closed { "Reopen voting" } else { "Open voting" }}</button>
                        </BoardForm>
                    }.into_any()
                }}
            </Show>
        </section>
    }
}

/// The improvements the squad commits to: owner, due date, capability.
#[component]
fn Actions() -> impl IntoView {
    let live = use_live();
    // Memos throughout: these lists are drawn again only when they change, so
    // a choice half made in the form survives everyone else's changes.
    let actions = Memo::new(move |_| live.view.with(|v| v.board.actions.clone()));
    let fresh = RwSignal::new(new_id());
    let facilitator = Memo::new(move |_| live.view.with(|v| v.facilitator));
    let people = Memo::new(move |_| {
        live.view
            .with(|v| v.people.iter().map(|p| p.name.clone()).collect::<Vec<_>>())
    });
    let improvements = Memo::new(move |_| {
        live.view.with(|v| {
            let ranked = v.board.ranked.clone().unwrap_or_default();
            let mut notes: Vec<(String, String, u32)> = v
                .board
                .notes
                .iter()
                .filter(|n| n.kind == NoteKind::Improvement)
                .map(|n| {
                    (
                        n.id.clone(),
                        n.text.clone(),
                        ranked.iter().find(|(id, _)| *id == n.id).map_or(0, |(_, d)| *d),
                    )
                })
                .collect();
            notes.sort_by_key(|n| std::cmp::Reverse(n.2));
            notes
        })
    });
    view! {
        <section class="card actions" aria-labelledby="actions-heading">
            <h3 id="actions-heading">"Actions"</h3>
            {move || {
                let list = actions.get();
                if list.is_empty() {
                    view! { <p class="empty-state">"No actions yet. Turn the top improvements into actions with an owner and a due date."</p> }.into_any()
                } else {
                    view! {
                        <table class="data-table" data-testid="actions">
                            <thead><tr><th scope="col">"Action"</th><th scope="col">"Owner"</th><th scope="col">"Due"</th><th scope="col">"Capability"</th><th scope="col">"Status"</th><th scope="col"><span class="visually-hidden">"Remove"</span></th></tr></thead>
                            <tbody>{list.into_iter().map(|a| view! { <ActionRow action=a facilitator=facilitator.get_untracked()/> }).collect_view()}</tbody>
                        </table>
                    }.into_any()
                }
            }}
            <Show when=move || facilitator.get()>
            <BoardForm op="add_action" class="form add-action" label="New action".to_string() on_sent=move |_: ()| fresh.set(new_id())>
                <input type="hidden" name="action" value=move || fresh.get()/>
                <label for="action-from">"From improvement"</label>
                <select id="action-from" name="note">
                    <option value="">"None"</option>
                    {move || improvements.get().into_iter().map(|(id, text, _)| view! { <option value=id>{text}</option> }).collect_view()}
                </select>
                <label for="action-title">"Action"</label>
                <input id="action-title" name="title" required maxlength="200"/>
                <label for="action-owner">"Owner"</label>
                <input id="action-owner" name="owner" required maxlength="80" list="action-people"/>
                <datalist id="action-people">{move || people.get().into_iter().map(|p| view! { <option value=p/> }).collect_view()}</datalist>
                <label for="action-due">"Due"</label>
                <input id="action-due" name="due" type="date"/>
                <label for="action-capability">"Capability it serves"</label>
                <select id="action-capability" name="capability">
                    <option value="">"None"</option>
                    {CATALOG.iter().map(|e| view! { <option value=e.key>{e.name}</option> }).collect_view()}
                </select>
                <button type="submit" class="button primary">"Add action"</button>
            </BoardForm>
            </Show>
        </section>
    }
}

#[component]
fn ActionRow(action: Action, facilitator: bool) -> impl IntoView {
    let Action {
        id,
        title,
        owner,
        due,
        capability,
        status,
        carried_from,
        ..
    } = action;
    let capability_name = capability
        .as_deref()
        .and_then(checkpoint_core::dora::catalog::find)
        .map_or("—", |e| e.name);
    let status_id = format!("status-{id}");
    let (status_action, remove_action, volunteer_action) = (id.clone(), id.clone(), id);
    let remove_label = format!("Remove action: {title}");
    let volunteer_label = format!("Take on: {title}");
    // Only those running the checkpoint change the squad's actions; everyone
    // else may volunteer to own one.
    let (status_cell, last_cell) = if facilitator {
        (
            view! {
                <BoardForm op="action_status" class="inline" label=format!("Status of {title}")>
                    <input type="hidden" name="action" value=status_action/>
                    <label for=status_id.clone() class="visually-hidden">"Status"</label>
                    <select id=status_id name="status">
                        {ActionStatus::ALL.into_iter().map(|s| view! { <option value=s.id() selected=s == status>{s.label()}</option> }).collect_view()}
                    </select>
                    <button type="submit" class="button small">"Set"</button>
                </BoardForm>
            }
            .into_any(),
            view! {
                <BoardForm op="remove_action" class="inline">
                    <input type="hidden" name="action" value=remove_action/>
                    <button type="submit" class="button small subtle" aria-label=remove_label on:click=|ev| {
                        if !confirm("Remove this action for everyone?") { ev.prevent_default(); }
                    }>"Remove"</button>
                </BoardForm>
            }
            .into_any(),
        )
    } else {
        (
            view! { <span>{status.label()}</span> }.into_any(),
            view! {
                <BoardForm op="volunteer" class="inline">
                    <input type="hidden" name="action" value=volunteer_action/>
                    <button type="submit" class="button small" aria-label=volunteer_label>"I'll take it"</button>
                </BoardForm>
            }
            .into_any(),
        )
    };
    view! {
        <tr>
            <th scope="row">{title.clone()}<CarriedFrom from=carried_from/></th>
            <td><bdi>{owner}</bdi></td>
            <td>{due.unwrap_or_else(|| "—".into())}</td>
            <td>{capability_name}</td>
            <td>{status_cell}</td>
            <td>{last_cell}</td>
        </tr>
    }
}

/// Starts an empty board from the squad's previous flow (a plain form).
#[server(endpoint = "copy_previous_flow")]
pub async fn copy_previous_flow(id: String) -> Result<i64, ServerFnError> {
    use crate::context::{app_context, form_error, require_participant};
    use checkpoint_core::store::ServiceError;
    let by = require_participant(&id).await?;
    let ctx = app_context()?;
    let titles = ctx.store.previous_flow(&id).await.map_err(form_error)?.ok_or_else(|| {
        form_error(ServiceError::invalid(
            "steps",
            "this squad's earlier checkpoints mapped no flow; start from the template",
        ))
    })?;
    let rev = ctx
        .rooms
        .execute(
            &id,
            &by,
            Command::Board {
                op: BoardCommand::UseFlow { titles },
            },
        )
        .await
        .map_err(form_error)?;
    leptos_axum::redirect(&format!("/checkpoints/{id}#board"));
    Ok(rev)
}

/// The board's three activities (mapping, improving, voting), each with a
/// shared timer held by the server.
#[component]
fn ActivityTimers() -> impl IntoView {
    use checkpoint_core::board::ACTIVITIES;
    use checkpoint_core::live::timer::format_remaining;
    let live = use_live();
    let facilitator = move || live.view.with(|v| v.facilitator);
    view! {
        <div class="activity-timers" role="group" aria-label="Activity timers">
            {ACTIVITIES.iter().enumerate().map(|(i, (label, _))| {
                let timer = move || live.view.with(|v| v.board.timers[i]);
                let remaining = move || timer().remaining_ms(live.server_now());
                let running = move || timer().running();
                let button = move |action: &'static str, text: &'static str| view! {
                    <BoardForm op="timer" class="inline">
                        <input type="hidden" name="activity" value=i.to_string()/>
                        <input type="hidden" name="timer" value=action/>
                        <button type="submit" class="button small subtle" aria-label=format!("{text}: {label}")>{text}</button>
                    </BoardForm>
                };
                view! {
                    <div class="timer" role="timer" aria-label=format!("Time left for {label}")>
                        <span class="timer-label">{*label}</span>
                        <span class="timer-face" class:timer-done=move || running() && remaining() == 0 data-testid=format!("activity-timer-{i}")>{move || format_remaining(remaining())}</span>
                        <Show when=facilitator>
                            {move || if running() { button("pause", "Pause") } else { button("start", "Start") }}
                            {button("extend", "+5 min")}
                            {button("reset", "Reset")}
                        </Show>
                    </div>
                }
            }).collect_view()}
        </div>
    }
}
