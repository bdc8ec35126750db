//! The action catalog: the `Action` trait every action implements beside
//! its handler (name, class, permission, routes, summary, example, types,
//! and the two steps `plan` and `apply`), and the one static list `ACTIONS`
//! from which dispatch, `describe`, `schemas/`, `skill.json` and SKILL.md's
//! action table are all derived.
//!
//! `plan` gets `Reads`, which cannot send a write; `apply` gets `Writes`,
//! which only dispatch can make, after the confirmation gate:
//!
//! ```compile_fail
//! // A plan cannot write: `Reads` has no `send`.
//! fn plan(cx: &mut gandi_skill::catalog::Reads) {
//!     let _ = cx.send(ureq::http::Method::DELETE, "livedns/domains/x/records", gandi_skill::client::Body::None);
//! }
//! ```
//!
//! ```compile_fail
//! // Nor can any code outside dispatch make the permit a write needs.
//! let permit = gandi_skill::catalog::Permit { _private: () };
//! ```

mod context;
mod diagnose;
mod dispatch;
mod permission;
mod route;
mod shape;
mod suggest;

use std::marker::PhantomData;

use schemars::generate::SchemaSettings;
use schemars::{JsonSchema, Schema};
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::{Map, Value};

pub use context::{Reads, Writes};
pub use dispatch::{dispatch, Permit, Ran, DISPATCH_ROUTES};
pub use permission::Permission;
pub use route::{Effect, Host, Route};
pub use shape::ListSpec;
pub use suggest::{echoed_action, unknown_action};

use crate::actions;
use crate::error::SkillResult;
use crate::safety::plan::StateDigest;
use crate::safety::Class;

/// One action, declared once beside its handler.
pub trait Action: Sized + 'static {
    /// The wire name, e.g. `dns.records.remove`.
    const NAME: &'static str;
    const CLASS: Class;
    /// The permission named in auth hints (the one its write needs).
    const PERMISSION: Permission;
    /// Every Gandi route it may call (tests check each request against them).
    const ROUTES: &'static [Route];
    /// One line for `describe` and SKILL.md's table.
    const SUMMARY: &'static str;
    /// A request the catalog's sweep tests run on the seeded fake.
    const EXAMPLE: &'static str;
    type Params: DeserializeOwned + JsonSchema;
    type Output: Serialize + JsonSchema;
    type Preview: Serialize + JsonSchema;
    /// What `plan` hands to `apply`.
    type Pending;

    /// Reads what the change depends on and says what it would do. GETs only.
    fn plan(cx: &mut Reads, params: Self::Params) -> SkillResult<Step<Self>>;

    /// Makes the planned change. Reached only through dispatch's gate.
    fn apply(cx: &mut Writes, pending: Self::Pending) -> SkillResult<Self::Output>;
}

/// What `plan` found.
pub enum Step<A: Action> {
    /// The answer: a read's result, or a change that has nothing to do.
    Done(A::Output),
    /// A change to preview and, once allowed, apply.
    Change(Planned<A>),
}

/// A planned change: its preview and what it depends on.
pub struct Planned<A: Action> {
    /// One sentence: what the change does.
    pub message: String,
    pub preview: A::Preview,
    /// The live state the change depends on; the plan token binds it.
    pub state: StateDigest,
    pub pending: A::Pending,
    /// The domains the change touches (the policy's `protected_domains`).
    pub domains: Vec<String>,
    /// A whole-zone change: how many rrsets it removes or changes, of how many.
    pub zone_change: Option<ZoneChange>,
    /// A billable order: its total, for `max_price` and the policy.
    pub order: Option<Order>,
}

impl<A: Action> Planned<A> {
    pub fn new(
        message: impl Into<String>,
        preview: A::Preview,
        state: StateDigest,
        pending: A::Pending,
    ) -> Planned<A> {
        Planned {
            message: message.into(),
            preview,
            state,
            pending,
            domains: Vec::new(),
            zone_change: None,
            order: None,
        }
    }

    pub fn touching(mut self, domain: &str) -> Planned<A> {
        self.domains.push(domain.to_ascii_lowercase());
        self
    }

    pub fn zone_change(mut self, touched: usize, size: usize) -> Planned<A> {
        self.zone_change = Some(ZoneChange { touched, size });
        self
    }

    pub fn order(mut self, total: f64, currency: &str) -> Planned<A> {
        self.order = Some(Order {
            total,
            currency: currency.to_string(),
        });
        self
    }
}

#[derive(Clone, Copy, Debug)]
pub struct ZoneChange {
    pub touched: usize,
    pub size: usize,
}

#[derive(Clone, Debug)]
pub struct Order {
    pub total: f64,
    pub currency: String,
}

/// The `Preview` and `Pending` of a read action, which never previews.
#[derive(Serialize, JsonSchema)]
pub struct NoPreview {}

/// The `Pending` of a read action: no value exists, so `apply` cannot run.
pub enum Never {}

/// The three lines every read action's `impl Action` shares.
#[macro_export]
macro_rules! read_only_action {
    () => {
        type Preview = $crate::catalog::NoPreview;
        type Pending = $crate::catalog::Never;
        fn apply(
            _cx: &mut $crate::catalog::Writes,
            never: $crate::catalog::Never,
        ) -> $crate::error::SkillResult<Self::Output> {
            match never {}
        }
    };
}

/// What a run of dispatch produced, before it becomes a reply.
pub enum Done {
    /// The action ran (or was a read): its result, serialized once.
    Result(Box<serde_json::value::RawValue>),
    /// `dry_run`: the preview is the result; nothing was changed.
    DryRun(Value),
    /// The user must see `preview` and say yes; repeat with `confirm_with`.
    Confirm {
        message: String,
        preview: Value,
        confirm_with: Map<String, Value>,
    },
}

/// An action as the catalog holds it: the `Action`'s constants and steps
/// behind one object-safe face.
pub trait AnyAction: Sync {
    fn name(&self) -> &'static str;
    fn class(&self) -> Class;
    fn permission(&self) -> Permission;
    fn routes(&self) -> &'static [Route];
    fn summary(&self) -> &'static str;
    fn example(&self) -> &'static str;
    fn params_schema(&self) -> Schema;
    /// For a list action (params from `list_params!`): its list's name and
    /// the item fields `fields` and `sort` take.
    fn list_spec(&self) -> Option<ListSpec>;
    /// The schema of `result` (for non-read actions: the result or, after a
    /// dry run, the preview).
    fn result_schema(&self) -> Schema;
    /// Runs the action through dispatch's order.
    fn execute(&self, cx: &mut Reads, params: Map<String, Value>) -> SkillResult<Done>;
}

/// The catalog's entry for one `Action` type.
pub struct Entry<A>(PhantomData<fn() -> A>);

impl<A: Action> Entry<A> {
    pub const NEW: Entry<A> = Entry(PhantomData);
}

impl<A: Action> AnyAction for Entry<A> {
    fn name(&self) -> &'static str {
        A::NAME
    }
    fn class(&self) -> Class {
        A::CLASS
    }
    fn permission(&self) -> Permission {
        A::PERMISSION
    }
    fn routes(&self) -> &'static [Route] {
        A::ROUTES
    }
    fn summary(&self) -> &'static str {
        A::SUMMARY
    }
    fn example(&self) -> &'static str {
        A::EXAMPLE
    }
    fn params_schema(&self) -> Schema {
        params_schema::<A>()
    }
    fn list_spec(&self) -> Option<ListSpec> {
        list_spec::<A>(&request_schema::<A::Params>())
    }
    fn result_schema(&self) -> Schema {
        let mut schema = result_schema::<A::Output, A::Preview>(A::CLASS);
        if let Some(spec) = list_spec::<A>(&request_schema::<A::Params>()) {
            if let Some(object) = schema.as_object_mut() {
                spec.relax(object);
            }
        }
        schema
    }
    fn execute(&self, cx: &mut Reads, params: Map<String, Value>) -> SkillResult<Done> {
        dispatch::execute::<A>(cx, params)
    }
}

/// Lists the catalog: one `Entry` per action type.
macro_rules! catalog {
    ($($action:path),* $(,)?) => {
        /// Every action, in the order `describe` shows them.
        pub static ACTIONS: &[&dyn AnyAction] = &[$(&Entry::<$action>::NEW),*];
    };
}

catalog![
    // Meta and account
    actions::meta::Describe,
    actions::meta::TokenCheck,
    actions::meta::TokenRenew,
    actions::account::Whoami,
    actions::account::OrganizationsList,
    // Domains: list and details
    actions::domains::List,
    actions::domains::Get,
    // Domains: availability, prices and orders
    actions::domains::availability::Check,
    actions::domains::availability::Suggest,
    actions::domains::availability::TldsList,
    actions::domains::expiring::Expiring,
    actions::domains::renewal::RenewalInfoAction,
    actions::domains::contact::ContactSave,
    actions::domains::orders::Register,
    actions::domains::orders::Renew,
    actions::domains::orders::Transfer,
    // Domains: settings (nameservers, lock, glue, DNSSEC, tags, contacts, web redirections)
    actions::domains::contacts::Get,
    actions::domains::nameservers::Get,
    actions::domains::nameservers::Set,
    actions::domains::nameservers::EnableLiveDns,
    actions::domains::autorenew::Set,
    actions::domains::lock::Lock,
    actions::domains::lock::Unlock,
    actions::domains::glue::List,
    actions::domains::glue::Set,
    actions::domains::glue::Delete,
    actions::domains::dnssec::Status,
    actions::domains::dnssec::Enable,
    actions::domains::dnssec::Disable,
    actions::domains::tags::List,
    actions::domains::tags::Set,
    actions::domains::webredirs::List,
    actions::domains::webredirs::Create,
    actions::domains::webredirs::Update,
    actions::domains::webredirs::Delete,
    // LiveDNS
    actions::dns::zones::List,
    actions::dns::records::List,
    actions::dns::records::Get,
    actions::dns::records::Add,
    actions::dns::records::Set,
    actions::dns::records::Remove,
    actions::dns::zone::Export,
    actions::dns::zone::Apply,
    actions::dns::zone::Import,
    actions::dns::snapshots::List,
    actions::dns::snapshots::Get,
    actions::dns::snapshots::Create,
    actions::dns::snapshots::Restore,
    actions::dns::snapshots::Delete,
    // E-mail
    actions::email::forwards::List,
    actions::email::forwards::Create,
    actions::email::forwards::Set,
    actions::email::forwards::Delete,
    actions::email::mailboxes::List,
    actions::email::mailboxes::Get,
    actions::email::mailboxes::Create,
    actions::email::mailboxes::Update,
    actions::email::mailboxes::Delete,
    actions::email::slots::List,
    // Certificates
    actions::certificates::List,
    actions::certificates::Get,
    actions::certificates::Packages,
    actions::certificates::Dcv,
    actions::certificates::Create,
    actions::certificates::Renew,
    actions::certificates::Revoke,
    // Billing
    actions::billing::Info,
    actions::billing::Prices,
];

/// The action with this wire name.
pub fn find(name: &str) -> Option<&'static dyn AnyAction> {
    ACTIONS.iter().copied().find(|a| a.name() == name)
}

/// The parameter names an action takes (from its schema).
pub fn param_names(action: &dyn AnyAction) -> Vec<String> {
    property_names(&action.params_schema())
}

fn property_names(schema: &Schema) -> Vec<String> {
    schema
        .get("properties")
        .and_then(Value::as_object)
        .map(|p| p.keys().cloned().collect())
        .unwrap_or_default()
}

/// The parameters `list_params!` appends: a params type holding all of
/// them is a list action's.
const LIST_PARAMS: &[&str] = &["page", "per_page", "fields", "limit", "sort"];

/// The list a list action returns, from its result schema; `None` for any
/// other action (`params` is its params schema as `request_schema` makes it).
fn list_spec<A: Action>(params: &Schema) -> Option<ListSpec> {
    let props = params.get("properties")?.as_object()?;
    if !LIST_PARAMS.iter().all(|p| props.contains_key(*p)) {
        return None;
    }
    ListSpec::of(result_schema::<A::Output, A::Preview>(A::CLASS).as_value())
}

/// An action's params schema; a list action's names the item fields its
/// `fields` and `sort` take.
fn params_schema<A: Action>() -> Schema {
    let mut schema = request_schema::<A::Params>();
    if let Some(spec) = list_spec::<A>(&schema) {
        if let Some(object) = schema.as_object_mut() {
            spec.describe(object);
        }
    }
    schema
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
