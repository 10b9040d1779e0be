"""Views: stored queries folded into NetworkX graphs; filters; metrics; the `okg view` verb."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import networkx as nx
import pytest

import okg
from conftest import ROOT
from okg.errors import OkgError
from okg.views import available, metrics, metrics_text

ID = "https://w3id.org/okg/id/"
VIEWS = {"org-programme", "org-network", "conventions", "regions"}

# A graph whose labels try everything: HTML, quotes, emoji, right-to-left Arabic.
WEIRD_LABELS = {
    "html": "<script>alert(1)</script>",
    "quotes": "l'\"Agence\" d’État & co",
    "emoji": "Programme 🚀 numérique",
    "arabic": "الوكالة المغربية لتنمية الاستثمارات",
}
WEIRD_TRIG = """\
@prefix okg: <https://w3id.org/okg/ontology#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@base <https://w3id.org/okg/id/> .

<article/900_weird> {
    <article/900_weird> a okg:Article ; okg:file "900_weird.txt" .
    <organisation/html> a okg:Organisation ; skos:prefLabel "%(html)s"@fr ; okg:acronym "<b>X</b>" ;
        okg:evidence <evidence/900_weird/0-10> .
    <organisation/arabic> a okg:Organisation ; skos:prefLabel "%(arabic)s"@ar .
    <organisation/quotes> a okg:Organisation ; skos:prefLabel "%(quotes)s"@fr .
    <programme/emoji> a okg:Programme ; skos:prefLabel "%(emoji)s"@fr ;
        okg:ledBy <organisation/html> ; okg:partner <organisation/arabic> ; okg:fundedBy <organisation/quotes> ;
        okg:evidence <evidence/900_weird/20-40> .
    <evidence/900_weird/0-10> okg:inArticle <article/900_weird> ; okg:quote "</script><script>alert(2)</script>" ;
        okg:start 0 .
    <evidence/900_weird/20-40> okg:inArticle <article/900_weird> ; okg:quote "« 🚀 » \\"quoted\\" الوكالة" ;
        okg:start 20 .
}
""" % {k: v.replace('"', '\\"') for k, v in WEIRD_LABELS.items()}


@pytest.fixture(scope="session")
def weird_kg(tmp_path_factory):
    path = tmp_path_factory.mktemp("weird") / "weird.trig"
    path.write_text(WEIRD_TRIG, encoding="utf-8")
    return okg.load(path, root=ROOT)


@pytest.fixture(scope="session")
def org_programme(kg):
    return kg.view("org-programme")


def article_text(iri: str) -> str:
    return (ROOT / "seeds" / f"{iri.rsplit('/', 1)[-1]}.txt").read_text(encoding="utf-8")


# ---------------------------------------------------------------- the four views


def test_views_are_listed_from_the_query_folder(kg):
    assert set(available(kg)) == VIEWS  # nodes.rq is a helper, not a view
    for view in available(kg).values():
        assert view.summary and view.title and view.relations


def test_org_programme_matches_the_contract_query(kg, org_programme):
    rows = kg.query("org-programme-links")
    pairs = {}
    for row in rows:
        pairs.setdefault((row["organisation"], row["programme"]), set()).add(row["relation"])
    assert org_programme.number_of_edges() == len(pairs)
    assert set(org_programme.nodes) == {n for pair in pairs for n in pair}
    for (org, programme), relations in pairs.items():
        edge = org_programme.edges[org, programme]
        assert set(edge["relations"]) == relations
        assert edge["relation"] == edge["relations"][0]
        assert org_programme.nodes[org]["type"] == "Organisation"
        assert org_programme.nodes[programme]["type"] == "Programme"
    assert nx.is_bipartite(org_programme)


def test_every_link_carries_quotes_found_in_its_articles(org_programme):
    for a, b, edge in org_programme.edges(data=True):
        assert edge["evidence"], (a, b)
        assert edge["quotes"] and edge["articles"]
        for ev in edge["evidence"]:
            assert ev["quote"] in article_text(ev["article"])
            assert ev["relation"] in edge["relations"]
            assert ev["article"] in edge["articles"]


def test_link_quotes_prefer_the_ones_naming_the_organisation(org_programme):
    sfi = org_programme.edges[ID + "organisation/sfi", ID + "programme/apebi-export-support-centre"]
    assert sfi["relation"] == "funds"
    assert all("SFI" in q for q in sfi["quotes"])
    # AMRC takes part through the performance contracts: the quote listing the signatories wins
    amrc = org_programme.edges[ID + "organisation/amrc", ID + "programme/offshoring-ecosystems"]
    assert any("Association marocaine de la relation client" in q for q in amrc["quotes"])


def test_node_attributes(org_programme):
    apebi = org_programme.nodes[ID + "organisation/apebi"]
    assert apebi["acronym"] == "APEBI" and apebi["type"] == "Organisation"
    assert apebi["label"].startswith("Fédération marocaine des technologies")
    assert len(apebi["articles"]) >= 3
    for node, data in org_programme.nodes(data=True):
        assert set(data) >= {"type", "label", "acronym", "degree", "articles", "quotes"}
        assert data["degree"] == org_programme.degree(node)
        for quote in data["quotes"]:
            assert quote["quote"] in article_text(quote["article"])
    assert org_programme.graph["name"] == "org-programme"
    assert len(org_programme.graph["articles"]) == 5


def test_org_network_links_co_signatories_with_weights(kg):
    graph = kg.view("org-network")
    assert {d["type"] for _, d in graph.nodes(data=True)} == {"Organisation"}
    parties = {}
    for row in kg.query("conventions"):
        if row["party"] and row["party"].startswith(ID + "organisation/"):
            parties.setdefault(row["convention"], set()).add(row["party"])
    for members in parties.values():
        for a in members:
            for b in members - {a}:
                assert "co-signs" in graph.edges[a, b]["relations"]
    pair = graph.edges[ID + "organisation/apebi", ID + "organisation/ministry-of-industry"]
    assert pair["weight"] >= 2  # two conventions and shared programmes
    assert all(d["weight"] >= len(d["relations"]) for _, _, d in graph.edges(data=True))


def test_conventions_view_has_parties_and_places(kg):
    graph = kg.view("conventions")
    rows = kg.query("conventions")
    for row in rows:
        assert graph.nodes[row["convention"]]["type"] == "Convention"
        if row["party"]:
            assert "party" in graph.edges[row["convention"], row["party"]]["relations"]
        if row["place"]:
            assert "signed-in" in graph.edges[row["convention"], row["place"]]["relations"]


def test_regions_view_has_the_hierarchy_and_every_region(kg):
    graph = kg.view("regions")
    rows = kg.query("regions")
    for row in rows:
        assert graph.nodes[row["region"]]["type"] == "Region"
        if row["partOf"]:
            assert "part-of" in graph.edges[row["region"], row["partOf"]]["relations"]
    competitor = graph.edges[ID + "region/morocco", ID + "region/tunisia"]
    assert competitor["relation"] == "competitor"
    assert any("Tunisie" in q for q in competitor["quotes"])


# ---------------------------------------------------------------- filters


def test_filter_by_article_keeps_that_article_only(kg):
    graph = kg.view("org-programme", article="001")
    assert graph.number_of_edges() >= 1
    assert list(graph.graph["articles"]) == [ID + "article/001_5e6b42abafa0d3dc"]
    for _, data in graph.nodes(data=True):
        assert data["articles"] == [ID + "article/001_5e6b42abafa0d3dc"]
    for _, _, data in graph.edges(data=True):
        assert data["articles"] == [ID + "article/001_5e6b42abafa0d3dc"]
    same = kg.view("org-programme", article="001_5e6b42abafa0d3dc.txt")
    assert set(same.edges) == set(graph.edges)


def test_filter_by_type_and_degree(kg, org_programme):
    orgs = kg.view("conventions", type="Organisation,convention")
    assert {d["type"] for _, d in orgs.nodes(data=True)} == {"Organisation", "Convention"}
    hubs = kg.view("org-programme", min_degree=3)
    assert set(hubs) == {n for n, d in org_programme.degree() if d >= 3}
    assert all(d["degree"] == hubs.degree(n) for n, d in hubs.nodes(data=True))


def test_an_article_without_links_gives_an_empty_view(kg):
    graph = kg.view("org-programme", article="004")
    assert graph.number_of_nodes() == 0 and graph.number_of_edges() == 0


@pytest.mark.parametrize("name, filters, message", [
    ("org-programs", {}, "unknown view 'org-programs'"),
    ("org-programme", {"colour": "red"}, "unknown filter 'colour'"),
    ("org-programme", {"article": "999"}, "no such article"),
    ("org-programme", {"article": "00"}, "matches several articles"),
    ("org-programme", {"type": "Person"}, "unknown node type 'Person'"),
    ("org-programme", {"min_degree": "two"}, "not a whole number"),
])
def test_bad_view_requests_are_input_errors(kg, name, filters, message):
    with pytest.raises(OkgError, match=message):
        kg.view(name, **filters)


def custom_view(tmp_path: Path, header: str, select: str = "?source ?target ?relation ?via ?article ?quote") -> Path:
    """A project copy whose queries/views/ holds one more view, org-programme's query under HEADER."""
    import shutil

    root = tmp_path / "project"
    shutil.copytree(ROOT / "queries", root / "queries")
    body = (ROOT / "queries" / "views" / "org-programme.rq").read_text(encoding="utf-8").split("PREFIX", 1)[1]
    body = body.replace("SELECT DISTINCT ?source ?target ?relation ?via ?article ?quote", f"SELECT DISTINCT {select}")
    (root / "queries" / "views" / "custom.rq").write_text(f"{header}PREFIX{body}", encoding="utf-8")
    return root


@pytest.mark.parametrize("rank", ["[2, 1]", "{source: two}", "{via: 1}"])
def test_a_malformed_view_rank_is_refused(kg, tmp_path, rank):
    root = custom_view(tmp_path, f"#+ view:\n#+   title: Custom\n#+   rank: {rank}\n")
    with pytest.raises(OkgError, match="view rank .* is not a mapping"):
        okg.load(ROOT / "graph" / "okg.trig", root=root).view("custom")


def test_rank_weights_decide_which_quotes_a_link_keeps(tmp_path):
    """With no rank every quote of the link is kept; a view computing its own ?rank is taken at its word."""
    flat = okg.load(ROOT / "graph" / "okg.trig", root=custom_view(tmp_path / "a", "#+ view:\n#+   title: Flat\n"))
    ranked = okg.load(ROOT / "graph" / "okg.trig", root=ROOT).view("org-programme")
    unranked = flat.view("custom")
    sfi = (ID + "organisation/sfi", ID + "programme/apebi-export-support-centre")
    assert set(ranked.edges[sfi]["quotes"]) < set(unranked.edges[sfi]["quotes"])
    assert any("SFI" not in quote for quote in unranked.edges[sfi]["quotes"])
    own = okg.load(ROOT / "graph" / "okg.trig", root=custom_view(
        tmp_path / "b", "#+ view:\n#+   title: Own\n#+   rank: {source: 2, target: 1}\n",
        "?source ?target ?relation ?via ?article ?quote (0 AS ?rank)")).view("custom")
    assert own.edges[sfi]["quotes"] == unranked.edges[sfi]["quotes"]


def test_unknown_view_suggests_the_close_name(kg):
    with pytest.raises(OkgError, match="did you mean 'org-programme'"):
        kg.view("org-programm")


def test_weird_labels_survive_untouched(weird_kg):
    graph = weird_kg.view("org-programme")
    labels = {d["label"] for _, d in graph.nodes(data=True)}
    assert labels == set(WEIRD_LABELS.values())
    assert graph.nodes[ID + "organisation/html"]["acronym"] == "<b>X</b>"
    assert graph.edges[ID + "organisation/html", ID + "programme/emoji"]["relation"] == "leads"


# ---------------------------------------------------------------- metrics


def test_metrics_per_node(org_programme):
    graph = org_programme.copy()
    result = metrics(graph)
    assert result.sampled_k is None and "exact" in result.note
    assert len(result.rows) == graph.number_of_nodes()
    hub = max(result.rows, key=lambda r: r["betweenness"])
    assert hub["node"] == ID + "programme/offshoring-ecosystems"
    for row in result.rows:
        assert row["degree"] == graph.degree(row["node"])
        assert 0.0 <= row["betweenness"] <= 1.0
        assert row["community"] >= 1
        assert graph.nodes[row["node"]]["community"] == row["community"]
    # communities follow the links: the offshoring-ecosystems signatories sit together
    assert graph.nodes[ID + "organisation/amrc"]["community"] == graph.nodes[hub["node"]]["community"]


def test_large_graphs_sample_betweenness_and_say_so():
    graph = nx.path_graph(30)
    nx.set_node_attributes(graph, {n: {"label": str(n), "type": "Other", "degree": graph.degree(n)} for n in graph})
    result = metrics(graph, sample_above=20, k=10)
    assert result.sampled_k == 10
    assert "estimated from 10 sampled nodes of 30" in result.note
    assert json.loads(metrics_text(result, "json"))["betweenness"] == {"sampled": True, "k": 10}


def test_metrics_formats(org_programme):
    result = metrics(org_programme.copy())
    rows = list(csv.DictReader(io.StringIO(metrics_text(result, "csv"))))
    assert list(rows[0]) == ["node", "label", "type", "degree", "betweenness", "community"]
    assert len(rows) == org_programme.number_of_nodes()
    assert json.loads(metrics_text(result, "json", "org-programme"))["view"] == "org-programme"
    assert "betweenness" in metrics_text(result, "table").splitlines()[0]
    with pytest.raises(OkgError):
        metrics_text(result, "xlsx")


def test_metrics_on_an_empty_view(kg):
    assert metrics(kg.view("org-programme", article="004")).rows == []


# ---------------------------------------------------------------- the CLI verb


def test_cli_lists_and_summarises(okg_cli):
    listing = okg_cli("view")
    assert listing.returncode == 0
    for name in VIEWS:
        assert name in listing.stdout
    summary = okg_cli("view", "org-programme")
    assert summary.returncode == 0 and "nodes:" in summary.stdout and "Organisation" in summary.stdout


def test_cli_metrics_csv(okg_cli):
    result = okg_cli("view", "org-network", "--metrics", "--format", "csv")
    assert result.returncode == 0, result.stderr
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert {r["type"] for r in rows} == {"Organisation"}
    assert "betweenness: exact" in result.stderr


def test_cli_writes_a_file_and_prints_formats(okg_cli, tmp_path, org_programme):
    out = tmp_path / "links.gexf"
    result = okg_cli("view", "org-programme", "--filter", "min-degree=2", "-o", str(out))
    assert result.returncode == 0, result.stderr
    assert "wrote" in result.stderr
    # one pass: nodes of degree >= 2 in the whole view stay, degrees are then recounted
    assert set(nx.read_gexf(out)) == {n for n, d in org_programme.degree() if d >= 2}
    printed = okg_cli("view", "regions", "--format", "json")
    assert printed.returncode == 0 and json.loads(printed.stdout)["graph"]["name"] == "regions"


@pytest.mark.parametrize("args, fragment", [
    (["view", "nope"], "unknown view 'nope'"),
    (["view", "org-programme", "-o", "links.xlsx"], "unknown view format 'xlsx'"),
    (["view", "org-programme", "-o", "links"], "no format"),
    (["view", "org-programme", "-o", str(ROOT / "README.md" / "links.html")], "cannot write"),
    (["view", "org-programme", "--filter", "article"], "is not KEY=VALUE"),
    (["view", "org-programme", "--filter", "type=Person"], "unknown node type"),
    (["view", "org-programme", "--format", "png"], "cannot be printed"),
    (["view", "org-programme", "--metrics", "--format", "xml"], "unknown metrics format"),
])
def test_cli_bad_input_is_one_line_and_exit_2(args, fragment):
    from click.testing import CliRunner

    from okg.cli import main

    result = CliRunner().invoke(main, args)  # in-process: the same group turns errors into exit 2
    assert result.exit_code == 2, (result.stdout, result.stderr)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and fragment in lines[0], result.stderr
    assert not list(Path(ROOT).glob(".links*.tmp"))


def test_cli_bad_view_name_from_the_real_entry_point(okg_cli):
    result = okg_cli("view", "org-programs")
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert result.stderr.strip() == ("okg: unknown view 'org-programs' (did you mean 'org-programme'? "
                                     "views: conventions, org-network, org-programme, regions)")
