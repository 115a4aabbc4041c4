//! `GET /api/v1/checkpoints/{id}/export`: the summary as Markdown, JSON, a
//! standalone HTML page, or CSV of its actions or notes, for a signed-in user or a token of the squad.

use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderMap, HeaderValue};
use axum::response::{IntoResponse, Response};
use checkpoint_core::access::{Action, Hat};
use checkpoint_core::request::{cookie_from, participant_cookie_name, session_token_from};
use checkpoint_core::summary::csv::{actions_csv, notes_csv};
use checkpoint_core::summary::{html::to_html, markdown::to_markdown};
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::events::{bearer, token_squad, unauthorized};
use super::openapi::{BearerChallenge, Summary};
use super::{ApiError, ErrorBody};
use crate::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(export))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct ExportQuery {
    #[param(value_type = FormatParam, required = true)]
    format: Option<String>,
    #[param(value_type = Option<u32>, minimum = 1)]
    revision: Option<String>,
    /// With format=csv: `actions` (title, owner, due, capability, status) or `notes` (step, position, kind, text).
    #[param(value_type = Option<OfParam>)]
    of: Option<String>,
}

/// The `format` values, for the document ([`Format::parse`] reads them).
#[derive(ToSchema)]
#[schema(as = ExportFormat)]
#[serde(rename_all = "lowercase")]
#[expect(dead_code, reason = "describes the values Format::parse reads")]
pub(super) enum FormatParam {
    Md,
    Json,
    Html,
    Csv,
}

/// The `of` values of a CSV export, for the document.
#[derive(ToSchema)]
#[schema(as = ExportOf)]
#[serde(rename_all = "lowercase")]
#[expect(dead_code, reason = "describes the values Format::parse reads")]
pub(super) enum OfParam {
    Actions,
    Notes,
}

#[derive(Clone, Copy)]
enum Format {
    Markdown,
    Json,
    Html,
    ActionsCsv,
    NotesCsv,
}

impl Format {
    fn parse(raw: Option<&str>, of: Option<&str>) -> Result<Format, ApiError> {
        match raw.unwrap_or("") {
            "md" | "markdown" => Ok(Format::Markdown),
            "json" => Ok(Format::Json),
            "html" => Ok(Format::Html),
            "csv" => match of.unwrap_or("") {
                "actions" => Ok(Format::ActionsCsv),
                "notes" => Ok(Format::NotesCsv),
                _ => Err(ApiError::unprocessable("of", "a CSV export is of=actions or of=notes")),
            },
            "" => Err(ApiError::unprocessable(
                "format",
                "format is required: md, json, html or csv",
            )),
            other => Err(ApiError::unprocessable(
                "format",
                format!("unknown format {other:?}; expected md, json, html or csv"),
            )),
        }
    }
}

#[utoipa::path(
    get,
    path = "/checkpoints/{id}/export",
    tag = "summary",
    operation_id = "exportSummary",
    summary = "A checkpoint's summary as Markdown, JSON, a standalone HTML page, or CSV of its actions or notes",
    description = "The latest finalised revision (or `revision`), else the draft as the room stands. Readers: a signed-in user of any role, or an API token of the checkpoint's squad (another squad's checkpoint is 404). Markdown and JSON come as attachments named `SQUAD-YYYY-MM-DD.md|json`; HTML opens in the browser, with a print stylesheet for saving as PDF.",
    security(("bearerAuth" = []), ("sessionCookie" = [])),
    params(("id" = String, Path, format = "uuid"), ExportQuery),
    responses(
        (status = 200, description = "The summary.", content((String = "text/markdown"), (Summary = "application/json"), (String = "text/html"), (String = "text/csv"))),
        (status = 401, description = "Neither a signed-in session nor a valid token.", headers(("WWW-Authenticate" = inline(BearerChallenge), description = "Always `Bearer`.")), body = ErrorBody),
        (status = 404, description = "No such checkpoint or revision, or a token of another squad.", body = ErrorBody),
        (status = 422, description = "A bad `format`, `of` or `revision`; `field` names it.", body = ErrorBody)
    )
)]
async fn export(
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
    Query(q): Query<ExportQuery>,
) -> Result<Response, Response> {
    let format = Format::parse(q.format.as_deref(), q.of.as_deref()).map_err(IntoResponse::into_response)?;
    let revision =
        match q.revision.as_deref().filter(|r| !r.is_empty()) {
            None => None,
            Some(raw) => Some(raw.parse::<u32>().ok().filter(|n| *n > 0).ok_or_else(|| {
                ApiError::unprocessable("revision", "revision is a whole number from 1").into_response()
            })?),
        };
    let store = state.store();
    // A token reads its own squad's checkpoints only; anything else is "not found".
    let token_slug = if bearer(&headers).is_some() {
        Some(token_squad(&state, &headers).await?.slug)
    } else {
        let user = match session_token_from(&headers) {
            Some(t) => store
                .session_user(&t)
                .await
                .map_err(|e| ApiError::from(e).into_response())?,
            None => None,
        };
        // The same readers as the summary page: any signed-in user, or a participant of this checkpoint.
        let mut hats = user.map(|u| vec![Hat::of_role(u.role)]).unwrap_or_default();
        if let Some(t) = cookie_from(&headers, &participant_cookie_name(&id)) {
            if store
                .participant_for_token(&id, &t)
                .await
                .map_err(|e| ApiError::from(e).into_response())?
                .is_some()
            {
                hats.push(Hat::Participant);
            }
        }
        if !checkpoint_core::access::may(&hats, Action::ReadSummary) {
            return Err(unauthorized(
                "sign in, or send the squad's API token as Authorization: Bearer <token>",
            ));
        }
        None
    };
    let page = store
        .summary_page(&id, revision)
        .await
        .map_err(|e| ApiError::from(e).into_response())?;
    let s = page.summary;
    if token_slug.is_some_and(|slug| slug != s.checkpoint.squad_slug) {
        return Err(ApiError::from(checkpoint_core::store::ServiceError::NotFound("checkpoint")).into_response());
    }
    let (body, content_type, ext) = match format {
        Format::ActionsCsv => (actions_csv(&s), "text/csv; charset=utf-8", "actions.csv"),
        Format::NotesCsv => (notes_csv(&s), "text/csv; charset=utf-8", "notes.csv"),
        Format::Markdown => (to_markdown(&s), "text/markdown; charset=utf-8", "md"),
        Format::Json => (
            serde_json::to_string_pretty(&s).map_err(|e| {
                ApiError::from(checkpoint_core::store::ServiceError::Internal(e.to_string())).into_response()
            })?,
            "application/json",
            "json",
        ),
        Format::Html => (to_html(&s), "text/html; charset=utf-8", "html"),
    };
    let mut res = body.into_response();
    let h = res.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    // HTML opens in the tab (to print); the others download under a useful name.
    let disposition = match format {
        Format::Html => format!("inline; filename=\"{}.{ext}\"", s.file_stem()),
        _ => format!("attachment; filename=\"{}.{ext}\"", s.file_stem()),
    };
    if let Ok(v) = HeaderValue::from_str(&disposition) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    // The page carries its own stylesheet and runs nothing.
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(
            "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'none'",
        ),
    );
    Ok(res)
}
