//! `domains.expiring`: every domain of the account whose registration ends
//! within `days` (default 60), soonest first, with its auto-renew state and
//! its TLD's renewal price (one paced check per TLD, however many domains).

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::Serialize;

use super::pricing::{self, Pacer};
use crate::actions::billing::Price;
use crate::actions::common::ListParams;
use crate::catalog::{Action, Permission, Reads, Route, Step};
use crate::error::{SkillError, SkillResult};
use crate::gandi::domain::DomainItem as DomainItemWire;
use crate::safety::Class;

const DEFAULT_DAYS: u32 = 60;
const MAX_DAYS: u32 = 3650;
/// The most price checks one run sends (one per TLD in the window).
const MAX_PRICE_CHECKS: usize = 25;

crate::list_params! {
    pub struct ExpiringParams {
        /// The window in days from today (0 to 3650, default 60). Domains already past their expiry are included.
        #[serde(default)]
        #[schemars(range(min = 0, max = 3650))]
        pub days: Option<u32>,
    }
}

#[derive(Serialize, JsonSchema)]
pub struct ExpiringList {
    /// Soonest first.
    pub domains: Vec<ExpiringDomain>,
}

#[derive(Serialize, JsonSchema)]
pub struct ExpiringDomain {
    pub fqdn: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fqdn_unicode: Option<String>,
    /// When the registration ends.
    pub expires_at: String,
    /// Whole days until `expires_at` (negative once past).
    pub days_left: i64,
    /// Whether Gandi renews it automatically.
    pub autorenew: bool,
    /// The usual one-year renewal price of its TLD (a premium name may cost
    /// more: domains.renew quotes each domain exactly); absent when unknown.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub renewal_price: Option<Price>,
    /// The owning organization's name as Gandi shows it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub owner: Option<String>,
}

pub struct Expiring;

impl Action for Expiring {
    const NAME: &'static str = "domains.expiring";
    const CLASS: Class = Class::Read;
    const PERMISSION: Permission = Permission::DomainRead;
    const ROUTES: &'static [Route] = &[
        Route::get("/v5/domain/domains", Permission::DomainRead),
        Route::get("/v5/domain/check", Permission::DomainRead),
    ];
    const SUMMARY: &'static str =
        "Every domain expiring within `days` (default 60), soonest first, with auto-renew state and renewal price; its names feed domains.renew `domains`.";
    const EXAMPLE: &'static str = r#"{"action":"domains.expiring","days":60}"#;
    type Params = ExpiringParams;
    type Output = ExpiringList;
    crate::read_only_action!();

    fn plan(cx: &mut Reads, p: ExpiringParams) -> SkillResult<Step<Self>> {
        let days = p.days.unwrap_or(DEFAULT_DAYS);
        if days > MAX_DAYS {
            return Err(SkillError::invalid_param(
                "days",
                Some(&days.to_string()),
                &format!("a number of days from 0 to {MAX_DAYS}"),
            ));
        }
        let paging = p.paging()?;
        let listing = cx.list::<DomainItemWire>(
            "domain/domains",
            &[("sort_by", "fqdn".to_string())],
            paging,
        )?;
        let now = cx.now();
        let mut undated = 0;
        let mut window: Vec<(i64, ExpiringDomain)> = Vec::new();
        for d in listing.items {
            let ends = d.dates.registry_ends_at.as_deref();
            let Some(at) = ends.and_then(crate::time::parse_rfc3339) else {
                undated += 1;
                continue;
            };
            let days_left = crate::time::days_until(now, at);
            if days_left > i64::from(days) {
                continue;
            }
            window.push((
                at,
                ExpiringDomain {
                    fqdn_unicode: d.fqdn_unicode.filter(|u| *u != d.fqdn),
                    expires_at: ends.unwrap_or_default().to_string(),
                    days_left,
                    autorenew: d.autorenew.unwrap_or(false),
                    renewal_price: None,
                    owner: d.orga_owner,
                    fqdn: d.fqdn,
                },
            ));
        }
        if undated > 0 {
            cx.warn(format!(
                "{undated} domain(s) have no expiry date in Gandi's list and are left out"
            ));
        }
        window.sort_by(|(a, x), (b, y)| a.cmp(b).then_with(|| x.fqdn.cmp(&y.fqdn)));
        let mut domains: Vec<ExpiringDomain> = window.into_iter().map(|(_, d)| d).collect();
        renewal_prices(cx, &mut domains);
        cx.listed(Some(domains.len() as u64), listing.pages_fetched);
        Ok(Step::Done(ExpiringList { domains }))
    }
}

/// The registry suffix a renewal price depends on: all but the first label
/// (`co.uk` of `shop.co.uk`).
fn suffix(fqdn: &str) -> &str {
    fqdn.split_once('.').map_or(fqdn, |(_, s)| s)
}

/// Fills each domain's renewal price: one check per TLD (on one of its
/// domains), paced, at most `MAX_PRICE_CHECKS`. A price that cannot be read
/// is left out with a warning: the list is what matters.
fn renewal_prices(cx: &mut Reads, domains: &mut [ExpiringDomain]) {
    let mut by_suffix: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    for (i, d) in domains.iter().enumerate() {
        by_suffix
            .entry(suffix(&d.fqdn).to_string())
            .or_default()
            .push(i);
    }
    if by_suffix.len() > MAX_PRICE_CHECKS {
        cx.warn(format!(
            "renewal prices are given for {MAX_PRICE_CHECKS} of the {} TLDs in the window (Gandi's rate limit); domains.renew quotes any domain exactly",
            by_suffix.len()
        ));
    }
    let mut pacer = Pacer::new();
    for (tld, indexes) in by_suffix.into_iter().take(MAX_PRICE_CHECKS) {
        let Some(&first) = indexes.first() else {
            continue;
        };
        let sample = domains[first].fqdn.clone();
        match pricing::check(cx, &mut pacer, &sample, &["renew"]) {
            Ok(check) => {
                let price = pricing::quote(&check, "renew", 1).map(|q| q.price);
                for i in indexes {
                    domains[i].renewal_price = price.clone();
                }
            }
            Err(e) => cx.warn(format!(
                "the renewal price of .{tld} could not be read ({}); domains.renew quotes it",
                e.message
            )),
        }
    }
}
