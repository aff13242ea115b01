//! Which EKS updates a planned change needs, one kind per request.
//!
//! EKS runs one update at a time and accepts one kind of change per UpdateClusterConfig call
//! (endpoint access, VPC config or logging); version upgrades and tags have APIs of their own.
//! A kind is only sent when its normalised values differ, so clusterform never sends the no-op
//! update EKS rejects as "Cluster is already at the desired configuration".

use super::endpoint::EndpointAccess;
use super::settings::{changes, SettingUpdate};
use crate::value::Value;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ClusterUpdate {
    /// UpdateClusterConfig with resourcesVpcConfig endpoint fields only. CIDRs are sent only
    /// while public access is on: they mean nothing otherwise.
    EndpointAccess(EndpointAccess),
    /// UpdateClusterConfig with subnetIds and securityGroupIds.
    VpcConfig {
        subnet_ids: Vec<String>,
        security_group_ids: Vec<String>,
    },
    /// UpdateClusterConfig with logging.
    Logging {
        enabled: Vec<String>,
        disabled: Vec<String>,
    },
    /// UpdateClusterConfig with accessConfig's authenticationMode.
    AccessConfig(String),
    /// UpdateClusterVersion, forced past Pods a drain cannot evict when `force_update_version`.
    Version { version: String, force: bool },
    /// UpdateClusterConfig for one of the other settings, or AssociateEncryptionConfig.
    Setting(SettingUpdate),
    /// TagResource / UntagResource.
    Tags {
        set: Vec<(String, String)>,
        remove: Vec<String>,
    },
}

impl ClusterUpdate {
    /// EKS's name for the update type, as DescribeUpdate reports it.
    pub fn kind(&self) -> &'static str {
        match self {
            ClusterUpdate::EndpointAccess(_) => "EndpointAccessUpdate",
            ClusterUpdate::VpcConfig { .. } => "VpcConfigUpdate",
            ClusterUpdate::Logging { .. } => "LoggingUpdate",
            ClusterUpdate::AccessConfig(_) => "AccessConfigUpdate",
            ClusterUpdate::Version { .. } => "VersionUpdate",
            ClusterUpdate::Setting(s) => s.kind(),
            ClusterUpdate::Tags { .. } => "Tags",
        }
    }
}

/// All EKS log types, for computing which to disable.
pub const LOG_TYPES: &[&str] = &[
    "api",
    "audit",
    "authenticator",
    "controllerManager",
    "scheduler",
];

fn string_set(v: Option<&Value>) -> Vec<String> {
    let mut out: Vec<String> = v
        .and_then(Value::as_items)
        .map(|items| {
            items
                .iter()
                .filter_map(|i| i.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default();
    out.sort();
    out.dedup();
    out
}

fn string_map(v: Option<&Value>) -> Vec<(String, String)> {
    v.and_then(Value::as_object)
        .map(|m| {
            m.iter()
                .filter_map(|(k, v)| v.as_str().map(|s| (k.clone(), s.to_string())))
                .collect()
        })
        .unwrap_or_default()
}

/// The updates that take `prior` to `planned`, in the order they are sent.
pub fn updates(prior: &Value, planned: &Value) -> Vec<ClusterUpdate> {
    let mut out = Vec::new();
    let null = Value::Null;
    let pv = super::endpoint::vpc_config(prior).unwrap_or(&null);
    let nv = super::endpoint::vpc_config(planned).unwrap_or(&null);
    let (ps, ns) = (
        string_set(pv.get("subnet_ids")),
        string_set(nv.get("subnet_ids")),
    );
    let (pg, ng) = (
        string_set(pv.get("security_group_ids")),
        string_set(nv.get("security_group_ids")),
    );
    if ps != ns || pg != ng {
        out.push(ClusterUpdate::VpcConfig {
            subnet_ids: ns,
            security_group_ids: ng,
        });
    }
    if let (Some(a), Some(b)) = (
        EndpointAccess::from_vpc_config(pv),
        EndpointAccess::from_vpc_config(nv),
    ) {
        if a != b {
            out.push(ClusterUpdate::EndpointAccess(b));
        }
    }
    let (pl, nl) = (
        string_set(prior.get("enabled_cluster_log_types")),
        string_set(planned.get("enabled_cluster_log_types")),
    );
    if pl != nl {
        let disabled = LOG_TYPES
            .iter()
            .map(|s| s.to_string())
            .filter(|t| !nl.contains(t))
            .collect();
        out.push(ClusterUpdate::Logging {
            enabled: nl,
            disabled,
        });
    }
    let mode = |v: &Value| {
        v.get("access_config")?
            .as_items()?
            .first()?
            .get("authentication_mode")?
            .as_str()
            .map(str::to_string)
    };
    if let (Some(a), Some(b)) = (mode(prior), mode(planned)) {
        if a != b {
            out.push(ClusterUpdate::AccessConfig(b));
        }
    }
    if let (Some(a), Some(b)) = (
        prior.get("version").and_then(Value::as_str),
        planned.get("version").and_then(Value::as_str),
    ) {
        if a != b {
            out.push(ClusterUpdate::Version {
                version: b.to_string(),
                force: planned.get("force_update_version").and_then(Value::as_bool) == Some(true),
            });
        }
    }
    out.extend(
        changes(prior, planned)
            .into_iter()
            .map(ClusterUpdate::Setting),
    );
    let (pt, nt) = (
        string_map(prior.get("tags_all")),
        string_map(planned.get("tags_all")),
    );
    if pt != nt {
        let set = nt.iter().filter(|kv| !pt.contains(kv)).cloned().collect();
        let remove = pt
            .iter()
            .filter(|(k, _)| !nt.iter().any(|(n, _)| n == k))
            .map(|(k, _)| k.clone())
            .collect();
        out.push(ClusterUpdate::Tags { set, remove });
    }
    out
}

/// Checks a Kubernetes version change: EKS upgrades one minor version at a time, never down.
pub fn check_version_step(from: &str, to: &str) -> Result<(), String> {
    let parse = |v: &str| -> Option<(u32, u32)> {
        let mut parts = v.split('.');
        Some((parts.next()?.parse().ok()?, parts.next()?.parse().ok()?))
    };
    let (Some(a), Some(b)) = (parse(from), parse(to)) else {
        return Err(format!("\"{to}\" is not a Kubernetes version such as 1.31"));
    };
    if b < a {
        return Err(format!(
            "EKS cannot downgrade a cluster from {from} to {to}"
        ));
    }
    if a.0 != b.0 || b.1 > a.1 + 1 {
        return Err(format!(
            "EKS upgrades one minor version at a time: upgrade {from} to {}.{} first",
            a.0,
            a.1 + 1
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cluster(
        public: bool,
        private: bool,
        cidrs: &[&str],
        subnets: &[&str],
        logs: &[&str],
    ) -> Value {
        let list = |xs: &[&str]| Value::set(xs.iter().map(|s| Value::from(*s)).collect());
        Value::object([
            ("version", Value::from("1.30")),
            ("enabled_cluster_log_types", list(logs)),
            (
                "vpc_config",
                Value::object([
                    ("endpoint_public_access", Value::Bool(public)),
                    ("endpoint_private_access", Value::Bool(private)),
                    ("public_access_cidrs", list(cidrs)),
                    ("subnet_ids", list(subnets)),
                    ("security_group_ids", list(&[])),
                ]),
            ),
        ])
    }

    #[test]
    fn nothing_changes_nothing_is_sent() {
        let a = cluster(true, false, &["0.0.0.0/0"], &["s1", "s2"], &[]);
        assert!(updates(&a, &a).is_empty());
        // CIDR order and a reported default are not changes.
        let b = cluster(true, false, &[], &["s2", "s1"], &[]);
        assert!(updates(&a, &b).is_empty());
        // CIDRs under a disabled public endpoint are not changes either.
        let c = cluster(false, true, &["1.2.3.0/24"], &["s1", "s2"], &[]);
        let d = cluster(false, true, &["0.0.0.0/0"], &["s1", "s2"], &[]);
        assert!(updates(&c, &d).is_empty());
    }

    #[test]
    fn each_kind_is_a_separate_update() {
        let a = cluster(true, false, &["0.0.0.0/0"], &["s1", "s2"], &[]);
        let b = cluster(true, true, &["10.0.0.0/8"], &["s1", "s3"], &["api"]);
        let kinds: Vec<&str> = updates(&a, &b).iter().map(ClusterUpdate::kind).collect();
        assert_eq!(
            kinds,
            vec!["VpcConfigUpdate", "EndpointAccessUpdate", "LoggingUpdate"]
        );
    }

    #[test]
    fn version_steps() {
        assert!(check_version_step("1.29", "1.30").is_ok());
        assert_eq!(
            check_version_step("1.29", "1.31").unwrap_err(),
            "EKS upgrades one minor version at a time: upgrade 1.29 to 1.30 first"
        );
        assert!(check_version_step("1.30", "1.29")
            .unwrap_err()
            .contains("downgrade"));
    }
}
