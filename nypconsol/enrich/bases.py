"""Where each platform's API lives, and the ``--api-base`` / ``NYPCONSOL_*_API_BASE`` overrides."""

from __future__ import annotations

import ipaddress
from collections.abc import Mapping, Sequence
from urllib.parse import urlsplit

from nypconsol.enrich.errors import ApiBaseError
from nypconsol.enrich.handles import LOOKUP_PLATFORMS, X, platform_choice

# Mastodon has no single host: each account is asked at https://INSTANCE, so no default base.
DEFAULT_BASES: dict[str, str | None] = {
    "x": "https://api.x.com",
    "mastodon": None,
    "bluesky": "https://public.api.bsky.app",
}
API_BASE_VARIABLES = {
    "x": "NYPCONSOL_X_API_BASE",
    "mastodon": "NYPCONSOL_MASTODON_API_BASE",
    "bluesky": "NYPCONSOL_BLUESKY_API_BASE",
}


def check_base_url(url: str, platform: str, origin: str) -> str:
    """A base URL made canonical (no trailing ``/``), or ApiBaseError naming ``origin``.

    ``origin`` says where the value came from (``--api-base``, ``NYPCONSOL_X_API_BASE``).
    """
    text = url.strip()
    try:
        parts = urlsplit(text)
        port = parts.port  # raises ValueError for a port out of range or not a number
    except ValueError as exc:
        raise ApiBaseError(f"{origin}: {text!r} is not a URL ({exc})") from None
    del port
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ApiBaseError(
            f"{origin}: {text!r} is not an http or https URL with a host, such as "
            "https://proxy.example.org or http://127.0.0.1:8080"
        )
    if parts.username is not None or parts.password is not None:
        raise ApiBaseError(
            f"{origin}: put no user name or password in the URL (tokens come only from the "
            "environment)"
        )
    if parts.query or parts.fragment or text.endswith(("?", "#")):
        raise ApiBaseError(
            f"{origin}: {text!r} has a query or fragment; give only scheme, host, port and an "
            "optional path prefix"
        )
    if platform == X and parts.scheme == "http" and not _is_loopback(parts.hostname):
        raise ApiBaseError(
            f"{origin}: {text!r} would send the X token unencrypted; use https (plain http is "
            "allowed only on this machine: localhost, 127.0.0.1, ::1)"
        )
    return text.rstrip("/")


def _is_loopback(host: str) -> bool:
    if host.casefold() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def parse_api_bases(values: Sequence[str], selected: Sequence[str]) -> dict[str, str]:
    """``--api-base`` values (``x=URL``, or a bare URL when exactly one platform is selected) as
    ``{platform id: base}``. Raises ApiBaseError with a message for the user.

    ``selected`` are the platform ids being looked up (``--platform``, or all of them).
    """
    bases: dict[str, str] = {}
    for value in values:
        name, separator, url = value.partition("=")
        if not separator or "://" in name or "/" in name:
            # A bare URL (whose query could hold "=", so look for the scheme first).
            if len(selected) != 1:
                choices = ", ".join(f"{p}=URL" for p in LOOKUP_PLATFORMS)
                raise ApiBaseError(
                    f"--api-base {value!r}: say which platform it is for ({choices}); a bare URL "
                    "is allowed only with exactly one --platform"
                )
            platform, url = selected[0], value
        else:
            try:
                platform = platform_choice(name)
            except ValueError as exc:
                raise ApiBaseError(f"--api-base {value!r}: {exc}") from None
            if platform not in selected:
                raise ApiBaseError(
                    f"--api-base {value!r}: {platform} is not being looked up (add --platform "
                    f"{platform}, or drop this --api-base)"
                )
        if platform in bases:
            raise ApiBaseError(f"--api-base is given twice for {platform}: keep one")
        bases[platform] = check_base_url(url, platform, f"--api-base {value!r}")
    return bases


def resolve_api_bases(
    values: Sequence[str],
    selected: Sequence[str],
    environ: Mapping[str, str] | None = None,
) -> dict[str, str | None]:
    """The base for every selected platform: ``--api-base`` first, then its environment
    variable, then the platform's own API (None for Mastodon: each account's instance)."""
    import os

    env = os.environ if environ is None else environ
    flags = parse_api_bases(values, selected)
    bases: dict[str, str | None] = {}
    for platform in selected:
        if platform in flags:
            bases[platform] = flags[platform]
        elif raw := env.get(API_BASE_VARIABLES[platform], "").strip():
            bases[platform] = check_base_url(raw, platform, API_BASE_VARIABLES[platform])
        else:
            bases[platform] = DEFAULT_BASES[platform]
    return bases


def mastodon_base(base: str | None, instance: str) -> str:
    """Where to ask about an account on ``instance``: the override for every instance, if any."""
    return base if base is not None else f"https://{instance}"
