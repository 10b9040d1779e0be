"""`okg query --format json|xml|csv|tsv` follows the W3C SPARQL 1.1 results specs: each output is
read back by conforming readers (rdflib's result parsers, SPARQLWrapper) to the same terms."""

from __future__ import annotations

import csv
import io
import json
import threading
import xml.etree.ElementTree as ET
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from click.testing import CliRunner
from rdflib import BNode, Literal, URIRef
from rdflib.namespace import XSD
from rdflib.query import Result

from conftest import ROOT
from okg.results import MEDIA_TYPES

SPARQL_NS = "{http://www.w3.org/2005/sparql-results#}"
TRICKY = "tab\there, \"quoted\"\nnew line\r\\ end"
# Every kind of term, a value with every character the formats must escape, and an unbound cell.
QUERY = r'''PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>
SELECT ?iri ?plain ?lang ?typed ?date ?bnode ?unbound WHERE {
  VALUES (?iri ?plain ?lang ?typed ?date) {
    (<http://example.org/a> "tab\there, \"quoted\"\nnew line\r\\ end" "Fès-Meknès"@fr "60000"^^xsd:decimal "2015-05-05"^^xsd:date)
  }
  BIND(BNODE() AS ?bnode)
  OPTIONAL { ?iri <http://example.org/never> ?unbound }
}
ORDER BY ?iri'''
VARS = ["iri", "plain", "lang", "typed", "date", "bnode", "unbound"]
EXPECTED = [URIRef("http://example.org/a"), Literal(TRICKY), Literal("Fès-Meknès", lang="fr"),
            Literal("60000", datatype=XSD.decimal), Literal("2015-05-05", datatype=XSD.date)]


def okg_query(*args: str) -> bytes:
    from okg.cli import main

    result = CliRunner().invoke(main, ["query", *args], env={"OKG_ROOT": str(ROOT)})
    assert result.exit_code == 0, result.stderr
    return result.stdout_bytes


@pytest.fixture(scope="module")
def outputs() -> dict[str, bytes]:
    return {fmt: okg_query("-e", QUERY, "--format", fmt) for fmt in ("json", "xml", "csv", "tsv")}


@pytest.mark.parametrize("fmt", ["json", "xml", "tsv"])
def test_lossless_formats_read_back_to_the_same_terms(outputs, fmt):
    result = Result.parse(io.BytesIO(outputs[fmt]), format=fmt)
    assert [str(v) for v in result.vars] == VARS
    rows = list(result)
    assert len(rows) == 1
    row = rows[0]
    for got, want in zip(row, EXPECTED):
        assert got == want and type(got) is type(want)
        if isinstance(want, Literal):
            assert (got.language, got.datatype) == (want.language, want.datatype)
    assert isinstance(row[5], BNode)
    assert row[6] is None


def test_csv_is_rfc4180_with_crlf(outputs):
    text = outputs["csv"].decode("utf-8")
    assert text.startswith("iri,plain,lang,typed,date,bnode,unbound\r\n")
    assert text.endswith("\r\n")
    rows = list(csv.reader(io.StringIO(text, newline="")))
    assert rows[0] == VARS
    iri, plain, lang, typed, date, bnode, unbound = rows[1]
    # CSV is lossy by design: bare values, no datatypes or language tags; blank nodes as _:label
    assert (iri, plain, lang, typed, date, unbound) == ("http://example.org/a", TRICKY, "Fès-Meknès", "60000",
                                                       "2015-05-05", "")
    assert bnode.startswith("_:")
    parsed = list(Result.parse(io.BytesIO(outputs["csv"]), format="csv"))
    assert str(parsed[0][1]) == TRICKY


def test_tsv_writes_terms_in_sparql_syntax_one_line_per_row(outputs):
    lines = outputs["tsv"].decode("utf-8").split("\n")
    assert lines[0] == "\t".join(f"?{v}" for v in VARS)
    assert lines[2] == "" and len(lines) == 3  # header, one row, final EOL
    cells = lines[1].split("\t")
    assert cells[:5] == ['<http://example.org/a>', '"tab\\there, \\"quoted\\"\\nnew line\\r\\\\ end"',
                         '"Fès-Meknès"@fr', '"60000"^^<http://www.w3.org/2001/XMLSchema#decimal>',
                         '"2015-05-05"^^<http://www.w3.org/2001/XMLSchema#date>']
    assert cells[5].startswith("_:") and cells[6] == ""


def test_json_layout(outputs):
    data = json.loads(outputs["json"])
    assert list(data) == ["head", "results"]
    assert data["head"] == {"vars": VARS}
    binding = data["results"]["bindings"][0]
    assert binding["iri"] == {"type": "uri", "value": "http://example.org/a"}
    assert binding["lang"] == {"type": "literal", "value": "Fès-Meknès", "xml:lang": "fr"}
    assert binding["typed"] == {"type": "literal", "value": "60000", "datatype": str(XSD.decimal)}
    assert binding["plain"] == {"type": "literal", "value": TRICKY}
    assert binding["bnode"]["type"] == "bnode"
    assert "unbound" not in binding


def test_xml_layout(outputs):
    root = ET.fromstring(outputs["xml"])
    assert root.tag == f"{SPARQL_NS}sparql"
    assert [v.get("name") for v in root.find(f"{SPARQL_NS}head")] == VARS
    bindings = root.find(f"{SPARQL_NS}results").find(f"{SPARQL_NS}result")
    names = [b.get("name") for b in bindings]
    assert names == VARS[:6]
    plain = bindings[1].find(f"{SPARQL_NS}literal")
    assert plain.text == TRICKY  # the CR survives as &#13;


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_ask_reads_back(fmt):
    data = okg_query("-e", "ASK { GRAPH ?g { ?c <https://w3id.org/okg/ontology#signedIn> ?p } }", "--format", fmt)
    assert Result.parse(io.BytesIO(data), format=fmt).askAnswer is True


def test_seed_indicators_round_trip_through_tsv_and_json():
    tsv = Result.parse(io.BytesIO(okg_query("indicators", "--format", "tsv")), format="tsv")
    js = Result.parse(io.BytesIO(okg_query("indicators", "--format", "json")), format="json")
    tsv_rows, js_rows = list(tsv), list(js)
    assert len(tsv_rows) == len(js_rows) == 17  # the figures of the five sheets
    values = {r[0].rsplit("/", 1)[-1]: r[2] for r in tsv_rows}
    assert values["offshoring-employment-2015"].datatype == XSD.decimal
    assert Decimal(str(values["offshoring-employment-2015"])) == 63000


# ---------------------------------------------------------------- SPARQLWrapper as the client


class _Results(BaseHTTPRequestHandler):
    """Answers every request with okg's output in the format the client's Accept asks for."""

    outputs: dict[str, bytes] = {}

    def _answer(self):
        accept = self.headers.get("Accept", "")
        fmt = next((f for f in ("json", "xml", "csv", "tsv") if MEDIA_TYPES[f].split(";")[0] in accept), "json")
        body = self.outputs[fmt]
        self.send_response(200)
        self.send_header("Content-Type", MEDIA_TYPES[fmt])
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_POST = _answer

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def results_server(outputs):
    _Results.outputs = outputs
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Results)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/sparql"
    server.shutdown()
    server.server_close()


def _wrapper(url: str, fmt: str):
    from SPARQLWrapper import SPARQLWrapper

    client = SPARQLWrapper(url)
    client.setQuery(QUERY)
    client.setReturnFormat(fmt)
    return client.query()


def test_sparqlwrapper_reads_json(results_server):
    from SPARQLWrapper import JSON
    from SPARQLWrapper.SmartWrapper import Bindings

    result = _wrapper(results_server, JSON)
    bindings = Bindings(result)
    assert bindings.variables == VARS
    row = bindings.bindings[0]
    assert row["plain"].value == TRICKY
    assert (row["lang"].value, row["lang"].lang) == ("Fès-Meknès", "fr")
    assert row["typed"].datatype == str(XSD.decimal)
    assert "unbound" not in row


def test_sparqlwrapper_reads_xml(results_server):
    from SPARQLWrapper import XML

    document = _wrapper(results_server, XML).convert()
    literals = document.getElementsByTagName("literal")
    assert literals[0].firstChild.data == TRICKY
    assert [v.getAttribute("name") for v in document.getElementsByTagName("variable")] == VARS


@pytest.mark.parametrize("fmt", ["csv", "tsv"])
def test_sparqlwrapper_reads_csv_and_tsv(results_server, outputs, fmt):
    from SPARQLWrapper import CSV, TSV

    data = _wrapper(results_server, CSV if fmt == "csv" else TSV).convert()
    assert data == outputs[fmt]
    result = Result.parse(io.BytesIO(data), format=fmt)
    assert str(list(result)[0][1]) == TRICKY
