"""Platform lookups (``nypconsol enrich``): ask X, Mastodon and Bluesky about every inventory
account and write the inventory back with followers and lookup statuses.

Imports requests, openpyxl and ruamel.yaml when used: import this package only in the command
(nypconsol/cli/enrich.py), which needs one call and the summary::

    result = enrich_inventory(inventory, output, platforms=..., api_bases=..., cache_path=...,
                              refresh=..., max_wait=..., force=..., on_progress=...,
                              on_countdown=...)
    lines = summary_lines(result.run, inventory=result.document.display,
                          cache_path=result.cache_path)

``inventory`` is a path, or a document already read (``read_config_accounts`` for the config's
own ``accounts:`` list). ``enrich_inventory`` is read_inventory -> check_output -> make_clients
-> LookupCache -> lookup_accounts -> write_enriched, each usable on its own. Every exception is
an EnrichError (a NypconsolError) with its ``exit_code``; KeyboardInterrupt passes through.
"""

from __future__ import annotations

from nypconsol.enrich.bases import API_BASE_VARIABLES, parse_api_bases, resolve_api_bases
from nypconsol.enrich.cache import LookupCache, default_cache_path
from nypconsol.enrich.clients import Clients, make_clients
from nypconsol.enrich.configfile import read_config_accounts
from nypconsol.enrich.errors import (
    ApiBaseError,
    CacheError,
    EnrichError,
    InventoryFileError,
    NoInventory,
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
from nypconsol.enrich.run import EnrichResult, enrich_inventory
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
    "EnrichResult",
    "HttpSettings",
    "InventoryDocument",
    "InventoryFileError",
    "LookupCache",
    "LookupRun",
    "LookupStatus",
    "NoInventory",
    "OutputRefused",
    "Progress",
    "RowResult",
    "Summary",
    "TokenInvalid",
    "TokenMissing",
    "TokenRejected",
    "check_output",
    "default_cache_path",
    "enrich_inventory",
    "enriched_bytes",
    "lookup_accounts",
    "make_clients",
    "parse_api_bases",
    "platform_choice",
    "read_config_accounts",
    "read_inventory",
    "resolve_api_bases",
    "summary_lines",
    "write_enriched",
]
