//! `waymark`: parse the command line and the configuration, then run.

use std::process::ExitCode;

use server::cli::{self, Command, USAGE};
use server::config::Config;
use server::{serve, telemetry};

#[global_allocator]
static ALLOCATOR: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

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

    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
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
