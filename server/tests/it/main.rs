//! The integration tests: each starts the app in-process on a fresh
//! database (SQLite, and PostgreSQL when `WAYMARK_TEST_POSTGRES_URL` is
//! reachable) and speaks HTTP to it, as a browser or a script would. One
//! test binary, one module per area of the site, so the server is linked
//! once; `support` holds the harness.

mod support;

mod access_matrix;
mod accounts;
mod api_tokens;
mod backup;
mod chart;
mod database;
mod guessing;
mod invitations;
mod items;
mod live;
mod members;
mod pages;
mod process;
mod request_log;
mod rest;
mod roadmap;
mod rounds;
mod scale_out;
mod schema;
mod scoring;
mod sign_in_edge;
mod static_files;
mod statuses;
mod timeline;
mod views;
mod webhooks;
mod workspaces;
