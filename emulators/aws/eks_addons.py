"""EKS add-ons as AWS documents them, on moto's EKS backend (moto 5.2.5 has none: no routes,
no backend methods).

Owns: the add-on life cycle (CREATING -> ACTIVE -> UPDATING -> ACTIVE -> DELETING -> gone, or
CREATE_FAILED / UPDATE_FAILED), computed lazily from timestamps in advance(), which
eks_lifecycle.advance runs on every EKS call; the emulator's add-on catalogue (which add-ons and
versions exist, the default version per Kubernetes version) and DescribeAddonVersions;
CreateAddon's defaults and validation; UpdateAddon as a real AddonUpdate applied when it
succeeds; DescribeUpdate and ListUpdates with `addonName`; DeleteAddon; the add-ons going with
their cluster on DeleteCluster; the HTTP handlers of all these.
Must not: apply a change before its update succeeds, touch node groups or access entries, run
threads, or pretend to install anything in Kubernetes (`preserve` and `resolveConflicts` are
accepted and have nothing to act on).

API reference: https://docs.aws.amazon.com/eks/latest/APIReference/API_CreateAddon.html
https://docs.aws.amazon.com/eks/latest/APIReference/API_Addon.html
https://docs.aws.amazon.com/eks/latest/APIReference/API_DescribeAddon.html
https://docs.aws.amazon.com/eks/latest/APIReference/API_ListAddons.html
https://docs.aws.amazon.com/eks/latest/APIReference/API_UpdateAddon.html
https://docs.aws.amazon.com/eks/latest/APIReference/API_DeleteAddon.html
https://docs.aws.amazon.com/eks/latest/APIReference/API_DescribeAddonVersions.html
https://docs.aws.amazon.com/eks/latest/APIReference/API_DescribeUpdate.html
https://docs.aws.amazon.com/eks/latest/APIReference/API_ListUpdates.html
https://docs.aws.amazon.com/eks/latest/userguide/managing-add-ons.html
"""

from __future__ import annotations

import json
import secrets
import string
import time
import uuid
from dataclasses import dataclass, field
from typing import Any

import yaml
from moto.core.responses import ActionResult
from moto.core.utils import utcnow
from moto.eks.exceptions import (
    InvalidParameterException,
    InvalidRequestException,
    ResourceInUseException,
    ResourceNotFoundException,
)
from moto.eks.models import CLUSTER_NOT_READY_MSG, Cluster, EKSBackend
from moto.eks.responses import DEFAULT_MAX_RESULTS, EKSResponse

import control
import eks_lifecycle
import eks_nodegroups
import eks_updates
from eks_lifecycle import LOCK, ClusterUpdate, describe_cluster


# ---------------------------------------------------------------- catalogue


@dataclass(frozen=True)
class Release:
    """One add-on version: the Kubernetes versions it runs on, and those it is the default of."""

    version: str
    clusters: tuple[str, ...]
    default_for: tuple[str, ...] = ()


@dataclass(frozen=True)
class Product:
    """One add-on of DescribeAddonVersions (API_AddonInfo); releases newest first."""

    type: str
    requires_iam: bool
    releases: tuple[Release, ...]


# The Kubernetes versions the catalogue covers; an add-on on any other version is refused.
KUBERNETES_VERSIONS = ("1.27", "1.28", "1.29", "1.30", "1.31", "1.32", "1.33")
ALL = KUBERNETES_VERSIONS
# The latest version of each add-on per Kubernetes version is the one the EKS user guide lists
# ("The following table lists the latest version of the Amazon EKS add-on type for each
# Kubernetes version": managing-vpc-cni, managing-coredns, managing-kube-proxy), except
# kube-proxy for 1.33, aws-ebs-csi-driver and eks-pod-identity-agent, and every older version,
# which are the emulator's own (in the documented `vX.Y.Z-eksbuild.N` shape). There is no real
# catalogue: these are the only versions that exist in the emulator.
KUBE_PROXY = {
    "1.27": "v1.27.16-eksbuild.30",
    "1.28": "v1.28.15-eksbuild.20",
    "1.29": "v1.29.15-eksbuild.5",
    "1.30": "v1.30.11-eksbuild.5",
    "1.31": "v1.31.7-eksbuild.7",
    "1.32": "v1.32.3-eksbuild.7",
    "1.33": "v1.33.0-eksbuild.2",
}
CATALOGUE: dict[str, Product] = {
    "vpc-cni": Product("networking", True, (
        Release("v1.20.1-eksbuild.3", ALL, ALL),
        Release("v1.19.2-eksbuild.1", ALL),
    )),
    "coredns": Product("networking", False, (
        Release("v1.12.3-eksbuild.1", ("1.33",), ("1.33",)),
        Release("v1.11.4-eksbuild.22", ALL[2:], ALL[2:-1]),
        Release("v1.10.1-eksbuild.38", ALL[:3], ALL[:2]),
    )),
    "kube-proxy": Product("networking", False, tuple(
        Release(v, (k,), (k,)) for k, v in sorted(KUBE_PROXY.items(), reverse=True)
    )),
    "aws-ebs-csi-driver": Product("storage", True, (
        Release("v1.46.0-eksbuild.1", ALL, ALL),
        Release("v1.45.0-eksbuild.2", ALL),
    )),
    "eks-pod-identity-agent": Product("security", False, (
        Release("v1.3.8-eksbuild.2", ALL, ALL),
        Release("v1.3.7-eksbuild.2", ALL),
    )),
}

RESOLVE_CONFLICTS = ("OVERWRITE", "NONE", "PRESERVE")
# A status from which an update may start; UPDATE_FAILED can be updated again.
UPDATABLE = ("ACTIVE", "UPDATE_FAILED")

# Messages real EKS returns (sources in README.md, "Add-ons").
VERSION_UNSUPPORTED_MSG = "Addon version specified is not supported"
ADDON_UNSUPPORTED_MSG = "Addon {addon} specified is not supported in {version} kubernetes version"
ADDON_EXISTS_MSG = "Addon already exists."
CONFIG_SCHEMA_MSG = (
    "ConfigurationValue provided in request is not supported: Json schema validation failed "
    "with error: [$: {found} found, object expected]"
)
# No public source gives these; the wording is the emulator's own.
ADDON_NOT_FOUND_MSG = "No addon: {addon} found in cluster: {cluster}"
CONFIG_PARSE_MSG = "ConfigurationValue provided in request is not supported: it is neither JSON nor YAML ({error})"
RESOLVE_CONFLICTS_MSG = "Invalid resolveConflicts {value}: valid values are OVERWRITE, NONE and PRESERVE"
NOT_ACTIVE_MSG = "Addon '{addon}' is not in ACTIVE status"
UPDATE_IN_PROGRESS_MSG = "Cannot AddonUpdate because addon {addon} currently has update {id} in progress"
UNHEALTHY_MSG = "The add-on is unhealthy because it doesn't have the desired number of replicas."
BAD_TOKEN_MSG = "The nextToken is invalid: {token}"


@dataclass
class Addon:
    """API_Addon (attribute names are what moto's serializer reads), plus the emulator's
    bookkeeping (created .. fail), which is not serialized."""

    addon_name: str
    cluster_name: str
    addon_version: str
    addon_arn: str
    service_account_role_arn: str | None
    configuration_values: str | None
    pod_identity_associations: list[str] | None
    namespace_config: dict[str, Any] | None
    tags: dict[str, str]
    client_request_token: str | None
    status: str = "CREATING"
    health: dict[str, Any] = field(default_factory=lambda: {"issues": []})
    created_at: Any = field(default_factory=utcnow)
    modified_at: Any = None  # set to the creation time: a new object was created and modified at once
    created: float = field(default_factory=time.monotonic)
    deleting_since: float | None = None
    updates: list[ClusterUpdate] = field(default_factory=list)
    # Armed by a CreateFailed fault: the add-on ends CREATE_FAILED, as one whose Pods never
    # become ready does.
    fail: bool = False

    def __post_init__(self) -> None:
        self.modified_at = self.modified_at or self.created_at

    @property
    def arn(self) -> str:  # eks_tags finds taggable resources by `arn`
        return self.addon_arn

    def in_progress(self) -> ClusterUpdate | None:
        return next((u for u in self.updates if u.status == "InProgress"), None)


# A change an update makes: add-on attributes to set when it succeeds, and its params.
Change = tuple[dict[str, Any], list[dict[str, str]]]


# ---------------------------------------------------------------- time passing


def advance(backend: EKSBackend) -> None:
    """Move every add-on along its life cycle to where the clock says it is."""
    now = time.monotonic()
    timings = eks_lifecycle.TIMINGS  # read at call time: install() replaces it
    for cluster in backend.clusters.values():
        addons = addons_of(cluster)
        for name, addon in list(addons.items()):
            if addon.status == "CREATING" and now >= addon.created + timings.create:
                finish_create(addon)
            for update in addon.updates:
                if update.status == "InProgress" and now >= update.started + timings.update:
                    finish_update(addon, update)
            if addon.deleting_since is not None and now >= addon.deleting_since + timings.delete:
                addons.pop(name)


def finish_create(addon: Addon) -> None:
    """AddonStatus: CREATING -> ACTIVE, or CREATE_FAILED with a health issue (API_AddonIssue
    code InsufficientNumberOfReplicas)."""
    if not addon.fail:
        addon.status = "ACTIVE"
        return
    addon.status = "CREATE_FAILED"
    addon.health = {"issues": [{"code": "InsufficientNumberOfReplicas", "message": UNHEALTHY_MSG, "resourceIds": []}]}


def finish_update(addon: Addon, update: ClusterUpdate) -> None:
    """DescribeUpdate statuses: InProgress -> Successful | Failed (the add-on UPDATE_FAILED, nothing
    applied); the change reaches the add-on only when Successful."""
    still_updating = addon.status == "UPDATING"  # not if a DeleteAddon came meanwhile
    if update.fail:
        update.status = "Failed"
        update.errors = [
            {
                "errorCode": "Unknown",
                "errorMessage": "Injected failure (POST /_emulator/faults, UpdateFailed)",
                "resourceIds": [addon.addon_name],
            }
        ]
        addon.status = "UPDATE_FAILED" if still_updating else addon.status
        return
    update.status = "Successful"
    for attribute, value in update.target.items():
        setattr(addon, attribute, value)
    addon.modified_at = utcnow()
    addon.status = "ACTIVE" if still_updating else addon.status


# ---------------------------------------------------------------- validation


def invalid(message: str, cluster: str | None, addon: str | None = None) -> InvalidParameterException:
    return InvalidParameterException(clusterName=cluster, addonName=addon, message=message)


def addons_of(cluster: Cluster) -> dict[str, Addon]:
    """The cluster's add-ons by name; they go when the cluster goes."""
    if not hasattr(cluster, "addons"):
        cluster.addons = {}
    return cluster.addons  # type: ignore[no-any-return]


def minor_version(version: str) -> str:
    return ".".join(str(version).split(".")[:2])


def release_for(name: str, kubernetes: str, version: str | None, cluster: str) -> str:
    """The requested add-on version, or the default for the cluster's Kubernetes version.
    CreateAddon addonVersion: "The version must match one of the versions returned by
    DescribeAddonVersions"; an add-on without versions for the cluster's Kubernetes version is
    refused (marcincuber/eks#10), an unknown version too (hashicorp/terraform-provider-aws#32238)."""
    product = CATALOGUE.get(name)
    releases = [r for r in product.releases if minor_version(kubernetes) in r.clusters] if product else []
    if not releases:
        raise invalid(ADDON_UNSUPPORTED_MSG.format(addon=name, version=kubernetes), cluster, name)
    if version is None:
        return next((r.version for r in releases if minor_version(kubernetes) in r.default_for), releases[0].version)
    if version not in {r.version for r in releases}:
        raise invalid(VERSION_UNSUPPORTED_MSG, cluster, name)
    return version


def json_type(value: Any) -> str:
    """The JSON schema type name of a parsed value, as the schema validator reports it."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, (int, float)):
        return "integer" if isinstance(value, int) else "number"
    return "array" if isinstance(value, list) else "string"


def check_configuration(values: str | None, cluster: str, addon: str) -> None:
    """configurationValues: a JSON object, or the same as YAML (the CLI's create-addon examples
    send both); anything else is refused. The add-on's own schema (DescribeAddonConfiguration) is
    not checked."""
    if not values:
        return
    try:
        parsed = json.loads(values)
    except ValueError:
        try:
            parsed = yaml.safe_load(values)
        except yaml.YAMLError as err:
            raise invalid(CONFIG_PARSE_MSG.format(error=str(err).splitlines()[0]), cluster, addon) from None
    if not isinstance(parsed, dict):
        # cookpad/terraform-aws-eks#331: "[$: null found, object expected]"
        raise invalid(CONFIG_SCHEMA_MSG.format(found=json_type(parsed)), cluster, addon)


def check_resolve_conflicts(value: str | None, cluster: str, addon: str) -> None:
    # ResolveConflicts: OVERWRITE | NONE | PRESERVE.
    if value is not None and value not in RESOLVE_CONFLICTS:
        raise invalid(RESOLVE_CONFLICTS_MSG.format(value=value), cluster, addon)


def association_arns(backend: EKSBackend, cluster: str, requested: list[dict[str, str]] | None) -> list[str] | None:
    """podIdentityAssociations: "Each association maps a Kubernetes service account to an IAM
    role"; the add-on reports the associations' ARNs (API_Addon)."""
    if not requested:
        return None
    alphabet = string.ascii_lowercase + string.digits
    return [
        f"arn:{backend.partition}:eks:{backend.region_name}:{backend.account_id}:podidentityassociation/"
        f"{cluster}/a-{''.join(secrets.choice(alphabet) for _ in range(17))}"
        for _ in requested
    ]


def page(items: list[Any], max_results: int, next_token: str | None) -> tuple[list[Any], str | None]:
    """maxResults/nextToken paging; the token is the index of the next item."""
    if next_token and not next_token.isdigit():
        raise invalid(BAD_TOKEN_MSG.format(token=next_token), None)
    start = int(next_token or 0)
    end = start + max_results
    return items[start:end], (str(end) if end < len(items) else None)


# ---------------------------------------------------------------- CreateAddon


def create_addon(self: EKSBackend, cluster_name: str, request: dict[str, Any]) -> Addon:
    """CreateAddon: on an ACTIVE cluster only, one per name, idempotent on clientRequestToken;
    CREATING, then ACTIVE after the create time."""
    with LOCK:
        cluster = describe_cluster(self, cluster_name)
        addons = addons_of(cluster)
        name, token = request.get("addonName") or "", request.get("clientRequestToken")
        for existing in addons.values():
            if token and existing.client_request_token == token:
                return existing
        if name in addons:
            # wandb/terraform-aws-wandb#230, aws/eks-hybrid#316 (409)
            raise ResourceInUseException(clusterName=cluster_name, nodegroupName=None, addonName=name, message=ADDON_EXISTS_MSG)
        if cluster.status != "ACTIVE":
            # moto's code and wording for node groups on a cluster that is not ACTIVE.
            raise InvalidRequestException(clusterName=cluster_name, addonName=name, message=CLUSTER_NOT_READY_MSG.format(clusterName=cluster_name))
        version = release_for(name, cluster.version, request.get("addonVersion"), cluster_name)
        check_configuration(request.get("configurationValues"), cluster_name, name)
        check_resolve_conflicts(request.get("resolveConflicts"), cluster_name, name)
        addon = Addon(
            addon_name=name,
            cluster_name=cluster_name,
            addon_version=version,
            addon_arn=f"arn:{self.partition}:eks:{self.region_name}:{self.account_id}:addon/{cluster_name}/{name}/{uuid.uuid4()}",
            service_account_role_arn=request.get("serviceAccountRoleArn") or None,
            configuration_values=request.get("configurationValues") or None,
            pod_identity_associations=association_arns(self, cluster_name, request.get("podIdentityAssociations")),
            namespace_config=request.get("namespaceConfig"),
            tags=dict(request.get("tags") or {}),
            client_request_token=token,
            fail=control.FAULTS.take("eks", "CreateAddon", lambda e: e == "CreateFailed") is not None,
        )
        addons[name] = addon
        return addon


# ---------------------------------------------------------------- Describe / List / Delete


def describe_addon(self: EKSBackend, cluster_name: str, addon_name: str) -> Addon:
    with LOCK:
        addon = addons_of(describe_cluster(self, cluster_name)).get(addon_name)
        if addon is None:
            raise ResourceNotFoundException(
                clusterName=cluster_name, addonName=addon_name,
                message=ADDON_NOT_FOUND_MSG.format(addon=addon_name, cluster=cluster_name),
            )
        return addon


def list_addons(self: EKSBackend, cluster_name: str, max_results: int, next_token: str | None) -> tuple[list[str], str | None]:
    with LOCK:
        return page(sorted(addons_of(describe_cluster(self, cluster_name))), max_results, next_token)


def start_delete(addon: Addon) -> None:
    if addon.deleting_since is None:
        addon.deleting_since = time.monotonic()
        addon.status = "DELETING"


def delete_addon(self: EKSBackend, cluster_name: str, addon_name: str, preserve: bool = False) -> Addon:
    """DeleteAddon: DELETING, then gone after the delete time. `preserve` keeps the software on
    the cluster, which the emulator has none of. Its errors list no ResourceInUseException, so
    a running update does not stop it."""
    with LOCK:
        addon = describe_addon(self, cluster_name, addon_name)
        start_delete(addon)
        return addon


def delete_cluster(self: EKSBackend, name: str) -> Cluster:
    """DeleteCluster (eks_lifecycle's), and the cluster's add-ons go DELETING with it."""
    with LOCK:
        cluster = eks_lifecycle.delete_cluster(self, name)
        for addon in addons_of(cluster).values():
            start_delete(addon)
        return cluster


# ---------------------------------------------------------------- UpdateAddon


def update_addon(self: EKSBackend, cluster_name: str, addon_name: str, request: dict[str, Any]) -> ClusterUpdate:
    """UpdateAddon: an AddonUpdate with the params sent (AddonVersion, ServiceAccountRoleArn,
    ResolveConflicts, ConfigurationValues, PodIdentityAssociations), applied when it succeeds;
    the add-on is UPDATING meanwhile; one update at a time (ResourceInUseException)."""
    with LOCK:
        addon = describe_addon(self, cluster_name, addon_name)
        token = request.get("clientRequestToken")
        again = next((u for u in addon.updates if token and u.client_request_token == token), None)
        if again is not None:
            return again
        running = addon.in_progress()
        if running is not None:
            raise ResourceInUseException(
                clusterName=cluster_name, nodegroupName=None, addonName=addon_name,
                message=UPDATE_IN_PROGRESS_MSG.format(addon=addon_name, id=running.id),
            )
        if addon.status not in UPDATABLE:
            raise ResourceInUseException(
                clusterName=cluster_name, nodegroupName=None, addonName=addon_name,
                message=NOT_ACTIVE_MSG.format(addon=addon_name),
            )
        target, params = addon_change(self, self.clusters[cluster_name], addon, request)
        fault = control.FAULTS.take("eks", "UpdateAddon", lambda e: e == "UpdateFailed")
        update = ClusterUpdate("AddonUpdate", params, token, target, fail=fault is not None)
        addon.updates.append(update)
        addon.status = "UPDATING"
        return update


def addon_change(backend: EKSBackend, cluster: Cluster, addon: Addon, request: dict[str, Any]) -> Change:
    """The attributes an UpdateAddon sets, and its API_Update params (only the fields sent; an
    empty configurationValues or serviceAccountRoleArn removes it, an empty
    podIdentityAssociations "existing associations owned by the add-on are deleted")."""
    name = addon.addon_name
    target: dict[str, Any] = {}
    params: list[dict[str, str]] = []
    version = request.get("addonVersion")
    if version is not None:
        target["addon_version"] = release_for(name, cluster.version, version, cluster.name)
        params.append({"type": "AddonVersion", "value": version})
    role = request.get("serviceAccountRoleArn")
    if role is not None:
        target["service_account_role_arn"] = role or None
        params.append({"type": "ServiceAccountRoleArn", "value": role})
    resolve = request.get("resolveConflicts")
    if resolve is not None:
        check_resolve_conflicts(resolve, cluster.name, name)
        params.append({"type": "ResolveConflicts", "value": resolve})
    values = request.get("configurationValues")
    if values is not None:
        check_configuration(values, cluster.name, name)
        target["configuration_values"] = values or None
        params.append({"type": "ConfigurationValues", "value": values})
    associations = request.get("podIdentityAssociations")
    if associations is not None:
        target["pod_identity_associations"] = association_arns(backend, cluster.name, associations)
        params.append({"type": "PodIdentityAssociations", "value": json.dumps(associations)})
    return target, params


# ---------------------------------------------------------------- DescribeUpdate / ListUpdates


def describe_addon_update(self: EKSBackend, cluster_name: str, addon_name: str, update_id: str) -> ClusterUpdate:
    """DescribeUpdate with addonName: "The name of the add-on ... This parameter is required if
    the update is an add-on update"."""
    with LOCK:
        for update in describe_addon(self, cluster_name, addon_name).updates:
            if update.id == update_id:
                return update
        raise ResourceNotFoundException(
            clusterName=cluster_name, addonName=addon_name,
            message=eks_updates.UPDATE_NOT_FOUND_MSG.format(id=update_id),
        )


def list_addon_updates(self: EKSBackend, cluster_name: str, addon_name: str, max_results: int, next_token: str | None) -> tuple[list[str], str | None]:
    with LOCK:
        ids = [u.id for u in describe_addon(self, cluster_name, addon_name).updates]
        return page(ids, max_results, next_token)


# ---------------------------------------------------------------- DescribeAddonVersions


def version_info(product: Product, release: Release, kubernetes: str | None) -> dict[str, Any]:
    """API_AddonVersionInfo; compatibilities[].defaultVersion marks the version CreateAddon
    picks when no addonVersion is sent."""
    clusters = [k for k in release.clusters if kubernetes is None or k == kubernetes]
    return {
        "addonVersion": release.version,
        "architecture": ["amd64", "arm64"],
        "computeTypes": ["ec2"],
        "compatibilities": [
            {"clusterVersion": k, "platformVersions": ["*"], "defaultVersion": k in release.default_for} for k in clusters
        ],
        "requiresConfiguration": False,
        "requiresIamPermissions": product.requires_iam,
    }


def describe_addon_versions(
    self: EKSBackend,
    addon_name: str | None,
    kubernetes: str | None,
    types: list[str],
    publishers: list[str],
    owners: list[str],
    max_results: int,
    next_token: str | None,
) -> tuple[list[dict[str, Any]], str | None]:
    """DescribeAddonVersions over the emulator's catalogue: filtered by addonName,
    kubernetesVersion (only the versions, and compatibilities, of that Kubernetes version),
    types, publishers (all "eks") and owners (all "aws")."""
    found = []
    for name, product in CATALOGUE.items():
        releases = [r for r in product.releases if kubernetes is None or kubernetes in r.clusters]
        wanted = (
            (not addon_name or name == addon_name)
            and (not types or product.type in types)
            and (not publishers or "eks" in publishers)
            and (not owners or "aws" in owners)
        )
        if wanted and releases:
            found.append({
                "addonName": name,
                "type": product.type,
                "addonVersions": [version_info(product, r, kubernetes) for r in releases],
                "publisher": "eks",
                "owner": "aws",
                "defaultNamespace": "kube-system",
            })
    return page(found, max_results, next_token)


# ---------------------------------------------------------------- HTTP handlers


def body(response: EKSResponse) -> dict[str, Any]:
    return dict(json.loads(response.body or "{}"))


def response_create_addon(self: EKSResponse) -> ActionResult:
    return ActionResult({"addon": self.eks_backend.create_addon(self.uri_match["name"], body(self))})


def response_describe_addon(self: EKSResponse) -> ActionResult:
    return ActionResult({"addon": self.eks_backend.describe_addon(self.uri_match["name"], self.uri_match["addonName"])})


def response_list_addons(self: EKSResponse) -> ActionResult:
    names, token = self.eks_backend.list_addons(
        self.uri_match["name"], self._get_int_param("maxResults", DEFAULT_MAX_RESULTS), self._get_param("nextToken")
    )
    return ActionResult({"addons": names, "nextToken": token})


def response_update_addon(self: EKSResponse) -> ActionResult:
    update = self.eks_backend.update_addon(self.uri_match["name"], self.uri_match["addonName"], body(self))
    return ActionResult({"update": update})


def response_delete_addon(self: EKSResponse) -> ActionResult:
    preserve = str(self._get_param("preserve", "false")).lower() == "true"
    addon = self.eks_backend.delete_addon(self.uri_match["name"], self.uri_match["addonName"], preserve)
    return ActionResult({"addon": addon})


def response_describe_addon_versions(self: EKSResponse) -> ActionResult:
    addons, token = self.eks_backend.describe_addon_versions(
        self._get_param("addonName"),
        self._get_param("kubernetesVersion"),
        list(self.querystring.get("types", [])),
        list(self.querystring.get("publishers", [])),
        list(self.querystring.get("owners", [])),
        self._get_int_param("maxResults", DEFAULT_MAX_RESULTS),
        self._get_param("nextToken"),
    )
    return ActionResult({"addons": addons, "nextToken": token})


def response_describe_update(self: EKSResponse) -> ActionResult:
    """DescribeUpdate: an add-on's update with `?addonName=`, else a node group's or the cluster's."""
    addon = self._get_param("addonName")
    if not addon:
        return eks_nodegroups.response_describe_update(self)
    update = self.eks_backend.describe_addon_update(self._get_param("name"), addon, self._get_param("updateId"))
    return ActionResult({"update": update})


def response_list_updates(self: EKSResponse) -> ActionResult:
    """ListUpdates: an add-on's updates with `?addonName=`, else a node group's or the cluster's."""
    addon = self._get_param("addonName")
    if not addon:
        return eks_nodegroups.response_list_updates(self)
    ids, token = self.eks_backend.list_addon_updates(
        self._get_param("name"), addon, self._get_int_param("maxResults", DEFAULT_MAX_RESULTS), self._get_param("nextToken")
    )
    return ActionResult({"updateIds": ids, "nextToken": token})
