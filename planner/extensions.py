"""Bare extension objects; bound to the app in create_app()."""

from flask_babel import Babel
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from sqlalchemy import MetaData
from sqlalchemy.orm import DeclarativeBase

# Stable constraint names so that Alembic migrations work the same on SQLite and PostgreSQL.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


db = SQLAlchemy(model_class=Base)
migrate = Migrate()
login_manager = LoginManager()
csrf = CSRFProtect()
babel = Babel()
# rate limits are declared where they apply (the API's per token); nothing is limited by default
limiter = Limiter(key_func=get_remote_address, default_limits=[])


# indexes the migrations create that the models cannot describe (expression indexes with an
# operator class, declared with planner.core.models.trigram_index); Alembic's comparison leaves
# them alone
OUTSIDE_METADATA: set[str] = set()


def include_object(obj, name, type_, reflected, compare_to) -> bool:
    return not (type_ == "index" and name in OUTSIDE_METADATA)
