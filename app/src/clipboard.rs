//! Copying text to the clipboard from a button (after hydration; a page
//! without JavaScript shows the text to select instead).

/// Writes `text`, then tells `done` whether the browser allowed it.
pub fn copy(text: String, done: impl Fn(bool) + 'static) {
    #[cfg(feature = "hydrate")]
    wasm_bindgen_futures::spawn_local(async move {
        let Some(clipboard) = web_sys::window().map(|w| w.navigator().clipboard()) else {
            done(false);
            return;
        };
        done(
            wasm_bindgen_futures::JsFuture::from(clipboard.write_text(&text))
                .await
                .is_ok(),
        );
    });
    #[cfg(not(feature = "hydrate"))]
    let _ = (text, done);
}
