"""What every progress endpoint (SCORM, Xerte, video) shares: read a JSON object sent by
fetch or `navigator.sendBeacon` (text/plain, no custom headers) and answer in JSON that is
never cached and never a redirect."""
from __future__ import annotations

import json

from flask import jsonify, request


def read_json_object(max_bytes: int) -> dict | None:
    """The request body parsed as a JSON object whatever its Content-Type, or None when it is
    larger than `max_bytes`, not UTF-8 JSON, or not an object."""
    raw = request.get_data(cache=False)[:max_bytes + 1]
    if len(raw) > max_bytes:
        return None
    try:
        payload = json.loads(raw.decode("utf-8"))
    except (ValueError, UnicodeDecodeError):
        return None
    return payload if isinstance(payload, dict) else None


def json_answer(status: int, **body):
    response = jsonify(body)
    response.status_code = status
    response.headers["Cache-Control"] = "no-store"
    return response
