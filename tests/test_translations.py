"""The catalogs are complete: every string translated, nothing fuzzy, placeholders intact,
and the template up to date with the source (a new string fails until it is extracted)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

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


CATALOGS = sorted(TRANSLATIONS.glob("*/LC_MESSAGES/messages.po"))


def test_every_interface_language_has_a_catalog():
    have = {p.parts[-3] for p in CATALOGS}
    assert set(UI_LOCALES) - {SOURCE_LOCALE} <= have


def test_template_is_up_to_date_with_the_source(tmp_path):
    fresh = tmp_path / "messages.pot"
    subprocess.run([sys.executable, "-m", "babel.messages.frontend", "extract", "-F",
                    "babel.cfg", "-k", "_l", "-k", "lazy_gettext", "--no-location", "-o",
                    str(fresh), "."], cwd=ROOT, check=True, capture_output=True)
    missing = _ids(_catalog(fresh)) - _ids(_catalog(TRANSLATIONS / "messages.pot"))
    assert not missing, f"run pybabel extract/update (see README): {sorted(map(str, missing))[:10]}"


@pytest.mark.parametrize("path", CATALOGS, ids=lambda p: p.parts[-3])
def test_catalog_is_complete_and_not_fuzzy(path):
    catalog = _catalog(path)
    template = _ids(_catalog(TRANSLATIONS / "messages.pot"))
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


@pytest.mark.parametrize("path", CATALOGS, ids=lambda p: p.parts[-3])
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


@pytest.mark.parametrize("path", CATALOGS, ids=lambda p: p.parts[-3])
def test_catalog_text_holds_no_markup(path):
    """Flask-Babel marks translated text safe, so a catalog must not carry HTML."""
    problems = []
    for message in _catalog(path):
        ids = (message.id,) if isinstance(message.id, str) else tuple(message.id)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        problems += [text for text in (*ids, *strings) if text and re.search(r"[<>&]", text)]
    assert not problems, problems[:10]
