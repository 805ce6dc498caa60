//! The one error type of the request cycle. Server functions return it, pages
//! render it, and the REST API maps it to a JSON body with a stable `code`.

use serde::{Deserialize, Serialize};
use server_fn::codec::JsonEncoding;
use server_fn::error::{FromServerFnError, ServerFnErrorErr};

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, Serialize, Deserialize)]
pub enum AppError {
    #[error("not found")]
    NotFound,
    #[error("sign in to continue")]
    Unauthorized,
    #[error("you are not allowed to do that")]
    Forbidden,
    #[error("{0}")]
    Conflict(String),
    #[error("{message}")]
    Invalid { field: String, message: String },
    /// The request itself is malformed (a server function's arguments that
    /// do not decode, a field missing): the client's fault, not a rule.
    #[error("the request is malformed: {0}")]
    BadRequest(String),
    /// Wrong email or password; deliberately does not say which.
    #[error("that email and password do not match an account")]
    BadCredentials,
    #[error("this account is disabled; ask an administrator of this instance")]
    AccountDisabled,
    #[error("too many attempts; try again in {retry_after_secs} seconds")]
    TooManyRequests { retry_after_secs: u64 },
    /// The server is too busy for this request right now (password checks
    /// queued up); nothing was counted against the caller.
    #[error("the server is busy; try again in {retry_after_secs} seconds")]
    Busy { retry_after_secs: u64 },
    /// Details are logged on the server and never sent to the client.
    #[error("something went wrong on our side; please try again")]
    Internal,
    /// The request did not reach the server function or its answer could not
    /// be read (network down, malformed response).
    #[error("the server could not be reached: {0}")]
    Transport(String),
}

impl AppError {
    pub fn invalid(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self::Invalid {
            field: field.into(),
            message: message.into(),
        }
    }

    pub fn status_code(&self) -> http::StatusCode {
        use http::StatusCode;
        match self {
            Self::NotFound => StatusCode::NOT_FOUND,
            Self::Unauthorized => StatusCode::UNAUTHORIZED,
            Self::Forbidden => StatusCode::FORBIDDEN,
            Self::Conflict(_) => StatusCode::CONFLICT,
            Self::BadCredentials => StatusCode::UNAUTHORIZED,
            Self::AccountDisabled => StatusCode::FORBIDDEN,
            Self::Invalid { .. } => StatusCode::UNPROCESSABLE_ENTITY,
            Self::BadRequest(_) => StatusCode::BAD_REQUEST,
            Self::TooManyRequests { .. } => StatusCode::TOO_MANY_REQUESTS,
            Self::Busy { .. } => StatusCode::SERVICE_UNAVAILABLE,
            Self::Internal => StatusCode::INTERNAL_SERVER_ERROR,
            Self::Transport(_) => StatusCode::BAD_GATEWAY,
        }
    }

    /// A stable, machine-readable name for the error, used in API bodies.
    pub fn code(&self) -> &'static str {
        match self {
            Self::NotFound => "not_found",
            Self::Unauthorized => "unauthorized",
            Self::Forbidden => "forbidden",
            Self::Conflict(_) => "conflict",
            Self::BadCredentials => "bad_credentials",
            Self::AccountDisabled => "account_disabled",
            Self::Invalid { .. } => "invalid",
            Self::BadRequest(_) => "bad_request",
            Self::TooManyRequests { .. } => "too_many_requests",
            Self::Busy { .. } => "busy",
            Self::Internal => "internal",
            Self::Transport(_) => "transport",
        }
    }

    /// The message for the form as a whole: every error that is not about
    /// one of the form's own fields.
    pub fn for_form(&self, fields: &[&str]) -> Option<String> {
        match self {
            Self::Invalid { field, .. } if fields.contains(&field.as_str()) => None,
            other => Some(capitalise(&other.to_string())),
        }
    }

    /// The message for one form field, if this error is about that field.
    pub fn for_field(&self, name: &str) -> Option<String> {
        match self {
            Self::Invalid { field, message } if field == name => Some(capitalise(message)),
            _ => None,
        }
    }
}

/// A decoder's message, as much of it as a person needs (it may quote the
/// input it choked on).
fn shortened(message: &str) -> String {
    const MAX: usize = 200;
    match message.char_indices().nth(MAX) {
        Some((end, _)) => format!("{}…", &message[..end]),
        None => message.to_owned(),
    }
}

fn capitalise(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect::<String>() + ".",
        None => String::new(),
    }
}

#[cfg(feature = "ssr")]
impl AppError {
    /// Logs the underlying cause and returns the opaque `Internal` error.
    pub fn internal(cause: impl std::fmt::Display) -> Self {
        tracing::error!(%cause, "internal error");
        Self::Internal
    }
}

#[cfg(feature = "ssr")]
impl From<sqlx::Error> for AppError {
    fn from(err: sqlx::Error) -> Self {
        Self::internal(format_args!("database: {err}"))
    }
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        match value {
            ServerFnErrorErr::Request(msg) | ServerFnErrorErr::Response(msg) => {
                Self::Transport(msg)
            }
            // Arguments that do not decode (a field missing, a number that
            // is not one): the client's fault, worth a debug line at most.
            ServerFnErrorErr::Args(msg) | ServerFnErrorErr::MissingArg(msg) => {
                let error = Self::BadRequest(shortened(&msg));
                #[cfg(feature = "ssr")]
                {
                    tracing::debug!(%msg, "server function call refused");
                    // The function's body never runs, so nothing else sets
                    // the status of its answer.
                    let _ = crate::backend::request::respond::<()>(Err(error.clone()));
                }
                error
            }
            // Anything else went wrong inside the server: log it there, show
            // the client the opaque error.
            other => {
                #[cfg(feature = "ssr")]
                tracing::error!(error = %other, "server function failed");
                #[cfg(not(feature = "ssr"))]
                let _ = other;
                Self::Internal
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_stable_and_statuses_match() {
        assert_eq!(AppError::NotFound.code(), "not_found");
        assert_eq!(AppError::NotFound.status_code(), 404);
        assert_eq!(AppError::invalid("title", "required").status_code(), 422);
        assert_eq!(AppError::Internal.status_code(), 500);
    }

    #[test]
    fn arguments_that_do_not_decode_are_the_clients_fault() {
        let err =
            AppError::from_server_fn_error(ServerFnErrorErr::Args("missing field `title`".into()));
        assert_eq!(err, AppError::BadRequest("missing field `title`".into()));
        assert_eq!(err.status_code(), 400);
        assert_eq!(err.code(), "bad_request");
        let long = AppError::from_server_fn_error(ServerFnErrorErr::Args("x".repeat(5000)));
        assert!(long.to_string().chars().count() < 250, "{long}");
    }

    #[test]
    fn internal_error_hides_its_cause() {
        let shown = AppError::Internal.to_string();
        assert!(!shown.contains("database"), "{shown}");
    }

    #[test]
    fn field_errors_are_found_by_field_name() {
        let err = AppError::invalid("email", "enter an email address");
        assert_eq!(
            err.for_field("email").as_deref(),
            Some("Enter an email address.")
        );
        assert_eq!(err.for_field("password"), None);
        assert_eq!(err.for_form(&["email"]), None);
        assert_eq!(
            AppError::BadCredentials.for_form(&["email"]).as_deref(),
            Some("That email and password do not match an account.")
        );
    }
}
