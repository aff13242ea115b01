"""ARM asynchronous operations: the records behind Azure-AsyncOperation and Location URLs.

Owns: one record per long-running request (create, update, tags, delete), its status
computed lazily from when it started and how long it takes (no background threads), the
status body of `GET .../locations/{loc}/operations/{id}` and the answer of
`GET .../locations/{loc}/operationresults/{id}`, and the URLs that point at them.
Must not: change clusters; clusters.py reads an operation's status to derive a
cluster's provisioningState.

The protocol is ARM's: https://github.com/Azure/azure-resource-manager-rpc/blob/master/v1.0/async-api-reference.md
(status `InProgress` until a terminal `Succeeded`, `Failed` or `Canceled`; the
operation-result URL answers 202 while running and 204 once a delete is done).
"""

from __future__ import annotations

import threading
import time
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any

from errors import ArmError

PROVIDER = "Microsoft.ContainerService"


def normalize_location(location: str) -> str:
    """ARM's canonical location name: `East US` and `eastus` are the same region."""
    return location.replace(" ", "").lower()


def iso(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


@dataclass
class Operation:
    """One long-running operation on one cluster."""

    kind: str  # create | update | tags | delete
    subscription: str
    location: str
    cluster: str
    seconds: float
    failure: dict[str, str] | None = None
    id: str = field(default_factory=lambda: str(uuid.uuid4()))
    started: float = field(default_factory=time.monotonic)
    started_at: datetime = field(default_factory=lambda: datetime.now(timezone.utc))

    def done(self) -> bool:
        return time.monotonic() - self.started >= self.seconds

    def status(self) -> str:
        if not self.done():
            return "InProgress"
        return "Failed" if self.failure else "Succeeded"

    def status_body(self) -> dict[str, Any]:
        body: dict[str, Any] = {
            "id": self.path("operations"),
            "name": self.id,
            "status": self.status(),
            "startTime": iso(self.started_at),
        }
        if self.done():
            body["endTime"] = iso(self.started_at + timedelta(seconds=self.seconds))
            if self.failure:
                body["error"] = dict(self.failure)
        return body

    def path(self, collection: str) -> str:
        """`collection` is `operations` (Azure-AsyncOperation) or `operationresults` (Location)."""
        return (
            f"/subscriptions/{self.subscription}/providers/{PROVIDER}"
            f"/locations/{normalize_location(self.location)}/{collection}/{self.id}"
        )

    def headers(self, base_url: str, api_version: str, retry_after: int, with_location: bool) -> dict[str, str]:
        headers = {
            "Azure-AsyncOperation": f"{base_url}{self.path('operations')}?api-version={api_version}",
            "Retry-After": str(retry_after),
        }
        if with_location:
            headers["Location"] = f"{base_url}{self.path('operationresults')}?api-version={api_version}"
        return headers


class OperationLog:
    """Every operation started since the last reset, by id."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._ops: dict[str, Operation] = {}

    def add(self, op: Operation) -> Operation:
        with self._lock:
            self._ops[op.id] = op
        return op

    def get(self, op_id: str) -> Operation | None:
        with self._lock:
            return self._ops.get(op_id)

    def reset(self) -> None:
        with self._lock:
            self._ops.clear()

    def find(self, subscription: str, location: str, op_id: str) -> Operation:
        """The operation at this URL, or ARM's 404 for an unknown one."""
        op = self.get(op_id.lower())
        if (
            op is None
            or op.subscription.lower() != subscription.lower()
            or normalize_location(op.location) != normalize_location(location)
        ):
            raise ArmError(
                404,
                "NotFound",
                f"Operation '{op_id}' was not found in location '{location}' of subscription '{subscription}'.",
            )
        return op


def result_response(op: Operation, base_url: str, api_version: str, retry_after: int) -> tuple[int, dict[str, str], Any]:
    """The answer of the operation-result (Location) URL: 202 while running, then 204,
    or the operation's error once it has failed."""
    if not op.done():
        return 202, op.headers(base_url, api_version, retry_after, with_location=True), None
    if op.failure:
        raise ArmError(500, op.failure.get("code", "InternalServerError"), op.failure.get("message", "The operation failed."))
    return 204, {}, None
