"""A gazetteer built from the graph's own fact sheets (plus world countries and Morocco's
regions): every name, acronym and alias of every organisation, region, programme and sector,
looked up accent-, case- and apostrophe-insensitively, and fuzzily with rapidfuzz."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any, Iterable, Iterator

from .text import fold, norm_name

try:  # rapidfuzz is in the nlp extra; without it only exact (folded) names match
    from rapidfuzz import fuzz, process
except ImportError:  # pragma: no cover - exercised only without the extra
    fuzz = process = None

GAZETTEER_KINDS = ("organisations", "regions", "programmes", "sectors")
FUZZY = 88  # token_sort_ratio: "Fédération des technologies ..." ~ "Fédération marocaine des ..."


@dataclass
class Entry:
    id: str
    kind: str                          # organisations | regions | programmes | sectors
    name: str
    acronym: str | None = None
    aliases: list[str] = field(default_factory=list)
    region_kind: str | None = None     # country | region | city
    part_of: str | None = None
    from_graph: bool = True            # False for the built-in places list

    def forms(self) -> Iterator[tuple[str, bool]]:
        """(surface form, is_acronym) pairs this entry can be found by."""
        yield self.name, False
        if self.acronym:
            yield self.acronym, True
        for alias in self.aliases:
            yield alias, alias.isupper() and " " not in alias


@dataclass
class Hit:
    start: int
    end: int
    entry: Entry


def _generic(form: str, kind: str) -> bool:
    """'la fédération', "l'Industrie": an organisation alias made of an article and one noun
    names different bodies in different articles, so it is not searched for in new text."""
    if kind != "organisations":
        return False
    words = norm_name(form).split()
    article = bool(re.match(r"(?:la|le|les|l'|the)\b", fold(form).strip()))
    return len(words) <= 1 and (article or form[:1].islower())


class Gazetteer:
    def __init__(self, entries: Iterable[Entry] = ()) -> None:
        self.entries: dict[str, Entry] = {}
        self._by_form: dict[str, list[Entry]] = {}
        self._rx: re.Pattern | None = None
        for entry in entries:
            self.add(entry)

    def add(self, entry: Entry) -> None:
        old = self.entries.get(entry.id)
        if old is not None:     # the same id in several sheets: pool their wording
            old.aliases += [a for a in [entry.name, *entry.aliases] if a not in old.aliases and a != old.name]
            if entry.from_graph and not old.from_graph:
                old.name, old.from_graph = entry.name, True
            entry = old
        self.entries[entry.id] = entry
        for form, _ in entry.forms():
            key = norm_name(form)
            if key and entry not in self._by_form.setdefault(key, []):
                self._by_form[key].append(entry)
        self._rx = None

    def __len__(self) -> int:
        return len(self.entries)

    def lookup(self, name: str, kinds: tuple[str, ...] = GAZETTEER_KINDS, fuzzy: bool = True) -> Entry | None:
        """The entry a name refers to: exact folded name, acronym or alias, else fuzzy."""
        key = norm_name(name)
        for entry in self._by_form.get(key, []):
            if entry.kind in kinds:
                return entry
        if not fuzzy or process is None or len(key) < 8:
            return None
        choices = {k: k for k, es in self._by_form.items() if len(k) >= 8 and any(e.kind in kinds for e in es)}
        best = process.extractOne(key, choices, scorer=fuzz.token_sort_ratio, score_cutoff=FUZZY)
        if best is None:
            return None
        return next(e for e in self._by_form[best[0]] if e.kind in kinds)

    def find(self, text: str, folded: str | None = None) -> list[Hit]:
        """Every mention of a known form in text, longest first, not overlapping."""
        folded = fold(text) if folded is None else folded
        if self._rx is None:
            self._build()
        hits: list[Hit] = []
        for m in self._rx.finditer(folded):
            s, e = m.start(), m.end()
            # "laRoumanie": a scraper glued the article on; a capital after a lowercase letter
            # still starts a name, any other letter or digit before or after does not.
            if s and text[s - 1].isalnum() and not (text[s - 1].islower() and text[s].isupper()):
                continue
            if e < len(text) and (text[e].isalnum() or text[e] == "-"):
                continue
            surface = text[s:e]
            for entry in self._candidates(m.group(), surface):
                hits.append(Hit(m.start(), m.end(), entry))
                break
        return hits

    def _build(self) -> None:
        forms = set()
        for entry in self.entries.values():
            for form, acronym in entry.forms():
                if len(form) < 2 or (not acronym and _generic(form, entry.kind)):
                    continue
                forms.add(fold(form).strip())
        ordered = sorted(forms, key=len, reverse=True)
        # "Tanger-Tétouan-Al Hoceïma", "Tanger Tétouan Al-Hoceima", "Béni-Mellal": hyphens and
        # spaces between the words of a name are interchangeable (accents are folded already).
        body = "|".join(r"[\s-]+".join(re.escape(w) for w in re.split(r"[\s-]+", f)) for f in ordered) or "(?!)"
        self._rx = re.compile(rf"(?<!-)(?:{body})")

    def _candidates(self, matched: str, surface: str) -> Iterator[Entry]:
        key = norm_name(matched)
        for entry in self._by_form.get(key, []):
            for form, acronym in entry.forms():
                if norm_name(form) != key:
                    continue
                # Acronyms: uppercase in the text (or as written); names of bodies and places:
                # capitalised as in the sheet, so "royaume" or "industrie" in running text
                # does not become Morocco or a ministry.
                if acronym and not (surface.isupper() or surface == form or (len(surface) > 3 and surface[0].isupper())):
                    continue
                if not acronym and entry.kind != "sectors" and form[:1].isupper() and not surface[:1].isupper():
                    continue
                yield entry
                break


def _facts_of(sheet: Any) -> Iterator[tuple[str, dict]]:
    """(kind, fact dict) from a raw sheet dict or an okg.facts.Sheet."""
    if isinstance(sheet, dict):
        for kind in GAZETTEER_KINDS:
            for raw in sheet.get(kind) or []:
                yield kind, raw
        return
    for kind in GAZETTEER_KINDS:
        for fact in sheet.facts.get(kind, []):
            yield kind, {"id": fact.id, **fact.fields}


def from_sheets(sheets: Iterable[Any], places: bool = True) -> Gazetteer:
    """Gazetteer of the given sheets (dicts or okg.facts.Sheet), then the built-in places."""
    gaz = Gazetteer()
    for sheet in sheets:
        for kind, raw in _facts_of(sheet):
            gaz.add(Entry(id=raw["id"], kind=kind, name=str(raw.get("name") or raw["id"]),
                          acronym=raw.get("acronym"), aliases=list(raw.get("aliases") or []),
                          region_kind=raw.get("kind"), part_of=raw.get("part_of")))
    if places:
        for entry in builtin_places():   # merges into the graph's entry of the same id
            gaz.add(entry)
    return gaz


def builtin_places() -> list[Entry]:
    """Countries (CLDR names, French and English) and Morocco's regions and main cities."""
    text = resources.files("okg.extract").joinpath("data/places.tsv").read_text(encoding="utf-8")
    out = []
    for line in text.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        pid, kind, part_of, names = line.split("\t")
        first, *rest = names.split("|")
        out.append(Entry(pid, "regions", first, None, rest, kind, part_of or None, from_graph=False))
    return out


def from_folder(folder: Path | str, exclude: str | None = None) -> Gazetteer:
    """Gazetteer of every sheet in a folder (raw YAML, so a half-edited sheet still helps),
    leaving out the sheet of article ``exclude``."""
    from ..facts import read_yaml

    sheets = []
    for path in sorted(Path(folder).glob("*.yaml")):
        data = read_yaml(path)
        if isinstance(data, dict) and (data.get("article") or {}).get("file") != exclude:
            sheets.append(data)
    return from_sheets(sheets)
