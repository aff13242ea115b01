//! The conformance suite: every supported resource type, through the real binary against its
//! emulator, by the one harness in `conformance/harness.rs` and the table in
//! `conformance/table.rs`. A type is listed as supported in docs/providers/ only when it has a
//! row in that table, and so a test here.

#[path = "conformance/cloud.rs"]
mod cloud;
mod common;
#[path = "conformance/harness.rs"]
mod harness;
#[path = "conformance/table.rs"]
mod table;

fn case(type_name: &str) -> &'static table::Case {
    table::CASES
        .iter()
        .find(|c| c.type_name == type_name)
        .unwrap_or_else(|| panic!("{type_name} has no row in the conformance table"))
}

#[test]
fn aws_vpc() {
    harness::conform(case("aws_vpc"));
}

#[test]
fn aws_subnet() {
    harness::conform(case("aws_subnet"));
}

#[test]
fn aws_security_group() {
    harness::conform(case("aws_security_group"));
}

#[test]
fn aws_vpc_security_group_ingress_rule() {
    harness::conform(case("aws_vpc_security_group_ingress_rule"));
}

#[test]
fn aws_security_group_rule() {
    harness::conform(case("aws_security_group_rule"));
}

#[test]
fn aws_vpc_security_group_egress_rule() {
    harness::conform(case("aws_vpc_security_group_egress_rule"));
}

#[test]
fn aws_eks_cluster() {
    harness::conform(case("aws_eks_cluster"));
}

#[test]
fn aws_eip() {
    harness::conform(case("aws_eip"));
}

#[test]
fn aws_internet_gateway() {
    harness::conform(case("aws_internet_gateway"));
}

#[test]
fn aws_iam_instance_profile() {
    harness::conform(case("aws_iam_instance_profile"));
}

#[test]
fn aws_iam_role() {
    harness::conform(case("aws_iam_role"));
}

#[test]
fn aws_iam_role_policy() {
    harness::conform(case("aws_iam_role_policy"));
}

#[test]
fn aws_iam_role_policy_attachment() {
    harness::conform(case("aws_iam_role_policy_attachment"));
}

#[test]
fn azurerm_kubernetes_cluster() {
    harness::conform(case("azurerm_kubernetes_cluster"));
}

/// Every row has a test above, so no type is called supported without running.
#[test]
fn every_row_of_the_table_runs() {
    let supported = table::supported();
    let unique: std::collections::BTreeSet<_> = supported.iter().collect();
    assert_eq!(
        unique.len(),
        supported.len(),
        "a type has two rows: {supported:?}"
    );
    let source = include_str!("conformance.rs");
    for c in table::CASES {
        assert!(
            source.contains(&format!("harness::conform(case(\"{}\"))", c.type_name)),
            "{} is in the table but has no test",
            c.type_name
        );
    }
}

#[test]
fn aws_vpc_endpoint() {
    harness::conform(case("aws_vpc_endpoint"));
}

#[test]
fn aws_vpc_endpoint_gateway() {
    harness::conform(&table::GATEWAY_ENDPOINT);
}

#[test]
fn aws_nat_gateway() {
    harness::conform(case("aws_nat_gateway"));
}

#[test]
fn aws_route_table() {
    harness::conform(case("aws_route_table"));
}

#[test]
fn aws_route() {
    harness::conform(case("aws_route"));
}

#[test]
fn aws_route_table_association() {
    harness::conform(case("aws_route_table_association"));
}

#[test]
fn aws_iam_policy() {
    harness::conform(case("aws_iam_policy"));
}

#[test]
fn aws_eks_node_group() {
    harness::conform(case("aws_eks_node_group"));
}

#[test]
fn aws_eks_access_entry() {
    harness::conform(case("aws_eks_access_entry"));
}

#[test]
fn aws_eks_access_policy_association() {
    harness::conform(case("aws_eks_access_policy_association"));
}

#[test]
fn aws_eks_addon() {
    harness::conform(case("aws_eks_addon"));
}

#[test]
fn aws_iam_openid_connect_provider() {
    harness::conform(case("aws_iam_openid_connect_provider"));
}
