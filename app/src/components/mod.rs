//! Reusable pieces of the interface.

mod error_panel;
pub mod form;
mod loading;
mod shortcuts;
mod site_footer;
mod site_header;
mod theme_toggle;

pub use error_panel::ErrorPanel;
pub use loading::Loading;
pub use shortcuts::Shortcuts;
pub use site_footer::SiteFooter;
pub use site_header::{CurrentUserResource, SiteHeader};
pub use theme_toggle::{ThemeState, ThemeToggle};
