//! A current-edition checkpoint's figures on its summary (2024, 2025): the
//! 0–10 scores, voted beside measured beside the squad's benchmark. The rows
//! are the core's, the same the Markdown and HTML exports print.

use checkpoint_core::summary::performance::{missing_text, Performance};
use checkpoint_core::summary::{window_text, Summary};
use leptos::prelude::*;

#[component]
pub fn SummaryPerformance(summary: Summary, performance: Performance) -> impl IntoView {
    let Performance {
        edition,
        industry,
        org_size,
        rows,
    } = performance;
    let measured = summary.measured.as_ref().map_or_else(
        || "Measured (no deployments sent)".to_string(),
        |m| format!("Measured ({})", window_text(m)),
    );
    let industry_header = industry.map_or_else(|| "Industry".to_string(), |n| format!("{n} (mean ± sd)"));
    let org_header = org_size.map(|o| format!("{o} (mean ± sd)"));
    let (measured_label, industry_label, org_label) = (
        measured.clone(),
        industry_header.clone(),
        org_header.clone().unwrap_or_default(),
    );
    view! {
        <section aria-labelledby="summary-performance">
            <h2 id="summary-performance">{format!("Performance (DORA {} edition)", edition.id())}</h2>
            {missing_text(&summary).map(|t| view! { <p class="muted" data-testid="summary-score-missing">{t}</p> })}
            <div class="table-scroll">
            <table class="data-table reflow" data-testid="summary-performance">
                <caption>"Scores from 0 to 10, 10 best, beside the benchmark's mean ± standard deviation"</caption>
                <thead><tr>
                    <th scope="col">"Metric"</th><th scope="col">"Voted"</th><th scope="col">{measured}</th>
                    <th scope="col">{industry_header}</th>
                    {org_header.map(|o| view! { <th scope="col">{o}</th> })}
                </tr></thead>
                <tbody>
                    {rows.into_iter().map(|r| view! {
                        <tr>
                            <th scope="row">{r.label}</th>
                            <td data-label="Voted">{r.voted}</td>
                            <td data-label=measured_label.clone()>{r.measured}</td>
                            <td data-label=industry_label.clone()>{r.industry}</td>
                            {r.org_size.map(|o| view! { <td data-label=org_label.clone()>{o}</td> })}
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
            </div>
        </section>
    }
}
