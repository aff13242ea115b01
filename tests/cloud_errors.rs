//! Cloud errors as people see them: an endpoint nobody answers on is reported in words (the
//! request, the endpoint, the causes, what to check), never as a Rust debug dump. Every run of
//! the binary anywhere in the suite is also checked for debug text (`common::Run`); the first
//! test here shows that check catching what a user once saw.

mod common;

use common::{debug_text, Project};

/// Nothing listens on port 1 of loopback, so a connection is refused at once.
const NOBODY: &str = "http://127.0.0.1:1";

#[test]
fn the_debug_text_check_catches_what_users_once_saw() {
    let seen = "error: EC2 DescribeVpcs failed: dispatch failure (DispatchFailure(DispatchFailure { source: ConnectorError { kind: Io, source: hyper_util::client::legacy::Error(Connect) } }))";
    assert_eq!(debug_text(seen), Some(seen));
    assert!(debug_text("  role_arn: Some(\"arn:aws:iam::1:role/x\")").is_some());
    assert!(debug_text("Os { code: 111, kind: ConnectionRefused }").is_some());
    // What plans and messages do print is not mistaken for it.
    for fine in [
        "      + tags = {",
        "  vpc_config { subnet_ids = [\"subnet-1\"] }",
        "{ \"Version\": \"2012-10-17\" }",
        "error: Unsupported block type",
        "  lifecycle {",
    ] {
        assert_eq!(debug_text(fine), None, "{fine}");
    }
}

#[test]
fn an_unreachable_aws_endpoint_is_reported_in_words() {
    let p = Project::with_files(&[(
        "main.tf",
        "provider \"aws\" {\n  region = \"us-east-1\"\n}\n\ndata \"aws_vpc\" \"main\" {\n  id = \"vpc-0123456789abcdef0\"\n}\n",
    )]);
    let run = p.run_env(
        &["plan"],
        &[
            ("AWS_ENDPOINT_URL", NOBODY),
            ("AWS_ACCESS_KEY_ID", "testing"),
            ("AWS_SECRET_ACCESS_KEY", "testing"),
            ("AWS_EC2_METADATA_DISABLED", "true"),
            ("AWS_CONFIG_FILE", "/nonexistent"),
            ("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent"),
            ("AWS_MAX_ATTEMPTS", "1"),
        ],
    );
    run.failure().stderr_has(&[
        "EC2 DescribeVpcs failed",
        "ConnectionFailed: could not reach the EC2 endpoint http://127.0.0.1:1",
        "Connection refused",
        "hint: check the endpoint (endpoints { ec2 = … } in the provider \"aws\" block, or AWS_ENDPOINT_URL), the region, the network and any proxy",
    ]);
    assert!(!run.stderr.contains("testing"), "{}", run.stderr);
}

#[test]
fn an_unreachable_azure_endpoint_is_reported_in_words() {
    let p = Project::with_files(&[(
        "main.tf",
        "provider \"azurerm\" {\n  features {}\n}\n\ndata \"azurerm_kubernetes_cluster\" \"aks\" {\n  name                = \"aks-dev\"\n  resource_group_name = \"rg-dev\"\n}\n",
    )]);
    let config = tempfile::tempdir().expect("temporary directory");
    let config = config.path().display().to_string();
    let run = p.run_env(
        &["plan"],
        &[
            (
                "ARM_SUBSCRIPTION_ID",
                "00000000-0000-0000-0000-0000000000a1",
            ),
            ("ARM_TENANT_ID", "00000000-0000-0000-0000-0000000000b2"),
            ("ARM_CLIENT_ID", "00000000-0000-0000-0000-0000000000c3"),
            ("ARM_CLIENT_SECRET", "emulator-secret"),
            ("ARM_RESOURCE_MANAGER_ENDPOINT", NOBODY),
            ("ARM_AUTHORITY_HOST", NOBODY),
            ("AZURE_CONFIG_DIR", &config),
        ],
    );
    run.failure()
        .stderr_has(&["127.0.0.1:1", "Connection refused", "hint: "]);
    assert!(!run.stderr.contains("emulator-secret"), "{}", run.stderr);
}
