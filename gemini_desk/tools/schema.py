"""MCP tool schemas in the form Gemini accepts, and the names the model calls them by.

An MCP tool describes its arguments with JSON Schema (draft 2020-12 or 07, as written
by pydantic, zod and friends). Gemini's ``FunctionDeclaration.parameters`` takes an
OpenAPI-style subset: upper-case ``type``, ``nullable`` instead of ``"null"`` types, no
``$ref``, no ``additionalProperties``… and rejects a setup that carries anything else.
:func:`to_gemini_schema` keeps what Gemini understands, inlines references, and drops
the rest. Pure functions, no I/O.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

# JSON Schema type → Gemini Type.
_TYPES = {
    "string": "STRING",
    "number": "NUMBER",
    "integer": "INTEGER",
    "boolean": "BOOLEAN",
    "array": "ARRAY",
    "object": "OBJECT",
}
# The formats Gemini takes, per type; any other is dropped.
_FORMATS = {
    "STRING": frozenset({"enum", "date-time"}),
    "NUMBER": frozenset({"float", "double"}),
    "INTEGER": frozenset({"int32", "int64"}),
}
# How many times a reference may be inlined inside itself (a recursive schema stops
# there), and how many references deep any schema may go.
MAX_REF_DEPTH = 3
_MAX_REFS = 32
MAX_NAME_LENGTH = 64
_NAME_BAD_CHARS = re.compile(r"[^A-Za-z0-9_.-]")
_CLEAN_SERVER = re.compile(r"[A-Za-z][A-Za-z0-9.-]*(?:_[A-Za-z0-9.-]+)*")
_CLEAN_TOOL = re.compile(r"[A-Za-z0-9_.-]+")
_HASH_LENGTH = 8


def to_gemini_schema(json_schema: Mapping[str, Any]) -> dict[str, Any] | None:
    """``json_schema`` (an MCP tool's ``inputSchema``) as a Gemini ``Schema`` dict, or
    None when the tool takes no arguments (an object without properties)."""
    converted = _Converter(json_schema).convert(json_schema, refs=())
    if converted.get("type") != "OBJECT" or not converted.get("properties"):
        return None
    return converted


def declared_name(server: str, tool: str) -> str:
    """The function name the model sees for ``tool`` of MCP server ``server``.

    ``server__tool`` when that is already a valid name (letters, digits, ``_.-``,
    starting with a letter, at most 64 characters) and reads back unambiguously (the
    server's name has no ``__`` and does not end in ``_``). Otherwise the cleaned-up
    name, cut to fit, with a short hash of the original pair: stable across runs, and
    different for every (server, tool) pair.
    """
    plain = f"{server}__{tool}"
    if (
        _CLEAN_SERVER.fullmatch(server)
        and _CLEAN_TOOL.fullmatch(tool)
        and len(plain) <= MAX_NAME_LENGTH
    ):
        return plain
    digest = hashlib.sha256(f"{server}\x00{tool}".encode()).hexdigest()[:_HASH_LENGTH]
    cleaned = _NAME_BAD_CHARS.sub("_", plain)
    if not re.match(r"[A-Za-z_]", cleaned):
        cleaned = f"_{cleaned}"
    room = MAX_NAME_LENGTH - _HASH_LENGTH - 1
    return f"{cleaned[:room]}_{digest}"


class _Converter:
    """One conversion: knows the root document, for ``$ref`` look-ups."""

    def __init__(self, root: Mapping[str, Any]) -> None:
        self._root = root

    def convert(self, node: Any, refs: tuple[str, ...]) -> dict[str, Any]:
        """``node`` converted; ``refs`` are the references being inlined around it."""
        if not isinstance(node, Mapping):
            # ``true`` / ``{}`` (anything goes) and malformed nodes: a string is the
            # most useful thing the model can send.
            return {"type": "STRING"}
        flat = self._flatten(node, refs)
        if isinstance(flat, _Unresolved):
            return flat.as_object()
        node, refs = flat
        out: dict[str, Any] = {}
        for key in ("title", "description"):
            if isinstance(node.get(key), str) and node[key]:
                out[key] = node[key]
        types, nullable = _declared_types(node)
        if len(types) > 1:
            out["anyOf"] = [self._bare({**node, "type": t}, refs) for t in types]
        elif not types and not _any_of_branches(node):
            types = [_inferred_type(node)]
        if nullable:
            out["nullable"] = True
        if len(types) == 1:
            out["type"] = _TYPES[types[0]]
            self._typed_keys(node, out, refs)
        elif not types:
            self._any_of(node, out, refs)
        if node.get("default") is not None:
            out["default"] = node["default"]
        return out

    def _bare(self, node: Mapping[str, Any], refs: tuple[str, ...]) -> dict[str, Any]:
        """A branch of a multi-type node, without the words the node itself carries."""
        branch = self.convert(node, refs)
        for key in ("title", "description", "default", "nullable"):
            branch.pop(key, None)
        return branch

    # -- references and composition ------------------------------------------------

    def _flatten(
        self, node: Mapping[str, Any], refs: tuple[str, ...]
    ) -> tuple[dict[str, Any], tuple[str, ...]] | _Unresolved:
        """``node`` with its ``$ref`` inlined and its ``allOf`` merged into it, and the
        references inlined on the way there."""
        flat = dict(node)
        ref = flat.pop("$ref", None)
        if isinstance(ref, str):
            target = self._resolve(ref)
            if target is None or refs.count(ref) >= MAX_REF_DEPTH or len(refs) >= _MAX_REFS:
                return _Unresolved(ref, flat, target or {})
            inner = self._flatten(target, (*refs, ref))
            if isinstance(inner, _Unresolved):
                return inner
            # The referring node's own keys (a description beside the $ref) win.
            flat, refs = {**inner[0], **flat}, inner[1]
        all_of = flat.pop("allOf", None)
        if isinstance(all_of, list):
            for part in all_of:
                if not isinstance(part, Mapping):
                    continue
                inner = self._flatten(part, refs)
                if isinstance(inner, _Unresolved):
                    return inner
                flat = _merge(flat, inner[0])
        return flat, refs

    def _resolve(self, ref: str) -> Mapping[str, Any] | None:
        """The schema a local ``$ref`` (``#/$defs/Name``, ``#/definitions/Name``) names."""
        if not ref.startswith("#"):
            return None
        node: Any = self._root
        for raw in ref[1:].split("/")[1:]:
            part = raw.replace("~1", "/").replace("~0", "~")
            if not isinstance(node, Mapping) or part not in node:
                return None
            node = node[part]
        return node if isinstance(node, Mapping) else None

    def _any_of(self, node: Mapping[str, Any], out: dict[str, Any], refs: tuple[str, ...]) -> None:
        """``anyOf``/``oneOf``: one real branch beside ``null`` becomes that branch,
        nullable (pydantic's ``X | None``); several stay an ``anyOf``."""
        branches = _any_of_branches(node)
        if any(_is_null(b) for b in branches):
            out["nullable"] = True
        converted = [self.convert(b, refs) for b in branches if not _is_null(b)]
        if len(converted) == 1:
            for key, value in converted[0].items():
                out.setdefault(key, value)
        elif converted:
            out["anyOf"] = converted
        else:
            out["type"] = "STRING"

    # -- per type -------------------------------------------------------------------

    def _typed_keys(
        self, node: Mapping[str, Any], out: dict[str, Any], refs: tuple[str, ...]
    ) -> None:
        gemini_type = out["type"]
        fmt = node.get("format")
        if isinstance(fmt, str) and fmt in _FORMATS.get(gemini_type, ()):
            out["format"] = fmt
        _enum(node, out)
        if gemini_type in ("NUMBER", "INTEGER"):
            _copy_numbers(node, out, ("minimum", "maximum"))
        elif gemini_type == "STRING":
            _copy_numbers(node, out, ("minLength", "maxLength"))
            if isinstance(node.get("pattern"), str):
                out["pattern"] = node["pattern"]
        elif gemini_type == "ARRAY":
            _copy_numbers(node, out, ("minItems", "maxItems"))
            out["items"] = self.convert(_items(node), refs)
        elif gemini_type == "OBJECT":
            self._object(node, out, refs)

    def _object(self, node: Mapping[str, Any], out: dict[str, Any], refs: tuple[str, ...]) -> None:
        properties = node.get("properties")
        if not isinstance(properties, Mapping) or not properties:
            return
        out["properties"] = {
            str(name): self.convert(schema, refs) for name, schema in properties.items()
        }
        required = node.get("required")
        if isinstance(required, list):
            names = [r for r in dict.fromkeys(required) if isinstance(r, str) and r in properties]
            if names:
                out["required"] = names


@dataclass(frozen=True, slots=True)
class _Unresolved:
    """A reference not inlined (too deep, or nowhere to be found)."""

    ref: str
    node: Mapping[str, Any]  # the referring node's own keys
    target: Mapping[str, Any]  # what it points to, if found

    def as_object(self) -> dict[str, Any]:
        """An OBJECT that says what it stands for."""
        description = self.node.get("description") or self.target.get("description")
        title = self.node.get("title") or self.target.get("title") or self.ref.rsplit("/", 1)[-1]
        if not isinstance(description, str) or not description:
            description = f"A {title} object."
        return {"type": "OBJECT", "description": description}


def _declared_types(node: Mapping[str, Any]) -> tuple[list[str], bool]:
    """The node's JSON types (known ones, in order) and whether ``null`` is allowed."""
    raw = node.get("type")
    names = [raw] if isinstance(raw, str) else list(raw) if isinstance(raw, list) else []
    nullable = "null" in names or node.get("nullable") is True
    enum = node.get("enum")
    if isinstance(enum, list) and None in enum:
        nullable = True
    if "const" in node and node["const"] is None:
        nullable = True
    known = [n for n in dict.fromkeys(names) if isinstance(n, str) and n in _TYPES]
    if "integer" in known and "number" in known:
        known.remove("integer")
    if not known and names == ["null"]:
        known = ["string"]  # null only: say it is a nullable string
    return known, nullable


def _any_of_branches(node: Mapping[str, Any]) -> list[Any]:
    for key in ("anyOf", "oneOf"):
        value = node.get(key)
        if isinstance(value, list) and value:
            return value
    return []


def _is_null(branch: Any) -> bool:
    return isinstance(branch, Mapping) and branch.get("type") == "null"


def _inferred_type(node: Mapping[str, Any]) -> str:
    """A type for a node that declares none, from the keys it has."""
    if isinstance(node.get("properties"), Mapping):
        return "object"
    if "items" in node or "prefixItems" in node:
        return "array"
    values = _enum_values(node)
    if values:
        kinds = {_json_type(v) for v in values}
        if len(kinds) == 1:
            return kinds.pop()
    return "string"


def _json_type(value: Any) -> str:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, Mapping):
        return "object"
    if isinstance(value, list):
        return "array"
    return "string"


def _enum_values(node: Mapping[str, Any]) -> list[Any]:
    if "const" in node and node["const"] is not None:
        return [node["const"]]
    enum = node.get("enum")
    return [v for v in enum if v is not None] if isinstance(enum, list) else []


def _enum(node: Mapping[str, Any], out: dict[str, Any]) -> None:
    """String choices as ``enum``; other choices said in the description (Gemini's
    ``enum`` takes strings only)."""
    values = _enum_values(node)
    if not values:
        return
    if out["type"] == "STRING":
        out["enum"] = [str(v) for v in values]
        return
    allowed = ", ".join(_literal(v) for v in values)
    sentence = f"Allowed values: {allowed}."
    out["description"] = f"{out['description']} {sentence}" if "description" in out else sentence


def _literal(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _copy_numbers(node: Mapping[str, Any], out: dict[str, Any], keys: Sequence[str]) -> None:
    for key in keys:
        value = node.get(key)
        if isinstance(value, int | float) and not isinstance(value, bool):
            out[key] = value


def _items(node: Mapping[str, Any]) -> Any:
    """The schema of an array's items (a tuple's first, if it is one; any if none).
    Gemini rejects an ARRAY without ``items``."""
    items = node.get("items")
    if isinstance(items, Mapping):
        return items
    for tuple_items in (node.get("prefixItems"), items):
        if isinstance(tuple_items, list) and tuple_items:
            return tuple_items[0]
    return {"type": "string"}


def _merge(base: Mapping[str, Any], part: Mapping[str, Any]) -> dict[str, Any]:
    """``allOf`` merge: properties and required add up; other keys keep the first value."""
    merged = dict(base)
    for key, value in part.items():
        if key == "properties" and isinstance(value, Mapping):
            properties = dict(merged.get("properties") or {})
            for name, schema in value.items():
                properties.setdefault(name, schema)
            merged["properties"] = properties
        elif key == "required" and isinstance(value, list):
            merged["required"] = list(dict.fromkeys([*(merged.get("required") or []), *value]))
        elif key not in merged:
            merged[key] = value
    return merged
