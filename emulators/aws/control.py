"""Test controls for the AWS emulator: call counting, fault injection, and the
`/_emulator/...` HTTP endpoints that drive them.

Owns: counting every AWS API call moto dispatches, making the next N calls of an
operation fail the way AWS fails them, and the small JSON control API.
Must not: change how any AWS operation behaves when no fault is armed (the EKS
behaviour lives in eks_documented.py, and `--plain` relies on that).
"""

from __future__ import annotations

import json
import threading
import uuid
from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable

from moto.core.exceptions import ServiceException
from moto.core.responses import ActionResult, BaseResponse

# How many recent calls GET /_emulator/calls returns in "sequence".
SEQUENCE_LIMIT = 1000


class CallLog:
    """Counts calls per service and operation, in arrival order."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._counts: Counter[tuple[str, str]] = Counter()
        self._sequence: list[str] = []

    def record(self, service: str, operation: str) -> None:
        with self._lock:
            self._counts[(service, operation)] += 1
            self._sequence.append(f"{service}:{operation}")
            del self._sequence[:-SEQUENCE_LIMIT]

    def reset(self) -> None:
        with self._lock:
            self._counts.clear()
            self._sequence.clear()

    def snapshot(self) -> dict[str, Any]:
        with self._lock:
            operations: Counter[str] = Counter()
            services: dict[str, dict[str, int]] = {}
            for (service, operation), n in sorted(self._counts.items()):
                operations[operation] += n
                services.setdefault(service, {})[operation] = n
            return {
                "total": sum(self._counts.values()),
                "operations": dict(sorted(operations.items())),
                "services": services,
                "sequence": list(self._sequence),
            }


class InjectedFault(ServiceException):
    """An error response armed through POST /_emulator/faults."""

    def __init__(self, code: str, message: str, status: int) -> None:
        super().__init__(code, message)
        self.status = status


# Per-service spelling of the generic fault names. EKS codes and statuses are
# those of the EKS service model (ThrottlingException is 429, ServerException
# 500, ServiceUnavailableException 503): https://docs.aws.amazon.com/eks/latest/APIReference/CommonErrors.html
# EC2 throttles with RequestLimitExceeded:
# https://docs.aws.amazon.com/ec2/latest/devguide/ec2-api-throttling.html
GENERIC_FAULTS: dict[str, dict[str, tuple[str, int, str]]] = {
    "ThrottlingException": {
        "eks": ("ThrottlingException", 429, "Rate exceeded"),
        "ec2": ("RequestLimitExceeded", 503, "Request limit exceeded."),
        "*": ("ThrottlingException", 400, "Rate exceeded"),
    },
    "ServerError": {
        "eks": ("ServerException", 500, "An internal error occurred."),
        "ec2": ("InternalError", 500, "An internal error has occurred."),
        "*": ("InternalFailure", 500, "An internal error occurred."),
    },
    "ServiceUnavailable": {
        "eks": ("ServiceUnavailableException", 503, "Service unavailable."),
        "ec2": ("Unavailable", 503, "The server is overloaded."),
        "*": ("ServiceUnavailable", 503, "Service unavailable."),
    },
}

# Fault kinds that do not fail the call itself; the EKS patch consumes them.
DEFERRED_FAULTS = {"UpdateFailed", "CreateFailed"}


@dataclass
class Fault:
    """One armed fault: after `skip` calls of `operation` pass, the next `times` fail."""

    operation: str
    error: str
    times: int = 1
    skip: int = 0
    service: str | None = None
    message: str | None = None
    status: int | None = None
    id: str = field(default_factory=lambda: str(uuid.uuid4()))

    @classmethod
    def from_json(cls, raw: dict[str, Any]) -> "Fault":
        operation = str(raw["operation"])
        service = raw.get("service")
        if ":" in operation:  # "eks:UpdateClusterConfig"
            service, operation = operation.split(":", 1)
        times = int(raw.get("times", 1))
        if times < 1:
            raise ValueError("times must be at least 1")
        skip = int(raw.get("skip", 0))
        if skip < 0:
            raise ValueError("skip must not be negative")
        status = raw.get("status")
        return cls(
            operation=operation,
            error=str(raw["error"]),
            times=times,
            skip=skip,
            service=service,
            message=raw.get("message"),
            status=int(status) if status is not None else None,
        )

    def matches(self, service: str, operation: str) -> bool:
        return self.operation == operation and self.service in (None, service)

    def to_json(self) -> dict[str, Any]:
        return {k: v for k, v in self.__dict__.items() if v is not None}


class FaultRegistry:
    """Faults armed by tests, consumed in arrival order."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._faults: list[Fault] = []

    def arm(self, faults: Iterable[Fault]) -> None:
        with self._lock:
            self._faults.extend(faults)

    def clear(self) -> None:
        with self._lock:
            self._faults.clear()

    def pending(self) -> list[dict[str, Any]]:
        with self._lock:
            return [f.to_json() for f in self._faults]

    def take(
        self, service: str, operation: str, kinds: Callable[[str], bool]
    ) -> Fault | None:
        """Consume one use of the first armed fault for this call whose error
        kind satisfies `kinds`."""
        with self._lock:
            for fault in self._faults:
                if fault.matches(service, operation) and kinds(fault.error):
                    if fault.skip > 0:
                        # This call goes through; the fault waits for a later one.
                        fault.skip -= 1
                        continue
                    fault.times -= 1
                    if fault.times == 0:
                        self._faults.remove(fault)
                    return fault
        return None


CALLS = CallLog()
FAULTS = FaultRegistry()


def fault_exception(fault: Fault, service: str, response: BaseResponse) -> InjectedFault:
    """The exception AWS would return for `fault` on this service."""
    generic = GENERIC_FAULTS.get(fault.error)
    if generic is not None:
        code, status, message = generic.get(service, generic["*"])
    elif fault.error == "ResourceInUseException":
        code, status, message = fault.error, 409, _in_use_message(response)
    else:
        code, status, message = fault.error, 400, f"Injected {fault.error}"
    return InjectedFault(code, fault.message or message, fault.status or status)


def _in_use_message(response: BaseResponse) -> str:
    # Wording of real EKS: aws-controllers-k8s/community#1192 (update) and
    # aws/containers-roadmap#1511 (delete).
    name = response.uri_match.get("name", "cluster") if response.uri_match else "cluster"
    if response.method == "DELETE":
        return f"Cannot delete because cluster {name} currently has an update in progress"
    return (
        f"Cannot EndpointAccessUpdate because cluster {name} currently has "
        f"update {uuid.uuid4()} in progress"
    )


def install_call_hook() -> None:
    """Wrap moto's single dispatch point so every AWS call is counted and may
    be failed by an armed fault before moto sees it."""
    original = BaseResponse.call_action

    def call_action(self: BaseResponse) -> Any:
        service = str(self.service_name or "unknown")
        operation = self._get_action() or "Unknown"
        CALLS.record(service, operation)
        fault = FAULTS.take(service, operation, lambda e: e not in DEFERRED_FAULTS)
        if fault is None:
            return original(self)
        error = fault_exception(fault, service, self)
        status, headers, body = self.serialized(ActionResult(error))
        headers["status"] = str(error.status)
        return error.status, headers, body

    BaseResponse.call_action = call_action  # type: ignore[method-assign]


@dataclass
class ControlSettings:
    """What GET /_emulator/health reports, and how to reset moto."""

    mode: str
    moto_version: str
    timings: dict[str, float]
    reset_aws_state: Callable[[], None]


class ControlApp:
    """WSGI middleware: serves /_emulator/* itself and passes the rest on."""

    PREFIX = "/_emulator/"

    def __init__(self, inner: Callable[..., Any], settings: ControlSettings) -> None:
        self.inner = inner
        self.settings = settings

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        path = environ.get("PATH_INFO", "")
        if not path.startswith(self.PREFIX):
            return self.inner(environ, start_response)
        method = environ.get("REQUEST_METHOD", "GET")
        try:
            status, body = self.route(method, path[len(self.PREFIX):].rstrip("/"), environ)
        except (ValueError, KeyError, TypeError) as err:
            status, body = 400, {"error": f"bad request: {err}"}
        payload = json.dumps(body, indent=1).encode()
        start_response(
            f"{status} {'OK' if status < 400 else 'Error'}",
            [("Content-Type", "application/json"), ("Content-Length", str(len(payload)))],
        )
        return [payload]

    def route(self, method: str, route: str, environ: dict[str, Any]) -> tuple[int, Any]:
        if (method, route) == ("GET", "health"):
            return 200, {
                "mode": self.settings.mode,
                "moto": self.settings.moto_version,
                "timings": self.settings.timings,
            }
        if (method, route) == ("GET", "calls"):
            return 200, CALLS.snapshot()
        if (method, route) == ("POST", "calls/reset"):
            CALLS.reset()
            return 200, {"reset": "calls"}
        if (method, route) == ("GET", "faults"):
            return 200, {"faults": FAULTS.pending()}
        if (method, route) == ("POST", "faults"):
            raw = json.loads(_read_body(environ) or "null")
            faults = [Fault.from_json(r) for r in (raw if isinstance(raw, list) else [raw])]
            FAULTS.arm(faults)
            return 200, {"armed": [f.to_json() for f in faults]}
        if (method, route) in (("DELETE", "faults"), ("POST", "faults/reset")):
            FAULTS.clear()
            return 200, {"reset": "faults"}
        if (method, route) == ("POST", "reset"):
            FAULTS.clear()
            CALLS.reset()
            self.settings.reset_aws_state()
            return 200, {"reset": "all"}
        return 404, {"error": f"no control endpoint {method} /_emulator/{route}"}


def _read_body(environ: dict[str, Any]) -> str:
    length = int(environ.get("CONTENT_LENGTH") or 0)
    return environ["wsgi.input"].read(length).decode() if length else ""
