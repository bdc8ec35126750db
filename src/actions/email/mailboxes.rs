//! Mailboxes: list, get, create (needs a free slot of its type; Gandi's
//! dry run first), update (password, aliases, type, auto-responder) and
//! delete (previewed). A password is checked against Gandi's rules before
//! any request, is a secret the output guard knows for the whole run, and
//! appears in no reply, preview, error or plan.

use std::fmt;

use schemars::JsonSchema;
use serde::de::{self, Deserializer, Visitor};
use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};
use ureq::http::Method;

use super::slots::{read_slots, SLOTS_ROUTE};
use super::{email_path, local_part, mail_domain};
use crate::actions::billing::quote;
use crate::actions::common::{check_id, dry_run_ok, id_in_location, message_of, ListParams};
use crate::auth::Token;
use crate::catalog::{Action, Permission, Planned, Reads, Route, Step, Writes};
use crate::error::{ErrorCode, SkillError, SkillResult};
use crate::gandi::email::{Mailbox, Slot};
use crate::gandi::DryRunVerdict;
use crate::safety::plan::StateDigest;
use crate::safety::Class;

const DETAIL_ROUTE: Route = Route::get(
    "/v5/email/mailboxes/{domain}/{mailbox_id}",
    Permission::EmailRead,
);
/// The monthly price of a slot, said beside a refusal for lack of one.
const SLOT_PRICE_ROUTE: Route =
    Route::get("/v5/billing/price/mailboxv2", Permission::BillingRead).best_effort();

/// The mailbox types Gandi sells.
const MAILBOX_TYPES: [&str; 4] = ["standard", "premium", "standard_2023", "premium_2023"];
/// At most this many aliases on one mailbox (a guard; Gandi documents none).
const MAX_ALIASES: usize = 50;

/// A password from the request. It has no `Debug` or `Serialize`, and a
/// value of the wrong type is refused without being quoted.
pub struct Password(String);

impl<'de> Deserialize<'de> for Password {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Password, D::Error> {
        d.deserialize_any(PasswordText)
    }
}

/// Reads a password; any other JSON type is refused without quoting it.
struct PasswordText;

fn not_text<E: de::Error>() -> E {
    E::custom("expected the password as a string")
}

impl<'de> Visitor<'de> for PasswordText {
    type Value = Password;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("the password as a string")
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Password, E> {
        Ok(Password(v.to_string()))
    }
    fn visit_bool<E: de::Error>(self, _: bool) -> Result<Password, E> {
        Err(not_text())
    }
    fn visit_i64<E: de::Error>(self, _: i64) -> Result<Password, E> {
        Err(not_text())
    }
    fn visit_u64<E: de::Error>(self, _: u64) -> Result<Password, E> {
        Err(not_text())
    }
    fn visit_f64<E: de::Error>(self, _: f64) -> Result<Password, E> {
        Err(not_text())
    }
    fn visit_unit<E: de::Error>(self) -> Result<Password, E> {
        Err(not_text())
    }
    fn visit_seq<A: de::SeqAccess<'de>>(self, _: A) -> Result<Password, A::Error> {
        Err(not_text())
    }
    fn visit_map<A: de::MapAccess<'de>>(self, _: A) -> Result<Password, A::Error> {
        Err(not_text())
    }
}

impl Password {
    /// Tells the output guard about the password, and the forms an echo of
    /// it may take (Gandi's 400s quote parameters as a Python repr).
    fn guard(&self, cx: &mut Reads) {
        let p = &self.0;
        let python = p.replace('\\', "\\\\").replace('\'', "\\'");
        let json = p.replace('\\', "\\\\").replace('"', "\\\"");
        for form in [p.clone(), python, json] {
            cx.guard_secret(Token::from_request_secret(&form));
        }
    }

    /// Gandi's rules: 8 to 200 characters, at least one upper-case letter,
    /// three digits and one special character; or a crypt hash. The refusal
    /// says which rule failed, never the value.
    fn check(&self) -> SkillResult<()> {
        let p = &self.0;
        const RULES: &str = "8 to 200 characters with at least 1 upper-case letter, 3 digits and 1 special character (or a crypt hash such as $6$...); the user chooses it, never make one up";
        let refuse = |why: &str| {
            SkillError::invalid_param("password", None, &format!("{RULES} ({why})"))
                .with_hint("nothing was sent to Gandi; ask the user for a password that meets the rules (do not repeat it back in chat)")
        };
        if p.chars().any(char::is_control) {
            return Err(refuse("it contains control characters"));
        }
        if is_crypt_hash(p) {
            return Ok(());
        }
        let n = p.chars().count();
        if !(8..=200).contains(&n) {
            return Err(refuse(&format!("it has {n} characters")));
        }
        if !p.chars().any(char::is_uppercase) {
            return Err(refuse("it has no upper-case letter"));
        }
        let digits = p.chars().filter(char::is_ascii_digit).count();
        if digits < 3 {
            return Err(refuse(&format!("it has {digits} digit(s)")));
        }
        if p.chars().all(char::is_alphanumeric) {
            return Err(refuse("it has no special character"));
        }
        Ok(())
    }
}

/// A crypt(3) hash (`$1$`, `$2b$`, `$5$`, `$6$`...), which Gandi stores as is.
fn is_crypt_hash(p: &str) -> bool {
    let Some(rest) = p.strip_prefix('$') else {
        return false;
    };
    let parts: Vec<&str> = rest.split('$').collect();
    matches!(parts.first(), Some(&("1" | "2a" | "2b" | "2y" | "5" | "6")))
        && parts.len() >= 3
        && parts.last().is_some_and(|h| h.len() >= 20)
        && p.bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'$' | b'.' | b'/' | b'=' | b','))
}

fn mailbox_type(given: &str) -> SkillResult<String> {
    let t = given.trim().to_ascii_lowercase();
    if MAILBOX_TYPES.contains(&t.as_str()) {
        Ok(t)
    } else {
        Err(SkillError::invalid_param(
            "mailbox_type",
            Some(given),
            "`standard`, `premium`, `standard_2023` or `premium_2023`",
        ))
    }
}

fn aliases(list: &[String], domain: &str, login: Option<&str>) -> SkillResult<Vec<String>> {
    if list.len() > MAX_ALIASES {
        return Err(SkillError::invalid_param(
            "aliases",
            None,
            &format!("at most {MAX_ALIASES} aliases"),
        ));
    }
    let mut out: Vec<String> = Vec::new();
    for a in list {
        let local = local_part("aliases", a, domain, false)?;
        if login == Some(local.as_str()) {
            return Err(SkillError::invalid_param(
                "aliases",
                Some(a),
                "local parts other than the mailbox's own login",
            ));
        }
        if !out.contains(&local) {
            out.push(local);
        }
    }
    Ok(out)
}

fn mailbox_id(id: &str) -> SkillResult<()> {
    check_id(
        "mailbox_id",
        id,
        "a mailbox id as email.mailboxes.list shows it",
    )
}

fn mailbox_path(domain: &str, id: Option<&str>) -> String {
    email_path("mailboxes", domain, id)
}

/// `expires_at` with the whole days left.
fn days_left(cx: &Reads, expires_at: Option<&str>) -> Option<i64> {
    expires_at
        .and_then(crate::time::parse_rfc3339)
        .map(|t| crate::time::days_until(cx.now(), t))
}

crate::list_params! {
    pub struct MailboxesListParams {
        /// The domain, Unicode or ASCII form.
        pub domain: String,
    }
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct MailboxParams {
    /// The domain, Unicode or ASCII form.
    pub domain: String,
    /// The mailbox id, as email.mailboxes.list shows it.
    pub mailbox_id: String,
}

#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct MailboxCreateParams {
    /// The domain, Unicode or ASCII form.
    pub domain: String,
    /// The local part of the new address (`alice` for alice@example.com).
    pub login: String,
    /// The password the USER chose (never one you make up): 8 to 200 characters, at least 1 upper-case letter, 3 digits and 1 special character. It is never shown back.
    #[schemars(with = "String")]
    pub password: Password,
    /// `standard`, `premium`, `standard_2023` or `premium_2023`; by default the type of a free slot.
    #[serde(default)]
    pub mailbox_type: Option<String>,
    /// Other local parts delivered to this mailbox (`["contact"]`).
    #[serde(default)]
    pub aliases: Option<Vec<String>>,
}

/// The auto-responder as a request sets it.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ResponderParams {
    /// Whether it answers.
    pub enabled: bool,
    /// The answer sent (required to enable it).
    #[serde(default)]
    pub message: Option<String>,
    /// From when (RFC 3339), optional.
    #[serde(default)]
    pub starts_at: Option<String>,
    /// Until when (RFC 3339), optional.
    #[serde(default)]
    pub ends_at: Option<String>,
}

#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct MailboxUpdateParams {
    /// The domain, Unicode or ASCII form.
    pub domain: String,
    /// The mailbox id, as email.mailboxes.list shows it.
    pub mailbox_id: String,
    /// A new password the USER chose (same rules as for creation). It is never shown back.
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub password: Option<Password>,
    /// The complete new list of aliases (local parts); aliases left out are removed.
    #[serde(default)]
    pub aliases: Option<Vec<String>>,
    /// A new type (and storage): needs a free slot of that type.
    #[serde(default)]
    pub mailbox_type: Option<String>,
    /// The auto-responder.
    #[serde(default)]
    pub responder: Option<ResponderParams>,
}

#[derive(Serialize, JsonSchema)]
pub struct MailboxList {
    pub domain: String,
    pub mailboxes: Vec<MailboxItem>,
}

#[derive(Serialize, JsonSchema)]
pub struct MailboxItem {
    pub id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub address: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mailbox_type: Option<String>,
    /// Storage used, as Gandi counts it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub quota_used: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub alias_count: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expires_at: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub days_left: Option<i64>,
    /// Whether Gandi renews it automatically.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub autorenew: Option<bool>,
}

/// One mailbox in full.
#[derive(Clone, Serialize, JsonSchema)]
pub struct MailboxDetail {
    pub id: String,
    pub address: Option<String>,
    pub login: Option<String>,
    pub mailbox_type: Option<String>,
    pub quota_used: Option<u64>,
    pub aliases: Vec<String>,
    pub antispam: Option<bool>,
    pub expires_at: Option<String>,
    pub days_left: Option<i64>,
    pub autorenew: Option<bool>,
    pub responder: Option<ResponderInfo>,
}

#[derive(Clone, PartialEq, Serialize, JsonSchema)]
pub struct ResponderInfo {
    pub enabled: bool,
    pub message: Option<String>,
    pub starts_at: Option<String>,
    pub ends_at: Option<String>,
}

fn detail_of(cx: &Reads, m: Mailbox) -> MailboxDetail {
    MailboxDetail {
        days_left: days_left(cx, m.expires_at.as_deref()),
        id: m.id,
        address: m.address,
        login: m.login,
        mailbox_type: m.mailbox_type,
        quota_used: m.quota_used,
        aliases: m.aliases.unwrap_or_default(),
        antispam: m.antispam,
        expires_at: m.expires_at,
        autorenew: m.autorenew.and_then(|a| a.enabled),
        responder: m.responder.map(|r| ResponderInfo {
            enabled: r.enabled.unwrap_or(false),
            message: r.message,
            starts_at: r.starts_at,
            ends_at: r.ends_at,
        }),
    }
}

fn read_mailbox(cx: &mut Reads, domain: &str, id: &str) -> SkillResult<MailboxDetail> {
    let m: Mailbox = cx.get(&mailbox_path(domain, Some(id)), &[])?;
    Ok(detail_of(cx, m))
}

pub struct List;

impl Action for List {
    const NAME: &'static str = "email.mailboxes.list";
    const CLASS: Class = Class::Read;
    const PERMISSION: Permission = Permission::EmailRead;
    const ROUTES: &'static [Route] = &[Route::get(
        "/v5/email/mailboxes/{domain}",
        Permission::EmailRead,
    )];
    const SUMMARY: &'static str =
        "The domain's mailboxes: address, type, storage used, aliases count, expiry and days left.";
    const EXAMPLE: &'static str = r#"{"action":"email.mailboxes.list","domain":"example.com"}"#;
    type Params = MailboxesListParams;
    type Output = MailboxList;
    crate::read_only_action!();

    fn plan(cx: &mut Reads, p: MailboxesListParams) -> SkillResult<Step<Self>> {
        let domain = mail_domain(&p.domain)?;
        let listing = cx.list::<Mailbox>(&mailbox_path(&domain, None), &[], p.paging()?)?;
        cx.listed(listing.total_count, listing.pages_fetched);
        let mailboxes = listing
            .items
            .into_iter()
            .map(|m| MailboxItem {
                days_left: days_left(cx, m.expires_at.as_deref()),
                id: m.id,
                address: m.address,
                mailbox_type: m.mailbox_type,
                quota_used: m.quota_used,
                alias_count: m.alias_count,
                expires_at: m.expires_at,
                autorenew: m.autorenew.and_then(|a| a.enabled),
            })
            .collect();
        Ok(Step::Done(MailboxList { domain, mailboxes }))
    }
}

#[derive(Serialize, JsonSchema)]
pub struct MailboxShown {
    pub domain: String,
    pub mailbox: MailboxDetail,
}

pub struct Get;

impl Action for Get {
    const NAME: &'static str = "email.mailboxes.get";
    const CLASS: Class = Class::Read;
    const PERMISSION: Permission = Permission::EmailRead;
    const ROUTES: &'static [Route] = &[DETAIL_ROUTE];
    const SUMMARY: &'static str =
        "One mailbox: address, type, storage used, aliases, auto-responder, expiry.";
    const EXAMPLE: &'static str = r#"{"action":"email.mailboxes.get","domain":"example.com","mailbox_id":"6f1d2c3b-4a5e-4f60-8b7c-9d0e1f2a3b4c"}"#;
    type Params = MailboxParams;
    type Output = MailboxShown;
    crate::read_only_action!();

    fn plan(cx: &mut Reads, p: MailboxParams) -> SkillResult<Step<Self>> {
        let domain = mail_domain(&p.domain)?;
        mailbox_id(&p.mailbox_id)?;
        let mailbox = read_mailbox(cx, &domain, &p.mailbox_id)?;
        Ok(Step::Done(MailboxShown { domain, mailbox }))
    }
}

/// No free slot of `wanted` on `domain`: `api.conflict` with the slots and,
/// when Gandi's price list answers, what a new slot costs. Nothing is sent.
fn no_free_slot(cx: &mut Reads, domain: &str, wanted: &str, slots: &[Slot]) -> SkillError {
    let price = quote(cx, "mailboxv2", wanted, "create", 1, "m")
        .ok()
        .map(|q| q.price);
    let cost = match &price {
        Some(p) => format!(
            "a new {wanted} slot costs {:.2} {} a month{}",
            p.amount,
            p.currency,
            if p.taxes_included {
                " (taxes included)"
            } else {
                " (before taxes)"
            }
        ),
        None => "the slot price could not be read (it needs Billing (read))".to_string(),
    };
    let in_use: Vec<Value> = slots
        .iter()
        .map(|s| json!({"id": s.id, "mailbox_type": s.mailbox_type, "status": s.status}))
        .collect();
    let of_type = slots
        .iter()
        .filter(|s| s.mailbox_type.as_deref() == Some(wanted))
        .count();
    let other_free: Vec<String> = slots
        .iter()
        .filter(|s| s.is_free())
        .filter_map(|s| s.mailbox_type.clone())
        .filter(|t| t != wanted)
        .collect();
    let other = match other_free.first() {
        Some(t) => format!(" (a {t} slot is free: a {t} mailbox can be created now)"),
        None => String::new(),
    };
    let mut err = SkillError::new(
        ErrorCode::Conflict,
        format!(
            "{domain} has no free {wanted} mailbox slot ({of_type} {wanted} slot(s), all in use){other}: {cost}; nothing was created"
        ),
    )
    .with_detail("domain", domain)
    .with_detail("mailbox_type", wanted)
    .with_detail("free_slots", 0)
    .with_detail("slots", in_use)
    .with_hint("tell the user: they can buy a slot in the Gandi web admin (mail section of the domain), or free one by deleting a mailbox; then ask again");
    if let Some(p) = price.and_then(|p| serde_json::to_value(p).ok()) {
        err = err.with_detail("slot_price", p);
    }
    err
}

/// A free slot of `wanted` (any type when `None`).
fn free_slot<'s>(slots: &'s [Slot], wanted: Option<&str>) -> Option<&'s Slot> {
    slots
        .iter()
        .filter(|s| s.is_free())
        .find(|s| wanted.is_none_or(|w| s.mailbox_type.as_deref() == Some(w)))
}

/// What creating the mailbox would do (no password in it).
#[derive(Serialize, JsonSchema)]
pub struct MailboxCreatePreview {
    pub domain: String,
    pub address: String,
    pub mailbox_type: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub aliases: Vec<String>,
    /// The free slot it takes.
    pub slot_id: u64,
    /// Gandi's verdict on the request (sent with `Dry-Run: 1`).
    pub gandi_dry_run: DryRunVerdict,
}

#[derive(Serialize, JsonSchema)]
pub struct MailboxCreated {
    pub domain: String,
    pub address: String,
    /// The new mailbox's id, when Gandi gives it.
    pub mailbox_id: Option<String>,
    pub mailbox_type: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub aliases: Vec<String>,
    /// Gandi's answer.
    pub message: Option<String>,
}

pub struct CreatePending {
    domain: String,
    body: Value,
    address: String,
    mailbox_type: String,
    aliases: Vec<String>,
}

pub struct Create;

impl Action for Create {
    const NAME: &'static str = "email.mailboxes.create";
    const CLASS: Class = Class::Write;
    const PERMISSION: Permission = Permission::EmailWrite;
    const ROUTES: &'static [Route] = &[
        SLOTS_ROUTE,
        SLOT_PRICE_ROUTE,
        Route::write(
            "POST",
            "/v5/email/mailboxes/{domain}",
            Permission::EmailWrite,
        ),
    ];
    const SUMMARY: &'static str =
        "Creates a mailbox in a free slot (api.conflict with the slot price when none is free), with the password the user chose; it is never shown back.";
    const EXAMPLE: &'static str = r#"{"action":"email.mailboxes.create","domain":"example.com","login":"alice","mailbox_type":"standard","password":"Example-Pass-2026!"}"#;
    type Params = MailboxCreateParams;
    type Output = MailboxCreated;
    type Preview = MailboxCreatePreview;
    type Pending = CreatePending;

    fn plan(cx: &mut Reads, p: MailboxCreateParams) -> SkillResult<Step<Self>> {
        p.password.guard(cx);
        let domain = mail_domain(&p.domain)?;
        let login = local_part("login", &p.login, &domain, false)?;
        p.password.check()?;
        let wanted = p.mailbox_type.as_deref().map(mailbox_type).transpose()?;
        let aliases = aliases(
            p.aliases.as_deref().unwrap_or_default(),
            &domain,
            Some(&login),
        )?;
        let slots = read_slots(cx, &domain)?;
        let Some(slot) = free_slot(&slots, wanted.as_deref()) else {
            let kind = wanted
                .clone()
                .or_else(|| slots.iter().find_map(|s| s.mailbox_type.clone()))
                .unwrap_or_else(|| "standard".to_string());
            return Err(no_free_slot(cx, &domain, &kind, &slots));
        };
        let kind = wanted
            .or_else(|| slot.mailbox_type.clone())
            .unwrap_or_else(|| "standard".to_string());
        let slot_id = slot.id;
        let mut body = Map::new();
        body.insert("login".into(), Value::from(login.as_str()));
        body.insert("mailbox_type".into(), Value::from(kind.as_str()));
        body.insert("password".into(), Value::from(p.password.0.as_str()));
        if !aliases.is_empty() {
            body.insert("aliases".into(), json!(aliases));
        }
        let body = Value::Object(body);
        let address = format!("{login}@{domain}");
        let verdict = dry_run_ok(
            cx,
            &mailbox_path(&domain, None),
            &body,
            &format!("Gandi's dry run refuses the mailbox {address}; nothing was done"),
        )?;
        let preview = MailboxCreatePreview {
            domain: domain.clone(),
            address: address.clone(),
            mailbox_type: kind.clone(),
            aliases: aliases.clone(),
            slot_id,
            gandi_dry_run: verdict,
        };
        let message = format!("This creates the {kind} mailbox {address} in slot {slot_id}.");
        let state = StateDigest::of(&(&domain, slot_id));
        let pending = CreatePending {
            domain: domain.clone(),
            body,
            address,
            mailbox_type: kind,
            aliases,
        };
        Ok(Step::Change(
            Planned::new(message, preview, state, pending).touching(&domain),
        ))
    }

    fn apply(cx: &mut Writes, p: CreatePending) -> SkillResult<MailboxCreated> {
        let answer = cx.send(
            Method::POST,
            &mailbox_path(&p.domain, None),
            crate::client::Body::Json(&p.body),
            &[],
        )?;
        let message = message_of(&answer);
        let mailbox_id = id_in_location(&answer);
        Ok(MailboxCreated {
            domain: p.domain,
            address: p.address,
            mailbox_id,
            mailbox_type: p.mailbox_type,
            aliases: p.aliases,
            message,
        })
    }
}

/// What an update changes (never the password itself).
#[derive(Clone, Serialize, JsonSchema)]
pub struct MailboxUpdate {
    pub domain: String,
    pub mailbox_id: String,
    pub address: Option<String>,
    /// What changes: `password`, `aliases`, `mailbox_type`, `responder`.
    pub changed: Vec<String>,
    /// The aliases after the change.
    pub aliases: Vec<String>,
    /// Aliases that stop receiving mail.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub removed_aliases: Vec<String>,
    pub mailbox_type: Option<String>,
    pub responder: Option<ResponderInfo>,
}

pub struct UpdatePending {
    domain: String,
    id: String,
    body: Value,
    report: MailboxUpdate,
}

fn responder(r: &ResponderParams) -> SkillResult<ResponderInfo> {
    for (field, at) in [
        ("responder.starts_at", &r.starts_at),
        ("responder.ends_at", &r.ends_at),
    ] {
        if let Some(at) = at {
            if crate::time::parse_rfc3339(at).is_none() {
                return Err(SkillError::invalid_param(
                    field,
                    Some(at),
                    "a date in RFC 3339 form, e.g. 2026-08-01T00:00:00Z",
                ));
            }
        }
    }
    let message = r
        .message
        .as_deref()
        .map(str::trim)
        .filter(|m| !m.is_empty());
    if r.enabled && message.is_none() {
        return Err(SkillError::invalid_param(
            "responder.message",
            None,
            "the text of the automatic answer, required to enable the responder",
        ));
    }
    if let (Some(a), Some(b)) = (
        r.starts_at.as_deref().and_then(crate::time::parse_rfc3339),
        r.ends_at.as_deref().and_then(crate::time::parse_rfc3339),
    ) {
        if b <= a {
            return Err(SkillError::invalid_param(
                "responder.ends_at",
                r.ends_at.as_deref(),
                "a date after responder.starts_at",
            ));
        }
    }
    Ok(ResponderInfo {
        enabled: r.enabled,
        message: message.map(str::to_string),
        starts_at: r.starts_at.clone(),
        ends_at: r.ends_at.clone(),
    })
}

pub struct Update;

impl Action for Update {
    const NAME: &'static str = "email.mailboxes.update";
    const CLASS: Class = Class::Write;
    const PERMISSION: Permission = Permission::EmailWrite;
    const ROUTES: &'static [Route] = &[
        DETAIL_ROUTE,
        SLOTS_ROUTE,
        SLOT_PRICE_ROUTE,
        Route::write(
            "PATCH",
            "/v5/email/mailboxes/{domain}/{mailbox_id}",
            Permission::EmailWrite,
        ),
    ];
    const SUMMARY: &'static str =
        "Changes a mailbox's password (the user's; never shown back), aliases, type (needs a free slot) or auto-responder.";
    const EXAMPLE: &'static str = r#"{"action":"email.mailboxes.update","domain":"example.com","mailbox_id":"6f1d2c3b-4a5e-4f60-8b7c-9d0e1f2a3b4c","aliases":["john","contact"]}"#;
    type Params = MailboxUpdateParams;
    type Output = MailboxUpdate;
    type Preview = MailboxUpdate;
    type Pending = UpdatePending;

    fn plan(cx: &mut Reads, p: MailboxUpdateParams) -> SkillResult<Step<Self>> {
        if let Some(pw) = &p.password {
            pw.guard(cx);
        }
        let domain = mail_domain(&p.domain)?;
        mailbox_id(&p.mailbox_id)?;
        if let Some(pw) = &p.password {
            pw.check()?;
        }
        let new_type = p.mailbox_type.as_deref().map(mailbox_type).transpose()?;
        let new_responder = p.responder.as_ref().map(responder).transpose()?;
        if p.password.is_none()
            && p.aliases.is_none()
            && new_type.is_none()
            && new_responder.is_none()
        {
            return Err(SkillError::new(
                ErrorCode::InvalidParams,
                "nothing to change: give at least one of password, aliases, mailbox_type or responder",
            )
            .with_detail("expected", "password, aliases, mailbox_type or responder")
            .with_hint("nothing was sent to Gandi; add the change the user asked for"));
        }
        let current = read_mailbox(cx, &domain, &p.mailbox_id)?;
        let new_aliases = p
            .aliases
            .as_deref()
            .map(|a| aliases(a, &domain, current.login.as_deref()))
            .transpose()?;
        let mut body = Map::new();
        let mut changed = Vec::new();
        if let Some(pw) = &p.password {
            body.insert("password".into(), Value::from(pw.0.as_str()));
            changed.push("password".to_string());
        }
        let mut removed_aliases = Vec::new();
        if let Some(list) = &new_aliases {
            let same = list.len() == current.aliases.len()
                && list
                    .iter()
                    .all(|a| current.aliases.iter().any(|c| c.eq_ignore_ascii_case(a)));
            if !same {
                removed_aliases = current
                    .aliases
                    .iter()
                    .filter(|c| !list.iter().any(|a| a.eq_ignore_ascii_case(c)))
                    .cloned()
                    .collect();
                body.insert("aliases".into(), json!(list));
                changed.push("aliases".to_string());
            }
        }
        if let Some(t) = new_type
            .as_deref()
            .filter(|t| current.mailbox_type.as_deref() != Some(*t))
        {
            let slots = read_slots(cx, &domain)?;
            if free_slot(&slots, Some(t)).is_none() {
                return Err(no_free_slot(cx, &domain, t, &slots));
            }
            body.insert("mailbox_type".into(), Value::from(t));
            changed.push("mailbox_type".to_string());
        }
        if let Some(r) = new_responder
            .as_ref()
            .filter(|r| current.responder.as_ref() != Some(*r))
        {
            let mut obj = Map::new();
            obj.insert("enabled".into(), Value::Bool(r.enabled));
            for (k, v) in [
                ("message", &r.message),
                ("starts_at", &r.starts_at),
                ("ends_at", &r.ends_at),
            ] {
                if let Some(v) = v {
                    obj.insert(k.into(), Value::from(v.as_str()));
                }
            }
            body.insert("responder".into(), Value::Object(obj));
            changed.push("responder".to_string());
        }
        let report = MailboxUpdate {
            domain: domain.clone(),
            mailbox_id: current.id.clone(),
            address: current.address.clone(),
            changed,
            aliases: new_aliases
                .clone()
                .unwrap_or_else(|| current.aliases.clone()),
            removed_aliases,
            mailbox_type: new_type.clone().or_else(|| current.mailbox_type.clone()),
            responder: new_responder.clone().or_else(|| current.responder.clone()),
        };
        if report.changed.is_empty() {
            return Ok(Step::Done(report));
        }
        if !report.removed_aliases.is_empty() {
            cx.warn(format!(
                "the aliases {} are removed: mail to them is no longer delivered to this mailbox",
                report.removed_aliases.join(", ")
            ));
        }
        let message = format!(
            "This changes the {} of {}.",
            report.changed.join(", "),
            current.address.as_deref().unwrap_or(&current.id)
        );
        let preview = report.clone();
        let state = StateDigest::of(&(&current.id, &current.aliases, &current.mailbox_type));
        let pending = UpdatePending {
            domain: domain.clone(),
            id: current.id,
            body: Value::Object(body),
            report,
        };
        Ok(Step::Change(
            Planned::new(message, preview, state, pending).touching(&domain),
        ))
    }

    fn apply(cx: &mut Writes, p: UpdatePending) -> SkillResult<MailboxUpdate> {
        cx.send(
            Method::PATCH,
            &mailbox_path(&p.domain, Some(&p.id)),
            crate::client::Body::Json(&p.body),
            &[],
        )?;
        Ok(p.report)
    }
}

/// What deleting a mailbox would lose.
#[derive(Serialize, JsonSchema)]
pub struct MailboxDeletion {
    pub domain: String,
    pub mailbox: MailboxDetail,
}

pub struct DeletePending {
    domain: String,
    mailbox: MailboxDetail,
}

pub struct Delete;

impl Action for Delete {
    const NAME: &'static str = "email.mailboxes.delete";
    const CLASS: Class = Class::Destructive;
    const PERMISSION: Permission = Permission::EmailWrite;
    const ROUTES: &'static [Route] = &[
        DETAIL_ROUTE,
        Route::write(
            "DELETE",
            "/v5/email/mailboxes/{domain}/{mailbox_id}",
            Permission::EmailWrite,
        ),
    ];
    const SUMMARY: &'static str =
        "Deletes a mailbox and every message in it, after showing the mailbox (address, type, storage used, aliases).";
    const EXAMPLE: &'static str = r#"{"action":"email.mailboxes.delete","domain":"example.com","mailbox_id":"6f1d2c3b-4a5e-4f60-8b7c-9d0e1f2a3b4c"}"#;
    type Params = MailboxParams;
    type Output = MailboxDeletion;
    type Preview = MailboxDeletion;
    type Pending = DeletePending;

    fn plan(cx: &mut Reads, p: MailboxParams) -> SkillResult<Step<Self>> {
        let domain = mail_domain(&p.domain)?;
        mailbox_id(&p.mailbox_id)?;
        let mailbox = read_mailbox(cx, &domain, &p.mailbox_id)?;
        let address = mailbox
            .address
            .clone()
            .unwrap_or_else(|| mailbox.id.clone());
        cx.warn(format!(
            "every message stored in {address} is deleted with it and cannot be recovered; its slot stays paid and free for another mailbox"
        ));
        if !mailbox.aliases.is_empty() {
            cx.warn(format!(
                "mail to its aliases ({}) stops being delivered too",
                mailbox.aliases.join(", ")
            ));
        }
        let message = format!("This deletes the mailbox {address} and all its mail.");
        // Mail arriving changes the storage used: the plan binds what the
        // user identifies the mailbox by, not a counter.
        let state = StateDigest::of(&(
            &mailbox.id,
            &mailbox.address,
            &mailbox.mailbox_type,
            &mailbox.aliases,
        ));
        let preview = MailboxDeletion {
            domain: domain.clone(),
            mailbox: mailbox.clone(),
        };
        Ok(Step::Change(
            Planned::new(
                message,
                preview,
                state,
                DeletePending {
                    domain: domain.clone(),
                    mailbox,
                },
            )
            .touching(&domain),
        ))
    }

    fn apply(cx: &mut Writes, p: DeletePending) -> SkillResult<MailboxDeletion> {
        cx.send(
            Method::DELETE,
            &mailbox_path(&p.domain, Some(&p.mailbox.id)),
            crate::client::Body::None,
            &[],
        )?;
        Ok(MailboxDeletion {
            domain: p.domain,
            mailbox: p.mailbox,
        })
    }
}
