"""Documents for the person (HTML to print, and PDF), the person's document language, signed
consents, and the 1a questions for the interpreter."""

from __future__ import annotations

from flask import (
    Blueprint,
    Response,
    abort,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    HiddenField,
    RadioField,
    SelectChoice,
    SelectField,
    StringField,
)
from wtforms.validators import InputRequired, Length, Optional

from victimcare.accounts import policy
from victimcare.accounts.views import show_violation
from victimcare.cases import services as cases
from victimcare.documents import labels, pdf, services, texts
from victimcare.documents import languages as langs
from victimcare.errors import RuleViolation
from victimcare.extensions import db
from victimcare.forms import NoControlCharacters, day_not_in_the_future, day_within_a_year
from victimcare.i18n import _, _l

documents_bp = Blueprint("documents", __name__, template_folder="templates")


@documents_bp.app_context_processor
def _person_documents() -> dict:
    """For the case and task pages: the language a person's documents are written in."""
    from flask_babel import get_locale

    def label(person) -> str:
        return langs.language_name(services.document_language(person),
                                   str(get_locale() or "da"))

    def interview_language(person) -> str:
        """The 1a questions in the interview language when they exist in it, else in the
        person's document language."""
        return (langs.document_language_for(person.language)
                or services.document_language(person))

    return {"document_language": lambda person: services.document_language(person),
            "document_language_label": label, "interview_language": interview_language,
            "latest_signed_consent": lambda case: services.latest_consent(case.id),
            "document_language_choices": language_choices,
            "document_language_name": lambda code: langs.language_name(
                code, str(get_locale() or "da"))}


@documents_bp.context_processor
def _ui_locale() -> dict:
    """The staff's language, for the toolbar on a page written in the person's language."""
    from flask_babel import get_locale

    return {"ui_locale": str(get_locale() or "da")}


def language_choices() -> list[tuple[str, str]]:
    """Each document language by its name in the user's language and in itself."""
    from flask_babel import get_locale

    return langs.choices(str(get_locale() or "da"))


class DocumentLanguageForm(FlaskForm):
    language = SelectField(_l("Language of the person's documents"), validators=[
        InputRequired(_l("Choose a language."))])
    version = HiddenField()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.language.choices = [SelectChoice(code, name) for code, name in language_choices()]


_AGREED = [SelectChoice("yes", _l("Agreed")), SelectChoice("no", _l("Not agreed"))]


class ConsentForm(FlaskForm):
    language = SelectField(_l("Language of the signed document"), validators=[
        InputRequired(_l("Choose a language."))])
    signed_on = DateField(_l("Signed on"), validators=[
        InputRequired(_l("Give a date.")), day_not_in_the_future, day_within_a_year])
    police_sharing = RadioField(_l("Sharing the 1a form and the assessment with the police"),
                                choices=_AGREED,
                                validators=[InputRequired(_l("Choose one."))])
    data_processing = RadioField(_l("Processing of personal data"),
                                 choices=_AGREED,
                                 validators=[InputRequired(_l("Choose one."))])
    interpreter = StringField(_l("Interpreter (name, or 'none')"), validators=[
        Optional(), Length(max=120), NoControlCharacters()])
    read_aloud = BooleanField(_l("The person read the document in this language, or had it "
                                 "read to them, and said they understood it"),
                              validators=[InputRequired(_l("Confirm that the person was "
                                                           "given the document in a "
                                                           "language they understand."))])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.language.choices = [SelectChoice(code, name) for code, name in language_choices()]


def _requested_language(default: str) -> str:
    """The ``lang`` asked for, else ``default``; a language documents are not written in is
    a 404, not an English page."""
    language = request.args.get("lang", "") or default
    if language not in langs.DOCUMENT_LANGUAGES:
        abort(404)
    return language


@documents_bp.route("/cases/<reference>/documents")
def case_documents(reference: str):
    """The person's documents: their language, each document to print or as PDF, and the
    signed consents."""
    with db.transaction():  # an audited read of the case
        case = cases.open_case(current_user, reference)
    form = DocumentLanguageForm()
    form.language.data = services.document_language(case.person)
    form.version.data = str(case.version)
    return _documents_page(case, form)


@documents_bp.route("/cases/<reference>/documents/language", methods=["POST"])
def set_language(reference: str):
    """CMM chooses the language of the person's documents (on the person's record)."""
    with db.transaction():
        case = cases.open_case(current_user, reference)
    form = DocumentLanguageForm()
    if form.validate_on_submit():
        try:
            with db.transaction():
                cases.claim_case_version(case, form.version.data)
                services.set_document_language(case, current_user, form.language.data)
        except RuleViolation as error:
            show_violation(form, error)
        else:
            flash(_("The language of the person's documents is saved."), "success")
            return redirect(url_for("documents.case_documents", reference=case.reference))
    return _documents_page(case, form)


def _documents_page(case, form):
    return render_template("documents/index.html", case=case, form=form,
                           language=services.document_language(case.person),
                           kinds=[kind for kind in texts.DOCUMENT_KINDS
                                  if policy.may_make_document(current_user, case, kind)],
                           labels=labels, consents=services.consents_of(case),
                           language_label=lambda code: dict(language_choices()).get(code,
                                                                                     code))


def _compose_or_back(case, kind: str, language: str):
    if kind not in texts.DOCUMENT_KINDS or not policy.may_make_document(current_user, case,
                                                                         kind):
        abort(404)  # as for a document that does not exist
    try:
        return services.compose(case, kind, language, current_user)
    except services.DocumentNotReady as error:
        flash(error.message, "error")
        return None


def _case_document(reference: str, kind: str, as_pdf: bool):
    """A case's document, its making audited; back to the documents page, with the reason,
    when the case does not hold what the document states yet."""
    with db.transaction():
        case = cases.open_case(current_user, reference)
        language = _requested_language(services.document_language(case.person))
        document = _compose_or_back(case, kind, language)
        if document is not None:
            services.generated(case, current_user, document, as_pdf=as_pdf)
    if document is None:
        return redirect(url_for("documents.case_documents", reference=case.reference))
    return _page_or_pdf(document, case, as_pdf,
                        f"{case.reference}-{kind}-{language}.pdf")


def _page_or_pdf(document, case, as_pdf: bool, file_name: str):
    html = render_template("documents/document.html", case=case, document=document,
                           for_pdf=as_pdf, labels=labels,
                           language_choices=[] if as_pdf else language_choices())
    if not as_pdf:
        return html
    return Response(pdf.from_html(html, case.reference if case else ""),
                    mimetype="application/pdf", headers={
                        "Content-Disposition": f'inline; filename="{file_name}"',
                        "Cache-Control": "no-store"})


@documents_bp.route("/cases/<reference>/documents/<kind>")
def show_document(reference: str, kind: str):
    """A document in the person's language with Danish alongside, ready to print."""
    return _case_document(reference, kind, as_pdf=False)


@documents_bp.route("/cases/<reference>/documents/<kind>/pdf")
def document_pdf(reference: str, kind: str):
    return _case_document(reference, kind, as_pdf=True)


def _leaflet(as_pdf: bool):
    language = _requested_language(langs.SOURCE_LANGUAGE)
    return _page_or_pdf(services.compose_leaflet(language, current_user), None, as_pdf,
                        f"rights-{language}.pdf")


@documents_bp.route("/rights-information")
def rights_leaflet():
    """The rights information with the name and case number left blank, for a first
    contact before there is a case (NGO outreach too). Holds no case data."""
    return _leaflet(as_pdf=False)


@documents_bp.route("/rights-information/pdf")
def rights_leaflet_pdf():
    return _leaflet(as_pdf=True)


@documents_bp.route("/cases/<reference>/consents/new", methods=["GET", "POST"])
def new_consent(reference: str):
    """Record the consent document the person signed, with the language it was given in."""
    with db.transaction():
        case = cases.open_case(current_user, reference)
    form = ConsentForm()
    if form.validate_on_submit():
        try:
            with db.transaction():
                services.record_consent(
                    case, current_user, language=form.language.data,
                    signed_on=form.signed_on.data,
                    police_sharing=form.police_sharing.data == "yes",
                    data_processing=form.data_processing.data == "yes",
                    interpreter=form.interpreter.data or "")
        except RuleViolation as error:
            show_violation(form, error)
        else:
            flash(_("The signed consent is recorded."), "success")
            return redirect(url_for("documents.case_documents", reference=case.reference))
    if not form.is_submitted():
        form.language.data = services.document_language(case.person)
    return render_template("documents/consent_form.html", case=case, form=form)


@documents_bp.route("/interview-questions")
def interview_questions():
    """The 1a form's questions in the interview language next to Danish, for the
    interpreter. Holds no case data, so NGO interviewers may open it too."""
    language = _requested_language(langs.SOURCE_LANGUAGE)
    return render_template("documents/interview_questions.html", language=language,
                           direction=langs.direction(language),
                           header=services.interview_header(language),
                           sections=services.interview_questions(language),
                           language_choices=language_choices())
