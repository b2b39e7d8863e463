"""The stable commands: db upgrade, seed-demo, create-user."""

from __future__ import annotations

import sqlalchemy as sa

from victimcare.accounts.models import Organisation, User
from victimcare.cases.models import Case
from victimcare.extensions import db


def _counts():
    return tuple(db.session.scalar(sa.select(sa.func.count()).select_from(m))
                 for m in (Organisation, User, Case))


def test_seed_demo_twice_changes_nothing(app):
    runner = app.test_cli_runner()
    first = runner.invoke(args=["seed-demo"])
    assert first.exit_code == 0, first.output
    after_first = _counts()
    assert after_first[0] >= 8 and after_first[1] == 6
    assert runner.invoke(args=["seed-demo"]).exit_code == 0
    assert _counts() == after_first
    names = set(db.session.scalars(sa.select(User.username)))
    assert names == {"coordinator", "contact", "amiami", "reden", "immigration", "admin"}


def test_demo_users_log_in_with_the_documented_password(app, client):
    app.test_cli_runner().invoke(args=["seed-demo"])
    for username in ("coordinator", "contact", "amiami", "reden", "immigration", "admin"):
        assert client.login(username, "victimcare-demo").status_code == 302, username
        client.post("/logout")


def test_create_user_reads_the_password_from_stdin(app, client):
    runner = app.test_cli_runner()
    runner.invoke(args=["seed-demo"])
    result = runner.invoke(args=[
        "create-user", "--username", "new.officer", "--full-name", "New Officer",
        "--organisation", "Udlændingestyrelsen", "--role", "immigration_officer",
        "--password", "-"], input="a-secret-of-some-length\n")
    assert result.exit_code == 0, result.output
    assert client.login("new.officer", "a-secret-of-some-length").status_code == 302


def test_create_user_refuses_an_unknown_organisation(app):
    result = app.test_cli_runner().invoke(args=[
        "create-user", "--username", "x", "--full-name", "X", "--organisation", "Nowhere",
        "--role", "admin", "--password", "-"], input="a-secret-of-some-length\n")
    assert result.exit_code != 0 and "No organisation" in result.output


def test_db_current_names_the_head_revision(app):
    result = app.test_cli_runner().invoke(args=["db", "current"])
    assert result.exit_code == 0 and "base" not in result.output
