"""Running ``nypconsol sweep`` in tests: a mapping and an inventory holding sweepkit's accounts
(so every fixture archive of the sweep's tests has its account), the example archives of
docs/example_archives.py, and a runner that fails on any traceback."""

from __future__ import annotations

import importlib.util
import shutil
from pathlib import Path

from click.testing import CliRunner
from sweepkit import WHITBY_ID, conversation, dm, x_account, ytd, zip_archive

from nypconsol.cli import cli

REPO = Path(__file__).resolve().parents[2]
EXAMPLE_INVENTORY = REPO / "nypconsol" / "data" / "example-inventory.csv"
KEY = "a-pseudonym-key-for-tests-0123456789"

CONFIG = """\
placeholders: no
force:
  name: North Yorkshire Police
  accounts: {x: NYorksPolice, facebook: NorthYorkshirePolice, instagram: nyorkspolice,
             tiktok: northyorkspolice, mastodon: nyp@police.example}
  reporting: {emergency: "999", non_emergency: "101", online: "https://example.org/report"}
districts:
  craven:
    name: Craven
    accounts: {x: NYP_Craven}
    areas: [Skipton]
  ryedale:
    name: Ryedale
    accounts: {x: NYP_Ryedale, facebook: NYPRyedale}
    areas: [Malton]
  scarborough:
    name: Scarborough
    accounts: {x: NYP_Scarboro}
    areas: [Whitby, Scarborough]
  selby:
    name: Selby
    accounts: {x: NYP_Selby}
    areas: [Selby]
policy:
  start: 2027-01-11
  notice_days: 14
"""

# sweepkit's ACCOUNTS, and an account the plan keeps open.
INVENTORY = """\
handle,platform,area,district,retain,reason
WhitbyPolice,x,Whitby,,,
MaltonPolice,facebook,Malton,,,
malton.police,instagram,Malton,,,
SelbyCops,x,Selby,,,
nypolice@mastodon.social,mastodon,,force,,
SkiptonPCSO,tiktok,Skipton,,,
ScarboroRoads,x,Scarborough,,yes,Road safety campaigns
"""


def write_inputs(folder: Path) -> None:
    (folder / "cfg.yaml").write_text(CONFIG, encoding="utf-8")
    (folder / "inv.csv").write_text(INVENTORY, encoding="utf-8")


def run(*args: str, env: dict[str, str] | None = None):  # type: ignore[no-untyped-def]
    result = CliRunner().invoke(cli, list(args), prog_name="nypconsol", env=env)
    assert result.exception is None or isinstance(result.exception, SystemExit), (
        result.output,
        result.exception,
    )
    assert "Traceback" not in result.output
    return result


def sweep(*args: str, env: dict[str, str] | None = None):  # type: ignore[no-untyped-def]
    """``nypconsol sweep -c cfg.yaml -i inv.csv ARGS`` in the working folder (write_inputs)."""
    return run("sweep", "-c", "cfg.yaml", "-i", "inv.csv", *args, env=env)


def example_archives(folder: Path) -> list[Path]:
    """docs/example_archives.py's three archives under ``folder``, and the example inventory
    beside them as inventory.csv."""
    spec = importlib.util.spec_from_file_location(
        "example_archives", REPO / "docs" / "example_archives.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    shutil.copyfile(EXAMPLE_INVENTORY, folder / "inventory.csv")
    return module.write_examples(folder / "archives")


def x_zip(path: Path, *messages: tuple[str, str, str, str], account: bool = True) -> Path:
    """An X archive of WhitbyPolice holding ``messages`` (id, sender, text, time): the
    account's own (sender WHITBY_ID) in conversation 222, each other sender in their own."""
    conversations = [
        conversation(
            f"{WHITBY_ID}-{sender}" if sender != WHITBY_ID else f"{WHITBY_ID}-222",
            dm(message_id, sender, None if sender == WHITBY_ID else WHITBY_ID, text, when),
        )
        for message_id, sender, text, when in messages
    ]
    files = {"data/direct-messages.js": ytd("direct_messages", conversations)}
    if account:
        files["data/account.js"] = x_account()
    return zip_archive(path, files)
