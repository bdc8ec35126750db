//! Turns a bare 404 on a domain into what the user needs to know: the
//! domain is at Gandi but its DNS is served elsewhere (not on LiveDNS), or
//! it belongs to another of the user's organizations (whose `sharing_id` to
//! pass). Runs only after a 404, with a bounded number of GETs.

use serde_json::{Map, Value};

use super::context::Reads;
use super::Route;
use crate::client::encode;
use crate::error::{ErrorCode, SkillError};
use crate::gandi::domain::DomainDetail;
use crate::gandi::organization::Organization;

/// At most this many organizations are asked about a missing domain.
const MAX_ORGANIZATIONS: usize = 20;

/// `err` explained, when it is a 404 on the request's `domain`.
pub(super) fn not_found(
    cx: &mut Reads,
    err: SkillError,
    raw: &Map<String, Value>,
    routes: &[Route],
) -> SkillError {
    let missing_rrset = err.details.get("object").and_then(Value::as_str) == Some("dns-record");
    if err.code != ErrorCode::NotFound || err.http_status != Some(404) || missing_rrset {
        return err;
    }
    let Some(domain) = raw.get("domain").and_then(Value::as_str) else {
        return err;
    };
    let Ok(domain) = crate::dns::zone_ascii(domain, "domain") else {
        return err;
    };
    let path = format!("domain/domains/{}", encode(&domain));
    // A Domain API action's 404 is about the domain itself: only the other
    // organizations are worth asking.
    if routes.iter().all(|r| r.path.starts_with("/v5/domain/")) {
        return in_other_organization(cx, err, &domain, &path);
    }
    let livedns = routes.iter().any(|r| r.path.starts_with("/v5/livedns/"));
    match cx.get::<DomainDetail>(&path, &[]) {
        Ok(detail) if livedns && !detail.services.iter().any(|s| s == "gandilivedns") => {
            let ns = if detail.nameservers.is_empty() {
                "other nameservers".to_string()
            } else {
                detail.nameservers.join(", ")
            };
            SkillError::new(
                ErrorCode::NotFound,
                format!("{domain} is registered at Gandi but LiveDNS does not serve its zone: its DNS is at {ns}"),
            )
            .with_status(404)
            .with_detail("domain", domain.as_str())
            .with_detail("nameservers", detail.nameservers.clone())
            .with_hint(format!(
                "its records are managed where those nameservers are; to manage them here, move the domain to LiveDNS with {{\"action\":\"domains.livedns.enable\",\"domain\":\"{domain}\"}} (destructive: it previews first)"
            ))
        }
        Ok(_) => err,
        Err(e) if e.code == ErrorCode::NotFound => in_other_organization(cx, err, &domain, &path),
        Err(_) => err,
    }
}

/// The organization holding `domain`, when it is not the one asked.
fn in_other_organization(cx: &mut Reads, err: SkillError, domain: &str, path: &str) -> SkillError {
    let asked = cx.sharing_id().map(str::to_string);
    let Ok(orgs) = cx.list::<Organization>(
        "organization/organizations",
        &[],
        crate::client::Paging::All,
    ) else {
        return err;
    };
    for org in orgs
        .items
        .iter()
        .filter(|o| asked.as_deref() != Some(o.id.as_str()))
        .take(MAX_ORGANIZATIONS)
    {
        if cx
            .get::<DomainDetail>(path, &[("sharing_id", org.id.clone())])
            .is_ok()
        {
            let name = org.name.as_deref().unwrap_or(&org.id);
            return SkillError::new(
                ErrorCode::NotFound,
                format!("{domain} is not in the organization this request acts for, but organization {name} holds it"),
            )
            .with_status(404)
            .with_detail("domain", domain)
            .with_detail("sharing_id", org.id.as_str())
            .with_hint(format!(
                "repeat the request with \"sharing_id\":\"{}\" to act for {name}",
                org.id
            ));
        }
    }
    err.with_hint(format!(
        "{domain} is not in this account (nor in its organizations); check the spelling (domains.list shows every domain)"
    ))
}
