"""Stored SPARQL: grlc-style headers, typed parameters, running and result formats."""

from __future__ import annotations

import csv
import difflib
import io
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, Mapping

import yaml
from rdflib import BNode, Graph, Literal, URIRef, Variable
from rdflib.namespace import XSD
from rdflib.plugins.sparql import prepareQuery
from rdflib.query import Result

from .errors import OkgError
from .namespaces import PREFIXES

SELECT_FORMATS = ("table", "json", "csv", "tsv", "xml")
PARAM_TYPES = ("iri", "string", "integer", "decimal", "date", "boolean")
_KIND = re.compile(r"^\s*(?:(?:PREFIX|BASE)\s+[^\n]*\n\s*|#[^\n]*\n\s*)*(SELECT|CONSTRUCT|ASK|DESCRIBE)\b",
                   re.I | re.S)
_IRI = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:[^\s<>\"{}|\\^`]*$")


@dataclass
class Param:
    name: str
    type: str = "string"
    default: Any = None
    description: str = ""
    required: bool = False


@dataclass
class StoredQuery:
    name: str
    text: str
    path: Path | None = None
    summary: str = ""
    description: str = ""
    tags: list[str] = field(default_factory=list)
    params: dict[str, Param] = field(default_factory=dict)
    header: dict[str, Any] = field(default_factory=dict)

    @property
    def kind(self) -> str:
        m = _KIND.match(self.text)
        return m[1].upper() if m else "SELECT"


def parse_header(text: str, where: str) -> dict[str, Any]:
    """The `#+ key: value` lines at the top of a query, read as one YAML mapping."""
    lines = []
    for line in text.splitlines():
        if line.startswith("#+"):
            lines.append(line[3:] if line.startswith("#+ ") else line[2:])
        elif line.strip() and not line.startswith("#"):
            break
    if not lines:
        return {}
    try:
        header = yaml.safe_load("\n".join(lines)) or {}
    except yaml.YAMLError as err:
        raise OkgError(where, f"malformed #+ header: {err}".splitlines()[0]) from None
    if not isinstance(header, dict):
        raise OkgError(where, "the #+ header must be key: value lines")
    return header


def _params(header: dict, where: str) -> dict[str, Param]:
    params = {}
    for raw in header.get("params") or []:
        if not isinstance(raw, dict) or "name" not in raw:
            raise OkgError(where, "each #+ params entry needs a name")
        kind = raw.get("type", "string")
        if kind not in PARAM_TYPES:
            raise OkgError(where, f"parameter {raw['name']}: unknown type {kind!r}", f"one of: {', '.join(PARAM_TYPES)}")
        params[raw["name"]] = Param(raw["name"], kind, raw.get("default"), raw.get("description", ""),
                                    bool(raw.get("required", False)))
    return params


def load_query(path: Path | str, name: str | None = None) -> StoredQuery:
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise OkgError(str(path), "query file not found") from None
    except UnicodeDecodeError:
        raise OkgError(str(path), "query file is not UTF-8") from None
    return from_text(text, name or path.stem, path)


def from_text(text: str, name: str = "query", path: Path | None = None) -> StoredQuery:
    where = str(path or name)
    header = parse_header(text, where)
    return StoredQuery(name=name, text=text, path=path, summary=str(header.get("summary", "")).strip(),
                       description=str(header.get("description", "")).strip(),
                       tags=list(header.get("tags") or []), params=_params(header, where), header=header)


def stored_queries(folder: Path) -> dict[str, StoredQuery]:
    """Every `folder/*.rq` by name (QC checks live in folder/qc and are not listed)."""
    return {p.stem: load_query(p) for p in sorted(folder.glob("*.rq"))}


def resolve(spec: str, folder: Path) -> StoredQuery:
    """A stored query name, or a path to a .rq file."""
    if spec.endswith(".rq") or "/" in spec:
        return load_query(spec)
    path = folder / f"{spec}.rq"
    if path.is_file():
        return load_query(path)
    names = sorted(p.stem for p in folder.glob("*.rq"))
    close = difflib.get_close_matches(spec, names, n=1, cutoff=0.5)
    hint = f"did you mean {close[0]!r}? try: okg queries" if close else "try: okg queries"
    raise OkgError("", f"unknown query {spec!r}", hint)


def _expand(value: str) -> str:
    prefix, _, rest = value.partition(":")
    if prefix in PREFIXES and not rest.startswith("//"):
        return str(PREFIXES[prefix]) + rest
    return value


def convert(param: Param, value: Any, query: str) -> URIRef | Literal:
    """A parameter value as an RDF term of its declared type (never spliced as text)."""
    where = f"query {query}: parameter {param.name}"
    text = str(value)
    if param.type == "iri":
        iri = _expand(text)
        if not _IRI.match(iri):
            raise OkgError(where, f"{text!r} is not an IRI", "give a full IRI or a prefixed name like id:organisation/apebi")
        return URIRef(iri)
    if param.type in ("integer", "decimal"):
        try:
            number = Decimal(text)
        except InvalidOperation:
            raise OkgError(where, f"{text!r} is not a number") from None
        if param.type == "integer":
            if number != number.to_integral_value():
                raise OkgError(where, f"{text!r} is not an integer")
            return Literal(int(number), datatype=XSD.integer)
        return Literal(number, datatype=XSD.decimal)
    if param.type == "date":
        from .facts import parse_date
        return Literal(parse_date(text, where).isoformat(), datatype=XSD.date)
    if param.type == "boolean":
        if text.lower() not in ("true", "false"):
            raise OkgError(where, f"{text!r} is not true or false")
        return Literal(text.lower() == "true")
    return Literal(text)


def bindings(query: StoredQuery, given: Mapping[str, Any]) -> dict[Variable, Any]:
    """Declared parameters bound from `given`, else their defaults; unknown ones refused."""
    unknown = sorted(set(given) - set(query.params))
    if unknown:
        valid = ", ".join(query.params) or "none"
        raise OkgError(f"query {query.name}", f"unknown parameter {unknown[0]!r}", f"valid parameters: {valid}")
    bound = {}
    for name, param in query.params.items():
        value = given.get(name, param.default)
        if value is None:
            if param.required:
                raise OkgError(f"query {query.name}", f"missing parameter {name!r}",
                               f"give it with -p {name} VALUE")
            continue
        bound[Variable(name)] = convert(param, value, query.name)
    return bound


def check_syntax(query: StoredQuery) -> None:
    """Parse the query; a syntax error is reported with its line and column."""
    try:
        prepareQuery(query.text)
    except Exception as err:  # pyparsing ParseException and friends
        line, col = getattr(err, "lineno", None), getattr(err, "col", None)
        where = str(query.path or query.name)
        if line:
            where += f":{line}:{col}"
        message = str(getattr(err, "msg", "") or err).splitlines()[0]
        raise OkgError(where, f"SPARQL syntax error: {message}", "check the query near that position") from None


def with_values(text: str, bound: Mapping[Variable, Any]) -> str:
    """The query with a VALUES block opening its WHERE clause, for endpoints that take text.

    Terms are written by rdflib's N-Triples serialiser, so quotes and braces stay inside
    the literal: a value can never become query syntax.
    """
    if not bound:
        return text
    names = " ".join(v.n3() for v in bound)
    row = " ".join(t.n3() for t in bound.values())
    block = f" VALUES ({names}) {{ ({row}) }} "
    m = re.search(r"\bWHERE\s*\{", text, re.I)
    if not m:
        m = re.search(r"\{", text)
    if not m:
        return text
    return text[: m.end()] + block + text[m.end():]


# ---------------------------------------------------------------- result formats


def term_text(term: Any) -> str:
    if term is None:
        return ""
    return str(term)


def _tsv_term(term: Any) -> str:
    if term is None:
        return ""
    return term.n3()


def format_result(result: Result, fmt: str) -> str:
    """SELECT/ASK results in a W3C SPARQL 1.1 results format, or as a text table."""
    if result.type == "ASK":
        if fmt in ("json", "xml"):
            return result.serialize(format=fmt).decode("utf-8")
        return ("true" if result.askAnswer else "false") + "\n"
    if result.type in ("CONSTRUCT", "DESCRIBE"):
        raise ValueError("graph results are serialised as RDF")
    names = [str(v) for v in result.vars or []]
    rows = list(result)
    if fmt == "json" or fmt == "xml":
        return result.serialize(format=fmt).decode("utf-8")
    if fmt == "csv":
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow(names)
        for row in rows:
            writer.writerow([term_text(t) for t in row])
        return out.getvalue()
    if fmt == "tsv":
        lines = ["\t".join(f"?{n}" for n in names)]
        lines += ["\t".join(_tsv_term(t) for t in row) for row in rows]
        return "\n".join(lines) + "\n"
    if fmt == "table":
        return table(names, [[term_text(t) for t in row] for row in rows])
    raise OkgError("", f"unknown result format {fmt!r}", f"one of: {', '.join(SELECT_FORMATS)}")


def table(names: list[str], rows: list[list[str]], width: int = 60) -> str:
    cells = [[c if len(c) <= width else c[: width - 1] + "…" for c in row] for row in rows]
    widths = [max([len(n)] + [len(r[i]) for r in cells]) for i, n in enumerate(names)]
    line = "  ".join(n.ljust(w) for n, w in zip(names, widths)).rstrip()
    rule = "  ".join("-" * w for w in widths)
    body = ["  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip() for r in cells]
    return "\n".join([line, rule, *body]) + f"\n({len(rows)} row{'s' if len(rows) != 1 else ''})\n"


def rows_of(result: Result) -> list[dict[str, Any]]:
    """SELECT rows as dicts of Python values (IRIs as strings, literals as their values)."""
    names = [str(v) for v in result.vars or []]
    out = []
    for row in result:
        out.append({n: _python(t) for n, t in zip(names, row)})
    return out


def _python(term: Any) -> Any:
    if term is None:
        return None
    if isinstance(term, Literal):
        value = term.toPython()
        return str(term) if isinstance(value, Literal) else value
    if isinstance(term, BNode):
        return f"_:{term}"
    return str(term)


def graph_result(result: Result) -> Graph:
    graph = Graph()
    for prefix, ns in PREFIXES.items():
        graph.bind(prefix, ns)
    for triple in result.graph or []:
        graph.add(triple)
    return graph
