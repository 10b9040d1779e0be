"""okg export: every format parses back to the same graph; inferred triples on request."""

from __future__ import annotations

import pytest
from rdflib import Dataset, Graph
from rdflib.compare import isomorphic

FORMATS = {"ttl": "turtle", "nt": "nt", "nq": "nquads", "trig": "trig", "jsonld": "json-ld", "xml": "xml"}


@pytest.fixture(scope="module")
def asserted(kg):
    return kg.export(format="ttl")


@pytest.mark.parametrize("fmt", FORMATS)
def test_format_round_trips(kg, asserted, tmp_path, fmt):
    path = tmp_path / f"okg.{fmt}"
    kg.export(path)
    if fmt in ("nq", "trig", "jsonld"):
        data = Dataset()
        data.parse(path, format=FORMATS[fmt])
        graph = Graph()
        for s, p, o, _ in data.quads((None, None, None, None)):
            graph.add((s, p, o))
    else:
        graph = Graph().parse(path, format=FORMATS[fmt])
    assert isomorphic(graph, Graph().parse(data=asserted, format="turtle"))


def test_default_export_is_the_committed_union(kg, root, asserted):
    assert asserted == (root / "graph" / "okg.ttl").read_text(encoding="utf-8")


def test_with_inferred_adds_the_entailments(kg, asserted):
    plain = Graph().parse(data=asserted, format="turtle")
    full = Graph().parse(data=kg.export(format="ttl", with_inferred=True), format="turtle")
    assert len(full) > len(plain)
    assert (None, None, None) in full
    located = "https://w3id.org/okg/ontology#locatedIn"
    assert not any(str(p) == located for _, p, _ in plain)
    assert any(str(p) == located for _, p, _ in full)


def test_trig_keeps_one_graph_per_article(kg):
    data = Dataset()
    data.parse(data=kg.export(format="trig"), format="trig")
    names = {str(g.identifier) for g in data.graphs() if len(g)}
    assert len([n for n in names if "/id/article/" in n]) == 5


def test_cli_export_to_file_and_stdout(okg_cli, tmp_path):
    out = tmp_path / "okg.nt"
    assert okg_cli("export", "-o", str(out)).returncode == 0
    lines = out.read_text(encoding="utf-8").splitlines()
    assert lines == sorted(lines) and len(lines) > 1000
    stdout = okg_cli("export", "--format", "jsonld", "--with-inferred").stdout
    assert '"@id"' in stdout
