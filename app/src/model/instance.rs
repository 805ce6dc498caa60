//! Facts about this Waymark instance, shown on the about page.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum DatabaseKind {
    Sqlite,
    Postgres,
}

impl DatabaseKind {
    pub fn label(self) -> &'static str {
        match self {
            Self::Sqlite => "SQLite",
            Self::Postgres => "PostgreSQL",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InstanceInfo {
    pub version: String,
    pub database: DatabaseKind,
    /// The version of the newest migration applied to the database.
    pub schema_version: i64,
    /// When this instance first started, as RFC 3339 (UTC).
    pub created_at: String,
}
