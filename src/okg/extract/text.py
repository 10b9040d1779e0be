"""Text plumbing for extraction: reading articles, folding, sentences, chunks.

Every extractor works on offsets into the original text, so evidence quotes are always
``text[start:end]`` and therefore exact substrings of the article.
"""

from __future__ import annotations

import re
import sys
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

from ..errors import OkgError

# Characters that press articles use interchangeably; folding them keeps offsets 1:1.
_SAME = {"\u2019": "'", "\u2018": "'", "\u02bc": "'", "`": "'", "\u00a0": " ", "\u202f": " ",
         "\u2009": " ", "\u2013": "-", "\u2014": "-", "\u2011": "-", "\u00ab": '"', "\u00bb": '"',
         "\u201c": '"', "\u201d": '"', "œ": "o", "Œ": "O", "æ": "a", "Æ": "A"}
CHUNK = 50_000  # characters handed to spaCy at once: bounds memory on 10 MB articles


def fold_char(ch: str) -> str:
    """One character folded to lowercase ASCII-ish, always exactly one character long."""
    ch = _SAME.get(ch, ch)
    base = unicodedata.normalize("NFD", ch)[0]
    low = base.lower()
    return low if len(low) == 1 else base


class _FoldTable(dict):
    """str.translate table filled on first sight of each character (fast on 10 MB)."""

    def __missing__(self, code: int) -> str:
        self[code] = fold_char(chr(code))
        return self[code]


_TABLE = _FoldTable()


def fold(text: str) -> str:
    """Accent-, case- and apostrophe-insensitive copy of ``text`` with the same length."""
    return text.translate(_TABLE)


def norm_name(text: str) -> str:
    """Key for comparing names: folded, leading article dropped, spaces squeezed."""
    t = fold(text)
    t = re.sub(r"[^a-z0-9&']+", " ", t).strip()
    t = re.sub(r"^(?:l'|la |le |les |the |d'|de la |du |des )", "", t)
    return " ".join(t.replace("'", " ").split())


def decode(data: bytes, where: str) -> tuple[str, str | None]:
    """Bytes to text: UTF-8, else cp1252/latin-1 with a warning; binary data is refused."""
    if b"\x00" in data[:4096]:
        raise OkgError(where, "binary data, not a text article", "give a .txt file in UTF-8")
    try:
        return data.decode("utf-8-sig"), None
    except UnicodeDecodeError:
        pass
    for enc in ("cp1252", "latin-1"):
        try:
            text = data.decode(enc)
        except UnicodeDecodeError:
            continue
        controls = sum(1 for c in text if unicodedata.category(c) == "Cc" and c not in "\r\n\t")
        if controls > max(3, len(text) // 200):
            raise OkgError(where, "binary data, not a text article", "give a .txt file in UTF-8")
        return text, f"{where}: not UTF-8, decoded as {enc} (check accents; convert with iconv -t utf-8)"
    raise OkgError(where, "cannot decode the article", "convert it with iconv -t utf-8")


def read_text(path: Path) -> str:
    """Read an article for extraction; warnings go to stderr, bad input raises OkgError."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise OkgError(str(path), "file not found") from None
    except IsADirectoryError:
        raise OkgError(str(path), "is a directory", "give article .txt files") from None
    except OSError as err:
        raise OkgError(str(path), f"cannot read: {err.strerror}") from None
    text, warning = decode(data, str(path))
    if not text.strip():
        raise OkgError(str(path), "article is empty", "nothing to extract; okg build refuses empty articles too")
    if warning:
        print(f"warning: {warning}", file=sys.stderr)
    return text


@dataclass(frozen=True)
class Span:
    start: int
    end: int


_ABBREV = re.compile(r"(?:\b(?:M|MM|Mme|Mmes|Mr|Dr|Pr|St|etc|cf|vs|av|J\.-C|No|n°|p|art|ex)|\b[A-Z])\.$")
# Scraped articles put one paragraph (or one header line) per line: a newline always breaks.
_BREAK = re.compile(r"[.!?…]+[»\"”’']?(?=[ \t\u00a0]+[\"«“(A-ZÀ-ÖØ-Ý0-9])|\n+")


def sentences(text: str, start: int = 0, end: int | None = None) -> Iterator[Span]:
    """Sentence spans of text[start:end]: rule-based, so runs the same with or without spaCy.

    Numbers such as 60.000 or 1,3 never break (no space follows the dot) and common
    abbreviations (M. Aâmara) do not end a sentence.
    """
    end = len(text) if end is None else end
    pos = start
    for m in _BREAK.finditer(text, start, end):
        cut = m.end()
        if m.group().startswith(".") and _ABBREV.search(text, max(pos, m.start() - 8), m.start() + 1):
            continue
        if text[pos:cut].strip():
            yield _trim(text, pos, cut)
        pos = cut
    if text[pos:end].strip():
        yield _trim(text, pos, end)


def _trim(text: str, start: int, end: int) -> Span:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return Span(start, end)


def chunks(text: str, size: int = CHUNK) -> Iterator[Span]:
    """Paragraph-aligned chunks of at most ~size characters (a longer paragraph is cut at a
    sentence end), so a 10 MB article is processed piece by piece."""
    pos, n = 0, len(text)
    while pos < n:
        if n - pos <= size:
            yield Span(pos, n)
            return
        cut = text.rfind("\n\n", pos, pos + size)
        if cut <= pos:
            last = None
            for s in sentences(text, pos, pos + size):
                last = s
            cut = last.start if last and last.start > pos else pos + size
        yield Span(pos, cut)
        pos = cut


def language(text: str) -> str:
    """'fr' or 'en' from function words (the article's language drives number parsing)."""
    sample = fold(text[:20_000])
    fr = len(re.findall(r"\b(?:le|la|les|des|du|et|est|une|dans|pour|qui|sur)\b", sample))
    en = len(re.findall(r"\b(?:the|and|of|is|to|in|that|for|with|by|which)\b", sample))
    return "en" if en > fr else "fr"
