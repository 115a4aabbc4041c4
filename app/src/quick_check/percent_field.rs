//! A percentage answered with a slider and a number field side by side.
//!
//! With JavaScript the two are one value. Without it they are two inputs the
//! browser submits separately, so the page also sends the value it showed
//! (`<id>_shown`) and takes whichever of the two the squad changed.

use checkpoint_core::dora::current::Metric;
use leptos::prelude::*;

/// Where the slider rests when nothing was answered yet.
const SLIDER_START: &str = "0";

pub fn slider_name(metric: Metric) -> String {
    format!("{}_slider", metric.id())
}

pub fn shown_name(metric: Metric) -> String {
    format!("{}_shown", metric.id())
}

/// The text of the answer: the typed number when it was changed, else the
/// slider when it was moved, else what was shown before. `None` when nothing
/// was answered (an untouched slider on a fresh page is no answer).
pub fn chosen<'a>(typed: Option<&'a str>, slider: Option<&'a str>, shown: Option<&'a str>) -> Option<&'a str> {
    let given = |v: Option<&'a str>| v.map(str::trim).filter(|t| !t.is_empty());
    let (typed, slider, shown) = (given(typed), given(slider), given(shown));
    if let Some(t) = typed.filter(|t| Some(*t) != shown) {
        return Some(t);
    }
    if let Some(s) = slider.filter(|s| *s != shown.unwrap_or(SLIDER_START)) {
        return Some(s);
    }
    typed.or(shown.and(slider))
}

/// The slider and its number field for one percentage question; `value` is
/// the answer as last submitted.
#[component]
pub fn PercentField(metric: Metric, value: Option<String>) -> impl IntoView {
    let id = metric.id();
    let slider_id = format!("{id}-slider");
    let shown = value.clone().unwrap_or_default();
    let current = RwSignal::new(value.clone().unwrap_or_default());
    let slider_start = value.unwrap_or_else(|| SLIDER_START.to_string());
    let hint_id = format!("{id}-hint");
    view! {
        <div class="percent-field">
            <label class="visually-hidden" for=slider_id.clone()>{format!("{}, slider", metric.title())}</label>
            <input type="range" id=slider_id name=slider_name(metric) min="0" max="100" step="1"
                value=slider_start.clone()
                prop:value=move || { let v = current.get(); if v.is_empty() { slider_start.clone() } else { v } }
                aria-describedby=hint_id.clone()
                on:input=move |ev| current.set(event_target_value(&ev))/>
            <span class="percent-number">
                <label for=id>
                    <span class="visually-hidden">{format!("{}, ", metric.title())}</span>"percent"
                </label>
                <input type="number" id=id name=id min="0" max="100" step="1" inputmode="numeric"
                    value=shown.clone()
                    prop:value=move || current.get()
                    aria-describedby=hint_id.clone()
                    on:input=move |ev| current.set(event_target_value(&ev))/>
                <span aria-hidden="true">" %"</span>
            </span>
            <input type="hidden" name=shown_name(metric) value=shown/>
            <p class="hint small muted" id=hint_id>"A whole number from 0 to 100: type it or move the slider (arrow keys move it by one)."</p>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::chosen;

    #[test]
    fn a_fresh_page_takes_the_typed_number_or_the_moved_slider() {
        assert_eq!(chosen(Some("12"), Some("0"), Some("")), Some("12"));
        assert_eq!(chosen(Some(""), Some("25"), Some("")), Some("25"));
        // Both: the typed number wins.
        assert_eq!(chosen(Some("12"), Some("25"), None), Some("12"));
        // Nothing touched is no answer, so the page asks for one.
        assert_eq!(chosen(Some(""), Some("0"), Some("")), None);
        assert_eq!(chosen(None, None, None), None);
    }

    #[test]
    fn on_a_result_page_whichever_input_changed_wins() {
        // The page showed 12 in both.
        assert_eq!(chosen(Some("12"), Some("30"), Some("12")), Some("30"));
        assert_eq!(chosen(Some("40"), Some("12"), Some("12")), Some("40"));
        assert_eq!(chosen(Some("12"), Some("12"), Some("12")), Some("12"));
        // Clearing the number keeps what the slider still shows.
        assert_eq!(chosen(Some(""), Some("12"), Some("12")), Some("12"));
        // With JavaScript both carry the same value.
        assert_eq!(chosen(Some("7"), Some("7"), Some("12")), Some("7"));
    }

    #[test]
    fn text_that_is_not_a_number_is_passed_on_to_be_refused() {
        assert_eq!(chosen(Some("abc"), Some("0"), None), Some("abc"));
    }
}
