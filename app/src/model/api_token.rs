//! API tokens as their owner sees them in `/settings/tokens`.

use serde::{Deserialize, Serialize};

/// What a token may do: read only, or read and write. A token acts as its
/// user, and its scope caps the user's role in each workspace.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum TokenScope {
    Read,
    ReadWrite,
}

impl TokenScope {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Read => "read",
            Self::ReadWrite => "write",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        match value {
            "read" => Some(Self::Read),
            "write" => Some(Self::ReadWrite),
            _ => None,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Read => "Read",
            Self::ReadWrite => "Read and write",
        }
    }
}

/// A token in its owner's list; the token itself is never shown again.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiTokenInfo {
    pub id: i64,
    pub name: String,
    pub scope: TokenScope,
    pub created: String,
    /// `None`: never used.
    pub last_used: Option<String>,
    /// `None`: it does not expire.
    pub expires: Option<String>,
    pub expired: bool,
}

/// What `/settings/tokens` shows: the user's tokens, and the one just
/// made when the page comes back after a form post without JavaScript.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiTokenList {
    pub tokens: Vec<ApiTokenInfo>,
    pub new_token: Option<String>,
}

/// A token just made: shown once, whole.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewApiToken {
    pub token: String,
    pub info: ApiTokenInfo,
}

/// The longest name a token may have, in characters.
pub const MAX_TOKEN_NAME: usize = 80;
/// How many tokens one user may hold.
pub const MAX_API_TOKENS: usize = 50;
/// The longest a token may live, in days.
pub const MAX_TOKEN_DAYS: i64 = 3660;
