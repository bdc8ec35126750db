//! The user's policy, `<config>/policy.json`: rules the user sets for what
//! the agent may do (read only, protected domains, no paid orders, an order
//! ceiling, a zone-change ceiling). No action writes it; a file others could
//! write, or one that does not parse, is refused as `config.invalid`.

use std::path::{Path, PathBuf};

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::env::Env;
use crate::error::{ErrorCode, SkillError, SkillResult};

const POLICY_FILE: &str = "policy.json";
const MAX_POLICY_BYTES: u64 = 64 * 1024;

/// The rules of `policy.json`; every key is optional.
#[derive(Clone, Debug, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Policy {
    /// Every write, destructive or billable action is refused.
    #[serde(default)]
    pub read_only: bool,
    /// No destructive or billable action on these domains.
    #[serde(default)]
    pub protected_domains: Vec<String>,
    /// `false`: no billable action at all.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub allow_billable: Option<bool>,
    /// A billable order above this total is refused even with a matching `max_price`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_order_total: Option<f64>,
    /// For zones of 10 rrsets or more, a whole-zone change (apply, import,
    /// restore) that removes or changes a larger share of the zone is refused.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_zone_change_fraction: Option<f64>,
}

/// The policy in force and where it came from.
#[derive(Clone, Debug, Default)]
pub struct PolicyInForce {
    pub file: Option<PathBuf>,
    pub rules: Policy,
}

/// What `describe` and `token.check` say about the policy.
#[derive(Clone, Debug, Serialize, JsonSchema)]
pub struct PolicyReport {
    /// The policy file, or null when there is none.
    pub file: Option<String>,
    /// `none` (no file), `in_force`, or `invalid` (every change is refused until it is fixed).
    pub status: String,
    /// The rules in force (defaults when there is no file).
    pub rules: Option<Policy>,
    /// Why the file was refused, when it was.
    pub problem: Option<String>,
}

/// A zone smaller than this is never judged by `max_zone_change_fraction`.
pub const ZONE_FRACTION_MIN_RRSETS: usize = 10;

impl PolicyInForce {
    /// Reads `<config>/policy.json`; no file is the empty policy.
    pub fn load(env: &Env) -> SkillResult<PolicyInForce> {
        let dir = crate::auth::config_dir(env)?;
        let path = dir.join(POLICY_FILE);
        match read(&path)? {
            None => Ok(PolicyInForce::default()),
            Some(rules) => Ok(PolicyInForce {
                file: Some(path),
                rules,
            }),
        }
    }

    /// The report for `describe` and `token.check`, which never fail on it.
    pub fn report(env: &Env) -> PolicyReport {
        match PolicyInForce::load(env) {
            Ok(p) => PolicyReport {
                status: if p.file.is_some() { "in_force" } else { "none" }.into(),
                file: p.file.map(|f| f.display().to_string()),
                rules: Some(p.rules),
                problem: None,
            },
            Err(e) => PolicyReport {
                file: e
                    .details
                    .get("path")
                    .and_then(|v| v.as_str())
                    .map(str::to_string),
                status: "invalid".into(),
                rules: None,
                problem: Some(e.message),
            },
        }
    }

    fn denied(&self, rule: &str, why: String) -> SkillError {
        let file = self
            .file
            .as_ref()
            .map(|f| f.display().to_string())
            .unwrap_or_default();
        SkillError::new(
            ErrorCode::PolicyDenied,
            format!("refused by the user's policy ({file}, rule `{rule}`): {why}; nothing was sent"),
        )
        .with_detail("rule", rule)
        .with_detail("policy_file", file.as_str())
        .with_hint("tell the user; only they can change the rule, by editing their policy file (an agent must not)")
    }

    /// Whether the action may run at all (before any request).
    pub fn allows_class(&self, action: &str, class: super::Class) -> SkillResult<()> {
        use super::Class;
        if self.rules.read_only && class != Class::Read {
            return Err(self.denied(
                "read_only",
                format!(
                    "{action} is a {} action and the policy allows reads only",
                    class.as_str()
                ),
            ));
        }
        if class == Class::Billable && self.rules.allow_billable == Some(false) {
            return Err(self.denied(
                "allow_billable",
                format!("{action} costs money and the policy allows no paid action"),
            ));
        }
        Ok(())
    }

    /// Whether a destructive or billable action may touch `domain` (ASCII, lower case).
    pub fn allows_domain(
        &self,
        action: &str,
        class: super::Class,
        domain: &str,
    ) -> SkillResult<()> {
        if !class.needs_confirmation() {
            return Ok(());
        }
        let protected = self.rules.protected_domains.iter().any(|p| {
            let p = p.trim().trim_end_matches('.').to_ascii_lowercase();
            crate::dns::zone_ascii(&p, "protected_domains").unwrap_or(p) == domain
        });
        if protected {
            return Err(self.denied(
                "protected_domains",
                format!("{domain} is protected and {action} would remove, replace or charge for something on it"),
            ));
        }
        Ok(())
    }

    /// Whether an order of `total` may be placed.
    pub fn allows_order(&self, total: f64, currency: &str) -> SkillResult<()> {
        match self.rules.max_order_total {
            Some(max) if total > max => Err(self.denied(
                "max_order_total",
                format!("the order totals {total} {currency}, above the policy's ceiling of {max}"),
            )),
            _ => Ok(()),
        }
    }

    /// Whether a whole-zone change touching `touched` of `size` rrsets may run.
    pub fn allows_zone_change(&self, domain: &str, touched: usize, size: usize) -> SkillResult<()> {
        let Some(max) = self.rules.max_zone_change_fraction else {
            return Ok(());
        };
        if size < ZONE_FRACTION_MIN_RRSETS {
            return Ok(());
        }
        let fraction = touched as f64 / size as f64;
        if fraction > max {
            return Err(self.denied(
                "max_zone_change_fraction",
                format!(
                    "the change removes or changes {touched} of the {size} rrsets of {domain} ({:.0}%), above the policy's {:.0}%",
                    fraction * 100.0,
                    max * 100.0
                ),
            ));
        }
        Ok(())
    }
}

fn invalid(path: &Path, why: &str, fix: &str) -> SkillError {
    SkillError::new(
        ErrorCode::ConfigInvalid,
        format!("the policy file {} is refused: {why}", path.display()),
    )
    .with_detail("path", path.display().to_string())
    .with_hint(format!(
        "{fix}; until then every change is refused (reads still work)"
    ))
}

/// The policy's rules, `None` when there is no file.
fn read(path: &Path) -> SkillResult<Option<Policy>> {
    let meta = match std::fs::metadata(path) {
        Ok(m) => m,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => {
            return Err(invalid(
                path,
                &format!("it cannot be read ({})", e.kind()),
                "check its permissions",
            ))
        }
    };
    if !meta.is_file() || meta.len() > MAX_POLICY_BYTES {
        return Err(invalid(
            path,
            "it is not a regular file of a few kilobytes",
            "replace it with a JSON object",
        ));
    }
    if mode_of(&meta) & 0o022 != 0 {
        return Err(invalid(
            path,
            &format!(
                "group or other users can write it (mode {:04o}), so its rules cannot be trusted",
                mode_of(&meta) & 0o7777
            ),
            &format!("the user runs `chmod go-w {}`", path.display()),
        ));
    }
    let text = std::fs::read_to_string(path).map_err(|e| {
        invalid(
            path,
            &format!("it cannot be read ({})", e.kind()),
            "check its permissions",
        )
    })?;
    let policy: Policy = serde_json::from_str(&text).map_err(|e| {
        invalid(
            path,
            &format!("it is not valid: {e}"),
            "the user fixes it: a JSON object with only read_only, protected_domains, allow_billable, max_order_total and max_zone_change_fraction",
        )
    })?;
    if let Some(f) = policy.max_zone_change_fraction {
        if !(0.0..=1.0).contains(&f) {
            return Err(invalid(
                path,
                &format!("max_zone_change_fraction is {f}, not a fraction from 0 to 1"),
                "the user sets it between 0 and 1",
            ));
        }
    }
    if let Some(m) = policy.max_order_total {
        if !(m.is_finite() && m >= 0.0) {
            return Err(invalid(
                path,
                &format!("max_order_total is {m}"),
                "the user sets it to a non-negative amount",
            ));
        }
    }
    Ok(Some(policy))
}

#[cfg(unix)]
fn mode_of(meta: &std::fs::Metadata) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    meta.permissions().mode()
}

#[cfg(not(unix))]
fn mode_of(_meta: &std::fs::Metadata) -> u32 {
    0o600
}
