//! A domain's renewal facts, read once for `domains.renewal.info` and for
//! every line of a `domains.renew` preview: the current expiry and
//! auto-renew state (domain details), the durations Gandi accepts now
//! (`GET /domain/domains/{domain}/renew`) and the renewal price
//! (`GET /domain/check`); and the expiry a renewal leads to.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::pricing::{self, Pacer, MAX_RENEW_YEARS};
use crate::actions::billing::Price;
use crate::actions::common::unicode_if_different;
use crate::catalog::{Action, Permission, Reads, Route, Step};
use crate::client::encode;
use crate::error::SkillResult;
use crate::gandi::domain::DomainDetail;
use crate::gandi::domain_orders::RenewInfo;
use crate::gandi::price::PriceList;
use crate::safety::Class;

/// The routes a renewal's facts are read from.
pub const RENEWAL_ROUTES: [Route; 3] = [
    Route::get("/v5/domain/domains/{domain}", Permission::DomainRead),
    Route::get("/v5/domain/domains/{domain}/renew", Permission::DomainRead),
    Route::get("/v5/domain/check", Permission::DomainRead),
];

/// What Gandi says about renewing one domain.
pub struct RenewalFacts {
    pub fqdn: String,
    pub expires_at: Option<String>,
    pub autorenew: bool,
    pub info: RenewInfo,
    pub check: PriceList,
}

impl RenewalFacts {
    /// The durations (years) Gandi accepts now: its list, else its bounds.
    pub fn durations(&self) -> Vec<u32> {
        if !self.info.durations.is_empty() {
            return self.info.durations.clone();
        }
        match (self.info.minimum, self.info.maximum) {
            (Some(a), Some(b)) if a <= b => (a..=b).collect(),
            _ => Vec::new(),
        }
    }

    /// Whether Gandi refuses any renewal now.
    pub fn prohibited(&self) -> bool {
        self.info.prohibited.unwrap_or(false)
    }
}

/// Reads the three facts of one domain (ASCII name).
pub fn read(cx: &mut Reads, pacer: &mut Pacer, fqdn: &str) -> SkillResult<RenewalFacts> {
    let path = format!("domain/domains/{}", encode(fqdn));
    let detail: DomainDetail = cx.get(&path, &[])?;
    let info: RenewInfo = cx.get(&format!("{path}/renew"), &[])?;
    let check = pricing::check(cx, pacer, fqdn, &["renew"])?;
    Ok(RenewalFacts {
        fqdn: fqdn.to_string(),
        expires_at: detail.registry_ends_at(),
        autorenew: detail.autorenew.enabled.unwrap_or(false),
        info,
        check,
    })
}

/// The date `years` after `date` (Gandi's RFC 3339 text, offset kept); 29
/// February becomes 28 February in a common year.
pub fn add_years(date: &str, years: u32) -> Option<String> {
    crate::time::parse_rfc3339(date)?;
    let year: i64 = date.get(..4)?.parse().ok()?;
    let new_year = year + i64::from(years);
    let leap = (new_year % 4 == 0 && new_year % 100 != 0) || new_year % 400 == 0;
    let mut rest = date.get(4..)?.to_string();
    if rest.starts_with("-02-29") && !leap {
        rest.replace_range(..6, "-02-28");
    }
    let out = format!("{new_year:04}{rest}");
    crate::time::parse_rfc3339(&out).map(|_| out)
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RenewalInfoParams {
    /// The domain, Unicode or ASCII form.
    pub domain: String,
    /// The years to price (1 to 9, default 1).
    #[serde(default)]
    #[schemars(range(min = 1, max = 9))]
    pub duration: Option<u32>,
}

#[derive(Serialize, JsonSchema)]
pub struct RenewalInfo {
    pub fqdn: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fqdn_unicode: Option<String>,
    /// When the registration ends now.
    pub expires_at: Option<String>,
    /// Whole days until `expires_at`.
    pub days_left: Option<i64>,
    /// Whether Gandi renews it automatically.
    pub autorenew: bool,
    /// Whether a renewal of `duration` years can be ordered now.
    pub renewable: bool,
    /// Gandi refuses any renewal now.
    pub prohibited: bool,
    /// The durations (years) Gandi accepts now.
    pub durations: Vec<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub minimum: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub maximum: Option<u32>,
    /// When the renewal period opens and closes, as Gandi gives them.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub begins_at: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ends_at: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub in_renew_period: Option<bool>,
    /// The renewal price for `duration` years, when Gandi gives it.
    pub price: Option<Price>,
    pub premium: bool,
    /// The expiry after a renewal of `duration` years.
    pub new_expires_at: Option<String>,
}

pub struct RenewalInfoAction;

impl Action for RenewalInfoAction {
    const NAME: &'static str = "domains.renewal.info";
    const CLASS: Class = Class::Read;
    const PERMISSION: Permission = Permission::DomainRead;
    const ROUTES: &'static [Route] = &RENEWAL_ROUTES;
    const SUMMARY: &'static str =
        "Whether and how long a domain can be renewed now (durations, min/max, prohibited), its renewal price and the expiry after it.";
    const EXAMPLE: &'static str = r#"{"action":"domains.renewal.info","domain":"example.com"}"#;
    type Params = RenewalInfoParams;
    type Output = RenewalInfo;
    crate::read_only_action!();

    fn plan(cx: &mut Reads, p: RenewalInfoParams) -> SkillResult<Step<Self>> {
        let fqdn = crate::dns::zone_ascii(&p.domain, "domain")?;
        let duration = pricing::years(p.duration, MAX_RENEW_YEARS)?;
        let facts = read(cx, &mut Pacer::new(), &fqdn)?;
        let durations = facts.durations();
        let renewable = !facts.prohibited() && durations.contains(&duration);
        if !renewable && !facts.prohibited() {
            cx.warn(format!(
                "Gandi does not accept a renewal of {duration} year(s) for {fqdn} now (it accepts: {})",
                if durations.is_empty() { "none".to_string() } else { durations.iter().map(u32::to_string).collect::<Vec<_>>().join(", ") }
            ));
        }
        let quote = pricing::quote(&facts.check, "renew", duration);
        let days_left = facts
            .expires_at
            .as_deref()
            .and_then(crate::time::parse_rfc3339)
            .map(|t| crate::time::days_until(cx.now(), t));
        Ok(Step::Done(RenewalInfo {
            fqdn_unicode: unicode_if_different(&fqdn),
            new_expires_at: facts
                .expires_at
                .as_deref()
                .and_then(|e| add_years(e, duration)),
            days_left,
            autorenew: facts.autorenew,
            renewable,
            prohibited: facts.prohibited(),
            durations,
            minimum: facts.info.minimum,
            maximum: facts.info.maximum,
            begins_at: facts.info.begins_at.clone(),
            ends_at: facts.info.ends_at.clone(),
            in_renew_period: facts.info.in_renew_period,
            premium: quote.as_ref().is_some_and(|q| q.premium),
            price: quote.map(|q| q.price),
            expires_at: facts.expires_at,
            fqdn,
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::add_years;

    #[test]
    fn years_are_added_to_the_calendar_date() {
        assert_eq!(
            add_years("2026-05-01T10:00:00Z", 2).as_deref(),
            Some("2028-05-01T10:00:00Z")
        );
        assert_eq!(
            add_years("2028-02-29T00:00:00+02:00", 1).as_deref(),
            Some("2029-02-28T00:00:00+02:00")
        );
        assert_eq!(add_years("soon", 1), None);
    }
}
