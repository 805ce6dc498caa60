//! The command line: `waymark [serve|migrate|check|help|version]`.

use crate::config::Config;

pub const USAGE: &str = "\
Waymark: collect, score and plan what your product team builds next.

Usage: waymark [COMMAND]

Commands:
  serve     Migrate the database and serve the site (the default)
  migrate   Apply database migrations and exit
  check     Check the configuration and the database, then exit
  help      Show this help
  version   Show the version

Configuration comes from environment variables and an optional .env file:
  DATABASE_URL        sqlite://data/waymark.db (default) or postgres://USER@HOST/DB
  WAYMARK_ADDR        address to listen on (default 127.0.0.1:3000)
  WAYMARK_PUBLIC_URL  address users open, e.g. https://roadmap.example.com
  WAYMARK_ENV         development (default) or production
  WAYMARK_LOG         log filter (default info)
";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Command {
    Serve,
    Migrate,
    Check,
    Help,
    Version,
}

impl Command {
    pub fn parse(args: &[String]) -> Result<Self, String> {
        match args {
            [] => Ok(Self::Serve),
            [one] => match one.as_str() {
                "serve" => Ok(Self::Serve),
                "migrate" => Ok(Self::Migrate),
                "check" => Ok(Self::Check),
                "help" | "-h" | "--help" => Ok(Self::Help),
                "version" | "-V" | "--version" => Ok(Self::Version),
                other => Err(format!("unknown command {other:?}; run `waymark help`")),
            },
            _ => Err(format!(
                "unexpected arguments {:?}; run `waymark help`",
                &args[1..]
            )),
        }
    }
}

/// `waymark migrate`.
pub async fn migrate(config: &Config) -> Result<(), String> {
    let db = app::backend::Db::connect(&config.database_url)
        .await
        .map_err(|e| e.to_string())?;
    db.migrate().await.map_err(|e| e.to_string())?;
    let version = db.schema_version().await.map_err(|e| e.to_string())?;
    println!(
        "{} database is at schema version {version}",
        db.kind().label()
    );
    db.close().await;
    Ok(())
}

/// `waymark check`: the configuration parses, the database answers and its
/// schema is not newer than this build.
pub async fn check(config: &Config) -> Result<(), String> {
    println!(
        "configuration: ok ({} on {})",
        config.public_url, config.addr
    );
    let db = app::backend::Db::connect(&config.database_url)
        .await
        .map_err(|e| e.to_string())?;
    db.ping().await.map_err(|e| format!("database: {e}"))?;
    let applied = db.schema_version().await.unwrap_or(0);
    let known = db.latest_known_schema_version();
    db.close().await;
    if applied > known {
        return Err(format!(
            "the database is at schema version {applied}, newer than this build ({known}); upgrade waymark"
        ));
    }
    println!(
        "database: ok ({}, schema {applied} of {known})",
        db.kind().label()
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| (*s).to_owned()).collect()
    }

    #[test]
    fn serves_by_default_and_knows_its_commands() {
        assert_eq!(Command::parse(&args(&[])), Ok(Command::Serve));
        assert_eq!(Command::parse(&args(&["migrate"])), Ok(Command::Migrate));
        assert_eq!(Command::parse(&args(&["--version"])), Ok(Command::Version));
        assert!(
            Command::parse(&args(&["frobnicate"]))
                .unwrap_err()
                .contains("frobnicate")
        );
        assert!(Command::parse(&args(&["serve", "x"])).is_err());
    }
}
