"""`okg serve`: the SPARQL 1.1 Protocol endpoint, started as a real subprocess on a free
127.0.0.1 port over the built graph, spoken to with SPARQLWrapper and plain HTTP."""

from __future__ import annotations

import csv
import io
import json
import os
import re
import shutil
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from rdflib import Graph, Namespace, URIRef

from conftest import ROOT, free_port, stop, wait_for_http

pytest.importorskip("starlette", reason="okg serve needs the serve extra (starlette, uvicorn)")
pytest.importorskip("uvicorn", reason="okg serve needs the serve extra (starlette, uvicorn)")
SPARQLWrapper = pytest.importorskip("SPARQLWrapper", reason="SPARQLWrapper is not installed")

SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
CONTRACTS = "https://w3id.org/okg/id/convention/offshoring-ecosystems-performance-contracts-2015"
SLOW = "SELECT (COUNT(*) AS ?n) WHERE { ?a a ?t . ?b a ?t2 }"  # a cross join: seconds in rdflib


def tree(pid: int) -> list[int]:
    """The process and its children (the query workers), from /proc."""
    try:
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except OSError:
        return [pid]
    return [pid] + [int(c) for c in children]


def cpu_seconds(pids: list[int]) -> float:
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / os.sysconf("SC_CLK_TCK")


def rss_mb(pids: list[int]) -> float:
    total = 0
    for pid in pids:
        try:
            status = Path(f"/proc/{pid}/status").read_text()
        except OSError:
            continue
        total += next((int(line.split()[1]) for line in status.splitlines() if line.startswith("VmRSS")), 0)
    return total / 1024


def start(*options: str) -> tuple[subprocess.Popen, str]:
    port = free_port()
    process = subprocess.Popen([sys.executable, "-m", "okg", "serve", "--port", str(port), *options],
                               cwd=ROOT, env={**os.environ, "OKG_ROOT": str(ROOT)},
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    wait_for_http(f"{base}/queries", process)
    return process, base


@pytest.fixture(scope="module")
def server():
    process, base = start("--max-rows", "1000", "--timeout", "20")
    yield base
    stop(process)


def http(url: str, data: bytes | None = None, headers: dict | None = None, method: str | None = None):
    """(status, headers, body) for any answer, errors included."""
    req = urllib.request.Request(url, data=data, headers=headers or {}, method=method)
    try:
        with urllib.request.urlopen(req, timeout=30) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as err:
        return err.code, err.headers, err.read()


def get_query(base: str, query: str, accept: str | None = None):
    return http(f"{base}/sparql?{urllib.parse.urlencode({'query': query})}", headers={"Accept": accept} if accept else {})


def wrapper(base: str, query: str, fmt):
    sw = SPARQLWrapper.SPARQLWrapper(f"{base}/sparql")
    sw.setQuery(query)
    sw.setReturnFormat(fmt)
    return sw.query()


CONVENTIONS = f"""PREFIX okg: <https://w3id.org/okg/ontology#>
SELECT ?place ?party WHERE {{ <{CONTRACTS}> okg:signedIn ?place ; okg:party ?party }} ORDER BY ?party"""


# ---------------------------------------------------------------- the four SELECT formats and CONSTRUCT


def test_select_json_names_the_2015_contracts_place_and_six_parties(server):
    rows = wrapper(server, CONVENTIONS, SPARQLWrapper.JSON).convert()["results"]["bindings"]
    assert {r["place"]["value"] for r in rows} == {"https://w3id.org/okg/id/region/rabat"}
    assert len({r["party"]["value"] for r in rows}) == 6


def test_select_xml(server):
    doc = wrapper(server, CONVENTIONS, SPARQLWrapper.XML).convert()
    uris = [node.firstChild.data for node in doc.getElementsByTagName("uri")]
    assert "https://w3id.org/okg/id/region/rabat" in uris
    assert len({u for u in uris if "/organisation/" in u}) == 6


def test_select_csv_and_tsv_carry_apebi_s_acronym(server):
    query = """PREFIX skos: <http://www.w3.org/2004/02/skos/core#> PREFIX okg: <https://w3id.org/okg/ontology#>
    SELECT DISTINCT ?acronym WHERE { <https://w3id.org/okg/id/organisation/apebi> okg:acronym ?acronym }"""
    result = wrapper(server, query, SPARQLWrapper.CSV)
    assert result.response.headers["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(result.convert().decode("utf-8"))))
    assert rows[0] == ["acronym"] and ["APEBI"] in rows[1:]
    tsv = wrapper(server, query, SPARQLWrapper.TSV)
    assert tsv.response.headers["Content-Type"].startswith("text/tab-separated-values")
    lines = tsv.convert().decode("utf-8").splitlines()
    assert lines[0] == "?acronym" and '"APEBI"' in lines[1:]


def test_construct_turtle(server):
    query = f"""PREFIX okg: <https://w3id.org/okg/ontology#>
    CONSTRUCT {{ <{CONTRACTS}> okg:party ?p }} WHERE {{ <{CONTRACTS}> okg:party ?p }}"""
    result = wrapper(server, query, SPARQLWrapper.TURTLE)
    assert result.response.headers["Content-Type"].startswith("text/turtle")
    graph = Graph().parse(data=result.convert().decode("utf-8"), format="turtle")
    assert len(graph) == 6
    status, headers, body = get_query(server, query, "application/n-triples")
    assert status == 200 and headers["Content-Type"].startswith("application/n-triples")
    assert len(Graph().parse(data=body.decode(), format="nt")) == 6
    status, headers, body = get_query(server, query, "application/ld+json")
    assert status == 200 and len(Graph().parse(data=body.decode(), format="json-ld")) == 6


def test_post_forms_and_ask(server):
    ask = "ASK { ?s a <https://w3id.org/okg/ontology#Convention> }"
    status, _, body = http(f"{server}/sparql", urllib.parse.urlencode({"query": ask}).encode(),
                           {"Content-Type": "application/x-www-form-urlencoded"})
    assert status == 200 and json.loads(body)["boolean"] is True
    status, headers, body = http(f"{server}/sparql", ask.encode(),
                                 {"Content-Type": "application/sparql-query",
                                  "Accept": "application/sparql-results+xml"})
    assert status == 200 and b"<boolean>true</boolean>" in body


# ---------------------------------------------------------------- refusals


def test_unsupported_accept_is_406(server):
    status, _, body = get_query(server, "SELECT * WHERE { ?s ?p ?o } LIMIT 1", "image/png")
    assert status == 406 and b"application/sparql-results+json" in body


def test_syntax_error_is_400_with_line_and_column(server):
    status, _, body = get_query(server, "SELECT * WHERE {\n  ?s ?p \n}")
    assert status == 400
    assert re.search(rb":\d+:\d+: SPARQL syntax error", body), body


def test_updates_are_refused(server):
    status, _, body = get_query(server, "INSERT DATA { <urn:a> <urn:b> <urn:c> }")
    assert status == 403 and b"read-only" in body
    status, _, _ = http(f"{server}/sparql", b"update=" + urllib.parse.quote(b"CLEAR ALL").encode(),
                        {"Content-Type": "application/x-www-form-urlencoded"})
    assert status == 403
    status, _, _ = http(f"{server}/sparql", b"DROP ALL", {"Content-Type": "application/sparql-update"})
    assert status == 403
    assert get_query(server, "ASK { <urn:a> <urn:b> <urn:c> }")[2].find(b"false") > 0


def test_service_is_refused(server):
    status, _, body = get_query(server, "SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }")
    assert status == 400 and b"SERVICE" in body


def test_row_cap_truncates_and_says_so(server):
    status, headers, body = get_query(server, "SELECT * WHERE { ?s ?p ?o }")
    assert status == 200 and headers["X-Okg-Truncated"] == "true"
    assert len(json.loads(body)["results"]["bindings"]) == 1000
    status, headers, _ = get_query(server, "SELECT * WHERE { ?s ?p ?o } LIMIT 5")
    assert status == 200 and headers.get("X-Okg-Truncated") is None


def test_huge_body_is_413(server):
    body = b"query=" + b"%20" * (100 * 1024)  # 300 KiB
    status, _, _ = http(f"{server}/sparql", body, {"Content-Type": "application/x-www-form-urlencoded"})
    assert status == 413


def test_invalid_utf8_and_empty_query_are_400(server):
    status, _, body = http(f"{server}/sparql", b"SELECT * WHERE { ?s ?p \xff }",
                           {"Content-Type": "application/sparql-query"})
    assert status == 400 and b"UTF-8" in body
    assert http(f"{server}/sparql?query=%FF%FE")[0] == 400
    assert http(f"{server}/sparql?query=")[0] == 400
    assert http(f"{server}/sparql", b"query=", {"Content-Type": "application/x-www-form-urlencoded"})[0] == 400


# ---------------------------------------------------------------- stored queries, description, pages


def test_stored_queries(server):
    status, _, body = http(f"{server}/queries")
    listed = {q["name"]: q for q in json.loads(body)}
    assert status == 200 and "programmes-led-by" in listed
    assert [p["name"] for p in listed["programmes-led-by"]["params"]] == ["organisation"]
    status, _, body = http(f"{server}/queries/programmes-led-by?organisation=id:organisation/apebi")
    rows = json.loads(body)["results"]["bindings"]
    assert status == 200 and rows
    assert {r["organisation"]["value"] for r in rows} == {"https://w3id.org/okg/id/organisation/apebi"}


def test_stored_query_bad_parameters_are_400(server):
    status, _, body = http(f"{server}/queries/programmes-led-by?leader=x")
    assert status == 400 and b"valid parameters: organisation" in body
    status, _, body = http(f"{server}/queries/programmes-led-by?organisation=not%20an%20iri")
    assert status == 400 and b"not an IRI" in body
    assert http(f"{server}/queries/no-such-query")[0] == 404


def test_service_description(server):
    status, headers, body = http(f"{server}/sparql", headers={"Accept": "text/turtle"})
    assert status == 200 and headers["Content-Type"].startswith("text/turtle")
    graph = Graph().parse(data=body.decode(), format="turtle")
    service = next(graph.subjects(SD.endpoint, URIRef(f"{server}/sparql")))
    assert (service, SD.feature, SD.UnionDefaultGraph) in graph
    assert len(list(graph.objects(service, SD.resultFormat))) >= 6


def test_home_page_and_network_view(server):
    status, _, body = http(f"{server}/")
    page = body.decode()
    assert status == 200 and 'id="yasgui"' in page and "/vendor/yasgui/yasgui.min.js" in page
    assert 'href="/queries/programmes-led-by"' in page and 'href="/view/org-programme"' in page
    assert "cdn" not in page.lower()
    for asset in ("yasgui.min.js", "yasgui.min.css"):
        assert http(f"{server}/vendor/yasgui/{asset}")[0] == 200
    status, headers, body = http(f"{server}/view/org-programme")
    assert status == 200 and headers["Content-Type"].startswith("text/html") and b"APEBI" in body
    assert http(f"{server}/view/nope")[0] == 404


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="memory is read from /proc (Linux)")
def test_many_clients_at_once_without_failures_or_memory_growth():
    process, base = start("--timeout", "20")
    query = urllib.parse.urlencode({"query": ("SELECT ?o ?n WHERE { ?o a <https://w3id.org/okg/ontology#Organisation> ; "
                                                "<http://www.w3.org/2004/02/skos/core#prefLabel> ?n }")})
    answers = []

    def burst(seconds: float) -> list[int]:
        statuses, lock = [], threading.Lock()
        stop_at = time.monotonic() + seconds

        def client():
            while time.monotonic() < stop_at:
                status, _, body = http(f"{base}/sparql?{query}", headers={"Accept": "application/sparql-results+json"})
                with lock:
                    statuses.append(status)
                    if status == 200:
                        answers.append(len(json.loads(body)["results"]["bindings"]))

        threads = [threading.Thread(target=client) for _ in range(50)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(60)
        return statuses

    try:
        warm = burst(3)  # workers and caches settle
        before = rss_mb(tree(process.pid))
        statuses = burst(6) + burst(6)
        after = rss_mb(tree(process.pid))
    finally:
        stop(process)
    assert warm and set(warm) == {200} and statuses and set(statuses) == {200}, sorted(set(statuses))
    assert len(statuses) >= 100 and len(set(answers)) == 1 and answers[0] > 10
    assert after - before < max(30.0, 0.1 * before), f"memory grew from {before:.0f} MB to {after:.0f} MB"


# ---------------------------------------------------------------- timeout


def test_slow_query_times_out_with_503_and_the_server_keeps_answering():
    process, base = start("--timeout", "0.5")
    try:
        started = time.monotonic()
        status, headers, body = get_query(base, SLOW)
        assert status == 503 and b"timed out" in body
        assert time.monotonic() - started < 3
        status, _, body = get_query(base, "ASK { ?s ?p ?o }")
        assert status == 200 and json.loads(body)["boolean"] is True
    finally:
        stop(process)


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="CPU time is read from /proc (Linux)")
def test_a_timed_out_query_stops_running():
    """The worker running it is killed: the server and its workers go idle at once."""
    process, base = start("--timeout", "0.5", "--max-concurrent", "2")
    try:
        workers = tree(process.pid)[1:]
        assert len(workers) == 2
        for _ in range(3):  # more slow queries than workers: none of them may linger
            assert get_query(base, SLOW)[0] == 503
        time.sleep(0.5)
        spent = cpu_seconds(tree(process.pid))
        time.sleep(2)
        assert cpu_seconds(tree(process.pid)) - spent < 0.3, "a timed-out query is still running"
        now = tree(process.pid)[1:]
        assert len(now) == 2 and set(now) != set(workers)  # the timed-out ones were replaced
        assert get_query(base, "ASK { ?s ?p ?o }")[0] == 200
    finally:
        stop(process)
    time.sleep(0.5)
    for pid in set(workers) | set(now):
        assert not Path(f"/proc/{pid}").exists() or "zombie" in Path(f"/proc/{pid}/status").read_text()


def test_more_slow_queries_than_workers_get_503_and_the_server_recovers():
    process, base = start("--timeout", "1", "--max-concurrent", "1")
    try:
        results, lock = [], threading.Lock()

        def slow():
            answer = get_query(base, SLOW)
            with lock:
                results.append(answer)

        threads = [threading.Thread(target=slow) for _ in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(30)
        # The first is cut at the timeout; each other one is cut too, or never starts (busy),
        # depending on how fast the worker is replaced.
        assert [status for status, _, _ in results] == [503] * 4
        assert all(b"timed out after 1s" in body or b"busy: 1 queries are running" in body for _, _, body in results)
        assert any(b"timed out" in body for _, _, body in results)
        assert all(headers["Retry-After"] == "5" for _, headers, _ in results)
        assert get_query(base, "ASK { ?s ?p ?o }")[0] == 200
    finally:
        stop(process)


# ---------------------------------------------------------------- the page in a browser

CHROMIUM = shutil.which("chromium") or ("/usr/bin/chromium" if os.path.exists("/usr/bin/chromium") else None)


@pytest.mark.browser
@pytest.mark.skipif(CHROMIUM is None, reason="headless Chromium (/usr/bin/chromium) is not installed")
def test_page_in_headless_chromium_shows_the_editor_and_the_query_list(server, tmp_path):
    dom = subprocess.run([CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                          "--disable-component-update", "--disable-sync", "--no-first-run",
                          f"--user-data-dir={tmp_path}", "--virtual-time-budget=5000", "--dump-dom", f"{server}/"],
                         capture_output=True, text=True, timeout=60).stdout
    assert 'class="yasgui' in dom or "yasqe" in dom, dom[:2000]
    assert "CodeMirror" in dom  # the editor itself was built by the vendored script
    assert 'href="/queries/conventions"' in dom
