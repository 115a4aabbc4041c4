//! The projector's welcome: the join address, the code and a QR code large
//! enough to scan from the back of the room.

use leptos::prelude::*;

use crate::live::join_link::use_join_link;
use crate::live::link::use_live;

#[component]
pub(super) fn ProjectorJoin() -> impl IntoView {
    let live = use_live();
    let code = live.select(move |v| v.join_code.clone());
    let people = live.select(move |v| {
        v.people
            .iter()
            .filter(|p| p.online && !p.facilitator)
            .map(|p| p.name.clone())
            .collect::<Vec<_>>()
    });
    let link = use_join_link();
    view! {
        <div class="projector-join">
            <div class="projector-join-text">
                <h2 id="stage-heading">"Join on your laptop or phone"</h2>
                <Transition fallback=|| view! { <p class="projector-url">"/join"</p> }>
                    {move || link.get().and_then(Result::ok).flatten().map(|l| view! {
                        <p class="projector-url" data-testid="projector-join-url">{l.url.clone()}</p>
                    })}
                </Transition>
                <p class="projector-lead">"and enter the code"</p>
                <p class="join-code projector-join-code" data-testid="projector-join-code">{move || code.get().unwrap_or_default()}</p>
                <p class="projector-people" data-testid="projector-people">{move || people.with(|p| match p.len() {
                    0 => "Nobody has joined yet.".to_string(),
                    n => format!("{n} joined: {}", p.join(", ")),
                })}</p>
            </div>
            <Transition fallback=|| ()>
                {move || link.get().and_then(Result::ok).flatten().map(|l| view! {
                    <div class="join-qr projector-qr" role="img" aria-label="QR code of the join link" data-testid="projector-qr" inner_html=l.qr_svg.clone()></div>
                })}
            </Transition>
        </div>
    }
}
