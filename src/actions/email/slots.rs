//! Mailbox slots: `email.slots.list`, and the read of a domain's slots that
//! mailbox creation checks first (a mailbox needs a free slot of its type).

use schemars::JsonSchema;
use serde::Serialize;

use super::{email_path, mail_domain};
use crate::actions::common::ListParams;
use crate::catalog::{Action, Permission, Reads, Route, Step};
use crate::client::Paging;
use crate::error::SkillResult;
use crate::gandi::email::Slot;
use crate::safety::Class;

pub(crate) const SLOTS_ROUTE: Route = Route::get("/v5/email/slots/{domain}", Permission::EmailRead);

crate::list_params! {
    pub struct SlotsListParams {
        /// The domain, Unicode or ASCII form.
        pub domain: String,
    }
}

#[derive(Serialize, JsonSchema)]
pub struct SlotList {
    pub domain: String,
    /// How many slots no mailbox uses (a new mailbox of their type can take one).
    pub free_slots: usize,
    pub slots: Vec<SlotInfo>,
}

#[derive(Serialize, JsonSchema)]
pub struct SlotInfo {
    pub id: u64,
    /// The mailbox type it is paid for (`standard`, `premium`, ...).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mailbox_type: Option<String>,
    /// `inactive`: free (no mailbox uses it); `active`: a mailbox uses it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    /// Storage in MB.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub capacity_mb: Option<u64>,
    /// Whether Gandi would refund it if given back.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub refundable: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub created_at: Option<String>,
}

/// Every slot of `domain`.
pub(crate) fn read_slots(cx: &mut Reads, domain: &str) -> SkillResult<Vec<Slot>> {
    Ok(cx
        .list::<Slot>(&email_path("slots", domain, None), &[], Paging::All)?
        .items)
}

pub struct List;

impl Action for List {
    const NAME: &'static str = "email.slots.list";
    const CLASS: Class = Class::Read;
    const PERMISSION: Permission = Permission::EmailRead;
    const ROUTES: &'static [Route] = &[SLOTS_ROUTE];
    const SUMMARY: &'static str =
        "The domain's mailbox slots (paid places for mailboxes): type, storage, free or in use.";
    const EXAMPLE: &'static str = r#"{"action":"email.slots.list","domain":"example.com"}"#;
    type Params = SlotsListParams;
    type Output = SlotList;
    crate::read_only_action!();

    fn plan(cx: &mut Reads, p: SlotsListParams) -> SkillResult<Step<Self>> {
        let domain = mail_domain(&p.domain)?;
        let listing = cx.list::<Slot>(&email_path("slots", &domain, None), &[], p.paging()?)?;
        cx.listed(listing.total_count, listing.pages_fetched);
        let free_slots = listing.items.iter().filter(|s| s.is_free()).count();
        let slots = listing
            .items
            .into_iter()
            .map(|s| SlotInfo {
                id: s.id,
                mailbox_type: s.mailbox_type,
                status: s.status,
                capacity_mb: s.capacity,
                refundable: s.refundable,
                created_at: s.created_at,
            })
            .collect();
        Ok(Step::Done(SlotList {
            domain,
            free_slots,
            slots,
        }))
    }
}
