//! Server functions, one module per area. Each checks on the server what the
//! caller may do; nothing here trusts the browser.

pub mod about;
pub mod account;
pub mod admin;
pub mod auth;
pub mod invitations;
pub mod items;
pub mod password_reset;
pub mod roadmap;
pub mod rounds;
pub mod scoring;
pub mod statuses;
pub mod theme;
pub mod tokens;
pub mod views;
pub mod webhooks;
pub mod workspaces;
