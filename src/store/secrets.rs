//! Random tokens and password hashes. Tokens are stored as SHA-256; passwords as Argon2id.

use argon2::password_hash::{rand_core::OsRng, PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use rand::RngCore;
use sha2::{Digest, Sha256};

use super::ServiceError;

/// 256 random bits, hex encoded.
pub fn new_token() -> String {
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    hex::encode(bytes)
}

pub fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// Argon2id with the crate's defaults (19 MiB, 2 passes), off the async threads.
pub async fn hash_password(password: &str) -> Result<String, ServiceError> {
    let password = password.to_owned();
    tokio::task::spawn_blocking(move || {
        let salt = SaltString::generate(&mut OsRng);
        Argon2::default()
            .hash_password(password.as_bytes(), &salt)
            .map(|h| h.to_string())
            .map_err(|e| ServiceError::Internal(format!("hashing: {e}")))
    })
    .await
    .map_err(|e| ServiceError::Internal(format!("hashing task: {e}")))?
}

pub async fn verify_password(password: &str, hash: &str) -> bool {
    let (password, hash) = (password.to_owned(), hash.to_owned());
    tokio::task::spawn_blocking(move || {
        PasswordHash::new(&hash)
            .is_ok_and(|parsed| Argon2::default().verify_password(password.as_bytes(), &parsed).is_ok())
    })
    .await
    .unwrap_or(false)
}

/// A real Argon2id hash of nothing in particular, to spend the same time on unknown usernames.
pub async fn dummy_hash() -> Result<&'static str, ServiceError> {
    static DUMMY: tokio::sync::OnceCell<String> = tokio::sync::OnceCell::const_new();
    DUMMY
        .get_or_try_init(|| hash_password("not-a-real-password"))
        .await
        .map(String::as_str)
}

/// The instance's key for secrets that must be read back (a webhook's HMAC
/// secret): XChaCha20-Poly1305, a fresh random nonce per seal. The key lives
/// outside the database (a file the operator keeps, see `--key-file`), so a
/// copy of the database alone reveals no secret.
#[derive(Clone)]
pub struct SealingKey(chacha20poly1305::Key);

impl std::fmt::Debug for SealingKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SealingKey(..)")
    }
}

impl SealingKey {
    /// A key for this process only: what a store has until the operator's is set.
    pub fn ephemeral() -> SealingKey {
        let mut bytes = [0u8; 32];
        rand::rngs::OsRng.fill_bytes(&mut bytes);
        SealingKey(bytes.into())
    }

    /// 64 hex characters (256 bits).
    pub fn from_hex(text: &str) -> Result<SealingKey, ServiceError> {
        let bytes =
            hex::decode(text.trim()).map_err(|_| ServiceError::config("the key file must hold 64 hex characters"))?;
        let bytes: [u8; 32] = bytes
            .try_into()
            .map_err(|_| ServiceError::config("the key file must hold 64 hex characters"))?;
        Ok(SealingKey(bytes.into()))
    }

    /// Reads the key file, or creates it (readable by its owner only) when it
    /// does not exist yet. Instances sharing one database must share the file.
    pub fn load_or_create(path: &std::path::Path) -> Result<SealingKey, ServiceError> {
        match std::fs::read_to_string(path) {
            Ok(text) => SealingKey::from_hex(&text)
                .map_err(|_| ServiceError::config(format!("{} must hold 64 hex characters", path.display()))),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
                    std::fs::create_dir_all(dir)
                        .map_err(|e| ServiceError::config(format!("cannot create {}: {e}", dir.display())))?;
                }
                // Written whole under another name, then linked into place: two
                // instances started together each make one, the first link wins,
                // and the other reads that one (never a half-written file).
                let name = path.file_name().map(|n| n.to_string_lossy()).unwrap_or_default();
                let tmp = path.with_file_name(format!(".{name}.{}.{}", std::process::id(), new_token()));
                let mut options = std::fs::OpenOptions::new();
                options.write(true).create_new(true);
                #[cfg(unix)]
                std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
                let text = new_token();
                use std::io::Write;
                let written = options
                    .open(&tmp)
                    .and_then(|mut f| f.write_all(format!("{text}\n").as_bytes()).and_then(|()| f.sync_all()))
                    .and_then(|()| std::fs::hard_link(&tmp, path));
                let _ = std::fs::remove_file(&tmp);
                match written {
                    Ok(()) => SealingKey::from_hex(&text),
                    Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => SealingKey::load_or_create(path),
                    Err(e) => Err(ServiceError::config(format!("cannot write {}: {e}", path.display()))),
                }
            }
            Err(e) => Err(ServiceError::config(format!("cannot read {}: {e}", path.display()))),
        }
    }

    /// Nonce and ciphertext, hex encoded.
    pub fn seal(&self, secret: &str) -> String {
        use chacha20poly1305::aead::{Aead, AeadCore, KeyInit};
        let cipher = chacha20poly1305::XChaCha20Poly1305::new(&self.0);
        let nonce = chacha20poly1305::XChaCha20Poly1305::generate_nonce(&mut OsRng);
        let sealed = cipher
            .encrypt(&nonce, secret.as_bytes())
            .expect("encrypting a short secret in memory cannot fail");
        format!("{}{}", hex::encode(nonce), hex::encode(sealed))
    }

    /// `None` when the text was sealed under another key, or tampered with.
    pub fn open(&self, sealed: &str) -> Option<String> {
        use chacha20poly1305::aead::{Aead, KeyInit};
        let bytes = hex::decode(sealed).ok()?;
        if bytes.len() < 24 {
            return None;
        }
        let (nonce, ciphertext) = bytes.split_at(24);
        let cipher = chacha20poly1305::XChaCha20Poly1305::new(&self.0);
        let plain = cipher
            .decrypt(chacha20poly1305::XNonce::from_slice(nonce), ciphertext)
            .ok()?;
        String::from_utf8(plain).ok()
    }
}

#[cfg(test)]
mod sealing_tests {
    use super::SealingKey;

    #[test]
    fn a_sealed_secret_opens_only_under_its_key() {
        let key = SealingKey::ephemeral();
        let sealed = key.seal("whsec-123");
        assert!(
            !sealed.contains("whsec"),
            "the secret is not readable in the sealed text"
        );
        assert_ne!(sealed, key.seal("whsec-123"), "a fresh nonce each time");
        assert_eq!(key.open(&sealed).as_deref(), Some("whsec-123"));
        assert_eq!(SealingKey::ephemeral().open(&sealed), None);
        let mut tampered = sealed.clone().into_bytes();
        let last = tampered.len() - 1;
        tampered[last] = if tampered[last] == b'0' { b'1' } else { b'0' };
        assert_eq!(key.open(&String::from_utf8(tampered).unwrap()), None);
    }

    #[test]
    fn the_key_file_is_created_once_then_read_back() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("keys/checkpoint.key");
        let first = SealingKey::load_or_create(&path).unwrap();
        let sealed = first.seal("s");
        let again = SealingKey::load_or_create(&path).unwrap();
        assert_eq!(again.open(&sealed).as_deref(), Some("s"));
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            assert_eq!(std::fs::metadata(&path).unwrap().permissions().mode() & 0o777, 0o600);
        }
        std::fs::write(&path, "not hex").unwrap();
        assert!(SealingKey::load_or_create(&path).is_err());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Two instances started together on one database both find no key file
    /// and make one: they must end up with the same key, and neither fail.
    #[test]
    fn instances_starting_together_share_one_key_file() {
        for round in 0..40 {
            let dir = tempfile::tempdir().unwrap();
            let path = dir.path().join("checkpoint.key");
            let start = std::sync::Arc::new(std::sync::Barrier::new(4));
            let keys: Vec<String> = (0..4)
                .map(|_| {
                    let (path, start) = (path.clone(), start.clone());
                    std::thread::spawn(move || {
                        start.wait();
                        SealingKey::load_or_create(&path).map(|k| hex::encode(k.0))
                    })
                })
                .collect::<Vec<_>>()
                .into_iter()
                .map(|t| t.join().unwrap().unwrap_or_else(|e| panic!("round {round}: {e}")))
                .collect();
            assert!(keys.iter().all(|k| *k == keys[0]), "round {round}: one key for all");
            assert_eq!(
                std::fs::read_dir(dir.path()).unwrap().count(),
                1,
                "round {round}: nothing left beside the key file"
            );
        }
    }
}
