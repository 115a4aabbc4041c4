//! The public JSON API, `/api/v1`. Stable contract for scripts and integrations.
//! Every route is registered here through utoipa-axum's `routes!`, which also
//! adds the handler's `#[utoipa::path]` to the OpenAPI document (`openapi.rs`).

mod assess;
pub mod checkpoints;
mod error;
pub mod events;
pub mod export;
mod hooks;
mod openapi;

pub use error::{ApiError, BatchRefusal, ErrorBody};
pub use openapi::document as openapi_document;

use axum::Router;
use utoipa::OpenApi;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::AppState;

/// The routes of `/api/v1` and the document that describes them, built together.
fn parts() -> (Router<AppState>, utoipa::openapi::OpenApi) {
    OpenApiRouter::with_openapi(openapi::ApiDoc::openapi())
        .routes(routes!(assess::assess))
        .routes(routes!(openapi::openapi_json))
        .merge(checkpoints::router())
        .merge(events::router())
        .merge(export::router())
        .merge(hooks::router())
        .split_for_parts()
}

pub fn router() -> Router<AppState> {
    parts().0.fallback(|| async { ApiError::not_found() })
}

/// The OpenAPI document of [`router`], as utoipa generates it.
fn document() -> utoipa::openapi::OpenApi {
    parts().1
}
