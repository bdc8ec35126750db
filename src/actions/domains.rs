//! Domain actions (registrar side): listing every domain with the facts an
//! owner watches (expiry, auto-renew, nameservers), and one domain's details.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::{paging, Ctx};
use crate::client::encode;
use crate::error::{SkillError, SkillResult};
use crate::safety::Done;

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DomainsListParams {
    /// Gandi's fqdn pattern: `example.*`, `*example.com`, or an exact name.
    #[serde(default)]
    pub fqdn: Option<String>,
    /// Only this TLD, e.g. `com` or `fr`.
    #[serde(default)]
    pub tld: Option<String>,
    /// Only domains using these nameservers: `livedns`, `abc` (Gandi classic) or `other`.
    #[serde(default)]
    pub nameserver: Option<String>,
    /// Only this page (from 1); without it every page is read.
    #[serde(default)]
    #[schemars(range(min = 1))]
    pub page: Option<u32>,
    /// Items per page (1-500) when `page` is given.
    #[serde(default)]
    #[schemars(range(min = 1, max = 500))]
    pub per_page: Option<u32>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DomainParams {
    /// The domain, Unicode or ASCII form (`café.fr` or `xn--caf-dma.fr`).
    pub domain: String,
}

#[derive(Serialize, JsonSchema)]
pub struct DomainList {
    pub domains: Vec<DomainItem>,
}

/// One domain as the list shows it.
#[derive(Serialize, JsonSchema)]
pub struct DomainItem {
    pub fqdn: String,
    pub fqdn_unicode: String,
    pub id: Option<String>,
    /// Gandi's status flags, e.g. `clientTransferProhibited`.
    pub status: Vec<String>,
    /// When the registration ends (registry date).
    pub expires_at: Option<String>,
    /// Whole days until `expires_at` (negative once past).
    pub days_left: Option<i64>,
    /// Whether Gandi renews it automatically.
    pub autorenew: bool,
    /// `livedns`, `abc` (classic), `premium_dns` or `other`.
    pub nameserver: Option<String>,
    pub tags: Vec<String>,
    /// The owning organization's id, when Gandi gives it (`sharing_id`).
    pub sharing_id: Option<String>,
    /// The owning organization's name as Gandi shows it (`orga_owner`); a
    /// name, not an id: organizations.list gives the ids.
    pub owner: Option<String>,
    /// The nameservers in use, when Gandi lists them (`nameserver.hosts`);
    /// null otherwise (domains.get always has them).
    pub nameservers: Option<Vec<String>>,
}

fn strings(v: Option<&Value>) -> Vec<String> {
    v.and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(Value::as_str)
                .map(str::to_string)
                .collect()
        })
        .unwrap_or_default()
}

fn string(v: &Value, pointer: &str) -> Option<String> {
    v.pointer(pointer)
        .and_then(Value::as_str)
        .map(str::to_string)
}

/// Gandi's `autorenew` is a boolean in lists and an object in details.
fn autorenew_enabled(d: &Value) -> bool {
    match d.get("autorenew") {
        Some(Value::Bool(b)) => *b,
        Some(o) => o.get("enabled").and_then(Value::as_bool).unwrap_or(false),
        None => false,
    }
}

fn expiry(ctx: &Ctx, d: &Value) -> (Option<String>, Option<i64>) {
    let expires_at = string(d, "/dates/registry_ends_at");
    let days_left = expires_at
        .as_deref()
        .and_then(crate::time::parse_rfc3339)
        .map(|t| crate::time::days_until(ctx.env.unix_now(), t));
    (expires_at, days_left)
}

pub fn list(ctx: &mut Ctx, p: DomainsListParams) -> SkillResult<Done<DomainList>> {
    let paging = paging(p.page, p.per_page)?;
    let mut query: Vec<(&str, String)> = vec![("sort_by", "fqdn".to_string())];
    if let Some(f) = &p.fqdn {
        let expected = "a domain name or a pattern such as `example.*` or `*example.com`";
        let trimmed = f.strip_suffix('.').unwrap_or(f);
        if trimmed.is_empty()
            || trimmed.len() > 253
            || trimmed.chars().any(|c| c.is_whitespace() || c.is_control())
        {
            return Err(SkillError::invalid_param("fqdn", Some(f), expected));
        }
        // Gandi matches patterns against the ASCII name: convert each
        // Unicode label; a label mixing `*` and Unicode has no ASCII form.
        let ascii = trimmed
            .split('.')
            .map(|label| {
                if label.is_ascii() {
                    Ok(label.to_ascii_lowercase())
                } else if label.contains('*') {
                    Err(SkillError::invalid_param(
                        "fqdn",
                        Some(f),
                        &format!("{expected}; a `*` cannot share a label with non-ASCII letters (`{label}`): give that label in full"),
                    ))
                } else {
                    crate::dns::zone_ascii(&format!("{label}.x"), "fqdn")
                        .map(|a| a.trim_end_matches(".x").to_string())
                }
            })
            .collect::<SkillResult<Vec<_>>>()?
            .join(".");
        query.push(("fqdn", ascii));
    }
    if let Some(given) = &p.tld {
        let bare = given.trim_start_matches('.').trim_end_matches('.');
        let refuse =
            || SkillError::invalid_param("tld", Some(given), "a TLD such as `com`, `fr` or `рф`");
        // A Unicode TLD goes to Gandi in its ASCII (punycode) form.
        let t = if bare.is_ascii() {
            bare.to_ascii_lowercase()
        } else {
            crate::dns::zone_ascii(&format!("x.{bare}"), "tld")
                .map_err(|_| refuse())?
                .trim_start_matches("x.")
                .to_string()
        };
        if t.is_empty()
            || !t
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '.')
        {
            return Err(refuse());
        }
        query.push(("tld", t));
    }
    if let Some(n) = &p.nameserver {
        if !matches!(n.as_str(), "livedns" | "abc" | "other") {
            return Err(SkillError::invalid_param(
                "nameserver",
                Some(n),
                "`livedns`, `abc` or `other`",
            ));
        }
        query.push(("nameserver", n.clone()));
    }
    let listing = ctx.client()?.list("domain/domains", &query, paging)?;
    let domains = listing
        .items
        .iter()
        .map(|d| {
            let (expires_at, days_left) = expiry(ctx, d);
            let fqdn = string(d, "/fqdn").unwrap_or_default();
            DomainItem {
                fqdn_unicode: string(d, "/fqdn_unicode").unwrap_or_else(|| fqdn.clone()),
                fqdn,
                id: string(d, "/id"),
                status: strings(d.get("status")),
                expires_at,
                days_left,
                autorenew: autorenew_enabled(d),
                nameserver: string(d, "/nameserver/current"),
                tags: strings(d.get("tags")),
                sharing_id: string(d, "/sharing_id"),
                owner: string(d, "/orga_owner"),
                nameservers: d.pointer("/nameserver/hosts").map(|h| strings(Some(h))),
            }
        })
        .collect();
    ctx.listed(listing.total_count, listing.pages_fetched, listing.warnings);
    Ok(Done::Result(DomainList { domains }))
}

/// One domain's details.
#[derive(Serialize, JsonSchema)]
pub struct DomainDetail {
    pub fqdn: String,
    pub fqdn_unicode: String,
    pub id: Option<String>,
    pub status: Vec<String>,
    pub expires_at: Option<String>,
    pub days_left: Option<i64>,
    pub created_at: Option<String>,
    pub autorenew: AutoRenew,
    pub nameservers: Vec<String>,
    /// Gandi services on the domain, e.g. `gandilivedns`, `mailboxv2`.
    pub services: Vec<String>,
    pub tags: Vec<String>,
    /// Whether the registry supports a transfer lock for this TLD.
    pub can_tld_lock: Option<bool>,
    /// All of Gandi's dates for the domain.
    pub dates: Value,
    /// Owner, admin, bill and tech contacts as Gandi returns them.
    pub contacts: Value,
    /// The organization the domain belongs to.
    pub sharing_space: Value,
}

#[derive(Serialize, JsonSchema)]
pub struct AutoRenew {
    pub enabled: bool,
    /// Years per automatic renewal.
    pub duration: Option<u64>,
}

pub fn get(ctx: &mut Ctx, p: DomainParams) -> SkillResult<Done<DomainDetail>> {
    let fqdn = crate::dns::zone_ascii(&p.domain, "domain")?;
    let d = ctx
        .client()?
        .get(&format!("domain/domains/{}", encode(&fqdn)), &[])?;
    let (expires_at, days_left) = expiry(ctx, &d);
    Ok(Done::Result(DomainDetail {
        fqdn: string(&d, "/fqdn").unwrap_or_else(|| fqdn.clone()),
        fqdn_unicode: string(&d, "/fqdn_unicode").unwrap_or(fqdn),
        id: string(&d, "/id"),
        status: strings(d.get("status")),
        expires_at,
        days_left,
        created_at: string(&d, "/dates/created_at"),
        autorenew: AutoRenew {
            enabled: autorenew_enabled(&d),
            duration: d.pointer("/autorenew/duration").and_then(Value::as_u64),
        },
        nameservers: strings(d.get("nameservers")),
        services: strings(d.get("services")),
        tags: strings(d.get("tags")),
        can_tld_lock: d.get("can_tld_lock").and_then(Value::as_bool),
        dates: d.get("dates").cloned().unwrap_or(Value::Null),
        contacts: d.get("contacts").cloned().unwrap_or(Value::Null),
        sharing_space: d.get("sharing_space").cloned().unwrap_or(Value::Null),
    }))
}
