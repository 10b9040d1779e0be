"""--store oxigraph[:PATH]: the same answers as the rdflib store, a persistent store, clear errors."""

from __future__ import annotations

import json
import re
from decimal import Decimal
from pathlib import Path

import pytest

pytest.importorskip("pyoxigraph")

import okg  # noqa: E402
from okg import queries as q  # noqa: E402
from okg.errors import OkgError  # noqa: E402
from okg.oxstore import OxStore, not_exists_to_minus  # noqa: E402

from conftest import ROOT, run_okg  # noqa: E402

XSD = "http://www.w3.org/2001/XMLSchema#"
# Oxigraph 0.5 stores every integer subtype as xsd:integer (the value is kept, the subtype is not).
INTEGER_SUBTYPES = {XSD + t for t in ("nonNegativeInteger", "positiveInteger", "nonPositiveInteger",
                                      "negativeInteger", "int", "long", "short", "byte", "unsignedInt")}
NUMERIC = {XSD + t for t in ("integer", "decimal", "double", "float")} | INTEGER_SUBTYPES
# Values a required parameter takes in the comparison (stored queries without a default).
REQUIRED = {"text": "APEBI"}


def canonical(term: dict | None, concat: bool) -> tuple:
    """A SPARQL JSON term, compared as a value where the two engines may write it differently."""
    if term is None:
        return ("unbound",)
    value, datatype = term["value"], term.get("datatype")
    if datatype in INTEGER_SUBTYPES:
        datatype = XSD + "integer"
    if datatype in NUMERIC:
        return ("number", Decimal(value))
    if concat:  # GROUP_CONCAT: order and language tag are the engine's choice (SPARQL leaves them open)
        return ("concat", tuple(sorted(value.split(" | "))))
    return (term["type"], value, datatype, term.get("xml:lang"))


def concat_columns(text: str) -> set[str]:
    return set(re.findall(r"GROUP_CONCAT\s*\(.*?\)\s*AS\s+\?(\w+)", text, re.I | re.S))


def rows(result_json: str, concat: set[str]) -> tuple[list, list]:
    data = json.loads(result_json)
    if "boolean" in data:
        return [], [data["boolean"]]
    names = data["head"]["vars"]
    return names, sorted((tuple(canonical(b.get(n), n in concat) for n in names) for b in data["results"]["bindings"]),
                         key=repr)


def compare_all(memory, oxigraph, folder: Path) -> list[str]:
    compared = []
    for path in sorted(folder.glob("*.rq")):
        stored = q.load_query(path)
        if stored.kind not in ("SELECT", "ASK"):
            continue
        params = {name: REQUIRED.get(name, "x") for name, p in stored.params.items() if p.required and p.default is None}
        try:
            expected = q.format_result(memory.run(stored, params), "json")
        except OkgError:
            continue  # a query the rdflib store itself refuses is another test's business
        got = q.format_result(oxigraph.run(stored, params), "json")
        concat = concat_columns(stored.text)
        assert rows(got, concat) == rows(expected, concat), f"{path.name} differs between the stores"
        compared.append(path.stem)
    return compared


@pytest.fixture(scope="module")
def ox_kg():
    return okg.load(root=ROOT, store="oxigraph")


def test_every_stored_query_gives_the_same_answers_on_both_stores(kg, ox_kg):
    compared = compare_all(kg, ox_kg, ROOT / "queries")
    for name in ("articles", "organisations", "programmes", "conventions", "regions", "indicators",
                 "org-programme-links"):
        assert name in compared
    assert set(compare_all(kg, ox_kg, ROOT / "queries" / "qc")) >= {"orphan-region-violation", "quote-offsets-violation"}


def test_stored_queries_agree_on_a_synthetic_corpus_with_shared_facts(tmp_path):
    """Organisations recur across article graphs: the union must count each triple once."""
    from okg.compile import build
    from okg.synth import synth

    synth(tmp_path, 6, seed=3)
    build(tmp_path, write=True)
    memory, oxigraph = okg.load(root=tmp_path), okg.load(root=tmp_path, store="oxigraph")
    assert "indicators" in compare_all(memory, oxigraph, tmp_path / "queries")
    count = "SELECT (COUNT(*) AS ?n) WHERE { ?o a okg:Organisation ; skos:prefLabel ?name }"
    assert memory.sparql(count)[0]["n"] == oxigraph.sparql(count)[0]["n"] < 6 * 12


def view_data(graph) -> tuple:
    return (sorted(graph.nodes(data=True)), sorted((a, b, d) for a, b, d in graph.edges(data=True)))


def test_every_view_is_the_same_graph_on_both_stores(kg, ox_kg):
    from okg.views import available

    for name in available(kg):
        assert view_data(ox_kg.view(name)) == view_data(kg.view(name)), name
    assert view_data(ox_kg.view("org-programme", article="002")) == view_data(kg.view("org-programme", article="002"))


def test_views_agree_on_a_synthetic_corpus(tmp_path):
    from okg.compile import build
    from okg.synth import synth

    synth(tmp_path, 8, seed=5)
    build(tmp_path, write=True)
    memory, oxigraph = okg.load(root=tmp_path), okg.load(root=tmp_path, store="oxigraph")
    graph = memory.view("org-programme")
    assert graph.number_of_edges() > 10
    assert view_data(oxigraph.view("org-programme")) == view_data(graph)


def default_graph(store: OxStore) -> set:
    import pyoxigraph as ox

    return {str(q.triple) for q in store.store.quads_for_pattern(None, None, None, ox.DefaultGraph())}


@pytest.mark.parametrize("corpus", ["seeds", "synthetic"])
def test_the_built_merge_file_gives_the_merge_a_sparql_update_builds(tmp_path, corpus):
    """okg.ttl, bulk-loaded as the default graph, is exactly the merge of the named graphs."""
    root = ROOT
    if corpus == "synthetic":
        from okg.compile import build
        from okg.synth import synth

        root = tmp_path / "synth"
        synth(root, 12, seed=7)
        build(root, write=True)
    built = [root / "graph" / "okg.trig"]
    updated, merged = OxStore(), OxStore()
    updated.load(built)
    merged.load(built, merge=root / "graph" / "okg.ttl")
    assert default_graph(merged) == default_graph(updated)
    assert len(default_graph(merged)) > 1000 and len(merged) == len(updated)
    assert okg.load(root=root, store="oxigraph").query("organisations") == okg.load(root=root).query("organisations")


def test_contract_answers_come_from_the_article_graphs(ox_kg):
    apebi = [r for r in ox_kg.query("organisations") if r["acronym"] == "APEBI"]
    assert len(apebi) >= 2 and len({r["article"] for r in apebi}) == len(apebi)
    figures = {r["value"] for r in ox_kg.query("indicators")}
    assert Decimal("60000") in figures and Decimal("1300000000") in figures


def test_without_the_inferred_graph(ox_kg):
    mentions = "SELECT (COUNT(*) AS ?n) WHERE { ?article okg:mentions ?fact }"
    assert ox_kg.sparql(mentions)[0]["n"] > 50
    plain = okg.load(root=ROOT, store="oxigraph", with_inferred=False)
    assert plain.sparql(mentions)[0]["n"] == 0
    graphs = "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }"
    assert "https://w3id.org/okg/graph/inferred" not in {r["g"] for r in plain.sparql(graphs)}


def test_parameters_bind_as_on_the_memory_store(kg, ox_kg):
    apebi = "https://w3id.org/okg/id/organisation/apebi"
    expected = q.format_result(kg.run("programmes-led-by", {"organisation": apebi}), "json")
    got = q.format_result(ox_kg.run("programmes-led-by", {"organisation": apebi}), "json")
    assert rows(got, set()) == rows(expected, set()) and json.loads(got)["results"]["bindings"]


def test_a_syntax_error_names_line_and_column(ox_kg):
    with pytest.raises(OkgError) as err:
        ox_kg.sparql("SELECT ?x WHERE {\n  ?x ?y }")
    assert "inline:2:" in str(err.value) and "syntax error" in str(err.value)


def test_persistent_store_is_loaded_once_and_reloaded_when_the_graph_changes(tmp_path):
    source = tmp_path / "g.trig"
    source.write_text((ROOT / "graph" / "okg.trig").read_text(encoding="utf-8"), encoding="utf-8")
    folder = tmp_path / "store"
    first = OxStore(folder)
    assert first.ensure_loaded([source]) is True
    size = len(first)
    del first
    again = OxStore(folder)
    assert again.ensure_loaded([source]) is False and len(again) == size
    source.write_text(source.read_text(encoding="utf-8").replace("Maroc PME", "Maroc PME bis"), encoding="utf-8")
    assert again.ensure_loaded([source]) is True
    assert again.result('ASK { ?o skos:prefLabel "Maroc PME bis"@fr }').askAnswer


def test_the_cli_store_option_answers_like_the_memory_store(tmp_path):
    memory = run_okg("query", "organisations", "--format", "csv")
    for store in ("oxigraph", f"oxigraph:{tmp_path / 'store'}", f"oxigraph:{tmp_path / 'store'}"):
        done = run_okg("query", "organisations", "--format", "csv", "--store", store)
        assert done.returncode == 0, done.stderr
        assert done.stdout == memory.stdout
    checked = run_okg("validate", "--store", "oxigraph", "--format", "json")
    assert checked.returncode == 0 and json.loads(checked.stdout)["conforms"] is True
    assert json.loads(checked.stdout) == json.loads(run_okg("validate", "--format", "json").stdout)
    for verb in (["stats", "--format", "csv"], ["view", "org-programme", "--format", "json"]):
        assert run_okg(*verb, "--store", "oxigraph").stdout == run_okg(*verb).stdout, verb
    exported = run_okg("export", "--store", "oxigraph", "--format", "nt")
    assert exported.returncode == 0 and exported.stdout.count("\n") == run_okg("export", "--format", "nt").stdout.count("\n")


@pytest.mark.parametrize("damage", ["garbage CURRENT", "foreign files", "corrupt MANIFEST"])
def test_a_corrupt_store_folder_is_a_clear_error(tmp_path, damage):
    folder = tmp_path / "store"
    if damage == "garbage CURRENT":
        folder.mkdir()
        (folder / "CURRENT").write_text("not a manifest name\n")
    elif damage == "foreign files":
        folder.mkdir()
        (folder / "notes.txt").write_text("my notes")
    else:
        OxStore(folder).load([ROOT / "graph" / "okg.trig"])
        for manifest in folder.glob("MANIFEST-*"):
            manifest.write_bytes(b"\x00garbage" * 64)
    done = run_okg("query", "articles", "--store", f"oxigraph:{folder}")
    assert done.returncode == 2
    assert str(folder) in done.stderr and "Traceback" not in done.stderr and len(done.stderr.splitlines()) == 1
    assert re.search(r"Oxigraph store|not an Oxigraph", done.stderr)


def test_an_unknown_store_is_refused():
    done = run_okg("query", "articles", "--store", "postgres")
    assert done.returncode == 2 and "unknown store 'postgres'" in done.stderr


def test_not_exists_becomes_minus_only_where_they_agree():
    simple = "SELECT ?f WHERE { ?f a ?c . FILTER NOT EXISTS { ?f okg:evidence ?e . ?e okg:quote ?q } }"
    assert "MINUS {" in not_exists_to_minus(simple) and "NOT EXISTS" not in not_exists_to_minus(simple)
    with_filter = "SELECT ?i WHERE { ?i a ?c FILTER NOT EXISTS { ?i okg:unit ?u . FILTER (STRLEN(STR(?u)) > 0) } }"
    assert "MINUS" in not_exists_to_minus(with_filter)
    for kept in (
        "SELECT ?x WHERE { ?x a ?c OPTIONAL { ?x ?p ?o } FILTER NOT EXISTS { ?x ?q ?z } }",  # ?x could be unbound
        "SELECT ?x WHERE { ?x a ?c FILTER NOT EXISTS { ?y ?q ?z } }",                          # shares nothing
        "SELECT ?x WHERE { ?x a ?c FILTER NOT EXISTS { ?y ?q ?z FILTER(?y != ?x) } }",         # outer variable in a filter
    ):
        assert not_exists_to_minus(kept) == kept


def test_serve_and_push_run_on_the_oxigraph_store(tmp_path):
    """okg serve --store oxigraph answers like the memory store; okg push --store oxigraph
    uploads the same graphs to a real oxigraph server."""
    import shutil
    import subprocess
    import sys
    import urllib.request

    from conftest import free_port, stop, wait_for_http

    local = run_okg("query", "organisations", "--format", "csv").stdout
    # in memory, and on disk (its query workers reopen the folder read-only)
    for store in ("oxigraph", f"oxigraph:{tmp_path / 'served'}"):
        port = free_port()
        server = subprocess.Popen([sys.executable, "-m", "okg", "serve", "--store", store, "--port", str(port)],
                                  cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        try:
            wait_for_http(f"http://127.0.0.1:{port}/queries", server)
            request = urllib.request.Request(f"http://127.0.0.1:{port}/queries/organisations",
                                             headers={"Accept": "text/csv"})
            served = [urllib.request.urlopen(request, timeout=30).read().decode("utf-8") for _ in range(6)]
        finally:
            stop(server)
        assert all(s.splitlines() == local.splitlines() for s in served) and "APEBI" in served[0], store

    binary = shutil.which("oxigraph")
    if binary is None:
        pytest.skip("the oxigraph server binary is not installed (pip install oxigraph)")
    port = free_port()
    remote = subprocess.Popen([binary, "serve", "--location", str(tmp_path / "remote"), "--bind", f"127.0.0.1:{port}"],
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        wait_for_http(f"http://127.0.0.1:{port}/query?query=ASK%7B%7D", remote)
        for _ in range(2):  # pushing again converges: PUT replaces each graph
            done = run_okg("push", "--store", "oxigraph", "--endpoint", f"http://127.0.0.1:{port}/store")
            assert done.returncode == 0, done.stderr
        counted = run_okg("query", "-e", "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }",
                          "--endpoint", f"http://127.0.0.1:{port}/query", "--format", "csv")
    finally:
        stop(remote)
    assert int(counted.stdout.splitlines()[1]) == len(okg.load(root=ROOT, store="oxigraph")) > 3000
