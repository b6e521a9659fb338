"""Initial passwords: made, hashed, and handed once to the administrator who ran the import.

Plain passwords never reach the database. After a web import they are kept in a file
``LMS_DATA_DIR/people_import/sheets/<token>.json`` (mode 0600, readable only by the admin who
ran the import) so the result page can show the printable slips; the file is deleted as soon as
the XLSX sheet is downloaded, and in any case `SHEET_LIFETIME` after the import.
The CLI writes the XLSX straight to the path given with ``--sheet`` and keeps nothing.
"""
from __future__ import annotations

import io
import json
import os
import secrets
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass
from pathlib import Path

from flask import current_app
from werkzeug.security import generate_password_hash

#: No 0/O, 1/l/I: the slips are read off paper and typed on phones.
ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
PASSWORD_LENGTH = 10
#: Random 10-character passwords carry ~50 bits, which must be changed at first login, so a
#: lighter scrypt cost than a chosen password's is safe and keeps 5,000 accounts within seconds.
INITIAL_HASH_METHOD = "scrypt:2048:8:1"
SHEET_LIFETIME = 3600  # seconds


@dataclass
class Slip:
    """One account's line on the password sheet."""

    full_name: str
    role_label: str
    class_label: str
    username: str
    password: str


def new_password() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(PASSWORD_LENGTH))


def hash_passwords(passwords: list[str],
                   progress: Callable[[int], None] | None = None) -> list[str]:
    """Hash in parallel threads (hashlib's scrypt releases the GIL); order is kept."""
    def one(password: str) -> str:
        hashed = generate_password_hash(password, method=INITIAL_HASH_METHOD)
        if progress:
            progress(1)
        return hashed

    with ThreadPoolExecutor(max_workers=max(2, os.cpu_count() or 2)) as pool:
        return list(pool.map(one, passwords))


def sheet_xlsx(slips: list[Slip]) -> bytes:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Mật khẩu ban đầu")
    bold = Font(bold=True)
    header = []
    for title in ("STT", "Họ và tên", "Vai trò", "Lớp", "Tên đăng nhập", "Mật khẩu ban đầu"):
        cell = WriteOnlyCell(sheet, value=title)
        cell.font = bold
        header.append(cell)
    sheet.append(header)
    for number, slip in enumerate(slips, start=1):
        sheet.append([number, slip.full_name, slip.role_label, slip.class_label, slip.username,
                      slip.password])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _folder() -> Path:
    folder = Path(current_app.config["LMS_DATA_DIR"]) / "people_import" / "sheets"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _path(token: str) -> Path | None:
    if not (token.isalnum() and 16 <= len(token) <= 64):
        return None
    return _folder() / f"{token}.json"


def purge_expired(now: float | None = None) -> None:
    now = now or time.time()
    for path in _folder().glob("*.json"):
        try:
            if now - path.stat().st_mtime > SHEET_LIFETIME:
                path.unlink()
        except FileNotFoundError:
            pass


def save(slips: list[Slip], actor_id: int, kind: str) -> str:
    """Keep the sheet for the admin who ran the import; returns the token naming it."""
    purge_expired()
    token = secrets.token_hex(16)
    path = _path(token)
    tmp = path.with_suffix(".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        json.dump({"actor_id": actor_id, "kind": kind, "created": time.time(),
                   "slips": [asdict(s) for s in slips]}, out, ensure_ascii=False)
    os.replace(tmp, path)
    return token


def load(token: str, actor_id: int) -> list[Slip] | None:
    """The slips, if the sheet still exists and belongs to `actor_id`."""
    purge_expired()
    path = _path(token)
    if path is None or not path.exists():
        return None
    data = json.loads(path.read_text(encoding="utf-8"))
    if data["actor_id"] != actor_id:
        return None
    return [Slip(**s) for s in data["slips"]]


def discard(token: str) -> None:
    path = _path(token)
    if path is not None:
        path.unlink(missing_ok=True)
