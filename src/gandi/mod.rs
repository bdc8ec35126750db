//! Gandi's wire formats, typed: one module per API area, each struct shaped
//! like Gandi's JSON (serde `Deserialize`), so actions read fields instead of
//! walking `Value`s. Fields Gandi may leave out are `Option` or defaulted.

pub mod billing;
pub mod certificate;
pub mod domain;
pub mod domain_orders;
pub mod email;
pub mod livedns;
pub mod organization;
pub mod price;

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// Either of Gandi's error bodies: the standard object (`code`, `message`,
/// `object`, `cause`) or the validation list (`status`, `errors[]`).
#[derive(Debug, Default, Deserialize)]
pub struct ErrorBody {
    #[serde(default)]
    pub code: Option<Value>,
    #[serde(default)]
    pub message: Option<String>,
    #[serde(default)]
    pub object: Option<String>,
    #[serde(default)]
    pub cause: Option<String>,
    #[serde(default)]
    pub errors: Option<Vec<FieldError>>,
}

/// One entry of a validation error list.
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
pub struct FieldError {
    /// `header`, `path`, `querystring` or `body`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub location: Option<String>,
    /// The field (Gandi's "xpath").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

/// The usual body of a change: `{"message": "..."}`.
#[derive(Debug, Default, Deserialize)]
pub struct Message {
    #[serde(default)]
    pub message: Option<String>,
}

/// Gandi's answer to a request sent with `Dry-Run: 1`.
#[derive(Clone, Debug, Default, Deserialize, Serialize, schemars::JsonSchema)]
pub struct DryRunVerdict {
    /// `success` or `error`.
    #[serde(default)]
    pub status: Option<String>,
    /// What Gandi would refuse, when `status` is `error`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<DryRunError>,
}

/// One refusal of a dry run (the same fields as `FieldError`).
#[derive(Clone, Debug, Default, Deserialize, Serialize, schemars::JsonSchema)]
pub struct DryRunError {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub location: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}
