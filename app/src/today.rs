//! Today's date as `YYYY-MM-DD`: the server's clock while rendering, the
//! browser's once hydrated (forms default to it; the action form warns of a
//! due date before it).

pub fn today() -> String {
    #[cfg(feature = "ssr")]
    {
        checkpoint_core::measured::dates::format_date(crate::context::now_ms())
    }
    #[cfg(not(feature = "ssr"))]
    {
        let d = js_sys::Date::new_0();
        format!("{:04}-{:02}-{:02}", d.get_full_year(), d.get_month() + 1, d.get_date())
    }
}

/// Whether `date` (`YYYY-MM-DD`) is before `today` (the format sorts as dates do).
pub fn is_past(date: &str, today: &str) -> bool {
    !date.is_empty() && date < today
}
