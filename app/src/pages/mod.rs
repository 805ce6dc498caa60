//! One module per route.

mod about;
mod account_settings;
mod admin;
mod api_tokens;
mod board;
mod chart;
pub mod guard;
mod home;
mod invitation;
mod item;
mod items;
mod not_found;
mod reset_password;
mod roadmap;
mod rounds;
mod scoring;
mod setup;
#[cfg(feature = "ssr")]
pub mod share_link;
mod sign_in;
mod sign_up;
mod statuses;
mod timeline;
mod two_factor_setup;
mod views;
pub mod webhooks;
mod workspace;

pub use about::AboutPage;
pub use account_settings::AccountSettingsRoute;
pub use admin::{AdminUsersRoute, SecurityLogRoute};
pub use api_tokens::ApiTokensRoute;
pub use board::BoardRoute;
pub use chart::ChartRoute;
pub use home::HomePage;
pub use invitation::InvitationRoute;
pub use item::ItemRoute;
pub use items::ItemsRoute;
pub use not_found::NotFoundPage;
pub use reset_password::ResetPasswordRoute;
pub use roadmap::RoadmapRoute;
pub use rounds::{RoundRoute, RoundsRoute};
pub use scoring::WorkspaceScoringRoute;
pub use setup::SetupRoute;
pub use sign_in::{SignInCodePage, SignInPage};
pub use sign_up::SignUpPage;
pub use statuses::WorkspaceStatusesRoute;
pub use timeline::TimelineRoute;
pub use two_factor_setup::TwoFactorSetupRoute;
pub use views::SavedViewRoute;
pub use webhooks::WebhooksRoute;
pub use workspace::{
    NewWorkspaceRoute, WorkspaceMembersRoute, WorkspaceRoute, WorkspaceSettingsRoute,
};
