//! Email API wire formats: forwards, mailboxes (list item and detail, with
//! aliases and the auto-responder) and mailbox slots.

use serde::Deserialize;

/// One forward of `GET /email/forwards/{domain}`.
#[derive(Debug, Clone, Deserialize)]
pub struct Forward {
    /// The local part (`alice`), `*` for the catch-all.
    pub source: String,
    #[serde(default)]
    pub destinations: Vec<String>,
}

/// `autorenew` of a mailbox.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct MailboxAutorenew {
    #[serde(default)]
    pub enabled: Option<bool>,
    #[serde(default)]
    pub duration: Option<u32>,
    /// `m` (months).
    #[serde(default)]
    pub duration_type: Option<String>,
}

/// The auto-responder of a mailbox.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct Responder {
    #[serde(default)]
    pub enabled: Option<bool>,
    #[serde(default)]
    pub message: Option<String>,
    #[serde(default)]
    pub starts_at: Option<String>,
    #[serde(default)]
    pub ends_at: Option<String>,
}

/// A mailbox: the list item, and the detail's extra `aliases` and
/// `responder` (absent from list items).
#[derive(Debug, Clone, Deserialize)]
pub struct Mailbox {
    pub id: String,
    #[serde(default)]
    pub login: Option<String>,
    #[serde(default)]
    pub address: Option<String>,
    #[serde(default)]
    pub domain: Option<String>,
    /// `standard`, `premium`, `standard_2023`, `premium_2023`.
    #[serde(default)]
    pub mailbox_type: Option<String>,
    #[serde(default)]
    pub quota_used: Option<u64>,
    #[serde(default)]
    pub alias_count: Option<u64>,
    #[serde(default)]
    pub antispam: Option<bool>,
    #[serde(default)]
    pub expires_at: Option<String>,
    #[serde(default)]
    pub autorenew: Option<MailboxAutorenew>,
    #[serde(default)]
    pub aliases: Option<Vec<String>>,
    #[serde(default)]
    pub responder: Option<Responder>,
}

/// One slot of `GET /email/slots/{domain}`: a paid place for one mailbox.
#[derive(Debug, Clone, Deserialize)]
pub struct Slot {
    pub id: u64,
    /// `inactive`: no mailbox uses it (free); `active`: a mailbox uses it.
    #[serde(default)]
    pub status: Option<String>,
    /// Storage in MB.
    #[serde(default)]
    pub capacity: Option<u64>,
    #[serde(default)]
    pub mailbox_type: Option<String>,
    #[serde(default)]
    pub refundable: Option<bool>,
    #[serde(default)]
    pub created_at: Option<String>,
}

impl Slot {
    /// Whether a new mailbox can take this slot.
    pub fn is_free(&self) -> bool {
        self.status.as_deref() == Some("inactive")
    }
}
