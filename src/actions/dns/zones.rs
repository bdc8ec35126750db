//! `dns.zones.list`: the zones LiveDNS serves for the account.

use schemars::JsonSchema;
use serde::Serialize;

use crate::actions::common::{unicode_if_different, ListParams};
use crate::catalog::{Action, Permission, Reads, Route, Step};
use crate::error::SkillResult;
use crate::gandi::livedns::ZoneItem;
use crate::safety::Class;

crate::list_params! {
    pub struct ZonesListParams {}
}

#[derive(Serialize, JsonSchema)]
pub struct ZoneList {
    pub zones: Vec<Zone>,
}

#[derive(Serialize, JsonSchema)]
pub struct Zone {
    pub fqdn: String,
    /// The Unicode form, only when it differs from `fqdn` (an IDN).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fqdn_unicode: Option<String>,
}

pub struct List;

impl Action for List {
    const NAME: &'static str = "dns.zones.list";
    const CLASS: Class = Class::Read;
    const PERMISSION: Permission = Permission::DnsRead;
    const ROUTES: &'static [Route] = &[Route::get("/v5/livedns/domains", Permission::DnsRead)];
    const SUMMARY: &'static str = "The zones LiveDNS serves for the account.";
    const EXAMPLE: &'static str = r#"{"action":"dns.zones.list"}"#;
    type Params = ZonesListParams;
    type Output = ZoneList;
    crate::read_only_action!();

    fn plan(cx: &mut Reads, p: ZonesListParams) -> SkillResult<Step<Self>> {
        let listing = cx.list_map("livedns/domains", &[], p.paging()?, |z: ZoneItem| Zone {
            fqdn_unicode: unicode_if_different(&z.fqdn),
            fqdn: z.fqdn,
        })?;
        cx.listed(listing.total_count, listing.pages_fetched);
        Ok(Step::Done(ZoneList {
            zones: listing.items,
        }))
    }
}
