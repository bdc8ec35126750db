//! The action catalog: one table names every action once, with its class,
//! summary, Gandi routes, needed permission, parameter, result and preview
//! types and handler. Dispatch, `describe`, `schemas/` and `skill.json` are
//! all derived from it, so they cannot drift apart.

pub mod account;
pub mod dns;
pub mod domains;
pub mod meta;

use schemars::generate::SchemaSettings;
use schemars::{JsonSchema, Schema};
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::{Map, Value};

use crate::auth::{self, Selection};
use crate::client::{Client, Endpoints, Paging};
use crate::env::Env;
use crate::error::{ErrorCode, SkillError, SkillResult};
use crate::protocol::{CommonFields, Meta};
use crate::safety::{Class, Done};

/// What a read action never produces: its preview type.
#[derive(Serialize, JsonSchema)]
pub struct NoPreview {}

macro_rules! catalog {
    ($(
        $variant:ident = $name:literal, $class:ident, $handler:path,
        params: $params:ty, result: $result:ty, preview: $preview:ty,
        permission: $perm:literal,
        routes: [$($route:literal),* $(,)?],
        summary: $summary:literal;
    )*) => {
        /// Every action, by its wire name.
        #[derive(Clone, Copy, Debug, PartialEq, Eq)]
        pub enum ActionId { $($variant),* }

        impl ActionId {
            pub const ALL: &'static [ActionId] = &[$(ActionId::$variant),*];

            pub fn name(self) -> &'static str {
                match self { $(ActionId::$variant => $name),* }
            }
            pub fn class(self) -> Class {
                match self { $(ActionId::$variant => Class::$class),* }
            }
            pub fn summary(self) -> &'static str {
                match self { $(ActionId::$variant => $summary),* }
            }
            /// The Gandi permission the action needs, in the words of Gandi's PAT page.
            pub fn permission(self) -> &'static str {
                match self { $(ActionId::$variant => $perm),* }
            }
            pub fn routes(self) -> &'static [&'static str] {
                match self { $(ActionId::$variant => &[$($route),*]),* }
            }
            pub fn params_schema(self) -> Schema {
                match self { $(ActionId::$variant => request_schema::<$params>()),* }
            }
            pub fn result_schema(self) -> Schema {
                match self { $(ActionId::$variant => result_schema::<$result, $preview>(Class::$class)),* }
            }
            fn execute(self, ctx: &mut Ctx, params: Map<String, Value>) -> SkillResult<Done<Value>> {
                match self { $(ActionId::$variant => {
                    let p: $params = read_params(self, params)?;
                    let done = $handler(ctx, p)?;
                    to_value_done(done)
                }),* }
            }
        }
    };
}

catalog! {
    Describe = "describe", Read, meta::describe,
        params: meta::NoParams, result: meta::Catalog, preview: NoPreview,
        permission: "none",
        routes: [],
        summary: "The catalog: every action with its class, summary, Gandi routes, permission and parameter schema.";
    TokenCheck = "token.check", Read, meta::token_check,
        params: meta::NoParams, result: meta::TokenReport, preview: NoPreview,
        permission: "any valid token",
        routes: ["GET /v5/organization/user-info", "GET https://id.gandi.net/tokeninfo"],
        summary: "Where the credential comes from, its scheme, file mode, sandbox or not, the account behind it, expiry and scopes.";
    TokenRenew = "token.renew", Destructive, meta::token_renew,
        params: meta::TokenRenewParams, result: meta::TokenRenewed, preview: meta::TokenRenewPreview,
        permission: "a valid Personal Access Token (renewal needs no extra permission)",
        routes: ["POST /v5/organization/access-tokens", "POST /v5/organization/personal-access-tokens/{pat_id}"],
        summary: "Renews the Personal Access Token in use (or pat_id) and stores the new one in the token file (0600, old kept as .previous); the secret is never printed.";
    AccountWhoami = "account.whoami", Read, account::whoami,
        params: meta::NoParams, result: account::Whoami, preview: NoPreview,
        permission: "any valid token",
        routes: ["GET /v5/organization/user-info"],
        summary: "The Gandi user the token belongs to.";
    OrganizationsList = "organizations.list", Read, account::organizations_list,
        params: account::OrganizationsListParams, result: account::OrganizationList, preview: NoPreview,
        permission: "Organization management (read)",
        routes: ["GET /v5/organization/organizations"],
        summary: "The organizations the user belongs to (their ids are the sharing_id values).";
    DomainsList = "domains.list", Read, domains::list,
        params: domains::DomainsListParams, result: domains::DomainList, preview: NoPreview,
        permission: "Domain management (read)",
        routes: ["GET /v5/domain/domains"],
        summary: "Every domain of the account (all pages), with status, expiry, days left, auto-renew and nameservers.";
    DomainsGet = "domains.get", Read, domains::get,
        params: domains::DomainParams, result: domains::DomainDetail, preview: NoPreview,
        permission: "Domain management (read)",
        routes: ["GET /v5/domain/domains/{domain}"],
        summary: "One domain's details: status, dates, auto-renew, nameservers, services, contacts.";
    DnsZonesList = "dns.zones.list", Read, dns::zones_list,
        params: dns::ZonesListParams, result: dns::ZoneList, preview: NoPreview,
        permission: "DNS management (read)",
        routes: ["GET /v5/livedns/domains"],
        summary: "The zones LiveDNS serves for the account.";
    DnsRecordsList = "dns.records.list", Read, dns::records_list,
        params: dns::RecordsListParams, result: dns::RecordList, preview: NoPreview,
        permission: "DNS management (read)",
        routes: ["GET /v5/livedns/domains/{domain}/records", "GET /v5/livedns/domains/{domain}/records/{name}"],
        summary: "A zone's rrsets, optionally only one name and/or one type.";
    DnsRecordsGet = "dns.records.get", Read, dns::records_get,
        params: dns::RrsetKeyParams, result: dns::RecordOne, preview: NoPreview,
        permission: "DNS management (read)",
        routes: ["GET /v5/livedns/domains/{domain}/records/{name}/{type}"],
        summary: "One rrset (name and type).";
    DnsRecordsAdd = "dns.records.add", Write, dns::records_add,
        params: dns::RrsetWriteParams, result: dns::DnsChangeResult, preview: dns::DnsPreview,
        permission: "DNS management (write)",
        routes: ["GET /v5/livedns/domains/{domain}/records/{name}", "POST /v5/livedns/domains/{domain}/snapshots", "POST|PUT /v5/livedns/domains/{domain}/records/{name}/{type}"],
        summary: "Adds values to an rrset (creating it if absent), keeping the values already there, and the TTL unless `ttl` is given.";
    DnsRecordsSet = "dns.records.set", Destructive, dns::records_set,
        params: dns::RrsetWriteParams, result: dns::DnsChangeResult, preview: dns::DnsPreview,
        permission: "DNS management (write)",
        routes: ["GET /v5/livedns/domains/{domain}/records/{name}", "POST /v5/livedns/domains/{domain}/snapshots", "POST|PUT /v5/livedns/domains/{domain}/records/{name}/{type}"],
        summary: "Replaces an rrset's values (and TTL when given). Previews the exact before/after first.";
    DnsRecordsRemove = "dns.records.remove", Destructive, dns::records_remove,
        params: dns::RrsetRemoveParams, result: dns::DnsChangeResult, preview: dns::DnsPreview,
        permission: "DNS management (write)",
        routes: ["GET /v5/livedns/domains/{domain}/records/{name}", "POST /v5/livedns/domains/{domain}/snapshots", "PUT|DELETE /v5/livedns/domains/{domain}/records/{name}/{type}"],
        summary: "Removes the given values from an rrset, or the whole rrset when no values are given.";
    DnsZoneExport = "dns.zone.export", Read, dns::zone_export,
        params: dns::ZoneParams, result: dns::ZoneExport, preview: NoPreview,
        permission: "DNS management (read)",
        routes: ["GET /v5/livedns/domains/{domain}/records (Accept: text/plain)"],
        summary: "The zone as RFC 1035 master-file text.";
    DnsZoneApply = "dns.zone.apply", Destructive, dns::zone_apply,
        params: dns::ZoneApplyParams, result: dns::DnsChangeResult, preview: dns::DnsPreview,
        permission: "DNS management (write)",
        routes: ["GET /v5/livedns/domains/{domain}/records", "POST /v5/livedns/domains/{domain}/snapshots", "PUT /v5/livedns/domains/{domain}/records[/{name}]"],
        summary: "Makes the zone match a desired set of rrsets (merge or replace): diff, preview, then one request.";
    DnsZoneImport = "dns.zone.import", Destructive, dns::zone_import,
        params: dns::ZoneImportParams, result: dns::DnsChangeResult, preview: dns::DnsPreview,
        permission: "DNS management (write)",
        routes: ["GET /v5/livedns/domains/{domain}/records", "POST /v5/livedns/domains/{domain}/snapshots", "PUT /v5/livedns/domains/{domain}/records[/{name}]"],
        summary: "Reads zone-file text and applies it like dns.zone.apply (replace by default): diff, preview, one request.";
    DnsSnapshotsList = "dns.snapshots.list", Read, dns::snapshots_list,
        params: dns::SnapshotsListParams, result: dns::SnapshotList, preview: NoPreview,
        permission: "DNS management (read)",
        routes: ["GET /v5/livedns/domains/{domain}/snapshots"],
        summary: "The zone's snapshots, newest undo points included.";
    DnsSnapshotsGet = "dns.snapshots.get", Read, dns::snapshots_get,
        params: dns::SnapshotParams, result: dns::SnapshotDetail, preview: NoPreview,
        permission: "DNS management (read)",
        routes: ["GET /v5/livedns/domains/{domain}/snapshots/{snapshot_id}"],
        summary: "One snapshot with the rrsets it holds.";
    DnsSnapshotsCreate = "dns.snapshots.create", Write, dns::snapshots_create,
        params: dns::SnapshotCreateParams, result: dns::SnapshotCreated, preview: dns::SnapshotCreatePreview,
        permission: "DNS management (write)",
        routes: ["POST /v5/livedns/domains/{domain}/snapshots"],
        summary: "Takes a snapshot of the zone now.";
    DnsSnapshotsRestore = "dns.snapshots.restore", Destructive, dns::snapshots_restore,
        params: dns::SnapshotRestoreParams, result: dns::DnsChangeResult, preview: dns::DnsPreview,
        permission: "DNS management (write)",
        routes: ["GET /v5/livedns/domains/{domain}/snapshots/{snapshot_id}", "GET /v5/livedns/domains/{domain}/records", "POST /v5/livedns/domains/{domain}/snapshots", "PUT /v5/livedns/domains/{domain}/records"],
        summary: "Puts a snapshot's records back (after snapshotting the current zone), previewing the diff.";
    DnsSnapshotsDelete = "dns.snapshots.delete", Destructive, dns::snapshots_delete,
        params: dns::SnapshotParams, result: dns::SnapshotDeleted, preview: dns::SnapshotDeletePreview,
        permission: "DNS management (write)",
        routes: ["GET /v5/livedns/domains/{domain}/snapshots/{snapshot_id}", "DELETE /v5/livedns/domains/{domain}/snapshots/{snapshot_id}"],
        summary: "Deletes a snapshot (after showing what it holds).";
}

/// The state one run carries through its action: the request's common
/// fields, the lazily built Gandi client, and what the reply will say.
pub struct Ctx<'a> {
    pub env: &'a Env,
    pub common: &'a CommonFields,
    pub action: ActionId,
    pub meta: Meta,
    pub warnings: Vec<String>,
    /// Secrets met on the way besides the credential (a renewed token).
    pub secrets: Vec<auth::Token>,
    client: Option<Client>,
}

impl<'a> Ctx<'a> {
    pub fn new(env: &'a Env, common: &'a CommonFields, action: ActionId) -> Ctx<'a> {
        let sandbox = common.sandbox.unwrap_or_else(|| env.flag("GANDI_SANDBOX"));
        Ctx {
            env,
            common,
            action,
            meta: Meta {
                sandbox,
                ..Meta::default()
            },
            warnings: Vec::new(),
            secrets: Vec::new(),
            client: None,
        }
    }

    /// The account space this request works in.
    pub fn selection(&self) -> SkillResult<Selection> {
        Selection::new(
            self.env,
            self.common.sandbox,
            self.common.profile.as_deref(),
        )
    }

    /// The Gandi client, built on first use: credentials are resolved only
    /// by actions that talk to Gandi.
    pub fn client(&mut self) -> SkillResult<&Client> {
        if self.client.is_none() {
            let selection = self.selection()?;
            let endpoints = Endpoints::resolve(self.env, selection.sandbox)?;
            let credential = auth::resolve(self.env, &selection)?;
            self.meta.credential_source = Some(credential.source.clone());
            self.meta.sandbox = selection.sandbox;
            if credential.scheme == auth::Scheme::Apikey {
                self.warnings.push(format!(
                    "the credential from {} is a legacy API key (Apikey), which Gandi has deprecated; create a Personal Access Token and store it with scripts/setup_token.sh",
                    credential.source
                ));
            }
            let client = Client::new(
                self.env,
                endpoints,
                credential,
                self.common.sharing_id.clone(),
                self.action.permission(),
            )?;
            self.client = Some(client);
        }
        match &self.client {
            Some(c) => Ok(c),
            None => Err(SkillError::internal("client missing after creation")),
        }
    }

    /// The gate between a computed preview and a change (see `safety::gate`).
    pub fn gate<R>(
        &self,
        message: impl Into<String>,
        preview: &impl Serialize,
    ) -> SkillResult<Option<Done<R>>> {
        crate::safety::gate(self.action.class(), self.common, message, preview)
    }

    /// Records list metadata.
    pub fn listed(&mut self, total: Option<u64>, pages: u32, warnings: Vec<String>) {
        self.meta.total_count = total;
        self.meta.pages_fetched = Some(pages);
        self.warnings.extend(warnings);
    }
}

/// `page`/`per_page` as a list action takes them: with `page`, only that page.
pub fn paging(page: Option<u32>, per_page: Option<u32>) -> SkillResult<Paging> {
    if let Some(pp) = per_page {
        if !(1..=500).contains(&pp) {
            return Err(SkillError::invalid_param(
                "per_page",
                Some(&pp.to_string()),
                "a number from 1 to 500",
            ));
        }
    }
    match page {
        None => Ok(Paging::All),
        Some(0) => Err(SkillError::invalid_param(
            "page",
            Some("0"),
            "a page number from 1",
        )),
        Some(page) => Ok(Paging::Page {
            page,
            per_page: per_page.unwrap_or(crate::client::PER_PAGE),
        }),
    }
}

/// What running an action left behind for the reply.
pub struct Ran {
    pub outcome: SkillResult<Done<Value>>,
    pub meta: Meta,
    pub warnings: Vec<String>,
    /// The secrets used or received, so the last output guard can redact them.
    pub secrets: Vec<auth::Token>,
}

/// Runs one action whose envelope was read.
pub fn dispatch(
    env: &Env,
    action: ActionId,
    common: &CommonFields,
    params: Map<String, Value>,
) -> Ran {
    let mut ctx = Ctx::new(env, common, action);
    let outcome = check_common(action, common).and_then(|()| action.execute(&mut ctx, params));
    if common.dry_run && action.class() != Class::Read {
        ctx.meta.dry_run = Some(true);
    }
    // The credential in use, every other one this selection can see (a
    // request may quote one before or without any client), and any secret
    // met on the way.
    let in_use = ctx.client.as_ref().map(|c| c.credential().token.clone());
    let visible = auth::visible_secrets(env, ctx.selection().ok().as_ref());
    Ran {
        outcome,
        secrets: in_use
            .into_iter()
            .chain(visible)
            .chain(ctx.secrets)
            .collect(),
        meta: ctx.meta,
        warnings: ctx.warnings,
    }
}

fn check_common(action: ActionId, common: &CommonFields) -> SkillResult<()> {
    if action.class() == Class::Billable
        && common.confirm
        && common.max_price.is_none()
        && !common.dry_run
    {
        return Err(SkillError::invalid_param(
            "max_price",
            None,
            "the highest total you accept (taxes included, in the quoted currency), required with `confirm` on a billable action",
        ));
    }
    if let Some(id) = &common.sharing_id {
        if id.is_empty()
            || id.len() > 64
            || !id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        {
            return Err(SkillError::invalid_param(
                "sharing_id",
                Some(id),
                "an organization id as organizations.list shows it (letters, digits and `-`)",
            ));
        }
    }
    Ok(())
}

impl ActionId {
    pub fn from_name(name: &str) -> Option<ActionId> {
        ActionId::ALL.iter().copied().find(|a| a.name() == name)
    }

    /// The parameter names the action takes (from its schema).
    pub fn param_names(self) -> Vec<String> {
        self.params_schema()
            .get("properties")
            .and_then(Value::as_object)
            .map(|p| p.keys().cloned().collect())
            .unwrap_or_default()
    }
}

fn read_params<P: DeserializeOwned>(
    action: ActionId,
    params: Map<String, Value>,
) -> SkillResult<P> {
    crate::params::from_map_with(params, &action.param_names())
}

fn to_value_done<R: Serialize>(done: Done<R>) -> SkillResult<Done<Value>> {
    Ok(match done {
        Done::Result(r) => Done::Result(
            serde_json::to_value(r).map_err(|e| SkillError::internal(format!("result: {e}")))?,
        ),
        Done::DryRun(v) => Done::DryRun(v),
        Done::Confirm {
            message,
            preview,
            confirm_with,
        } => Done::Confirm {
            message,
            preview,
            confirm_with,
        },
    })
}

/// The JSON Schema of an action's parameters (as a request reads them).
pub fn request_schema<P: JsonSchema>() -> Schema {
    SchemaSettings::draft2020_12()
        .for_deserialize()
        .into_generator()
        .into_root_schema_for::<P>()
}

/// The JSON Schema of an action's `result`: the result type, or for
/// non-read actions the preview a dry run returns in its place.
pub fn result_schema<R: JsonSchema, P: JsonSchema>(class: Class) -> Schema {
    let mut generator = SchemaSettings::draft2020_12()
        .for_serialize()
        .into_generator();
    if class == Class::Read {
        return generator.into_root_schema_for::<R>();
    }
    let result = generator.subschema_for::<R>();
    let preview = generator.subschema_for::<P>();
    let defs = generator.take_definitions(true);
    let mut root = Map::new();
    root.insert(
        "$schema".into(),
        Value::from("https://json-schema.org/draft/2020-12/schema"),
    );
    root.insert(
        "anyOf".into(),
        Value::Array(vec![result.to_value(), preview.to_value()]),
    );
    if !defs.is_empty() {
        root.insert("$defs".into(), Value::Object(defs));
    }
    Schema::from(root)
}

/// Makes a refusal for an action name nobody knows, with a suggestion.
pub fn unknown_action(name: &str) -> SkillError {
    let names: Vec<&str> = ActionId::ALL.iter().map(|a| a.name()).collect();
    let suggestion = crate::params::did_you_mean(name, &names);
    let message = match suggestion {
        Some(s) => format!("unknown action `{name}`: did you mean `{s}`?"),
        None => format!("unknown action `{name}`"),
    };
    let mut err = SkillError::new(ErrorCode::UnknownAction, message)
        .with_detail("field", "action")
        .with_hint("send {\"action\":\"describe\"} to list every action");
    if let Some(s) = suggestion {
        err = err.with_detail("did_you_mean", s);
    }
    err
}
