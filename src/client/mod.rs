//! The Gandi HTTP client of one run: one ureq agent, one credential, the
//! `sharing_id` merged into every query. Reading methods are open to every
//! caller; a request that changes something needs a `catalog::Permit`, which
//! only dispatch hands out after the confirmation gate.
//!
//! `transport` owns the wire and retries, `response` decoding and error
//! mapping, `paging` list walks, `endpoints` base URLs and percent-coding,
//! `proxy` which requests go through a proxy.

mod endpoints;
mod paging;
mod proxy;
mod response;
mod transport;

use std::sync::{Mutex, OnceLock, PoisonError};
use std::time::Duration;

use serde::de::DeserializeOwned;
use serde_json::Value;
use ureq::http::Method;

pub use endpoints::{encode, Endpoints};
pub use paging::{Listing, Paging, PER_PAGE};
pub use response::{excerpt, lacks_permission_hint, Answer};

use crate::auth::{Credential, Token};
use crate::catalog::{Permission, Permit};
use crate::env::Env;
use crate::error::{ErrorCode, SkillError, SkillResult};
use crate::gandi::organization::TokenInfo;
use crate::gandi::DryRunVerdict;
use transport::Attempt;

/// How long the optional token introspection may take.
const TOKENINFO_TIMEOUT: Duration = Duration::from_secs(5);

/// A request body.
pub enum Body<'a> {
    None,
    Json(&'a Value),
    Text(&'a str),
}

/// A blocking Gandi client bound to one credential for one run.
pub struct Client {
    /// Direct connections: every plain-http request, and https ones when no
    /// proxy is set or `no_proxy` exempts the host.
    agent: ureq::Agent,
    /// The https proxy and the agent that tunnels through it, when set.
    tunnel: Option<(ureq::Agent, proxy::HttpsProxy)>,
    endpoints: Endpoints,
    credential: Credential,
    sharing_id: Option<String>,
    /// The permission the current action needs, for auth hints.
    permission: Permission,
    debug: bool,
    /// The overall timeout of one request.
    timeout: Duration,
    /// The token's introspection, asked at most once per run.
    tokeninfo: OnceLock<Option<TokenInfo>>,
    /// How much one list walk may read.
    walk_caps: paging::WalkCaps,
    /// What the requests may carry that a server could echo: the token, and
    /// the secrets of the request (passwords): redacted from any quote of
    /// an answer before it is cut.
    secrets: Mutex<Vec<Token>>,
}

impl Client {
    pub fn new(
        env: &Env,
        endpoints: Endpoints,
        credential: Credential,
        sharing_id: Option<String>,
        permission: Permission,
    ) -> SkillResult<Client> {
        let timeout = match env.var("GANDI_TIMEOUT_SECS") {
            None => 30,
            Some(v) => match v.trim().parse::<u64>() {
                Ok(n) if (1..=600).contains(&n) => n,
                _ => {
                    return Err(SkillError::new(
                        ErrorCode::ConfigInvalid,
                        format!(
                            "GANDI_TIMEOUT_SECS={v:?} is not a number of seconds from 1 to 600"
                        ),
                    )
                    .with_hint("unset it to use the default of 30 seconds"))
                }
            },
        };
        let walk_caps = paging::WalkCaps::from_env(env)?;
        // A proxy matters only when some host is reached over https; a run
        // on plain http (the tests' fake) never reads the proxy variables.
        let uses_https = std::iter::once(&endpoints.api)
            .chain(endpoints.id.as_ref())
            .any(|u| {
                u.get(..8)
                    .is_some_and(|s| s.eq_ignore_ascii_case("https://"))
            });
        let https_proxy = match uses_https {
            true => proxy::HttpsProxy::from_env(env)?,
            false => None,
        };
        // The proxy is always set here (None for the direct agent): ureq's
        // default would read HTTP_PROXY and ALL_PROXY itself.
        let agent_with = |proxy: Option<ureq::Proxy>| {
            let config = ureq::Agent::config_builder()
                .http_status_as_error(false)
                .timeout_connect(Some(Duration::from_secs(10.min(timeout))))
                .timeout_global(Some(Duration::from_secs(timeout)))
                .max_redirects(0)
                .max_response_header_size(transport::HEADER_HARD_CAP)
                .input_buffer_size(transport::INPUT_BUFFER)
                .user_agent(format!("gandi-skill/{}", env!("CARGO_PKG_VERSION")))
                .proxy(proxy)
                .build();
            ureq::Agent::with_parts(
                config,
                ureq::unversioned::transport::DefaultConnector::new(),
                transport::OnceResolver::default(),
            )
        };
        let tunnel = https_proxy.map(|p| (agent_with(Some(p.proxy.clone())), p));
        let secrets = Mutex::new(vec![credential.token.clone()]);
        Ok(Client {
            agent: agent_with(None),
            tunnel,
            endpoints,
            credential,
            sharing_id,
            permission,
            debug: env.debug(),
            timeout: Duration::from_secs(timeout),
            tokeninfo: OnceLock::new(),
            walk_caps,
            secrets,
        })
    }

    /// A secret of the request (a password, an auth code) that a request
    /// body may carry: quotes of Gandi's answers redact it too.
    pub fn guard(&self, secret: Token) {
        self.secrets
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(secret);
    }

    /// The secrets a quote of an answer must redact.
    fn secrets(&self) -> Vec<Token> {
        self.secrets
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    pub fn credential(&self) -> &Credential {
        &self.credential
    }

    /// The API base URL in use (never carries the secret).
    pub fn api_url(&self) -> &str {
        &self.endpoints.api
    }

    /// `GET /v5/{path}`, decoded as `T`.
    pub fn get<T: DeserializeOwned>(&self, path: &str, query: &[(&str, String)]) -> SkillResult<T> {
        self.call(Method::GET, path, query, Body::None, &[])?.json()
    }

    /// `GET /v5/{path}` with `Accept: text/plain` (zone files).
    pub fn get_text(&self, path: &str, query: &[(&str, String)]) -> SkillResult<String> {
        self.call(
            Method::GET,
            path,
            query,
            Body::None,
            &[("Accept", "text/plain")],
        )?
        .text()
    }

    /// A POST that Gandi documents as a check (it changes nothing), decoded.
    pub fn post_check<T: DeserializeOwned>(&self, path: &str, body: &Value) -> SkillResult<T> {
        self.call(Method::POST, path, &[], Body::Json(body), &[])?
            .json()
    }

    /// Gandi's verdict on a change sent with `Dry-Run: 1`: the parameters
    /// are checked, nothing is done. A 400 verdict is a verdict too.
    pub fn dry_run(&self, method: Method, path: &str, body: &Value) -> SkillResult<DryRunVerdict> {
        let url = self.url(&format!("/v5/{path}"), &[]);
        match self.attempt(&method, &url, &Body::Json(body), &[("Dry-Run", "1")], None) {
            Attempt::Done(answer) => answer.json_or_default(),
            Attempt::Status {
                status: 400 | 422,
                bytes,
                ..
            } => serde_json::from_slice::<DryRunVerdict>(&bytes).map_err(|_| {
                SkillError::new(
                    ErrorCode::UnexpectedResponse,
                    "Gandi's dry-run answer could not be read",
                )
                .with_detail("excerpt", excerpt(&bytes, &self.secrets()))
            }),
            Attempt::Status {
                status,
                headers,
                bytes,
            } => Err(self.map_error(status, &headers, &bytes)),
            Attempt::Transport { error, .. } => Err(error),
        }
    }

    /// A request that may change something: sent exactly once, and only
    /// with the permit dispatch gives after the confirmation gate.
    pub fn send(
        &self,
        _permit: &Permit,
        method: Method,
        path: &str,
        body: Body,
        headers: &[(&str, &str)],
    ) -> SkillResult<Answer> {
        self.call(method, path, &[], body, headers)
    }

    /// `GET {id host}/tokeninfo`: the token's expiry and scopes, `None` when
    /// the id host does not answer usefully. Asked once per run.
    ///
    /// The answer is optional, so it gets one try within `TOKENINFO_TIMEOUT`:
    /// a stalled id host never holds an action for the full timeout.
    pub fn tokeninfo(&self) -> Option<TokenInfo> {
        self.tokeninfo
            .get_or_init(|| {
                let url = format!("{}/tokeninfo", self.endpoints.id.as_deref()?);
                let limit = Some(TOKENINFO_TIMEOUT.min(self.timeout));
                match self.attempt(&Method::GET, &url, &Body::None, &[], limit) {
                    Attempt::Done(answer) => answer.json::<TokenInfo>().ok(),
                    _ => None,
                }
            })
            .clone()
    }

    fn call(
        &self,
        method: Method,
        path: &str,
        query: &[(&str, String)],
        body: Body,
        headers: &[(&str, &str)],
    ) -> SkillResult<Answer> {
        self.call_url(method, &format!("/v5/{path}"), query, body, headers)
    }

    /// Builds the URL on our own base, with `sharing_id` added.
    fn url(&self, path: &str, query: &[(&str, String)]) -> String {
        let mut pairs: Vec<(String, String)> = query
            .iter()
            .map(|(k, v)| (k.to_string(), v.clone()))
            .collect();
        if let Some(id) = &self.sharing_id {
            if !pairs.iter().any(|(k, _)| k == "sharing_id") {
                pairs.push(("sharing_id".into(), id.clone()));
            }
        }
        let mut url = format!("{}{}", self.endpoints.api, path);
        if !pairs.is_empty() {
            url.push('?');
            url.push_str(
                &pairs
                    .iter()
                    .map(|(k, v)| format!("{}={}", encode(k), encode(v)))
                    .collect::<Vec<_>>()
                    .join("&"),
            );
        }
        url
    }

    fn call_url(
        &self,
        method: Method,
        path: &str,
        query: &[(&str, String)],
        body: Body,
        headers: &[(&str, &str)],
    ) -> SkillResult<Answer> {
        let url = self.url(path, query);
        self.exchange(method, &url, body, headers)
    }
}
