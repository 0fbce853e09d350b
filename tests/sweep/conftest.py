"""The sweep's tests run with none of the developer's sweep settings: no ledger, no Mastodon
token or API base, no pseudonym key (tests that want one set it)."""

from __future__ import annotations

import pytest

SETTINGS = (
    "NYPCONSOL_LEDGER",
    "NYPCONSOL_MASTODON_TOKEN",
    "NYPCONSOL_MASTODON_API_BASE",
    "NYPCONSOL_PSEUDONYM_KEY",
)


@pytest.fixture(autouse=True)
def no_sweep_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in SETTINGS:
        monkeypatch.delenv(name, raising=False)
