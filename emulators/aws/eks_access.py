"""EKS access entries and access policies as AWS documents them, on moto's EKS backend
(moto 5.2.5 has neither: no routes, no backend methods).

Owns: CreateCluster's `accessConfig` (authentication mode, and the cluster creator's admin
access entry), UpdateClusterConfig's AccessConfigUpdate (CONFIG_MAP -> API_AND_CONFIG_MAP ->
API, never back), the access entries of each cluster (`cluster.access_entries`, gone with the
cluster) with their associated access policies, the AWS managed access policies
ListAccessPolicies returns, and the HTTP handlers of all these operations.
Must not: touch other resources (clusters' life cycle is eks_lifecycle.py's, their updates
eks_updates.py's), or check principals against IAM (only their ARN's shape).

API reference: https://docs.aws.amazon.com/eks/latest/APIReference/API_CreateAccessEntry.html
https://docs.aws.amazon.com/eks/latest/APIReference/API_AccessEntry.html
https://docs.aws.amazon.com/eks/latest/APIReference/API_DescribeAccessEntry.html
https://docs.aws.amazon.com/eks/latest/APIReference/API_ListAccessEntries.html
https://docs.aws.amazon.com/eks/latest/APIReference/API_UpdateAccessEntry.html
https://docs.aws.amazon.com/eks/latest/APIReference/API_DeleteAccessEntry.html
https://docs.aws.amazon.com/eks/latest/APIReference/API_AssociateAccessPolicy.html
https://docs.aws.amazon.com/eks/latest/APIReference/API_ListAssociatedAccessPolicies.html
https://docs.aws.amazon.com/eks/latest/APIReference/API_DisassociateAccessPolicy.html
https://docs.aws.amazon.com/eks/latest/APIReference/API_ListAccessPolicies.html
https://docs.aws.amazon.com/eks/latest/APIReference/API_CreateAccessConfigRequest.html
https://docs.aws.amazon.com/eks/latest/APIReference/API_UpdateAccessConfigRequest.html
https://docs.aws.amazon.com/eks/latest/userguide/set-custom-username.html
"""

from __future__ import annotations

import json
import re
import uuid
from dataclasses import dataclass, field
from typing import Any

from moto.core.responses import ActionResult, EmptyResult
from moto.core.utils import utcnow
from moto.eks.exceptions import (
    InvalidParameterException,
    InvalidRequestException,
    ResourceInUseException,
    ResourceNotFoundException,
)
from moto.eks.models import Cluster, EKSBackend
from moto.eks.responses import DEFAULT_MAX_RESULTS, EKSResponse
from moto.sts.models import sts_backends
from moto.utilities.utils import get_partition

from eks_lifecycle import LOCK, ClusterUpdate, describe_cluster

# CreateAccessConfigRequest: "If you create a cluster by using the EKS API, Amazon Web Services
# SDKs, or CloudFormation, the default is CONFIG_MAP"; bootstrapClusterCreatorAdminPermissions
# "The default value is true". The modes in the only order an update may follow.
AUTH_MODES = ("CONFIG_MAP", "API_AND_CONFIG_MAP", "API")
DEFAULT_AUTH_MODE = "CONFIG_MAP"

# CreateAccessEntry `type`: "Valid values are STANDARD, FARGATE_LINUX, EC2_LINUX, EC2_WINDOWS,
# EC2 (for EKS Auto Mode), HYBRID_LINUX, and HYPERPOD_LINUX ... If you don't specify a value,
# Amazon EKS sets the value to STANDARD".
ENTRY_TYPES = ("STANDARD", "FARGATE_LINUX", "EC2_LINUX", "EC2_WINDOWS", "EC2", "HYBRID_LINUX", "HYPERPOD_LINUX")
# Node types get the system:nodes group (aws eks create-access-entry --type EC2_LINUX, CLI example
# output: "kubernetesGroups": ["system:nodes"]); "If you set the value to EC2_LINUX or EC2_WINDOWS,
# you can't ... associate an AccessPolicy". FARGATE_LINUX and HYBRID_LINUX are treated alike (the
# emulator's assumption); EC2 (Auto Mode) and HYPERPOD_LINUX take access policies
# (AmazonEKSAutoNodePolicy, AmazonSagemakerHyperpod*), so they are not.
NODE_TYPES = ("EC2_LINUX", "EC2_WINDOWS", "FARGATE_LINUX", "HYBRID_LINUX")
NODE_GROUPS = ["system:nodes"]
# Usernames EKS generates for node types: EC2_LINUX from the CLI example output; HYBRID_LINUX
# "the username is automatically set to system:node:{{SessionName}}" (hybrid-nodes-cluster-prep);
# the others are the emulator's assumption.
NODE_USERNAMES = {
    "EC2_LINUX": "system:node:{{EC2PrivateDNSName}}",
    "EC2_WINDOWS": "system:node:{{EC2PrivateDNSName}}",
    "EC2": "system:node:{{EC2PrivateDNSName}}",
    "FARGATE_LINUX": "system:node:{{SessionName}}",
    "HYBRID_LINUX": "system:node:{{SessionName}}",
    "HYPERPOD_LINUX": "system:node:{{SessionName}}",
}
# "The username can't start with system:, eks:, aws:, amazon:, or iam:." (set-custom-username)
RESERVED_USERNAME_PREFIXES = ("system:", "eks:", "aws:", "amazon:", "iam:")

# The AWS managed access policies, as `aws eks list-access-policies` lists them
# (awscli/examples/eks/list-access-policies.rst).
POLICY_ARN_PREFIX = "arn:aws:eks::aws:cluster-access-policy/"
ACCESS_POLICIES = (
    "AmazonEKSAdminPolicy",
    "AmazonEKSAdminViewPolicy",
    "AmazonEKSAutoNodePolicy",
    "AmazonEKSBlockStorageClusterPolicy",
    "AmazonEKSBlockStoragePolicy",
    "AmazonEKSClusterAdminPolicy",
    "AmazonEKSComputeClusterPolicy",
    "AmazonEKSComputePolicy",
    "AmazonEKSEditPolicy",
    "AmazonEKSHybridPolicy",
    "AmazonEKSLoadBalancingClusterPolicy",
    "AmazonEKSLoadBalancingPolicy",
    "AmazonEKSNetworkingClusterPolicy",
    "AmazonEKSNetworkingPolicy",
    "AmazonEKSViewPolicy",
    "AmazonEMRJobPolicy",
    "AmazonSagemakerHyperpodClusterPolicy",
    "AmazonSagemakerHyperpodControllerPolicy",
    "AmazonSagemakerHyperpodSystemNamespacePolicy",
)
CLUSTER_ADMIN_POLICY = POLICY_ARN_PREFIX + "AmazonEKSClusterAdminPolicy"

# arn:PARTITION:iam::ACCOUNT:root | role/[PATH/]NAME | user/[PATH/]NAME
PRINCIPAL_RE = re.compile(r"^arn:(aws[a-z-]*):iam::(\d{12}):(?:(root)|(role|user)/((?:[^/]+/)*)([^/]+))$")

# Messages real EKS returns (sources in README.md, "Access entries").
AUTH_MODE_REQUIRED_MSG = (
    "The cluster's authentication mode must be set to one of [API, API_AND_CONFIG_MAP] to perform this operation."
)
BOOTSTRAP_REQUIRED_MSG = "bootstrapClusterCreatorAdminPermissions must be true if cluster authentication mode is set to CONFIG_MAP"
MODE_UPDATE_MSG = "Unsupported authentication mode update from {current} to {target}"
ENTRY_IN_USE_MSG = "The specified access entry resource is already in use on this cluster."
ENTRY_NOT_FOUND_MSG = (
    "The specified principalArn could not be found. You can view your available access entries with 'list-access-entries'."
)
PRINCIPAL_FORMAT_MSG = "The principalArn parameter format is not valid"
SERVICE_LINKED_MSG = "The caller is not allowed to modify access entries with a principalArn value of a Service Linked Role"
SYSTEM_GROUP_MSG = "The kubernetes group name {group} is invalid, it cannot start with system:"
RESERVED_USERNAME_MSG = "The username must not begin with {prefix}"
STANDARD_ONLY_MSG = 'This operation can only be performed on Access Entries with a type of "STANDARD".'
# No public source gives these; the wording is the emulator's own.
INVALID_MODE_MSG = "Invalid authenticationMode {mode}: valid modes are CONFIG_MAP, API_AND_CONFIG_MAP and API"
INVALID_TYPE_MSG = "Invalid access entry type {type}: valid types are " + ", ".join(ENTRY_TYPES)
NODE_ROLE_ONLY_MSG = "Access entries of type {type} must have an IAM role as principalArn"
NODE_GROUPS_MSG = "kubernetesGroups cannot be specified for access entries of type {type}"
NODE_USERNAME_MSG = "username cannot be specified for access entries of type {type}"
POLICY_INVALID_MSG = "The specified policyArn is invalid: {policy}"
SCOPE_TYPE_MSG = "Invalid accessScope type {type}: valid types are cluster and namespace"
NAMESPACES_REQUIRED_MSG = "accessScope of type namespace requires at least one namespace"
CLUSTER_SCOPE_NAMESPACES_MSG = "accessScope of type cluster cannot have namespaces"
ASSOCIATION_NOT_FOUND_MSG = "The access policy {policy} is not associated with the access entry of {principal}"
BAD_TOKEN_MSG = "The nextToken is invalid: {token}"


@dataclass
class AssociatedPolicy:
    """API_AssociatedAccessPolicy; attribute names are what moto's serializer reads."""

    policy_arn: str
    access_scope: dict[str, Any]
    associated_at: Any = field(default_factory=utcnow)
    modified_at: Any = None  # set to the creation time: a new object was created and modified at once

    def __post_init__(self) -> None:
        self.modified_at = self.modified_at or self.associated_at


@dataclass
class AccessEntry:
    """API_AccessEntry, plus its associated access policies (not serialized with it)."""

    cluster_name: str
    principal_arn: str
    kubernetes_groups: list[str]
    access_entry_arn: str
    username: str
    type: str
    tags: dict[str, str]
    client_request_token: str | None = None
    created_at: Any = field(default_factory=utcnow)
    modified_at: Any = None  # set to the creation time: a new object was created and modified at once
    policies: dict[str, AssociatedPolicy] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.modified_at = self.modified_at or self.created_at

    @property
    def arn(self) -> str:  # eks_tags finds taggable resources by `arn`
        return self.access_entry_arn


# A change an update makes (eks_updates.EXTRA_KINDS): cluster attributes to set, and params.
Change = tuple[dict[str, Any], list[dict[str, str]]]


# ---------------------------------------------------------------- helpers


def invalid(message: str, cluster: str | None = None) -> InvalidParameterException:
    return InvalidParameterException(clusterName=cluster, message=message)


def entries_of(cluster: Cluster) -> dict[str, AccessEntry]:
    """The cluster's access entries by principal ARN; they go when the cluster goes."""
    if not hasattr(cluster, "access_entries"):
        cluster.access_entries = {}
    return cluster.access_entries  # type: ignore[no-any-return]


def mode_of(cluster: Cluster) -> str:
    return str((getattr(cluster, "access_config", None) or {}).get("authenticationMode", DEFAULT_AUTH_MODE))


def api_cluster(backend: EKSBackend, name: str) -> Cluster:
    """The cluster, which must allow access entries: "The cluster's authentication mode must be
    set to one of [API, API_AND_CONFIG_MAP]" (InvalidRequestException, 400)."""
    cluster = describe_cluster(backend, name)
    if mode_of(cluster) == "CONFIG_MAP":
        raise InvalidRequestException(clusterName=name, message=AUTH_MODE_REQUIRED_MSG)
    return cluster


def entry_of(cluster: Cluster, principal_arn: str) -> AccessEntry:
    entry = entries_of(cluster).get(principal_arn)
    if entry is None:
        raise ResourceNotFoundException(clusterName=cluster.name, message=ENTRY_NOT_FOUND_MSG)
    return entry


def page(items: list[Any], max_results: int, next_token: str | None) -> tuple[list[Any], str | None]:
    """maxResults/nextToken paging; the token is the index of the next item."""
    if next_token and not next_token.isdigit():
        raise invalid(BAD_TOKEN_MSG.format(token=next_token))
    start = int(next_token or 0)
    end = start + max_results
    return items[start:end], (str(end) if end < len(items) else None)


# ---------------------------------------------------------------- CreateCluster accessConfig


def requested_access_config(request: dict[str, Any] | None) -> dict[str, Any]:
    """CreateAccessConfigRequest with its defaults: CONFIG_MAP, bootstrap true. CONFIG_MAP
    without bootstrap is refused (terraform-aws-modules/terraform-aws-eks#3026)."""
    request = request or {}
    mode = request.get("authenticationMode") or DEFAULT_AUTH_MODE
    bootstrap = request.get("bootstrapClusterCreatorAdminPermissions")
    bootstrap = True if bootstrap is None else bool(bootstrap)
    if mode not in AUTH_MODES:
        raise invalid(INVALID_MODE_MSG.format(mode=mode))
    if mode == "CONFIG_MAP" and not bootstrap:
        raise invalid(BOOTSTRAP_REQUIRED_MSG)
    return {"authenticationMode": mode, "bootstrapClusterCreatorAdminPermissions": bootstrap}


def caller_principal(response: EKSResponse) -> str:
    """The IAM principal that signed the request, as EKS records a cluster's creator: an assumed
    role's role ARN, an IAM user's ARN. moto's GetCallerIdentity answers
    `arn:aws:sts::ACCOUNT:user/moto` for credentials it did not issue; real AWS names IAM
    users `arn:aws:iam::ACCOUNT:user/NAME`, so that is what the creator's entry gets."""
    account, partition = response.current_account, get_partition(response.region)
    sts = sts_backends[account][partition]
    access_key = response.get_access_key()
    assumed = sts.get_assumed_role_from_access_key(access_key)
    if assumed is not None:
        return str(assumed.role_arn)
    _, arn, _ = sts.get_caller_identity(access_key, response.region)
    return re.sub(r"^arn:([^:]+):sts::(\d{12}):user/", r"arn:\1:iam::\2:user/", str(arn))


def bootstrap_creator(backend: EKSBackend, cluster: Cluster, creator: str) -> None:
    """bootstrapClusterCreatorAdminPermissions: "the cluster creator IAM principal was set as a
    cluster admin access entry during cluster creation time" - a STANDARD entry with
    AmazonEKSClusterAdminPolicy at cluster scope, when the mode has access entries."""
    config = cluster.access_config
    if not config["bootstrapClusterCreatorAdminPermissions"] or config["authenticationMode"] == "CONFIG_MAP":
        return
    try:
        entry = new_entry(backend, cluster, {"principalArn": creator})
    except InvalidParameterException:  # a caller moto knows under no IAM principal ARN
        return
    entry.policies[CLUSTER_ADMIN_POLICY] = AssociatedPolicy(CLUSTER_ADMIN_POLICY, {"type": "cluster", "namespaces": []})
    entries_of(cluster)[creator] = entry


original_response_create_cluster = EKSResponse.create_cluster


def response_create_cluster(self: EKSResponse) -> ActionResult:
    """CreateCluster with `accessConfig`, which moto's handler drops."""
    request = json.loads(self.body or "{}")
    config = requested_access_config(request.get("accessConfig"))
    creator = caller_principal(self)
    with LOCK:
        result = original_response_create_cluster(self)
        cluster = self.eks_backend.clusters[request["name"]]
        cluster.access_config = config
        bootstrap_creator(self.eks_backend, cluster, creator)
    return result


# ---------------------------------------------------------------- UpdateClusterConfig accessConfig


def access_config_change(backend: EKSBackend, cluster: Cluster, request: dict[str, Any]) -> Change:
    """AccessConfigUpdate: one step along CONFIG_MAP -> API_AND_CONFIG_MAP -> API. "you can't
    change the authentication mode back to a mode that removes the EKS API and access entries"
    (setting-up-access-entries); CONFIG_MAP -> API at once and no-ops are refused too
    (pulumi/pulumi-eks#1493, aws/aws-cdk#31032). Param AuthenticationMode."""
    current, target = mode_of(cluster), request.get("authenticationMode")
    if target not in AUTH_MODES:
        raise invalid(INVALID_MODE_MSG.format(mode=target), cluster.name)
    if AUTH_MODES.index(target) != AUTH_MODES.index(current) + 1:
        raise invalid(MODE_UPDATE_MSG.format(current=current, target=target), cluster.name)
    return {"authenticationMode": target}, [{"type": "AuthenticationMode", "value": target}]


def apply_access_config(cluster: Cluster, update: ClusterUpdate) -> None:
    """eks_lifecycle.UPDATE_APPLIERS: the new mode, once the update is Successful."""
    cluster.access_config = {**cluster.access_config, **update.target}


# ---------------------------------------------------------------- CreateAccessEntry


def principal_parts(principal_arn: str) -> tuple[str, str, str, str, str]:
    """(partition, account, kind root|role|user, path, name) of an IAM principal ARN. "You can't
    use the STS session principal type with access entries" (CreateAccessEntry principalArn)."""
    match = PRINCIPAL_RE.match(principal_arn or "")
    if match is None:
        # aws-samples/appmod-blueprints#319: an assumed-role ARN is refused with this message.
        raise invalid(PRINCIPAL_FORMAT_MSG)
    partition, account, root, kind, path, name = match.groups()
    return partition, account, root or kind, path or "", name or "root"


def default_username(entry_type: str, principal_arn: str) -> str:
    """"If you don't specify a value for username, Amazon EKS automatically generates a username":
    an IAM user's ARN; for a role "The STS ARN of the role when it's assumed. Amazon EKS appends
    {{SessionName}} ... If the ARN of the role that you specified contained a path, Amazon EKS
    removes it" (set-custom-username); system:node:... for nodes (NODE_USERNAMES)."""
    if entry_type in NODE_USERNAMES:
        return NODE_USERNAMES[entry_type]
    partition, account, kind, _, name = principal_parts(principal_arn)
    if kind == "role":
        return f"arn:{partition}:sts::{account}:assumed-role/{name}/{{{{SessionName}}}}"
    return principal_arn


def check_username(username: str | None) -> None:
    # "The username can't start with system:, eks:, aws:, amazon:, or iam:" (set-custom-username;
    # the message for system: is aws-ia/terraform-aws-eks-blueprints#1920's).
    for prefix in RESERVED_USERNAME_PREFIXES:
        if username and username.startswith(prefix):
            raise invalid(RESERVED_USERNAME_MSG.format(prefix=prefix))


def check_groups(groups: list[str]) -> None:
    # terraform-aws-modules/terraform-aws-eks#2915: system: groups belong to EKS.
    for group in groups:
        if group.startswith("system:"):
            raise invalid(SYSTEM_GROUP_MSG.format(group=group))


def new_entry(backend: EKSBackend, cluster: Cluster, request: dict[str, Any]) -> AccessEntry:
    """A validated AccessEntry for a CreateAccessEntry request; the caller stores it."""
    principal = request.get("principalArn") or ""
    entry_type = request.get("type") or "STANDARD"
    if entry_type not in ENTRY_TYPES:
        raise invalid(INVALID_TYPE_MSG.format(type=entry_type), cluster.name)
    _, account, kind, path, name = principal_parts(principal)
    if path.startswith("aws-service-role/"):  # hashicorp/terraform-provider-aws#36447
        raise invalid(SERVICE_LINKED_MSG, cluster.name)
    # "For nodes (EC2 ..., EC2_LINUX, EC2_WINDOWS, FARGATE_LINUX, and HYBRID_LINUX), the only
    # valid ARN is IAM roles."
    if entry_type != "STANDARD" and kind != "role":
        raise invalid(NODE_ROLE_ONLY_MSG.format(type=entry_type), cluster.name)
    groups, username = list(request.get("kubernetesGroups") or []), request.get("username")
    check_username(username)
    if entry_type != "STANDARD" and groups:
        raise invalid(NODE_GROUPS_MSG.format(type=entry_type), cluster.name)
    if entry_type != "STANDARD" and username:
        raise invalid(NODE_USERNAME_MSG.format(type=entry_type), cluster.name)
    check_groups(groups)
    arn = (
        f"arn:{backend.partition}:eks:{backend.region_name}:{backend.account_id}:access-entry/"
        f"{cluster.name}/{kind}/{account}/{name}/{uuid.uuid4()}"
    )
    return AccessEntry(
        cluster_name=cluster.name,
        principal_arn=principal,
        kubernetes_groups=groups or (list(NODE_GROUPS) if entry_type in NODE_TYPES else []),
        access_entry_arn=arn,
        username=username or default_username(entry_type, principal),
        type=entry_type,
        tags=dict(request.get("tags") or {}),
        client_request_token=request.get("clientRequestToken"),
    )


def create_access_entry(self: EKSBackend, cluster_name: str, request: dict[str, Any]) -> AccessEntry:
    """CreateAccessEntry: one entry per principal ("You can't specify the same ARN in more than
    one access entry": ResourceInUseException, 409), idempotent on clientRequestToken."""
    with LOCK:
        cluster = api_cluster(self, cluster_name)
        entries = entries_of(cluster)
        token = request.get("clientRequestToken")
        for existing in entries.values():
            if token and existing.client_request_token == token:
                return existing
        entry = new_entry(self, cluster, request)
        if entry.principal_arn in entries:
            # terraform-aws-modules/terraform-aws-eks#3293 (status 409)
            raise ResourceInUseException(clusterName=cluster_name, nodegroupName=None, addonName=None, message=ENTRY_IN_USE_MSG)
        entries[entry.principal_arn] = entry
        return entry


# ---------------------------------------------------------------- Describe / List / Update / Delete


def describe_access_entry(self: EKSBackend, cluster_name: str, principal_arn: str) -> AccessEntry:
    with LOCK:
        return entry_of(api_cluster(self, cluster_name), principal_arn)


def list_access_entries(
    self: EKSBackend, cluster_name: str, policy_arn: str | None, max_results: int, next_token: str | None
) -> tuple[list[str], str | None]:
    """ListAccessEntries: "When you specify an access policy ARN, only the access entries
    associated to that access policy are returned"."""
    with LOCK:
        entries = entries_of(api_cluster(self, cluster_name)).values()
        arns = sorted(e.principal_arn for e in entries if not policy_arn or policy_arn in e.policies)
        return page(arns, max_results, next_token)


def update_access_entry(self: EKSBackend, cluster_name: str, principal_arn: str, request: dict[str, Any]) -> AccessEntry:
    """UpdateAccessEntry: kubernetesGroups and username replace the entry's when sent; only
    STANDARD entries (aws-controllers-k8s/community#2144)."""
    with LOCK:
        entry = entry_of(api_cluster(self, cluster_name), principal_arn)
        groups, username = request.get("kubernetesGroups"), request.get("username")
        # aws-ia/terraform-aws-eks-blueprints#1920: the username is checked first.
        check_username(username)
        if entry.type != "STANDARD":
            raise invalid(STANDARD_ONLY_MSG, cluster_name)
        if groups is not None:
            check_groups(groups)
            entry.kubernetes_groups = list(groups)
        if username:
            entry.username = username
        entry.modified_at = utcnow()
        return entry


def delete_access_entry(self: EKSBackend, cluster_name: str, principal_arn: str) -> None:
    """DeleteAccessEntry; its policy associations go with it."""
    with LOCK:
        cluster = api_cluster(self, cluster_name)
        entry_of(cluster, principal_arn)
        entries_of(cluster).pop(principal_arn)


# ---------------------------------------------------------------- access policies


def check_scope(scope: dict[str, Any] | None, cluster: str) -> dict[str, Any]:
    """AccessScope: type cluster or namespace; namespaces "A value is required if you specified
    namespace for Type" (and none for cluster: the emulator's choice)."""
    scope = scope or {}
    scope_type, namespaces = scope.get("type"), list(scope.get("namespaces") or [])
    if scope_type not in ("cluster", "namespace"):
        raise invalid(SCOPE_TYPE_MSG.format(type=scope_type), cluster)
    if scope_type == "namespace" and not namespaces:
        raise invalid(NAMESPACES_REQUIRED_MSG, cluster)
    if scope_type == "cluster" and namespaces:
        raise invalid(CLUSTER_SCOPE_NAMESPACES_MSG, cluster)
    return {"type": scope_type, "namespaces": namespaces}


def associate_access_policy(
    self: EKSBackend, cluster_name: str, principal_arn: str, policy_arn: str, scope: dict[str, Any] | None
) -> AssociatedPolicy:
    """AssociateAccessPolicy: policyArn one of ListAccessPolicies'; associating it again replaces
    its scope (associatedAt kept, modifiedAt new)."""
    with LOCK:
        entry = entry_of(api_cluster(self, cluster_name), principal_arn)
        # "If you set the value to EC2_LINUX or EC2_WINDOWS, you can't ... associate an AccessPolicy"
        if entry.type in NODE_TYPES:
            raise invalid(STANDARD_ONLY_MSG, cluster_name)
        if policy_arn not in {POLICY_ARN_PREFIX + n for n in ACCESS_POLICIES}:
            raise invalid(POLICY_INVALID_MSG.format(policy=policy_arn), cluster_name)
        access_scope = check_scope(scope, cluster_name)
        existing = entry.policies.get(policy_arn)
        if existing is not None:
            existing.access_scope, existing.modified_at = access_scope, utcnow()
            return existing
        entry.policies[policy_arn] = AssociatedPolicy(policy_arn, access_scope)
        return entry.policies[policy_arn]


def list_associated_access_policies(
    self: EKSBackend, cluster_name: str, principal_arn: str, max_results: int, next_token: str | None
) -> tuple[list[AssociatedPolicy], str | None]:
    with LOCK:
        entry = entry_of(api_cluster(self, cluster_name), principal_arn)
        return page(list(entry.policies.values()), max_results, next_token)


def disassociate_access_policy(self: EKSBackend, cluster_name: str, principal_arn: str, policy_arn: str) -> None:
    with LOCK:
        entry = entry_of(api_cluster(self, cluster_name), principal_arn)
        if entry.policies.pop(policy_arn, None) is None:
            raise ResourceNotFoundException(
                clusterName=cluster_name,
                message=ASSOCIATION_NOT_FOUND_MSG.format(policy=policy_arn, principal=principal_arn),
            )


def list_access_policies(self: EKSBackend, max_results: int, next_token: str | None) -> tuple[list[dict[str, str]], str | None]:
    """ListAccessPolicies: the AWS managed access policies, {name, arn}."""
    policies = [{"name": n, "arn": POLICY_ARN_PREFIX + n} for n in ACCESS_POLICIES]
    return page(policies, max_results, next_token)


# ---------------------------------------------------------------- HTTP handlers


def body(response: EKSResponse) -> dict[str, Any]:
    return dict(json.loads(response.body or "{}"))


def principal_in_path(response: EKSResponse) -> str:
    # The ARN is percent-encoded in the path; moto's router matches the raw path and decodes it.
    return str(response.uri_match["principalArn"])


def response_create_access_entry(self: EKSResponse) -> ActionResult:
    entry = self.eks_backend.create_access_entry(self.uri_match["name"], body(self))
    return ActionResult({"accessEntry": entry})


def response_describe_access_entry(self: EKSResponse) -> ActionResult:
    entry = self.eks_backend.describe_access_entry(self.uri_match["name"], principal_in_path(self))
    return ActionResult({"accessEntry": entry})


def response_list_access_entries(self: EKSResponse) -> ActionResult:
    arns, token = self.eks_backend.list_access_entries(
        self.uri_match["name"],
        self._get_param("associatedPolicyArn"),
        self._get_int_param("maxResults", DEFAULT_MAX_RESULTS),
        self._get_param("nextToken"),
    )
    return ActionResult({"accessEntries": arns, "nextToken": token})


def response_update_access_entry(self: EKSResponse) -> ActionResult:
    entry = self.eks_backend.update_access_entry(self.uri_match["name"], principal_in_path(self), body(self))
    return ActionResult({"accessEntry": entry})


def response_delete_access_entry(self: EKSResponse) -> EmptyResult:
    self.eks_backend.delete_access_entry(self.uri_match["name"], principal_in_path(self))
    return EmptyResult()


def response_associate_access_policy(self: EKSResponse) -> ActionResult:
    request = body(self)
    name, principal = self.uri_match["name"], principal_in_path(self)
    policy = self.eks_backend.associate_access_policy(name, principal, request.get("policyArn"), request.get("accessScope"))
    return ActionResult({"clusterName": name, "principalArn": principal, "associatedAccessPolicy": policy})


def response_list_associated_access_policies(self: EKSResponse) -> ActionResult:
    name, principal = self.uri_match["name"], principal_in_path(self)
    policies, token = self.eks_backend.list_associated_access_policies(
        name, principal, self._get_int_param("maxResults", DEFAULT_MAX_RESULTS), self._get_param("nextToken")
    )
    return ActionResult({"clusterName": name, "principalArn": principal, "associatedAccessPolicies": policies, "nextToken": token})


def response_disassociate_access_policy(self: EKSResponse) -> EmptyResult:
    self.eks_backend.disassociate_access_policy(self.uri_match["name"], principal_in_path(self), self.uri_match["policyArn"])
    return EmptyResult()


def response_list_access_policies(self: EKSResponse) -> ActionResult:
    policies, token = self.eks_backend.list_access_policies(
        self._get_int_param("maxResults", DEFAULT_MAX_RESULTS), self._get_param("nextToken")
    )
    return ActionResult({"accessPolicies": policies, "nextToken": token})
