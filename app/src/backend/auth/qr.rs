//! QR codes as SVG, drawn on the server (no script, no inline style), for
//! two-factor set-up.

use qrcodegen::{QrCode, QrCodeEcc};

const QUIET_ZONE: i32 = 4;

pub fn svg(text: &str) -> String {
    let code = match QrCode::encode_text(text, QrCodeEcc::Medium) {
        Ok(code) => code,
        Err(err) => {
            tracing::error!(%err, "text too long for a QR code");
            return String::new();
        }
    };
    let size = code.size();
    let full = size + 2 * QUIET_ZONE;
    let mut path = String::new();
    for y in 0..size {
        for x in 0..size {
            if code.get_module(x, y) {
                path.push_str(&format!("M{},{}h1v1h-1z", x + QUIET_ZONE, y + QUIET_ZONE));
            }
        }
    }
    format!(
        r##"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {full} {full}" role="img" aria-label="QR code" shape-rendering="crispEdges"><rect width="{full}" height="{full}" fill="#fff"/><path fill="#000" d="{path}"/></svg>"##
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn draws_one_square_per_dark_module() {
        let text = "otpauth://totp/Waymark:ada%40example.com?secret=JBSWY3DPEHPK3PXP";
        let svg = svg(text);
        assert!(svg.starts_with("<svg"));
        assert!(svg.contains("viewBox"));
        assert!(!svg.contains("style"), "the CSP forbids inline styles");
        let code = QrCode::encode_text(text, QrCodeEcc::Medium).unwrap();
        let dark = (0..code.size())
            .flat_map(|y| (0..code.size()).map(move |x| (x, y)))
            .filter(|(x, y)| code.get_module(*x, *y))
            .count();
        assert_eq!(svg.matches("h1v1h-1z").count(), dark);
    }
}
