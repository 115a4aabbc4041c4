//! The banded performance chart and the per-metric view, as SVG with text alternatives.

use checkpoint_core::dora::baselines::Industry;
use checkpoint_core::dora::capabilities::CapabilityKey;
use checkpoint_core::dora::catalog;
use checkpoint_core::dora::chart::{bands, level_colour, MetricView, MARKER_COLOUR};
use checkpoint_core::dora::{Benchmark, Level};
use leptos::prelude::*;

fn label_colour(level: Level) -> &'static str {
    match level {
        Level::Low | Level::Elite => "#ffffff",
        Level::Medium | Level::High => "#1b1b1f",
    }
}

/// One bar from 0 to 100 %, split into the benchmark's level bands, with a
/// marker at the squad's percentile.
#[component]
pub fn PerformanceChart(benchmark: Benchmark, percentile: u8, level: Level) -> impl IntoView {
    let bands = bands(benchmark);
    let summary =
        format!(
        "Performance chart, {} benchmark. Bands: {}. Your squad is at the {percentile}th percentile, in the {} band.",
        benchmark.id(),
        bands.iter().map(|b| format!("{} {}–{} %", b.level.label(), b.from, b.to)).collect::<Vec<_>>().join(", "),
        level.label()
    );
    // Integer coordinates: no float formatting is linked into the wasm.
    let x = u32::from(percentile) * 10;
    let marker_anchor = if percentile > 85 {
        "end"
    } else if percentile < 15 {
        "start"
    } else {
        "middle"
    };
    view! {
        <figure class="perf-chart">
            <svg viewBox="0 -12 1000 142" role="img" aria-labelledby="perf-chart-title perf-chart-desc" class="chart-svg">
                <title id="perf-chart-title">"Where your squad sits among respondents"</title>
                <desc id="perf-chart-desc">{summary.clone()}</desc>
                {bands.into_iter().map(|b| {
                    let from = u32::from(b.from) * 10;
                    let width = u32::from(b.to - b.from) * 10;
                    view! {
                        <rect x=from y="40" width=width height="50" fill=level_colour(b.level)/>
                        <text x=from + width / 2 y="71" text-anchor="middle" fill=label_colour(b.level) font-size="22" font-weight="600">
                            {b.level.label()}
                        </text>
                        <text x=from + 2 y="118" font-size="18" fill="currentColor">{format!("{} %", b.from)}</text>
                    }
                }).collect_view()}
                <text x="998" y="118" font-size="18" text-anchor="end" fill="currentColor">"100 %"</text>
                <line x1=x y1="30" x2=x y2="96" stroke=MARKER_COLOUR stroke-width="6"/>
                <polygon points=format!("{},30 {},14 {},14", x, x.saturating_sub(12), x + 12) fill=MARKER_COLOUR/>
                <text x=x y="11" text-anchor=marker_anchor font-size="18" font-weight="700" fill="currentColor">
                    {format!("Your squad: {percentile} %")}
                </text>
            </svg>
            <figcaption class="muted small">{summary}</figcaption>
        </figure>
    }
}

/// Each answer on a 0–100 scale beside the industry's baseline.
#[component]
pub fn PerMetricView(rows: [MetricView; 4], industry: Industry) -> impl IntoView {
    view! {
        <table class="metric-table reflow">
            <caption>{format!("Each answer on a 0–100 scale, beside the {} baseline (2019)", industry.label())}</caption>
            <thead>
                <tr><th scope="col">"Metric"</th><th scope="col">"Your answer"</th><th scope="col">"Score"</th><th scope="col">"Baseline"</th><th scope="col"><span class="visually-hidden">"Comparison"</span></th></tr>
            </thead>
            <tbody>
                {rows.into_iter().map(|r| view! {
                    <tr>
                        <th scope="row">{r.question.title()}</th>
                        <td data-label="Your answer">{r.answer_label}</td>
                        <td class="num" data-label="Score">{r.value}</td>
                        <td class="num" data-label="Baseline">{r.baseline}</td>
                        <td class="bars-cell">
                            <svg viewBox="0 0 100 20" class="metric-bars" aria-hidden="true">
                                <rect x="0" y="2" width=r.value height="7" class="bar-squad"/>
                                <rect x="0" y="11" width=r.baseline height="7" class="bar-baseline"/>
                            </svg>
                        </td>
                    </tr>
                }).collect_view()}
            </tbody>
        </table>
        <p class="legend small"><span class="swatch bar-squad-swatch" aria-hidden="true"></span>"Your squad "<span class="swatch bar-baseline-swatch" aria-hidden="true"></span>"Industry baseline"</p>
    }
}

/// The three capabilities recommended for a level, each with its description and dora.dev link.
#[component]
pub fn RecommendedCapabilities(level: Level) -> impl IntoView {
    view! {
        <h3>"Capabilities to work on next"</h3>
        <p class="muted small">{format!("Recommended for {} performers.", level.label())}</p>
        <ul class="capabilities">
            {CapabilityKey::recommended_for(level).iter().copied().map(|key| {
                let entry = catalog::find(key.catalog_key()).expect("recommended capabilities are in the catalog");
                view! {
                    <li class="capability" data-key=key.id()>
                        <h4>{entry.name}</h4>
                        <p>{entry.description}</p>
                        <a href=entry.url rel="noopener" target="_blank">{format!("Read about {} on dora.dev", entry.name.to_lowercase())}<span class="visually-hidden">" (opens in a new tab)"</span></a>
                    </li>
                }
            }).collect_view()}
        </ul>
    }
}
