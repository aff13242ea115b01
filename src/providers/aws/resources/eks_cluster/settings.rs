//! The cluster's settings beyond its endpoints, logging and access: Kubernetes networking,
//! secrets encryption, the upgrade policy, zonal shift and deletion protection, and the two
//! that only matter to one request (`bootstrap_self_managed_addons` when the cluster is made,
//! `force_update_version` when it is upgraded). EKS reports neither of those two, so the
//! state keeps what the configuration said.
//!
//! <https://docs.aws.amazon.com/eks/latest/APIReference/API_CreateCluster.html>

use aws_sdk_eks::operation::create_cluster::builders::CreateClusterFluentBuilder;
use aws_sdk_eks::types::{
    Cluster, EncryptionConfig, IpFamily, KubernetesNetworkConfigRequest, Provider, SupportType,
    UpgradePolicyRequest, ZonalShiftConfigRequest,
};

use crate::providers::aws::resources::strings;
use crate::providers::aws::schema::string_set;
use crate::providers::schema::{Attribute, NestedBlock, Schema};
use crate::value::{Type, Value};

/// Settings EKS does not report back.
pub const LOCAL: [&str; 2] = ["bootstrap_self_managed_addons", "force_update_version"];

/// A setting changed in place by UpdateClusterConfig or AssociateEncryptionConfig.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SettingUpdate {
    UpgradePolicy(String),
    ZonalShift(bool),
    DeletionProtection(bool),
    /// Secrets encryption added to a cluster that had none (it cannot be removed or changed).
    Encryption {
        resources: Vec<String>,
        key_arn: String,
    },
}

impl SettingUpdate {
    /// EKS's name for the update type, as DescribeUpdate reports it.
    pub fn kind(&self) -> &'static str {
        match self {
            SettingUpdate::UpgradePolicy(_) => "UpgradePolicyUpdate",
            SettingUpdate::ZonalShift(_) => "ZonalShiftConfigUpdate",
            SettingUpdate::DeletionProtection(_) => "DeletionProtectionUpdate",
            SettingUpdate::Encryption { .. } => "AssociateEncryptionConfig",
        }
    }
}

pub fn add_to_schema(s: Schema) -> Schema {
    let network = Schema::new()
        .attr("service_ipv4_cidr", Attribute::optional_computed(Type::String).force_new().describe("The range Kubernetes Services get addresses from; EKS picks 10.100.0.0/16 or 172.20.0.0/16 when unset."))
        .attr("ip_family", Attribute::optional_computed(Type::String).force_new().describe("ipv4 (the default) or ipv6 for Pods and Services."))
        .attr("service_ipv6_cidr", Attribute::computed(Type::String).describe("The IPv6 range of Services, for ipv6 clusters."))
        .not_yet("elastic_load_balancing", "it configures load balancing for EKS Auto Mode, which needs compute_config");
    let provider = Schema::new().attr(
        "key_arn",
        Attribute::required(Type::String).force_new().describe(
            "The KMS key that encrypts the secrets (a symmetric key in the cluster's region).",
        ),
    );
    let encryption = Schema::new()
        .attr(
            "resources",
            Attribute::required(string_set())
                .force_new()
                .describe("What is encrypted: [\"secrets\"]."),
        )
        .block(
            "provider",
            NestedBlock {
                max_items: 1,
                min_items: 1,
                ..NestedBlock::list(provider)
            }
            .describe("The key."),
        );
    let upgrade = Schema::new().attr(
        "support_type",
        Attribute::optional_computed(Type::String).describe("EXTENDED (the default: the cluster enters extended support at the end of standard support) or STANDARD (it is upgraded automatically then)."),
    );
    let zonal = Schema::new().attr(
        "enabled",
        Attribute::optional(Type::Bool).describe("Whether Application Recovery Controller may shift traffic away from an impaired Availability Zone."),
    );
    let auto_mode = "it configures EKS Auto Mode; run the nodes as managed node groups (aws_eks_node_group) instead";
    s.attr("bootstrap_self_managed_addons", Attribute::optional(Type::Bool).default(true).force_new().describe("Whether EKS installs the unmanaged vpc-cni, kube-proxy and CoreDNS at creation; set false when aws_eks_addon manages them."))
        .attr("deletion_protection", Attribute::optional_computed(Type::Bool).describe("Whether EKS refuses to delete the cluster; turn it off before a destroy."))
        .attr("force_update_version", Attribute::optional(Type::Bool).describe("Upgrade the version even when EKS reports Pods that a drain cannot evict."))
        .block("kubernetes_network_config", NestedBlock { max_items: 1, computed: true, ..NestedBlock::list(network) }.describe("Addresses of Kubernetes Services; changing them replaces the cluster."))
        .block("encryption_config", NestedBlock { max_items: 1, ..NestedBlock::list(encryption) }.describe("Envelope encryption of Kubernetes secrets with a KMS key; it can be added to a cluster in place, but not removed or changed."))
        .block("upgrade_policy", NestedBlock { max_items: 1, computed: true, ..NestedBlock::list(upgrade) }.describe("What happens at the end of standard support."))
        .block("zonal_shift_config", NestedBlock { max_items: 1, ..NestedBlock::list(zonal) }.describe("Zonal shift in Application Recovery Controller."))
        .not_yet("compute_config", auto_mode)
        .not_yet("storage_config", auto_mode)
        .not_yet("remote_network_config", "it configures EKS Hybrid Nodes (nodes outside AWS)")
        .not_yet("outpost_config", "it places the control plane on AWS Outposts")
}

/// EKS reports its defaults for the computed blocks a new cluster's configuration leaves out
/// (its Service range, EXTENDED support): plan them as unknown rather than as none.
pub fn plan_unwritten(config: &Value, planned: &mut Value) {
    let Value::Object(m) = planned else { return };
    for name in ["kubernetes_network_config", "upgrade_policy"] {
        if block(config, name).is_none() {
            m.insert(name.to_string(), Value::Unknown);
        }
    }
}

/// Zonal shift switched off is what a configuration without the block asks for: keep EKS's
/// report of it rather than plan its removal, which EKS cannot do.
pub fn keep_zonal_shift_off(prior: &Value, config: &Value, planned: &mut Value) {
    let off = block(prior, "zonal_shift_config")
        .and_then(|z| z.get("enabled"))
        .and_then(Value::as_bool)
        == Some(false);
    if let (true, None, Value::Object(m)) = (off, block(config, "zonal_shift_config"), planned) {
        if let Some(p) = prior.get("zonal_shift_config") {
            m.insert("zonal_shift_config".into(), p.clone());
        }
    }
}

/// The first object of a one-block list.
fn block<'a>(v: &'a Value, name: &str) -> Option<&'a Value> {
    v.get(name)?.as_items()?.first()
}

fn text(v: Option<&Value>, key: &str) -> Option<String> {
    v?.get(key)?.as_str().map(str::to_string)
}

/// The settings as the state holds them, from what DescribeCluster reports.
pub fn values(c: &Cluster) -> Vec<(&'static str, Value)> {
    let s = |v: Option<&str>| v.map_or(Value::Null, Value::from);
    let network = c
        .kubernetes_network_config()
        .map_or(Value::List(vec![]), |n| {
            Value::List(vec![Value::object([
                ("service_ipv4_cidr", s(n.service_ipv4_cidr())),
                ("ip_family", s(n.ip_family().map(|f| f.as_str()))),
                ("service_ipv6_cidr", s(n.service_ipv6_cidr())),
            ])])
        });
    let encryption = Value::List(
        c.encryption_config()
            .iter()
            .map(|e| {
                Value::object([
                    ("resources", resources_of(e)),
                    (
                        "provider",
                        Value::List(
                            e.provider()
                                .map(|p| vec![Value::object([("key_arn", s(p.key_arn()))])])
                                .unwrap_or_default(),
                        ),
                    ),
                ])
            })
            .collect(),
    );
    let upgrade = c.upgrade_policy().map_or(Value::List(vec![]), |u| {
        Value::List(vec![Value::object([(
            "support_type",
            s(u.support_type().map(|t| t.as_str())),
        )])])
    });
    // Absent until zonal shift was set once; then reported on or off.
    let zonal = Value::List(
        c.zonal_shift_config()
            .map(|z| {
                vec![Value::object([(
                    "enabled",
                    Value::Bool(z.enabled().unwrap_or(false)),
                )])]
            })
            .unwrap_or_default(),
    );
    vec![
        ("kubernetes_network_config", network),
        ("encryption_config", encryption),
        ("upgrade_policy", upgrade),
        ("zonal_shift_config", zonal),
        (
            "deletion_protection",
            Value::Bool(c.deletion_protection().unwrap_or(false)),
        ),
        // Filled from the configuration or the prior state by [`keep_local`].
        ("bootstrap_self_managed_addons", Value::Null),
        ("force_update_version", Value::Null),
    ]
}

/// Copies the settings EKS does not report from `from` (the plan, or the prior state) into
/// `into` (what EKS reported).
pub fn keep_local(from: Option<&Value>, into: &mut Value) {
    let Value::Object(m) = into else { return };
    for key in LOCAL {
        let kept = from
            .and_then(|f| f.get(key))
            .filter(|v| !v.is_null() && !v.is_unknown())
            .cloned();
        // An imported cluster, or one in a state written before clusterform knew the
        // setting, gets the default: nothing to replace it for.
        let value = match (key, kept) {
            (_, Some(v)) => v,
            ("bootstrap_self_managed_addons", None) => Value::Bool(true),
            _ => Value::Null,
        };
        m.insert(key.to_string(), value);
    }
}

/// The CreateCluster arguments for these settings.
pub fn on_create(
    mut call: CreateClusterFluentBuilder,
    planned: &Value,
) -> CreateClusterFluentBuilder {
    if let Some(n) = block(planned, "kubernetes_network_config") {
        call = call.kubernetes_network_config(
            KubernetesNetworkConfigRequest::builder()
                .set_service_ipv4_cidr(text(Some(n), "service_ipv4_cidr"))
                .set_ip_family(text(Some(n), "ip_family").map(|f| IpFamily::from(f.as_str())))
                .build(),
        );
    }
    if let Some(e) = block(planned, "encryption_config") {
        call = call.encryption_config(encryption(e));
    }
    if let Some(t) = block(planned, "upgrade_policy").and_then(|u| text(Some(u), "support_type")) {
        call = call.upgrade_policy(
            UpgradePolicyRequest::builder()
                .support_type(SupportType::from(t.as_str()))
                .build(),
        );
    }
    if let Some(on) = block(planned, "zonal_shift_config")
        .and_then(|z| z.get("enabled"))
        .and_then(Value::as_bool)
    {
        call = call.zonal_shift_config(ZonalShiftConfigRequest::builder().enabled(on).build());
    }
    if let Some(on) = planned.get("deletion_protection").and_then(Value::as_bool) {
        call = call.deletion_protection(on);
    }
    call.set_bootstrap_self_managed_addons(
        planned
            .get("bootstrap_self_managed_addons")
            .and_then(Value::as_bool),
    )
}

pub fn encryption(e: &Value) -> EncryptionConfig {
    let key = text(
        e.get("provider")
            .and_then(Value::as_items)
            .and_then(|p| p.first()),
        "key_arn",
    );
    encryption_request(strings(e.get("resources")), key.unwrap_or_default())
}

// EKS now encrypts all API data by default and the SDK marks `resources` deprecated, but
// the API still takes it and Terraform configurations write resources = ["secrets"]: send
// and read it as they do.
#[allow(deprecated)]
pub fn encryption_request(resources: Vec<String>, key_arn: String) -> EncryptionConfig {
    EncryptionConfig::builder()
        .set_resources(Some(resources))
        .provider(Provider::builder().key_arn(key_arn).build())
        .build()
}

#[allow(deprecated)]
fn resources_of(e: &aws_sdk_eks::types::EncryptionConfig) -> Value {
    Value::set(
        e.resources()
            .iter()
            .map(|r| Value::from(r.as_str()))
            .collect(),
    )
}

/// The in-place updates these settings need, in the order they are sent.
pub fn changes(prior: &Value, planned: &Value) -> Vec<SettingUpdate> {
    let mut out = Vec::new();
    let support =
        |v: &Value| block(v, "upgrade_policy").and_then(|u| text(Some(u), "support_type"));
    if let (Some(a), Some(b)) = (support(prior), support(planned)) {
        if a != b {
            out.push(SettingUpdate::UpgradePolicy(b));
        }
    }
    let zonal = |v: &Value| {
        block(v, "zonal_shift_config")
            .and_then(|z| z.get("enabled"))
            .and_then(Value::as_bool)
            .unwrap_or(false)
    };
    if zonal(prior) != zonal(planned) {
        out.push(SettingUpdate::ZonalShift(zonal(planned)));
    }
    let protection = |v: &Value| v.get("deletion_protection").and_then(Value::as_bool);
    if let (Some(a), Some(b)) = (protection(prior), protection(planned)) {
        if a != b {
            out.push(SettingUpdate::DeletionProtection(b));
        }
    }
    if block(prior, "encryption_config").is_none() {
        if let Some(e) = block(planned, "encryption_config") {
            let key_arn = text(
                e.get("provider")
                    .and_then(Value::as_items)
                    .and_then(|p| p.first()),
                "key_arn",
            )
            .unwrap_or_default();
            out.push(SettingUpdate::Encryption {
                resources: strings(e.get("resources")),
                key_arn,
            });
        }
    }
    out
}

/// Secrets encryption, once on, stays: removing the block replaces the cluster.
pub fn requires_replace(prior: &Value, planned: &Value) -> Option<Vec<String>> {
    (block(prior, "encryption_config").is_some() && block(planned, "encryption_config").is_none())
        .then(|| vec!["encryption_config".to_string()])
}
