//! Protection of personal codes at rest: a keyed hash (HMAC-SHA256) for look-up and
//! country-wide de-duplication, and an authenticated encryption (AES-256-GCM) of the code
//! for display to the owning municipality. The clear code is never stored or logged.

use aes_gcm::aead::{Aead, AeadCore, KeyInit, OsRng};
use aes_gcm::{Aes256Gcm, Key, Nonce};
use anyhow::{Context, bail};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use hmac::{Hmac, Mac};
use secrecy::{ExposeSecret, SecretString};
use sha2::Sha256;

use crate::config::Settings;

pub struct PiiKeys {
    hmac_key: [u8; 32],
    cipher: Aes256Gcm,
    /// The keys' check values (`check_values`).
    checks: [(&'static str, String); 2],
}

/// A key's check value: HMAC-SHA256 of a fixed text under it, in hex. It names the key
/// without revealing it.
fn check_value(key: &[u8; 32]) -> String {
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(key).expect("HMAC accepts a 32-byte key");
    mac.update(b"kopiena key check value");
    hex::encode(mac.finalize().into_bytes())
}

fn parse_key(name: &str, hex_key: &SecretString) -> anyhow::Result<[u8; 32]> {
    let bytes = hex::decode(hex_key.expose_secret().trim())
        .with_context(|| format!("{name} must be 64 hex digits"))?;
    bytes
        .try_into()
        .map_err(|_| anyhow::anyhow!("{name} must be 32 bytes (64 hex digits)"))
}

impl PiiKeys {
    /// The configured keys or, in development, keys kept under the data directory.
    pub fn from_settings(settings: &Settings) -> anyhow::Result<Self> {
        let (hmac_key, enc_key) = match (&settings.pii.hmac_key, &settings.pii.encryption_key) {
            (Some(h), Some(e)) => (
                parse_key("KOPIENA_PII_HMAC_KEY", h)?,
                parse_key("KOPIENA_PII_ENCRYPTION_KEY", e)?,
            ),
            (None, None) => {
                let path = settings.data_dir.join("dev-pii-keys");
                let keys = crate::auth::read_or_create_secret(&path, || {
                    format!(
                        "{}{}",
                        hex::encode(Aes256Gcm::generate_key(OsRng)),
                        hex::encode(Aes256Gcm::generate_key(OsRng))
                    )
                })?;
                tracing::warn!(path = %path.display(), "no KOPIENA_PII_* keys configured: using development keys (never in production)");
                let keys = keys.expose_secret();
                if keys.len() != 128 {
                    bail!(
                        "{} is damaged: delete it to make new development keys",
                        path.display()
                    );
                }
                (
                    parse_key("dev-pii-keys", &SecretString::from(keys[..64].to_string()))?,
                    parse_key("dev-pii-keys", &SecretString::from(keys[64..].to_string()))?,
                )
            }
            _ => bail!("set both KOPIENA_PII_HMAC_KEY and KOPIENA_PII_ENCRYPTION_KEY, or neither"),
        };
        Ok(Self::new(hmac_key, enc_key))
    }

    fn new(hmac_key: [u8; 32], enc_key: [u8; 32]) -> Self {
        Self {
            checks: [
                ("KOPIENA_PII_HMAC_KEY", check_value(&hmac_key)),
                ("KOPIENA_PII_ENCRYPTION_KEY", check_value(&enc_key)),
            ],
            hmac_key,
            cipher: Aes256Gcm::new(&Key::<Aes256Gcm>::from(enc_key)),
        }
    }

    /// Keyed hash of the normalised code (11 digits), hex.
    /// Each key's name and check value, for `db::key_checks`.
    pub fn check_values(&self) -> &[(&'static str, String)] {
        &self.checks
    }

    pub fn lookup_hash(&self, digits: &str) -> String {
        let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(&self.hmac_key)
            .expect("HMAC accepts a 32-byte key");
        mac.update(digits.as_bytes());
        hex::encode(mac.finalize().into_bytes())
    }

    /// `base64(nonce || ciphertext)` of the code.
    pub fn encrypt(&self, code: &str) -> anyhow::Result<String> {
        let nonce = Aes256Gcm::generate_nonce(&mut OsRng);
        let ciphertext = self
            .cipher
            .encrypt(&nonce, code.as_bytes())
            .map_err(|_| anyhow::anyhow!("encryption failed"))?;
        let mut out = nonce.to_vec();
        out.extend(ciphertext);
        Ok(STANDARD.encode(out))
    }

    pub fn decrypt(&self, stored: &str) -> anyhow::Result<String> {
        let bytes = STANDARD
            .decode(stored)
            .context("stored personal code is not base64")?;
        if bytes.len() < 12 {
            bail!("stored personal code is too short");
        }
        let (nonce, ciphertext) = bytes.split_at(12);
        let nonce: [u8; 12] = nonce.try_into().context("nonce")?;
        let plain = self
            .cipher
            .decrypt(&Nonce::from(nonce), ciphertext)
            .map_err(|_| anyhow::anyhow!("stored personal code does not decrypt with this key"))?;
        String::from_utf8(plain).context("decrypted personal code is not UTF-8")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys() -> PiiKeys {
        PiiKeys::new([7; 32], [9; 32])
    }

    #[test]
    fn the_lookup_hash_is_stable_and_keyed() {
        let k = keys();
        assert_eq!(k.lookup_hash("16117519997"), k.lookup_hash("16117519997"));
        assert_ne!(k.lookup_hash("16117519997"), k.lookup_hash("16117519998"));
        let other = PiiKeys::new([8; 32], [9; 32]);
        assert_ne!(
            k.lookup_hash("16117519997"),
            other.lookup_hash("16117519997")
        );
        assert!(!k.lookup_hash("16117519997").contains("16117519997"));
    }

    #[test]
    fn encryption_round_trips_and_never_repeats() {
        let k = keys();
        let a = k.encrypt("161175-19997").expect("encrypt");
        let b = k.encrypt("161175-19997").expect("encrypt");
        assert_ne!(a, b, "a fresh nonce each time");
        assert_eq!(k.decrypt(&a).expect("decrypt"), "161175-19997");
        let mut tampered = STANDARD.decode(&a).expect("b64");
        if let Some(last) = tampered.last_mut() {
            *last ^= 1;
        }
        assert!(
            k.decrypt(&STANDARD.encode(tampered)).is_err(),
            "authenticated"
        );
    }

    #[test]
    fn each_key_has_its_own_check_value_that_does_not_reveal_it() {
        let k = keys();
        assert_eq!(k.check_values(), keys().check_values());
        let names: Vec<&str> = k.check_values().iter().map(|(n, _)| *n).collect();
        assert_eq!(
            names,
            ["KOPIENA_PII_HMAC_KEY", "KOPIENA_PII_ENCRYPTION_KEY"]
        );
        let other_hmac = PiiKeys::new([8; 32], [9; 32]);
        let other_cipher = PiiKeys::new([7; 32], [8; 32]);
        assert_ne!(k.check_values()[0], other_hmac.check_values()[0]);
        assert_eq!(k.check_values()[1], other_hmac.check_values()[1]);
        assert_ne!(k.check_values()[1], other_cipher.check_values()[1]);
        for (_, value) in k.check_values() {
            assert!(!value.contains(&hex::encode([7u8; 32])));
            assert!(!value.contains(&hex::encode([9u8; 32])));
        }
    }
}
