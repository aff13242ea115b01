"""Tests for the AWS emulator: each documented EKS behaviour, the test controls,
the EC2 calls clusterform batches, and --plain really being plain moto.

Run: .venv/bin/python -m pytest emulators/aws -q
"""

from __future__ import annotations

import json
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.request
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

LAUNCHER = Path(__file__).with_name("launcher.py")
# Short, but long enough to observe each intermediate state reliably.
CREATE_S, UPDATE_S, DELETE_S = 0.6, 0.6, 0.4
ROLE = "arn:aws:iam::123456789012:role/eks-cluster"


@dataclass
class Emulator:
    proc: subprocess.Popen[str]
    port: int
    first_line: str

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def client(self, service: str, retries: int = 1) -> Any:
        return boto3.client(
            service,
            endpoint_url=self.url,
            region_name="us-east-1",
            aws_access_key_id="testing",
            aws_secret_access_key="testing",
            config=Config(retries={"mode": "standard", "total_max_attempts": retries}),
        )

    def control(self, method: str, route: str, body: Any = None) -> tuple[int, Any]:
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(f"{self.url}/_emulator/{route}", data=data, method=method)
        try:
            with urllib.request.urlopen(request, timeout=5) as response:
                return response.status, json.loads(response.read())
        except urllib.error.HTTPError as err:
            return err.code, json.loads(err.read())

    def stop(self) -> int:
        self.proc.send_signal(signal.SIGTERM)
        return self.proc.wait(timeout=10)


def launch(tmp_path: Path, *args: str, port: int = 0) -> Emulator:
    ready = tmp_path / f"ready-{uuid.uuid4().hex}"
    proc = subprocess.Popen(
        [sys.executable, str(LAUNCHER), "--port", str(port), "--ready-file", str(ready), *args],
        stdout=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 30
    while not ready.exists():
        assert proc.poll() is None, "launcher exited before it was ready"
        assert time.monotonic() < deadline, "launcher not ready after 30 s"
        time.sleep(0.05)
    assert proc.stdout is not None
    return Emulator(proc, int(ready.read_text().strip()), proc.stdout.readline().strip())


@pytest.fixture(scope="module")
def emu(tmp_path_factory: pytest.TempPathFactory) -> Any:
    emulator = launch(
        tmp_path_factory.mktemp("emu"),
        "--create-seconds", str(CREATE_S),
        "--update-seconds", str(UPDATE_S),
        "--delete-seconds", str(DELETE_S),
    )
    yield emulator
    emulator.stop()


@pytest.fixture(scope="module")
def plain(tmp_path_factory: pytest.TempPathFactory) -> Any:
    with socket.socket() as s:  # an explicit port, to cover --port N too
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    emulator = launch(tmp_path_factory.mktemp("plain"), "--plain", port=port)
    assert emulator.port == port
    yield emulator
    emulator.stop()


@pytest.fixture
def eks(emu: Emulator) -> Any:
    return emu.client("eks")


@pytest.fixture
def ec2(emu: Emulator) -> Any:
    return emu.client("ec2")


@dataclass
class Network:
    vpc: str
    subnets: list[str]  # four subnets over us-east-1a/b, two per AZ
    group: str


def make_network(ec2: Any, cidr_prefix: str = "10.0") -> Network:
    vpc = ec2.create_vpc(CidrBlock=f"{cidr_prefix}.0.0/16")["Vpc"]["VpcId"]
    subnets = [
        ec2.create_subnet(VpcId=vpc, CidrBlock=f"{cidr_prefix}.{i}.0/24", AvailabilityZone=f"us-east-1{'ab'[i % 2]}")["Subnet"]["SubnetId"]
        for i in range(4)
    ]
    group = ec2.create_security_group(GroupName=f"g-{uuid.uuid4().hex[:8]}", Description="test", VpcId=vpc)["GroupId"]
    return Network(vpc, subnets, group)


@pytest.fixture
def net(ec2: Any) -> Network:
    return make_network(ec2)


def wait_for(check: Callable[[], bool], timeout: float = 5.0) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, "condition not reached in time"
        time.sleep(0.05)


def create(eks: Any, net: Network, **vpc: Any) -> str:
    name = f"c-{uuid.uuid4().hex[:10]}"
    eks.create_cluster(name=name, roleArn=ROLE, resourcesVpcConfig={"subnetIds": net.subnets[:2], **vpc})
    return name


def active_cluster(eks: Any, net: Network, **vpc: Any) -> str:
    name = create(eks, net, **vpc)
    wait_for(lambda: eks.describe_cluster(name=name)["cluster"]["status"] == "ACTIVE")
    return name


def update_done(eks: Any, name: str, update_id: str) -> Callable[[], bool]:
    return lambda: eks.describe_update(name=name, updateId=update_id)["update"]["status"] != "InProgress"


def error_of(call: Callable[[], Any]) -> tuple[int, str, str]:
    with pytest.raises(ClientError) as info:
        call()
    response = info.value.response
    return response["ResponseMetadata"]["HTTPStatusCode"], response["Error"]["Code"], response["Error"].get("Message", "")


# ---------------------------------------------------------------- launcher


def test_ready_signal_and_health(emu: Emulator) -> None:
    assert emu.first_line == f"ready on 127.0.0.1:{emu.port}"
    status, health = emu.control("GET", "health")
    assert status == 200
    assert health["mode"] == "documented"
    pins = dict(line.split("==") for line in Path(__file__).with_name("requirements.txt").read_text().split() if "==" in line)
    assert health["moto"] == pins["moto[server]"]
    assert health["timings"] == {"create": CREATE_S, "update": UPDATE_S, "delete": DELETE_S}


def test_defaults_reset_and_sigterm(tmp_path: Path) -> None:
    emulator = launch(tmp_path)
    try:
        assert emulator.control("GET", "health")[1]["timings"] == {"create": 2.0, "update": 2.0, "delete": 1.0}
        client = emulator.client("ec2")
        vpc = client.create_vpc(CidrBlock="10.9.0.0/16")["Vpc"]["VpcId"]
        assert emulator.control("POST", "reset") == (200, {"reset": "all"})
        assert vpc not in [v["VpcId"] for v in client.describe_vpcs()["Vpcs"]]
        assert emulator.control("GET", "calls")[1]["operations"] == {"DescribeVpcs": 1}
    finally:
        started = time.monotonic()
        assert emulator.stop() == 0
    assert time.monotonic() - started < 5


# ---------------------------------------------------------------- CreateCluster


def test_create_starts_creating_then_active_with_documented_defaults(eks: Any, ec2: Any, net: Network) -> None:
    started = time.monotonic()
    name = create(eks, net)
    cluster = eks.describe_cluster(name=name)["cluster"]
    assert cluster["status"] == "CREATING"
    assert "endpoint" not in cluster and not cluster["certificateAuthority"].get("data")
    assert name in eks.list_clusters()["clusters"]
    wait_for(lambda: eks.describe_cluster(name=name)["cluster"]["status"] == "ACTIVE")
    assert time.monotonic() - started >= CREATE_S
    cluster = eks.describe_cluster(name=name)["cluster"]
    vpc = cluster["resourcesVpcConfig"]
    assert vpc["endpointPublicAccess"] is True
    assert vpc["endpointPrivateAccess"] is False
    assert vpc["publicAccessCidrs"] == ["0.0.0.0/0"]
    assert vpc["subnetIds"] == net.subnets[:2]
    assert vpc["vpcId"] == net.vpc
    group = ec2.describe_security_groups(GroupIds=[vpc["clusterSecurityGroupId"]])["SecurityGroups"][0]
    assert group["VpcId"] == net.vpc
    assert cluster["endpoint"].startswith("https://") and cluster["endpoint"].endswith(".us-east-1.eks.amazonaws.com")
    assert cluster["certificateAuthority"]["data"]
    assert cluster["arn"] == f"arn:aws:eks:us-east-1:123456789012:cluster/{name}"
    assert cluster["identity"]["oidc"]["issuer"].startswith("https://oidc.eks.us-east-1.amazonaws.com/id/")
    assert cluster["platformVersion"] and cluster["version"]


def test_create_rejects_unknown_subnet_and_single_az(eks: Any, net: Network) -> None:
    status, code, message = error_of(lambda: eks.create_cluster(
        name="bad-subnet", roleArn=ROLE, resourcesVpcConfig={"subnetIds": [net.subnets[0], "subnet-0000000000000000"]}))
    assert (status, code) == (400, "InvalidParameterException")
    assert "The subnet ID 'subnet-0000000000000000' does not exist" in message
    assert "InvalidSubnetID.NotFound" in message
    same_az = [net.subnets[0], net.subnets[2]]
    status, code, message = error_of(lambda: eks.create_cluster(
        name="one-az", roleArn=ROLE, resourcesVpcConfig={"subnetIds": same_az}))
    assert (status, code, message) == (400, "InvalidParameterException", "Subnets specified must be in at least two different AZs")
    assert "bad-subnet" not in eks.list_clusters()["clusters"]


def test_create_rejects_both_endpoints_disabled(eks: Any, net: Network) -> None:
    status, code, message = error_of(lambda: create(eks, net, endpointPublicAccess=False, endpointPrivateAccess=False))
    assert (status, code, message) == (400, "InvalidParameterException", "Both private and public endpoint access cannot be false")


def test_create_private_only_accepts_public_cidrs(eks: Any, net: Network) -> None:
    name = create(eks, net, endpointPublicAccess=False, endpointPrivateAccess=True, publicAccessCidrs=["203.0.113.0/24"])
    vpc = eks.describe_cluster(name=name)["cluster"]["resourcesVpcConfig"]
    assert (vpc["endpointPublicAccess"], vpc["endpointPrivateAccess"]) == (False, True)


def test_create_rejects_malformed_cidr(eks: Any, net: Network) -> None:
    status, code, message = error_of(lambda: create(eks, net, publicAccessCidrs=["203.0.113.0/24", "nonsense"]))
    assert (status, code, message) == (400, "InvalidParameterException", "The following CIDRs are invalid in publicAccessCidrs: [nonsense]")


# ---------------------------------------------------------------- UpdateClusterConfig


def test_endpoint_update_merges_and_applies_when_successful(eks: Any, net: Network) -> None:
    name = active_cluster(eks, net, publicAccessCidrs=["203.0.113.0/24"])
    update = eks.update_cluster_config(name=name, resourcesVpcConfig={"endpointPrivateAccess": True})["update"]
    assert update["status"] == "InProgress"
    assert update["type"] == "EndpointAccessUpdate"
    assert update["params"] == [{"type": "EndpointPrivateAccess", "value": "true"}]
    assert update["errors"] == [] and update["createdAt"]
    cluster = eks.describe_cluster(name=name)["cluster"]
    assert cluster["status"] == "UPDATING"
    assert cluster["resourcesVpcConfig"]["endpointPrivateAccess"] is False  # not yet
    assert eks.describe_update(name=name, updateId=update["id"])["update"]["status"] == "InProgress"
    wait_for(update_done(eks, name, update["id"]))
    assert eks.describe_update(name=name, updateId=update["id"])["update"]["status"] == "Successful"
    cluster = eks.describe_cluster(name=name)["cluster"]
    assert cluster["status"] == "ACTIVE"
    vpc = cluster["resourcesVpcConfig"]
    assert vpc["endpointPrivateAccess"] is True
    # Not sent, so kept: the merge moto lacks.
    assert vpc["endpointPublicAccess"] is True
    assert vpc["publicAccessCidrs"] == ["203.0.113.0/24"]
    assert vpc["subnetIds"] == net.subnets[:2]
    assert vpc["clusterSecurityGroupId"].startswith("sg-")


def test_second_update_and_delete_while_update_runs_are_in_use(eks: Any, net: Network) -> None:
    name = active_cluster(eks, net)
    first = eks.update_cluster_config(name=name, resourcesVpcConfig={"endpointPrivateAccess": True})["update"]
    status, code, message = error_of(lambda: eks.update_cluster_config(name=name, resourcesVpcConfig={"publicAccessCidrs": ["198.51.100.0/24"]}))
    assert (status, code) == (409, "ResourceInUseException")
    assert message == f"Cannot EndpointAccessUpdate because cluster {name} currently has update {first['id']} in progress"
    status, code, message = error_of(lambda: eks.delete_cluster(name=name))
    assert (status, code, message) == (409, "ResourceInUseException", f"Cannot delete because cluster {name} currently has an update in progress")
    assert eks.list_updates(name=name)["updateIds"] == [first["id"]]


def test_update_while_creating_is_in_use(eks: Any, net: Network) -> None:
    name = create(eks, net)
    status, code, _ = error_of(lambda: eks.update_cluster_config(name=name, resourcesVpcConfig={"endpointPrivateAccess": True}))
    assert (status, code) == (409, "ResourceInUseException")


def test_no_op_update_is_rejected_with_the_real_message(eks: Any, net: Network) -> None:
    name = active_cluster(eks, net, endpointPrivateAccess=True)
    status, code, message = error_of(lambda: eks.update_cluster_config(
        name=name, resourcesVpcConfig={"endpointPublicAccess": True, "endpointPrivateAccess": True, "publicAccessCidrs": ["0.0.0.0/0"]}))
    assert (status, code) == (400, "InvalidParameterException")
    assert message == (
        "Cluster is already at the desired configuration with endpointPrivateAccess: true , "
        "endpointPublicAccess: true, and Public Endpoint Restrictions: [0.0.0.0/0]"
    )
    assert eks.list_updates(name=name)["updateIds"] == []


def test_update_rejects_both_endpoints_disabled(eks: Any, net: Network) -> None:
    name = active_cluster(eks, net)
    # Only public is sent; merged with private=false that disables both.
    status, code, message = error_of(lambda: eks.update_cluster_config(name=name, resourcesVpcConfig={"endpointPublicAccess": False}))
    assert (status, code, message) == (400, "InvalidParameterException", "Both private and public endpoint access cannot be false")


def test_one_kind_of_update_per_call(eks: Any, net: Network) -> None:
    name = active_cluster(eks, net)
    logging = {"clusterLogging": [{"types": ["api"], "enabled": True}]}
    for call in (
        lambda: eks.update_cluster_config(name=name, resourcesVpcConfig={"endpointPrivateAccess": True}, logging=logging),
        lambda: eks.update_cluster_config(name=name, resourcesVpcConfig={"endpointPrivateAccess": True, "subnetIds": net.subnets[2:]}),
    ):
        assert error_of(call) == (400, "InvalidParameterException", "Only one type of update can be allowed.")


def test_vpc_config_update_keeps_endpoint_settings(eks: Any, ec2: Any, net: Network) -> None:
    name = active_cluster(eks, net, endpointPrivateAccess=True)
    update = eks.update_cluster_config(name=name, resourcesVpcConfig={"subnetIds": net.subnets[2:], "securityGroupIds": [net.group]})["update"]
    assert update["type"] == "VpcConfigUpdate"
    assert update["params"] == [
        {"type": "Subnets", "value": json.dumps(net.subnets[2:])},
        {"type": "SecurityGroups", "value": json.dumps([net.group])},
    ]
    wait_for(update_done(eks, name, update["id"]))
    vpc = eks.describe_cluster(name=name)["cluster"]["resourcesVpcConfig"]
    assert (vpc["subnetIds"], vpc["securityGroupIds"]) == (net.subnets[2:], [net.group])
    assert (vpc["endpointPublicAccess"], vpc["endpointPrivateAccess"]) == (True, True)
    other = make_network(ec2, "10.20")
    # The subnets must stay in the cluster's VPC, whether or not the groups move too.
    for request in ({"subnetIds": other.subnets[:2]}, {"subnetIds": other.subnets[:2], "securityGroupIds": [other.group]}):
        status, code, message = error_of(lambda r=request: eks.update_cluster_config(name=name, resourcesVpcConfig=r))
        assert (status, code) == (400, "InvalidParameterException") and net.vpc in message


def test_logging_update_and_logging_no_op(eks: Any, net: Network) -> None:
    name = active_cluster(eks, net)
    logging = {"clusterLogging": [{"types": ["api", "audit"], "enabled": True}]}
    update = eks.update_cluster_config(name=name, logging=logging)["update"]
    assert update["type"] == "LoggingUpdate"
    assert update["params"] == [{"type": "ClusterLogging", "value": json.dumps(logging, separators=(",", ":"))}]
    wait_for(update_done(eks, name, update["id"]))
    groups = eks.describe_cluster(name=name)["cluster"]["logging"]["clusterLogging"]
    assert {"types": ["api", "audit"], "enabled": True} in groups
    assert error_of(lambda: eks.update_cluster_config(name=name, logging=logging)) == (
        400, "InvalidParameterException", "No changes needed for the logging config provided")


def test_version_update_goes_one_minor_version_up(eks: Any, net: Network) -> None:
    # API_UpdateClusterVersion: "you can update only one minor version at a time".
    name = active_cluster(eks, net)
    current = eks.describe_cluster(name=name)["cluster"]["version"]
    major, minor = (int(p) for p in current.split("."))
    for target in (current, f"{major}.{minor + 2}", f"{major}.{minor - 1}"):
        assert error_of(lambda: eks.update_cluster_version(name=name, version=target)) == (
            400, "InvalidParameterException", f"Unsupported Kubernetes minor version update from {current} to {target}")
    target = f"{major}.{minor + 1}"
    update = eks.update_cluster_version(name=name, version=target)["update"]
    assert update["type"] == "VersionUpdate"
    assert {"type": "Version", "value": target} in update["params"]
    assert eks.describe_cluster(name=name)["cluster"]["version"] == current  # not before it succeeds
    wait_for(update_done(eks, name, update["id"]))
    assert eks.describe_cluster(name=name)["cluster"]["version"] == target


def test_client_request_token_returns_the_same_update(eks: Any, net: Network) -> None:
    name = active_cluster(eks, net)
    token = str(uuid.uuid4())
    first = eks.update_cluster_config(name=name, resourcesVpcConfig={"endpointPrivateAccess": True}, clientRequestToken=token)["update"]
    again = eks.update_cluster_config(name=name, resourcesVpcConfig={"endpointPrivateAccess": True}, clientRequestToken=token)["update"]
    assert again["id"] == first["id"]
    assert eks.list_updates(name=name)["updateIds"] == [first["id"]]


def test_describe_and_list_updates(eks: Any, net: Network) -> None:
    name = active_cluster(eks, net)
    first = eks.update_cluster_config(name=name, resourcesVpcConfig={"endpointPrivateAccess": True})["update"]
    wait_for(update_done(eks, name, first["id"]))
    second = eks.update_cluster_config(name=name, resourcesVpcConfig={"publicAccessCidrs": ["192.0.2.0/24"]})["update"]
    assert second["params"] == [{"type": "PublicAccessCidrs", "value": '["192.0.2.0/24"]'}]
    assert eks.list_updates(name=name)["updateIds"] == [first["id"], second["id"]]
    page = eks.list_updates(name=name, maxResults=1)
    assert page["updateIds"] == [first["id"]] and page["nextToken"]
    assert eks.list_updates(name=name, nextToken=page["nextToken"])["updateIds"] == [second["id"]]
    status, code, _ = error_of(lambda: eks.describe_update(name=name, updateId="00000000-0000-0000-0000-000000000000"))
    assert (status, code) == (404, "ResourceNotFoundException")
    assert error_of(lambda: eks.describe_update(name="no-such-cluster", updateId=first["id"]))[:2] == (404, "ResourceNotFoundException")


def test_delete_goes_through_deleting(eks: Any, ec2: Any, net: Network) -> None:
    name = active_cluster(eks, net)
    group = eks.describe_cluster(name=name)["cluster"]["resourcesVpcConfig"]["clusterSecurityGroupId"]
    assert eks.delete_cluster(name=name)["cluster"]["status"] == "DELETING"
    assert eks.describe_cluster(name=name)["cluster"]["status"] == "DELETING"
    assert name in eks.list_clusters()["clusters"]

    def gone() -> bool:
        try:
            eks.describe_cluster(name=name)
            return False
        except ClientError as err:
            assert err.response["Error"]["Code"] == "ResourceNotFoundException"
            return True

    wait_for(gone)
    assert name not in eks.list_clusters()["clusters"]
    assert error_of(lambda: ec2.describe_security_groups(GroupIds=[group]))[1] == "InvalidGroup.NotFound"


# ---------------------------------------------------------------- EKS cluster settings

KEY = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
SECRETS = [{"resources": ["secrets"], "provider": {"keyArn": KEY}}]


def settings_cluster(eks: Any, net: Network, **request: Any) -> str:
    name = f"c-{uuid.uuid4().hex[:10]}"
    eks.create_cluster(name=name, roleArn=ROLE, resourcesVpcConfig={"subnetIds": net.subnets[:2]}, **request)
    return name


def active_settings_cluster(eks: Any, net: Network, **request: Any) -> str:
    name = settings_cluster(eks, net, **request)
    wait_for(lambda: eks.describe_cluster(name=name)["cluster"]["status"] == "ACTIVE")
    return name


def test_upgrade_policy_defaults_to_extended(eks: Any, net: Network) -> None:
    # API_UpgradePolicyRequest: "The default value is EXTENDED. Use STANDARD to disable extended
    # support." API_Cluster upgradePolicy is an UpgradePolicyResponse {supportType}.
    name = create(eks, net)
    assert eks.describe_cluster(name=name)["cluster"]["upgradePolicy"] == {"supportType": "EXTENDED"}
    standard = settings_cluster(eks, net, upgradePolicy={"supportType": "STANDARD"})
    assert eks.describe_cluster(name=standard)["cluster"]["upgradePolicy"] == {"supportType": "STANDARD"}
    status, code, _ = error_of(lambda: settings_cluster(eks, net, upgradePolicy={"supportType": "FOREVER"}))
    assert (status, code) == (400, "InvalidParameterException")


def test_zonal_shift_config_is_reported_once_sent(eks: Any, net: Network) -> None:
    # API_CreateCluster zonalShiftConfig (ZonalShiftConfigRequest {enabled}); a cluster created
    # without it reports none (terraform-provider-aws cluster_data_source_test: zonal_shift_config.# 0).
    name = create(eks, net)
    assert "zonalShiftConfig" not in eks.describe_cluster(name=name)["cluster"]
    for enabled in (True, False):
        sent = settings_cluster(eks, net, zonalShiftConfig={"enabled": enabled})
        assert eks.describe_cluster(name=sent)["cluster"]["zonalShiftConfig"] == {"enabled": enabled}


def test_deletion_protection_refuses_delete_of_an_active_cluster(eks: Any, net: Network) -> None:
    # API_CreateCluster deletionProtection: "Default value is false." deletion-protection.html: "If
    # you try to delete an active cluster that has deletion protection turned on, you will receive a
    # InvalidRequestException ... If the cluster state is creating, failed, or deleting, you can
    # delete the cluster even if deletion protection is turned on."
    assert eks.describe_cluster(name=create(eks, net))["cluster"]["deletionProtection"] is False
    creating = settings_cluster(eks, net, deletionProtection=True)
    assert eks.describe_cluster(name=creating)["cluster"]["deletionProtection"] is True
    assert eks.delete_cluster(name=creating)["cluster"]["status"] == "DELETING"
    name = active_settings_cluster(eks, net, deletionProtection=True)
    assert error_of(lambda: eks.delete_cluster(name=name)) == (
        400, "InvalidRequestException",
        f"Cannot delete cluster {name} because deletion protection is enabled. Disable deletion protection with UpdateClusterConfig first.")
    assert eks.describe_cluster(name=name)["cluster"]["status"] == "ACTIVE"
    update = eks.update_cluster_config(name=name, deletionProtection=False)["update"]
    wait_for(update_done(eks, name, update["id"]))
    assert eks.delete_cluster(name=name)["cluster"]["status"] == "DELETING"


def test_bootstrap_self_managed_addons_is_accepted_and_not_reported(eks: Any, net: Network) -> None:
    # API_CreateCluster bootstrapSelfManagedAddons (boolean, default true); API_Cluster has no
    # such member, so DescribeCluster never returns it.
    for bootstrap in (False, True):
        name = settings_cluster(eks, net, bootstrapSelfManagedAddons=bootstrap)
        assert "bootstrapSelfManagedAddons" not in eks.describe_cluster(name=name)["cluster"]


def test_kubernetes_network_config_defaults_follow_the_vpc(eks: Any, ec2: Any, net: Network) -> None:
    # API_KubernetesNetworkConfigRequest: ipFamily "If you don't specify a value, ipv4 is used by
    # default"; serviceIpv4Cidr "If you don't specify a block, Kubernetes assigns addresses from
    # either the 10.100.0.0/16 or 172.20.0.0/16 CIDR blocks" (172.20.0.0/16 for a VPC in 10.0.0.0/8,
    # as the EKS AMI's bootstrap.sh assumes). API_KubernetesNetworkConfigResponse: "a value for
    # serviceIpv6Cidr or serviceIpv4Cidr, but not both".
    name = create(eks, net)
    assert eks.describe_cluster(name=name)["cluster"]["kubernetesNetworkConfig"] == {
        "serviceIpv4Cidr": "172.20.0.0/16", "ipFamily": "ipv4"}
    other = make_network(ec2, "192.168")
    name = create(eks, other)
    assert eks.describe_cluster(name=name)["cluster"]["kubernetesNetworkConfig"] == {
        "serviceIpv4Cidr": "10.100.0.0/16", "ipFamily": "ipv4"}
    name = settings_cluster(eks, net, kubernetesNetworkConfig={"serviceIpv4Cidr": "10.200.0.0/16"})
    assert eks.describe_cluster(name=name)["cluster"]["kubernetesNetworkConfig"] == {
        "serviceIpv4Cidr": "10.200.0.0/16", "ipFamily": "ipv4"}
    name = settings_cluster(eks, net, kubernetesNetworkConfig={"ipFamily": "ipv6"})
    config = eks.describe_cluster(name=name)["cluster"]["kubernetesNetworkConfig"]
    assert config["ipFamily"] == "ipv6" and "serviceIpv4Cidr" not in config
    assert re.fullmatch(r"fd[0-9a-f]{2}:[0-9a-f]{4}:[0-9a-f]{4}::/108", config["serviceIpv6Cidr"])
    status, code, _ = error_of(lambda: settings_cluster(eks, net, kubernetesNetworkConfig={"ipFamily": "ipv5"}))
    assert (status, code) == (400, "InvalidParameterException")


def test_encryption_config_is_kept_as_sent(eks: Any, net: Network) -> None:
    # API_CreateCluster encryptionConfig: "Array Members: Maximum number of 1 item"; API_EncryptionConfig
    # {resources, provider: {keyArn}}; no keyArn: "KeyArn is required" (aws-controllers-k8s/community#1175).
    name = settings_cluster(eks, net, encryptionConfig=SECRETS)
    assert eks.describe_cluster(name=name)["cluster"]["encryptionConfig"] == SECRETS
    assert "encryptionConfig" not in eks.describe_cluster(name=create(eks, net))["cluster"]
    assert error_of(lambda: settings_cluster(eks, net, encryptionConfig=[{"resources": ["secrets"], "provider": {}}])) == (
        400, "InvalidParameterException", "KeyArn is required")
    status, code, _ = error_of(lambda: settings_cluster(eks, net, encryptionConfig=SECRETS * 2))
    assert (status, code) == (400, "InvalidParameterException")


def test_upgrade_policy_update_applies_when_successful(eks: Any, net: Network) -> None:
    # API_UpdateClusterConfig upgradePolicy: an update of type UpgradePolicyUpdate (API_Update
    # type), param UpgradePolicy (API_UpdateParam type); the change shows once it is Successful;
    # the current value again is a no-op, refused like the other kinds of update; one kind per call.
    name = active_cluster(eks, net)
    assert error_of(lambda: eks.update_cluster_config(name=name, upgradePolicy={"supportType": "EXTENDED"})) == (
        400, "InvalidParameterException", "Cluster is already at the desired configuration with upgradePolicy supportType: EXTENDED")
    assert error_of(lambda: eks.update_cluster_config(name=name, upgradePolicy={"supportType": "STANDARD"}, deletionProtection=True)) == (
        400, "InvalidParameterException", "Only one type of update can be allowed.")
    update = eks.update_cluster_config(name=name, upgradePolicy={"supportType": "STANDARD"})["update"]
    assert (update["status"], update["type"]) == ("InProgress", "UpgradePolicyUpdate")
    assert update["params"] == [{"type": "UpgradePolicy", "value": '{"supportType":"STANDARD"}'}]
    cluster = eks.describe_cluster(name=name)["cluster"]
    assert (cluster["status"], cluster["upgradePolicy"]) == ("UPDATING", {"supportType": "EXTENDED"})  # not yet
    wait_for(update_done(eks, name, update["id"]))
    assert eks.describe_update(name=name, updateId=update["id"])["update"]["status"] == "Successful"
    cluster = eks.describe_cluster(name=name)["cluster"]
    assert (cluster["status"], cluster["upgradePolicy"]) == ("ACTIVE", {"supportType": "STANDARD"})


def test_zonal_shift_config_update_applies_when_successful(eks: Any, net: Network) -> None:
    # API_UpdateClusterConfig zonalShiftConfig: "Enable or disable ARC zonal shift"; update type
    # ZonalShiftConfigUpdate, param ZonalShiftConfig. Never enabled means disabled: enabling it
    # again, or disabling it first, is a no-op.
    name = active_cluster(eks, net)
    assert error_of(lambda: eks.update_cluster_config(name=name, zonalShiftConfig={"enabled": False})) == (
        400, "InvalidParameterException", "Cluster is already at the desired configuration with zonalShiftConfig enabled: false")
    update = eks.update_cluster_config(name=name, zonalShiftConfig={"enabled": True})["update"]
    assert (update["type"], update["params"]) == ("ZonalShiftConfigUpdate", [{"type": "ZonalShiftConfig", "value": '{"enabled":true}'}])
    assert "zonalShiftConfig" not in eks.describe_cluster(name=name)["cluster"]  # not yet
    wait_for(update_done(eks, name, update["id"]))
    assert eks.describe_cluster(name=name)["cluster"]["zonalShiftConfig"] == {"enabled": True}
    assert error_of(lambda: eks.update_cluster_config(name=name, zonalShiftConfig={"enabled": True}))[:2] == (400, "InvalidParameterException")
    update = eks.update_cluster_config(name=name, zonalShiftConfig={"enabled": False})["update"]
    wait_for(update_done(eks, name, update["id"]))
    assert eks.describe_cluster(name=name)["cluster"]["zonalShiftConfig"] == {"enabled": False}


def test_deletion_protection_update_applies_when_successful(emu: Emulator, eks: Any, net: Network) -> None:
    # API_UpdateClusterConfig deletionProtection; update type DeletionProtectionUpdate, param
    # DeletionProtection; a failed update (UpdateFailed fault) leaves the setting as it was.
    name = active_cluster(eks, net)
    assert error_of(lambda: eks.update_cluster_config(name=name, deletionProtection=False)) == (
        400, "InvalidParameterException", "Cluster is already at the desired configuration with deletionProtection: false")
    emu.control("POST", "faults", {"operation": "UpdateClusterConfig", "error": "UpdateFailed"})
    failed = eks.update_cluster_config(name=name, deletionProtection=True)["update"]
    wait_for(update_done(eks, name, failed["id"]))
    assert eks.describe_update(name=name, updateId=failed["id"])["update"]["status"] == "Failed"
    assert eks.describe_cluster(name=name)["cluster"]["deletionProtection"] is False
    update = eks.update_cluster_config(name=name, deletionProtection=True)["update"]
    assert (update["type"], update["params"]) == ("DeletionProtectionUpdate", [{"type": "DeletionProtection", "value": "true"}])
    assert eks.describe_cluster(name=name)["cluster"]["deletionProtection"] is False  # not yet
    wait_for(update_done(eks, name, update["id"]))
    assert eks.describe_cluster(name=name)["cluster"]["deletionProtection"] is True
    assert error_of(lambda: eks.delete_cluster(name=name))[:2] == (400, "InvalidRequestException")


def test_associate_encryption_config_applies_when_successful_and_only_once(emu: Emulator, eks: Any, net: Network) -> None:
    # API_AssociateEncryptionConfig: "enable encryption on existing clusters that don't already have
    # encryption enabled"; returns an update (type AssociateEncryptionConfig, param EncryptionConfig).
    # Already encrypted: "Encryption is already enabled on the cluster" (hashicorp/terraform-provider-aws#19968).
    creating = create(eks, net)
    assert error_of(lambda: eks.associate_encryption_config(clusterName=creating, encryptionConfig=SECRETS))[:2] == (
        409, "ResourceInUseException")
    name = active_cluster(eks, net)
    emu.control("POST", "faults", {"operation": "AssociateEncryptionConfig", "error": "UpdateFailed"})
    failed = eks.associate_encryption_config(clusterName=name, encryptionConfig=SECRETS)["update"]
    wait_for(update_done(eks, name, failed["id"]))
    assert eks.describe_update(name=name, updateId=failed["id"])["update"]["status"] == "Failed"
    assert "encryptionConfig" not in eks.describe_cluster(name=name)["cluster"]
    update = eks.associate_encryption_config(clusterName=name, encryptionConfig=SECRETS)["update"]
    assert (update["status"], update["type"]) == ("InProgress", "AssociateEncryptionConfig")
    assert update["params"] == [{"type": "EncryptionConfig", "value": json.dumps(SECRETS, separators=(",", ":"))}]
    cluster = eks.describe_cluster(name=name)["cluster"]
    assert cluster["status"] == "UPDATING" and "encryptionConfig" not in cluster  # not yet
    status, code, message = error_of(lambda: eks.update_cluster_config(name=name, deletionProtection=True))
    assert (status, code) == (409, "ResourceInUseException") and update["id"] in message
    wait_for(update_done(eks, name, update["id"]))
    assert eks.describe_update(name=name, updateId=update["id"])["update"]["status"] == "Successful"
    assert eks.list_updates(name=name)["updateIds"] == [failed["id"], update["id"]]
    cluster = eks.describe_cluster(name=name)["cluster"]
    assert (cluster["status"], cluster["encryptionConfig"]) == ("ACTIVE", SECRETS)
    assert error_of(lambda: eks.associate_encryption_config(clusterName=name, encryptionConfig=SECRETS)) == (
        400, "InvalidParameterException", "Encryption is already enabled on the cluster")
    encrypted = settings_cluster(eks, net, encryptionConfig=SECRETS)
    wait_for(lambda: eks.describe_cluster(name=encrypted)["cluster"]["status"] == "ACTIVE")
    assert error_of(lambda: eks.associate_encryption_config(clusterName=encrypted, encryptionConfig=SECRETS))[1] == "InvalidParameterException"
    assert error_of(lambda: eks.associate_encryption_config(clusterName="no-such-cluster", encryptionConfig=SECRETS))[:2] == (
        404, "ResourceNotFoundException")


# ---------------------------------------------------------------- test controls


def test_throttling_fault_fails_the_next_calls_then_clears(emu: Emulator, eks: Any, net: Network) -> None:
    name = active_cluster(eks, net)
    status, armed = emu.control("POST", "faults", {"operation": "UpdateClusterConfig", "error": "ThrottlingException", "times": 2})
    assert status == 200 and armed["armed"][0]["times"] == 2
    emu.control("POST", "calls/reset")
    for _ in range(2):
        status, code, _ = error_of(lambda: eks.update_cluster_config(name=name, resourcesVpcConfig={"endpointPrivateAccess": True}))
        assert (status, code) == (429, "ThrottlingException")
    assert eks.update_cluster_config(name=name, resourcesVpcConfig={"endpointPrivateAccess": True})["update"]["status"] == "InProgress"
    assert emu.control("GET", "faults")[1] == {"faults": []}
    assert emu.control("GET", "calls")[1]["services"]["eks"] == {"UpdateClusterConfig": 3}


def test_sdk_retries_through_injected_throttling(emu: Emulator, net: Network) -> None:
    eks = emu.client("eks", retries=3)
    name = active_cluster(eks, net)
    emu.control("POST", "faults", {"operation": "eks:DescribeCluster", "error": "ThrottlingException", "times": 2})
    emu.control("POST", "calls/reset")
    assert eks.describe_cluster(name=name)["cluster"]["name"] == name
    assert emu.control("GET", "calls")[1]["operations"] == {"DescribeCluster": 3}


def test_server_error_in_use_and_ec2_throttling_faults(emu: Emulator, eks: Any, ec2: Any, net: Network) -> None:
    name = active_cluster(eks, net)
    emu.control("POST", "faults", [
        {"operation": "DescribeCluster", "error": "ServerError"},
        {"operation": "UpdateClusterConfig", "error": "ResourceInUseException"},
        {"operation": "DescribeVpcs", "error": "ThrottlingException"},
    ])
    assert error_of(lambda: eks.describe_cluster(name=name))[:2] == (500, "ServerException")
    status, code, message = error_of(lambda: eks.update_cluster_config(name=name, resourcesVpcConfig={"endpointPrivateAccess": True}))
    assert (status, code) == (409, "ResourceInUseException") and "currently has update" in message
    assert error_of(lambda: ec2.describe_vpcs(VpcIds=[net.vpc]))[:2] == (503, "RequestLimitExceeded")
    assert eks.list_updates(name=name)["updateIds"] == []


def test_update_failed_fault_ends_the_update_failed(emu: Emulator, eks: Any, net: Network) -> None:
    name = active_cluster(eks, net)
    emu.control("POST", "faults", {"operation": "UpdateClusterConfig", "error": "UpdateFailed"})
    update = eks.update_cluster_config(name=name, resourcesVpcConfig={"endpointPrivateAccess": True})["update"]
    assert update["status"] == "InProgress"
    wait_for(update_done(eks, name, update["id"]))
    described = eks.describe_update(name=name, updateId=update["id"])["update"]
    assert described["status"] == "Failed"
    assert described["errors"][0]["resourceIds"] == [name]
    cluster = eks.describe_cluster(name=name)["cluster"]
    assert cluster["status"] == "ACTIVE"
    assert cluster["resourcesVpcConfig"]["endpointPrivateAccess"] is False


def test_create_failed_fault_ends_the_cluster_failed(emu: Emulator, eks: Any, net: Network) -> None:
    emu.control("POST", "faults", {"operation": "CreateCluster", "error": "CreateFailed"})
    name = create(eks, net)
    assert eks.describe_cluster(name=name)["cluster"]["status"] == "CREATING"
    wait_for(lambda: eks.describe_cluster(name=name)["cluster"]["status"] == "FAILED")
    assert "endpoint" not in eks.describe_cluster(name=name)["cluster"]
    eks.delete_cluster(name=name)
    wait_for(lambda: name not in eks.list_clusters()["clusters"])
    # The fault was used up: the next cluster becomes ACTIVE.
    assert eks.describe_cluster(name=active_cluster(eks, net))["cluster"]["status"] == "ACTIVE"


def test_a_fault_can_let_calls_through_first(emu: Emulator, ec2: Any, net: Network) -> None:
    emu.control("POST", "faults", {"operation": "CreateSubnet", "error": "InvalidParameterValue", "skip": 1})
    ec2.create_subnet(VpcId=net.vpc, CidrBlock="10.0.200.0/24")
    status, code, _ = error_of(lambda: ec2.create_subnet(VpcId=net.vpc, CidrBlock="10.0.201.0/24"))
    assert (status, code) == (400, "InvalidParameterValue")
    ec2.create_subnet(VpcId=net.vpc, CidrBlock="10.0.202.0/24")
    assert emu.control("POST", "faults", {"operation": "X", "error": "Y", "skip": -1})[0] == 400


def test_control_api_rejects_bad_requests(emu: Emulator) -> None:
    assert emu.control("POST", "faults", {"error": "ThrottlingException"})[0] == 400
    assert emu.control("POST", "faults", {"operation": "X", "error": "Y", "times": 0})[0] == 400
    assert emu.control("GET", "nothing-here")[0] == 404
    emu.control("POST", "faults", {"operation": "Never", "error": "ServerError"})
    assert emu.control("DELETE", "faults") == (200, {"reset": "faults"})
    assert emu.control("GET", "faults")[1] == {"faults": []}


# ---------------------------------------------------------------- EC2 as clusterform reads it


def test_ec2_batched_describes_and_vpc_dns_attributes(ec2: Any, net: Network) -> None:
    other = make_network(ec2, "10.30")
    assert {v["VpcId"] for v in ec2.describe_vpcs(VpcIds=[net.vpc, other.vpc])["Vpcs"]} == {net.vpc, other.vpc}
    ids = net.subnets + other.subnets[:1]
    assert {s["SubnetId"] for s in ec2.describe_subnets(SubnetIds=ids)["Subnets"]} == set(ids)
    groups = [net.group, other.group]
    assert {g["GroupId"] for g in ec2.describe_security_groups(GroupIds=groups)["SecurityGroups"]} == set(groups)
    # A new non-default VPC: DNS support on, DNS hostnames off (as in AWS).
    assert ec2.describe_vpc_attribute(VpcId=net.vpc, Attribute="enableDnsSupport")["EnableDnsSupport"]["Value"] is True
    assert ec2.describe_vpc_attribute(VpcId=net.vpc, Attribute="enableDnsHostnames")["EnableDnsHostnames"]["Value"] is False
    # Known moto gap (README): no default DHCP options set; VPCs report "default".
    assert ec2.describe_vpcs(VpcIds=[net.vpc])["Vpcs"][0]["DhcpOptionsId"] == "default"
    assert error_of(lambda: ec2.describe_subnets(SubnetIds=[net.subnets[0], "subnet-00000000"]))[1] == "InvalidSubnetID.NotFound"


# ---------------------------------------------------------------- --plain is plain moto


def test_plain_mode_shows_motos_gaps(plain: Emulator) -> None:
    assert plain.first_line == f"ready on 127.0.0.1:{plain.port}"
    assert plain.control("GET", "health")[1]["mode"] == "plain"
    ec2, eks = plain.client("ec2"), plain.client("eks")
    network = make_network(ec2)
    cluster = eks.create_cluster(name="plain", roleArn=ROLE, resourcesVpcConfig={
        "subnetIds": network.subnets[:2], "endpointPublicAccess": False, "endpointPrivateAccess": False})["cluster"]
    # Active at once, and both endpoints disabled accepted.
    assert cluster["status"] == "ACTIVE"
    response = eks.update_cluster_config(name="plain", resourcesVpcConfig={"endpointPrivateAccess": True})
    assert "update" not in response  # no update object
    vpc = eks.describe_cluster(name="plain")["cluster"]["resourcesVpcConfig"]
    assert "subnetIds" not in vpc  # replaced wholesale
    with pytest.raises(ClientError) as info:
        eks.describe_update(name="plain", updateId="any")
    assert info.value.response["ResponseMetadata"]["HTTPStatusCode"] == 404
    assert info.value.response["Error"]["Code"] == "404"  # an HTML page, not an AWS error
    assert plain.control("GET", "calls")[1]["services"]["eks"]["UpdateClusterConfig"] == 1
    # No access entries, access config or add-ons at all.
    assert "accessConfig" not in eks.describe_cluster(name="plain")["cluster"]
    for call in (
        lambda: eks.list_access_entries(clusterName="plain"),
        lambda: eks.create_addon(clusterName="plain", addonName="coredns"),
        lambda: eks.associate_encryption_config(clusterName="plain", encryptionConfig=SECRETS),
    ):
        with pytest.raises(ClientError) as info:
            call()
        assert info.value.response["Error"]["Code"] == "404"
    # Cluster settings dropped, the service CIDR whatever the VPC and no ipFamily, deletion
    # protection not kept (the cluster goes at once).
    cluster = eks.create_cluster(name="protected", roleArn=ROLE, resourcesVpcConfig={"subnetIds": make_network(ec2, "192.168").subnets[:2]},
                                 upgradePolicy={"supportType": "STANDARD"}, deletionProtection=True)["cluster"]
    assert "upgradePolicy" not in cluster and "deletionProtection" not in cluster
    assert cluster["kubernetesNetworkConfig"] == {"serviceIpv4Cidr": "172.20.0.0/16"}
    eks.delete_cluster(name="protected")
    assert "protected" not in eks.list_clusters()["clusters"]


def test_group_rule_descriptions_are_described(ec2: Any, net: Network) -> None:
    # AWS returns a rule's description whatever its source; plain moto only for CIDR rules.
    target = ec2.create_security_group(GroupName="api", Description="api", VpcId=net.vpc)["GroupId"]
    source = ec2.create_security_group(GroupName="bastion", Description="b", VpcId=net.vpc)["GroupId"]
    out = ec2.authorize_security_group_ingress(
        GroupId=target,
        IpPermissions=[{
            "IpProtocol": "tcp", "FromPort": 443, "ToPort": 443,
            "UserIdGroupPairs": [{"GroupId": source, "Description": "kubectl from the bastion"}],
        }],
    )
    rule_id = out["SecurityGroupRules"][0]["SecurityGroupRuleId"]
    rules = ec2.describe_security_group_rules(SecurityGroupRuleIds=[rule_id])["SecurityGroupRules"]
    assert rules[0]["Description"] == "kubectl from the bastion"


def test_addresses_report_their_border_group_and_pool(ec2: Any) -> None:
    # API_Address: NetworkBorderGroup and PublicIpv4Pool; the region and amazon by default.
    plain = ec2.allocate_address(Domain="vpc")["AllocationId"]
    local = ec2.allocate_address(Domain="vpc", NetworkBorderGroup="us-east-1-bos-1")["AllocationId"]
    found = {a["AllocationId"]: a for a in ec2.describe_addresses()["Addresses"]}
    assert (found[plain]["NetworkBorderGroup"], found[plain]["PublicIpv4Pool"]) == ("us-east-1", "amazon")
    assert found[local]["NetworkBorderGroup"] == "us-east-1-bos-1"


def test_modify_moves_a_group_rule_to_another_source(ec2: Any, net: Network) -> None:
    # AWS applies every field of ModifySecurityGroupRules; plain moto ignores ReferencedGroupId.
    target = ec2.create_security_group(GroupName="api", Description="api", VpcId=net.vpc)["GroupId"]
    first = ec2.create_security_group(GroupName="first", Description="1", VpcId=net.vpc)["GroupId"]
    second = ec2.create_security_group(GroupName="second", Description="2", VpcId=net.vpc)["GroupId"]
    out = ec2.authorize_security_group_ingress(
        GroupId=target,
        IpPermissions=[{"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "UserIdGroupPairs": [{"GroupId": first}]}],
    )
    rule_id = out["SecurityGroupRules"][0]["SecurityGroupRuleId"]
    ec2.modify_security_group_rules(
        GroupId=target,
        SecurityGroupRules=[{
            "SecurityGroupRuleId": rule_id,
            "SecurityGroupRule": {
                "IpProtocol": "tcp", "FromPort": 8443, "ToPort": 8443,
                "ReferencedGroupId": second, "Description": "moved",
            },
        }],
    )
    rule = ec2.describe_security_group_rules(SecurityGroupRuleIds=[rule_id])["SecurityGroupRules"][0]
    assert rule["ReferencedGroupInfo"]["GroupId"] == second
    assert (rule["FromPort"], rule["ToPort"], rule["Description"]) == (8443, 8443, "moved")


def test_modify_moves_a_rule_to_another_ipv6_range_or_prefix_list(ec2: Any, net: Network) -> None:
    # API_SecurityGroupRuleRequest: CidrIpv6 and PrefixListId are peers ModifySecurityGroupRules
    # sets like CidrIpv4; plain moto ignores both (a TODO in modify_security_group_rules).
    group = ec2.create_security_group(GroupName="out", Description="out", VpcId=net.vpc)["GroupId"]
    v6 = ec2.authorize_security_group_egress(
        GroupId=group,
        IpPermissions=[{"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "Ipv6Ranges": [{"CidrIpv6": "2600:1f18::/32"}]}],
    )["SecurityGroupRules"][0]["SecurityGroupRuleId"]
    lists = ec2.describe_prefix_lists()["PrefixLists"]
    s3 = next(p["PrefixListId"] for p in lists if p["PrefixListName"].endswith(".s3"))
    dynamo = next(p["PrefixListId"] for p in lists if p["PrefixListName"].endswith(".dynamodb"))
    listed = ec2.authorize_security_group_egress(
        GroupId=group,
        IpPermissions=[{"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "PrefixListIds": [{"PrefixListId": s3}]}],
    )["SecurityGroupRules"][0]["SecurityGroupRuleId"]
    ec2.modify_security_group_rules(
        GroupId=group,
        SecurityGroupRules=[
            {"SecurityGroupRuleId": v6, "SecurityGroupRule": {
                "IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "CidrIpv6": "2600:1f19::/32"}},
            {"SecurityGroupRuleId": listed, "SecurityGroupRule": {
                "IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "PrefixListId": dynamo}},
        ],
    )
    rules = {r["SecurityGroupRuleId"]: r for r in ec2.describe_security_group_rules(
        SecurityGroupRuleIds=[v6, listed])["SecurityGroupRules"]}
    assert rules[v6]["CidrIpv6"] == "2600:1f19::/32"
    assert rules[listed]["PrefixListId"] == dynamo


# ---------------------------------------------------------------- conditional writes (state locking)


def test_s3_conditional_puts_and_deletes(emu: Emulator) -> None:
    # What the s3 backend relies on: If-None-Match: * creates only, If-Match replaces or
    # deletes only the version it names; a lost condition is 412 PreconditionFailed.
    s3 = emu.client("s3")
    s3.create_bucket(Bucket="cond-basics")
    first = s3.put_object(Bucket="cond-basics", Key="k.tflock", Body=b"a", IfNoneMatch="*")["ETag"]
    assert error_of(lambda: s3.put_object(Bucket="cond-basics", Key="k.tflock", Body=b"b", IfNoneMatch="*"))[:2] == (
        412, "PreconditionFailed")
    assert error_of(lambda: s3.put_object(Bucket="cond-basics", Key="k.tflock", Body=b"c", IfMatch='"nope"'))[:2] == (
        412, "PreconditionFailed")
    second = s3.put_object(Bucket="cond-basics", Key="k.tflock", Body=b"d", IfMatch=first)["ETag"]
    assert error_of(lambda: s3.delete_object(Bucket="cond-basics", Key="k.tflock", IfMatch=first))[:2] == (
        412, "PreconditionFailed")
    s3.delete_object(Bucket="cond-basics", Key="k.tflock", IfMatch=second)
    assert s3.list_objects_v2(Bucket="cond-basics").get("KeyCount") == 0


def _race(attempt: Callable[[int], bool], contenders: int = 12) -> int:
    """Runs `attempt` from many threads released at once; returns how many succeeded."""
    import threading

    start = threading.Barrier(contenders)
    wins: list[int] = []

    def run(i: int) -> None:
        start.wait()
        if attempt(i):
            wins.append(i)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(contenders)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    return len(wins)


def test_concurrent_conditional_writes_let_exactly_one_through(emu: Emulator) -> None:
    # Two runs taking the state lock at the same moment: exactly one may win. moto checks
    # the condition and then writes on a threaded server, and under load let two through;
    # atomic_writes.py makes check and write one step, as S3 and DynamoDB document.
    s3 = emu.client("s3", retries=1)
    s3.create_bucket(Bucket="cond-race")
    db = emu.client("dynamodb", retries=1)
    db.create_table(
        TableName="cond-race",
        KeySchema=[{"AttributeName": "LockID", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "LockID", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
    )

    def put_object(key: str) -> Callable[[int], bool]:
        def attempt(i: int) -> bool:
            try:
                s3.put_object(Bucket="cond-race", Key=key, Body=str(i).encode(), IfNoneMatch="*")
                return True
            except ClientError as err:
                assert err.response["ResponseMetadata"]["HTTPStatusCode"] in (409, 412)
                return False
        return attempt

    def put_item(key: str) -> Callable[[int], bool]:
        def attempt(i: int) -> bool:
            try:
                db.put_item(TableName="cond-race", Item={"LockID": {"S": key}, "Info": {"S": str(i)}},
                            ConditionExpression="attribute_not_exists(LockID)")
                return True
            except ClientError as err:
                assert err.response["Error"]["Code"] == "ConditionalCheckFailedException"
                return False
        return attempt

    for round_ in range(5):
        assert _race(put_object(f"state-{round_}.tflock")) == 1
        assert _race(put_item(f"bucket/state-{round_}")) == 1


def test_nat_gateways_filter_by_tag_keep_their_address_and_free_it_on_delete(ec2: Any, net: Network) -> None:
    # API_DescribeNatGateways: tag:<key> filters; API_CreateNatGateway: PrivateIpAddress.
    eip = ec2.allocate_address(Domain="vpc")["AllocationId"]
    marked = ec2.create_nat_gateway(
        SubnetId=net.subnets[0], AllocationId=eip, PrivateIpAddress="10.0.1.50",
        TagSpecifications=[{"ResourceType": "natgateway", "Tags": [{"Key": "mark", "Value": "a"}]}],
    )["NatGateway"]["NatGatewayId"]
    other = ec2.create_nat_gateway(SubnetId=net.subnets[0], ConnectivityType="private")["NatGateway"]["NatGatewayId"]
    found = ec2.describe_nat_gateways(Filters=[{"Name": "tag:mark", "Values": ["a"]}])["NatGateways"]
    assert [g["NatGatewayId"] for g in found] == [marked]
    assert found[0]["NatGatewayAddresses"][0]["PrivateIp"] == "10.0.1.50"
    # Deleting disassociates the Elastic IP without releasing it.
    ec2.delete_nat_gateway(NatGatewayId=marked)
    address = ec2.describe_addresses(AllocationIds=[eip])["Addresses"][0]
    assert "AssociationId" not in address
    ec2.delete_nat_gateway(NatGatewayId=other)


def test_deleting_an_unknown_nat_gateway_is_nat_gateway_not_found(ec2: Any) -> None:
    # errors-overview: NatGatewayNotFound, "The specified NAT gateway does not exist".
    status, code, _ = error_of(lambda: ec2.delete_nat_gateway(NatGatewayId="nat-0123456789abcdef0"))
    assert (status, code) == (400, "NatGatewayNotFound")


# ---------------------------------------------------------------- VPC endpoints

# The full-access policy AWS attaches when none is sent and restores on ResetPolicy.
FULL_ACCESS = '{"Version":"2008-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"*","Resource":"*"}]}'
S3 = "com.amazonaws.us-east-1.s3"


def endpoint(ec2: Any, endpoint_id: str) -> dict[str, Any]:
    return ec2.describe_vpc_endpoints(VpcEndpointIds=[endpoint_id])["VpcEndpoints"][0]


def endpoint_routes(ec2: Any, route_table_id: str) -> list[tuple[str, str]]:
    routes = ec2.describe_route_tables(RouteTableIds=[route_table_id])["RouteTables"][0]["Routes"]
    return [(r["DestinationPrefixListId"], r["GatewayId"]) for r in routes if "DestinationPrefixListId" in r]


def s3_prefix_list(ec2: Any) -> str:
    lists = ec2.describe_managed_prefix_lists(Filters=[{"Name": "prefix-list-name", "Values": [S3]}])["PrefixLists"]
    return lists[0]["PrefixListId"]


def endpoint_interfaces(ec2: Any, ids: list[str]) -> dict[str, dict[str, Any]]:
    found = ec2.describe_network_interfaces(NetworkInterfaceIds=ids)["NetworkInterfaces"] if ids else []
    return {n["SubnetId"]: n for n in found}


def test_gateway_endpoint_defaults_and_the_route_to_the_service(ec2: Any, net: Network) -> None:
    # API_CreateVpcEndpoint: VpcEndpointType "Default: Gateway"; PrivateDnsEnabled is an
    # "(Interface endpoint)" setting (false here); no PolicyDocument: "we attach a default
    # policy that allows full access". A route to the service's prefix list goes into each
    # route table (PrivateLink guide, gateway endpoints). Plain moto: no type, DNS true.
    table = ec2.create_route_table(VpcId=net.vpc)["RouteTable"]["RouteTableId"]
    created = ec2.create_vpc_endpoint(VpcId=net.vpc, ServiceName=S3, RouteTableIds=[table])["VpcEndpoint"]
    found = endpoint(ec2, created["VpcEndpointId"])
    for e in (created, found):
        assert (e["VpcEndpointType"], e["State"], e["PrivateDnsEnabled"]) == ("Gateway", "available", False)
        assert e["PolicyDocument"] == FULL_ACCESS
        assert (e["RouteTableIds"], e["SubnetIds"], e["Groups"], e["NetworkInterfaceIds"]) == ([table], [], [], [])
    assert endpoint_routes(ec2, table) == [(s3_prefix_list(ec2), created["VpcEndpointId"])]


def test_interface_endpoint_defaults_groups_and_network_interfaces(ec2: Any, net: Network) -> None:
    # API_CreateVpcEndpoint: an interface endpoint gets a network interface in each subnet,
    # in the endpoint's security groups ("If this parameter is not specified, we use the
    # default security group for the VPC"); private DNS on unless turned off; DnsEntries.
    # Plain moto: no group when none is sent, interfaces in the default group.
    default = ec2.describe_security_groups(Filters=[
        {"Name": "vpc-id", "Values": [net.vpc]}, {"Name": "group-name", "Values": ["default"]}])["SecurityGroups"][0]["GroupId"]
    plain = ec2.create_vpc_endpoint(
        VpcId=net.vpc, VpcEndpointType="Interface", ServiceName="com.amazonaws.us-east-1.sts", SubnetIds=net.subnets[:1],
    )["VpcEndpoint"]
    assert (plain["PrivateDnsEnabled"], [g["GroupId"] for g in plain["Groups"]]) == (True, [default])
    created = ec2.create_vpc_endpoint(
        VpcId=net.vpc, VpcEndpointType="Interface", ServiceName="com.amazonaws.us-east-1.ecr.api",
        SubnetIds=net.subnets[:2], SecurityGroupIds=[net.group], PrivateDnsEnabled=False,
    )["VpcEndpoint"]
    found = endpoint(ec2, created["VpcEndpointId"])
    assert (found["VpcEndpointType"], found["State"], found["PrivateDnsEnabled"]) == ("Interface", "available", False)
    assert found["PolicyDocument"] == FULL_ACCESS
    assert (found["SubnetIds"], [g["GroupId"] for g in found["Groups"]], found["RouteTableIds"]) == (net.subnets[:2], [net.group], [])
    assert found["DnsEntries"] and all(d["DnsName"] and d["HostedZoneId"] for d in found["DnsEntries"])
    assert (found["IpAddressType"], found["DnsOptions"]["DnsRecordIpType"]) == ("ipv4", "ipv4")
    interfaces = endpoint_interfaces(ec2, found["NetworkInterfaceIds"])
    assert sorted(interfaces) == sorted(net.subnets[:2]) and len(found["NetworkInterfaceIds"]) == 2
    for eni in interfaces.values():
        assert [g["GroupId"] for g in eni["Groups"]] == [net.group]
        assert (eni["InterfaceType"], eni["RequesterManaged"]) == ("vpc_endpoint", True)
        assert eni["Description"] == f"VPC Endpoint Interface {created['VpcEndpointId']}"
    assert interfaces[net.subnets[0]]["PrivateIpAddress"].startswith("10.0.0.")


def test_create_vpc_endpoint_honours_its_client_token_and_checks_groups(ec2: Any, net: Network) -> None:
    # API_CreateVpcEndpoint: ClientToken "to ensure the idempotency of the request" (plain
    # moto makes a second endpoint); an unknown security group is refused, not invented.
    token = uuid.uuid4().hex
    request = {"VpcId": net.vpc, "ServiceName": S3, "ClientToken": token}
    first = ec2.create_vpc_endpoint(**request)
    again = ec2.create_vpc_endpoint(**request)
    assert first["ClientToken"] == token
    assert again["VpcEndpoint"]["VpcEndpointId"] == first["VpcEndpoint"]["VpcEndpointId"]
    assert len(ec2.describe_vpc_endpoints(Filters=[{"Name": "vpc-id", "Values": [net.vpc]}])["VpcEndpoints"]) == 1
    assert error_of(lambda: ec2.create_vpc_endpoint(
        VpcId=net.vpc, VpcEndpointType="Interface", ServiceName="com.amazonaws.us-east-1.sts",
        SubnetIds=net.subnets[:1], SecurityGroupIds=["sg-0123456789abcdef0"]))[:2] == (400, "InvalidGroup.NotFound")


def test_modify_gateway_endpoint_moves_its_routes_and_resets_its_policy(ec2: Any, net: Network) -> None:
    # API_ModifyVpcEndpoint: AddRouteTableId.N / RemoveRouteTableId.N (the endpoint's route
    # follows: "When you create or modify an endpoint ... a route is automatically added"),
    # PolicyDocument, and ResetPolicy "to the default policy. The default policy allows full
    # access". Plain moto moves no route and ignores ResetPolicy.
    first, second = (ec2.create_route_table(VpcId=net.vpc)["RouteTable"]["RouteTableId"] for _ in range(2))
    endpoint_id = ec2.create_vpc_endpoint(VpcId=net.vpc, ServiceName=S3, RouteTableIds=[first])["VpcEndpoint"]["VpcEndpointId"]
    assert ec2.modify_vpc_endpoint(VpcEndpointId=endpoint_id, AddRouteTableIds=[second], RemoveRouteTableIds=[first])["Return"] is True
    assert endpoint(ec2, endpoint_id)["RouteTableIds"] == [second]
    assert endpoint_routes(ec2, first) == []
    assert endpoint_routes(ec2, second) == [(s3_prefix_list(ec2), endpoint_id)]
    assert error_of(lambda: ec2.modify_vpc_endpoint(VpcEndpointId=endpoint_id, AddRouteTableIds=["rtb-0123456789abcdef0"]))[1] == (
        "InvalidRouteTableID.NotFound")
    policy = json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "*"}]})
    ec2.modify_vpc_endpoint(VpcEndpointId=endpoint_id, PolicyDocument=policy)
    assert endpoint(ec2, endpoint_id)["PolicyDocument"] == policy
    ec2.modify_vpc_endpoint(VpcEndpointId=endpoint_id, ResetPolicy=True)
    assert endpoint(ec2, endpoint_id)["PolicyDocument"] == FULL_ACCESS


def test_modify_interface_endpoint_subnets_groups_and_dns(ec2: Any, net: Network) -> None:
    # API_ModifyVpcEndpoint: AddSubnetId.N / RemoveSubnetId.N ("the subnets in which to serve
    # the endpoint": one network interface each), Add/RemoveSecurityGroupId.N ("associate
    # with the endpoint network interfaces"), PrivateDnsEnabled, IpAddressType, DnsOptions.
    # Plain moto makes and deletes no interface and ignores the last three.
    other = ec2.create_security_group(GroupName=f"g-{uuid.uuid4().hex[:8]}", Description="other", VpcId=net.vpc)["GroupId"]
    endpoint_id = ec2.create_vpc_endpoint(
        VpcId=net.vpc, VpcEndpointType="Interface", ServiceName="com.amazonaws.us-east-1.ecr.dkr",
        SubnetIds=net.subnets[:1], SecurityGroupIds=[net.group],
    )["VpcEndpoint"]["VpcEndpointId"]
    [first_eni] = endpoint(ec2, endpoint_id)["NetworkInterfaceIds"]
    ec2.modify_vpc_endpoint(
        VpcEndpointId=endpoint_id, AddSubnetIds=net.subnets[1:3], RemoveSubnetIds=net.subnets[:1],
        AddSecurityGroupIds=[other], RemoveSecurityGroupIds=[net.group],
        PrivateDnsEnabled=False, IpAddressType="dualstack", DnsOptions={"DnsRecordIpType": "dualstack"},
    )
    found = endpoint(ec2, endpoint_id)
    assert found["SubnetIds"] == net.subnets[1:3]
    assert [g["GroupId"] for g in found["Groups"]] == [other]
    assert (found["PrivateDnsEnabled"], found["IpAddressType"], found["DnsOptions"]["DnsRecordIpType"]) == (False, "dualstack", "dualstack")
    interfaces = endpoint_interfaces(ec2, found["NetworkInterfaceIds"])
    assert sorted(interfaces) == sorted(net.subnets[1:3]) and first_eni not in found["NetworkInterfaceIds"]
    assert all([g["GroupId"] for g in eni["Groups"]] == [other] for eni in interfaces.values())
    assert error_of(lambda: ec2.describe_network_interfaces(NetworkInterfaceIds=[first_eni]))[1] == "InvalidNetworkInterfaceID.NotFound"
    ec2.modify_vpc_endpoint(VpcEndpointId=endpoint_id, PrivateDnsEnabled=True)
    assert endpoint(ec2, endpoint_id)["PrivateDnsEnabled"] is True
    assert error_of(lambda: ec2.modify_vpc_endpoint(VpcEndpointId="vpce-0123456789abcdef0", ResetPolicy=True))[:2] == (
        400, "InvalidVpcEndpointId.NotFound")


def test_delete_vpc_endpoints_frees_routes_and_interfaces_and_reports_unknown_ids(ec2: Any, net: Network) -> None:
    # API_DeleteVpcEndpoints: "we delete the endpoint routes" / "its endpoint network
    # interfaces"; errors-overview: InvalidVpcEndpoint.NotFound, "the response includes a list
    # of the unsuccessful items". Plain moto: empty Unsuccessful, and a gateway endpoint
    # created without a type cannot be deleted (server error).
    table = ec2.create_route_table(VpcId=net.vpc)["RouteTable"]["RouteTableId"]
    gateway = ec2.create_vpc_endpoint(VpcId=net.vpc, ServiceName=S3, RouteTableIds=[table])["VpcEndpoint"]["VpcEndpointId"]
    interface = ec2.create_vpc_endpoint(
        VpcId=net.vpc, VpcEndpointType="Interface", ServiceName="com.amazonaws.us-east-1.sts", SubnetIds=net.subnets[:1],
    )["VpcEndpoint"]
    unknown = "vpce-0123456789abcdef0"
    out = ec2.delete_vpc_endpoints(VpcEndpointIds=[gateway, interface["VpcEndpointId"], unknown])
    assert [(u["ResourceId"], u["Error"]["Code"]) for u in out["Unsuccessful"]] == [(unknown, "InvalidVpcEndpoint.NotFound")]
    assert endpoint(ec2, gateway)["State"] == "deleted"
    assert endpoint_routes(ec2, table) == []
    assert error_of(lambda: ec2.describe_network_interfaces(NetworkInterfaceIds=interface["NetworkInterfaceIds"]))[1] == (
        "InvalidNetworkInterfaceID.NotFound")


def test_describe_vpc_endpoints_by_unknown_id_and_by_filters(ec2: Any, net: Network) -> None:
    # API_DescribeVpcEndpoints: filters tag:<key>, tag-key, vpc-endpoint-id, vpc-endpoint-type,
    # service-name, vpc-id; an unknown ID is InvalidVpcEndpointId.NotFound. Plain moto answers
    # vpc-endpoint-id with a server error.
    mark = uuid.uuid4().hex
    tagged = ec2.create_vpc_endpoint(
        VpcId=net.vpc, ServiceName=S3,
        TagSpecifications=[{"ResourceType": "vpc-endpoint", "Tags": [{"Key": "mark", "Value": mark}]}],
    )["VpcEndpoint"]["VpcEndpointId"]
    other = ec2.create_vpc_endpoint(
        VpcId=net.vpc, VpcEndpointType="Interface", ServiceName="com.amazonaws.us-east-1.sts", SubnetIds=net.subnets[:1],
    )["VpcEndpoint"]["VpcEndpointId"]

    def ids(*filters: tuple[str, str]) -> list[str]:
        wanted = [{"Name": "vpc-id", "Values": [net.vpc]}] + [{"Name": n, "Values": [v]} for n, v in filters]
        return [e["VpcEndpointId"] for e in ec2.describe_vpc_endpoints(Filters=wanted)["VpcEndpoints"]]

    assert ids(("tag:mark", mark)) == [tagged]
    assert ids(("tag-key", "mark")) == [tagged]
    assert ids(("vpc-endpoint-id", other)) == [other]
    assert ids(("vpc-endpoint-type", "Gateway")) == [tagged]
    assert ids(("service-name", "com.amazonaws.us-east-1.sts")) == [other]
    assert sorted(ids()) == sorted([tagged, other])
    assert error_of(lambda: ec2.describe_vpc_endpoints(VpcEndpointIds=[tagged, "vpce-0123456789abcdef0"]))[:2] == (
        400, "InvalidVpcEndpointId.NotFound")


# ---------------------------------------------------------------- EKS managed node groups

NODE_ROLE = "arn:aws:iam::123456789012:role/eks-nodes"


def create_nodegroup(eks: Any, cluster: str, net: Network, **request: Any) -> str:
    name = f"ng-{uuid.uuid4().hex[:8]}"
    eks.create_nodegroup(clusterName=cluster, nodegroupName=name, nodeRole=NODE_ROLE, subnets=net.subnets[:2], **request)
    return name


def nodegroup(eks: Any, cluster: str, name: str) -> dict[str, Any]:
    return eks.describe_nodegroup(clusterName=cluster, nodegroupName=name)["nodegroup"]


def active_nodegroup(eks: Any, cluster: str, net: Network, **request: Any) -> str:
    name = create_nodegroup(eks, cluster, net, **request)
    wait_for(lambda: nodegroup(eks, cluster, name)["status"] == "ACTIVE")
    return name


def nodegroup_update(eks: Any, cluster: str, name: str, update_id: str) -> dict[str, Any]:
    return eks.describe_update(name=cluster, nodegroupName=name, updateId=update_id)["update"]


def nodegroup_update_done(eks: Any, cluster: str, name: str, update_id: str) -> Callable[[], bool]:
    return lambda: nodegroup_update(eks, cluster, name, update_id)["status"] != "InProgress"


def versioned_cluster(eks: Any, net: Network, version: str) -> str:
    name = f"c-{uuid.uuid4().hex[:10]}"
    eks.create_cluster(name=name, version=version, roleArn=ROLE, resourcesVpcConfig={"subnetIds": net.subnets[:2]})
    return name


def test_nodegroup_goes_creating_active_then_deleting_and_gone(eks: Any, net: Network) -> None:
    # API_Nodegroup (status CREATING, ACTIVE, DELETING) and API_DeleteNodegroup.
    cluster = active_cluster(eks, net)
    started = time.monotonic()
    name = create_nodegroup(eks, cluster, net)
    assert nodegroup(eks, cluster, name)["status"] == "CREATING"
    assert eks.list_nodegroups(clusterName=cluster)["nodegroups"] == [name]
    wait_for(lambda: nodegroup(eks, cluster, name)["status"] == "ACTIVE")
    assert time.monotonic() - started >= CREATE_S
    assert eks.delete_nodegroup(clusterName=cluster, nodegroupName=name)["nodegroup"]["status"] == "DELETING"
    assert nodegroup(eks, cluster, name)["status"] == "DELETING"
    assert eks.list_nodegroups(clusterName=cluster)["nodegroups"] == [name]
    wait_for(lambda: eks.list_nodegroups(clusterName=cluster)["nodegroups"] == [])
    status, code, message = error_of(lambda: nodegroup(eks, cluster, name))
    assert (status, code, message) == (404, "ResourceNotFoundException", f"No node group found for name: {name}.")
    assert error_of(lambda: eks.list_nodegroups(clusterName="no-such-cluster"))[:2] == (404, "ResourceNotFoundException")


def test_create_failed_fault_ends_the_nodegroup_create_failed(emu: Emulator, eks: Any, net: Network) -> None:
    # API_Nodegroup: CREATE_FAILED, with the reason in health.issues (API_Issue).
    cluster = active_cluster(eks, net)
    emu.control("POST", "faults", {"operation": "CreateNodegroup", "error": "CreateFailed"})
    name = create_nodegroup(eks, cluster, net)
    assert nodegroup(eks, cluster, name)["status"] == "CREATING"
    wait_for(lambda: nodegroup(eks, cluster, name)["status"] == "CREATE_FAILED")
    issue = nodegroup(eks, cluster, name)["health"]["issues"][0]
    assert (issue["code"], issue["message"]) == ("NodeCreationFailure", "Instances failed to join the kubernetes cluster")
    assert issue["resourceIds"][0].startswith("i-")
    status, code, _ = error_of(lambda: eks.update_nodegroup_config(clusterName=cluster, nodegroupName=name, scalingConfig={"desiredSize": 1}))
    assert (status, code) == (409, "ResourceInUseException")
    eks.delete_nodegroup(clusterName=cluster, nodegroupName=name)
    wait_for(lambda: eks.list_nodegroups(clusterName=cluster)["nodegroups"] == [])
    # The fault was used up: the next node group becomes ACTIVE.
    assert nodegroup(eks, cluster, active_nodegroup(eks, cluster, net))["health"] == {"issues": []}


def test_create_nodegroup_defaults_follow_the_cluster(eks: Any, net: Network) -> None:
    # API_CreateNodegroup: version "By default, the Kubernetes version of the cluster", the
    # latest AMI release of that version, t3.medium, 20 GiB; no remoteAccess unless sent.
    current, older = versioned_cluster(eks, net, "1.33"), versioned_cluster(eks, net, "1.29")
    for cluster in (current, older):
        wait_for(lambda c=cluster: eks.describe_cluster(name=c)["cluster"]["status"] == "ACTIVE")
    found = nodegroup(eks, current, create_nodegroup(eks, current, net))
    assert (found["version"], found["releaseVersion"]) == ("1.33", "1.33.0-20250715")
    assert found["amiType"] == "AL2023_x86_64_STANDARD"  # AL2 has no 1.33 AMIs
    assert "remoteAccess" not in found and "remoteAccessSecurityGroup" not in found["resources"]
    assert found["updateConfig"] == {"maxUnavailable": 1}
    assert "nodeRepairConfig" not in found and "launchTemplate" not in found
    assert (found["capacityType"], found["diskSize"], found["instanceTypes"]) == ("ON_DEMAND", 20, ["t3.medium"])
    assert found["scalingConfig"] == {"minSize": 2, "maxSize": 2, "desiredSize": 2}
    assert found["nodeRole"] == NODE_ROLE and found["subnets"] == net.subnets[:2]
    assert found["health"] == {"issues": []} and found["resources"]["autoScalingGroups"]
    old = nodegroup(eks, older, create_nodegroup(eks, older, net))
    assert (old["version"], old["releaseVersion"], old["amiType"]) == ("1.29", "1.29.0-20250715", "AL2_x86_64")


def test_create_nodegroup_keeps_what_was_sent_and_honours_its_token(eks: Any, net: Network) -> None:
    # API_CreateNodegroup: updateConfig, nodeRepairConfig, remoteAccess, labels, taints as
    # sent; clientRequestToken "to ensure the idempotency of the request".
    cluster = active_cluster(eks, net)
    request: dict[str, Any] = {
        "nodegroupName": "workers", "nodeRole": NODE_ROLE, "subnets": net.subnets[:2],
        "scalingConfig": {"minSize": 1, "maxSize": 5, "desiredSize": 3},
        "updateConfig": {"maxUnavailablePercentage": 25},
        "nodeRepairConfig": {"enabled": True},
        "remoteAccess": {"ec2SshKey": "ops"},
        "labels": {"role": "worker"},
        "taints": [{"key": "dedicated", "value": "ci", "effect": "NO_SCHEDULE"}],
        "clientRequestToken": str(uuid.uuid4()),
    }
    first = eks.create_nodegroup(clusterName=cluster, **request)["nodegroup"]
    again = eks.create_nodegroup(clusterName=cluster, **request)["nodegroup"]
    assert again["nodegroupArn"] == first["nodegroupArn"]
    found = nodegroup(eks, cluster, "workers")
    assert found["updateConfig"] == {"maxUnavailablePercentage": 25}
    assert found["nodeRepairConfig"] == {"enabled": True}
    assert found["remoteAccess"] == {"ec2SshKey": "ops"} and found["resources"]["remoteAccessSecurityGroup"]
    assert (found["labels"], found["taints"]) == (request["labels"], request["taints"])
    assert found["scalingConfig"] == request["scalingConfig"]
    request["clientRequestToken"] = str(uuid.uuid4())
    status, code, message = error_of(lambda: eks.create_nodegroup(clusterName=cluster, **request))
    assert (status, code) == (409, "ResourceInUseException")
    assert message == f"NodeGroup already exists with name workers and cluster name {cluster}"
    assert eks.list_nodegroups(clusterName=cluster)["nodegroups"] == ["workers"]


def test_create_nodegroup_rejects_what_eks_rejects(eks: Any, net: Network) -> None:
    # API_CreateNodegroup: "You can only create a node group for your cluster that is equal
    # to the current Kubernetes version for the cluster"; only when the cluster is ACTIVE.
    creating = create(eks, net)
    status, code, _ = error_of(lambda: create_nodegroup(eks, creating, net))
    assert (status, code) == (400, "InvalidRequestException")
    cluster = active_cluster(eks, net)
    for request, message in (
        ({"version": "1.32"}, "Nodegroup version 1.32 must equal the cluster's Kubernetes version 1.33"),
        ({"amiType": "AL2_x86_64"}, "AMI Type AL2_x86_64 is only supported for kubernetes versions 1.32 or earlier"),
        ({"releaseVersion": "1.32.3-20250715"}, "Requested release version 1.32.3-20250715 is not valid for kubernetes version 1.33."),
        ({"scalingConfig": {"minSize": 3, "maxSize": 4, "desiredSize": 2}}, "Minimum capacity 3 can't be greater than desired size 2"),
        ({"scalingConfig": {"minSize": 1, "maxSize": 1, "desiredSize": 2}}, "desired capacity 2 can't be greater than max size 1"),
    ):
        assert error_of(lambda r=request: create_nodegroup(eks, cluster, net, **r)) == (400, "InvalidParameterException", message)
    assert eks.list_nodegroups(clusterName=cluster)["nodegroups"] == []


def test_nodegroup_config_update_applies_only_when_successful(eks: Any, net: Network) -> None:
    # API_UpdateNodegroupConfig: returns an update to track with DescribeUpdate; API_Update
    # params LabelsToAdd, LabelsToRemove, TaintsToAdd, MinSize, MaxSize, DesiredSize, ...
    cluster = active_cluster(eks, net)
    name = active_nodegroup(eks, cluster, net, labels={"old": "1", "keep": "2"})
    taint = {"key": "gpu", "value": "true", "effect": "NO_EXECUTE"}
    update = eks.update_nodegroup_config(
        clusterName=cluster, nodegroupName=name,
        labels={"addOrUpdateLabels": {"new": "3"}, "removeLabels": ["old"]},
        taints={"addOrUpdateTaints": [taint]},
        scalingConfig={"maxSize": 6, "desiredSize": 4},
        updateConfig={"maxUnavailable": 2},
        nodeRepairConfig={"enabled": True},
    )["update"]
    assert (update["status"], update["type"], update["errors"]) == ("InProgress", "ConfigUpdate", [])
    assert update["params"] == [
        {"type": "LabelsToAdd", "value": '{"new": "3"}'},
        {"type": "LabelsToRemove", "value": '["old"]'},
        {"type": "TaintsToAdd", "value": json.dumps([taint])},
        {"type": "MaxSize", "value": "6"},
        {"type": "DesiredSize", "value": "4"},
        {"type": "MaxUnavailable", "value": "2"},
        {"type": "NodeRepairEnabled", "value": "true"},
    ]
    during = nodegroup(eks, cluster, name)
    assert during["status"] == "UPDATING"
    assert during["labels"] == {"old": "1", "keep": "2"} and during["scalingConfig"]["desiredSize"] == 2  # not yet
    wait_for(nodegroup_update_done(eks, cluster, name, update["id"]))
    assert nodegroup_update(eks, cluster, name, update["id"])["status"] == "Successful"
    after = nodegroup(eks, cluster, name)
    assert after["status"] == "ACTIVE"
    assert after["labels"] == {"keep": "2", "new": "3"}
    assert after["taints"] == [taint]
    assert after["scalingConfig"] == {"minSize": 2, "maxSize": 6, "desiredSize": 4}
    assert after["updateConfig"] == {"maxUnavailable": 2}
    assert after["nodeRepairConfig"] == {"enabled": True}


def test_nodegroup_updates_one_at_a_time_idempotent_and_never_a_no_op(eks: Any, net: Network) -> None:
    # API_UpdateNodegroupConfig errors: ResourceInUseException while another update runs
    # or the node group is not ACTIVE; clientRequestToken idempotency; a no-op is refused.
    cluster = active_cluster(eks, net)
    creating = create_nodegroup(eks, cluster, net)
    status, code, message = error_of(lambda: eks.update_nodegroup_config(clusterName=cluster, nodegroupName=creating, scalingConfig={"desiredSize": 1}))
    assert (status, code, message) == (409, "ResourceInUseException", f"Nodegroup '{creating}' is not in ACTIVE status")
    wait_for(lambda: nodegroup(eks, cluster, creating)["status"] == "ACTIVE")
    name = creating
    assert error_of(lambda: eks.update_nodegroup_config(clusterName=cluster, nodegroupName=name, scalingConfig={"desiredSize": 2})) == (
        400, "InvalidParameterException", f"Nodegroup {name} already has the requested configuration")
    assert error_of(lambda: eks.update_nodegroup_config(clusterName=cluster, nodegroupName=name, scalingConfig={"minSize": 3})) == (
        400, "InvalidParameterException", "Minimum capacity 3 can't be greater than desired size 2")
    token = str(uuid.uuid4())
    first = eks.update_nodegroup_config(clusterName=cluster, nodegroupName=name, scalingConfig={"desiredSize": 1, "minSize": 1}, clientRequestToken=token)["update"]
    again = eks.update_nodegroup_config(clusterName=cluster, nodegroupName=name, scalingConfig={"desiredSize": 1, "minSize": 1}, clientRequestToken=token)["update"]
    assert again["id"] == first["id"]
    status, code, message = error_of(lambda: eks.update_nodegroup_version(clusterName=cluster, nodegroupName=name))
    assert (status, code) == (409, "ResourceInUseException")
    assert message == f"Cannot VersionUpdate because nodegroup {name} currently has update {first['id']} in progress"
    assert eks.list_updates(name=cluster, nodegroupName=name)["updateIds"] == [first["id"]]


def test_nodegroup_version_update_follows_the_cluster(eks: Any, net: Network) -> None:
    # API_UpdateNodegroupVersion: without `version` the node group's own version (latest
    # AMI); never newer than the cluster; "You cannot roll back a node group to an earlier
    # Kubernetes version or AMI version". API_Update params Version, ReleaseVersion.
    cluster = versioned_cluster(eks, net, "1.32")
    wait_for(lambda: eks.describe_cluster(name=cluster)["cluster"]["status"] == "ACTIVE")
    name = active_nodegroup(eks, cluster, net)
    assert error_of(lambda: eks.update_nodegroup_version(clusterName=cluster, nodegroupName=name, version="1.33")) == (
        400, "InvalidParameterException", f"Nodegroup {name} cannot be updated to 1.33, newer than the cluster's version 1.32")
    assert error_of(lambda: eks.update_nodegroup_version(clusterName=cluster, nodegroupName=name, releaseVersion="1.33.0-20250715")) == (
        400, "InvalidParameterException", "Requested release version 1.33.0-20250715 is not valid for kubernetes version 1.32.")
    cluster_update = eks.update_cluster_version(name=cluster, version="1.33")["update"]
    wait_for(update_done(eks, cluster, cluster_update["id"]))
    update = eks.update_nodegroup_version(clusterName=cluster, nodegroupName=name, version="1.33", force=True)["update"]
    assert (update["status"], update["type"]) == ("InProgress", "VersionUpdate")
    assert update["params"] == [{"type": "Version", "value": "1.33"}, {"type": "ReleaseVersion", "value": "1.33.0-20250715"}]
    assert nodegroup(eks, cluster, name)["version"] == "1.32"  # not before it succeeds
    wait_for(nodegroup_update_done(eks, cluster, name, update["id"]))
    found = nodegroup(eks, cluster, name)
    assert (found["status"], found["version"], found["releaseVersion"]) == ("ACTIVE", "1.33", "1.33.0-20250715")
    assert error_of(lambda: eks.update_nodegroup_version(clusterName=cluster, nodegroupName=name, version="1.32")) == (
        400, "InvalidParameterException", f"Nodegroup {name} cannot be rolled back from 1.33 to 1.32")


def test_nodegroup_launch_template_is_kept_and_only_its_version_changes(eks: Any, ec2: Any, net: Network) -> None:
    # API_CreateNodegroup launchTemplate ({id|name, version}); API_UpdateNodegroupVersion:
    # "the launch template ID or name must match"; params LaunchTemplateName, LaunchTemplateVersion.
    template_name = f"lt-{uuid.uuid4().hex[:8]}"
    template = ec2.create_launch_template(LaunchTemplateName=template_name, LaunchTemplateData={"InstanceType": "t3.large"})
    template_id = template["LaunchTemplate"]["LaunchTemplateId"]
    ec2.create_launch_template_version(LaunchTemplateId=template_id, LaunchTemplateData={"InstanceType": "t3.xlarge"})
    cluster = active_cluster(eks, net)
    with_template = create_nodegroup(eks, cluster, net, launchTemplate={"name": template_name, "version": "1"})
    without = create_nodegroup(eks, cluster, net)
    for name in (with_template, without):
        wait_for(lambda n=name: nodegroup(eks, cluster, n)["status"] == "ACTIVE")
    found = nodegroup(eks, cluster, with_template)
    assert found["launchTemplate"] == {"name": template_name, "id": template_id, "version": "1"}
    # "If the node group was deployed with a launch template, then this is null."
    assert "instanceTypes" not in found and "diskSize" not in found and "remoteAccess" not in found
    assert error_of(lambda: eks.update_nodegroup_version(clusterName=cluster, nodegroupName=with_template, launchTemplate={"name": "other", "version": "2"})) == (
        400, "InvalidParameterException", f"Nodegroup {with_template} must keep the launch template it was created with ({template_name})")
    assert error_of(lambda: eks.update_nodegroup_version(clusterName=cluster, nodegroupName=without, launchTemplate={"name": template_name, "version": "2"})) == (
        400, "InvalidParameterException", f"Nodegroup {without} was not created with a launch template")
    update = eks.update_nodegroup_version(clusterName=cluster, nodegroupName=with_template, launchTemplate={"id": template_id, "version": "2"})["update"]
    assert {"type": "LaunchTemplateName", "value": template_name} in update["params"]
    assert {"type": "LaunchTemplateVersion", "value": "2"} in update["params"]
    wait_for(nodegroup_update_done(eks, cluster, with_template, update["id"]))
    assert nodegroup(eks, cluster, with_template)["launchTemplate"]["version"] == "2"


def test_update_failed_fault_ends_the_nodegroup_update_failed(emu: Emulator, eks: Any, net: Network) -> None:
    # API_DescribeUpdate: "If an update fails, the status is Failed, and an error detail
    # explains the reason for the failure" (API_ErrorDetail); nothing is applied.
    cluster = active_cluster(eks, net)
    name = active_nodegroup(eks, cluster, net)
    emu.control("POST", "faults", {"operation": "UpdateNodegroupConfig", "error": "UpdateFailed"})
    update = eks.update_nodegroup_config(clusterName=cluster, nodegroupName=name, scalingConfig={"maxSize": 3})["update"]
    assert update["status"] == "InProgress"
    wait_for(nodegroup_update_done(eks, cluster, name, update["id"]))
    described = nodegroup_update(eks, cluster, name, update["id"])
    assert described["status"] == "Failed" and described["errors"][0]["resourceIds"] == [name]
    found = nodegroup(eks, cluster, name)
    assert (found["status"], found["scalingConfig"]["maxSize"]) == ("ACTIVE", 2)


def test_describe_and_list_updates_with_nodegroup_name(eks: Any, net: Network) -> None:
    # API_DescribeUpdate / API_ListUpdates: nodegroupName "is required if the update is a
    # node group update"; without it, the cluster's own updates.
    cluster = active_cluster(eks, net)
    name = active_nodegroup(eks, cluster, net)
    first = eks.update_nodegroup_config(clusterName=cluster, nodegroupName=name, scalingConfig={"maxSize": 3})["update"]
    wait_for(nodegroup_update_done(eks, cluster, name, first["id"]))
    second = eks.update_nodegroup_version(clusterName=cluster, nodegroupName=name)["update"]
    assert eks.list_updates(name=cluster, nodegroupName=name)["updateIds"] == [first["id"], second["id"]]
    page = eks.list_updates(name=cluster, nodegroupName=name, maxResults=1)
    assert page["updateIds"] == [first["id"]] and page["nextToken"]
    assert eks.list_updates(name=cluster, nodegroupName=name, nextToken=page["nextToken"])["updateIds"] == [second["id"]]
    assert eks.list_updates(name=cluster)["updateIds"] == []
    assert nodegroup_update(eks, cluster, name, second["id"])["type"] == "VersionUpdate"
    assert error_of(lambda: eks.describe_update(name=cluster, updateId=first["id"]))[:2] == (404, "ResourceNotFoundException")
    status, code, message = error_of(lambda: nodegroup_update(eks, cluster, name, "00000000-0000-0000-0000-000000000000"))
    assert (status, code, message) == (404, "ResourceNotFoundException", "No update found for ID: 00000000-0000-0000-0000-000000000000")
    assert error_of(lambda: nodegroup_update(eks, cluster, "no-such-nodegroup", first["id"]))[:2] == (404, "ResourceNotFoundException")


def test_delete_nodegroup_while_updating_and_cluster_with_nodegroups_are_in_use(eks: Any, net: Network) -> None:
    # API_DeleteNodegroup and API_DeleteCluster: ResourceInUseException (409).
    cluster = active_cluster(eks, net)
    name = active_nodegroup(eks, cluster, net)
    update = eks.update_nodegroup_config(clusterName=cluster, nodegroupName=name, scalingConfig={"maxSize": 3})["update"]
    assert error_of(lambda: eks.delete_nodegroup(clusterName=cluster, nodegroupName=name)) == (
        409, "ResourceInUseException", f"Cannot delete because nodegroup {name} currently has an update in progress")
    assert error_of(lambda: eks.delete_cluster(name=cluster)) == (409, "ResourceInUseException", "Cluster has nodegroups attached")
    wait_for(nodegroup_update_done(eks, cluster, name, update["id"]))
    eks.delete_nodegroup(clusterName=cluster, nodegroupName=name)
    # Still attached while DELETING.
    assert error_of(lambda: eks.delete_cluster(name=cluster))[:2] == (409, "ResourceInUseException")
    wait_for(lambda: eks.list_nodegroups(clusterName=cluster)["nodegroups"] == [])
    assert eks.delete_cluster(name=cluster)["cluster"]["status"] == "DELETING"


def test_node_groups_are_tagged_by_their_arn(eks: Any, net: Network) -> None:
    # API_TagResource: "The resources that support tagging are Amazon EKS clusters and managed
    # node groups."
    cluster = active_cluster(eks, net)
    arn = eks.create_nodegroup(
        clusterName=cluster, nodegroupName="tagged", nodeRole=NODE_ROLE, subnets=net.subnets[:2],
        tags={"team": "infra"},
    )["nodegroup"]["nodegroupArn"]
    eks.tag_resource(resourceArn=arn, tags={"team": "platform", "cost": "ci", "owner": "a"})
    eks.untag_resource(resourceArn=arn, tagKeys=["cost", "owner"])
    assert eks.list_tags_for_resource(resourceArn=arn)["tags"] == {"team": "platform"}
    assert eks.describe_nodegroup(clusterName=cluster, nodegroupName="tagged")["nodegroup"]["tags"] == {"team": "platform"}
    status, code, _ = error_of(lambda: eks.tag_resource(resourceArn=arn + "-gone", tags={"a": "b"}))
    assert (status, code) == (404, "ResourceNotFoundException")


# ---------------------------------------------------------------- EKS access entries

# moto's caller for credentials it did not issue, named as real AWS names an IAM user.
CREATOR = "arn:aws:iam::123456789012:user/moto"
POLICY = "arn:aws:eks::aws:cluster-access-policy/"
ADMIN_POLICY, EDIT_POLICY, VIEW_POLICY = (POLICY + p for p in ("AmazonEKSClusterAdminPolicy", "AmazonEKSEditPolicy", "AmazonEKSViewPolicy"))
AUTH_MODE_MSG = "The cluster's authentication mode must be set to one of [API, API_AND_CONFIG_MAP] to perform this operation."
ENTRY_NOT_FOUND_MSG = "The specified principalArn could not be found. You can view your available access entries with 'list-access-entries'."
STANDARD_ONLY_MSG = 'This operation can only be performed on Access Entries with a type of "STANDARD".'


def access_cluster(eks: Any, net: Network, mode: str = "API_AND_CONFIG_MAP", **access: Any) -> str:
    name = f"c-{uuid.uuid4().hex[:10]}"
    eks.create_cluster(name=name, roleArn=ROLE, resourcesVpcConfig={"subnetIds": net.subnets[:2]},
                       accessConfig={"authenticationMode": mode, **access})
    return name


def role(name: str) -> str:
    return f"arn:aws:iam::123456789012:role/{name}"


def entry(eks: Any, cluster: str, principal: str) -> dict[str, Any]:
    return eks.describe_access_entry(clusterName=cluster, principalArn=principal)["accessEntry"]


def test_create_cluster_reports_its_access_config(eks: Any, net: Network) -> None:
    # API_CreateAccessConfigRequest: authenticationMode "If you create a cluster by using the EKS
    # API ... the default is CONFIG_MAP"; bootstrapClusterCreatorAdminPermissions "The default
    # value is true"; CONFIG_MAP without it is refused (terraform-aws-modules/terraform-aws-eks#3026).
    name = create(eks, net)
    assert eks.describe_cluster(name=name)["cluster"]["accessConfig"] == {
        "authenticationMode": "CONFIG_MAP", "bootstrapClusterCreatorAdminPermissions": True}
    api = access_cluster(eks, net, "API", bootstrapClusterCreatorAdminPermissions=False)
    assert eks.describe_cluster(name=api)["cluster"]["accessConfig"] == {
        "authenticationMode": "API", "bootstrapClusterCreatorAdminPermissions": False}
    assert error_of(lambda: access_cluster(eks, net, "CONFIG_MAP", bootstrapClusterCreatorAdminPermissions=False)) == (
        400, "InvalidParameterException", "bootstrapClusterCreatorAdminPermissions must be true if cluster authentication mode is set to CONFIG_MAP")
    assert error_of(lambda: access_cluster(eks, net, "LDAP"))[:2] == (400, "InvalidParameterException")


def test_access_entries_need_an_api_authentication_mode(eks: Any, net: Network) -> None:
    # API_CreateAccessEntry errors: InvalidRequestException; the message is
    # aws-ia/terraform-aws-eks-blueprints#1877's (also on DescribeAccessEntry: upbound/configuration-aws-eks#122).
    name = create(eks, net)
    for call in (
        lambda: eks.create_access_entry(clusterName=name, principalArn=role("admin")),
        lambda: eks.describe_access_entry(clusterName=name, principalArn=role("admin")),
        lambda: eks.list_access_entries(clusterName=name),
    ):
        assert error_of(call) == (400, "InvalidRequestException", AUTH_MODE_MSG)
    assert error_of(lambda: eks.list_access_entries(clusterName="no-such-cluster"))[:2] == (404, "ResourceNotFoundException")


def test_cluster_creator_gets_a_cluster_admin_access_entry(eks: Any, net: Network) -> None:
    # API_CreateAccessConfigRequest bootstrapClusterCreatorAdminPermissions: "the cluster creator
    # IAM principal was set as a cluster admin access entry during cluster creation time".
    name = access_cluster(eks, net)
    assert eks.list_access_entries(clusterName=name)["accessEntries"] == [CREATOR]
    found = entry(eks, name, CREATOR)
    assert (found["type"], found["username"], found["kubernetesGroups"]) == ("STANDARD", CREATOR, [])
    policies = eks.list_associated_access_policies(clusterName=name, principalArn=CREATOR)["associatedAccessPolicies"]
    assert [(p["policyArn"], p["accessScope"]) for p in policies] == [(ADMIN_POLICY, {"type": "cluster", "namespaces": []})]
    assert eks.list_access_entries(clusterName=name, associatedPolicyArn=ADMIN_POLICY)["accessEntries"] == [CREATOR]
    without = access_cluster(eks, net, "API", bootstrapClusterCreatorAdminPermissions=False)
    assert eks.list_access_entries(clusterName=without)["accessEntries"] == []


def test_create_access_entry_fills_the_documented_defaults(eks: Any, net: Network) -> None:
    # API_CreateAccessEntry / API_AccessEntry; usernames "If you don't specify a value for username,
    # Amazon EKS automatically generates" (set-custom-username: a role's assumed-role ARN without
    # its path, a user's ARN); EC2_LINUX as in the CLI's create-access-entry example output.
    name = access_cluster(eks, net)
    principal = role("development/apps/my-role")
    created = eks.create_access_entry(clusterName=name, principalArn=principal, tags={"team": "infra"})["accessEntry"]
    assert created == entry(eks, name, principal)
    assert re.fullmatch(rf"arn:aws:eks:us-east-1:123456789012:access-entry/{name}/role/123456789012/my-role/[0-9a-f-]{{36}}", created["accessEntryArn"])
    assert created["username"] == "arn:aws:sts::123456789012:assumed-role/my-role/{{SessionName}}"
    assert (created["type"], created["kubernetesGroups"], created["tags"], created["clusterName"]) == ("STANDARD", [], {"team": "infra"}, name)
    assert created["createdAt"] == created["modifiedAt"]
    user = "arn:aws:iam::123456789012:user/alice"
    assert eks.create_access_entry(clusterName=name, principalArn=user)["accessEntry"]["username"] == user
    node = eks.create_access_entry(clusterName=name, principalArn=role("nodes"), type="EC2_LINUX")["accessEntry"]
    assert (node["username"], node["kubernetesGroups"]) == ("system:node:{{EC2PrivateDNSName}}", ["system:nodes"])
    hybrid = eks.create_access_entry(clusterName=name, principalArn=role("hybrid"), type="HYBRID_LINUX")["accessEntry"]
    assert hybrid["username"] == "system:node:{{SessionName}}"
    custom = eks.create_access_entry(clusterName=name, principalArn=role("ci"), username="ci-{{SessionName}}", kubernetesGroups=["ci"])["accessEntry"]
    assert (custom["username"], custom["kubernetesGroups"]) == ("ci-{{SessionName}}", ["ci"])
    # clientRequestToken: "ensure the idempotency of the request".
    token = str(uuid.uuid4())
    first = eks.create_access_entry(clusterName=name, principalArn=role("once"), clientRequestToken=token)["accessEntry"]
    again = eks.create_access_entry(clusterName=name, principalArn=role("once"), clientRequestToken=token)["accessEntry"]
    assert again["accessEntryArn"] == first["accessEntryArn"]


def test_create_access_entry_rejects_what_eks_rejects(eks: Any, net: Network) -> None:
    # API_CreateAccessEntry: "You can't specify the same ARN in more than one access entry"
    # (409, terraform-aws-modules/terraform-aws-eks#3293); no STS session principals
    # (aws-samples/appmod-blueprints#319); EC2_LINUX "can't specify values for kubernetesGroups";
    # nodes need IAM roles; system: groups (terraform-aws-modules/terraform-aws-eks#2915) and
    # reserved usernames (set-custom-username) are refused; no service-linked roles
    # (hashicorp/terraform-provider-aws#36447).
    name = access_cluster(eks, net)
    eks.create_access_entry(clusterName=name, principalArn=role("taken"))
    assert error_of(lambda: eks.create_access_entry(clusterName=name, principalArn=role("taken"))) == (
        409, "ResourceInUseException", "The specified access entry resource is already in use on this cluster.")
    for request, message in (
        ({"principalArn": "arn:aws:sts::123456789012:assumed-role/admin/session"}, "The principalArn parameter format is not valid"),
        ({"principalArn": role("a"), "kubernetesGroups": ["system:masters"]}, "The kubernetes group name system:masters is invalid, it cannot start with system:"),
        ({"principalArn": role("a"), "username": "system:admin"}, "The username must not begin with system:"),
        ({"principalArn": role("a"), "username": "eks:admin"}, "The username must not begin with eks:"),
        ({"principalArn": role("aws-service-role/emr-containers.amazonaws.com/AWSServiceRoleForAmazonEMRContainers")},
         "The caller is not allowed to modify access entries with a principalArn value of a Service Linked Role"),
        ({"principalArn": role("a"), "type": "EC2_LINUX", "kubernetesGroups": ["nodes"]}, "kubernetesGroups cannot be specified for access entries of type EC2_LINUX"),
        ({"principalArn": "arn:aws:iam::123456789012:user/bob", "type": "EC2_LINUX"}, "Access entries of type EC2_LINUX must have an IAM role as principalArn"),
    ):
        assert error_of(lambda r=request: eks.create_access_entry(clusterName=name, **r)) == (400, "InvalidParameterException", message)
    assert error_of(lambda: eks.create_access_entry(clusterName=name, principalArn=role("a"), type="LINUX"))[:2] == (400, "InvalidParameterException")
    assert eks.list_access_entries(clusterName=name)["accessEntries"] == sorted([CREATOR, role("taken")])


def test_update_describe_and_list_access_entries(eks: Any, net: Network) -> None:
    # API_UpdateAccessEntry (kubernetesGroups, username), API_DescribeAccessEntry (ResourceNotFound:
    # terraform-aws-modules/terraform-aws-eks#3024's message), API_ListAccessEntries (maxResults,
    # nextToken); non-STANDARD entries are not updated (aws-controllers-k8s/community#2144).
    name = access_cluster(eks, net)
    for n in ("a", "b"):
        eks.create_access_entry(clusterName=name, principalArn=role(n), kubernetesGroups=["old"])
    eks.create_access_entry(clusterName=name, principalArn=role("nodes"), type="EC2_LINUX")
    before = entry(eks, name, role("a"))
    time.sleep(0.01)
    updated = eks.update_access_entry(clusterName=name, principalArn=role("a"), kubernetesGroups=["devs"], username="dev-{{SessionName}}")["accessEntry"]
    assert (updated["kubernetesGroups"], updated["username"]) == (["devs"], "dev-{{SessionName}}")
    assert updated["createdAt"] == before["createdAt"] and updated["modifiedAt"] > before["modifiedAt"]
    assert entry(eks, name, role("a")) == updated
    kept = eks.update_access_entry(clusterName=name, principalArn=role("b"), username="b-user")["accessEntry"]
    assert kept["kubernetesGroups"] == ["old"]  # not sent, so kept
    assert error_of(lambda: eks.update_access_entry(clusterName=name, principalArn=role("nodes"), kubernetesGroups=[])) == (
        400, "InvalidParameterException", STANDARD_ONLY_MSG)
    assert error_of(lambda: eks.update_access_entry(clusterName=name, principalArn=role("a"), kubernetesGroups=["system:nodes"]))[:2] == (
        400, "InvalidParameterException")
    page = eks.list_access_entries(clusterName=name, maxResults=2)
    rest = eks.list_access_entries(clusterName=name, maxResults=2, nextToken=page["nextToken"])
    assert page["accessEntries"] + rest["accessEntries"] == sorted([CREATOR, role("a"), role("b"), role("nodes")])
    assert "nextToken" not in rest
    assert error_of(lambda: entry(eks, name, role("nobody"))) == (404, "ResourceNotFoundException", ENTRY_NOT_FOUND_MSG)


def test_access_policies_are_associated_with_a_scope_and_replaced(eks: Any, net: Network) -> None:
    # API_AssociateAccessPolicy (policyArn from ListAccessPolicies; API_AccessScope namespaces "A
    # value is required if you specified namespace for Type"), API_ListAssociatedAccessPolicies,
    # API_DisassociateAccessPolicy; EC2_LINUX entries take no access policy (API_CreateAccessEntry type).
    name = access_cluster(eks, net)
    principal = role("dev")
    eks.create_access_entry(clusterName=name, principalArn=principal)
    first = eks.associate_access_policy(clusterName=name, principalArn=principal, policyArn=EDIT_POLICY,
                                        accessScope={"type": "namespace", "namespaces": ["default"]})
    assert (first["clusterName"], first["principalArn"]) == (name, principal)
    assert first["associatedAccessPolicy"]["accessScope"] == {"type": "namespace", "namespaces": ["default"]}
    time.sleep(0.01)
    again = eks.associate_access_policy(clusterName=name, principalArn=principal, policyArn=EDIT_POLICY,
                                        accessScope={"type": "namespace", "namespaces": ["dev", "prod"]})["associatedAccessPolicy"]
    assert again["accessScope"] == {"type": "namespace", "namespaces": ["dev", "prod"]}
    assert again["associatedAt"] == first["associatedAccessPolicy"]["associatedAt"]
    assert again["modifiedAt"] > first["associatedAccessPolicy"]["modifiedAt"]
    eks.associate_access_policy(clusterName=name, principalArn=principal, policyArn=VIEW_POLICY, accessScope={"type": "cluster"})
    listed = eks.list_associated_access_policies(clusterName=name, principalArn=principal)
    assert (listed["clusterName"], listed["principalArn"]) == (name, principal)
    assert [(p["policyArn"], p["accessScope"]) for p in listed["associatedAccessPolicies"]] == [
        (EDIT_POLICY, {"type": "namespace", "namespaces": ["dev", "prod"]}), (VIEW_POLICY, {"type": "cluster", "namespaces": []})]
    assert eks.list_access_entries(clusterName=name, associatedPolicyArn=VIEW_POLICY)["accessEntries"] == [principal]
    eks.create_access_entry(clusterName=name, principalArn=role("nodes"), type="EC2_LINUX")
    for call, expected in (
        (lambda: eks.associate_access_policy(clusterName=name, principalArn=principal, policyArn=POLICY + "AmazonEKSRootPolicy", accessScope={"type": "cluster"}),
         (400, "InvalidParameterException")),
        (lambda: eks.associate_access_policy(clusterName=name, principalArn=principal, policyArn=VIEW_POLICY, accessScope={"type": "namespace"}),
         (400, "InvalidParameterException")),
        (lambda: eks.associate_access_policy(clusterName=name, principalArn=role("nobody"), policyArn=VIEW_POLICY, accessScope={"type": "cluster"}),
         (404, "ResourceNotFoundException", ENTRY_NOT_FOUND_MSG)),
        (lambda: eks.associate_access_policy(clusterName=name, principalArn=role("nodes"), policyArn=VIEW_POLICY, accessScope={"type": "cluster"}),
         (400, "InvalidParameterException", STANDARD_ONLY_MSG)),
    ):
        assert error_of(call)[:len(expected)] == expected
    eks.disassociate_access_policy(clusterName=name, principalArn=principal, policyArn=EDIT_POLICY)
    remaining = eks.list_associated_access_policies(clusterName=name, principalArn=principal)["associatedAccessPolicies"]
    assert [p["policyArn"] for p in remaining] == [VIEW_POLICY]
    assert error_of(lambda: eks.disassociate_access_policy(clusterName=name, principalArn=principal, policyArn=EDIT_POLICY))[:2] == (
        404, "ResourceNotFoundException")


def test_list_access_policies_returns_the_aws_managed_policies(eks: Any) -> None:
    # API_ListAccessPolicies: {name, arn} of the AWS managed access policies (the CLI's
    # list-access-policies example output), paged with maxResults/nextToken.
    first = eks.list_access_policies(maxResults=5)
    assert len(first["accessPolicies"]) == 5 and first["nextToken"]
    policies = eks.list_access_policies()["accessPolicies"]
    assert "nextToken" not in eks.list_access_policies()
    names = {p["name"] for p in policies}
    assert {"AmazonEKSClusterAdminPolicy", "AmazonEKSAdminPolicy", "AmazonEKSEditPolicy", "AmazonEKSViewPolicy"} <= names
    assert len(policies) == 19
    assert all(p["arn"] == POLICY + p["name"] for p in policies)


def test_delete_access_entry_removes_it_and_its_policies(eks: Any, net: Network) -> None:
    # API_DeleteAccessEntry; an entry created again for the principal starts with no policy.
    name = access_cluster(eks, net)
    principal = role("temp")
    eks.create_access_entry(clusterName=name, principalArn=principal)
    eks.associate_access_policy(clusterName=name, principalArn=principal, policyArn=VIEW_POLICY, accessScope={"type": "cluster"})
    eks.delete_access_entry(clusterName=name, principalArn=principal)
    assert error_of(lambda: entry(eks, name, principal)) == (404, "ResourceNotFoundException", ENTRY_NOT_FOUND_MSG)
    assert eks.list_access_entries(clusterName=name, associatedPolicyArn=VIEW_POLICY)["accessEntries"] == []
    eks.create_access_entry(clusterName=name, principalArn=principal)
    assert eks.list_associated_access_policies(clusterName=name, principalArn=principal)["associatedAccessPolicies"] == []
    assert error_of(lambda: eks.delete_access_entry(clusterName=name, principalArn=role("nobody")))[:2] == (404, "ResourceNotFoundException")


def test_authentication_mode_only_moves_forward(eks: Any, net: Network) -> None:
    # API_UpdateClusterConfig accessConfig: an update (type AccessConfigUpdate, param
    # AuthenticationMode); "you can't change the authentication mode back to a mode that removes
    # the EKS API" (setting-up-access-entries), nor skip API_AND_CONFIG_MAP (pulumi/pulumi-eks#1493),
    # nor stay (aws/aws-cdk#31032).
    name = active_cluster(eks, net)
    assert error_of(lambda: eks.update_cluster_config(name=name, accessConfig={"authenticationMode": "API"})) == (
        400, "InvalidParameterException", "Unsupported authentication mode update from CONFIG_MAP to API")
    assert error_of(lambda: eks.update_cluster_config(
        name=name, accessConfig={"authenticationMode": "API_AND_CONFIG_MAP"}, logging={"clusterLogging": [{"types": ["api"], "enabled": True}]})) == (
        400, "InvalidParameterException", "Only one type of update can be allowed.")
    update = eks.update_cluster_config(name=name, accessConfig={"authenticationMode": "API_AND_CONFIG_MAP"})["update"]
    assert (update["status"], update["type"]) == ("InProgress", "AccessConfigUpdate")
    assert update["params"] == [{"type": "AuthenticationMode", "value": "API_AND_CONFIG_MAP"}]
    cluster = eks.describe_cluster(name=name)["cluster"]
    assert (cluster["status"], cluster["accessConfig"]["authenticationMode"]) == ("UPDATING", "CONFIG_MAP")  # not yet
    wait_for(update_done(eks, name, update["id"]))
    assert eks.describe_update(name=name, updateId=update["id"])["update"]["status"] == "Successful"
    cluster = eks.describe_cluster(name=name)["cluster"]
    assert (cluster["status"], cluster["accessConfig"]["authenticationMode"]) == ("ACTIVE", "API_AND_CONFIG_MAP")
    eks.create_access_entry(clusterName=name, principalArn=role("now-allowed"))
    for mode in ("CONFIG_MAP", "API_AND_CONFIG_MAP"):
        assert error_of(lambda m=mode: eks.update_cluster_config(name=name, accessConfig={"authenticationMode": m})) == (
            400, "InvalidParameterException", f"Unsupported authentication mode update from API_AND_CONFIG_MAP to {mode}")


def test_deleting_a_cluster_deletes_its_access_entries(eks: Any, net: Network) -> None:
    # API_DeleteCluster: the access entries are the cluster's; a cluster created again under the
    # same name has only its creator's.
    name = access_cluster(eks, net)
    eks.create_access_entry(clusterName=name, principalArn=role("gone"))
    wait_for(lambda: eks.describe_cluster(name=name)["cluster"]["status"] == "ACTIVE")
    eks.delete_cluster(name=name)
    wait_for(lambda: name not in eks.list_clusters()["clusters"])
    eks.create_cluster(name=name, roleArn=ROLE, resourcesVpcConfig={"subnetIds": net.subnets[:2]}, accessConfig={"authenticationMode": "API"})
    assert eks.list_access_entries(clusterName=name)["accessEntries"] == [CREATOR]


# ---------------------------------------------------------------- EKS add-ons


def addon(eks: Any, cluster: str, name: str) -> dict[str, Any]:
    return eks.describe_addon(clusterName=cluster, addonName=name)["addon"]


def active_addon(eks: Any, cluster: str, name: str, **request: Any) -> dict[str, Any]:
    eks.create_addon(clusterName=cluster, addonName=name, **request)
    wait_for(lambda: addon(eks, cluster, name)["status"] == "ACTIVE")
    return addon(eks, cluster, name)


def addon_update(eks: Any, cluster: str, name: str, update_id: str) -> dict[str, Any]:
    return eks.describe_update(name=cluster, addonName=name, updateId=update_id)["update"]


def addon_update_done(eks: Any, cluster: str, name: str, update_id: str) -> Callable[[], bool]:
    return lambda: addon_update(eks, cluster, name, update_id)["status"] != "InProgress"


def test_addon_goes_creating_then_active_with_the_default_version(eks: Any, net: Network) -> None:
    # API_CreateAddon / API_Addon (the CLI's create-addon example output); without addonVersion
    # the default for the cluster's Kubernetes version (DescribeAddonVersions defaultVersion; the
    # user guide's version tables: managing-coredns, managing-kube-proxy, managing-vpc-cni).
    current, older = active_cluster(eks, net), versioned_cluster(eks, net, "1.29")
    role_arn = role("dns")
    created = eks.create_addon(clusterName=current, addonName="coredns", serviceAccountRoleArn=role_arn,
                               configurationValues='{"replicaCount": 3}', tags={"team": "infra"})["addon"]
    assert (created["status"], created["addonVersion"], created["health"]) == ("CREATING", "v1.12.3-eksbuild.1", {"issues": []})
    assert re.fullmatch(rf"arn:aws:eks:us-east-1:123456789012:addon/{current}/coredns/[0-9a-f-]{{36}}", created["addonArn"])
    assert (created["clusterName"], created["serviceAccountRoleArn"], created["tags"]) == (current, role_arn, {"team": "infra"})
    assert created["configurationValues"] == '{"replicaCount": 3}' and created["createdAt"]
    assert eks.list_addons(clusterName=current)["addons"] == ["coredns"]
    wait_for(lambda: addon(eks, current, "coredns")["status"] == "ACTIVE")
    wait_for(lambda: eks.describe_cluster(name=older)["cluster"]["status"] == "ACTIVE")
    versions = {n: eks.create_addon(clusterName=older, addonName=n)["addon"]["addonVersion"] for n in ("coredns", "kube-proxy", "vpc-cni")}
    assert versions == {"coredns": "v1.11.4-eksbuild.22", "kube-proxy": "v1.29.15-eksbuild.5", "vpc-cni": "v1.20.1-eksbuild.3"}
    # configurationValues as YAML, as the CLI's create-addon example 5 sends it.
    assert eks.create_addon(clusterName=older, addonName="aws-ebs-csi-driver", configurationValues="controller:\n  replicaCount: 1\n")["addon"]["status"] == "CREATING"


def test_create_addon_rejects_what_eks_rejects(eks: Any, net: Network) -> None:
    # API_CreateAddon: addonName "must match one of the names returned by DescribeAddonVersions"
    # (marcincuber/eks#10), addonVersion one of its versions (hashicorp/terraform-provider-aws#32238),
    # configurationValues an object (cookpad/terraform-aws-eks#331), one add-on per name (409:
    # wandb/terraform-aws-wandb#230), only on an ACTIVE cluster.
    creating = create(eks, net)
    assert error_of(lambda: eks.create_addon(clusterName=creating, addonName="coredns")) == (
        400, "InvalidRequestException", f"Cluster '{creating}' is not in ACTIVE status")
    cluster = active_cluster(eks, net)
    for request, message in (
        ({"addonName": "no-such-addon"}, "Addon no-such-addon specified is not supported in 1.33 kubernetes version"),
        ({"addonName": "coredns", "addonVersion": "v0.0.1-eksbuild.1"}, "Addon version specified is not supported"),
        ({"addonName": "kube-proxy", "addonVersion": "v1.32.3-eksbuild.7"}, "Addon version specified is not supported"),
        ({"addonName": "coredns", "configurationValues": "null"},
         "ConfigurationValue provided in request is not supported: Json schema validation failed with error: [$: null found, object expected]"),
    ):
        assert error_of(lambda r=request: eks.create_addon(clusterName=cluster, **r)) == (400, "InvalidParameterException", message)
    status, code, message = error_of(lambda: eks.create_addon(clusterName=cluster, addonName="coredns", configurationValues="{not json"))
    assert (status, code) == (400, "InvalidParameterException")
    assert message.startswith("ConfigurationValue provided in request is not supported")
    eks.create_addon(clusterName=cluster, addonName="coredns")
    assert error_of(lambda: eks.create_addon(clusterName=cluster, addonName="coredns")) == (409, "ResourceInUseException", "Addon already exists.")
    assert eks.list_addons(clusterName=cluster)["addons"] == ["coredns"]
    assert error_of(lambda: eks.list_addons(clusterName="no-such-cluster"))[:2] == (404, "ResourceNotFoundException")


def test_create_failed_fault_ends_the_addon_create_failed(emu: Emulator, eks: Any, net: Network) -> None:
    # API_Addon status CREATE_FAILED with health.issues (API_AddonIssue code InsufficientNumberOfReplicas).
    cluster = active_cluster(eks, net)
    emu.control("POST", "faults", {"operation": "CreateAddon", "error": "CreateFailed"})
    assert eks.create_addon(clusterName=cluster, addonName="coredns")["addon"]["status"] == "CREATING"
    wait_for(lambda: addon(eks, cluster, "coredns")["status"] != "CREATING")
    failed = addon(eks, cluster, "coredns")
    assert failed["status"] == "CREATE_FAILED"
    assert [i["code"] for i in failed["health"]["issues"]] == ["InsufficientNumberOfReplicas"]
    assert active_addon(eks, cluster, "vpc-cni")["health"] == {"issues": []}  # the fault was used up


def test_addon_update_applies_only_when_successful(eks: Any, net: Network) -> None:
    # API_UpdateAddon: returns an update (API_Update type AddonUpdate, params AddonVersion,
    # ServiceAccountRoleArn, ResolveConflicts, ConfigurationValues) to track with DescribeUpdate;
    # one at a time (ResourceInUseException); clientRequestToken idempotency.
    cluster = active_cluster(eks, net)
    before = active_addon(eks, cluster, "coredns", addonVersion="v1.11.4-eksbuild.22")
    token = str(uuid.uuid4())
    request = {"addonVersion": "v1.12.3-eksbuild.1", "serviceAccountRoleArn": role("dns"), "resolveConflicts": "OVERWRITE",
               "configurationValues": '{"replicaCount": 4}', "clientRequestToken": token}
    update = eks.update_addon(clusterName=cluster, addonName="coredns", **request)["update"]
    assert (update["status"], update["type"], update["errors"]) == ("InProgress", "AddonUpdate", [])
    assert update["params"] == [
        {"type": "AddonVersion", "value": "v1.12.3-eksbuild.1"},
        {"type": "ServiceAccountRoleArn", "value": role("dns")},
        {"type": "ResolveConflicts", "value": "OVERWRITE"},
        {"type": "ConfigurationValues", "value": '{"replicaCount": 4}'},
    ]
    assert eks.update_addon(clusterName=cluster, addonName="coredns", **request)["update"]["id"] == update["id"]
    during = addon(eks, cluster, "coredns")
    assert (during["status"], during["addonVersion"]) == ("UPDATING", "v1.11.4-eksbuild.22")  # not yet
    assert error_of(lambda: eks.update_addon(clusterName=cluster, addonName="coredns", resolveConflicts="PRESERVE")) == (
        409, "ResourceInUseException", f"Cannot AddonUpdate because addon coredns currently has update {update['id']} in progress")
    wait_for(addon_update_done(eks, cluster, "coredns", update["id"]))
    assert addon_update(eks, cluster, "coredns", update["id"])["status"] == "Successful"
    after = addon(eks, cluster, "coredns")
    assert (after["status"], after["addonVersion"], after["serviceAccountRoleArn"]) == ("ACTIVE", "v1.12.3-eksbuild.1", role("dns"))
    assert after["configurationValues"] == '{"replicaCount": 4}' and after["modifiedAt"] > before["modifiedAt"]
    assert error_of(lambda: eks.update_addon(clusterName=cluster, addonName="coredns", addonVersion="v1.10.1-eksbuild.38")) == (
        400, "InvalidParameterException", "Addon version specified is not supported")


def test_update_failed_fault_ends_the_addon_update_failed(emu: Emulator, eks: Any, net: Network) -> None:
    # API_DescribeUpdate: "If an update fails, the status is Failed, and an error detail explains
    # the reason"; API_Addon status UPDATE_FAILED; nothing is applied, and it can be updated again.
    cluster = active_cluster(eks, net)
    active_addon(eks, cluster, "vpc-cni", addonVersion="v1.19.2-eksbuild.1")
    emu.control("POST", "faults", {"operation": "UpdateAddon", "error": "UpdateFailed"})
    update = eks.update_addon(clusterName=cluster, addonName="vpc-cni", addonVersion="v1.20.1-eksbuild.3")["update"]
    wait_for(addon_update_done(eks, cluster, "vpc-cni", update["id"]))
    described = addon_update(eks, cluster, "vpc-cni", update["id"])
    assert described["status"] == "Failed" and described["errors"][0]["resourceIds"] == ["vpc-cni"]
    found = addon(eks, cluster, "vpc-cni")
    assert (found["status"], found["addonVersion"]) == ("UPDATE_FAILED", "v1.19.2-eksbuild.1")
    retry = eks.update_addon(clusterName=cluster, addonName="vpc-cni", addonVersion="v1.20.1-eksbuild.3")["update"]
    wait_for(addon_update_done(eks, cluster, "vpc-cni", retry["id"]))
    assert (addon(eks, cluster, "vpc-cni")["status"], addon(eks, cluster, "vpc-cni")["addonVersion"]) == ("ACTIVE", "v1.20.1-eksbuild.3")


def test_describe_and_list_updates_with_addon_name(eks: Any, net: Network) -> None:
    # API_DescribeUpdate / API_ListUpdates: addonName "is required if the update is an add-on
    # update"; without it, the cluster's own updates.
    cluster = active_cluster(eks, net)
    active_addon(eks, cluster, "kube-proxy")
    first = eks.update_addon(clusterName=cluster, addonName="kube-proxy", resolveConflicts="OVERWRITE")["update"]
    wait_for(addon_update_done(eks, cluster, "kube-proxy", first["id"]))
    second = eks.update_addon(clusterName=cluster, addonName="kube-proxy", configurationValues="{}")["update"]
    assert eks.list_updates(name=cluster, addonName="kube-proxy")["updateIds"] == [first["id"], second["id"]]
    page = eks.list_updates(name=cluster, addonName="kube-proxy", maxResults=1)
    assert page["updateIds"] == [first["id"]]
    assert eks.list_updates(name=cluster, addonName="kube-proxy", nextToken=page["nextToken"])["updateIds"] == [second["id"]]
    assert eks.list_updates(name=cluster)["updateIds"] == []
    assert error_of(lambda: eks.describe_update(name=cluster, updateId=first["id"]))[:2] == (404, "ResourceNotFoundException")
    unknown = "00000000-0000-0000-0000-000000000000"
    assert error_of(lambda: addon_update(eks, cluster, "kube-proxy", unknown)) == (404, "ResourceNotFoundException", f"No update found for ID: {unknown}")
    assert error_of(lambda: addon_update(eks, cluster, "coredns", first["id"])) == (
        404, "ResourceNotFoundException", f"No addon: coredns found in cluster: {cluster}")


def test_delete_addon_goes_deleting_then_gone(eks: Any, net: Network) -> None:
    # API_DeleteAddon (preserve "preserves the add-on software on your cluster"): DELETING, then
    # ResourceNotFoundException; the name can then be used again.
    cluster = active_cluster(eks, net)
    active_addon(eks, cluster, "eks-pod-identity-agent")
    deleted = eks.delete_addon(clusterName=cluster, addonName="eks-pod-identity-agent", preserve=True)["addon"]
    assert deleted["status"] == "DELETING" and addon(eks, cluster, "eks-pod-identity-agent")["status"] == "DELETING"
    wait_for(lambda: eks.list_addons(clusterName=cluster)["addons"] == [])
    assert error_of(lambda: addon(eks, cluster, "eks-pod-identity-agent")) == (
        404, "ResourceNotFoundException", f"No addon: eks-pod-identity-agent found in cluster: {cluster}")
    assert eks.create_addon(clusterName=cluster, addonName="eks-pod-identity-agent")["addon"]["status"] == "CREATING"


def test_describe_addon_versions_lists_the_catalogue(eks: Any) -> None:
    # API_DescribeAddonVersions: addonName, kubernetesVersion and types filters; API_Compatibility
    # defaultVersion; maxResults/nextToken.
    everything = eks.describe_addon_versions()["addons"]
    assert {"vpc-cni", "coredns", "kube-proxy", "aws-ebs-csi-driver", "eks-pod-identity-agent"} <= {a["addonName"] for a in everything}
    coredns = eks.describe_addon_versions(addonName="coredns", kubernetesVersion="1.33")["addons"]
    assert [(a["addonName"], a["type"], a["owner"], a["publisher"]) for a in coredns] == [("coredns", "networking", "aws", "eks")]
    assert [(v["addonVersion"], v["compatibilities"]) for v in coredns[0]["addonVersions"]] == [
        ("v1.12.3-eksbuild.1", [{"clusterVersion": "1.33", "platformVersions": ["*"], "defaultVersion": True}]),
        ("v1.11.4-eksbuild.22", [{"clusterVersion": "1.33", "platformVersions": ["*"], "defaultVersion": False}]),
    ]
    proxy = eks.describe_addon_versions(addonName="kube-proxy", kubernetesVersion="1.32")["addons"][0]["addonVersions"]
    assert [v["addonVersion"] for v in proxy] == ["v1.32.3-eksbuild.7"]
    assert eks.describe_addon_versions(addonName="no-such-addon")["addons"] == []
    assert eks.describe_addon_versions(kubernetesVersion="1.19")["addons"] == []
    assert [a["addonName"] for a in eks.describe_addon_versions(types=["storage"])["addons"]] == ["aws-ebs-csi-driver"]
    page = eks.describe_addon_versions(maxResults=2)
    assert len(page["addons"]) == 2 and page["nextToken"]


def test_deleting_a_cluster_deletes_its_addons(eks: Any, net: Network) -> None:
    # API_DeleteCluster: the cluster's add-ons are deleted with it (DELETING meanwhile).
    cluster = active_cluster(eks, net)
    active_addon(eks, cluster, "coredns")
    assert eks.delete_cluster(name=cluster)["cluster"]["status"] == "DELETING"
    assert addon(eks, cluster, "coredns")["status"] == "DELETING"
    wait_for(lambda: cluster not in eks.list_clusters()["clusters"])
    assert error_of(lambda: addon(eks, cluster, "coredns"))[:2] == (404, "ResourceNotFoundException")


def test_access_entries_and_addons_are_tagged_by_their_arn(eks: Any, net: Network) -> None:
    # API_TagResource / API_UntagResource / API_ListTagsForResource on "an Amazon EKS resource":
    # API_AccessEntry and API_Addon have tags.
    cluster = access_cluster(eks, net)
    wait_for(lambda: eks.describe_cluster(name=cluster)["cluster"]["status"] == "ACTIVE")
    entry_arn = eks.create_access_entry(clusterName=cluster, principalArn=role("tagged"), tags={"team": "infra"})["accessEntry"]["accessEntryArn"]
    addon_arn = eks.create_addon(clusterName=cluster, addonName="coredns", tags={"team": "infra"})["addon"]["addonArn"]
    for arn in (entry_arn, addon_arn):
        eks.tag_resource(resourceArn=arn, tags={"team": "platform", "cost": "ci"})
        eks.untag_resource(resourceArn=arn, tagKeys=["cost"])
        assert eks.list_tags_for_resource(resourceArn=arn)["tags"] == {"team": "platform"}
    assert entry(eks, cluster, role("tagged"))["tags"] == {"team": "platform"}
    assert addon(eks, cluster, "coredns")["tags"] == {"team": "platform"}


def test_openid_connect_provider_client_ids_are_added_and_removed_idempotently(emu: Emulator) -> None:
    # API_AddClientIDToOpenIDConnectProvider / API_RemoveClientIDFromOpenIDConnectProvider:
    # both idempotent.
    iam = emu.client("iam")
    url = f"https://oidc.eks.us-east-1.amazonaws.com/id/{uuid.uuid4().hex.upper()}"
    arn = iam.create_open_id_connect_provider(Url=url, ClientIDList=["sts.amazonaws.com"])["OpenIDConnectProviderArn"]
    iam.add_client_id_to_open_id_connect_provider(OpenIDConnectProviderArn=arn, ClientID="sigstore")
    iam.add_client_id_to_open_id_connect_provider(OpenIDConnectProviderArn=arn, ClientID="sigstore")
    assert iam.get_open_id_connect_provider(OpenIDConnectProviderArn=arn)["ClientIDList"] == ["sts.amazonaws.com", "sigstore"]
    iam.remove_client_id_from_open_id_connect_provider(OpenIDConnectProviderArn=arn, ClientID="sts.amazonaws.com")
    iam.remove_client_id_from_open_id_connect_provider(OpenIDConnectProviderArn=arn, ClientID="sts.amazonaws.com")
    assert iam.get_open_id_connect_provider(OpenIDConnectProviderArn=arn)["ClientIDList"] == ["sigstore"]
    iam.delete_open_id_connect_provider(OpenIDConnectProviderArn=arn)
