//! The join link as the facilitator shares it: the full address with the
//! code, a copy button, and its QR code drawn on the server as SVG. Only
//! those who see the join code (the room's runners, by the view's rule) get it.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct JoinLink {
    /// `https://host/join?code=ABCD-EFGH`.
    pub url: String,
    /// An `<svg>` element, with nothing but the code's squares.
    pub qr_svg: String,
}

/// `None` for anyone the room does not show the join code to.
#[server(endpoint = "join_link")]
pub async fn load_join_link(id: String) -> Result<Option<JoinLink>, ServerFnError> {
    use crate::context::{app_context, into_server_error, require_participant, site_origin};
    let by = require_participant(&id).await?;
    let ctx = app_context()?;
    let view = ctx.rooms.view(&id, &by).await.map_err(into_server_error)?;
    let Some(code) = view.join_code else {
        return Ok(None);
    };
    let url = format!("{}/join?code={code}", site_origin(&ctx));
    Ok(Some(JoinLink {
        qr_svg: qr_svg(&url)?,
        url,
    }))
}

#[cfg(feature = "ssr")]
fn qr_svg(text: &str) -> Result<String, ServerFnError> {
    use qrcode::render::svg;
    let code = qrcode::QrCode::new(text.as_bytes()).map_err(|e| ServerFnError::new(format!("QR code: {e}")))?;
    let svg = code
        .render::<svg::Color<'_>>()
        .min_dimensions(160, 160)
        .dark_color(svg::Color("#000000"))
        .light_color(svg::Color("#ffffff"))
        .build();
    // The element alone: the XML declaration does not belong inside a page.
    Ok(svg.find("<svg").map_or(svg.clone(), |i| svg[i..].to_string()))
}

/// The room's join link, loaded once per page at its top level (see
/// `CheckpointPage`): a resource made inside the facilitator's bar did not
/// always find the value the server rendered with, and hydration failed.
#[derive(Clone, Copy)]
pub struct JoinLinkData(pub Resource<Result<Option<JoinLink>, ServerFnError>>);

impl JoinLinkData {
    pub fn provide(id: impl Fn() -> String + Send + Sync + 'static) {
        provide_context(JoinLinkData(Resource::new(id, load_join_link)));
    }
}

pub fn use_join_link() -> Resource<Result<Option<JoinLink>, ServerFnError>> {
    expect_context::<JoinLinkData>().0
}

/// The join box of the facilitator's bar.
#[component]
pub fn JoinBox(code: Memo<String>) -> impl IntoView {
    let link = use_join_link();
    let copied = RwSignal::new(None::<&'static str>);
    let hydrated = RwSignal::new(false);
    Effect::new(move |_| hydrated.set(true));
    view! {
        <div class="join-box">
            <p class="muted small">"Join with the code"</p>
            <p class="join-code" data-testid="join-code">{code}</p>
            <Transition fallback=move || view! { <a class="small" href=move || format!("/join?code={}", code.get())>"Join link"</a> }>
                {move || link.get().and_then(Result::ok).flatten().map(|l| {
                    let url = l.url.clone();
                    let copy = move |_| crate::clipboard::copy(url.clone(), move |ok| copied.set(Some(if ok { "Join link copied." } else { "The browser refused the clipboard; select the link instead." })));
                    view! {
                        <p class="join-url"><a href=l.url.clone() data-testid="join-url">{l.url.clone()}</a></p>
                        <p class="button-row">
                            <button type="button" class="button small" on:click=copy disabled=move || !hydrated.get()>"Copy the join link"</button>
                        </p>
                        <p class="notice notice-ok small" role="status" aria-live="polite" hidden=move || copied.get().is_none()>{move || copied.get()}</p>
                        <div class="join-qr" role="img" aria-label="QR code of the join link" data-testid="join-qr" inner_html=l.qr_svg.clone()></div>
                    }
                })}
            </Transition>
        </div>
    }
}
