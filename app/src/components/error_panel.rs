//! How a page shows an error: a plain message and a way back. On the server it
//! also sets the response status, so a failed page is not served as 200.

use leptos::prelude::*;

use crate::error::AppError;

#[component]
pub fn ErrorPanel(error: AppError) -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        response.set_status(error.status_code());
    }
    let title = match error {
        AppError::NotFound => "Not found",
        AppError::Unauthorized => "Please sign in",
        AppError::Forbidden => "Not allowed",
        AppError::Transport(_) => "Cannot reach the server",
        _ => "Something went wrong",
    };
    view! {
        <section class="error-panel" role="alert">
            <h1>{title}</h1>
            <p>{error.to_string()}</p>
            <p>
                <a class="button" href="/">"Go to the start page"</a>
            </p>
        </section>
    }
}
