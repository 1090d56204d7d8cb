"""Sans-I/O tools of the sim: setup checks of function declarations, example arguments,
spotting "call <name>" and search questions in a turn, and what the answers say.

Facts followed: google-genai 3.6.1 ``types.Schema`` as the Gemini API takes it (the
OpenAPI subset below; the SDK itself refuses ``additionalProperties`` outside Vertex
and sends the Schema's other fields in snake_case, e.g. ``additional_properties``,
``defs``, ``ref``); ``FunctionDeclaration.parameters_json_schema`` is the documented
alternative taking JSON Schema as is, and is mutually exclusive with ``parameters``;
function names start with a letter or underscore and hold at most 64 of
``A-Za-z0-9_.:-``. Inferred, not stated by a source: the service names an unknown
Schema key in its reason; the sim names it in camelCase, as JSON Schema authors write it.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from .protocol import camel_case, get_key

FUNCTION_NAME_RE = re.compile(r"[A-Za-z_][A-Za-z0-9_.:-]{0,63}")
SCHEMA_KEYS: frozenset[str] = frozenset(
    {
        "type",
        "format",
        "description",
        "nullable",
        "enum",
        "maxItems",
        "minItems",
        "properties",
        "required",
        "items",
        "minimum",
        "maximum",
        "anyOf",
        "propertyOrdering",
        "title",
        "default",
        "example",
        "minLength",
        "maxLength",
        "pattern",
        "minProperties",
        "maxProperties",
    }
)
SCHEMA_TYPES: frozenset[str] = frozenset(
    {"TYPE_UNSPECIFIED", "STRING", "NUMBER", "INTEGER", "BOOLEAN", "ARRAY", "OBJECT", "NULL"}
)
SEARCH_WORDS: tuple[str, ...] = ("search", "look up", "latest", "news")
PLACEHOLDER_DOMAIN = "example.org"
PLACEHOLDER_SOURCES = 3
MAX_SPOKEN_RESULT = 400  # characters of a tool result read back
_MAX_DEPTH = 16


@dataclass(frozen=True)
class Declarations:
    """The tools of a setup: each function's declaration (as sent) and Google Search."""

    functions: tuple[Mapping[str, Any], ...] = ()
    google_search: bool = False

    def find(self, name: str) -> Mapping[str, Any] | None:
        return next((d for d in self.functions if get_key(d, "name") == name), None)

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(str(get_key(d, "name")) for d in self.functions)


def read_declarations(raw_setup: Mapping[str, Any]) -> Declarations:
    """The function declarations and Google Search tool of a setup."""
    functions: list[Mapping[str, Any]] = []
    search = False
    for tool in get_key(raw_setup, "tools") or []:
        if not isinstance(tool, Mapping):
            continue
        functions.extend(d for d in get_key(tool, "function_declarations") or [] if d)
        search = search or get_key(tool, "google_search") is not None
    return Declarations(tuple(functions), search)


# ---- setup checks -------------------------------------------------------------------


def _schema_problem(schema: Any, path: str, depth: int = 0) -> str | None:
    """The first key of a Schema (or its sub-schemas) outside what Gemini accepts."""
    if not isinstance(schema, Mapping):
        return f"{path} is not a schema object"
    if depth > _MAX_DEPTH:
        return f"{path} is nested too deeply"
    for key in schema:
        name = key if key.startswith("$") else camel_case(key)
        if name not in SCHEMA_KEYS:
            return f"{name} is not supported in {path}"
    kind = get_key(schema, "type")
    if kind is not None and (not isinstance(kind, str) or kind.upper() not in SCHEMA_TYPES):
        return f"type {kind!r} is not supported in {path}"
    properties = get_key(schema, "properties") or {}
    if not isinstance(properties, Mapping):
        return f"properties is not an object in {path}"
    for prop, sub in properties.items():
        if problem := _schema_problem(sub, f"{path}.properties.{prop}", depth + 1):
            return problem
    if (items := get_key(schema, "items")) is not None and (
        problem := _schema_problem(items, f"{path}.items", depth + 1)
    ):
        return problem
    for i, sub in enumerate(get_key(schema, "any_of") or []):
        if problem := _schema_problem(sub, f"{path}.anyOf[{i}]", depth + 1):
            return problem
    return None


def declaration_problem(raw_setup: Mapping[str, Any]) -> str | None:
    """Why the service would refuse the setup's function declarations, or None.

    The text ends in "for", like the other setup problems, so that the model's name
    can follow.
    """
    for decl in read_declarations(raw_setup).functions:
        if not isinstance(decl, Mapping):
            return "a function declaration is not an object for"
        name = get_key(decl, "name")
        if not isinstance(name, str) or not FUNCTION_NAME_RE.fullmatch(name):
            return f"function name {name!r} is invalid for"
        params = get_key(decl, "parameters")
        if params is not None and get_key(decl, "parameters_json_schema") is not None:
            return f"parameters and parameters_json_schema of {name} are exclusive for"
        for field in ("parameters", "response"):
            schema = get_key(decl, field)
            if schema is not None and (problem := _schema_problem(schema, f"{name}.{field}")):
                return problem + " for"
    return None


# ---- arguments ----------------------------------------------------------------------


def _resolve(schema: Mapping[str, Any], root: Mapping[str, Any]) -> Mapping[str, Any]:
    """Follow a JSON Schema ``$ref`` to ``#/$defs/X`` (or ``#/definitions/X``)."""
    ref = schema.get("$ref")
    if not isinstance(ref, str) or not ref.startswith("#/"):
        return schema
    node: Any = root
    for part in ref[2:].split("/"):
        node = node.get(part) if isinstance(node, Mapping) else None
    return node if isinstance(node, Mapping) else {}


def _type_of(schema: Mapping[str, Any]) -> str:
    kind = schema.get("type")
    if isinstance(kind, list):  # JSON Schema: ["string", "null"]
        kind = next((k for k in kind if str(k).lower() != "null"), "null")
    if isinstance(kind, str):
        return kind.upper()
    if get_key(schema, "properties") is not None:
        return "OBJECT"
    return ""


def _number(schema: Mapping[str, Any]) -> float:
    value = 1.0
    low, high = schema.get("minimum"), schema.get("maximum")
    if isinstance(low, int | float) and value < low:
        value = float(low)
    if isinstance(high, int | float) and value > high:
        value = float(high)
    return value


def example_value(schema: Any, root: Mapping[str, Any] | None = None, depth: int = 0) -> Any:
    """A plausible value for ``schema``: the first enum value, "example", 1, true, [],
    or an object of its required fields (recursively)."""
    if not isinstance(schema, Mapping) or depth > _MAX_DEPTH:
        return "example"
    root = schema if root is None else root
    schema = _resolve(schema, root)
    options = get_key(schema, "any_of") or schema.get("oneOf")
    if options and not schema.get("type"):
        usable = [o for o in options if _type_of(_resolve(o, root)) != "NULL"] or options
        return example_value(usable[0], root, depth + 1)
    enum = schema.get("enum")
    if isinstance(enum, list) and enum:
        return enum[0]
    kind = _type_of(schema)
    if kind == "NUMBER":
        number = _number(schema)
        return int(number) if number.is_integer() else number
    if kind == "INTEGER":
        return int(_number(schema))
    if kind == "BOOLEAN":
        return True
    if kind == "NULL":
        return None
    if kind == "ARRAY":
        count = get_key(schema, "min_items") or 0
        return [example_value(get_key(schema, "items"), root, depth + 1)] * int(count)
    if kind == "OBJECT":
        return example_args(schema, root, depth + 1)
    return "example"


def example_args(
    schema: Any, root: Mapping[str, Any] | None = None, depth: int = 0
) -> dict[str, Any]:
    """Arguments from a parameters schema: each required field with a plausible value."""
    if not isinstance(schema, Mapping):
        return {}
    root = schema if root is None else root
    schema = _resolve(schema, root)
    properties = get_key(schema, "properties") or {}
    return {
        str(name): example_value(properties.get(name), root, depth + 1)
        for name in get_key(schema, "required") or []
    }


def declared_args(decl: Mapping[str, Any] | None) -> dict[str, Any]:
    """Example arguments for a declaration (from ``parameters`` or its JSON Schema)."""
    if decl is None:
        return {}
    schema = get_key(decl, "parameters")
    if schema is None:
        schema = get_key(decl, "parameters_json_schema")
    return example_args(schema)


# ---- what a turn asks for -----------------------------------------------------------


def named_calls(texts: Iterable[str], names: Sequence[str]) -> list[str]:
    """The declared ``names`` that ``texts`` ask for as "call <name>", in order."""
    text = " ".join(texts)
    found: list[tuple[int, str]] = []
    for name in names:
        pattern = rf"\bcall\s+{re.escape(name)}(?![\w-]|[.:][\w-])"
        match = re.search(pattern, text, re.IGNORECASE)
        if match is not None:
            found.append((match.start(), name))
    return [name for _, name in sorted(found)]


def looks_like_search(texts: Iterable[str]) -> bool:
    text = " ".join(texts).lower()
    return any(word in text for word in SEARCH_WORDS)


def search_grounding(query: str, count: int = PLACEHOLDER_SOURCES) -> dict[str, Any]:
    """``groundingMetadata`` with honest placeholder sources on example.org."""
    chunks = [
        {
            "web": {
                "uri": f"https://{PLACEHOLDER_DOMAIN}/search-result-{i}",
                "title": f"Local demo source {i}",
                "domain": PLACEHOLDER_DOMAIN,
            }
        }
        for i in range(1, count + 1)
    ]
    return {"webSearchQueries": [query], "groundingChunks": chunks}


def search_answer(query: str, count: int = PLACEHOLDER_SOURCES) -> str:
    return (
        f'Local demo server: no web search happens here, so nothing was searched for "{query}"; '
        f"the {count} sources attached are placeholders on {PLACEHOLDER_DOMAIN}."
    )


def calling_answer(names: Sequence[str]) -> str:
    """What the model says while non-blocking calls run."""
    if len(names) == 1:
        return f"Local demo server: calling {names[0]}; I will tell you when it answers."
    listed = ", ".join(names[:-1]) + " and " + names[-1]
    return f"Local demo server: calling {listed}; I will tell you when they answer."


def result_message(response: Mapping[str, Any] | None) -> str:
    """What a FunctionResponse's ``response`` says: its ``message``, else compact JSON."""
    body = response if isinstance(response, Mapping) else {}
    message = body.get("message")
    if isinstance(message, str) and message:
        text = message
    else:
        text = json.dumps(body, separators=(",", ":"), ensure_ascii=False, default=str)
    if len(text) > MAX_SPOKEN_RESULT:
        text = text[: MAX_SPOKEN_RESULT - 1] + "\u2026"
    return text
