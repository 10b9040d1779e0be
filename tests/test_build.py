"""okg build: deterministic files, named graphs per article, useful inference."""

from __future__ import annotations

import shutil

from rdflib import BNode, URIRef
from rdflib.namespace import RDF

from okg.compile import build
from okg.namespaces import ID, INFERRED_GRAPH, OKG, ONTOLOGY_GRAPH, article_iri


def test_committed_graph_is_up_to_date(okg_cli):
    result = okg_cli("build", "--check")
    assert result.returncode == 0, result.stderr
    assert "up to date" in result.stdout


def test_building_twice_gives_byte_identical_files(tmp_path, root):
    for name in ("seeds", "ontology", "queries"):
        shutil.copytree(root / name, tmp_path / name)
    first = build(tmp_path).files
    again = build(tmp_path, check=True)
    assert again.stale == []
    assert {p.name: t for p, t in first.items()} == {
        p.name: (root / "graph" / p.name).read_text(encoding="utf-8") for p in first}


def test_check_flags_a_stale_graph(tiny_project, okg_cli):
    assert okg_cli("build", cwd=tiny_project).returncode == 0
    sheet = tiny_project / "seeds" / "002_2d0035028c8bf154.yaml"
    sheet.write_text(sheet.read_text(encoding="utf-8").replace("value: 60000", "value: 60001"), encoding="utf-8")
    result = okg_cli("build", "--check", cwd=tiny_project)
    assert result.returncode == 1
    assert "stale: graph/okg.trig" in result.stderr


def test_no_blank_nodes_in_graph_files(root):
    for name in ("okg.trig", "okg.ttl"):
        assert "_:" not in (root / "graph" / name).read_text(encoding="utf-8")


def test_one_named_graph_per_article_plus_ontology_and_inferred(kg):
    names = {g.identifier for g in kg.dataset.graphs() if len(g)}
    articles = {article_iri(p) for p in ("000_a8a135500a8a405a", "001_5e6b42abafa0d3dc",
                                         "002_2d0035028c8bf154", "003_c48c9d5ff8fff619",
                                         "004_d897eb10a3b6210e")}
    assert articles | {ONTOLOGY_GRAPH, INFERRED_GRAPH} == names


def test_inferred_graph_holds_only_new_triples(kg):
    inferred = set(kg.dataset.graph(INFERRED_GRAPH))
    asserted = {t for g in kg.dataset.graphs() if g.identifier != INFERRED_GRAPH for t in g}
    assert inferred and not inferred & asserted
    assert not any(isinstance(term, BNode) for triple in inferred for term in triple)


def test_convention_signed_in_rabat_is_located_in_morocco_by_inference(kg):
    contracts = ID["convention/offshoring-ecosystems-performance-contracts-2015"]
    inferred = kg.dataset.graph(INFERRED_GRAPH)
    assert (contracts, OKG.locatedIn, ID["region/morocco"]) in inferred
    assert (ID["region/morocco"], OKG.hasPart, ID["region/rabat"]) in inferred
    assert (ID["organisation/apebi"], OKG.partyTo, contracts) in inferred
    assert (ID["organisation/apebi"], OKG.leads, ID["programme/apebi-regional-offshoring-programme"]) in inferred


def test_article_mentions_its_facts_by_inference(kg):
    inferred = kg.dataset.graph(INFERRED_GRAPH)
    assert (article_iri("002_2d0035028c8bf154"), OKG.mentions, ID["organisation/amrc"]) in inferred


def test_facts_are_typed_by_superclasses(kg):
    inferred = kg.dataset.graph(INFERRED_GRAPH)
    assert (ID["organisation/apebi"], RDF.type, URIRef("http://www.w3.org/ns/org#Organization")) in inferred


def test_bad_sheet_leaves_graph_untouched(tiny_project, okg_cli):
    assert okg_cli("build", cwd=tiny_project).returncode == 0
    before = {p.name: p.read_bytes() for p in (tiny_project / "graph").iterdir()}
    sheet = tiny_project / "seeds" / "002_2d0035028c8bf154.yaml"
    sheet.write_text(sheet.read_text(encoding="utf-8").replace("à Rabat\"]", "à Casablanca\"]"), encoding="utf-8")
    result = okg_cli("build", cwd=tiny_project)
    assert result.returncode == 2
    assert {p.name: p.read_bytes() for p in (tiny_project / "graph").iterdir()} == before
