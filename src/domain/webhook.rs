//! Webhooks: the change feed pushed to a subscriber's URL, signed as the Standard Webhooks
//! specification describes (`webhook-id`, `webhook-timestamp`, `webhook-signature: v1,…`,
//! HMAC-SHA256 over `id.timestamp.body` with the `whsec_` secret), retried with exponential
//! back-off until the receiver answers 2xx or the attempts run out.

use std::time::Duration;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use hmac::{Hmac, Mac};
use sha2::Sha256;

use super::codes::{MunicipalityCode, closed_set};
use super::ids::ProviderId;

closed_set! {
    /// Where a delivery stands.
    pub enum DeliveryStatus {
        /// Waiting for its first or next attempt.
        Pending = "pending",
        /// The receiver answered 2xx.
        Delivered = "delivered",
        /// Every attempt failed; no more are made.
        Failed = "failed",
    }
}

/// The organisation a subscription belongs to: its events are those this owner may read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WebhookOwner {
    Municipality(MunicipalityCode),
    Provider(ProviderId),
}

/// A signing secret as the Standard Webhooks specification writes it: `whsec_` and the
/// base64 of 24 to 64 random bytes.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(Vec<u8>);

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secret(…)")
    }
}

pub const SECRET_PREFIX: &str = "whsec_";

impl Secret {
    pub fn parse(text: &str) -> Option<Self> {
        let bytes = STANDARD.decode(text.strip_prefix(SECRET_PREFIX)?).ok()?;
        (24..=64).contains(&bytes.len()).then_some(Self(bytes))
    }

    /// `webhook-signature`'s value for the message `id` sent at `timestamp` (Unix seconds).
    pub fn sign(&self, id: &str, timestamp: i64, body: &str) -> String {
        let mut mac = Hmac::<Sha256>::new_from_slice(&self.0).expect("HMAC takes any key length");
        mac.update(format!("{id}.{timestamp}.{body}").as_bytes());
        format!("v1,{}", STANDARD.encode(mac.finalize().into_bytes()))
    }
}

/// Where deliveries may go: the schemes and, when listed, the hosts.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Targets {
    /// `http` as well as `https` (development and tests).
    pub allow_http: bool,
    /// Only these hosts (lower case); empty: any.
    pub hosts: Vec<String>,
}

/// A subscriber's URL: `https` (or `http` where allowed, for development and tests), with a
/// host (one of the listed ones, when hosts are listed), without credentials or fragment.
pub fn check_target(url: &str, targets: &Targets) -> Result<url::Url, &'static str> {
    let allow_http = targets.allow_http;
    let parsed = url::Url::parse(url).map_err(|_| "must be an absolute URL")?;
    match parsed.scheme() {
        "https" => {}
        "http" if allow_http => {}
        _ => return Err("must be an https URL"),
    }
    let Some(host) = parsed.host_str().filter(|h| !h.is_empty()) else {
        return Err("must name a host");
    };
    if !targets.hosts.is_empty() && !targets.hosts.iter().any(|h| h == host) {
        return Err("must name a host this service delivers to (KOPIENA_WEBHOOK_ALLOWED_HOSTS)");
    }
    if !parsed.username().is_empty() || parsed.password().is_some() {
        return Err("must not carry credentials");
    }
    if parsed.fragment().is_some() {
        return Err("must not have a fragment");
    }
    Ok(parsed)
}

/// How deliveries are retried.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    /// The wait after the first failed attempt; each further one doubles it.
    pub base: Duration,
    /// The longest wait between two attempts.
    pub cap: Duration,
    /// Attempts in all, the first included.
    pub max_attempts: i32,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            base: Duration::from_secs(5),
            cap: Duration::from_secs(3600),
            max_attempts: 8,
        }
    }
}

/// What comes of an attempt: delivered, tried again after `wait`, or given up.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Next {
    Delivered,
    RetryAfter(Duration),
    GiveUp,
}

impl RetryPolicy {
    /// After attempt number `attempts` (1 for the first) answered `status` (`None`: no
    /// answer: refused, timed out).
    pub fn next(&self, attempts: i32, status: Option<u16>) -> Next {
        if status.is_some_and(|s| (200..300).contains(&s)) {
            return Next::Delivered;
        }
        if attempts >= self.max_attempts {
            return Next::GiveUp;
        }
        let doublings = u32::try_from(attempts.saturating_sub(1))
            .unwrap_or(0)
            .min(30);
        let wait = self.base.saturating_mul(1 << doublings).min(self.cap);
        Next::RetryAfter(wait)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_secret_is_whsec_and_the_base64_of_24_to_64_bytes() {
        let of = |n: usize| format!("whsec_{}", STANDARD.encode(vec![7u8; n]));
        assert!(Secret::parse(&of(24)).is_some());
        assert!(Secret::parse(&of(64)).is_some());
        for bad in [
            of(23),
            of(65),
            STANDARD.encode([7u8; 32]),
            "whsec_!!".into(),
        ] {
            assert!(Secret::parse(&bad).is_none(), "{bad}");
        }
        assert_eq!(format!("{:?}", Secret::parse(&of(32))), "Some(Secret(…))");
    }

    #[test]
    fn the_signature_is_the_standard_webhooks_one() {
        // The example of the Standard Webhooks specification (and of its reference libraries).
        let secret = Secret::parse("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw").expect("secret");
        let body = r#"{"test": 2432232314}"#;
        assert_eq!(
            secret.sign("msg_p5jXN8AQM9LWM0D4loKWxJek", 1_614_265_330, body),
            "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="
        );
    }

    #[test]
    fn a_target_is_https_with_an_allowed_host_and_nothing_secret() {
        let https = Targets::default();
        let http = Targets {
            allow_http: true,
            ..Targets::default()
        };
        assert!(check_target("https://example.lv/hooks", &https).is_ok());
        assert_eq!(
            check_target("http://127.0.0.1:9/hooks", &https),
            Err("must be an https URL")
        );
        assert!(check_target("http://127.0.0.1:9/hooks", &http).is_ok());
        assert_eq!(
            check_target("ftp://example.lv", &http),
            Err("must be an https URL")
        );
        assert_eq!(
            check_target("/hooks", &http),
            Err("must be an absolute URL")
        );
        assert_eq!(
            check_target("https://user:pw@example.lv/", &https),
            Err("must not carry credentials")
        );
        assert_eq!(
            check_target("https://example.lv/#x", &https),
            Err("must not have a fragment")
        );
        let listed = Targets {
            hosts: vec!["it.kuldiga.lv".into()],
            ..Targets::default()
        };
        assert!(check_target("https://IT.Kuldiga.lv/hooks", &listed).is_ok());
        assert!(check_target("https://example.lv/hooks", &listed).is_err());
    }

    #[test]
    fn failures_are_retried_with_doubling_waits_until_the_attempts_run_out() {
        let policy = RetryPolicy {
            base: Duration::from_secs(5),
            cap: Duration::from_secs(30),
            max_attempts: 5,
        };
        assert_eq!(policy.next(1, Some(204)), Next::Delivered);
        assert_eq!(policy.next(5, Some(200)), Next::Delivered);
        let waits: Vec<Next> = (1..=5).map(|n| policy.next(n, Some(500))).collect();
        assert_eq!(
            waits,
            [
                Next::RetryAfter(Duration::from_secs(5)),
                Next::RetryAfter(Duration::from_secs(10)),
                Next::RetryAfter(Duration::from_secs(20)),
                Next::RetryAfter(Duration::from_secs(30)),
                Next::GiveUp,
            ]
        );
        assert_eq!(
            policy.next(1, None),
            Next::RetryAfter(Duration::from_secs(5))
        );
        assert_eq!(
            policy.next(1, Some(301)),
            Next::RetryAfter(Duration::from_secs(5))
        );
        let long = RetryPolicy {
            max_attempts: i32::MAX,
            ..policy
        };
        assert_eq!(
            long.next(1000, None),
            Next::RetryAfter(Duration::from_secs(30))
        );
    }
}
