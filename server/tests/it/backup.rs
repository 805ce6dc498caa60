//! `waymark backup FILE` on a live SQLite database: while 32 writers keep
//! writing through the server, the copy it makes is whole (it passes
//! `PRAGMA integrity_check`) and holds every write acknowledged before it
//! began; it never overwrites a file.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use crate::support::{TempDir, TestApp};
use sqlx::{AnyConnection, Connection};

const WRITERS: usize = 32;

fn waymark_backup(database_url: &str, file: &std::path::Path) -> std::process::Output {
    let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_waymark"));
    for (name, _) in std::env::vars() {
        if name.starts_with("WAYMARK_") {
            command.env_remove(name);
        }
    }
    command
        .arg("backup")
        .arg(file)
        .env("DATABASE_URL", database_url)
        .output()
        .expect("waymark runs")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_backup_of_a_busy_database_is_whole_and_holds_every_acknowledged_write() {
    let app = TestApp::sqlite().await;
    let admin = app.admin().await;
    let slug = admin.create_workspace("Busy", "busy").await;

    // Titles of the items whose creation the server acknowledged, in order.
    let acknowledged = Arc::new(Mutex::new(Vec::<String>::new()));
    let stop = Arc::new(AtomicBool::new(false));
    let mut writers = Vec::new();
    for writer in 0..WRITERS {
        let (admin, slug) = (admin.clone(), slug.clone());
        let (acknowledged, stop) = (acknowledged.clone(), stop.clone());
        writers.push(tokio::spawn(async move {
            let mut n = 0;
            while !stop.load(Ordering::Relaxed) {
                let title = format!("writer {writer} item {n}");
                admin.create_item(&slug, &title).await;
                acknowledged.lock().unwrap().push(title);
                n += 1;
            }
        }));
    }
    while acknowledged.lock().unwrap().len() < 200 {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }

    let folder = TempDir::new("backup");
    let file = folder.path().join("copy.db");
    let before: Vec<String> = acknowledged.lock().unwrap().clone();
    let url = app.database_url().to_owned();
    let backup_file = file.clone();
    let output = tokio::task::spawn_blocking(move || waymark_backup(&url, &backup_file))
        .await
        .unwrap();
    let after_backup = acknowledged.lock().unwrap().len();
    // Writers went on while it ran, and after.
    tokio::time::sleep(Duration::from_millis(200)).await;
    stop.store(true, Ordering::Relaxed);
    for writer in writers {
        writer.await.unwrap();
    }
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stderr}");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(stdout.contains("integrity ok"), "{stdout}");
    assert!(
        after_backup > before.len(),
        "no write was acknowledged while the backup ran"
    );
    let total = acknowledged.lock().unwrap().len();
    assert!(total > after_backup);

    let mut copy = AnyConnection::connect(&format!("sqlite://{}?mode=ro", file.display()))
        .await
        .expect("the copy opens");
    let integrity: String = sqlx::query_scalar("PRAGMA integrity_check")
        .fetch_one(&mut copy)
        .await
        .unwrap();
    assert_eq!(integrity, "ok");
    let titles: Vec<String> = sqlx::query_scalar("SELECT title FROM items")
        .fetch_all(&mut copy)
        .await
        .unwrap();
    let titles: std::collections::HashSet<String> = titles.into_iter().collect();
    let missing: Vec<&String> = before.iter().filter(|t| !titles.contains(*t)).collect();
    assert!(missing.is_empty(), "the copy lacks {missing:?}");
    // The copy is one moment: not every later write is in it.
    assert!(titles.len() < total, "{} of {total}", titles.len());
    copy.close().await.ok();

    // Never over an existing file, and the file is left as it was.
    let size = std::fs::metadata(&file).unwrap().len();
    let again = waymark_backup(app.database_url(), &file);
    assert_eq!(again.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&again.stderr).contains("never overwrites"));
    assert_eq!(std::fs::metadata(&file).unwrap().len(), size);
    // No half-written file is left beside it.
    let leftovers: Vec<_> = std::fs::read_dir(folder.path())
        .unwrap()
        .flatten()
        .map(|e| e.file_name())
        .filter(|name| name != "copy.db")
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
fn postgres_is_pointed_to_pg_dump() {
    let folder = TempDir::new("backup");
    let output = waymark_backup(
        "postgres://nobody@127.0.0.1:1/none",
        &folder.path().join("x.dump"),
    );
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("pg_dump --format=custom"), "{stderr}");
    assert!(stderr.contains("pg_restore"), "{stderr}");
}

/// The permission bits of a file.
#[cfg(unix)]
fn mode(path: &std::path::Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path)
        .unwrap_or_else(|err| panic!("{}: {err}", path.display()))
        .permissions()
        .mode()
        & 0o777
}

/// The database holds password hashes and sessions: its file, its WAL,
/// the folder made for it and every backup are for the server's user
/// alone; a file the operator made keeps the mode they gave it.
#[cfg(unix)]
#[tokio::test]
async fn the_database_its_wal_and_its_backups_are_private_to_the_server_s_user() {
    use std::os::unix::fs::PermissionsExt;

    let root = TempDir::new("modes");
    let folder = root.path().join("data");
    let path = folder.join("waymark.db");
    let url = format!("sqlite://{}", path.display());
    let db = app::backend::Db::connect(&url).await.unwrap();
    db.migrate().await.unwrap();
    crate::support::write(
        &db,
        sqlx::query("UPDATE instance_settings SET value = value"),
    )
    .await
    .unwrap();
    assert_eq!(mode(&folder), 0o700);
    for file in ["waymark.db", "waymark.db-wal", "waymark.db-shm"] {
        assert_eq!(mode(&folder.join(file)), 0o600, "{file}");
    }
    let copy = root.path().join("copy.db");
    let output = waymark_backup(&url, &copy);
    assert!(output.status.success(), "{output:?}");
    assert_eq!(mode(&copy), 0o600);
    db.close().await;

    let chosen = root.path().join("shared.db");
    std::fs::write(&chosen, b"").unwrap();
    std::fs::set_permissions(&chosen, std::fs::Permissions::from_mode(0o640)).unwrap();
    let db = app::backend::Db::connect(&format!("sqlite://{}", chosen.display()))
        .await
        .unwrap();
    db.migrate().await.unwrap();
    db.close().await;
    assert_eq!(mode(&chosen), 0o640);
}
