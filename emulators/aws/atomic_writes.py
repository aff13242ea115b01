"""Conditional writes as atomic as S3 and DynamoDB document them, which the state lock needs.

Owns: one lock around each S3 PutObject and DeleteObject and each DynamoDB PutItem,
UpdateItem and DeleteItem, so that checking a condition and writing are one step. moto 5.2.5
checks `If-None-Match: *`, `If-Match` and condition expressions, then writes, on a threaded
server: two simultaneous conditional writes to one key can both pass the check (seen: two
of 32 contenders won a PutObject race under load). AWS:
- "If two PUT requests are simultaneously made to the same key with If-None-Match, only one
  succeeds": https://docs.aws.amazon.com/AmazonS3/latest/userguide/conditional-writes.html
- condition expressions are evaluated and applied atomically:
  https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Expressions.ConditionExpressions.html
Must not: change what is written or which conditions fail; it only orders the requests.
"""

from __future__ import annotations

import functools
import threading
from typing import Any, Callable

from moto.dynamodb.responses import DynamoHandler
from moto.s3.responses import S3Response

LOCK = threading.RLock()


def _serialised(method: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(method)
    def run(self: Any, *args: Any, **kwargs: Any) -> Any:
        with LOCK:
            return method(self, *args, **kwargs)

    return run


def install() -> None:
    for cls, names in (
        (S3Response, ("put_object", "delete_object")),
        (DynamoHandler, ("put_item", "update_item", "delete_item")),
    ):
        for name in names:
            setattr(cls, name, _serialised(getattr(cls, name)))
