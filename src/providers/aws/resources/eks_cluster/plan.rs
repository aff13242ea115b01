//! Planning an EKS cluster: normalise so a plan right after apply says "No changes", check the
//! version step, and say in one line what changes for people.

use std::collections::BTreeMap;

use super::endpoint::{vpc_config, EndpointAccess, OPEN_TO_ALL};
use super::updates::check_version_step;
use crate::diag::Diagnostic;
use crate::providers::aws::tags::tags_all;
use crate::providers::default_plan::{plan_object, replace_paths};
use crate::providers::schema::Schema;
use crate::providers::{ConfigSpans, PlanResponse};
use crate::value::Value;

/// Sets one attribute of the cluster's `vpc_config` block, whichever shape it has.
fn set_in_vpc_config(cluster: &mut Value, name: &str, v: Value) {
    let Value::Object(map) = cluster else { return };
    let block = match map.get_mut("vpc_config") {
        Some(Value::List(items)) => items.first_mut(),
        Some(obj @ Value::Object(_)) => Some(obj),
        _ => None,
    };
    if let Some(Value::Object(vpc)) = block {
        vpc.insert(name.to_string(), v);
    }
}

pub fn plan_cluster(
    schema: &Schema,
    prior: Option<&Value>,
    config: &Value,
    default_tags: &BTreeMap<String, String>,
    spans: &ConfigSpans,
) -> PlanResponse {
    let mut resp = PlanResponse::default();
    let mut planned = plan_object(schema, prior, config);
    let config_vpc = vpc_config(config).cloned().unwrap_or(Value::Null);
    let public = config_vpc
        .get("endpoint_public_access")
        .and_then(Value::as_bool)
        .unwrap_or(true);
    let written = config_vpc
        .get("public_access_cidrs")
        .filter(|v| !v.is_null())
        .cloned();
    let prior_cidrs = prior
        .and_then(vpc_config)
        .and_then(|v| v.get("public_access_cidrs"))
        .filter(|v| !v.is_null())
        .cloned();
    // EKS reports 0.0.0.0/0 when no CIDRs were given, and ignores CIDRs while public access is
    // off: plan what it will report, so the next plan has nothing to show.
    let cidrs = match (public, written, prior_cidrs) {
        (true, Some(w), _) => w,
        (true, None, _) => Value::set(vec![Value::from(OPEN_TO_ALL)]),
        (false, _, Some(p)) => p,
        (false, _, None) => Value::set(vec![Value::from(OPEN_TO_ALL)]),
    };
    set_in_vpc_config(&mut planned, "public_access_cidrs", cidrs);
    if let Value::Object(map) = &mut planned {
        map.insert(
            "tags_all".into(),
            tags_all(default_tags, config.get("tags")),
        );
        if prior.is_none() {
            // The cluster's ID is its name, known before creation.
            if let Some(name) = config.get("name").filter(|n| !n.is_unknown()) {
                map.insert("id".into(), name.clone());
            }
        }
    }
    if let (Some(from), Some(to)) = (
        prior.and_then(|p| p.get("version")).and_then(Value::as_str),
        config.get("version").and_then(Value::as_str),
    ) {
        if from != to {
            if let Err(msg) = check_version_step(from, to) {
                resp.diagnostics.push(
                    Diagnostic::error("Unsupported Kubernetes version change")
                        .at(spans.span(&["version"]))
                        .detail(msg)
                        .hint("change version by one minor step per apply"),
                );
            }
        }
    }
    let mode = |v: &Value| {
        v.get("access_config")?
            .as_items()?
            .first()?
            .get("authentication_mode")?
            .as_str()
            .map(str::to_string)
    };
    match prior {
        // EKS reports its defaults (CONFIG_MAP, a creator entry) for a cluster made without
        // access_config: plan them as unknown rather than as none.
        None if config
            .get("access_config")
            .and_then(Value::as_items)
            .is_none_or(<[Value]>::is_empty) =>
        {
            if let Value::Object(map) = &mut planned {
                map.insert("access_config".into(), Value::Unknown);
            }
        }
        Some(p) => {
            if let (Some(from), Some(to)) = (mode(p), mode(&planned)) {
                if let Err(msg) = check_mode_step(&from, &to) {
                    resp.diagnostics.push(
                        Diagnostic::error("Unsupported authentication mode change")
                            .at(spans.span(&["access_config", "authentication_mode"]))
                            .detail(msg)
                            .hint("go CONFIG_MAP → API_AND_CONFIG_MAP → API; to go back, replace the cluster"),
                    );
                }
            }
        }
        None => {}
    }
    let after = vpc_config(&planned).and_then(EndpointAccess::from_vpc_config);
    match (
        prior
            .and_then(vpc_config)
            .and_then(EndpointAccess::from_vpc_config),
        after,
    ) {
        (Some(before), Some(after)) => resp.notes.extend(before.change_line(&after)),
        (None, Some(after)) => resp.notes.push(format!(
            "API server endpoint: {} (new cluster)",
            after.describe()
        )),
        _ => {}
    }
    match prior {
        None => super::settings::plan_unwritten(config, &mut planned),
        Some(p) => super::settings::keep_zonal_shift_off(p, config, &mut planned),
    }
    if let Some(p) = prior {
        resp.requires_replace = replace_paths(schema, p, &planned);
        resp.requires_replace
            .extend(super::settings::requires_replace(p, &planned));
    }
    resp.planned = planned;
    resp
}

/// EKS moves a cluster's authentication mode only towards access entries.
/// <https://docs.aws.amazon.com/eks/latest/userguide/setting-up-access-entries.html>
pub fn check_mode_step(from: &str, to: &str) -> Result<(), String> {
    const ORDER: [&str; 3] = ["CONFIG_MAP", "API_AND_CONFIG_MAP", "API"];
    let at = |m: &str| ORDER.iter().position(|o| *o == m);
    match (at(from), at(to)) {
        (_, None) => Err(format!("\"{to}\" is not one of CONFIG_MAP, API_AND_CONFIG_MAP and API")),
        (Some(a), Some(b)) if b < a => Err(format!(
            "EKS cannot change authentication_mode from {from} back to {to}: it only moves towards API"
        )),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diag::{FileId, Span};

    #[test]
    fn authentication_modes_move_towards_access_entries_only() {
        assert!(check_mode_step("CONFIG_MAP", "API_AND_CONFIG_MAP").is_ok());
        assert!(check_mode_step("CONFIG_MAP", "API").is_ok());
        assert!(check_mode_step("API", "API").is_ok());
        assert!(check_mode_step("API", "CONFIG_MAP")
            .unwrap_err()
            .contains("back to CONFIG_MAP"));
        assert!(check_mode_step("API", "IAM")
            .unwrap_err()
            .contains("is not one of"));
    }

    fn spans() -> ConfigSpans {
        ConfigSpans::none(Span::new(FileId(0), 0..0))
    }

    fn config(public: Option<bool>, private: Option<bool>, cidrs: Option<&[&str]>) -> Value {
        let schema = super::super::schema();
        let mut v = schema.empty_value();
        let b = |x: Option<bool>| x.map_or(Value::Null, Value::Bool);
        let vpc = Value::object([
            ("subnet_ids", Value::set(vec!["s1".into(), "s2".into()])),
            ("security_group_ids", Value::Null),
            ("endpoint_public_access", b(public)),
            ("endpoint_private_access", b(private)),
            (
                "public_access_cidrs",
                cidrs.map_or(Value::Null, |c| {
                    Value::set(c.iter().map(|s| Value::from(*s)).collect())
                }),
            ),
            ("cluster_security_group_id", Value::Null),
            ("vpc_id", Value::Null),
        ]);
        if let Value::Object(m) = &mut v {
            m.insert("name".into(), "dev".into());
            m.insert("role_arn".into(), "arn:aws:iam::1:role/eks".into());
            m.insert("vpc_config".into(), Value::List(vec![vpc]));
            // A block the configuration does not write is null, as the loader gives it.
            for block in [
                "access_config",
                "kubernetes_network_config",
                "encryption_config",
                "upgrade_policy",
                "zonal_shift_config",
            ] {
                m.insert(block.into(), Value::Null);
            }
        }
        v
    }

    /// What EKS would report after applying `planned`: unknowns filled in.
    fn applied(planned: &Value) -> Value {
        fn fill(key: &str, v: &Value) -> Value {
            match v {
                // The blocks EKS fills in for a new cluster come back as one block each.
                Value::Unknown if key == "kubernetes_network_config" => {
                    Value::List(vec![Value::object([
                        ("service_ipv4_cidr", Value::from("172.20.0.0/16")),
                        ("ip_family", Value::from("ipv4")),
                        ("service_ipv6_cidr", Value::Null),
                    ])])
                }
                Value::Unknown if key == "upgrade_policy" => Value::List(vec![Value::object([(
                    "support_type",
                    Value::from("EXTENDED"),
                )])]),
                Value::Unknown => Value::from("x"),
                Value::Object(m) => {
                    Value::Object(m.iter().map(|(k, v)| (k.clone(), fill(k, v))).collect())
                }
                other => other.clone(),
            }
        }
        fill("", planned)
    }

    #[test]
    fn a_plan_right_after_apply_has_no_changes() {
        let schema = super::super::schema();
        for cfg in [
            config(None, None, None),
            config(Some(false), Some(true), Some(&["1.2.3.0/24"])),
            config(Some(true), Some(true), Some(&["10.0.0.0/8", "1.2.3.0/24"])),
        ] {
            let first = plan_cluster(&schema, None, &cfg, &BTreeMap::new(), &spans());
            let state = applied(&first.planned);
            let second = plan_cluster(&schema, Some(&state), &cfg, &BTreeMap::new(), &spans());
            assert!(second.planned.same_as(&state), "{:?}", second.planned);
            assert!(second.requires_replace.is_empty() && second.notes.is_empty());
        }
    }

    #[test]
    fn endpoint_changes_get_one_plain_line() {
        let schema = super::super::schema();
        let state = applied(
            &plan_cluster(
                &schema,
                None,
                &config(None, None, None),
                &BTreeMap::new(),
                &spans(),
            )
            .planned,
        );
        let p = plan_cluster(
            &schema,
            Some(&state),
            &config(Some(false), Some(true), None),
            &BTreeMap::new(),
            &spans(),
        );
        assert_eq!(p.notes, vec!["API server endpoint: public (0.0.0.0/0) → private only — kubectl, helm and CI from outside the VPC will stop working"]);
    }

    #[test]
    fn default_tags_merge_under_resource_tags() {
        let d = BTreeMap::from([
            ("team".to_string(), "k8s".to_string()),
            ("env".to_string(), "x".to_string()),
        ]);
        let t = tags_all(&d, Some(&Value::object([("env", Value::from("dev"))])));
        assert_eq!(
            t,
            Value::object([("env", Value::from("dev")), ("team", Value::from("k8s"))])
        );
    }
}
