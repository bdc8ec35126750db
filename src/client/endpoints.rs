//! Where requests go: the API and token-introspection base URLs (production,
//! sandbox, or a checked override) and the percent-coding of path segments
//! and query components.

use crate::env::Env;
use crate::error::{ErrorCode, SkillError, SkillResult};

const PRODUCTION_API: &str = "https://api.gandi.net";
const SANDBOX_API: &str = "https://api.sandbox.gandi.net";
const PRODUCTION_ID: &str = "https://id.gandi.net";
const SANDBOX_ID: &str = "https://id.sandbox.gandi.net";

/// The API host and the token-introspection host of one run.
#[derive(Clone, Debug)]
pub struct Endpoints {
    pub api: String,
    /// `None` when `GANDI_API_URL` is overridden but `GANDI_ID_URL` is not:
    /// the token is then never sent to Gandi's real id host.
    pub id: Option<String>,
}

impl Endpoints {
    /// Production or sandbox, with `GANDI_API_URL` / `GANDI_ID_URL` overrides.
    pub fn resolve(env: &Env, sandbox: bool) -> SkillResult<Endpoints> {
        let (api, id) = if sandbox {
            (SANDBOX_API, SANDBOX_ID)
        } else {
            (PRODUCTION_API, PRODUCTION_ID)
        };
        let id = if env.var("GANDI_API_URL").is_some() && env.var("GANDI_ID_URL").is_none() {
            None
        } else {
            Some(base_url(env, "GANDI_ID_URL", id)?)
        };
        Ok(Endpoints {
            api: base_url(env, "GANDI_API_URL", api)?,
            id,
        })
    }

    /// Whether token introspection may be asked.
    pub fn id_usable(&self) -> bool {
        self.id.is_some()
    }
}

/// Checks a base URL override: `scheme://host[:port]`, https, or http to loopback only.
fn base_url(env: &Env, var: &str, default: &str) -> SkillResult<String> {
    let Some(raw) = env.var(var) else {
        return Ok(default.to_string());
    };
    let url = raw.trim().trim_end_matches('/');
    let bad = |why: &str| {
        SkillError::new(ErrorCode::ConfigInvalid, format!("{var}={url:?}: {why}"))
            .with_detail("variable", var)
            .with_hint(format!(
                "set {var} to scheme://host[:port] (for example {default}), or unset it"
            ))
    };
    let (scheme, rest) = url.split_once("://").ok_or_else(|| bad("no scheme"))?;
    if rest.is_empty() || rest.contains(['/', '?', '#', '@', ' ']) {
        return Err(bad("expected only scheme://host[:port], without a path"));
    }
    let host = if let Some(stripped) = rest.strip_prefix('[') {
        stripped.split(']').next().unwrap_or("")
    } else {
        rest.rsplit_once(':').map_or(rest, |(h, _)| h)
    };
    match scheme.to_ascii_lowercase().as_str() {
        "https" => Ok(url.to_string()),
        "http" if is_loopback(host) => Ok(url.to_string()),
        "http" => Err(bad(
            "plain http is accepted only for loopback hosts; the token would travel unencrypted",
        )),
        _ => Err(bad("the scheme must be https")),
    }
}

fn is_loopback(host: &str) -> bool {
    host.eq_ignore_ascii_case("localhost")
        || host
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

/// Percent-encodes one path segment or query component.
pub fn encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Decodes one query component (`%XX` and `+`).
pub fn decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let hex = |b: u8| (b as char).to_digit(16);
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'%' if i + 2 < bytes.len() => match (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                (Some(h), Some(l)) => {
                    out.push((h * 16 + l) as u8);
                    i += 3;
                    continue;
                }
                _ => out.push(b'%'),
            },
            b'+' => out.push(b' '),
            other => out.push(other),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base_url_rules() {
        let env = |v: &str| Env::from_vars([("GANDI_API_URL", v)]);
        let check = |v: &str| base_url(&env(v), "GANDI_API_URL", PRODUCTION_API);
        assert!(check("http://127.0.0.1:8080").is_ok());
        assert!(check("http://[::1]:8080/").is_ok());
        assert!(check("http://localhost").is_ok());
        let err = check("http://api.example.com").unwrap_err();
        assert_eq!(err.code, ErrorCode::ConfigInvalid);
        assert!(check("https://api.example.com/v5").is_err());
    }

    #[test]
    fn encoding_round_trips() {
        assert_eq!(encode("@"), "%40");
        assert_eq!(encode("*.example"), "%2A.example");
        assert_eq!(decode("%40a+b"), "@a b");
    }
}
