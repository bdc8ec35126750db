//! `domains.list` (every domain with the facts an owner watches: expiry,
//! auto-renew, nameservers) and `domains.get` (one domain's details).

use schemars::JsonSchema;
use serde::Serialize;
use serde_json::Value;

use super::{expiry, DomainParams};
use crate::actions::common::ListParams;
use crate::catalog::{Action, Permission, Reads, Route, Step};
use crate::client::encode;
use crate::error::{SkillError, SkillResult};
use crate::gandi::domain::{DomainDetail as DomainDetailWire, DomainItem as DomainItemWire};
use crate::safety::Class;

crate::list_params! {
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
}
}

#[derive(Serialize, JsonSchema)]
pub struct DomainList {
    pub domains: Vec<DomainItem>,
}

/// One domain as the list shows it; what Gandi leaves out is left out.
#[derive(Serialize, JsonSchema)]
pub struct DomainItem {
    pub fqdn: String,
    /// The Unicode form, only when it differs from `fqdn` (an IDN).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fqdn_unicode: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// Gandi's status flags, e.g. `clientTransferProhibited`.
    pub status: Vec<String>,
    /// When the registration ends (registry date).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expires_at: Option<String>,
    /// Whole days until `expires_at` (negative once past).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub days_left: Option<i64>,
    /// Whether Gandi renews it automatically.
    pub autorenew: bool,
    /// `livedns`, `abc` (classic), `premium_dns` or `other`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub nameserver: Option<String>,
    pub tags: Vec<String>,
    /// The owning organization's id, when Gandi gives it (`sharing_id`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sharing_id: Option<String>,
    /// The owning organization's name as Gandi shows it (`orga_owner`); a
    /// name, not an id: organizations.list gives the ids.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub owner: Option<String>,
    /// The nameservers in use, when Gandi lists them (`nameserver.hosts`);
    /// absent otherwise (domains.get always has them).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub nameservers: Option<Vec<String>>,
}

impl DomainItem {
    /// A list item from Gandi's, `now` being the run's clock.
    fn of(now: i64, d: DomainItemWire) -> DomainItem {
        let (expires_at, days_left) = expiry(now, d.dates.registry_ends_at);
        DomainItem {
            fqdn_unicode: d.fqdn_unicode.filter(|u| *u != d.fqdn),
            fqdn: d.fqdn,
            id: d.id,
            status: d.status,
            expires_at,
            days_left,
            autorenew: d.autorenew.unwrap_or(false),
            nameserver: d.nameserver.current,
            tags: d.tags,
            sharing_id: d.sharing_id,
            owner: d.orga_owner,
            nameservers: d.nameserver.hosts,
        }
    }
}

pub struct List;

impl Action for List {
    const NAME: &'static str = "domains.list";
    const CLASS: Class = Class::Read;
    const PERMISSION: Permission = Permission::DomainRead;
    const ROUTES: &'static [Route] = &[Route::get("/v5/domain/domains", Permission::DomainRead)];
    const SUMMARY: &'static str =
        "Every domain of the account (all pages), with status, expiry, days left, auto-renew and nameservers.";
    const EXAMPLE: &'static str = r#"{"action":"domains.list"}"#;
    type Params = DomainsListParams;
    type Output = DomainList;
    crate::read_only_action!();

    fn plan(cx: &mut Reads, p: DomainsListParams) -> SkillResult<Step<Self>> {
        list(cx, p).map(Step::Done)
    }
}

fn list(cx: &mut Reads, p: DomainsListParams) -> SkillResult<DomainList> {
    let paging = p.paging()?;
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
    // Each page becomes list items as it arrives: Gandi's JSON is never
    // held past its page.
    let now = cx.now();
    let listing = cx.list_map("domain/domains", &query, paging, |d: DomainItemWire| {
        DomainItem::of(now, d)
    })?;
    cx.listed(listing.total_count, listing.pages_fetched);
    let domains = listing.items;
    Ok(DomainList { domains })
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

pub struct Get;

impl Action for Get {
    const NAME: &'static str = "domains.get";
    const CLASS: Class = Class::Read;
    const PERMISSION: Permission = Permission::DomainRead;
    const ROUTES: &'static [Route] = &[Route::get(
        "/v5/domain/domains/{domain}",
        Permission::DomainRead,
    )];
    const SUMMARY: &'static str =
        "One domain's details: status, dates, auto-renew, nameservers, services, contacts.";
    const EXAMPLE: &'static str = r#"{"action":"domains.get","domain":"example.com"}"#;
    type Params = DomainParams;
    type Output = DomainDetail;
    crate::read_only_action!();

    fn plan(cx: &mut Reads, p: DomainParams) -> SkillResult<Step<Self>> {
        let fqdn = crate::dns::zone_ascii(&p.domain, "domain")?;
        let d: DomainDetailWire = cx.get(&format!("domain/domains/{}", encode(&fqdn)), &[])?;
        let (expires_at, days_left) = expiry(cx.now(), d.registry_ends_at());
        Ok(Step::Done(DomainDetail {
            created_at: d.created_at(),
            fqdn_unicode: d.fqdn_unicode.clone().unwrap_or_else(|| fqdn.clone()),
            fqdn: d.fqdn.unwrap_or(fqdn),
            id: d.id,
            status: d.status,
            expires_at,
            days_left,
            autorenew: AutoRenew {
                enabled: d.autorenew.enabled.unwrap_or(false),
                duration: d.autorenew.duration,
            },
            nameservers: d.nameservers,
            services: d.services,
            tags: d.tags,
            can_tld_lock: d.can_tld_lock,
            dates: d.dates,
            contacts: d.contacts,
            sharing_space: d.sharing_space,
        }))
    }
}
