"""Model ids live in two places only: the app's fallback list and the sim's catalogue.

Anywhere else a model id would be a catalogue that breaks when Google retires a model.
"""

from __future__ import annotations

import re
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2] / "gemini_desk"
ALLOWED = {PACKAGE / "core" / "models.py", PACKAGE / "sim" / "catalogue.py"}
MODEL_ID = re.compile(r"\bgemini-(?:\d|live|exp|pro|flash)[\w.-]*")


def test_no_model_id_outside_the_fallback_list_and_the_sim_catalogue() -> None:
    found = [
        f"{path.relative_to(PACKAGE)}: {match.group(0)}"
        for path in sorted(PACKAGE.rglob("*.py"))
        if path not in ALLOWED
        for match in MODEL_ID.finditer(path.read_text("utf-8"))
    ]
    assert not found, found


def test_the_pattern_finds_ids_where_they_belong() -> None:
    for path in ALLOWED:
        assert MODEL_ID.search(path.read_text("utf-8")), path
