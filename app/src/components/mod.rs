//! Reusable pieces of the interface.

mod error_panel;
mod error_view;
pub mod filter_bar;
pub mod form;
pub mod items_view;
pub mod lanes;
pub mod live;
mod loading;
pub mod markup;
pub mod saved_views;
mod shortcuts;
mod site_footer;
mod site_header;
mod status_chip;
mod suspend;
mod theme_toggle;
pub mod toast;
pub mod workspace_frame;

pub use error_panel::ErrorPanel;
pub use error_view::error_view;
pub use loading::{Loading, PendingTransition};
pub use shortcuts::Shortcuts;
pub use site_footer::SiteFooter;
pub use site_header::{CurrentUserResource, SiteHeader};
pub use status_chip::{StatusChip, StatusDot, status_chip_html, status_dot_html};
pub use suspend::suspend;
pub use theme_toggle::{ThemeState, ThemeToggle};
pub use toast::{ToastRegion, Toasts};
