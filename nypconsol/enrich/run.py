"""One enrichment from file to file, in the order that checks everything before the first
request: read the inventory, check OUTPUT, build the clients, open the cache, look up, write."""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from nypconsol.enrich.cache import LookupCache, default_cache_path
from nypconsol.enrich.clients import make_clients
from nypconsol.enrich.errors import CacheError
from nypconsol.enrich.handles import LOOKUP_PLATFORMS
from nypconsol.enrich.http import HttpSettings
from nypconsol.enrich.inventory_file import (
    InventoryDocument,
    check_output,
    read_inventory,
    same_file,
    write_enriched,
)
from nypconsol.enrich.lookup import DEFAULT_MAX_WAIT, lookup_accounts
from nypconsol.enrich.models import Countdown, LookupRun, Progress


@dataclass(frozen=True, slots=True)
class EnrichResult:
    document: InventoryDocument
    run: LookupRun
    output: Path  # the enriched inventory written
    cache_path: Path


def enrich_inventory(
    inventory: str | os.PathLike[str] | InventoryDocument,
    output: str | os.PathLike[str],
    *,
    platforms: Sequence[str] = LOOKUP_PLATFORMS,
    api_bases: Sequence[str] = (),
    cache_path: str | os.PathLike[str] | None = None,
    refresh: bool = False,
    max_wait: float = DEFAULT_MAX_WAIT,
    force: bool = False,
    sheet: str | None = None,
    encoding: str | None = None,
    on_progress: Callable[[Progress], None] | None = None,
    on_countdown: Callable[[Countdown], None] | None = None,
    environ: Mapping[str, str] | None = None,
    settings: HttpSettings | None = None,
    clock: Callable[[], float] = time.time,
    sleep: Callable[[float], None] = time.sleep,
) -> EnrichResult:
    """Look up every account of ``inventory`` on ``platforms`` and write the enriched inventory
    to ``output`` (atomically, in the input's format).

    ``inventory`` is a file's path, or a document already read (``read_inventory``, or
    ``read_config_accounts`` for the config's own list). ``force`` allows ``output`` to be the
    input itself. ``cache_path`` defaults to
    ``default_cache_path(output)``. A run stopped by a long rate limit still writes OUTPUT (the
    rows not reached get ``error`` saying when to run again); check ``result.run.complete``.
    Raises, before any request: InventoryFileError, OutputRefused, ApiBaseError, TokenInvalid,
    CacheError; during the lookups: TokenMissing, TokenRejected, KeyboardInterrupt (OUTPUT is
    then not written; the answers so far are in the cache).
    """
    if isinstance(inventory, InventoryDocument):
        document = inventory
    else:
        document = read_inventory(inventory, sheet=sheet, encoding=encoding)
    target = check_output(document, output, overwrite_input=force)
    cache_file = Path(cache_path) if cache_path is not None else default_cache_path(target)
    for other, role in ((document.path, "the input inventory"), (target, "OUTPUT")):
        if same_file(cache_file, other):
            raise CacheError(f"the cache {cache_file} would overwrite {role}: name another file")
    selected = [p for p in LOOKUP_PLATFORMS if p in platforms]
    with (
        make_clients(
            selected,
            api_bases=api_bases,
            environ=environ,
            settings=settings,
            sleep=sleep,
        ) as clients,
        LookupCache(cache_file) as cache,
    ):
        run = lookup_accounts(
            document.rows,
            platforms=selected,
            clients=clients,
            cache=cache,
            refresh=refresh,
            max_wait=max_wait,
            on_progress=on_progress,
            on_countdown=on_countdown,
            clock=clock,
            sleep=sleep,
        )
    written = write_enriched(document, run.results, target, overwrite_input=force)
    return EnrichResult(document=document, run=run, output=written, cache_path=cache_file)
