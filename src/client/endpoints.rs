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

/// Checks a base URL override: exactly `scheme://host[:port]` (a final `/`
/// aside), https, or http to a loopback host only. Anything else is
/// `config.invalid` naming the variable, before any request.
fn base_url(env: &Env, var: &str, default: &str) -> SkillResult<String> {
    let Some(raw) = env.var(var) else {
        return Ok(default.to_string());
    };
    let url = raw.trim().trim_end_matches('/');
    let bad = |why: String| {
        SkillError::new(ErrorCode::ConfigInvalid, format!("{var}={url:?}: {why}"))
            .with_detail("variable", var)
            .with_hint(format!(
                "set {var} to scheme://host[:port] (for example {default}), or unset it"
            ))
    };
    let (scheme, host) = parse_base(url).map_err(bad)?;
    match scheme.as_str() {
        "https" => Ok(url.to_string()),
        "http" if is_loopback(host) => Ok(url.to_string()),
        "http" => Err(bad(
            "plain http is accepted only for loopback hosts; the token would travel unencrypted"
                .into(),
        )),
        _ => Err(bad("the scheme must be https".into())),
    }
}

/// Splits `scheme://host[:port]` into the lower-case scheme and the host
/// (without brackets), or says what is wrong. The host is an IPv4 address,
/// a bracketed IPv6 address or a DNS name; the port a number from 1 to
/// 65535; nothing else may follow.
fn parse_base(url: &str) -> Result<(String, &str), String> {
    let (scheme, rest) = url
        .split_once("://")
        .ok_or_else(|| "no scheme: expected scheme://host[:port]".to_string())?;
    if scheme.is_empty() || !scheme.bytes().all(|b| b.is_ascii_alphabetic()) {
        return Err("the scheme must be https".into());
    }
    if rest.contains(['/', '?', '#', '@']) {
        return Err("expected only scheme://host[:port]: no path, query, fragment or user".into());
    }
    let (host, port) = match rest.strip_prefix('[') {
        Some(v6) => {
            let (host, after) = v6
                .split_once(']')
                .ok_or("an IPv6 address must be closed with `]`")?;
            if host.parse::<std::net::Ipv6Addr>().is_err() {
                return Err(format!("`[{host}]` is not an IPv6 address"));
            }
            match after {
                "" => (host, None),
                _ => match after.strip_prefix(':') {
                    Some(port) => (host, Some(port)),
                    None => {
                        return Err(format!(
                            "`{after}` follows the IPv6 address: expected only scheme://[address][:port]"
                        ))
                    }
                },
            }
        }
        None => match rest.split_once(':') {
            Some((host, port)) => (host, Some(port)),
            None => (rest, None),
        },
    };
    if !rest.starts_with('[') && !valid_host(host) {
        return Err(format!(
            "`{host}` is not a host name or IP address (letters, digits, `-` and `.` only)"
        ));
    }
    if let Some(port) = port {
        let ok = !port.is_empty()
            && port.len() <= 5
            && port.bytes().all(|b| b.is_ascii_digit())
            && port.parse::<u32>().is_ok_and(|p| (1..=65535).contains(&p));
        if !ok {
            return Err(format!("the port `{port}` is not a number from 1 to 65535"));
        }
    }
    Ok((scheme.to_ascii_lowercase(), host))
}

/// A DNS name (labels of letters, digits and inner `-`, at most 63
/// characters each, 253 in all) or an IPv4 address. A name whose last label
/// is all digits must be an IPv4 address: no top-level domain is numeric,
/// and `127.1` or `999.0.0.1` mean nothing a resolver should guess at.
fn valid_host(host: &str) -> bool {
    let labels: Vec<&str> = host.split('.').collect();
    let label_ok = |l: &&str| {
        (1..=63).contains(&l.len())
            && l.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
            && !l.starts_with('-')
            && !l.ends_with('-')
    };
    if host.is_empty() || host.len() > 253 || !labels.iter().all(label_ok) {
        return false;
    }
    let numeric = labels
        .last()
        .is_some_and(|l| l.bytes().all(|b| b.is_ascii_digit()));
    !numeric || host.parse::<std::net::Ipv4Addr>().is_ok()
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
    fn only_scheme_host_and_port_pass() {
        let check = |v: &str| {
            let env = Env::from_vars([("GANDI_API_URL", v)]);
            base_url(&env, "GANDI_API_URL", PRODUCTION_API)
        };
        for good in [
            "https://api.gandi.net",
            "https://api.gandi.net/",
            "HTTPS://API.Gandi.NET:443",
            "https://api-v5.sandbox.gandi.net:8443",
            "https://192.0.2.1",
            "https://[2001:db8::1]:443",
            "http://127.0.0.1:1",
            "http://127.0.0.1:65535",
            "http://[::1]",
            "http://localhost:8080",
        ] {
            assert_eq!(
                check(good).ok().as_deref(),
                Some(good.trim_end_matches('/')),
                "{good}"
            );
        }
        for bad in [
            "http://[::1]evil.com:8080",
            "http://[::1].evil.com",
            "http://[::1]:8080evil",
            "http://[::1",
            "http://[evil.com]:80",
            "http://127.0.0.1:8080;evil.com",
            "http://127.0.0.1:99999",
            "http://127.0.0.1:65536",
            "http://127.0.0.1:0",
            "http://127.0.0.1:abc",
            "http://127.0.0.1:",
            "http://127.0.0.1:+80",
            "http://127.0.0.1:80:80",
            "https://a\\b",
            "http://localhost:9\\",
            "https://%65xample.com",
            "https://ex_ample.com",
            "https://exa mple.com",
            "https://-api.gandi.net",
            "https://api..gandi.net",
            "https://api.gandi.net.",
            "https://999.0.0.1",
            "https://127.1",
            "https://",
            "https://:443",
            "https://user@api.gandi.net",
            "https://api.gandi.net?x=1",
            "https://api.gandi.net#x",
            "ftp://api.gandi.net",
            "h ttps://api.gandi.net",
            "://api.gandi.net",
            "abc",
        ] {
            let err = check(bad).expect_err(bad);
            assert_eq!(err.code, ErrorCode::ConfigInvalid, "{bad}");
            assert_eq!(err.details["variable"], "GANDI_API_URL", "{bad}");
            assert!(
                err.message.starts_with("GANDI_API_URL="),
                "{bad}: {}",
                err.message
            );
        }
        let long = format!("https://{}.net", "a".repeat(64));
        assert!(check(&long).is_err());
        // The id host's override is checked the same way, naming its variable.
        let env = Env::from_vars([
            ("GANDI_API_URL", "http://127.0.0.1:8080"),
            ("GANDI_ID_URL", "http://127.0.0.1:8080;evil.com"),
        ]);
        let err = Endpoints::resolve(&env, false).expect_err("bad id url");
        assert_eq!(err.details["variable"], "GANDI_ID_URL");
    }

    #[test]
    fn the_token_goes_to_the_real_id_host_only_with_the_real_api_host() {
        let resolve = |vars: &[(&str, &str)]| {
            Endpoints::resolve(&Env::from_vars(vars.iter().copied()), false).expect("ok")
        };
        let e = resolve(&[]);
        assert_eq!(e.id.as_deref(), Some(PRODUCTION_ID));
        let e = resolve(&[("GANDI_API_URL", "http://127.0.0.1:8080")]);
        assert_eq!(
            e.id, None,
            "no introspection at id.gandi.net for another API host"
        );
        assert!(!e.id_usable());
        let e = resolve(&[
            ("GANDI_API_URL", "http://127.0.0.1:8080"),
            ("GANDI_ID_URL", "http://127.0.0.1:8081"),
        ]);
        assert_eq!(e.id.as_deref(), Some("http://127.0.0.1:8081"));
    }

    #[test]
    fn encoding_round_trips() {
        assert_eq!(encode("@"), "%40");
        assert_eq!(encode("*.example"), "%2A.example");
        assert_eq!(decode("%40a+b"), "@a b");
    }
}
