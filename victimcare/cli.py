"""Command-line interface. Command names are stable: people and tools script against them.

    flask --app wsgi db upgrade        bring the schema to the newest migration
    flask --app wsgi seed-demo         load demo organisations, users and cases (idempotent)
    flask --app wsgi seed-facilities   add the housing facilities of DOMAIN.md §6 (idempotent)
    flask --app wsgi seed-return-rates add the prepared-return maximums and partners (§8)
    flask --app wsgi create-user       create an account for a real deployment
"""

from __future__ import annotations

import sys
from pathlib import Path

import click
from alembic import command
from alembic.config import Config
from flask import Flask
from flask.cli import AppGroup

from victimcare.accounts.models import PASSWORD_MIN, Organisation, Role
from victimcare.errors import RuleViolation
from victimcare.extensions import db
from victimcare.i18n import UI_LOCALES

MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations"
FILE_TEMPLATE = "%%(year)d%%(month).2d%%(day).2d_%%(hour).2d%%(minute).2d_%%(rev)s_%%(slug)s"


def alembic_config(connection=None) -> Config:
    """Alembic's settings, pointing at the app's database (or at a given connection)."""
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.set_main_option("file_template", FILE_TEMPLATE)
    cfg.set_main_option("sqlalchemy.url",
                        db.engine.url.render_as_string(hide_password=False).replace("%", "%%"))
    if connection is not None:
        cfg.attributes["connection"] = connection
    return cfg


db_cli = AppGroup("db", help="Database schema (Alembic migrations).")


@db_cli.command("upgrade")
@click.argument("revision", default="head")
def db_upgrade(revision: str) -> None:
    """Upgrade the schema to REVISION (default: the newest)."""
    command.upgrade(alembic_config(), revision)
    click.echo(f"Database at {_current()}.")


@db_cli.command("downgrade")
@click.argument("revision")
def db_downgrade(revision: str) -> None:
    """Downgrade the schema to REVISION (e.g. -1, or base)."""
    command.downgrade(alembic_config(), revision)
    click.echo(f"Database at {_current()}.")


@db_cli.command("current")
def db_current() -> None:
    """Show the schema's revision."""
    click.echo(_current())


@db_cli.command("revision")
@click.option("-m", "--message", required=True, help="What the migration does.")
def db_revision(message: str) -> None:
    """Write a new migration from the difference between the models and the schema."""
    import victimcare.models  # noqa: F401 - every table in the metadata

    command.revision(alembic_config(), message=message, autogenerate=True)


def _current() -> str:
    from alembic.runtime.migration import MigrationContext

    with db.engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision() or "base (empty)"


@click.command("seed-demo")
def seed_demo() -> None:
    """Load the demo organisations, users and cases. Running it twice changes nothing."""
    from victimcare.demo import seed

    created = seed()
    click.echo(f"Demo data ready ({created} new records). Password for every demo user: "
               "victimcare-demo")


@click.command("seed-facilities")
def seed_facilities() -> None:
    """Add the housing facilities and prices CMM uses (reference data, also for production).
    Facilities already there, by name, are left as the coordinators keep them."""
    from victimcare.housing.services import seed_facilities as seed

    with db.transaction():
        created = seed()
    click.echo(f"Housing facilities ready ({created} new).")


@click.command("seed-return-rates")
def seed_return_rates() -> None:
    """Add the maximums of a prepared return (DOMAIN.md §8, Table 7, with a valid-from
    date), the USD rate and the return partners (idempotent; existing rows are kept)."""
    from victimcare.returns.services import seed_return_rates as seed

    with db.transaction():
        created = seed()
    click.echo(f"Prepared-return rates and partners ready ({created} new).")


@click.command("create-user")
@click.option("--username", required=True)
@click.option("--full-name", required=True)
@click.option("--organisation", "organisation_name", required=True,
              help="Name of an existing organisation.")
@click.option("--role", type=click.Choice([r.value for r in Role]), required=True)
@click.option("--locale", type=click.Choice(sorted(UI_LOCALES)), default="da",
              show_default=True)
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True,
              help="Prompted for when not given; use --password - to read it from stdin.")
def create_user(username, full_name, organisation_name, role, locale, password) -> None:
    """Create a staff account (there is no self sign-up)."""
    import sqlalchemy as sa

    from victimcare.accounts import services

    if password == "-":  # noqa: S105 - the stdin marker
        password = sys.stdin.readline().rstrip("\n")
    organisation = db.session.scalar(sa.select(Organisation).where(
        Organisation.name == organisation_name))
    if organisation is None:
        raise click.ClickException(f"No organisation named {organisation_name!r}.")

    if len(password) < PASSWORD_MIN:
        raise click.ClickException(f"The password needs at least {PASSWORD_MIN} characters.")
    try:
        with db.transaction():
            user = services.create_user(None, username=username, full_name=full_name,
                                        organisation=organisation, role=Role(role),
                                        password=password, locale=locale)
    except RuleViolation as error:
        raise click.ClickException(error.message) from error
    click.echo(f"Created user {user.username} ({user.role.value}, {organisation.name}).")


workflows_cli = AppGroup("workflows", help="BPMN processes and their timers.")


@workflows_cli.command("tick")
def workflows_tick() -> None:
    """Fire every due BPMN timer (run it every minute from cron or a systemd timer)."""
    from victimcare.workflow import services

    count = services.run_due_timers()
    click.echo(f"{count} process instance(s) advanced.")


@workflows_cli.command("check")
def workflows_check() -> None:
    """Parse and check every BPMN file in workflows/ (also done at start-up)."""
    from victimcare.workflow import services

    for key, definition in sorted(services.definitions().items()):
        click.echo(f"{definition.file}: {key} ok ({len(definition.user_tasks)} user tasks, "
                   f"version {definition.sha256[:12]})")


@workflows_cli.command("migrate")
@click.argument("process_key")
@click.option("--dry-run", is_flag=True, help="Only list the instances that would move.")
def workflows_migrate(process_key: str, dry_run: bool) -> None:
    """Move running instances of PROCESS_KEY to the current version of its BPMN file."""
    from victimcare.workflow import engine, services

    if process_key not in services.definitions():
        raise click.ClickException(f"No process {process_key!r} in workflows/.")
    ids = services.instances_not_on_current_version(process_key)
    moved, refused = 0, 0
    for instance_id in ids:
        if dry_run:
            click.echo(f"would migrate instance {instance_id}")
            continue
        try:
            with db.transaction():
                moved += services.migrate_instance(instance_id, None)
        except engine.MigrationRefusedError as error:
            refused += 1
            click.echo(f"instance {instance_id} stays on its version: {error}")
    click.echo(f"{len(ids)} instance(s) on an older version; {moved} migrated, "
               f"{refused} refused.")


def init_app(app: Flask) -> None:
    app.cli.add_command(db_cli)
    app.cli.add_command(workflows_cli)
    app.cli.add_command(seed_demo)
    app.cli.add_command(seed_facilities)
    app.cli.add_command(seed_return_rates)
    app.cli.add_command(create_user)
