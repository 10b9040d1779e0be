"""The scale path gives owlrl's and pySHACL's answers: same inferred triples, same findings."""

from __future__ import annotations


import pytest

pyoxigraph = pytest.importorskip("pyoxigraph")

import okg  # noqa: E402
from okg import fastpath  # noqa: E402
from okg.compile import compile_sheets, load_ontology  # noqa: E402
from okg.errors import OkgError  # noqa: E402
from okg.namespaces import INFERRED_GRAPH, OKG, ONTOLOGY_GRAPH, article_iri  # noqa: E402
from okg.oxstore import OxStore, from_rdflib  # noqa: E402
from okg.reason import infer  # noqa: E402
from okg.validate import load_shapes, validate  # noqa: E402

from conftest import ROOT  # noqa: E402

INVALID = sorted((ROOT / "tests" / "data" / "invalid").glob("*.ttl"))


def canonical(triples) -> set[str]:
    """Triples as Oxigraph writes them (one lexical form per value), so 60000.0 == 60000."""
    store = pyoxigraph.Store()
    graph = pyoxigraph.NamedNode("urn:x")
    store.extend(pyoxigraph.Quad(*(from_rdflib(t) for t in triple[:3]), graph) for triple in triples)
    return {str(q.triple) for q in store}


def inferred(store: OxStore) -> set[str]:
    graph = pyoxigraph.NamedNode(str(INFERRED_GRAPH))
    return {str(q.triple) for q in store.store.quads_for_pattern(None, None, None, graph)}


def fast_store(sheets, ontology) -> OxStore:
    store = OxStore()
    fastpath.compile_into(store, sheets, ontology)
    fastpath.materialise(store, ontology)
    return store


@pytest.fixture(scope="module")
def ontology():
    return load_ontology(ROOT / "ontology" / "okg.ttl")


@pytest.fixture(scope="module")
def synthetic_10k(tmp_path_factory, ontology):
    """A ~10k-triple synthetic corpus: the owlrl/rdflib answers and the fast path's store."""
    from okg.synth import articles_for, synth

    folder = tmp_path_factory.mktemp("synth10k")
    synth(folder, articles_for(10_000), seed=1)
    sheets = fastpath.load_sheets(folder / "seeds")
    dataset = compile_sheets(sheets, ontology)
    asserted = [t for g in dataset.graphs() if g.identifier not in (ONTOLOGY_GRAPH,) and len(g) for t in g]
    assert 8_000 < len(asserted) < 12_000
    expected = infer(ontology, asserted)
    target = dataset.graph(INFERRED_GRAPH)
    for triple in expected:
        target.add(triple)
    return {"folder": folder, "dataset": dataset, "expected": expected, "store": fast_store(sheets, ontology)}


def test_seed_entailments_equal_owlrl(kg, ontology):
    store = OxStore()
    store.load([ROOT / "graph" / "okg.trig"])  # built by okg build: its inferred graph is owlrl's
    owlrl = canonical(kg.dataset.graph(INFERRED_GRAPH))
    assert fastpath.materialise(store, ontology) == len(owlrl) > 1000
    assert inferred(store) == owlrl


def test_synthetic_10k_entailments_equal_owlrl(synthetic_10k):
    got = inferred(synthetic_10k["store"])
    assert got == canonical(synthetic_10k["expected"])
    assert any("#mentions>" in t for t in got) and any("#involvedIn>" in t for t in got)


def test_synthetic_10k_validation_equals_pyshacl(synthetic_10k, ontology):
    folder = synthetic_10k["folder"]
    shapes = load_shapes(folder / "ontology" / "shapes.ttl")
    slow = validate(synthetic_10k["dataset"], shapes, folder / "queries" / "qc", ontology)
    fast = fastpath.validate(synthetic_10k["store"], shapes, folder / "queries" / "qc", ontology)
    assert fast.findings == slow.findings and fast.rules == slow.rules


# The same damage done to both stores: a few violations among 10k valid triples.
DAMAGE = """
PREFIX okg: <https://w3id.org/okg/ontology#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>
DELETE { GRAPH ?g { ?c okg:party ?p } } WHERE { GRAPH ?g { ?c a okg:Convention ; okg:party ?p } } ;
INSERT { GRAPH ?g { ?r okg:kind "village" } } WHERE { GRAPH ?g { ?r okg:kind "city" } } ;
DELETE { GRAPH ?g { ?i okg:unit ?u } } INSERT { GRAPH ?g { ?i okg:unit "percent" } }
  WHERE { GRAPH ?g { ?i okg:measure <https://w3id.org/okg/id/measure/new-jobs> ; okg:unit ?u } } ;
INSERT { GRAPH ?g { ?o skos:prefLabel "second name" } } WHERE { GRAPH ?g { ?o a okg:Sector ; skos:prefLabel ?l } }
"""


def test_damaged_synthetic_10k_validation_equals_pyshacl(synthetic_10k, ontology):
    folder = synthetic_10k["folder"]
    shapes = load_shapes(folder / "ontology" / "shapes.ttl")
    dataset, store = synthetic_10k["dataset"], synthetic_10k["store"]
    dataset.update(DAMAGE)
    store.update(DAMAGE)
    store.refresh_union()
    slow = validate(dataset, shapes, folder / "queries" / "qc", ontology)
    fast = fastpath.validate(store, shapes, folder / "queries" / "qc", ontology)
    assert len(slow.failing()) > 50 and {"Violation", "Warning"} >= {f.severity for f in slow.findings}
    assert numbers_as_values(fast.findings) == numbers_as_values(slow.findings) and fast.rules == slow.rules


def numbers_as_values(findings):
    """Findings with sh:value numbers compared as numbers: a graph compiled in memory (never written)
    holds 45600 where the built graph file, and the fast path, say 45600.0."""
    from decimal import Decimal, InvalidOperation

    def value(text):
        try:
            return Decimal(text)
        except InvalidOperation:
            return text

    return [(f.source, f.severity, f.focus, f.message, f.path, value(f.value)) for f in findings]


@pytest.mark.parametrize("fixture", INVALID, ids=[p.stem for p in INVALID])
def test_each_negative_fixture_gets_pyshacls_report(fixture):
    slow = okg.load(fixture, root=ROOT).validate()
    fast = okg.load(fixture, root=ROOT, store="oxigraph").validate()
    assert not slow.conforms("warning")
    assert fast.findings == slow.findings and fast.rules == slow.rules


def test_fast_build_compiles_the_same_triples(kg, ontology):
    from okg.facts import load_sheets

    store = OxStore()
    fastpath.compile_into(store, fastpath.load_sheets(ROOT / "seeds"), ontology)
    expected = compile_sheets(load_sheets(ROOT / "seeds"), ontology)
    for name in ("000_a8a135500a8a405a", "002_2d0035028c8bf154"):
        graph = pyoxigraph.NamedNode(f"https://w3id.org/okg/id/article/{name}")
        got = {str(q.triple) for q in store.store.quads_for_pattern(None, None, None, graph)}
        assert got == canonical(expected.graph(article_iri(name)))


def test_rules_follow_the_ontology(kg, ontology):
    """Add an axiom: the rules (and the entailments) change with it, and still match owlrl."""
    from rdflib.namespace import OWL

    extended = load_ontology(ROOT / "ontology" / "okg.ttl")
    extended.add((OKG.fundedProgramme, OWL.inverseOf, OKG.funds))
    extended.add((OKG.mentionedIn, OWL.inverseOf, OKG.mentions))
    texts = [r.text for r in fastpath.rules(extended)]
    assert not any("fundedProgramme" in t for t in fastpath_texts(ontology))
    assert any("fundedProgramme" in t for t in texts)
    store = OxStore()
    store.load([ROOT / "graph" / "okg.trig"])
    fastpath.materialise(store, extended)
    asserted = [t for g in kg.dataset.graphs() if str(g.identifier).startswith("https://w3id.org/okg/id/") for t in g]
    assert inferred(store) == canonical(infer(extended, asserted))
    assert any("fundedProgramme" in t for t in inferred(store)) and any("mentionedIn" in t for t in inferred(store))


def fastpath_texts(ontology):
    return [r.text for r in fastpath.rules(ontology)]


def test_axioms_outside_the_rules_are_refused(ontology):
    from rdflib import BNode
    from rdflib.namespace import OWL, RDF, RDFS

    restricted = load_ontology(ROOT / "ontology" / "okg.ttl")
    node = BNode()
    restricted.add((node, RDF.type, OWL.Restriction))
    restricted.add((node, OWL.onProperty, OKG.ledBy))
    restricted.add((OKG.LedProgramme, RDFS.subClassOf, node))
    with pytest.raises(OkgError, match="Restriction"):
        fastpath.rules(restricted)


def test_a_functional_property_with_two_values_is_an_error(ontology):
    store = OxStore()
    store.load([ROOT / "graph" / "okg.trig"])
    indicator = "https://w3id.org/okg/id/indicator/apebi-exporting-member-companies"
    store.update(f"INSERT DATA {{ GRAPH <https://w3id.org/okg/id/article/000_a8a135500a8a405a> "
                 f"{{ <{indicator}> <{OKG.measure}> <https://w3id.org/okg/id/measure/jobs> }} }}")
    store.refresh_union()
    with pytest.raises(OkgError) as err:
        fastpath.materialise(store, ontology)
    assert indicator in str(err.value) and "sameAs" in str(err.value)


def test_sheets_read_with_libyaml_are_the_sheets_okg_reads():
    from okg.facts import load_sheets

    fast, slow = fastpath.load_sheets(ROOT / "seeds"), load_sheets(ROOT / "seeds")
    assert [(s.path, s.article, [f for f in s.all_facts()]) for s in fast] == \
           [(s.path, s.article, [f for f in s.all_facts()]) for s in slow]
