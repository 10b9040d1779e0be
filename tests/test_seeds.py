"""The seed articles and their curated fact sheets: verbatim, complete, traceable."""

from __future__ import annotations

from decimal import Decimal

import pytest
from rdflib.namespace import SKOS

from conftest import ROOT, SHARED_SEEDS
from okg.namespaces import OKG, ID


@pytest.mark.skipif(not SHARED_SEEDS.is_dir(), reason="../shared/seeds is not beside the project")
@pytest.mark.parametrize("name", sorted(p.name for p in (ROOT / "seeds").glob("*.txt")))
def test_seed_articles_are_byte_identical_to_shared(name):
    assert (ROOT / "seeds" / name).read_bytes() == (SHARED_SEEDS / name).read_bytes()


def test_one_sheet_per_article():
    texts = sorted(p.stem for p in (ROOT / "seeds").glob("*.txt"))
    sheets = sorted(p.stem for p in (ROOT / "seeds").glob("*.yaml"))
    assert texts == sheets and len(texts) == 5


def test_every_quote_is_at_its_offsets_in_the_article(kg):
    rows = kg.sparql("""
        PREFIX okg: <https://w3id.org/okg/ontology#>
        SELECT ?file ?quote ?start ?end WHERE {
          ?e a okg:Evidence ; okg:quote ?quote ; okg:start ?start ; okg:end ?end ;
             okg:inArticle/okg:file ?file .
        }""")
    assert len(rows) > 100
    texts = {p.name: p.read_text(encoding="utf-8") for p in (ROOT / "seeds").glob("*.txt")}
    for row in rows:
        assert texts[row["file"]][row["start"]:row["end"]] == row["quote"]


def test_article_metadata_never_guessed(sheets):
    assert sheets["004"].article.published.isoformat() == "2018-09-27"
    for stem in ("000", "001", "002", "003"):
        assert sheets[stem].article.published is None
    assert sheets["002"].article.reference_date.isoformat() == "2015-05-05"
    assert sheets["003"].article.reference_date.isoformat() == "2012-08-08"


def _indicators(sheet):
    return {(f.get("value"), f.get("unit")): f for f in sheet.facts["indicators"]}


@pytest.mark.parametrize("stem, value, unit, approximation, period, status", [
    ("000", 28, "company", "exact", None, "actual"),
    ("000", 96, "percent", "about", None, "actual"),
    ("000", 245000000, "MAD", "about", None, "actual"),
    ("000", 40, "percent", "more_than", None, "actual"),
    ("000", 94, "percent", "exact", None, "actual"),
    ("001", 1300000000, "MAD", "about", "2019", "actual"),
    ("001", 120000, "person", "about", "2019", "actual"),
    ("001", 14000000000, "MAD", "exact", "2019", "actual"),
    ("001", 3, "measure", "exact", "2020", "actual"),
    ("002", 60000, "job", "at_least", "2020", "target"),
    ("002", 18000000000, "MAD", "exact", "2020", "target"),
    ("002", 1500000000, "MAD", "exact", "2020", "target"),
    ("002", 63000, "person", "more_than", "2015", "actual"),
    ("002", 8000000000, "MAD", "about", "2015", "actual"),
    ("002", 5, "sector", "exact", "2015", "actual"),
])
def test_stated_figures_are_in_the_sheets(sheets, stem, value, unit, approximation, period, status):
    fact = _indicators(sheets[stem])[(Decimal(value), unit)]
    assert (fact.get("approximation"), fact.get("period"), fact.get("status")) == (approximation, period, status)


def test_same_organisation_is_one_iri_across_articles(kg):
    rows = kg.query("organisations")
    apebi = [r for r in rows if r["acronym"] == "APEBI"]
    assert {r["organisation"] for r in apebi} == {str(ID["organisation/apebi"])}
    assert len({r["article"] for r in apebi}) == 4  # 000, 001, 002, 003
    labels = {str(o) for o in kg.dataset.objects(ID["organisation/apebi"], SKOS.altLabel)}
    assert "Apebi" in labels
    assert any("Fédération des technologies" in label for label in labels)


def test_regional_conventions_of_001(sheets):
    conventions = sheets["001"].facts["conventions"]
    parties = {p for c in conventions for p in c.get("parties")}
    assert {"apebi", "fes-meknes", "oriental", "dakhla-oued-ed-dahab"} <= parties


def test_performance_contracts_2015(sheets):
    (contracts,) = sheets["002"].facts["conventions"]
    assert contracts.get("signed").isoformat() == "2015-05-05"
    assert contracts.get("place") == "rabat"
    assert set(contracts.get("parties")) == {"ministry-of-industry", "ministry-of-finance", "cdg",
                                             "tmsa", "apebi", "amrc"}


def test_competitors_of_morocco(kg):
    competitors = {str(o) for o in kg.dataset.objects(ID["region/morocco"], OKG.competitor)}
    assert {str(ID["region/romania"]), str(ID["region/tunisia"])} <= competitors
