"""The Python API: `okg.load()`, `kg.query(name, **params)`, `kg.sparql(text)`, `kg.export(path)`,
`kg.view(name)` - everything the CLI does is one call here."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from rdflib import Graph

import okg
from conftest import ROOT


def test_load_finds_the_built_graph(monkeypatch):
    monkeypatch.setenv("OKG_ROOT", str(ROOT))
    kg = okg.load()
    assert isinstance(kg, okg.KG) and len(kg) > 1000
    assert "targets-vs-actuals" in kg.stored()


def test_query_returns_rows_of_python_values(kg):
    rows = kg.query("indicator-series", measure="jobs")
    assert isinstance(rows, okg.Rows)
    assert rows.columns[:4] == ["measure", "subject", "subjectName", "period"]
    first = rows[0]
    assert first["value"] == Decimal("63000") and isinstance(first["value"], Decimal)
    assert first["subject"] == "https://w3id.org/okg/id/sector/offshoring"
    assert rows.column("period") == ["2015", "2019"]
    signed = kg.query("timeline", kind="signed")[0]["date"]
    assert signed == dt.date(2015, 5, 5)


def test_a_parameter_called_name_does_not_clash(kg):
    rows = kg.query("organisation-profile", name="AMRC")
    assert {r["organisation"] for r in rows} == {"https://w3id.org/okg/id/organisation/amrc"}


def test_rows_as_a_dataframe(kg):
    pd = pytest.importorskip("pandas")
    df = kg.query("targets-vs-actuals").df
    assert isinstance(df, pd.DataFrame)
    assert list(df.columns) == kg.query("targets-vs-actuals").columns
    jobs = df[df["measure"] == "jobs"].sort_values("actualPeriod")
    assert list(jobs["actualValue"]) == [63000, 120000]
    assert list(jobs["gap"]) == [3000, 60000]


def test_sparql_for_every_query_form(kg):
    rows = kg.sparql("PREFIX okg: <https://w3id.org/okg/ontology#> "
                     "SELECT ?o WHERE { ?o okg:acronym ?a } ORDER BY ?o")
    assert rows.column("o")[0] == "https://w3id.org/okg/id/organisation/amrc"
    assert kg.sparql("ASK { <https://w3id.org/okg/id/region/rabat> "
                     "<https://w3id.org/okg/ontology#locatedIn> <https://w3id.org/okg/id/region/morocco> }") is True
    graph = kg.sparql("CONSTRUCT { ?c <https://w3id.org/okg/ontology#signedIn> ?p } "
                      "WHERE { ?c <https://w3id.org/okg/ontology#signedIn> ?p }")
    assert isinstance(graph, Graph) and len(graph) == 1


def test_bad_parameters_raise_okg_error(kg):
    with pytest.raises(okg.OkgError, match="unknown parameter 'organization'.*valid parameters: organisation"):
        kg.query("programmes-led-by", organization="id:organisation/apebi")
    with pytest.raises(okg.OkgError, match="is not an IRI"):
        kg.query("programmes-led-by", organisation="APEBI")
    with pytest.raises(okg.OkgError, match="missing parameter 'text'"):
        kg.query("search")
    with pytest.raises(okg.OkgError, match="unknown query 'programme-led-by'.*did you mean 'programmes-led-by'"):
        kg.query("programme-led-by")


def test_optional_parameters_left_out_return_everything(kg):
    everyone = kg.query("programmes-led-by")
    assert {r["organisation"].rsplit("/", 1)[-1] for r in everyone} == {
        "apebi", "ministry-of-industry", "head-of-government", "government-of-morocco"}


def test_export_writes_a_file(kg, tmp_path):
    path = tmp_path / "okg.ttl"
    text = kg.export(path)
    assert path.read_text(encoding="utf-8") == text
    assert len(Graph().parse(path, format="turtle")) > 1000
    nt = kg.export(tmp_path / "okg.nt")
    assert nt.splitlines() == sorted(nt.splitlines())


def test_view_returns_a_networkx_graph(kg):
    nx = pytest.importorskip("networkx")
    views = pytest.importorskip("okg.views")
    name = next(iter(views.available(kg)))
    graph = kg.view(name)
    assert isinstance(graph, nx.Graph) and graph.number_of_nodes() > 0
