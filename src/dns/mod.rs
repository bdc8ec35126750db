//! TEMPORARY stub until the DNS library lands.
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::error::{ErrorCode, SkillError, SkillResult};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Rrset {
    pub name: String,
    #[serde(rename = "type")]
    pub rtype: String,
    pub ttl: u32,
    pub values: Vec<String>,
}

pub fn zone_ascii(domain: &str, field: &str) -> SkillResult<String> {
    let d = domain.trim().trim_end_matches('.');
    idna::domain_to_ascii(d).map_err(|_| SkillError::invalid_param(field, Some(domain), "a domain name"))
}

pub fn check_type(t: &str) -> SkillResult<String> {
    Ok(t.to_ascii_uppercase())
}

pub fn relative_name(input: &str, _zone: &str, _w: &mut Vec<String>) -> SkillResult<String> {
    Ok(input.to_ascii_lowercase())
}

pub fn rrset_from_gandi(v: &Value) -> SkillResult<Rrset> {
    let s = |k: &str| v.get(k).and_then(Value::as_str).map(str::to_string);
    Ok(Rrset {
        name: s("rrset_name").ok_or_else(|| SkillError::new(ErrorCode::UnexpectedResponse, "x"))?,
        rtype: s("rrset_type").unwrap_or_default(),
        ttl: v.get("rrset_ttl").and_then(Value::as_u64).unwrap_or(10800) as u32,
        values: v.get("rrset_values").and_then(Value::as_array).map(|a| a.iter().filter_map(Value::as_str).map(str::to_string).collect()).unwrap_or_default(),
    })
}
