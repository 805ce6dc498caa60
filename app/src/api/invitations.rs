//! Following an invitation link: see what it is for, accept it when signed
//! in, or create an account through it (even when sign-up is otherwise
//! invitation-only). The token in the link is the credential; the rules
//! are in `backend::invitations`.

use leptos::prelude::*;

use crate::error::AppError;
use crate::model::InvitationPreview;

#[cfg(feature = "ssr")]
use crate::backend::request::answer;

#[server(prefix = "/fn", endpoint = "invitation")]
pub async fn load_invitation(token: String) -> Result<InvitationPreview, AppError> {
    use crate::backend::{invitations, state};

    answer(async { invitations::preview(&state(), &token).await }).await
}

/// Joins the workspace with the invitation's role, as the signed-in user.
#[server(prefix = "/fn", endpoint = "invitation/accept")]
pub async fn accept_invitation(token: String) -> Result<(), AppError> {
    use crate::backend::{invitations, request, state};

    answer(async {
        let auth = request::require_user().await?;
        let slug = invitations::accept(&state(), auth.user.id, &token).await?;
        request::redirect(&format!("/w/{slug}"));
        Ok(())
    })
    .await
}

/// Creates an account through the invitation and joins the workspace.
#[server(prefix = "/fn", endpoint = "invitation/sign_up")]
pub async fn sign_up_with_invitation(
    token: String,
    email: String,
    display_name: String,
    password: String,
) -> Result<(), AppError> {
    use crate::backend::{invitations, request, state};

    answer(async {
        let joined = invitations::sign_up(
            &state(),
            &token,
            &email,
            &display_name,
            &password,
            &request::client(),
        )
        .await?;
        request::set_cookie(&joined.cookie);
        request::redirect(&format!("/w/{}", joined.workspace_slug));
        Ok(())
    })
    .await
}
