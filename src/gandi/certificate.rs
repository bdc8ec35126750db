//! Certificate API wire formats: issued certificates, packages, the
//! domain-validation (DCV) parameters, and the answer to an order.

use serde::Deserialize;

/// `dates` of a certificate.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct CertificateDates {
    #[serde(default)]
    pub created_at: Option<String>,
    #[serde(default)]
    pub started_at: Option<String>,
    #[serde(default)]
    pub ends_at: Option<String>,
    #[serde(default)]
    pub subscription_ends_at: Option<String>,
    #[serde(default)]
    pub updated_at: Option<String>,
}

/// `package` of a certificate.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct CertificatePackage {
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub name_label: Option<String>,
    #[serde(default)]
    pub max_domains: Option<u64>,
    #[serde(default)]
    pub wildcard: Option<bool>,
    #[serde(default, rename = "type")]
    pub package_type: Option<String>,
}

/// One certificate of `GET /certificate/issued-certs` (and its detail).
#[derive(Debug, Clone, Deserialize)]
pub struct Certificate {
    pub id: String,
    #[serde(default)]
    pub cn: Option<String>,
    #[serde(default)]
    pub cn_unicode: Option<String>,
    #[serde(default)]
    pub altnames: Vec<String>,
    /// `pending`, `valid`, `revoked`, `replaced`, `replaced_rev`, `expired`.
    #[serde(default)]
    pub status: Option<String>,
    #[serde(default)]
    pub dates: CertificateDates,
    #[serde(default)]
    pub package: CertificatePackage,
    #[serde(default)]
    pub software: Option<u64>,
}

/// `category` of a package.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct PackageCategory {
    #[serde(default)]
    pub name: Option<String>,
}

/// One package of `GET /certificate/packages` (and `/packages/{name}`).
#[derive(Debug, Clone, Deserialize)]
pub struct Package {
    pub name: String,
    #[serde(default)]
    pub category: PackageCategory,
    #[serde(default)]
    pub max_domains: Option<u64>,
    #[serde(default)]
    pub min_domains: Option<u64>,
    #[serde(default)]
    pub wildcard: Option<bool>,
    #[serde(default)]
    pub provider: Option<String>,
}

/// The answer of `POST .../dcv_params`: what Gandi's certificate authority
/// checks to validate the names.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct DcvParams {
    #[serde(default)]
    pub dcv_method: Option<String>,
    #[serde(default)]
    pub fqdns: Vec<String>,
    #[serde(default)]
    pub altnames: Vec<String>,
    /// Records to publish for the `dns` method (zone-file lines).
    #[serde(default)]
    pub dns_records: Vec<String>,
    #[serde(default)]
    pub md5: Option<String>,
    #[serde(default)]
    pub sha256: Option<String>,
    #[serde(default)]
    pub unique_value: Option<String>,
    #[serde(default)]
    pub messages: Vec<String>,
}

/// The answer to a certificate order: `{href, id, message}`.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct Ordered {
    #[serde(default)]
    pub id: Option<String>,
    #[serde(default)]
    pub message: Option<String>,
}
