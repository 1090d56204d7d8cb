"""ModelWiring: a retired stored model is replaced (with a notice) before connecting."""

from __future__ import annotations

import asyncio
from pathlib import Path

from gemini_desk.core.model_store import ModelStore
from gemini_desk.core.models import DEFAULT_MODEL, ModelInfo
from gemini_desk.core.settings import Settings
from gemini_desk.core.settings_model import SettingsModel
from gemini_desk.live.config import Endpoint
from gemini_desk.live.models import ModelCatalog
from gemini_desk.session.model_wiring import ModelWiring

LISTED = [ModelInfo(DEFAULT_MODEL, "Gemini 3.8 Live"), ModelInfo("gemini-other-live", "Other")]
ENDPOINT = Endpoint(api_key="k", base_url="https://127.0.0.1:1")


class View:
    def __init__(self) -> None:
        self.models: list[tuple[str, str]] = []
        self.retired: list[tuple[str, str]] = []
        self.cleared = 0

    def set_model(self, model: str, label: str = "") -> None:
        self.models.append((model, label))

    def show_model_retired(self, old: str, new_label: str) -> None:
        self.retired.append((old, new_label))

    def clear_error(self) -> None:
        self.cleared += 1


class Rig:
    def __init__(
        self, tmp: Path, stored: Settings, pinned: bool = False, now: list[float] | None = None
    ) -> None:
        self.now = now if now is not None else [1000.0]
        self.listing = asyncio.Event()  # the fake service answers when this is set
        self.calls = 0

        async def lister(endpoint: Endpoint) -> list[ModelInfo]:
            self.calls += 1
            await self.listing.wait()
            return LISTED

        self.saved: list[Settings] = []
        self.model = SettingsModel(stored, save=self.saved.append)
        self.view = View()
        catalog = ModelCatalog(ModelStore(tmp / "models.json"), lister, clock=lambda: 1000.0)
        self.wiring = ModelWiring(catalog, self.view, self.model, pinned, lambda: self.now[0])

    @property
    def settings(self) -> Settings:
        return self.model.current


def test_connect_waits_for_the_listing_and_the_retired_model_is_replaced_first(
    tmp_path: Path,
) -> None:
    rig = Rig(tmp_path, Settings(model="gemini-retired-live", thinking_level="high"))
    connected_with: list[str] = []

    async def main() -> None:
        rig.wiring.use_endpoint(ENDPOINT)
        rig.wiring.connect_when_listed(lambda: connected_with.append(rig.settings.model))
        await asyncio.sleep(0)
        assert connected_with == [] and rig.view.retired == []  # still listing
        rig.listing.set()
        while not connected_with:
            await asyncio.sleep(0.001)

    asyncio.run(asyncio.wait_for(main(), 5))
    assert connected_with == [DEFAULT_MODEL]
    # Shown, and shown again after connecting (which clears the banner): the last word.
    assert rig.view.retired == [("gemini-retired-live", "Gemini 3.8 Live")] * 2
    # Stored, and the thinking level the new model does not take is dropped.
    assert rig.saved[-1].model == DEFAULT_MODEL and rig.saved[-1].thinking_level == ""
    assert rig.view.models[-1] == (DEFAULT_MODEL, "Gemini 3.8 Live")


def test_cached_list_replaces_at_start_without_waiting(tmp_path: Path) -> None:
    first = Rig(tmp_path, Settings())
    first.listing.set()

    async def fill_cache() -> None:
        first.wiring.use_endpoint(ENDPOINT)
        await first.wiring.catalog.refresh(ENDPOINT)

    asyncio.run(fill_cache())
    later = Rig(tmp_path, Settings(model="gemini-retired-live"))

    async def start() -> None:
        later.wiring.use_endpoint(ENDPOINT)  # the service has not answered yet
        assert later.settings.model == DEFAULT_MODEL
        await later.wiring.stop()  # the listing under way ends with it

    asyncio.run(start())
    assert later.view.retired == [("gemini-retired-live", "Gemini 3.8 Live")]


def test_listed_model_and_pinned_model_stay(tmp_path: Path) -> None:
    for settings, pinned in (
        (Settings(model="gemini-other-live"), False),
        (Settings(model="gemini-retired-live"), True),
    ):
        rig = Rig(tmp_path / str(pinned), settings, pinned=pinned)
        rig.listing.set()

        async def main(rig: Rig = rig) -> None:
            rig.wiring.use_endpoint(ENDPOINT)
            await rig.wiring.catalog.refresh(ENDPOINT)
            await asyncio.sleep(0)

        asyncio.run(main())
        assert rig.view.retired == [] and rig.saved == []


def test_use_default_after_an_unknown_model(tmp_path: Path) -> None:
    rig = Rig(tmp_path, Settings(model="typo-model"), pinned=True)
    rig.wiring.use_default()
    assert rig.settings.model == DEFAULT_MODEL and rig.view.cleared == 1
    assert rig.view.models == [(DEFAULT_MODEL, "Gemini 3.8 Live")], "the label follows"


def test_the_label_follows_a_model_chosen_anywhere(tmp_path: Path) -> None:
    """Whoever writes the model (here the settings dialog's result), the label follows;
    other settings leave it alone."""
    rig = Rig(tmp_path, Settings())
    rig.model.update(voice="Kore")
    assert rig.view.models == []
    rig.model.replace(Settings(model="gemini-other-live"))
    assert rig.view.models == [("gemini-other-live", "gemini-other-live")]
    asyncio.run(rig.wiring.stop())
    rig.model.update(model=DEFAULT_MODEL)
    assert len(rig.view.models) == 1, "stopped: no longer follows"


def test_a_connect_lists_again_when_the_list_is_stale(tmp_path: Path) -> None:
    now = [1000.0]  # the catalogue stamps lists at 1000.0
    rig = Rig(tmp_path, Settings(), now=now)
    rig.listing.set()
    connects: list[int] = []

    async def main() -> None:
        rig.wiring.use_endpoint(ENDPOINT)
        await rig.wiring.catalog.refresh(ENDPOINT)
        rig.wiring.connect_when_listed(lambda: connects.append(rig.calls))
        while not connects:
            await asyncio.sleep(0.001)
        assert connects == [1]  # fresh: no second listing
        now[0] += 2 * 60 * 60
        rig.wiring.connect_when_listed(lambda: connects.append(rig.calls))
        while len(connects) < 2:
            await asyncio.sleep(0.001)

    asyncio.run(asyncio.wait_for(main(), 5))
    assert connects == [1, 2]  # the stale list was asked for again before connecting


def test_stop_ends_a_listing_under_way(tmp_path: Path) -> None:
    """Quitting while the service has not answered leaves no task behind the loop."""
    rig = Rig(tmp_path, Settings())

    async def main() -> set[asyncio.Task[object]]:
        rig.wiring.use_endpoint(ENDPOINT)  # the fake service never answers
        await asyncio.sleep(0)
        await rig.wiring.stop()
        current = asyncio.current_task()
        return {t for t in asyncio.all_tasks() if t is not current}

    assert asyncio.run(main()) == set()
    assert rig.calls == 1
