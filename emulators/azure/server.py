"""The HTTP side of the emulator: one request in, one operation dispatched, one response out.

Owns: reading requests and writing JSON responses (HTTP/1.1, keep-alive), the order
of the checks every ARM request goes through — count the call, check the bearer
token, the api-version and the path parameters, apply an armed fault, then run the
operation — and the one log line per request that `--verbose` asks for.
Must not: hold cluster state (clusters.py) or decide what is valid (spec.py,
rejections.py, routes.py).
"""

from __future__ import annotations

import json
import re
import sys
import uuid
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Callable
from urllib.parse import parse_qs, urlsplit

import auth
from clusters import ClusterStore, Timings
from control import EXTRA_OPERATIONS, CallLog, Controls, Fault, FaultRegistry
from errors import ArmError
from operations import result_response
from routes import Match, RouteTable, check_api_version, check_path_params
from spec import Spec

Headers = dict[str, str]
Reply = tuple[int, Headers, Any]


@dataclass
class Settings:
    timings: Timings
    retry_after: int = 1
    client_secret: str = "emulator-secret"
    verbose: bool = False


@dataclass
class Request:
    method: str
    path: str
    query: dict[str, str]
    headers: Any  # http.client.HTTPMessage: case-insensitive get()
    body: bytes
    base_url: str
    operation: str = field(default="Unknown")

    def json(self) -> Any:
        if not self.body.strip():
            raise ArmError(400, "InvalidRequestContent", "The request content was invalid and could not be deserialized: 'the request body is empty'.")
        try:
            return json.loads(self.body)
        except (ValueError, UnicodeDecodeError) as err:
            raise ArmError(400, "InvalidRequestContent", f"The request content was invalid and could not be deserialized: '{err}'.") from None


class App:
    """Everything one emulator process holds, and the dispatch of a request."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.spec = Spec()
        self.routes = RouteTable(self.spec)
        self.calls = CallLog()
        self.faults = FaultRegistry()
        self.store = ClusterStore(self.spec, settings.timings, self.faults)
        self.tokens = auth.TokenIssuer(settings.client_secret)
        self.controls = Controls(
            calls=self.calls,
            faults=self.faults,
            known_operations=self.spec.operation_ids() | set(EXTRA_OPERATIONS),
            health={"emulator": "azure-arm", "timings": settings.timings.__dict__, "retry_after": settings.retry_after},
            reset_azure=self.store.reset,
        )
        self.handlers: dict[str, Callable[[Request, dict[str, str], str, str], Reply]] = {
            "ManagedClusters_Get": self._get,
            "ManagedClusters_CreateOrUpdate": self._put,
            "ManagedClusters_UpdateTags": self._patch,
            "ManagedClusters_Delete": self._delete,
            "ManagedClusters_List": self._list,
            "ManagedClusters_ListByResourceGroup": self._list,
            "OperationStatus": self._operation_status,
            "OperationResult": self._operation_result,
        }

    def handle(self, req: Request) -> Reply:
        if req.path.startswith(Controls.PREFIX):
            req.operation = "control"
            status, body = self.controls.handle(req.method, req.path, req.body)
            return status, {}, body
        try:
            match = self.routes.match(req.method, req.path)
        except ArmError as err:
            self.calls.record("Unknown")
            return err.status, err.headers, err.body()
        if match is None:
            self.calls.record("Unknown")
            return 404, {}, ArmError(404, "NotFound", f"No route for {req.method} {req.path}.").body()
        req.operation = match.operation
        self.calls.record(match.operation)
        if match.operation == "Token":
            return self._token(req, match)
        try:
            return self._arm(req, match)
        except ArmError as err:
            return err.status, err.headers, err.body()

    # -- the checks every ARM request passes -----------------------------------------

    def _arm(self, req: Request, match: Match) -> Reply:
        tenant = self.tokens.check(req.headers.get("Authorization"))
        api_version = check_api_version(req.query.get("api-version"), self._location_hint(req, match), match.resource_type)
        check_path_params(match.params)
        fault = self.faults.take(match.operation, "status")
        if fault is not None:
            raise self._injected(fault)
        handler = self.handlers.get(match.operation)
        if handler is None:
            raise ArmError(501, "NotImplemented", f"The clusterform ARM emulator does not implement {match.operation}.")
        return handler(req, match.params, api_version, tenant)

    def _injected(self, fault: Fault) -> ArmError:
        code, message = fault.error()
        retry_after = fault.retry_after
        if retry_after is None and fault.status in (429, 503):
            retry_after = self.settings.retry_after
        headers = {"Retry-After": str(retry_after)} if retry_after is not None else {}
        return ArmError(fault.status or 500, code, message, headers=headers)

    def _location_hint(self, req: Request, match: Match) -> str:
        # Only for the wording of NoRegisteredProviderFound, which names a location.
        try:
            location = json.loads(req.body).get("location") if req.body.strip() else None
        except (ValueError, AttributeError):
            location = None
        location = location or match.params.get("location")
        if location is None and "resourceName" in match.params:
            location = self.store.location_of(match.params["subscriptionId"], match.params["resourceGroupName"], match.params["resourceName"])
        return str(location or "global")

    # -- operations --------------------------------------------------------------------

    def _token(self, req: Request, match: Match) -> Reply:
        fault = self.faults.take("Token", "status")
        if fault is not None:
            error = "temporarily_unavailable" if fault.status in (429, 503) else "server_error" if (fault.status or 500) >= 500 else "invalid_request"
            headers = {"Retry-After": str(fault.retry_after)} if fault.retry_after is not None else {}
            return fault.status or 500, headers, {"error": error, "error_description": fault.message or "AADSTS90033: A transient error has occurred. Please try again."}
        try:
            return 200, {"Cache-Control": "no-store"}, self.tokens.issue(match.params["tenant"], req.body.decode("utf-8", "replace"))
        except auth.OAuthError as err:
            return err.status, {}, err.body()

    def _get(self, req: Request, p: dict[str, str], api_version: str, tenant: str) -> Reply:
        return 200, {}, self.store.get(p["subscriptionId"], p["resourceGroupName"], p["resourceName"])

    def _put(self, req: Request, p: dict[str, str], api_version: str, tenant: str) -> Reply:
        status, body, op = self.store.put(
            p["subscriptionId"],
            p["resourceGroupName"],
            p["resourceName"],
            req.json(),
            tenant,
            if_match=req.headers.get("If-Match"),
            if_none_match=req.headers.get("If-None-Match"),
        )
        return status, op.headers(req.base_url, api_version, self.settings.retry_after, with_location=False), body

    def _patch(self, req: Request, p: dict[str, str], api_version: str, tenant: str) -> Reply:
        body, op = self.store.update_tags(p["subscriptionId"], p["resourceGroupName"], p["resourceName"], req.json(), if_match=req.headers.get("If-Match"))
        return 200, op.headers(req.base_url, api_version, self.settings.retry_after, with_location=False), body

    def _delete(self, req: Request, p: dict[str, str], api_version: str, tenant: str) -> Reply:
        op = self.store.delete(p["subscriptionId"], p["resourceGroupName"], p["resourceName"], if_match=req.headers.get("If-Match"))
        if op is None:
            return 204, {}, None
        return 202, op.headers(req.base_url, api_version, self.settings.retry_after, with_location=True), None

    def _list(self, req: Request, p: dict[str, str], api_version: str, tenant: str) -> Reply:
        return 200, {}, {"value": self.store.list(p["subscriptionId"], p.get("resourceGroupName"))}

    def _operation_status(self, req: Request, p: dict[str, str], api_version: str, tenant: str) -> Reply:
        op = self.store.operations.find(p["subscriptionId"], p["location"], p["operationId"])
        headers = {} if op.done() else {"Retry-After": str(self.settings.retry_after)}
        return 200, headers, op.status_body()

    def _operation_result(self, req: Request, p: dict[str, str], api_version: str, tenant: str) -> Reply:
        op = self.store.operations.find(p["subscriptionId"], p["location"], p["operationId"])
        return result_response(op, req.base_url, api_version, self.settings.retry_after)


class Handler(BaseHTTPRequestHandler):
    """Turns each HTTP request into a Request for App.handle."""

    protocol_version = "HTTP/1.1"
    server: "EmulatorServer"

    def _serve(self) -> None:
        url = urlsplit(self.path)
        # A client joining an endpoint that ends in "/" sends "//subscriptions/...".
        path = re.sub(r"/{2,}", "/", url.path)
        query = {k: v[-1] for k, v in parse_qs(url.query, keep_blank_values=True).items()}
        host = self.headers.get("Host") or f"127.0.0.1:{self.server.server_port}"
        req = Request(self.command, path, query, self.headers, self._read_body(), f"http://{host}")
        try:
            status, headers, body = self.server.app.handle(req)
        except Exception as err:  # noqa: BLE001 - a bug must answer 500, not drop the connection
            status, headers, body = 500, {}, ArmError(500, "InternalServerError", f"emulator bug: {err!r}").body()
        payload = b"" if body is None or status == 204 else json.dumps(body).encode()
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("x-ms-request-id", str(uuid.uuid4()))
        if payload:
            self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        if payload and self.command != "HEAD":
            self.wfile.write(payload)
        if self.server.app.settings.verbose:
            print(f"{self.command} {self.path} -> {status} ({req.operation})", file=sys.stderr, flush=True)

    def _read_body(self) -> bytes:
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            chunks = []
            while True:
                size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    self.rfile.readline()
                    return b"".join(chunks)
                chunks.append(self.rfile.read(size))
                self.rfile.readline()
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the base class's name
        # One line per request is written by _serve when --verbose is given.
        pass

    do_GET = do_PUT = do_PATCH = do_DELETE = do_POST = do_HEAD = _serve


class EmulatorServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, address: tuple[str, int], app: App) -> None:
        super().__init__(address, Handler)
        self.app = app

    def handle_error(self, request: Any, client_address: Any) -> None:
        # A client that hangs up (a test ending, a poller cancelled) is normal, not a
        # traceback on stderr; anything else is a bug worth showing.
        if isinstance(sys.exc_info()[1], ConnectionError):
            return
        super().handle_error(request, client_address)
