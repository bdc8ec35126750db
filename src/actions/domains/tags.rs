//! A domain's tags (Gandi's labels for sorting domains): `domains.tags.list`
//! and `domains.tags.set`, which PUTs the whole list and shows what it was.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::json;
use ureq::http::Method;

use super::settings::DomainName;
use crate::actions::common::{message_of, ListParams};
use crate::catalog::{Action, Permission, Planned, Reads, Route, Step, Writes};
use crate::client::{Body, Paging};
use crate::error::{SkillError, SkillResult};
use crate::safety::plan::StateDigest;
use crate::safety::Class;

const TAGS_ROUTE: Route = Route::get("/v5/domain/domains/{domain}/tags", Permission::DomainRead);

crate::list_params! {
    pub struct TagsListParams {
        /// The domain, Unicode or ASCII form.
        pub domain: String,
    }
}

#[derive(Serialize, JsonSchema)]
pub struct TagList {
    #[serde(flatten)]
    pub name: DomainName,
    pub tags: Vec<String>,
}

pub struct List;

impl Action for List {
    const NAME: &'static str = "domains.tags.list";
    const CLASS: Class = Class::Read;
    const PERMISSION: Permission = Permission::DomainRead;
    const ROUTES: &'static [Route] = &[TAGS_ROUTE];
    const SUMMARY: &'static str = "A domain's tags.";
    const EXAMPLE: &'static str = r#"{"action":"domains.tags.list","domain":"example.com"}"#;
    type Params = TagsListParams;
    type Output = TagList;
    crate::read_only_action!();

    fn plan(cx: &mut Reads, p: TagsListParams) -> SkillResult<Step<Self>> {
        let name = DomainName::parse(&p.domain)?;
        let listing = cx.list::<String>(&name.path("/tags"), &[], p.paging()?)?;
        cx.listed(listing.total_count, listing.pages_fetched);
        Ok(Step::Done(TagList {
            name,
            tags: listing.items,
        }))
    }
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TagsSetParams {
    /// The domain, Unicode or ASCII form.
    pub domain: String,
    /// The whole new list of tags (it replaces the current one; `[]` removes them all).
    pub tags: Vec<String>,
}

/// The tags before and after.
#[derive(Serialize, JsonSchema)]
pub struct TagsChange {
    #[serde(flatten)]
    pub name: DomainName,
    pub before: Vec<String>,
    /// The tags after the change.
    pub tags: Vec<String>,
    pub added: Vec<String>,
    pub removed: Vec<String>,
    /// Whether a change was sent (false: the domain already had exactly these).
    pub changed: bool,
    /// Gandi's answer.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
}

/// Checks the tags (field `tags`): each 1 to 100 printable characters
/// without spaces at either end, none twice.
fn checked_tags(given: &[String]) -> SkillResult<Vec<String>> {
    let mut out: Vec<String> = Vec::new();
    for (i, t) in given.iter().enumerate() {
        let field = format!("tags[{i}]");
        let ok = !t.is_empty()
            && t.chars().count() <= 100
            && t.trim() == t
            && !t.chars().any(char::is_control);
        if !ok {
            return Err(SkillError::invalid_param(
                &field,
                Some(t),
                "a tag of 1 to 100 printable characters, without spaces at either end",
            ));
        }
        if out.contains(t) {
            return Err(SkillError::invalid_param(
                &field,
                Some(t),
                &format!("each tag once ({t} is listed twice)"),
            ));
        }
        out.push(t.clone());
    }
    Ok(out)
}

pub struct Set;

impl Action for Set {
    const NAME: &'static str = "domains.tags.set";
    const CLASS: Class = Class::Write;
    const PERMISSION: Permission = Permission::DomainWrite;
    const ROUTES: &'static [Route] = &[
        TAGS_ROUTE,
        Route::write(
            "PUT",
            "/v5/domain/domains/{domain}/tags",
            Permission::DomainWrite,
        ),
    ];
    const SUMMARY: &'static str =
        "Replaces a domain's tags with the given list; shows the tags before and after.";
    const EXAMPLE: &'static str =
        r#"{"action":"domains.tags.set","domain":"example.com","tags":["prod","web","client-a"]}"#;
    type Params = TagsSetParams;
    type Output = TagsChange;
    type Preview = TagsChange;
    type Pending = TagsChange;

    fn plan(cx: &mut Reads, p: TagsSetParams) -> SkillResult<Step<Self>> {
        let name = DomainName::parse(&p.domain)?;
        let tags = checked_tags(&p.tags)?;
        let before = cx
            .list::<String>(&name.path("/tags"), &[], Paging::All)?
            .items;
        let added: Vec<String> = tags
            .iter()
            .filter(|t| !before.contains(t))
            .cloned()
            .collect();
        let removed: Vec<String> = before
            .iter()
            .filter(|t| !tags.contains(t))
            .cloned()
            .collect();
        let changed = !added.is_empty() || !removed.is_empty();
        let change = TagsChange {
            name,
            before,
            tags,
            added,
            removed,
            changed,
            message: None,
        };
        if !changed {
            cx.warn(format!(
                "{} already has exactly these tags: nothing was sent",
                change.name.shown()
            ));
            return Ok(Step::Done(change));
        }
        let message = format!(
            "This sets the tags of {} to [{}] (now [{}]).",
            change.name.shown(),
            change.tags.join(", "),
            change.before.join(", ")
        );
        let state = StateDigest::of(&(&change.name.domain, &change.before));
        let domain = change.name.domain.clone();
        let preview = TagsChange {
            name: change.name.clone(),
            before: change.before.clone(),
            tags: change.tags.clone(),
            added: change.added.clone(),
            removed: change.removed.clone(),
            changed: true,
            message: None,
        };
        Ok(Step::Change(
            Planned::new(message, preview, state, change).touching(&domain),
        ))
    }

    fn apply(cx: &mut Writes, mut c: TagsChange) -> SkillResult<TagsChange> {
        let body = json!({ "tags": c.tags });
        let answer = cx.send(Method::PUT, &c.name.path("/tags"), Body::Json(&body), &[])?;
        c.message = message_of(&answer);
        Ok(c)
    }
}
