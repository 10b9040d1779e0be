"""The seven contract queries: exact names and columns, answers from the articles."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

CONTRACT = {
    "articles": "article file title published source",
    "organisations": "organisation name acronym article",
    "programmes": "programme name leader leaderName article",
    "conventions": "convention name signed place party partyName article",
    "regions": "region name kind partOf article",
    "indicators": "indicator measure value unit approximation period status subject subjectName quote article",
    "org-programme-links": "organisation organisationName programme programmeName relation article",
}


@pytest.mark.parametrize("name, columns", CONTRACT.items())
def test_columns_are_the_contract(kg, name, columns):
    assert kg.query(name).columns == columns.split()


@pytest.mark.parametrize("name", CONTRACT)
def test_query_files_have_header_and_order_by(root, name):
    text = (root / "queries" / f"{name}.rq").read_text(encoding="utf-8")
    assert text.startswith("#+ summary:")
    assert "ORDER BY" in text.rsplit("}", 1)[-1]


def test_articles(kg):
    rows = {r["file"][:3]: r for r in kg.query("articles")}
    assert len(rows) == 5
    assert str(rows["004"]["published"]) == "2018-09-27"
    assert rows["002"]["published"] is None
    assert rows["001"]["source"] and "Inspirations" in rows["001"]["source"]


def test_indicators_json_lists_every_figure_with_its_quote(okg_cli, sheets):
    result = okg_cli("query", "indicators", "--format", "json")
    assert result.returncode == 0
    data = json.loads(result.stdout)
    assert data["head"]["vars"] == CONTRACT["indicators"].split()
    rows = data["results"]["bindings"]
    expected = {(f.id, s.article.stem) for s in sheets.values() for f in s.facts["indicators"]}
    got = {(r["indicator"]["value"].rsplit("/", 1)[-1], r["article"]["value"].rsplit("/", 1)[-1]) for r in rows}
    assert got == expected
    by_id = {r["indicator"]["value"].rsplit("/", 1)[-1]: r for r in rows}
    jobs = by_id["offshoring-ecosystems-new-jobs-target-2020"]
    assert Decimal(jobs["value"]["value"]) == 60000
    assert jobs["value"]["datatype"].endswith("#decimal")
    assert "60.000 nouveaux emplois directs" in jobs["quote"]["value"]
    assert (jobs["approximation"]["value"], jobs["period"]["value"], jobs["status"]["value"]) == ("at_least", "2020", "target")


def test_programmes_and_leaders(kg):
    rows = kg.query("programmes")
    leaders = {(r["programme"].rsplit("/", 1)[-1], r["leaderName"]) for r in rows}
    assert ("apebi-regional-offshoring-programme",
            "Fédération marocaine des technologies de l'information, des télécommunications et de l'offshoring") in leaders


def test_conventions_one_row_per_party(kg):
    rows = [r for r in kg.query("conventions") if r["convention"].endswith("performance-contracts-2015")]
    assert len(rows) == 6
    assert {str(r["signed"]) for r in rows} == {"2015-05-05"}
    assert {r["place"].rsplit("/", 1)[-1] for r in rows} == {"rabat"}


def test_regions_hierarchy(kg):
    rows = {r["region"].rsplit("/", 1)[-1]: r for r in kg.query("regions")}
    assert rows["rabat"]["kind"] == "city" and rows["rabat"]["partOf"].endswith("/morocco")
    assert rows["fes-meknes"]["kind"] == "region"


def test_org_programme_links_relations(kg):
    rows = kg.query("org-programme-links")
    relations = {r["relation"] for r in rows}
    assert relations == {"leads", "takes-part", "funds"}
    funds = {(r["organisationName"], r["programme"].rsplit("/", 1)[-1]) for r in rows if r["relation"] == "funds"}
    assert any("Financière Internationale" in name for name, _ in funds)
