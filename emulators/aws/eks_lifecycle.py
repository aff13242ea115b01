"""EKS cluster life cycle as AWS documents it, on moto's EKS backend.

Owns: CREATING -> ACTIVE -> UPDATING -> ACTIVE -> DELETING -> gone, computed lazily
from timestamps on every EKS call; CreateCluster's defaults and validation;
DescribeCluster, ListClusters, DeleteCluster; the checks CreateCluster and
UpdateClusterConfig share (subnets, security groups, endpoint combination); the
hook (ADVANCE_STEPS) through which other resources' life cycles advance on the same calls.
Must not: change EC2 behaviour (it reads subnets and security groups, and creates
and deletes the cluster security group EKS itself creates), or run threads.

API reference: https://docs.aws.amazon.com/eks/latest/APIReference/API_CreateCluster.html
"""

from __future__ import annotations

import base64
import ipaddress
import secrets
import threading
import time
import uuid
from dataclasses import dataclass, field
from typing import Any, Callable

from moto.core.utils import utcnow
from moto.ec2.models import ec2_backends
from moto.eks.exceptions import (
    InvalidParameterException,
    ResourceInUseException,
    ResourceNotFoundException,
)
from moto.eks.models import (
    CLUSTER_NOT_FOUND_MSG,
    Cluster,
    EKSBackend,
    validate_safe_to_delete,
)

import control


@dataclass
class Timings:
    """Seconds each asynchronous EKS operation takes in the emulator."""

    create: float = 2.0
    update: float = 2.0
    delete: float = 1.0


TIMINGS = Timings()

# moto's server is threaded; EKS state changes happen under this lock.
LOCK = threading.RLock()

# Further steps advance() runs after the clusters' own, for resources with a life cycle
# of their own (eks_nodegroups.advance); eks_documented.install() registers them.
ADVANCE_STEPS: list[Callable[[EKSBackend], None]] = []

# How a cluster update of a further type (eks_updates.EXTRA_KINDS) is applied once it is
# Successful, by update type (eks_access.apply_access_config); eks_documented.install() registers them.
UPDATE_APPLIERS: dict[str, Callable[[Cluster, "ClusterUpdate"], None]] = {}

DEFAULT_VERSION = "1.33"
DEFAULT_PLATFORM_VERSION = "eks.1"
# VpcConfigRequest defaults: public on, private off, public CIDRs 0.0.0.0/0.
# https://docs.aws.amazon.com/eks/latest/APIReference/API_VpcConfigRequest.html
DEFAULT_PUBLIC_CIDRS = ["0.0.0.0/0"]

# Messages real EKS returns (sources in README.md, "Error messages").
BOTH_ENDPOINTS_OFF_MSG = "Both private and public endpoint access cannot be false"
DELETE_IN_PROGRESS_MSG = "Cannot delete because cluster {name} currently has an update in progress"
INVALID_CIDRS_MSG = "The following CIDRs are invalid in publicAccessCidrs: [{cidrs}]"
TWO_AZS_MSG = "Subnets specified must be in at least two different AZs"
SUBNET_NOT_FOUND_MSG = (
    "The subnet ID '{id}' does not exist (Service: AmazonEC2; Status Code: 400; "
    "Error Code: InvalidSubnetID.NotFound; Request ID: {request}; Proxy: null)"
)
SG_NOT_FOUND_MSG = (
    "The security group '{id}' does not exist (Service: AmazonEC2; Status Code: 400; "
    "Error Code: InvalidGroup.NotFound; Request ID: {request}; Proxy: null)"
)
# No public source gives this one; the wording is the emulator's own.
ONE_VPC_MSG = "Subnets and security groups must all be in VPC {vpc}: {other} is in {other_vpc}"


@dataclass
class ClusterUpdate:
    """An EKS `Update` object; attribute names are what moto's serializer reads.
    https://docs.aws.amazon.com/eks/latest/APIReference/API_Update.html"""

    type: str
    params: list[dict[str, str]]
    client_request_token: str | None
    # The merged configuration to install when the update succeeds.
    target: dict[str, Any]
    fail: bool = False
    id: str = field(default_factory=lambda: str(uuid.uuid4()))
    status: str = "InProgress"
    created_at: Any = field(default_factory=utcnow)
    errors: list[dict[str, Any]] = field(default_factory=list)
    started: float = field(default_factory=time.monotonic)


@dataclass
class Lifecycle:
    """Emulator bookkeeping kept on each moto Cluster as `cluster.lifecycle`."""

    endpoint: str
    certificate_data: str
    created: float = field(default_factory=time.monotonic)
    deleting_since: float | None = None
    updates: list[ClusterUpdate] = field(default_factory=list)
    # Armed by a CreateFailed fault: the cluster ends FAILED instead of ACTIVE, as a
    # cluster whose role or subnets EKS cannot use does.
    fail: bool = False

    def in_progress(self) -> ClusterUpdate | None:
        return next((u for u in self.updates if u.status == "InProgress"), None)


# ---------------------------------------------------------------- time passing


def advance(backend: EKSBackend) -> None:
    """Move every cluster along its life cycle to where the clock says it is."""
    now = time.monotonic()
    for name, cluster in list(backend.clusters.items()):
        life: Lifecycle | None = getattr(cluster, "lifecycle", None)
        if life is None:
            continue
        if cluster.status == "CREATING" and now >= life.created + TIMINGS.create and life.fail:
            # A FAILED cluster reports no endpoint; it can only be deleted.
            cluster.status = "FAILED"
        if cluster.status == "CREATING" and now >= life.created + TIMINGS.create:
            cluster.status = "ACTIVE"
            # Endpoint and CA are only reported once the cluster is ACTIVE.
            cluster.endpoint = life.endpoint
            cluster.certificate_authority = {"data": life.certificate_data}
        for update in life.updates:
            if update.status == "InProgress" and now >= update.started + TIMINGS.update:
                finish_update(cluster, update)
        if cluster.status == "UPDATING" and life.in_progress() is None:
            cluster.status = "ACTIVE"
        if life.deleting_since is not None and now >= life.deleting_since + TIMINGS.delete:
            backend.clusters.pop(name)
            backend.cluster_count -= 1
            delete_cluster_security_group(backend, cluster)
    for step in ADVANCE_STEPS:
        step(backend)


def finish_update(cluster: Cluster, update: ClusterUpdate) -> None:
    """DescribeUpdate statuses: InProgress -> Successful | Failed, with errors
    on failure. https://docs.aws.amazon.com/eks/latest/APIReference/API_DescribeUpdate.html"""
    if update.fail:
        update.status = "Failed"
        update.errors = [
            {
                "errorCode": "Unknown",
                "errorMessage": "Injected failure (POST /_emulator/faults, UpdateFailed)",
                "resourceIds": [cluster.name],
            }
        ]
        return
    update.status = "Successful"
    apply = UPDATE_APPLIERS.get(update.type)
    if apply is not None:
        apply(cluster, update)
    elif update.type == "LoggingUpdate":
        cluster.logging = update.target
    elif update.type == "VersionUpdate":
        cluster.version = update.target["version"]
        cluster.platformVersion = "eks.1"
    else:
        cluster.resources_vpc_config = update.target


# ---------------------------------------------------------------- validation


def ec2_for(backend: EKSBackend) -> Any:
    return ec2_backends[backend.account_id][backend.region_name]


def network_of(backend: EKSBackend, subnet_ids: list[str], group_ids: list[str]) -> str:
    """Check subnets and security groups as CreateCluster/UpdateClusterConfig do;
    return their VPC id. Subnets: at least two, in different AZs, one VPC.
    https://docs.aws.amazon.com/eks/latest/userguide/network-reqs.html"""
    ec2 = ec2_for(backend)
    subnets = []
    for subnet_id in subnet_ids:
        try:
            subnets.append(ec2.get_subnet(subnet_id))
        except Exception:  # moto raises InvalidSubnetIdError; EKS wraps it
            raise invalid(SUBNET_NOT_FOUND_MSG.format(id=subnet_id, request=uuid.uuid4())) from None
    if len({s.availability_zone for s in subnets}) < 2:
        raise invalid(TWO_AZS_MSG)
    vpc_id = subnets[0].vpc_id
    members = [(s.id, s.vpc_id) for s in subnets]
    for group_id in group_ids:
        group = ec2.get_security_group_from_id(group_id)
        if group is None:
            raise invalid(SG_NOT_FOUND_MSG.format(id=group_id, request=uuid.uuid4()))
        members.append((group.id, group.vpc_id))
    for member, member_vpc in members:
        if member_vpc != vpc_id:
            raise invalid(ONE_VPC_MSG.format(vpc=vpc_id, other=member, other_vpc=member_vpc))
    return vpc_id


def check_endpoints(public: bool, private: bool, cidrs: list[str]) -> None:
    # "You must enable private access to disable public access."
    # https://docs.aws.amazon.com/eks/latest/userguide/config-cluster-endpoint.html
    if not public and not private:
        raise invalid(BOTH_ENDPOINTS_OFF_MSG)
    bad = []
    for cidr in cidrs:
        try:
            ipaddress.ip_network(cidr, strict=False)
        except ValueError:
            bad.append(cidr)
    if bad:
        raise invalid(INVALID_CIDRS_MSG.format(cidrs=",".join(bad)))


def invalid(message: str, cluster: str | None = None) -> InvalidParameterException:
    return InvalidParameterException(clusterName=cluster, message=message)


def not_found(name: str) -> ResourceNotFoundException:
    return ResourceNotFoundException(
        clusterName=name, message=CLUSTER_NOT_FOUND_MSG.format(clusterName=name)
    )


# ---------------------------------------------------------------- CreateCluster

original_create_cluster = EKSBackend.create_cluster


def create_cluster(self: EKSBackend, name: str, role_arn: str, resources_vpc_config: dict[str, Any], **kwargs: Any) -> Cluster:
    """CreateCluster: validate, fill the documented defaults, start CREATING.
    https://docs.aws.amazon.com/eks/latest/APIReference/API_CreateCluster.html"""
    with LOCK:
        advance(self)
        if name in self.clusters:  # moto's own "Cluster already exists" error
            return original_create_cluster(self, name, role_arn, resources_vpc_config, **kwargs)
        request = dict(resources_vpc_config or {})
        public = request.get("endpointPublicAccess", True)
        private = request.get("endpointPrivateAccess", False)
        # publicAccessCidrs are accepted even with public access off; EKS does not
        # reject them (pulumi/pulumi-eks#1436, #1452), they just have no effect.
        cidrs = list(request.get("publicAccessCidrs") or DEFAULT_PUBLIC_CIDRS)
        check_endpoints(public, private, cidrs)
        subnet_ids = list(request.get("subnetIds") or [])
        group_ids = list(request.get("securityGroupIds") or [])
        vpc_id = network_of(self, subnet_ids, group_ids)
        kwargs["version"] = kwargs.get("version") or DEFAULT_VERSION
        vpc_config = {
            "subnetIds": subnet_ids,
            "securityGroupIds": group_ids,
            "vpcId": vpc_id,
            "endpointPublicAccess": public,
            "endpointPrivateAccess": private,
            "publicAccessCidrs": cidrs,
        }
        cluster = original_create_cluster(self, name, role_arn, vpc_config, **kwargs)
        vpc_config["clusterSecurityGroupId"] = create_cluster_security_group(self, name, vpc_id)
        region = self.region_name
        cluster.lifecycle = Lifecycle(
            endpoint=f"https://{secrets.token_hex(16).upper()}.gr7.{region}.eks.amazonaws.com",
            certificate_data=fake_certificate(),
            fail=control.FAULTS.take("eks", "CreateCluster", lambda e: e == "CreateFailed") is not None,
        )
        # Real clusters report neither endpoint nor CA until they are ACTIVE.
        cluster.status = "CREATING"
        cluster.endpoint = None
        cluster.certificate_authority = {}
        cluster.platformVersion = DEFAULT_PLATFORM_VERSION
        issuer_id = secrets.token_hex(16).upper()
        cluster.identity = {"oidc": {"issuer": f"https://oidc.eks.{region}.amazonaws.com/id/{issuer_id}"}}
        return cluster


def fake_certificate() -> str:
    pem = "-----BEGIN CERTIFICATE-----\n{}\n-----END CERTIFICATE-----\n".format(
        base64.b64encode(secrets.token_bytes(600)).decode()
    )
    return base64.b64encode(pem.encode()).decode()


def create_cluster_security_group(backend: EKSBackend, name: str, vpc_id: str) -> str:
    """EKS creates a cluster security group in the cluster's VPC.
    https://docs.aws.amazon.com/eks/latest/userguide/sec-group-reqs.html"""
    group_name = f"eks-cluster-sg-{name}-{secrets.randbelow(10**10):010d}"
    group = ec2_for(backend).create_security_group(
        name=group_name,
        description=(
            "EKS created security group applied to ENI that is attached to EKS Control "
            "Plane master nodes, as well as any managed workloads."
        ),
        vpc_id=vpc_id,
        tags={
            "Name": group_name,
            f"kubernetes.io/cluster/{name}": "owned",
            "aws:eks:cluster-name": name,
        },
    )
    return group.id


def delete_cluster_security_group(backend: EKSBackend, cluster: Cluster) -> None:
    group_id = cluster.resources_vpc_config.get("clusterSecurityGroupId")
    try:
        ec2_for(backend).delete_security_group(group_id=group_id)
    except Exception:  # already gone, or still referenced: leave it, as EKS would
        pass


# ---------------------------------------------------------------- Describe / List / Delete


def describe_cluster(self: EKSBackend, name: str) -> Cluster:
    with LOCK:
        advance(self)
        if name not in self.clusters:
            raise not_found(name)
        return self.clusters[name]


original_list_clusters = EKSBackend.list_clusters


def list_clusters(self: EKSBackend, max_results: int, next_token: str | None) -> Any:
    with LOCK:
        advance(self)
        return original_list_clusters(self, max_results, next_token)


def delete_cluster(self: EKSBackend, name: str) -> Cluster:
    """DeleteCluster: DELETING, then gone. Refused while an update runs
    (ResourceInUseException, aws/containers-roadmap#1511).
    https://docs.aws.amazon.com/eks/latest/APIReference/API_DeleteCluster.html"""
    with LOCK:
        cluster = describe_cluster(self, name)
        validate_safe_to_delete(cluster)
        life: Lifecycle = cluster.lifecycle
        if life.in_progress() is not None:
            raise ResourceInUseException(
                clusterName=name, message=DELETE_IN_PROGRESS_MSG.format(name=name)
            )
        if life.deleting_since is None:
            life.deleting_since = time.monotonic()
            cluster.status = "DELETING"
        return cluster
