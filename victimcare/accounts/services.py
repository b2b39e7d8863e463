"""Accounts: password hashing, authentication with lock-out, sessions, user administration."""

from __future__ import annotations

import logging
import secrets
from datetime import timedelta

import sqlalchemy as sa
from argon2 import PasswordHasher, profiles
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app
from sqlalchemy.orm import lazyload, selectinload

from victimcare import clock
from victimcare.accounts.models import (
    ROLE_ORGANISATION_KINDS,
    Organisation,
    OrganisationKind,
    Role,
    User,
    new_session_token,
)
from victimcare.audit import services as audit
from victimcare.config import Settings
from victimcare.db import bump_version, claim_unique
from victimcare.errors import RuleViolation
from victimcare.extensions import db
from victimcare.i18n import _

logger = logging.getLogger(__name__)

def _hasher() -> PasswordHasher:
    """argon2id with the library's recommended parameters (RFC 9106 low-memory profile);
    the test suite alone uses the cheapest profile, configured in ``create_app``."""
    hasher = current_app.extensions.get("victimcare.hasher")
    if hasher is None:
        hasher = current_app.extensions["victimcare.hasher"] = (
            PasswordHasher.from_parameters(profiles.CHEAPEST)
            if current_app.config["VICTIMCARE"].environment == "testing" else PasswordHasher())
        #: Verified when there is no account, so an unknown name costs as much as a known one.
        current_app.extensions["victimcare.dummy_hash"] = hasher.hash(secrets.token_urlsafe(16))
    return hasher


def hash_password(password: str) -> str:
    return _hasher().hash(password)


def _verify(password_hash: str, password: str) -> bool:
    try:
        return _hasher().verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def _burn_time(password: str) -> None:
    _verify(current_app.extensions.get("victimcare.dummy_hash") or hash_password("x"), password)


def find_user(username: str) -> User | None:
    return db.session.scalar(
        sa.select(User).where(User.username == username.strip().lower())
    )


def authenticate(username: str, password: str, settings: Settings) -> User | None:
    """The user if the name and password are right and the account may log in, else None.

    Every refusal looks the same to the caller, so the login page cannot reveal which
    accounts exist or are locked. Each attempt is counted *before* the password is checked
    (``_reserve_attempt``), so parallel guesses cannot outrun the lock: the threshold-th
    failure in a row locks the account for ``settings.lockout_minutes``, logged and audited.
    """
    user = find_user(username)
    now = clock.now()
    if user is None:
        _burn_time(password)
        logger.info("login refused: unknown account")
        return None
    if not user.is_active or not user.organisation.is_active:
        _burn_time(password)
        audit.record(None, "auth.login_refused_inactive", "user", user.id)
        return None
    if not _reserve_attempt(user, settings, now):
        _burn_time(password)
        audit.record(None, "auth.login_refused_locked", "user", user.id)
        logger.info("login refused for user %s: locked", user.id)
        return None
    if not _verify(user.password_hash, password):
        _record_failure(user, settings, now, "auth.login_failed")
        return None
    if _hasher().check_needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    user.failed_login_count = 0
    user.locked_until = None
    user.last_login_at = now
    audit.record(user, "auth.login", "user", user.id)
    return user


def _reserve_attempt(user: User, settings: Settings, now) -> bool:
    """Count one attempt if the account is not locked and has attempts left; committed at
    once, so a burst of parallel guesses gets no more than the threshold between them."""
    reserved = db.session.execute(
        sa.update(User)
        .where(User.id == user.id,
               sa.or_(User.locked_until.is_(None), User.locked_until <= now),
               User.failed_login_count < settings.lockout_threshold)
        .values(failed_login_count=User.failed_login_count + 1)
        .returning(User.failed_login_count)
        .execution_options(synchronize_session=False)).scalar()
    db.session.commit()
    db.session.refresh(user)
    return reserved is not None


def _record_failure(user: User, settings: Settings, now, action: str) -> None:
    """A wrong password on a reserved attempt; the threshold-th in a row locks the account
    and ends its sessions. Committed at once, whatever the request does next."""
    audit.record(None, action, "user", user.id)
    if user.failed_login_count >= settings.lockout_threshold:
        user.locked_until = now + timedelta(minutes=settings.lockout_minutes)
        user.failed_login_count = 0
        end_all_sessions(user)
        audit.record(None, "auth.locked", "user", user.id,
                     details={"minutes": settings.lockout_minutes})
        logger.warning("user %s locked for %s minutes after repeated wrong passwords",
                       user.id, settings.lockout_minutes)
    db.session.commit()  # stands even though the request then refuses the form


#: The user with the organisation, as two entities of one row: the same single statement as
#: ``User.organisation``'s joined loading, without setting up an eager loader on every
#: request (``user.organisation`` then comes from the session's identity map).
_USER_AND_ORGANISATION = sa.select(User, Organisation).join(
    Organisation, Organisation.id == User.organisation_id).where(
    User.id == sa.bindparam("b_user_id")).options(lazyload(User.organisation))


def load_user_from_session(session_id: str) -> User | None:
    """Flask-Login's loader: the cookie holds ``<user id>:<session token>``."""
    user_id, _sep, token = session_id.partition(":")
    if not user_id.isdigit() or not token:
        return None
    row = db.session.execute(_USER_AND_ORGANISATION, {"b_user_id": int(user_id)}).first()
    user = row[0] if row is not None else None
    if user is None or not user.is_active or not user.organisation.is_active:
        return None
    if not secrets.compare_digest(user.session_token, token):
        return None
    return user


def end_all_sessions(user: User) -> None:
    """A new token invalidates every cookie issued for the old one."""
    user.session_token = new_session_token()


def log_out(user: User) -> None:
    end_all_sessions(user)
    audit.record(user, "auth.logout", "user", user.id)


class AccountLockedError(RuleViolation):
    """Too many wrong passwords: the account is locked and its sessions have ended."""


def change_password(user: User, current: str, new: str, settings: Settings) -> None:
    """Change the password. A wrong current password counts like a failed log-in, so the form
    cannot be used to guess the password from an unattended session."""
    now = clock.now()
    if not _reserve_attempt(user, settings, now):
        raise AccountLockedError(_("The account is locked after too many wrong passwords."))
    if not _verify(user.password_hash, current):
        _record_failure(user, settings, now, "user.password_change_failed")
        if user.locked_until is not None:
            raise AccountLockedError(_("The account is locked after too many wrong passwords."))
        raise RuleViolation(_("The current password is not right."), field="current_password")
    user.failed_login_count = 0
    if new == current:
        raise RuleViolation(_("Choose a password you have not used here before."),
                            field="new_password")
    _set_password(user, new)
    audit.record(user, "user.password_changed", "user", user.id)


def _set_password(user: User, password: str) -> None:
    if password.strip().lower() == user.username.lower():
        raise RuleViolation(_("The password must not be the user name."), field="new_password")
    user.password_hash = hash_password(password)
    user.password_changed_at = clock.now()
    end_all_sessions(user)


def check_role_fits(role: Role, organisation: Organisation) -> None:
    if organisation.kind not in ROLE_ORGANISATION_KINDS[role]:
        raise RuleViolation(
            _("The role %(role)s cannot belong to an organisation of the kind %(kind)s.",
              role=role.label, kind=organisation.kind.label),
            field="role",
        )


def create_user(
    actor: User | None,
    *,
    username: str,
    full_name: str,
    organisation: Organisation,
    role: Role,
    password: str,
    locale: str = "da",
) -> User:
    taken = _("That user name is taken.")
    if find_user(username) is not None:
        raise RuleViolation(taken, field="username")
    check_role_fits(role, organisation)
    with claim_unique(db.session, taken, field="username"):  # one taken since the check
        # Made in the savepoint: joining the organisation puts the user in its ``users``,
        # which the savepoint's flush must not see before the user is added.
        user = User(username=username.strip().lower(), full_name=full_name.strip(),
                    organisation=organisation, role=role, locale=locale,
                    password_hash="", session_token=new_session_token())
        _set_password(user, password)
        db.session.add(user)
    audit.record(actor, "user.created", "user", user.id,
                 details={"role": role.value, "organisation_id": organisation.id})
    return user


def update_user(
    actor: User,
    user: User,
    *,
    expected_version: int | None,
    full_name: str,
    organisation: Organisation,
    role: Role,
    locale: str,
    is_active: bool,
    new_password: str | None = None,
) -> None:
    bump_version(user, expected_version,
                 _("Someone else saved this account while you were editing it, so your "
                    "changes were not saved. Your entries are kept below; saving again will "
                   "replace the other person's changes."))
    if user.id == actor.id and (not is_active or role != Role.ADMIN):
        raise RuleViolation(_("You cannot remove your own administrator access."),
                            field="is_active" if not is_active else "role")
    check_role_fits(role, organisation)
    changes = {}
    for name, value in (("full_name", full_name.strip()), ("organisation_id", organisation.id),
                        ("role", role), ("locale", locale), ("is_active", is_active)):
        if getattr(user, name) != value:
            # Audit rows keep values that are codes, not names.
            changes[name] = ("changed" if name == "full_name"
                             else value.value if isinstance(value, Role) else value)
            setattr(user, name, value)
    if new_password:
        _set_password(user, new_password)
        changes["password"] = "reset"  # noqa: S105 - a marker, not a password
    if "is_active" in changes or "role" in changes or "organisation_id" in changes:
        end_all_sessions(user)
    if not is_active:
        user.locked_until = None
    audit.record(actor, "user.updated", "user", user.id, details=changes)


def create_organisation(actor: User | None, name: str, kind: OrganisationKind) -> Organisation:
    taken = _("An organisation with that name exists.")
    existing = db.session.scalar(
        sa.select(Organisation).where(sa.func.lower(Organisation.name) == name.strip().lower())
    )
    if existing is not None:
        raise RuleViolation(taken, field="name")
    organisation = Organisation(name=name.strip(), kind=kind)
    with claim_unique(db.session, taken, field="name"):  # one created since the check
        db.session.add(organisation)
    audit.record(actor, "organisation.created", "organisation", organisation.id,
                 details={"kind": kind.value})
    return organisation


def list_users() -> list[User]:
    return list(db.session.scalars(sa.select(User).order_by(User.username)))


def list_organisations() -> list[Organisation]:
    return list(db.session.scalars(
        sa.select(Organisation).options(selectinload(Organisation.users))
        .order_by(Organisation.name)))
