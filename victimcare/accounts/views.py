"""Log-in, log-out, language, password; and the administrator's users and organisations."""

from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import current_user, login_user

from victimcare import clock
from victimcare.accounts import services
from victimcare.accounts.forms import (
    ChangePasswordForm,
    EditUserForm,
    LocaleForm,
    LoginForm,
    NewUserForm,
    OrganisationForm,
)
from victimcare.accounts.models import Organisation, OrganisationKind, Role, User
from victimcare.errors import ConcurrentEditError, RuleViolation
from victimcare.extensions import db
from victimcare.i18n import _
from victimcare.security import end_session_keeping_language, safe_next

auth_bp = Blueprint("auth", __name__, template_folder="templates")
admin_bp = Blueprint("admin", __name__, url_prefix="/admin", template_folder="templates")


def show_violation(form, error: RuleViolation) -> None:
    """Put a refused rule next to its field (or at the top of the form)."""
    field = getattr(form, error.field, None) if error.field else None
    if field is not None:
        field.errors = [*field.errors, error.message]
    else:
        form.form_errors.append(error.message)


@auth_bp.route("/login", methods=["GET", "POST"])
def login():
    form = LoginForm()
    if request.method == "GET":
        form.next.data = safe_next(request.args.get("next"))
        if current_user.is_authenticated:
            return redirect(form.next.data or url_for("main.dashboard"))
    if form.validate_on_submit():
        settings = current_app.config["VICTIMCARE"]
        with db.transaction():
            user = services.authenticate(form.username.data, form.password.data, settings)
        if user is not None:
            session.clear()  # a new session at log-in: nothing carried over from before
            login_user(user)
            session["seen_at"] = int(clock.now().timestamp())
            return redirect(safe_next(form.next.data) or url_for("main.dashboard"))
        form.form_errors.append(_("Wrong user name or password."))
    form.password.data = ""
    return render_template("accounts/login.html", form=form)


@auth_bp.route("/logout", methods=["POST"])
def logout():
    with db.transaction():
        services.log_out(current_user)
    end_session_keeping_language()
    flash(_("You are logged out."), "info")
    return redirect(url_for("auth.login"))


@auth_bp.route("/locale", methods=["POST"])
def set_locale():
    form = LocaleForm()
    target = safe_next(form.next.data) or url_for("main.dashboard")
    if not form.validate_on_submit():
        flash(_("That language is not available."), "error")
        return redirect(target)
    session["locale"] = form.locale.data
    if current_user.is_authenticated:
        with db.transaction():
            current_user.locale = form.locale.data
    return redirect(target)


@auth_bp.route("/account/password", methods=["GET", "POST"])
def change_password():
    form = ChangePasswordForm()
    if form.validate_on_submit():
        try:
            with db.transaction():
                services.change_password(current_user, form.current_password.data,
                                         form.new_password.data,
                                         current_app.config["VICTIMCARE"])
        except services.AccountLockedError as error:
            end_session_keeping_language()
            flash(error.message, "error")
            return redirect(url_for("auth.login"))
        except RuleViolation as error:
            show_violation(form, error)
        else:
            # Every other session of this user has ended; this one continues on the new token.
            login_user(current_user._get_current_object())
            flash(_("Your password is changed. You are logged out everywhere else."), "success")
            return redirect(url_for("main.dashboard"))
    return render_template("accounts/change_password.html", form=form)


# --- administration -------------------------------------------------------------------------


@admin_bp.route("/users")
def list_users():
    return render_template("accounts/users.html", users=services.list_users())


@admin_bp.route("/users/new", methods=["GET", "POST"])
def new_user():
    form = NewUserForm(organisations=services.list_organisations())
    if form.validate_on_submit():
        try:
            with db.transaction():
                user = services.create_user(
                    current_user, username=form.username.data,
                    full_name=form.full_name.data,
                    organisation=db.session.get(Organisation, form.organisation_id.data),
                    role=Role(form.role.data), password=form.password.data,
                    locale=form.locale.data)
        except RuleViolation as error:
            show_violation(form, error)
        else:
            flash(_("The account %(username)s is created.", username=user.username), "success")
            return redirect(url_for("admin.list_users"))
    form.password.data = ""
    return render_template("accounts/user_form.html", form=form, user=None)


@admin_bp.route("/users/<int:user_id>", methods=["GET", "POST"])
def edit_user(user_id: int):
    user = db.session.get(User, user_id) or abort(404)
    form = EditUserForm(obj=user, organisations=services.list_organisations())
    if request.method == "GET":
        form.role.data = user.role.value
    if form.validate_on_submit():
        try:
            with db.transaction():
                services.update_user(
                    current_user, user, expected_version=form.version.data,
                    full_name=form.full_name.data,
                    organisation=db.session.get(Organisation, form.organisation_id.data),
                    role=Role(form.role.data), locale=form.locale.data,
                    is_active=form.is_active.data, new_password=form.new_password.data or None)
        except ConcurrentEditError as error:
            db.session.refresh(user)
            form.version.data = user.version
            form.form_errors.append(error.message)
        except RuleViolation as error:
            show_violation(form, error)
        else:
            flash(_("The account %(username)s is saved.", username=user.username), "success")
            return redirect(url_for("admin.list_users"))
    form.new_password.data = ""
    return render_template("accounts/user_form.html", form=form, user=user)


@admin_bp.route("/organisations")
def list_organisations():
    return render_template("accounts/organisations.html",
                           organisations=services.list_organisations())


@admin_bp.route("/organisations/new", methods=["GET", "POST"])
def new_organisation():
    form = OrganisationForm()
    if form.validate_on_submit():
        try:
            with db.transaction():
                services.create_organisation(current_user, form.name.data,
                                             OrganisationKind(form.kind.data))
        except RuleViolation as error:
            show_violation(form, error)
        else:
            flash(_("The organisation is created."), "success")
            return redirect(url_for("admin.list_organisations"))
    return render_template("accounts/organisation_form.html", form=form)
