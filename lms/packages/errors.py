"""The one error every step of reading and importing a package raises."""
from __future__ import annotations


class PackageError(Exception):
    """A package cannot be accepted.

    `message` is plain Vietnamese for the teacher, `code` a short stable id for programs and
    tests (``not_zip``, ``zip_slip``, ``encrypted``...), `file` the offending entry when there is
    one, and `details` further lines (for example every fatal problem an inspection found).
    """

    def __init__(self, message: str, code: str, file: str | None = None,
                 details: list[str] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.code = code
        self.file = file
        self.details = list(details or [])

    def __str__(self) -> str:
        text = self.message
        if self.details:
            text += "\n" + "\n".join(f"- {line}" for line in self.details)
        return text
