//! Authentication: passwords, sessions, two-factor codes, throttling and the
//! secrets handed to browsers.

pub mod api_token;
pub mod client;
pub mod password;
pub mod qr;
pub mod recovery;
pub mod redirect;
pub mod session;
pub mod throttle;
pub mod token;
pub mod totp;
pub mod url_error;
