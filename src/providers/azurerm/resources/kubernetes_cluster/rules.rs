//! Microsoft's private-cluster rules, checked against the configuration before any API call:
//! what AKS would refuse is an error, what is allowed but risky is a warning or finding.

use super::access::{block, string_set, ApiServerAccess, DnsZone};
use crate::diag::{Diagnostic, Diagnostics};
use crate::providers::ConfigSpans;
use crate::value::Value;

/// `West Europe` and `westeurope` are the same region to ARM.
pub fn normalise_location(location: &str) -> String {
    location
        .chars()
        .filter(|c| !c.is_whitespace())
        .flat_map(char::to_lowercase)
        .collect()
}

/// Why a custom private DNS zone ID cannot be used, if it cannot.
fn zone_problem(id: &str, location: Option<&str>) -> Option<String> {
    let parts: Vec<&str> = id.trim_start_matches('/').split('/').collect();
    let shaped = parts.len() == 8
        && parts[0].eq_ignore_ascii_case("subscriptions")
        && parts[2].eq_ignore_ascii_case("resourceGroups")
        && parts[4].eq_ignore_ascii_case("providers")
        && parts[5].eq_ignore_ascii_case("Microsoft.Network")
        && parts[6].eq_ignore_ascii_case("privateDnsZones");
    if !shaped {
        return Some(format!(
            "\"{id}\" is not a private DNS zone resource ID. Expected /subscriptions/<id>/resourceGroups/<group>/providers/Microsoft.Network/privateDnsZones/<zone>, or System or None."
        ));
    }
    let zone = parts[7].to_ascii_lowercase();
    let labels: Vec<&str> = zone.split('.').collect();
    // privatelink.<region>.azmk8s.io, or <subzone>.privatelink.<region>.azmk8s.io
    let tail = labels.len().checked_sub(4).map(|i| &labels[i..]);
    let region = match tail {
        Some([p, region, "azmk8s", "io"]) if *p == "privatelink" && labels.len() <= 5 => *region,
        _ => {
            return Some(format!(
                "The zone {zone} is not named privatelink.<region>.azmk8s.io or <subzone>.privatelink.<region>.azmk8s.io, the names AKS accepts."
            ))
        }
    };
    match location.map(normalise_location) {
        Some(loc) if loc != region => Some(format!(
            "The zone {zone} is for region {region}, but the cluster is in {loc}; AKS needs the zone of the cluster's own region."
        )),
        _ => None,
    }
}

fn is_cidr(s: &str) -> bool {
    s.parse::<ipnet::IpNet>().is_ok() || s.parse::<std::net::IpAddr>().is_ok()
}

/// Every rule, on one cluster's configuration (unset values null, some maybe unknown).
pub fn check(config: &Value, spans: &ConfigSpans) -> Diagnostics {
    let mut d = Diagnostics::new();
    let written = |name: &str| config.get(name).is_some_and(|v| !v.is_null());
    let at = |path: &[&str]| spans.span(path);
    let private = config
        .get("private_cluster_enabled")
        .and_then(Value::as_bool)
        .unwrap_or(false);
    let zone_value = config.get("private_dns_zone_id");
    let zone_known = zone_value.is_none_or(|v| !v.is_unknown());
    let zone = zone_value.and_then(Value::as_str).map(DnsZone::parse);
    let public_fqdn = config
        .get("private_cluster_public_fqdn_enabled")
        .and_then(Value::as_bool)
        .unwrap_or(false);
    let known_private = config
        .get("private_cluster_enabled")
        .is_none_or(|v| !v.is_unknown());

    match (written("dns_prefix"), written("dns_prefix_private_cluster")) {
        (true, true) => d.push(
            Diagnostic::error("Both dns_prefix and dns_prefix_private_cluster are set")
                .at(at(&["dns_prefix_private_cluster"]))
                .detail("AKS takes one host-name prefix: dns_prefix, or dns_prefix_private_cluster for a private cluster with its own DNS zone.")
                .hint("remove one of them"),
        ),
        (false, false) => d.push(
            Diagnostic::error("Missing DNS prefix")
                .at(spans.root())
                .detail("AKS needs a prefix for the API server's host name.")
                .hint("add dns_prefix = \"<name>\" (or dns_prefix_private_cluster with a custom private DNS zone)"),
        ),
        _ => {}
    }
    if written("dns_prefix_private_cluster")
        && zone_known
        && !matches!(zone, Some(DnsZone::Custom(_)))
    {
        d.push(
            Diagnostic::error("dns_prefix_private_cluster needs a custom private DNS zone")
                .at(at(&["dns_prefix_private_cluster"]))
                .detail("AKS accepts fqdnSubdomain only for a private cluster whose private_dns_zone_id is the ID of your own zone.")
                .hint("use dns_prefix, or set private_cluster_enabled = true and private_dns_zone_id to your zone's ID"),
        );
    }

    if known_private && !private && written("private_dns_zone_id") {
        d.push(
            Diagnostic::error("private_dns_zone_id needs a private cluster")
                .at(at(&["private_dns_zone_id"]))
                .detail("Only private clusters have a private DNS zone.")
                .hint("set private_cluster_enabled = true, or remove private_dns_zone_id"),
        );
    }
    if known_private && !private && public_fqdn {
        d.push(
            Diagnostic::warning("private_cluster_public_fqdn_enabled has no effect")
                .at(at(&["private_cluster_public_fqdn_enabled"]))
                .detail("A public cluster always has a public FQDN; this setting only applies to private clusters.")
                .hint("remove it, or set private_cluster_enabled = true"),
        );
    }
    if private {
        if zone == Some(DnsZone::None) && !public_fqdn {
            d.push(
                Diagnostic::error("Private cluster without any way to resolve its API server")
                    .at(at(&["private_dns_zone_id"]))
                    .detail("With private_dns_zone_id = \"None\" AKS creates no private DNS zone, so clients can only find the API server through its public FQDN, and private_cluster_public_fqdn_enabled is false.")
                    .hint("set private_cluster_public_fqdn_enabled = true, or use private_dns_zone_id = \"System\""),
            );
        }
        if let Some(DnsZone::Custom(id)) = &zone {
            if let Some(problem) = zone_problem(id, config.get("location").and_then(Value::as_str))
            {
                d.push(
                    Diagnostic::error("Invalid private DNS zone")
                        .at(at(&["private_dns_zone_id"]))
                        .detail(problem)
                        .hint("use the ID of a privatelink.<region>.azmk8s.io zone in the cluster's region, or System"),
                );
            }
            let identity = block(config, "identity");
            let kind = identity.and_then(|i| i.get("type")).and_then(Value::as_str);
            let ids = identity.and_then(|i| string_set(i.get("identity_ids")));
            if kind.is_some_and(|k| !k.eq_ignore_ascii_case("UserAssigned"))
                || identity.is_none()
                || ids.is_some_and(|ids| ids.is_empty())
            {
                d.push(
                    Diagnostic::error("A custom private DNS zone needs a user-assigned identity")
                        .at(if identity.is_some() { at(&["identity"]) } else { at(&["private_dns_zone_id"]) })
                        .detail("AKS manages records in your zone with the cluster's identity, and a system-assigned identity does not exist until the cluster does, so it cannot be granted rights on the zone beforehand.")
                        .hint("add identity { type = \"UserAssigned\", identity_ids = [<identity ID>] } and grant that identity Private DNS Zone Contributor on the zone"),
                );
            }
        }
    }

    let profile = block(config, "api_server_access_profile");
    let ranges = profile.and_then(|p| string_set(p.get("authorized_ip_ranges")));
    if let Some(ranges) = &ranges {
        if private && !ranges.is_empty() {
            d.push(
                Diagnostic::error("Authorized IP ranges on a private cluster")
                    .at(at(&["api_server_access_profile", "authorized_ip_ranges"]))
                    .detail("Authorized IP ranges restrict the public API server; a private cluster has none, and AKS refuses them.")
                    .hint("remove authorized_ip_ranges, or make the cluster public (private_cluster_enabled = false)"),
            );
        }
        for r in ranges {
            if !is_cidr(r) {
                d.push(
                    Diagnostic::error("Invalid IP range")
                        .at(at(&["api_server_access_profile", "authorized_ip_ranges"]))
                        .detail(format!("\"{r}\" is not an IP address or CIDR range."))
                        .hint(
                            "write ranges like 203.0.113.0/24, or 203.0.113.7/32 for one address",
                        ),
                );
            }
        }
        if ranges.len() > 1 && ranges.iter().any(|r| r == "0.0.0.0/32") {
            d.push(
                Diagnostic::error("0.0.0.0/32 combined with other ranges")
                    .at(at(&["api_server_access_profile", "authorized_ip_ranges"]))
                    .detail("0.0.0.0/32 means \"node pools only\" and AKS refuses it together with other ranges.")
                    .hint("use 0.0.0.0/32 alone, or list the ranges that need access"),
            );
        }
    }
    let vnet = profile
        .and_then(|p| p.get("virtual_network_integration_enabled"))
        .and_then(Value::as_bool)
        .unwrap_or(false);
    let api_subnet = profile.is_some_and(|p| p.get("subnet_id").is_some_and(|v| !v.is_null()));
    let node_subnet = block(config, "default_node_pool")
        .is_some_and(|p| p.get("vnet_subnet_id").is_some_and(|v| !v.is_null()));
    if vnet && node_subnet && !api_subnet {
        d.push(
            Diagnostic::error("VNet integration on your own virtual network needs subnet_id")
                .at(at(&["api_server_access_profile", "virtual_network_integration_enabled"]))
                .detail("The nodes use your own subnet (default_node_pool.vnet_subnet_id), so AKS cannot create the API server's subnet itself: it needs a subnet of that virtual network delegated to Microsoft.ContainerService/managedClusters.")
                .hint("set api_server_access_profile.subnet_id to a delegated subnet (a /28 or larger) in the nodes' virtual network"),
        );
    }
    if api_subnet && !vnet {
        d.push(
            Diagnostic::error("subnet_id without VNet integration")
                .at(at(&["api_server_access_profile", "subnet_id"]))
                .detail("The API server subnet is only used by API Server VNet Integration.")
                .hint("set virtual_network_integration_enabled = true, or remove subnet_id"),
        );
    }

    if let Some(access) = ApiServerAccess::from_cluster(config) {
        if access.open_to_all() {
            d.push(
                Diagnostic::warning("Finding: public AKS API server open to the internet")
                    .at(if written("private_cluster_enabled") { at(&["private_cluster_enabled"]) } else { spans.root() })
                    .detail("The API server accepts connections from any address (checkov CKV_AZURE_6, trivy AVD-AZU-0041). Authentication still applies, but the API server is exposed to scanning and to any credential leak.")
                    .hint("add api_server_access_profile { authorized_ip_ranges = [...] } with your office and CI ranges, or make the cluster private"),
            );
        }
        if access.private {
            d.push(
                Diagnostic::warning("Private API server")
                    .at(at(&["private_cluster_enabled"]))
                    .detail("kubectl, helm and CI runners must reach the API server from its virtual network or a connected one: a jump box or Azure Bastion, a VPN gateway or ExpressRoute, a peered virtual network (with a link to the private DNS zone), or `az aks command invoke` when run command is enabled."),
            );
            if access.run_command {
                d.push(
                    Diagnostic::warning("Run command is enabled on a private cluster")
                        .at(if written("run_command_enabled") { at(&["run_command_enabled"]) } else { at(&["private_cluster_enabled"]) })
                        .detail("Anyone with the Azure RBAC right to run `az aks command invoke` can run kubectl inside this private cluster through the Azure API, without network access to it.")
                        .hint("set run_command_enabled = false unless you rely on it"),
                );
            }
        }
    }
    d
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diag::{FileId, Span};

    fn spans() -> ConfigSpans {
        ConfigSpans::none(Span::new(FileId(0), 0..0))
    }

    fn base() -> Vec<(&'static str, Value)> {
        vec![
            ("name", Value::from("aks")),
            ("location", Value::from("westeurope")),
            ("dns_prefix", Value::from("aks")),
        ]
    }

    fn with(extra: Vec<(&'static str, Value)>) -> Value {
        let mut all = base();
        all.extend(extra);
        Value::object(all)
    }

    fn summaries(v: &Value) -> Vec<String> {
        check(v, &spans())
            .iter()
            .filter(|d| d.is_error())
            .map(|d| d.summary.clone())
            .collect()
    }

    const ZONE: &str = "/subscriptions/0000/resourceGroups/dns/providers/Microsoft.Network/privateDnsZones/privatelink.westeurope.azmk8s.io";

    fn user_identity() -> Value {
        Value::List(vec![Value::object([
            ("type", Value::from("UserAssigned")),
            ("identity_ids", Value::set(vec![Value::from("/subscriptions/0000/resourceGroups/id/providers/Microsoft.ManagedIdentity/userAssignedIdentities/aks")])),
        ])])
    }

    #[test]
    fn none_zone_needs_the_public_fqdn() {
        let v = with(vec![
            ("private_cluster_enabled", Value::Bool(true)),
            ("private_dns_zone_id", Value::from("None")),
        ]);
        assert_eq!(
            summaries(&v),
            ["Private cluster without any way to resolve its API server"]
        );
        let ok = with(vec![
            ("private_cluster_enabled", Value::Bool(true)),
            ("private_dns_zone_id", Value::from("None")),
            ("private_cluster_public_fqdn_enabled", Value::Bool(true)),
        ]);
        assert!(summaries(&ok).is_empty());
    }

    #[test]
    fn custom_zone_must_match_region_and_needs_a_user_identity() {
        let good = with(vec![
            ("private_cluster_enabled", Value::Bool(true)),
            ("private_dns_zone_id", Value::from(ZONE)),
            ("identity", user_identity()),
        ]);
        assert!(summaries(&good).is_empty(), "{:?}", summaries(&good));
        let sub = ZONE.replace("privatelink.", "team1.privatelink.");
        let good_sub = with(vec![
            ("private_cluster_enabled", Value::Bool(true)),
            ("private_dns_zone_id", Value::from(sub.as_str())),
            ("identity", user_identity()),
        ]);
        assert!(summaries(&good_sub).is_empty());
        let wrong_region = with(vec![
            ("private_cluster_enabled", Value::Bool(true)),
            (
                "private_dns_zone_id",
                Value::from(ZONE.replace("westeurope", "eastus").as_str()),
            ),
            ("identity", user_identity()),
        ]);
        assert_eq!(summaries(&wrong_region), ["Invalid private DNS zone"]);
        let system_identity = with(vec![
            ("private_cluster_enabled", Value::Bool(true)),
            ("private_dns_zone_id", Value::from(ZONE)),
            (
                "identity",
                Value::List(vec![Value::object([(
                    "type",
                    Value::from("SystemAssigned"),
                )])]),
            ),
        ]);
        assert_eq!(
            summaries(&system_identity),
            ["A custom private DNS zone needs a user-assigned identity"]
        );
        let not_a_zone = with(vec![
            ("private_cluster_enabled", Value::Bool(true)),
            ("private_dns_zone_id", Value::from("/subscriptions/0000/resourceGroups/dns/providers/Microsoft.Network/dnszones/example.com")),
            ("identity", user_identity()),
        ]);
        assert_eq!(summaries(&not_a_zone), ["Invalid private DNS zone"]);
    }

    #[test]
    fn authorized_ranges_are_for_public_clusters_only() {
        let profile = |ranges: &[&str]| {
            Value::List(vec![Value::object([(
                "authorized_ip_ranges",
                Value::set(ranges.iter().map(|r| Value::from(*r)).collect()),
            )])])
        };
        let v = with(vec![
            ("private_cluster_enabled", Value::Bool(true)),
            ("api_server_access_profile", profile(&["203.0.113.0/24"])),
        ]);
        assert_eq!(summaries(&v), ["Authorized IP ranges on a private cluster"]);
        let mixed = with(vec![(
            "api_server_access_profile",
            profile(&["0.0.0.0/32", "203.0.113.0/24"]),
        )]);
        assert_eq!(summaries(&mixed), ["0.0.0.0/32 combined with other ranges"]);
        let d = check(
            &with(vec![(
                "api_server_access_profile",
                profile(&["203.0.113.0/24"]),
            )]),
            &spans(),
        );
        assert!(!d.has_errors());
        assert!(!d.iter().any(|d| d.summary.starts_with("Finding")));
        let open = check(&with(vec![]), &spans());
        assert!(open
            .iter()
            .any(|d| d.summary == "Finding: public AKS API server open to the internet"));
    }

    #[test]
    fn vnet_integration_on_own_network_needs_a_subnet() {
        let v = with(vec![
            (
                "default_node_pool",
                Value::List(vec![Value::object([("vnet_subnet_id", Value::from("/subscriptions/0000/resourceGroups/n/providers/Microsoft.Network/virtualNetworks/v/subnets/nodes"))])]),
            ),
            (
                "api_server_access_profile",
                Value::List(vec![Value::object([("virtual_network_integration_enabled", Value::Bool(true))])]),
            ),
        ]);
        assert_eq!(
            summaries(&v),
            ["VNet integration on your own virtual network needs subnet_id"]
        );
    }

    #[test]
    fn run_command_on_a_private_cluster_is_noted() {
        let v = with(vec![("private_cluster_enabled", Value::Bool(true))]);
        let d = check(&v, &spans());
        assert!(d
            .iter()
            .any(|d| d.summary == "Run command is enabled on a private cluster"));
        let off = with(vec![
            ("private_cluster_enabled", Value::Bool(true)),
            ("run_command_enabled", Value::Bool(false)),
        ]);
        assert!(!check(&off, &spans())
            .iter()
            .any(|d| d.summary.starts_with("Run command")));
    }

    #[test]
    fn prefixes_are_exclusive_and_fqdn_subdomain_needs_a_custom_zone() {
        let both = with(vec![("dns_prefix_private_cluster", Value::from("x"))]);
        assert!(summaries(&both)
            .contains(&"Both dns_prefix and dns_prefix_private_cluster are set".to_string()));
        let v = Value::object([
            ("location", Value::from("westeurope")),
            ("private_cluster_enabled", Value::Bool(true)),
            ("dns_prefix_private_cluster", Value::from("x")),
        ]);
        assert_eq!(
            summaries(&v),
            ["dns_prefix_private_cluster needs a custom private DNS zone"]
        );
    }
}
