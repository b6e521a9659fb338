"""The Vietnamese analyzer: one place that decides what a word is and how it is compared.

Every backend indexes and queries through these functions, so a query typed with or without
diacritics, in the old or the new tone placement, finds the same words everywhere.

* NFC first; a token is a run of letters, digits and combining marks, so NFD text (as macOS and
  some editors save it) never splits a syllable in two.
* canonical tone placement: ``hoà`` → ``hòa``, ``thuỷ`` → ``thủy`` (the mark on the first vowel
  of an open ``oa``/``oe``/``uy``), so both spelling styles meet.
* fold: strip every mark and ``đ`` → ``d``, what users type without diacritics.
* no stemming and no stop words: Vietnamese syllables are short and "và", "của" can matter.

Whoosh pickles the analyzer into its index schema, so the classes below must stay importable at
``plugins.search.analyzer`` under these names.
"""
from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from functools import lru_cache

from whoosh.analysis import Token, Tokenizer

from lms.vietnamese import fold as _fold

#: letters, digits and the combining marks that may follow them in NFD text
TOKEN_RE = re.compile(r"[^\W_][\w\u0300-\u036f]*", re.UNICODE)
_TONES = frozenset("\u0300\u0301\u0303\u0309\u0323")  # huyền sắc ngã hỏi nặng
#: open syllables whose tone the old style puts on the first vowel (hòa, thủy, khỏe)
_OPEN_PAIRS = ("oa", "oe", "uy")


def canonical(word: str) -> str:
    """One lower-case syllable with its tone mark in the traditional place."""
    letters: list[str] = []
    tone = ""
    tone_at = -1
    for ch in unicodedata.normalize("NFD", word.lower()):
        if ch in _TONES:
            tone, tone_at = ch, len(letters) - 1
        elif unicodedata.combining(ch) and letters:
            letters[-1] += ch
        else:
            letters.append(ch)
    if not tone or tone_at < 0:
        return unicodedata.normalize("NFC", "".join(letters))
    bare = "".join(unicodedata.normalize("NFC", letter) for letter in letters)
    if (len(bare) >= 2 and bare[-2:] in _OPEN_PAIRS and tone_at == len(letters) - 1
            and not bare[:-1].endswith("qu") and not bare[:-1].endswith("gi")):
        tone_at = len(letters) - 2
    letters[tone_at] += tone
    return unicodedata.normalize("NFC", "".join(letters))


def fold(word: str) -> str:
    """Without any mark, đ → d (``Đường`` → ``duong``)."""
    return _fold(word)


@lru_cache(maxsize=200_000)
def forms(raw: str) -> tuple[str, str]:
    """(canonical, folded) of one syllable as written. A school's vocabulary is a few tens of
    thousands of syllables, so indexing looks each up instead of re-normalising every token."""
    word = canonical(raw)
    return word, fold(word)


def _matches(text: str):
    return TOKEN_RE.finditer(unicodedata.normalize("NFC", text or ""))


def words(text: str) -> Iterator[tuple[str, int, int]]:
    """(canonical word, start, end) for each word of `text`, offsets into the NFC text."""
    for match in _matches(text):
        yield forms(match.group())[0], match.start(), match.end()


def accented_tokens(text: str) -> list[str]:
    return [forms(match.group())[0] for match in _matches(text)]


def folded_tokens(text: str) -> list[str]:
    return [forms(match.group())[1] for match in _matches(text)]


def has_marks(word: str) -> bool:
    return fold(word) != word.lower()


# Whoosh ----------------------------------------------------------------------------------------
class VietnameseTokenizer(Tokenizer):
    """Whoosh tokenizer yielding canonical words, or folded ones with ``folded=True``, or with
    ``pairs=True`` each two adjacent folded words as one term (``"phan so"``): the phrase bonus
    then costs a term lookup instead of a positional match over every candidate."""

    pairs = False  #: class default: schemas pickled before pairs existed still unpickle

    def __init__(self, folded: bool = False, pairs: bool = False):
        self.folded = folded or pairs
        self.pairs = pairs

    def __eq__(self, other):
        return (type(other) is type(self) and other.folded == self.folded
                and other.pairs == self.pairs)

    def __call__(self, value, positions=False, chars=False, keeporiginal=False, removestops=True,
                 start_pos=0, start_char=0, tokenize=True, mode="", **kwargs):
        token = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        form = 1 if self.folded else 0
        previous = None
        for position, match in enumerate(_matches(value)):
            text = forms(match.group())[form]
            if self.pairs:
                previous, text = text, f"{previous} {text}" if previous is not None else None
                if text is None:
                    continue
            token.text = text
            token.boost = 1.0
            token.stopped = False
            if keeporiginal:
                token.original = token.text
            if positions:
                token.pos = start_pos + position
            if chars:
                token.startchar = start_char + match.start()
                token.endchar = start_char + match.end()
            yield token


def accented_analyzer() -> VietnameseTokenizer:
    return VietnameseTokenizer(folded=False)


def folded_analyzer() -> VietnameseTokenizer:
    return VietnameseTokenizer(folded=True)


def pairs_analyzer() -> VietnameseTokenizer:
    return VietnameseTokenizer(pairs=True)
