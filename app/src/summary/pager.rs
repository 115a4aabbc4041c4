//! Previous and Next between pages of the history and of a trend: plain
//! links, so they work without JavaScript, that keep the page's filters.

use checkpoint_core::summary::history::Paged;
use leptos::prelude::*;

/// Percent-encodes everything but unreserved characters (RFC 3986).
fn encode(v: &str) -> String {
    v.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// `path?k=v&…&page=n`: the filters that have a value, in the order given, then the page.
pub fn page_href(path: &str, filters: &[(&'static str, Option<String>)], page: u32) -> String {
    let mut params: Vec<String> = filters
        .iter()
        .filter_map(|(k, v)| {
            v.as_deref()
                .filter(|v| !v.is_empty())
                .map(|v| format!("{k}={}", encode(v)))
        })
        .collect();
    params.push(format!("page={page}"));
    format!("{path}?{}", params.join("&"))
}

/// "Page 2 of 3 · 120 checkpoints", with links either side.
#[component]
pub fn Pager(
    paged: Paged,
    path: String,
    filters: Vec<(&'static str, Option<String>)>,
    label: &'static str,
) -> impl IntoView {
    let Paged { page, pages, total } = paged;
    let noun = if total == 1 { "checkpoint" } else { "checkpoints" };
    let prev = (page > 1).then(|| page_href(&path, &filters, page - 1));
    let next = (page < pages).then(|| page_href(&path, &filters, page + 1));
    view! {
        <nav class="pager" aria-label=label>
            {match prev {
                Some(href) => view! { <a class="button small" rel="prev" href=href>"← Previous"</a> }.into_any(),
                None => view! { <span class="button small disabled" aria-disabled="true">"← Previous"</span> }.into_any(),
            }}
            <span class="pager-position" data-testid="pager-position">{format!("Page {page} of {pages} · {total} {noun}")}</span>
            {match next {
                Some(href) => view! { <a class="button small" rel="next" href=href>"Next →"</a> }.into_any(),
                None => view! { <span class="button small disabled" aria-disabled="true">"Next →"</span> }.into_any(),
            }}
        </nav>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_keep_the_filters_that_have_a_value_and_encode_them() {
        let filters = [
            ("tribe", Some("Money & Co".to_string())),
            ("squad", None),
            ("from", Some(String::new())),
            ("level", Some("high".to_string())),
        ];
        assert_eq!(
            page_href("/history", &filters, 2),
            "/history?tribe=Money%20%26%20Co&level=high&page=2"
        );
        assert_eq!(page_href("/squads/a/trend", &[], 3), "/squads/a/trend?page=3");
    }
}
