//! `POST /squads/{slug}/import`: the CSV upload page's form (multipart, a
//! signed-in facilitator or admin). A plain form post, so it works without
//! JavaScript; the outcome goes back to the page in its address.

use axum::extract::multipart::MultipartRejection;
use axum::extract::{DefaultBodyLimit, Multipart, Path, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::post;
use axum::Router;
use checkpoint_core::ingest::csv::{parse, CsvError};
use checkpoint_core::request::{percent_encode, session_token_from};
use checkpoint_core::store::ServiceError;

use crate::AppState;

/// A CSV of 100,000 rows fits.
const MAX_UPLOAD: usize = 32 << 20;
/// How many errors travel back in the address (the count is always exact).
const ERRORS_IN_ADDRESS: usize = 20;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/squads/{slug}/import", post(upload))
        .layer(DefaultBodyLimit::max(MAX_UPLOAD))
}

fn back(slug: &str, pairs: &[(&str, String)]) -> Response {
    let query = serde_urlencoded::to_string(pairs).unwrap_or_default();
    // Percent-encoded: the slug comes from the address, decoded, and could hold a newline.
    Redirect::to(&format!("/squads/{}/import?{query}", percent_encode(slug))).into_response()
}

fn refused(slug: &str, total: usize, errors: &[CsvError]) -> Response {
    let mut pairs = vec![("failed", total.to_string())];
    pairs.extend(
        errors
            .iter()
            .take(ERRORS_IN_ADDRESS)
            .map(|e| ("e", format!("{}\t{}\t{}", e.row, e.column, e.message))),
    );
    back(slug, &pairs)
}

fn refused_whole(slug: &str, message: impl Into<String>) -> Response {
    refused(
        slug,
        1,
        &[CsvError {
            row: 0,
            column: String::new(),
            message: message.into(),
        }],
    )
}

async fn upload(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    headers: HeaderMap,
    form: Result<Multipart, MultipartRejection>,
) -> Response {
    let store = state.store();
    let user = match session_token_from(&headers) {
        Some(t) => store.session_user(&t).await.ok().flatten(),
        None => None,
    };
    let Some(user) = user else {
        return Redirect::to(&format!(
            "/login?next={}",
            percent_encode(&format!("/squads/{slug}/import"))
        ))
        .into_response();
    };
    let squad = match store.squad_for_events(Some(&user), &slug).await {
        Ok(s) => s,
        Err(ServiceError::Forbidden) => return refused_whole(&slug, "only facilitators and admins can import events"),
        Err(ServiceError::NotFound(_)) => return refused_whole(&slug, "there is no such squad"),
        Err(e) => {
            tracing::error!(error = ?e, "import failed");
            return refused_whole(&slug, "the server could not store the file; try again");
        }
    };
    let mut form = match form {
        Ok(f) => f,
        Err(e) => return refused_whole(&slug, format!("the upload could not be read: {}", e.body_text())),
    };
    let mut bytes = None;
    loop {
        match form.next_field().await {
            Ok(Some(field)) if field.name() == Some("file") => match field.bytes().await {
                Ok(b) => bytes = Some(b),
                Err(e) => return refused_whole(&slug, format!("the upload could not be read: {}", e.body_text())),
            },
            Ok(Some(_)) => continue,
            Ok(None) => break,
            Err(e) => return refused_whole(&slug, format!("the upload could not be read: {}", e.body_text())),
        }
    }
    let Some(bytes) = bytes.filter(|b| !b.is_empty()) else {
        return refused_whole(&slug, "choose a CSV file to upload");
    };
    let Ok(text) = std::str::from_utf8(&bytes) else {
        return refused_whole(&slug, "the file must be UTF-8 text (save it as CSV UTF-8)");
    };
    match parse(text) {
        Err(report) => refused(&slug, report.total, &report.errors),
        Ok(batch) => {
            let (kind, n) = (batch.kind(), batch.len());
            match store.import_csv(&squad, batch).await {
                Ok(done) => back(
                    &slug,
                    &[
                        ("imported", n.to_string()),
                        ("kind", kind.to_string()),
                        ("created", done.created.to_string()),
                        ("updated", done.updated.to_string()),
                    ],
                ),
                Err(e) => {
                    tracing::error!(error = ?e, "import failed");
                    refused_whole(
                        &slug,
                        "the server could not store the file; nothing was imported; try again",
                    )
                }
            }
        }
    }
}
