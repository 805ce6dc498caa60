//! The command line: `waymark [serve|migrate|check|backup|create-admin|seed-demo|help|version]`.

use std::path::{Path, PathBuf};

use crate::config::Config;

pub const USAGE: &str = "\
Waymark: collect, score and plan what your product team builds next.

Usage: waymark [COMMAND]

Commands:
  serve                 Migrate the database and serve the site (the default)
  migrate               Apply database migrations and exit
  check                 Check the configuration and the database, then exit
  backup FILE           Copy the SQLite database, consistently, into a new
                        FILE while the server keeps running (for PostgreSQL
                        it tells how to use pg_dump)
  create-admin --email EMAIL [--name NAME]
                        Create an instance admin; the password is read from
                        a prompt, or from the first line of standard input
  seed-demo --owner EMAIL [--slug SLUG] [--items N] [--comments N]
                        Create a demo workspace owned by EMAIL, filled with
                        N sample items (default 40); --comments puts that
                        many comments on its first item (for benchmarks)
  help                  Show this help
  version               Show the version

Configuration comes from environment variables and an optional .env file:
  DATABASE_URL        sqlite://data/waymark.db (default) or postgres://USER@HOST/DB
  WAYMARK_ADDR        address to listen on (default 127.0.0.1:3000)
  WAYMARK_PUBLIC_URL  address users open, e.g. https://roadmap.example.com
  WAYMARK_ENV         development (default) or production
  WAYMARK_LOG         log filter (default info)
  WAYMARK_SESSION_IDLE_DAYS, WAYMARK_SESSION_MAX_DAYS, WAYMARK_TRUSTED_PROXIES
                      see the README
";

/// What `seed-demo` makes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SeedDemo {
    pub owner: String,
    pub slug: String,
    pub items: usize,
    pub comments: usize,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    Serve,
    Migrate,
    Check,
    Backup { file: PathBuf },
    CreateAdmin { email: String, name: Option<String> },
    SeedDemo(SeedDemo),
    Help,
    Version,
}

impl Command {
    pub fn parse(args: &[String]) -> Result<Self, String> {
        match args.first().map(String::as_str) {
            Some("create-admin") => return parse_create_admin(&args[1..]),
            Some("seed-demo") => return parse_seed_demo(&args[1..]),
            Some("backup") => {
                return match &args[1..] {
                    [file] if !file.starts_with('-') => Ok(Self::Backup {
                        file: PathBuf::from(file),
                    }),
                    _ => Err("backup takes one argument: the new file to write, \
                              e.g. `waymark backup waymark-2026-12-01.db`"
                        .into()),
                };
            }
            _ => {}
        }
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

/// `--key value` and `--key=value` pairs.
fn options(args: &[String]) -> Result<Vec<(String, String)>, String> {
    let mut pairs = Vec::new();
    let mut rest = args.iter();
    while let Some(flag) = rest.next() {
        let (key, inline) = match flag.split_once('=') {
            Some((key, value)) => (key, Some(value.to_owned())),
            None => (flag.as_str(), None),
        };
        let value = match inline {
            Some(value) => value,
            None => rest
                .next()
                .cloned()
                .ok_or_else(|| format!("{key} needs a value"))?,
        };
        pairs.push((key.to_owned(), value));
    }
    Ok(pairs)
}

fn parse_seed_demo(args: &[String]) -> Result<Command, String> {
    let mut seed = SeedDemo {
        owner: String::new(),
        slug: "demo".into(),
        items: app::api::workspaces::DEMO_ITEMS,
        comments: 3,
    };
    let count = |key: &str, value: &str, most: usize| {
        value
            .parse::<usize>()
            .ok()
            .filter(|n| (1..=most).contains(n))
            .ok_or_else(|| format!("{key} takes a number from 1 to {most}"))
    };
    for (key, value) in options(args)? {
        match key.as_str() {
            "--owner" => seed.owner = value,
            "--slug" => {
                seed.slug = app::model::parse_slug(&value)
                    .map_err(|m| format!("--slug: {m}"))?
                    .into_string()
            }
            "--items" => seed.items = count(&key, &value, 1_000_000)?,
            "--comments" => seed.comments = count(&key, &value, 10_000)?,
            other => return Err(format!("unknown option {other:?} for seed-demo")),
        }
    }
    if seed.owner.is_empty() {
        return Err("seed-demo needs --owner EMAIL (an existing account)".into());
    }
    Ok(Command::SeedDemo(seed))
}

fn parse_create_admin(args: &[String]) -> Result<Command, String> {
    let mut email = None;
    let mut name = None;
    for (key, value) in options(args)? {
        match key.as_str() {
            "--email" => email = Some(value),
            "--name" => name = Some(value),
            "--password" => {
                return Err(
                    "passwords are never taken as arguments (they end up in shell history); \
                            type it at the prompt or pipe it to standard input"
                        .into(),
                );
            }
            other => return Err(format!("unknown option {other:?} for create-admin")),
        }
    }
    let email = email.ok_or("create-admin needs --email EMAIL")?;
    Ok(Command::CreateAdmin { email, name })
}

/// `waymark create-admin`: an admin account from the command line, for
/// instances where nobody should race to the set-up page.
/// Creates a demo workspace for an existing account, without the server.
pub async fn seed_demo(config: &Config, seed: &SeedDemo) -> Result<(), String> {
    use app::backend::db::users;

    let state = crate::serve::open_state(config)
        .await
        .map_err(|e| e.to_string())?;
    let result = async {
        let owner = users::find_by_email(&state.db, &seed.owner.trim().to_lowercase())
            .await
            .map_err(|e| e.to_string())?
            .ok_or_else(|| format!("--owner: no account has the email {}", seed.owner))?;
        app::backend::demo::seed(
            &state,
            owner.id,
            &owner.display_name,
            &seed.slug,
            seed.items,
            seed.comments,
            None,
        )
        .await
        .map_err(|e| e.to_string())
    }
    .await;
    state.db.close().await;
    let seeded = result?;
    println!(
        "created /w/{} with {} items for {}",
        seeded.slug, seeded.items, seed.owner
    );
    Ok(())
}

pub async fn create_admin(config: &Config, email: &str, name: Option<&str>) -> Result<(), String> {
    use app::backend::accounts::{self, Registration};
    use app::backend::auth::client::ClientInfo;
    use app::model::{Email, parse_display_name};

    let email = Email::parse(email).map_err(|m| format!("--email: {m}"))?;
    let default_name = email
        .as_str()
        .split('@')
        .next()
        .unwrap_or_default()
        .to_owned();
    let name =
        parse_display_name(name.unwrap_or(&default_name)).map_err(|m| format!("--name: {m}"))?;
    let password = read_password()?;
    let state = crate::serve::open_state(config)
        .await
        .map_err(|e| e.to_string())?;
    let client = ClientInfo {
        ip: "command line".into(),
        user_agent: "waymark create-admin".into(),
    };
    let result = accounts::register(
        &state,
        &email,
        &name,
        &password,
        Registration::CommandLine,
        &client,
    )
    .await;
    state.db.close().await;
    match result {
        Ok(_) => {
            println!("created admin {} ({name})", email.as_str());
            Ok(())
        }
        Err(app::error::AppError::Invalid { field, message }) => Err(format!("{field}: {message}")),
        Err(err) => Err(err.to_string()),
    }
}

/// Reads the password: at a terminal with a hidden prompt (typed twice),
/// otherwise the first line of standard input.
fn read_password() -> Result<String, String> {
    use std::io::{BufRead, IsTerminal, Write};

    let stdin = std::io::stdin();
    if !stdin.is_terminal() {
        let mut line = String::new();
        stdin
            .lock()
            .read_line(&mut line)
            .map_err(|e| e.to_string())?;
        let password = line.trim_end_matches(['\r', '\n']).to_owned();
        return if password.is_empty() {
            Err("no password on standard input".into())
        } else {
            Ok(password)
        };
    }
    let prompt = |label: &str| -> Result<String, String> {
        eprint!("{label}");
        std::io::stderr().flush().ok();
        let echo_off = std::process::Command::new("stty")
            .arg("-echo")
            .status()
            .is_ok_and(|s| s.success());
        let mut line = String::new();
        let read = stdin.lock().read_line(&mut line);
        if echo_off {
            let _ = std::process::Command::new("stty").arg("echo").status();
            eprintln!();
        }
        read.map_err(|e| e.to_string())?;
        Ok(line.trim_end_matches(['\r', '\n']).to_owned())
    };
    let first = prompt("Password: ")?;
    let second = prompt("Password again: ")?;
    if first != second {
        return Err("the passwords differ".into());
    }
    Ok(first)
}

/// `waymark migrate`.
pub async fn migrate(config: &Config) -> Result<(), String> {
    let db = app::backend::Db::connect(&config.database_url)
        .await
        .map_err(|e| e.to_string())?;
    db.migrate().await.map_err(|e| e.to_string())?;
    app::backend::scoring::rescore_if_asked(&db)
        .await
        .map_err(|e| e.to_string())?;
    let version = db.schema_version().await.map_err(|e| e.to_string())?;
    println!(
        "{} database is at schema version {version}",
        db.kind().label()
    );
    db.close().await;
    Ok(())
}

/// `waymark backup FILE`: a consistent copy of a live SQLite database in a
/// new file. The copy is written beside FILE under a temporary name,
/// checked (`PRAGMA integrity_check`), and only then given its name, so a
/// FILE that exists is never a half-written backup; an existing FILE is
/// never overwritten.
pub async fn backup(config: &Config, file: &Path) -> Result<(), String> {
    use app::backend::db::sqlite_file_path;

    if config.database_kind != app::model::DatabaseKind::Sqlite {
        return Err(format!(
            "`waymark backup` copies SQLite databases; back up PostgreSQL with its own tool, \
             while Waymark runs:\n  pg_dump --format=custom --file={} \"$DATABASE_URL\"\n\
             and restore with:\n  \
             pg_restore --clean --if-exists --no-owner --dbname=\"$DATABASE_URL\" {}",
            file.display(),
            file.display()
        ));
    }
    let source = sqlite_file_path(&config.database_url).ok_or(
        "DATABASE_URL names no SQLite file (an in-memory database has nothing to back up)",
    )?;
    if !source.is_file() {
        return Err(format!("there is no database at {}", source.display()));
    }
    if file.exists() {
        return Err(format!(
            "{} exists; a backup never overwrites a file: name a new one",
            file.display()
        ));
    }
    let name = file
        .file_name()
        .ok_or_else(|| format!("{} names no file", file.display()))?;
    let partial = file.with_file_name(format!(
        ".{}.{}.partial",
        name.to_string_lossy(),
        std::process::id()
    ));
    let result = copy_and_check(config, &partial).await;
    let result = result.and_then(|summary| {
        // A hard link, unlike a rename, fails when the name is taken.
        std::fs::hard_link(&partial, file).map_err(|err| match err.kind() {
            std::io::ErrorKind::AlreadyExists => format!(
                "{} appeared while the backup ran; it was left alone",
                file.display()
            ),
            _ => format!("cannot write {}: {err}", file.display()),
        })?;
        Ok(summary)
    });
    let _ = std::fs::remove_file(&partial);
    let summary = result?;
    println!(
        "backed up {} to {} ({summary})",
        source.display(),
        file.display()
    );
    Ok(())
}

/// Writes the copy and checks it; says what it holds.
async fn copy_and_check(config: &Config, copy: &Path) -> Result<String, String> {
    use sqlx::Connection;

    let db = app::backend::Db::connect(&config.database_url)
        .await
        .map_err(|e| e.to_string())?;
    let written = db.vacuum_into(copy).await;
    db.close().await;
    written.map_err(|err| format!("cannot copy the database into {}: {err}", copy.display()))?;

    let url = format!("sqlite://{}?mode=ro", copy.display());
    let mut connection = sqlx::AnyConnection::connect(&url)
        .await
        .map_err(|err| format!("cannot open the copy: {err}"))?;
    let integrity: String = sqlx::query_scalar("PRAGMA integrity_check")
        .fetch_one(&mut connection)
        .await
        .map_err(|err| format!("cannot check the copy: {err}"))?;
    let version: Option<i64> = sqlx::query_scalar("SELECT MAX(version) FROM _sqlx_migrations")
        .fetch_one(&mut connection)
        .await
        .map_err(|err| format!("cannot read the copy's schema version: {err}"))?;
    let _ = connection.close().await;
    if integrity != "ok" {
        return Err(format!("the copy failed its integrity check: {integrity}"));
    }
    let bytes = std::fs::metadata(copy).map(|m| m.len()).unwrap_or(0);
    Ok(format!(
        "{:.1} MB, schema version {}, integrity ok",
        bytes as f64 / 1_000_000.0,
        version.unwrap_or(0)
    ))
}

/// `waymark check`: the configuration parses, the database answers, and
/// what it connected to: the server's version, whether the link is
/// encrypted, the pool and timeout it would use, and the schema against
/// this build's. Exits non-zero when something would stop `serve`.
pub async fn check(config: &Config) -> Result<(), String> {
    println!(
        "configuration: ok ({} on {}, {:?})",
        config.public_url, config.addr, config.env
    );
    let db = app::backend::Db::connect_with(&config.database_url, config.database.clone())
        .await
        .map_err(|e| format!("database: {e}{}", connect_hint(&e.to_string())))?;
    let facts = db.describe_server().await;
    let applied = db.schema_version().await.unwrap_or(0);
    let known = db.latest_known_schema_version();
    let kind = db.kind();
    db.close().await;
    let facts = facts.map_err(|e| format!("database: {e}"))?;
    println!(
        "database: ok ({}, {})",
        facts.version,
        redacted(&config.database_url)
    );
    if let Some(tls) = &facts.tls {
        let settings = &config.database;
        println!(
            "  encryption: {tls}; pool: {} connections; statement timeout: {}",
            settings.pool_size,
            facts.statement_timeout.as_deref().unwrap_or("none")
        );
        if tls == "off" && !is_loopback_url(&config.database_url) {
            println!(
                "  warning: the link to PostgreSQL is not encrypted; add sslmode=verify-full \
                 (and WAYMARK_DATABASE_CA_FILE) to reach it over a network"
            );
        }
    }
    if applied > known {
        return Err(format!(
            "the database is at schema version {applied}, newer than this build ({known}); \
             a newer Waymark upgraded it: run that version"
        ));
    }
    match known - applied {
        0 => println!("schema: version {applied}, up to date"),
        missing => println!(
            "schema: version {applied} of {known}; {missing} migration(s) will be applied at start"
        ),
    }
    if kind == app::model::DatabaseKind::Sqlite
        && config.env == crate::config::Environment::Production
    {
        println!(
            "note: SQLite serves one instance; for several, use PostgreSQL (see docs/deployment.md)"
        );
    }
    match (&config.metrics_token, config.metrics_addr) {
        (None, None) => {
            println!("metrics: off (set WAYMARK_METRICS_TOKEN or WAYMARK_METRICS_ADDR)")
        }
        (Some(_), None) => println!("metrics: /metrics with a bearer token"),
        (_, Some(addr)) => println!("metrics: http://{addr}/metrics"),
    }
    Ok(())
}

/// The URL without its password.
fn redacted(url: &str) -> String {
    match url::Url::parse(url) {
        Ok(mut parsed) if parsed.password().is_some() => {
            let _ = parsed.set_password(Some("****"));
            parsed.to_string()
        }
        _ => url.to_owned(),
    }
}

fn is_loopback_url(url: &str) -> bool {
    url::Url::parse(url).ok().is_some_and(|parsed| {
        matches!(
            parsed.host_str(),
            None | Some("localhost" | "127.0.0.1" | "[::1]" | "::1")
        ) || parsed.query_pairs().any(|(k, _)| k == "host")
    })
}

/// A hint for the usual ways a connection fails.
fn connect_hint(error: &str) -> &'static str {
    let error = error.to_ascii_lowercase();
    if error.contains("certificate") || error.contains("tls") || error.contains("ssl") {
        "\n  hint: a TLS problem. Check sslmode in DATABASE_URL, and that \
         WAYMARK_DATABASE_CA_FILE is the CA that signed the server's certificate, \
         whose name must match the host in the URL for verify-full"
    } else if error.contains("refused") || error.contains("timed out") {
        "\n  hint: nothing answered at that address; is the database server running and reachable?"
    } else if error.contains("password") || error.contains("authentication") {
        "\n  hint: the database refused the user or password in DATABASE_URL"
    } else {
        ""
    }
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
        assert_eq!(
            Command::parse(&args(&["backup", "copy.db"])),
            Ok(Command::Backup {
                file: "copy.db".into()
            })
        );
        assert!(Command::parse(&args(&["backup"])).is_err());
        assert!(Command::parse(&args(&["backup", "a.db", "b.db"])).is_err());
        assert_eq!(
            Command::parse(&args(&["create-admin", "--email", "a@b.c", "--name=Ada"])),
            Ok(Command::CreateAdmin {
                email: "a@b.c".into(),
                name: Some("Ada".into())
            })
        );
        assert!(Command::parse(&args(&["create-admin"])).is_err());
        let refused = Command::parse(&args(&[
            "create-admin",
            "--email",
            "a@b.c",
            "--password",
            "x",
        ]));
        assert!(refused.unwrap_err().contains("never taken as arguments"));
    }

    #[test]
    fn seed_demo_takes_an_owner_and_sizes() {
        assert_eq!(
            Command::parse(&args(&[
                "seed-demo",
                "--owner",
                "a@b.c",
                "--items=10000",
                "--slug",
                "Big"
            ])),
            Ok(Command::SeedDemo(SeedDemo {
                owner: "a@b.c".into(),
                slug: "big".into(),
                items: 10_000,
                comments: 3,
            }))
        );
        assert!(Command::parse(&args(&["seed-demo"])).is_err());
        assert!(Command::parse(&args(&["seed-demo", "--owner", "a@b.c", "--items", "0"])).is_err());
        assert!(Command::parse(&args(&["seed-demo", "--owner", "a@b.c", "--slug", "-x"])).is_err());
    }
}
