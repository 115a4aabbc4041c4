//! Is a delivery from the tool it claims? Every comparison is constant time,
//! so a wrong guess teaches nothing about the right one.

use hmac::{Hmac, Mac};
use sha2::Sha256;
use subtle::ConstantTimeEq;

fn hmac_matches(secret: &str, body: &[u8], hex_signature: &str) -> bool {
    let Ok(signature) = hex::decode(hex_signature.trim()) else {
        return false;
    };
    let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(secret.as_bytes()) else {
        return false;
    };
    mac.update(body);
    mac.verify_slice(&signature).is_ok()
}

/// GitHub's `X-Hub-Signature-256: sha256=<HMAC-SHA256 of the raw body>`.
pub fn github(secret: &str, body: &[u8], header: Option<&str>) -> bool {
    header
        .and_then(|h| h.trim().strip_prefix("sha256="))
        .is_some_and(|sig| hmac_matches(secret, body, sig))
}

/// PagerDuty's `X-PagerDuty-Signature: v1=<hex>[,v1=<hex>...]`: any of the
/// listed signatures (there are several while a secret is being rotated).
pub fn pagerduty(secret: &str, body: &[u8], header: Option<&str>) -> bool {
    header.is_some_and(|h| {
        h.split(',')
            .filter_map(|s| s.trim().strip_prefix("v1="))
            .any(|sig| hmac_matches(secret, body, sig))
    })
}

/// A secret sent as it is (GitLab's `X-Gitlab-Token`, Alertmanager's bearer),
/// against the SHA-256 kept of it.
pub fn token(hash: &str, presented: Option<&str>) -> bool {
    presented.is_some_and(|p| {
        let presented = crate::store::secrets::token_hash(p.trim());
        presented.as_bytes().ct_eq(hash.as_bytes()).into()
    })
}

#[cfg(test)]
mod tests {
    use hmac::{Hmac, Mac};
    use sha2::Sha256;

    fn sign(secret: &str, body: &[u8]) -> String {
        let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).unwrap();
        mac.update(body);
        hex::encode(mac.finalize().into_bytes())
    }

    #[test]
    fn github_signatures_must_match_the_raw_body() {
        let body = br#"{"zen":"Keep it logically awesome."}"#;
        let good = format!("sha256={}", sign("s3cret", body));
        assert!(super::github("s3cret", body, Some(&good)));
        assert!(!super::github("other", body, Some(&good)));
        assert!(!super::github("s3cret", b"{\"zen\":\"tampered\"}", Some(&good)));
        assert!(!super::github("s3cret", body, Some(&good.replace("sha256=", "sha1="))));
        assert!(!super::github("s3cret", body, None));
        assert!(!super::github("s3cret", body, Some("sha256=zz")));
    }

    #[test]
    fn pagerduty_accepts_any_listed_signature() {
        let body = br#"{"event":{}}"#;
        let good = sign("pd", body);
        assert!(super::pagerduty(
            "pd",
            body,
            Some(&format!("v1={},v1={good}", "00".repeat(32)))
        ));
        assert!(!super::pagerduty("pd", body, Some(&format!("v1={}", "00".repeat(32)))));
        assert!(!super::pagerduty("pd", body, Some(&good)), "the v1= scheme is required");
        assert!(!super::pagerduty("pd", body, None));
    }

    #[test]
    fn tokens_match_their_hash_only() {
        let hash = crate::store::secrets::token_hash("gl-token");
        assert!(super::token(&hash, Some("gl-token")));
        assert!(!super::token(&hash, Some("gl-token2")));
        assert!(!super::token(&hash, None));
    }
}
