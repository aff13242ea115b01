//! Planning an AKS cluster: normalise so a plan right after apply says "No changes", decide
//! which changes AKS can make in place, and say in plain words what changes for people.

use super::access::{block, ApiServerAccess};
use super::rules::normalise_location;
use crate::diag::Diagnostic;
use crate::providers::default_plan::{plan_object, replace_paths};
use crate::providers::schema::Schema;
use crate::providers::{ConfigSpans, PlanResponse};
use crate::value::Value;

/// Blocks AKS fills in when they are not written: an omitted one keeps what AKS chose.
const AKS_CHOOSES: [&str; 2] = ["network_profile", "identity"];

fn set(v: &mut Value, key: &str, x: Value) {
    if let Value::Object(m) = v {
        m.insert(key.to_string(), x);
    }
}

fn vnet_integration(v: &Value) -> bool {
    block(v, "api_server_access_profile")
        .and_then(|p| p.get("virtual_network_integration_enabled"))
        .and_then(Value::as_bool)
        .unwrap_or(false)
}

pub fn plan_cluster(
    schema: &Schema,
    prior: Option<&Value>,
    config: &Value,
    spans: &ConfigSpans,
) -> PlanResponse {
    let mut resp = PlanResponse::default();
    let mut planned = plan_object(schema, prior, config);
    let private = planned
        .get("private_cluster_enabled")
        .and_then(Value::as_bool);

    // ARM reports the location in its short form (westeurope for "West Europe").
    if let (Some(p), Some(c)) = (
        prior
            .and_then(|p| p.get("location"))
            .and_then(Value::as_str),
        config.get("location").and_then(Value::as_str),
    ) {
        if normalise_location(p) == normalise_location(c) {
            set(&mut planned, "location", Value::from(p));
        }
    }
    // The DNS zone mode: System unless written, compared without case (ARM answers "system").
    let zone = match (private, config.get("private_dns_zone_id")) {
        (Some(false), _) => Value::Null,
        (Some(true), Some(v)) if !v.is_null() => {
            let written = v.as_str().map(super::access::DnsZone::parse);
            let before = prior
                .and_then(|p| p.get("private_dns_zone_id"))
                .and_then(Value::as_str)
                .map(super::access::DnsZone::parse);
            match (written, before) {
                (Some(w), Some(b)) if w == b => prior
                    .and_then(|p| p.get("private_dns_zone_id"))
                    .cloned()
                    .unwrap_or(Value::Null),
                (Some(w), _) => Value::from(w.config_value()),
                (None, _) => v.clone(),
            }
        }
        (Some(true), _) => Value::from("System"),
        (None, _) => Value::Unknown,
    };
    set(&mut planned, "private_dns_zone_id", zone);
    if private == Some(false) {
        set(
            &mut planned,
            "private_cluster_public_fqdn_enabled",
            Value::Bool(false),
        );
    }
    // A written block that sets nothing is no block: AKS reports none, and a module that
    // passes nulls for a private cluster must not plan a change forever.
    if let Some(profile) = block(&planned, "api_server_access_profile") {
        let empty = profile
            .get("authorized_ip_ranges")
            .is_none_or(|r| r.is_null() || r.as_items().is_some_and(<[Value]>::is_empty))
            && profile.get("subnet_id").is_none_or(Value::is_null)
            && profile.get("virtual_network_integration_enabled") == Some(&Value::Bool(false));
        if empty {
            set(
                &mut planned,
                "api_server_access_profile",
                Value::List(Vec::new()),
            );
        }
    }
    for name in AKS_CHOOSES {
        let written = config
            .get(name)
            .is_some_and(|v| !v.is_null() && v.as_items().is_none_or(|i| !i.is_empty()));
        if !written {
            let kept = match prior {
                Some(p) => p.get(name).cloned().unwrap_or(Value::Null),
                None => Value::Unknown,
            };
            set(&mut planned, name, kept);
        }
    }
    // Names and addresses AKS derives from settings that change are unknown until applied.
    if let Some(p) = prior {
        let changed = |k: &str| {
            !p.get(k)
                .unwrap_or(&Value::Null)
                .same_as(planned.get(k).unwrap_or(&Value::Null))
        };
        if changed("private_cluster_enabled") || changed("private_cluster_public_fqdn_enabled") {
            set(&mut planned, "fqdn", Value::Unknown);
            set(&mut planned, "private_fqdn", Value::Unknown);
            set(&mut planned, "portal_fqdn", Value::Unknown);
        }
    }

    if prior.is_none() {
        if let Some(zone) = planned
            .get("private_dns_zone_id")
            .and_then(Value::as_str)
            .map(super::access::DnsZone::parse)
            .filter(|z| matches!(z, super::access::DnsZone::Custom(_)))
        {
            resp.diagnostics.push(
                Diagnostic::warning("The cluster's identity needs rights on your private DNS zone")
                    .at(spans.span(&["private_dns_zone_id"]))
                    .detail(format!("AKS writes the API server's record into {} with the cluster's user-assigned identity. Without the Private DNS Zone Contributor role on the zone (and Network Contributor on the virtual network when the nodes use your subnet), creation fails with CustomPrivateDNSZoneMissingPermissionError after the cluster was accepted.", zone.zone_name().unwrap_or("the zone")))
                    .hint("grant the roles before applying: az role assignment create --assignee <identity principal ID> --role \"Private DNS Zone Contributor\" --scope <zone ID>"),
            );
        }
    }
    let before = prior.and_then(ApiServerAccess::from_cluster);
    let after = ApiServerAccess::from_cluster(&planned);
    if let Some(p) = prior {
        let mut paths = replace_paths(schema, p, &planned);
        // AKS can turn VNet integration on for an existing cluster, with a subnet of yours,
        // but not off again.
        let api_subnet = block(&planned, "api_server_access_profile")
            .is_some_and(|a| a.get("subnet_id").is_some_and(|v| !v.is_null()));
        if !vnet_integration(p) && vnet_integration(&planned) && !api_subnet {
            resp.diagnostics.push(
                Diagnostic::error("VNet integration on an existing cluster needs subnet_id")
                    .at(spans.span(&["api_server_access_profile", "virtual_network_integration_enabled"]))
                    .detail("AKS creates the API server subnet itself only for a new cluster; to turn API Server VNet Integration on for an existing one it needs a subnet of the cluster's virtual network, delegated to Microsoft.ContainerService/managedClusters.")
                    .hint("set api_server_access_profile.subnet_id to a delegated subnet (a /28 or larger)"),
            );
        }
        if vnet_integration(p) && !vnet_integration(&planned) {
            paths.push(vec![
                "api_server_access_profile".into(),
                "0".into(),
                "virtual_network_integration_enabled".into(),
            ]);
        }
        // With API Server VNet Integration, AKS can add or remove the private endpoint in place
        // (az aks update --enable-private-cluster); without it, only a new cluster can.
        if vnet_integration(p) && vnet_integration(&planned) {
            let zone_written = spans.is_written(&["private_dns_zone_id"]);
            paths.retain(|path| match path.first().map(String::as_str) {
                Some("private_cluster_enabled") => false,
                Some("private_dns_zone_id") => zone_written,
                _ => true,
            });
        }
        if !paths.is_empty() {
            let name = p
                .get("name")
                .and_then(Value::as_str)
                .unwrap_or("the cluster");
            let access_change = paths.iter().any(|path| {
                matches!(
                    path.first().map(String::as_str),
                    Some("private_cluster_enabled" | "private_dns_zone_id")
                ) || path.last().map(String::as_str) == Some("virtual_network_integration_enabled")
            });
            if access_change {
                let at = if paths
                    .iter()
                    .any(|p| p.first().map(String::as_str) == Some("private_cluster_enabled"))
                {
                    spans.span(&["private_cluster_enabled"])
                } else {
                    spans.span(&["private_dns_zone_id"])
                };
                resp.diagnostics.push(
                    Diagnostic::warning(format!("The AKS cluster {name} will be destroyed and created again"))
                        .at(at)
                        .detail("AKS cannot switch an existing cluster between public and private or change its private DNS zone mode without API Server VNet Integration, and cannot turn VNet integration off. Applying this plan deletes the cluster, its node pools and every workload on it, then creates a new, empty cluster with a new API server address and credentials.")
                        .hint("if this is not intended, revert the change; to allow it only on purpose, keep lifecycle { prevent_destroy = true } on clusters that matter"),
                );
            }
        }
        resp.requires_replace = paths;
    }
    match (before, after) {
        (Some(b), Some(a)) => resp.notes.extend(b.change_lines(&a)),
        (None, Some(a)) if prior.is_none() => resp
            .notes
            .push(format!("API server: {} (new cluster)", a.describe())),
        _ => {}
    }
    resp.planned = planned;
    resp
}

#[cfg(test)]
mod tests {
    use super::super::schema::schema as kubernetes_cluster;
    use super::*;
    use crate::diag::{FileId, Span};

    fn spans() -> ConfigSpans {
        ConfigSpans::none(Span::new(FileId(0), 0..0))
    }

    fn config(private: bool, ranges: Option<&[&str]>, vnet: bool) -> Value {
        let schema = kubernetes_cluster();
        let mut v = schema.empty_value();
        if let Value::Object(m) = &mut v {
            m.insert("name".into(), "aks".into());
            m.insert("location".into(), "West Europe".into());
            m.insert("resource_group_name".into(), "rg".into());
            m.insert("dns_prefix".into(), "aks".into());
            m.insert("private_cluster_enabled".into(), Value::Bool(private));
            m.insert(
                "default_node_pool".into(),
                Value::List(vec![Value::object([
                    ("name", Value::from("system")),
                    ("vm_size", Value::from("Standard_D2s_v5")),
                    ("node_count", Value::Null),
                    ("vnet_subnet_id", Value::Null),
                ])]),
            );
            if ranges.is_some() || vnet {
                m.insert(
                    "api_server_access_profile".into(),
                    Value::List(vec![Value::object([
                        (
                            "authorized_ip_ranges",
                            ranges.map_or(Value::Null, |r| {
                                Value::set(r.iter().map(|s| Value::from(*s)).collect())
                            }),
                        ),
                        ("subnet_id", Value::Null),
                        ("virtual_network_integration_enabled", Value::Bool(vnet)),
                    ])]),
                );
            }
        }
        v
    }

    /// What AKS would report after applying `planned`.
    fn applied(planned: &Value) -> Value {
        fn fill(v: &Value) -> Value {
            match v {
                Value::Unknown => Value::from("x"),
                Value::Object(m) => {
                    Value::Object(m.iter().map(|(k, v)| (k.clone(), fill(v))).collect())
                }
                Value::List(items) => Value::List(items.iter().map(fill).collect()),
                other => other.clone(),
            }
        }
        let mut v = fill(planned);
        set(&mut v, "location", Value::from("westeurope"));
        v
    }

    #[test]
    fn a_plan_right_after_apply_has_no_changes() {
        let schema = kubernetes_cluster();
        for cfg in [
            config(false, None, false),
            config(false, Some(&["203.0.113.0/24"]), false),
            config(true, None, false),
            config(true, None, true),
        ] {
            let first = plan_cluster(&schema, None, &cfg, &spans());
            let state = applied(&first.planned);
            let second = plan_cluster(&schema, Some(&state), &cfg, &spans());
            assert!(
                second.planned.same_as(&state),
                "{:?}\n{:?}",
                second.planned,
                state
            );
            assert!(second.requires_replace.is_empty() && second.notes.is_empty());
        }
    }

    #[test]
    fn public_to_private_is_a_replacement_with_a_warning() {
        let schema = kubernetes_cluster();
        let state =
            applied(&plan_cluster(&schema, None, &config(false, None, false), &spans()).planned);
        let p = plan_cluster(&schema, Some(&state), &config(true, None, false), &spans());
        assert!(p
            .requires_replace
            .contains(&vec!["private_cluster_enabled".to_string()]));
        assert!(p
            .diagnostics
            .iter()
            .any(|d| d.summary == "The AKS cluster aks will be destroyed and created again"));
        assert!(
            p.notes[0].starts_with("API server: public (any address) → private (System DNS zone)")
        );
    }

    #[test]
    fn with_vnet_integration_private_access_changes_in_place() {
        let schema = kubernetes_cluster();
        let state =
            applied(&plan_cluster(&schema, None, &config(false, None, true), &spans()).planned);
        let p = plan_cluster(&schema, Some(&state), &config(true, None, true), &spans());
        assert!(p.requires_replace.is_empty(), "{:?}", p.requires_replace);
        assert!(p.diagnostics.is_empty());
    }

    #[test]
    fn turning_vnet_integration_off_is_a_replacement_with_a_warning() {
        let schema = kubernetes_cluster();
        let state =
            applied(&plan_cluster(&schema, None, &config(false, None, true), &spans()).planned);
        let p = plan_cluster(&schema, Some(&state), &config(false, None, false), &spans());
        assert!(p
            .requires_replace
            .iter()
            .any(|path| path.last().map(String::as_str)
                == Some("virtual_network_integration_enabled")));
        assert!(p
            .diagnostics
            .iter()
            .any(|d| d.summary == "The AKS cluster aks will be destroyed and created again"));
    }

    #[test]
    fn ranges_change_in_place_with_one_line() {
        let schema = kubernetes_cluster();
        let state =
            applied(&plan_cluster(&schema, None, &config(false, None, false), &spans()).planned);
        let p = plan_cluster(
            &schema,
            Some(&state),
            &config(false, Some(&["203.0.113.0/24"]), false),
            &spans(),
        );
        assert!(p.requires_replace.is_empty());
        assert_eq!(
            p.notes,
            ["API server: public (any address) → public (203.0.113.0/24) — clients outside the listed ranges will be refused"]
        );
    }
}
