//! EKS API-server endpoint access: the three modes the EKS user guide defines, their rules, the
//! normalisation that keeps plans quiet, and the plain-language line a plan shows.
//!
//! <https://docs.aws.amazon.com/eks/latest/userguide/cluster-endpoint.html>

use std::fmt;

use crate::diag::{Diagnostic, Diagnostics};
use crate::providers::ConfigSpans;
use crate::value::Value;

/// What EKS reports for `publicAccessCidrs` when none were given.
pub const OPEN_TO_ALL: &str = "0.0.0.0/0";

/// The endpoint settings of one cluster, normalised: CIDRs sorted and unique, and empty when
/// public access is off (they have no effect then).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EndpointAccess {
    pub public: bool,
    pub private: bool,
    pub public_cidrs: Vec<String>,
}

/// The mode, as the EKS documentation names it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EndpointMode {
    Public,
    PublicAndPrivate,
    Private,
    /// Both disabled: EKS refuses it.
    None,
}

impl fmt::Display for EndpointMode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            EndpointMode::Public => "public",
            EndpointMode::PublicAndPrivate => "public and private",
            EndpointMode::Private => "private only",
            EndpointMode::None => "no endpoint",
        })
    }
}

/// The `vpc_config` block of a cluster value. Terraform models it as a list of at most one
/// block (so configurations write `vpc_config[0].cluster_security_group_id`); a bare object is
/// accepted too.
pub fn vpc_config(cluster: &Value) -> Option<&Value> {
    match cluster.get("vpc_config")?.unmarked() {
        Value::List(items) | Value::Set(items) => items.first(),
        Value::Null => None,
        other => Some(other),
    }
}

/// Sorts and de-duplicates a CIDR list, the way EKS treats it (a set).
pub fn normalise_cidrs(cidrs: &[String]) -> Vec<String> {
    let mut out: Vec<String> = cidrs.iter().map(|c| c.trim().to_string()).collect();
    out.sort();
    out.dedup();
    out
}

impl EndpointAccess {
    /// From a `vpc_config` object (config, plan or state); unset values take EKS's defaults.
    pub fn from_vpc_config(vpc: &Value) -> Option<EndpointAccess> {
        let flag = |name: &str, default: bool| -> Option<bool> {
            match vpc.get(name).map(Value::unmarked) {
                Some(Value::Bool(b)) => Some(*b),
                Some(Value::Null) | None => Some(default),
                _ => None, // unknown until apply
            }
        };
        let public = flag("endpoint_public_access", true)?;
        let private = flag("endpoint_private_access", false)?;
        let cidrs = match vpc.get("public_access_cidrs").map(Value::unmarked) {
            Some(Value::List(items)) | Some(Value::Set(items)) => {
                let strings: Option<Vec<String>> = items
                    .iter()
                    .map(|v| v.as_str().map(str::to_string))
                    .collect();
                strings?
            }
            Some(Value::Null) | None => Vec::new(),
            _ => return None,
        };
        let cidrs = if cidrs.is_empty() {
            vec![OPEN_TO_ALL.to_string()]
        } else {
            normalise_cidrs(&cidrs)
        };
        Some(EndpointAccess {
            public,
            private,
            public_cidrs: if public { cidrs } else { Vec::new() },
        })
    }

    pub fn mode(&self) -> EndpointMode {
        match (self.public, self.private) {
            (true, false) => EndpointMode::Public,
            (true, true) => EndpointMode::PublicAndPrivate,
            (false, true) => EndpointMode::Private,
            (false, false) => EndpointMode::None,
        }
    }

    pub fn open_to_all(&self) -> bool {
        self.public && self.public_cidrs.iter().any(|c| c == OPEN_TO_ALL)
    }

    /// `public (0.0.0.0/0)`, `public (203.0.113.0/24) and private`, `private only`.
    pub fn describe(&self) -> String {
        let cidrs = self.public_cidrs.join(", ");
        match self.mode() {
            EndpointMode::Public => format!("public ({cidrs})"),
            EndpointMode::PublicAndPrivate => format!("public ({cidrs}) and private"),
            other => other.to_string(),
        }
    }

    /// What changes for people when the endpoint goes from `self` to `to`.
    pub fn consequence(&self, to: &EndpointAccess) -> Option<&'static str> {
        let lost_public = self.public && !to.public;
        let gained_public = !self.public && to.public;
        let narrowed =
            self.public && to.public && !to.open_to_all() && self.public_cidrs != to.public_cidrs;
        Some(if lost_public {
            "kubectl, helm and CI from outside the VPC will stop working"
        } else if gained_public && to.open_to_all() {
            "the API server becomes reachable from the whole internet"
        } else if gained_public {
            "the API server becomes reachable from the listed networks"
        } else if !self.private && to.private {
            "nodes and tools inside the VPC will reach the API server privately"
        } else if self.private && !to.private {
            "traffic from inside the VPC will leave through the public endpoint"
        } else if narrowed {
            "clients outside the listed networks will be refused"
        } else if to.open_to_all() && !self.open_to_all() {
            "the API server becomes reachable from the whole internet"
        } else {
            return None;
        })
    }

    /// The plan's one line for this cluster.
    pub fn change_line(&self, to: &EndpointAccess) -> Option<String> {
        if self == to {
            return None;
        }
        let mut line = format!(
            "API server endpoint: {} → {}",
            self.describe(),
            to.describe()
        );
        if let Some(c) = self.consequence(to) {
            line.push_str(" — ");
            line.push_str(c);
        }
        Some(line)
    }
}

/// The endpoint rules, checked before any API call. `config` is the `vpc_config` object as
/// written (unset values null).
pub fn check(config: &Value, spans: &ConfigSpans) -> Diagnostics {
    let mut diags = Diagnostics::new();
    let at = |name: &str| spans.span(&["vpc_config", name]);
    let Some(access) = EndpointAccess::from_vpc_config(config) else {
        return diags;
    };
    let cidrs_written = config
        .get("public_access_cidrs")
        .is_some_and(|v| !v.is_null());
    if access.mode() == EndpointMode::None {
        diags.push(
            Diagnostic::error("Cluster would have no API server endpoint")
                .at(at("endpoint_public_access"))
                .detail("endpoint_public_access and endpoint_private_access are both false. EKS refuses this: private access must be enabled to disable public access.")
                .hint("set endpoint_private_access = true for a private-only cluster, or keep endpoint_public_access = true"),
        );
        return diags;
    }
    if let Some(Value::List(items) | Value::Set(items)) =
        config.get("public_access_cidrs").map(Value::unmarked)
    {
        for item in items {
            if let Some(s) = item.as_str() {
                if s.parse::<ipnet::Ipv4Net>().is_err() {
                    diags.push(
                        Diagnostic::error("Invalid CIDR block")
                            .at(at("public_access_cidrs"))
                            .detail(format!("\"{s}\" is not an IPv4 CIDR block; EKS accepts public access CIDRs such as 203.0.113.0/24."))
                            .hint("write the network address and prefix length, like 203.0.113.5/32 for one address"),
                    );
                } else if s
                    .parse::<ipnet::Ipv4Net>()
                    .is_ok_and(|n| n.trunc().to_string() != s)
                {
                    diags.push(
                        Diagnostic::error("Invalid CIDR block")
                            .at(at("public_access_cidrs"))
                            .detail(format!("\"{s}\" has host bits set; EKS rejects it."))
                            .hint(format!(
                                "use the network address: {}",
                                s.parse::<ipnet::Ipv4Net>()
                                    .map(|n| n.trunc().to_string())
                                    .unwrap_or_default()
                            )),
                    );
                }
            }
        }
    }
    if !access.public && cidrs_written {
        diags.push(
            Diagnostic::warning("public_access_cidrs has no effect")
                .at(at("public_access_cidrs"))
                .detail("The public endpoint is disabled, so these CIDR blocks restrict nothing. clusterform ignores them and never sends them.")
                .hint("remove public_access_cidrs, or enable endpoint_public_access"),
        );
    }
    if access.mode() == EndpointMode::Private {
        diags.push(
            Diagnostic::warning("Private-only API server endpoint")
                .at(at("endpoint_public_access"))
                .detail("kubectl, helm and CI runners must reach the API server from inside the VPC or a network connected to it: a bastion host or Session Manager, a client VPN or site-to-site VPN, Direct Connect, a transit gateway or VPC peering, or CloudShell in the VPC. This includes the machine running clusterform if it manages Kubernetes objects later."),
        );
    }
    if access.open_to_all() {
        let written = config
            .get("endpoint_public_access")
            .is_some_and(|v| !v.is_null());
        diags.push(
            Diagnostic::warning("Finding: public API server endpoint open to the internet")
                .at(if written { at("endpoint_public_access") } else { spans.span(&["vpc_config"]) })
                .detail(format!(
                    "The public endpoint accepts connections from 0.0.0.0/0{} (checkov CKV_AWS_38, trivy AVD-AWS-0040). Authentication still applies, but the API server is exposed to scanning and to any credential leak.",
                    if cidrs_written { "" } else { ", the EKS default when public_access_cidrs is not set" }
                ))
                .hint("restrict public_access_cidrs to your office and CI networks, or make the endpoint private"),
        );
    }
    diags
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diag::{FileId, Span};

    fn vpc(public: Option<bool>, private: Option<bool>, cidrs: Option<&[&str]>) -> Value {
        let b = |v: Option<bool>| v.map_or(Value::Null, Value::Bool);
        Value::object([
            ("endpoint_public_access", b(public)),
            ("endpoint_private_access", b(private)),
            (
                "public_access_cidrs",
                cidrs.map_or(Value::Null, |c| {
                    Value::List(c.iter().map(|s| Value::from(*s)).collect())
                }),
            ),
        ])
    }

    fn spans() -> ConfigSpans {
        ConfigSpans::none(Span::new(FileId(0), 0..0))
    }

    #[test]
    fn defaults_are_public_and_open() {
        let a = EndpointAccess::from_vpc_config(&vpc(None, None, None)).unwrap();
        assert_eq!(a.mode(), EndpointMode::Public);
        assert_eq!(a.public_cidrs, vec!["0.0.0.0/0"]);
        assert!(a.open_to_all());
    }

    #[test]
    fn cidrs_are_a_set_and_ignored_when_public_is_off() {
        let a = EndpointAccess::from_vpc_config(&vpc(
            Some(true),
            None,
            Some(&["10.0.0.0/8", "1.2.3.0/24", "10.0.0.0/8"]),
        ))
        .unwrap();
        assert_eq!(a.public_cidrs, vec!["1.2.3.0/24", "10.0.0.0/8"]);
        let b =
            EndpointAccess::from_vpc_config(&vpc(Some(false), Some(true), Some(&["1.2.3.0/24"])))
                .unwrap();
        let c = EndpointAccess::from_vpc_config(&vpc(Some(false), Some(true), None)).unwrap();
        assert_eq!(b, c);
    }

    #[test]
    fn both_disabled_is_an_error() {
        let d = check(&vpc(Some(false), Some(false), None), &spans());
        assert!(d.has_errors());
        assert!(d
            .iter()
            .next()
            .unwrap()
            .detail
            .as_deref()
            .unwrap()
            .contains("private access must be enabled to disable public access"));
    }

    #[test]
    fn cidrs_without_public_access_warn() {
        let d = check(
            &vpc(Some(false), Some(true), Some(&["1.2.3.0/24"])),
            &spans(),
        );
        assert!(!d.has_errors());
        assert!(d
            .iter()
            .any(|d| d.summary == "public_access_cidrs has no effect"));
        assert!(d
            .iter()
            .any(|d| d.summary == "Private-only API server endpoint"));
    }

    #[test]
    fn open_endpoint_is_a_finding_whether_written_or_default() {
        for cfg in [
            vpc(None, None, None),
            vpc(Some(true), None, Some(&["0.0.0.0/0"])),
        ] {
            let d = check(&cfg, &spans());
            assert!(d
                .iter()
                .any(|d| d.summary.starts_with("Finding: public API server endpoint")));
        }
        let d = check(&vpc(Some(true), None, Some(&["203.0.113.0/24"])), &spans());
        assert!(!d.iter().any(|d| d.summary.starts_with("Finding")));
    }

    #[test]
    fn bad_cidrs_are_errors() {
        let d = check(&vpc(Some(true), None, Some(&["203.0.113.5/24"])), &spans());
        assert_eq!(
            d.iter().next().unwrap().hint.as_deref(),
            Some("use the network address: 203.0.113.0/24")
        );
        assert!(check(&vpc(Some(true), None, Some(&["office"])), &spans()).has_errors());
    }

    #[test]
    fn change_lines_say_who_loses_access() {
        let public = EndpointAccess::from_vpc_config(&vpc(None, None, None)).unwrap();
        let private = EndpointAccess::from_vpc_config(&vpc(Some(false), Some(true), None)).unwrap();
        assert_eq!(
            public.change_line(&private).unwrap(),
            "API server endpoint: public (0.0.0.0/0) → private only — kubectl, helm and CI from outside the VPC will stop working"
        );
        assert_eq!(public.change_line(&public), None);
    }
}
