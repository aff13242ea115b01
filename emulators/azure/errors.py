"""The ARM error a handler raises, and the JSON body ARM sends for it.

Owns: the shape `{"error": {"code", "message", "target"?, "details"?}}` of the common
`ErrorResponse` definition (spec/common-types/resource-management/v6/types.json), and
the extra headers an error may carry (Retry-After on throttling, WWW-Authenticate on 401).
Must not: decide when an error happens; callers do.
"""

from __future__ import annotations

from typing import Any


class ArmError(Exception):
    """An error response in ARM's format."""

    def __init__(
        self,
        status: int,
        code: str,
        message: str,
        target: str | None = None,
        details: list[dict[str, Any]] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(f"{status} {code}: {message}")
        self.status = status
        self.code = code
        self.message = message
        self.target = target
        self.details = details or []
        self.headers = headers or {}

    def body(self) -> dict[str, Any]:
        error: dict[str, Any] = {"code": self.code, "message": self.message}
        if self.target:
            error["target"] = self.target
        if self.details:
            error["details"] = self.details
        return {"error": error}


def bad_request(code: str, message: str, target: str | None = None) -> ArmError:
    return ArmError(400, code, message, target)
