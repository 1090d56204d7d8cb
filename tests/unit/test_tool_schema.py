"""MCP tool schemas (JSON Schema, as real servers write them) to the Schema Gemini
accepts, and the names MCP tools are declared by."""

from __future__ import annotations

import re
from typing import Any

import pytest
from google.genai import types

from gemini_desk.tools.schema import MAX_NAME_LENGTH, declared_name, to_gemini_schema

DRAFT_07 = "http://json-schema.org/draft-07/schema#"
DRAFT_2020 = "https://json-schema.org/draft/2020-12/schema"

# (what a real server lists as inputSchema, what Gemini is given)
TABLE: dict[str, tuple[dict[str, Any], dict[str, Any] | None]] = {
    # mcp-server-time (MCPServer, protocol 2026-07-28)
    "time get_current_time": (
        {
            "type": "object",
            "properties": {
                "timezone": {
                    "description": "IANA timezone name (e.g., 'Europe/London').",
                    "title": "Timezone",
                    "type": "string",
                }
            },
            "required": ["timezone"],
            "title": "get_current_timeArguments",
        },
        {
            "title": "get_current_timeArguments",
            "type": "OBJECT",
            "properties": {
                "timezone": {
                    "title": "Timezone",
                    "description": "IANA timezone name (e.g., 'Europe/London').",
                    "type": "STRING",
                }
            },
            "required": ["timezone"],
        },
    ),
    # mcp-server-fetch (a pydantic model): format uri, exclusive bounds, defaults
    "fetch fetch": (
        {
            "description": "Parameters for fetching a URL.",
            "properties": {
                "url": {
                    "description": "URL to fetch",
                    "format": "uri",
                    "minLength": 1,
                    "title": "Url",
                    "type": "string",
                },
                "max_length": {
                    "default": 5000,
                    "description": "Maximum number of characters to return.",
                    "exclusiveMaximum": 1000000,
                    "exclusiveMinimum": 0,
                    "title": "Max Length",
                    "type": "integer",
                },
                "start_index": {
                    "default": 0,
                    "minimum": 0,
                    "title": "Start Index",
                    "type": "integer",
                },
                "raw": {"default": False, "title": "Raw", "type": "boolean"},
            },
            "required": ["url"],
            "title": "Fetch",
            "type": "object",
        },
        {
            "title": "Fetch",
            "description": "Parameters for fetching a URL.",
            "type": "OBJECT",
            "properties": {
                "url": {
                    "title": "Url",
                    "description": "URL to fetch",
                    "type": "STRING",
                    "minLength": 1,
                },
                "max_length": {
                    "title": "Max Length",
                    "description": "Maximum number of characters to return.",
                    "type": "INTEGER",
                    "default": 5000,
                },
                "start_index": {
                    "title": "Start Index",
                    "type": "INTEGER",
                    "minimum": 0,
                    "default": 0,
                },
                "raw": {"title": "Raw", "type": "BOOLEAN", "default": False},
            },
            "required": ["url"],
        },
    ),
    # mcp-server-git git_log: X | None as anyOf with null, default null
    "git git_log": (
        {
            "properties": {
                "repo_path": {"title": "Repo Path", "type": "string"},
                "max_count": {"default": 10, "title": "Max Count", "type": "integer"},
                "start_timestamp": {
                    "anyOf": [{"type": "string"}, {"type": "null"}],
                    "default": None,
                    "description": "Start timestamp for filtering commits.",
                    "title": "Start Timestamp",
                },
            },
            "required": ["repo_path"],
            "title": "GitLog",
            "type": "object",
        },
        {
            "title": "GitLog",
            "type": "OBJECT",
            "properties": {
                "repo_path": {"title": "Repo Path", "type": "STRING"},
                "max_count": {"title": "Max Count", "type": "INTEGER", "default": 10},
                "start_timestamp": {
                    "title": "Start Timestamp",
                    "description": "Start timestamp for filtering commits.",
                    "nullable": True,
                    "type": "STRING",
                },
            },
            "required": ["repo_path"],
        },
    ),
    # mcp-server-git git_add: an array of strings
    "git git_add": (
        {
            "properties": {
                "repo_path": {"title": "Repo Path", "type": "string"},
                "files": {"items": {"type": "string"}, "title": "Files", "type": "array"},
            },
            "required": ["repo_path", "files"],
            "title": "GitAdd",
            "type": "object",
        },
        {
            "title": "GitAdd",
            "type": "OBJECT",
            "properties": {
                "repo_path": {"title": "Repo Path", "type": "STRING"},
                "files": {"title": "Files", "type": "ARRAY", "items": {"type": "STRING"}},
            },
            "required": ["repo_path", "files"],
        },
    ),
    # server-filesystem edit_file (zod-to-json-schema): $schema, additionalProperties
    # false at every level, an array of objects
    "filesystem edit_file": (
        {
            "type": "object",
            "properties": {
                "path": {"type": "string"},
                "edits": {
                    "type": "array",
                    "items": {
                        "type": "object",
                        "properties": {
                            "oldText": {
                                "type": "string",
                                "description": "Text to search for - must match exactly",
                            },
                            "newText": {"type": "string", "description": "Text to replace with"},
                        },
                        "required": ["oldText", "newText"],
                        "additionalProperties": False,
                    },
                },
                "dryRun": {
                    "type": "boolean",
                    "default": False,
                    "description": "Preview changes using git-style diff format",
                },
            },
            "required": ["path", "edits"],
            "additionalProperties": False,
            "$schema": DRAFT_07,
        },
        {
            "type": "OBJECT",
            "properties": {
                "path": {"type": "STRING"},
                "edits": {
                    "type": "ARRAY",
                    "items": {
                        "type": "OBJECT",
                        "properties": {
                            "oldText": {
                                "description": "Text to search for - must match exactly",
                                "type": "STRING",
                            },
                            "newText": {"description": "Text to replace with", "type": "STRING"},
                        },
                        "required": ["oldText", "newText"],
                    },
                },
                "dryRun": {
                    "description": "Preview changes using git-style diff format",
                    "type": "BOOLEAN",
                    "default": False,
                },
            },
            "required": ["path", "edits"],
        },
    ),
    # server-filesystem list_allowed_directories: no arguments at all
    "filesystem list_allowed_directories": (
        {
            "type": "object",
            "properties": {},
            "required": [],
            "additionalProperties": False,
            "$schema": DRAFT_07,
        },
        None,
    ),
    # server-everything annotatedMessage: a string enum, 2020-12 $schema
    "everything annotatedMessage": (
        {
            "$schema": DRAFT_2020,
            "type": "object",
            "properties": {
                "messageType": {
                    "type": "string",
                    "enum": ["error", "success", "debug"],
                    "description": "Type of message to demonstrate annotation patterns",
                },
                "includeImage": {"default": False, "type": "boolean"},
            },
            "required": ["messageType"],
            "additionalProperties": False,
        },
        {
            "type": "OBJECT",
            "properties": {
                "messageType": {
                    "description": "Type of message to demonstrate annotation patterns",
                    "type": "STRING",
                    "enum": ["error", "success", "debug"],
                },
                "includeImage": {"type": "BOOLEAN", "default": False},
            },
            "required": ["messageType"],
        },
    ),
    # server-memory create_entities: nested arrays of objects
    "memory create_entities": (
        {
            "type": "object",
            "properties": {
                "entities": {
                    "type": "array",
                    "items": {
                        "type": "object",
                        "properties": {
                            "name": {"type": "string", "description": "The name of the entity"},
                            "observations": {
                                "type": "array",
                                "items": {"type": "string"},
                                "description": "Observation contents",
                            },
                        },
                        "required": ["name", "observations"],
                    },
                }
            },
            "required": ["entities"],
        },
        {
            "type": "OBJECT",
            "properties": {
                "entities": {
                    "type": "ARRAY",
                    "items": {
                        "type": "OBJECT",
                        "properties": {
                            "name": {"description": "The name of the entity", "type": "STRING"},
                            "observations": {
                                "description": "Observation contents",
                                "type": "ARRAY",
                                "items": {"type": "STRING"},
                            },
                        },
                        "required": ["name", "observations"],
                    },
                }
            },
            "required": ["entities"],
        },
    ),
    # MCPServer from typed Python: a model and a str Enum in $defs, referenced with a
    # default beside the $ref, Literal, ge/le bounds, list[str] | None
    "MCPServer weather": (
        {
            "type": "object",
            "$defs": {
                "Place": {
                    "properties": {
                        "city": {"title": "City", "type": "string"},
                        "country": {
                            "anyOf": [{"type": "string"}, {"type": "null"}],
                            "default": None,
                            "title": "Country",
                        },
                    },
                    "required": ["city"],
                    "title": "Place",
                    "type": "object",
                },
                "Unit": {"enum": ["celsius", "fahrenheit"], "title": "Unit", "type": "string"},
            },
            "properties": {
                "place": {"$ref": "#/$defs/Place"},
                "unit": {"$ref": "#/$defs/Unit", "default": "celsius"},
                "days": {
                    "default": 1,
                    "maximum": 7,
                    "minimum": 1,
                    "title": "Days",
                    "type": "integer",
                },
                "mode": {
                    "default": "brief",
                    "enum": ["brief", "full"],
                    "title": "Mode",
                    "type": "string",
                },
                "tags": {
                    "anyOf": [{"items": {"type": "string"}, "type": "array"}, {"type": "null"}],
                    "default": None,
                    "title": "Tags",
                },
            },
            "required": ["place"],
            "title": "weatherArguments",
        },
        {
            "title": "weatherArguments",
            "type": "OBJECT",
            "properties": {
                "place": {
                    "title": "Place",
                    "type": "OBJECT",
                    "properties": {
                        "city": {"title": "City", "type": "STRING"},
                        "country": {"title": "Country", "nullable": True, "type": "STRING"},
                    },
                    "required": ["city"],
                },
                "unit": {
                    "title": "Unit",
                    "type": "STRING",
                    "enum": ["celsius", "fahrenheit"],
                    "default": "celsius",
                },
                "days": {
                    "title": "Days",
                    "type": "INTEGER",
                    "minimum": 1,
                    "maximum": 7,
                    "default": 1,
                },
                "mode": {
                    "title": "Mode",
                    "type": "STRING",
                    "enum": ["brief", "full"],
                    "default": "brief",
                },
                "tags": {
                    "title": "Tags",
                    "nullable": True,
                    "type": "ARRAY",
                    "items": {"type": "STRING"},
                },
            },
            "required": ["place"],
        },
    ),
    # MCPServer with a recursive model (inlined to a depth, then an OBJECT that says
    # what it is) and an int Literal (allowed values said in the description)
    "MCPServer tree": (
        {
            "type": "object",
            "$defs": {
                "Node": {
                    "properties": {
                        "name": {"title": "Name", "type": "string"},
                        "children": {
                            "default": [],
                            "items": {"$ref": "#/$defs/Node"},
                            "title": "Children",
                            "type": "array",
                        },
                    },
                    "required": ["name"],
                    "title": "Node",
                    "type": "object",
                }
            },
            "properties": {
                "root": {"$ref": "#/$defs/Node"},
                "level": {"default": 1, "enum": [1, 2, 3], "title": "Level", "type": "integer"},
            },
            "required": ["root"],
            "title": "treeArguments",
        },
        {
            "title": "treeArguments",
            "type": "OBJECT",
            "properties": {
                "root": {
                    "title": "Node",
                    "type": "OBJECT",
                    "properties": {
                        "name": {"title": "Name", "type": "STRING"},
                        "children": {
                            "title": "Children",
                            "type": "ARRAY",
                            "items": {
                                "title": "Node",
                                "type": "OBJECT",
                                "properties": {
                                    "name": {"title": "Name", "type": "STRING"},
                                    "children": {
                                        "title": "Children",
                                        "type": "ARRAY",
                                        "items": {
                                            "title": "Node",
                                            "type": "OBJECT",
                                            "properties": {
                                                "name": {"title": "Name", "type": "STRING"},
                                                "children": {
                                                    "title": "Children",
                                                    "type": "ARRAY",
                                                    "items": {
                                                        "type": "OBJECT",
                                                        "description": "A Node object.",
                                                    },
                                                    "default": [],
                                                },
                                            },
                                            "required": ["name"],
                                        },
                                        "default": [],
                                    },
                                },
                                "required": ["name"],
                            },
                            "default": [],
                        },
                    },
                    "required": ["name"],
                },
                "level": {
                    "title": "Level",
                    "description": "Allowed values: 1, 2, 3.",
                    "type": "INTEGER",
                    "default": 1,
                },
            },
            "required": ["root"],
        },
    ),
    # pydantic v1 / draft-07: "definitions", a $ref wrapped in allOf beside its own
    # description, an allOf of objects, required naming a property that is not there
    "pydantic v1 create_issue": (
        {
            "title": "CreateIssue",
            "type": "object",
            "properties": {
                "title": {"title": "Title", "type": "string", "maxLength": 120},
                "priority": {
                    "allOf": [{"$ref": "#/definitions/Priority"}],
                    "description": "How urgent",
                },
                "labels": {"type": "array", "items": {"type": "string"}, "maxItems": 5},
            },
            "allOf": [{"properties": {"assignee": {"type": "string"}}, "required": ["assignee"]}],
            "required": ["title", "milestone"],
            "definitions": {
                "Priority": {
                    "title": "Priority",
                    "description": "An enumeration.",
                    "enum": [1, 2, 3],
                    "type": "integer",
                }
            },
        },
        {
            "title": "CreateIssue",
            "type": "OBJECT",
            "properties": {
                "title": {"title": "Title", "type": "STRING", "maxLength": 120},
                "priority": {
                    "title": "Priority",
                    "description": "How urgent Allowed values: 1, 2, 3.",
                    "type": "INTEGER",
                },
                "labels": {"type": "ARRAY", "maxItems": 5, "items": {"type": "STRING"}},
                "assignee": {"type": "STRING"},
            },
            "required": ["title", "assignee"],
        },
    ),
    # 2020-12: oneOf (a tagged union with const), $id, $comment, examples
    "2020-12 draw_shape": (
        {
            "$schema": DRAFT_2020,
            "$id": "https://example.com/draw_shape",
            "$comment": "a tagged union",
            "type": "object",
            "properties": {
                "shape": {
                    "oneOf": [
                        {
                            "type": "object",
                            "properties": {
                                "kind": {"const": "circle"},
                                "radius": {"type": "number", "exclusiveMinimum": 0},
                            },
                            "required": ["kind", "radius"],
                        },
                        {
                            "type": "object",
                            "properties": {
                                "kind": {"const": "square"},
                                "side": {"type": "number", "minimum": 0},
                            },
                            "required": ["kind", "side"],
                        },
                    ],
                    "examples": [{"kind": "circle", "radius": 1}],
                }
            },
            "required": ["shape"],
        },
        {
            "type": "OBJECT",
            "properties": {
                "shape": {
                    "anyOf": [
                        {
                            "type": "OBJECT",
                            "properties": {
                                "kind": {"type": "STRING", "enum": ["circle"]},
                                "radius": {"type": "NUMBER"},
                            },
                            "required": ["kind", "radius"],
                        },
                        {
                            "type": "OBJECT",
                            "properties": {
                                "kind": {"type": "STRING", "enum": ["square"]},
                                "side": {"type": "NUMBER", "minimum": 0},
                            },
                            "required": ["kind", "side"],
                        },
                    ]
                }
            },
            "required": ["shape"],
        },
    ),
    # Formats Gemini takes (kept) and others (dropped); maps as objects without
    # properties; type lists; a nullable enum
    "formats, maps and type lists": (
        {
            "type": "object",
            "properties": {
                "when": {"type": "string", "format": "date-time"},
                "day": {"type": "string", "format": "date"},
                "id": {"type": "string", "format": "uuid", "pattern": "^[0-9a-f-]+$"},
                "ratio": {"type": "number", "format": "double", "maximum": 1},
                "count": {"type": "integer", "format": "int64"},
                "big": {"type": "integer", "format": "uint64"},
                "labels": {
                    "type": "object",
                    "additionalProperties": {"type": "string"},
                    "patternProperties": {"^x-": {"type": "string"}},
                },
                "options": {
                    "type": "object",
                    "unevaluatedProperties": False,
                    "dependentRequired": {"a": ["b"]},
                },
                "note": {"type": ["string", "null"], "minLength": 1},
                "amount": {"type": ["string", "number"], "description": "A number or words"},
                "size": {"type": ["string", "null"], "enum": ["S", "M", "L", None]},
                "anything": {},
                "flag": True,
            },
        },
        {
            "type": "OBJECT",
            "properties": {
                "when": {"type": "STRING", "format": "date-time"},
                "day": {"type": "STRING"},
                "id": {"type": "STRING", "pattern": "^[0-9a-f-]+$"},
                "ratio": {"type": "NUMBER", "format": "double", "maximum": 1},
                "count": {"type": "INTEGER", "format": "int64"},
                "big": {"type": "INTEGER"},
                "labels": {"type": "OBJECT"},
                "options": {"type": "OBJECT"},
                "note": {"nullable": True, "type": "STRING", "minLength": 1},
                "amount": {
                    "description": "A number or words",
                    "anyOf": [{"type": "STRING"}, {"type": "NUMBER"}],
                },
                "size": {"nullable": True, "type": "STRING", "enum": ["S", "M", "L"]},
                "anything": {"type": "STRING"},
                "flag": {"type": "STRING"},
            },
        },
    ),
}

DROPPED_KEYS = {
    "$schema",
    "$id",
    "$comment",
    "$ref",
    "$defs",
    "definitions",
    "additionalProperties",
    "examples",
    "patternProperties",
    "unevaluatedProperties",
    "dependentRequired",
    "exclusiveMinimum",
    "exclusiveMaximum",
    "oneOf",
    "allOf",
    "const",
}


@pytest.mark.parametrize("name", list(TABLE))
def test_real_mcp_schemas_convert_to_what_gemini_accepts(name: str) -> None:
    source, expected = TABLE[name]
    result = to_gemini_schema(source)
    assert result == expected
    if result is not None:
        types.Schema.model_validate(result)
        assert not keys_anywhere(result) & DROPPED_KEYS
        assert all(t.isupper() for t in values_of("type", result))


def test_the_input_is_left_as_it_was() -> None:
    source, _ = TABLE["MCPServer weather"]
    before = repr(source)
    to_gemini_schema(source)
    assert repr(source) == before


@pytest.mark.parametrize(
    "schema",
    [
        {},
        {"type": "object"},
        {"type": "object", "additionalProperties": True},
        {"type": "string"},  # not an object at the top: no usable parameters
    ],
)
def test_schemas_without_properties_declare_no_parameters(schema: dict[str, Any]) -> None:
    assert to_gemini_schema(schema) is None


def test_a_reference_that_leads_nowhere_becomes_an_object_that_says_so() -> None:
    result = to_gemini_schema(
        {
            "type": "object",
            "properties": {
                "local": {"$ref": "#/$defs/Missing"},
                "remote": {"$ref": "https://example.com/schemas/address.json"},
            },
        }
    )
    assert result == {
        "type": "OBJECT",
        "properties": {
            "local": {"type": "OBJECT", "description": "A Missing object."},
            "remote": {"type": "OBJECT", "description": "A address.json object."},
        },
    }


def test_mutually_recursive_references_stop_too() -> None:
    schema = {
        "type": "object",
        "$defs": {
            "Alpha": {"type": "object", "properties": {"beta": {"$ref": "#/$defs/Beta"}}},
            "Beta": {"type": "object", "properties": {"alpha": {"$ref": "#/$defs/Alpha"}}},
        },
        "properties": {"alpha": {"$ref": "#/$defs/Alpha"}},
    }
    result = to_gemini_schema(schema)
    assert result is not None
    types.Schema.model_validate(result)
    assert depth(result) < 30
    assert "A Alpha object." in values_of("description", result)


# -- names ------------------------------------------------------------------------------

VALID_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_.-]{0,63}")


def test_a_clean_pair_is_declared_as_server__tool() -> None:
    assert declared_name("time", "get_current_time") == "time__get_current_time"
    assert declared_name("my-files.v2", "read.file-1") == "my-files.v2__read.file-1"


def test_other_names_are_cleaned_with_a_stable_hash() -> None:
    # Literal values: the hash must not change between runs (Python's hash() would).
    assert declared_name("my server", "list files") == "my_server__list_files_ef3b3275"
    assert declared_name("9lives", "x") == "_9lives__x_f796b28e"


def test_long_names_are_cut_to_64_characters_and_stay_different() -> None:
    first = declared_name("github", "x" * 80)
    second = declared_name("github", "x" * 79)
    assert len(first) == len(second) == MAX_NAME_LENGTH
    assert first.startswith("github__xxxx")
    assert first != second


@pytest.mark.parametrize(
    ("one", "other"),
    [
        (("a b", "c"), ("a_b", "c")),  # the same once cleaned
        (("a__b", "c"), ("a", "b__c")),  # the same when joined
        (("a_", "b"), ("a", "_b")),
        (("ä", "x"), ("_", "x")),
        (("", "x"), ("_", "x")),
    ],
)
def test_different_pairs_get_different_names(one: tuple[str, str], other: tuple[str, str]) -> None:
    assert declared_name(*one) != declared_name(*other)


@pytest.mark.parametrize(
    ("server", "tool"),
    [("", ""), ("héllo wörld", "tool/with:colons"), ("1", "2"), ("s" * 100, "t" * 100)],
)
def test_every_declared_name_is_a_valid_gemini_function_name(server: str, tool: str) -> None:
    name = declared_name(server, tool)
    assert VALID_NAME.fullmatch(name), name
    assert declared_name(server, tool) == name


# -- helpers ----------------------------------------------------------------------------


def keys_anywhere(node: Any) -> set[str]:
    if isinstance(node, dict):
        found = set(node)
        for key, value in node.items():
            if key == "properties":  # the names are the tool's; look into their schemas
                found |= set().union(*(keys_anywhere(v) for v in value.values()))
            else:
                found |= keys_anywhere(value)
        return found
    if isinstance(node, list):
        return set().union(*(keys_anywhere(v) for v in node)) if node else set()
    return set()


def values_of(key: str, node: Any) -> list[Any]:
    if isinstance(node, dict):
        own = [node[key]] if key in node and isinstance(node[key], str) else []
        return own + [v for value in node.values() for v in values_of(key, value)]
    if isinstance(node, list):
        return [v for item in node for v in values_of(key, item)]
    return []


def depth(node: Any) -> int:
    if isinstance(node, dict):
        return 1 + max((depth(v) for v in node.values()), default=0)
    if isinstance(node, list):
        return 1 + max((depth(v) for v in node), default=0)
    return 0
