//! Accounts as the pages see them: the signed-in user, their sessions, and
//! what an admin sees of other users.

use serde::{Deserialize, Serialize};

/// The signed-in user, as the interface needs them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CurrentUser {
    pub id: i64,
    pub email: String,
    pub display_name: String,
    pub is_admin: bool,
    pub two_factor: bool,
    /// The user's workspaces, most recently used first, for the switcher in
    /// the header.
    pub workspaces: Vec<WorkspaceLink>,
}

/// A workspace to switch to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WorkspaceLink {
    pub slug: String,
    pub name: String,
}

/// One signed-in browser of the current user.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionInfo {
    pub id: i64,
    /// "Chrome on Linux", from the user agent.
    pub browser: String,
    pub ip: String,
    pub created_at: String,
    pub last_seen_at: String,
    pub is_current: bool,
}

/// A user in the admin's list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserSummary {
    pub id: i64,
    pub email: String,
    pub display_name: String,
    pub is_admin: bool,
    pub disabled: bool,
    pub two_factor: bool,
    pub created_at: String,
    pub active_sessions: i64,
}

/// One line of the security log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SecurityEvent {
    pub id: i64,
    pub at: String,
    pub kind: String,
    /// The account the event is about, if any.
    pub user: Option<String>,
    /// Who caused it, when that is someone else (an admin).
    pub actor: Option<String>,
    pub email: String,
    pub ip: String,
    pub detail: String,
}

/// Who may create an account without an invitation.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum SignUpMode {
    Open,
    #[default]
    InviteOnly,
}

impl SignUpMode {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Open => "open",
            Self::InviteOnly => "invite-only",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        match value {
            "open" => Some(Self::Open),
            "invite-only" => Some(Self::InviteOnly),
            _ => None,
        }
    }
}

/// What a visitor may do on the sign-up page.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum AccountsState {
    /// No user yet: the first account becomes the instance admin.
    FirstRun,
    Open,
    InviteOnly,
}

/// Where the user stands with two-factor sign-in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum TwoFactorStatus {
    Off,
    /// Set-up started: scan, save the recovery codes, confirm a code.
    SettingUp(TwoFactorSetup),
    On {
        recovery_codes_left: i64,
    },
}

/// What the set-up page shows before the user confirms a code.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TwoFactorSetup {
    /// The secret in base32, grouped for typing by hand.
    pub manual_key: String,
    pub qr_svg: String,
    /// Shown now, once; they work after set-up is confirmed.
    pub recovery_codes: Vec<String>,
}
