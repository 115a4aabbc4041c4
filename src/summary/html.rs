//! The summary as one standalone HTML page: no scripts, no external files, a
//! print stylesheet so "Save as PDF" from the browser gives a clean document.

use std::fmt::Write;

use super::markdown::status_line;
use super::{window_text, Summary};
use crate::dora::chart::{bands, level_colour, MARKER_COLOUR};
use crate::dora::Benchmark;

/// Escapes text for HTML content and attribute values.
pub fn esc(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

const STYLE: &str = "body{font:16px/1.5 system-ui,sans-serif;color:#1a1a1a;max-width:60rem;margin:2rem auto;padding:0 1rem;overflow-wrap:break-word}\
td,th,li,p{overflow-wrap:anywhere}\
h1{font-size:1.7rem;margin-bottom:.2rem}h2{font-size:1.25rem;margin-top:2rem;border-bottom:1px solid #ccc}\
table{border-collapse:collapse;width:100%;margin:.5rem 0}th,td{border:1px solid #bbb;padding:.35rem .5rem;text-align:left;vertical-align:top}\
th{background:#f1f3f6}.meta{color:#444}svg{max-width:100%;height:auto}\
@media print{body{margin:0;max-width:none;font-size:11pt}a{color:inherit}h2{break-after:avoid}table,tr,svg{break-inside:avoid}}";

/// The banded chart with a marker at `percentile`, as inline SVG with a title.
pub fn chart_svg(benchmark: Benchmark, percentile: u8, label: &str) -> String {
    let mut svg = format!(
        "<svg viewBox=\"0 0 400 60\" width=\"400\" height=\"60\" role=\"img\" aria-labelledby=\"chart-title\"><title id=\"chart-title\">{}</title>",
        esc(label)
    );
    for b in bands(benchmark) {
        let _ = write!(
            svg,
            "<rect x=\"{}\" y=\"10\" width=\"{}\" height=\"24\" fill=\"{}\"/><text x=\"{}\" y=\"50\" font-size=\"10\" text-anchor=\"middle\">{}</text>",
            u32::from(b.from) * 4,
            u32::from(b.to - b.from) * 4,
            level_colour(b.level),
            (u32::from(b.from) + u32::from(b.to)) * 2,
            b.level.label()
        );
    }
    let x = u32::from(percentile.min(100)) * 4;
    let _ = write!(
        svg,
        "<rect x=\"{}\" y=\"4\" width=\"4\" height=\"36\" fill=\"{MARKER_COLOUR}\"/></svg>",
        x.saturating_sub(2)
    );
    svg
}

pub fn to_html(s: &Summary) -> String {
    let c = &s.checkpoint;
    let title = format!("DevOps Checkpoint: {}, {}", c.squad_name, c.held_on);
    let mut h = format!(
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">\
         <title>{}</title><style>{STYLE}</style></head><body><main>\n<h1>{}</h1>\n<p class=\"meta\">{}</p>\n",
        esc(&title),
        esc(&title),
        esc(&status_line(s))
    );
    if let Some(f) = s.finalised.as_ref().filter(|f| !f.reason.is_empty()) {
        let _ = writeln!(h, "<p>Correction: {}</p>", esc(&f.reason));
    }
    if let Some(url) = &c.board_url {
        let _ = writeln!(h, "<p>External board: <a href=\"{}\">{}</a></p>", esc(url), esc(url));
    }

    h.push_str("<h2>Highlights</h2>\n");
    if s.highlights.is_empty() {
        h.push_str("<p>No highlights written.</p>\n");
    } else {
        for p in s.highlights.split("\n\n") {
            let _ = writeln!(h, "<p>{}</p>", esc(p).replace('\n', "<br>"));
        }
    }

    match super::performance::performance(s) {
        Some(p) => performance_html(&mut h, s, &p),
        None => maturity_html(&mut h, s),
    }

    h.push_str("<h2>Answers</h2>\n<table><thead><tr><th scope=\"col\">Question</th><th scope=\"col\">Locked answer</th><th scope=\"col\">Measured</th><th scope=\"col\">Votes</th></tr></thead><tbody>\n");
    for a in &s.answers {
        let line = super::answers::answer_line(s, a);
        let measured = match &line.measured {
            Some((label, why)) => format!(
                "{}<br><small>{}</small>",
                esc(label),
                esc(why.as_deref().unwrap_or_default())
            ),
            None => "—".to_string(),
        };
        let _ = writeln!(
            h,
            "<tr><th scope=\"row\">{}</th><td>{}</td><td>{measured}</td><td>{}</td></tr>",
            line.title,
            line.locked,
            esc(&line.votes)
        );
    }
    h.push_str("</tbody></table>\n");

    h.push_str("<h2>Focus capabilities</h2>\n");
    if s.focus.is_empty() {
        h.push_str("<p>No focus confirmed.</p>\n");
    } else {
        let [cap, score, recommended] = super::focus_headers(s.edition());
        let _ = writeln!(
            h,
            "<table><thead><tr><th scope=\"col\">{cap}</th><th scope=\"col\">{score}</th><th scope=\"col\">{recommended}</th></tr></thead><tbody>"
        );
        for f in &s.focus {
            let _ = writeln!(
                h,
                "<tr><td>{}</td><td>{}</td><td>{}</td></tr>",
                esc(&f.name),
                f.score_text(),
                if f.recommended { "Yes" } else { "No" }
            );
        }
        h.push_str("</tbody></table>\n");
    }

    h.push_str("<h2>Delivery flow</h2>\n");
    if s.flow.is_empty() {
        h.push_str("<p>No flow mapped.</p>\n");
    } else {
        h.push_str("<ol>");
        for step in &s.flow {
            let _ = write!(h, "<li><strong>{}</strong>", esc(&step.step));
            if !step.notes.is_empty() {
                h.push_str("<ul>");
                for n in &step.notes {
                    let _ = write!(h, "<li>{}: {}</li>", n.kind.label(), esc(&n.text));
                }
                h.push_str("</ul>");
            }
            h.push_str("</li>");
        }
        h.push_str("</ol>\n");
    }
    h.push_str("<h2>Top improvements</h2>\n");
    if s.improvements.is_empty() {
        h.push_str("<p>No improvements proposed.</p>\n");
    } else {
        h.push_str("<ol>");
        for imp in &s.improvements {
            let dots = imp
                .dots
                .map(|d| format!(" ({})", super::dots_text(d)))
                .unwrap_or_default();
            let _ = write!(h, "<li>{} ({}){dots}</li>", esc(&imp.text), esc(&imp.step));
        }
        h.push_str("</ol>\n");
    }
    h.push_str("<h2>Actions</h2>\n");
    if s.actions.is_empty() {
        h.push_str("<p>No actions agreed.</p>\n");
    } else {
        h.push_str("<table><thead><tr><th scope=\"col\">Action</th><th scope=\"col\">Owner</th><th scope=\"col\">Due</th><th scope=\"col\">Capability</th><th scope=\"col\">Status</th></tr></thead><tbody>\n");
        for a in &s.actions {
            let _ = writeln!(
                h,
                "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                esc(&a.title_text()),
                esc(&a.owner),
                esc(a.due.as_deref().unwrap_or("—")),
                esc(a.capability_name.as_deref().unwrap_or("—")),
                a.status.label()
            );
        }
        h.push_str("</tbody></table>\n");
    }

    h.push_str("<h2>Survey</h2>\n");
    let sv = &s.survey;
    match sv.mean_usefulness {
        None if sv.responses > 0 => {
            let _ = writeln!(h, "<p>{}</p>", super::survey_withheld_text(sv.responses));
        }
        None => h.push_str("<p>No responses.</p>\n"),
        Some(mean) => {
            let spread: Vec<String> = sv
                .usefulness
                .iter()
                .enumerate()
                .map(|(i, n)| format!("{}: {n}", i + 1))
                .collect();
            let _ = writeln!(
                h,
                "<p>{} responses. Usefulness {mean} of 5 on average ({}).</p>",
                sv.responses,
                spread.join(", ")
            );
            for (title, items) in [("What went well", &sv.went_well), ("What to improve", &sv.to_improve)] {
                let _ = writeln!(h, "<h3>{title}</h3>");
                if items.is_empty() {
                    h.push_str("<p>Nothing written.</p>\n");
                } else {
                    h.push_str("<ul>");
                    for item in items {
                        let _ = write!(h, "<li>{}</li>", esc(item));
                    }
                    h.push_str("</ul>\n");
                }
            }
        }
    }
    h.push_str("</main></body></html>\n");
    h
}

/// The legacy editions' level and percentile, voted and measured.
fn maturity_html(h: &mut String, s: &Summary) {
    h.push_str("<h2>Maturity</h2>\n");
    if let Some(v) = &s.voted {
        let benchmark = Benchmark::from_id(&s.checkpoint.benchmark).unwrap_or_default();
        let label = format!(
            "Voted: {}, percentile {} in the {} benchmark",
            v.level.label(),
            v.percentile,
            s.checkpoint.benchmark
        );
        let _ = writeln!(h, "{}", chart_svg(benchmark, v.percentile, &label));
    }
    h.push_str("<table><thead><tr><th scope=\"col\"></th><th scope=\"col\">Level</th><th scope=\"col\">Percentile</th></tr></thead><tbody>\n");
    match &s.voted {
        Some(v) => {
            let _ = writeln!(
                h,
                "<tr><th scope=\"row\">Voted</th><td>{}</td><td>{}</td></tr>",
                v.level.label(),
                v.percentile
            );
        }
        None => h.push_str("<tr><th scope=\"row\">Voted</th><td>Not all four answers locked</td><td>—</td></tr>\n"),
    }
    match &s.measured {
        Some(m) => {
            let (level, pct) = m
                .maturity
                .as_ref()
                .map_or(("Not enough data".to_string(), "—".to_string()), |mm| {
                    (mm.level.label().to_string(), mm.percentile.to_string())
                });
            let _ = writeln!(
                h,
                "<tr><th scope=\"row\">Measured ({})</th><td>{level}</td><td>{pct}</td></tr>",
                esc(&window_text(m))
            );
        }
        None => h.push_str("<tr><th scope=\"row\">Measured</th><td>No deployments sent</td><td>—</td></tr>\n"),
    }
    h.push_str("</tbody></table>\n");
}

/// A current edition's scores, voted beside measured beside the benchmarks.
fn performance_html(h: &mut String, s: &Summary, p: &super::performance::Performance) {
    let _ = writeln!(h, "<h2>Performance (DORA {} edition)</h2>", p.edition.id());
    if let Some(note) = super::performance::missing_text(s) {
        let _ = writeln!(h, "<p>{}</p>", esc(note));
    }
    let measured = match &s.measured {
        Some(m) => format!("Measured ({})", window_text(m)),
        None => "Measured (no deployments sent)".to_string(),
    };
    let industry = p
        .industry
        .map_or_else(|| "Industry".to_string(), |n| format!("{n} (mean ± sd)"));
    let _ = write!(
        h,
        "<table><thead><tr><th scope=\"col\">0 to 10</th><th scope=\"col\">Voted</th><th scope=\"col\">{}</th><th scope=\"col\">{}</th>",
        esc(&measured),
        esc(&industry)
    );
    if let Some(o) = p.org_size {
        let _ = write!(h, "<th scope=\"col\">{} (mean ± sd)</th>", esc(o));
    }
    h.push_str("</tr></thead><tbody>\n");
    for r in &p.rows {
        let _ = write!(
            h,
            "<tr><th scope=\"row\">{}</th><td>{}</td><td>{}</td><td>{}</td>",
            esc(r.label),
            esc(&r.voted),
            esc(&r.measured),
            esc(&r.industry)
        );
        if let Some(o) = &r.org_size {
            let _ = write!(h, "<td>{}</td>", esc(o));
        }
        h.push_str("</tr>\n");
    }
    h.push_str("</tbody></table>\n");
}
