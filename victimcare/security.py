"""Request gates and response headers that every page passes through.

* the endpoint gate of the access policy (deny by default; login required unless public);
* the session idle timeout;
* security headers on every response (CSP with no inline script, no framing, no referrer,
  ``no-store`` on everything that is not a static file).
"""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import urlsplit

from flask import Flask, abort, current_app, flash, redirect, request, session, url_for
from flask import Request as FlaskRequest
from flask_login import current_user, logout_user
from werkzeug.datastructures import ImmutableMultiDict, iter_multi_items

from victimcare import clock
from victimcare.accounts import policy
from victimcare.i18n import _

CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'"
)


def safe_next(target: str | None) -> str | None:
    """``target`` if it is a path on this site, else None (an off-site ``next=`` is ignored)."""
    if not target or not isinstance(target, str) or len(target) > 2000:
        return None
    if any(ord(c) < 32 for c in target) or "\\" in target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    return target


def init_app(app: Flask) -> None:
    app.request_class = Request
    app.before_request(_gate)
    app.after_request(_headers)


def _without_nul(value):
    return value.replace("\x00", "") if isinstance(value, str) else value


class NulFreeMultiDict(ImmutableMultiDict):
    """Query and form values without NUL characters: PostgreSQL refuses NUL in text, and a
    NUL is never meaningful in what a person types, so it is dropped, not the whole form."""

    def __init__(self, mapping=None):
        if mapping is not None:
            mapping = [(_without_nul(k), _without_nul(v)) for k, v in iter_multi_items(mapping)]
        super().__init__(mapping)


class Request(FlaskRequest):
    parameter_storage_class = NulFreeMultiDict


def _gate():
    if "\x00" in request.path:  # no such page; and it never reaches the database
        abort(404)
    # A browser says where a request comes from: a form posted from another site is refused.
    if request.method == "POST" and request.headers.get("Sec-Fetch-Site") not in (
            None, "same-origin", "none"):
        abort(403)
    endpoint = request.endpoint
    if endpoint is None:  # no such route: Flask answers 404 (or 405) itself
        return None
    allowed = policy.endpoint_access(endpoint)
    if allowed == policy.PUBLIC:
        return None
    if not current_user.is_authenticated:
        return _to_login()
    if _idle_too_long():
        rescued = _rescue_typed_form()
        end_session_keeping_language()
        flash(_("Your session ended after a period without activity. Please log in again."),
              "info")
        if rescued:
            flash(_("What you typed is kept as a draft of the task."), "info")
            return redirect(url_for("auth.login", next=rescued))
        return _to_login()
    session["seen_at"] = int(clock.now().timestamp())
    if not policy.may_call(current_user, endpoint):
        # A URL that names a record answers as if the record did not exist.
        abort(404 if request.view_args else 403)
    return None


def _rescue_typed_form() -> str | None:
    """A task form posted after the session timed out is saved as the user's draft (a long
    interview must never be lost to a timeout). Returns the task's URL, or None."""
    if request.method != "POST" or request.endpoint != "tasks.show_task":
        return None
    from victimcare.workflow import services as workflow

    return workflow.rescue_draft(current_user, request.view_args["task_id"], request.form)


def end_session_keeping_language() -> None:
    """Log out and clear the session, but keep the language for the log-in page."""
    locale = getattr(current_user, "locale", None)
    logout_user()
    session.clear()
    if locale:
        session["locale"] = locale


def _to_login():
    target = request.full_path.rstrip("?") if request.method == "GET" else None
    return redirect(url_for("auth.login", next=target))


def _idle_too_long() -> bool:
    seen = session.get("seen_at")
    limit = timedelta(minutes=current_app.config["VICTIMCARE"].session_idle_minutes)
    return not isinstance(seen, int) or clock.now().timestamp() - seen > limit.total_seconds()


def _headers(response):
    response.headers["Content-Security-Policy"] = CONTENT_SECURITY_POLICY
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["X-Frame-Options"] = "DENY"
    response.headers["Referrer-Policy"] = "no-referrer"
    if current_app.config["SESSION_COOKIE_SECURE"]:
        response.headers["Strict-Transport-Security"] = "max-age=31536000"
    if request.endpoint != "static":
        response.headers["Cache-Control"] = "no-store"
        response.headers["Pragma"] = "no-cache"
    response.vary.add("Cookie")
    return response
