//! What the about page shows: the running version and the database behind it.

use leptos::prelude::*;

use crate::error::AppError;
use crate::model::InstanceInfo;

#[server(prefix = "/fn", endpoint = "instance_info")]
pub async fn load_instance_info() -> Result<InstanceInfo, AppError> {
    use crate::backend::{about, request::answer, state};

    answer(async { about::instance_info(&state()).await }).await
}
