"""What every template can use: navigation, hooks, dates in dd/mm/yyyy, role labels."""
from datetime import date, datetime

from flask import Flask, current_app
from flask_babel import format_datetime, get_locale
from flask_login import current_user
from markupsafe import Markup

from .models import ROLE_LABELS, Role


def format_date(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return format_datetime(value, "dd/MM/yyyy")
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    return str(value)


def format_datetime_short(value) -> str:
    return format_datetime(value, "dd/MM/yyyy HH:mm") if value else ""


def template_hook(name: str, **context) -> Markup:
    """Concatenate what plugins contribute to a named place in a template."""
    parts = [func(**context) for func in current_app.extensions["lms"].template_hooks.get(name, [])]
    return Markup("").join(Markup(p) if p else Markup("") for p in parts)


def init_app(app: Flask) -> None:
    app.jinja_env.filters["date"] = format_date
    app.jinja_env.filters["datetime"] = format_datetime_short
    app.jinja_env.globals["template_hook"] = template_hook
    app.jinja_env.globals["get_locale"] = get_locale

    @app.context_processor
    def navigation():
        return {
            "nav_entries": current_app.extensions["lms"].nav_for(current_user),
            "role_label": lambda role: ROLE_LABELS.get(Role(role), role),
        }
