//! `waymark`: parse the command line and the configuration, then run.

use std::process::ExitCode;

use app::model::DatabaseKind;
use server::cli::{self, Command, USAGE};
use server::config::Config;
use server::{serve, telemetry};

#[global_allocator]
static ALLOCATOR: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

/// How many tasks a worker runs between two looks at the sockets and timers
/// while it has work queued, when the database is SQLite (tokio's default,
/// kept for PostgreSQL, is 61; a worker with nothing queued looks at once).
///
/// Each look queues every request that arrived since the last one beside the
/// pages the worker is half-way through, and they all take turns. With the
/// default, 32 busy connections kept about 28 pages in flight at once; at 512
/// about 15: a worker mostly finishes the pages it started before it takes
/// new ones. The members page then serves about 20 % more requests per second
/// and its p99 falls from 10.7 to 8.6 ms (wrk, 32 connections); past about
/// 400 nothing more is gained. SQLite reads run on the worker itself, so a
/// page has nothing to wait for from a socket. On PostgreSQL every query's
/// answer comes through such a look, and waiting longer for it raised the
/// items page's p99 from 52 to 57 ms, so PostgreSQL keeps the default. The
/// cost: while every worker stays busy, a new request or an expired timer
/// waits for up to this many task polls.
const SQLITE_EVENT_INTERVAL: u32 = 512;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let command = match Command::parse(&args) {
        Ok(command) => command,
        Err(message) => return fail(&message),
    };
    match &command {
        Command::Help => {
            print!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Command::Version => {
            println!("waymark {}", env!("CARGO_PKG_VERSION"));
            return ExitCode::SUCCESS;
        }
        _ => {}
    }
    let config = match Config::from_env() {
        Ok(config) => config,
        Err(err) => return fail(&err.to_string()),
    };
    telemetry::init(&config);

    let mut runtime = tokio::runtime::Builder::new_multi_thread();
    runtime.enable_all();
    if config.database_kind == DatabaseKind::Sqlite {
        runtime.event_interval(SQLITE_EVENT_INTERVAL);
    }
    let runtime = match runtime.build() {
        Ok(runtime) => runtime,
        Err(err) => return fail(&format!("cannot start the async runtime: {err}")),
    };
    let result = runtime.block_on(async {
        match command {
            Command::Serve => serve::run(config).await.map_err(|e| e.to_string()),
            Command::Migrate => cli::migrate(&config).await,
            Command::Check => cli::check(&config).await,
            Command::Backup { file } => cli::backup(&config, &file).await,
            Command::CreateAdmin { email, name } => {
                cli::create_admin(&config, &email, name.as_deref()).await
            }
            Command::SeedDemo(seed) => cli::seed_demo(&config, &seed).await,
            Command::Help | Command::Version => Ok(()),
        }
    });
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => fail(&message),
    }
}

fn fail(message: &str) -> ExitCode {
    eprintln!("waymark: {message}");
    ExitCode::from(2)
}
