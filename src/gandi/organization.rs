//! Organization API wire formats (user-info, organizations, PAT renewal) and
//! id.gandi.net's token introspection.

use serde::Deserialize;
use serde_json::Value;

/// `GET /organization/user-info`.
#[derive(Debug, Default, Deserialize)]
pub struct UserInfo {
    #[serde(default)]
    pub id: Option<String>,
    #[serde(default)]
    pub username: Option<String>,
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub firstname: Option<String>,
    #[serde(default)]
    pub lastname: Option<String>,
    #[serde(default)]
    pub email: Option<String>,
    #[serde(default)]
    pub lang: Option<String>,
    #[serde(default)]
    pub country: Option<String>,
}

/// One organization of `GET /organization/organizations`.
#[derive(Debug, Deserialize)]
pub struct Organization {
    pub id: String,
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default, rename = "type")]
    pub org_type: Option<String>,
    #[serde(default)]
    pub firstname: Option<String>,
    #[serde(default)]
    pub lastname: Option<String>,
    #[serde(default)]
    pub orgname: Option<String>,
    #[serde(default)]
    pub email: Option<String>,
    #[serde(default)]
    pub reseller: Option<bool>,
    #[serde(default)]
    pub corporate: Option<bool>,
}

/// The answer to a PAT renewal: the new secret and its description.
#[derive(Deserialize)]
pub struct RenewedToken {
    #[serde(default)]
    pub access_token: Option<String>,
    #[serde(default)]
    pub id: Option<String>,
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub expires_at: Option<String>,
    #[serde(default)]
    pub scopes: Vec<String>,
}

/// `GET https://id.gandi.net/tokeninfo`.
#[derive(Clone, Debug, Default, Deserialize)]
pub struct TokenInfo {
    #[serde(default)]
    pub pat_name: Option<String>,
    /// Seconds left.
    #[serde(default)]
    pub expires_in: Option<i64>,
    /// The scopes (`scope` in the answers seen; `scopes` accepted too).
    #[serde(default, alias = "scopes")]
    pub scope: Vec<String>,
    #[serde(default)]
    pub entities: Vec<Value>,
}
