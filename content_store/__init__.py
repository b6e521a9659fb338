"""Content-addressed storage for package files, videos and uploads.

Callers see only `BlobStore` (from `lms.storage.get_store()`): `put` a stream and get back its
sha256 digest, then `open`, `exists`, `size`, `stat`, `delete` by digest; `serve_blob` delivers a
blob over HTTP with conditional and Range requests. The same bytes are stored once.

Adding a backend (e.g. S3-compatible) touches no caller:

1. Subclass `BlobStore` and implement `put`, `open`, `stat`, `delete` and `iter_digests`.
   For S3: `put` streams to a temporary object (multipart upload) while hashing, then copies it
   to ``<prefix>/<digest>`` and deletes the temporary one (or re-copies onto itself when the key
   exists, which moves its LastModified forward as `put` must); `stat` is HeadObject
   (ContentLength, LastModified); `open` returns GetObject's streaming body (`serve_blob` reads
   past skipped bytes when a stream cannot seek); `iter_digests` lists the prefix.
   `local_path` stays None, so X-Sendfile is simply not used. Override
   `discard_abandoned_uploads` to abort stale multipart uploads.
2. Build it in `lms.storage.init_app` for a new ``LMS_STORAGE_BACKEND`` value.
3. Run tests/content_store/test_store_contract.py against it.
"""
from .base import BlobNotFound, BlobStore, BlobTooLarge, GarbageReport, StoredBlob
from .local import LocalBlobStore
from .serving import guess_type, serve_blob

__all__ = [
    "BlobNotFound",
    "BlobStore",
    "BlobTooLarge",
    "GarbageReport",
    "LocalBlobStore",
    "StoredBlob",
    "guess_type",
    "serve_blob",
]
