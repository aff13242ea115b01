"""EKS managed node groups as AWS documents them, on moto's EKS backend.

Owns: the node group life cycle (CREATING -> ACTIVE -> UPDATING -> ACTIVE ->
DELETING -> gone, or CREATE_FAILED), computed lazily from timestamps in advance(),
which eks_lifecycle.advance runs on every EKS call; CreateNodegroup's defaults and
validation; UpdateNodegroupConfig and UpdateNodegroupVersion as real updates applied
when they succeed; DescribeUpdate and ListUpdates with `nodegroupName`; DeleteNodegroup.
Must not: apply a change before its update succeeds, touch clusters (their life cycle
is eks_lifecycle.py's, their updates eks_updates.py's), or run threads.

API reference: https://docs.aws.amazon.com/eks/latest/APIReference/API_CreateNodegroup.html
https://docs.aws.amazon.com/eks/latest/APIReference/API_Nodegroup.html
https://docs.aws.amazon.com/eks/latest/APIReference/API_UpdateNodegroupConfig.html
https://docs.aws.amazon.com/eks/latest/APIReference/API_UpdateNodegroupVersion.html
https://docs.aws.amazon.com/eks/latest/APIReference/API_DescribeUpdate.html
https://docs.aws.amazon.com/eks/latest/APIReference/API_Update.html
https://docs.aws.amazon.com/eks/latest/APIReference/API_DeleteNodegroup.html
"""

from __future__ import annotations

import json
import re
import secrets
import time
from dataclasses import dataclass, field
from typing import Any

from moto.core.responses import ActionResult
from moto.core.utils import utcnow
from moto.eks.exceptions import (
    InvalidParameterException,
    ResourceInUseException,
    ResourceNotFoundException,
)
from moto.eks.models import EKSBackend, Nodegroup
from moto.eks.responses import DEFAULT_MAX_RESULTS, EKSResponse

import control
import eks_lifecycle
import eks_updates
from eks_lifecycle import LOCK, ClusterUpdate, not_found

# Defaults of CreateNodegroup, each from the CreateNodegroup reference unless noted.
# "t3.medium is used, by default" (instanceTypes).
DEFAULT_INSTANCE_TYPES = ["t3.medium"]
# "The default disk size is 20 GiB for Linux and Bottlerocket. The default disk size
# is 50 GiB for Windows." (diskSize)
DEFAULT_DISK_SIZE, WINDOWS_DISK_SIZE = 20, 50
# moto's default, which is also the console's; the reference gives none.
DEFAULT_SCALING = {"minSize": 2, "maxSize": 2, "desiredSize": 2}
# One node at a time unless told otherwise (aws-quickstart/quickstart-amazon-eks#377:
# "UpdateConfig defaulted to update with at max 1 node down at a time").
DEFAULT_UPDATE_CONFIG = {"maxUnavailable": 1}
# "Starting with Kubernetes version 1.30 or newer, any newly created managed node groups
# will automatically default to using AL2023" (Amazon EKS 1.30 release note,
# https://aws.amazon.com/about-aws/whats-new/2024/05/amazon-eks-distro-kubernetes-version-1-30/,
# quoted in awslabs/cdk-eks-blueprints#1006); before 1.30, AL2 (moto's default).
AL2023_FROM, AL2023_DEFAULT, AL2_DEFAULT = (1, 30), "AL2023_x86_64_STANDARD", "AL2_x86_64"
# "For Kubernetes versions 1.33 and later, EKS will not provide pre-built optimized Amazon
# Linux 2 (AL2) Amazon Machine Images (AMIs)"
# https://docs.aws.amazon.com/eks/latest/userguide/kubernetes-versions-standard.html
AL2_UNTIL = (1, 32)
# No AMI catalogue: every Kubernetes version has one EKS optimized AMI release,
# "<version>.0-20250715", in the "<kubernetes version>-<build date>" shape of
# https://docs.aws.amazon.com/eks/latest/userguide/eks-linux-ami-versions.html
AMI_RELEASE_DATE = "20250715"
RELEASE_RE = re.compile(r"^(\d+)\.(\d+)(?:\.(\d+))?-(\d{8})$")

# Messages real EKS returns (sources in README.md, "Error messages").
AL2_UNSUPPORTED_MSG = "AMI Type {ami} is only supported for kubernetes versions 1.32 or earlier"
RELEASE_MISMATCH_MSG = "Requested release version {release} is not valid for kubernetes version {version}."
MIN_ABOVE_DESIRED_MSG = "Minimum capacity {min} can't be greater than desired size {desired}"
DESIRED_ABOVE_MAX_MSG = "desired capacity {desired} can't be greater than max size {max}"
# No public source gives these; the wording is the emulator's own.
VERSION_NOT_CLUSTER_MSG = "Nodegroup version {version} must equal the cluster's Kubernetes version {cluster}"
VERSION_NEWER_MSG = "Nodegroup {nodegroup} cannot be updated to {version}, newer than the cluster's version {cluster}"
ROLLBACK_MSG = "Nodegroup {nodegroup} cannot be rolled back from {current} to {target}"
NO_LAUNCH_TEMPLATE_MSG = "Nodegroup {nodegroup} was not created with a launch template"
OTHER_LAUNCH_TEMPLATE_MSG = "Nodegroup {nodegroup} must keep the launch template it was created with ({template})"
NO_OP_MSG = "Nodegroup {nodegroup} already has the requested configuration"
NOT_ACTIVE_MSG = "Nodegroup '{nodegroup}' is not in ACTIVE status"
UPDATE_IN_PROGRESS_MSG = "Cannot {kind} because nodegroup {nodegroup} currently has update {id} in progress"
DELETE_IN_PROGRESS_MSG = "Cannot delete because nodegroup {nodegroup} currently has an update in progress"


# A change an update makes: node group attributes to set when it succeeds, and its params.
Change = tuple[dict[str, Any], list[dict[str, str]]]


@dataclass
class NodegroupLife:
    """Emulator bookkeeping kept on each moto Nodegroup as `nodegroup.lifecycle`."""

    created: float = field(default_factory=time.monotonic)
    deleting_since: float | None = None
    # Node group updates; ClusterUpdate is the generic Update object of API_Update.
    updates: list[ClusterUpdate] = field(default_factory=list)
    # Armed by a CreateFailed fault: the node group ends CREATE_FAILED, as one whose
    # instances cannot join the cluster does.
    fail: bool = False

    def in_progress(self) -> ClusterUpdate | None:
        return next((u for u in self.updates if u.status == "InProgress"), None)


# ---------------------------------------------------------------- time passing


def advance(backend: EKSBackend) -> None:
    """Move every node group along its life cycle to where the clock says it is."""
    now = time.monotonic()
    timings = eks_lifecycle.TIMINGS  # read at call time: install() replaces it
    for cluster in backend.clusters.values():
        for name, nodegroup in list(cluster.nodegroups.items()):
            life: NodegroupLife | None = getattr(nodegroup, "lifecycle", None)
            if life is None:
                continue
            if nodegroup.status == "CREATING" and now >= life.created + timings.create:
                finish_create(nodegroup, life)
            for update in life.updates:
                if update.status == "InProgress" and now >= update.started + timings.update:
                    finish_update(nodegroup, update)
            if nodegroup.status == "UPDATING" and life.in_progress() is None:
                nodegroup.status = "ACTIVE"
            if life.deleting_since is not None and now >= life.deleting_since + timings.delete:
                cluster.nodegroups.pop(name)
                cluster.nodegroup_count -= 1


def finish_create(nodegroup: Nodegroup, life: NodegroupLife) -> None:
    """NodegroupStatus: CREATING -> ACTIVE, or CREATE_FAILED with a health issue.
    https://docs.aws.amazon.com/eks/latest/APIReference/API_Nodegroup.html"""
    if not life.fail:
        nodegroup.status = "ACTIVE"
        return
    nodegroup.status = "CREATE_FAILED"
    # The issue real node groups report when their instances never register
    # (API_Issue: NodeCreationFailure); resourceIds are the instances.
    nodegroup.health = {
        "issues": [
            {
                "code": "NodeCreationFailure",
                "message": "Instances failed to join the kubernetes cluster",
                "resourceIds": [f"i-{secrets.token_hex(9)[:17]}"],
            }
        ]
    }


def finish_update(nodegroup: Nodegroup, update: ClusterUpdate) -> None:
    """DescribeUpdate statuses: InProgress -> Successful | Failed, with errors on failure;
    the change reaches the node group only when Successful.
    https://docs.aws.amazon.com/eks/latest/APIReference/API_DescribeUpdate.html"""
    if update.fail:
        update.status = "Failed"
        update.errors = [
            {
                "errorCode": "Unknown",
                "errorMessage": "Injected failure (POST /_emulator/faults, UpdateFailed)",
                "resourceIds": [nodegroup.nodegroup_name],
            }
        ]
        return
    update.status = "Successful"
    for attribute, value in update.target.items():
        setattr(nodegroup, attribute, value)
    nodegroup.modified_at = utcnow()


# ---------------------------------------------------------------- validation


def minor(version: str | None) -> tuple[int, int] | None:
    try:
        major, minor_, *_ = (int(p) for p in str(version).split("."))
    except ValueError:
        return None
    return major, minor_


def default_release(version: str) -> str:
    return f"{version}.0-{AMI_RELEASE_DATE}"


def release_key(release: str | None) -> tuple[int, int, int, str] | None:
    """(major, minor, patch, date) of an EKS optimized AMI release version; None for
    anything else (a custom AMI ID, a Bottlerocket version)."""
    match = RELEASE_RE.match(release or "")
    if match is None:
        return None
    major, minor_, patch, date = match.groups()
    return int(major), int(minor_), int(patch or 0), date


def check_release(release: str, version: str, cluster: str, nodegroup: str) -> None:
    # eksctl-io/eksctl#7976: a release of another Kubernetes version is refused.
    key = release_key(release)
    if key is not None and key[:2] != minor(version):
        raise invalid(RELEASE_MISMATCH_MSG.format(release=release, version=version), cluster, nodegroup)


def check_ami_type(ami_type: str, version: str, cluster: str, nodegroup: str) -> None:
    # No AL2 AMIs after 1.32: https://docs.aws.amazon.com/eks/latest/userguide/kubernetes-versions-standard.html
    at = minor(version)
    if ami_type.startswith("AL2_") and at is not None and at > AL2_UNTIL:
        raise invalid(AL2_UNSUPPORTED_MSG.format(ami=ami_type), cluster, nodegroup)


def check_scaling(scaling: dict[str, int], cluster: str, nodegroup: str) -> None:
    # minSize <= desiredSize <= maxSize, checked on the merged configuration
    # (Terraform and eksctl outputs, quoted in README.md "Error messages").
    if scaling["minSize"] > scaling["desiredSize"]:
        raise invalid(MIN_ABOVE_DESIRED_MSG.format(min=scaling["minSize"], desired=scaling["desiredSize"]), cluster, nodegroup)
    if scaling["desiredSize"] > scaling["maxSize"]:
        raise invalid(DESIRED_ABOVE_MAX_MSG.format(desired=scaling["desiredSize"], max=scaling["maxSize"]), cluster, nodegroup)


def invalid(message: str, cluster: str, nodegroup: str) -> InvalidParameterException:
    return InvalidParameterException(clusterName=cluster, nodegroupName=nodegroup, message=message)


def in_use(message: str, cluster: str, nodegroup: str) -> ResourceInUseException:
    return ResourceInUseException(clusterName=cluster, nodegroupName=nodegroup, addonName=None, message=message)


# ---------------------------------------------------------------- CreateNodegroup

original_create_nodegroup = EKSBackend.create_nodegroup
original_describe_nodegroup = EKSBackend.describe_nodegroup
original_list_nodegroups = EKSBackend.list_nodegroups


def create_nodegroup(
    self: EKSBackend,
    cluster_name: str,
    node_role: str,
    nodegroup_name: str,
    subnets: list[str],
    update_config: dict[str, Any] | None = None,
    node_repair_config: dict[str, Any] | None = None,
    **kwargs: Any,
) -> Nodegroup:
    """CreateNodegroup: idempotent on clientRequestToken, the documented defaults, CREATING.
    https://docs.aws.amazon.com/eks/latest/APIReference/API_CreateNodegroup.html"""
    with LOCK:
        eks_lifecycle.advance(self)
        cluster = self.clusters.get(cluster_name)
        if cluster is None:
            raise not_found(cluster_name)
        token = kwargs.get("client_request_token")
        # clientRequestToken: "ensure the idempotency of the request".
        for existing in cluster.nodegroups.values():
            if token and existing.client_request_token == token:
                return existing
        if nodegroup_name in cluster.nodegroups or not cluster.is_active:
            # moto's own errors: ResourceInUseException "NodeGroup already exists ...",
            # InvalidRequestException "Cluster '...' is not in ACTIVE status".
            return original_create_nodegroup(self, cluster_name, node_role, nodegroup_name, subnets, **kwargs)
        # "By default, the Kubernetes version of the cluster is used, and this is the
        # only accepted specified value." (version)
        version = kwargs.get("version") or cluster.version
        if version != cluster.version:
            raise invalid(VERSION_NOT_CLUSTER_MSG.format(version=version, cluster=cluster.version), cluster_name, nodegroup_name)
        # "By default, the latest available AMI version for the node group's current
        # Kubernetes version is used." (releaseVersion)
        release = kwargs.get("release_version") or default_release(version)
        check_release(release, version, cluster_name, nodegroup_name)
        ami_type = kwargs.get("ami_type") or (AL2023_DEFAULT if (minor(version) or (0, 0)) >= AL2023_FROM else AL2_DEFAULT)
        check_ami_type(ami_type, version, cluster_name, nodegroup_name)
        scaling = {**DEFAULT_SCALING, **{k: v for k, v in (kwargs.get("scaling_config") or {}).items() if v is not None}}
        check_scaling(scaling, cluster_name, nodegroup_name)
        kwargs.update(version=version, release_version=release, ami_type=ami_type)
        nodegroup = original_create_nodegroup(self, cluster_name, node_role, nodegroup_name, subnets, **kwargs)
        apply_create_defaults(nodegroup, kwargs, scaling, update_config, node_repair_config)
        nodegroup.lifecycle = NodegroupLife(
            fail=control.FAULTS.take("eks", "CreateNodegroup", lambda e: e == "CreateFailed") is not None,
        )
        nodegroup.status = "CREATING"
        return nodegroup


def apply_create_defaults(
    nodegroup: Nodegroup,
    request: dict[str, Any],
    scaling: dict[str, int],
    update_config: dict[str, Any] | None,
    node_repair_config: dict[str, Any] | None,
) -> None:
    """Replace moto's invented or shared values by what API_Nodegroup documents."""
    with_template = request.get("launch_template") is not None
    # remoteAccess, instanceTypes, diskSize: "If the node group was deployed with a launch
    # template, then this is null"; remoteAccess is otherwise what was sent (moto invents
    # an ec2SshKey), and its security group only exists with remote access.
    nodegroup.remote_access = request.get("remote_access")
    if nodegroup.remote_access is None:
        nodegroup.resources = {"autoScalingGroups": nodegroup.resources["autoScalingGroups"]}
    nodegroup.instance_types = request.get("instance_types") or (None if with_template else list(DEFAULT_INSTANCE_TYPES))
    windows = nodegroup.ami_type.startswith("WINDOWS_")
    nodegroup.disk_size = None if with_template else request.get("disk_size") or (WINDOWS_DISK_SIZE if windows else DEFAULT_DISK_SIZE)
    # moto shares one dict between all node groups for these.
    nodegroup.scaling_config = dict(scaling)
    nodegroup.health = {"issues": []}
    nodegroup.labels = dict(request.get("labels") or {})
    nodegroup.taints = [dict(t) for t in request.get("taints") or []]
    nodegroup.update_config = dict(update_config or DEFAULT_UPDATE_CONFIG)
    nodegroup.node_repair_config = node_repair_config


# ---------------------------------------------------------------- Describe / List / Delete


def describe_nodegroup(self: EKSBackend, cluster_name: str, nodegroup_name: str) -> Nodegroup:
    with LOCK:
        eks_lifecycle.advance(self)
        return original_describe_nodegroup(self, cluster_name, nodegroup_name)


def list_nodegroups(self: EKSBackend, cluster_name: str, max_results: int, next_token: str | None) -> Any:
    with LOCK:
        eks_lifecycle.advance(self)
        if cluster_name not in self.clusters:  # moto: a KeyError, so a 500
            raise not_found(cluster_name)
        return original_list_nodegroups(self, cluster_name, max_results, next_token)


def delete_nodegroup(self: EKSBackend, cluster_name: str, nodegroup_name: str) -> Nodegroup:
    """DeleteNodegroup: DELETING, then gone after the delete time; refused while an
    update runs. https://docs.aws.amazon.com/eks/latest/APIReference/API_DeleteNodegroup.html"""
    with LOCK:
        nodegroup = describe_nodegroup(self, cluster_name, nodegroup_name)
        life: NodegroupLife = nodegroup.lifecycle
        if life.in_progress() is not None:
            raise in_use(DELETE_IN_PROGRESS_MSG.format(nodegroup=nodegroup_name), cluster_name, nodegroup_name)
        if life.deleting_since is None:
            life.deleting_since = time.monotonic()
            nodegroup.status = "DELETING"
        return nodegroup


# ---------------------------------------------------------------- updates


def same_request(life: NodegroupLife, token: str | None) -> ClusterUpdate | None:
    # clientRequestToken: "ensure the idempotency of the request".
    return next((u for u in life.updates if token and u.client_request_token == token), None)


def check_updatable(nodegroup: Nodegroup, kind: str) -> None:
    """One update at a time, and only on an ACTIVE node group (ResourceInUseException)."""
    cluster, name = nodegroup.cluster_name, nodegroup.nodegroup_name
    running = nodegroup.lifecycle.in_progress()
    if running is not None:
        raise in_use(UPDATE_IN_PROGRESS_MSG.format(kind=kind, nodegroup=name, id=running.id), cluster, name)
    if nodegroup.status != "ACTIVE":
        raise in_use(NOT_ACTIVE_MSG.format(nodegroup=name), cluster, name)


def start(nodegroup: Nodegroup, kind: str, params: list[dict[str, str]], token: str | None, target: dict[str, Any], operation: str) -> ClusterUpdate:
    """An InProgress update; the node group is UPDATING until it ends (eks_lifecycle.advance)."""
    fault = control.FAULTS.take("eks", operation, lambda e: e == "UpdateFailed")
    update = ClusterUpdate(kind, params, token, target, fail=fault is not None)
    nodegroup.lifecycle.updates.append(update)
    nodegroup.status = "UPDATING"
    return update


def update_nodegroup_config(
    self: EKSBackend,
    cluster_name: str,
    nodegroup_name: str,
    labels: dict[str, Any] | None = None,
    taints: dict[str, Any] | None = None,
    scaling_config: dict[str, int] | None = None,
    update_config: dict[str, Any] | None = None,
    node_repair_config: dict[str, Any] | None = None,
    client_request_token: str | None = None,
) -> ClusterUpdate:
    """UpdateNodegroupConfig: a ConfigUpdate, applied when it succeeds.
    https://docs.aws.amazon.com/eks/latest/APIReference/API_UpdateNodegroupConfig.html"""
    with LOCK:
        nodegroup = describe_nodegroup(self, cluster_name, nodegroup_name)
        again = same_request(nodegroup.lifecycle, client_request_token)
        if again is not None:
            return again
        check_updatable(nodegroup, "ConfigUpdate")
        target: dict[str, Any] = {}
        params: list[dict[str, str]] = []
        for change in (
            labels_change(nodegroup, labels or {}),
            taints_change(nodegroup, taints or {}),
            scaling_change(nodegroup, scaling_config or {}),
            update_config_change(nodegroup, update_config or {}),
            repair_change(nodegroup, node_repair_config or {}),
        ):
            target.update(change[0])
            params.extend(change[1])
        if all(same_value(getattr(nodegroup, k), v) for k, v in target.items()):
            # Neither documented nor found in public sources: the emulator's choice,
            # as EKS does for a cluster config update that changes nothing.
            raise invalid(NO_OP_MSG.format(nodegroup=nodegroup_name), cluster_name, nodegroup_name)
        return start(nodegroup, "ConfigUpdate", params, client_request_token, target, "UpdateNodegroupConfig")


def same_value(current: Any, target: Any) -> bool:
    if isinstance(current, list) and isinstance(target, list):  # taints: order does not matter
        return sorted(map(json.dumps, current)) == sorted(map(json.dumps, target))
    return bool(current == target)


def labels_change(nodegroup: Nodegroup, request: dict[str, Any]) -> Change:
    """UpdateLabelsPayload: addOrUpdateLabels, removeLabels; params LabelsToAdd, LabelsToRemove."""
    add, remove = request.get("addOrUpdateLabels") or {}, request.get("removeLabels") or []
    if not add and not remove:
        return {}, []
    labels = {**nodegroup.labels, **add}
    for key in remove:
        labels.pop(key, None)
    params = [{"type": "LabelsToAdd", "value": json.dumps(add)}] if add else []
    params += [{"type": "LabelsToRemove", "value": json.dumps(remove)}] if remove else []
    return {"labels": labels}, params


def taints_change(nodegroup: Nodegroup, request: dict[str, Any]) -> Change:
    """UpdateTaintsPayload: a taint is known by key and effect; params TaintsToAdd, TaintsToRemove."""
    add, remove = request.get("addOrUpdateTaints") or [], request.get("removeTaints") or []
    if not add and not remove:
        return {}, []
    gone = {(t["key"], t.get("effect")) for t in add + remove}
    taints = [t for t in nodegroup.taints if (t["key"], t.get("effect")) not in gone] + [dict(t) for t in add]
    params = [{"type": "TaintsToAdd", "value": json.dumps(add)}] if add else []
    params += [{"type": "TaintsToRemove", "value": json.dumps(remove)}] if remove else []
    return {"taints": taints}, params


def scaling_change(nodegroup: Nodegroup, request: dict[str, Any]) -> Change:
    """NodegroupScalingConfig: "When updating a node group, you can specify any or none of
    the properties"; params MinSize, MaxSize, DesiredSize."""
    sent = {k: v for k, v in request.items() if v is not None}
    if not sent:
        return {}, []
    scaling = {**nodegroup.scaling_config, **sent}
    check_scaling(scaling, nodegroup.cluster_name, nodegroup.nodegroup_name)
    names = (("minSize", "MinSize"), ("maxSize", "MaxSize"), ("desiredSize", "DesiredSize"))
    return {"scaling_config": scaling}, [{"type": p, "value": str(sent[k])} for k, p in names if k in sent]


def update_config_change(nodegroup: Nodegroup, request: dict[str, Any]) -> Change:
    """NodegroupUpdateConfig: maxUnavailable or maxUnavailablePercentage (a new one replaces
    the other), updateStrategy; params MaxUnavailable, MaxUnavailablePercentage, UpdateStrategy."""
    sent = {k: v for k, v in request.items() if v is not None}
    if not sent:
        return {}, []
    config = dict(nodegroup.update_config or {})
    if "maxUnavailable" in sent or "maxUnavailablePercentage" in sent:
        config.pop("maxUnavailable", None)
        config.pop("maxUnavailablePercentage", None)
    config.update(sent)
    names = (("maxUnavailable", "MaxUnavailable"), ("maxUnavailablePercentage", "MaxUnavailablePercentage"), ("updateStrategy", "UpdateStrategy"))
    return {"update_config": config}, [{"type": p, "value": str(sent[k])} for k, p in names if k in sent]


def repair_change(nodegroup: Nodegroup, request: dict[str, Any]) -> Change:
    """NodeRepairConfig: param NodeRepairEnabled ("true"/"false"); any other field sent is
    reported as NodeRepairConfig, the compact JSON of the request."""
    sent = {k: v for k, v in request.items() if v is not None}
    if not sent:
        return {}, []
    params = [{"type": "NodeRepairEnabled", "value": str(sent["enabled"]).lower()}] if "enabled" in sent else []
    if set(sent) - {"enabled"}:
        params.append({"type": "NodeRepairConfig", "value": json.dumps(sent, separators=(",", ":"))})
    return {"node_repair_config": {**(nodegroup.node_repair_config or {}), **sent}}, params


def update_nodegroup_version(
    self: EKSBackend,
    cluster_name: str,
    nodegroup_name: str,
    version: str | None = None,
    release_version: str | None = None,
    launch_template: dict[str, str] | None = None,
    force: bool = False,
    client_request_token: str | None = None,
) -> ClusterUpdate:
    """UpdateNodegroupVersion: a VersionUpdate, applied when it succeeds. `force` only
    concerns draining Pods, which the emulator has none of.
    https://docs.aws.amazon.com/eks/latest/APIReference/API_UpdateNodegroupVersion.html"""
    with LOCK:
        nodegroup = describe_nodegroup(self, cluster_name, nodegroup_name)
        again = same_request(nodegroup.lifecycle, client_request_token)
        if again is not None:
            return again
        check_updatable(nodegroup, "VersionUpdate")
        target, params = version_change(self.clusters[cluster_name].version, nodegroup, version, release_version)
        if launch_template is not None:
            template, template_params = launch_template_change(nodegroup, launch_template)
            target.update(template)
            params.extend(template_params)
        return start(nodegroup, "VersionUpdate", params, client_request_token, target, "UpdateNodegroupVersion")


def version_change(cluster_version: str, nodegroup: Nodegroup, version: str | None, release: str | None) -> Change:
    """"If you update without a launch template, then you can update to the latest available
    AMI version of a node group's current Kubernetes version by not specifying a Kubernetes
    version"; never past the cluster's version; "You cannot roll back a node group to an
    earlier Kubernetes version or AMI version"."""
    cluster, name = nodegroup.cluster_name, nodegroup.nodegroup_name
    target = version or nodegroup.version
    at, current, limit = minor(target), minor(nodegroup.version), minor(cluster_version)
    if at is not None and limit is not None and at > limit:
        raise invalid(VERSION_NEWER_MSG.format(nodegroup=name, version=target, cluster=cluster_version), cluster, name)
    if at is not None and current is not None and at < current:
        raise invalid(ROLLBACK_MSG.format(nodegroup=name, current=nodegroup.version, target=target), cluster, name)
    check_ami_type(nodegroup.ami_type, target, cluster, name)
    release = release or default_release(target)
    check_release(release, target, cluster, name)
    new_key, old_key = release_key(release), release_key(nodegroup.release_version)
    if new_key is not None and old_key is not None and new_key < old_key:
        raise invalid(ROLLBACK_MSG.format(nodegroup=name, current=nodegroup.release_version, target=release), cluster, name)
    params = [{"type": "Version", "value": target}, {"type": "ReleaseVersion", "value": release}]
    return {"version": target, "release_version": release}, params


def launch_template_change(nodegroup: Nodegroup, request: dict[str, str]) -> Change:
    """"You can update a node group using a launch template only if the node group was
    originally deployed with a launch template ... the launch template ID or name must match";
    the version may change. Params LaunchTemplateName, LaunchTemplateVersion."""
    cluster, name = nodegroup.cluster_name, nodegroup.nodegroup_name
    current = nodegroup.launch_template
    if not current:
        raise invalid(NO_LAUNCH_TEMPLATE_MSG.format(nodegroup=name), cluster, name)
    for key in ("id", "name"):
        if request.get(key) and current.get(key) and request[key] != current[key]:
            raise invalid(OTHER_LAUNCH_TEMPLATE_MSG.format(nodegroup=name, template=current[key]), cluster, name)
    template = dict(current)
    if request.get("version") is not None:
        template["version"] = str(request["version"])
    params = [{"type": "LaunchTemplateName", "value": str(template.get("name") or template.get("id"))}]
    if template.get("version") is not None:
        params.append({"type": "LaunchTemplateVersion", "value": template["version"]})
    return {"launch_template": template}, params


# ---------------------------------------------------------------- DescribeUpdate / ListUpdates


def nodegroup_updates(backend: EKSBackend, cluster_name: str, nodegroup_name: str) -> list[ClusterUpdate]:
    return list(describe_nodegroup(backend, cluster_name, nodegroup_name).lifecycle.updates)


def describe_nodegroup_update(self: EKSBackend, cluster_name: str, nodegroup_name: str, update_id: str) -> ClusterUpdate:
    """DescribeUpdate with nodegroupName: "required if the update is a node group update"."""
    with LOCK:
        for update in nodegroup_updates(self, cluster_name, nodegroup_name):
            if update.id == update_id:
                return update
        raise ResourceNotFoundException(
            clusterName=cluster_name,
            nodegroupName=nodegroup_name,
            message=eks_updates.UPDATE_NOT_FOUND_MSG.format(id=update_id),
        )


def list_nodegroup_updates(self: EKSBackend, cluster_name: str, nodegroup_name: str, max_results: int, next_token: str | None) -> tuple[list[str], str | None]:
    """https://docs.aws.amazon.com/eks/latest/APIReference/API_ListUpdates.html"""
    with LOCK:
        ids = [u.id for u in nodegroup_updates(self, cluster_name, nodegroup_name)]
        start_at = int(next_token or 0)
        end = start_at + max_results
        return ids[start_at:end], (str(end) if end < len(ids) else None)


# ---------------------------------------------------------------- HTTP handlers


def response_create_nodegroup(self: EKSResponse) -> ActionResult:
    """moto's handler drops updateConfig and nodeRepairConfig; this one passes the request on."""
    request = json.loads(self.body or "{}")
    nodegroup = self.eks_backend.create_nodegroup(
        cluster_name=self._get_param("name"),
        nodegroup_name=request.get("nodegroupName"),
        node_role=request.get("nodeRole"),
        subnets=request.get("subnets"),
        scaling_config=request.get("scalingConfig"),
        disk_size=request.get("diskSize"),
        instance_types=request.get("instanceTypes"),
        ami_type=request.get("amiType"),
        remote_access=request.get("remoteAccess"),
        labels=request.get("labels"),
        taints=request.get("taints"),
        tags=request.get("tags"),
        client_request_token=request.get("clientRequestToken"),
        launch_template=request.get("launchTemplate"),
        capacity_type=request.get("capacityType"),
        version=request.get("version"),
        release_version=request.get("releaseVersion"),
        update_config=request.get("updateConfig"),
        node_repair_config=request.get("nodeRepairConfig"),
    )
    return ActionResult({"nodegroup": nodegroup})


def response_update_nodegroup_version(self: EKSResponse) -> ActionResult:
    request = json.loads(self.body or "{}")
    update = self.eks_backend.update_nodegroup_version(
        cluster_name=self._get_param("name"),
        nodegroup_name=self._get_param("nodegroupName"),
        version=request.get("version"),
        release_version=request.get("releaseVersion"),
        launch_template=request.get("launchTemplate"),
        force=bool(request.get("force", False)),
        client_request_token=request.get("clientRequestToken"),
    )
    return ActionResult({"update": update})


def response_describe_update(self: EKSResponse) -> ActionResult:
    """DescribeUpdate: a node group's update with `?nodegroupName=`, else the cluster's."""
    nodegroup = self._get_param("nodegroupName")
    if not nodegroup:
        return eks_updates.response_describe_update(self)
    update = self.eks_backend.describe_nodegroup_update(self._get_param("name"), nodegroup, self._get_param("updateId"))
    return ActionResult({"update": update})


def response_list_updates(self: EKSResponse) -> ActionResult:
    """ListUpdates: a node group's updates with `?nodegroupName=`, else the cluster's."""
    nodegroup = self._get_param("nodegroupName")
    if not nodegroup:
        return eks_updates.response_list_updates(self)
    ids, token = self.eks_backend.list_nodegroup_updates(
        self._get_param("name"),
        nodegroup,
        self._get_int_param("maxResults", DEFAULT_MAX_RESULTS),
        self._get_param("nextToken"),
    )
    return ActionResult({"updateIds": ids, "nextToken": token})
