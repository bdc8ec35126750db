//! What an action's steps work with: `Reads` (the run's environment, the
//! Gandi client's reading methods, what the reply will say) for `plan`, and
//! `Writes` (the same plus `send`) for `apply`. Only dispatch makes a
//! `Writes`, because only dispatch holds a `Permit`.

use std::ops::{Deref, DerefMut};

use serde::de::DeserializeOwned;
use serde_json::Value;
use ureq::http::Method;

use super::dispatch::Permit;
use super::Permission;
use crate::auth::{self, Credential, Selection, Token};
use crate::client::{Answer, Body, Client, Endpoints, Listing, Paging};
use crate::env::Env;
use crate::error::{SkillError, SkillResult};
use crate::gandi::organization::TokenInfo;
use crate::gandi::DryRunVerdict;
use crate::protocol::{CommonFields, Meta};

/// The state one run carries through its action.
pub struct Run<'a> {
    /// The action's wire name.
    pub(super) action: &'static str,
    pub(super) env: &'a Env,
    pub(super) common: &'a CommonFields,
    pub(super) permission: Permission,
    pub(super) meta: Meta,
    pub(super) warnings: Vec<String>,
    /// Secrets met on the way besides the credential (a renewed token, a
    /// password from the request): the output guard redacts them.
    pub(super) secrets: Vec<Token>,
    pub(super) client: Option<Client>,
    /// For a change: the permissions its routes need, checked against the
    /// token's introspection just before its first request.
    pub(super) pending_check: Option<Vec<Permission>>,
}

/// `plan`'s view of the run: everything but writing.
pub struct Reads<'a> {
    pub(super) run: Run<'a>,
}

/// `apply`'s view: reads, plus requests that change something.
pub struct Writes<'r, 'a> {
    pub(super) reads: &'r mut Reads<'a>,
    pub(super) permit: Permit,
}

impl<'a> Reads<'a> {
    pub(super) fn new(
        action: &'static str,
        env: &'a Env,
        common: &'a CommonFields,
        permission: Permission,
    ) -> Reads<'a> {
        let sandbox = common.sandbox.unwrap_or_else(|| env.flag("GANDI_SANDBOX"));
        Reads {
            run: Run {
                action,
                env,
                common,
                permission,
                meta: Meta {
                    sandbox,
                    ..Meta::default()
                },
                warnings: Vec::new(),
                secrets: Vec::new(),
                client: None,
                pending_check: None,
            },
        }
    }

    /// The action's wire name.
    pub fn action(&self) -> &'static str {
        self.run.action
    }

    pub fn env(&self) -> &Env {
        self.run.env
    }

    /// Unix seconds now (the run's clock).
    pub fn now(&self) -> i64 {
        self.run.env.unix_now()
    }

    /// The account space this request works in.
    pub fn selection(&self) -> SkillResult<Selection> {
        Selection::new(
            self.run.env,
            self.run.common.sandbox,
            self.run.common.profile.as_deref(),
        )
    }

    /// The organization the request acts for, when it names one.
    pub fn sharing_id(&self) -> Option<&str> {
        self.run.common.sharing_id.as_deref()
    }

    /// A plain sentence for the reply's `warnings`.
    pub fn warn(&mut self, warning: impl Into<String>) {
        self.run.warnings.push(warning.into());
    }

    /// The warnings so far (some checks write into them).
    pub fn warnings_mut(&mut self) -> &mut Vec<String> {
        &mut self.run.warnings
    }

    /// Records list metadata.
    pub fn listed(&mut self, total: Option<u64>, pages: u32) {
        self.run.meta.total_count = total;
        self.run.meta.pages_fetched = Some(pages);
    }

    /// A secret the output guard must redact from the whole reply (and the
    /// client from any quote of Gandi's answers, which may echo it).
    pub fn guard_secret(&mut self, token: Token) {
        if let Some(client) = &self.run.client {
            client.guard(token.clone());
        }
        self.run.secrets.push(token);
    }

    /// The Gandi client, built on first use: credentials are resolved only
    /// by actions that talk to Gandi.
    fn client(&mut self) -> SkillResult<&Client> {
        if self.run.client.is_none() {
            let selection = self.selection()?;
            let endpoints = Endpoints::resolve(self.run.env, selection.sandbox)?;
            let credential = auth::resolve(self.run.env, &selection)?;
            self.run.meta.credential_source = Some(credential.source.clone());
            self.run.meta.sandbox = selection.sandbox;
            if credential.scheme == auth::Scheme::Apikey {
                self.run.warnings.push(format!(
                    "the credential from {} is a legacy API key (Apikey), which Gandi has deprecated; create a Personal Access Token and store it with scripts/setup_token.sh",
                    credential.source
                ));
            }
            let client = Client::new(
                self.run.env,
                endpoints,
                credential,
                self.run.common.sharing_id.clone(),
                self.run.permission,
            )?;
            for secret in &self.run.secrets {
                client.guard(secret.clone());
            }
            self.run.client = Some(client);
            if let Some(needed) = self.run.pending_check.take() {
                self.check_permissions(&needed)?;
            }
        }
        self.run
            .client
            .as_ref()
            .ok_or_else(|| SkillError::internal("client missing after creation"))
    }

    /// The credential in use (resolving it if needed).
    pub fn credential(&mut self) -> SkillResult<Credential> {
        Ok(self.client()?.credential().clone())
    }

    /// The API base URL in use.
    pub fn api_url(&mut self) -> SkillResult<String> {
        Ok(self.client()?.api_url().to_string())
    }

    /// `GET /v5/{path}`, decoded as `T`.
    pub fn get<T: DeserializeOwned>(
        &mut self,
        path: &str,
        query: &[(&str, String)],
    ) -> SkillResult<T> {
        self.client()?.get(path, query)
    }

    /// `GET /v5/{path}` as zone-file text.
    pub fn get_text(&mut self, path: &str, query: &[(&str, String)]) -> SkillResult<String> {
        self.client()?.get_text(path, query)
    }

    /// A whole list (every page), or the one page asked for.
    pub fn list<T: DeserializeOwned>(
        &mut self,
        path: &str,
        query: &[(&str, String)],
        paging: Paging,
    ) -> SkillResult<Listing<T>> {
        self.list_map(path, query, paging, |item: T| item)
    }

    /// A list like `list`, each of Gandi's items turned into what the action
    /// keeps as its page arrives (the page is dropped before the next).
    /// With one page asked for, `meta.next_page` says where to go on.
    pub fn list_map<W: DeserializeOwned, T>(
        &mut self,
        path: &str,
        query: &[(&str, String)],
        paging: Paging,
        each: impl FnMut(W) -> T,
    ) -> SkillResult<Listing<T>> {
        let listing = self.client()?.list_map(path, query, paging, each)?;
        if let Paging::Page { .. } = paging {
            self.run.meta.next_page = Some(listing.next_page);
        }
        Ok(listing)
    }

    /// A POST that Gandi documents as a check: it changes nothing.
    pub fn post_check<T: DeserializeOwned>(&mut self, path: &str, body: &Value) -> SkillResult<T> {
        self.client()?.post_check(path, body)
    }

    /// Gandi's own verdict on a change, sent with `Dry-Run: 1` (nothing is done).
    pub fn dry_run(
        &mut self,
        method: Method,
        path: &str,
        body: &Value,
    ) -> SkillResult<DryRunVerdict> {
        self.client()?.dry_run(method, path, body)
    }

    /// The token's introspection (expiry, scopes), when the id host answers.
    pub fn tokeninfo(&mut self) -> SkillResult<Option<TokenInfo>> {
        Ok(self.client()?.tokeninfo())
    }

    /// Whether token introspection may be asked at all (see `Endpoints`).
    pub fn can_introspect(&self) -> bool {
        Endpoints::resolve(self.run.env, self.run.meta.sandbox)
            .map(|e| e.id_usable())
            .unwrap_or(false)
    }
}

impl<'a> Writes<'_, 'a> {
    /// A request that changes something: sent exactly once.
    pub fn send(
        &mut self,
        method: Method,
        path: &str,
        body: Body,
        headers: &[(&str, &str)],
    ) -> SkillResult<Answer> {
        let permit = &self.permit;
        let client = self.reads.client()?;
        client.send(permit, method, path, body, headers)
    }

    /// The LiveDNS snapshot this write took (its undo point).
    pub fn set_snapshot_id(&mut self, id: String) {
        self.reads.run.meta.snapshot_id = Some(id);
    }
}

impl<'a> Deref for Writes<'_, 'a> {
    type Target = Reads<'a>;
    fn deref(&self) -> &Reads<'a> {
        self.reads
    }
}

impl<'a> DerefMut for Writes<'_, 'a> {
    fn deref_mut(&mut self) -> &mut Reads<'a> {
        self.reads
    }
}

impl Reads<'_> {
    /// For a change, the token's introspection (when it answers) must show
    /// every permission the action's routes need, before anything is
    /// previewed or snapshotted. Only a sure lack refuses (see `Permission`).
    fn check_permissions(&mut self, needed: &[Permission]) -> SkillResult<()> {
        let mut needed = needed.to_vec();
        needed.sort();
        needed.dedup();
        if needed.is_empty() || !self.can_introspect() {
            return Ok(());
        }
        let credential = self.credential()?;
        if credential.scheme == auth::Scheme::Apikey {
            return Ok(());
        }
        let Some(info) = self.tokeninfo()? else {
            return Ok(());
        };
        let missing: Vec<&str> = needed
            .iter()
            .filter(|p| p.surely_missing_from(&info.scope))
            .map(|p| p.wording())
            .collect();
        if missing.is_empty() {
            return Ok(());
        }
        let list = missing.join(", ");
        Err(SkillError::new(
            crate::error::ErrorCode::Forbidden,
            format!(
                "the token from {} lacks the permission {} needs: {list}; nothing was sent",
                credential.source, self.run.action
            ),
        )
        .with_detail(
            "missing_permissions",
            missing.iter().map(|m| Value::from(*m)).collect::<Vec<_>>(),
        )
        .with_detail(
            "token_scopes",
            info.scope
                .iter()
                .map(|s| Value::from(s.as_str()))
                .collect::<Vec<_>>(),
        )
        .with_hint(crate::client::lacks_permission_hint(
            &credential,
            &list,
            &info.scope,
        )))
    }
}
