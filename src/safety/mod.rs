//! Safety: the four action classes, the plan tokens that bind a
//! confirmation to the preview the user saw (`plan`), and the user's policy
//! file (`policy`). The gate that applies them is dispatch's alone
//! (`catalog::dispatch`).

pub mod plan;
pub mod policy;

use schemars::JsonSchema;
use serde::Serialize;

/// Every action has exactly one class (contract §5).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Class {
    /// Runs at once.
    Read,
    /// Runs at once; adds or changes without removing anything.
    Write,
    /// Removes or replaces something: needs `confirm` and the preview's plan.
    Destructive,
    /// Costs money: needs `confirm`, the quote's plan and `max_price`.
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

    /// Destructive and billable actions need a previewed confirmation.
    pub fn needs_confirmation(self) -> bool {
        matches!(self, Class::Destructive | Class::Billable)
    }
}
