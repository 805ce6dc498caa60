//! The colour theme a visitor picked: follow the system, or force light/dark.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum Theme {
    #[default]
    System,
    Light,
    Dark,
}

impl Theme {
    pub const COOKIE: &'static str = "waymark_theme";

    pub fn as_str(self) -> &'static str {
        match self {
            Self::System => "system",
            Self::Light => "light",
            Self::Dark => "dark",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        match value {
            "system" => Some(Self::System),
            "light" => Some(Self::Light),
            "dark" => Some(Self::Dark),
            _ => None,
        }
    }

    /// The theme a toggle switches to from this one.
    pub fn next(self) -> Self {
        match self {
            Self::System => Self::Dark,
            Self::Dark => Self::Light,
            Self::Light => Self::System,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::System => "System theme",
            Self::Light => "Light theme",
            Self::Dark => "Dark theme",
        }
    }

    /// Reads the theme from a `Cookie` request header; anything unreadable is
    /// the default.
    pub fn from_cookie_header(header: &str) -> Self {
        header
            .split(';')
            .filter_map(|pair| pair.trim().split_once('='))
            .find(|(name, _)| *name == Self::COOKIE)
            .and_then(|(_, value)| Self::parse(value.trim()))
            .unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn toggling_three_times_comes_back() {
        for theme in [Theme::System, Theme::Light, Theme::Dark] {
            assert_eq!(theme.next().next().next(), theme);
            assert_eq!(Theme::parse(theme.as_str()), Some(theme));
        }
    }

    #[test]
    fn reads_theme_from_cookie_header() {
        assert_eq!(
            Theme::from_cookie_header("a=b; waymark_theme=dark"),
            Theme::Dark
        );
        assert_eq!(
            Theme::from_cookie_header("waymark_theme=purple"),
            Theme::System
        );
        assert_eq!(Theme::from_cookie_header(""), Theme::System);
    }
}
