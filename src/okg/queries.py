"""Stored SPARQL: grlc-style headers, typed parameters, running and result formats."""

from __future__ import annotations

import difflib
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

from . import results
from .errors import OkgError
from .namespaces import PREFIXES
from .results import sparql_term

PARAM_TYPES = ("iri", "string", "integer", "decimal", "date", "boolean")
FORMS = ("SELECT", "CONSTRUCT", "ASK", "DESCRIBE")
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
        """SELECT, CONSTRUCT, ASK or DESCRIBE: the first query-form keyword outside comments."""
        return query_form(self.text)


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
        if not number.is_finite():
            raise OkgError(where, f"{text!r} is not a finite number")
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
        prepareQuery(query.text, initNs=PREFIXES)
    except Exception as err:  # pyparsing ParseException and friends
        line, col = getattr(err, "lineno", None), getattr(err, "col", None)
        where = str(query.path or query.name)
        if line:
            where += f":{line}:{col}"
        message = str(getattr(err, "msg", "") or err).splitlines()[0]
        raise OkgError(where, f"SPARQL syntax error: {message}", "check the query near that position") from None


def with_prefixes(text: str) -> str:
    """The query with PREFIX lines for the okg prefixes it uses without declaring them (locally
    rdflib gets them as initNs; an endpoint needs them in the text)."""
    used = {m[0].split(":")[0] for m in _TOKEN.finditer(text) if m.lastgroup == "word" and ":" in m[0]}
    declared = {p.lower() for p in re.findall(r"PREFIX\s+([\w.-]*):", text, re.I)}
    missing = [p for p in PREFIXES if p in used and p.lower() not in declared]
    return "".join(f"PREFIX {p}: <{PREFIXES[p]}>\n" for p in missing) + text


def with_values(text: str, bound: Mapping[Variable, Any]) -> str:
    """The query with a VALUES block opening its WHERE clause, for endpoints that take text.

    Terms are written on one line with every quote and backslash escaped (results.sparql_term),
    and IRIs were checked by `convert`, so a value can never become query syntax. Stored
    queries use parameters where a join and rdflib's initBindings agree: in triple patterns
    and in FILTERs of the WHERE clause itself, never as a BIND target.
    """
    if not bound:
        return text
    names = " ".join(v.n3() for v in bound)
    row = " ".join(sparql_term(t) for t in bound.values())
    at = where_brace(text)
    if at is None:
        raise OkgError("query", "cannot find the WHERE clause to bind parameters in")
    return f"{text[: at + 1]} VALUES ({names}) {{ ({row}) }}{text[at + 1:]}"


_TOKEN = re.compile("|".join([
    r"(?P<comment>#[^\n]*)",
    r"(?P<string>'{3}.*?'{3}|\"{3}.*?\"{3}|'(?:[^'\\\n]|\\.)*'|\"(?:[^\"\\\n]|\\.)*\")",
    r"(?P<iri><[^<>\"{}|^`\\\s]*>)",
    r"(?P<brace>[{}])",
    r"(?P<word>[?$]?[A-Za-z_][\w.-]*(?::[\w.-]*)?)",  # keywords, variables, prefixed names
    r"(?P<other>.)",
]), re.S)


def query_form(text: str) -> str:
    for m in _TOKEN.finditer(text):
        if m.lastgroup == "word" and m[0].upper() in FORMS:
            return m[0].upper()
    return "SELECT"


def where_brace(text: str) -> int | None:
    """Offset of the `{` opening the WHERE clause (comments, strings and IRIs skipped)."""
    form, depth, template_done = None, 0, False
    for m in _TOKEN.finditer(text):
        kind, value = m.lastgroup, m[0]
        if kind == "word" and form is None and value.upper() in FORMS:
            form = value.upper()
        elif kind == "word" and value.upper() == "WHERE" and depth == 0:
            template_done = True
        elif kind == "brace":
            if value == "{":
                if depth == 0 and (form != "CONSTRUCT" or template_done):
                    return m.start()
                depth += 1
            else:
                depth -= 1
                if depth == 0 and form == "CONSTRUCT":
                    template_done = True
    return None


# Result formats live in results.py; these names stay importable from here.
SELECT_FORMATS = results.SELECT_FORMATS
format_result = results.format_result
table = results.table


def rows_of(result: Result) -> list[dict[str, Any]]:
    """SELECT rows as dicts of Python values (IRIs as strings, literals as their values)."""
    names = [str(v) for v in result.vars or []]
    return [{n: _python(t) for n, t in zip(names, row)} for row in result]


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
