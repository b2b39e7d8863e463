"""Login, password and user administration forms."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    HiddenField,
    IntegerField,
    PasswordField,
    SelectChoice,
    SelectField,
    StringField,
)
from wtforms.validators import DataRequired, EqualTo, InputRequired, Length, Optional, Regexp

from victimcare.accounts.models import (
    FULL_NAME_MAX,
    ORG_NAME_MAX,
    ORGANISATION_KIND_LABELS,
    PASSWORD_MAX,
    PASSWORD_MIN,
    ROLE_LABELS,
    USERNAME_MAX,
    OrganisationKind,
    Role,
)
from victimcare.forms import NoControlCharacters
from victimcare.i18n import UI_LOCALES, _l

_required = DataRequired(message=_l("This field is required."))


def _locale_choices() -> list[SelectChoice]:
    return [SelectChoice(code, name) for code, name in UI_LOCALES.items()]


def _password_length():
    return Length(min=PASSWORD_MIN, max=PASSWORD_MAX,
                  message=_l("Use between %(min)d and %(max)d characters."))


class LoginForm(FlaskForm):
    username = StringField(_l("User name"), validators=[
        _required, Length(max=USERNAME_MAX), NoControlCharacters()])
    password = PasswordField(_l("Password"), validators=[_required, Length(max=PASSWORD_MAX)])
    next = HiddenField()


class ChangePasswordForm(FlaskForm):
    current_password = PasswordField(_l("Current password"), validators=[
        _required, Length(max=PASSWORD_MAX)])
    new_password = PasswordField(_l("New password"), validators=[_required, _password_length()])
    confirm_password = PasswordField(_l("Repeat the new password"), validators=[
        _required, EqualTo("new_password", message=_l("The two new passwords differ."))])


class LocaleForm(FlaskForm):
    locale = SelectField(_l("Language"), choices=_locale_choices())
    next = HiddenField()


class _UserFields(FlaskForm):
    full_name = StringField(_l("Full name"), validators=[
        _required, Length(max=FULL_NAME_MAX), NoControlCharacters()])
    organisation_id = SelectField(_l("Organisation"), coerce=int, validators=[InputRequired()])
    role = SelectField(_l("Role"), choices=[SelectChoice(r.value, ROLE_LABELS[r]) for r in Role],
                       validators=[_required])
    locale = SelectField(_l("Language"), choices=_locale_choices())

    def __init__(self, *args, organisations=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.organisation_id.choices = [SelectChoice(o.id, o.name) for o in organisations]


class NewUserForm(_UserFields):
    username = StringField(_l("User name"), validators=[
        _required, Length(min=3, max=USERNAME_MAX),
        Regexp(r"^[A-Za-z0-9._-]+$",
               message=_l("Use letters, digits, dots, hyphens and underscores only."))])
    password = PasswordField(_l("Initial password"), validators=[_required, _password_length()])


class EditUserForm(_UserFields):
    is_active = BooleanField(_l("Account is active"))
    new_password = PasswordField(_l("New password (leave empty to keep)"), validators=[
        Optional(), _password_length()])
    version = IntegerField(widget=HiddenField.widget, validators=[InputRequired()])


class OrganisationForm(FlaskForm):
    name = StringField(_l("Name"), validators=[
        _required, Length(max=ORG_NAME_MAX), NoControlCharacters()])
    kind = SelectField(_l("Type"), choices=[
        SelectChoice(k.value, ORGANISATION_KIND_LABELS[k]) for k in OrganisationKind],
                       validators=[_required])
