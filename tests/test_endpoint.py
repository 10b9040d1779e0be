"""`okg query --endpoint URL` against a real SPARQL 1.1 server: an oxigraph server on 127.0.0.1,
loaded with graph/okg.trig, started and stopped here. Every stored query answers there as it
does locally (parameters travel in a VALUES block), and a dead endpoint is a clean exit 2."""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
import urllib.request
from decimal import Decimal

import pytest
from click.testing import CliRunner
from rdflib import Literal

import okg
from conftest import ROOT

OXIGRAPH = shutil.which("oxigraph")
pytestmark = pytest.mark.skipif(OXIGRAPH is None, reason="the oxigraph server binary is not installed (pip install oxigraph)")

# Every stored query, with the parameters its own tests use.
CASES = [
    ("programmes-led-by", {"organisation": "id:organisation/apebi"}),
    ("programme-participants", {"programme": "id:programme/offshoring-ecosystems"}),
    ("organisation-programmes", {"participant": "id:region/fes-meknes"}),
    ("programme-funders", {}),
    ("region-conventions", {"region": "id:region/morocco"}),
    ("region-conventions", {}),
    ("region-places", {"region": "id:region/morocco"}),
    ("convention-parties", {"convention": "id:convention/offshoring-ecosystems-performance-contracts-2015"}),
    ("co-signatories", {"party": "id:organisation/apebi"}),
    ("competitors", {"actor": "id:region/morocco"}),
    ("targets-vs-actuals", {"measure": "jobs"}),
    ("targets-vs-actuals", {}),
    ("indicator-series", {"measure": "jobs"}),
    ("conflicting-figures", {}),
    ("organisation-profile", {"name": "ministere de l'economie numerique"}),
    ("timeline", {"from": "2015-01-01", "to": "2019-12-31"}),
    ("timeline", {"kind": "target"}),
    ("search", {"text": "horizon 2020"}),
    ("article-facts", {"file": "003_c48c9d5ff8fff619.txt"}),
    ("shared-facts", {"minArticles": 3}),
] + [(name, {}) for name in ("articles", "organisations", "programmes", "conventions", "regions", "indicators",
                              "org-programme-links", "stats")]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def endpoint(tmp_path_factory):
    location = tmp_path_factory.mktemp("oxigraph")
    subprocess.run([OXIGRAPH, "load", "--location", str(location), "--file", str(ROOT / "graph" / "okg.trig")],
                   check=True, capture_output=True, timeout=60)
    port = free_port()
    server = subprocess.Popen([OXIGRAPH, "serve-read-only", "--location", str(location),
                               "--bind", f"127.0.0.1:{port}", "--union-default-graph"],
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    url = f"http://127.0.0.1:{port}/query"
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                urllib.request.urlopen(f"{url}?query=ASK%7B%7D", timeout=1).read()
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"oxigraph did not start: {server.stderr.read().decode()[:500]}")
                time.sleep(0.1)
        yield url
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()


def cli(*args: str):
    from okg.cli import main

    result = CliRunner().invoke(main, list(args), env={"OKG_ROOT": str(ROOT)})
    result.out = result.stdout_bytes.decode("utf-8")
    return result


def comparable(result) -> list[tuple]:
    """Rows as sorted tuples; numbers by value, GROUP_CONCAT lists as sets (their order is free)."""
    def term(t):
        if isinstance(t, Literal):
            value = t.toPython()
            if isinstance(value, (int, float, Decimal)) and not isinstance(value, bool):
                return ("number", Decimal(str(value)).normalize())
            text = str(t)
            return ("literal", frozenset(text.split(" | ")) if " | " in text else text, t.language)
        return None if t is None else str(t)
    return sorted((tuple(term(t) for t in row) for row in result), key=repr)


@pytest.mark.parametrize("name, params", CASES, ids=[f"{n}-{'-'.join(p) or 'all'}" for n, p in CASES])
def test_stored_queries_answer_the_same_remotely(kg, endpoint, name, params):
    remote = okg.load(endpoint=endpoint, root=ROOT)
    local_result, remote_result = kg.run(name, params), remote.run(name, params)
    assert [str(v) for v in remote_result.vars] == [str(v) for v in local_result.vars]
    assert comparable(remote_result) == comparable(local_result)


def test_the_2015_contracts_are_morocco_s_on_the_server_too(endpoint):
    result = cli("query", "region-conventions", "-p", "region", "id:region/morocco", "--endpoint", endpoint,
                 "--format", "csv")
    assert result.exit_code == 0
    assert "offshoring-ecosystems-performance-contracts-2015" in result.out and "region/rabat,true" in result.out


def test_parameters_cannot_inject_into_the_remote_query(endpoint):
    before = cli("query", "-e", "SELECT (COUNT(*) AS ?n) { GRAPH ?g { ?s ?p ?o } }", "--endpoint", endpoint).out
    for value in ['x"} ; DROP ALL ; SELECT * { ?s ?p ?o', 'a" || true || "', '"""\n}']:
        result = cli("query", "search", "-p", "text", value, "--endpoint", endpoint, "--format", "csv")
        assert result.exit_code == 0, result.stderr
        assert result.out == "node,kind,field,match,start,end,article\r\n"
    after = cli("query", "-e", "SELECT (COUNT(*) AS ?n) { GRAPH ?g { ?s ?p ?o } }", "--endpoint", endpoint).out
    assert before == after


def test_construct_and_ask_on_the_endpoint(endpoint):
    construct = cli("query", "-e", "CONSTRUCT { ?c <https://w3id.org/okg/ontology#signedIn> ?p } "
                                   "WHERE { ?c <https://w3id.org/okg/ontology#signedIn> ?p }",
                    "--endpoint", endpoint, "--format", "nt")
    assert construct.exit_code == 0
    assert construct.out.strip() == ("<https://w3id.org/okg/id/convention/offshoring-ecosystems-performance-contracts-2015> "
                                     "<https://w3id.org/okg/ontology#signedIn> <https://w3id.org/okg/id/region/rabat> .")
    ask = cli("query", "-e", "ASK { ?s <https://w3id.org/okg/ontology#acronym> \"TMSA\" }", "--endpoint", endpoint,
              "--format", "json")
    assert ask.out == '{"head": {}, "boolean": true}\n'


def test_inline_sparql_gets_the_okg_prefixes_on_the_endpoint(endpoint):
    # DISTINCT: oxigraph's union default graph repeats a triple once per graph stating it
    result = cli("query", "-e", "SELECT DISTINCT ?acronym WHERE { ?o okg:acronym ?acronym } ORDER BY ?acronym",
                 "--endpoint", endpoint)
    assert result.exit_code == 0, result.stderr
    assert result.out == "acronym\r\nAMRC\r\nAPEBI\r\nCDG\r\nSFI\r\nTMSA\r\n"


def test_endpoint_http_error_is_a_clean_exit_2(endpoint):
    result = cli("query", "articles", "--endpoint", endpoint.replace("/query", "/nowhere"))
    assert result.exit_code == 2 and "endpoint answered HTTP 404" in result.stderr


def test_unreachable_endpoint_is_exit_2_at_once():
    url = f"http://127.0.0.1:{free_port()}/query"
    start = time.monotonic()
    result = cli("query", "articles", "--endpoint", url, "--timeout", "5")
    assert result.exit_code == 2
    assert result.stderr.startswith(f"okg: {url}: endpoint unreachable")
    assert len(result.stderr.strip().splitlines()) == 1
    assert time.monotonic() - start < 5


def test_silent_endpoint_is_exit_2_within_the_timeout():
    with socket.socket() as silent:  # accepts connections, never answers
        silent.bind(("127.0.0.1", 0))
        silent.listen()
        url = f"http://127.0.0.1:{silent.getsockname()[1]}/query"
        start = time.monotonic()
        result = cli("query", "articles", "--endpoint", url, "--timeout", "1")
        elapsed = time.monotonic() - start
    assert result.exit_code == 2
    assert "no answer within 1s" in result.stderr
    assert elapsed < 4


@pytest.mark.parametrize("args, message", [
    (["--endpoint", "ftp://127.0.0.1/query"], "not an http(s) URL"),
    (["--endpoint", "http://127.0.0.1:1/query", "--no-inferred"], "cannot leave out inferred triples"),
    (["--endpoint", "http://127.0.0.1:1/query", "--data", str(ROOT / "graph" / "okg.trig")], "exclude each other"),
])
def test_endpoint_option_errors(args, message):
    result = cli("query", "articles", *args)
    assert result.exit_code == 2 and message in result.stderr
