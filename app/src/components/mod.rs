//! Reusable pieces of the interface.

mod error_panel;
pub mod form;
pub mod lanes;
pub mod live;
mod loading;
pub mod markup;
pub mod saved_views;
mod shortcuts;
mod site_footer;
mod site_header;
mod suspend;
mod theme_toggle;
pub mod toast;

pub use error_panel::ErrorPanel;
pub use loading::{Loading, PendingTransition};
pub use shortcuts::Shortcuts;
pub use site_footer::SiteFooter;
pub use site_header::{CurrentUserResource, SiteHeader};
pub use suspend::suspend;
pub use theme_toggle::{ThemeState, ThemeToggle};
pub use toast::{ToastRegion, Toasts};
