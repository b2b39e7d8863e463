"""How periods read to a person (translated)."""

from victimcare.i18n import _l

PERIOD_KINDS = {"reflection": _l("Reflection period"), "restitution": _l("Restitution period")}
END_REASONS = {"expired": _l("Ended with no extension"),
               "asylum": _l("Ended: the person applied for asylum"),
               "residence_ended": _l("Ended: lawful residence ended")}
EXTENSION_REASONS = [("special_reasons", _l("Special reasons")),
                     ("prepared_return", _l("Cooperation on a prepared return")),
                     ("other", _l("Other (restitution periods only)"))]


def label(mapping, code: str) -> str:
    return str(dict(mapping).get(code, code))
