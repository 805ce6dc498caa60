//! The waymark binary's library: configuration, the HTTP server and the
//! command line. `main.rs` only parses arguments and calls into here; tests
//! build the same router in-process.

pub mod cli;
pub mod compression;
pub mod config;
pub mod csrf;
pub mod events;
pub mod health;
pub mod metrics;
pub mod rest;
pub mod router;
pub mod security;
pub mod serve;
pub mod share_link;
pub mod static_files;
pub mod telemetry;
pub mod url_errors;
pub mod webhooks;
