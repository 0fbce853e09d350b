"""Write example account archives for three accounts of the shipped example inventory, in the
platforms' real structures, to try ``nypconsol sweep`` on (the README walks through it):

    python docs/example_archives.py archives/
    nypconsol sweep -i inventory.csv archives/

- ``archives/WhitbySNT/twitter-2026-11-20-5f1c2a.zip``: an X archive (account.js names it);
- ``archives/HelmsleyPolice/facebook-helmsleypolice-2026-11-20.zip``: a Facebook Page's
  export, known by the folder it sits in (a Page's export does not name the Page), its text in
  Meta's mojibake;
- ``archives/RiponPolice/instagram-riponpolice-2026-11-20.zip``: an Instagram export (its
  personal information names the account).

Every person, message and detail in them is invented. The same command writes the same bytes.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
import zipfile
from pathlib import Path

STAMP = (2026, 11, 20, 9, 0, 0)  # every file's time in the zips: the same bytes every run
WHITBY_ID = "1458300112"
UTC = dt.UTC


def _zip(path: Path, files: dict[str, str]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(path, "w") as archive:
        for name, text in files.items():
            info = zipfile.ZipInfo(name, date_time=STAMP)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, text.encode("utf-8"))
    return path


def _iso(day: str, clock: str) -> str:
    return f"{day}T{clock}:00.000Z"


# --- X: WhitbySNT ------------------------------------------------------------------------------

# (conversation with, [(sender, day, time, text)]) oldest first; "me" is the account.
X_CONVERSATIONS = [
    (
        "2210000001",
        [
            (
                "them",
                "2026-11-14",
                "21:02",
                "lad with a knife outside the chippy on church st right now shouting at people",
            ),
            (
                "them",
                "2026-11-14",
                "21:05",
                "hes got in a silver corsa YK19 ABC heading up to the abbey",
            ),
        ],
    ),
    (
        "2210000002",
        [
            (
                "them",
                "2026-11-10",
                "08:15",
                "someone broke into my shed on Prospect Hill last night and took the mower &amp; strimmer",
            ),
            (
                "me",
                "2026-11-10",
                "09:30",
                "Sorry to hear that. Please report it at northyorkshire.police.uk or call 101 and quote this message.",
            ),
        ],
    ),
    (
        "2210000003",
        [
            (
                "them",
                "2026-11-12",
                "17:40",
                "theres people coming and going from the flat above the bookies on Flowergate all day every day, pretty sure they are dealing",
            ),
        ],
    ),
    (
        "2210000004",
        [
            (
                "them",
                "2026-11-15",
                "11:00",
                "lost my purse near the harbour yesterday, has anyone handed it in?",
            ),
        ],
    ),
    (
        "2210000005",
        [
            (
                "them",
                "2026-11-16",
                "19:20",
                "well done to the team for catching the burglars, brilliant work",
            ),
        ],
    ),
    (
        "2210000006",
        [
            ("them", "2026-11-17", "10:10", "can I report a crime on here?"),
            (
                "me",
                "2026-11-17",
                "10:40",
                "Hi, please use 101 or the online form, this account is closing soon.",
            ),
        ],
    ),
]


def x_archive(root: Path) -> Path:
    def js(name: str, value: object) -> str:
        return f"window.YTD.{name}.part0 = {json.dumps(value, indent=2, ensure_ascii=False)}"

    conversations = []
    number = 1_860_000_000_000_000_000
    for other, messages in X_CONVERSATIONS:
        low, high = sorted((WHITBY_ID, other))
        items = []
        for sender, day, clock, text in messages:
            number += 1
            me = sender == "me"
            items.append(
                {
                    "messageCreate": {
                        "recipientId": other if me else WHITBY_ID,
                        "reactions": [],
                        "urls": [],
                        "text": text,
                        "mediaUrls": [],
                        "senderId": WHITBY_ID if me else other,
                        "id": str(number),
                        "createdAt": _iso(day, clock),
                    }
                }
            )
        items.reverse()  # X writes the newest first
        conversations.append(
            {"dmConversation": {"conversationId": f"{low}-{high}", "messages": items}}
        )
    account = [
        {
            "account": {
                "email": "whitby.snt@example.invalid",
                "createdVia": "web",
                "username": "WhitbySNT",
                "accountId": WHITBY_ID,
                "createdAt": "2013-04-02T10:00:00.000Z",
                "accountDisplayName": "Whitby SNT",
            }
        }
    ]
    tweets = [
        {
            "tweet": {
                "id_str": "1860000000000001000",
                "created_at": "Mon Nov 16 09:00:00 +0000 2026",
                "full_text": "Road closed at the swing bridge this morning for repairs.",
                "entities": {"user_mentions": [], "hashtags": [], "urls": []},
            }
        }
    ]
    return _zip(
        root / "WhitbySNT" / "twitter-2026-11-20-5f1c2a.zip",
        {
            "data/account.js": js("account", account),
            "data/direct-messages.js": js("direct_messages", conversations),
            "data/tweets.js": js("tweets", tweets),
        },
    )


# --- Facebook: HelmsleyPolice (a Page: no profile in the export) --------------------------------

PAGE = "Helmsley Police"
FB_THREADS = [
    (
        "inbox",
        "sianjones_4410291",
        "Siân Jones",
        [
            (
                "Siân Jones",
                "2026-11-13",
                "22:10",
                "I don’t know who else to tell, my ex keeps turning up at my house and won’t leave me alone, he threatened me tonight",
            ),
        ],
    ),
    (
        "message_requests",
        "dalesresident_4410377",
        "Dales Resident",
        [
            (
                "Dales Resident",
                "2026-11-18",
                "16:45",
                "my nan has dementia and has wandered off from the care home on Bondgate, shes 84 wearing a red coat",
            ),
            (
                "Dales Resident",
                "2026-11-18",
                "16:52",
                "she was last seen near the market place about 20 mins ago",
            ),
        ],
    ),
    (
        "inbox",
        "markbell_4410402",
        "Mark Bell",
        [
            (
                "Mark Bell",
                "2026-11-11",
                "13:00",
                "kids on scramblers tearing up the rec again, every weekend",
            ),
            (
                PAGE,
                "2026-11-11",
                "15:20",
                "Thanks Mark, we've passed this to the neighbourhood team.",
            ),
        ],
    ),
    (
        "inbox",
        "zoeclarke_4410455",
        "Zoë Clarke",
        [
            (
                "Zoë Clarke",
                "2026-11-19",
                "09:30",
                "the officer who came round was really rude to my mum and I want to complain",
            ),
        ],
    ),
    (
        "inbox",
        "tomreed_4410499",
        "Tom Reed",
        [
            ("Tom Reed", "2026-11-19", "12:00", "love the posts about the police dogs 😂"),
        ],
    ),
]


def _mojibake(value: object) -> object:
    """What Meta writes: each UTF-8 byte of the text as its own \\u00XX character."""
    if isinstance(value, str):
        return value.encode("utf-8").decode("latin-1")
    if isinstance(value, list):
        return [_mojibake(v) for v in value]
    if isinstance(value, dict):
        return {k: _mojibake(v) for k, v in value.items()}
    return value


def _ms(day: str, clock: str) -> int:
    moment = dt.datetime.fromisoformat(f"{day}T{clock}:00+00:00")
    return int(moment.timestamp() * 1000)


def _threads(root: str, threads: list, owner: str) -> dict[str, str]:
    files = {}
    for folder, name, person, messages in threads:
        body = {
            "participants": [{"name": person}, {"name": owner}],
            "messages": [
                {
                    "sender_name": sender,
                    "timestamp_ms": _ms(day, clock),
                    "content": text,
                    "is_geoblocked_for_viewer": False,
                }
                for sender, day, clock, text in reversed(messages)  # newest first, as Meta writes
            ],
            "title": person,
            "is_still_participant": True,
            "thread_path": f"{folder}/{name}",
            "magic_words": [],
        }
        path = f"{root}/{folder}/{name}/message_1.json"
        files[path] = json.dumps(_mojibake(body), indent=2, ensure_ascii=True)
    return files


def facebook_archive(root: Path) -> Path:
    files = _threads("your_facebook_activity/messages", FB_THREADS, PAGE)
    files["your_facebook_activity/comments_and_reactions/comments.json"] = json.dumps(
        {"comments_v2": []}
    )
    return _zip(root / "HelmsleyPolice" / "facebook-helmsleypolice-2026-11-20.zip", files)


# --- Instagram: RiponPolice ---------------------------------------------------------------------

IG_NAME = "Ripon Police"
IG_THREADS = [
    (
        "inbox",
        "jordan_4410512",
        "jordan",
        [
            ("jordan", "2026-11-18", "23:40", "i cant do this anymore im going to end it tonight"),
        ],
    ),
    (
        "message_requests",
        "ripon_resident_4410533",
        "ripon_resident",
        [
            (
                "ripon_resident",
                "2026-11-17",
                "14:05",
                "someone keyed my car on North Street on saturday, £400 to fix",
            ),
            (
                IG_NAME,
                "2026-11-17",
                "16:00",
                "Sorry to hear this, please report it online so it gets a crime number.",
            ),
        ],
    ),
    (
        "inbox",
        "cathedral_fan_4410550",
        "cathedral_fan",
        [
            (
                "cathedral_fan",
                "2026-11-19",
                "10:15",
                "did you see the news about the raid in Ripon? about time https://www.example.invalid/news/raid",
            ),
        ],
    ),
]


def instagram_archive(root: Path) -> Path:
    files = _threads("your_instagram_activity/messages", IG_THREADS, IG_NAME)
    files["personal_information/personal_information/personal_information.json"] = json.dumps(
        _mojibake(
            {
                "profile_user": [
                    {
                        "media_map_data": {},
                        "string_map_data": {
                            "Email": {
                                "href": "",
                                "value": "ripon.snt@example.invalid",
                                "timestamp": 0,
                            },
                            "Name": {"href": "", "value": IG_NAME, "timestamp": 0},
                            "Username": {"href": "", "value": "RiponPolice", "timestamp": 0},
                        },
                    }
                ]
            }
        ),
        indent=2,
        ensure_ascii=True,
    )
    return _zip(root / "RiponPolice" / "instagram-riponpolice-2026-11-20.zip", files)


def write_examples(root: Path) -> list[Path]:
    """Write the three archives under ``root``; returns their paths."""
    return [x_archive(root), facebook_archive(root), instagram_archive(root)]


if __name__ == "__main__":
    target = Path(sys.argv[1] if len(sys.argv) > 1 else "archives")
    for written in write_examples(target):
        print(written)
