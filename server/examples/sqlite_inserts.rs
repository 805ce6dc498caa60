//! A bare SQLite insert loop, the yardstick `make bench` holds the REST
//! API's item creation against: one row of an item's size per
//! transaction, with the pragmas the server uses (WAL, `synchronous =
//! NORMAL`), through the same driver, for a few seconds. Prints
//! `{"inserts": N, "seconds": S, "per_second": R}`.
//!
//!   cargo run --release -p server --example sqlite_inserts -- FILE [SECONDS]

use std::time::{Duration, Instant};

use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqliteSynchronous};
use sqlx::{ConnectOptions, Connection};

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), sqlx::Error> {
    let mut args = std::env::args().skip(1);
    let path = args.next().expect("usage: sqlite_inserts FILE [SECONDS]");
    let seconds: f64 = args.next().and_then(|s| s.parse().ok()).unwrap_or(5.0);
    let mut connection = SqliteConnectOptions::new()
        .filename(&path)
        .create_if_missing(true)
        .journal_mode(SqliteJournalMode::Wal)
        .synchronous(SqliteSynchronous::Normal)
        .connect()
        .await?;
    sqlx::query(
        "CREATE TABLE IF NOT EXISTS items (id INTEGER PRIMARY KEY, workspace_id BIGINT NOT NULL, \
         number BIGINT NOT NULL, title TEXT NOT NULL, description TEXT NOT NULL, \
         tags TEXT NOT NULL, created_at BIGINT NOT NULL)",
    )
    .execute(&mut connection)
    .await?;
    let budget = Duration::from_secs_f64(seconds);
    let started = Instant::now();
    let mut inserts: i64 = 0;
    while started.elapsed() < budget {
        let mut tx = connection.begin().await?;
        sqlx::query(
            "INSERT INTO items (workspace_id, number, title, description, tags, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(1_i64)
        .bind(inserts + 1)
        .bind("Bench item")
        .bind("")
        .bind("bench")
        .bind(inserts)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        inserts += 1;
    }
    let elapsed = started.elapsed().as_secs_f64();
    println!(
        "{{\"inserts\":{inserts},\"seconds\":{elapsed:.2},\"per_second\":{:.0}}}",
        inserts as f64 / elapsed
    );
    Ok(())
}
