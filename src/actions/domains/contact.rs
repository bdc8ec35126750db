//! The owner contact of a registration or transfer: its fields (Gandi's
//! names), the checks made before any request (each refusal names the
//! field), `<config>/contact.json` (0600, written atomically, refused when
//! others could change it) and `domains.contact.save`, which writes it and
//! sends nothing to Gandi.

use std::path::{Path, PathBuf};

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::catalog::{Action, Permission, Planned, Reads, Route, Step, Writes};
use crate::error::{ErrorCode, SkillError, SkillResult};
use crate::safety::plan::StateDigest;
use crate::safety::Class;

const CONTACT_FILE: &str = "contact.json";
const MAX_CONTACT_BYTES: u64 = 64 * 1024;
const CONTACT_TYPES: [&str; 4] = ["individual", "company", "association", "publicbody"];

/// ISO 3166-1 alpha-2: every assigned code.
const COUNTRIES: &str = "AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS BT BV BW BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP KE KG KH KI KM KN KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW PY QA RE RO RS RU RW SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG UM US UY UZ VA VC VE VG VI VN VU WF WS YE YT ZA ZM ZW";

/// An owner contact, with Gandi's field names.
#[derive(Clone, Debug, PartialEq, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Contact {
    /// First name.
    pub given: String,
    /// Last name.
    pub family: String,
    pub email: String,
    /// Street address.
    pub streetaddr: String,
    pub city: String,
    /// Postal code.
    pub zip: String,
    /// ISO 3166-1 alpha-2 country code, e.g. `FR`, `GB`, `US`.
    pub country: String,
    /// `+CC.NUMBER`, e.g. `+33.123456789`.
    pub phone: String,
    /// `individual`, `company`, `association` or `publicbody`.
    #[serde(rename = "type")]
    pub contact_type: String,
    /// The organization's name: required unless `type` is `individual`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub orgname: Option<String>,
    /// ISO 3166-2 subdivision, e.g. `FR-IDF`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub state: Option<String>,
    /// Language for Gandi's messages to the owner, e.g. `en`, `fr`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lang: Option<String>,
    /// `+CC.NUMBER`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mobile: Option<String>,
    /// `+CC.NUMBER`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fax: Option<String>,
    /// Hide the owner's data in the public WHOIS (Gandi's default: true).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub data_obfuscated: Option<bool>,
    /// Hide the owner's e-mail in the public WHOIS (Gandi's default: true).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mail_obfuscated: Option<bool>,
    /// Extra data some TLDs require, as Gandi names it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub extra_parameters: Option<Map<String, Value>>,
}

/// Where an order's owner contact came from.
#[derive(Clone, Debug, Serialize, JsonSchema)]
pub struct ContactSource {
    /// `request` (the `contact` parameter) or `file` (`<config>/contact.json`).
    pub from: String,
    /// The file, when it came from one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub file: Option<String>,
}

fn text_ok(s: &str, max: usize) -> bool {
    !s.trim().is_empty() && s.chars().count() <= max && !s.chars().any(char::is_control)
}

/// `+CC.NUMBER`: 1 to 3 digits of country code, then 4 to 14 digits.
fn phone_ok(s: &str) -> bool {
    let Some(rest) = s.strip_prefix('+') else {
        return false;
    };
    let Some((cc, number)) = rest.split_once('.') else {
        return false;
    };
    let digits = |t: &str, min: usize, max: usize| {
        (min..=max).contains(&t.len()) && t.bytes().all(|b| b.is_ascii_digit())
    };
    digits(cc, 1, 3) && digits(number, 4, 14)
}

fn email_ok(s: &str) -> bool {
    let Some((local, domain)) = s.rsplit_once('@') else {
        return false;
    };
    s.len() <= 254
        && !local.is_empty()
        && !local.contains('@')
        && !s.chars().any(|c| c.is_whitespace() || c.is_control())
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
}

impl Contact {
    /// Trims the text fields and upper-cases the country (and state) code.
    fn normalized(mut self) -> Contact {
        for f in [
            &mut self.given,
            &mut self.family,
            &mut self.email,
            &mut self.streetaddr,
            &mut self.city,
            &mut self.zip,
            &mut self.phone,
        ] {
            *f = f.trim().to_string();
        }
        self.country = self.country.trim().to_ascii_uppercase();
        self.contact_type = self.contact_type.trim().to_ascii_lowercase();
        for f in [
            &mut self.orgname,
            &mut self.lang,
            &mut self.mobile,
            &mut self.fax,
        ]
        .into_iter()
        .flatten()
        {
            *f = f.trim().to_string();
        }
        if let Some(s) = &mut self.state {
            *s = s.trim().to_ascii_uppercase();
        }
        self
    }

    /// Each field that Gandi would refuse, with what it wants.
    fn problems(&self) -> Vec<(&'static str, String)> {
        let mut out: Vec<(&'static str, String)> = Vec::new();
        let mut need = |field: &'static str, ok: bool, expected: &str| {
            if !ok {
                out.push((field, expected.to_string()));
            }
        };
        need(
            "given",
            text_ok(&self.given, 100),
            "the first name (1 to 100 characters)",
        );
        need(
            "family",
            text_ok(&self.family, 100),
            "the last name (1 to 100 characters)",
        );
        need(
            "email",
            email_ok(&self.email),
            "an e-mail address such as jane@example.com",
        );
        need(
            "streetaddr",
            text_ok(&self.streetaddr, 255),
            "the street address",
        );
        need("city", text_ok(&self.city, 100), "the city");
        need("zip", text_ok(&self.zip, 20), "the postal code");
        let country_ok = self.country.len() == 2 && COUNTRIES.split(' ').any(|c| c == self.country);
        let country_expected = match self.country.as_str() {
            "UK" => "an ISO 3166-1 alpha-2 country code: GB for the United Kingdom",
            "EL" => "an ISO 3166-1 alpha-2 country code: GR for Greece",
            _ => "an ISO 3166-1 alpha-2 country code such as FR, GB, DE or US",
        };
        need("country", country_ok, country_expected);
        need(
            "phone",
            phone_ok(&self.phone),
            "`+CC.NUMBER`: a plus, the country calling code, a dot, then the number's digits, e.g. +33.123456789",
        );
        need(
            "type",
            CONTACT_TYPES.contains(&self.contact_type.as_str()),
            "`individual`, `company`, `association` or `publicbody`",
        );
        let organization = self.contact_type != "individual";
        match &self.orgname {
            Some(o) => need("orgname", text_ok(o, 100), "the organization's name (1 to 100 characters)"),
            None => need(
                "orgname",
                !organization,
                "the organization's name: required when `type` is company, association or publicbody",
            ),
        }
        if let Some(s) = &self.state {
            let ok = s.len() <= 6
                && s.get(2..3) == Some("-")
                && s.get(..2)
                    .is_some_and(|c| c.bytes().all(|b| b.is_ascii_uppercase()))
                && s.get(3..)
                    .is_some_and(|r| !r.is_empty() && r.bytes().all(|b| b.is_ascii_alphanumeric()));
            need("state", ok, "an ISO 3166-2 subdivision code such as FR-IDF");
        }
        if let Some(l) = &self.lang {
            let ok = (2..=7).contains(&l.len())
                && l.bytes().all(|b| b.is_ascii_lowercase() || b == b'-');
            need("lang", ok, "a language code such as en or fr");
        }
        for (field, value) in [("mobile", &self.mobile), ("fax", &self.fax)] {
            if let Some(v) = value {
                need(field, phone_ok(v), "`+CC.NUMBER`, e.g. +33.123456789");
            }
        }
        out
    }

    /// The contact, normalized, or one refusal naming every bad field
    /// (`<prefix>.<field>`).
    pub fn checked(self, prefix: &str) -> SkillResult<Contact> {
        let c = self.normalized();
        let problems = c.problems();
        let Some((first, expected)) = problems.first() else {
            return Ok(c);
        };
        let field = format!("{prefix}.{first}");
        let mut err = SkillError::invalid_param(&field, None, expected);
        if problems.len() > 1 {
            let all: Vec<String> = problems
                .iter()
                .map(|(f, e)| format!("`{prefix}.{f}`: {e}"))
                .collect();
            err.message = format!("the owner contact is not valid: {}", all.join("; "));
            err = err.with_detail(
                "fields",
                problems
                    .iter()
                    .map(|(f, _)| Value::from(format!("{prefix}.{f}")))
                    .collect::<Vec<_>>(),
            );
        }
        Err(err)
    }
}

/// `<config>/contact.json`.
pub fn contact_file(cx: &Reads) -> SkillResult<PathBuf> {
    Ok(crate::auth::config_dir(cx.env())?.join(CONTACT_FILE))
}

fn file_refused(path: &Path, why: &str, fix: &str) -> SkillError {
    SkillError::new(
        ErrorCode::ConfigInvalid,
        format!(
            "the saved owner contact {} is refused: {why}",
            path.display()
        ),
    )
    .with_detail("path", path.display().to_string())
    .with_hint(fix.to_string())
}

/// The saved contact, when there is one. A file others could write is
/// refused: whoever edits it chooses who owns the next registration.
fn read_saved(path: &Path) -> SkillResult<Option<Contact>> {
    let meta =
        match std::fs::metadata(path) {
            Ok(m) => m,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(file_refused(
                path,
                &format!("it cannot be read ({})", e.kind()),
                "fix the file's permissions, or save the contact again with domains.contact.save",
            )),
        };
    let save_again = "save the contact again with domains.contact.save";
    if !meta.is_file() || meta.len() > MAX_CONTACT_BYTES {
        return Err(file_refused(
            path,
            "it is not a small regular file",
            save_again,
        ));
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        if meta.permissions().mode() & 0o022 != 0 {
            return Err(file_refused(
                path,
                "others can write it, so they could choose the owner of the next registration",
                &format!("run: chmod 600 {}", path.display()),
            ));
        }
    }
    let bytes = std::fs::read(path).map_err(|e| {
        file_refused(
            path,
            &format!("it cannot be read ({})", e.kind()),
            save_again,
        )
    })?;
    let contact: Contact = serde_json::from_slice(&bytes)
        .map_err(|e| file_refused(path, &format!("it is not a contact ({e})"), save_again))?;
    Ok(Some(contact))
}

/// The owner contact of an order: the request's `contact`, else the saved
/// one, checked either way before any request.
pub fn owner(cx: &Reads, inline: Option<Contact>) -> SkillResult<(Contact, ContactSource)> {
    if let Some(c) = inline {
        return Ok((
            c.checked("contact")?,
            ContactSource {
                from: "request".into(),
                file: None,
            },
        ));
    }
    let path = contact_file(cx)?;
    match read_saved(&path)? {
        Some(c) => Ok((
            c.checked("contact")?,
            ContactSource {
                from: "file".into(),
                file: Some(path.display().to_string()),
            },
        )),
        None => Err(SkillError::invalid_param(
            "contact",
            None,
            &format!(
                "the owner contact (given, family, email, streetaddr, city, zip, country, phone, type; orgname for an organization), or one saved with domains.contact.save (none in {})",
                path.display()
            ),
        )),
    }
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ContactSaveParams {
    /// The owner contact to save for later registrations and transfers.
    pub contact: Contact,
}

/// What saving would do.
#[derive(Serialize, JsonSchema)]
pub struct ContactSavePreview {
    /// The file written (mode 0600).
    pub file: String,
    /// Whether a saved contact is replaced.
    pub replaces: bool,
    pub contact: Contact,
}

#[derive(Serialize, JsonSchema)]
pub struct ContactSaved {
    /// The file now holding the contact (mode 0600).
    pub file: String,
    /// Whether a saved contact was replaced.
    pub replaced: bool,
    pub contact: Contact,
}

pub struct SavePending {
    path: PathBuf,
    contact: Contact,
    replaces: bool,
}

pub struct ContactSave;

impl Action for ContactSave {
    const NAME: &'static str = "domains.contact.save";
    const CLASS: Class = Class::Write;
    const PERMISSION: Permission = Permission::None;
    const ROUTES: &'static [Route] = &[];
    const SUMMARY: &'static str =
        "Checks an owner contact and saves it in <config>/contact.json (0600) for domains.register and domains.transfer; sends nothing to Gandi.";
    const EXAMPLE: &'static str = r#"{"action":"domains.contact.save","contact":{"given":"John","family":"Doe","email":"jdoe@example.org","streetaddr":"5 rue Neuve","city":"Paris","zip":"75001","country":"FR","phone":"+33.123456789","type":"individual"}}"#;
    type Params = ContactSaveParams;
    type Output = ContactSaved;
    type Preview = ContactSavePreview;
    type Pending = SavePending;

    fn plan(cx: &mut Reads, p: ContactSaveParams) -> SkillResult<Step<Self>> {
        let contact = p.contact.checked("contact")?;
        let path = contact_file(cx)?;
        let replaces = path.exists();
        let preview = ContactSavePreview {
            file: path.display().to_string(),
            replaces,
            contact: contact.clone(),
        };
        let message = format!("This saves the owner contact in {}.", path.display());
        let state = StateDigest::of(&contact);
        Ok(Step::Change(Planned::new(
            message,
            preview,
            state,
            SavePending {
                path,
                contact,
                replaces,
            },
        )))
    }

    fn apply(_cx: &mut Writes, p: SavePending) -> SkillResult<ContactSaved> {
        let dir = p.path.parent().unwrap_or(Path::new("."));
        let fail = |e: std::io::Error| {
            SkillError::new(
                ErrorCode::ConfigInvalid,
                format!(
                    "the contact could not be saved in {}: {}",
                    p.path.display(),
                    e.kind()
                ),
            )
            .with_hint("fix the configuration folder's permissions, then save again")
        };
        crate::auth::create_private_dir(dir).map_err(fail)?;
        let mut bytes = serde_json::to_vec_pretty(&p.contact)
            .map_err(|e| SkillError::internal(format!("contact: {e}")))?;
        bytes.push(b'\n');
        crate::auth::write_private(&p.path, &bytes).map_err(fail)?;
        Ok(ContactSaved {
            file: p.path.display().to_string(),
            replaced: p.replaces,
            contact: p.contact,
        })
    }
}
