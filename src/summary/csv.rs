//! CSV of a summary's actions and of its board notes, for spreadsheets and
//! trackers. RFC 4180 quoting; a cell that a spreadsheet would run as a
//! formula (starting with = + - @) gets a leading apostrophe.

use super::Summary;

fn cell(value: &str) -> String {
    let guarded = if value.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{value}")
    } else {
        value.to_string()
    };
    if guarded.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", guarded.replace('"', "\"\""))
    } else {
        guarded
    }
}

fn rows(header: &[&str], body: impl Iterator<Item = Vec<String>>) -> String {
    let mut out = header.join(",");
    out.push_str("\r\n");
    for row in body {
        out.push_str(&row.iter().map(|v| cell(v)).collect::<Vec<_>>().join(","));
        out.push_str("\r\n");
    }
    out
}

/// One row per action.
pub fn actions_csv(s: &Summary) -> String {
    rows(
        &["title", "owner", "due", "capability", "status"],
        s.actions.iter().map(|a| {
            vec![
                a.title.clone(),
                a.owner.clone(),
                a.due.clone().unwrap_or_default(),
                a.capability_name.clone().unwrap_or_default(),
                a.status.id().to_string(),
            ]
        }),
    )
}

/// One row per note, in flow order.
pub fn notes_csv(s: &Summary) -> String {
    rows(
        &["step", "position", "kind", "text"],
        s.flow.iter().flat_map(|st| {
            st.notes.iter().enumerate().map(move |(i, n)| {
                vec![
                    st.step.clone(),
                    (i + 1).to_string(),
                    n.kind.id().to_string(),
                    n.text.clone(),
                ]
            })
        }),
    )
}

#[cfg(test)]
mod tests {
    use super::cell;

    #[test]
    fn cells_are_quoted_and_formulas_defused() {
        assert_eq!(cell("plain"), "plain");
        assert_eq!(cell("a, b"), "\"a, b\"");
        assert_eq!(cell("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(cell("=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"");
        assert_eq!(cell("-1"), "'-1");
        assert_eq!(cell("two\nlines"), "\"two\nlines\"");
    }
}
