"""The managedCluster life cycle: ManagedClusters_CreateOrUpdate, _UpdateTags, _Get,
_Delete, _List and _ListByResourceGroup.

Owns: the clusters that exist, keyed case-insensitively as ARM keys resource ids;
validating a body against the swagger (spec.py) and the documented rules
(rejections.py); starting the long-running operation of each change and deriving a
cluster's provisioningState from it (Creating/Updating/Deleting until its time is
up, then Succeeded or Failed; a deleted cluster disappears); 409 while an operation
runs; If-Match/If-None-Match against the eTag.
Must not: parse HTTP or check tokens (server.py and auth.py do).

PUT replaces what a client sent before, except that the properties fixed at creation
(dnsPrefix, fqdnSubdomain, nodeResourceGroup, and in apiServerAccessProfile
enablePrivateCluster, privateDNSZone, enableVnetIntegration, subnetId) keep their value
when a PUT omits them.
"""

from __future__ import annotations

import copy
import threading
import uuid
from dataclasses import dataclass, field
from typing import Any

import computed
import rejections
from control import FaultRegistry
from errors import ArmError
from operations import Operation, OperationLog
from spec import Problem, Spec

RESOURCE_TYPE = "Microsoft.ContainerService/managedClusters"
STATE_WHILE_RUNNING = {"create": "Creating", "update": "Updating", "tags": "Updating", "delete": "Deleting"}
OPERATION_OF_KIND = {
    "create": "ManagedClusters_CreateOrUpdate",
    "update": "ManagedClusters_CreateOrUpdate",
    "tags": "ManagedClusters_UpdateTags",
    "delete": "ManagedClusters_Delete",
}


@dataclass
class Timings:
    """Seconds each kind of operation takes. Tag updates finish at once: they change
    only ARM metadata."""

    create: float = 2.0
    update: float = 1.0
    delete: float = 1.0
    tags: float = 0.0


@dataclass
class Cluster:
    subscription: str
    resource_group: str
    name: str
    request: dict[str, Any]
    minted: computed.Minted
    operation: Operation
    etag: str = field(default_factory=lambda: str(uuid.uuid4()))

    def resource_id(self) -> str:
        return f"/subscriptions/{self.subscription}/resourceGroups/{self.resource_group}/providers/{RESOURCE_TYPE}/{self.name}"

    def state(self) -> str:
        if not self.operation.done():
            return STATE_WHILE_RUNNING[self.operation.kind]
        return "Failed" if self.operation.failure else "Succeeded"

    def gone(self) -> bool:
        return self.operation.kind == "delete" and self.operation.done() and not self.operation.failure


def _key(subscription: str, resource_group: str, name: str) -> tuple[str, str, str]:
    return (subscription.lower(), resource_group.lower(), name.lower())


def not_found(resource_group: str, name: str) -> ArmError:
    return ArmError(
        404,
        "ResourceNotFound",
        f"The Resource '{RESOURCE_TYPE}/{name}' under resource group '{resource_group}' was not found. "
        "For more details please go to https://aka.ms/ARMResourceNotFoundFix",
    )


def invalid_content(problems: list[Problem]) -> ArmError:
    # ARM's wording for a body its deserializer rejects, one detail per problem.
    first = problems[0]
    return ArmError(
        400,
        "InvalidRequestContent",
        f"The request content was invalid and could not be deserialized: '{first.message}'"
        + (f" ({len(problems) - 1} more problem(s) in details.)" if len(problems) > 1 else ""),
        target=first.path or None,
        details=[{"code": "InvalidRequestContent", "target": p.path, "message": p.message} for p in problems],
    )


class ClusterStore:
    """Every managed cluster of every subscription this emulator serves."""

    def __init__(self, spec: Spec, timings: Timings, faults: FaultRegistry) -> None:
        self.spec = spec
        self.timings = timings
        self.faults = faults
        self.operations = OperationLog()
        self._lock = threading.RLock()
        self._clusters: dict[tuple[str, str, str], Cluster] = {}

    def reset(self) -> None:
        with self._lock:
            self._clusters.clear()
            self.operations.reset()

    # -- reads -------------------------------------------------------------------------

    def _live(self, key: tuple[str, str, str]) -> Cluster | None:
        cluster = self._clusters.get(key)
        if cluster is not None and cluster.gone():
            del self._clusters[key]
            return None
        return cluster

    def view(self, cluster: Cluster) -> dict[str, Any]:
        body = computed.render(
            cluster.request,
            cluster.minted,
            cluster.resource_id(),
            cluster.name,
            cluster.state(),
            cluster.etag,
        )
        return self.spec.without_secrets("ManagedCluster", body)

    def get(self, subscription: str, resource_group: str, name: str) -> dict[str, Any]:
        with self._lock:
            cluster = self._live(_key(subscription, resource_group, name))
            if cluster is None:
                raise not_found(resource_group, name)
            return self.view(cluster)

    def location_of(self, subscription: str, resource_group: str, name: str) -> str | None:
        with self._lock:
            cluster = self._live(_key(subscription, resource_group, name))
            return cluster.request.get("location") if cluster is not None else None

    def list(self, subscription: str, resource_group: str | None = None) -> list[dict[str, Any]]:
        with self._lock:
            keys = sorted(self._clusters)
            out = []
            for key in keys:
                if key[0] != subscription.lower() or (resource_group is not None and key[1] != resource_group.lower()):
                    continue
                cluster = self._live(key)
                if cluster is not None:
                    out.append(self.view(cluster))
            return out

    # -- writes ------------------------------------------------------------------------

    def _start(self, kind: str, subscription: str, location: str, cluster_name: str) -> Operation:
        operation_id = OPERATION_OF_KIND[kind]
        slow = self.faults.take(operation_id, "slow")
        fail = self.faults.take(operation_id, "fail")
        seconds = slow.slow if slow is not None and slow.slow is not None else getattr(self.timings, kind)
        return self.operations.add(
            Operation(
                kind=kind,
                subscription=subscription,
                location=location,
                cluster=cluster_name,
                seconds=seconds,
                failure=fail.fail if fail is not None else None,
            )
        )

    def put(
        self,
        subscription: str,
        resource_group: str,
        name: str,
        body: Any,
        tenant: str,
        if_match: str | None = None,
        if_none_match: str | None = None,
    ) -> tuple[int, dict[str, Any], Operation]:
        """Creates (201) or updates (200) a cluster and starts its operation."""
        cleaned, problems = self.spec.validate("ManagedCluster", body)
        if problems:
            raise invalid_content(problems)
        with self._lock:
            key = _key(subscription, resource_group, name)
            existing = self._live(key)
            _preconditions(existing, if_match, if_none_match)
            if existing is None:
                request = computed.normalize_request(cleaned, resource_group, name)
                rejections.check_create(request)
                operation = self._start("create", subscription, request["location"], name)
                cluster = Cluster(subscription, resource_group, name, request, computed.Minted(tenant_id=tenant), operation)
                self._clusters[key] = cluster
                return 201, self.view(cluster), operation
            _refuse_while_busy(existing)
            request = computed.normalize_request(rejections.carry_over(existing.request, cleaned), existing.resource_group, existing.name)
            rejections.check_update(existing.request, request)
            existing.request = request
            existing.etag = str(uuid.uuid4())
            existing.operation = self._start("update", subscription, request["location"], existing.name)
            return 200, self.view(existing), existing.operation

    def update_tags(self, subscription: str, resource_group: str, name: str, body: Any, if_match: str | None = None) -> tuple[dict[str, Any], Operation]:
        cleaned, problems = self.spec.validate("TagsObject", body)
        if problems:
            raise invalid_content(problems)
        with self._lock:
            cluster = self._live(_key(subscription, resource_group, name))
            if cluster is None:
                raise not_found(resource_group, name)
            _preconditions(cluster, if_match, None)
            _refuse_while_busy(cluster)
            request = copy.deepcopy(cluster.request)
            # UpdateTags replaces the whole tag set, as every ARM tags PATCH does.
            if cleaned.get("tags") is not None:
                request["tags"] = cleaned["tags"]
            else:
                request.pop("tags", None)
            cluster.request = request
            cluster.etag = str(uuid.uuid4())
            cluster.operation = self._start("tags", subscription, request["location"], cluster.name)
            return self.view(cluster), cluster.operation

    def delete(self, subscription: str, resource_group: str, name: str, if_match: str | None = None) -> Operation | None:
        """Starts deleting a cluster (202) or returns None when there is none (204).
        A delete may start while another operation runs: it supersedes it."""
        with self._lock:
            cluster = self._live(_key(subscription, resource_group, name))
            if cluster is None:
                return None
            _preconditions(cluster, if_match, None)
            if cluster.operation.kind == "delete" and not cluster.operation.done():
                return cluster.operation
            cluster.operation = self._start("delete", subscription, cluster.request["location"], cluster.name)
            return cluster.operation


def _refuse_while_busy(cluster: Cluster) -> None:
    if cluster.operation.done():
        return
    # Real AKS wording: https://aka.ms/aks-pending-operation
    raise ArmError(
        409,
        "OperationNotAllowed",
        f"Operation is not allowed: Another operation ({cluster.state()}) is in progress, please wait for it "
        "to finish before starting a new operation. See https://aka.ms/aks-pending-operation for more details",
    )


def _preconditions(cluster: Cluster | None, if_match: str | None, if_none_match: str | None) -> None:
    # Optimistic concurrency with the eTag the resource carries (the if-match and
    # if-none-match parameters of the swagger's PUT, PATCH and DELETE).
    if if_none_match == "*" and cluster is not None:
        raise ArmError(412, "PreconditionFailed", "The resource already exists and If-None-Match is '*'.")
    if if_match and if_match != "*" and (cluster is None or if_match.strip('"') != cluster.etag):
        raise ArmError(412, "PreconditionFailed", "The If-Match header does not match the resource's current eTag.")
    if if_match == "*" and cluster is None:
        raise ArmError(412, "PreconditionFailed", "The resource does not exist and If-Match is '*'.")
