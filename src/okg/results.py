"""SELECT and ASK results in the W3C SPARQL 1.1 results formats, and as a text table.

JSON (SPARQL 1.1 Query Results JSON Format), XML (SPARQL Query Results XML Format) and
CSV/TSV (SPARQL 1.1 Query Results CSV and TSV Formats) are written here rather than by
rdflib's serialisers so that the bytes are stable (head first, bindings in variable order)
and TSV escapes tabs and line breaks as the spec requires.
"""

from __future__ import annotations

import csv
import io
import json
from typing import Any, Iterable
from xml.sax.saxutils import escape, quoteattr

from rdflib import BNode, Literal, URIRef
from rdflib.namespace import XSD
from rdflib.query import Result

from .errors import OkgError
from .namespaces import PREFIXES

SELECT_FORMATS = ("table", "json", "csv", "tsv", "xml")
MEDIA_TYPES = {
    "json": "application/sparql-results+json",
    "xml": "application/sparql-results+xml",
    "csv": "text/csv; charset=utf-8",
    "tsv": "text/tab-separated-values; charset=utf-8",
    "table": "text/plain; charset=utf-8",
}
# File extensions that name a results format (`okg query ... -o out.srj`).
EXTENSIONS = {"srj": "json", "srx": "xml", "txt": "table", "json": "json", "xml": "xml",
              "csv": "csv", "tsv": "tsv"}
_SPARQL_NS = "http://www.w3.org/2005/sparql-results#"
_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t"}


def sparql_term(term: Any) -> str:
    """An RDF term in SPARQL/Turtle syntax on one line: quotes, backslashes, tabs and line
    breaks escaped, so the text can neither break a TSV row nor end a literal early."""
    if isinstance(term, URIRef):
        return f"<{term}>"
    if isinstance(term, BNode):
        return f"_:{term}"
    if isinstance(term, Literal):
        text = '"' + "".join(_ESCAPES.get(c, c) for c in str(term)) + '"'
        if term.language:
            return f"{text}@{term.language}"
        if term.datatype and term.datatype != XSD.string:
            return f"{text}^^<{term.datatype}>"
        return text
    raise TypeError(f"not an RDF term: {term!r}")


def _plain(term: Any) -> str:
    """A term as CSV writes it: IRIs and literals as bare strings, blank nodes as _:label."""
    if term is None:
        return ""
    if isinstance(term, BNode):
        return f"_:{term}"
    return str(term)


def _json_term(term: Any) -> dict[str, str]:
    if isinstance(term, URIRef):
        return {"type": "uri", "value": str(term)}
    if isinstance(term, BNode):
        return {"type": "bnode", "value": str(term)}
    out = {"type": "literal", "value": str(term)}
    if term.language:
        out["xml:lang"] = term.language
    elif term.datatype and term.datatype != XSD.string:
        out["datatype"] = str(term.datatype)
    return out


def _xml_text(text: str) -> str:
    # a raw CR would be read back as LF (XML end-of-line handling): write it as a reference
    return escape(text, {"\r": "&#13;"})


def _xml_term(term: Any) -> str:
    if isinstance(term, URIRef):
        return f"<uri>{_xml_text(str(term))}</uri>"
    if isinstance(term, BNode):
        return f"<bnode>{_xml_text(str(term))}</bnode>"
    attrs = ""
    if term.language:
        attrs = f" xml:lang={quoteattr(term.language)}"
    elif term.datatype and term.datatype != XSD.string:
        attrs = f" datatype={quoteattr(str(term.datatype))}"
    return f"<literal{attrs}>{_xml_text(str(term))}</literal>"


def to_json(names: list[str], rows: Iterable[tuple], ask: bool | None = None) -> str:
    if ask is not None:
        return json.dumps({"head": {}, "boolean": ask}) + "\n"
    lines = [json.dumps({n: _json_term(t) for n, t in zip(names, row) if t is not None}, ensure_ascii=False)
             for row in rows]
    body = ",\n    ".join(lines)
    bindings = f"[\n    {body}\n  ]" if lines else "[]"
    return f'{{\n  "head": {{"vars": {json.dumps(names, ensure_ascii=False)}}},\n  "results": {{"bindings": {bindings}}}\n}}\n'


def to_xml(names: list[str], rows: Iterable[tuple], ask: bool | None = None) -> str:
    out = ['<?xml version="1.0" encoding="utf-8"?>', f'<sparql xmlns="{_SPARQL_NS}">', "  <head>"]
    out += [f"    <variable name={quoteattr(n)}/>" for n in names]
    out.append("  </head>")
    if ask is not None:
        out.append(f"  <boolean>{'true' if ask else 'false'}</boolean>")
    else:
        out.append("  <results>")
        for row in rows:
            out.append("    <result>")
            out += [f"      <binding name={quoteattr(n)}>{_xml_term(t)}</binding>"
                    for n, t in zip(names, row) if t is not None]
            out.append("    </result>")
        out.append("  </results>")
    out.append("</sparql>")
    return "\n".join(out) + "\n"


def to_csv(names: list[str], rows: Iterable[tuple]) -> str:
    """RFC 4180: CRLF line ends, fields with commas, quotes or line breaks quoted."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(names)
    for row in rows:
        writer.writerow([_plain(t) for t in row])
    return out.getvalue()


def to_tsv(names: list[str], rows: Iterable[tuple]) -> str:
    """Variables as ?name, terms in SPARQL syntax, one line per solution ending with LF."""
    lines = ["\t".join(f"?{n}" for n in names)]
    lines += ["\t".join("" if t is None else sparql_term(t) for t in row) for row in rows]
    return "\n".join(lines) + "\n"


def compact(term: Any) -> str:
    """A term for people: IRIs as prefixed names (id:organisation/apebi, the form -p takes)."""
    if isinstance(term, URIRef):
        for prefix, ns in _BY_LENGTH:
            rest = term[len(ns):]
            if term.startswith(ns) and rest and not any(c in rest for c in " <>\"{}|^`#"):
                return f"{prefix}:{rest}"
    return _plain(term)


_BY_LENGTH = sorted(((p, str(ns)) for p, ns in PREFIXES.items()), key=lambda item: -len(item[1]))


def table(names: list[str], rows: list[list[str]], width: int = 80) -> str:
    cells = [[c if len(c) <= width else c[: width - 1] + "…" for c in (x.replace("\n", " ") for x in row)]
             for row in rows]
    widths = [max([len(n)] + [len(r[i]) for r in cells]) for i, n in enumerate(names)]
    line = "  ".join(n.ljust(w) for n, w in zip(names, widths)).rstrip()
    rule = "  ".join("-" * w for w in widths)
    body = ["  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip() for r in cells]
    return "\n".join([line, rule, *body]) + f"\n({len(rows)} row{'s' if len(rows) != 1 else ''})\n"


def format_result(result: Result, fmt: str, columns: list[str] | None = None) -> str:
    """A SELECT or ASK result in a results format (see SELECT_FORMATS), optionally only some
    of its columns, in the order given."""
    if fmt not in SELECT_FORMATS:
        raise OkgError("--format", f"unknown result format {fmt!r}", f"one of: {', '.join(SELECT_FORMATS)}")
    if result.type in ("CONSTRUCT", "DESCRIBE"):
        raise OkgError("--format", f"a {result.type} query gives a graph, not a {fmt} table",
                       "use a graph format: ttl, nt, jsonld, xml")
    if result.type == "ASK":
        answer = bool(result.askAnswer)
        if fmt == "json":
            return to_json([], [], answer)
        if fmt == "xml":
            return to_xml([], [], answer)
        # CSV and TSV define no boolean form: the answer alone, as a word
        return ("true" if answer else "false") + ("\r\n" if fmt == "csv" else "\n")
    names = [str(v) for v in result.vars or []]
    rows = [tuple(row) for row in result]
    if columns:
        unknown = [c for c in columns if c not in names]
        if unknown:
            raise OkgError("--columns", f"no column {unknown[0]!r} in this result", f"columns: {', '.join(names)}")
        keep = [names.index(c) for c in columns]
        names, rows = list(columns), [tuple(row[i] for i in keep) for row in rows]
    if fmt == "json":
        return to_json(names, rows)
    if fmt == "xml":
        return to_xml(names, rows)
    if fmt == "csv":
        return to_csv(names, rows)
    if fmt == "tsv":
        return to_tsv(names, rows)
    return table(names, [[compact(t) for t in row] for row in rows])


# Media types of SPARQL results and RDF graphs, the server's default first; the endpoint
# client reads answers with the same tables.
SELECT_MEDIA_TYPES = {
    "application/sparql-results+json": "json", "application/json": "json",
    "application/sparql-results+xml": "xml", "application/xml": "xml", "text/xml": "xml",
    "text/csv": "csv", "text/tab-separated-values": "tsv",
}
GRAPH_MEDIA_TYPES = {
    "text/turtle": "turtle", "application/n-triples": "nt", "text/plain": "nt",
    "application/ld+json": "json-ld", "application/rdf+xml": "xml",
}
