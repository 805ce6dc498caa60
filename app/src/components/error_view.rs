//! What a page shows when its data could not be loaded: the sign-in page
//! for a visitor who is not signed in, the error panel otherwise.

use leptos::prelude::*;
use leptos_router::components::Redirect;

use crate::api::auth::encode_query;
use crate::components::ErrorPanel;
use crate::error::AppError;

pub fn error_view(error: AppError, here: &str) -> AnyView {
    match error {
        AppError::Unauthorized => {
            let path = format!("/sign-in?next={}", encode_query(here));
            view! { <Redirect path /> }.into_any()
        }
        error => view! { <ErrorPanel error /> }.into_any(),
    }
}
