//! Where reads go: on SQLite, connections stepped on the caller's thread
//! (`sqlite_reader`), kept on a shelf; on PostgreSQL, sqlx's pool.
//!
//! A SQLite read is done by the time it returns, so a connection is lent
//! only for the length of one statement: the shelf never needs more
//! connections than threads that read at once, and a returned connection
//! goes straight back on it (it never holds a transaction).

use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use futures_core::future::BoxFuture;
use futures_core::stream::BoxStream;
use sqlx::any::{AnyQueryResult, AnyRow, AnyStatement, AnyTypeInfo};
use sqlx::{Any, AnyPool, Describe, Either, Execute, Executor};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

use super::sqlite_reader::SqliteReader;

/// Where reads go: on SQLite up to `size` connections to the file, opened
/// when first needed; on PostgreSQL the shared pool (its connections cross
/// a network and are worth sqlx's checks).
#[derive(Clone)]
pub enum Readers {
    Sqlite(Shelf),
    Pool(AnyPool),
}

/// SQLite's read connections.
#[derive(Clone)]
pub struct Shelf(Arc<Inner>);

struct Inner {
    path: PathBuf,
    /// Statements each new connection runs first (the pragmas).
    setup: &'static str,
    idle: Mutex<Vec<SqliteReader>>,
    permits: Arc<Semaphore>,
    size: usize,
}

/// A connection lent out; it goes back on the shelf when dropped.
struct Lent {
    connection: Option<SqliteReader>,
    readers: Arc<Inner>,
    _permit: OwnedSemaphorePermit,
}

impl Drop for Lent {
    fn drop(&mut self) {
        if let Some(connection) = self.connection.take()
            && !self.readers.permits.is_closed()
        {
            self.readers
                .idle
                .lock()
                .unwrap_or_else(|poisoned| poisoned.into_inner())
                .push(connection);
        }
    }
}

impl std::fmt::Debug for Readers {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Self::Sqlite(_) => "Readers::Sqlite",
            Self::Pool(_) => "Readers::Pool",
        })
    }
}

impl Readers {
    pub fn sqlite(path: PathBuf, setup: &'static str, size: usize) -> Self {
        Self::Sqlite(Shelf(Arc::new(Inner {
            path,
            setup,
            idle: Mutex::new(Vec::with_capacity(size)),
            permits: Arc::new(Semaphore::new(size)),
            size,
        })))
    }

    /// Refuses new reads and closes the idle connections; a connection lent
    /// out closes when it comes back.
    pub async fn close(&self) {
        match self {
            Self::Sqlite(shelf) => shelf.close(),
            Self::Pool(pool) => pool.close().await,
        }
    }

    pub fn is_closed(&self) -> bool {
        match self {
            Self::Sqlite(shelf) => shelf.0.permits.is_closed(),
            Self::Pool(pool) => pool.is_closed(),
        }
    }

    /// Connections open now and how many of them are lent out.
    pub fn usage(&self) -> (usize, usize) {
        match self {
            Self::Sqlite(shelf) => {
                let idle = shelf
                    .0
                    .idle
                    .lock()
                    .unwrap_or_else(|poisoned| poisoned.into_inner())
                    .len();
                let lent = shelf.0.size - shelf.0.permits.available_permits();
                (idle + lent, lent)
            }
            Self::Pool(pool) => {
                let open = pool.size() as usize;
                (open, open.saturating_sub(pool.num_idle()))
            }
        }
    }
}

impl Shelf {
    async fn lend(&self) -> Result<Lent, sqlx::Error> {
        let permit = match Arc::clone(&self.0.permits).try_acquire_owned() {
            Ok(permit) => {
                crate::backend::metrics::READ_WAIT.observe(std::time::Duration::ZERO);
                permit
            }
            Err(tokio::sync::TryAcquireError::Closed) => return Err(sqlx::Error::PoolClosed),
            Err(tokio::sync::TryAcquireError::NoPermits) => {
                let asked = std::time::Instant::now();
                let permit = Arc::clone(&self.0.permits)
                    .acquire_owned()
                    .await
                    .map_err(|_| sqlx::Error::PoolClosed)?;
                crate::backend::metrics::READ_WAIT.observe(asked.elapsed());
                permit
            }
        };
        let idle = self
            .0
            .idle
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .pop();
        let connection = match idle {
            Some(connection) => connection,
            None => SqliteReader::open(&self.0.path, self.0.setup)?,
        };
        Ok(Lent {
            connection: Some(connection),
            readers: Arc::clone(&self.0),
            _permit: permit,
        })
    }

    /// Runs one query on a lent connection, to its end (or its first `limit`
    /// rows).
    async fn fetch<'q, E>(
        &self,
        mut query: E,
        limit: Option<usize>,
    ) -> Result<Vec<Either<AnyQueryResult, AnyRow>>, sqlx::Error>
    where
        E: 'q + Execute<'q, Any>,
    {
        let arguments = query.take_arguments().map_err(sqlx::Error::Encode)?;
        let mut lent = self.lend().await?;
        lent.connection
            .as_mut()
            .expect("a lent connection is present until it is dropped")
            .fetch(query.sql(), arguments, limit)
    }

    fn close(&self) {
        self.0.permits.close();
        self.0
            .idle
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .clear();
    }
}

impl<'p> Executor<'p> for &'_ Readers {
    type Database = Any;

    fn fetch_many<'e, 'q: 'e, E>(
        self,
        query: E,
    ) -> BoxStream<'e, Result<Either<AnyQueryResult, AnyRow>, sqlx::Error>>
    where
        E: 'q + Execute<'q, Any>,
    {
        use futures_util::StreamExt;

        let readers = match self {
            Readers::Pool(pool) => return pool.fetch_many(query),
            Readers::Sqlite(shelf) => shelf.clone(),
        };
        Box::pin(
            futures_util::stream::once(async move { readers.fetch(query, None).await })
                .map(|result| match result {
                    Ok(items) => {
                        futures_util::stream::iter(items.into_iter().map(Ok)).left_stream()
                    }
                    Err(err) => futures_util::stream::once(async { Err(err) }).right_stream(),
                })
                .flatten(),
        )
    }

    fn fetch_optional<'e, 'q: 'e, E>(
        self,
        query: E,
    ) -> BoxFuture<'e, Result<Option<AnyRow>, sqlx::Error>>
    where
        E: 'q + Execute<'q, Any>,
    {
        let readers = match self {
            Readers::Pool(pool) => return pool.fetch_optional(query),
            Readers::Sqlite(shelf) => shelf.clone(),
        };
        Box::pin(async move {
            Ok(readers
                .fetch(query, Some(1))
                .await?
                .into_iter()
                .find_map(|item| item.right()))
        })
    }

    fn prepare_with<'e, 'q: 'e>(
        self,
        sql: &'q str,
        parameters: &'e [AnyTypeInfo],
    ) -> BoxFuture<'e, Result<AnyStatement<'q>, sqlx::Error>> {
        match self {
            Readers::Pool(pool) => pool.prepare_with(sql, parameters),
            Readers::Sqlite(_) => Box::pin(async { Err(unsupported("prepare")) }),
        }
    }

    fn describe<'e, 'q: 'e>(
        self,
        sql: &'q str,
    ) -> BoxFuture<'e, Result<Describe<Any>, sqlx::Error>> {
        match self {
            Readers::Pool(pool) => pool.describe(sql),
            Readers::Sqlite(_) => Box::pin(async { Err(unsupported("describe")) }),
        }
    }
}

/// Statements are prepared and cached inside a SQLite read; nothing asks
/// for them on their own.
fn unsupported(what: &str) -> sqlx::Error {
    sqlx::Error::Protocol(format!(
        "SQLite reads do not {what} statements on their own"
    ))
}
