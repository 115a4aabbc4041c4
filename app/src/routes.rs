//! Lazy routes: every page but the home page is split out of the main wasm.
//!
//! Why: the first page must load in at most 350 KB gzip, and one wasm holding
//! every page was over that on its own (docs/perf.md). With
//! `cargo leptos build --split`, each `#[lazy_route]` view below becomes its own
//! wasm chunk (code shared by several pages goes into shared chunks), fetched
//! when that page is first shown. The server puts `<link rel="preload">` tags
//! for the current page's chunks into the HTML, and `hydrate()` waits for them
//! (`hydrate_from_async`) before hydrating.
//!
//! The routes need no data of their own (`data()` is empty): each page creates
//! its resources itself, so their server-function clients and types stay in
//! the page's chunk rather than in the main wasm that every visitor loads.
//!
//! On the server, `#[lazy_route]` compiles to a plain async call, so SSR and
//! the no-JavaScript pages are unchanged.

use leptos::prelude::*;
use leptos_router::{lazy_route, LazyRoute};

use crate::{account, admin, auth, catalog, live, metrics, quick_check, squads, summary};

pub struct QuickCheckRoute;

#[lazy_route]
impl LazyRoute for QuickCheckRoute {
    fn data() -> Self {
        Self
    }

    fn view(_this: Self) -> AnyView {
        view! { <quick_check::QuickCheckPage/> }.into_any()
    }
}

pub struct LoginRoute;

#[lazy_route]
impl LazyRoute for LoginRoute {
    fn data() -> Self {
        Self
    }

    fn view(_this: Self) -> AnyView {
        view! { <auth::LoginPage/> }.into_any()
    }
}

pub struct SetupRoute;

#[lazy_route]
impl LazyRoute for SetupRoute {
    fn data() -> Self {
        Self
    }

    fn view(_this: Self) -> AnyView {
        view! { <auth::SetupPage/> }.into_any()
    }
}

pub struct SquadsRoute;

#[lazy_route]
impl LazyRoute for SquadsRoute {
    fn data() -> Self {
        Self
    }

    fn view(_this: Self) -> AnyView {
        view! { <squads::SquadsPage/> }.into_any()
    }
}

pub struct SquadRoute;

#[lazy_route]
impl LazyRoute for SquadRoute {
    fn data() -> Self {
        Self
    }

    fn view(_this: Self) -> AnyView {
        view! { <squads::SquadPage/> }.into_any()
    }
}

pub struct UsersRoute;

#[lazy_route]
impl LazyRoute for UsersRoute {
    fn data() -> Self {
        Self
    }

    fn view(_this: Self) -> AnyView {
        view! { <admin::UsersPage/> }.into_any()
    }
}

pub struct CheckpointRoute;

#[lazy_route]
impl LazyRoute for CheckpointRoute {
    fn data() -> Self {
        Self
    }

    fn view(_this: Self) -> AnyView {
        view! { <live::room::CheckpointPage/> }.into_any()
    }
}

pub struct PresentRoute;

#[lazy_route]
impl LazyRoute for PresentRoute {
    fn data() -> Self {
        Self
    }

    fn view(_this: Self) -> AnyView {
        view! { <live::projector::ProjectorPage/> }.into_any()
    }
}

pub struct SummaryRoute;

#[lazy_route]
impl LazyRoute for SummaryRoute {
    fn data() -> Self {
        Self
    }

    fn view(_this: Self) -> AnyView {
        view! { <summary::page::SummaryPageView/> }.into_any()
    }
}

pub struct HistoryRoute;

#[lazy_route]
impl LazyRoute for HistoryRoute {
    fn data() -> Self {
        Self
    }

    fn view(_this: Self) -> AnyView {
        view! { <summary::history::HistoryPage/> }.into_any()
    }
}

pub struct TrendRoute;

#[lazy_route]
impl LazyRoute for TrendRoute {
    fn data() -> Self {
        Self
    }

    fn view(_this: Self) -> AnyView {
        view! { <summary::trend::SquadTrendPage/> }.into_any()
    }
}

pub struct JoinRoute;

#[lazy_route]
impl LazyRoute for JoinRoute {
    fn data() -> Self {
        Self
    }

    fn view(_this: Self) -> AnyView {
        view! { <live::join::JoinPage/> }.into_any()
    }
}

pub struct CatalogRoute;

#[lazy_route]
impl LazyRoute for CatalogRoute {
    fn data() -> Self {
        Self
    }

    fn view(_this: Self) -> AnyView {
        view! { <catalog::CatalogPage/> }.into_any()
    }
}

pub struct SquadMetricsRoute;

#[lazy_route]
impl LazyRoute for SquadMetricsRoute {
    fn data() -> Self {
        Self
    }

    fn view(_this: Self) -> AnyView {
        view! { <metrics::page::SquadMetricsPage/> }.into_any()
    }
}

pub struct ImportRoute;

#[lazy_route]
impl LazyRoute for ImportRoute {
    fn data() -> Self {
        Self
    }

    fn view(_this: Self) -> AnyView {
        view! { <metrics::import::ImportPage/> }.into_any()
    }
}

pub struct LeaderboardRoute;

#[lazy_route]
impl LazyRoute for LeaderboardRoute {
    fn data() -> Self {
        Self
    }

    fn view(_this: Self) -> AnyView {
        view! { <metrics::leaderboard::LeaderboardPage/> }.into_any()
    }
}

pub struct AccountRoute;

#[lazy_route]
impl LazyRoute for AccountRoute {
    fn data() -> Self {
        Self
    }

    fn view(_this: Self) -> AnyView {
        view! { <account::AccountPage/> }.into_any()
    }
}

pub struct ManageCheckpointRoute;

#[lazy_route]
impl LazyRoute for ManageCheckpointRoute {
    fn data() -> Self {
        Self
    }

    fn view(_this: Self) -> AnyView {
        view! { <live::manage::ManageCheckpointPage/> }.into_any()
    }
}
