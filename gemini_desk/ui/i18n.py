"""Translations: pick the UI language (setting, else the system's) and install Qt translators."""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QTranslator

from gemini_desk.platform.assets import resource_path

__all__ = ["LANGUAGES", "choose_language", "install_translators", "translation_file"]

log = logging.getLogger("gemini_desk.ui")

# Languages the app ships (code -> the language's own name, as shown in Settings).
# English is the source language and needs no file.
LANGUAGES: dict[str, str] = {"en": "English", "zh_CN": "简体中文"}

_INSTALLED: list[QTranslator] = []


def choose_language(setting: str, system_languages: list[str]) -> str:
    """The language to use: ``setting`` if it is shipped, else the first system language
    that is (``zh_Hans_CN``/``zh-CN``/``zh_CN`` all mean ``zh_CN``), else ``en``."""
    if setting in LANGUAGES:
        return setting
    for name in system_languages:
        code = _normalise(name)
        if code in LANGUAGES:
            return code
        base = code.split("_")[0]
        if base in LANGUAGES:
            return base
    return "en"


def _normalise(name: str) -> str:
    parts = name.replace("-", "_").split("_")
    lang = parts[0].lower()
    if lang == "zh":  # Simplified Chinese: Hans script, or China/Singapore
        rest = {p.upper() for p in parts[1:]}
        if "HANT" in rest or rest & {"TW", "HK", "MO"}:
            return "zh_TW"
        return "zh_CN"
    return lang


def translation_file(language: str) -> Path | None:
    """The compiled ``.qm`` of ``language`` in resources/translations, if shipped."""
    try:
        return resource_path(f"translations/gemini_desk_{language}.qm")
    except FileNotFoundError:
        return None


def install_translators(app: QCoreApplication, setting: str = "") -> str:
    """Install the app's and Qt's own translations; return the language in use.

    Call before any window is built: texts are translated when widgets are made.
    """
    for old in _INSTALLED:
        app.removeTranslator(old)
    _INSTALLED.clear()
    language = choose_language(setting, QLocale.system().uiLanguages())
    if language == "en":
        return language
    ours = translation_file(language)
    if ours is None:
        log.warning("no translation for %s shipped; using English", language)
        return "en"
    for name, folder in (
        (f"qtbase_{language}", QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)),
        (ours.stem, str(ours.parent)),
    ):
        translator = QTranslator(app)
        if translator.load(name, folder):
            app.installTranslator(translator)
            _INSTALLED.append(translator)
        else:
            log.info("translation %s not found in %s", name, folder)
    QLocale.setDefault(QLocale(language))
    log.info("user interface language: %s", language)
    return language
