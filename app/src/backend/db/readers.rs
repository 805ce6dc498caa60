//! SQLite's read connections, pooled without the round trips sqlx's pool
//! adds to every query.
//!
//! sqlx runs each SQLite connection on a thread of its own, so every message
//! to it is a hand-off between threads. Its pool sends one more (a ping)
//! each time a connection is returned, from a task spawned for the purpose:
//! for a page's few microsecond-long reads, the hand-offs cost more than the
//! reads. Here a returned connection goes straight back on the shelf. That
//! is safe for these connections: they never open a transaction, and a query
//! abandoned half-way is finished by the connection's thread before it
//! takes the next one.

use std::sync::{Arc, Mutex};

use futures_core::future::BoxFuture;
use futures_core::stream::BoxStream;
use sqlx::any::{AnyConnectOptions, AnyQueryResult, AnyRow, AnyStatement, AnyTypeInfo};
use sqlx::{
    Any, AnyConnection, AnyPool, ConnectOptions, Connection, Describe, Either, Execute, Executor,
};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

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
    options: AnyConnectOptions,
    /// Statements each new connection runs first (the pragmas).
    setup: &'static str,
    idle: Mutex<Vec<AnyConnection>>,
    permits: Arc<Semaphore>,
    size: usize,
}

/// A connection lent out; it goes back on the shelf when dropped.
struct Lent {
    connection: Option<AnyConnection>,
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
    pub fn sqlite(options: AnyConnectOptions, setup: &'static str, size: usize) -> Self {
        Self::Sqlite(Shelf(Arc::new(Inner {
            options,
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
            Self::Sqlite(shelf) => shelf.close().await,
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
        let asked = std::time::Instant::now();
        let permit = Arc::clone(&self.0.permits)
            .acquire_owned()
            .await
            .map_err(|_| sqlx::Error::PoolClosed)?;
        crate::backend::metrics::READ_WAIT.observe(asked.elapsed());
        let idle = self
            .0
            .idle
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .pop();
        let connection = match idle {
            Some(connection) => connection,
            None => {
                let mut connection = self.0.options.connect().await?;
                connection.execute(self.0.setup).await?;
                connection
            }
        };
        Ok(Lent {
            connection: Some(connection),
            readers: Arc::clone(&self.0),
            _permit: permit,
        })
    }

    async fn close(&self) {
        self.0.permits.close();
        let idle = std::mem::take(
            &mut *self
                .0
                .idle
                .lock()
                .unwrap_or_else(|poisoned| poisoned.into_inner()),
        );
        for connection in idle {
            let _ = connection.close().await;
        }
    }
}

impl Lent {
    fn connection(&mut self) -> &mut AnyConnection {
        self.connection
            .as_mut()
            .expect("a lent connection is present until it is dropped")
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
        use futures_util::{StreamExt, TryStreamExt};

        let readers = match self {
            Readers::Pool(pool) => return pool.fetch_many(query),
            Readers::Sqlite(shelf) => shelf.clone(),
        };
        // Reads here are small and bounded: collecting them lets the
        // connection go back before the caller looks at the rows.
        let rows = async move {
            let mut lent = readers.lend().await?;
            lent.connection()
                .fetch_many(query)
                .try_collect::<Vec<_>>()
                .await
        };
        Box::pin(
            futures_util::stream::once(rows)
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
            readers
                .lend()
                .await?
                .connection()
                .fetch_optional(query)
                .await
        })
    }

    fn prepare_with<'e, 'q: 'e>(
        self,
        sql: &'q str,
        parameters: &'e [AnyTypeInfo],
    ) -> BoxFuture<'e, Result<AnyStatement<'q>, sqlx::Error>> {
        let readers = match self {
            Readers::Pool(pool) => return pool.prepare_with(sql, parameters),
            Readers::Sqlite(shelf) => shelf.clone(),
        };
        Box::pin(async move {
            readers
                .lend()
                .await?
                .connection()
                .prepare_with(sql, parameters)
                .await
        })
    }

    fn describe<'e, 'q: 'e>(
        self,
        sql: &'q str,
    ) -> BoxFuture<'e, Result<Describe<Any>, sqlx::Error>> {
        let readers = match self {
            Readers::Pool(pool) => return pool.describe(sql),
            Readers::Sqlite(shelf) => shelf.clone(),
        };
        Box::pin(async move { readers.lend().await?.connection().describe(sql).await })
    }
}
