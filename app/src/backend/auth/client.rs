//! Who is asking: the client's address and browser, for sessions, throttling
//! and the security log. Behind a reverse proxy the address comes from
//! `X-Forwarded-For` only when the proxy is in the trusted list — a header
//! any client can send is never believed on its own.

use std::net::{IpAddr, SocketAddr};

use axum::extract::ConnectInfo;
use http::request::Parts;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientInfo {
    pub ip: String,
    pub user_agent: String,
}

impl ClientInfo {
    /// The group of addresses throttling counts together: one person
    /// controls a whole IPv6 /64 (a home or a phone gets one), so it counts
    /// as one address; an IPv4 address (also written IPv4-mapped) is itself.
    pub fn network(&self) -> String {
        match self.ip.parse::<IpAddr>() {
            Ok(IpAddr::V6(v6)) => match v6.to_ipv4_mapped() {
                Some(v4) => v4.to_string(),
                None => {
                    let prefix = u128::from(v6) & (u128::MAX << 64);
                    format!("{}/64", std::net::Ipv6Addr::from(prefix))
                }
            },
            Ok(IpAddr::V4(v4)) => v4.to_string(),
            Err(_) => self.ip.clone(),
        }
    }
}

/// A trusted proxy: one address or a network (`10.0.0.0/8`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TrustedProxy {
    network: IpAddr,
    prefix: u8,
}

impl TrustedProxy {
    pub fn parse(text: &str) -> Option<Self> {
        let (addr, prefix) = match text.trim().split_once('/') {
            Some((addr, prefix)) => (addr, Some(prefix.parse::<u8>().ok()?)),
            None => (text.trim(), None),
        };
        let network: IpAddr = addr.parse().ok()?;
        let max = if network.is_ipv4() { 32 } else { 128 };
        let prefix = prefix.unwrap_or(max);
        (prefix <= max).then_some(Self { network, prefix })
    }

    pub fn contains(&self, ip: IpAddr) -> bool {
        match (self.network, ip) {
            (IpAddr::V4(net), IpAddr::V4(ip)) => {
                let mask = u32::MAX
                    .checked_shl(32 - u32::from(self.prefix))
                    .unwrap_or(0);
                u32::from(net) & mask == u32::from(ip) & mask
            }
            (IpAddr::V6(net), IpAddr::V6(ip)) => {
                let mask = u128::MAX
                    .checked_shl(128 - u32::from(self.prefix))
                    .unwrap_or(0);
                u128::from(net) & mask == u128::from(ip) & mask
            }
            _ => false,
        }
    }
}

/// The client's address: the peer, or — when the peer is a trusted proxy —
/// the right-most address in `X-Forwarded-For` that is not itself trusted.
pub fn client_ip(
    peer: Option<IpAddr>,
    forwarded_for: Option<&str>,
    trusted: &[TrustedProxy],
) -> Option<IpAddr> {
    let is_trusted = |ip: IpAddr| trusted.iter().any(|proxy| proxy.contains(ip));
    let peer = peer?;
    if !is_trusted(peer) {
        return Some(peer);
    }
    let mut client = peer;
    if let Some(chain) = forwarded_for {
        for hop in chain.rsplit(',') {
            match hop.trim().parse::<IpAddr>() {
                Ok(ip) if is_trusted(ip) => client = ip,
                Ok(ip) => return Some(ip),
                Err(_) => break,
            }
        }
    }
    Some(client)
}

pub fn from_parts(parts: &Parts, trusted: &[TrustedProxy]) -> ClientInfo {
    let peer = parts
        .extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map(|info| info.0.ip());
    // A proxy may add its hop as a header of its own rather than append to
    // the last one: all of them, in order, are one chain.
    let forwarded: Vec<&str> = parts
        .headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .collect();
    let forwarded = (!forwarded.is_empty()).then(|| forwarded.join(","));
    let ip = client_ip(peer, forwarded.as_deref(), trusted)
        .map(|ip| ip.to_string())
        .unwrap_or_default();
    let user_agent = parts
        .headers
        .get(http::header::USER_AGENT)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .chars()
        .take(400)
        .collect();
    ClientInfo { ip, user_agent }
}

/// "Firefox on Linux" from a user agent string, for the sessions list.
pub fn describe_browser(user_agent: &str) -> String {
    let browser = [
        ("Edg/", "Edge"),
        ("OPR/", "Opera"),
        ("Firefox/", "Firefox"),
        ("Chrome/", "Chrome"),
        ("Chromium/", "Chromium"),
        ("Safari/", "Safari"),
        ("curl/", "curl"),
    ]
    .iter()
    .find(|(marker, _)| user_agent.contains(marker))
    .map(|(_, name)| *name);
    let system = [
        ("Android", "Android"),
        ("iPhone", "iOS"),
        ("iPad", "iPadOS"),
        ("Windows", "Windows"),
        ("Mac OS X", "macOS"),
        ("CrOS", "ChromeOS"),
        ("Linux", "Linux"),
    ]
    .iter()
    .find(|(marker, _)| user_agent.contains(marker))
    .map(|(_, name)| *name);
    match (browser, system) {
        (Some(b), Some(s)) => format!("{b} on {s}"),
        (Some(b), None) => b.to_owned(),
        (None, Some(s)) => format!("A browser on {s}"),
        (None, None) if user_agent.is_empty() => "Unknown browser".to_owned(),
        (None, None) => user_agent.chars().take(40).collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(text: &str) -> IpAddr {
        text.parse().unwrap()
    }

    #[test]
    fn an_untrusted_peer_is_the_client_whatever_it_claims() {
        let trusted = [TrustedProxy::parse("10.0.0.1").unwrap()];
        assert_eq!(
            client_ip(Some(ip("203.0.113.9")), Some("1.2.3.4"), &trusted),
            Some(ip("203.0.113.9"))
        );
        assert_eq!(
            client_ip(Some(ip("203.0.113.9")), Some("1.2.3.4"), &[]),
            Some(ip("203.0.113.9"))
        );
    }

    #[test]
    fn behind_a_trusted_proxy_the_forwarded_address_counts() {
        let trusted = [TrustedProxy::parse("10.0.0.0/8").unwrap()];
        // The client forged the first entry; the proxy appended the real one.
        assert_eq!(
            client_ip(
                Some(ip("10.0.0.1")),
                Some("6.6.6.6, 198.51.100.7, 10.0.0.2"),
                &trusted
            ),
            Some(ip("198.51.100.7"))
        );
        assert_eq!(
            client_ip(Some(ip("10.0.0.1")), None, &trusted),
            Some(ip("10.0.0.1"))
        );
    }

    #[test]
    fn an_ipv6_client_counts_as_its_whole_slash_64() {
        let client = |ip: &str| ClientInfo {
            ip: ip.to_owned(),
            user_agent: String::new(),
        };
        assert_eq!(
            client("2001:db8:1:2:aaaa::1").network(),
            "2001:db8:1:2::/64"
        );
        assert_eq!(
            client("2001:db8:1:2:ffff:ffff:ffff:ffff").network(),
            client("2001:db8:1:2::9").network()
        );
        assert_ne!(
            client("2001:db8:1:3::1").network(),
            client("2001:db8:1:2::1").network()
        );
        assert_eq!(client("::ffff:203.0.113.9").network(), "203.0.113.9");
        assert_eq!(client("203.0.113.9").network(), "203.0.113.9");
    }

    #[test]
    fn every_forwarded_for_header_is_read_as_one_chain() {
        use axum::extract::ConnectInfo;
        let trusted = [TrustedProxy::parse("10.0.0.0/8").unwrap()];
        let mut parts = http::Request::builder()
            .header("x-forwarded-for", "6.6.6.6")
            .header("x-forwarded-for", "198.51.100.7, 10.0.0.2")
            .body(())
            .unwrap()
            .into_parts()
            .0;
        parts
            .extensions
            .insert(ConnectInfo(SocketAddr::from(([10, 0, 0, 1], 443))));
        assert_eq!(from_parts(&parts, &trusted).ip, "198.51.100.7");
    }

    #[test]
    fn networks_match_by_prefix() {
        let net = TrustedProxy::parse("192.168.1.0/24").unwrap();
        assert!(net.contains(ip("192.168.1.200")));
        assert!(!net.contains(ip("192.168.2.1")));
        assert!(TrustedProxy::parse("::1").unwrap().contains(ip("::1")));
        assert!(TrustedProxy::parse("10.0.0.0/33").is_none());
        assert!(TrustedProxy::parse("proxy.local").is_none());
    }

    #[test]
    fn browsers_are_described_in_words() {
        let chrome = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0 Safari/537.36";
        assert_eq!(describe_browser(chrome), "Chrome on Linux");
        let firefox =
            "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:140.0) Gecko/20100101 Firefox/140.0";
        assert_eq!(describe_browser(firefox), "Firefox on Windows");
        assert_eq!(describe_browser(""), "Unknown browser");
    }
}
