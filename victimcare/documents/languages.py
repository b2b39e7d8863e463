"""The languages documents for the person are written in (documents catalog), and how a
value in a document is written in each of them."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path

from babel import Locale
from babel.dates import format_date
from babel.numbers import format_currency
from babel.support import NullTranslations, Translations

#: Codes are the catalog directory names in translations/ (and CLDR locales). Danish is
#: always printed alongside; English is the source text. Filipino is "fil" (Tagalog-based).
DOCUMENT_LANGUAGES: tuple[str, ...] = ("da", "en", "sv", "ro", "bg", "th", "fil", "es", "ru",
                                       "uk", "vi", "ar")
SOURCE_LANGUAGE = "en"
ALONGSIDE = "da"
RTL = frozenset({"ar"})

TRANSLATIONS_DIR = Path(__file__).resolve().parent.parent.parent / "translations"

#: ISO 639 codes a person's language may be recorded in that mean one of the above.
_ALIASES = {"tl": "fil", "tgl": "fil", "fil": "fil"}


def direction(language: str) -> str:
    return "rtl" if language in RTL else "ltr"


def document_language_for(code: str | None) -> str | None:
    """The document language for a person's recorded ISO 639 language (``ron`` → ``ro``),
    or None when documents are not written in it."""
    if not code:
        return None
    if code in _ALIASES:
        return _ALIASES[code]
    if code in DOCUMENT_LANGUAGES:
        return code
    import pycountry

    record = pycountry.languages.get(alpha_3=code) if len(code) == 3 else None
    alpha_2 = getattr(record, "alpha_2", None)
    alpha_2 = _ALIASES.get(alpha_2, alpha_2)
    return alpha_2 if alpha_2 in DOCUMENT_LANGUAGES else None


def language_name(language: str, in_language: str) -> str:
    """``language``'s name written in ``in_language`` (CLDR), e.g. ("ro", "da") → "rumænsk"."""
    name = Locale.parse(in_language).languages.get(language) or language
    return name


def own_name(language: str) -> str:
    """A language's name in itself, as a person looks for it in a list ("ไทย", "العربية")."""
    return language_name(language, language)


def choices(ui_language: str) -> list[tuple[str, str]]:
    """Each document language as a list shows it: its name in the user's language and in
    itself ("Thai · ไทย"), so both the caseworker and the person can find it."""
    named = []
    for code in DOCUMENT_LANGUAGES:
        theirs, own = language_name(code, ui_language), own_name(code)
        named.append((code, own if theirs == own else f"{theirs} · {own}"))
    return named


@functools.cache
def translations(language: str) -> NullTranslations:
    """The compiled documents catalog of a language (English is the source text)."""
    if language == SOURCE_LANGUAGE:
        return NullTranslations()
    loaded = Translations.load(str(TRANSLATIONS_DIR), [language], domain="documents")
    if not isinstance(loaded, Translations):  # a missing .mo is an error, not English text
        raise LookupError(f"no compiled documents catalog for {language!r} in "
                          f"{TRANSLATIONS_DIR}; run scripts/bootstrap (pybabel compile)")
    return loaded


def check_catalogs() -> None:
    """At start-up: every document language has its compiled catalog (a missing one would
    fail each document in that language); raises LookupError naming what is missing."""
    for language in DOCUMENT_LANGUAGES:
        translations(language)


# --- values a document text names, written per language ------------------------------------


@dataclass(frozen=True)
class Money:
    ore: int

    def written(self, language: str) -> str:
        return format_currency(Decimal(self.ore) / 100, "DKK", locale=language)


@dataclass(frozen=True)
class Country:
    code: str

    def written(self, language: str) -> str:
        return Locale.parse(language).territories.get(self.code.upper(), self.code)


@dataclass(frozen=True)
class Language:
    code: str

    def written(self, language: str) -> str:
        return language_name(self.code, language)


@dataclass(frozen=True)
class Text:
    """A msgid of the documents catalog used as a value (an authority's name)."""

    msgid: str

    def written(self, language: str) -> str:
        return translations(language).gettext(self.msgid)


def written(value, language: str) -> str:
    """A value as the text of ``language`` shows it."""
    if isinstance(value, date):
        return format_date(value, format="long", locale=language)
    if hasattr(value, "written"):
        return value.written(language)
    return "" if value is None else str(value)
