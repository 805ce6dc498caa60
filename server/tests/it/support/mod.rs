//! `TestApp`: a fresh Waymark on its own database, served in-process on a
//! random port and spoken to over real HTTP.
//!
//! Every test that touches the database runs on SQLite, and on PostgreSQL
//! when one is reachable (`WAYMARK_TEST_POSTGRES_URL`, default
//! `postgres://postgres@127.0.0.1:5432/postgres`). Each PostgreSQL test gets a
//! database of its own, dropped afterwards. With `CI=true` an unreachable
//! PostgreSQL fails the test instead of skipping it.

use std::path::{Path, PathBuf};
use std::sync::Once;

use app::backend::auth::password::Hasher;
use app::backend::auth::session::AuthSettings;
use app::backend::workspaces::WorkspaceLimits;
use app::backend::{AppState, Db};
use app::model::DatabaseKind;
use leptos::config::LeptosOptions;
use server::security::SecurityPolicy;

pub const DEFAULT_POSTGRES_URL: &str = "postgres://postgres@127.0.0.1:5432/postgres";

pub struct TestApp {
    /// `http://127.0.0.1:PORT`
    pub address: String,
    pub db: Db,
    /// A client with a cookie jar that does not follow redirects.
    pub client: reqwest::Client,
    /// The site folder the server serves files from.
    pub site_root: PathBuf,
    /// What every request shares, for what a test cannot reach over HTTP
    /// (the open streams, the event bus).
    pub state: AppState,
    server: tokio::task::JoinHandle<()>,
    database_url: String,
    setup: Setup,
    _database: TestDatabase,
    _site: TempDir,
}

/// How a test's app is set up, beyond its database.
#[derive(Debug, Clone, Default)]
pub struct Setup {
    /// The address users open (default: the test server's own).
    pub public_url: Option<String>,
    /// REST API requests a token may make a minute (default: the
    /// product's).
    pub api_rate_limit: Option<i64>,
    /// Behind a reverse proxy on loopback: the client's address is the one
    /// a request names in `X-Forwarded-For`.
    pub behind_proxy: bool,
    /// How many workspaces an account may make. Tests make them by the
    /// hundred within seconds (the access matrix, one for each function),
    /// so by default there is no practical limit; the limits' own test
    /// sets them.
    pub workspace_limits: Option<WorkspaceLimits>,
}

impl TestApp {
    /// One app per database this machine offers: SQLite always, PostgreSQL
    /// when reachable.
    pub async fn each_backend() -> Vec<TestApp> {
        Self::each_backend_with(Setup::default()).await
    }

    /// The same, set up as `setup` says.
    pub async fn each_backend_with(setup: Setup) -> Vec<TestApp> {
        let mut apps = vec![Self::start(TestDatabase::sqlite(), setup.clone()).await];
        if let Some(database) = TestDatabase::postgres().await {
            apps.push(Self::start(database, setup).await);
        }
        apps
    }

    pub async fn sqlite() -> TestApp {
        Self::start(TestDatabase::sqlite(), Setup::default()).await
    }

    pub async fn postgres() -> Option<TestApp> {
        let database = TestDatabase::postgres().await?;
        Some(Self::start(database, Setup::default()).await)
    }

    /// An app whose public URL is `public_url` (e.g. https behind a proxy).
    pub async fn sqlite_with_public_url(public_url: &str) -> TestApp {
        let setup = Setup {
            public_url: Some(public_url.to_owned()),
            ..Setup::default()
        };
        Self::start(TestDatabase::sqlite(), setup).await
    }

    /// SQLite, and PostgreSQL when reachable, with this API rate limit.
    pub async fn each_backend_with_api_rate_limit(limit: i64) -> Vec<TestApp> {
        Self::each_backend_with(Setup {
            api_rate_limit: Some(limit),
            ..Setup::default()
        })
        .await
    }

    async fn start(database: TestDatabase, setup: Setup) -> TestApp {
        let db = Db::connect(&database.url)
            .await
            .expect("test database opens");
        db.migrate().await.expect("migrations apply");
        let site = TempDir::new("site");
        std::fs::create_dir_all(site.path().join("pkg")).expect("site folder");
        let (address, server, state) = serve(db.clone(), &database.url, &site, &setup).await;
        let client = new_client();
        TestApp {
            address,
            db,
            client,
            site_root: site.path().to_owned(),
            state,
            server,
            database_url: database.url.clone(),
            setup,
            _database: database,
            _site: site,
        }
    }

    /// Another instance of the same app: its own server and connections,
    /// on the same database. Lives as long as the handle.
    pub async fn another_instance(&self) -> (String, tokio::task::JoinHandle<()>) {
        let db = Db::connect(&self.database_url)
            .await
            .expect("test database opens");
        let site = TempDir::new("site");
        std::fs::create_dir_all(site.path().join("pkg")).expect("site folder");
        let setup = Setup {
            public_url: None,
            ..self.setup.clone()
        };
        let (address, server, _) = serve(db, &self.database_url, &site, &setup).await;
        std::mem::forget(site);
        (address, server)
    }

    pub fn kind(&self) -> DatabaseKind {
        self.db.kind()
    }

    /// The URL of the app's database, for a second connection to it.
    pub fn database_url(&self) -> &str {
        &self.database_url
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.address)
    }

    /// Opens a page as a browser does (asking for HTML).
    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client
            .get(self.url(path))
            .headers(browser_accept())
            .send()
            .await
            .expect("GET succeeds")
    }

    pub async fn get_text(&self, path: &str) -> (reqwest::StatusCode, String) {
        let response = self.get(path).await;
        let status = response.status();
        (status, response.text().await.expect("body reads"))
    }

    /// Posts a form the way a browser without JavaScript does, from a page
    /// of this site.
    pub async fn post_form(&self, path: &str, form: &[(&str, &str)]) -> reqwest::Response {
        self.client
            .post(self.url(path))
            .header("origin", &self.address)
            .header("referer", self.url("/"))
            .headers(browser_accept())
            .form(form)
            .send()
            .await
            .expect("POST succeeds")
    }
}

/// The `Accept` header of a browser's page load or form post (replacing
/// reqwest's default `*/*`, which would otherwise come first).
pub fn browser_accept() -> reqwest::header::HeaderMap {
    let mut headers = reqwest::header::HeaderMap::new();
    headers.insert(
        reqwest::header::ACCEPT,
        reqwest::header::HeaderValue::from_static("text/html,application/xhtml+xml,*/*;q=0.8"),
    );
    headers
}

/// A browser of its own: a cookie jar, no redirects followed.
pub fn new_client() -> reqwest::Client {
    reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("http client")
}

/// A person using the app through their own browser; a clone is the same
/// person in another tab (same cookies).
#[derive(Clone)]
pub struct Visitor {
    pub client: reqwest::Client,
    pub address: String,
}

/// Serves the app on `db` at a random port; its address, task and state. On
/// PostgreSQL, live updates pass through the database, as between
/// instances in production.
async fn serve(
    db: Db,
    database_url: &str,
    site: &TempDir,
    setup: &Setup,
) -> (String, tokio::task::JoinHandle<()>, AppState) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("local address");
    let leptos_options = LeptosOptions::builder()
        .output_name("waymark")
        .site_root(site.path().to_string_lossy().to_string())
        .site_pkg_dir("pkg")
        .site_addr(addr)
        .build();
    let public_url = setup
        .public_url
        .clone()
        .unwrap_or_else(|| format!("http://{addr}"));
    let mut auth = AuthSettings::new(public_url);
    if let Some(limit) = setup.api_rate_limit {
        auth.api_rate_limit = limit;
    }
    if setup.behind_proxy {
        auth.trusted_proxies = vec![
            app::backend::auth::client::TrustedProxy::parse("127.0.0.1")
                .expect("loopback is an address"),
        ];
    }
    auth.workspaces = setup.workspace_limits.unwrap_or(WorkspaceLimits {
        per_account: 100_000,
        per_hour: 100_000,
    });
    let events = match db.postgres_pool() {
        Some(pool) => app::backend::events::postgres::PgBus::start(database_url, pool.clone())
            .await
            .expect("the test database listens"),
        None => app::backend::events::LocalBus::shared(),
    };
    let state = AppState {
        db,
        leptos_options,
        auth: std::sync::Arc::new(auth),
        hasher: Hasher::new(2),
        events,
        streams: app::backend::events::streams::OpenStreams::new(Default::default()),
    };
    let router = server::router::build(state.clone(), SecurityPolicy::default());
    let server = tokio::spawn(server::serve::serve_http(
        listener,
        router,
        server::serve::ConnectionSettings::default(),
        std::future::pending(),
    ));
    (format!("http://{addr}"), server, state)
}

impl TestApp {
    /// Someone with a fresh browser and no account yet.
    pub fn visitor(&self) -> Visitor {
        Visitor {
            client: new_client(),
            address: self.address.clone(),
        }
    }

    /// The instance's first user, signed in, who became its admin.
    pub async fn admin(&self) -> Visitor {
        let admin = self.visitor();
        admin
            .call_ok(
                "create_admin",
                &[
                    ("email", ADMIN_EMAIL),
                    ("display_name", "Ada Admin"),
                    ("password", PASSWORD),
                ],
            )
            .await;
        admin
    }

    /// A second user, signed in: sign-up is opened by `admin` for them.
    pub async fn member(&self, admin: &Visitor, email: &str) -> Visitor {
        admin
            .call_ok("admin/sign_up_mode/set", &[("mode", "open")])
            .await;
        let member = self.visitor();
        member
            .call_ok(
                "sign_up",
                &[
                    ("email", email),
                    ("display_name", "Max Member"),
                    ("password", PASSWORD),
                ],
            )
            .await;
        member
    }
}

pub const ADMIN_EMAIL: &str = "ada@example.com";
pub const PASSWORD: &str = "correct horse battery staple";

impl Visitor {
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.address)
    }

    /// Calls a server function the way the hydrated app does (JSON answer,
    /// from this site's pages).
    pub async fn call(&self, function: &str, form: &[(&str, &str)]) -> reqwest::Response {
        self.client
            .post(self.url(&format!("/fn/{function}")))
            .header("origin", &self.address)
            .form(form)
            .send()
            .await
            .expect("server function answers")
    }

    /// A call that must succeed; otherwise the test stops with the answer.
    pub async fn call_ok(&self, function: &str, form: &[(&str, &str)]) -> reqwest::Response {
        let response = self.call(function, form).await;
        let status = response.status();
        assert_eq!(
            status,
            200,
            "{function}: {}",
            response.text().await.unwrap_or_default()
        );
        response
    }

    /// A call's JSON answer, whatever its status.
    pub async fn call_json<T: serde::de::DeserializeOwned>(
        &self,
        function: &str,
        form: &[(&str, &str)],
    ) -> T {
        self.call(function, form)
            .await
            .json()
            .await
            .expect("a JSON answer")
    }

    /// The same call as a plain form post without JavaScript, from the page
    /// at `from`.
    pub async fn post_form(
        &self,
        from: &str,
        function: &str,
        form: &[(&str, &str)],
    ) -> reqwest::Response {
        self.client
            .post(self.url(&format!("/fn/{function}")))
            .header("origin", &self.address)
            .header("referer", self.url(from))
            .headers(browser_accept())
            .form(form)
            .send()
            .await
            .expect("form post answers")
    }

    /// Who the server thinks this browser belongs to.
    /// A page's HTML as a browser asks for it.
    pub async fn page_text(&self, path: &str) -> String {
        self.client
            .get(self.url(path))
            .headers(browser_accept())
            .send()
            .await
            .expect("the page answers")
            .text()
            .await
            .expect("the page's text")
    }

    pub async fn whoami(&self) -> Option<String> {
        let response = self.call("current_user", &[]).await;
        assert_eq!(response.status(), 200);
        let user: serde_json::Value = response.json().await.expect("json");
        user.get("email")
            .and_then(|e| e.as_str())
            .map(str::to_owned)
    }

    pub async fn sign_in(&self, email: &str, password: &str) -> reqwest::Response {
        self.call("sign_in", &[("email", email), ("password", password)])
            .await
    }
}

/// The value of a cookie set by a response, if it set one.
pub fn set_cookie(response: &reqwest::Response, name: &str) -> Option<String> {
    response
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with(&format!("{name}=")))
        .map(str::to_owned)
}

impl Drop for TestApp {
    fn drop(&mut self) {
        self.server.abort();
    }
}

/// A database that exists for one test.
pub struct TestDatabase {
    pub url: String,
    cleanup: Cleanup,
}

enum Cleanup {
    // Never read: the folder goes when it is dropped.
    Folder(#[allow(dead_code)] TempDir),
    Postgres { admin_url: String, name: String },
}

impl TestDatabase {
    pub fn sqlite() -> Self {
        let folder = TempDir::new("db");
        let url = format!("sqlite://{}/waymark.db", folder.path().display());
        Self {
            url,
            cleanup: Cleanup::Folder(folder),
        }
    }

    /// A new, empty PostgreSQL database, or `None` (outside CI) when no
    /// server is reachable.
    pub async fn postgres() -> Option<Self> {
        use sqlx::{AnyConnection, Connection, Executor};

        sqlx::any::install_default_drivers();
        let admin_url = std::env::var("WAYMARK_TEST_POSTGRES_URL")
            .unwrap_or_else(|_| DEFAULT_POSTGRES_URL.to_owned());
        let mut admin = match AnyConnection::connect(&admin_url).await {
            Ok(conn) => conn,
            Err(err) => {
                if std::env::var("CI").is_ok_and(|v| v == "true") {
                    panic!("CI=true but PostgreSQL at {admin_url} is unreachable: {err}");
                }
                static SAID: Once = Once::new();
                SAID.call_once(|| {
                    eprintln!("skipping PostgreSQL: {admin_url} is unreachable ({err})");
                });
                return None;
            }
        };
        let name = format!("waymark_test_{:016x}", rand::random::<u64>());
        admin
            .execute(format!("CREATE DATABASE {name}").as_str())
            .await
            .expect("CREATE DATABASE");
        admin.close().await.ok();
        let base = admin_url
            .rsplit_once('/')
            .map(|(base, _)| base)
            .unwrap_or(&admin_url);
        Some(Self {
            url: format!("{base}/{name}"),
            cleanup: Cleanup::Postgres { admin_url, name },
        })
    }
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        if let Cleanup::Postgres { admin_url, name } = &self.cleanup {
            let (admin_url, name) = (admin_url.clone(), name.clone());
            // Drop runs outside async code; a short-lived runtime on its own
            // thread does the cleanup.
            let _ = std::thread::spawn(move || {
                let runtime = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                    .expect("cleanup runtime");
                runtime.block_on(async {
                    use sqlx::{AnyConnection, Connection, Executor};
                    if let Ok(mut admin) = AnyConnection::connect(&admin_url).await {
                        let _ = admin
                            .execute(
                                format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)").as_str(),
                            )
                            .await;
                        let _ = admin.close().await;
                    }
                });
            })
            .join();
        }
    }
}

/// A folder under the system's temporary directory, removed on drop.
pub struct TempDir(PathBuf);

impl TempDir {
    pub fn new(label: &str) -> Self {
        let path = std::env::temp_dir().join(format!(
            "waymark-test-{label}-{:016x}",
            rand::random::<u64>()
        ));
        std::fs::create_dir_all(&path).expect("temporary folder");
        Self(path)
    }

    pub fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

impl Visitor {
    /// Creates a workspace and returns its slug.
    pub async fn create_workspace(&self, name: &str, slug: &str) -> String {
        self.call_ok(
            "workspaces/create",
            &[
                ("name", name),
                ("slug", slug),
                ("description", ""),
                ("key_prefix", ""),
            ],
        )
        .await;
        slug.to_owned()
    }

    /// Adds an item to the workspace; returns its key.
    pub async fn create_item(&self, slug: &str, title: &str) -> String {
        let response = self
            .call_ok("w/items/create", &[("slug", slug), ("title", title)])
            .await;
        response.json::<String>().await.expect("the new key")
    }

    /// Everything the item page shows of `key`.
    pub async fn item(&self, slug: &str, key: &str) -> serde_json::Value {
        self.call_json("w/items/get", &[("slug", slug), ("key", key)])
            .await
    }

    /// Makes an invitation link for `role`; returns its token.
    pub async fn invite(&self, slug: &str, role: &str, email: &str) -> String {
        let response = self
            .call_ok(
                "w/invitations/create",
                &[("slug", slug), ("role", role), ("email", email)],
            )
            .await;
        let link: String = response.json().await.expect("a link");
        link.rsplit('/').next().expect("a token").to_owned()
    }

    pub async fn accept(&self, token: &str) -> reqwest::Response {
        self.call("invitation/accept", &[("token", token)]).await
    }
}

/// Seconds since the Unix epoch, for two-factor codes.
pub fn now_secs() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("the clock is after 1970")
        .as_secs() as i64
}

/// Turns two-factor on for a signed-in visitor; returns the secret.
pub async fn enable_two_factor(
    visitor: &Visitor,
) -> (app::backend::auth::totp::TotpSecret, Vec<String>) {
    assert_eq!(
        visitor.call("account/two_factor/begin", &[]).await.status(),
        200
    );
    let status: serde_json::Value = visitor.call_json("account/two_factor", &[]).await;
    let setup = &status["SettingUp"];
    let key: String = setup["manual_key"].as_str().unwrap().replace(' ', "");
    let codes: Vec<String> = setup["recovery_codes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c.as_str().unwrap().to_owned())
        .collect();
    assert_eq!(codes.len(), 10);
    assert!(setup["qr_svg"].as_str().unwrap().starts_with("<svg"));
    let secret = app::backend::auth::totp::TotpSecret::from_base32(&key).expect("a base32 key");

    let wrong = visitor
        .call("account/two_factor/confirm", &[("code", "000000")])
        .await;
    assert_eq!(wrong.status(), 422);
    let code = app::backend::auth::totp::code_at(&secret, now_secs());
    let response = visitor
        .call("account/two_factor/confirm", &[("code", &code)])
        .await;
    assert_eq!(response.status(), 200, "{}", response.text().await.unwrap());
    (secret, codes)
}

/// What an answer to a client must never contain: SQL, the database
/// driver, its pool and its error texts, table and column names, panics,
/// backtraces and source paths. Compared ignoring case.
pub const INTERNAL_MARKERS: &[&str] = &[
    "sqlx",
    "sqlite",
    "postgres",
    "sqlstate",
    "pool",
    "database:",
    "error returned from database",
    "no rows returned",
    "constraint",
    "syntax error",
    "database is locked",
    "_sqlx_migrations",
    "instance_settings",
    "two_factor_challenges",
    "recovery_codes",
    "sign_in_failures",
    "password_resets",
    "security_events",
    "workspace_old_slugs",
    "memberships",
    "password_hash",
    "token_hash",
    "workspace_id",
    "panicked",
    "backtrace",
    "unwrap()",
    "thread '",
    ".rs:",
    "internal error",
    "server function failed",
];

/// SQL keywords, compared with their case (as queries write them), so that
/// ordinary words in a page do not count.
pub const SQL_KEYWORDS: &[&str] = &[
    "SELECT ",
    "INSERT INTO",
    "UPDATE ",
    "DELETE FROM",
    " FROM ",
    " WHERE ",
    "RETURNING ",
];

/// The internal details `body` gives away; empty when it gives none.
pub fn internal_details(body: &str) -> Vec<&'static str> {
    let lower = body.to_lowercase();
    INTERNAL_MARKERS
        .iter()
        .filter(|marker| lower.contains(*marker))
        .chain(
            SQL_KEYWORDS
                .iter()
                .filter(|keyword| body.contains(*keyword)),
        )
        .copied()
        .collect()
}

impl Visitor {
    /// As an admin: a one-time password-reset link for the account with
    /// `email`.
    pub async fn reset_link_for(&self, email: &str) -> String {
        let users: serde_json::Value = self.call_json("admin/users", &[]).await;
        let id = users
            .as_array()
            .expect("a list of users")
            .iter()
            .find(|u| u["email"] == email)
            .expect("the account exists")["id"]
            .as_i64()
            .expect("an id")
            .to_string();
        self.call_json("admin/users/reset_link", &[("user_id", &id)])
            .await
    }
}

/// The keys of each lane of a board or roadmap answer (a list of lanes,
/// each with its `items`), top to bottom.
pub fn lane_keys(lanes: &serde_json::Value) -> Vec<Vec<String>> {
    lanes
        .as_array()
        .expect("lanes")
        .iter()
        .map(|lane| {
            lane["items"]
                .as_array()
                .expect("items")
                .iter()
                .map(|i| i["key"].as_str().expect("a key").to_owned())
                .collect()
        })
        .collect()
}

/// Runs one statement in a write transaction of its own: how tests move a
/// time into the past. Reads' connections refuse writes.
pub async fn write<'q>(
    db: &Db,
    query: sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>>,
) -> Result<sqlx::any::AnyQueryResult, sqlx::Error> {
    let mut transaction = db.begin().await?;
    let done = query.execute(&mut *transaction).await?;
    transaction.commit().await?;
    Ok(done)
}

/// Random moves of cards between lanes (a board's statuses, a roadmap's
/// horizons), for the tests that hold the server's order to a model: it
/// keeps the lanes as they should be, and each move says which card goes
/// to which lane, between which neighbours. The same seed gives the same
/// moves.
pub struct RandomMoves {
    seed: u64,
    /// The lanes' keys, top to bottom, as the moves so far leave them.
    pub expected: Vec<Vec<String>>,
}

/// One card's move: into lane `lane`, after `after` and before `before`
/// (none at either end).
pub struct CardMove {
    pub key: String,
    pub lane: usize,
    pub after: Option<String>,
    pub before: Option<String>,
}

impl RandomMoves {
    pub fn new(seed: u64, lanes: Vec<Vec<String>>) -> Self {
        Self {
            seed,
            expected: lanes,
        }
    }

    /// A number below `below`, from a xorshift generator.
    fn below(&mut self, below: usize) -> usize {
        self.seed ^= self.seed << 13;
        self.seed ^= self.seed >> 7;
        self.seed ^= self.seed << 17;
        (self.seed % below as u64) as usize
    }

    /// Picks a card and a new place for it, and moves it in `expected`.
    pub fn next_move(&mut self) -> CardMove {
        let from = loop {
            let lane = self.below(self.expected.len());
            if !self.expected[lane].is_empty() {
                break lane;
            }
        };
        let at = self.below(self.expected[from].len());
        let key = self.expected[from].remove(at);
        let to = self.below(self.expected.len());
        let index = self.below(self.expected[to].len() + 1);
        let after = index.checked_sub(1).map(|i| self.expected[to][i].clone());
        let before = self.expected[to].get(index).cloned();
        self.expected[to].insert(index, key.clone());
        CardMove {
            key,
            lane: to,
            after,
            before,
        }
    }
}

/// `count` items titled "TITLE 0", "TITLE 1", …; their keys in order.
pub async fn create_many(visitor: &Visitor, slug: &str, title: &str, count: usize) -> Vec<String> {
    let mut made = Vec::with_capacity(count);
    for n in 0..count {
        made.push(visitor.create_item(slug, &format!("{title} {n}")).await);
    }
    made
}
