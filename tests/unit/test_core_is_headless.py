"""core/ imports with neither Qt, sounddevice, google.genai nor sockets available."""

import subprocess
import sys
from pathlib import Path

import gemini_desk.core

BLOCKER = """
import sys, importlib.abc
BANNED = ("PySide6", "shiboken6", "sounddevice", "google", "websockets", "qasync", "socket", "ssl")
class Block(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in BANNED:
            raise ImportError("core must not import " + name)
sys.meta_path.insert(0, Block())
import pkgutil, importlib, gemini_desk.core as core
names = [m.name for m in pkgutil.iter_modules(core.__path__)]
for name in names:
    importlib.import_module("gemini_desk.core." + name)
print(len(names))
"""


def test_every_core_module_imports_without_gui_audio_or_network() -> None:
    root = Path(gemini_desk.core.__file__).parents[2]
    done = subprocess.run(
        [sys.executable, "-c", BLOCKER], cwd=root, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    assert int(done.stdout) >= 5
