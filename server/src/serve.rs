//! `waymark serve`: open the database, migrate, listen, and shut down
//! gracefully on SIGTERM or Ctrl-C.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use leptos::config::{Env, LeptosOptions};
use tokio::net::TcpListener;

use std::sync::Arc;

use app::backend::auth::password::Hasher;
use app::backend::db::postgres_url;
use app::backend::events::postgres::PgBus;
use app::backend::events::streams::OpenStreams;
use app::backend::events::{Event, LocalBus};
use app::backend::housekeeping;
use app::backend::{AppState, Db, db::DbError};

use crate::config::Config;
use crate::metrics::{self, Instance};
use crate::router;
use crate::security::SecurityPolicy;

/// How long requests in flight may take to finish after a shutdown signal.
pub const SHUTDOWN_GRACE: Duration = Duration::from_secs(30);

#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    #[error(transparent)]
    Database(#[from] DbError),
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        addr: SocketAddr,
        source: std::io::Error,
    },
    #[error("the server stopped: {0}")]
    Io(#[from] std::io::Error),
    #[error("cannot score the items again after the upgrade: {0}")]
    Rescore(app::error::AppError),
}

pub async fn run(config: Config) -> Result<(), ServeError> {
    let state = connect_state(&config, true).await?;
    let instance = Instance::starting(config.metrics_token.clone());
    let policy = SecurityPolicy {
        hsts: config.is_https(),
        reload_port: std::env::var_os("LEPTOS_WATCH").map(|_| state.leptos_options.reload_port),
    };
    let app = router::build_with(state.clone(), policy, instance.clone());

    let listener = bind(config.addr).await?;
    if let Some(addr) = config.metrics_addr {
        let metrics = axum::Router::new().route(
            "/metrics",
            axum::routing::get(metrics::endpoint).with_state((state.clone(), instance.clone())),
        );
        let listener = bind(addr).await?;
        tokio::spawn(serve_http(
            listener,
            metrics,
            config.connections,
            std::future::pending(),
        ));
        tracing::info!(%addr, "metrics listening");
    }
    tracing::info!(
        addr = %config.addr,
        public_url = %config.public_url,
        database = state.db.kind().label(),
        "listening"
    );

    let (stop_tx, mut stop_rx) = tokio::sync::watch::channel(false);
    let events = state.events.clone();
    let draining = instance.clone();
    let server = serve_http(listener, app, config.connections, async move {
        shutdown_signal().await;
        tracing::info!("shutting down: finishing requests in flight");
        draining.set_draining();
        // Event streams never finish by themselves: end them, and the
        // browsers reconnect (to another instance, or to this one restarted).
        events.publish(Event::Closing);
        let _ = stop_tx.send(true);
    });
    let grace = async move {
        let _ = stop_rx.wait_for(|stopped| *stopped).await;
        tokio::time::sleep(SHUTDOWN_GRACE).await;
    };
    let serving = tokio::spawn(async move {
        tokio::select! {
            () = server => {}
            () = grace => {
                tracing::warn!(
                    "requests still running after {} s; stopping anyway",
                    SHUTDOWN_GRACE.as_secs()
                );
            }
        }
    });

    // Meanwhile `/healthz` answers and `/readyz` says 503; every other
    // request waits its turn with a 503 too.
    if let Err(err) = state.db.migrate().await {
        serving.abort();
        state.db.close().await;
        return Err(err.into());
    }
    match app::backend::scoring::rescore_if_asked(&state.db).await {
        Ok(0) => {}
        Ok(rescored) => tracing::info!(rescored, "items scored again after an upgrade"),
        Err(err) => {
            serving.abort();
            state.db.close().await;
            return Err(ServeError::Rescore(err));
        }
    }
    instance.set_migrated();
    tracing::info!(
        schema = state.db.schema_version().await.unwrap_or(0),
        "database migrated; ready"
    );
    spawn_purge(state.clone());
    crate::webhooks::Sender::new(
        state.db.clone(),
        crate::webhooks::SenderSettings {
            allow_private: config.webhooks_allow_private,
            ..Default::default()
        },
    )
    .spawn();

    let served = serving.await;
    state.db.close().await;
    served.map_err(std::io::Error::other)?;
    tracing::info!("stopped");
    Ok(())
}

/// How the server treats its connections.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ConnectionSettings {
    /// A client must send a request's head (its line and headers) within
    /// this long of opening the connection or of the previous answer;
    /// otherwise the connection is closed. So it is also how long an idle
    /// keep-alive connection stays open: hyper's HTTP/1 server runs this
    /// one timer whenever it waits for a head.
    pub header_timeout: Duration,
}

impl Default for ConnectionSettings {
    fn default() -> Self {
        Self {
            header_timeout: DEFAULT_HEADER_TIMEOUT,
        }
    }
}

/// Long enough for any real client on a slow link, short enough that a
/// client holding connections open with half-sent heads (or nothing) gets
/// few of them at a time.
pub const DEFAULT_HEADER_TIMEOUT: Duration = Duration::from_secs(15);

/// Serves `app` on `listener` until `shutdown` completes, then stops
/// accepting and waits for the requests in flight (idle connections close
/// at once). HTTP/1.1 only, the protocol a reverse proxy speaks to its
/// upstream: hyper's HTTP/2 server has no timer for a connection that
/// never sends a request, and its protocol detection waits for bytes that
/// may never come. Each request carries the client's address
/// (`ConnectInfo<SocketAddr>`), as `axum::serve` gives it.
pub async fn serve_http(
    listener: TcpListener,
    app: axum::Router,
    settings: ConnectionSettings,
    shutdown: impl Future<Output = ()> + Send + 'static,
) {
    use axum::extract::ConnectInfo;
    use hyper::body::Incoming;
    use hyper_util::rt::{TokioIo, TokioTimer};
    use hyper_util::server::graceful::GracefulShutdown;
    use hyper_util::service::TowerToHyperService;
    use tower::ServiceExt;

    let mut http = hyper::server::conn::http1::Builder::new();
    http.timer(TokioTimer::new())
        .header_read_timeout(settings.header_timeout);
    let connections = GracefulShutdown::new();
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        let (tcp, remote) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(err) => {
                    wait_after_accept_error(err).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        // Without TCP_NODELAY small responses wait for the client's delayed
        // ACK: ~40 ms per static file.
        let _ = tcp.set_nodelay(true);
        let service = app
            .clone()
            .map_request(move |mut request: http::Request<Incoming>| {
                request.extensions_mut().insert(ConnectInfo(remote));
                request
            });
        let connection = connections
            .watch(http.serve_connection(TokioIo::new(tcp), TowerToHyperService::new(service)));
        tokio::spawn(async move {
            if let Err(err) = connection.await {
                tracing::debug!(%err, "connection ended");
            }
        });
    }
    drop(listener);
    connections.shutdown().await;
}

/// An accept that failed because of one connection (reset before it was
/// taken) is nothing; one that failed for want of file descriptors or
/// memory is retried after a pause instead of spinning.
async fn wait_after_accept_error(err: std::io::Error) {
    use std::io::ErrorKind;
    if matches!(
        err.kind(),
        ErrorKind::ConnectionAborted | ErrorKind::ConnectionReset | ErrorKind::ConnectionRefused
    ) {
        return;
    }
    tracing::error!(%err, "cannot accept a connection; retrying in a second");
    tokio::time::sleep(Duration::from_secs(1)).await;
}

async fn bind(addr: SocketAddr) -> Result<TcpListener, ServeError> {
    TcpListener::bind(addr)
        .await
        .map_err(|source| ServeError::Bind { addr, source })
}

/// Opens and migrates the database and builds what every request shares
/// (for the commands that work on the database without serving).
pub async fn open_state(config: &Config) -> Result<AppState, ServeError> {
    let state = connect_state(config, false).await?;
    state.db.migrate().await?;
    Ok(state)
}

/// Opens the database and builds what every request shares. With `live`,
/// on PostgreSQL, live updates pass through the database to every
/// instance; otherwise they stay in the process.
async fn connect_state(config: &Config, live: bool) -> Result<AppState, ServeError> {
    let db = Db::connect_with(&config.database_url, config.database.clone()).await?;
    let events = match db.postgres_pool() {
        Some(pool) if live => {
            let url = postgres_url(&config.database_url, &config.database);
            PgBus::start(&url, pool.clone())
                .await
                .map_err(|err| ServeError::Database(DbError::Connect(err)))?
        }
        _ => LocalBus::shared(),
    };
    Ok(AppState {
        db,
        leptos_options: leptos_options(config),
        auth: Arc::new(config.auth_settings()),
        hasher: Hasher::new(password_hashing_permits()),
        events,
        streams: OpenStreams::new(config.live_streams),
    })
}

/// Password hashes are CPU-bound (~60 ms each): at most half the cores hash
/// at a time, so a burst of sign-ins queues instead of starving page
/// requests.
fn password_hashing_permits() -> usize {
    let cores = std::thread::available_parallelism().map_or(1, usize::from);
    (cores / 2).max(1)
}

/// Runs the instance-wide purge (see `backend::housekeeping`) once an hour,
/// by whichever instance claims the turn (each looks every five minutes).
fn spawn_purge(state: AppState) {
    tokio::spawn(async move {
        let mut every_five_minutes = tokio::time::interval(Duration::from_secs(5 * 60));
        loop {
            every_five_minutes.tick().await;
            if let Err(err) = housekeeping::purge_if_due(&state).await {
                tracing::warn!(%err, "could not purge what has expired");
            }
        }
    });
}

/// Completes on SIGTERM (what orchestrators send) or SIGINT (Ctrl-C).
async fn shutdown_signal() {
    let interrupt = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = interrupt => {},
        () = terminate => {},
    }
}

/// Leptos's settings. cargo-leptos passes them as `LEPTOS_*` variables; when
/// the binary runs on its own the defaults match the workspace's metadata.
pub fn leptos_options(config: &Config) -> LeptosOptions {
    let var =
        |name: &str, default: &str| std::env::var(name).unwrap_or_else(|_| default.to_owned());
    let env = match var("LEPTOS_ENV", "PROD").to_ascii_uppercase().as_str() {
        "DEV" | "DEVELOPMENT" => Env::DEV,
        _ => Env::PROD,
    };
    // cargo-leptos writes the hashed file names next to the binary; a
    // binary with the site inside carries them too.
    let built_in = crate::static_files::Site::built_in_hashes();
    if let Some(hashes) = built_in {
        app::use_built_in_hashes(hashes);
    }
    let hash_files = match std::env::var("LEPTOS_HASH_FILES") {
        Ok(value) => value == "true",
        Err(_) => built_in.is_some() || hash_file_path().is_some_and(|path| path.exists()),
    };
    LeptosOptions::builder()
        .output_name(var("LEPTOS_OUTPUT_NAME", "waymark"))
        .site_root(var("LEPTOS_SITE_ROOT", "target/site"))
        .site_pkg_dir(var("LEPTOS_SITE_PKG_DIR", "pkg"))
        .env(env)
        .site_addr(config.addr)
        .reload_port(
            var("LEPTOS_RELOAD_PORT", "3001")
                .parse::<u32>()
                .unwrap_or(3001),
        )
        .hash_files(hash_files)
        .build()
}

fn hash_file_path() -> Option<PathBuf> {
    let exe = std::env::current_exe().ok()?;
    Some(exe.parent()?.join("hash.txt"))
}
