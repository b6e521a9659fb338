from flask import Blueprint, render_template, request
from sqlalchemy import select

from ..extensions import db
from ..models import Role, User
from ..permissions import roles_required

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.route("/users")
@roles_required(Role.ADMIN)
def users():
    page = db.paginate(select(User).order_by(User.sort_key),
                       page=request.args.get("page", 1, type=int), per_page=50, error_out=False)
    return render_template("admin/users.html", page=page)
