"""API key storage, log redaction and the command line."""

import logging
from pathlib import Path

import keyring
import pytest
from keyring.backend import KeyringBackend
from keyring.backends import fail

from gemini_desk.app.cli import build_parser
from gemini_desk.core.messages import MessageId, message
from gemini_desk.platform.keystore import KeyStore
from gemini_desk.platform.logs import RedactingFilter, setup_logging

FAKE_KEY = "AIza" + "x" * 35


@pytest.fixture
def no_keyring():
    old = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())
    yield
    keyring.set_keyring(old)


class MemoryKeyring(KeyringBackend):
    """Stands in for an OS keyring service (Secret Service, Keychain, Credential Locker)."""

    priority = 1  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.items: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.items.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.items[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        self.items.pop((service, username), None)


@pytest.fixture
def file_keyring():
    ring = MemoryKeyring()
    old = keyring.get_keyring()
    keyring.set_keyring(ring)
    yield ring
    keyring.set_keyring(old)


def test_a_plain_text_keyring_never_gets_the_key(tmp_path: Path) -> None:
    from keyrings.alt.file import PlaintextKeyring

    ring = PlaintextKeyring()
    ring.file_path = str(tmp_path / "keyring.cfg")  # type: ignore[misc]
    old = keyring.get_keyring()
    keyring.set_keyring(ring)
    try:
        store = KeyStore(env={})
        assert store.set("secret-plain") == "memory"
        assert not (tmp_path / "keyring.cfg").exists()
        assert store.where() == message(MessageId.KEY_IN_MEMORY)
        got = store.get()
        assert got is not None and got.source == "memory"
    finally:
        keyring.set_keyring(old)


def test_env_overrides_keyring(file_keyring: object) -> None:
    store = KeyStore(env={"GOOGLE_API_KEY": "from-env"})
    store.set("from-ring")
    got = store.get()
    assert got is not None and got.key == "from-env" and got.source == "GOOGLE_API_KEY"
    assert "from-env" not in repr(got)
    assert store.where() == message(MessageId.KEY_FROM_ENV, "GOOGLE_API_KEY")


def test_keyring_round_trip(file_keyring: object) -> None:
    store = KeyStore(env={})
    assert store.get() is None
    assert store.set(" secret-1 ") == "keyring"
    got = KeyStore(env={}).get()
    assert got is not None and got.key == "secret-1" and got.source == "keyring"
    store.delete()
    assert KeyStore(env={}).get() is None


def test_no_keyring_keeps_key_in_memory_only(no_keyring: None, tmp_path: Path) -> None:
    store = KeyStore(env={})
    assert store.get() is None
    assert store.set("secret-2") == "memory"
    got = store.get()
    assert got is not None and got.key == "secret-2" and got.source == "memory"
    assert store.where() == message(MessageId.KEY_IN_MEMORY)
    assert KeyStore(env={}).get() is None  # a new run does not have it


def test_redaction_of_known_and_key_shaped_secrets() -> None:
    f = RedactingFilter()
    f.add_secret("my-private-key")
    text = f.redact(f"k={FAKE_KEY} h=x-goog-api-key: my-private-key url=wss://h/p?key=abc123&x=1")
    assert FAKE_KEY not in text and "my-private-key" not in text and "abc123" not in text
    assert text.count("[REDACTED]") >= 3


def test_log_file_never_contains_the_key(tmp_path: Path) -> None:
    root = logging.getLogger()
    before = list(root.handlers)
    try:
        log_file = setup_logging(tmp_path, "INFO")
        logging.getLogger("gemini_desk.test").warning("connecting with %s", FAKE_KEY)
        for h in root.handlers:
            h.flush()
        content = log_file.read_text()
        assert "connecting with [REDACTED]" in content and FAKE_KEY not in content
    finally:
        for h in root.handlers[:]:
            if h not in before:
                root.removeHandler(h)
                h.close()


def test_cli_options() -> None:
    args = build_parser().parse_args(
        ["--demo", "--connect", "--model", "m", "--mic", "USB", "--log-level", "debug"]
    )
    assert (args.demo, args.connect, args.model, args.mic, args.log_level) == (
        True,
        True,
        "m",
        "USB",
        "DEBUG",
    )
    help_text = build_parser().format_help()
    for option in (
        "--demo",
        "--base-url",
        "--model",
        "--connect",
        "--mic",
        "--speaker",
        "--log-level",
    ):
        assert option in help_text


def test_app_icon_resource_is_found() -> None:
    from gemini_desk.platform.assets import APP_ICON, resource_path

    assert resource_path(APP_ICON).read_text().startswith("<svg")
    with pytest.raises(FileNotFoundError):
        resource_path("icons/nope.svg")


def test_a_key_from_the_environment_does_not_load_the_keyring() -> None:
    """keyring (and its scan of every package's entry points) loads only when needed."""
    import subprocess
    import sys

    probe = (
        "import sys; from gemini_desk.platform.keystore import KeyStore; "
        "ks = KeyStore({'GEMINI_API_KEY': 'k-from-env'}); "
        "s = ks.get(); w = ks.where(); "
        "print(s.source, 'keyring' in sys.modules)"
    )
    out = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, timeout=60
    )
    assert out.stdout.split() == ["GEMINI_API_KEY", "False"]
    probe_no_env = probe.replace("{'GEMINI_API_KEY': 'k-from-env'}", "{}").replace("s.source", "s")
    out = subprocess.run(
        [sys.executable, "-c", probe_no_env],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
        env={"PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring", "PATH": "/usr/bin"},
    )
    assert out.stdout.split() == ["None", "True"]  # no key in the environment: it asks
