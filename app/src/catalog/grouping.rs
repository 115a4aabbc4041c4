//! Which grouping the catalog shows, and the links that switch it: plain
//! links, so the switch works without JavaScript, keeping the search.

use leptos::prelude::*;

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Grouping {
    /// Fast flow, fast feedback, climate for learning, AI (section 7.5).
    #[default]
    Current,
    /// Technical, process, cultural, newer (section 5), as legacy editions saw it.
    Legacy,
}

impl Grouping {
    pub fn from_param(value: Option<&str>) -> Grouping {
        match value {
            Some("legacy") => Grouping::Legacy,
            _ => Grouping::Current,
        }
    }

    /// The `grouping` query value; none for the default.
    pub fn param(self) -> Option<&'static str> {
        match self {
            Grouping::Current => None,
            Grouping::Legacy => Some("legacy"),
        }
    }

    fn label(self) -> &'static str {
        match self {
            Grouping::Current => "Current (2024 and 2025)",
            Grouping::Legacy => "Legacy (2019 to 2022)",
        }
    }

    pub fn lead(self) -> &'static str {
        match self {
            Grouping::Current => "The capabilities DORA's research links to better software delivery, as DORA groups them today: fast flow, fast feedback, climate for learning and AI. Core capabilities are marked “core”. Each links to its article on dora.dev.",
            Grouping::Legacy => "The capabilities DORA's research links to better software delivery, in the four groups the 2019 to 2022 editions used. Each links to its article on dora.dev.",
        }
    }

    /// `/capabilities` in this grouping, keeping the search.
    pub fn href(self, query: &str) -> String {
        let mut params: Vec<String> = self.param().map(|g| format!("grouping={g}")).into_iter().collect();
        if !query.trim().is_empty() {
            params.push(format!("q={}", encode(query.trim())));
        }
        if params.is_empty() {
            "/capabilities".to_string()
        } else {
            format!("/capabilities?{}", params.join("&"))
        }
    }
}

/// Percent-encodes everything but unreserved characters (RFC 3986).
fn encode(v: &str) -> String {
    v.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

#[component]
pub fn GroupingSwitch(grouping: Memo<Grouping>, query: Signal<String>) -> impl IntoView {
    view! {
        <nav class="edition-switch" aria-labelledby="grouping-switch-label">
            <span id="grouping-switch-label" class="edition-switch-label">"Grouping"</span>
            <ul>
                {[Grouping::Current, Grouping::Legacy].into_iter().map(|g| view! {
                    <li>
                        <a href=move || g.href(&query.get()) aria-current=move || (grouping.get() == g).then_some("page")>{g.label()}</a>
                    </li>
                }).collect_view()}
            </ul>
        </nav>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_switch_keeps_the_search_and_the_default_needs_no_parameter() {
        assert_eq!(Grouping::from_param(None), Grouping::Current);
        assert_eq!(Grouping::from_param(Some("nonsense")), Grouping::Current);
        assert_eq!(Grouping::from_param(Some("legacy")), Grouping::Legacy);
        assert_eq!(Grouping::Current.href(""), "/capabilities");
        assert_eq!(Grouping::Legacy.href(" "), "/capabilities?grouping=legacy");
        assert_eq!(
            Grouping::Legacy.href("small batches"),
            "/capabilities?grouping=legacy&q=small%20batches"
        );
        assert_eq!(Grouping::Current.href("a&b"), "/capabilities?q=a%26b");
    }
}
