//! The data layer on SQLite and PostgreSQL: migrations, the settings table,
//! and writes that never fail with "database is locked".

use crate::support::{TestApp, TestDatabase};
use app::backend::Db;
use app::backend::db::settings;

#[tokio::test]
async fn migrations_are_idempotent_and_first_start_is_recorded_once() {
    for app in TestApp::each_backend().await {
        let db = &app.db;
        let first = settings::get(db, settings::CREATED_AT)
            .await
            .unwrap()
            .expect("recorded");
        db.migrate().await.expect("migrating again is a no-op");
        assert_eq!(
            db.schema_version().await.unwrap(),
            db.latest_known_schema_version()
        );
        let again = settings::get(db, settings::CREATED_AT).await.unwrap();
        assert_eq!(again.as_deref(), Some(first.as_str()), "{:?}", app.kind());
    }
}

#[tokio::test]
async fn settings_are_stored_and_overwritten() {
    for app in TestApp::each_backend().await {
        let db = &app.db;
        assert_eq!(settings::get(db, "signup.mode").await.unwrap(), None);
        settings::set(db, "signup.mode", "invite-only")
            .await
            .unwrap();
        settings::set(db, "signup.mode", "open").await.unwrap();
        assert_eq!(
            settings::get(db, "signup.mode").await.unwrap().as_deref(),
            Some("open")
        );
        let all = settings::all(db).await.unwrap();
        assert!(
            all.iter()
                .any(|(key, value, at)| key == "signup.mode" && value == "open" && *at > 0)
        );
    }
}

#[tokio::test]
async fn many_concurrent_writers_all_succeed() {
    for app in TestApp::each_backend().await {
        let mut tasks = Vec::new();
        for i in 0..64 {
            let db = app.db.clone();
            tasks.push(tokio::spawn(async move {
                settings::set(&db, &format!("load.{}", i % 8), &i.to_string()).await
            }));
        }
        for task in tasks {
            task.await
                .unwrap()
                .unwrap_or_else(|e| panic!("{:?}: {e}", app.kind()));
        }
    }
}

/// The pattern that fails on SQLite with deferred transactions: read, then
/// write, in one transaction, from many tasks at once.
#[tokio::test]
async fn read_then_write_transactions_do_not_hit_database_is_locked() {
    for app in TestApp::each_backend().await {
        settings::set(&app.db, "counter", "0").await.unwrap();
        let mut tasks = Vec::new();
        for _ in 0..32 {
            let db = app.db.clone();
            tasks.push(tokio::spawn(async move { increment(&db).await }));
        }
        for task in tasks {
            task.await
                .unwrap()
                .unwrap_or_else(|e| panic!("{:?}: {e}", app.kind()));
        }
        let value = settings::get(&app.db, "counter").await.unwrap();
        assert_eq!(
            value.as_deref(),
            Some("32"),
            "{:?}: no increment lost",
            app.kind()
        );
    }
}

async fn increment(db: &Db) -> Result<(), sqlx::Error> {
    let mut tx = db.begin().await?;
    let select = format!(
        "SELECT value FROM instance_settings WHERE key = $1{}",
        db.for_update()
    );
    let current: String = sqlx::query_scalar(&select)
        .bind("counter")
        .fetch_one(&mut *tx)
        .await?;
    let next = current.parse::<i64>().unwrap() + 1;
    tokio::task::yield_now().await;
    sqlx::query("UPDATE instance_settings SET value = $2 WHERE key = $1")
        .bind("counter")
        .bind(next.to_string())
        .execute(&mut *tx)
        .await?;
    tx.commit().await
}

#[tokio::test]
async fn sqlite_runs_in_wal_mode_with_foreign_keys() {
    let database = TestDatabase::sqlite();
    let db = Db::connect(&database.url).await.unwrap();
    let mode: String = sqlx::query_scalar("PRAGMA journal_mode")
        .fetch_one(db.reader())
        .await
        .unwrap();
    assert_eq!(mode, "wal");
    let fk: i64 = sqlx::query_scalar("PRAGMA foreign_keys")
        .fetch_one(db.reader())
        .await
        .unwrap();
    assert_eq!(fk, 1);
    let sync: i64 = sqlx::query_scalar("PRAGMA synchronous")
        .fetch_one(db.reader())
        .await
        .unwrap();
    assert_eq!(sync, 1, "synchronous=NORMAL");
    db.close().await;
}

/// Reads decode what they read exactly as through sqlx's own driver (the
/// writer's connection here): each type, NULLs, `$N` taken out of order,
/// a name used twice, text with a NUL and non-ASCII, and the first row only
/// for `fetch_optional`; and they refuse to write, on both databases.
#[tokio::test]
async fn reads_decode_as_sqlx_does_and_never_write() {
    use sqlx::Row;

    const SQL: &str = "SELECT $2 AS two, $1 AS one, $2 AS again, 1.5 AS real, \
                       -9007199254740993 AS big, NULL AS absent, $3 AS text, $4 AS blob, \
                       CAST(x'00ff' AS BLOB) AS literal \
                       UNION ALL SELECT 7, 8, 9, 2.25, 0, NULL, 'b', NULL, NULL ORDER BY 1";
    fn query<'q>() -> sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>> {
        sqlx::query(SQL)
            .bind(10_i64)
            .bind("two")
            .bind("naïve \u{0} text")
            .bind(vec![0_u8, 1, 255])
    }
    type Decoded = (
        String,
        i64,
        String,
        f64,
        i64,
        Option<i64>,
        String,
        Option<Vec<u8>>,
        Option<Vec<u8>>,
    );
    fn decode(row: &sqlx::any::AnyRow) -> Decoded {
        (
            row.try_get::<i64, _>("two")
                .map(|n| n.to_string())
                .or_else(|_| row.try_get("two"))
                .unwrap(),
            row.try_get("one").unwrap(),
            row.try_get::<i64, _>("again")
                .map(|n| n.to_string())
                .or_else(|_| row.try_get("again"))
                .unwrap(),
            row.try_get("real").unwrap(),
            row.try_get("big").unwrap(),
            row.try_get("absent").unwrap(),
            row.try_get("text").unwrap(),
            row.try_get("blob").unwrap(),
            row.try_get("literal").unwrap(),
        )
    }

    let database = TestDatabase::sqlite();
    let db = Db::connect(&database.url).await.unwrap();
    db.migrate().await.unwrap();
    let read_all = || async {
        let rows = query().fetch_all(db.reader()).await.unwrap();
        rows.iter().map(decode).collect::<Vec<Decoded>>()
    };
    let read = read_all().await;
    let mut transaction = db.begin().await.unwrap();
    let through_sqlx: Vec<Decoded> = query()
        .fetch_all(&mut *transaction)
        .await
        .unwrap()
        .iter()
        .map(decode)
        .collect();
    transaction.rollback().await.unwrap();
    assert_eq!(read, through_sqlx);
    assert_eq!(read.len(), 2);
    assert_eq!(read[1].6, "naïve \u{0} text");
    assert_eq!(read[1].7.as_deref(), Some(&[0_u8, 1, 255][..]));
    let first = query().fetch_optional(db.reader()).await.unwrap().unwrap();
    assert_eq!(decode(&first), read[0]);
    let none = sqlx::query("SELECT 1 WHERE 0")
        .fetch_optional(db.reader())
        .await
        .unwrap();
    assert!(none.map(|row| row.len()).is_none());
    // Asked again, the statement is prepared already and answers the same.
    assert_eq!(read_all().await, read);

    let error = sqlx::query("SELECT no_such_column FROM users")
        .fetch_all(db.reader())
        .await
        .err()
        .expect("an unknown column is an error");
    assert!(error.to_string().contains("no_such_column"), "{error}");
    for write in [
        "UPDATE instance_settings SET value = 'x'",
        "INSERT INTO instance_settings (key, value) VALUES ('k', 'v')",
        "DELETE FROM instance_settings",
    ] {
        let refused = sqlx::query(write).execute(db.reader()).await;
        assert!(refused.is_err(), "{write} went through a read connection");
    }
    assert!(
        settings::get(&db, settings::CREATED_AT)
            .await
            .unwrap()
            .is_some()
    );
    db.close().await;
}

#[tokio::test]
async fn sqlite_creates_the_folder_for_its_file() {
    let folder = crate::support::TempDir::new("nested");
    let url = format!("sqlite://{}/a/b/waymark.db", folder.path().display());
    let db = Db::connect(&url).await.unwrap();
    db.migrate().await.unwrap();
    assert!(folder.path().join("a/b/waymark.db").exists());
    db.close().await;
}

#[tokio::test]
async fn an_unsupported_database_url_is_refused_with_a_hint() {
    let err = Db::connect("mysql://root@localhost/waymark")
        .await
        .unwrap_err()
        .to_string();
    assert!(err.contains("sqlite://"), "{err}");
}

/// A request whose client goes away is dropped wherever it waits, also
/// while its write transaction is being begun. However many are dropped,
/// and wherever, the next write still begins and commits.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn writes_dropped_while_beginning_leave_the_writer_usable() {
    let database = TestDatabase::sqlite();
    let db = Db::connect(&database.url).await.unwrap();
    db.migrate().await.unwrap();
    for round in 0..400_u64 {
        let mut dropped = tokio::task::JoinSet::new();
        for n in 0..4_u64 {
            let db = db.clone();
            // Cancelled after a few microseconds: somewhere inside begin.
            let wait = std::time::Duration::from_micros((round * 7 + n * 13) % 150);
            dropped.spawn(async move {
                let _ = tokio::time::timeout(wait, db.begin()).await;
            });
        }
        dropped.join_all().await;
    }
    let tx = tokio::time::timeout(std::time::Duration::from_secs(5), db.begin())
        .await
        .expect("the writer is free")
        .expect("a write begins after many were dropped while beginning");
    tx.commit().await.unwrap();
}
