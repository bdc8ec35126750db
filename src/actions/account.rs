//! Account actions: who the token belongs to, and the organizations
//! (sharing ids) the user can act for.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::meta::NoParams;
use super::{paging, Ctx};
use crate::error::SkillResult;
use crate::safety::Done;

/// The user behind the token (Gandi's `user-info`).
#[derive(Serialize, JsonSchema)]
pub struct Whoami {
    /// The user's own organization id (usable as `sharing_id`).
    pub id: Option<String>,
    pub username: Option<String>,
    pub name: Option<String>,
    pub firstname: Option<String>,
    pub lastname: Option<String>,
    pub email: Option<String>,
    pub lang: Option<String>,
    pub country: Option<String>,
}

pub fn whoami(ctx: &mut Ctx, _p: NoParams) -> SkillResult<Done<Whoami>> {
    let user = ctx.client()?.get("organization/user-info", &[])?;
    let s = |k: &str| user.get(k).and_then(Value::as_str).map(str::to_string);
    Ok(Done::Result(Whoami {
        id: s("id"),
        username: s("username"),
        name: s("name"),
        firstname: s("firstname"),
        lastname: s("lastname"),
        email: s("email"),
        lang: s("lang"),
        country: s("country"),
    }))
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct OrganizationsListParams {
    /// Only this page (from 1); without it every page is read.
    #[serde(default)]
    #[schemars(range(min = 1))]
    pub page: Option<u32>,
    /// Items per page (1-500) when `page` is given.
    #[serde(default)]
    #[schemars(range(min = 1, max = 500))]
    pub per_page: Option<u32>,
}

#[derive(Serialize, JsonSchema)]
pub struct OrganizationList {
    pub organizations: Vec<Organization>,
}

#[derive(Serialize, JsonSchema)]
pub struct Organization {
    /// The organization id: pass it as `sharing_id` to act for this organization.
    pub id: String,
    pub name: Option<String>,
    /// `individual`, `company`, `association` or `publicbody`.
    #[serde(rename = "type")]
    pub org_type: Option<String>,
    pub orgname: Option<String>,
    pub email: Option<String>,
    pub reseller: Option<bool>,
    pub corporate: Option<bool>,
}

pub fn organizations_list(
    ctx: &mut Ctx,
    p: OrganizationsListParams,
) -> SkillResult<Done<OrganizationList>> {
    let paging = paging(p.page, p.per_page)?;
    let listing = ctx
        .client()?
        .list("organization/organizations", &[], paging)?;
    let organizations = listing
        .items
        .iter()
        .map(|o| {
            let s = |k: &str| o.get(k).and_then(Value::as_str).map(str::to_string);
            Organization {
                id: s("id").unwrap_or_default(),
                name: s("name"),
                org_type: s("type"),
                orgname: s("orgname"),
                email: s("email"),
                reseller: o.get("reseller").and_then(Value::as_bool),
                corporate: o.get("corporate").and_then(Value::as_bool),
            }
        })
        .collect();
    ctx.listed(listing.total_count, listing.pages_fetched, listing.warnings);
    Ok(Done::Result(OrganizationList { organizations }))
}
