//! `domains.check` (availability and create/renew/transfer prices of one
//! name or up to 50), `domains.suggest` (available alternatives over TLDs
//! and name variations, a bounded and paced number of checks, cheapest
//! first) and `domains.tlds.list` (the TLDs Gandi sells).

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::pricing::{self, Pacer, MAX_YEARS};
use crate::actions::billing::Price;
use crate::actions::common::{unicode_if_different, ListParams};
use crate::catalog::{Action, Permission, Reads, Route, Step};
use crate::error::{SkillError, SkillResult};
use crate::gandi::domain_orders::Tld;
use crate::safety::Class;

const CHECK_ROUTE: Route = Route::get("/v5/domain/check", Permission::DomainRead);

/// The most names one `domains.check` takes.
const MAX_NAMES: usize = 50;
/// The most checks one `domains.suggest` sends.
const MAX_SUGGEST_CHECKS: usize = 20;
/// The TLDs `domains.suggest` tries when none are given.
const DEFAULT_TLDS: [&str; 6] = ["com", "net", "org", "io", "dev", "eu"];
/// How a wanted name is varied (`{}` is the name), tried on the first TLD.
const VARIATIONS: [&str; 4] = ["get{}", "my{}", "{}hq", "{}app"];

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CheckParams {
    /// One name to check, Unicode or ASCII form (or use `names`).
    #[serde(default)]
    pub domain: Option<String>,
    /// The names to check (1 to 50), Unicode or ASCII form.
    #[serde(default)]
    #[schemars(length(min = 1, max = 50))]
    pub names: Option<Vec<String>>,
    /// The years the prices are for (1 to 10, default 1).
    #[serde(default)]
    #[schemars(range(min = 1, max = 10))]
    pub duration: Option<u32>,
}

#[derive(Serialize, JsonSchema)]
pub struct CheckResult {
    pub names: Vec<CheckedName>,
}

/// One checked name.
#[derive(Serialize, JsonSchema)]
pub struct CheckedName {
    pub fqdn: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fqdn_unicode: Option<String>,
    /// Whether it can be registered now.
    pub available: bool,
    /// Gandi's status: `available`, `unavailable`, `unavailable_premium`, `error_invalid`, ...
    pub status: Option<String>,
    /// A premium name: its registration costs more than the TLD's usual price.
    pub premium: bool,
    /// The registration price for `duration` years.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub create: Option<Price>,
    /// The renewal price for `duration` years.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub renew: Option<Price>,
    /// The transfer price for `duration` years.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub transfer: Option<Price>,
}

pub struct Check;

impl Action for Check {
    const NAME: &'static str = "domains.check";
    const CLASS: Class = Class::Read;
    const PERMISSION: Permission = Permission::DomainRead;
    const ROUTES: &'static [Route] = &[CHECK_ROUTE];
    const SUMMARY: &'static str =
        "Availability and create/renew/transfer prices (currency, taxes, premium flag) of one name or up to 50 (`names`).";
    const EXAMPLE: &'static str =
        r#"{"action":"domains.check","names":["my-new-shop.com","gold.dev","example.com"]}"#;
    type Params = CheckParams;
    type Output = CheckResult;
    crate::read_only_action!();

    fn plan(cx: &mut Reads, p: CheckParams) -> SkillResult<Step<Self>> {
        let duration = pricing::years(p.duration, MAX_YEARS)?;
        let names = names_of(p.domain, p.names)?;
        let mut pacer = Pacer::new();
        let mut out = Vec::with_capacity(names.len());
        for fqdn in names {
            let check = pricing::check(cx, &mut pacer, &fqdn, &["create", "renew", "transfer"])?;
            let create = pricing::quote(&check, "create", duration);
            out.push(CheckedName {
                fqdn_unicode: unicode_if_different(&fqdn),
                available: pricing::available(&check),
                status: pricing::status(&check),
                premium: create.as_ref().is_some_and(|q| q.premium),
                create: create.map(|q| q.price),
                renew: pricing::quote(&check, "renew", duration).map(|q| q.price),
                transfer: pricing::quote(&check, "transfer", duration).map(|q| q.price),
                fqdn,
            });
        }
        Ok(Step::Done(CheckResult { names: out }))
    }
}

/// `domain` or `names` (exactly one), each in ASCII form, duplicates dropped.
fn names_of(domain: Option<String>, names: Option<Vec<String>>) -> SkillResult<Vec<String>> {
    let given: Vec<(String, String)> = match (domain, names) {
        (Some(d), None) => vec![("domain".into(), d)],
        (None, Some(list)) => {
            if list.is_empty() || list.len() > MAX_NAMES {
                return Err(SkillError::invalid_param(
                    "names",
                    Some(&format!("{} names", list.len())),
                    &format!("1 to {MAX_NAMES} names"),
                ));
            }
            list.into_iter()
                .enumerate()
                .map(|(i, n)| (format!("names[{i}]"), n))
                .collect()
        }
        (Some(_), Some(_)) => {
            return Err(SkillError::invalid_param(
                "names",
                None,
                "either `domain` (one name) or `names` (a list), not both",
            ))
        }
        (None, None) => {
            return Err(SkillError::invalid_param(
                "names",
                None,
                "the names to check: `names` (a list) or `domain` (one name)",
            ))
        }
    };
    let mut out: Vec<String> = Vec::new();
    for (field, name) in given {
        let ascii = crate::dns::zone_ascii(&name, &field)?;
        if !out.contains(&ascii) {
            out.push(ascii);
        }
    }
    Ok(out)
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SuggestParams {
    /// The wanted name: a word (`acme`, `my shop`) or a domain (`acme.fr`, whose TLD is tried first).
    pub query: String,
    /// The TLDs to try, e.g. `["fr","com"]` (default: com, net, org, io, dev, eu).
    #[serde(default)]
    #[schemars(length(min = 1, max = 20))]
    pub tlds: Option<Vec<String>>,
    /// The years the prices are for (1 to 10, default 1).
    #[serde(default)]
    #[schemars(range(min = 1, max = 10))]
    pub duration: Option<u32>,
}

#[derive(Serialize, JsonSchema)]
pub struct SuggestResult {
    /// The name the variations were made from.
    pub query: String,
    /// How many names were checked (at most 20).
    pub checked: usize,
    /// The available names, cheapest first.
    pub suggestions: Vec<Suggestion>,
}

#[derive(Serialize, JsonSchema)]
pub struct Suggestion {
    pub fqdn: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fqdn_unicode: Option<String>,
    pub premium: bool,
    /// The registration price for `duration` years.
    pub price: Price,
    /// The renewal price for `duration` years, when Gandi gives it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub renew: Option<Price>,
}

pub struct Suggest;

impl Action for Suggest {
    const NAME: &'static str = "domains.suggest";
    const CLASS: Class = Class::Read;
    const PERMISSION: Permission = Permission::DomainRead;
    const ROUTES: &'static [Route] = &[CHECK_ROUTE];
    const SUMMARY: &'static str =
        "Available alternatives for a wanted name over TLDs (`tlds`) and name variations, cheapest first, with prices (at most 20 checks, paced).";
    const EXAMPLE: &'static str =
        r#"{"action":"domains.suggest","query":"example","tlds":["com","fr","dev"]}"#;
    type Params = SuggestParams;
    type Output = SuggestResult;
    crate::read_only_action!();

    fn plan(cx: &mut Reads, p: SuggestParams) -> SkillResult<Step<Self>> {
        let duration = pricing::years(p.duration, MAX_YEARS)?;
        let (label, query_tld) = split_query(&p.query)?;
        let mut tlds: Vec<String> = Vec::new();
        if let Some(t) = query_tld {
            tlds.push(t);
        }
        match &p.tlds {
            Some(list) => {
                if list.is_empty() || list.len() > MAX_SUGGEST_CHECKS {
                    return Err(SkillError::invalid_param(
                        "tlds",
                        Some(&format!("{} TLDs", list.len())),
                        &format!("1 to {MAX_SUGGEST_CHECKS} TLDs"),
                    ));
                }
                for (i, t) in list.iter().enumerate() {
                    tlds.push(tld_ascii(t, &format!("tlds[{i}]"))?);
                }
            }
            None => tlds.extend(DEFAULT_TLDS.iter().map(|t| t.to_string())),
        }
        let mut seen = std::collections::HashSet::new();
        tlds.retain(|t| seen.insert(t.clone()));
        let candidates = candidates(&label, &tlds);
        if candidates.len() > MAX_SUGGEST_CHECKS {
            cx.warn(format!(
                "only the first {MAX_SUGGEST_CHECKS} of {} candidate names were checked (Gandi's rate limit); name fewer `tlds` to try others",
                candidates.len()
            ));
        }
        let mut pacer = Pacer::new();
        let mut checked = 0;
        let mut suggestions = Vec::new();
        for fqdn in candidates.into_iter().take(MAX_SUGGEST_CHECKS) {
            let check = pricing::check(cx, &mut pacer, &fqdn, &["create", "renew"])?;
            checked += 1;
            if !pricing::available(&check) {
                continue;
            }
            let Some(create) = pricing::quote(&check, "create", duration) else {
                continue;
            };
            suggestions.push(Suggestion {
                fqdn_unicode: unicode_if_different(&fqdn),
                premium: create.premium,
                price: create.price,
                renew: pricing::quote(&check, "renew", duration).map(|q| q.price),
                fqdn,
            });
        }
        suggestions.sort_by(|a, b| {
            a.price
                .amount
                .total_cmp(&b.price.amount)
                .then_with(|| a.fqdn.cmp(&b.fqdn))
        });
        Ok(Step::Done(SuggestResult {
            query: label,
            checked,
            suggestions,
        }))
    }
}

/// The wanted name's label (lower case, Unicode kept so variations read
/// right), and its TLD when the query is a domain. Spaces and underscores
/// join words (`my shop` → `myshop`).
fn split_query(query: &str) -> SkillResult<(String, Option<String>)> {
    let expected = "a name such as `acme` or `my shop`, or a domain such as `acme.fr`";
    let trimmed = query.trim().trim_end_matches('.').to_lowercase();
    let (name, tld) = match trimmed.split_once('.') {
        Some((n, t)) => (n.to_string(), Some(t.to_string())),
        None => (trimmed.clone(), None),
    };
    let label: String = name
        .split(|c: char| c.is_whitespace() || c == '_')
        .collect::<Vec<_>>()
        .concat();
    // The label must make a valid name; on `.com` it does if it does anywhere.
    if label.is_empty() || crate::dns::zone_ascii(&format!("{label}.com"), "query").is_err() {
        return Err(SkillError::invalid_param("query", Some(query), expected));
    }
    let tld = match tld {
        Some(t) => Some(tld_ascii(&t, "query")?),
        None => None,
    };
    Ok((label, tld))
}

/// The names to check, ASCII form: the label on every TLD, then its
/// variations on the first TLD. A name that is not valid is left out.
fn candidates(label: &str, tlds: &[String]) -> Vec<String> {
    let mut names: Vec<String> = tlds.iter().map(|t| format!("{label}.{t}")).collect();
    if let Some(first) = tlds.first() {
        names.extend(
            VARIATIONS
                .iter()
                .map(|v| format!("{}.{first}", v.replace("{}", label))),
        );
    }
    let mut out: Vec<String> = Vec::new();
    for name in names {
        if let Ok(ascii) = crate::dns::zone_ascii(&name, "query") {
            if !out.contains(&ascii) {
                out.push(ascii);
            }
        }
    }
    out
}

/// A TLD as a request gives it (`com`, `.fr`, `рф`), in ASCII form.
fn tld_ascii(given: &str, field: &str) -> SkillResult<String> {
    let refuse =
        || SkillError::invalid_param(field, Some(given), "a TLD such as `com`, `fr` or `рф`");
    let bare = given.trim().trim_start_matches('.').trim_end_matches('.');
    if bare.is_empty() {
        return Err(refuse());
    }
    let ascii = crate::dns::zone_ascii(&format!("x.{bare}"), field).map_err(|_| refuse())?;
    Ok(ascii.trim_start_matches("x.").to_string())
}

crate::list_params! {
    pub struct TldsListParams {
        /// Only `ccTLD` (country codes) or `gTLD` (generic).
        #[serde(default)]
        pub category: Option<String>,
    }
}

#[derive(Serialize, JsonSchema)]
pub struct TldList {
    pub tlds: Vec<TldItem>,
}

#[derive(Serialize, JsonSchema)]
pub struct TldItem {
    /// The TLD, ASCII form (`com`, `xn--p1ai`).
    pub name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name_unicode: Option<String>,
}

pub struct TldsList;

impl Action for TldsList {
    const NAME: &'static str = "domains.tlds.list";
    const CLASS: Class = Class::Read;
    const PERMISSION: Permission = Permission::DomainRead;
    const ROUTES: &'static [Route] = &[Route::get("/v5/domain/tlds", Permission::DomainRead)];
    const SUMMARY: &'static str =
        "The TLDs Gandi sells (all pages), optionally only ccTLDs or gTLDs.";
    const EXAMPLE: &'static str = r#"{"action":"domains.tlds.list","category":"ccTLD"}"#;
    type Params = TldsListParams;
    type Output = TldList;
    crate::read_only_action!();

    fn plan(cx: &mut Reads, p: TldsListParams) -> SkillResult<Step<Self>> {
        let paging = p.paging()?;
        let mut query: Vec<(&str, String)> = Vec::new();
        if let Some(c) = &p.category {
            let canonical = match c.to_ascii_lowercase().as_str() {
                "cctld" => "ccTLD",
                "gtld" => "gTLD",
                _ => {
                    return Err(SkillError::invalid_param(
                        "category",
                        Some(c),
                        "`ccTLD` or `gTLD`",
                    ))
                }
            };
            query.push(("category", canonical.to_string()));
        }
        let listing = cx.list::<Tld>("domain/tlds", &query, paging)?;
        cx.listed(listing.total_count, listing.pages_fetched);
        let tlds = listing
            .items
            .into_iter()
            .map(|t| {
                let unicode = crate::actions::common::unicode(&format!("x.{}", t.name));
                let unicode = unicode.trim_start_matches("x.");
                TldItem {
                    name_unicode: (unicode != t.name).then(|| unicode.to_string()),
                    name: t.name,
                }
            })
            .collect();
        Ok(Step::Done(TldList { tlds }))
    }
}
