"""Templates escape everything: no ``|safe`` or ``Markup`` on text from users, and every page
declares its language and direction. (Flask-Babel marks translated text safe itself, so the
catalogs are checked for markup in test_translations.py.)"""

from __future__ import annotations

import re
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "victimcare"


def test_no_template_marks_text_safe():
    offenders = [str(p) for p in PACKAGE.rglob("*.html")
                 if re.search(r"\|\s*safe\b|autoescape\s+false", p.read_text())]
    assert not offenders


def test_no_python_code_builds_markup():
    offenders = [str(p) for p in PACKAGE.rglob("*.py")
                 if re.search(r"\bMarkup\(|\|safe", p.read_text())]
    assert not offenders


def test_user_text_is_escaped_on_the_page(client):
    from tests.factories import make_case, make_user
    from victimcare.accounts.models import Role

    case = make_case(given_name="<script>alert(1)</script>")
    client.login(make_user(Role.CMM_COORDINATOR).username)
    html = client.get(f"/cases/{case.reference}").get_data(as_text=True)
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_pages_are_danish_by_default_and_declare_language_and_direction(app):
    html = app.test_client().get("/login").get_data(as_text=True)
    assert re.search(r'<html lang="da" dir="ltr">', html)
    assert "Log ind" in html


def test_language_switch_is_remembered_per_user(app, client):
    from tests.factories import make_user
    from victimcare.extensions import db

    user = make_user(locale="en")
    client.login(user.username)
    client.post("/locale", {"locale": "da", "next": "/"})
    db.session.expire_all()
    assert user.locale == "da"
    assert '<html lang="da"' in client.get("/cases").get_data(as_text=True)


def test_page_titles_are_plain_and_short(client):
    """A title holds no markup or tokens: it ends up in window lists and browser history."""
    from tests.factories import make_case, make_user
    from victimcare.accounts.models import Role

    case = make_case()
    client.login(make_user(Role.CMM_COORDINATOR).username)
    for url in ("/", "/cases", f"/cases/{case.reference}", f"/cases/{case.reference}/audit",
                "/tasks", "/account/password", "/login?next=/", "/nope"):
        html = client.get(url, follow_redirects=True).get_data(as_text=True)
        title = re.search(r"<title>(.*?)</title>", html, re.S).group(1)
        assert "<" not in title and "csrf" not in title and len(title) < 80, (url, title[:100])


def test_form_fields_carry_no_stray_none_attributes(client, make_client):
    """WTForms writes a None attribute as the text "None" (aria-invalid="None" reads as
    invalid to a screen reader): the field macro must leave such attributes out."""
    from tests.factories import make_user
    from victimcare.accounts.models import Role

    client.login(make_user(Role.CMM_CONTACT_PERSON).username)
    admin = make_client()
    admin.login(make_user(Role.ADMIN).username)
    for who, url in ((client, "/cases/new"), (client, "/account/password"),
                     (admin, "/admin/users/new"), (admin, "/admin/organisations/new")):
        html = who.get(url).get_data(as_text=True)
        assert '="None"' not in html, url
        assert 'aria-invalid' not in html, url  # nothing is invalid yet
