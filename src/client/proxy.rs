//! Which requests go through a proxy, decided here and never by ureq (which
//! would read `HTTP_PROXY` and `ALL_PROXY` itself and tunnel plain http
//! through them, token and all): only https requests, tunnelled with
//! CONNECT, so the proxy sees the host name and never the token. The proxy
//! is the first of `https_proxy`, `HTTPS_PROXY`, `all_proxy`, `ALL_PROXY`
//! that is set; `no_proxy` / `NO_PROXY` exempt hosts. `HTTP_PROXY` is not
//! read: a plain-http request (only a loopback `GANDI_API_URL`) always goes
//! direct.

use ureq::http::Uri;
use ureq::ProxyProtocol;

use crate::env::Env;
use crate::error::{ErrorCode, SkillError, SkillResult};

/// Where the proxy is read from, in order: the first set wins (lower case
/// first, as curl does).
const PROXY_VARS: &[&str] = &["https_proxy", "HTTPS_PROXY", "all_proxy", "ALL_PROXY"];
/// Where the exempt hosts are read from, in order.
const NO_PROXY_VARS: &[&str] = &["no_proxy", "NO_PROXY"];

/// The proxy of one run, for https requests.
#[derive(Clone, Debug)]
pub(super) struct HttpsProxy {
    pub proxy: ureq::Proxy,
    /// The variable it came from, for messages.
    pub var: &'static str,
    /// `host:port` of the proxy, for messages: never its user or password.
    pub address: String,
    /// `no_proxy` entries, lower case, without `*.`/`.`, port or brackets;
    /// `*` exempts every host.
    exempt: Vec<String>,
}

impl HttpsProxy {
    /// The proxy the environment names, if any. A value that is not an
    /// http:// or https:// proxy URL is `config.invalid` naming the variable
    /// (never quoting it: it may hold the proxy's password).
    pub fn from_env(env: &Env) -> SkillResult<Option<HttpsProxy>> {
        let Some((var, value)) = PROXY_VARS.iter().find_map(|var| {
            let value = env.var(var)?.trim();
            (!value.is_empty()).then_some((*var, value))
        }) else {
            return Ok(None);
        };
        let bad = |why: &str| {
            SkillError::new(ErrorCode::ConfigInvalid, format!("{var} {why}"))
                .with_detail("variable", var)
                .with_hint(format!(
                    "set {var} to http://host:port (or https://host:port) of an HTTP proxy that tunnels with CONNECT, or unset it"
                ))
        };
        let proxy = ureq::Proxy::new(value)
            .map_err(|_| bad("is not a proxy URL (expected http://host:port)"))?;
        if !matches!(proxy.protocol(), ProxyProtocol::Http | ProxyProtocol::Https) {
            return Err(bad(
                "names a SOCKS proxy; gandi-skill supports only HTTP proxies (http:// or https://)",
            ));
        }
        let host = proxy.host();
        if host.is_empty() {
            return Err(bad("names no proxy host (expected http://host:port)"));
        }
        let address = format!("{host}:{}", proxy.port());
        let exempt = NO_PROXY_VARS
            .iter()
            .find_map(|v| env.var(v))
            .map(exempt_hosts)
            .unwrap_or_default();
        Ok(Some(HttpsProxy {
            proxy,
            var,
            address,
            exempt,
        }))
    }

    /// Whether a request to `uri` goes through the proxy: https, and a host
    /// `no_proxy` does not exempt.
    pub fn applies(&self, uri: &Uri) -> bool {
        uri.scheme_str()
            .is_some_and(|s| s.eq_ignore_ascii_case("https"))
            && !uri.host().is_some_and(|h| self.exempts(h))
    }

    /// Whether `no_proxy` exempts `host`: an entry matches the host itself
    /// and every name below it (`example.com`, `.example.com` and
    /// `*.example.com` all exempt `api.example.com`).
    fn exempts(&self, host: &str) -> bool {
        let host = bare_host(host);
        self.exempt.iter().any(|entry| {
            entry == "*"
                || host == *entry
                || host
                    .strip_suffix(entry.as_str())
                    .is_some_and(|head| head.ends_with('.'))
        })
    }
}

/// The entries of a `no_proxy` value (comma- or space-separated).
fn exempt_hosts(value: &str) -> Vec<String> {
    value
        .split([',', ' '])
        .map(str::trim)
        .filter(|e| !e.is_empty())
        .map(|e| {
            if e == "*" {
                return e.to_string();
            }
            let e = e.trim_start_matches("*.").trim_start_matches('.');
            // `[::1]:443`, `[::1]`, `host:443`: the port does not matter.
            let e = match e.strip_prefix('[') {
                Some(v6) => v6.split(']').next().unwrap_or(""),
                None if e.matches(':').count() == 1 => e.split(':').next().unwrap_or(""),
                None => e,
            };
            bare_host(e)
        })
        .filter(|e| !e.is_empty())
        .collect()
}

/// A host name as compared: lower case, no brackets, no final dot.
fn bare_host(host: &str) -> String {
    host.trim_start_matches('[')
        .trim_end_matches(']')
        .trim_end_matches('.')
        .to_ascii_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn proxy(vars: &[(&str, &str)]) -> SkillResult<Option<HttpsProxy>> {
        HttpsProxy::from_env(&Env::from_vars(vars.iter().copied()))
    }

    fn uri(u: &str) -> Uri {
        u.parse().expect("uri")
    }

    #[test]
    fn only_the_https_variables_name_a_proxy_lower_case_first() {
        assert!(proxy(&[
            ("HTTP_PROXY", "http://p:3128"),
            ("http_proxy", "http://p:3128")
        ])
        .expect("ok")
        .is_none());
        for var in PROXY_VARS {
            let p = proxy(&[(var, "http://p:3128")])
                .expect("ok")
                .expect("proxy");
            assert_eq!((p.var, p.address.as_str()), (*var, "p:3128"));
        }
        let p = proxy(&[
            ("ALL_PROXY", "http://all:1"),
            ("HTTPS_PROXY", "http://upper:2"),
            ("https_proxy", "http://lower:3"),
        ])
        .expect("ok")
        .expect("proxy");
        assert_eq!(p.address, "lower:3");
        // Without a scheme it is an http proxy on port 80.
        let p = proxy(&[("HTTPS_PROXY", "proxy.lan")])
            .expect("ok")
            .expect("proxy");
        assert_eq!(p.address, "proxy.lan:80");
    }

    #[test]
    fn a_proxy_that_cannot_be_used_is_config_invalid_without_its_password() {
        for value in [
            "socks5://user:pw-secret@p:1080",
            "http://user:pw-secret@[oops",
        ] {
            let err = proxy(&[("ALL_PROXY", value)]).expect_err(value);
            assert_eq!(err.code, ErrorCode::ConfigInvalid);
            assert_eq!(err.details["variable"], "ALL_PROXY");
            assert!(!format!("{err:?}").contains("pw-secret"), "{err:?}");
        }
    }

    #[test]
    fn plain_http_never_goes_through_the_proxy() {
        let p = proxy(&[("ALL_PROXY", "http://p:3128")])
            .expect("ok")
            .expect("proxy");
        assert!(!p.applies(&uri("http://127.0.0.1:8080/v5/domain/domains")));
        assert!(!p.applies(&uri("http://api.gandi.net/v5/")));
        assert!(p.applies(&uri("https://api.gandi.net/v5/")));
    }

    #[test]
    fn no_proxy_exempts_a_host_and_the_names_below_it() {
        let p = proxy(&[
            ("HTTPS_PROXY", "http://p:3128"),
            (
                "NO_PROXY",
                "gandi.net, .example.com,*.test.org , [::1]:443,10.0.0.1:8443",
            ),
        ])
        .expect("ok")
        .expect("proxy");
        for exempt in [
            "https://gandi.net/",
            "https://api.gandi.net/",
            "https://API.Gandi.NET./",
            "https://example.com/",
            "https://a.b.example.com/",
            "https://x.test.org/",
            "https://[::1]:8443/",
            "https://10.0.0.1/",
        ] {
            assert!(!p.applies(&uri(exempt)), "{exempt}");
        }
        for proxied in [
            "https://notgandi.net/",
            "https://gandi.net.evil.com/",
            "https://10.0.0.11/",
        ] {
            assert!(p.applies(&uri(proxied)), "{proxied}");
        }
        let all = proxy(&[("https_proxy", "http://p:3128"), ("no_proxy", "*")])
            .expect("ok")
            .expect("proxy");
        assert!(!all.applies(&uri("https://api.gandi.net/")));
        // The lower-case variable wins.
        let lower = proxy(&[
            ("https_proxy", "http://p:3128"),
            ("no_proxy", "other.org"),
            ("NO_PROXY", "*"),
        ])
        .expect("ok")
        .expect("proxy");
        assert!(lower.applies(&uri("https://api.gandi.net/")));
    }
}
