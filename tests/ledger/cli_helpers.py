"""Inputs and a runner for the tests of the ledger's commands (record, status, log): a small
mapping and inventory in the working folder, planned to start 40 days ago so that every step
is open and the ledger's own clock (which a test cannot set) is after every plan date."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from click.testing import CliRunner, Result

from nypconsol.cli import cli
from nypconsol.core.models import Plan
from nypconsol.core.progress import local_date

TODAY = local_date(dt.datetime.now(dt.UTC))
START = TODAY - dt.timedelta(days=40)

CONFIG = """\
force:
  name: Test Force
  accounts: {x: NYorksPolice, facebook: NorthYorkshirePolice, instagram: nypolice}
  reporting: {emergency: "999", non_emergency: "101", online: "https://example.org/report"}
districts:
  craven:
    name: Craven
    accounts: {x: NYP_Craven, facebook: NYPCraven}
    areas: [Skipton, Settle, Grassington]
  richmondshire:
    name: Richmondshire
    accounts: {x: NYP_Richmonds}
    areas: [Richmond, Leyburn]
  selby:
    name: Selby
    accounts: {x: NYP_Selby, facebook: NYPSelby}
    areas: [Selby, Tadcaster]
policy:
  notice_days: 14
"""

# Line 2 onwards: GrassingtonPCSO migrated on two platforms; SelbyPolice migrated on X and
# closed on Facebook; a Facebook page with dots; a skipped and a retained account.
INVENTORY = """\
handle,platform,owner,area,status,retain,reason
SkiptonCops,x,PC 1 A Shah,Skipton,active,,
GrassingtonPCSO,x,PCSO 5 M Hall,Grassington,active,,
GrassingtonPCSO,instagram,PCSO 5 M Hall,Grassington,active,,
Settle.Beat.Team,facebook,Settle SNT,Settle,active,,
LeyburnBeat,x,PC 2 O Price,Leyburn,active,,
SelbyPolice,x,PC 3 T Webb,Selby,active,,
SelbyPolice,facebook,PC 3 T Webb,Selby,closed,,
OldBeat,x,PC 4 retired,Tadcaster,closed,,
KeepMe,x,Roads,Selby,active,yes,Road safety campaigns
"""
MIGRATED = 6  # accounts the plan migrates


@dataclass(frozen=True)
class Inputs:
    """The inputs written to the working folder, the options that name them and their plan."""

    folder: Path
    plan: Plan

    @property
    def args(self) -> list[str]:
        return ["-c", "config.yaml", "-i", "inventory.csv", "--start", START.isoformat()]

    def entry(self, handle: str, platform: str = "x"):  # type: ignore[no-untyped-def]
        return next(
            e
            for e in self.plan.entries
            if e.account.handle == handle and e.account.platform == platform
        )

    @property
    def notice(self) -> dt.date:
        """Every account's notice date (one wave)."""
        return next(e.notice_date for e in self.plan.entries if e.notice_date)

    @property
    def close(self) -> dt.date:
        return next(e.close_date for e in self.plan.entries if e.close_date)


def write_inputs(folder: Path, inventory: str = INVENTORY) -> Inputs:
    from nypconsol.core.plan import make_plan
    from nypconsol.pipeline import check, load_inputs

    (folder / "config.yaml").write_text(CONFIG, encoding="utf-8")
    (folder / "inventory.csv").write_text(inventory, encoding="utf-8")
    # As the commands read them: by their names in the working folder.
    assert folder.resolve() == Path.cwd().resolve()
    checked = check(load_inputs("config.yaml", "inventory.csv", environ={}))
    assert not checked.errors, checked.errors
    return Inputs(folder=folder, plan=make_plan(checked, START))


def run(*args: str, env: dict[str, str] | None = None) -> Result:
    """The command line, in this process (stdout and stderr apart)."""
    return CliRunner().invoke(cli, list(args), env=env, catch_exceptions=False)


def record(backend, inputs: Inputs, handle: str, step: str, *more: str) -> Result:  # type: ignore[no-untyped-def]
    return run("record", handle, step, *inputs.args, "--ledger", backend.location, *more)


def status(backend, inputs: Inputs, *more: str) -> Result:  # type: ignore[no-untyped-def]
    return run("status", *inputs.args, "--ledger", backend.location, *more)


def log(backend, *more: str) -> Result:  # type: ignore[no-untyped-def]
    return run("log", "--ledger", backend.location, *more)
