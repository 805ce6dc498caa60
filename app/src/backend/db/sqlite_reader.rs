//! A SQLite connection for reads that runs its statement on the caller's
//! thread and hands back sqlx's `Any` rows.
//!
//! sqlx gives every SQLite connection a thread of its own: each query is sent
//! to that thread and its rows sent back, two thread switches per query, and
//! on a machine whose cores are busy serving pages each switch waits for a
//! core. A page asks a few reads of microseconds each, so the switches cost
//! more than the reads. Reads here step SQLite (through rusqlite, on the
//! library sqlx links) where they are asked for and return the rows at once,
//! as the `Any` driver would have made them: integers as `BigInt`, reals as
//! `Double`, text, blobs and nulls, so every query decodes them as before.
//! Writes keep going through sqlx's single writer.
//!
//! A connection is opened with `query_only` on, so nothing can write through
//! it, and a statement is reset as soon as it has been read, so no read keeps
//! a snapshot open (which would hold back WAL checkpoints).

use std::borrow::Cow;
use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use rusqlite::types::{Null, ValueRef};
use rusqlite::{Connection, OpenFlags, Statement};
use sqlx::any::{AnyArguments, AnyQueryResult, AnyRow};
use sqlx::error::{DatabaseError, ErrorKind};
use sqlx::{Either, Error};
use sqlx_core::any::{AnyColumn, AnyTypeInfo, AnyTypeInfoKind, AnyValue, AnyValueKind};
use sqlx_core::ext::ustr::UStr;

/// Statements kept prepared per connection (sqlx keeps 100).
const STATEMENT_CACHE: usize = 256;

/// How long a read waits for a lock before it fails (sqlx's default).
const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

pub struct SqliteReader {
    connection: Connection,
    /// Each statement's columns, named once.
    columns: HashMap<Box<str>, Arc<Columns>>,
}

struct Columns {
    list: Vec<AnyColumn>,
    names: Arc<sqlx_core::HashMap<UStr, usize>>,
}

impl SqliteReader {
    /// Opens the database file (it must exist: the writer makes it) and runs
    /// `setup`, then forbids writes.
    pub fn open(path: &Path, setup: &str) -> Result<Self, Error> {
        let flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let connection = Connection::open_with_flags(path, flags).map_err(into_sqlx)?;
        connection.busy_timeout(BUSY_TIMEOUT).map_err(into_sqlx)?;
        connection.set_prepared_statement_cache_capacity(STATEMENT_CACHE);
        connection.execute_batch(setup).map_err(into_sqlx)?;
        connection
            .execute_batch("PRAGMA query_only = ON;")
            .map_err(into_sqlx)?;
        Ok(Self {
            connection,
            columns: HashMap::new(),
        })
    }

    /// Runs the statement `sql` with `arguments` bound to `$1`, `$2` … and
    /// returns what sqlx's driver would stream: its rows, then its result.
    /// Stops after `limit` rows when given.
    pub fn fetch(
        &mut self,
        sql: &str,
        arguments: Option<AnyArguments<'_>>,
        limit: Option<usize>,
    ) -> Result<Vec<Either<AnyQueryResult, AnyRow>>, Error> {
        let mut statement = self.connection.prepare_cached(sql).map_err(into_sqlx)?;
        let columns = match self.columns.get(sql) {
            Some(columns) => Arc::clone(columns),
            None => {
                if self.columns.len() >= STATEMENT_CACHE {
                    self.columns.clear();
                }
                let columns = Arc::new(describe(&statement));
                self.columns.insert(sql.into(), Arc::clone(&columns));
                columns
            }
        };
        let values = arguments.map(|a| a.values.0).unwrap_or_default();
        bind(&mut statement, &values)?;
        let mut out = Vec::new();
        // Dropping `rows` resets the statement, whether or not it was read
        // to its end.
        let mut rows = statement.raw_query();
        while limit.is_none_or(|limit| out.len() < limit) {
            let Some(row) = rows.next().map_err(into_sqlx)? else {
                break;
            };
            out.push(Either::Right(read_row(row, &columns)?));
        }
        drop(rows);
        out.push(Either::Left(AnyQueryResult {
            rows_affected: self.connection.changes(),
            last_insert_id: None,
        }));
        Ok(out)
    }
}

fn describe(statement: &Statement<'_>) -> Columns {
    let mut list = Vec::with_capacity(statement.column_count());
    let mut names = sqlx_core::HashMap::with_capacity(statement.column_count());
    for (ordinal, name) in statement.column_names().into_iter().enumerate() {
        let name = UStr::new(name);
        names.insert(name.clone(), ordinal);
        list.push(AnyColumn {
            ordinal,
            name,
            type_info: AnyTypeInfo {
                kind: AnyTypeInfoKind::Null,
            },
        });
    }
    Columns {
        list,
        names: Arc::new(names),
    }
}

/// Binds `values` to the statement's parameters: `$N` and `?N` take the Nth
/// value, a bare `?` the next one. Parameters past the values stay NULL, as
/// in sqlx.
fn bind(statement: &mut Statement<'_>, values: &[AnyValueKind<'_>]) -> Result<(), Error> {
    let mut next = 0;
    for parameter in 1..=statement.parameter_count() {
        let n = match statement.parameter_name(parameter) {
            None => {
                next += 1;
                next
            }
            Some(name) => name
                .strip_prefix(['$', '?'])
                .and_then(|n| n.parse::<usize>().ok())
                .filter(|n| *n > 0)
                .ok_or_else(|| Error::Protocol(format!("unsupported SQL parameter: {name}")))?,
        };
        let Some(value) = values.get(n - 1) else {
            break;
        };
        let bound = match value {
            AnyValueKind::Null(_) => statement.raw_bind_parameter(parameter, Null),
            AnyValueKind::Bool(b) => statement.raw_bind_parameter(parameter, i64::from(*b)),
            AnyValueKind::SmallInt(i) => statement.raw_bind_parameter(parameter, i64::from(*i)),
            AnyValueKind::Integer(i) => statement.raw_bind_parameter(parameter, i64::from(*i)),
            AnyValueKind::BigInt(i) => statement.raw_bind_parameter(parameter, *i),
            AnyValueKind::Real(r) => statement.raw_bind_parameter(parameter, f64::from(*r)),
            AnyValueKind::Double(d) => statement.raw_bind_parameter(parameter, *d),
            AnyValueKind::Text(t) => statement.raw_bind_parameter(parameter, t.as_ref()),
            AnyValueKind::Blob(b) => statement.raw_bind_parameter(parameter, b.as_ref()),
            other => return Err(Error::Protocol(format!("cannot bind {other:?} to SQLite"))),
        };
        bound.map_err(into_sqlx)?;
    }
    Ok(())
}

/// A row, each value by its own type, as sqlx's driver reads it.
fn read_row(row: &rusqlite::Row<'_>, columns: &Columns) -> Result<AnyRow, Error> {
    let mut values = Vec::with_capacity(columns.list.len());
    for (i, column) in columns.list.iter().enumerate() {
        let kind = match row.get_ref(i).map_err(into_sqlx)? {
            ValueRef::Null => AnyValueKind::Null(AnyTypeInfoKind::Null),
            ValueRef::Integer(i) => AnyValueKind::BigInt(i),
            ValueRef::Real(r) => AnyValueKind::Double(r),
            ValueRef::Text(bytes) => {
                let text = std::str::from_utf8(bytes).map_err(|e| Error::ColumnDecode {
                    index: column.name.to_string(),
                    source: Box::new(e),
                })?;
                AnyValueKind::Text(Cow::Owned(text.to_owned()))
            }
            ValueRef::Blob(bytes) => AnyValueKind::Blob(Cow::Owned(bytes.to_vec())),
        };
        values.push(AnyValue { kind });
    }
    Ok(AnyRow {
        column_names: Arc::clone(&columns.names),
        columns: columns.list.clone(),
        values,
    })
}

fn into_sqlx(error: rusqlite::Error) -> Error {
    match error {
        rusqlite::Error::SqliteFailure(failure, message) => Error::Database(Box::new(ReadError {
            message: message.unwrap_or_else(|| failure.to_string()),
            failure,
        })),
        other => Error::Protocol(other.to_string()),
    }
}

/// What SQLite said when a read failed.
#[derive(Debug)]
struct ReadError {
    failure: rusqlite::ffi::Error,
    message: String,
}

impl std::fmt::Display for ReadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "(code: {}) {}", self.failure.extended_code, self.message)
    }
}

impl std::error::Error for ReadError {}

impl DatabaseError for ReadError {
    fn message(&self) -> &str {
        &self.message
    }

    fn code(&self) -> Option<Cow<'_, str>> {
        Some(Cow::Owned(self.failure.extended_code.to_string()))
    }

    fn as_error(&self) -> &(dyn std::error::Error + Send + Sync + 'static) {
        self
    }

    fn as_error_mut(&mut self) -> &mut (dyn std::error::Error + Send + Sync + 'static) {
        self
    }

    fn into_error(self: Box<Self>) -> Box<dyn std::error::Error + Send + Sync + 'static> {
        self
    }

    fn kind(&self) -> ErrorKind {
        // Reads break no constraints.
        ErrorKind::Other
    }
}
