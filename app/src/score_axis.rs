//! One metric of a current edition on its 0–10 axis: the benchmark's mean ± sd
//! as a band, its mean as a mark, the squad's score as a marker with its value.
//! SVG drawn with attributes and classes only (the CSP allows no inline style),
//! with a text alternative.

use checkpoint_core::dora::current::{MeanSd, Metric};
use leptos::prelude::*;

const LEFT: i64 = 16;
const WIDTH: i64 = 368;

/// `x` with up to two decimals and at least one, as the result shows scores
/// and benchmarks: 8.1, 6.72, 10.0. Integer formatting keeps float formatting
/// out of the wasm.
pub fn decimal(x: f64) -> String {
    let hundredths = (x * 100.0).round() as i64;
    let (sign, h) = if hundredths < 0 {
        ("-", -hundredths)
    } else {
        ("", hundredths)
    };
    if h % 10 == 0 {
        format!("{sign}{}.{}", h / 100, (h % 100) / 10)
    } else {
        format!("{sign}{}.{:02}", h / 100, h % 100)
    }
}

/// The x coordinate of a 0–10 value, clamped to the axis.
fn x_of(v: f64) -> i64 {
    let hundredths = ((v * 100.0).round() as i64).clamp(0, 1000);
    LEFT + hundredths * WIDTH / 1000
}

/// The two ends of a metric's axis in the question's own terms: 0, then 10.
pub fn axis_ends(metric: Metric) -> (&'static str, &'static str) {
    match metric.categorical() {
        Some(q) => (q.answer_with_code(1).label(), q.answer_with_code(6).label()),
        None if metric == Metric::ReworkRate => ("100 % of deployments are rework", "No rework"),
        None => ("100 % of changes fail", "No change fails"),
    }
}

#[component]
pub fn ScoreAxis(
    metric: Metric,
    score: f64,
    benchmark: MeanSd,
    benchmark_name: &'static str,
    /// The squad's answer, as it was given.
    answer: String,
) -> impl IntoView {
    let (worst, best) = axis_ends(metric);
    let id = metric.id();
    let label = format!(
        "{}: your squad {} of 10 ({answer}). {benchmark_name}: mean {}, ± {} ({} to {}). 0 is “{worst}”, 10 is “{best}”.",
        metric.title(),
        decimal(score),
        decimal(benchmark.mean),
        decimal(benchmark.sd),
        decimal((benchmark.mean - benchmark.sd).max(0.0)),
        decimal((benchmark.mean + benchmark.sd).min(10.0)),
    );
    let (band_from, band_to) = (x_of(benchmark.mean - benchmark.sd), x_of(benchmark.mean + benchmark.sd));
    let mean_x = x_of(benchmark.mean);
    let squad_x = x_of(score);
    let anchor = if squad_x > LEFT + WIDTH - 24 {
        "end"
    } else if squad_x < LEFT + 24 {
        "start"
    } else {
        "middle"
    };
    view! {
        <figure class="score-axis" data-metric=id>
            <figcaption class="score-axis-head">
                <span class="score-axis-title">{metric.title()}</span>
                <span class="score-axis-value"><span data-testid=format!("score-{id}")>{decimal(score)}</span>" · "{answer.clone()}</span>
            </figcaption>
            <svg viewBox="0 0 400 66" class="score-axis-svg" role="img" aria-label=label>
                <rect x=band_from y="26" width=band_to - band_from height="20" rx="3" class="axis-band"/>
                <line x1=LEFT y1="36" x2=LEFT + WIDTH y2="36" class="axis-line"/>
                {[0i64, 5, 10].map(|t| {
                    let x = LEFT + t * WIDTH / 10;
                    view! {
                        <line x1=x y1="44" x2=x y2="50" class="axis-tick"/>
                        <text x=x y="63" text-anchor="middle" class="axis-tick-label">{t.to_string()}</text>
                    }
                }).collect_view()}
                <line x1=mean_x y1="22" x2=mean_x y2="50" class="axis-mean"/>
                <circle cx=squad_x cy="36" r="7" class="axis-squad"/>
                <text x=squad_x y="15" text-anchor=anchor class="axis-squad-label">{decimal(score)}</text>
            </svg>
            <p class="axis-ends small muted" aria-hidden="true"><span>{format!("0 · {worst}")}</span><span>{format!("{best} · 10")}</span></p>
        </figure>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimals_keep_one_and_show_a_second_only_when_there_is_one() {
        assert_eq!(decimal(8.1), "8.1");
        assert_eq!(decimal(10.0), "10.0");
        assert_eq!(decimal(6.72), "6.72");
        assert_eq!(decimal(0.0), "0.0");
        assert_eq!(decimal(5.32), "5.32");
    }

    #[test]
    fn values_outside_the_axis_stay_on_it() {
        assert_eq!(x_of(-1.3), LEFT);
        assert_eq!(x_of(0.0), LEFT);
        assert_eq!(x_of(10.0), LEFT + WIDTH);
        assert_eq!(x_of(12.4), LEFT + WIDTH);
        assert_eq!(x_of(5.0), LEFT + WIDTH / 2);
    }

    #[test]
    fn axis_ends_speak_the_question_s_terms() {
        assert_eq!(
            axis_ends(Metric::LeadTime).1,
            checkpoint_core::dora::Question::LeadTime.answer_with_code(6).label()
        );
        assert_eq!(axis_ends(Metric::ChangeFailureRate).0, "100 % of changes fail");
    }
}
