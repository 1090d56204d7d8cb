"""Qt Linguist workflow: extract user-visible strings to .ts, compile .ts to .qm.

    python packaging/translations.py            # update every .ts, then compile .qm
    python packaging/translations.py --check    # exit 1 if a string lacks a translation
    python packaging/translations.py --new de   # start resources/translations/gemini_desk_de.ts

Strings are found by pyside6-lupdate in ``self.tr("...")`` and
``QCoreApplication.translate("Context", "...")`` calls of every module under
gemini_desk/. Translate the .ts files with Qt Linguist (``pyside6-linguist``) or any
editor, then run this script again to compile them.
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "gemini_desk"
OUT = ROOT / "resources" / "translations"
LANGUAGES = ("zh_CN",)
# Code that never shows text to the user (the local server, the Qt-free core).
SKIP = ("sim", "core")


def tool(name: str) -> str:
    """pyside6-lupdate / pyside6-lrelease next to this Python, else on PATH."""
    here = Path(sys.executable).parent / name
    found = str(here) if here.exists() else shutil.which(name)
    if not found:
        raise SystemExit(f"{name} not found: pip install PySide6-Essentials")
    return found


def sources() -> list[Path]:
    return sorted(
        p
        for p in PACKAGE.rglob("*.py")
        if p.relative_to(PACKAGE).parts[0] not in SKIP
        and any(call in p.read_text("utf-8") for call in ("tr(", "translate("))
    )


def ts_file(language: str) -> Path:
    return OUT / f"gemini_desk_{language}.ts"


def update(ts: Path) -> None:
    """Add new strings to ``ts`` and drop ones no longer in the code; keep translations."""
    files = [str(p.relative_to(ROOT)) for p in sources()]
    subprocess.run(
        [
            tool("pyside6-lupdate"),
            "-no-obsolete",
            "-locations",
            "relative",
            *files,
            "-ts",
            str(ts.relative_to(ROOT)),
        ],
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    )


def release(ts: Path) -> Path:
    qm = ts.with_suffix(".qm")
    subprocess.run(
        [tool("pyside6-lrelease"), "-silent", str(ts), "-qm", str(qm)],
        check=True,
        capture_output=True,
        text=True,
    )
    return qm


def unfinished(ts: Path) -> list[str]:
    """Source texts in ``ts`` without a finished translation."""
    text = ts.read_text("utf-8")
    missing = []
    for block in re.findall(r"<message.*?</message>", text, re.S):
        if (
            'type="unfinished"' in block
            or "<translation/>" in block
            or re.search(r"<translation>\s*</translation>", block)
        ):
            found = re.search(r"<source>(.*?)</source>", block, re.S)
            missing.append(found.group(1) if found else block)
    return missing


def check() -> int:
    """Extract into copies of the .ts files; list strings without a translation."""
    bad = 0
    with tempfile.TemporaryDirectory() as tmp:
        for language in LANGUAGES:
            copy = Path(tmp) / ts_file(language).name
            shutil.copy(ts_file(language), copy)
            files = [str(p) for p in sources()]
            subprocess.run(
                [tool("pyside6-lupdate"), "-no-obsolete", *files, "-ts", str(copy)],
                check=True,
                capture_output=True,
                text=True,
            )
            for source in unfinished(copy):
                print(f"{language}: untranslated: {source}")
                bad += 1
    return 1 if bad else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="fail on untranslated strings")
    parser.add_argument("--new", metavar="LANG", help="start a new language (e.g. de, pt_BR)")
    args = parser.parse_args(argv)
    if args.check:
        return check()
    OUT.mkdir(parents=True, exist_ok=True)
    languages = [*LANGUAGES, *([args.new] if args.new else [])]
    for language in languages:
        ts = ts_file(language)
        update(ts)
        qm = release(ts)
        left = unfinished(ts)
        print(f"{ts.relative_to(ROOT)}: {len(left)} untranslated; {qm.relative_to(ROOT)} written")
    return 0


if __name__ == "__main__":
    sys.exit(main())
