"""A stand-in for Microsoft Entra ID's token endpoint, and ARM's bearer-token check.

Owns: the client-credentials grant at `POST /{tenant}/oauth2/v2.0/token` (the URL
azure_identity's ClientSecretCredential builds: `{authority_host}/{tenant_id}/oauth2/v2.0/token`)
and the v1 form `POST /{tenant}/oauth2/token`; the set of tokens issued; and the 401 ARM
sends when a request carries no token or one this emulator did not issue.
Must not: look at what a token is for. Any scope (or v1 `resource`) is accepted, so a
client may ask for `{endpoint}/.default` or `https://management.azure.com/.default`.

Error bodies follow Entra ID's OAuth error format, e.g. AADSTS7000215 for a wrong secret:
https://learn.microsoft.com/entra/identity-platform/reference-error-codes
"""

from __future__ import annotations

import secrets
import threading
from urllib.parse import parse_qs

from errors import ArmError

TOKEN_LIFETIME_SECONDS = 3599


class OAuthError(Exception):
    """An error of the token endpoint, in OAuth 2.0's format rather than ARM's."""

    def __init__(self, status: int, error: str, description: str) -> None:
        super().__init__(description)
        self.status = status
        self.error = error
        self.description = description

    def body(self) -> dict[str, object]:
        return {"error": self.error, "error_description": self.description}


class TokenIssuer:
    """Issues opaque bearer tokens for the one accepted client secret and checks them."""

    def __init__(self, client_secret: str) -> None:
        self.client_secret = client_secret
        self._lock = threading.Lock()
        self._issued: dict[str, str] = {}  # token -> the tenant it was issued for

    def issue(self, tenant: str, form_body: str) -> dict[str, object]:
        form = {k: v[0] for k, v in parse_qs(form_body, keep_blank_values=True).items()}
        if form.get("grant_type") != "client_credentials":
            raise OAuthError(
                400,
                "unsupported_grant_type",
                f"AADSTS70003: The app requested an unsupported grant type '{form.get('grant_type', '')}'.",
            )
        if not form.get("client_id"):
            raise OAuthError(400, "invalid_request", "AADSTS900144: The request body must contain the following parameter: 'client_id'.")
        if "client_secret" not in form:
            raise OAuthError(
                400,
                "invalid_request",
                "AADSTS7000216: 'client_assertion', 'client_secret' or 'request' is required for the 'client_credentials' grant type.",
            )
        if form["client_secret"] != self.client_secret:
            raise OAuthError(
                401,
                "invalid_client",
                f"AADSTS7000215: Invalid client secret provided. Ensure the secret being sent in the request "
                f"is the client secret value, not the client secret ID, for a secret added to app "
                f"'{form['client_id']}'. Tenant '{tenant}'.",
            )
        token = secrets.token_urlsafe(32)
        with self._lock:
            self._issued[token] = tenant
        return {
            "token_type": "Bearer",
            "expires_in": TOKEN_LIFETIME_SECONDS,
            "ext_expires_in": TOKEN_LIFETIME_SECONDS,
            "access_token": token,
        }

    def check(self, authorization: str | None) -> str:
        """The tenant of the caller's token. Raises the 401 ARM returns unless
        `authorization` is `Bearer <a token this emulator issued>`."""
        if not authorization:
            raise _unauthorized(
                "AuthenticationFailed",
                "Authentication failed. The 'Authorization' header is missing.",
                "The authentication failed because of missing 'Authorization' header.",
            )
        scheme, _, token = authorization.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise _unauthorized(
                "AuthenticationFailed",
                "Authentication failed. The 'Authorization' header is provided in an invalid format.",
                "The authentication failed because of an invalid 'Authorization' header format.",
            )
        with self._lock:
            tenant = self._issued.get(token.strip())
        if tenant is None:
            raise _unauthorized(
                "InvalidAuthenticationToken",
                "The access token is invalid.",
                "The access token is invalid.",
            )
        return tenant


def _unauthorized(code: str, message: str, description: str) -> ArmError:
    challenge = f'Bearer authorization_uri="https://login.microsoftonline.com/", error="invalid_token", error_description="{description}"'
    return ArmError(401, code, message, headers={"WWW-Authenticate": challenge})
