//! Plain data shared by the server and the browser.

mod account;
mod email;
mod instance;
mod theme;

pub use account::{
    AccountsState, CurrentUser, SecurityEvent, SessionInfo, SignUpMode, TwoFactorSetup,
    TwoFactorStatus, UserSummary,
};
pub use email::{Email, parse_display_name};
pub use instance::{DatabaseKind, InstanceInfo};
pub use theme::Theme;
