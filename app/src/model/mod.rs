//! Plain data shared by the server and the browser.

mod instance;
mod theme;

pub use instance::{DatabaseKind, InstanceInfo};
pub use theme::Theme;
