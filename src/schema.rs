//! The generated artefacts: `schemas/` (request, reply, each action's params
//! and result, JSON Schema 2020-12) and `skill.json`, rendered byte-stably
//! from the catalog so a test can check the committed copies are fresh.

use schemars::generate::SchemaSettings;
use serde_json::{json, Map, Value};

use crate::actions::meta::ActionInfo;
use crate::catalog::ACTIONS;
use crate::error::ErrorCode;
use crate::protocol::{CommonFields, Reply};
use crate::safety::Class;

const DRAFT: &str = "https://json-schema.org/draft/2020-12/schema";

/// Every generated file: (path relative to the repository root, contents).
pub fn generated_files() -> Vec<(String, String)> {
    let mut files = vec![
        (
            "schemas/request.json".to_string(),
            render(&request_schema()),
        ),
        ("schemas/reply.json".to_string(), render(&reply_schema())),
        ("skill.json".to_string(), render(&skill_manifest())),
    ];
    for action in ACTIONS {
        files.push((
            format!("schemas/actions/{}.params.json", action.name()),
            render(&action.params_schema().to_value()),
        ));
        files.push((
            format!("schemas/actions/{}.result.json", action.name()),
            render(&action.result_schema().to_value()),
        ));
    }
    files
}

fn render(v: &Value) -> String {
    let mut s = serde_json::to_string_pretty(v).unwrap_or_default();
    s.push('\n');
    s
}

fn common_fields_schema() -> Value {
    SchemaSettings::draft2020_12()
        .for_deserialize()
        .into_generator()
        .into_root_schema_for::<CommonFields>()
        .to_value()
}

/// One request: `action` plus the common fields plus that action's params,
/// nothing else.
pub fn request_schema() -> Value {
    let common = common_fields_schema();
    let common_props = common
        .get("properties")
        .and_then(Value::as_object)
        .cloned()
        .unwrap_or_default();
    let mut defs = Map::new();
    let mut variants = Vec::new();
    for action in ACTIONS {
        let params = action.params_schema().to_value();
        if let Some(d) = params.get("$defs").and_then(Value::as_object) {
            for (k, v) in d {
                defs.insert(k.clone(), v.clone());
            }
        }
        let mut props = Map::new();
        props.insert("action".into(), json!({ "const": action.name() }));
        for (k, v) in &common_props {
            props.insert(k.clone(), v.clone());
        }
        if let Some(p) = params.get("properties").and_then(Value::as_object) {
            for (k, v) in p {
                props.insert(k.clone(), v.clone());
            }
        }
        let mut required = vec![Value::from("action")];
        if let Some(r) = params.get("required").and_then(Value::as_array) {
            required.extend(r.iter().cloned());
        }
        variants.push(json!({
            "title": action.name(),
            "type": "object",
            "properties": props,
            "required": required,
            "additionalProperties": false,
        }));
    }
    let mut root = json!({
        "$schema": DRAFT,
        "$id": "https://gandi-skill/schemas/request.json",
        "title": "gandi-skill request",
        "description": "One flat JSON object: `action`, the common fields, and the action's own parameters.",
        "oneOf": variants,
    });
    if !defs.is_empty() {
        root["$defs"] = Value::Object(defs);
    }
    root
}

/// Any reply: ok, needs_confirmation or error, with the error codes listed.
pub fn reply_schema() -> Value {
    let mut v = SchemaSettings::draft2020_12()
        .for_serialize()
        .into_generator()
        .into_root_schema_for::<Reply>()
        .to_value();
    let codes: Vec<Value> = ErrorCode::ALL
        .iter()
        .map(|c| Value::from(c.as_str()))
        .collect();
    if let Some(code) = v.pointer_mut("/$defs/ErrorBody/properties/code") {
        code["enum"] = Value::Array(codes);
    }
    let names: Vec<Value> = ACTIONS.iter().map(|a| Value::from(a.name())).collect();
    if let Some(obj) = v.as_object_mut() {
        obj.insert("title".into(), Value::from("gandi-skill reply"));
        obj.insert("x-actions".into(), Value::Array(names));
    }
    v
}

/// `skill.json`: our machine-readable manifest (contract §7).
pub fn skill_manifest() -> Value {
    let actions: Vec<Value> = ACTIONS
        .iter()
        .map(|a| serde_json::to_value(ActionInfo::of(*a)).unwrap_or(Value::Null))
        .collect();
    json!({
        "name": "gandi-skill",
        "version": env!("CARGO_PKG_VERSION"),
        "description": "Manage Gandi domains, LiveDNS zones, e-mail, certificates and billing safely: one JSON request in, one JSON reply out; a previewed, plan-bound confirmation before any destructive or paid change.",
        "binary": "gandi-skill",
        "invocation": {
            "argument": "gandi-skill '<json request>'",
            "stdin": "echo '<json request>' | gandi-skill",
            "max_request_bytes": crate::protocol::MAX_REQUEST_BYTES,
            "request_schema": "schemas/request.json",
            "reply_schema": "schemas/reply.json",
            "exit_codes": {
                "0": "ok", "1": "Gandi answered with an error (api.*)", "2": "invalid request (request.*), nothing sent",
                "3": "needs confirmation, nothing changed", "4": "credentials, auth or configuration (auth.*, config.*)",
                "5": "network (network.*)", "6": "refused by a safety rule (safety.*)", "70": "internal bug"
            }
        },
        "credentials": {
            "lookup_order": [
                "profile (request `profile` or GANDI_PROFILE): <config>/profiles/<profile>/api_token or api_key",
                "GANDI_API_TOKEN (Personal Access Token, Bearer)",
                "GANDI_API_KEY (legacy key, Apikey, deprecated)",
                "<config>/api_token",
                "<config>/api_key"
            ],
            "config_dir": "$GANDI_CONFIG_DIR, else $XDG_CONFIG_HOME/gandi, else ~/.config/gandi",
            "sandbox": "sandbox: true or GANDI_SANDBOX=1 uses GANDI_SANDBOX_API_TOKEN / GANDI_SANDBOX_API_KEY and <config>/sandbox/...",
            "setup": "scripts/setup_token.sh [--profile NAME] [--sandbox]",
            "env": ["GANDI_API_TOKEN", "GANDI_API_KEY", "GANDI_SANDBOX_API_TOKEN", "GANDI_SANDBOX_API_KEY", "GANDI_PROFILE", "GANDI_SANDBOX", "GANDI_CONFIG_DIR", "XDG_CONFIG_HOME", "GANDI_API_URL", "GANDI_ID_URL", "GANDI_TIMEOUT_SECS", "GANDI_LIST_MAX_ITEMS", "GANDI_SKILL_DEBUG"]
        },
        "actions": actions,
    })
}

/// The line before SKILL.md's generated action table.
pub const SKILL_TABLE_BEGIN: &str =
    "<!-- actions: generated from the catalog (GANDI_SKILL_REGENERATE=1 cargo test --test it generated rewrites it) -->";
/// The line after it.
pub const SKILL_TABLE_END: &str = "<!-- end of generated actions -->";

/// The rows of SKILL.md's action table: the resources each row covers (an
/// action belongs to the row of its name minus the last segment) and what
/// they are for, in one short phrase. Every action must fall in one row.
const SKILL_ROWS: &[(&[&str], &str)] = &[
    (
        &["describe", "token", "account", "organizations"],
        "the catalog; the token (check, renew), the user, organizations (`sharing_id`)",
    ),
    (
        &["domains"],
        "domains: list, details, availability and prices, expiring, orders, transfer lock",
    ),
    (
        &["domains.tlds", "domains.renewal"],
        "TLDs on sale; whether and how long a domain can be renewed",
    ),
    (
        &["domains.contact", "domains.contacts"],
        "a domain's contacts; the owner contact saved for orders",
    ),
    (
        &["domains.nameservers", "domains.livedns"],
        "nameservers; moving the DNS to LiveDNS",
    ),
    (
        &["domains.autorenew", "domains.tags"],
        "automatic renewal; tags",
    ),
    (
        &["domains.glue", "domains.dnssec"],
        "glue records (nameservers inside the domain); DNSSEC",
    ),
    (&["webredirs"], "web redirections of a domain's hosts"),
    (
        &["dns.zones", "dns.records"],
        "LiveDNS zones and their rrsets",
    ),
    (
        &["dns.zone"],
        "a whole zone: zone-file export, apply a desired set, import a zone file",
    ),
    (&["dns.snapshots"], "zone snapshots and undo"),
    (
        &["email.forwards"],
        "e-mail forwards (`source` `*` = catch-all)",
    ),
    (
        &["email.mailboxes", "email.slots"],
        "mailboxes and the slots they need",
    ),
    (
        &["certificates"],
        "SSL certificates: list, packages, validation, orders, revocation",
    ),
    (
        &["billing"],
        "balance and prepaid funds; domain prices per TLD",
    ),
];

/// The resource an action belongs to: its name minus the last segment.
fn resource(name: &str) -> &str {
    name.rsplit_once('.').map_or(name, |(r, _)| r)
}

/// SKILL.md's action table, one row per group of resources: the reads, the
/// writes, and what needs the user's yes (paid ones marked). `None` names
/// an action no row covers.
pub fn skill_md_table() -> Result<String, String> {
    let mut out =
        String::from("| for | read | write | needs the user's yes |\n|---|---|---|---|\n");
    let covered = |name: &str| {
        SKILL_ROWS
            .iter()
            .any(|(rs, _)| rs.contains(&resource(name)))
    };
    if let Some(a) = ACTIONS.iter().find(|a| !covered(a.name())) {
        return Err(format!("no row of SKILL_ROWS covers {}", a.name()));
    }
    for (resources, what) in SKILL_ROWS {
        let names = |class: Class| -> String {
            ACTIONS
                .iter()
                .filter(|a| resources.contains(&resource(a.name())) && a.class() == class)
                .map(|a| match class {
                    Class::Billable => format!("`{}` (paid)", a.name()),
                    _ => format!("`{}`", a.name()),
                })
                .collect::<Vec<_>>()
                .join(", ")
        };
        let yes = [names(Class::Destructive), names(Class::Billable)]
            .into_iter()
            .filter(|s| !s.is_empty())
            .collect::<Vec<_>>()
            .join(", ");
        out.push_str(&format!(
            "| {what} | {} | {} | {yes} |\n",
            names(Class::Read),
            names(Class::Write)
        ));
    }
    Ok(out)
}

/// `text` (SKILL.md) with its generated table replaced by the current one.
pub fn with_fresh_skill_table(text: &str) -> Result<String, String> {
    let missing = || "SKILL.md lacks the generated-table markers".to_string();
    let start = text.find(SKILL_TABLE_BEGIN).ok_or_else(missing)? + SKILL_TABLE_BEGIN.len();
    let end = text[start..].find(SKILL_TABLE_END).ok_or_else(missing)? + start;
    Ok(format!(
        "{}\n{}{}",
        &text[..start],
        skill_md_table()?,
        &text[end..]
    ))
}
