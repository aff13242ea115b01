"""The AKS swagger as a request validator.

Owns: loading `spec/2026-10-01/managedClusters.json` and the common-types files it
points at, resolving `$ref` (local and external) and `allOf`, checking a request body
against a definition, and removing what a client may not send (`readOnly`) or may not
read back (`x-ms-secret`).
Must not: know anything about clusters beyond what the swagger says; the service's
own rules live in rejections.py.

What is checked: object properties (unknown ones are errors), `additionalProperties`
maps, arrays, the JSON types string/integer/number/boolean/object, `enum` (compared
case-insensitively, as ARM compares enum values) and `required`. Formats, patterns and
numeric ranges are not checked: the swagger's regexes are ECMAScript and the service
accepts values (such as `kubernetesVersion: ""` in Microsoft's own examples) that a
strict reading of them would not.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

SPEC_DIR = Path(__file__).resolve().parent / "spec"
SWAGGER = SPEC_DIR / "2026-10-01" / "managedClusters.json"

# Values the service accepts although the 2026-10-01 enum no longer lists them.
# `Basic` was the SKU name before it was renamed `Base`; Microsoft's 2026-08-01 examples
# (spec/2026-08-01/examples/ManagedClustersCreate_*.json) still send it, and the
# emulator must accept Microsoft's own examples.
LEGACY_ENUM_VALUES: dict[str, tuple[str, ...]] = {"ManagedClusterSKUName": ("Basic",)}

JSON_TYPE_NAMES = {
    "string": "String",
    "integer": "Int32",
    "number": "Double",
    "boolean": "Boolean",
    "object": "Object",
    "array": "Array",
}


@dataclass
class Problem:
    """One way a request body differs from the schema."""

    path: str
    message: str


@dataclass
class Schema:
    """A schema with its `$ref`s and `allOf`s flattened, as validation sees it."""

    name: str
    type: str | None = None
    properties: dict[str, "Schema"] = field(default_factory=dict)
    required: list[str] = field(default_factory=list)
    additional: "Schema | None" = None
    free_form: bool = False
    items: "Schema | None" = None
    enum: list[str] | None = None
    read_only: bool = False
    secret: bool = False


class Spec:
    """The swagger documents, loaded once, and the flattened schemas built from them."""

    def __init__(self, root: Path = SPEC_DIR, swagger: Path = SWAGGER) -> None:
        self.root = root
        self.swagger_path = swagger
        self._docs: dict[Path, Any] = {}
        self._cache: dict[tuple[Path, str], Schema] = {}
        self.swagger = self._doc(swagger)

    # -- loading and $ref resolution -------------------------------------------------

    def _doc(self, path: Path) -> Any:
        path = path.resolve()
        if path not in self._docs:
            self._docs[path] = json.loads(path.read_text(encoding="utf-8"))
        return self._docs[path]

    def _file_of(self, ref_file: str, doc: Path) -> Path:
        # The swagger's external refs are written for the azure-rest-api-specs layout
        # (`../../../../../../common-types/...`); here common-types sits in spec/.
        marker = "common-types/"
        if marker in ref_file:
            return (self.root / ref_file[ref_file.index(marker):]).resolve()
        return Path(os.path.normpath(doc.parent / ref_file))

    def _target(self, ref: str, doc: Path) -> tuple[Any, Path, str]:
        ref_file, _, pointer = ref.partition("#")
        target_doc = self._file_of(ref_file, doc) if ref_file else doc
        node = self._doc(target_doc)
        for part in filter(None, pointer.split("/")):
            node = node[part.replace("~1", "/").replace("~0", "~")]
        return node, target_doc, pointer.rsplit("/", 1)[-1]

    def definition(self, name: str) -> Schema:
        """The flattened schema of a definition of the swagger, e.g. `ManagedCluster`."""
        return self._flatten({"$ref": f"#/definitions/{name}"}, self.swagger_path.resolve(), name)

    def operation_ids(self) -> set[str]:
        return {
            op["operationId"]
            for path in self.swagger["paths"].values()
            for op in path.values()
            if isinstance(op, dict) and "operationId" in op
        }

    # -- flattening ------------------------------------------------------------------

    def _flatten(self, node: dict[str, Any], doc: Path, name: str) -> Schema:
        read_only = bool(node.get("readOnly"))
        secret = bool(node.get("x-ms-secret"))
        if "$ref" in node:
            target, target_doc, target_name = self._target(node["$ref"], doc)
            key = (target_doc, node["$ref"].partition("#")[2])
            if key not in self._cache:
                # Insert before recursing: definitions refer to themselves (ErrorDetail).
                self._cache[key] = Schema(name=target_name)
                self._fill(self._cache[key], target, target_doc)
            schema = self._cache[key]
            if read_only or secret:
                # `readOnly` next to a `$ref` marks this use of the type, not the type.
                schema = Schema(**{**schema.__dict__, "read_only": read_only or schema.read_only,
                                   "secret": secret or schema.secret})
            return schema
        schema = Schema(name=name)
        self._fill(schema, node, doc)
        return schema

    def _fill(self, schema: Schema, node: dict[str, Any], doc: Path) -> None:
        for parent in node.get("allOf", []):
            base = self._flatten(parent, doc, schema.name)
            schema.properties.update(base.properties)
            schema.required.extend(base.required)
            schema.type = schema.type or base.type
        schema.type = node.get("type", schema.type)
        if schema.type is None and (node.get("properties") or node.get("allOf")):
            schema.type = "object"
        schema.read_only = schema.read_only or bool(node.get("readOnly"))
        schema.secret = schema.secret or bool(node.get("x-ms-secret"))
        for prop, sub in node.get("properties", {}).items():
            schema.properties[prop] = self._flatten(sub, doc, prop)
        schema.required.extend(node.get("required", []))
        extra = node.get("additionalProperties")
        if isinstance(extra, dict):
            schema.additional = self._flatten(extra, doc, schema.name)
        elif extra is True or (schema.type == "object" and not schema.properties and not node.get("allOf")):
            # An object with no declared members is free-form in Swagger 2.0.
            schema.free_form = True
        if "items" in node:
            schema.items = self._flatten(node["items"], doc, schema.name)
        if "enum" in node:
            schema.enum = [str(v) for v in node["enum"]] + list(LEGACY_ENUM_VALUES.get(schema.name, ()))

    # -- validation --------------------------------------------------------------------

    def validate(self, definition: str, body: Any) -> tuple[Any, list[Problem]]:
        """Checks `body` against a definition. Returns the body without the `readOnly`
        members a client sent back (they are ignored, as ARM ignores them), and every
        problem found, in document order."""
        problems: list[Problem] = []
        cleaned = _check(self.definition(definition), body, "", problems)
        return cleaned, problems

    def without_secrets(self, definition: str, body: Any) -> Any:
        """`body` without its `x-ms-secret` members: the service never returns them."""
        return _strip_secrets(self.definition(definition), body)


def _join(path: str, member: str) -> str:
    return f"{path}.{member}" if path else member


def _type_ok(expected: str | None, value: Any) -> bool:
    if expected is None:
        return True
    if expected == "string":
        return isinstance(value, str)
    if expected == "boolean":
        return isinstance(value, bool)
    if expected == "integer":
        return isinstance(value, int) and not isinstance(value, bool)
    if expected == "number":
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    if expected == "object":
        return isinstance(value, dict)
    if expected == "array":
        return isinstance(value, list)
    return True


def _describe(value: Any) -> str:
    return json.dumps(value) if not isinstance(value, (dict, list)) else type(value).__name__


def _check(schema: Schema, value: Any, path: str, problems: list[Problem]) -> Any:
    where = path or "(root)"
    if value is None:
        return None
    if not _type_ok(schema.type, value):
        expected = JSON_TYPE_NAMES.get(schema.type or "", schema.type)
        problems.append(Problem(path, f"Error converting value {_describe(value)} to type '{expected}'. Path '{where}'."))
        return value
    if schema.enum is not None and isinstance(value, str):
        if value.lower() not in {v.lower() for v in schema.enum}:
            allowed = ", ".join(v for v in schema.enum if v not in LEGACY_ENUM_VALUES.get(schema.name, ()))
            problems.append(Problem(path, f"The value {json.dumps(value)} is not valid for '{where}' ({schema.name}). The allowed values are: {allowed}."))
        return value
    if isinstance(value, list):
        return [_check(schema.items, v, f"{path}[{i}]", problems) if schema.items else v for i, v in enumerate(value)]
    if isinstance(value, dict) and schema.type in ("object", None):
        return _check_object(schema, value, path, problems)
    return value


def _check_object(schema: Schema, value: dict[str, Any], path: str, problems: list[Problem]) -> dict[str, Any]:
    cleaned: dict[str, Any] = {}
    for member, sub in value.items():
        declared = schema.properties.get(member)
        if sub is None:
            # JSON null means "not set" to the service's deserializer.
            continue
        if declared is not None:
            if declared.read_only:
                continue
            cleaned[member] = _check(declared, sub, _join(path, member), problems)
        elif schema.additional is not None:
            cleaned[member] = _check(schema.additional, sub, _join(path, member), problems)
        elif schema.free_form or not schema.properties:
            cleaned[member] = sub
        else:
            problems.append(Problem(_join(path, member), f"Could not find member '{member}' on object of type '{schema.name}'. Path '{_join(path, member)}'."))
    for member in schema.required:
        declared = schema.properties.get(member)
        if value.get(member) is None and not (declared and declared.read_only):
            problems.append(Problem(_join(path, member), f"Required property '{member}' not found in JSON. Path '{path or '(root)'}'."))
    return cleaned


def _strip_secrets(schema: Schema | None, value: Any) -> Any:
    if schema is None:
        return value
    if isinstance(value, list):
        return [_strip_secrets(schema.items, v) for v in value]
    if not isinstance(value, dict):
        return value
    out: dict[str, Any] = {}
    for member, sub in value.items():
        declared = schema.properties.get(member, schema.additional)
        if declared is not None and declared.secret:
            continue
        out[member] = _strip_secrets(declared, sub)
    return out
