//! `/invite/:token`: what an invitation is for, and joining through it —
//! signed in, or by creating an account here.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;
use leptos_router::{LazyRoute, lazy_route};

use crate::api::auth::encode_query;
use crate::api::invitations::{AcceptInvitation, SignUpWithInvitation, load_invitation};
use crate::components::CurrentUserResource;
use crate::components::form::server_action;
use crate::components::form::{FormError, NewAccountFields, Submit, field_error, form_error};
use crate::components::suspend;
use crate::error::AppError;

/// The route to [`InvitationPage`], whose code the browser loads on the first visit.
pub struct InvitationRoute;

#[lazy_route]
impl LazyRoute for InvitationRoute {
    fn data() -> Self {
        Self
    }

    fn view(_route: Self) -> AnyView {
        view! { <InvitationPage /> }.into_any()
    }
}

#[component]
pub fn InvitationPage() -> impl IntoView {
    let params = use_params_map();
    let token = move || params.with(|p| p.get("token")).unwrap_or_default();
    let invitation = Resource::new(token, load_invitation);
    let user = expect_context::<CurrentUserResource>().0;
    let accept = server_action::<AcceptInvitation>();
    let sign_up = server_action::<SignUpWithInvitation>();
    let value = sign_up.value();

    view! {
        <Title text="Invitation" />
        <Suspense>
            {move || suspend(async move {
                let me = user.await.ok().flatten();
                match invitation.await {
                    Ok(invite) => {
                        let here = format!("/invite/{}", token());
                        view! {
                            <section class="auth-card">
                                <h1>{format!("Join {}", invite.workspace_name)}</h1>
                                <p>
                                    {format!("{} invites you as ", if invite.invited_by.is_empty() { "Someone" } else { &invite.invited_by })}
                                    <strong>{invite.role.label()}</strong>
                                    {format!(" ({}).", invite.role.description())}
                                </p>
                                {match me {
                                    Some(me) => view! {
                                        <ActionForm action=accept>
                                            <FormError error=form_error(accept.value(), &[]) />
                                            <input type="hidden" name="token" value=token />
                                            <p class="muted">{format!("You are signed in as {}.", me.email)}</p>
                                            <Submit label="Accept and open the workspace" busy_label="Joining…" pending=accept.pending() />
                                        </ActionForm>
                                    }.into_any(),
                                    None => view! {
                                        <p class="muted">
                                            "Have an account? "
                                            <a href=format!("/sign-in?next={}", encode_query(&here))>"Sign in first"</a>
                                            ". New here? Create your account:"
                                        </p>
                                        <ActionForm action=sign_up>
                                            <FormError error=form_error(value, &["display_name", "email", "password"]) />
                                            <input type="hidden" name="token" value=token />
                                            <NewAccountFields
                                                name_error=field_error(value, "display_name")
                                                email_error=field_error(value, "email")
                                                password_error=field_error(value, "password")
                                                email=invite.email.clone()
                                            />
                                            <Submit label="Create account and join" busy_label="Creating the account…" pending=sign_up.pending() />
                                        </ActionForm>
                                    }.into_any(),
                                }}
                            </section>
                        }
                            .into_any()
                    }
                    Err(AppError::Invalid { message, .. }) => view! {
                        <section class="auth-card">
                            <h1>"This invitation no longer works"</h1>
                            <p>{crate::error::AppError::invalid("token", message).for_field("token")}</p>
                        </section>
                    }
                        .into_any(),
                    Err(error) => crate::components::error_view(error, "/"),
                }
            })}
        </Suspense>
    }
}
