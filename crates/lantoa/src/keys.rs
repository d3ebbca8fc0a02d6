//! Secret keys: session key (CSRF tokens, token hashing) and the key that encrypts
//! secrets at rest. Supplied by configuration, or generated on first start and
//! kept in `<data_dir>/secrets.toml` with mode 0600.

use std::io::Write;
use std::path::Path;

use crate::config::{Config, ConfigError};
use crate::crypto::{SecretBox, random_bytes};

#[derive(Clone)]
pub struct Keys {
    pub session: [u8; 32],
    pub encryption: [u8; 32],
}

impl std::fmt::Debug for Keys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Keys(***)")
    }
}

#[derive(serde::Serialize, serde::Deserialize)]
struct KeyFile {
    session_key: String,
    encryption_key: String,
}

impl Keys {
    pub fn secret_box(&self) -> SecretBox {
        SecretBox::new(&self.encryption)
    }

    /// Keys from configuration, else from the key file, else newly generated and saved.
    pub fn load_or_create(config: &Config) -> Result<Keys, ConfigError> {
        if let (Some(s), Some(e)) = (config.session_key, config.encryption_key) {
            return Ok(Keys {
                session: s,
                encryption: e,
            });
        }
        let path = config.data_dir.join("secrets.toml");
        let stored = if path.exists() {
            Some(read_key_file(&path)?)
        } else {
            None
        };
        let keys = Keys {
            session: config
                .session_key
                .or(stored.as_ref().map(|k| k.session))
                .unwrap_or_else(random_bytes::<32>),
            encryption: config
                .encryption_key
                .or(stored.as_ref().map(|k| k.encryption))
                .unwrap_or_else(random_bytes::<32>),
        };
        if stored.is_none() {
            write_key_file(&path, &keys)?;
        }
        Ok(keys)
    }
}

fn read_key_file(path: &Path) -> Result<Keys, ConfigError> {
    let bad = |why: String| ConfigError(format!("The key file {} {why}.", path.display()));
    let text = std::fs::read_to_string(path).map_err(|e| bad(format!("cannot be read: {e}")))?;
    let kf: KeyFile =
        toml::from_str(&text).map_err(|e| bad(format!("is damaged: {}", e.message())))?;
    let parse = |s: &str| {
        hex::decode(s)
            .ok()
            .and_then(|b| <[u8; 32]>::try_from(b).ok())
    };
    match (parse(&kf.session_key), parse(&kf.encryption_key)) {
        (Some(session), Some(encryption)) => Ok(Keys {
            session,
            encryption,
        }),
        _ => Err(bad(
            "holds keys that are not 64 hexadecimal characters".into()
        )),
    }
}

fn write_key_file(path: &Path, keys: &Keys) -> Result<(), ConfigError> {
    let bad = |e: std::io::Error| {
        ConfigError(format!(
            "The key file {} cannot be written: {e}.",
            path.display()
        ))
    };
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(bad)?;
    }
    let body = toml::to_string(&KeyFile {
        session_key: hex::encode(keys.session),
        encryption_key: hex::encode(keys.encryption),
    })
    .expect("serialising two strings");
    let mut opts = std::fs::OpenOptions::new();
    opts.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.mode(0o600);
    }
    let mut f = opts.open(path).map_err(bad)?;
    f.write_all(
        format!("# Lantoa secret keys. Keep this file private and backed up: without\n# encryption_key, stored platform tokens cannot be read.\n{body}")
            .as_bytes(),
    )
    .map_err(bad)?;
    f.sync_all().map_err(bad)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    #[test]
    fn generated_once_with_private_mode_then_reused() {
        let dir = tempfile::tempdir().unwrap();
        let env: BTreeMap<String, String> = [(
            "LANTOA_DATA_DIR".to_string(),
            dir.path().display().to_string(),
        )]
        .into();
        let cfg = Config::from_sources(None, &env).unwrap();
        let a = Keys::load_or_create(&cfg).unwrap();
        let b = Keys::load_or_create(&cfg).unwrap();
        assert_eq!(a.session, b.session);
        assert_eq!(a.encryption, b.encryption);
        assert_ne!(a.session, a.encryption);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(dir.path().join("secrets.toml"))
                .unwrap()
                .permissions()
                .mode();
            assert_eq!(mode & 0o777, 0o600);
        }
    }
}
