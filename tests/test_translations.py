"""The catalogs are complete: every string translated, nothing fuzzy, placeholders intact,
and the template up to date with the source (a new string fails until it is extracted).

Two domains: ``messages`` (the staff interface: UI_LOCALES) and ``documents`` (documents for
the person: DOCUMENT_LANGUAGES). Every catalog says whether a professional translator wrote
or reviewed it."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from victimcare.documents.languages import DOCUMENT_LANGUAGES
from victimcare.i18n import UI_LOCALES

ROOT = Path(__file__).resolve().parent.parent
TRANSLATIONS = ROOT / "translations"
SOURCE_LOCALE = "en"  # msgids are English
PLACEHOLDER = re.compile(r"%\(\w+\)[sdifr]|%[sdif]|\{\w*\}")


def _catalog(path: Path):
    with path.open("rb") as f:
        return read_po(f)


def _ids(catalog) -> set:
    return {m.id if isinstance(m.id, str) else tuple(m.id) for m in catalog if m.id}


CATALOGS = sorted([*TRANSLATIONS.glob("*/LC_MESSAGES/messages.po"),
                   *TRANSLATIONS.glob("*/LC_MESSAGES/documents.po")])
#: domain -> how pybabel extracts it (docs/translations.md).
EXTRACT = {"messages": ["-F", "babel.cfg", "-k", "_l", "-k", "lazy_gettext"],
           "documents": ["-F", "babel-documents.cfg", "-k", "dN_", "--no-default-keywords"]}


def _name(path: Path) -> str:
    return f"{path.parts[-3]}-{path.stem}"


def test_every_interface_language_has_a_catalog():
    have = {p.parts[-3] for p in CATALOGS if p.stem == "messages"}
    assert set(UI_LOCALES) - {SOURCE_LOCALE} <= have


def test_every_document_language_has_a_catalog():
    """A language listed as supported for documents without its catalog fails here."""
    have = {p.parts[-3] for p in CATALOGS if p.stem == "documents"}
    assert set(DOCUMENT_LANGUAGES) - {SOURCE_LOCALE} == have


@pytest.mark.parametrize("domain", sorted(EXTRACT))
def test_template_is_up_to_date_with_the_source(tmp_path, domain):
    fresh = tmp_path / f"{domain}.pot"
    subprocess.run([sys.executable, "-m", "babel.messages.frontend", "extract",
                    *EXTRACT[domain], "--no-location", "-o", str(fresh), "."], cwd=ROOT,
                   check=True, capture_output=True)
    have = _ids(_catalog(TRANSLATIONS / f"{domain}.pot"))
    missing = _ids(_catalog(fresh)) - have
    assert not missing, f"run pybabel extract/update (see README): {sorted(map(str, missing))[:10]}"


@pytest.mark.parametrize("path", CATALOGS, ids=_name)
def test_catalog_is_complete_and_not_fuzzy(path):
    catalog = _catalog(path)
    template = _ids(_catalog(TRANSLATIONS / f"{path.stem}.pot"))
    assert template <= _ids(catalog), "run pybabel update (see README)"
    problems = []
    for message in catalog:
        if not message.id:
            continue
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if message.fuzzy:
            problems.append(("fuzzy", message.id))
        elif not all(strings):
            problems.append(("untranslated", message.id))
    assert not problems, problems[:20]


@pytest.mark.parametrize("path", CATALOGS, ids=_name)
def test_placeholders_match_the_source(path):
    problems = []
    for message in _catalog(path):
        if not message.id:
            continue
        ids = (message.id,) if isinstance(message.id, str) else tuple(message.id)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        wanted = set(PLACEHOLDER.findall(ids[-1])) | set(PLACEHOLDER.findall(ids[0]))
        for string in strings:
            found = set(PLACEHOLDER.findall(string))
            # A plural form may leave out the number (Danish "en sag"), never add a name.
            if found - wanted or (len(ids) == 1 and found != wanted):
                problems.append((ids[0], string))
    assert not problems, problems[:20]


def test_compiled_catalogs_exist_for_the_running_app():
    for path in CATALOGS:
        assert path.with_suffix(".mo").exists(), "run pybabel compile (scripts/bootstrap does)"


@pytest.mark.parametrize("path", CATALOGS, ids=_name)
def test_catalog_text_holds_no_markup(path):
    """Flask-Babel marks translated text safe, so a catalog must not carry HTML."""
    problems = []
    for message in _catalog(path):
        if not message.id:  # the header: metadata (Language-Team: <address>), never shown
            continue
        ids = (message.id,) if isinstance(message.id, str) else tuple(message.id)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        problems += [text for text in (*ids, *strings) if text and re.search(r"[<>&]", text)]
    assert not problems, problems[:10]


@pytest.mark.parametrize("path", CATALOGS, ids=_name)
def test_catalog_says_whether_a_professional_translator_wrote_it(path):
    """A deploying organisation must know what to have reviewed (docs/translations.md)."""
    head = path.read_text(encoding="utf-8").split("msgid", 1)[0]
    assert ("Written without a professional translator" in head
            or "Reviewed by a professional translator" in head), path
