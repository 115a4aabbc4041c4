//! The summary as Markdown that pastes cleanly into a GitHub wiki or
//! Confluence: headings, pipe tables and lists only, with every value from a
//! person escaped so it reads as the text they typed.

use std::fmt::Write;

use super::{window_text, Summary};
use crate::dora::Question;
use crate::measured::report::{answer_label as measured_label, explain};

/// Text that reads literally inside a table cell or a list item.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\\' | '`' | '*' | '_' | '[' | ']' | '|' | '#' | '~' => {
                out.push('\\');
                out.push(c);
            }
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '\n' | '\r' => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// The header line under the title: who, what benchmark, which revision.
pub fn status_line(s: &Summary) -> String {
    let mut parts = vec![
        format!("Tribe: {}", s.checkpoint.tribe),
        format!("Facilitator: {}", s.checkpoint.facilitator),
        // Legacy exports read as they always have.
        match s.edition().current() {
            Some(_) => format!("DORA edition: {}", s.checkpoint.benchmark),
            None => format!("Benchmark: {}", s.checkpoint.benchmark),
        },
        format!("Participants: {}", s.participants),
    ];
    parts.push(match (&s.revision, &s.finalised) {
        (Some(n), Some(f)) => format!("Revision {n}, finalised {} by {}", f.at, f.by),
        _ => "Draft (not finalised)".to_string(),
    });
    parts.join(" · ")
}

pub fn to_markdown(s: &Summary) -> String {
    let mut md = String::new();
    let c = &s.checkpoint;
    let _ = writeln!(md, "# DevOps Checkpoint: {}, {}\n", escape(&c.squad_name), c.held_on);
    let _ = writeln!(md, "{}\n", escape(&status_line(s)));
    if let Some(f) = s.finalised.as_ref().filter(|f| !f.reason.is_empty()) {
        let _ = writeln!(md, "Correction: {}\n", escape(&f.reason));
    }
    if let Some(url) = &c.board_url {
        let _ = writeln!(md, "External board: <{}>\n", url.replace('>', "%3E"));
    }

    md.push_str("## Highlights\n\n");
    if s.highlights.is_empty() {
        md.push_str("No highlights written.\n\n");
    } else {
        for paragraph in s.highlights.split("\n\n") {
            let _ = writeln!(md, "{}\n", escape(paragraph));
        }
    }

    if let Some(p) = super::performance::performance(s) {
        performance_md(&mut md, s, &p);
    } else {
        maturity_md(&mut md, s);
    }

    md.push_str("## Answers\n\n| Question | Locked answer | Measured | Votes |\n|---|---|---|---|\n");
    for a in &s.answers {
        let line = super::answers::answer_line(s, a);
        let _ = writeln!(
            md,
            "| {} | {} | {} | {} |",
            line.title,
            line.locked,
            line.measured.map_or_else(|| "—".to_string(), |(label, _)| label),
            line.votes
        );
    }
    md.push('\n');

    if let Some(m) = &s.measured {
        let _ = writeln!(md, "## Measured metrics ({})\n", window_text(m));
        if s.edition().current().is_some() {
            for a in &s.answers {
                let line = super::answers::answer_line(s, a);
                let (label, why) = line.measured.unwrap_or_default();
                let why = why.map(|w| format!(" {w}")).unwrap_or_default();
                let _ = writeln!(md, "- **{}**: {label}.{why}", line.title);
            }
        }
        for q in Question::ALL.into_iter().filter(|_| s.edition().legacy().is_some()) {
            let _ = writeln!(
                md,
                "- **{}**: {}. {}",
                q.title(),
                measured_label(q, s.answer(q).and_then(|a| a.measured.as_deref())),
                explain(m, q)
            );
        }
        md.push('\n');
    }

    md.push_str("## Focus capabilities\n\n");
    if s.focus.is_empty() {
        md.push_str("No focus confirmed.\n\n");
    } else {
        let [cap, score, recommended] = super::focus_headers(s.edition());
        let _ = writeln!(md, "| {cap} | {score} | {recommended} |\n|---|---|---|");
        for f in &s.focus {
            let _ = writeln!(
                md,
                "| {} | {} | {} |",
                escape(&f.name),
                f.score_text(),
                if f.recommended { "Yes" } else { "No" }
            );
        }
        md.push('\n');
    }

    md.push_str("## Delivery flow\n\n");
    if s.flow.is_empty() {
        md.push_str("No flow mapped.\n\n");
    } else {
        for (i, step) in s.flow.iter().enumerate() {
            let _ = writeln!(md, "{}. **{}**", i + 1, escape(&step.step));
            for n in &step.notes {
                let _ = writeln!(md, "    - {}: {}", n.kind.label(), escape(&n.text));
            }
        }
        md.push('\n');
    }

    md.push_str("## Top improvements\n\n");
    if s.improvements.is_empty() {
        md.push_str("No improvements proposed.\n\n");
    } else {
        for (i, imp) in s.improvements.iter().enumerate() {
            let dots = imp
                .dots
                .map(|d| format!(" ({})", super::dots_text(d)))
                .unwrap_or_default();
            let _ = writeln!(md, "{}. {} ({}){dots}", i + 1, escape(&imp.text), escape(&imp.step));
        }
        md.push('\n');
    }

    md.push_str("## Actions\n\n");
    if s.actions.is_empty() {
        md.push_str("No actions agreed.\n\n");
    } else {
        md.push_str("| Action | Owner | Due | Capability | Status |\n|---|---|---|---|---|\n");
        for a in &s.actions {
            let _ = writeln!(
                md,
                "| {} | {} | {} | {} | {} |",
                escape(&a.title_text()),
                escape(&a.owner),
                a.due.as_deref().unwrap_or("—"),
                a.capability_name.as_deref().map_or_else(|| "—".to_string(), escape),
                a.status.label()
            );
        }
        md.push('\n');
    }

    md.push_str("## Survey\n\n");
    let sv = &s.survey;
    match sv.mean_usefulness {
        None if sv.responses > 0 => {
            let _ = writeln!(md, "{}", super::survey_withheld_text(sv.responses));
        }
        None => md.push_str("No responses.\n"),
        Some(mean) => {
            let spread: Vec<String> = sv
                .usefulness
                .iter()
                .enumerate()
                .map(|(i, n)| format!("{}: {n}", i + 1))
                .collect();
            let _ = writeln!(
                md,
                "{} responses. Usefulness {mean} of 5 on average ({}).\n",
                sv.responses,
                spread.join(", ")
            );
            for (title, items) in [("What went well", &sv.went_well), ("What to improve", &sv.to_improve)] {
                let _ = writeln!(md, "### {title}\n");
                if items.is_empty() {
                    md.push_str("Nothing written.\n\n");
                } else {
                    for item in items {
                        let _ = writeln!(md, "- {}", escape(item));
                    }
                    md.push('\n');
                }
            }
        }
    }
    while md.ends_with("\n\n") {
        md.pop();
    }
    md
}

/// The legacy editions' level and percentile, voted and measured.
fn maturity_md(md: &mut String, s: &Summary) {
    md.push_str("## Maturity\n\n| | Level | Percentile |\n|---|---|---|\n");
    match &s.voted {
        Some(v) => {
            let _ = writeln!(md, "| Voted | {} | {} |", v.level.label(), v.percentile);
        }
        None => md.push_str("| Voted | Not all four answers locked | — |\n"),
    }
    match s.measured.as_ref().map(|m| (m, &m.maturity)) {
        Some((m, Some(mm))) => {
            let _ = writeln!(
                md,
                "| Measured ({}) | {} | {} |",
                window_text(m),
                mm.level.label(),
                mm.percentile
            );
        }
        Some((m, None)) => {
            let _ = writeln!(md, "| Measured ({}) | Not enough data | — |", window_text(m));
        }
        None => md.push_str("| Measured | No deployments sent | — |\n"),
    }
    md.push('\n');
}

/// A current edition's scores, voted beside measured beside the benchmarks.
fn performance_md(md: &mut String, s: &Summary, p: &super::performance::Performance) {
    let _ = writeln!(md, "## Performance (DORA {} edition)\n", p.edition.id());
    if let Some(note) = super::performance::missing_text(s) {
        let _ = writeln!(md, "{note}\n");
    }
    let measured = match &s.measured {
        Some(m) => format!("Measured ({})", window_text(m)),
        None => "Measured (no deployments sent)".to_string(),
    };
    let industry = p
        .industry
        .map_or_else(|| "Industry".to_string(), |n| format!("{n} (mean ± sd)"));
    match p.org_size {
        Some(o) => {
            let _ = writeln!(
                md,
                "| 0 to 10 | Voted | {measured} | {industry} | {o} (mean ± sd) |\n|---|---|---|---|---|"
            );
        }
        None => {
            let _ = writeln!(md, "| 0 to 10 | Voted | {measured} | {industry} |\n|---|---|---|---|");
        }
    }
    for r in &p.rows {
        let org = r.org_size.as_ref().map(|o| format!(" {o} |")).unwrap_or_default();
        let _ = writeln!(
            md,
            "| {} | {} | {} | {} |{org}",
            r.label, r.voted, r.measured, r.industry
        );
    }
    md.push('\n');
}
