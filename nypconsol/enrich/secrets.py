"""Tokens: read only from the environment, kept in a wrapper that never prints, scrubbed from text."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from urllib.parse import quote, quote_plus, unquote

from nypconsol.enrich.errors import TokenInvalid

X_TOKEN_VARIABLE = "NYPCONSOL_X_BEARER_TOKEN"
REDACTED = "[redacted]"

# Bearer tokens are URL-safe ASCII (X's are about 110 characters of letters, digits and %-escapes).
# Anything else is a paste gone wrong, and sending it would put it in an error message.
_TOKEN_SHAPE = re.compile(r"[\x21-\x7e]{16,4096}", re.ASCII)


class Secret:
    """A token that shows ``[redacted]`` wherever it is printed, logged or put in a repr."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def reveal(self) -> str:
        """The token itself: only for the request header."""
        return self._value

    def __repr__(self) -> str:
        return f"Secret({REDACTED!r})"

    __str__ = __repr__

    def __reduce__(self):  # type: ignore[no-untyped-def]
        raise TypeError("a Secret cannot be pickled")

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Secret) and other._value == self._value

    def __hash__(self) -> int:
        return hash(self._value)


def token_from_environment(
    variable: str = X_TOKEN_VARIABLE, environ: Mapping[str, str] | None = None
) -> Secret | None:
    """The token in ``variable``, or None when it is unset or blank.

    Surrounding whitespace (a pasted newline) is dropped; a value that cannot be a bearer token
    raises TokenInvalid, whose message names the variable but never shows the value.
    """
    import os

    raw = (os.environ if environ is None else environ).get(variable)
    if raw is None or not raw.strip():
        return None
    value = raw.strip()
    if _TOKEN_SHAPE.fullmatch(value) is None:
        problem = (
            "is too short to be a bearer token"
            if len(value) < 16 and value.isascii() and value.isprintable()
            else "holds spaces, control or non-ASCII characters, which no bearer token has"
        )
        raise TokenInvalid(
            f"{variable} {problem}: copy the app's bearer token again (it is not shown here)"
        )
    return Secret(value)


class Redactor:
    """Replaces every known secret (as written, and as it would appear in a URL) in text."""

    def __init__(self, secrets: Iterable[Secret | None] = ()) -> None:
        forms: set[str] = set()
        for secret in secrets:
            if secret is None:
                continue
            value = secret.reveal()
            forms.update(
                {value, quote(value, safe=""), quote_plus(value), quote(value), unquote(value)}
            )
        # Longest first, so that a form containing another is replaced whole.
        self._forms = sorted((f for f in forms if f), key=len, reverse=True)

    def __call__(self, text: str) -> str:
        for form in self._forms:
            if form in text:
                text = text.replace(form, REDACTED)
        return text

    def __repr__(self) -> str:
        return f"Redactor({len(self._forms)} forms)"


_UNPRINTABLE = re.compile(r"[\x00-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2066-\u2069\ufeff]+")


def clean_text(text: str, limit: int = 300) -> str:
    """Text from a server made safe to store and show: one line, no control or bidi characters
    (a terminal would obey ``ESC ] 52``), at most ``limit`` characters."""
    text = _UNPRINTABLE.sub(" ", text)
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
