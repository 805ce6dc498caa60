//! Where the server may send a browser: a path on this site that no browser
//! reads as another host, and that carries no error in its address (an
//! error shown on a page is one the server made and signed there, see
//! [`super::url_error`]).

use super::url_error::{ERROR_KEY, PATH_KEY, SIGNATURE_KEY};

/// Where a browser goes when the wanted address is refused.
const HOME: &str = "/";

/// `target` (a path with its query, e.g. sign-in's `next` or the address a
/// request came to) as an address on this site, or `/`. It is resolved as
/// a browser would resolve it against this site's address (which drops
/// tabs and newlines and reads `\` as `/`); anything that leaves the site,
/// still reads as another host (`//…`), or is not plain printable ASCII
/// (which a `Location` header could not carry) gives `/`. The error keys
/// are taken out of its query.
pub fn on_this_site(target: Option<&str>) -> String {
    let Some(target) = target else {
        return HOME.to_owned();
    };
    let printable = target.bytes().all(|b| b.is_ascii_graphic());
    if !printable || !target.starts_with('/') {
        return HOME.to_owned();
    }
    let base = url::Url::parse("http://waymark.invalid/").expect("a valid base address");
    match base.join(target) {
        Ok(resolved) if resolved.origin() == base.origin() && resolved.path().starts_with('/') => {
            let path = resolved.path();
            if path.starts_with("//") {
                return HOME.to_owned();
            }
            match resolved.query() {
                Some(query) if carries_error(query) => match without_error(query) {
                    clean if clean.is_empty() => path.to_owned(),
                    clean => format!("{path}?{clean}"),
                },
                Some(query) => format!("{path}?{query}"),
                None => path.to_owned(),
            }
        }
        _ => HOME.to_owned(),
    }
}

/// Whether a query holds any of the error keys.
pub fn carries_error(query: &str) -> bool {
    url::form_urlencoded::parse(query.as_bytes())
        .any(|(key, _)| [PATH_KEY, ERROR_KEY, SIGNATURE_KEY].contains(&key.as_ref()))
}

/// The query without the error keys.
pub fn without_error(query: &str) -> String {
    url::form_urlencoded::Serializer::new(String::new())
        .extend_pairs(
            url::form_urlencoded::parse(query.as_bytes())
                .filter(|(key, _)| ![PATH_KEY, ERROR_KEY, SIGNATURE_KEY].contains(&key.as_ref())),
        )
        .finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_target_stays_on_this_site() {
        assert_eq!(on_this_site(Some("/settings/account")), "/settings/account");
        assert_eq!(on_this_site(Some("/w/x?tab=a&b=%20c")), "/w/x?tab=a&b=%20c");
        assert_eq!(on_this_site(None), "/");
        for hostile in [
            "//evil.example/",
            "//evil.example/?__err=x",
            "https://evil.example/",
            "/\\evil.example",
            "/\\evil.example?__err=x",
            "/\tevil.example",
            "/\t/evil.example",
            "/\n/evil.example",
            "/\r\n/evil.example",
            "\t//evil.example",
            " //evil.example",
            "/\u{0}/evil.example",
            "/\u{7f}/evil.example",
            "/caf\u{e9}",
            "/%09/evil.example",
            "/%5Cevil.example",
            "%2F%2Fevil.example",
            "/../..//evil.example",
            "/./\\evil.example",
            "///evil.example",
            "/\\/evil.example",
            "javascript:alert(1)",
        ] {
            let target = on_this_site(Some(hostile));
            assert!(
                target.starts_with('/') && !target.starts_with("//") && !target.contains('\\'),
                "{hostile:?} gave {target:?}"
            );
            assert!(
                http::HeaderValue::from_str(&target).is_ok(),
                "{hostile:?} gave {target:?}"
            );
            assert!(
                !target.contains("evil.example") || target.starts_with("/%"),
                "{hostile:?} gave {target:?}"
            );
        }
    }

    #[test]
    fn a_target_carries_no_error() {
        assert_eq!(
            on_this_site(Some(
                "/settings/account?__path=%2Ffn%2Fx&__err=abc&__sig=1.x"
            )),
            "/settings/account"
        );
        assert_eq!(
            on_this_site(Some("/w/x?tab=a&__err=abc&__path=%2Ffn%2Fsign_in")),
            "/w/x?tab=a"
        );
        assert_eq!(without_error("__path=%2Ffn%2Fx&__err=abc&__sig=1.x"), "");
        assert_eq!(without_error("next=%2Fw&__err=abc"), "next=%2Fw");
        assert!(carries_error("a=1&__sig=x"));
        assert!(!carries_error("a=1&err=x"));
    }
}
