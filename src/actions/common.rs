//! What many actions share: the one check for Gandi ids in parameters, the
//! paging and shaping parameters every list action takes (`list_params!`),
//! the Unicode form of names for display, Gandi's dry-run verdict as a
//! preview that refuses on Gandi's "no" reads it, and what a change's answer
//! says (its `{message}`, the new object's id in `Location`).

use serde_json::Value;
use ureq::http::Method;

use crate::catalog::Reads;
use crate::client::{Answer, Paging};
use crate::error::{ErrorCode, SkillError, SkillResult};
use crate::gandi::{DryRunVerdict, Message};

/// Checks an id parameter (snapshot, token, organization, mailbox...):
/// 1 to 64 letters, digits, `-` or `_`, so it can never leave its path
/// segment or its query component.
pub fn check_id(field: &str, value: &str, expected: &str) -> SkillResult<()> {
    let ok = (1..=64).contains(&value.len())
        && value
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    if ok {
        Ok(())
    } else {
        Err(SkillError::invalid_param(field, Some(value), expected))
    }
}

/// `page`/`per_page` as a list action takes them: with `page`, only that
/// page; `per_page` without `page` is refused, never ignored.
pub fn paging(page: Option<u32>, per_page: Option<u32>) -> SkillResult<Paging> {
    if let Some(pp) = per_page {
        if !(1..=500).contains(&pp) {
            return Err(SkillError::invalid_param(
                "per_page",
                Some(&pp.to_string()),
                "a number from 1 to 500",
            ));
        }
    }
    match (page, per_page) {
        (None, None) => Ok(Paging::All),
        (None, Some(_)) => Err(SkillError::invalid_param(
            "per_page",
            None,
            "`per_page` only together with `page` (without `page` every page is read)",
        )),
        (Some(0), _) => Err(SkillError::invalid_param(
            "page",
            Some("0"),
            "a page number from 1",
        )),
        (Some(page), per_page) => Ok(Paging::Page {
            page,
            per_page: per_page.unwrap_or(crate::client::PER_PAGE),
        }),
    }
}

/// The paging parameters of a list action.
pub trait ListParams {
    fn page(&self) -> Option<u32>;
    fn per_page(&self) -> Option<u32>;
    fn paging(&self) -> SkillResult<Paging> {
        paging(self.page(), self.per_page())
    }
}

/// Declares a list action's parameter struct with the parameters every list
/// takes appended (`page`, `per_page`, `fields`, `limit`, `sort`), and its
/// `ListParams`. Dispatch applies `fields`, `limit` and `sort` to the one
/// array the action returns (`catalog/shape.rs`): the action never reads them.
#[macro_export]
macro_rules! list_params {
    (
        $(#[$meta:meta])*
        pub struct $name:ident {
            $(
                $(#[$fmeta:meta])*
                pub $field:ident : $ty:ty,
            )*
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, serde::Deserialize, schemars::JsonSchema)]
        #[serde(deny_unknown_fields)]
        pub struct $name {
            $(
                $(#[$fmeta])*
                pub $field: $ty,
            )*
            /// Only this page (from 1); without it every page is read.
            #[serde(default)]
            #[schemars(range(min = 1))]
            pub page: Option<u32>,
            /// Items per page (1-500), only with `page`.
            #[serde(default)]
            #[schemars(range(min = 1, max = 500))]
            pub per_page: Option<u32>,
            /// Only these fields of each item, e.g. `["fqdn","expires_at"]` (names as in the result): a smaller reply.
            #[serde(default)]
            #[schemars(length(min = 1))]
            pub fields: Option<Vec<String>>,
            /// At most this many items, after filters and `sort` (`meta.truncated` says when it cut).
            #[serde(default)]
            #[schemars(range(min = 1))]
            pub limit: Option<u32>,
            /// Order the items by one of their fields, `-` first for descending (`expires_at`, `-days_left`); items without the field come last. With `page`, only that page is sorted.
            #[serde(default)]
            pub sort: Option<String>,
        }

        impl $crate::actions::common::ListParams for $name {
            fn page(&self) -> Option<u32> {
                self.page
            }
            fn per_page(&self) -> Option<u32> {
                self.per_page
            }
        }
    };
}

/// The Unicode form of an ASCII name, for display.
pub fn unicode(fqdn: &str) -> String {
    let (u, result) = idna::domain_to_unicode(fqdn);
    if result.is_ok() {
        u
    } else {
        fqdn.to_string()
    }
}

/// The Unicode form of an ASCII name, when it differs (replies leave out a
/// Unicode form that only repeats the ASCII one).
pub fn unicode_if_different(ascii: &str) -> Option<String> {
    let u = unicode(ascii);
    (u != ascii).then_some(u)
}

/// Gandi's `{message}` from a change's answer, when there is one (the change
/// is made: an odd body is no error).
pub fn message_of(answer: &Answer) -> Option<String> {
    answer
        .json_or_default::<Message>()
        .ok()
        .and_then(|m| m.message)
}

/// The id of what a POST created, from the last segment of its `Location`,
/// when that is an id (`check_id`'s rule).
pub fn id_in_location(answer: &Answer) -> Option<String> {
    answer
        .location()
        .and_then(|l| l.trim_end_matches('/').rsplit('/').next())
        .filter(|id| check_id("id", id, "").is_ok())
        .map(str::to_string)
}

/// Parameters of an action that takes none besides the common fields.
#[derive(Debug, Default, serde::Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct NoParams {}

/// Gandi's `Dry-Run: 1` verdict on a POST; when it says no, the
/// `api.rejected` error `refused` (what was refused, and that nothing was
/// done), with Gandi's errors in `details.errors`.
pub fn dry_run_ok(
    cx: &mut Reads,
    path: &str,
    body: &Value,
    refused: &str,
) -> SkillResult<DryRunVerdict> {
    let verdict = cx.dry_run(Method::POST, path, body)?;
    if verdict.status.as_deref() == Some("error") {
        return Err(SkillError::new(ErrorCode::Rejected, refused)
            .with_detail(
                "errors",
                serde_json::to_value(&verdict.errors).unwrap_or(Value::Null),
            )
            .with_hint("see error.details.errors for what Gandi refused; fix it and ask again"));
    }
    Ok(verdict)
}
