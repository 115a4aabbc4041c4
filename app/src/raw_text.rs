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
        checkpoint_core::summary::html::esc(&text)
    } else {
        text
    }
}

// On the server only: in the browser the text passes as it is.
#[cfg(all(test, feature = "ssr"))]
mod tests {
    #[test]
    fn a_closing_tag_cannot_survive_escaping() {
        assert_eq!(
            super::raw_text("</title><meta x=\"1\">&amp;"),
            "&lt;/title&gt;&lt;meta x=&quot;1&quot;&gt;&amp;amp;"
        );
    }
}
