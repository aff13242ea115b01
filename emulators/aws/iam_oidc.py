"""IAM OpenID Connect providers as the IAM API reference documents them.

Owns: AddClientIDToOpenIDConnectProvider and RemoveClientIDFromOpenIDConnectProvider, which
moto 5.2.5 does not implement (an IRSA provider's audiences change through them).
https://docs.aws.amazon.com/IAM/latest/APIReference/API_AddClientIDToOpenIDConnectProvider.html
("This operation is idempotent; it does not fail or return an error if you add an existing
client ID to the provider.")
https://docs.aws.amazon.com/IAM/latest/APIReference/API_RemoveClientIDFromOpenIDConnectProvider.html
("This operation is idempotent; it does not fail or return an error if you try to remove a
client ID that does not exist.")
Must not: change how providers are stored or described.
"""

from __future__ import annotations

from typing import Any

from moto.core.responses import EmptyResult
from moto.iam.responses import IamResponse


def _add_client_id(self: IamResponse) -> Any:
    provider = self.backend.get_open_id_connect_provider(self._get_param("OpenIDConnectProviderArn"))
    client_id = self._get_param("ClientID")
    if client_id not in provider.client_id_list:
        provider.client_id_list.append(client_id)
    return EmptyResult()


def _remove_client_id(self: IamResponse) -> Any:
    provider = self.backend.get_open_id_connect_provider(self._get_param("OpenIDConnectProviderArn"))
    client_id = self._get_param("ClientID")
    if client_id in provider.client_id_list:
        provider.client_id_list.remove(client_id)
    return EmptyResult()


def install() -> None:
    IamResponse.add_client_id_to_open_id_connect_provider = _add_client_id  # type: ignore[attr-defined]
    IamResponse.remove_client_id_from_open_id_connect_provider = _remove_client_id  # type: ignore[attr-defined]
