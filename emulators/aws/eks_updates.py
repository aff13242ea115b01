"""EKS cluster updates as AWS documents them, on moto's EKS backend.

Owns: UpdateClusterConfig (one kind of update per call, merged onto the current
configuration, a real `update` object that goes InProgress -> Successful), the
errors it returns, UpdateClusterVersion (one minor version up, never down or
sideways), DescribeUpdate and ListUpdates, and their HTTP handlers; the registry
(EXTRA_KINDS) through which other modules add kinds of UpdateClusterConfig (eks_access.py's
AccessConfigUpdate; eks_cluster_config.py's UpgradePolicyUpdate, ZonalShiftConfigUpdate and
DeletionProtectionUpdate).
Must not: apply a change before its update succeeds (eks_lifecycle.advance does).

API reference: https://docs.aws.amazon.com/eks/latest/APIReference/API_UpdateClusterConfig.html
"""

from __future__ import annotations

import json
from typing import Any, Callable

from moto.core.responses import ActionResult
from moto.eks.exceptions import ResourceInUseException, ResourceNotFoundException
from moto.eks.models import Cluster, EKSBackend
from moto.eks.responses import EKSResponse

import control
from eks_lifecycle import (
    LOCK,
    ONE_VPC_MSG,
    ClusterUpdate,
    Lifecycle,
    check_endpoints,
    describe_cluster,
    invalid,
    network_of,
)

ENDPOINT_KEYS = ("endpointPublicAccess", "endpointPrivateAccess", "publicAccessCidrs")
VPC_KEYS = ("subnetIds", "securityGroupIds")
LOG_TYPES = ("api", "audit", "authenticator", "controllerManager", "scheduler")

# Messages real EKS returns (sources in README.md, "Error messages").
ONE_UPDATE_TYPE_MSG = "Only one type of update can be allowed."
NO_UPDATE_TYPE_MSG = "Invalid type for cluster update."
NO_OP_ENDPOINT_MSG = (
    "Cluster is already at the desired configuration with endpointPrivateAccess: "
    "{private} , endpointPublicAccess: {public}, and Public Endpoint Restrictions: [{cidrs}]"
)
NO_OP_LOGGING_MSG = "No changes needed for the logging config provided"
UPDATE_IN_PROGRESS_MSG = "Cannot {kind} because cluster {name} currently has update {id} in progress"
# moto's wording, captured from the real API for node groups (moto.eks.models).
NOT_ACTIVE_MSG = "Cluster '{name}' is not in ACTIVE status"
# No public source gives these; the wording is the emulator's own.
NO_OP_VPC_MSG = (
    "Cluster is already at the desired configuration with subnetIds: [{subnets}] "
    "and securityGroupIds: [{groups}]"
)
UPDATE_NOT_FOUND_MSG = "No update found for ID: {id}"
# terraform-aws-modules/terraform-aws-eks#2607, rancher/rancher#26908 (skipped a version),
# rancher/rancher#21043 (the same version), rancher/rancher#43316 (a downgrade).
UNSUPPORTED_VERSION_MSG = "Unsupported Kubernetes minor version update from {current} to {target}"
UNSUPPORTED_MSG = "The AWS emulator does not implement {fields} in UpdateClusterConfig"

# Further kinds of UpdateClusterConfig, by request field: its update type, and the function that
# returns the target and params of the change (eks_access registers "accessConfig" as
# AccessConfigUpdate, eks_cluster_config "upgradePolicy", "zonalShiftConfig" and
# "deletionProtection"; eks_lifecycle.UPDATE_APPLIERS applies them). eks_documented.install() fills it.
ChangeFn = Callable[[EKSBackend, Cluster, Any], tuple[dict[str, Any], list[dict[str, str]]]]
EXTRA_KINDS: dict[str, tuple[str, ChangeFn]] = {}


def start_update(self: EKSBackend, name: str, request: dict[str, Any]) -> ClusterUpdate:
    """UpdateClusterConfig: one kind of update per call, merged onto the current
    configuration, applied when the update succeeds."""
    with LOCK:
        cluster = describe_cluster(self, name)
        life: Lifecycle = cluster.lifecycle
        token = request.get("clientRequestToken")
        # clientRequestToken: "ensure the idempotency of the request".
        for update in life.updates:
            if token and update.client_request_token == token:
                return update
        kind = update_kind(request)
        running = life.in_progress()
        if running is not None:
            # aws-controllers-k8s/community#1192: 409 while another update runs.
            raise ResourceInUseException(
                clusterName=name,
                message=UPDATE_IN_PROGRESS_MSG.format(kind=kind, name=name, id=running.id),
            )
        if cluster.status != "ACTIVE":
            raise ResourceInUseException(clusterName=name, message=NOT_ACTIVE_MSG.format(name=name))
        if kind == "LoggingUpdate":
            target, params = logging_change(cluster, request["logging"])
        elif kind == "VpcConfigUpdate":
            target, params = vpc_change(self, cluster, request["resourcesVpcConfig"])
        elif kind == "EndpointAccessUpdate":
            target, params = endpoint_change(cluster, request["resourcesVpcConfig"])
        else:
            key, change = next((k, fn) for k, (extra, fn) in EXTRA_KINDS.items() if extra == kind)
            target, params = change(self, cluster, request[key])
        fault = control.FAULTS.take("eks", "UpdateClusterConfig", lambda e: e == "UpdateFailed")
        update = ClusterUpdate(kind, params, token, target, fail=fault is not None)
        life.updates.append(update)
        # "During an update, the cluster status moves to UPDATING."
        cluster.status = "UPDATING"
        return update


def start_version_update(self: EKSBackend, name: str, request: dict[str, Any]) -> ClusterUpdate:
    """UpdateClusterVersion: "you can update only one minor version at a time", applied when
    the update succeeds. https://docs.aws.amazon.com/eks/latest/APIReference/API_UpdateClusterVersion.html"""
    with LOCK:
        cluster = describe_cluster(self, name)
        life: Lifecycle = cluster.lifecycle
        token = request.get("clientRequestToken")
        for update in life.updates:
            if token and update.client_request_token == token:
                return update
        running = life.in_progress()
        if running is not None:
            raise ResourceInUseException(
                clusterName=name,
                message=UPDATE_IN_PROGRESS_MSG.format(kind="VersionUpdate", name=name, id=running.id),
            )
        if cluster.status != "ACTIVE":
            raise ResourceInUseException(clusterName=name, message=NOT_ACTIVE_MSG.format(name=name))
        target = str(request.get("version") or "")
        if not one_minor_up(cluster.version, target):
            raise invalid(UNSUPPORTED_VERSION_MSG.format(current=cluster.version, target=target), name)
        fault = control.FAULTS.take("eks", "UpdateClusterVersion", lambda e: e == "UpdateFailed")
        params = [{"type": "Version", "value": target}, {"type": "PlatformVersion", "value": "eks.1"}]
        update = ClusterUpdate("VersionUpdate", params, token, {"version": target}, fail=fault is not None)
        life.updates.append(update)
        cluster.status = "UPDATING"
        return update


def one_minor_up(current: str, target: str) -> bool:
    try:
        (cur_major, cur_minor), (new_major, new_minor) = (
            tuple(int(p) for p in v.split(".")[:2]) for v in (current, target)
        )
    except ValueError:
        return False
    return new_major == cur_major and new_minor == cur_minor + 1


def update_kind(request: dict[str, Any]) -> str:
    """The update types of one call; EKS allows exactly one
    (kubernetes-sigs/cluster-api-provider-aws#3553; aws-controllers-k8s/eks-controller#119)."""
    known = ("name", "resourcesVpcConfig", "logging", "clientRequestToken", *EXTRA_KINDS)
    unsupported = sorted(k for k, v in request.items() if k not in known and v is not None)
    if unsupported:
        raise invalid(UNSUPPORTED_MSG.format(fields=", ".join(unsupported)))
    vpc = request.get("resourcesVpcConfig") or {}
    kinds = []
    if any(vpc.get(k) is not None for k in ENDPOINT_KEYS):
        kinds.append("EndpointAccessUpdate")
    if any(vpc.get(k) is not None for k in VPC_KEYS):
        kinds.append("VpcConfigUpdate")
    if request.get("logging") is not None:
        kinds.append("LoggingUpdate")
    kinds += [kind for key, (kind, _) in EXTRA_KINDS.items() if request.get(key) is not None]
    if not kinds:
        raise invalid(NO_UPDATE_TYPE_MSG)
    if len(kinds) > 1:
        raise invalid(ONE_UPDATE_TYPE_MSG)
    return kinds[0]


def endpoint_change(cluster: Cluster, request: dict[str, Any]) -> tuple[dict[str, Any], list[dict[str, str]]]:
    """EndpointAccessUpdate: fields not sent keep their value (merge, not replace).
    https://docs.aws.amazon.com/eks/latest/userguide/config-cluster-endpoint.html"""
    current = cluster.resources_vpc_config
    target = dict(current)
    params = []
    for key, param in (
        ("endpointPublicAccess", "EndpointPublicAccess"),
        ("endpointPrivateAccess", "EndpointPrivateAccess"),
        ("publicAccessCidrs", "PublicAccessCidrs"),
    ):
        if request.get(key) is not None:
            target[key] = request[key]
            value = request[key]
            params.append({"type": param, "value": json.dumps(value) if isinstance(value, list) else str(value).lower()})
    check_endpoints(target["endpointPublicAccess"], target["endpointPrivateAccess"], target["publicAccessCidrs"])
    unchanged = (
        target["endpointPublicAccess"] == current["endpointPublicAccess"]
        and target["endpointPrivateAccess"] == current["endpointPrivateAccess"]
        and sorted(target["publicAccessCidrs"]) == sorted(current["publicAccessCidrs"])
    )
    if unchanged:
        # eksctl#4043, cookpad/terraform-aws-eks#288: a no-op update is a 400.
        raise invalid(
            NO_OP_ENDPOINT_MSG.format(
                private=str(current["endpointPrivateAccess"]).lower(),
                public=str(current["endpointPublicAccess"]).lower(),
                cidrs=", ".join(current["publicAccessCidrs"]),
            ),
            cluster.name,
        )
    return target, params


def vpc_change(backend: EKSBackend, cluster: Cluster, request: dict[str, Any]) -> tuple[dict[str, Any], list[dict[str, str]]]:
    """VpcConfigUpdate: new subnets (two AZs at least) and security groups, in the
    cluster's VPC. https://docs.aws.amazon.com/eks/latest/APIReference/API_UpdateClusterConfig.html"""
    current = cluster.resources_vpc_config
    target = dict(current)
    params = []
    for key, param in (("subnetIds", "Subnets"), ("securityGroupIds", "SecurityGroups")):
        if request.get(key) is not None:
            target[key] = list(request[key])
            params.append({"type": param, "value": json.dumps(request[key])})
    vpc_id = network_of(backend, target["subnetIds"], target["securityGroupIds"])
    if vpc_id != current["vpcId"]:
        raise invalid(ONE_VPC_MSG.format(vpc=current["vpcId"], other=target["subnetIds"][0], other_vpc=vpc_id), cluster.name)
    if all(sorted(target[k]) == sorted(current[k]) for k in VPC_KEYS):
        raise invalid(
            NO_OP_VPC_MSG.format(subnets=", ".join(current["subnetIds"]), groups=", ".join(current["securityGroupIds"])),
            cluster.name,
        )
    return target, params


def logging_change(cluster: Cluster, request: dict[str, Any]) -> tuple[dict[str, Any], list[dict[str, str]]]:
    """LoggingUpdate: enable or disable log types; the rest keep their state.
    https://docs.aws.amazon.com/eks/latest/userguide/control-plane-logs.html"""
    enabled = {t for entry in cluster.logging.get("clusterLogging", []) if entry.get("enabled") for t in entry.get("types", [])}
    wanted = set(enabled)
    for entry in request.get("clusterLogging", []):
        for log_type in entry.get("types", []):
            (wanted.add if entry.get("enabled") else wanted.discard)(log_type)
    if wanted == enabled:
        raise invalid(NO_OP_LOGGING_MSG, cluster.name)
    groups = [
        {"types": [t for t in LOG_TYPES if t in wanted], "enabled": True},
        {"types": [t for t in LOG_TYPES if t not in wanted], "enabled": False},
    ]
    target = {"clusterLogging": [g for g in groups if g["types"]]}
    params = [{"type": "ClusterLogging", "value": json.dumps(request, separators=(",", ":"))}]
    return target, params


# ---------------------------------------------------------------- DescribeUpdate / ListUpdates


def describe_update(self: EKSBackend, name: str, update_id: str) -> ClusterUpdate:
    """https://docs.aws.amazon.com/eks/latest/APIReference/API_DescribeUpdate.html"""
    with LOCK:
        cluster = describe_cluster(self, name)
        for update in cluster.lifecycle.updates:
            if update.id == update_id:
                return update
        raise ResourceNotFoundException(clusterName=name, message=UPDATE_NOT_FOUND_MSG.format(id=update_id))


def list_updates(self: EKSBackend, name: str, max_results: int, next_token: str | None) -> tuple[list[str], str | None]:
    """https://docs.aws.amazon.com/eks/latest/APIReference/API_ListUpdates.html"""
    with LOCK:
        ids = [u.id for u in describe_cluster(self, name).lifecycle.updates]
        start = int(next_token or 0)
        end = start + max_results
        return ids[start:end], (str(end) if end < len(ids) else None)


# ---------------------------------------------------------------- HTTP handlers


def response_update_cluster_config(self: EKSResponse) -> ActionResult:
    request = json.loads(self.body or "{}")
    update = self.eks_backend.start_update(self._get_param("name"), request)
    return ActionResult({"update": update})


def response_update_cluster_version(self: EKSResponse) -> ActionResult:
    request = json.loads(self.body or "{}")
    update = self.eks_backend.start_version_update(self._get_param("name"), request)
    return ActionResult({"update": update})


def response_describe_update(self: EKSResponse) -> ActionResult:
    update = self.eks_backend.describe_update(self._get_param("name"), self._get_param("updateId"))
    return ActionResult({"update": update})


def response_list_updates(self: EKSResponse) -> ActionResult:
    ids, token = self.eks_backend.list_updates(
        self._get_param("name"),
        self._get_int_param("maxResults", 100),
        self._get_param("nextToken"),
    )
    return ActionResult({"updateIds": ids, "nextToken": token})
