//! redis-cli's `-u URI`, `redis://[[USER]:PASSWORD@]HOST[:PORT][/DB]` (`rediss://` for TLS;
//! valkey-cli also spells them `valkey://` and `valkeys://`). With `--cluster`, redis-cli takes
//! only the credentials and the scheme from it: the nodes are the command's arguments. So does
//! rtrib.

use std::fmt;

/// What a server URI gives rtrib: the credentials and whether to speak TLS.
#[derive(Clone, PartialEq, Eq)]
pub struct ServerUri {
    /// The ACL user, when the URI names one (an empty one is the default user).
    pub user: Option<String>,
    /// The password, when the URI has one.
    pub pass: Option<String>,
    /// `rediss://` or `valkeys://`.
    pub tls: bool,
}

impl fmt::Debug for ServerUri {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ServerUri")
            .field("user", &self.user)
            .field("pass", &self.pass.as_ref().map(|_| "…"))
            .field("tls", &self.tls)
            .finish()
    }
}

/// The schemes, and whether each speaks TLS.
const SCHEMES: [(&str, bool); 4] = [
    ("redis://", false),
    ("rediss://", true),
    ("valkey://", false),
    ("valkeys://", true),
];

impl ServerUri {
    /// Reads `text` as redis-cli does: the user information is everything before the last
    /// `@` that comes before the host, `USER:PASSWORD` or a password alone, percent-decoded.
    pub fn parse(text: &str) -> Result<Self, String> {
        let (rest, tls) = SCHEMES
            .iter()
            .find_map(|(scheme, tls)| {
                let prefix = text.get(..scheme.len())?;
                prefix
                    .eq_ignore_ascii_case(scheme)
                    .then(|| (&text[scheme.len()..], *tls))
            })
            .ok_or_else(|| {
                format!(
                    "`{}` is not a server URI: write redis://[[USER]:PASSWORD@]HOST[:PORT] \
                     (rediss:// for TLS)",
                    hide_password(text)
                )
            })?;
        let authority = rest.split('/').next().unwrap_or_default();
        let Some((userinfo, _host)) = authority.rsplit_once('@') else {
            return Ok(Self {
                user: None,
                pass: None,
                tls,
            });
        };
        let (user, pass) = match userinfo.split_once(':') {
            Some((user, pass)) => (Some(decode(user)?), decode(pass)?),
            None => (None, decode(userinfo)?),
        };
        Ok(Self {
            user: user.filter(|u| !u.is_empty()),
            pass: Some(pass),
            tls,
        })
    }
}

/// `text` with the password of its user information replaced by `***`, for messages.
fn hide_password(text: &str) -> String {
    match text.rsplit_once('@') {
        Some((_, host)) => format!("***@{host}"),
        None => text.to_string(),
    }
}

/// Percent-decodes `text` (`%40` is `@`).
fn decode(text: &str) -> Result<String, String> {
    let bytes = text.as_bytes();
    let mut decoded = Vec::with_capacity(bytes.len());
    let mut index = 0;
    while index < bytes.len() {
        if bytes[index] == b'%' {
            let hex = text
                .get(index + 1..index + 3)
                .and_then(|hex| u8::from_str_radix(hex, 16).ok())
                .ok_or("a `%` in the URI's user or password is not followed by two hex digits")?;
            decoded.push(hex);
            index += 3;
        } else {
            decoded.push(bytes[index]);
            index += 1;
        }
    }
    String::from_utf8(decoded)
        .map_err(|_| "the URI's user or password is not UTF-8 once decoded".to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn uri(user: Option<&str>, pass: Option<&str>, tls: bool) -> ServerUri {
        ServerUri {
            user: user.map(String::from),
            pass: pass.map(String::from),
            tls,
        }
    }

    #[test]
    fn credentials_and_scheme_are_read_as_redis_cli_reads_them() {
        assert_eq!(
            ServerUri::parse("redis://app:s3cret@10.0.0.1:6379/0"),
            Ok(uri(Some("app"), Some("s3cret"), false))
        );
        assert_eq!(
            ServerUri::parse("rediss://:s3cret@host"),
            Ok(uri(None, Some("s3cret"), true))
        );
        assert_eq!(
            ServerUri::parse("redis://s3cret@host"),
            Ok(uri(None, Some("s3cret"), false))
        );
        assert_eq!(
            ServerUri::parse("VALKEYS://host:6380"),
            Ok(uri(None, None, true))
        );
        assert_eq!(
            ServerUri::parse("redis://a%40b:p%3Aw%25@host"),
            Ok(uri(Some("a@b"), Some("p:w%"), false))
        );
    }

    #[test]
    fn a_bad_uri_is_refused_without_showing_its_password() {
        let error = ServerUri::parse("http://user:hunter2@host").unwrap_err();
        assert!(!error.contains("hunter2"), "{error}");
        assert!(ServerUri::parse("redis://u:%zz@host").is_err());
    }
}
