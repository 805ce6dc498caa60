//! HTML written as text, for the long lists (the table's rows, the board's
//! cards) where building a view per element costs more than the data it
//! shows. The same functions draw the list on the server and, when its data
//! changes, in the browser; events reach it through its container.
//!
//! Only `&'static str` goes in unescaped, so data can only enter through
//! [`Markup::text`], which escapes it for text and attribute values alike.

use std::fmt::Write;

#[derive(Default)]
pub struct Markup(String);

impl Markup {
    pub fn with_capacity(capacity: usize) -> Self {
        Self(String::with_capacity(capacity))
    }

    /// Markup the code wrote itself: tags, attribute names, fixed text.
    pub fn raw(&mut self, markup: &'static str) -> &mut Self {
        self.0.push_str(markup);
        self
    }

    /// Text or an attribute's value (inside double quotes), escaped.
    pub fn text(&mut self, text: &str) -> &mut Self {
        escape_into(&mut self.0, text);
        self
    }

    pub fn number(&mut self, number: i64) -> &mut Self {
        let _ = write!(self.0, "{number}");
        self
    }

    /// A coordinate to a tenth of a unit, as `{:.1}` writes it (halves
    /// round away from zero); not-a-number and infinities write 0.
    pub fn tenths(&mut self, number: f64) -> &mut Self {
        let tenths = if number.is_finite() {
            (number * 10.0).round() as i64
        } else {
            0
        };
        let sign = if tenths < 0 { "-" } else { "" };
        let tenths = tenths.unsigned_abs();
        let _ = write!(self.0, "{sign}{}.{}", tenths / 10, tenths % 10);
        self
    }

    /// Markup built the same way.
    pub fn markup(&mut self, other: &Markup) -> &mut Self {
        self.0.push_str(&other.0);
        self
    }

    pub fn into_string(self) -> String {
        self.0
    }
}

/// One `<option>` per choice, the current one selected.
pub struct Options(Vec<(i64, Markup)>);

impl Options {
    pub fn new<'a>(choices: impl Iterator<Item = (i64, &'a str)>) -> Self {
        Self(
            choices
                .map(|(id, label)| {
                    let mut m = Markup::default();
                    m.number(id).raw("\">").text(label).raw("</option>");
                    (id, m)
                })
                .collect(),
        )
    }

    /// Choices whose values are words: (what selects it, value, label).
    pub fn valued<'a>(choices: impl Iterator<Item = (i64, &'a str, &'a str)>) -> Self {
        Self(
            choices
                .map(|(id, value, label)| {
                    let mut m = Markup::default();
                    m.text(value).raw("\">").text(label).raw("</option>");
                    (id, m)
                })
                .collect(),
        )
    }

    pub fn write(&self, m: &mut Markup, current: Option<i64>) {
        for (id, rest) in &self.0 {
            m.raw(if current == Some(*id) {
                "<option selected value=\""
            } else {
                "<option value=\""
            })
            .markup(rest);
        }
    }
}

/// Text as HTML that shows exactly that text, in an element or in a quoted
/// attribute value.
pub fn escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / 8);
    escape_into(&mut out, text);
    out
}

fn escape_into(out: &mut String, text: &str) {
    let mut rest = text;
    while let Some(at) = rest.find(['&', '<', '>', '"', '\'']) {
        out.push_str(&rest[..at]);
        out.push_str(match rest.as_bytes()[at] {
            b'&' => "&amp;",
            b'<' => "&lt;",
            b'>' => "&gt;",
            b'"' => "&quot;",
            _ => "&#39;",
        });
        rest = &rest[at + 1..];
    }
    out.push_str(rest);
}

/// HTML as a browser reads it, for tests that hold a `view!` and its
/// markup twin to the same page: without Leptos's hydration markers
/// (`<!>`), with each tag's attributes in one order, and with the quotes
/// that only [`Markup`] escapes in text written plainly.
#[cfg(all(test, feature = "ssr"))]
pub(crate) fn as_read(html: &str) -> String {
    let html = html.replace("<!>", "");
    let mut out = String::with_capacity(html.len());
    let mut rest = html.as_str();
    while let Some(open) = rest.find('<') {
        out.push_str(&plain_quotes(&rest[..open]).replace("&quot;", "\""));
        let close = open + rest[open..].find('>').expect("a tag ends");
        let tag = &rest[open + 1..close];
        let self_closing = tag.ends_with('/');
        let tag = tag.trim_end_matches('/');
        // Attribute values are quoted and escaped, so a space outside
        // quotes ends an attribute.
        let mut parts = Vec::new();
        let (mut start, mut quoted) = (0, false);
        for (at, c) in tag.char_indices() {
            match c {
                '"' => quoted = !quoted,
                ' ' if !quoted => {
                    parts.push(&tag[start..at]);
                    start = at + 1;
                }
                _ => {}
            }
        }
        parts.push(&tag[start..]);
        parts.retain(|p| !p.is_empty());
        let (name, attributes) = parts.split_first().expect("a tag has a name");
        let mut attributes: Vec<String> = attributes.iter().map(|a| plain_quotes(a)).collect();
        attributes.sort();
        out.push('<');
        out.push_str(name);
        for attribute in attributes {
            out.push(' ');
            out.push_str(&attribute);
        }
        out.push_str(if self_closing { "/>" } else { ">" });
        rest = &rest[close + 1..];
    }
    out.push_str(&plain_quotes(rest).replace("&quot;", "\""));
    out
}

#[cfg(all(test, feature = "ssr"))]
fn plain_quotes(text: &str) -> String {
    text.replace("&#39;", "'")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tenths_are_written_as_coordinates() {
        let written = |x: f64| {
            let mut m = Markup::default();
            m.tenths(x);
            m.into_string()
        };
        assert_eq!(written(233.64), "233.6");
        assert_eq!(written(8.0), "8.0");
        assert_eq!(written(0.05), "0.1");
        assert_eq!(written(-0.04), "0.0");
        assert_eq!(written(-12.25), "-12.3");
        assert_eq!(written(f64::NAN), "0.0");
        assert_eq!(written(f64::INFINITY), "0.0");
    }

    #[test]
    fn escapes_markup() {
        assert_eq!(
            escape_html("</textarea><b a='1'>&\""),
            "&lt;/textarea&gt;&lt;b a=&#39;1&#39;&gt;&amp;&quot;"
        );
        assert_eq!(escape_html("plain café"), "plain café");
    }

    #[test]
    fn data_is_escaped_and_markup_is_not() {
        let mut m = Markup::default();
        m.raw("<a title=\"")
            .text("\" onmouseover=\"alert(1)")
            .raw("\">")
            .text("<script>x</script>")
            .raw("</a>")
            .number(-3);
        assert_eq!(
            m.into_string(),
            "<a title=\"&quot; onmouseover=&quot;alert(1)\">&lt;script&gt;x&lt;/script&gt;</a>-3"
        );
    }
}
