//! Configuration from environment variables (and an optional `.env` file).
//! Every value is checked once, here; a bad one stops start-up with a single
//! line naming the variable, the value and what is accepted.

use std::net::SocketAddr;

use std::path::PathBuf;
use std::time::Duration;

use app::backend::auth::client::TrustedProxy;
use app::backend::db::{DbSettings, database_kind};
use app::backend::events::streams::StreamLimits;
use app::backend::workspaces::WorkspaceLimits;
use app::model::DatabaseKind;

/// Where the data lives when `DATABASE_URL` is not set.
pub const DEFAULT_DATABASE_URL: &str = "sqlite://data/waymark.db";
pub const DEFAULT_ADDR: &str = "127.0.0.1:3000";
pub const DEFAULT_LOG: &str = "info,sqlx=warn,tower_http=info";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Environment {
    Development,
    Production,
}

#[derive(Debug, Clone)]
pub struct Config {
    pub database_url: String,
    /// What `database_url` names.
    pub database_kind: DatabaseKind,
    pub addr: SocketAddr,
    /// The address users reach the site at, without a trailing slash, e.g.
    /// `https://roadmap.example.com`. Used to check request origins and to
    /// decide whether cookies are `Secure`.
    pub public_url: String,
    pub env: Environment,
    /// A `tracing` filter such as `info` or `info,waymark=debug`.
    pub log: String,
    /// A session ends after this many days without use...
    pub session_idle_days: i64,
    /// ...and after this many days in any case.
    pub session_max_days: i64,
    /// Reverse proxies whose `X-Forwarded-For` tells the client's address.
    pub trusted_proxies: Vec<TrustedProxy>,
    /// REST API requests one token may make a minute.
    pub api_rate_limit: i64,
    /// Webhooks may deliver to loopback and private addresses.
    pub webhooks_allow_private: bool,
    /// `/metrics` is served on the main address to requests that carry
    /// this bearer token (and on `metrics_addr`, where it is required too).
    pub metrics_token: Option<String>,
    /// A second address that serves only `/metrics`.
    pub metrics_addr: Option<SocketAddr>,
    /// PostgreSQL's pool size, statement timeout and CA file.
    pub database: DbSettings,
    /// How long a connection may take to send a request's head.
    pub connections: crate::serve::ConnectionSettings,
    /// How many workspaces one account may make.
    pub workspaces: WorkspaceLimits,
    /// Live-update streams a session, and a user, may hold open on this
    /// instance.
    pub live_streams: StreamLimits,
}

/// REST API requests a token may make a minute when
/// `WAYMARK_API_RATE_LIMIT` is not set.
pub const DEFAULT_API_RATE_LIMIT: i64 = 600;

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("{var}={value:?} is not valid: expected {expected}")]
pub struct ConfigError {
    pub var: &'static str,
    pub value: String,
    pub expected: String,
}

impl Config {
    /// Reads `.env` (if present) and then the process environment.
    pub fn from_env() -> Result<Self, ConfigError> {
        if let Err(err) = dotenvy::dotenv()
            && !err.not_found()
        {
            return Err(ConfigError {
                var: ".env",
                value: err.to_string(),
                expected: "lines of the form NAME=value".into(),
            });
        }
        Self::from_lookup(|name| std::env::var(name).ok())
    }

    /// Builds the configuration from any source of variables, so tests need
    /// not touch the process environment.
    pub fn from_lookup(get: impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let value = |name: &str| get(name).filter(|v| !v.trim().is_empty());

        let database_url = value("DATABASE_URL").unwrap_or_else(|| DEFAULT_DATABASE_URL.into());
        let Ok(database_kind) = database_kind(&database_url) else {
            return Err(ConfigError {
                var: "DATABASE_URL",
                value: database_url,
                expected:
                    "sqlite://PATH (e.g. sqlite://data/waymark.db) or postgres://USER@HOST/DATABASE"
                        .into(),
            });
        };

        let addr_text = value("WAYMARK_ADDR").unwrap_or_else(|| DEFAULT_ADDR.into());
        let addr: SocketAddr = addr_text.trim().parse().map_err(|_| ConfigError {
            var: "WAYMARK_ADDR",
            value: addr_text.clone(),
            expected: "an IP address and port such as 127.0.0.1:3000 or 0.0.0.0:8080".into(),
        })?;

        let env = match value("WAYMARK_ENV").as_deref().map(str::trim) {
            None | Some("development") => Environment::Development,
            Some("production") => Environment::Production,
            Some(other) => {
                return Err(ConfigError {
                    var: "WAYMARK_ENV",
                    value: other.into(),
                    expected: "development or production".into(),
                });
            }
        };

        let public_url = match value("WAYMARK_PUBLIC_URL") {
            // Over plain http, session cookies and passwords cross the
            // network readable: production must be reached over https.
            Some(url) if env == Environment::Production && !url.trim().starts_with("https://") => {
                return Err(ConfigError {
                    var: "WAYMARK_PUBLIC_URL",
                    value: url,
                    expected:
                        "an https:// address in production (put a TLS proxy in front of Waymark), \
                               or WAYMARK_ENV=development for a trial on a private network"
                            .into(),
                });
            }
            Some(url) => parse_public_url(&url)?,
            None if env == Environment::Production => {
                return Err(ConfigError {
                    var: "WAYMARK_PUBLIC_URL",
                    value: String::new(),
                    expected:
                        "the address users open in production, e.g. https://roadmap.example.com"
                            .into(),
                });
            }
            None => format!("http://{addr}"),
        };

        let log = value("WAYMARK_LOG").unwrap_or_else(|| DEFAULT_LOG.into());
        if tracing_subscriber::EnvFilter::try_new(&log).is_err() {
            return Err(ConfigError {
                var: "WAYMARK_LOG",
                value: log,
                expected: "a log filter such as info, debug or info,waymark=debug".into(),
            });
        }

        let days = |name: &'static str, default: i64| -> Result<i64, ConfigError> {
            match value(name) {
                None => Ok(default),
                Some(text) => text
                    .trim()
                    .parse::<i64>()
                    .ok()
                    .filter(|days| (1..=3650).contains(days))
                    .ok_or(ConfigError {
                        var: name,
                        value: text,
                        expected: "a whole number of days from 1 to 3650".into(),
                    }),
            }
        };
        let session_idle_days = days("WAYMARK_SESSION_IDLE_DAYS", 7)?;
        let session_max_days = days("WAYMARK_SESSION_MAX_DAYS", 30)?;
        if session_idle_days > session_max_days {
            return Err(ConfigError {
                var: "WAYMARK_SESSION_IDLE_DAYS",
                value: session_idle_days.to_string(),
                expected: format!("at most WAYMARK_SESSION_MAX_DAYS ({session_max_days})"),
            });
        }

        let trusted_proxies = match value("WAYMARK_TRUSTED_PROXIES") {
            None => Vec::new(),
            Some(list) => list
                .split(',')
                .filter(|item| !item.trim().is_empty())
                .map(|item| {
                    TrustedProxy::parse(item).ok_or_else(|| ConfigError {
                        var: "WAYMARK_TRUSTED_PROXIES",
                        value: list.clone(),
                        expected:
                            "comma-separated IP addresses or networks, e.g. 127.0.0.1,10.0.0.0/8"
                                .into(),
                    })
                })
                .collect::<Result<_, _>>()?,
        };

        let api_rate_limit = match value("WAYMARK_API_RATE_LIMIT") {
            None => DEFAULT_API_RATE_LIMIT,
            Some(text) => text
                .trim()
                .parse::<i64>()
                .ok()
                .filter(|n| (1..=1_000_000).contains(n))
                .ok_or(ConfigError {
                    var: "WAYMARK_API_RATE_LIMIT",
                    value: text,
                    expected: "requests per token per minute, from 1 to 1000000".into(),
                })?,
        };

        let webhooks_allow_private = match value("WAYMARK_WEBHOOKS_ALLOW_PRIVATE")
            .as_deref()
            .map(str::trim)
        {
            None | Some("" | "false" | "0") => false,
            Some("true" | "1") => true,
            Some(other) => {
                return Err(ConfigError {
                    var: "WAYMARK_WEBHOOKS_ALLOW_PRIVATE",
                    value: other.to_owned(),
                    expected: "true or false".into(),
                });
            }
        };

        let metrics_token = match value("WAYMARK_METRICS_TOKEN") {
            None => None,
            Some(token) if token.trim().len() >= 16 && token.trim() == token => Some(token),
            Some(token) => {
                return Err(ConfigError {
                    var: "WAYMARK_METRICS_TOKEN",
                    value: "[hidden]".into(),
                    expected: format!(
                        "a secret of at least 16 characters without surrounding spaces ({} given)",
                        token.trim().len()
                    ),
                });
            }
        };
        let metrics_addr = match value("WAYMARK_METRICS_ADDR") {
            None => None,
            Some(text) => Some(text.trim().parse::<SocketAddr>().map_err(|_| ConfigError {
                var: "WAYMARK_METRICS_ADDR",
                value: text.clone(),
                expected: "an IP address and port such as 127.0.0.1:9100".into(),
            })?),
        };
        if metrics_addr == Some(addr) {
            return Err(ConfigError {
                var: "WAYMARK_METRICS_ADDR",
                value: addr.to_string(),
                expected: "an address other than WAYMARK_ADDR".into(),
            });
        }

        let number = |name: &'static str, range: std::ops::RangeInclusive<u64>, what: &str| {
            value(name)
                .map(|text| {
                    text.trim()
                        .parse::<u64>()
                        .ok()
                        .filter(|n| range.contains(n))
                        .ok_or_else(|| ConfigError {
                            var: name,
                            value: text.clone(),
                            expected: format!("{what}, from {} to {}", range.start(), range.end()),
                        })
                })
                .transpose()
        };
        let defaults = DbSettings::default();
        let pool_size = number(
            "WAYMARK_DATABASE_POOL_SIZE",
            1..=1000,
            "PostgreSQL connections per instance",
        )?
        .map_or(defaults.pool_size, |n| n as u32);
        let statement_timeout = match number(
            "WAYMARK_DATABASE_STATEMENT_TIMEOUT",
            0..=86_400,
            "seconds a statement may run (0: no limit)",
        )? {
            None => defaults.statement_timeout,
            Some(0) => None,
            Some(seconds) => Some(Duration::from_secs(seconds)),
        };
        let ca_file = value("WAYMARK_DATABASE_CA_FILE").map(|path| PathBuf::from(path.trim()));
        if let Some(path) = &ca_file
            && !path.is_file()
        {
            return Err(ConfigError {
                var: "WAYMARK_DATABASE_CA_FILE",
                value: path.display().to_string(),
                expected: "a readable PEM file of the CA that signed PostgreSQL's certificate"
                    .into(),
            });
        }

        let header_timeout = number(
            "WAYMARK_HEADER_TIMEOUT",
            1..=3_600,
            "seconds a client has to send a request's head on a new or idle connection",
        )?
        .map_or(crate::serve::DEFAULT_HEADER_TIMEOUT, Duration::from_secs);

        let workspaces = WorkspaceLimits {
            per_account: number(
                "WAYMARK_WORKSPACES_PER_ACCOUNT",
                1..=100_000,
                "workspaces one account may have made",
            )?
            .map_or(WorkspaceLimits::DEFAULT_PER_ACCOUNT, |n| n as i64),
            per_hour: number(
                "WAYMARK_WORKSPACES_PER_HOUR",
                1..=100_000,
                "workspaces one account may make in an hour",
            )?
            .map_or(WorkspaceLimits::DEFAULT_PER_HOUR, |n| n as i64),
        };
        let stream_defaults = StreamLimits::default();
        let per_session = number(
            "WAYMARK_LIVE_STREAMS_PER_SESSION",
            1..=100_000,
            "live-update streams one session may hold open on an instance",
        )?
        .map_or(stream_defaults.per_session, |n| n as usize);
        let per_user = number(
            "WAYMARK_LIVE_STREAMS_PER_USER",
            1..=100_000,
            "live-update streams one user may hold open on an instance",
        )?
        .map_or(stream_defaults.per_user, |n| n as usize);
        if per_session > per_user {
            return Err(ConfigError {
                var: "WAYMARK_LIVE_STREAMS_PER_SESSION",
                value: per_session.to_string(),
                expected: format!("at most WAYMARK_LIVE_STREAMS_PER_USER ({per_user})"),
            });
        }

        Ok(Self {
            database_url,
            database_kind,
            addr,
            public_url,
            env,
            log,
            session_idle_days,
            session_max_days,
            trusted_proxies,
            api_rate_limit,
            webhooks_allow_private,
            metrics_token,
            metrics_addr,
            database: DbSettings {
                pool_size,
                statement_timeout,
                ca_file,
            },
            connections: crate::serve::ConnectionSettings { header_timeout },
            workspaces,
            live_streams: StreamLimits {
                per_session,
                per_user,
            },
        })
    }

    pub fn is_https(&self) -> bool {
        self.public_url.starts_with("https://")
    }

    pub fn auth_settings(&self) -> app::backend::auth::session::AuthSettings {
        use app::backend::auth::session::{AuthSettings, DAY_MS};
        AuthSettings {
            public_url: self.public_url.clone(),
            session_idle_ms: self.session_idle_days * DAY_MS,
            session_max_ms: self.session_max_days * DAY_MS,
            trusted_proxies: self.trusted_proxies.clone(),
            api_rate_limit: self.api_rate_limit,
            workspaces: self.workspaces,
        }
    }
}

/// Accepts `http(s)://host[:port]` with an optional trailing slash and
/// returns it without the slash.
fn parse_public_url(text: &str) -> Result<String, ConfigError> {
    let invalid = || ConfigError {
        var: "WAYMARK_PUBLIC_URL",
        value: text.into(),
        expected: "an http:// or https:// origin without a path, e.g. https://roadmap.example.com"
            .into(),
    };
    let trimmed = text.trim().trim_end_matches('/');
    let uri: http::Uri = trimmed.parse().map_err(|_| invalid())?;
    let scheme_ok = matches!(uri.scheme_str(), Some("http" | "https"));
    let has_host = uri.host().is_some_and(|h| !h.is_empty());
    let no_path = uri.path() == "/" || uri.path().is_empty();
    if scheme_ok && has_host && no_path && uri.query().is_none() {
        Ok(trimmed.to_owned())
    } else {
        Err(invalid())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn config(vars: &[(&str, &str)]) -> Result<Config, ConfigError> {
        let vars: HashMap<String, String> = vars
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        Config::from_lookup(|name| vars.get(name).cloned())
    }

    #[test]
    fn production_refuses_a_plain_http_address() {
        let err = config(&[
            ("WAYMARK_ENV", "production"),
            ("WAYMARK_PUBLIC_URL", "http://roadmap.example.com"),
        ])
        .unwrap_err();
        assert_eq!(err.var, "WAYMARK_PUBLIC_URL");
        assert!(err.expected.contains("https://"), "{err}");
        let ok = config(&[
            ("WAYMARK_ENV", "production"),
            ("WAYMARK_PUBLIC_URL", "https://roadmap.example.com"),
        ]);
        assert!(ok.is_ok(), "{ok:?}");
    }

    #[test]
    fn connection_and_workspace_limits_have_defaults_and_take_numbers() {
        let defaults = config(&[]).unwrap();
        assert_eq!(
            defaults.connections.header_timeout,
            crate::serve::DEFAULT_HEADER_TIMEOUT
        );
        assert_eq!(defaults.workspaces, WorkspaceLimits::default());
        let set = config(&[
            ("WAYMARK_HEADER_TIMEOUT", "5"),
            ("WAYMARK_WORKSPACES_PER_ACCOUNT", "20"),
            ("WAYMARK_WORKSPACES_PER_HOUR", "3"),
        ])
        .unwrap();
        assert_eq!(set.connections.header_timeout, Duration::from_secs(5));
        assert_eq!(
            set.workspaces,
            WorkspaceLimits {
                per_account: 20,
                per_hour: 3
            }
        );
        for (var, value) in [
            ("WAYMARK_HEADER_TIMEOUT", "0"),
            ("WAYMARK_HEADER_TIMEOUT", "ten"),
            ("WAYMARK_WORKSPACES_PER_HOUR", "0"),
            ("WAYMARK_WORKSPACES_PER_ACCOUNT", "-1"),
        ] {
            assert_eq!(config(&[(var, value)]).unwrap_err().var, var);
        }
    }

    #[test]
    fn defaults_give_a_local_sqlite_instance() {
        let config = config(&[]).unwrap();
        assert_eq!(config.database_url, DEFAULT_DATABASE_URL);
        assert_eq!(config.addr.to_string(), "127.0.0.1:3000");
        assert_eq!(config.public_url, "http://127.0.0.1:3000");
        assert_eq!(config.env, Environment::Development);
        assert!(!config.is_https());
    }

    #[test]
    fn bad_values_name_the_variable_the_value_and_what_is_accepted() {
        let err = config(&[("WAYMARK_ADDR", "localhost")]).unwrap_err();
        assert_eq!(err.var, "WAYMARK_ADDR");
        let line = err.to_string();
        assert!(
            line.contains("\"localhost\"") && line.contains("127.0.0.1:3000"),
            "{line}"
        );
        assert!(!line.contains('\n'));

        assert_eq!(
            config(&[("WAYMARK_ENV", "prod")]).unwrap_err().var,
            "WAYMARK_ENV"
        );
        assert_eq!(
            config(&[("DATABASE_URL", "mysql://x")]).unwrap_err().var,
            "DATABASE_URL"
        );
        assert_eq!(
            config(&[("WAYMARK_LOG", "info,=[")]).unwrap_err().var,
            "WAYMARK_LOG"
        );
        for url in [
            "ftp://x.org",
            "https://x.org/roadmap",
            "roadmap.example.com",
            "https://",
        ] {
            assert_eq!(
                config(&[("WAYMARK_PUBLIC_URL", url)]).unwrap_err().var,
                "WAYMARK_PUBLIC_URL",
                "{url}"
            );
        }
    }

    #[test]
    fn session_lifetimes_and_trusted_proxies_are_checked() {
        let parsed = config(&[
            ("WAYMARK_SESSION_IDLE_DAYS", "2"),
            ("WAYMARK_SESSION_MAX_DAYS", "10"),
            ("WAYMARK_TRUSTED_PROXIES", "127.0.0.1, 10.0.0.0/8"),
        ])
        .unwrap();
        assert_eq!((parsed.session_idle_days, parsed.session_max_days), (2, 10));
        assert_eq!(parsed.trusted_proxies.len(), 2);
        assert_eq!(
            config(&[("WAYMARK_SESSION_IDLE_DAYS", "0")])
                .unwrap_err()
                .var,
            "WAYMARK_SESSION_IDLE_DAYS"
        );
        assert_eq!(
            config(&[("WAYMARK_SESSION_IDLE_DAYS", "40")])
                .unwrap_err()
                .var,
            "WAYMARK_SESSION_IDLE_DAYS"
        );
        assert_eq!(
            config(&[("WAYMARK_TRUSTED_PROXIES", "proxy")])
                .unwrap_err()
                .var,
            "WAYMARK_TRUSTED_PROXIES"
        );
    }

    #[test]
    fn database_and_metrics_settings_are_checked() {
        let parsed = config(&[
            ("WAYMARK_DATABASE_POOL_SIZE", "25"),
            ("WAYMARK_DATABASE_STATEMENT_TIMEOUT", "0"),
            ("WAYMARK_METRICS_TOKEN", "a-long-enough-secret"),
            ("WAYMARK_METRICS_ADDR", "127.0.0.1:9100"),
        ])
        .unwrap();
        assert_eq!(parsed.database.pool_size, 25);
        assert_eq!(parsed.database.statement_timeout, None);
        assert_eq!(
            parsed.metrics_token.as_deref(),
            Some("a-long-enough-secret")
        );
        assert_eq!(parsed.metrics_addr.unwrap().port(), 9100);
        let defaults = config(&[]).unwrap();
        assert_eq!(defaults.database, DbSettings::default());
        assert_eq!(defaults.metrics_token, None);
        for (var, value) in [
            ("WAYMARK_DATABASE_POOL_SIZE", "0"),
            ("WAYMARK_DATABASE_POOL_SIZE", "many"),
            ("WAYMARK_DATABASE_STATEMENT_TIMEOUT", "-1"),
            ("WAYMARK_DATABASE_CA_FILE", "/nonexistent/ca.pem"),
            ("WAYMARK_METRICS_TOKEN", "short"),
            ("WAYMARK_METRICS_ADDR", "9100"),
            ("WAYMARK_METRICS_ADDR", DEFAULT_ADDR),
        ] {
            let err = config(&[(var, value)]).unwrap_err();
            assert_eq!(err.var, var, "{value}");
        }
        let hidden = config(&[("WAYMARK_METRICS_TOKEN", "short secret")]).unwrap_err();
        assert!(!hidden.to_string().contains("short secret"), "{hidden}");
    }

    #[test]
    fn live_stream_caps_are_checked() {
        assert_eq!(config(&[]).unwrap().live_streams, StreamLimits::default());
        let parsed = config(&[
            ("WAYMARK_LIVE_STREAMS_PER_SESSION", "2000"),
            ("WAYMARK_LIVE_STREAMS_PER_USER", "2000"),
        ])
        .unwrap();
        assert_eq!(
            parsed.live_streams,
            StreamLimits {
                per_session: 2000,
                per_user: 2000
            }
        );
        for (var, value) in [
            ("WAYMARK_LIVE_STREAMS_PER_SESSION", "0"),
            ("WAYMARK_LIVE_STREAMS_PER_USER", "lots"),
            // Above the user's default cap.
            ("WAYMARK_LIVE_STREAMS_PER_SESSION", "100"),
        ] {
            let err = config(&[(var, value)]).unwrap_err();
            assert_eq!(err.var, var, "{value}");
        }
    }

    #[test]
    fn production_needs_a_public_url() {
        assert_eq!(
            config(&[("WAYMARK_ENV", "production")]).unwrap_err().var,
            "WAYMARK_PUBLIC_URL"
        );
        let config = config(&[
            ("WAYMARK_ENV", "production"),
            ("WAYMARK_PUBLIC_URL", "https://roadmap.example.com/"),
        ])
        .unwrap();
        assert_eq!(config.public_url, "https://roadmap.example.com");
        assert!(config.is_https());
    }
}
