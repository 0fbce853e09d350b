"""A team's PostgreSQL roles, as docs/ledger.md sets them up: officers who may only append
(each event names the officer's own role as db_user) and a read-only role for the morning CI
check. The database itself then refuses their edits, whatever the triggers."""

from __future__ import annotations

import pytest

from nypconsol.core.steps import Step
from nypconsol.ledger import LedgerError, open_ledger

from .ledger_helpers import record

pytestmark = pytest.mark.postgresql

OFFICER_GRANTS = """
GRANT SELECT, INSERT ON ledger_events TO {role};
GRANT SELECT, UPDATE ON ledger_head TO {role};
GRANT SELECT ON ledger_meta TO {role};
"""
READER_GRANTS = "GRANT SELECT ON ledger_events, ledger_head, ledger_meta TO {role};"


@pytest.fixture
def team(pg_cluster, monkeypatch):
    """A current ledger owned by ``ledger``, and two roles: pc_smith (appends) and ci (reads)."""
    database = pg_cluster.new_database()
    monkeypatch.setenv("PGPASSWORD", pg_cluster.password)
    with open_ledger(pg_cluster.url(database), create=True):
        pass
    with pg_cluster.connect() as admin:
        for role in ("pc_smith", "ci"):
            admin.execute(f"DROP ROLE IF EXISTS {role}")
            admin.execute(f"CREATE ROLE {role} LOGIN PASSWORD '{pg_cluster.password}'")
    with pg_cluster.connect(database, as_owner=True) as owner:
        owner.execute(OFFICER_GRANTS.format(role="pc_smith"))
        owner.execute(READER_GRANTS.format(role="ci"))
    yield pg_cluster, database
    with pg_cluster.connect() as admin:
        admin.execute(f'DROP DATABASE "{database}" WITH (FORCE)')
        admin.execute("DROP ROLE pc_smith")
        admin.execute("DROP ROLE ci")


def test_an_officer_appends_and_the_event_names_their_own_role(team):
    cluster, database = team
    with open_ledger(cluster.url(database, user="pc_smith")) as ledger:
        event = record(ledger, Step.ANNOUNCED, by="someone typed this").event
        assert (event.by, event.db_user) == ("someone typed this", "pc_smith")
        assert ledger.verify().ok
    import psycopg

    with psycopg.connect(
        host=str(cluster.root),
        port=cluster.port,
        dbname=database,
        user="pc_smith",
        password=cluster.password,
        autocommit=True,
    ) as officer:
        for statement in ("UPDATE ledger_events SET note = 'x'", "DELETE FROM ledger_events"):
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                officer.execute(statement)


def test_the_ci_role_reads_and_verifies_but_cannot_record(team):
    cluster, database = team
    with open_ledger(cluster.url(database, user="pc_smith")) as ledger:
        record(ledger, Step.ANNOUNCED)
    with open_ledger(cluster.url(database, user="ci")) as ledger:
        assert len(ledger.events()) == 1
        assert ledger.verify().ok
        with pytest.raises(LedgerError, match="permission denied for table ledger_head"):
            record(ledger, Step.SWEPT)
