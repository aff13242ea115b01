//! Terraform's JSON output formats (in progress).

/// `show --json PLANFILE`: Terraform's JSON plan representation.
pub fn plan_json(
    _plan: &crate::plan::Plan,
    _prior_state: Option<&crate::state::State>,
    _config: Option<&crate::config::Config>,
    _registry: &crate::providers::Registry,
) -> serde_json::Value {
    serde_json::json!({})
}

/// `show --json` with no plan: Terraform's JSON state representation.
pub fn state_json(_state: &crate::state::State, _registry: &crate::providers::Registry) -> serde_json::Value {
    serde_json::json!({})
}
