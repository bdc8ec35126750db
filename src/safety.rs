//! Safety classes and the confirmation gate: what may run at once, what
//! needs a previewed `confirm`, and how `dry_run` wins over everything.

use schemars::JsonSchema;
use serde::Serialize;
use serde_json::{Map, Value};

use crate::error::SkillResult;
use crate::protocol::CommonFields;

/// Every action has exactly one class (contract §5).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Class {
    /// Runs at once.
    Read,
    /// Runs at once; adds or changes without removing anything.
    Write,
    /// Removes or replaces something: needs `confirm: true` after a preview.
    Destructive,
    /// Costs money: needs `confirm: true` and `max_price` after a quote.
    Billable,
}

impl Class {
    pub fn as_str(self) -> &'static str {
        match self {
            Class::Read => "read",
            Class::Write => "write",
            Class::Destructive => "destructive",
            Class::Billable => "billable",
        }
    }
}

/// What a handler hands back: a result, or a stop before any change.
pub enum Done<R> {
    /// The action ran (or was a read).
    Result(R),
    /// `dry_run`: the preview is the result; nothing was changed.
    DryRun(Value),
    /// The user must see `preview` and say yes; repeat with `confirm_with`.
    Confirm {
        message: String,
        preview: Value,
        confirm_with: Map<String, Value>,
    },
}

/// The gate every write, destructive or billable handler passes after it has
/// computed its preview (with GETs only) and before it changes anything.
/// `None` means: go ahead.
pub fn gate<R>(
    class: Class,
    common: &CommonFields,
    message: impl Into<String>,
    preview: &impl Serialize,
) -> SkillResult<Option<Done<R>>> {
    let preview = serde_json::to_value(preview)
        .map_err(|e| crate::error::SkillError::internal(format!("preview: {e}")))?;
    if class == Class::Read {
        return Ok(None);
    }
    if common.dry_run {
        return Ok(Some(Done::DryRun(preview)));
    }
    let needs_confirm = matches!(class, Class::Destructive | Class::Billable);
    if needs_confirm && !common.confirm {
        let mut confirm_with = Map::new();
        confirm_with.insert("confirm".into(), Value::Bool(true));
        // A billable preview quotes its order's `total`: the yes is for that
        // price at most.
        if class == Class::Billable {
            if let Some(total) = preview.get("total").filter(|t| t.is_number()) {
                confirm_with.insert("max_price".into(), total.clone());
            }
        }
        return Ok(Some(Done::Confirm {
            message: message.into(),
            preview,
            confirm_with,
        }));
    }
    Ok(None)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_billable_confirmation_asks_for_the_quoted_total() {
        let common = CommonFields::default();
        let quote = serde_json::json!({"total": 15.6, "currency": "EUR"});
        let Ok(Some(Done::<()>::Confirm { confirm_with, .. })) =
            gate(Class::Billable, &common, "renews example.com", &quote)
        else {
            panic!("a billable action without confirm must stop for a yes")
        };
        assert_eq!(
            Value::Object(confirm_with),
            serde_json::json!({"confirm": true, "max_price": 15.6})
        );
        let Ok(Some(Done::<()>::Confirm { confirm_with, .. })) =
            gate(Class::Destructive, &common, "removes", &quote)
        else {
            panic!("a destructive action without confirm must stop")
        };
        assert_eq!(
            Value::Object(confirm_with),
            serde_json::json!({"confirm": true})
        );
    }
}
