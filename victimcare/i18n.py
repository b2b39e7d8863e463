"""Languages of the staff interface and the helpers every module translates with.

Source strings are English; Danish is the default interface language.
"""

from __future__ import annotations

from flask import current_app, request, session
from flask_babel import gettext as _  # noqa: F401 - re-exported for modules
from flask_babel import lazy_gettext as _l  # noqa: F401
from flask_babel import ngettext  # noqa: F401
from flask_login import current_user

#: The staff interface languages, in the order the switch shows them, with their own names.
UI_LOCALES: dict[str, str] = {"da": "Dansk", "en": "English", "sv": "Svenska"}
RTL_LANGUAGES = frozenset({"ar", "fa", "he", "ur"})


def select_locale() -> str:
    """The user's choice, then the session's (before login), then the default."""
    if current_user and getattr(current_user, "is_authenticated", False):
        if current_user.locale in UI_LOCALES:
            return current_user.locale
    chosen = session.get("locale") if request else None
    if chosen in UI_LOCALES:
        return chosen
    return current_app.config["VICTIMCARE"].default_locale


def text_direction(locale: str) -> str:
    return "rtl" if locale.split("_")[0] in RTL_LANGUAGES else "ltr"


def country_name(code: str | None) -> str:
    """An ISO 3166 country's name in the user's language (Babel's CLDR data)."""
    if not code:
        return ""
    from flask_babel import get_locale

    locale = get_locale()
    return (locale.territories.get(code.upper()) if locale else None) or code.upper()


def language_name(code: str | None) -> str:
    """An ISO 639 language's name in the user's language; 639-3 codes map through pycountry."""
    if not code:
        return ""
    import pycountry
    from flask_babel import get_locale

    record = pycountry.languages.get(alpha_3=code) if len(code) == 3 else None
    key = getattr(record, "alpha_2", None) or code
    locale = get_locale()
    name = locale.languages.get(key) if locale else None
    return name or (record.name if record else code)


def format_when(moment) -> str:
    """A date and time as people here read it: the month in words (no 3/6 vs 6/3 doubt),
    24-hour clock, no seconds, in Copenhagen time, in the user's language."""
    from babel.dates import format_skeleton
    from flask_babel import get_locale, get_timezone, to_user_timezone

    local = to_user_timezone(moment)
    locale = get_locale()
    return (f"{format_skeleton('yMMMd', local, tzinfo=get_timezone(), locale=locale)} "
            f"{format_skeleton('Hm', local, tzinfo=get_timezone(), locale=locale)}")


def format_day(day) -> str:
    """A date with the month in words, in the user's language."""
    from babel.dates import format_skeleton
    from flask_babel import get_locale

    return format_skeleton("yMMMd", day, locale=get_locale())
