"""What every platform client offers the lookup, and building the clients for a run."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Protocol

from nypconsol.core.platforms import PLATFORMS
from nypconsol.enrich.handles import BLUESKY, LOOKUP_PLATFORMS, MASTODON, Handle, X
from nypconsol.enrich.http import HttpSettings, Reply, Transport
from nypconsol.enrich.models import Answer
from nypconsol.enrich.secrets import Redactor, clean_text


class PlatformClient(Protocol):
    """Looks up handles on one platform.

    ``lookup`` returns an Answer for every handle it was given (keyed by ``Handle.key``), or
    raises LookupFailed (the whole batch failed: ``error``), RateLimited (a 429: the lookup
    waits or stops) or TokenRejected / TokenMissing (the run stops).
    """

    platform: str
    batch_size: int

    def scope(self, handle: Handle) -> str:
        """The API the handle is asked at: rate limits and the cache are kept per scope."""
        ...

    def lookup(self, handles: Sequence[Handle]) -> dict[str, Answer]: ...


class ClientBase:
    """What the three clients share: the transport, and text from servers made safe."""

    platform = ""
    batch_size = 1

    def __init__(self, transport: Transport) -> None:
        self.transport = transport

    def text(self, value: object, limit: int = 200) -> str:
        """Text from a server, redacted and made one safe line (for ``lookup_detail``)."""
        return clean_text(self.transport.redact(str(value)), limit)

    def problem(self, reply: Reply) -> str:
        """What an unexpected answer said: its status and the start of its body."""
        return f"{reply.what} answered {reply.describe()}: {reply.snippet()!r}"

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"


class Clients(Mapping[str, PlatformClient]):
    """The clients of one run, by platform id, sharing one Transport; close it when done."""

    def __init__(self, clients: Mapping[str, PlatformClient], transport: Transport) -> None:
        self._clients = dict(clients)
        self.transport = transport

    def __getitem__(self, platform: str) -> PlatformClient:
        return self._clients[platform]

    def __iter__(self) -> Iterator[str]:
        return iter(self._clients)

    def __len__(self) -> int:
        return len(self._clients)

    def close(self) -> None:
        self.transport.close()

    def __enter__(self) -> Clients:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


def make_clients(
    platforms: Sequence[str] = LOOKUP_PLATFORMS,
    *,
    api_bases: Sequence[str] = (),
    environ: Mapping[str, str] | None = None,
    settings: HttpSettings | None = None,
    sleep: Callable[[float], None] | None = None,
    draw: Callable[[], float] | None = None,
) -> Clients:
    """The clients for ``platforms`` (ids from LOOKUP_PLATFORMS), with their bases from
    ``api_bases`` (the ``--api-base`` values) and the environment.

    The X token is read from ``NYPCONSOL_X_BEARER_TOKEN`` only. A missing token is not an error
    here: the X client raises TokenMissing when it first has to ask X (every X answer may
    already be cached). Raises ApiBaseError for a bad base and TokenInvalid for a token that
    cannot be one.
    """
    import time

    from nypconsol.enrich.bases import resolve_api_bases
    from nypconsol.enrich.bluesky import BlueskyClient
    from nypconsol.enrich.mastodon import MastodonClient
    from nypconsol.enrich.secrets import token_from_environment
    from nypconsol.enrich.x import XClient

    unknown = [p for p in platforms if p not in LOOKUP_PLATFORMS]
    if unknown:
        raise ValueError(f"no client for {', '.join(unknown)}: choose from {LOOKUP_PLATFORMS}")
    selected = [p for p in LOOKUP_PLATFORMS if p in platforms]
    apis = {p: PLATFORMS[p].lookup for p in selected}  # the platform table names each one's API
    bases = resolve_api_bases(api_bases, selected, environ)
    token = token_from_environment(environ=environ) if X in apis.values() else None
    transport = Transport(
        settings,
        redactor=Redactor([token]),
        sleep=sleep or time.sleep,
        **({"draw": draw} if draw is not None else {}),
    )
    clients: dict[str, PlatformClient] = {}
    for platform, api in apis.items():
        if api == X:
            clients[platform] = XClient(transport, base=bases[platform] or "", token=token)
        elif api == MASTODON:
            clients[platform] = MastodonClient(transport, base=bases[platform])
        elif api == BLUESKY:
            clients[platform] = BlueskyClient(transport, base=bases[platform] or "")
        else:
            raise ValueError(f"the platform table names {api!r} for {platform}: no such client")
    return Clients(clients, transport)
