//! One module per route.

mod about;
mod account_settings;
mod admin;
mod board;
pub mod guard;
mod home;
mod invitation;
mod item;
mod items;
mod not_found;
mod reset_password;
mod scoring;
mod setup;
mod sign_in;
mod sign_up;
mod statuses;
mod two_factor_setup;
mod workspace;

pub use about::AboutPage;
pub use account_settings::AccountSettingsPage;
pub use admin::{AdminUsersPage, SecurityLogPage};
pub use board::BoardPage;
pub use home::HomePage;
pub use invitation::InvitationPage;
pub use item::ItemPage;
pub use items::ItemsPage;
pub use not_found::NotFoundPage;
pub use reset_password::ResetPasswordPage;
pub use scoring::WorkspaceScoringPage;
pub use setup::SetupPage;
pub use sign_in::{SignInCodePage, SignInPage};
pub use sign_up::SignUpPage;
pub use statuses::WorkspaceStatusesPage;
pub use two_factor_setup::TwoFactorSetupPage;
pub use workspace::{NewWorkspacePage, WorkspaceMembersPage, WorkspacePage, WorkspaceSettingsPage};
