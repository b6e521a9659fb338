"""Uploaded packages: safe zip reading, upload to disk, and import as a draft material.

Content-type neutral: the registered content types (`lms.content_types`) recognise, inspect and
import; this package makes sure what they read is safe and that a failed import leaves nothing.
"""
from .archive import ArchiveLimits, SafeArchive
from .errors import PackageError

__all__ = ["ArchiveLimits", "PackageError", "SafeArchive"]
