"""The interface every search engine implements, and the swap-in-a-new-directory layout that
the file-based engines share."""
from __future__ import annotations

import os
import shutil
import threading
import time
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable
from pathlib import Path

from ..documents import SearchDocument
from ..query import SearchPage, SearchRequest

Progress = Callable[[int], None]


class IndexUnavailable(Exception):
    """The index is missing or unreadable; the indexer rebuilds it, search says so meanwhile."""


class SearchBackend(ABC):
    """One search engine. Writes come only from the indexer (`apply`, `rebuild`); web workers
    only `search`."""

    name: str = ""

    def __init__(self, directory: str | Path) -> None:
        self.directory = Path(directory)

    # Writing (the indexer) ----------------------------------------------------------------
    @abstractmethod
    def apply(self, documents: list[SearchDocument], deleted_ids: list[int]) -> None:
        """Add or replace `documents` and remove `deleted_ids`, in one commit; idempotent."""

    def upsert(self, documents: list[SearchDocument]) -> None:
        self.apply(documents, [])

    def delete(self, material_ids: list[int]) -> None:
        self.apply([], material_ids)

    @abstractmethod
    def rebuild(self, documents: Iterable[SearchDocument], progress: Progress | None = None) -> None:
        """Build a complete new index from `documents` and swap it in at once."""

    # Reading ------------------------------------------------------------------------------
    @abstractmethod
    def search(self, request: SearchRequest) -> SearchPage:
        """Matches of `request`, permission scope and filters applied inside the query.
        Raises `IndexUnavailable` when there is no usable index."""

    @abstractmethod
    def stamps(self) -> dict[int, str]:
        """material id -> the stamp of its indexed document (see `SearchDocument.stamp`)."""

    def check(self) -> None:
        """Raise `IndexUnavailable` unless the index opens and answers."""
        self.stamps_sample()

    def stamps_sample(self) -> None:
        self.search(SearchRequest(text="", per_page=1, with_facets=False))


class DirectorySwap:
    """A file index lives in ``<root>/index-<n>``; ``<root>/CURRENT`` names the live one.

    Rebuilding writes a fresh directory and replaces CURRENT atomically (os.replace); readers
    compare CURRENT with what they opened on every request and reopen when it changed.
    """

    KEEP = 2  #: directories kept after a swap (a reader may still hold the previous one)

    def __init__(self, root: Path) -> None:
        self.root = root
        self._local = threading.local()

    @property
    def pointer(self) -> Path:
        return self.root / "CURRENT"

    def current(self) -> Path | None:
        try:
            name = self.pointer.read_text().strip()
        except FileNotFoundError:
            return None
        return self.root / name if name else None

    def new_directory(self) -> Path:
        self.root.mkdir(parents=True, exist_ok=True)
        path = self.root / f"index-{time.time_ns()}"
        path.mkdir()
        return path

    def swap_to(self, path: Path) -> None:
        tmp = self.root / f"CURRENT.{os.getpid()}.tmp"
        tmp.write_text(path.name)
        os.replace(tmp, self.pointer)
        olds = sorted((p for p in self.root.glob("index-*") if p != path), key=lambda p: p.name)
        for old in olds[: max(len(olds) - (self.KEEP - 1), 0)]:
            shutil.rmtree(old, ignore_errors=True)

    def per_thread(self):
        """This thread's cache: one opened reader per worker thread."""
        return self._local
