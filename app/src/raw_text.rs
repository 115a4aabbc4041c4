//! Typed text for the two places the server-side renderer writes verbatim:
//! the page title (leptos_meta copies it into `<title>` as it is) and a
//! textarea's content (tachys does not escape a textarea's children). There,
//! a name like `</title><meta http-equiv=refresh …>` would end the element and
//! become markup. In the browser both are set through the DOM, which takes
//! text as text, so escaping there would show the entities.

/// `text` escaped for `<title>` and `<textarea>` on the server; as it is in the browser.
pub fn raw_text(text: impl Into<String>) -> String {
    let text = text.into();
    if cfg!(feature = "ssr") {
        escape(&text)
    } else {
        text
    }
}

/// Escapes what could end or start markup inside RCDATA (`&`, `<`, `>`).
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_closing_tag_cannot_survive_escaping() {
        assert_eq!(super::escape("</title><meta x=\"1\">&amp;"), "&lt;/title&gt;&lt;meta x=\"1\"&gt;&amp;amp;");
    }
}
