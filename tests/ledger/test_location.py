"""Where the ledger lives, and how it is named in output: --ledger, else NYPCONSOL_LEDGER, else
./nypconsol-ledger.sqlite; never with a password."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from nypconsol.ledger import (
    DEFAULT_FILE,
    LedgerError,
    LedgerKind,
    LedgerSource,
    resolve_location,
)
from nypconsol.ledger.location import redact


def test_the_default_is_a_sqlite_file_in_the_working_folder():
    location = resolve_location(environ={})
    assert DEFAULT_FILE == "nypconsol-ledger.sqlite"
    assert location.kind is LedgerKind.SQLITE
    assert location.source is LedgerSource.DEFAULT
    assert location.path == Path("nypconsol-ledger.sqlite")
    assert location.display == "nypconsol-ledger.sqlite"


def test_the_environment_variable_comes_before_the_default_and_the_option_before_both():
    environ = {"NYPCONSOL_LEDGER": "postgresql://team@db.example/ledger"}
    from_env = resolve_location(environ=environ)
    assert (from_env.kind, from_env.source) == (LedgerKind.POSTGRESQL, LedgerSource.ENVIRONMENT)
    assert from_env.display == "postgresql://team@db.example/ledger"
    from_option = resolve_location("mine.sqlite", environ=environ)
    assert (from_option.kind, from_option.source) == (LedgerKind.SQLITE, LedgerSource.OPTION)
    assert from_option.path == Path("mine.sqlite")
    # An empty variable counts as unset.
    assert resolve_location(environ={"NYPCONSOL_LEDGER": "  "}).source is LedgerSource.DEFAULT


def test_an_empty_option_is_an_error():
    with pytest.raises(LedgerError, match="--ledger is empty"):
        resolve_location("", environ={})


@pytest.mark.parametrize(
    "url",
    [
        "postgresql://team@db.example:5433/ledger",
        "postgres://team@db.example/ledger",
        "postgresql+psycopg://team@/ledger?host=/run/postgresql",
    ],
)
def test_postgresql_urls_connect_through_psycopg(url):
    location = resolve_location(url, environ={})
    assert location.kind is LedgerKind.POSTGRESQL
    assert location.url.startswith("postgresql+psycopg://")
    assert location.display == url


def test_sqlite_urls_name_a_file_as_sqlalchemy_spells_them():
    location = resolve_location("sqlite:////var/lib/nyp/ledger.sqlite", environ={})
    assert location.kind is LedgerKind.SQLITE
    assert location.path == Path("/var/lib/nyp/ledger.sqlite")
    assert resolve_location("sqlite:///here.sqlite", environ={}).path == Path("here.sqlite")
    for url in ("sqlite://", "sqlite:///:memory:"):
        with pytest.raises(LedgerError, match="names no file"):
            resolve_location(url, environ={})


def test_other_schemes_are_refused_without_their_password():
    with pytest.raises(LedgerError) as caught:
        resolve_location("mysql://root:hunter22@db/ledger", environ={})
    assert str(caught.value) == (
        "the ledger mysql://root@db/ledger is neither a SQLite file nor a postgresql:// URL"
    )


def test_a_password_never_reaches_the_display_form():
    environ = {"PGPASSWORD": "from-the-environment"}
    location = resolve_location(
        "postgresql://team:in-the-url-9@db.example/ledger?sslmode=require&password=in-the-query-9",
        environ=environ,
    )
    assert location.display == "postgresql://team@db.example/ledger?sslmode=require"
    assert "in-the-url-9" not in repr(location) and "in-the-query-9" not in repr(location)
    message = 'FATAL: password "in-the-url-9" or from-the-environment or in-the-query-9 rejected'
    assert location.scrub(message) == 'FATAL: password "***" or *** or *** rejected'


def test_a_malformed_url_is_refused_without_its_password():
    with pytest.raises(LedgerError) as caught:
        resolve_location("postgresql://team:pa55word@db:port/ledger", environ={})
    assert "pa55word" not in str(caught.value)
    assert str(caught.value) == "the ledger URL postgresql://team@db:port/ledger is not valid"


def test_redact_removes_url_passwords_keyword_passwords_and_known_secrets():
    text = "postgresql://a:b@h/db host=h password='x y' password=zz secret-value"
    assert redact(text, ["secret-value", None, "ab"]) == (
        "postgresql://a@h/db host=h password=*** password=*** ***"
    )


def test_importing_the_ledger_package_does_not_load_sqlalchemy():
    """``nypconsol --help`` must stay fast: only opening a ledger loads the database layer."""
    code = (
        "import sys, nypconsol.ledger, nypconsol.core.progress\n"
        "nypconsol.ledger.resolve_location('x.sqlite', environ={})\n"
        "print('sqlalchemy' in sys.modules, 'psycopg' in sys.modules)"
    )
    # Resolving a SQLite path needs SQLAlchemy's URL type; the package import alone must not.
    bare = "import sys, nypconsol.ledger; print('sqlalchemy' in sys.modules)"
    assert (
        subprocess.run(
            [sys.executable, "-c", bare], capture_output=True, text=True, check=True
        ).stdout
        == "False\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout == "True False\n"
