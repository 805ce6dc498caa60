//! Logs: human-readable in development, one JSON object per line in
//! production.

use tracing_subscriber::EnvFilter;

use crate::config::{Config, Environment};

pub fn init(config: &Config) {
    let filter = EnvFilter::try_new(&config.log).unwrap_or_else(|_| EnvFilter::new("info"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_target(true);
    // `try_init`: tests and repeated calls must not panic.
    let _ = match config.env {
        Environment::Production => builder.json().flatten_event(true).try_init(),
        Environment::Development => builder.compact().try_init(),
    };
}
