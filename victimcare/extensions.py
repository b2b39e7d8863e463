"""The one instance of each extension."""

from flask_babel import Babel
from flask_login import LoginManager
from flask_wtf.csrf import CSRFProtect

from victimcare.db import Database

db = Database()
login_manager = LoginManager()
csrf = CSRFProtect()
babel = Babel()
