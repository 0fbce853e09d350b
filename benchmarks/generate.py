"""Generate realistic synthetic inventories of any size, for benchmarks and scaling tests.

Every row is valid against the shipped mapping (config/accounts.yaml): every platform in
nypconsol/platforms.py, every district and area, unique handles that follow each platform's
rule (and no two that look alike), followers such as ``1,234`` or blank, UK and ISO dates,
some accounts retained with a reason, some closed. The same seed gives the same rows and the
same bytes.

    python benchmarks/generate.py --count 100000 --out /tmp/bench            # csv, xlsx, yaml
    python benchmarks/generate.py --count 500 --format csv --out - > inv.csv  # to stdout
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import io
import json
import random
import re
import sys
import zipfile
from collections.abc import Iterator
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))  # run from a checkout without installing

from nypconsol.core.inventory import COLUMNS  # noqa: E402
from nypconsol.core.platforms import PLATFORMS, skeleton  # noqa: E402
from nypconsol.core.resolve import area_key  # noqa: E402

FORMATS = ("csv", "xlsx", "yaml", "json")
CONFIG = REPO / "config" / "accounts.yaml"

# How people write platform names in spreadsheets (all aliases nypconsol accepts).
SPELLINGS = {
    "x": ("x", "X", "Twitter", "twitter", "X (Twitter)"),
    "facebook": ("facebook", "Facebook", "fb", "FB"),
    "instagram": ("instagram", "Instagram", "ig", "Insta"),
    "tiktok": ("tiktok", "TikTok", "Tik Tok"),
    "mastodon": ("mastodon", "Mastodon"),
    "bluesky": ("bluesky", "Bluesky", "bsky"),
    "threads": ("threads", "Threads"),
}
PLATFORM_WEIGHTS = {
    "x": 45,
    "facebook": 30,
    "instagram": 12,
    "tiktok": 8,
    "mastodon": 5,
    "bluesky": 3,
    "threads": 2,
}
INSTANCES = ("mastodon.social", "mastodon.online", "mastodonapp.uk", "social.police.example")
FIRST = (
    "Ali", "Megan", "Dan", "Priya", "Owen", "Erin", "Sam", "Joanne", "Tom", "Lucy", "Kai",
    "Zoë", "Siobhán", "Rhys", "Amira", "Callum", "Niamh", "Hamza", "Beth", "Ewan", "Grace",
    "Mohammed", "Hannah", "Jack", "Chloe", "Liam", "Sophie", "Ravi", "Aoife", "Declan",
)  # fmt: skip
LAST = (
    "Shah", "Hall", "Reed", "Nair", "Price", "Cole", "Ford", "Birch", "Webb", "Green",
    "Moore", "O'Neill", "Brontë", "Wilson", "Khan", "Taylor", "Patel", "Jones", "Walker",
    "Wright", "Robinson", "Thompson", "Hughes", "Evans", "Clarke", "Lewis", "Kaur", "Ahmed",
)  # fmt: skip
RANKS = (  # (title in owner, role, share)
    ("PC", "Neighbourhood officer", 40),
    ("PCSO", "PCSO", 30),
    ("Sgt", "Neighbourhood sergeant", 8),
    ("Insp", "Neighbourhood inspector", 3),
)
TEAMS = ("SNT", "Police", "Beat", "Rural", "Cops", "Watch")
REASONS = (
    "Specialist channel approved for road safety campaigns",
    "Community engagement pilot, reviewed by Supt. Hart",
    "Rural crime alerts; farmers rely on it",
    "Approved by the Head of Comms\nReview again in 2028",  # Alt+Enter in an Excel cell
    "Wildlife crime: national partners follow it",
)


def load_mapping(path: Path = CONFIG) -> tuple[dict[str, str], list[str], set[str]]:
    """From the mapping: area -> district id (areas in one district only), district names,
    and the skeletons of every destination handle (so no generated handle looks like one)."""
    import yaml

    config = yaml.safe_load(path.read_text(encoding="utf-8"))
    owners: dict[str, set[str]] = {}
    spelling: dict[str, str] = {}
    for district_id, body in config["districts"].items():
        for area in [*body["areas"], body["name"]]:
            owners.setdefault(area_key(area), set()).add(district_id)
            spelling.setdefault(area_key(area), area)
    areas = {spelling[k]: next(iter(v)) for k, v in owners.items() if len(v) == 1}
    names = [body["name"] for body in config["districts"].values()]
    destinations = {
        f"{platform}:{skeleton(handle)}"
        for owner in [config["force"], *config["districts"].values()]
        for platform, handle in owner.get("accounts", {}).items()
    }
    return dict(sorted(areas.items())), names, destinations


def _squash(text: str, allowed: str) -> str:
    return "".join(c for c in text if c.isascii() and (c.isalnum() or c in allowed))


class _Handles:
    """Unique handles per platform: none equal, none alike under nypconsol's skeleton."""

    def __init__(self, rng: random.Random, taken: set[str]) -> None:
        self.rng = rng
        self.taken = set(taken)

    def make(self, platform: str, area: str, person: str, title: str) -> str:
        rng = self.rng
        place = _squash(area.title(), "")
        for attempt in range(1000):
            number = str(rng.randrange(10 ** (2 + attempt // 50)))
            if platform == "x":
                stem = rng.choice(
                    (f"{title}_{place}", f"{place}{rng.choice(TEAMS)}", f"NYP_{place}", person)
                )
                handle = stem[: 15 - len(number)] + number
            elif platform == "facebook":
                stem = rng.choice(
                    (f"{place}.Police", f"{place}{rng.choice(TEAMS)}", f"NYP.{place}")
                )
                handle = (stem + "." + number)[:50]
            elif platform == "instagram":
                stem = rng.choice((f"nyp.{place.lower()}", f"{place.lower()}_{title.lower()}"))
                handle = stem[: 29 - len(number)] + "_" + number
            elif platform == "tiktok":
                stem = rng.choice((f"{place.lower()}.police", f"nyp_{place.lower()}"))
                handle = stem[: 23 - len(number)] + "." + number
            elif platform == "threads":
                stem = rng.choice((f"{place.lower()}.police", f"{place.lower()}_{title.lower()}"))
                handle = stem[: 29 - len(number)] + "_" + number
            elif platform == "bluesky":
                stem = _squash(f"{place}-{title}", "-").lower().strip("-")[:40]
                handle = f"{stem}{number}.bsky.social"
            else:
                user = _squash(f"{title}{place}", "_")[: 30 - len(number)].lower()
                handle = f"{user}{number}@{rng.choice(INSTANCES)}"
            key = f"{platform}:{skeleton(handle)}"
            if key not in self.taken and PLATFORMS[platform].is_valid(handle):
                self.taken.add(key)
                return handle
        raise RuntimeError(
            f"could not find a free {platform} handle for {area}"
        )  # pragma: no cover


def _weighted(rng: random.Random, weights: dict[str, int]) -> str:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def _followers(rng: random.Random) -> int | None:
    if rng.random() < 0.1:
        return None  # unknown
    return int(rng.lognormvariate(6.5, 1.3))


def _date(rng: random.Random) -> dt.date | None:
    if rng.random() < 0.08:
        return None
    return dt.date(2022, 1, 1) + dt.timedelta(days=rng.randrange(1795))


def generate(count: int, seed: int = 2027) -> list[dict]:
    """``count`` typed rows: followers int or None, last_post date or None, the rest text."""
    rng = random.Random(seed)
    areas, _names, destinations = load_mapping()
    area_list = list(areas)
    handles = _Handles(rng, destinations)
    rank_weights = {title: share for title, _, share in RANKS} | {"team": 19}
    roles = {title: role for title, role, _ in RANKS}
    rows = []
    for _ in range(count):
        platform = _weighted(rng, PLATFORM_WEIGHTS)
        area = rng.choice(area_list)
        district = ""
        if rng.random() < 0.02:  # force-wide specialist teams: no area
            area, district = "", rng.choice(("force", "Force"))
        elif rng.random() < 0.1:  # an explicit district, as id or name, agreeing with the area
            district_id = areas[area]
            district = rng.choice((district_id, district_id.upper(), district_id.title()))
        title = _weighted(rng, rank_weights)
        first, last = rng.choice(FIRST), rng.choice(LAST)
        place = area or "Force"
        if title == "team":
            collar = ""
            role = "Safer Neighbourhood Team" if area else "Specialist team"
            owner = (
                f"{place} SNT" if area else rng.choice(("Roads Policing Group", "Rural Taskforce"))
            )
            person = f"{place}SNT"
        else:
            collar = str(rng.randrange(1, 7000) if title != "PCSO" else rng.randrange(6000, 7000))
            role = roles[title]
            owner = rng.choice(
                (f"{title} {collar} {first} {last}", f"{last}, {first} ({title} {collar})")
            )
            person = _squash(f"{title}{first}{last}", "_")
        handle = handles.make(platform, place, person, title if title != "team" else "SNT")
        status = _weighted(rng, {"active": 80, "dormant": 15, "closed": 5})
        retain = rng.random() < 0.02
        if platform in ("mastodon", "bluesky", "threads") and status != "closed":
            retain = True  # the mapping has no destination there: keep it, or it is closed
        if area and rng.random() < 0.05:  # spelt as people type it
            area = rng.choice((area.upper(), area.lower(), area.replace("-", " ")))
        rows.append(
            {
                "handle": rng.choice(("", "", "@", " @")) + handle,
                "platform": rng.choice(SPELLINGS[platform]),
                "owner": owner,
                "collar_number": collar,
                "role": role,
                "area": area,
                "district": district,
                "followers": _followers(rng),
                "last_post": _date(rng),
                "status": status,
                "retain": "yes" if retain else rng.choice(("", "", "no")),
                "reason": rng.choice(REASONS) if retain else "",
                "sign_off": f"{title} {collar} {first} {last}"
                if title != "team" and rng.random() < 0.3
                else "",
                "_uk": rng.random() < 0.5,  # this row's date is written 01/10/2026
                "_commas": rng.random() < 0.7,  # this row's followers are written 1,234
            }
        )
    return rows


def text_values(row: dict) -> dict[str, str]:
    """A row as a spreadsheet shows it: ``1,234`` followers, UK or ISO dates."""
    values = {c: row[c] for c in COLUMNS}
    followers, last_post = row["followers"], row["last_post"]
    values["followers"] = (
        "" if followers is None else f"{followers:,}" if row["_commas"] else str(followers)
    )
    values["last_post"] = (
        ""
        if last_post is None
        else last_post.strftime("%d/%m/%Y")
        if row["_uk"]
        else last_post.isoformat()
    )
    return values


def write_csv(rows: list[dict], out: io.BufferedIOBase) -> None:
    """As Excel's "CSV UTF-8" writes it: BOM, CRLF, quotes only where needed."""
    text = io.StringIO(newline="")
    writer = csv.writer(text, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for row in rows:
        writer.writerow(text_values(row).values())
    out.write(("\ufeff" + text.getvalue()).encode("utf-8"))


def write_xlsx(rows: list[dict], out: io.BufferedIOBase) -> None:
    """One sheet written with openpyxl's write-only mode; numbers and dates as typed cells,
    as Excel keeps them. Zip timestamps are fixed so the bytes depend on the seed only."""
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    fixed = dt.datetime(2026, 1, 1)
    workbook.properties.created = workbook.properties.modified = fixed
    sheet = workbook.create_sheet("Inventory")
    sheet.append(COLUMNS)
    for row in rows:
        values = text_values(row)
        cells = list(values.values())
        if row["followers"] is not None and not row["_commas"]:
            cells[COLUMNS.index("followers")] = row["followers"]
        if row["last_post"] is not None and not row["_uk"]:
            cells[COLUMNS.index("last_post")] = dt.datetime.combine(row["last_post"], dt.time())
        if row["collar_number"]:
            cells[COLUMNS.index("collar_number")] = int(row["collar_number"])
        sheet.append([c if c != "" else None for c in cells])
    buffer = io.BytesIO()
    workbook.save(buffer)
    _fix_zip_times(buffer, out)


def _fix_zip_times(buffer: io.BytesIO, out: io.BufferedIOBase) -> None:
    buffer.seek(0)
    with zipfile.ZipFile(buffer) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for info in source.infolist():
            data = source.read(info.filename)
            data = re.sub(rb"<dcterms:modified[^<]*</dcterms:modified>", b"", data)
            fixed = zipfile.ZipInfo(info.filename, date_time=(2026, 1, 1, 0, 0, 0))
            fixed.compress_type = zipfile.ZIP_DEFLATED
            zf.writestr(fixed, data)


_PLAIN = re.compile(r"[A-Za-z0-9][A-Za-z0-9 ,./()'_-]*", re.ASCII)


def _yaml_scalar(text: str) -> str:
    """Plain where a person would write it plain; double-quoted where YAML needs it."""
    if _PLAIN.fullmatch(text) and not text.endswith(" ") and ": " not in text:
        return text
    return json.dumps(text, ensure_ascii=False)


def write_yaml(rows: list[dict], out: io.BufferedIOBase) -> None:
    """A hand-written style inventory: block mappings, empty columns left out."""
    lines = [
        "# Synthetic inventory written by benchmarks/generate.py",
        "accounts:",
    ]
    for row in rows:
        first = True
        for column, value in text_values(row).items():
            if not value:
                continue
            lines.append(f"{'  - ' if first else '    '}{column}: {_yaml_scalar(value)}")
            first = False
    out.write(("\n".join(lines) + "\n").encode("utf-8"))


def write_json(rows: list[dict], out: io.BufferedIOBase) -> None:
    records = [{k: v for k, v in text_values(row).items() if v} for row in rows]
    out.write(json.dumps(records, indent=1, ensure_ascii=False).encode("utf-8"))


WRITERS = {"csv": write_csv, "xlsx": write_xlsx, "yaml": write_yaml, "json": write_json}


def write(rows: list[dict], fmt: str, path: Path) -> Path:
    with open(path, "wb") as out:
        WRITERS[fmt](rows, out)
    return path


def inventory_path(folder: Path, count: int, fmt: str, seed: int) -> Path:
    return folder / f"inventory-{count}-s{seed}.{fmt}"


def ensure(folder: Path, count: int, fmts: list[str], seed: int = 2027) -> dict[str, Path]:
    """Write the inventories that are not there yet; return format -> path."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = {fmt: inventory_path(folder, count, fmt, seed) for fmt in fmts}
    missing = [fmt for fmt, path in paths.items() if not path.exists()]
    if missing:
        rows = generate(count, seed)
        for fmt in missing:
            partial = paths[fmt].with_suffix(".part")
            write(rows, fmt, partial)
            partial.replace(paths[fmt])
    return paths


def iter_formats(text: str) -> Iterator[str]:
    for fmt in text.split(","):
        if fmt not in FORMATS:
            raise SystemExit(f"unknown format {fmt!r}: use {', '.join(FORMATS)}")
        yield fmt


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=10_000, help="accounts (default 10000)")
    parser.add_argument("--seed", type=int, default=2027)
    parser.add_argument(
        "--format", default="csv,xlsx,yaml", help="comma-separated: " + ",".join(FORMATS)
    )
    parser.add_argument("--out", default=".", help="folder, or - for stdout (one format)")
    args = parser.parse_args(argv)
    fmts = list(iter_formats(args.format))
    rows = generate(args.count, args.seed)
    if args.out == "-":
        if len(fmts) != 1:
            raise SystemExit("--out - needs exactly one --format")
        WRITERS[fmts[0]](rows, sys.stdout.buffer)
        return 0
    folder = Path(args.out)
    folder.mkdir(parents=True, exist_ok=True)
    for fmt in fmts:
        path = write(rows, fmt, inventory_path(folder, args.count, fmt, args.seed))
        print(f"wrote {path} ({path.stat().st_size:,} bytes)", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
