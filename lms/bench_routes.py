"""Baseline routes for `make bench`, mounted only when LMS_BENCH_ROUTES=1 (never in production).

A benchmark divides our endpoint's throughput by these, measured in the same server and run.
"""
from flask import Blueprint, Flask, jsonify, request

from .extensions import csrf

bp = Blueprint("bench", __name__, url_prefix="/_bench")


@bp.route("/bare", methods=["GET", "POST"])
def bare():
    """Parse a JSON body and answer like a commit endpoint would, with no work in between."""
    request.get_json(force=True, silent=True)
    return jsonify(result=True, errorCode=0)


def init_app(app: Flask) -> None:
    import os

    if os.environ.get("LMS_BENCH_ROUTES") == "1" or app.config.get("LMS_BENCH_ROUTES"):
        csrf.exempt(bp)
        app.register_blueprint(bp)
