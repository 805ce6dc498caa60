//! A status as people see it everywhere: a coloured dot and its name. Drawn
//! by `view!` on pages and as markup in long lists (table rows, cards);
//! both forms live here, and a test holds them to the same HTML.

use leptos::prelude::*;

use crate::components::markup::Markup;
use crate::model::Status;

/// A status's colour as a dot. A fill, not a style attribute: the page's
/// CSP allows no inline styles.
#[component]
pub fn StatusDot(color: String) -> impl IntoView {
    view! {
        <svg class="status-chip__dot" viewBox="0 0 10 10" aria-hidden="true">
            <circle cx="5" cy="5" r="5" fill=color />
        </svg>
    }
}

/// [`StatusDot`] as markup.
pub fn status_dot_html(m: &mut Markup, color: &str) {
    m.raw("<svg class=\"status-chip__dot\" viewBox=\"0 0 10 10\" aria-hidden=\"true\"><circle cx=\"5\" cy=\"5\" r=\"5\" fill=\"")
        .text(color)
        .raw("\"></circle></svg>");
}

/// A status as a coloured dot and its name.
#[component]
pub fn StatusChip(status: Option<Status>) -> impl IntoView {
    status.map(|s| {
        view! {
            <span class="status-chip">
                <StatusDot color=s.color />
                {s.name}
            </span>
        }
    })
}

/// [`StatusChip`] as markup.
pub fn status_chip_html(m: &mut Markup, status: &Status) {
    m.raw("<span class=\"status-chip\">");
    status_dot_html(m, &status.color);
    m.text(&status.name).raw("</span>");
}

#[cfg(all(test, feature = "ssr"))]
mod tests {
    use super::*;
    use crate::components::markup::as_read;
    use crate::model::StatusCategory;

    fn hostile() -> Status {
        Status {
            id: 3,
            name: "<b>Done</b> & \"shipped\"".into(),
            color: "\"><script>alert(1)</script>".into(),
            category: StatusCategory::Done,
        }
    }

    #[test]
    fn the_view_and_the_markup_draw_the_same_chip() {
        let status = hostile();
        let drawn = view! { <StatusChip status=Some(status.clone()) /> }.to_html();
        let mut m = Markup::with_capacity(256);
        status_chip_html(&mut m, &status);
        assert_eq!(as_read(&drawn), as_read(&m.into_string()));
        assert!(!drawn.contains("<script>"), "{drawn}");
        assert!(as_read(&drawn).contains("&lt;b&gt;Done"), "{drawn}");

        let dot = view! { <StatusDot color=status.color.clone() /> }.to_html();
        let mut m = Markup::with_capacity(256);
        status_dot_html(&mut m, &status.color);
        assert_eq!(as_read(&dot), as_read(&m.into_string()));
    }
}
