//! The data layer: one set of SQL functions for SQLite and PostgreSQL.
//!
//! Queries go through sqlx's `Any` driver and are written in the SQL both
//! databases accept (`$1` placeholders, `RETURNING`, `ON CONFLICT`). Flags are
//! stored as integers 0/1 and times as Unix milliseconds, because `Any` cannot
//! carry booleans or timestamp types across both drivers. Each database has its
//! own migrations, which must describe the same schema.
//!
//! SQLite allows one writer at a time. A write that starts as a read and then
//! upgrades fails at once with "database is locked", whatever the busy timeout,
//! so every write goes through [`Db::begin`], which uses a pool of exactly one
//! connection and opens the transaction with `BEGIN IMMEDIATE`. Reads use
//! connections of their own that cannot write ([`readers`]) and, in WAL
//! mode, never wait for the writer.

pub mod api_rate_limits;
pub mod api_tokens;
pub mod comments;
pub mod criteria;
pub mod invitations;
pub mod item_activity;
pub mod items;
pub mod memberships;
pub mod password_resets;
pub mod ratings;
pub mod readers;
pub mod rounds;
pub mod saved_views;
pub mod security_events;
pub mod sessions;
pub mod settings;
pub mod share_links;
pub mod sign_in_failures;
mod sqlite_reader;
pub mod statuses;
pub mod two_factor;
pub mod users;
pub mod webhooks;
pub mod workspaces;

use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::{Any, AnyPool, ConnectOptions, Connection, Executor, Transaction};

use crate::model::DatabaseKind;
use readers::Readers;

static SQLITE_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/sqlite");
static POSTGRES_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/postgres");

/// Pool sizes. SQLite readers are cheap file handles; PostgreSQL connections
/// are server processes, so keep that pool modest per instance.
const SQLITE_READERS: usize = 8;

/// What every SQLite connection runs first. WAL lets readers run beside the
/// writer; NORMAL sync is safe against application crashes (a power loss
/// may lose the last commits).
const SQLITE_SETUP: &str = "PRAGMA journal_mode = WAL; \
                            PRAGMA synchronous = NORMAL; \
                            PRAGMA foreign_keys = ON; \
                            PRAGMA busy_timeout = 5000;";

/// How to reach PostgreSQL: from `WAYMARK_DATABASE_*` settings. SQLite
/// ignores them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DbSettings {
    /// Connections one instance keeps at most.
    pub pool_size: u32,
    /// A statement running longer is cancelled by the server (`None`: no
    /// limit).
    pub statement_timeout: Option<Duration>,
    /// The CA certificate (PEM) that signed the server's certificate; with
    /// it, and no `sslmode` in the URL, the connection must be TLS to a
    /// server whose name matches (`verify-full`).
    pub ca_file: Option<std::path::PathBuf>,
}

impl Default for DbSettings {
    fn default() -> Self {
        Self {
            pool_size: 10,
            statement_timeout: Some(Duration::from_secs(30)),
            ca_file: None,
        }
    }
}

/// One pool's connections, for `/metrics`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PoolUsage {
    pub pool: &'static str,
    pub open: usize,
    pub busy: usize,
    pub max: usize,
}

#[derive(Debug, thiserror::Error)]
pub enum DbError {
    #[error(
        "DATABASE_URL={0:?} is not supported: use sqlite://PATH (for example sqlite://data/waymark.db) or postgres://USER@HOST/DB"
    )]
    UnsupportedUrl(String),
    #[error("cannot create the folder {path} for the SQLite database: {source}")]
    CreateFolder {
        path: String,
        source: std::io::Error,
    },
    #[error("cannot create the SQLite database {path}: {source}")]
    CreateFile {
        path: String,
        source: std::io::Error,
    },
    #[error("cannot open the database: {0}")]
    Connect(#[source] sqlx::Error),
    #[error(
        "the database is at schema version {applied}, newer than this build of Waymark knows ({known}): \
         a newer version has upgraded it, and going back is not supported; run that version, \
         or restore the backup taken before the upgrade"
    )]
    NewerSchema { applied: i64, known: i64 },
    #[error("cannot migrate the database: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error(transparent)]
    Query(#[from] sqlx::Error),
}

#[derive(Clone)]
pub struct Db {
    kind: DatabaseKind,
    settings: Arc<DbSettings>,
    reader: Readers,
    /// On SQLite a pool of one connection; on PostgreSQL the pool `reader`
    /// reads from too.
    writer: AnyPool,
}

impl std::fmt::Debug for Db {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Db").field("kind", &self.kind).finish()
    }
}

impl Db {
    /// Opens the database named by a `sqlite://…` or `postgres://…` URL. For
    /// SQLite the file and its folder are created when missing.
    pub async fn connect(url: &str) -> Result<Self, DbError> {
        Self::connect_with(url, DbSettings::default()).await
    }

    /// As [`Db::connect`], with the PostgreSQL settings given.
    pub async fn connect_with(url: &str, settings: DbSettings) -> Result<Self, DbError> {
        sqlx::any::install_default_drivers();
        match database_kind(url)? {
            DatabaseKind::Sqlite => Self::connect_sqlite(url).await,
            DatabaseKind::Postgres => {
                let url = postgres_url_with_ca(url, settings.ca_file.as_deref());
                let options: AnyConnectOptions = url.parse().map_err(DbError::Connect)?;
                let timeout_ms = settings
                    .statement_timeout
                    .map_or(0, |timeout| timeout.as_millis());
                let pool = AnyPoolOptions::new()
                    .max_connections(settings.pool_size)
                    .acquire_timeout(Duration::from_secs(10))
                    .after_connect(move |conn, _meta| {
                        Box::pin(async move {
                            conn.execute(format!("SET statement_timeout = {timeout_ms}").as_str())
                                .await?;
                            Ok(())
                        })
                    })
                    .connect_with(options)
                    .await
                    .map_err(DbError::Connect)?;
                Ok(Self {
                    kind: DatabaseKind::Postgres,
                    settings: Arc::new(settings),
                    reader: Readers::Pool(pool.clone()),
                    writer: pool,
                })
            }
        }
    }

    async fn connect_sqlite(url: &str) -> Result<Self, DbError> {
        let url = sqlite_url_with_create_mode(url);
        if let Some(file) = sqlite_file_path(&url) {
            if let Some(folder) = file.parent().filter(|f| !f.as_os_str().is_empty()) {
                create_private_folder(folder).map_err(|source| DbError::CreateFolder {
                    path: folder.display().to_string(),
                    source,
                })?;
            }
            create_private_file(file).map_err(|source| DbError::CreateFile {
                path: file.display().to_string(),
                source,
            })?;
        }
        let options: AnyConnectOptions = url.parse().map_err(DbError::Connect)?;
        // The writer connects first so that it creates the file and switches
        // it to WAL before any reader opens it.
        let writer = AnyPoolOptions::new()
            .acquire_timeout(Duration::from_secs(10))
            // A file opened in this process cannot drop like a network
            // connection, and a ping per query costs two thread hops.
            .test_before_acquire(false)
            .after_connect(|conn, _meta| {
                Box::pin(async move {
                    conn.execute(SQLITE_SETUP).await?;
                    Ok(())
                })
            })
            .max_connections(1)
            .min_connections(1)
            .connect_with(options.clone())
            .await
            .map_err(DbError::Connect)?;
        Ok(Self {
            kind: DatabaseKind::Sqlite,
            settings: Arc::new(DbSettings::default()),
            reader: Readers::sqlite(
                sqlite_read_path(&url).map_err(DbError::Connect)?,
                SQLITE_SETUP,
                SQLITE_READERS,
            ),
            writer,
        })
    }

    pub fn kind(&self) -> DatabaseKind {
        self.kind
    }

    /// Where reads go. Never write through it: use [`Db::begin`].
    pub fn reader(&self) -> &Readers {
        &self.reader
    }

    /// Starts a write transaction. On SQLite it takes the single writer
    /// connection and the write lock at once (`BEGIN IMMEDIATE`), so it waits
    /// its turn instead of failing with "database is locked".
    pub async fn begin(&self) -> Result<Transaction<'static, Any>, sqlx::Error> {
        let asked = std::time::Instant::now();
        let begun = self.begin_now().await;
        crate::backend::metrics::WRITE_WAIT.observe(asked.elapsed());
        begun
    }

    async fn begin_now(&self) -> Result<Transaction<'static, Any>, sqlx::Error> {
        match self.kind {
            // sqlx's SQLite `begin_with` is not safe to drop midway: a
            // request dropped (its client gone) after the worker ran BEGIN
            // but before the transaction object existed leaves the single
            // writer inside a transaction nobody owns, and every later
            // write fails. Begun in a task of its own, the transaction
            // always comes into being; when nobody waits for it any more it
            // is dropped there, which rolls it back.
            DatabaseKind::Sqlite => {
                let writer = self.writer.clone();
                tokio::spawn(async move { writer.begin_with("BEGIN IMMEDIATE").await })
                    .await
                    .map_err(|err| sqlx::Error::Io(std::io::Error::other(err)))?
            }
            DatabaseKind::Postgres => self.writer.begin().await,
        }
    }

    /// The clause that locks the rows a write transaction reads, so that a
    /// read-modify-write cannot lose a concurrent update. PostgreSQL needs it
    /// (its transactions are READ COMMITTED); SQLite's writes are already
    /// serialised by `BEGIN IMMEDIATE` and it has no such syntax.
    pub fn for_update(&self) -> &'static str {
        match self.kind {
            DatabaseKind::Sqlite => "",
            DatabaseKind::Postgres => " FOR UPDATE",
        }
    }

    /// Inside a write transaction, keeps other writers that name the same
    /// `parts` waiting until it ends: for check-then-write rules on one
    /// subject (a throttle count, a log line to count up) without locking a
    /// table. SQLite's writes are one at a time already; PostgreSQL takes a
    /// transaction-scoped advisory lock on a 64-bit digest of the parts (a
    /// collision only makes two subjects wait for each other briefly).
    pub async fn lock_subject(
        &self,
        tx: &mut Transaction<'static, Any>,
        parts: &[&str],
    ) -> Result<(), sqlx::Error> {
        use sha2::{Digest, Sha256};

        if self.kind != DatabaseKind::Postgres {
            return Ok(());
        }
        let mut digest = Sha256::new();
        for part in parts {
            digest.update(part.as_bytes());
            digest.update([0]);
        }
        let digest = digest.finalize();
        let mut key = [0_u8; 8];
        key.copy_from_slice(&digest[..8]);
        // Wrapped, because `Any` cannot carry the function's `void` result.
        sqlx::query("SELECT COUNT(*) FROM (SELECT pg_advisory_xact_lock($1)) AS locked")
            .bind(i64::from_be_bytes(key))
            .execute(&mut **tx)
            .await
            .map(drop)
    }

    /// Applies the migrations that are not yet in the database. A database
    /// that a newer build has migrated further is refused: this build would
    /// not know its tables.
    ///
    /// On PostgreSQL the migrator holds an advisory lock while it works, so
    /// of several instances starting at once one applies the migrations and
    /// the others wait for it, then find nothing left to do. It runs on a
    /// connection of its own without the statement timeout, which a long
    /// migration (an index on a large table), or the wait for the lock,
    /// may exceed.
    pub async fn migrate(&self) -> Result<(), DbError> {
        let migrator = match self.kind {
            DatabaseKind::Sqlite => &SQLITE_MIGRATIONS,
            DatabaseKind::Postgres => &POSTGRES_MIGRATIONS,
        };
        let applied = self.schema_version().await.unwrap_or(0);
        let known = self.latest_known_schema_version();
        if applied > known {
            return Err(DbError::NewerSchema { applied, known });
        }
        match self.kind {
            DatabaseKind::Sqlite => migrator.run(&self.writer).await?,
            DatabaseKind::Postgres => {
                let untimed = AnyPoolOptions::new()
                    .max_connections(1)
                    .after_connect(|conn, _meta| {
                        Box::pin(async move {
                            conn.execute("SET statement_timeout = 0").await?;
                            Ok(())
                        })
                    })
                    .connect_with((*self.writer.connect_options()).clone())
                    .await
                    .map_err(DbError::Connect)?;
                let result = migrator.run(&untimed).await;
                untimed.close().await;
                result?;
            }
        }
        settings::record_first_start(self).await?;
        Ok(())
    }

    /// The version of the newest migration applied, 0 on an empty database.
    pub async fn schema_version(&self) -> Result<i64, sqlx::Error> {
        let version: Option<i64> = sqlx::query_scalar("SELECT MAX(version) FROM _sqlx_migrations")
            .fetch_one(&self.reader)
            .await?;
        Ok(version.unwrap_or(0))
    }

    /// The version of the newest migration this build knows.
    pub fn latest_known_schema_version(&self) -> i64 {
        let migrator = match self.kind {
            DatabaseKind::Sqlite => &SQLITE_MIGRATIONS,
            DatabaseKind::Postgres => &POSTGRES_MIGRATIONS,
        };
        migrator.iter().map(|m| m.version).max().unwrap_or(0)
    }

    /// A cheap round trip, for readiness checks.
    pub async fn ping(&self) -> Result<(), sqlx::Error> {
        sqlx::query("SELECT 1")
            .execute(&self.reader)
            .await
            .map(drop)
    }

    /// Copies a SQLite database, as it stands at one moment, into the new
    /// file `into` (`VACUUM INTO`). It reads inside one transaction, so the
    /// copy holds every write committed before it began and none that
    /// commits while it runs; writers go on meanwhile (WAL mode). SQLite
    /// refuses a file that exists and is not empty.
    pub async fn vacuum_into(&self, into: &Path) -> Result<(), sqlx::Error> {
        let path = into.to_str().ok_or_else(|| {
            sqlx::Error::Protocol(format!("{} is not a UTF-8 path", into.display()))
        })?;
        create_private_file(into).map_err(|err| {
            sqlx::Error::Protocol(format!("cannot create {}: {err}", into.display()))
        })?;
        // A connection of its own: the read connections refuse to write
        // files, and the writer would hold every write back meanwhile.
        let mut connection = self.writer.connect_options().connect().await?;
        let copied = sqlx::query("VACUUM INTO $1")
            .bind(path)
            .execute(&mut connection)
            .await
            .map(drop);
        connection.close().await?;
        copied
    }

    /// Waits for connections in use to be returned, then closes them all.
    pub async fn close(&self) {
        self.reader.close().await;
        self.writer.close().await;
    }

    pub fn is_closed(&self) -> bool {
        self.reader.is_closed()
    }

    /// PostgreSQL's pool, for what must bypass transactions (sending a
    /// notification); `None` on SQLite.
    pub fn postgres_pool(&self) -> Option<&AnyPool> {
        (self.kind == DatabaseKind::Postgres).then_some(&self.writer)
    }

    /// The PostgreSQL settings this database was opened with.
    pub fn settings(&self) -> &DbSettings {
        &self.settings
    }

    /// The connection pools' use now.
    pub fn pools(&self) -> Vec<PoolUsage> {
        let (open, busy) = self.reader.usage();
        match self.kind {
            DatabaseKind::Postgres => vec![PoolUsage {
                pool: "shared",
                open,
                busy,
                max: self.settings.pool_size as usize,
            }],
            DatabaseKind::Sqlite => {
                let writer_open = self.writer.size() as usize;
                vec![
                    PoolUsage {
                        pool: "writer",
                        open: writer_open,
                        busy: writer_open.saturating_sub(self.writer.num_idle()),
                        max: 1,
                    },
                    PoolUsage {
                        pool: "readers",
                        open,
                        busy,
                        max: SQLITE_READERS,
                    },
                ]
            }
        }
    }

    /// What the database server says about itself and this connection:
    /// its version, and for PostgreSQL whether the link is encrypted.
    pub async fn describe_server(&self) -> Result<ServerFacts, sqlx::Error> {
        match self.kind {
            DatabaseKind::Sqlite => {
                let version: String = sqlx::query_scalar("SELECT sqlite_version()")
                    .fetch_one(&self.reader)
                    .await?;
                Ok(ServerFacts {
                    version: format!("SQLite {version}"),
                    tls: None,
                    statement_timeout: None,
                })
            }
            DatabaseKind::Postgres => {
                let mut conn = self.writer.acquire().await?;
                let version: String = sqlx::query_scalar("SHOW server_version")
                    .fetch_one(&mut *conn)
                    .await?;
                let tls: Option<String> = sqlx::query_scalar(
                    "SELECT CASE WHEN ssl THEN version ELSE NULL END FROM pg_stat_ssl \
                     WHERE pid = pg_backend_pid()",
                )
                .fetch_optional(&mut *conn)
                .await?
                .flatten();
                let timeout: String = sqlx::query_scalar("SHOW statement_timeout")
                    .fetch_one(&mut *conn)
                    .await?;
                Ok(ServerFacts {
                    version: format!("PostgreSQL {version}"),
                    tls: Some(tls.unwrap_or_else(|| "off".into())),
                    statement_timeout: Some(timeout),
                })
            }
        }
    }
}

/// See [`Db::describe_server`].
#[derive(Debug, Clone)]
pub struct ServerFacts {
    pub version: String,
    /// PostgreSQL: the TLS version of the link, or `off`.
    pub tls: Option<String>,
    /// PostgreSQL: as the server shows it (`30s`, `0` for none).
    pub statement_timeout: Option<String>,
}

/// The URL PostgreSQL is reached at with these settings (for a connection
/// outside the pools, such as the one that listens for live updates).
pub fn postgres_url(url: &str, settings: &DbSettings) -> String {
    postgres_url_with_ca(url, settings.ca_file.as_deref())
}

/// Adds `sslrootcert` (and `sslmode=verify-full` if the URL names no mode)
/// for a CA file given apart from the URL.
fn postgres_url_with_ca(url: &str, ca_file: Option<&Path>) -> String {
    let Some(ca_file) = ca_file else {
        return url.to_owned();
    };
    let encoded: String =
        url::form_urlencoded::byte_serialize(ca_file.to_string_lossy().as_bytes()).collect();
    let mut pairs = vec![format!("sslrootcert={encoded}")];
    if !url.contains("sslmode=") {
        pairs.push("sslmode=verify-full".into());
    }
    let joiner = if url.contains('?') { '&' } else { '?' };
    format!("{url}{joiner}{}", pairs.join("&"))
}

/// Which database a `DATABASE_URL` names, from its scheme.
pub fn database_kind(url: &str) -> Result<DatabaseKind, DbError> {
    if url.starts_with("sqlite:") {
        Ok(DatabaseKind::Sqlite)
    } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        Ok(DatabaseKind::Postgres)
    } else {
        Err(DbError::UnsupportedUrl(url.to_owned()))
    }
}

/// Creates `path` empty, readable and writable by this user alone, unless it
/// exists (whose mode is the operator's). The database holds password
/// hashes and sessions; SQLite would create the file as the umask allows
/// (usually world-readable), and gives its WAL and shared-memory files the
/// mode of the database file.
pub fn create_private_file(path: &Path) -> std::io::Result<()> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    match options.open(path) {
        Ok(_) => Ok(()),
        Err(err) if err.kind() == std::io::ErrorKind::AlreadyExists => Ok(()),
        Err(err) => Err(err),
    }
}

/// Creates the folders of `path` that are missing, for this user alone.
fn create_private_folder(path: &Path) -> std::io::Result<()> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder.create(path)
}

/// Adds `mode=rwc` so that a missing database file is created, unless the URL
/// already says which mode it wants.
fn sqlite_url_with_create_mode(url: &str) -> String {
    if url.contains("mode=") || url.contains(":memory:") {
        url.to_owned()
    } else if url.contains('?') {
        format!("{url}&mode=rwc")
    } else {
        format!("{url}?mode=rwc")
    }
}

/// The file SQLite's reads open: the one the writer opened (sqlx reads the
/// URL, percent-escapes and all).
fn sqlite_read_path(url: &str) -> Result<PathBuf, sqlx::Error> {
    sqlx::sqlite::SqliteConnectOptions::from_str(url)
        .map(|options| options.get_filename().to_owned())
}

/// The file a `sqlite:` URL names, if it names one.
pub fn sqlite_file_path(url: &str) -> Option<&Path> {
    let rest = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))?;
    let path = rest.split('?').next().unwrap_or_default();
    (!path.is_empty() && !path.contains(":memory:")).then(|| Path::new(path))
}

/// Whether an error is a unique-constraint violation: the one place that
/// turns "already exists" into a user error.
pub fn is_unique_violation(err: &sqlx::Error) -> bool {
    err.as_database_error()
        .is_some_and(|db_err| db_err.is_unique_violation())
}

/// Reads a 0/1 flag column (`Any` cannot carry booleans).
pub(crate) fn flag(row: &sqlx::any::AnyRow, column: &str) -> Result<bool, sqlx::Error> {
    use sqlx::Row;
    Ok(row.try_get::<i64, _>(column)? != 0)
}

/// Milliseconds since the Unix epoch: how times are stored.
pub fn now_ms() -> i64 {
    let elapsed = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("the system clock is set before 1970");
    i64::try_from(elapsed.as_millis()).expect("the year is before 292 million")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recognises_database_kinds() {
        assert!(matches!(
            database_kind("sqlite://data/w.db"),
            Ok(DatabaseKind::Sqlite)
        ));
        assert!(matches!(
            database_kind("sqlite:w.db"),
            Ok(DatabaseKind::Sqlite)
        ));
        assert!(matches!(
            database_kind("postgres://u@h/db"),
            Ok(DatabaseKind::Postgres)
        ));
        assert!(matches!(
            database_kind("postgresql://u@h/db"),
            Ok(DatabaseKind::Postgres)
        ));
        let err = database_kind("mysql://u@h/db").unwrap_err().to_string();
        assert!(
            err.contains("mysql://u@h/db") && err.contains("sqlite://"),
            "{err}"
        );
    }

    #[test]
    fn a_ca_file_asks_for_a_verified_link_unless_the_url_says_otherwise() {
        assert_eq!(
            postgres_url_with_ca("postgres://u@h/db", None),
            "postgres://u@h/db"
        );
        assert_eq!(
            postgres_url_with_ca("postgres://u@h/db", Some(Path::new("/etc/ca root.pem"))),
            "postgres://u@h/db?sslrootcert=%2Fetc%2Fca+root.pem&sslmode=verify-full"
        );
        assert_eq!(
            postgres_url_with_ca(
                "postgres://u@h/db?sslmode=require",
                Some(Path::new("ca.pem"))
            ),
            "postgres://u@h/db?sslmode=require&sslrootcert=ca.pem"
        );
    }

    #[test]
    fn sqlite_urls_create_missing_files() {
        assert_eq!(
            sqlite_url_with_create_mode("sqlite://a.db"),
            "sqlite://a.db?mode=rwc"
        );
        assert_eq!(
            sqlite_url_with_create_mode("sqlite://a.db?cache=shared"),
            "sqlite://a.db?cache=shared&mode=rwc"
        );
        assert_eq!(
            sqlite_url_with_create_mode("sqlite://a.db?mode=ro"),
            "sqlite://a.db?mode=ro"
        );
    }

    #[test]
    fn finds_the_sqlite_file_path() {
        assert_eq!(
            sqlite_file_path("sqlite://data/w.db?mode=rwc"),
            Some(Path::new("data/w.db"))
        );
        assert_eq!(
            sqlite_file_path("sqlite:///var/w.db"),
            Some(Path::new("/var/w.db"))
        );
        assert_eq!(sqlite_file_path("sqlite::memory:"), None);
    }
}
