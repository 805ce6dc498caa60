//! Several instances on one database: instances that start at the same
//! moment apply the migrations once and all serve; an instance says it is
//! not ready while it migrates; a binary older than the database refuses
//! it; a periodic chore runs once per period whichever instances ask.

use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::support::{TempDir, TestDatabase};
use app::backend::Db;
use app::backend::db::settings;
use sqlx::{AnyConnection, Connection, Executor};

fn waymark() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_waymark"));
    for (name, _) in std::env::vars() {
        if name.starts_with("WAYMARK_") || name == "DATABASE_URL" {
            command.env_remove(name);
        }
    }
    command.env("WAYMARK_LOG", "warn");
    command
}

fn free_address() -> String {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    format!("127.0.0.1:{port}")
}

/// A `waymark serve` process, killed on drop.
struct Serving(Child);

impl Drop for Serving {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn serve(database_url: &str, addr: &str) -> Serving {
    Serving(
        waymark()
            .arg("serve")
            .env("DATABASE_URL", database_url)
            .env("WAYMARK_ADDR", addr)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("waymark starts"),
    )
}

/// The status of `GET path`, or `None` while nothing answers.
async fn status(addr: &str, path: &str) -> Option<u16> {
    let response = reqwest::Client::new()
        .get(format!("http://{addr}{path}"))
        .timeout(Duration::from_secs(5))
        .send()
        .await
        .ok()?;
    Some(response.status().as_u16())
}

async fn wait_for(addr: &str, path: &str, wanted: u16, limit: Duration) {
    let deadline = Instant::now() + limit;
    let mut last = None;
    while Instant::now() < deadline {
        last = status(addr, path).await;
        if last == Some(wanted) {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("{addr}{path} answered {last:?}, not {wanted}, within {limit:?}");
}

async fn applied_migrations(url: &str) -> i64 {
    let mut conn = AnyConnection::connect(url).await.unwrap();
    let count: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM _sqlx_migrations")
        .fetch_one(&mut conn)
        .await
        .unwrap();
    conn.close().await.ok();
    count
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn three_instances_started_at_once_migrate_once_and_all_serve() {
    let Some(database) = TestDatabase::postgres().await else {
        return;
    };
    let addresses: Vec<String> = (0..3).map(|_| free_address()).collect();
    let servers: Vec<Serving> = addresses
        .iter()
        .map(|addr| serve(&database.url, addr))
        .collect();
    for addr in &addresses {
        wait_for(addr, "/readyz", 200, Duration::from_secs(60)).await;
        assert_eq!(status(addr, "/about").await, Some(200));
    }
    let known = Db::connect(&database.url)
        .await
        .unwrap()
        .latest_known_schema_version();
    assert_eq!(applied_migrations(&database.url).await, known);
    drop(servers);
}

/// While another holds the migrations' table (as a long migration by
/// another instance would), the instance listens but is not ready: its
/// health check passes, its readiness check and its pages say 503; then
/// it becomes ready without a restart.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_instance_is_not_ready_while_it_migrates() {
    let Some(database) = TestDatabase::postgres().await else {
        return;
    };
    Db::connect(&database.url)
        .await
        .unwrap()
        .migrate()
        .await
        .unwrap();
    let mut blocker = AnyConnection::connect(&database.url).await.unwrap();
    blocker.execute("BEGIN").await.unwrap();
    blocker
        .execute("LOCK TABLE _sqlx_migrations IN ACCESS EXCLUSIVE MODE")
        .await
        .unwrap();

    let addr = free_address();
    let _server = serve(&database.url, &addr);
    wait_for(&addr, "/healthz", 200, Duration::from_secs(30)).await;
    assert_eq!(status(&addr, "/readyz").await, Some(503));
    assert_eq!(status(&addr, "/about").await, Some(503));

    blocker.execute("COMMIT").await.unwrap();
    wait_for(&addr, "/readyz", 200, Duration::from_secs(30)).await;
    assert_eq!(status(&addr, "/about").await, Some(200));
}

#[tokio::test]
async fn a_database_newer_than_the_binary_is_refused_with_a_message() {
    let folder = TempDir::new("newer");
    let url = format!("sqlite://{}/w.db", folder.path().display());
    let db = Db::connect(&url).await.unwrap();
    db.migrate().await.unwrap();
    let newer = db.latest_known_schema_version() + 1;
    let mut tx = db.begin().await.unwrap();
    sqlx::query(
        "INSERT INTO _sqlx_migrations (version, description, installed_on, success, checksum, execution_time) \
         VALUES ($1, 'from the future', '2030-01-01', 1, x'00', 0)",
    )
    .bind(newer)
    .execute(&mut *tx)
    .await
    .unwrap();
    tx.commit().await.unwrap();
    db.close().await;

    for command in ["serve", "migrate", "check"] {
        let output = waymark()
            .arg(command)
            .env("DATABASE_URL", &url)
            .env("WAYMARK_ADDR", free_address())
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(2), "{command}");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(
            stderr.contains(&format!("schema version {newer}")) && stderr.contains("newer"),
            "{command}: {stderr}"
        );
    }
}

/// Eight instances ask at the same moment: one does the chore; nobody
/// again within the period; one again after it.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_periodic_chore_runs_once_per_period_across_instances() {
    let mut databases = vec![TestDatabase::sqlite()];
    databases.extend(TestDatabase::postgres().await);
    for database in &databases {
        let first = Db::connect(&database.url).await.unwrap();
        first.migrate().await.unwrap();
        let mut instances = vec![first];
        for _ in 1..8 {
            instances.push(Db::connect(&database.url).await.unwrap());
        }
        let now = 1_000_000_000;
        let hour = 3_600_000;
        let claim_all = |at: i64| {
            let instances = instances.clone();
            async move {
                let claims = instances.into_iter().map(|db| {
                    tokio::spawn(async move {
                        settings::claim_turn(&db, "chore", hour, at).await.unwrap()
                    })
                });
                let mut won = 0;
                for claim in claims {
                    won += usize::from(claim.await.unwrap());
                }
                won
            }
        };
        assert_eq!(claim_all(now).await, 1, "{}", database.url);
        assert_eq!(claim_all(now + hour - 1).await, 0, "{}", database.url);
        assert_eq!(claim_all(now + hour).await, 1, "{}", database.url);
    }
}
