//! Sends webhook deliveries: takes the due rows of the outbox
//! (`webhook_deliveries`) on a lease, posts each, signed, to its webhook's
//! URL, and records what came of it; a failure is tried again later, at
//! growing intervals, up to [`SenderSettings::max_attempts`] times.
//!
//! A delivery goes only to a public address: the URL's host is resolved at
//! each attempt, every address it gives is checked, and the request is
//! made to those very addresses (so a name cannot resolve to a public
//! address for the check and a private one for the connection). Loopback,
//! private, link-local and similar addresses are refused unless the
//! instance allows them (`WAYMARK_WEBHOOKS_ALLOW_PRIVATE`).

use std::net::{IpAddr, SocketAddr};
use std::time::{Duration, Instant};

use app::backend::Db;
use app::backend::db::now_ms;
use app::backend::db::webhooks::{self, Due, Outcome};
use app::backend::webhooks::signature;
use app::model::DeliveryState;

/// How long a taken delivery is leased: longer than an attempt can take.
const LEASE_MS: i64 = 60_000;
/// Deliveries taken at once.
const BATCH: i64 = 20;
/// The longest wait between two attempts.
const MAX_RETRY_DELAY: Duration = Duration::from_secs(6 * 60 * 60);

#[derive(Debug, Clone)]
pub struct SenderSettings {
    /// Send to loopback and private addresses too (for a receiver on the
    /// same machine or network).
    pub allow_private: bool,
    /// The wait after the first failure; each later one is three times
    /// the one before.
    pub retry_after: Duration,
    /// After this many failed attempts a delivery is given up.
    pub max_attempts: i64,
    /// How long the receiver has to answer.
    pub timeout: Duration,
}

impl Default for SenderSettings {
    fn default() -> Self {
        Self {
            allow_private: false,
            retry_after: Duration::from_secs(10),
            max_attempts: 8,
            timeout: Duration::from_secs(10),
        }
    }
}

pub struct Sender {
    db: Db,
    settings: SenderSettings,
}

impl Sender {
    pub fn new(db: Db, settings: SenderSettings) -> Self {
        Self { db, settings }
    }

    /// Sends what is due, every second, for as long as the process runs.
    pub fn spawn(self) -> tokio::task::JoinHandle<()> {
        tokio::spawn(async move {
            let mut every_second = tokio::time::interval(Duration::from_secs(1));
            every_second.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            loop {
                every_second.tick().await;
                // A full batch: there may be more waiting.
                while let Ok(BATCH) = self.deliver_due().await.map(|n| n as i64) {}
            }
        })
    }

    /// Attempts every delivery due now (up to one batch, at once); returns
    /// how many were attempted.
    pub async fn deliver_due(&self) -> Result<usize, sqlx::Error> {
        let now = now_ms();
        let due = match webhooks::take_due(&self.db, now, now + LEASE_MS, BATCH).await {
            Ok(due) => due,
            Err(err) => {
                tracing::warn!(%err, "could not read the webhook outbox");
                return Err(err);
            }
        };
        let count = due.len();
        let mut attempts = tokio::task::JoinSet::new();
        for delivery in due {
            let db = self.db.clone();
            let settings = self.settings.clone();
            attempts.spawn(async move { attempt(&db, &settings, delivery).await });
        }
        while attempts.join_next().await.is_some() {}
        Ok(count)
    }
}

async fn attempt(db: &Db, settings: &SenderSettings, delivery: Due) {
    let started = Instant::now();
    let result = post(settings, &delivery).await;
    let latency_ms = started.elapsed().as_millis() as i64;
    let now = now_ms();
    let (status, error) = match &result {
        Ok(code) if (200..300).contains(code) => (Some(i64::from(*code)), None),
        Ok(code) => (
            Some(i64::from(*code)),
            Some(format!("the receiver answered {code}")),
        ),
        Err(error) => (None, Some(error.clone())),
    };
    let (state, next_attempt_at) = match &error {
        None => (DeliveryState::Delivered, now),
        Some(_) if delivery.attempt >= settings.max_attempts => (DeliveryState::Failed, now),
        Some(_) => {
            let delay = retry_delay(settings.retry_after, delivery.attempt);
            (DeliveryState::Pending, now + delay.as_millis() as i64)
        }
    };
    if let Some(error) = &error {
        tracing::info!(delivery = delivery.id, attempt = delivery.attempt, %error, "webhook delivery failed");
    }
    {
        use app::backend::metrics::{
            WEBHOOK_ATTEMPTS_FAILED, WEBHOOKS_DELIVERED, WEBHOOKS_GIVEN_UP,
        };
        match state {
            DeliveryState::Delivered => WEBHOOKS_DELIVERED.inc(),
            DeliveryState::Failed => {
                WEBHOOK_ATTEMPTS_FAILED.inc();
                WEBHOOKS_GIVEN_UP.inc();
            }
            DeliveryState::Pending => WEBHOOK_ATTEMPTS_FAILED.inc(),
        }
    }
    let outcome = Outcome {
        state,
        next_attempt_at,
        status,
        error: error.as_deref(),
        latency_ms,
        now,
    };
    if let Err(err) = webhooks::record(db, delivery.id, outcome).await {
        // The lease runs out and the delivery is tried again.
        tracing::warn!(%err, delivery = delivery.id, "could not record a webhook delivery");
    }
}

/// The wait after failed attempt `attempt` (from 1): `first`, then three
/// times longer each time, at most six hours.
pub fn retry_delay(first: Duration, attempt: i64) -> Duration {
    let factor = 3_u32.saturating_pow(attempt.clamp(1, 20) as u32 - 1);
    first.saturating_mul(factor).min(MAX_RETRY_DELAY)
}

/// Posts one delivery; the receiver's status code, or why there was none.
async fn post(settings: &SenderSettings, delivery: &Due) -> Result<u16, String> {
    let url = url::Url::parse(&delivery.url).map_err(|_| "the address is not a URL".to_owned())?;
    let port = url
        .port_or_known_default()
        .ok_or_else(|| "the address has no port".to_owned())?;
    let (name, addresses): (Option<&str>, Vec<SocketAddr>) = match url.host() {
        Some(url::Host::Ipv4(ip)) => (None, vec![SocketAddr::new(IpAddr::V4(ip), port)]),
        Some(url::Host::Ipv6(ip)) => (None, vec![SocketAddr::new(IpAddr::V6(ip), port)]),
        Some(url::Host::Domain(name)) => {
            let found = match tokio::net::lookup_host((name, port)).await {
                Ok(found) => found.collect(),
                Err(err) => {
                    tracing::debug!(%err, delivery = delivery.id, "webhook host lookup failed");
                    Vec::new()
                }
            };
            (Some(name), found)
        }
        None => return Err("the address has no host".to_owned()),
    };
    // What an editor reads here says nothing about the answers of this
    // instance's resolver: anyone can be the editor of a workspace of
    // their own, and would otherwise map internal names.
    if addresses.is_empty() {
        return Err(UNRESOLVED.to_owned());
    }
    if !settings.allow_private && addresses.iter().any(|a| !is_public(a.ip())) {
        return Err(NOT_PUBLIC.to_owned());
    }
    let mut client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(settings.timeout)
        .user_agent(concat!("Waymark-Webhooks/", env!("CARGO_PKG_VERSION")));
    if let Some(name) = name {
        // Connect to the addresses just checked, not to a fresh lookup.
        client = client.resolve_to_addrs(name, &addresses);
    }
    let client = client.build().map_err(|err| err.to_string())?;
    let timestamp = u64::try_from(now_ms() / 1000).unwrap_or_default();
    let response = client
        .post(url)
        .header("content-type", "application/json")
        .header("waymark-event", &delivery.event)
        .header("waymark-delivery", delivery.id.to_string())
        .header(
            "waymark-signature",
            signature(&delivery.secret, timestamp, &delivery.payload),
        )
        .body(delivery.payload.clone())
        .send()
        .await
        .map_err(|err| {
            if err.is_timeout() {
                "the receiver did not answer in time".to_owned()
            } else if err.is_connect() {
                "could not connect to the receiver".to_owned()
            } else {
                format!("the request failed: {err}")
            }
        })?;
    Ok(response.status().as_u16())
}

/// A delivery's error when the receiver's name has no address (or the
/// lookup failed, for whatever reason).
pub const UNRESOLVED: &str = "the host name could not be resolved";
/// A delivery's error when the receiver is not on the public internet.
pub const NOT_PUBLIC: &str = "refused: not a public address";

/// Whether `ip` is an address on the public internet: not loopback,
/// private, link-local, shared (CGNAT), documentation, benchmarking,
/// multicast, broadcast or unspecified. An IPv6 address that carries an
/// IPv4 one (IPv4-mapped, 6to4) is judged by that; the other transition
/// and retired forms (IPv4-compatible, IPv4-translated, NAT64, Teredo and
/// the rest of the IETF's 2001::/23, site-local, discard-only) lead to
/// gateways or nowhere, and count as not public.
pub fn is_public(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => {
            let [a, b, c, _] = v4.octets();
            !(v4.is_private()
                || v4.is_loopback()
                || v4.is_link_local()
                || v4.is_broadcast()
                || v4.is_unspecified()
                || v4.is_multicast()
                || v4.is_documentation()
                || a == 0
                || (a == 100 && (64..128).contains(&b))
                || (a == 192 && b == 0 && c == 0)
                || (a == 198 && (18..20).contains(&b))
                || a >= 240)
        }
        IpAddr::V6(v6) => {
            if let Some(v4) = v6.to_ipv4_mapped() {
                return is_public(IpAddr::V4(v4));
            }
            let s = v6.segments();
            if s[0] == 0x2002 {
                // 6to4: the IPv4 address follows the prefix.
                let [a, b] = s[1].to_be_bytes();
                let [c, d] = s[2].to_be_bytes();
                return is_public(IpAddr::V4(std::net::Ipv4Addr::new(a, b, c, d)));
            }
            !(v6.is_loopback()
                || v6.is_unspecified()
                || v6.is_multicast()
                // ::/96, IPv4-compatible (and :: and ::1 within it).
                || s[..6] == [0; 6]
                // ::ffff:0:0:0/96, IPv4-translated.
                || s[..5] == [0, 0, 0, 0, 0xffff] && s[5] == 0
                // 64:ff9b::/96 and 64:ff9b:1::/48, NAT64.
                || s[0] == 0x0064 && s[1] == 0xff9b
                // 100::/64, discard-only.
                || s[..4] == [0x0100, 0, 0, 0]
                // 2001::/23: Teredo, benchmarking, ORCHID and other IETF
                // protocol assignments; 2001:db8::/32, documentation.
                || s[0] == 0x2001 && (s[1] < 0x0200 || s[1] == 0x0db8)
                // fc00::/7 unique-local, fe80::/10 link-local, fec0::/10
                // site-local.
                || (s[0] & 0xfe00) == 0xfc00
                || (s[0] & 0xffc0) == 0xfe80
                || (s[0] & 0xffc0) == 0xfec0)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_public_addresses_are_public() {
        for private in [
            "127.0.0.1",
            "10.1.2.3",
            "172.16.0.1",
            "192.168.1.1",
            "169.254.169.254",
            "100.64.0.1",
            "0.0.0.0",
            "255.255.255.255",
            "224.0.0.1",
            "192.0.2.1",
            "::1",
            "::",
            "fc00::1",
            "fd12::1",
            "fe80::1",
            "::ffff:127.0.0.1",
            "::ffff:10.0.0.1",
            "2001:db8::1",
            "64:ff9b::7f00:1",
            "64:ff9b:1::8.8.8.8",
            // IPv4-compatible, IPv4-translated, 6to4 and Teredo forms of
            // private and public IPv4 addresses.
            "::127.0.0.1",
            "::10.0.0.1",
            "::8.8.8.8",
            "::ffff:0:127.0.0.1",
            "::ffff:0:8.8.8.8",
            "2002:7f00:1::1",
            "2002:a00:1::",
            "2002:c0a8:101::1",
            "2001::1",
            "2001:0:4136:e378:8000:63bf:3fff:fdd2",
            "2001:2::1",
            "2001:10::1",
            "fec0::1",
            "feff::1",
            "100::1",
        ] {
            assert!(!is_public(private.parse().unwrap()), "{private}");
        }
        for public in [
            "93.184.216.34",
            "1.1.1.1",
            "2606:4700::1111",
            "::ffff:8.8.8.8",
            "2002:808:808::1",
            "2001:4860:4860::8888",
            "2a00:1450:4001::1",
        ] {
            assert!(is_public(public.parse().unwrap()), "{public}");
        }
    }

    #[test]
    fn retries_wait_longer_each_time_up_to_six_hours() {
        let first = Duration::from_secs(10);
        assert_eq!(retry_delay(first, 1), Duration::from_secs(10));
        assert_eq!(retry_delay(first, 2), Duration::from_secs(30));
        assert_eq!(retry_delay(first, 4), Duration::from_secs(270));
        assert_eq!(retry_delay(first, 12), MAX_RETRY_DELAY);
        assert_eq!(retry_delay(first, 1_000), MAX_RETRY_DELAY);
    }
}
