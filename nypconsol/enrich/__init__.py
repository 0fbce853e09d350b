"""Platform lookups (``nypconsol enrich``): ask X, Mastodon and Bluesky about every inventory
account and write the inventory back with followers and lookup statuses.

Imports requests, openpyxl and ruamel.yaml when used: import this package only in the command.
The public API, in the order the command calls it::

    document = read_inventory(path, sheet=None, encoding=None)
    check_output(document, output, overwrite_input=force)
    with make_clients(platforms, api_bases=values) as clients, LookupCache(cache_path) as cache:
        run = lookup_accounts(document.rows, platforms=platforms, clients=clients, cache=cache,
                              refresh=refresh, max_wait=max_wait,
                              on_progress=..., on_countdown=...)
    write_enriched(document, run.results, output, overwrite_input=force)
    for line in summary_lines(run, inventory=document.display, cache_path=cache_path): ...
"""

from __future__ import annotations

from nypconsol.enrich.bases import API_BASE_VARIABLES, parse_api_bases, resolve_api_bases
from nypconsol.enrich.cache import LookupCache, default_cache_path
from nypconsol.enrich.clients import Clients, make_clients
from nypconsol.enrich.errors import (
    ApiBaseError,
    CacheError,
    EnrichError,
    InventoryFileError,
    OutputRefused,
    TokenInvalid,
    TokenMissing,
    TokenRejected,
)
from nypconsol.enrich.handles import LOOKUP_PLATFORMS, platform_choice
from nypconsol.enrich.http import HttpSettings
from nypconsol.enrich.inventory_file import (
    InventoryDocument,
    check_output,
    enriched_bytes,
    read_inventory,
    write_enriched,
)
from nypconsol.enrich.lookup import DEFAULT_MAX_WAIT, lookup_accounts
from nypconsol.enrich.models import (
    AccountRow,
    Countdown,
    LookupRun,
    LookupStatus,
    Progress,
    RowResult,
    Summary,
)
from nypconsol.enrich.secrets import X_TOKEN_VARIABLE
from nypconsol.enrich.summary import summary_lines

__all__ = [
    "API_BASE_VARIABLES",
    "DEFAULT_MAX_WAIT",
    "LOOKUP_PLATFORMS",
    "X_TOKEN_VARIABLE",
    "AccountRow",
    "ApiBaseError",
    "CacheError",
    "Clients",
    "Countdown",
    "EnrichError",
    "HttpSettings",
    "InventoryDocument",
    "InventoryFileError",
    "LookupCache",
    "LookupRun",
    "LookupStatus",
    "OutputRefused",
    "Progress",
    "RowResult",
    "Summary",
    "TokenInvalid",
    "TokenMissing",
    "TokenRejected",
    "check_output",
    "default_cache_path",
    "enriched_bytes",
    "lookup_accounts",
    "make_clients",
    "parse_api_bases",
    "platform_choice",
    "read_inventory",
    "resolve_api_bases",
    "summary_lines",
    "write_enriched",
]
