"""Write synthetic account archives of any size for the sweep benchmark: an X archive (account.js,
manifest.js, direct messages split into parts, tweets.js) or a Facebook export (inbox and
message_requests threads, pages of at most 10,000 messages as Meta writes them, with mojibake).
Deterministic for a seed: the same arguments write the same bytes.

    python benchmarks/sweep_archives.py --platform x --messages 1000000 --out /tmp/x.zip
    python benchmarks/sweep_archives.py --platform facebook --messages 10000 --out /tmp/MaltonPolice/fb.zip
    python benchmarks/sweep_archives.py --platform x --messages 5000 --folder --out /tmp/x-folder

Files are written as they are made (streamed into the zip), so the generator's memory stays
small at any size. Every person, place detail and message is invented.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO

ACCOUNT_ID = "111"
USERNAME = "WhitbyPolice"
PAGE = "Malton Police"
START = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)

PLACES = ["church st", "the harbour", "eastfield", "westborough", "the co-op", "norton",
          "the prom", "clarence st", "the bus station", "gowthorpe", "the rec", "station parade",
          "skipton high street", "the estate", "the multi storey", "micklegate"]  # fmt: skip
NAMES = ["Siân", "José", "Zoë", "Chloé", "Dean", "Kayleigh", "Bob", "Aoife", "Mo", "Priya"]
REGS = ["YK19 ABC", "YX68 KLM", "NJ16 WRO", "YA21 PZT", "YD19 KFT", "WN63 KFD"]
TEMPLATES = [
    "theres a lad going along the cars on {place} pulling door handles",
    "someone has broken into my shed on {place} last night, took the mower",
    "2 lads fighting outside {place} right now one has a bottle",
    "silver corsa {reg} speeding through {place} every morning",
    "my ex keeps turning up at my house and won’t leave me alone",
    "people coming and going from the flat above the chippy on {place} all night",
    "lost my purse near {place}, has anyone handed it in?",
    "how do i get a crime number for my insurance?",
    "well done to the team for catching the burglars, brilliant work 👏",
    "love the posts about the police dogs",
    "is {place} closed? loads of police about",
    "thanks for the help yesterday",
    "good morning from sunny {place} ☀️",
    "kids on scramblers tearing up {place} again",
    "can someone ring me back about my case please",
    "my car was keyed on {place} on saturday, £400 to fix",
    "i can’t do this anymore, i’m going to end it tonight",
    "my nan has dementia and has wandered off from {place}",
    "van {reg} parked on the pavement outside the school again",
    "did you see the news about the raid in {place}? about time",
    "{name} here, the lad off your appeal is staying at his mum’s on {place}",
    "someone stole my bike from outside {place}, blue carrera",
    "the traffic on {place} is a joke today 😂",
    "any update on my case? ref 12230045678",
]  # fmt: skip
REPLIES = ["Thanks, we've passed this on.", "Please call 101 with the details.", "On our way."]


def _text(rng: random.Random) -> str:
    template = rng.choice(TEMPLATES)
    text = template.format(place=rng.choice(PLACES), reg=rng.choice(REGS), name=rng.choice(NAMES))
    # a number and a little noise so that the files compress as real ones do, not like a bomb
    return f"{text} {rng.randint(1, 999)}" if rng.random() < 0.5 else text


def _conversation_sizes(rng: random.Random, total: int) -> Iterator[int]:
    """Sizes of conversations (1 to 30 messages, mostly short) adding up to ``total``."""
    left = total
    while left > 0:
        size = min(left, 1 + int(rng.expovariate(1 / 6)))
        size = min(size, 30)
        left -= size
        yield size


def _messages(rng: random.Random, size: int, start_s: int) -> list[tuple[bool, int, str]]:
    """(own, seconds since START, text), oldest first: about a third are the account's replies."""
    out = []
    moment = start_s
    for n in range(size):
        own = n > 0 and rng.random() < 0.35
        out.append((own, moment, rng.choice(REPLIES) if own else _text(rng)))
        moment += rng.randint(30, 4 * 3600)
    return out


def _iso(seconds: int) -> str:
    return (START + dt.timedelta(seconds=seconds)).strftime("%Y-%m-%dT%H:%M:%S.000Z")


class _Writer:
    """Files into a zip (streamed) or a folder."""

    def __init__(self, out: Path, folder: bool) -> None:
        self.out = out
        self.folder = folder
        if folder:
            out.mkdir(parents=True, exist_ok=True)
            self.zip = None
        else:
            out.parent.mkdir(parents=True, exist_ok=True)
            self.zip = zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=6)

    def open(self, name: str) -> IO[bytes]:
        if self.zip is not None:
            info = zipfile.ZipInfo(name, date_time=(2026, 1, 10, 12, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            return self.zip.open(info, "w", force_zip64=True)
        path = self.out / name
        path.parent.mkdir(parents=True, exist_ok=True)
        return open(path, "wb")

    def write(self, name: str, text: str) -> None:
        with self.open(name) as handle:
            handle.write(text.encode("utf-8"))

    def close(self) -> None:
        if self.zip is not None:
            self.zip.close()


def write_x(out: Path, messages: int, part_messages: int, seed: int, folder: bool) -> None:
    rng = random.Random(seed)
    writer = _Writer(out, folder)
    writer.write(
        "data/account.js",
        "window.YTD.account.part0 = "
        + json.dumps(
            [{"account": {"accountId": ACCOUNT_ID, "username": USERNAME,
                          "accountDisplayName": "Whitby Police", "createdAt": "2012-05-01T09:00:00.000Z"}}],
            indent=2,
        ),
    )  # fmt: skip
    parts: list[tuple[str, int]] = []
    handle: IO[bytes] | None = None
    in_part = 0
    first_entry = True
    message_id = 1_500_000_000_000_000_000
    user = 1000
    start_s = 0
    senders: list[str] = []

    def open_part() -> IO[bytes]:
        number = len(parts)
        name = "data/direct-messages.js" if number == 0 else f"data/direct-messages-part{number}.js"
        parts.append((name, 0))
        stream = writer.open(name)
        stream.write(f"window.YTD.direct_messages.part{number} = [".encode())
        return stream

    for size in _conversation_sizes(rng, messages):
        user += 1
        sender = str(user)
        senders.append(sender)
        cid = f"{ACCOUNT_ID}-{sender}"
        thread = _messages(rng, size, start_s)
        start_s += rng.randint(60, 3600)
        # an entry per part: a long conversation is split over parts, as X does
        pending = list(reversed(thread))  # newest first
        while pending:
            if handle is None or in_part >= part_messages:
                if handle is not None:
                    handle.write(b"\n]")
                    handle.close()
                handle = open_part()
                in_part = 0
                first_entry = True
            room = part_messages - in_part
            chunk, pending = pending[:room], pending[room:]
            items = []
            for own, seconds, text in chunk:
                message_id += 1
                items.append({"messageCreate": {
                    "recipientId": sender if own else ACCOUNT_ID, "reactions": [], "urls": [],
                    "text": text, "mediaUrls": [], "senderId": ACCOUNT_ID if own else sender,
                    "id": str(message_id), "createdAt": _iso(seconds)}})  # fmt: skip
            entry = {"dmConversation": {"conversationId": cid, "messages": items}}
            handle.write(
                (b"" if first_entry else b",")
                + b"\n"
                + json.dumps(entry, ensure_ascii=False).encode()
            )
            first_entry = False
            in_part += len(chunk)
            name, count = parts[-1]
            parts[-1] = (name, count + len(chunk))
    if handle is not None:
        handle.write(b"\n]")
        handle.close()
    tweets = []
    for n in range(max(1, messages // 50)):
        to = rng.choice(senders) if senders else "1"
        tweets.append({"tweet": {
            "id_str": str(1_600_000_000_000_000_000 + n),
            "created_at": (START + dt.timedelta(seconds=rng.randint(0, max(start_s, 1)))).strftime("%a %b %d %H:%M:%S +0000 %Y"),
            "full_text": f"@resident{to} thanks, passed on &amp; logged",
            "in_reply_to_user_id_str": to, "entities": {"user_mentions": []}}})  # fmt: skip
    writer.write("data/tweets.js", "window.YTD.tweets.part0 = " + json.dumps(tweets, indent=2))
    manifest = {
        "userInfo": {"accountId": ACCOUNT_ID, "userName": USERNAME, "displayName": "Whitby Police"},
        "dataTypes": {
            "directMessages": {"files": [
                {"fileName": name, "globalName": f"YTD.direct_messages.part{n}", "count": str(count)}
                for n, (name, count) in enumerate(parts)]},
            "tweets": {"files": [{"fileName": "data/tweets.js", "globalName": "YTD.tweets.part0",
                                  "count": str(len(tweets))}]},
        },
    }  # fmt: skip
    writer.write("data/manifest.js", "window.__THAR_CONFIG = " + json.dumps(manifest, indent=2))
    writer.close()


def _meta_escape(text: str) -> str:
    """JSON text as Meta writes it: each UTF-8 byte of non-ASCII as its own \\u00XX escape."""
    return json.dumps(text.encode("utf-8").decode("latin-1"), ensure_ascii=True)


def write_facebook(out: Path, messages: int, part_messages: int, seed: int, folder: bool) -> None:
    rng = random.Random(seed)
    writer = _Writer(out, folder)
    root = "your_facebook_activity/messages"
    writer.write("your_facebook_activity/profile_information/README.txt", "synthetic\n")
    start_s = 0
    page_limit = min(part_messages, 10_000)
    for number, size in enumerate(_conversation_sizes(rng, messages)):
        person = f"{rng.choice(NAMES)} Resident{number}"
        folder_name = "message_requests" if rng.random() < 0.2 else "inbox"
        thread_path = f"{folder_name}/resident{number}_{10_000_000 + number}"
        thread = _messages(rng, size, start_s)
        start_s += rng.randint(60, 3600)
        newest_first = list(reversed(thread))
        pages = [newest_first[i : i + page_limit] for i in range(0, len(newest_first), page_limit)]
        for page_number, page in enumerate(pages, 1):
            with writer.open(f"{root}/{thread_path}/message_{page_number}.json") as handle:
                handle.write(
                    b'{\n  "participants": [{"name": ' + _meta_escape(person).encode()
                    + b'}, {"name": ' + _meta_escape(PAGE).encode() + b'}],\n  "messages": ['
                )  # fmt: skip
                for n, (own, seconds, text) in enumerate(page):
                    sender = PAGE if own else person
                    handle.write(
                        (b"" if n == 0 else b",")
                        + b'\n    {"sender_name": ' + _meta_escape(sender).encode()
                        + b', "timestamp_ms": ' + str(int(START.timestamp() + seconds) * 1000).encode()
                        + b', "content": ' + _meta_escape(text).encode()
                        + b', "type": "Generic", "is_geoblocked_for_viewer": false}'
                    )  # fmt: skip
                handle.write(
                    b'\n  ],\n  "title": ' + _meta_escape(person).encode()
                    + b',\n  "is_still_participant": true,\n  "thread_path": "'
                    + thread_path.encode() + b'",\n  "magic_words": []\n}\n'
                )  # fmt: skip
    writer.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--platform", choices=("x", "facebook"), default="x")
    parser.add_argument("--messages", type=int, required=True)
    parser.add_argument(
        "--part-messages",
        type=int,
        default=100_000,
        help="messages per data file (X parts; Facebook pages are at most 10,000)",
    )
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--folder", action="store_true", help="write the extracted folder")
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()
    write = write_x if args.platform == "x" else write_facebook
    write(args.out, args.messages, args.part_messages, args.seed, args.folder)


if __name__ == "__main__":
    main()
