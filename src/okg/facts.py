"""Fact sheets: read, check and locate every quote (see docs/fact-sheets.md)."""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, Iterable

import yaml

from .errors import OkgError

KINDS = ("organisations", "sectors", "programmes", "conventions", "regions", "indicators")
REGION_KINDS = ("country", "region", "city")
APPROXIMATIONS = ("exact", "about", "at_least", "more_than", "less_than", "up_to")
STATUSES = ("actual", "target", "forecast")
CURRENCIES = ("MAD", "EUR", "USD", "GBP", "CHF", "CAD", "JPY", "CNY", "XOF", "TND", "DZD", "EGP")
UNITS = CURRENCIES + (
    "percent", "job", "person", "company", "measure", "office", "sector", "project",
    "programme", "convention", "region", "student", "graduate", "training", "startup",
    "centre", "country", "contract", "year", "month", "day", "seat", "square-metre", "hectare",
    "user", "subscriber", "household", "school", "engineer", "member", "partner", "market",
)
MEASURES = {
    "jobs": "employment (people employed)",
    "new-jobs": "jobs created",
    "revenue": "turnover",
    "export-revenue": "export turnover",
    "additional-export-revenue": "additional export turnover",
    "investment": "investment",
    "trade-balance-contribution": "contribution to the trade balance",
    "companies": "number of companies",
    "exporting-companies": "number of exporting companies",
    "revenue-share": "share of a sector's turnover",
    "business-share": "share of a country's business",
    "export-market-share": "share of export outlets",
    "market-share": "market share",
    "growth-rate": "growth rate",
    "branches": "number of branch offices",
    "measures": "number of measures",
    "sectors": "number of sectors or lines of business",
    "trainees": "people trained",
    "budget": "budget",
    "funding": "funding granted",
    "count": "a count of something else (say what in the quote)",
}
SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
PERIOD_PART = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")
# Fields that refer to other facts, and the kinds they may name.
REFERENCES = {
    ("programmes", "led_by"): ("organisations",),
    ("programmes", "partners"): ("organisations", "regions"),
    ("programmes", "funded_by"): ("organisations",),
    ("conventions", "parties"): ("organisations", "regions"),
    ("conventions", "place"): ("regions",),
    ("conventions", "programme"): ("programmes",),
    ("regions", "part_of"): ("regions",),
    ("indicators", "subject"): ("organisations", "programmes", "regions", "sectors"),
    ("organisations", "competitors"): ("organisations",),
    ("regions", "competitors"): ("regions",),
}
# Fields that must agree when two sheets describe the same id.
SHARED_FIELDS = {
    "organisations": ("name", "acronym"),
    "sectors": ("name",),
    "programmes": ("name",),
    "conventions": ("name", "signed", "place"),
    "regions": ("name", "kind", "part_of"),
    "indicators": ("measure", "value", "unit", "approximation", "period", "status", "subject"),
}


@dataclass(frozen=True)
class Quote:
    text: str
    start: int
    end: int


@dataclass
class Fact:
    kind: str
    id: str
    fields: dict[str, Any]
    evidence: list[Quote]

    def get(self, name: str, default: Any = None) -> Any:
        return self.fields.get(name, default)


@dataclass
class Article:
    file: str
    text: str
    title: str | None = None
    published: dt.date | None = None
    reference_date: dt.date | None = None
    reference_note: str | None = None
    source: str | None = None
    language: str = "fr"

    @property
    def stem(self) -> str:
        return Path(self.file).stem


@dataclass
class Sheet:
    path: Path
    article: Article
    facts: dict[str, list[Fact]] = field(default_factory=dict)

    def all_facts(self) -> Iterable[Fact]:
        for kind in KINDS:
            yield from self.facts.get(kind, [])


class _Loader(yaml.SafeLoader):
    """SafeLoader that keeps dates as text, so that 2015-02-30 is our error, not a crash."""


_Loader.yaml_implicit_resolvers = {
    key: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for key, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def read_yaml(path: Path) -> Any:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise OkgError(str(path), "file not found") from None
    except UnicodeDecodeError as err:
        raise OkgError(str(path), f"not UTF-8 (byte {err.start})", "save it as UTF-8") from None
    try:
        return yaml.load(text, Loader=_Loader)
    except yaml.MarkedYAMLError as err:
        mark = err.problem_mark or err.context_mark
        where = f"{path}:{mark.line + 1}:{mark.column + 1}" if mark else str(path)
        raise OkgError(where, f"malformed YAML: {err.problem or err.context}",
                       "check indentation and quoting") from None
    except yaml.YAMLError as err:
        raise OkgError(str(path), f"malformed YAML: {err}") from None


def read_article(path: Path) -> str:
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise OkgError(str(path), "article file not found",
                       "article.file names a .txt next to the sheet") from None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as err:
        raise OkgError(str(path), f"article is not UTF-8 (byte {err.start})",
                       "convert it with iconv -t utf-8") from None
    if not text.strip():
        raise OkgError(str(path), "article is empty")
    return text


def parse_date(value: Any, where: str) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise OkgError(where, f"invalid date {value!r}", "use an existing date as YYYY-MM-DD") from None


def period_bounds(period: str, where: str = "period") -> tuple[dt.date, dt.date]:
    """First and last day of a period written `YYYY[-MM[-DD]]` or `start/end`."""
    parts = str(period).split("/")
    if len(parts) > 2:
        raise OkgError(where, f"invalid period {period!r}", "use YYYY, YYYY-MM, YYYY-MM-DD or start/end")
    bounds = []
    for i, part in enumerate(parts):
        m = PERIOD_PART.match(part.strip())
        if not m:
            raise OkgError(where, f"invalid period {period!r}",
                           "use YYYY, YYYY-MM, YYYY-MM-DD or start/end")
        year, month, day = int(m[1]), m[2] and int(m[2]), m[3] and int(m[3])
        try:
            first = dt.date(year, month or 1, day or 1)
            if day:
                last = first
            elif month:
                last = dt.date(year, month, calendar.monthrange(year, month)[1])
            else:
                last = dt.date(year, 12, 31)
        except ValueError:
            raise OkgError(where, f"invalid date in period {period!r}",
                           "use an existing date") from None
        bounds.append((first, last))
    start, end = bounds[0][0], bounds[-1][1]
    if end < start:
        raise OkgError(where, f"period {period!r} ends before it starts")
    return start, end


def locate(text: str, item: Any, where: str) -> Quote:
    if isinstance(item, dict):
        quote, occurrence = item.get("quote"), item.get("occurrence", 1)
    else:
        quote, occurrence = item, 1
    if not isinstance(quote, str) or not quote.strip():
        raise OkgError(where, "evidence must be a non-empty quote")
    if not isinstance(occurrence, int) or isinstance(occurrence, bool) or occurrence < 1:
        raise OkgError(where, f"occurrence must be a positive integer, not {occurrence!r}")
    start = -1
    for _ in range(occurrence):
        start = text.find(quote, start + 1)
        if start < 0:
            short = quote if len(quote) <= 60 else quote[:57] + "..."
            what = "quote not found" if occurrence == 1 else f"occurrence {occurrence} not found"
            raise OkgError(where, f"{what} in article: {short!r}",
                           "copy it verbatim, same apostrophes and spaces")
    return Quote(quote, start, start + len(quote))


def _slug(value: Any, where: str) -> str:
    if not isinstance(value, str) or not SLUG.match(value):
        raise OkgError(where, f"invalid id {value!r}", "ids are lowercase slugs like apebi or fes-meknes")
    return value


def _text(value: Any, where: str, name: str, required: bool = True) -> str | None:
    if value is None and not required:
        return None
    if not isinstance(value, str) or not value.strip():
        raise OkgError(where, f"{name} must be non-empty text")
    return value.strip()


def _choice(value: Any, allowed: Iterable[str], where: str, name: str) -> str:
    allowed = tuple(allowed)
    if value not in allowed:
        shown = ", ".join(allowed) if len(allowed) <= 8 else ", ".join(allowed[:8]) + ", ..."
        raise OkgError(where, f"unknown {name} {value!r}", f"one of: {shown}")
    return value


def _ids(value: Any, where: str, name: str) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list):
        raise OkgError(where, f"{name} must be a list of ids")
    return [_slug(v, f"{where}: {name}") for v in value]


def _value(value: Any, where: str) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        raise OkgError(where, f"value {value!r} is not a number", "write the normalised number, e.g. 1300000000")
    try:
        number = Decimal(str(value).replace("_", ""))
    except InvalidOperation:
        raise OkgError(where, f"value {value!r} is not a number",
                       "write the normalised number, e.g. 1300000000") from None
    if not number.is_finite():
        raise OkgError(where, f"value {value!r} is not a finite number")
    return number


def _fact_fields(kind: str, raw: dict, where: str) -> dict[str, Any]:
    f: dict[str, Any] = {}
    if kind in ("organisations", "sectors", "programmes", "conventions", "regions"):
        f["name"] = _text(raw.get("name"), where, "name")
    if kind == "organisations":
        f["acronym"] = _text(raw.get("acronym"), where, "acronym", required=False)
        aliases = raw.get("aliases") or []
        if not isinstance(aliases, list):
            raise OkgError(where, "aliases must be a list of names")
        f["aliases"] = [_text(a, where, "alias") for a in aliases]
        f["competitors"] = _ids(raw.get("competitors"), where, "competitors")
    elif kind == "programmes":
        for name in ("led_by", "partners", "funded_by"):
            f[name] = _ids(raw.get(name), where, name)
    elif kind == "conventions":
        f["signed"] = parse_date(raw.get("signed"), f"{where}: signed")
        f["place"] = raw.get("place") and _slug(raw["place"], f"{where}: place")
        f["parties"] = _ids(raw.get("parties"), where, "parties")
        f["programme"] = raw.get("programme") and _slug(raw["programme"], f"{where}: programme")
    elif kind == "regions":
        f["kind"] = _choice(raw.get("kind"), REGION_KINDS, where, "region kind")
        f["part_of"] = raw.get("part_of") and _slug(raw["part_of"], f"{where}: part_of")
        f["competitors"] = _ids(raw.get("competitors"), where, "competitors")
    elif kind == "indicators":
        f["measure"] = _choice(raw.get("measure"), MEASURES, where, "measure")
        f["value"] = _value(raw.get("value"), where)
        f["unit"] = _choice(raw.get("unit"), UNITS, where, "unit")
        f["approximation"] = _choice(raw.get("approximation", "exact"), APPROXIMATIONS, where,
                                     "approximation")
        f["status"] = _choice(raw.get("status"), STATUSES, where, "status")
        period = raw.get("period")
        f["period"] = None if period is None else str(period)
        if f["period"] is not None:
            period_bounds(f["period"], f"{where}: period")
        f["subject"] = raw.get("subject") and _slug(raw["subject"], f"{where}: subject")
    return f


def _article(raw: Any, path: Path) -> Article:
    where = f"{path}: article"
    if not isinstance(raw, dict):
        raise OkgError(where, "missing article section", "start the sheet with article: {file: ...}")
    file = _text(raw.get("file"), where, "file")
    text = read_article(path.parent / file)
    return Article(
        file=file,
        text=text,
        title=_text(raw.get("title"), where, "title", required=False),
        published=parse_date(raw.get("published"), f"{where}: published"),
        reference_date=parse_date(raw.get("reference_date"), f"{where}: reference_date"),
        reference_note=_text(raw.get("reference_note"), where, "reference_note", required=False),
        source=_text(raw.get("source"), where, "source", required=False),
        language=_text(raw.get("language") or "fr", where, "language"),
    )


def parse_sheet(data: Any, path: Path) -> Sheet:
    """Check a sheet already read from YAML or JSON; locate its quotes in the article."""
    if not isinstance(data, dict):
        raise OkgError(str(path), "a fact sheet is a mapping with article: and fact lists")
    unknown = set(data) - set(KINDS) - {"article"}
    if unknown:
        raise OkgError(str(path), f"unknown section {sorted(unknown)[0]!r}", f"sections: article, {', '.join(KINDS)}")
    sheet = Sheet(path, _article(data.get("article"), path))
    seen: dict[str, str] = {}
    for kind in KINDS:
        items = data.get(kind) or []
        if not isinstance(items, list):
            raise OkgError(f"{path}: {kind}", "must be a list")
        facts = []
        for n, raw in enumerate(items, 1):
            if not isinstance(raw, dict):
                raise OkgError(f"{path}: {kind}[{n}]", "each fact is a mapping with id and evidence")
            fid = _slug(raw.get("id"), f"{path}: {kind}[{n}]")
            where = f"{path}: {kind[:-1]} {fid}"
            if fid in seen:
                raise OkgError(where, f"id already used by a {seen[fid][:-1]} in this sheet")
            seen[fid] = kind
            evidence = raw.get("evidence")
            if not isinstance(evidence, list) or not evidence:
                raise OkgError(where, "no evidence", "every fact needs at least one verbatim quote")
            quotes = [locate(sheet.article.text, q, where) for q in evidence]
            facts.append(Fact(kind, fid, _fact_fields(kind, raw, where), quotes))
        sheet.facts[kind] = facts
    _check_references(sheet, seen)
    return sheet


def _check_references(sheet: Sheet, seen: dict[str, str]) -> None:
    for fact in sheet.all_facts():
        for (kind, name), targets in REFERENCES.items():
            if fact.kind != kind:
                continue
            value = fact.get(name)
            for ref in value if isinstance(value, list) else [value] if value else []:
                where = f"{sheet.path}: {kind[:-1]} {fact.id}"
                if ref not in seen:
                    raise OkgError(where, f"{name} refers to unknown id {ref!r}",
                                   "define it in this sheet with its own evidence")
                if seen[ref] not in targets:
                    raise OkgError(where, f"{name} refers to {ref!r}, a {seen[ref][:-1]}",
                                   f"expected one of: {', '.join(t[:-1] for t in targets)}")


def load_sheet(path: Path | str) -> Sheet:
    path = Path(path)
    return parse_sheet(read_yaml(path), path)


def load_sheets(folder: Path | str) -> list[Sheet]:
    """Every `*.yaml` in a folder, sorted by name, checked for agreement across sheets."""
    folder = Path(folder)
    paths = sorted(folder.glob("*.yaml"))
    if not paths:
        raise OkgError(str(folder), "no fact sheets (*.yaml)", "run okg extract on an article first")
    sheets = [load_sheet(p) for p in paths]
    check_agreement(sheets)
    return sheets


def check_agreement(sheets: list[Sheet]) -> None:
    """The same id in two sheets is one thing: its kind and shared fields must agree."""
    first: dict[str, tuple[Sheet, Fact]] = {}
    files: dict[str, Path] = {}
    for sheet in sheets:
        if sheet.article.file in files:
            raise OkgError(str(sheet.path), f"article {sheet.article.file} already described by {files[sheet.article.file]}")
        files[sheet.article.file] = sheet.path
        for fact in sheet.all_facts():
            if fact.id not in first:
                first[fact.id] = (sheet, fact)
                continue
            other_sheet, other = first[fact.id]
            where = f"{sheet.path}: {fact.kind[:-1]} {fact.id}"
            if other.kind != fact.kind:
                raise OkgError(where, f"id is a {other.kind[:-1]} in {other_sheet.path}", "ids are global: pick another")
            for name in SHARED_FIELDS[fact.kind]:
                if other.get(name) != fact.get(name):
                    raise OkgError(where, f"{name} {fact.get(name)!r} differs from {other.get(name)!r} in {other_sheet.path}",
                                   "one id is one thing: align them, or put this article's wording in aliases")
