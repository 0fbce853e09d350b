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


def test_the_commands_as_the_team_roles(team, clean_env):
    """pc_smith records through the command; ci runs the morning check and verifies the trail
    (what docs/ci.md's daily job does) but cannot record."""
    import json

    from .cli_helpers import run, write_inputs

    cluster, database = team
    inputs = write_inputs(clean_env)
    officer, reader = cluster.url(database, user="pc_smith"), cluster.url(database, user="ci")
    result = run("record", "SkiptonCops", "announced", *inputs.args, "--ledger", officer)
    assert result.exit_code == 0, result.stderr
    check = run("status", *inputs.args, "--check", "--format", "json", "--ledger", reader)
    assert check.exit_code == 3  # the plan started 40 days ago: most steps are overdue
    assert json.loads(check.stdout)["summary"]["done"] == 1
    verify = run("log", "--verify", "--format", "json", "--ledger", reader)
    assert verify.exit_code == 0, verify.stderr
    assert json.loads(verify.stdout)["events"][0]["db_user"] == "pc_smith"
    refused = run("record", "SkiptonCops", "swept", *inputs.args, "--ledger", reader)
    assert refused.exit_code == 4
    assert "permission denied for table ledger_head" in refused.stderr
    assert cluster.password not in refused.stderr
