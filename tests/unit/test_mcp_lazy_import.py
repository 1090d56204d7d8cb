"""The MCP SDK (the better part of a second to import) is loaded only once a server
starts: a user without MCP servers does not pay for it at start-up."""

from __future__ import annotations

import subprocess
import sys


def test_the_app_s_tool_wiring_does_not_import_the_mcp_sdk() -> None:
    probe = (
        "import sys; import gemini_desk.desktop.tools_wiring, gemini_desk.app.desk; "
        "print(sorted(m for m in sys.modules if m == 'mcp' or m.startswith(('mcp.', 'mcp_'))))"
    )
    out = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, timeout=120
    )
    assert out.stdout.strip() == "[]"
