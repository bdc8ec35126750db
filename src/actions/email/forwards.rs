//! E-mail forwards: list, create (a new source, the catch-all `*`
//! included), set (replace a forward's destinations) and delete. `set` and
//! `delete` preview the forward's current and new destinations, and their
//! plan binds the current ones.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::json;
use ureq::http::Method;

use super::{address, email_path, local_part, mail_domain};
use crate::actions::common::ListParams;
use crate::catalog::{Action, Permission, Planned, Reads, Route, Step, Writes};
use crate::client::{Body, Paging};
use crate::error::{ErrorCode, SkillError, SkillResult};
use crate::gandi::email::Forward;
use crate::safety::plan::StateDigest;
use crate::safety::Class;

const LIST_ROUTE: Route = Route::get("/v5/email/forwards/{domain}", Permission::EmailRead);

/// At most this many destinations in one forward (a guard against a
/// pasted list gone wrong; Gandi documents no limit).
const MAX_DESTINATIONS: usize = 100;

crate::list_params! {
    pub struct ForwardsListParams {
        /// The domain, Unicode or ASCII form.
        pub domain: String,
    }
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ForwardParams {
    /// The domain, Unicode or ASCII form.
    pub domain: String,
    /// The local part of the forwarded address (`info` for info@example.com), or `*` for the catch-all.
    pub source: String,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ForwardSetParams {
    /// The domain, Unicode or ASCII form.
    pub domain: String,
    /// The local part of the forwarded address (`info` for info@example.com), or `*` for the catch-all.
    pub source: String,
    /// The addresses mail is forwarded to (1 to 100), e.g. `["alice@example.net"]`.
    pub destinations: Vec<String>,
}

#[derive(Serialize, JsonSchema)]
pub struct ForwardList {
    pub domain: String,
    pub forwards: Vec<ForwardInfo>,
}

#[derive(Clone, Serialize, JsonSchema)]
pub struct ForwardInfo {
    /// The local part (`*` is the catch-all).
    pub source: String,
    pub destinations: Vec<String>,
}

/// A forward before and after a change (the preview, and the result).
#[derive(Serialize, JsonSchema)]
pub struct ForwardChange {
    pub domain: String,
    pub source: String,
    /// The forwarded address (`*@domain`: every address without a mailbox or forward).
    pub address: String,
    /// The destinations now; null when there is no such forward.
    pub before: Option<Vec<String>>,
    /// The destinations after the change; null when the forward is deleted.
    pub after: Option<Vec<String>>,
    /// Destinations the change adds.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub added: Vec<String>,
    /// Destinations that stop receiving this mail.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub removed: Vec<String>,
}

impl ForwardChange {
    fn new(
        domain: &str,
        source: &str,
        before: Option<Vec<String>>,
        after: Option<Vec<String>>,
    ) -> ForwardChange {
        let empty = Vec::new();
        let (b, a) = (
            before.as_ref().unwrap_or(&empty),
            after.as_ref().unwrap_or(&empty),
        );
        let missing = |from: &[String], other: &[String]| {
            from.iter()
                .filter(|d| !other.iter().any(|o| o.eq_ignore_ascii_case(d)))
                .cloned()
                .collect()
        };
        ForwardChange {
            domain: domain.to_string(),
            source: source.to_string(),
            address: format!("{source}@{domain}"),
            added: missing(a, b),
            removed: missing(b, a),
            before,
            after,
        }
    }

    fn unchanged(&self) -> bool {
        self.added.is_empty()
            && self.removed.is_empty()
            && self.before.is_some() == self.after.is_some()
    }
}

/// The checked domain and source of a forward request.
fn target(domain: &str, source: &str) -> SkillResult<(String, String)> {
    let domain = mail_domain(domain)?;
    let source = local_part("source", source, &domain, true)?;
    Ok((domain, source))
}

/// The destinations, checked and without repeats.
fn destinations(list: &[String], domain: &str, source: &str) -> SkillResult<Vec<String>> {
    if list.is_empty() || list.len() > MAX_DESTINATIONS {
        return Err(SkillError::invalid_param(
            "destinations",
            None,
            &format!("1 to {MAX_DESTINATIONS} e-mail addresses, e.g. [\"alice@example.net\"] (to stop forwarding, use email.forwards.delete)"),
        ));
    }
    let own = format!("{source}@{domain}");
    let mut out: Vec<String> = Vec::new();
    for d in list {
        let a = address("destinations", d)?;
        if a.eq_ignore_ascii_case(&own) {
            return Err(SkillError::invalid_param(
                "destinations",
                Some(d),
                "addresses other than the forwarded one (a forward to itself loops)",
            ));
        }
        if !out.iter().any(|o| o.eq_ignore_ascii_case(&a)) {
            out.push(a);
        }
    }
    Ok(out)
}

/// The forwards of `domain`, every page (`source` narrows the read).
fn read_forwards(
    cx: &mut Reads,
    domain: &str,
    source: Option<&str>,
) -> SkillResult<(Vec<Forward>, u32)> {
    let mut query = vec![("sort_by", "source".to_string())];
    // Gandi's `source` filter is a pattern: `*` would match every forward.
    if let Some(s) = source.filter(|s| *s != "*") {
        query.push(("source", s.to_string()));
    }
    let listing = cx.list::<Forward>(&email_path("forwards", domain, None), &query, Paging::All)?;
    Ok((listing.items, listing.pages_fetched))
}

/// The forward of `source`, if there is one.
fn find_forward(cx: &mut Reads, domain: &str, source: &str) -> SkillResult<Option<Forward>> {
    let (all, _) = read_forwards(cx, domain, Some(source))?;
    Ok(all
        .into_iter()
        .find(|f| f.source.eq_ignore_ascii_case(source)))
}

fn no_forward(domain: &str, source: &str) -> SkillError {
    SkillError::new(
        ErrorCode::NotFound,
        format!("{domain} has no forward for {source}@{domain}; nothing was changed"),
    )
    .with_detail("domain", domain)
    .with_detail("source", source)
    .with_hint(format!(
        "email.forwards.list shows the forwards of {domain}; email.forwards.create makes a new one"
    ))
}

pub struct List;

impl Action for List {
    const NAME: &'static str = "email.forwards.list";
    const CLASS: Class = Class::Read;
    const PERMISSION: Permission = Permission::EmailRead;
    const ROUTES: &'static [Route] = &[LIST_ROUTE];
    const SUMMARY: &'static str =
        "The domain's e-mail forwards (source local part, `*` for the catch-all, and destinations).";
    const EXAMPLE: &'static str = r#"{"action":"email.forwards.list","domain":"example.com"}"#;
    type Params = ForwardsListParams;
    type Output = ForwardList;
    crate::read_only_action!();

    fn plan(cx: &mut Reads, p: ForwardsListParams) -> SkillResult<Step<Self>> {
        let domain = mail_domain(&p.domain)?;
        let query = [("sort_by", "source".to_string())];
        let listing =
            cx.list::<Forward>(&email_path("forwards", &domain, None), &query, p.paging()?)?;
        cx.listed(listing.total_count, listing.pages_fetched);
        let forwards = listing
            .items
            .into_iter()
            .map(|f| ForwardInfo {
                source: f.source,
                destinations: f.destinations,
            })
            .collect();
        Ok(Step::Done(ForwardList { domain, forwards }))
    }
}

/// What `apply` sends for a forward change.
pub struct ForwardPending {
    domain: String,
    source: String,
    before: Option<Vec<String>>,
    after: Option<Vec<String>>,
}

impl ForwardPending {
    fn result(self) -> ForwardChange {
        ForwardChange::new(&self.domain, &self.source, self.before, self.after)
    }
}

pub struct Create;

impl Action for Create {
    const NAME: &'static str = "email.forwards.create";
    const CLASS: Class = Class::Write;
    const PERMISSION: Permission = Permission::EmailWrite;
    const ROUTES: &'static [Route] = &[
        LIST_ROUTE,
        Route::write(
            "POST",
            "/v5/email/forwards/{domain}",
            Permission::EmailWrite,
        ),
    ];
    const SUMMARY: &'static str =
        "Creates a forward from source@domain (`*`: the catch-all) to one or more addresses.";
    const EXAMPLE: &'static str = r#"{"action":"email.forwards.create","domain":"example.com","source":"contact","destinations":["jdoe@example.org"]}"#;
    type Params = ForwardSetParams;
    type Output = ForwardChange;
    type Preview = ForwardChange;
    type Pending = ForwardPending;

    fn plan(cx: &mut Reads, p: ForwardSetParams) -> SkillResult<Step<Self>> {
        let (domain, source) = target(&p.domain, &p.source)?;
        let after = destinations(&p.destinations, &domain, &source)?;
        if let Some(existing) = find_forward(cx, &domain, &source)? {
            return Err(SkillError::new(
                ErrorCode::Conflict,
                format!(
                    "{source}@{domain} already forwards to {}; nothing was changed",
                    existing.destinations.join(", ")
                ),
            )
            .with_detail("source", source.as_str())
            .with_detail("destinations", existing.destinations.clone())
            .with_hint(
                "to change where it goes, use email.forwards.set (it shows the change first)",
            ));
        }
        if source == "*" {
            cx.warn(format!(
                "a catch-all forward receives mail for every address of {domain} that has no mailbox or forward, spam included"
            ));
        }
        let preview = ForwardChange::new(&domain, &source, None, Some(after.clone()));
        let message = format!("This forwards {source}@{domain} to {}.", after.join(", "));
        let state = StateDigest::of(&(&domain, &source));
        let pending = ForwardPending {
            domain: domain.clone(),
            source,
            before: None,
            after: Some(after),
        };
        Ok(Step::Change(
            Planned::new(message, preview, state, pending).touching(&domain),
        ))
    }

    fn apply(cx: &mut Writes, p: ForwardPending) -> SkillResult<ForwardChange> {
        let body = json!({"source": p.source, "destinations": p.after});
        cx.send(
            Method::POST,
            &email_path("forwards", &p.domain, None),
            Body::Json(&body),
            &[],
        )?;
        Ok(p.result())
    }
}

pub struct Set;

impl Action for Set {
    const NAME: &'static str = "email.forwards.set";
    const CLASS: Class = Class::Destructive;
    const PERMISSION: Permission = Permission::EmailWrite;
    const ROUTES: &'static [Route] = &[
        LIST_ROUTE,
        Route::write(
            "PUT",
            "/v5/email/forwards/{domain}/{source}",
            Permission::EmailWrite,
        ),
    ];
    const SUMMARY: &'static str =
        "Replaces a forward's destinations, previewing the current and new ones.";
    const EXAMPLE: &'static str = r#"{"action":"email.forwards.set","domain":"example.com","source":"sales","destinations":["alice@example.net"]}"#;
    type Params = ForwardSetParams;
    type Output = ForwardChange;
    type Preview = ForwardChange;
    type Pending = ForwardPending;

    fn plan(cx: &mut Reads, p: ForwardSetParams) -> SkillResult<Step<Self>> {
        let (domain, source) = target(&p.domain, &p.source)?;
        let after = destinations(&p.destinations, &domain, &source)?;
        let current =
            find_forward(cx, &domain, &source)?.ok_or_else(|| no_forward(&domain, &source))?;
        let preview = ForwardChange::new(
            &domain,
            &source,
            Some(current.destinations.clone()),
            Some(after.clone()),
        );
        if preview.unchanged() {
            return Ok(Step::Done(preview));
        }
        let mut message = format!(
            "This makes {source}@{domain} forward to {} instead of {}.",
            after.join(", "),
            current.destinations.join(", ")
        );
        if !preview.removed.is_empty() {
            message.push_str(&format!(
                " {} will no longer receive this mail.",
                preview.removed.join(", ")
            ));
        }
        let state = StateDigest::of(&(&domain, &source, &current.destinations));
        let pending = ForwardPending {
            domain: domain.clone(),
            source,
            before: Some(current.destinations),
            after: Some(after),
        };
        Ok(Step::Change(
            Planned::new(message, preview, state, pending).touching(&domain),
        ))
    }

    fn apply(cx: &mut Writes, p: ForwardPending) -> SkillResult<ForwardChange> {
        let body = json!({"destinations": p.after});
        cx.send(
            Method::PUT,
            &email_path("forwards", &p.domain, Some(&p.source)),
            Body::Json(&body),
            &[],
        )?;
        Ok(p.result())
    }
}

pub struct Delete;

impl Action for Delete {
    const NAME: &'static str = "email.forwards.delete";
    const CLASS: Class = Class::Destructive;
    const PERMISSION: Permission = Permission::EmailWrite;
    const ROUTES: &'static [Route] = &[
        LIST_ROUTE,
        Route::write(
            "DELETE",
            "/v5/email/forwards/{domain}/{source}",
            Permission::EmailWrite,
        ),
    ];
    const SUMMARY: &'static str =
        "Deletes a forward, previewing the destinations that stop receiving its mail.";
    const EXAMPLE: &'static str =
        r#"{"action":"email.forwards.delete","domain":"example.com","source":"info"}"#;
    type Params = ForwardParams;
    type Output = ForwardChange;
    type Preview = ForwardChange;
    type Pending = ForwardPending;

    fn plan(cx: &mut Reads, p: ForwardParams) -> SkillResult<Step<Self>> {
        let (domain, source) = target(&p.domain, &p.source)?;
        let current =
            find_forward(cx, &domain, &source)?.ok_or_else(|| no_forward(&domain, &source))?;
        let preview =
            ForwardChange::new(&domain, &source, Some(current.destinations.clone()), None);
        let message = format!(
            "This deletes the forward of {source}@{domain}: {} will no longer receive its mail{}.",
            current.destinations.join(", "),
            if source == "*" {
                " (mail to addresses without a mailbox or forward will bounce)"
            } else {
                ""
            }
        );
        let state = StateDigest::of(&(&domain, &source, &current.destinations));
        let pending = ForwardPending {
            domain: domain.clone(),
            source,
            before: Some(current.destinations),
            after: None,
        };
        Ok(Step::Change(
            Planned::new(message, preview, state, pending).touching(&domain),
        ))
    }

    fn apply(cx: &mut Writes, p: ForwardPending) -> SkillResult<ForwardChange> {
        cx.send(
            Method::DELETE,
            &email_path("forwards", &p.domain, Some(&p.source)),
            Body::None,
            &[],
        )?;
        Ok(p.result())
    }
}
