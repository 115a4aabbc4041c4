//! The CSV upload page. The form posts the file to `POST
//! /squads/{slug}/import` (a plain multipart post, with or without
//! JavaScript), which redirects back here with the outcome in the address.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

/// One reported error, as the server puts it in the address: `row\tcolumn\tmessage`.
fn describe(raw: &str) -> String {
    let mut parts = raw.splitn(3, '\t');
    match (parts.next(), parts.next(), parts.next()) {
        (Some("0"), _, Some(m)) => m.to_string(),
        (Some(r), Some(""), Some(m)) => format!("Row {r}: {m}"),
        (Some(r), Some(c), Some(m)) => format!("Row {r}, column {c}: {m}"),
        _ => raw.to_string(),
    }
}

#[component]
pub fn ImportPage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let slug = move || params.with(|p| p.get("slug")).unwrap_or_default();
    let q = move |k: &str| query.with(|q| q.get(k));
    let errors = move || query.with(|q| q.get_all("e")).unwrap_or_default();
    view! {
        <Title text="Import events"/>
        <p class="breadcrumb"><a href="/squads">"Squads"</a>" / "<a href=move || format!("/squads/{}", slug())>{slug}</a></p>
        <h1>"Import deployments or incidents"</h1>
        {move || q("imported").map(|n| view! {
            <p class="notice notice-ok" role="status">
                {format!("Imported {n} {}: {} new, {} updated. ", q("kind").unwrap_or_default(), q("created").unwrap_or_default(), q("updated").unwrap_or_default())}
                <a href=format!("/squads/{}/metrics", slug())>"See the metrics"</a>
            </p>
        })}
        {move || q("failed").map(|total| view! {
            <div class="notice notice-error" role="alert">
                <p>{format!("Nothing was imported: the file has {total} error(s). Fix them and upload it again.")}</p>
                <ul class="import-errors">{errors().iter().map(|e| view! { <li>{describe(e)}</li> }).collect_view()}</ul>
                {let shown = errors().len(); (total.parse::<usize>().unwrap_or(0) > shown).then(|| view! { <p>{format!("The first {shown} are listed.")}</p> })}
            </div>
        })}
        <section class="card">
            <form method="post" enctype="multipart/form-data" action=move || format!("/squads/{}/import", slug()) class="form" aria-label="Upload a CSV file">
                <label for="csv-file">"CSV file"</label>
                <input id="csv-file" name="file" type="file" accept=".csv,text/csv" required/>
                <button type="submit" class="button primary">"Import"</button>
            </form>
            <h2>"Columns"</h2>
            <p>"The first row names the columns (any order, any case). A file is all or nothing: if any row is wrong, nothing is stored and every error is listed by row and column. Re-importing an id updates that event."</p>
            <dl class="columns">
                <dt>"Deployments"</dt>
                <dd><code>"id, service, environment, status, started_at, finished_at, commits"</code>": "<code>"status"</code>" is success or failure; times are RFC 3339 ("<code>"2026-11-22T09:30:00Z"</code>"); "<code>"environment"</code>" defaults to production; "<code>"commits"</code>" lists "<code>"sha@committed_at"</code>" separated by spaces."</dd>
                <dt>"Incidents"</dt>
                <dd><code>"id, service, title, opened_at, started_at, resolved_at, deployment_id, commit_sha"</code>": leave "<code>"resolved_at"</code>" empty while the incident is open."</dd>
            </dl>
        </section>
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn errors_read_as_row_and_column() {
        assert_eq!(
            super::describe("3\tstatus\tstatus must be \"success\" or \"failure\""),
            "Row 3, column status: status must be \"success\" or \"failure\""
        );
        assert_eq!(
            super::describe("0\t\tthe file has a header row but no events"),
            "the file has a header row but no events"
        );
        assert_eq!(super::describe("4\t\tunreadable row"), "Row 4: unreadable row");
    }
}
