//! Pieces of forms: a labelled field with its error, the form-level error
//! box, and the submit button that shows the form is being sent. Errors come
//! from a server action's result, so they appear the same with JavaScript
//! (in place) and without it (after the redirect back to the page).

use leptos::prelude::*;
use leptos::server::ServerActionError;
use server_fn::ServerFn;
use server_fn::error::FromServerFnError;

use crate::components::markup::escape_html;
use crate::error::AppError;

/// The error that the address of the page as the server drew it carried
/// back from a failed form post (`__path`, `__err`). The server showed it
/// only after checking its signature; the router, though, offers whatever
/// error the address holds after every move within the hydrated page (a
/// link in a comment to `…?__err=…`), unchecked.
#[derive(Clone, Debug, Default)]
pub struct CheckedUrlError(Option<ServerActionError>);

impl CheckedUrlError {
    /// Read from the first address the router sees: the one the server
    /// rendered, and checked, for this document.
    pub fn provide(query: &leptos_router::params::ParamsMap) {
        let error = match (query.get_str("__path"), query.get_str("__err")) {
            (Some(path), Some(err)) => Some(ServerActionError::new(path, err)),
            _ => None,
        };
        provide_context(Self(error));
    }
}

/// A server function's action, for a form. Its first value is the error
/// that the page's address carried back from a failed post of the same
/// function, only when the server checked that error: an address reached
/// by moving within the hydrated page shows no error from it. Use this,
/// never `ServerAction::new`.
pub fn server_action<S>() -> ServerAction<S>
where
    S: ServerFn + Clone + Send + Sync + 'static,
    S::Output: Send + Sync + 'static,
    S::Error: FromServerFnError + Send + Sync + 'static,
{
    #[allow(clippy::disallowed_methods, reason = "this is the one place that may")]
    let action = ServerAction::<S>::new();
    let offered = use_context::<ServerActionError>();
    let checked = use_context::<CheckedUrlError>().and_then(|checked| checked.0);
    if offered.is_some() && offered != checked && action.value().with_untracked(Option::is_some) {
        action.value().set(None);
    }
    action
}

/// The error for one field, if the last submission failed on it.
pub fn field_error<S, T>(value: S, field: &'static str) -> Signal<Option<String>>
where
    S: With<Value = Option<Result<T, AppError>>> + Send + Sync + 'static,
{
    Signal::derive(move || {
        value.with(|v| match v {
            Some(Err(err)) => err.for_field(field),
            _ => None,
        })
    })
}

/// The error for the form as a whole: anything not about one of `fields`.
pub fn form_error<S, T>(value: S, fields: &'static [&'static str]) -> Signal<Option<String>>
where
    S: With<Value = Option<Result<T, AppError>>> + Send + Sync + 'static,
{
    Signal::derive(move || {
        value.with(|v| match v {
            Some(Err(err)) => err.for_form(fields),
            _ => None,
        })
    })
}

/// Whether the last submission succeeded (for "Saved." messages).
pub fn succeeded<S, T>(value: S) -> Signal<bool>
where
    S: With<Value = Option<Result<T, AppError>>> + Send + Sync + 'static,
{
    Signal::derive(move || value.with(|v| matches!(v, Some(Ok(_)))))
}

#[component]
pub fn Field(
    label: &'static str,
    name: &'static str,
    /// The `id`, when one page has two fields of the same name.
    #[prop(optional)]
    id: Option<&'static str>,
    #[prop(default = "text")] kind: &'static str,
    #[prop(optional)] autocomplete: Option<&'static str>,
    #[prop(optional, into)] value: Option<String>,
    #[prop(optional)] hint: Option<&'static str>,
    #[prop(optional)] inputmode: Option<&'static str>,
    #[prop(into)] error: Signal<Option<String>>,
    #[prop(default = true)] required: bool,
) -> impl IntoView {
    let id = id.unwrap_or(name);
    let hint_id = format!("{id}-hint");
    let error_id = format!("{id}-error");
    let described_by = {
        let hint_id = hint_id.clone();
        let error_id = error_id.clone();
        move || {
            let mut ids = Vec::new();
            if hint.is_some() {
                ids.push(hint_id.clone());
            }
            if error.with(Option::is_some) {
                ids.push(error_id.clone());
            }
            (!ids.is_empty()).then(|| ids.join(" "))
        }
    };
    view! {
        <div class="field" class:field--invalid=move || error.with(Option::is_some)>
            <label for=id>{label}</label>
            {hint.map(|text| view! { <p class="field-hint" id=hint_id.clone()>{text}</p> })}
            <input
                id=id
                name=name
                type=kind
                value=value
                autocomplete=autocomplete
                inputmode=inputmode
                required=required
                aria-invalid=move || error.with(Option::is_some).then_some("true")
                aria-describedby=described_by
            />
            {move || {
                error
                    .get()
                    .map(|message| {
                        view! {
                            <p class="field-error" id=error_id.clone()>
                                {message}
                            </p>
                        }
                    })
            }}
        </div>
    }
}

#[component]
pub fn FormError(#[prop(into)] error: Signal<Option<String>>) -> impl IntoView {
    move || {
        error.get().map(|message| {
            view! {
                <div class="form-error" role="alert">
                    {message}
                </div>
            }
        })
    }
}

#[component]
pub fn Notice(#[prop(into)] show: Signal<bool>, message: &'static str) -> impl IntoView {
    // Once the page runs in the browser the same news comes as a toast.
    let live = crate::components::Toasts::live();
    crate::components::toast::toast_when(show, message);
    move || {
        (show.get() && !live.get()).then(|| {
            view! {
                <p class="notice" role="status">
                    {message}
                </p>
            }
        })
    }
}

/// A submit button that says what is happening while the form is sent.
#[component]
pub fn Submit(
    label: &'static str,
    busy_label: &'static str,
    #[prop(into)] pending: Signal<bool>,
    #[prop(default = "button")] class: &'static str,
) -> impl IntoView {
    // Nothing is pending while the server renders, and there a re-run
    // Suspense may dispose of the signal on one thread while another still
    // writes the view it replaced: read it only in the browser.
    let pending = move || !cfg!(feature = "ssr") && pending.try_get().unwrap_or(false);
    view! {
        <button type="submit" class=class disabled=pending aria-busy=move || pending().then_some("true")>
            {move || if pending() { busy_label } else { label }}
        </button>
    }
}

const NEW_PASSWORD_HINT: &str =
    "At least 8 characters. A few unrelated words are strong and easy to remember.";

/// A field for choosing a password, with the rule people need to know.
#[component]
pub fn NewPasswordField(
    label: &'static str,
    name: &'static str,
    #[prop(into)] error: Signal<Option<String>>,
) -> impl IntoView {
    view! {
        <Field label name kind="password" autocomplete="new-password" hint=NEW_PASSWORD_HINT error />
    }
}

/// Name, email and password: the fields of every form that creates an
/// account (set-up, sign-up, invitation).
#[component]
pub fn NewAccountFields(
    #[prop(into)] name_error: Signal<Option<String>>,
    #[prop(into)] email_error: Signal<Option<String>>,
    #[prop(into)] password_error: Signal<Option<String>>,
    /// An email to start from (an invitation meant for one address).
    #[prop(optional, into)]
    email: Option<String>,
) -> impl IntoView {
    view! {
        <Field label="Your name" name="display_name" autocomplete="name" error=name_error />
        <Field label="Email" name="email" kind="email" autocomplete="email" value=email.unwrap_or_default() error=email_error />
        <NewPasswordField label="Password" name="password" error=password_error />
    }
}

/// A `<textarea>` holding `text`. Leptos renders a textarea's children on
/// the server without escaping them, so text containing `</textarea>` would
/// end the element and inject markup. The text goes in escaped as inner
/// HTML instead: the server writes it as is, the browser decodes it as the
/// textarea's content, and in the browser `innerHTML` does the same.
#[component]
pub fn TextArea(
    id: String,
    name: &'static str,
    text: String,
    #[prop(default = 4)] rows: u32,
    #[prop(optional)] placeholder: Option<&'static str>,
    #[prop(optional)] described_by: Option<&'static str>,
    #[prop(default = false)] required: bool,
) -> impl IntoView {
    view! {
        <textarea
            id=id
            name=name
            rows=rows
            placeholder=placeholder
            aria-describedby=described_by
            required=required
            inner_html=escape_html(&text)
        ></textarea>
    }
}
