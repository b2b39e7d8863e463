"""Prepared return on the case page: offering it (which starts its process), and a person
who leaves without notice before departure (which stops it)."""

from __future__ import annotations

from decimal import Decimal

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import DateField, HiddenField, RadioField, SelectChoice, SelectField, StringField
from wtforms.validators import InputRequired, Length, Optional

from victimcare.accounts import policy
from victimcare.accounts.views import show_violation
from victimcare.cases import services as cases
from victimcare.errors import RuleViolation
from victimcare.extensions import db
from victimcare.forms import NoControlCharacters
from victimcare.i18n import _, _l
from victimcare.returns import labels, services

returns_bp = Blueprint("returns", __name__, template_folder="templates")


@returns_bp.app_template_filter("usd")
def usd_filter(amount: Decimal | None) -> str:
    """A USD amount the way the user's language writes money, in whole dollars: it is an
    equivalent at a set rate, not an amount paid."""
    from flask_babel import format_currency

    return "—" if amount is None else format_currency(amount.quantize(Decimal(1)), "USD")


@returns_bp.app_context_processor
def _labels() -> dict:
    return {"return_label": lambda pairs, v: labels.label(getattr(labels, pairs), v)}


class OfferForm(FlaskForm):
    #: The case as the user saw it: two offers at once are refused.
    version = HiddenField()


@returns_bp.route("/cases/<reference>/prepared-return", methods=["POST"])
def offer(reference: str):
    """The contact person offers a prepared return: the first task records the answer."""
    case = policy.load_case_or_404(reference, current_user)
    form = OfferForm()
    if not form.validate_on_submit():
        flash(_("The form was not complete. Nothing was saved."), "error")
        return redirect(url_for("cases.show_case", reference=case.reference))
    try:
        with db.transaction():
            cases.claim_case_version(case, form.version.data)
            services.offer_return(case, current_user)
    except RuleViolation as error:
        flash(error.message, "error")
    else:
        flash(_("Offered. Record the person's answer in the task list."), "success")
    return redirect(url_for("cases.show_case", reference=case.reference) + "#return")


class LeftForm(FlaskForm):
    left_on = DateField(_l("The person left without notice on"), validators=[
        InputRequired(_l("Give a date."))])
    version = HiddenField()


@returns_bp.route("/cases/<reference>/prepared-return/left", methods=["GET", "POST"])
def left_without_notice(reference: str):
    with db.transaction():  # an audited read of the case
        case = cases.open_case(current_user, reference)
    form = LeftForm()
    if form.validate_on_submit():
        try:
            with db.transaction():
                cases.claim_case_version(case, form.version.data)
                services.left_without_notice(case, current_user, form.left_on.data)
        except RuleViolation as error:
            show_violation(form, error)
        else:
            flash(_("Recorded. The prepared return has stopped."), "success")
            return redirect(url_for("cases.show_case", reference=case.reference) + "#return")
    if not form.is_submitted():
        form.version.data = str(case.version)
    return render_template("returns/left.html", case=case, form=form)


# --- reference data: the maximums, the USD rate, the partners -----------------------------------

RATE_CHOICES = [*labels.RATE_CODES, ("usd", _l("USD rate (DKK)"))]


class RateForm(FlaskForm):
    code = SelectField(_l("Rate"), choices=[SelectChoice(k, v) for k, v in RATE_CHOICES],
                       validators=[InputRequired(_l("Choose a rate."))])
    value = StringField(_l("Value (DKK; months for follow-up; DKK per USD)"), validators=[
        InputRequired(_l("Give a value.")), Length(max=20)])
    valid_from = DateField(_l("Valid from"), validators=[InputRequired(_l("Give a date."))])


class PartnerForm(FlaskForm):
    country = SelectField(_l("Destination country (empty: every other country)"),
                          validators=[Optional()])
    programme = RadioField(_l("Programme"),
                           choices=[SelectChoice(k, v) for k, v in labels.PROGRAMMES],
                           validators=[InputRequired(_l("Choose one."))])
    name = StringField(_l("Partner"), validators=[InputRequired(_l("Give the partner's name.")),
                                                  Length(max=120), NoControlCharacters()])

    def __init__(self, *args, **kwargs):
        from victimcare.identification.forms import country_choices

        super().__init__(*args, **kwargs)
        self.country.choices = country_choices()


def _render_rates(rate_form: RateForm, partner_form: PartnerForm):
    return render_template("returns/rates.html", rate_form=rate_form,
                           partner_form=partner_form, **services.reference_data())


@returns_bp.route("/returns/rates", methods=["GET", "POST"])
def rates():
    """The coordinators keep the maximums (a new row with a valid-from date, never an edit of
    an old one), the USD rate and the partners."""
    form = RateForm()
    if form.validate_on_submit():
        try:
            with db.transaction():
                services.add_rate(current_user, form.code.data, form.value.data,
                                  form.valid_from.data)
        except RuleViolation as error:
            show_violation(form, error)
        else:
            flash(_("The rate is saved."), "success")
            return redirect(url_for("returns.rates"))
    return _render_rates(form, PartnerForm(formdata=None))


@returns_bp.route("/returns/partners", methods=["POST"])
def save_partner():
    form = PartnerForm()
    if form.validate_on_submit():
        try:
            with db.transaction():
                services.save_partner(current_user, form.country.data or "",
                                      form.programme.data, form.name.data)
        except RuleViolation as error:
            show_violation(form, error)
        else:
            flash(_("The partner is saved."), "success")
            return redirect(url_for("returns.rates"))
    return _render_rates(RateForm(formdata=None), form)
