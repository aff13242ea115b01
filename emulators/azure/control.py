"""Test controls for the Azure emulator: call counting, fault injection, and the
`/_emulator/...` JSON endpoints that drive them (no authentication).

Owns: counting every request by the swagger's operationId (plus `Token`,
`OperationStatus`, `OperationResult`), the faults tests arm for the next N calls of an
operation, and routing of the control endpoints.
Must not: change how any operation behaves when no fault is armed.

Fault kinds (one per fault):
- `status`: the call fails at once with that HTTP status and ARM's error for it
  (429 `TooManyRequests` with Retry-After, 500 `InternalServerError`, ...);
- `slow`: seconds the next long-running operation of that kind takes instead of the
  configured time;
- `fail`: the next long-running operation of that kind ends `Failed` with this error
  (`{"code": ..., "message": ...}` or `true` for a generic one).
"""

from __future__ import annotations

import json
import threading
import uuid
from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Callable

# How many recent calls GET /_emulator/calls returns in "sequence".
SEQUENCE_LIMIT = 1000

# Operation names that are not swagger operationIds.
EXTRA_OPERATIONS = ("Token", "OperationStatus", "OperationResult")

# ARM's codes for the statuses tests inject. ARM throttling and transient failures:
# https://learn.microsoft.com/azure/azure-resource-manager/management/request-limits-and-throttling
STATUS_ERRORS: dict[int, tuple[str, str]] = {
    400: ("BadRequest", "The request is invalid."),
    404: ("NotFound", "The requested resource was not found."),
    409: ("Conflict", "The request conflicts with the current state of the resource."),
    429: ("TooManyRequests", "The request is being throttled as the limit has been reached for this operation type. Please retry after the time given in the Retry-After header."),
    500: ("InternalServerError", "An internal server error occurred. Please retry the request."),
    502: ("BadGateway", "The server received an invalid response from an upstream server."),
    503: ("ServiceUnavailable", "The service is temporarily unavailable. Please retry the request."),
    504: ("GatewayTimeout", "The gateway did not receive a response within the specified time."),
}


class CallLog:
    """Counts calls per operation, in arrival order."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._counts: Counter[str] = Counter()
        self._sequence: list[str] = []

    def record(self, operation: str) -> None:
        with self._lock:
            self._counts[operation] += 1
            self._sequence.append(operation)
            del self._sequence[:-SEQUENCE_LIMIT]

    def reset(self) -> None:
        with self._lock:
            self._counts.clear()
            self._sequence.clear()

    def snapshot(self) -> dict[str, Any]:
        with self._lock:
            return {
                "total": sum(self._counts.values()),
                "operations": dict(sorted(self._counts.items())),
                "sequence": list(self._sequence),
            }


@dataclass
class Fault:
    """One armed fault: applies to the next `times` calls (or operations) of `operation`."""

    operation: str
    times: int = 1
    status: int | None = None
    retry_after: int | None = None
    code: str | None = None
    message: str | None = None
    slow: float | None = None
    fail: dict[str, str] | None = None
    id: str = field(default_factory=lambda: str(uuid.uuid4()))

    @classmethod
    def from_json(cls, raw: dict[str, Any], known_operations: set[str]) -> "Fault":
        operation = str(raw["operation"])
        if operation not in known_operations:
            raise ValueError(f"unknown operation {operation!r}; expected one of {sorted(known_operations)}")
        times = int(raw.get("times", 1))
        if times < 1:
            raise ValueError("times must be at least 1")
        kinds = [k for k in ("status", "slow", "fail") if raw.get(k) not in (None, False)]
        if len(kinds) != 1:
            raise ValueError("give exactly one of status, slow, fail")
        fault = cls(operation=operation, times=times)
        if "status" in kinds:
            fault.status = int(raw["status"])
            if not 400 <= fault.status <= 599:
                raise ValueError("status must be an HTTP error status (400-599)")
            fault.retry_after = int(raw["retry_after"]) if raw.get("retry_after") is not None else None
            fault.code = raw.get("code")
            fault.message = raw.get("message")
        elif "slow" in kinds:
            fault.slow = float(raw["slow"])
        else:
            fail = raw["fail"]
            fault.fail = {
                "code": str(fail.get("code", "InternalOperationError")) if isinstance(fail, dict) else "InternalOperationError",
                "message": str(fail.get("message", "The operation failed.")) if isinstance(fail, dict) else "The operation failed.",
            }
        return fault

    def kind(self) -> str:
        return "status" if self.status is not None else "slow" if self.slow is not None else "fail"

    def to_json(self) -> dict[str, Any]:
        return {k: v for k, v in self.__dict__.items() if v is not None}

    def error(self) -> tuple[str, str]:
        """ARM's code and message for an injected status."""
        code, message = STATUS_ERRORS.get(self.status or 500, (f"Injected{self.status}", "An injected error."))
        return self.code or code, self.message or message


class FaultRegistry:
    """Faults armed by tests, consumed in arrival order."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._faults: list[Fault] = []

    def arm(self, faults: list[Fault]) -> None:
        with self._lock:
            self._faults.extend(faults)

    def clear(self) -> None:
        with self._lock:
            self._faults.clear()

    def pending(self) -> list[dict[str, Any]]:
        with self._lock:
            return [f.to_json() for f in self._faults]

    def take(self, operation: str, kind: str) -> Fault | None:
        """Consumes one use of the first armed fault of `kind` for `operation`."""
        with self._lock:
            for fault in self._faults:
                if fault.operation == operation and fault.kind() == kind:
                    fault.times -= 1
                    if fault.times == 0:
                        self._faults.remove(fault)
                    return fault
        return None


@dataclass
class Controls:
    """The control state one server holds, and how to reset the emulated Azure."""

    calls: CallLog
    faults: FaultRegistry
    known_operations: set[str]
    health: dict[str, Any]
    reset_azure: Callable[[], None]

    PREFIX = "/_emulator/"

    def handle(self, method: str, path: str, body: bytes) -> tuple[int, Any]:
        route = path[len(self.PREFIX):].strip("/")
        try:
            return self._route(method, route, body)
        except (ValueError, KeyError, TypeError, AttributeError) as err:
            return 400, {"error": f"bad request: {err}"}

    def _route(self, method: str, route: str, body: bytes) -> tuple[int, Any]:
        if (method, route) == ("GET", "health"):
            return 200, self.health
        if (method, route) == ("GET", "calls"):
            return 200, self.calls.snapshot()
        if (method, route) == ("POST", "calls/reset"):
            self.calls.reset()
            return 200, {"reset": "calls"}
        if (method, route) == ("GET", "faults"):
            return 200, {"faults": self.faults.pending()}
        if (method, route) == ("POST", "faults"):
            raw = json.loads(body.decode() or "null")
            items = raw if isinstance(raw, list) else [raw]
            faults = [Fault.from_json(r, self.known_operations) for r in items]
            self.faults.arm(faults)
            return 200, {"armed": [f.to_json() for f in faults]}
        if (method, route) in (("DELETE", "faults"), ("POST", "faults/reset")):
            self.faults.clear()
            return 200, {"reset": "faults"}
        if (method, route) == ("POST", "reset"):
            self.faults.clear()
            self.calls.reset()
            self.reset_azure()
            return 200, {"reset": "all"}
        return 404, {"error": f"no control endpoint {method} {self.PREFIX}{route}"}
