"""Content-addressed storage for package files, videos and uploads.

Callers see only `BlobStore`: put a stream, get back its sha256; open, exists, size, delete;
and `serve` for HTTP delivery. The local-disk backend is the default; an S3-compatible backend
implements the same interface without touching callers.
"""
from .base import BlobNotFound, BlobStore, StoredBlob
from .local import LocalBlobStore

__all__ = ["BlobNotFound", "BlobStore", "StoredBlob", "LocalBlobStore"]
