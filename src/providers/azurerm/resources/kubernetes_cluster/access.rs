//! AKS API-server access: the endpoint modes Microsoft documents, the rules that make some
//! combinations impossible, and the plain-language line a plan shows when access changes.
//!
//! <https://learn.microsoft.com/azure/aks/private-clusters>,
//! <https://learn.microsoft.com/azure/aks/api-server-authorized-ip-ranges>,
//! <https://learn.microsoft.com/azure/aks/api-server-vnet-integration>

use std::fmt;

use crate::value::Value;

/// Where a private cluster's API server name is resolved.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DnsZone {
    /// AKS creates and links a private DNS zone in the node resource group.
    System,
    /// No private zone: clients resolve the public FQDN, which points at the private address.
    None,
    /// A `privatelink.<region>.azmk8s.io` zone the user brings.
    Custom(String),
}

impl DnsZone {
    /// From `private_dns_zone_id` (or ARM's `privateDNSZone`, which comes back lower-case).
    pub fn parse(s: &str) -> DnsZone {
        if s.eq_ignore_ascii_case("system") {
            DnsZone::System
        } else if s.eq_ignore_ascii_case("none") {
            DnsZone::None
        } else {
            DnsZone::Custom(s.to_string())
        }
    }

    /// The spelling Terraform configurations use.
    pub fn config_value(&self) -> String {
        match self {
            DnsZone::System => "System".into(),
            DnsZone::None => "None".into(),
            DnsZone::Custom(id) => id.clone(),
        }
    }

    /// The zone's name, for a custom zone ID.
    pub fn zone_name(&self) -> Option<&str> {
        match self {
            DnsZone::Custom(id) => id.rsplit('/').next(),
            _ => None,
        }
    }
}

impl fmt::Display for DnsZone {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DnsZone::System => f.write_str("System DNS zone"),
            DnsZone::None => f.write_str("no private DNS zone"),
            DnsZone::Custom(_) => write!(f, "own DNS zone {}", self.zone_name().unwrap_or("?")),
        }
    }
}

/// One cluster's API-server access, normalised: ranges sorted and unique.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ApiServerAccess {
    pub private: bool,
    /// Only for private clusters.
    pub dns_zone: Option<DnsZone>,
    /// A private cluster's additional public DNS name.
    pub public_fqdn: bool,
    pub authorized_ranges: Vec<String>,
    pub vnet_integration: bool,
    pub run_command: bool,
}

/// The one block of a Terraform-style list block, or the object itself.
pub fn block<'a>(v: &'a Value, name: &str) -> Option<&'a Value> {
    match v.get(name)?.unmarked() {
        Value::List(items) | Value::Set(items) => items.first(),
        Value::Null => None,
        other => Some(other),
    }
}

/// A known string list or set as sorted, unique strings; `None` while unknown.
pub fn string_set(v: Option<&Value>) -> Option<Vec<String>> {
    let mut out: Vec<String> = match v.map(Value::unmarked) {
        Some(Value::List(items)) | Some(Value::Set(items)) => items
            .iter()
            .map(|i| i.as_str().map(|s| s.trim().to_string()))
            .collect::<Option<_>>()?,
        Some(Value::Null) | None => Vec::new(),
        _ => return None,
    };
    out.sort();
    out.dedup();
    Some(out)
}

fn flag(v: &Value, name: &str, default: bool) -> Option<bool> {
    match v.get(name).map(Value::unmarked) {
        Some(Value::Bool(b)) => Some(*b),
        Some(Value::Null) | None => Some(default),
        _ => None,
    }
}

impl ApiServerAccess {
    /// From a cluster value (config, plan or state); `None` while something is unknown.
    pub fn from_cluster(cluster: &Value) -> Option<ApiServerAccess> {
        let private = flag(cluster, "private_cluster_enabled", false)?;
        let dns_zone = if private {
            match cluster.get("private_dns_zone_id").map(Value::unmarked) {
                Some(Value::String(s)) => Some(DnsZone::parse(s)),
                Some(Value::Null) | None => Some(DnsZone::System),
                _ => return None,
            }
        } else {
            None
        };
        let profile = block(cluster, "api_server_access_profile");
        let (ranges, vnet) = match profile {
            Some(p) => (
                string_set(p.get("authorized_ip_ranges"))?,
                flag(p, "virtual_network_integration_enabled", false)?,
            ),
            None => (Vec::new(), false),
        };
        Some(ApiServerAccess {
            private,
            dns_zone,
            public_fqdn: private && flag(cluster, "private_cluster_public_fqdn_enabled", false)?,
            authorized_ranges: ranges,
            vnet_integration: vnet,
            run_command: flag(cluster, "run_command_enabled", true)?,
        })
    }

    /// A public API server that accepts connections from any address.
    pub fn open_to_all(&self) -> bool {
        !self.private && self.authorized_ranges.is_empty()
    }

    /// `public (any address)`, `public (203.0.113.0/24)`, `private (System DNS zone, public FQDN)`.
    pub fn describe(&self) -> String {
        let mut s = if self.private {
            let mut extra = vec![self
                .dns_zone
                .as_ref()
                .map_or("System DNS zone".to_string(), ToString::to_string)];
            if self.public_fqdn {
                extra.push("public FQDN".into());
            }
            format!("private ({})", extra.join(", "))
        } else if self.authorized_ranges.is_empty() {
            "public (any address)".to_string()
        } else if self.authorized_ranges == ["0.0.0.0/32"] {
            "public (node pools only)".to_string()
        } else {
            format!("public ({})", self.authorized_ranges.join(", "))
        };
        if self.vnet_integration {
            s.push_str(" with VNet integration");
        }
        s
    }

    /// What changes for people when access goes from `self` to `to`.
    fn consequence(&self, to: &ApiServerAccess) -> Option<&'static str> {
        Some(if !self.private && to.private {
            "kubectl, helm and CI from outside the virtual network (or a connected one) will stop working"
        } else if self.private && !to.private && to.open_to_all() {
            "the API server becomes reachable from the whole internet"
        } else if self.private && !to.private {
            "the API server becomes reachable from the listed ranges"
        } else if !to.private && to.open_to_all() && !self.open_to_all() {
            "the API server becomes reachable from the whole internet"
        } else if !to.private && self.authorized_ranges != to.authorized_ranges {
            "clients outside the listed ranges will be refused"
        } else if to.private && !self.public_fqdn && to.public_fqdn {
            "the API server's name resolves from anywhere (to its private address)"
        } else if to.private && self.public_fqdn && !to.public_fqdn {
            "clients that resolve the public FQDN must use the private FQDN from inside the network"
        } else if !self.vnet_integration && to.vnet_integration {
            "the API server gets an address in your virtual network; nodes reach it without a private endpoint"
        } else if self.vnet_integration && !to.vnet_integration {
            "the API server leaves your virtual network"
        } else {
            return None;
        })
    }

    /// The plan's plain lines for this cluster: access, then run command.
    pub fn change_lines(&self, to: &ApiServerAccess) -> Vec<String> {
        let mut lines = Vec::new();
        let endpoint_before = ApiServerAccess {
            run_command: true,
            ..self.clone()
        };
        let endpoint_after = ApiServerAccess {
            run_command: true,
            ..to.clone()
        };
        if endpoint_before != endpoint_after {
            let mut line = format!("API server: {} → {}", self.describe(), to.describe());
            if let Some(c) = self.consequence(to) {
                line.push_str(" — ");
                line.push_str(c);
            }
            lines.push(line);
        }
        if self.run_command != to.run_command {
            lines.push(if to.run_command {
                "Run command: disabled → enabled — `az aks command invoke` can run commands in the cluster through the Azure API".to_string()
            } else {
                "Run command: enabled → disabled — `az aks command invoke` will stop working".to_string()
            });
        }
        lines
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cluster(private: bool, zone: Option<&str>, fqdn: bool, ranges: &[&str]) -> Value {
        Value::object([
            ("private_cluster_enabled", Value::Bool(private)),
            ("private_dns_zone_id", zone.map_or(Value::Null, Value::from)),
            ("private_cluster_public_fqdn_enabled", Value::Bool(fqdn)),
            (
                "api_server_access_profile",
                Value::List(vec![Value::object([(
                    "authorized_ip_ranges",
                    Value::set(ranges.iter().map(|r| Value::from(*r)).collect()),
                )])]),
            ),
        ])
    }

    #[test]
    fn modes_are_described_in_plain_words() {
        let a = |v: &Value| ApiServerAccess::from_cluster(v).unwrap().describe();
        assert_eq!(a(&cluster(false, None, false, &[])), "public (any address)");
        assert_eq!(
            a(&cluster(false, None, false, &["203.0.113.0/24"])),
            "public (203.0.113.0/24)"
        );
        assert_eq!(
            a(&cluster(true, None, false, &[])),
            "private (System DNS zone)"
        );
        assert_eq!(
            a(&cluster(true, Some("none"), true, &[])),
            "private (no private DNS zone, public FQDN)"
        );
        let zone = "/subscriptions/s/resourceGroups/dns/providers/Microsoft.Network/privateDnsZones/privatelink.westeurope.azmk8s.io";
        assert_eq!(
            a(&cluster(true, Some(zone), false, &[])),
            "private (own DNS zone privatelink.westeurope.azmk8s.io)"
        );
    }

    #[test]
    fn the_zone_mode_compares_case_insensitively() {
        let upper = ApiServerAccess::from_cluster(&cluster(true, Some("System"), false, &[]));
        let lower = ApiServerAccess::from_cluster(&cluster(true, Some("system"), false, &[]));
        let unset = ApiServerAccess::from_cluster(&cluster(true, None, false, &[]));
        assert_eq!(upper, lower);
        assert_eq!(upper, unset);
    }

    #[test]
    fn change_lines_say_who_gains_or_loses_access() {
        let a = |v: &Value| ApiServerAccess::from_cluster(v).unwrap();
        let open = a(&cluster(false, None, false, &[]));
        let office = a(&cluster(false, None, false, &["203.0.113.0/24"]));
        let private = a(&cluster(true, None, false, &[]));
        assert_eq!(
            open.change_lines(&office),
            ["API server: public (any address) → public (203.0.113.0/24) — clients outside the listed ranges will be refused"]
        );
        assert_eq!(
            office.change_lines(&open),
            ["API server: public (203.0.113.0/24) → public (any address) — the API server becomes reachable from the whole internet"]
        );
        assert!(open.change_lines(&private)[0].ends_with("will stop working"));
        assert!(open.change_lines(&open).is_empty());
    }
}
