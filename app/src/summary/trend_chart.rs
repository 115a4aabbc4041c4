//! A squad's results over its checkpoints, one chart per scale: the legacy
//! editions' percentile and the current editions' 0–10 score are never joined
//! by one line, and every point says which edition it is from.

use checkpoint_core::summary::history::TrendPoint;
use leptos::prelude::*;

/// The two scales a checkpoint's result can be on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scale {
    /// 2019, 2021, 2022: percentile 0 to 100.
    Percentile,
    /// 2024, 2025: overall score 0 to 10.
    Score,
}

impl Scale {
    fn title(self) -> &'static str {
        match self {
            Scale::Percentile => "Percentile (editions 2019 to 2022)",
            Scale::Score => "Score from 0 to 10 (editions 2024 and 2025)",
        }
    }

    fn top(self) -> f64 {
        match self {
            Scale::Percentile => 100.0,
            Scale::Score => 10.0,
        }
    }

    /// The voted and the measured value of a point on this scale.
    pub fn values(self, p: &TrendPoint) -> (Option<f64>, Option<f64>) {
        match self {
            Scale::Percentile => (
                p.row.voted.map(|m| f64::from(m.percentile)),
                p.row.measured.map(|m| f64::from(m.percentile)),
            ),
            Scale::Score => (p.row.voted_score, p.row.measured_score),
        }
    }

    fn text(self, v: Option<f64>) -> String {
        match (self, v) {
            (_, None) => "none".to_string(),
            (Scale::Percentile, Some(v)) => format!("{v:.0}"),
            (Scale::Score, Some(v)) => format!("{v:.1}"),
        }
    }
}

/// Each point's date, numbered when several checkpoints share a day
/// ("2026-10-01 (1)", "2026-10-01 (2)"), so that no two points read alike.
fn day_labels(points: &[TrendPoint]) -> Vec<String> {
    points
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let day = &p.row.held_on;
            let same: Vec<usize> = (0..points.len()).filter(|j| points[*j].row.held_on == *day).collect();
            match same.iter().position(|j| *j == i) {
                Some(k) if same.len() > 1 => format!("{day} ({})", k + 1),
                _ => day.clone(),
            }
        })
        .collect()
}

/// Voted and measured on one scale, as two lines over the checkpoints that
/// have a result on it (the others are left out of this chart).
#[component]
pub fn TrendChart(points: Vec<TrendPoint>, scale: Scale) -> impl IntoView {
    let points: Vec<TrendPoint> = points
        .into_iter()
        .filter(|p| {
            let (v, m) = scale.values(p);
            v.is_some() || m.is_some()
        })
        .collect();
    let n = points.len().max(2) - 1;
    let x = move |i: usize| 40.0 + 520.0 * i as f64 / n as f64;
    let y = move |v: f64| 170.0 - 150.0 * v / scale.top();
    // `measured` picks the second of a point's two values.
    let line = |measured: bool| {
        points
            .iter()
            .enumerate()
            .filter_map(|(i, p)| {
                let (v, m) = scale.values(p);
                (if measured { m } else { v }).map(|v| format!("{:.1},{:.1}", x(i), y(v)))
            })
            .collect::<Vec<_>>()
            .join(" ")
    };
    let voted = line(false);
    let measured = line(true);
    let labels = day_labels(&points);
    // A mark on every result: a line needs two points, and a squad's first
    // checkpoint on a scale has one.
    let marks: Vec<(f64, Option<f64>, Option<f64>, String)> = points
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let (v, m) = scale.values(p);
            (x(i), v, m, format!("{} ({})", labels[i], p.row.edition.id()))
        })
        .collect();
    let description = points
        .iter()
        .zip(&labels)
        .map(|(p, label)| {
            let (v, m) = scale.values(p);
            format!(
                "{} ({}): voted {}, measured {}",
                label,
                p.row.edition.id(),
                scale.text(v),
                scale.text(m)
            )
        })
        .collect::<Vec<_>>()
        .join("; ");
    let ticks: Vec<f64> = (0..=4).map(|i| scale.top() * f64::from(i) / 4.0).collect();
    let testid = match scale {
        Scale::Percentile => "trend-chart-percentile",
        Scale::Score => "trend-chart-score",
    };
    view! {
        <figure class="trend-chart" data-testid=testid>
            <svg viewBox="0 0 600 214" role="img" aria-label=format!("{} by checkpoint. {description}", scale.title())>
                {ticks.into_iter().map(|t| view! {
                    <line x1="40" x2="560" y1=y(t) y2=y(t) class="grid"/>
                    <text x="34" y=y(t) + 4.0 text-anchor="end" class="axis">{scale.text(Some(t))}</text>
                }).collect_view()}
                <polyline points=voted class="trend-voted" fill="none"/>
                <polyline points=measured class="trend-measured" fill="none"/>
                {marks.into_iter().map(|(cx, v, m, label)| view! {
                    {v.map(|v| view! {
                        <circle cx=cx cy=y(v) r="5" class="trend-voted-mark" data-testid="trend-voted-point"><title>{format!("{label}: voted {}", scale.text(Some(v)))}</title></circle>
                    })}
                    {m.map(|m| view! {
                        <rect x=cx - 4.5 y=y(m) - 4.5 width="9" height="9" class="trend-measured-mark" data-testid="trend-measured-point"><title>{format!("{label}: measured {}", scale.text(Some(m)))}</title></rect>
                    })}
                }).collect_view()}
                {points.iter().zip(labels).enumerate().map(|(i, (p, label))| view! {
                    <text x=x(i) y="192" text-anchor="middle" class="axis">{label}</text>
                    <text x=x(i) y="206" text-anchor="middle" class="axis">{p.row.edition.id()}</text>
                }).collect_view()}
            </svg>
            <figcaption>{scale.title()}": "<span class="key key-voted">"Voted"</span>" "<span class="key key-measured">"Measured"</span></figcaption>
        </figure>
    }
}
