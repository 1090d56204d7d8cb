"""Tools on the local Live server, part one: function declarations checked at setup
(sans-I/O and through the real google-genai SDK), example arguments, spotting "call
<name>", and the call table. Calls, scheduling, cancellation and Google Search through
the SDK: ``test_sim_sdk_tools.py``."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from google.genai import errors, types

from gemini_desk.sim import SimThread
from gemini_desk.sim import catalogue as c
from gemini_desk.sim.calls import CallTable
from gemini_desk.sim.records import SimSession
from gemini_desk.sim.tools import declaration_problem, example_args, named_calls
from tests.support.sim_fixtures import live, live_config, sim

__all__ = ["sim"]  # the fixture, imported for pytest

LIVE_38 = "gemini-3.8-live"


def tools_config(*decls: types.FunctionDeclaration) -> types.LiveConnectConfig:
    return live_config(tools=[types.Tool(function_declarations=list(decls))])


# ---- sans-I/O: declarations, arguments, names, the call table ---------------------------


def _setup(decl: dict[str, Any], style: str = "functionDeclarations") -> dict[str, Any]:
    return {"model": f"models/{LIVE_38}", "tools": [{style: [decl]}]}


UNSUPPORTED: list[tuple[str, dict[str, Any], str]] = [
    ("top", {"type": "OBJECT", "additional_properties": False}, "additionalProperties"),
    ("top", {"type": "OBJECT", "additionalProperties": False}, "additionalProperties"),
    ("top", {"type": "object", "$schema": "https://json-schema.org/draft/2020-12"}, "$schema"),
    ("top", {"type": "OBJECT", "$defs": {"X": {"type": "STRING"}}}, "$defs"),
    ("top", {"type": "OBJECT", "defs": {"X": {"type": "STRING"}}}, "defs"),
    ("property", {"type": "OBJECT", "properties": {"a": {"$ref": "#/$defs/X"}}}, "$ref"),
    ("property", {"properties": {"a": {"type": "STRING", "const": "x"}}}, "const"),
    ("items", {"type": "ARRAY", "items": {"oneOf": [{"type": "STRING"}]}}, "oneOf"),
    ("anyOf", {"anyOf": [{"type": "STRING"}, {"allOf": []}]}, "allOf"),
    ("anyOf", {"any_of": [{"type": "STRING", "not": {}}]}, "not"),
    ("type", {"type": "DATE"}, "type 'DATE'"),
]


@pytest.mark.parametrize(("where", "schema", "named"), UNSUPPORTED)
def test_schema_keys_outside_the_gemini_subset_are_refused(
    where: str, schema: dict[str, Any], named: str
) -> None:
    for style in ("functionDeclarations", "function_declarations"):
        refused = c.check_setup(
            LIVE_38, "v1beta", _setup({"name": "f", "parameters": schema}, style)
        )
        assert refused is not None, where
        code, reason = refused
        assert code == 1007
        assert reason.startswith(f"{named} is not supported in f.parameters")
        assert reason.endswith(f"for models/{LIVE_38}.")


def test_every_supported_schema_key_json_schema_and_search_are_accepted() -> None:
    full = {
        "type": "OBJECT",
        "title": "Args",
        "description": "All of it.",
        "nullable": False,
        "minProperties": 1,
        "max_properties": 5,
        "propertyOrdering": ["s", "n"],
        "required": ["s"],
        "properties": {
            "s": {"type": "STRING", "format": "enum", "enum": ["a"], "minLength": 1,
                  "max_length": 3, "pattern": "a", "default": "a", "example": "a"},
            "n": {"type": "NUMBER", "minimum": 0, "maximum": 9},
            "l": {"type": "ARRAY", "minItems": 0, "max_items": 2, "items": {"type": "INTEGER"}},
            "u": {"anyOf": [{"type": "STRING"}, {"type": "NULL"}]},
            "o": {"type": "OBJECT", "property_ordering": ["b"],
                  "properties": {"b": {"type": "BOOLEAN"}}},
        },
    }  # fmt: skip
    json_schema = {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "type": "object",
        "additionalProperties": False,
        "properties": {"q": {"$ref": "#/$defs/Q"}},
        "$defs": {"Q": {"type": "string", "const": "x"}},
    }
    raw = {
        "model": f"models/{LIVE_38}",
        "tools": [
            {"functionDeclarations": [{"name": "f", "parameters": full, "response": full}]},
            {"function_declarations": [{"name": "g", "parameters_json_schema": json_schema}]},
            {"googleSearch": {}},
        ],
    }
    for spec in c.CATALOGUE:
        if spec.is_live:
            assert c.check_setup(spec.id, "v1beta", {**raw, "model": spec.id}) is None


@pytest.mark.parametrize(
    ("name", "ok"),
    [
        ("get_time", True),
        ("_private", True),
        ("ns.tool:v2-x", True),
        ("a" * 64, True),
        ("a" * 65, False),
        ("get time", False),
        ("2fast", False),
        ("", False),
        ("t\u00e9l\u00e9phone", False),
    ],
)
def test_function_names(name: str, ok: bool) -> None:
    problem = declaration_problem(_setup({"name": name}))
    assert (problem is None) is ok
    if not ok:
        assert problem is not None and problem.startswith(f"function name {name!r} is invalid")


def test_parameters_and_their_json_schema_are_exclusive() -> None:
    decl = {"name": "f", "parameters": {"type": "OBJECT"}, "parametersJsonSchema": {}}
    assert declaration_problem(_setup(decl)) == (
        "parameters and parameters_json_schema of f are exclusive for"
    )


@pytest.mark.parametrize(
    ("schema", "args"),
    [
        (None, {}),
        ({"type": "OBJECT", "properties": {"a": {"type": "STRING"}}}, {}),
        (
            {
                "type": "OBJECT",
                "required": ["s", "e", "n", "i", "b", "l", "o", "missing"],
                "properties": {
                    "s": {"type": "STRING"},
                    "e": {"type": "STRING", "enum": ["north", "south"]},
                    "n": {"type": "NUMBER", "minimum": 2.5},
                    "i": {"type": "INTEGER", "maximum": 0},
                    "b": {"type": "BOOLEAN"},
                    "l": {"type": "ARRAY", "minItems": 2, "items": {"type": "INTEGER"}},
                    "o": {
                        "type": "OBJECT",
                        "required": ["deep"],
                        "properties": {"deep": {"type": "OBJECT", "properties": {}}},
                    },
                },
            },
            {
                "s": "example",
                "e": "north",
                "n": 2.5,
                "i": 0,
                "b": True,
                "l": [1, 1],
                "o": {"deep": {}},
                "missing": "example",
            },
        ),
        (  # JSON Schema as an MCP server gives it: lower-case types, $ref, nullable unions
            {
                "type": "object",
                "required": ["when", "city", "maybe"],
                "properties": {
                    "when": {"$ref": "#/$defs/When"},
                    "city": {"type": ["string", "null"]},
                    "maybe": {"anyOf": [{"type": "null"}, {"type": "integer"}]},
                },
                "$defs": {
                    "When": {
                        "type": "object",
                        "required": ["tz"],
                        "properties": {"tz": {"type": "string", "enum": ["UTC"]}},
                    }
                },
            },
            {"when": {"tz": "UTC"}, "city": "example", "maybe": 1},
        ),
    ],
)
def test_example_arguments_fill_the_required_fields(schema: Any, args: dict[str, Any]) -> None:
    assert example_args(schema) == args


def test_named_calls_need_the_word_call_and_the_whole_declared_name() -> None:
    names = ("get_time", "get_weather", "ns.tool")
    assert named_calls(["Please CALL get_weather, then call get_time."], names) == [
        "get_weather",
        "get_time",
    ]
    assert named_calls(["call ns.tool."], names) == ["ns.tool"]
    assert named_calls(["call\nget_time"], names) == ["get_time"]
    assert named_calls(["call get_time_zone", "recall get_time", "get_time"], names) == []
    assert named_calls(["call", "get_weather"], names) == ["get_weather"]


def test_call_table_settles_by_id_or_name_and_keeps_late_responses() -> None:
    record = SimSession(id=7)
    table = CallTable(record, {"slow": "NON_BLOCKING"}, "BLOCKING")
    a = table.issue("slow", {}, "turn")
    b = table.issue("quick", {"x": 1}, "turn")
    assert (a.id, a.behavior, b.behavior) == ("function-call-7-1", "NON_BLOCKING", "BLOCKING")
    part = table.accept({"id": a.id, "response": {}, "willContinue": True})
    assert part is a and a.outstanding and a.scheduling == "WHEN_IDLE"
    assert table.accept({"name": "quick", "response": {}, "scheduling": "SILENT"}) is b
    assert b.state == "answered" and b.scheduling is None  # scheduling is for non-blocking
    assert table.cancel() == [a.id]
    assert table.accept({"id": a.id, "response": {"late": 1}}) is None
    assert table.accept({"id": "nobody", "response": {}}) is None
    assert [r["id"] for r in record.late_tool_responses] == [a.id, "nobody"]
    assert [c.state for c in record.tool_calls] == ["cancelled", "answered"]


# ---- the real SDK: setup ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("decl", "named"),
    [
        (
            types.FunctionDeclaration(
                name="lookup",
                parameters=types.Schema(
                    type="OBJECT",
                    properties={"q": types.Schema(type="STRING")},
                    additional_properties=False,
                ),
            ),
            "additionalProperties is not supported in lookup.parameters",
        ),
        (
            types.FunctionDeclaration(
                name="lookup",
                parameters=types.Schema(
                    type="OBJECT",
                    properties={"q": types.Schema(ref="#/$defs/Q")},
                ),
            ),
            "ref is not supported in lookup.parameters.properties.q",
        ),
        (types.FunctionDeclaration(name="look up"), "function name 'look up' is invalid"),
    ],
    ids=["additionalProperties", "nested-ref", "bad-name"],
)
def test_setup_with_a_declaration_gemini_refuses_is_closed_1007(
    sim: SimThread, decl: types.FunctionDeclaration, named: str
) -> None:
    async def main() -> None:
        async with live(sim, tools_config(decl)):
            pass

    with pytest.raises(errors.APIError) as info:
        asyncio.run(main())
    assert info.value.code == 1007
    assert named in str(info.value) and f"models/{LIVE_38}" in str(info.value)
    record = sim.server.sessions[0]
    sim.wait_until(lambda: record.closed)
    assert record.close_code == 1007
    assert [d["name"] for d in record.declarations] == [decl.name]


@pytest.mark.parametrize("model", c.LIVE_MODEL_IDS)
def test_json_schema_parameters_and_google_search_are_accepted(sim: SimThread, model: str) -> None:
    decl = types.FunctionDeclaration(
        name="lookup",
        parameters_json_schema={
            "$schema": "https://json-schema.org/draft/2020-12/schema",
            "type": "object",
            "properties": {"q": {"type": "string"}},
            "required": ["q"],
            "additionalProperties": False,
        },
    )
    search = types.Tool(google_search=types.GoogleSearch())
    cfg = live_config(tools=[types.Tool(function_declarations=[decl]), search])

    async def main() -> None:
        async with live(sim, cfg, model=model, api_version="v1beta"):
            pass

    asyncio.run(main())
    record = sim.server.sessions[0]
    sim.wait_until(lambda: record.closed)
    assert record.close_code == 1000
    assert record.google_search is True
    assert [d["name"] for d in record.declarations] == ["lookup"]
