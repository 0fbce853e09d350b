"""How fast can a plan be in CPython? A deliberately minimal one, as evidence for issue 5.

One loop over a CSV inventory written by benchmarks/generate.py (its columns, in its order) that
does only the least a plan must do: trim the cells, look up the platform, match the handle's
pattern, read the count and the date, build the duplicate and lookalike keys, sort, and write a
21-key JSON record per account with orjson. No findings, no messages, one fixed district: it is
not the tool, only a bound below it. Time it as the benchmark times the tool:

    /usr/bin/time -f "%e s" python benchmarks/lean_plan.py inventory.csv out.json
"""

from __future__ import annotations

import csv
import gc
import io
import sys

import orjson

from nypconsol.core.parsing import parse_date
from nypconsol.core.platforms import PLATFORMS, platform_id, skeleton


def lean_plan(inventory: str, output: str) -> None:
    matches = {platform: rule.pattern.fullmatch for platform, rule in PLATFORMS.items()}
    with open(inventory, encoding="utf-8-sig", newline="") as file:
        rows = csv.reader(io.StringIO(file.read(), newline=""), strict=True)
    next(rows)  # the header: the generator's column order is assumed
    first_by_key: dict[tuple[str, str], int] = {}
    first_by_skeleton: dict[tuple[str, str], int] = {}
    dates: dict[str, object] = {}
    accounts = []
    for line, cells in enumerate(rows, start=2):
        handle, platform, owner, collar, role, area, _, followers, last_post, status = cells[:10]
        handle = handle.strip(" ").removeprefix("@")
        platform = platform_id(platform.strip())
        if matches[platform](handle) is None:
            raise SystemExit(f"line {line}: not a valid handle (give a generated inventory)")
        count = followers.strip().replace(",", "")
        posted = last_post.strip()
        if posted and posted not in dates:
            dates[posted] = parse_date(posted)
        first_by_key.setdefault((platform, handle.casefold()), line)
        first_by_skeleton.setdefault((platform, skeleton(handle)), line)
        accounts.append(
            (
                area.strip(),
                platform,
                handle,
                owner.strip(),
                collar.strip(),
                role.strip(),
                int(count) if count else None,
                dates.get(posted),
                status.strip().casefold() or "active",
                line,
            )
        )
    accounts.sort(key=lambda account: account[:3])
    with open(output, "wb") as out:
        for area, platform, handle, owner, collar, role, count, posted, status, line in accounts:
            record = {
                "handle": handle,
                "platform": platform,
                "owner": owner,
                "collar_number": collar,
                "role": role,
                "area": area,
                "district": "craven",
                "district_name": "Craven",
                "action": "migrate",
                "note": "",
                "target": "NYP_Craven",
                "url": "https://x.com/" + handle,
                "target_url": "https://x.com/NYP_Craven",
                "wave": 1,
                "notice_date": "2027-01-11",
                "close_date": "2027-01-25",
                "followers": count,
                "status": status,
                "last_post": posted,
                "source": {"file": inventory, "line": line},
            }
            out.write(orjson.dumps(record) + b",\n")


if __name__ == "__main__":
    gc.disable()  # as the tool runs
    lean_plan(sys.argv[1], sys.argv[2])
