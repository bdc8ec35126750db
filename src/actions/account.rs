//! Account actions: who the token belongs to, and the organizations
//! (sharing ids) the user can act for.

use schemars::JsonSchema;
use serde::Serialize;

use super::common::{ListParams, NoParams};
use crate::catalog::{Action, Permission, Reads, Route, Step};
use crate::error::SkillResult;
use crate::gandi::organization::{Organization as OrganizationWire, UserInfo};
use crate::safety::Class;

/// The user behind the token (Gandi's `user-info`).
#[derive(Serialize, JsonSchema)]
pub struct User {
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

pub struct Whoami;

impl Action for Whoami {
    const NAME: &'static str = "account.whoami";
    const CLASS: Class = Class::Read;
    const PERMISSION: Permission = Permission::AnyToken;
    const ROUTES: &'static [Route] = &[Route::get(
        "/v5/organization/user-info",
        Permission::AnyToken,
    )];
    const SUMMARY: &'static str = "The Gandi user the token belongs to.";
    const EXAMPLE: &'static str = r#"{"action":"account.whoami"}"#;
    type Params = NoParams;
    type Output = User;
    crate::read_only_action!();

    fn plan(cx: &mut Reads, _p: NoParams) -> SkillResult<Step<Self>> {
        let u: UserInfo = cx.get("organization/user-info", &[])?;
        Ok(Step::Done(User {
            id: u.id,
            username: u.username,
            name: u.name,
            firstname: u.firstname,
            lastname: u.lastname,
            email: u.email,
            lang: u.lang,
            country: u.country,
        }))
    }
}

crate::list_params! {
    pub struct OrganizationsListParams {}
}

#[derive(Serialize, JsonSchema)]
pub struct OrganizationList {
    pub organizations: Vec<Organization>,
}

/// One organization. Empty fields are left out.
#[derive(Serialize, JsonSchema)]
pub struct Organization {
    /// The organization id: pass it as `sharing_id` to act for (and bill) this organization.
    pub id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// `individual`, `company`, `association` or `publicbody`.
    #[serde(rename = "type", skip_serializing_if = "Option::is_none")]
    pub org_type: Option<String>,
    /// The legal name of a company, association or public body.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub orgname: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub firstname: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lastname: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reseller: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub corporate: Option<bool>,
}

pub struct OrganizationsList;

impl Action for OrganizationsList {
    const NAME: &'static str = "organizations.list";
    const CLASS: Class = Class::Read;
    const PERMISSION: Permission = Permission::OrganizationRead;
    const ROUTES: &'static [Route] = &[Route::get(
        "/v5/organization/organizations",
        Permission::OrganizationRead,
    )];
    const SUMMARY: &'static str =
        "The organizations the user can act for, each with its id: pass it as sharing_id to act for (and bill) that organization.";
    const EXAMPLE: &'static str = r#"{"action":"organizations.list"}"#;
    type Params = OrganizationsListParams;
    type Output = OrganizationList;
    crate::read_only_action!();

    fn plan(cx: &mut Reads, p: OrganizationsListParams) -> SkillResult<Step<Self>> {
        let by_name = [("sort_by", "name".to_string())];
        let listing = cx.list_map(
            "organization/organizations",
            &by_name,
            p.paging()?,
            |o: OrganizationWire| {
                let given = |v: Option<String>| v.filter(|s| !s.trim().is_empty());
                Organization {
                    id: o.id,
                    name: given(o.name),
                    org_type: given(o.org_type),
                    orgname: given(o.orgname),
                    firstname: given(o.firstname),
                    lastname: given(o.lastname),
                    email: given(o.email),
                    reseller: o.reseller,
                    corporate: o.corporate,
                }
            },
        )?;
        cx.listed(listing.total_count, listing.pages_fetched);
        Ok(Step::Done(OrganizationList {
            organizations: listing.items,
        }))
    }
}
