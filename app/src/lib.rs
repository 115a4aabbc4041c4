//! The Leptos UI: pages, components and the server functions beside them.
//! Built twice: with `ssr` into the server, with `hydrate` into the wasm bundle.

pub mod account;
pub mod admin;
pub mod auth;
pub mod catalog;
pub mod chart;
pub mod clipboard;
pub mod current_scores;
pub mod errors;
pub mod home;
pub mod layout;
pub mod live;
pub mod metrics;
pub mod quick_check;
pub mod raw_text;
pub mod routes;
pub mod score_axis;
pub mod squads;
pub mod summary;
pub mod today;

#[cfg(feature = "ssr")]
pub mod context;

use leptos::prelude::*;
use leptos_meta::{provide_meta_context, MetaTags, Stylesheet, Title};
use leptos_router::components::{Route, Router, Routes};
use leptos_router::{path, Lazy, SsrMode};

/// Pages that are whole as HTML, served without the wasm: everything on them
/// is a link or a form that works without JavaScript (the quick check is
/// computed on the server from its query string), and they are the first
/// page most people load (a participant's `/join`, a visitor's quick check),
/// so they should cost a few kilobytes rather than the app (docs/perf.md,
/// "Page weight"). Reached by a link from a hydrated page, they are rendered
/// by the app as any other page. Each comes with the few lines of script it
/// still wants, from `public/`.
pub const STATIC_PAGES: [(&str, Option<&str>); 3] = [
    ("/", None),
    // A resume link's code is after `#`, which never reaches the server.
    ("/join", Some("/join-resume.js")),
    // A percentage's slider and number field kept one value.
    ("/quick-check", Some("/quick-check.js")),
];

/// The HTML document around the app, rendered on the server only.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    #[cfg(feature = "ssr")]
    context::set_security_headers();
    #[cfg(feature = "ssr")]
    let path = use_context::<axum::http::request::Parts>().map(|p| p.uri.path().to_string());
    #[cfg(not(feature = "ssr"))]
    let path: Option<String> = None;
    let static_page = path
        .as_deref()
        .and_then(|p| STATIC_PAGES.iter().find(|(page, _)| *page == p));
    let hydrates = static_page.is_none();
    let script = static_page.and_then(|(_, script)| *script);
    view! {
        <!DOCTYPE html>
        <html lang="en">
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1"/>
                <meta name="color-scheme" content="light dark"/>
                <link rel="icon" href="/favicon.svg" type="image/svg+xml"/>
                {hydrates.then(|| view! { <HydrationScripts options/> })}
                {script.map(|src| view! { <script src=src defer></script> })}
                <MetaTags/>
            </head>
            // A static page is ready as it arrives; `data-hydrated` tells the
            // browser tests a hydrated page is (see `hydrate`).
            <body data-hydrated=(!hydrates).then_some("true")>
                <App/>
            </body>
        </html>
    }
}

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    auth::provide_session();
    view! {
        <Stylesheet id="leptos" href="/pkg/checkpoint.css"/>
        // Every page's title passes through here, so this is where typed names in it are escaped.
        <Title formatter=|page: String| raw_text::raw_text(if page.is_empty() { "DevOps Checkpoint".to_string() } else { format!("{page} · DevOps Checkpoint") })/>
        // Async rendering: pages arrive whole, so they work without JavaScript
        // (out-of-order streaming needs a script to place each resolved part).
        <Router>
            <layout::Header/>
            <main id="main" class="page">
                <Routes fallback=layout::NotFound>
                    // Only the home page is in the main wasm; the others are lazy (routes.rs).
                    <Route path=path!("/") view=home::HomePage ssr=SsrMode::Async/>
                    <Route path=path!("/quick-check") view={Lazy::<routes::QuickCheckRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/login") view={Lazy::<routes::LoginRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/setup") view={Lazy::<routes::SetupRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/squads") view={Lazy::<routes::SquadsRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/squads/:slug") view={Lazy::<routes::SquadRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/squads/:slug/metrics") view={Lazy::<routes::SquadMetricsRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/squads/:slug/import") view={Lazy::<routes::ImportRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/history") view={Lazy::<routes::HistoryRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/squads/:slug/trend") view={Lazy::<routes::TrendRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/leaderboard") view={Lazy::<routes::LeaderboardRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/admin/users") view={Lazy::<routes::UsersRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/account") view={Lazy::<routes::AccountRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/checkpoints/:id/manage") view={Lazy::<routes::ManageCheckpointRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/checkpoints/:id") view={Lazy::<routes::CheckpointRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/checkpoints/:id/present") view={Lazy::<routes::PresentRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/checkpoints/:id/summary") view={Lazy::<routes::SummaryRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/join") view={Lazy::<routes::JoinRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/capabilities") view={Lazy::<routes::CatalogRoute>::new()} ssr=SsrMode::Async/>
                </Routes>
            </main>
            <layout::Footer/>
        </Router>
    }
}

#[cfg(feature = "hydrate")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    // Lazy routes: hydration first waits for the current page's wasm chunk
    // (`hydrate_body` would panic on a lazy route). This is `leptos::mount::hydrate_lazy`
    // written out, so that `data-hydrated` is set only once hydration has finished.
    let Some(body) = web_sys::window().and_then(|w| w.document()).and_then(|d| d.body()) else {
        return;
    };
    wasm_bindgen_futures::spawn_local(async move {
        let app = leptos::mount::hydrate_from_async(body.clone(), App).await;
        app.forget();
        // Why: browser tests wait for this before clicking; a click before hydration is lost.
        let _ = body.set_attribute("data-hydrated", "true");
    });
}
