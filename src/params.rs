//! Typed reading of an action's parameters: serde errors become
//! `request.invalid_params` naming the field and what it wanted, with a
//! "did you mean" for typos, and secret-looking fields are refused.

use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

use crate::error::{ErrorCode, SkillError, SkillResult};

/// Field names that look like a secret. They are refused wherever the action
/// does not take them, so a token never travels through an agent's request.
const SECRET_FIELDS: &[&str] = &["token", "api_key", "apikey", "password", "api_token", "pat"];

/// Reads `map` into `T`, naming the exact field on failure. `accepted` lists
/// the parameter names of the action, for suggestions.
pub fn from_map<T: DeserializeOwned>(map: Map<String, Value>) -> SkillResult<T> {
    from_map_with(map, &[])
}

pub fn from_map_with<T: DeserializeOwned>(
    map: Map<String, Value>,
    accepted: &[String],
) -> SkillResult<T> {
    for key in map.keys() {
        if SECRET_FIELDS.contains(&key.to_ascii_lowercase().as_str())
            && !accepted.iter().any(|a| a == key)
        {
            return Err(SkillError::new(
                ErrorCode::InvalidParams,
                format!("parameter `{key}` looks like a secret; this action takes none and secrets never go in a request"),
            )
            .with_detail("field", key.as_str())
            .with_hint("remove the field. To store a Gandi token, the user runs scripts/setup_token.sh in their own terminal (never paste a token into chat); gandi-skill reads it from there"));
        }
    }
    // Several unknown names at once are reported together, each with its
    // suggestion, so an agent fixes them in one round trip.
    if !accepted.is_empty() {
        let candidates: Vec<&str> = accepted.iter().map(String::as_str).collect();
        let unknown: Vec<&String> = map
            .keys()
            .filter(|k| !accepted.iter().any(|a| a == *k))
            .collect();
        if unknown.len() > 1 {
            let each: Vec<String> = unknown
                .iter()
                .map(|k| {
                    match same_meaning(k, &candidates).or_else(|| did_you_mean(k, &candidates)) {
                        Some(s) => format!("`{k}` (did you mean `{s}`?)"),
                        None => format!("`{k}`"),
                    }
                })
                .collect();
            return Err(SkillError::new(
                ErrorCode::InvalidParams,
                format!(
                    "unknown parameters {}: this action takes: {}",
                    each.join(", "),
                    candidates.join(", ")
                ),
            )
            .with_detail("field", unknown[0].as_str())
            .with_detail(
                "fields",
                unknown
                    .iter()
                    .map(|k| Value::from(k.as_str()))
                    .collect::<Vec<_>>(),
            )
            .with_detail("expected", candidates.join(", "))
            .with_hint("see {\"action\":\"describe\"} for each action's parameters"));
        }
    }
    let value = Value::Object(map);
    serde_path_to_error::deserialize::<_, T>(value).map_err(|e| {
        let path = e.path().to_string();
        let message = e.inner().to_string();
        describe_serde_error(&path, &message, accepted)
    })
}

fn backticked(message: &str) -> Option<&str> {
    let start = message.find('`')? + 1;
    let len = message[start..].find('`')?;
    Some(&message[start..start + len])
}

fn describe_serde_error(path: &str, message: &str, accepted: &[String]) -> SkillError {
    let parent = if path == "." { "" } else { path };
    if message.starts_with("unknown field") {
        let field = backticked(message).unwrap_or("?");
        // The path already ends with the unknown key; its parent is what is left.
        let parent = match parent.strip_suffix(field) {
            Some(p) => p.trim_end_matches('.'),
            None => parent,
        };
        let full = join_path(parent, field);
        let mut err = SkillError::new(
            ErrorCode::InvalidParams,
            format!("unknown parameter `{full}`"),
        )
        .with_detail("field", full.as_str());
        let expected = expected_list(message);
        let candidates: Vec<&str> = if expected.is_empty() {
            accepted.iter().map(String::as_str).collect()
        } else {
            expected.iter().map(String::as_str).collect()
        };
        let suggestion =
            same_meaning(field, &candidates).or_else(|| did_you_mean(field, &candidates));
        let hint = match suggestion {
            Some(s) => format!(
                "did you mean `{}`? Unknown fields are never ignored",
                join_path(parent, s)
            ),
            None if !candidates.is_empty() => {
                format!("this action takes: {}", candidates.join(", "))
            }
            None => "this action takes no parameters besides the common ones".to_string(),
        };
        err.message = format!("{}: {}", err.message, hint);
        if !candidates.is_empty() {
            err = err.with_detail("expected", candidates.join(", "));
        }
        return err.with_hint("see {\"action\":\"describe\"} for each action's parameters");
    }
    if message.starts_with("missing field") {
        let field = join_path(parent, backticked(message).unwrap_or("?"));
        return SkillError::new(
            ErrorCode::InvalidParams,
            format!("parameter `{field}` is required"),
        )
        .with_detail("field", field.as_str())
        .with_hint("see {\"action\":\"describe\"} for each action's parameters");
    }
    let field = if parent.is_empty() {
        "(request)"
    } else {
        parent
    };
    // serde's text reads "invalid type: integer `1`, expected a string".
    let expected = message
        .rsplit_once("expected ")
        .map(|(_, e)| plain_type(e.trim_end_matches('.')))
        .unwrap_or_else(|| message.to_string());
    // "invalid type: X, expected Y" or "unknown variant `X`, expected Y": X.
    let stated = message
        .strip_prefix("invalid type: ")
        .or_else(|| message.strip_prefix("invalid value: "))
        .unwrap_or(message);
    let given = stated.split_once(", expected").map_or(stated, |(g, _)| g);
    SkillError::new(
        ErrorCode::InvalidParams,
        format!("parameter `{field}`: got {given}, expected {expected}"),
    )
    .with_detail("field", field)
    .with_detail("expected", expected)
    .with_hint("see {\"action\":\"describe\"} for each action's parameters")
}

/// serde's Rust type names in words an agent understands.
fn plain_type(expected: &str) -> String {
    match expected {
        "u8" => "a whole number from 0 to 255".into(),
        "u16" => "a whole number from 0 to 65535".into(),
        "u32" => "a whole number from 0 to 4294967295".into(),
        "u64" | "usize" => "a whole number".into(),
        "i32" | "i64" => "an integer".into(),
        "f64" | "f32" => "a number".into(),
        "a sequence" => "a list".into(),
        "a map" | "struct" => "an object".into(),
        other => other.to_string(),
    }
}

fn join_path(parent: &str, field: &str) -> String {
    if parent.is_empty() {
        field.to_string()
    } else {
        format!("{parent}.{field}")
    }
}

fn expected_list(message: &str) -> Vec<String> {
    let Some((_, tail)) = message.split_once("expected one of ") else {
        return Vec::new();
    };
    tail.split(", ")
        .map(|s| s.trim().trim_matches('`').to_string())
        .filter(|s| !s.is_empty())
        .collect()
}

/// Names an agent carries over from Gandi's API or other tools, and the
/// parameter that means the same here.
const SAME_MEANING: &[(&str, &str)] = &[
    ("fqdn", "domain"),
    ("zone", "domain"),
    ("domain", "fqdn"),
    ("rrset_name", "name"),
    ("rrset_type", "type"),
    ("rrset_ttl", "ttl"),
    ("rrset_values", "values"),
    ("value", "values"),
    ("record_type", "type"),
    ("record_name", "name"),
    ("record_values", "values"),
    ("record_ttl", "ttl"),
    ("id", "snapshot_id"),
];

/// The candidate that means what `input` means elsewhere, if this action has it.
fn same_meaning<'a>(input: &str, candidates: &[&'a str]) -> Option<&'a str> {
    SAME_MEANING
        .iter()
        .filter(|(other, _)| other.eq_ignore_ascii_case(input))
        .find_map(|(_, ours)| candidates.iter().find(|c| *c == ours).copied())
}

/// The closest candidate within a small edit distance, for typos.
pub fn did_you_mean<'a>(input: &str, candidates: &[&'a str]) -> Option<&'a str> {
    let limit = (input.chars().count() / 3).clamp(1, 3);
    let input = input.to_ascii_lowercase();
    candidates
        .iter()
        .map(|c| (edit_distance(&input, &c.to_ascii_lowercase()), *c))
        .filter(|(d, _)| *d <= limit)
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}

fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.iter().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != cb);
            cur[j + 1] = (prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_close_names_only() {
        assert_eq!(
            did_you_mean("domains.lst", &["domains.list", "dns.zones.list"]),
            Some("domains.list")
        );
        assert_eq!(did_you_mean("zzzzzz", &["domains.list"]), None);
    }

    #[test]
    fn suggests_the_parameter_with_the_same_meaning() {
        assert_eq!(same_meaning("fqdn", &["domain", "name"]), Some("domain"));
        assert_eq!(same_meaning("rrset_values", &["values"]), Some("values"));
        assert_eq!(same_meaning("fqdn", &["name", "type"]), None);
    }
}
