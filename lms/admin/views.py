"""The administration blueprint; its pages live in `accounts` and `audit_log`."""
from flask import Blueprint

bp = Blueprint("admin", __name__, url_prefix="/admin")
