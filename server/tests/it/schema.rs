//! The two sets of migrations must describe one schema: tables, columns
//! (type, nullability), indexes, foreign keys and CHECK constraints are
//! read back from a freshly migrated SQLite and PostgreSQL and compared.
//! Full-text search is the one part each database does its own way (an
//! FTS5 table on SQLite, a tsvector column on PostgreSQL), so it is left
//! out of the comparison and checked by the items tests on both.

use std::collections::BTreeSet;

use crate::support::TestApp;
use app::backend::Db;
use sqlx::Row;

/// `BIGINT`, `INTEGER`, `int8` … are one integer type in this schema, and
/// `REAL` and `double precision` one floating-point type.
fn normalise_type(declared: &str) -> String {
    let lower = declared.to_lowercase();
    if lower.contains("int") {
        "integer".to_owned()
    } else if lower.contains("char") || lower == "text" {
        "text".to_owned()
    } else if lower == "real" || lower.starts_with("double") {
        "real".to_owned()
    } else {
        lower
    }
}

/// `(a, b)` from an index or key definition.
fn columns_in(definition: &str) -> String {
    let start = definition.rfind('(').map_or(0, |i| i + 1);
    let end = definition[start..]
        .find(')')
        .map_or(definition.len(), |i| start + i);
    definition[start..end]
        .split(',')
        .map(|c| c.trim().trim_matches('"'))
        .collect::<Vec<_>>()
        .join(", ")
}

async fn sqlite_schema(db: &Db) -> BTreeSet<String> {
    let mut schema = BTreeSet::new();
    let tables: Vec<(String, String)> = sqlx::query_as(
        "SELECT name, sql FROM sqlite_master WHERE type = 'table' \
         AND name NOT LIKE 'sqlite_%' AND name <> '_sqlx_migrations' \
         AND name NOT LIKE 'items_search%' ORDER BY name",
    )
    .fetch_all(db.reader())
    .await
    .unwrap();
    for (table, sql) in tables {
        schema.insert(format!("table {table}"));
        let checks = sql.to_uppercase().matches("CHECK (").count();
        schema.insert(format!("checks {table}: {checks}"));
        for row in sqlx::query("SELECT name, type, \"notnull\", pk FROM pragma_table_info($1)")
            .bind(&table)
            .fetch_all(db.reader())
            .await
            .unwrap()
        {
            let name: String = row.get("name");
            let declared: String = row.get("type");
            let not_null = row.get::<i64, _>("notnull") != 0 || row.get::<i64, _>("pk") != 0;
            schema.insert(format!(
                "column {table}.{name} {} {}",
                normalise_type(&declared),
                if not_null { "not null" } else { "null" }
            ));
        }
        for row in sqlx::query("SELECT name, \"unique\", origin FROM pragma_index_list($1)")
            .bind(&table)
            .fetch_all(db.reader())
            .await
            .unwrap()
        {
            let origin: String = row.get("origin");
            if origin != "c" {
                continue; // primary keys and inline UNIQUE
            }
            let name: String = row.get("name");
            let unique = row.get::<i64, _>("unique") != 0;
            let columns: Vec<String> =
                sqlx::query_scalar("SELECT name FROM pragma_index_info($1) ORDER BY seqno")
                    .bind(&name)
                    .fetch_all(db.reader())
                    .await
                    .unwrap();
            schema.insert(format!(
                "index {name} on {table} ({}){}",
                columns.join(", "),
                if unique { " unique" } else { "" }
            ));
        }
        // A key over several columns is one row per column, with one id.
        let mut keys: std::collections::BTreeMap<i64, (Vec<String>, String, Vec<String>, String)> =
            std::collections::BTreeMap::new();
        for row in sqlx::query(
            "SELECT id, \"from\", \"table\", \"to\", on_delete FROM pragma_foreign_key_list($1) \
             ORDER BY id, seq",
        )
        .bind(&table)
        .fetch_all(db.reader())
        .await
        .unwrap()
        {
            let key = keys.entry(row.get("id")).or_insert_with(|| {
                (
                    Vec::new(),
                    row.get("table"),
                    Vec::new(),
                    row.get::<String, _>("on_delete").to_lowercase(),
                )
            });
            key.0.push(row.get("from"));
            key.2.push(row.get("to"));
        }
        for (from, target, to, on_delete) in keys.into_values() {
            schema.insert(format!(
                "foreign key {table}.{} -> {target}.{} on delete {on_delete}",
                from.join(", "),
                to.join(", ")
            ));
        }
    }
    schema
}

async fn postgres_schema(db: &Db) -> BTreeSet<String> {
    let mut schema = BTreeSet::new();
    let tables: Vec<String> = sqlx::query_scalar(
        "SELECT table_name::text FROM information_schema.tables WHERE table_schema = 'public' \
         AND table_type = 'BASE TABLE' AND table_name <> '_sqlx_migrations' ORDER BY 1",
    )
    .fetch_all(db.reader())
    .await
    .unwrap();
    for table in tables {
        schema.insert(format!("table {table}"));
        let checks: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM pg_constraint WHERE contype = 'c' AND conrelid = $1::regclass",
        )
        .bind(&table)
        .fetch_one(db.reader())
        .await
        .unwrap();
        schema.insert(format!("checks {table}: {checks}"));
        for row in sqlx::query(
            "SELECT column_name::text AS name, data_type::text AS type, is_nullable::text AS nullable \
             FROM information_schema.columns WHERE table_schema = 'public' AND table_name = $1",
        )
        .bind(&table)
        .fetch_all(db.reader())
        .await
        .unwrap()
        {
            let name: String = row.get("name");
            if table == "items" && name == "search" {
                continue;
            }
            let declared: String = row.get("type");
            let nullable: String = row.get("nullable");
            schema.insert(format!(
                "column {table}.{name} {} {}",
                normalise_type(&declared),
                if nullable == "NO" { "not null" } else { "null" }
            ));
        }
        for row in sqlx::query(
            "SELECT i.relname::text AS name, CASE WHEN ix.indisunique THEN 1 ELSE 0 END::int8 AS is_unique, \
                    pg_get_indexdef(ix.indexrelid) AS definition \
             FROM pg_index ix JOIN pg_class i ON i.oid = ix.indexrelid \
             WHERE ix.indrelid = $1::regclass AND NOT ix.indisprimary",
        )
        .bind(&table)
        .fetch_all(db.reader())
        .await
        .unwrap()
        {
            let name: String = row.get("name");
            if name == "items_search" {
                continue;
            }
            let unique = row.get::<i64, _>("is_unique") != 0;
            let definition: String = row.get("definition");
            schema.insert(format!(
                "index {name} on {table} ({}){}",
                columns_in(&definition),
                if unique { " unique" } else { "" }
            ));
        }
        for definition in sqlx::query_scalar::<_, String>(
            "SELECT pg_get_constraintdef(oid) FROM pg_constraint \
             WHERE contype = 'f' AND conrelid = $1::regclass",
        )
        .bind(&table)
        .fetch_all(db.reader())
        .await
        .unwrap()
        {
            // FOREIGN KEY (user_id) REFERENCES users(id) ON DELETE CASCADE
            let (from, rest) = definition.split_once("REFERENCES ").unwrap();
            let target = rest.split('(').next().unwrap().trim();
            let on_delete = rest
                .split_once("ON DELETE ")
                .map_or("no action", |(_, action)| action)
                .to_lowercase();
            schema.insert(format!(
                "foreign key {table}.{} -> {target}.{} on delete {on_delete}",
                columns_in(from),
                columns_in(rest)
            ));
        }
    }
    schema
}

#[tokio::test]
async fn sqlite_and_postgresql_migrate_to_the_same_schema() {
    let sqlite = TestApp::sqlite().await;
    let Some(postgres) = TestApp::postgres().await else {
        return;
    };
    let lite = sqlite_schema(&sqlite.db).await;
    let pg = postgres_schema(&postgres.db).await;
    assert!(lite.len() > 50, "the schema was read: {lite:#?}");
    let only_lite: Vec<_> = lite.difference(&pg).collect();
    let only_pg: Vec<_> = pg.difference(&lite).collect();
    assert!(
        only_lite.is_empty() && only_pg.is_empty(),
        "only in SQLite: {only_lite:#?}\nonly in PostgreSQL: {only_pg:#?}"
    );
}

/// The migration files of one database: (number, name without the number).
fn migration_files(database: &str) -> Vec<(u32, String)> {
    let folder = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../app/migrations")
        .join(database);
    let mut files: Vec<(u32, String)> = std::fs::read_dir(&folder)
        .unwrap_or_else(|err| panic!("{}: {err}", folder.display()))
        .map(|entry| entry.unwrap().file_name().into_string().unwrap())
        .filter(|name| name.ends_with(".sql"))
        .map(|name| {
            let (number, rest) = name.split_once('_').expect("NNNN_name.sql");
            (
                number.parse().expect("a numbered migration"),
                rest.to_owned(),
            )
        })
        .collect();
    files.sort();
    files
}

/// The first migration numbered alike in both folders. SQLite has one
/// migration PostgreSQL never needed (`0008_search_scope`), so up to here
/// PostgreSQL's numbers run one behind; shipped files are never
/// renumbered (see `app/migrations/README.md`).
const FIRST_SHARED_NUMBER: u32 = 19;

#[test]
fn from_the_first_shared_number_on_each_migration_has_one_number_and_name_in_both_folders() {
    let sqlite = migration_files("sqlite");
    let postgres = migration_files("postgres");
    let before = |files: &[(u32, String)]| {
        files
            .iter()
            .filter(|(n, _)| *n < FIRST_SHARED_NUMBER)
            .count()
    };
    assert_eq!(
        before(&sqlite),
        18,
        "shipped SQLite migrations stay as they are"
    );
    assert_eq!(
        before(&postgres),
        17,
        "shipped PostgreSQL migrations stay as they are"
    );
    let shared = |files: &[(u32, String)]| -> Vec<(u32, String)> {
        files
            .iter()
            .filter(|(n, _)| *n >= FIRST_SHARED_NUMBER)
            .cloned()
            .collect()
    };
    assert_eq!(
        shared(&sqlite),
        shared(&postgres),
        "a migration from {FIRST_SHARED_NUMBER:04} on has the same number and name for SQLite and PostgreSQL"
    );
    for files in [&sqlite, &postgres] {
        let numbers: BTreeSet<u32> = files.iter().map(|(n, _)| *n).collect();
        assert_eq!(numbers.len(), files.len(), "one file per number: {files:?}");
    }
}

#[tokio::test]
async fn a_role_outside_the_four_is_refused_by_the_database() {
    for app in TestApp::each_backend().await {
        let owner = app.admin().await;
        owner.create_workspace("Mobile", "mobile").await;
        let refused = crate::support::write(
            &app.db,
            sqlx::query("UPDATE memberships SET role = 'superuser'"),
        )
        .await;
        assert!(refused.is_err(), "{:?}", app.kind());
    }
}
