//! Remembering the colour theme in a cookie, so the server renders the page
//! in the chosen theme from the first byte (no flash of the wrong colours).

use leptos::prelude::*;

use crate::error::AppError;
use crate::model::Theme;

#[server(prefix = "/fn", endpoint = "set_theme")]
pub async fn set_theme(theme: String) -> Result<Theme, AppError> {
    use crate::backend::request::{self, answer};

    answer(async {
        let theme = Theme::parse(&theme)
            .ok_or_else(|| AppError::invalid("theme", "choose system, light or dark"))?;
        request::set_cookie(&format!(
            "{}={}; Path=/; Max-Age=31536000; SameSite=Lax",
            Theme::COOKIE,
            theme.as_str()
        ));
        Ok(theme)
    })
    .await
}
