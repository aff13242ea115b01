//! The local AWS for end-to-end tests: moto with EKS patched to behave as documented
//! (`emulators/aws/launcher.py`), started on a free loopback port for one test.
//!
//! A missing Python environment is a test failure that says how to install it, never a skip.

use std::process::Child;
use std::time::Duration;

use serde_json::Value as Json;

pub struct AwsEmulator {
    child: Child,
    pub port: u16,
    _dir: tempfile::TempDir,
}

impl AwsEmulator {
    /// Starts the documented-EKS emulator with short timings.
    pub fn start() -> AwsEmulator {
        Self::start_with(&[
            "--create-seconds",
            "0.6",
            "--update-seconds",
            "0.6",
            "--delete-seconds",
            "0.3",
        ])
    }

    /// Starts the emulator with clusters that take `seconds` to create.
    pub fn start_slow(seconds: &str) -> AwsEmulator {
        Self::start_with(&[
            "--create-seconds",
            seconds,
            "--update-seconds",
            "0.6",
            "--delete-seconds",
            "0.3",
        ])
    }

    /// An EKS client talking to this emulator, for changes made behind clusterform's back.
    pub async fn eks_client(&self) -> aws_sdk_eks::Client {
        let creds =
            aws_sdk_eks::config::Credentials::new("testing", "testing", None, None, "tests");
        let conf = aws_sdk_eks::Config::builder()
            .behavior_version(aws_sdk_eks::config::BehaviorVersion::latest())
            .region(aws_sdk_eks::config::Region::new("us-east-1"))
            .credentials_provider(creds)
            .endpoint_url(self.url())
            .build();
        aws_sdk_eks::Client::from_conf(conf)
    }

    /// An EC2 client talking to this emulator, for looking at what exists.
    pub async fn ec2_client(&self) -> aws_sdk_ec2::Client {
        let creds =
            aws_sdk_ec2::config::Credentials::new("testing", "testing", None, None, "tests");
        let conf = aws_sdk_ec2::Config::builder()
            .behavior_version(aws_sdk_ec2::config::BehaviorVersion::latest())
            .region(aws_sdk_ec2::config::Region::new("us-east-1"))
            .credentials_provider(creds)
            .endpoint_url(self.url())
            .build();
        aws_sdk_ec2::Client::from_conf(conf)
    }

    /// An IAM client talking to this emulator.
    pub async fn iam_client(&self) -> aws_sdk_iam::Client {
        let creds =
            aws_sdk_iam::config::Credentials::new("testing", "testing", None, None, "tests");
        let conf = aws_sdk_iam::Config::builder()
            .behavior_version(aws_sdk_iam::config::BehaviorVersion::latest())
            .region(aws_sdk_iam::config::Region::new("us-east-1"))
            .credentials_provider(creds)
            .endpoint_url(self.url())
            .build();
        aws_sdk_iam::Client::from_conf(conf)
    }

    /// What the emulator holds, as `kind:id`: EKS clusters (`eks:NAME`) with their node groups
    /// (`nodegroup:CLUSTER:NAME`), add-ons (`addon:CLUSTER:NAME`), access entries
    /// (`access:CLUSTER:PRINCIPAL`) and their policies (`access-policy:CLUSTER:PRINCIPAL:ARN`), VPCs, subnets,
    /// security groups other than the VPCs' own `default` ones, ingress rules, internet
    /// gateways (`igw:ID`), Elastic IPs (`eip:ALLOCATION`), NAT gateways (`nat:ID`), VPC
    /// endpoints (`vpce:ID`), route
    /// tables other than the VPCs' main ones (`rtb:ID`), their associations (`rtbassoc:ID`)
    /// and routes (`route:RTB/CIDR`), IAM roles
    /// (`role:NAME`), the policies attached to them (`attachment:ROLE/ARN`) and their inline
    /// policies (`inline:ROLE:NAME`), instance profiles (`profile:NAME`), customer managed policies
    /// (`policy:ARN`) and OpenID Connect providers (`oidc:ARN`).
    pub fn inventory(&self) -> std::collections::BTreeSet<String> {
        let rt = tokio::runtime::Runtime::new().expect("a runtime");
        rt.block_on(async {
            let eks = self.eks_client().await;
            let ec2 = self.ec2_client().await;
            let mut out = std::collections::BTreeSet::new();
            let clusters = eks.list_clusters().send().await.expect("ListClusters");
            for name in clusters.clusters() {
                out.insert(format!("eks:{name}"));
                let groups = eks
                    .list_nodegroups()
                    .cluster_name(name)
                    .send()
                    .await
                    .expect("ListNodegroups");
                for g in groups.nodegroups() {
                    out.insert(format!("nodegroup:{name}:{g}"));
                }
                let addons = eks
                    .list_addons()
                    .cluster_name(name)
                    .send()
                    .await
                    .expect("ListAddons");
                for a in addons.addons() {
                    out.insert(format!("addon:{name}:{a}"));
                }
                // A cluster in CONFIG_MAP mode has no access entries to list (EKS refuses).
                let entries = match eks.list_access_entries().cluster_name(name).send().await {
                    Ok(e) => e.access_entries().to_vec(),
                    Err(e)
                        if e.as_service_error()
                            .is_some_and(|s| s.is_invalid_request_exception()) =>
                    {
                        Vec::new()
                    }
                    Err(e) => panic!("ListAccessEntries: {e:?}"),
                };
                for principal in &entries {
                    out.insert(format!("access:{name}:{principal}"));
                    let policies = eks
                        .list_associated_access_policies()
                        .cluster_name(name)
                        .principal_arn(principal)
                        .send()
                        .await
                        .expect("ListAssociatedAccessPolicies");
                    for p in policies.associated_access_policies() {
                        out.insert(format!(
                            "access-policy:{name}:{principal}:{}",
                            p.policy_arn().unwrap_or_default()
                        ));
                    }
                }
            }
            let vpcs = ec2.describe_vpcs().send().await.expect("DescribeVpcs");
            for v in vpcs.vpcs() {
                out.insert(format!("vpc:{}", v.vpc_id().unwrap_or_default()));
            }
            let subnets = ec2
                .describe_subnets()
                .send()
                .await
                .expect("DescribeSubnets");
            for s in subnets.subnets() {
                out.insert(format!("subnet:{}", s.subnet_id().unwrap_or_default()));
            }
            let groups = ec2
                .describe_security_groups()
                .send()
                .await
                .expect("DescribeSecurityGroups");
            for g in groups.security_groups() {
                // Every VPC comes with a group named default; it is the VPC's, not ours.
                if g.group_name() != Some("default") {
                    out.insert(format!("sg:{}", g.group_id().unwrap_or_default()));
                }
            }
            let gateways = ec2
                .describe_internet_gateways()
                .send()
                .await
                .expect("DescribeInternetGateways");
            for g in gateways.internet_gateways() {
                out.insert(format!(
                    "igw:{}",
                    g.internet_gateway_id().unwrap_or_default()
                ));
            }
            let addresses = ec2
                .describe_addresses()
                .send()
                .await
                .expect("DescribeAddresses");
            for a in addresses.addresses() {
                out.insert(format!("eip:{}", a.allocation_id().unwrap_or_default()));
            }
            let nats = ec2
                .describe_nat_gateways()
                .send()
                .await
                .expect("DescribeNatGateways");
            for g in nats.nat_gateways() {
                if g.state().map(|s| s.as_str()) != Some("deleted") {
                    out.insert(format!("nat:{}", g.nat_gateway_id().unwrap_or_default()));
                }
            }
            let endpoints = ec2
                .describe_vpc_endpoints()
                .send()
                .await
                .expect("DescribeVpcEndpoints");
            for e in endpoints.vpc_endpoints() {
                if !matches!(e.state().map(|s| s.as_str()), Some("deleted" | "deleting")) {
                    out.insert(format!("vpce:{}", e.vpc_endpoint_id().unwrap_or_default()));
                }
            }
            let tables = ec2
                .describe_route_tables()
                .send()
                .await
                .expect("DescribeRouteTables");
            for t in tables.route_tables() {
                let id = t.route_table_id().unwrap_or_default();
                // Every VPC comes with a main route table and its local route.
                if !t.associations().iter().any(|a| a.main() == Some(true)) {
                    out.insert(format!("rtb:{id}"));
                }
                for a in t.associations().iter().filter(|a| a.main() != Some(true)) {
                    out.insert(format!(
                        "rtbassoc:{}",
                        a.route_table_association_id().unwrap_or_default()
                    ));
                }
                for r in t
                    .routes()
                    .iter()
                    .filter(|r| r.gateway_id() != Some("local"))
                {
                    out.insert(format!(
                        "route:{id}/{}",
                        r.destination_cidr_block().unwrap_or_default()
                    ));
                }
            }
            let iam = self.iam_client().await;
            let profiles = iam
                .list_instance_profiles()
                .send()
                .await
                .expect("ListInstanceProfiles");
            for p in profiles.instance_profiles() {
                out.insert(format!("profile:{}", p.instance_profile_name()));
            }
            let policies = iam
                .list_policies()
                .scope(aws_sdk_iam::types::PolicyScopeType::Local)
                .send()
                .await
                .expect("ListPolicies");
            for p in policies.policies() {
                out.insert(format!("policy:{}", p.arn().unwrap_or_default()));
            }
            let providers = iam
                .list_open_id_connect_providers()
                .send()
                .await
                .expect("ListOpenIDConnectProviders");
            for p in providers.open_id_connect_provider_list() {
                out.insert(format!("oidc:{}", p.arn().unwrap_or_default()));
            }
            let roles = iam.list_roles().send().await.expect("ListRoles");
            for r in roles.roles() {
                out.insert(format!("role:{}", r.role_name()));
                let attached = iam
                    .list_attached_role_policies()
                    .role_name(r.role_name())
                    .send()
                    .await
                    .expect("ListAttachedRolePolicies");
                let inline = iam
                    .list_role_policies()
                    .role_name(r.role_name())
                    .send()
                    .await
                    .expect("ListRolePolicies");
                for name in inline.policy_names() {
                    out.insert(format!("inline:{}:{name}", r.role_name()));
                }
                for p in attached.attached_policies() {
                    out.insert(format!(
                        "attachment:{}/{}",
                        r.role_name(),
                        p.policy_arn().unwrap_or_default()
                    ));
                }
            }
            let rules = ec2
                .describe_security_group_rules()
                .send()
                .await
                .expect("DescribeSecurityGroupRules");
            for r in rules.security_group_rules() {
                // Every group comes with an allow-all egress rule (clusterform removes it from
                // the groups it makes), and the default groups with their ingress rule; any
                // other rule was made on purpose.
                let own = groups
                    .security_groups()
                    .iter()
                    .any(|g| g.group_name() == Some("default") && g.group_id() == r.group_id());
                let allow_all = r.is_egress() == Some(true)
                    && r.ip_protocol() == Some("-1")
                    && r.cidr_ipv4() == Some("0.0.0.0/0");
                if !own && !allow_all {
                    out.insert(format!(
                        "rule:{}",
                        r.security_group_rule_id().unwrap_or_default()
                    ));
                }
            }
            out
        })
    }

    /// Disarms every fault not yet used up.
    pub fn clear_faults(&self) {
        self.control("DELETE", "/_emulator/faults", None);
    }

    /// Starts plain, unpatched moto.
    pub fn start_plain() -> AwsEmulator {
        Self::start_with(&["--plain"])
    }

    fn start_with(extra: &[&str]) -> AwsEmulator {
        let dir = tempfile::tempdir().expect("temp dir");
        let (child, port) = super::launch::launch(
            "AWS emulator",
            "emulators/aws/launcher.py",
            extra,
            dir.path(),
            Duration::from_secs(60),
        );
        AwsEmulator {
            child,
            port,
            _dir: dir,
        }
    }

    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// The environment a clusterform run needs to use this emulator, and nothing else.
    pub fn env(&self) -> Vec<(String, String)> {
        [
            ("AWS_ENDPOINT_URL", self.url()),
            ("AWS_REGION", "us-east-1".to_string()),
            ("AWS_ACCESS_KEY_ID", "testing".to_string()),
            ("AWS_SECRET_ACCESS_KEY", "testing".to_string()),
            ("AWS_EC2_METADATA_DISABLED", "true".to_string()),
            ("AWS_CONFIG_FILE", "/nonexistent".to_string()),
            ("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent".to_string()),
            ("CLUSTERFORM_POLL_INTERVAL_MS", "100".to_string()),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v))
        .collect()
    }

    fn control(&self, method: &str, path: &str, body: Option<&str>) -> Json {
        // A tiny HTTP/1.1 client: the control endpoints are plain JSON on loopback.
        use std::io::{Read, Write};
        let mut s = std::net::TcpStream::connect(("127.0.0.1", self.port))
            .expect("connect to the emulator");
        let body = body.unwrap_or("");
        let req = format!(
            "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
            body.len()
        );
        s.write_all(req.as_bytes()).expect("send");
        let mut resp = String::new();
        s.read_to_string(&mut resp).expect("read");
        let json = resp.split("\r\n\r\n").nth(1).unwrap_or("null");
        serde_json::from_str(json).unwrap_or(Json::Null)
    }

    /// API calls made so far, by operation name.
    pub fn calls(&self) -> std::collections::BTreeMap<String, u64> {
        let v = self.control("GET", "/_emulator/calls", None);
        v.get("operations")
            .and_then(Json::as_object)
            .map(|m| {
                m.iter()
                    .map(|(k, v)| (k.clone(), v.as_u64().unwrap_or(0)))
                    .collect()
            })
            .unwrap_or_default()
    }

    pub fn reset_calls(&self) {
        self.control("POST", "/_emulator/calls/reset", None);
    }

    /// Makes the next `times` calls of `operation` fail with `error`.
    pub fn fault(&self, operation: &str, error: &str, times: u32) {
        self.fault_after(operation, error, times, 0);
    }

    /// Lets `skip` calls of `operation` through, then fails the next `times` with `error`.
    pub fn fault_after(&self, operation: &str, error: &str, times: u32, skip: u32) {
        let body = format!(
            r#"{{"operation": "{operation}", "error": "{error}", "times": {times}, "skip": {skip}}}"#
        );
        self.control("POST", "/_emulator/faults", Some(&body));
    }
}

impl Drop for AwsEmulator {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
