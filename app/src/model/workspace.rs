//! Workspaces and the roles people have in them.

use serde::{Deserialize, Serialize};

/// A member's role in one workspace, from most to least powerful.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Role {
    Viewer,
    Contributor,
    Editor,
    Owner,
}

impl Role {
    pub const ALL: [Role; 4] = [Role::Owner, Role::Editor, Role::Contributor, Role::Viewer];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Owner => "owner",
            Self::Editor => "editor",
            Self::Contributor => "contributor",
            Self::Viewer => "viewer",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        match value {
            "owner" => Some(Self::Owner),
            "editor" => Some(Self::Editor),
            "contributor" => Some(Self::Contributor),
            "viewer" => Some(Self::Viewer),
            _ => None,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Owner => "Owner",
            Self::Editor => "Editor",
            Self::Contributor => "Contributor",
            Self::Viewer => "Viewer",
        }
    }

    pub fn description(self) -> &'static str {
        match self {
            Self::Owner => "settings, members and deleting the workspace",
            Self::Editor => "create and edit items, scores, views and share links",
            Self::Contributor => "comment and rate in scoring rounds",
            Self::Viewer => "read only",
        }
    }

    pub fn allows(self, permission: Permission) -> bool {
        self >= permission.least_role()
    }
}

/// What someone wants to do in a workspace. Each needs a least role.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Permission {
    /// See the workspace and everything in it.
    View,
    /// Comment and rate.
    Contribute,
    /// Create and change items, views and share links.
    Edit,
    /// Rename, change the slug and key prefix, invite and manage members.
    Manage,
    /// Delete the whole workspace.
    Delete,
}

impl Permission {
    pub fn least_role(self) -> Role {
        match self {
            Self::View => Role::Viewer,
            Self::Contribute => Role::Contributor,
            Self::Edit => Role::Editor,
            Self::Manage | Self::Delete => Role::Owner,
        }
    }
}

/// A workspace on the home page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WorkspaceSummary {
    pub slug: String,
    pub name: String,
    pub description: String,
    pub role: Role,
    pub members: i64,
    /// Items that are not archived.
    pub items: i64,
}

/// A workspace as its pages show it, with the viewer's role.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WorkspaceView {
    pub slug: String,
    pub name: String,
    pub description: String,
    pub key_prefix: String,
    pub role: Role,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MemberInfo {
    pub user_id: i64,
    pub display_name: String,
    pub email: String,
    pub role: Role,
    pub is_me: bool,
    pub since: String,
    /// The same, in milliseconds since 1970.
    pub since_ms: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvitationInfo {
    pub id: i64,
    pub role: Role,
    pub email: String,
    pub created_by: String,
    pub expires_at: String,
}

/// The members page's data in one answer. Invitations and the link just
/// made are empty for anyone but an owner.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MembersPage {
    pub members: Vec<MemberInfo>,
    pub invitations: Vec<InvitationInfo>,
    pub new_invitation_link: Option<String>,
}

/// What an invitation link shows before it is accepted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvitationPreview {
    pub workspace_name: String,
    pub role: Role,
    pub invited_by: String,
    /// Set when the invitation is meant for one email address.
    pub email: String,
}

/// A workspace's address: lower-case letters, digits and dashes, 2 to 40
/// characters, not a reserved word.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Slug(String);

impl Slug {
    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn into_string(self) -> String {
        self.0
    }
}

impl PartialEq<&str> for Slug {
    fn eq(&self, other: &&str) -> bool {
        self.0 == *other
    }
}

impl PartialEq<String> for Slug {
    fn eq(&self, other: &String) -> bool {
        self.0 == *other
    }
}

impl std::fmt::Display for Slug {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// A URL slug: lower-case letters, digits and dashes, 2 to 40 characters.
pub fn parse_slug(input: &str) -> Result<Slug, String> {
    let slug = input.trim().to_lowercase();
    if slug.len() < 2 || slug.len() > 40 {
        return Err("use 2 to 40 characters".into());
    }
    if !slug
        .bytes()
        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
    {
        return Err("use only letters a–z, digits and dashes".into());
    }
    if slug.starts_with('-') || slug.ends_with('-') || slug.contains("--") {
        return Err("start and end with a letter or digit, with single dashes between".into());
    }
    if matches!(slug.as_str(), "new" | "settings" | "admin" | "api") {
        return Err("this address is reserved; choose another".into());
    }
    Ok(Slug(slug))
}

/// The slug a name suggests: "Mobile App 2.0" → "mobile-app-2-0".
pub fn slug_from_name(name: &str) -> String {
    let mut slug = String::new();
    for c in name.trim().to_lowercase().chars() {
        if c.is_ascii_alphanumeric() {
            slug.push(c);
        } else if !slug.ends_with('-') && !slug.is_empty() {
            slug.push('-');
        }
    }
    let slug: String = slug.trim_end_matches('-').chars().take(40).collect();
    slug.trim_end_matches('-').to_owned()
}

/// An item key prefix: 2 to 6 capital letters or digits, starting with a letter.
pub fn parse_key_prefix(input: &str) -> Result<String, String> {
    let prefix = input.trim().to_uppercase();
    let ok = (2..=6).contains(&prefix.len())
        && prefix
            .bytes()
            .next()
            .is_some_and(|b| b.is_ascii_uppercase())
        && prefix
            .bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit());
    if ok {
        Ok(prefix)
    } else {
        Err("use 2 to 6 letters or digits, starting with a letter (like WAY)".into())
    }
}

/// The key prefix a name suggests: "Mobile App" → "MOB".
pub fn key_prefix_from_name(name: &str) -> String {
    let letters: String = name
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_uppercase())
        .skip_while(|c| !c.is_ascii_uppercase())
        .take(3)
        .collect();
    if letters.len() >= 2 {
        letters
    } else {
        "WAY".into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_are_ordered_and_grant_permissions() {
        assert!(Role::Owner.allows(Permission::Delete));
        assert!(!Role::Editor.allows(Permission::Manage));
        assert!(Role::Editor.allows(Permission::Edit));
        assert!(!Role::Contributor.allows(Permission::Edit));
        assert!(Role::Contributor.allows(Permission::Contribute));
        assert!(!Role::Viewer.allows(Permission::Contribute));
        assert!(Role::Viewer.allows(Permission::View));
        for role in Role::ALL {
            assert_eq!(Role::parse(role.as_str()), Some(role));
        }
    }

    #[test]
    fn slugs_are_checked_and_suggested() {
        assert_eq!(parse_slug(" Mobile-App ").unwrap(), "mobile-app");
        for bad in [
            "a",
            "-x",
            "x-",
            "a--b",
            "a b",
            "ümlaut",
            "new",
            &"x".repeat(41),
        ] {
            assert!(parse_slug(bad).is_err(), "{bad}");
        }
        assert_eq!(slug_from_name("Mobile App 2.0"), "mobile-app-2-0");
        assert_eq!(slug_from_name("  Über Roadmap! "), "ber-roadmap");
    }

    #[test]
    fn key_prefixes_are_checked_and_suggested() {
        assert_eq!(parse_key_prefix("way").unwrap(), "WAY");
        for bad in ["W", "TOOLONG", "1AB", "A-B"] {
            assert!(parse_key_prefix(bad).is_err(), "{bad}");
        }
        assert_eq!(key_prefix_from_name("Mobile App"), "MOB");
        assert_eq!(key_prefix_from_name("7"), "WAY");
    }
}
