//! `domains.contacts.get`: a domain's four contacts (owner, admin, bill,
//! tech; `bill` is Gandi's word) as Gandi holds them.

use schemars::JsonSchema;
use serde::Serialize;

use super::settings::DomainName;
use super::DomainParams;
use crate::catalog::{Action, Permission, Reads, Route, Step};
use crate::error::SkillResult;
use crate::gandi::domain::{ContactWire, Contacts as ContactsWire};
use crate::safety::Class;

/// A domain's contacts.
#[derive(Serialize, JsonSchema)]
pub struct DomainContacts {
    #[serde(flatten)]
    pub name: DomainName,
    /// The registrant: the legal holder of the domain.
    pub owner: Option<Contact>,
    /// The administrative contact.
    pub admin: Option<Contact>,
    /// The billing contact (Gandi calls it `bill`).
    pub bill: Option<Contact>,
    /// The technical contact.
    pub tech: Option<Contact>,
}

/// One contact; fields Gandi leaves out are left out.
#[derive(Serialize, JsonSchema)]
pub struct Contact {
    /// `individual`, `company`, `association`, `publicbody` or `reseller`.
    #[serde(rename = "type", skip_serializing_if = "Option::is_none")]
    pub contact_type: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub given: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub family: Option<String>,
    /// The organization's name (companies, associations, public bodies).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub orgname: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// `+CC.NUMBER`, e.g. `+33.123456789`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mobile: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fax: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub streetaddr: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub city: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub zip: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub state: Option<String>,
    /// ISO 3166 alpha-2 code.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub country: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lang: Option<String>,
    /// For admin, bill and tech: whether it is the owner's data.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub same_as_owner: Option<bool>,
    /// WHOIS privacy: whether the postal data is hidden.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub data_obfuscated: Option<bool>,
    /// WHOIS privacy: whether the e-mail address is hidden.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mail_obfuscated: Option<bool>,
}

/// go-gandi's integer contact types, in Gandi's words.
fn contact_type(raw: crate::gandi::domain::StringOrNumber) -> String {
    use crate::gandi::domain::StringOrNumber;
    match raw {
        StringOrNumber::String(s) => s,
        StringOrNumber::Number(n) => match n {
            0 => "individual".to_string(),
            1 => "company".to_string(),
            2 => "association".to_string(),
            3 => "publicbody".to_string(),
            4 => "reseller".to_string(),
            other => other.to_string(),
        },
    }
}

impl From<ContactWire> for Contact {
    fn from(c: ContactWire) -> Contact {
        Contact {
            contact_type: c.contact_type.map(contact_type),
            given: c.given,
            family: c.family,
            orgname: c.orgname.filter(|o| !o.is_empty()),
            email: c.email,
            phone: c.phone,
            mobile: c.mobile,
            fax: c.fax,
            streetaddr: c.streetaddr,
            city: c.city,
            zip: c.zip,
            state: c.state,
            country: c.country,
            lang: c.lang,
            same_as_owner: c.same_as_owner,
            data_obfuscated: c.data_obfuscated,
            mail_obfuscated: c.mail_obfuscated,
        }
    }
}

pub struct Get;

impl Action for Get {
    const NAME: &'static str = "domains.contacts.get";
    const CLASS: Class = Class::Read;
    const PERMISSION: Permission = Permission::DomainRead;
    const ROUTES: &'static [Route] = &[Route::get(
        "/v5/domain/domains/{domain}/contacts",
        Permission::DomainRead,
    )];
    const SUMMARY: &'static str =
        "A domain's contacts: owner, admin, bill (billing) and tech, with their WHOIS privacy.";
    const EXAMPLE: &'static str = r#"{"action":"domains.contacts.get","domain":"example.com"}"#;
    type Params = DomainParams;
    type Output = DomainContacts;
    crate::read_only_action!();

    fn plan(cx: &mut Reads, p: DomainParams) -> SkillResult<Step<Self>> {
        let name = DomainName::parse(&p.domain)?;
        let c: ContactsWire = cx.get(&name.path("/contacts"), &[])?;
        Ok(Step::Done(DomainContacts {
            name,
            owner: c.owner.map(Contact::from),
            admin: c.admin.map(Contact::from),
            bill: c.bill.map(Contact::from),
            tech: c.tech.map(Contact::from),
        }))
    }
}
