"""Vietnamese text helpers: normalisation, folding and the order names sort in."""
import unicodedata

_ALPHABET = "aăâbcdđeêfghijklmnoôơpqrstuưvwxyz"
_RANK = {letter: index for index, letter in enumerate(_ALPHABET)}
_MARKS = {"\u0300": 1, "\u0309": 2, "\u0303": 3, "\u0301": 4, "\u0323": 5}  # huyền hỏi ngã sắc nặng
_LETTER_MARKS = {"\u0306", "\u0302", "\u031b"}  # breve, circumflex, horn: part of the letter


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def fold(text: str) -> str:
    """Lower-case and strip every mark, đ → d: what a user types without diacritics."""
    decomposed = unicodedata.normalize("NFD", text.lower().replace("đ", "d").replace("Đ", "d"))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def _letters_and_tones(word: str) -> tuple[list[int], list[int]]:
    letters: list[int] = []
    tones: list[int] = []
    for ch in unicodedata.normalize("NFD", word.lower()):
        if ch in _MARKS:
            tones.append(_MARKS[ch])
            continue
        if ch in _LETTER_MARKS and letters:
            base = _ALPHABET[letters[-1]] if letters[-1] < len(_ALPHABET) else ""
            composed = unicodedata.normalize("NFC", base + ch)
            letters[-1] = _RANK.get(composed, letters[-1])
            continue
        if unicodedata.combining(ch):
            continue
        letters.append(_RANK.get(ch, len(_ALPHABET) + ord(ch)))
    return letters, tones


def word_key(word: str) -> tuple:
    """Vietnamese dictionary order: letters first (a < ă < â, d < đ), tone marks break ties."""
    letters, tones = _letters_and_tones(word)
    return (letters, tones)


def split_name(full_name: str) -> tuple[str, str]:
    """('Nguyễn Văn', 'An') from 'Nguyễn Văn An': family and middle names, then the given name."""
    parts = nfc(full_name).split()
    if not parts:
        return "", ""
    return " ".join(parts[:-1]), parts[-1]


def name_sort_key(full_name: str) -> str:
    """A string that sorts class lists the Vietnamese way: by given name, then the rest.

    Stored in a column so the database can ORDER BY it on SQLite and PostgreSQL alike
    (neither ships a Vietnamese collation we can rely on).
    """
    family, given = split_name(full_name)
    words = [given, *family.split()]
    # A space separates words: it sorts below every digit, so a shorter key comes first.
    return " ".join(_encode(word_key(word)) for word in words)


def _encode(key: tuple) -> str:
    letters, tones = key
    # Fixed-width base-36 digits keep string order equal to tuple order.
    return "".join(_b36(n) for n in letters) + "." + "".join(str(t) for t in tones)


def _b36(number: int) -> str:
    digits = "0123456789abcdefghijklmnopqrstuvwxyz"
    number = min(number, 36 * 36 - 1)
    return digits[number // 36] + digits[number % 36]
