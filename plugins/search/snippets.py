"""Highlighted snippets: the part of a text where the query's words are, with <mark>s.

Built from the database's text for the few results on a page, the same way for every backend,
so a word matches in the snippet exactly when it matched in the index (same analyzer).
"""
from __future__ import annotations

import unicodedata

from markupsafe import Markup, escape

from .analyzer import fold, words

WINDOW = 28  #: words in a snippet


def highlight(text: str, folded_terms: set[str], *, window: int = WINDOW) -> Markup:
    """`text` (or the `window` words around its densest match) with query words marked."""
    text = unicodedata.normalize("NFC", text or "")
    found = list(words(text))
    if not found:
        return Markup("")
    hits = [i for i, (word, _s, _e) in enumerate(found) if fold(word) in folded_terms]
    start_word = 0
    if hits and len(found) > window:
        best = max(hits, key=lambda i: sum(1 for h in hits if i <= h < i + window))
        start_word = max(0, min(best - 3, len(found) - window))
    end_word = min(len(found), start_word + window)
    begin = found[start_word][1]
    marked = set(hits)
    parts: list[str] = ["… " if start_word > 0 else ""]
    cursor = begin
    for index in range(start_word, end_word):
        _word, s, e = found[index]
        parts.append(str(escape(text[cursor:s])))
        piece = escape(text[s:e])
        parts.append(f"<mark>{piece}</mark>" if index in marked else str(piece))
        cursor = e
    parts.append(" …" if end_word < len(found) else "")
    return Markup("".join(parts))


def has_match(text: str, folded_terms: set[str]) -> bool:
    return any(fold(word) in folded_terms for word, _s, _e in words(text or ""))
