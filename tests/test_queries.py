"""The stored query library: every analyst query answers from the seed articles, and `okg query`
binds parameters as values, refuses bad ones, and prints the right thing for every query form.

Expected answers come from reading seeds/*.txt, not from running the queries.
"""

from __future__ import annotations

import json
import re
from decimal import Decimal

import pytest
from click.testing import CliRunner

import okg
from conftest import ROOT

CONTRACT_AND_STATS = {"articles", "organisations", "programmes", "conventions", "regions", "indicators",
                      "org-programme-links", "stats"}
APEBI_NAME = "Fédération marocaine des technologies de l'information, des télécommunications et de l'offshoring"
CONTRACTS_2015 = "offshoring-ecosystems-performance-contracts-2015"


def slug(iri: str | None) -> str | None:
    return iri.rsplit("/", 1)[-1] if iri else iri


def slugs(rows, column: str) -> set:
    return {slug(r[column]) for r in rows}


def article_text(stem: str) -> str:
    return next((ROOT / "seeds").glob(f"{stem}*.txt")).read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def asserted():
    """The seed graph without the inferred named graph (--no-inferred)."""
    return okg.load(root=ROOT, with_inferred=False)


def cli(*args: str):
    """`okg ARGS` in-process; `.out` is stdout as written (click's `.output` turns CRLF into LF)."""
    from okg.cli import main

    result = CliRunner().invoke(main, list(args), env={"OKG_ROOT": str(ROOT)})
    result.out = result.stdout_bytes.decode("utf-8")
    return result


# ---------------------------------------------------------------- the library itself


def test_at_least_fifteen_analyst_queries(kg):
    assert len(set(kg.stored()) - CONTRACT_AND_STATS) >= 15


@pytest.mark.parametrize("path", sorted((ROOT / "queries").glob("*.rq")), ids=lambda p: p.stem)
def test_every_query_has_a_grlc_header(path):
    from okg.queries import load_query

    query = load_query(path)
    assert path.read_text(encoding="utf-8").startswith("#+ summary:")
    assert query.summary and query.description and query.tags, path.name
    assert "ORDER BY" in query.text.rsplit("}", 1)[-1], f"{path.name} must end with ORDER BY"
    header = query.header.get("params") or []
    for raw in header:
        assert "default" in raw and raw.get("description"), f"{path.name}: parameter {raw['name']} needs a default and a description"
    for name in query.params:
        # A BIND target would be overwritten by rdflib's initBindings but joined by an
        # endpoint's VALUES block: the two would answer differently.
        assert not re.search(rf"\bAS\s+\?{re.escape(name)}\b", query.text), f"{path.name}: ?{name} is a BIND target"


# ---------------------------------------------------------------- organisations and programmes


def test_programmes_led_by_apebi(kg):
    rows = kg.query("programmes-led-by", organisation="id:organisation/apebi")
    # 001: "L'APEBI a eu l'occasion de présenter son programme régional de l'offshoring";
    # 000: "un centre de services APEBI orienté vers l'appui à l'export".
    assert {(slug(r["programme"]), slug(r["article"])) for r in rows} == {
        ("apebi-regional-offshoring-programme", "001_5e6b42abafa0d3dc"),
        ("apebi-export-support-centre", "000_a8a135500a8a405a"),
    }
    assert {r["organisationName"] for r in rows} == {APEBI_NAME}


def test_programmes_led_by_the_ministry_across_articles(kg):
    rows = kg.query("programmes-led-by", organisation="https://w3id.org/okg/id/organisation/ministry-of-industry")
    # 003: Plan Maroc Numeric and e-gov projects (2012); 002: the offshoring ecosystems (2015).
    assert slugs(rows, "programme") == {"plan-maroc-numeric", "e-gov-projects", "offshoring-ecosystems"}


def test_participants_of_the_offshoring_ecosystems(kg):
    rows = kg.query("programme-participants", programme="id:programme/offshoring-ecosystems")
    by_role = {}
    for r in rows:
        by_role.setdefault(r["role"], set()).add(slug(r["participant"]))
    # 002: the ministries of Industry and Finance, CDG, TMSA, the federation and AMRC signed the
    # performance contracts; the State backs the ecosystems.
    signatories = {"ministry-of-industry", "ministry-of-finance", "cdg", "tmsa", "apebi", "amrc"}
    assert by_role["leads"] == {"ministry-of-industry"}
    assert by_role["partner"] == signatories - {"ministry-of-industry"}
    assert by_role["funds"] == {"government-of-morocco"}
    assert by_role["party-to-convention"] == signatories
    assert {slug(r["convention"]) for r in rows if r["role"] == "party-to-convention"} == {CONTRACTS_2015}


def test_regions_take_part_in_the_regional_programme_through_its_conventions(kg):
    rows = kg.query("programme-participants", programme="id:programme/apebi-regional-offshoring-programme")
    # 001: "signatures de conventions avec les régions de Fès-Meknès, l'Oriental et Dakhla"
    regions = {slug(r["participant"]) for r in rows if r["participant"].split("/")[-2] == "region"}
    assert regions == {"fes-meknes", "oriental", "dakhla-oued-ed-dahab"}


def test_organisation_programmes_uses_the_inferred_involvement(kg, asserted):
    rows = kg.query("organisation-programmes", participant="id:region/fes-meknes")
    assert slugs(rows, "programme") == {"apebi-regional-offshoring-programme"}
    apebi = kg.query("organisation-programmes", participant="id:organisation/apebi")
    assert slugs(apebi, "programme") == {"apebi-regional-offshoring-programme", "apebi-export-support-centre",
                                         "circulaire-22-2020", "offshoring-ecosystems"}
    assert asserted.query("organisation-programmes", participant="id:region/fes-meknes") == []


def test_programme_funders(kg):
    rows = kg.query("programme-funders")
    # 000: "avec le soutien de la SFI"; 002: "L'accompagnement prévu par l'État", "des
    # investissements de l'État dans les plateformes industrielles intégrées".
    assert {(slug(r["funder"]), slug(r["programme"]), slug(r["leader"])) for r in rows} == {
        ("sfi", "apebi-export-support-centre", "apebi"),
        ("government-of-morocco", "offshoring-ecosystems", "ministry-of-industry"),
        ("government-of-morocco", "offshoring-integrated-industrial-platforms", None),
    }


# ---------------------------------------------------------------- conventions and regions


def test_conventions_of_morocco_include_those_found_through_the_hierarchy(kg):
    rows = kg.query("region-conventions", region="id:region/morocco")
    by_convention = {slug(r["convention"]): r for r in rows}
    assert set(by_convention) == {CONTRACTS_2015, "france-morocco-digital-partnership", "apebi-fes-meknes-convention",
                                  "apebi-oriental-convention", "apebi-dakhla-convention"}
    # 002: "ont été signés le 5 mai à Rabat" - Rabat is in Morocco only by inference.
    contracts = by_convention[CONTRACTS_2015]
    assert (contracts["link"], slug(contracts["through"]), contracts["viaHierarchy"]) == ("signed-in", "rabat", True)
    assert str(contracts["signed"]) == "2015-05-05"
    # 003: "le Maroc a scellé des partenariats" - Morocco itself is a party.
    assert by_convention["france-morocco-digital-partnership"]["viaHierarchy"] is False
    assert slug(by_convention["apebi-oriental-convention"]["through"]) == "oriental"


def test_without_inference_the_rabat_contracts_are_not_morocco_s(asserted):
    rows = asserted.query("region-conventions", region="id:region/morocco")
    assert slugs(rows, "convention") == {"france-morocco-digital-partnership"}
    rabat = asserted.query("region-conventions", region="id:region/rabat")
    assert slugs(rabat, "convention") == {CONTRACTS_2015}


def test_places_inside_morocco(kg, asserted):
    rows = kg.query("region-places", region="id:region/morocco")
    assert slugs(rows, "place") == {"rabat", "fes-meknes", "oriental", "dakhla-oued-ed-dahab"}
    assert {r["kind"] for r in rows if slug(r["place"]) == "rabat"} == {"city"}
    # Rabat is named by 002 and by 003
    assert {slug(r["article"]) for r in rows if slug(r["place"]) == "rabat"} == {"002_2d0035028c8bf154",
                                                                                  "003_c48c9d5ff8fff619"}
    assert asserted.query("region-places", region="id:region/morocco") == []


def test_parties_of_the_2015_contracts_and_what_else_they_signed(kg):
    rows = kg.query("convention-parties", convention=f"id:convention/{CONTRACTS_2015}")
    others = {}
    for r in rows:
        others.setdefault(slug(r["party"]), set()).add(slug(r["otherConvention"]))
    assert set(others) == {"ministry-of-industry", "ministry-of-finance", "cdg", "tmsa", "apebi", "amrc"}
    # 001: the federation signed conventions with three regions and worked with the ministry
    assert others["apebi"] == {"apebi-fes-meknes-convention", "apebi-oriental-convention", "apebi-dakhla-convention",
                               "ministry-of-industry-apebi-offshoring-collaboration"}
    assert others["ministry-of-industry"] == {"ministry-of-industry-apebi-offshoring-collaboration"}
    assert others["cdg"] == {None}


def test_co_signatories(kg):
    rows = kg.query("co-signatories", party="id:organisation/apebi")
    counts = {slug(r["coSignatory"]): r["conventions"] for r in rows}
    assert counts["ministry-of-industry"] == 2
    assert counts["fes-meknes"] == 1 and counts["cdg"] == 1
    assert slug(rows[0]["coSignatory"]) == "ministry-of-industry"  # most conventions first
    assert set(rows[0]["conventionNames"].split(" | ")) == {
        "contrats de performance pour l'installation des écosystèmes de l'Offshoring",
        "collaboration du ministère de l'Industrie et de l'APEBI pour le secteur de l'offshoring"}


def test_competitors_of_morocco_need_the_symmetric_inference(kg, asserted):
    rows = kg.query("competitors", actor="id:region/morocco")
    # 004: "laRoumanie et la Tunisie sont deux concurrents directs"
    assert slugs(rows, "competitor") == {"romania", "tunisia"}
    assert all("concurrents directs" in r["quote"] for r in rows)
    assert asserted.query("competitors", actor="id:region/morocco") == []


# ---------------------------------------------------------------- figures


def test_jobs_target_for_2020_against_jobs_employed(kg):
    rows = kg.query("targets-vs-actuals", measure="jobs")
    got = {(r["targetPeriod"], r["targetValue"], r["actualPeriod"], r["actualValue"], r["gap"], r["percentOfTarget"])
           for r in rows}
    # 002: "pas moins de 60.000 nouveaux emplois directs ... à l'horizon 2020" and "le secteur
    # emploie actuellement plus de 63.000 personnes" (2015); 001: "environ 120.000 personnes" (2019).
    assert got == {("2020", 60000, "2015", 63000, 3000, 105), ("2020", 60000, "2019", 120000, 60000, 200)}
    row = next(r for r in rows if r["actualPeriod"] == "2015")
    assert (row["targetApproximation"], row["actualApproximation"]) == ("at_least", "more_than")
    assert "60.000 nouveaux emplois directs" in row["targetQuote"]
    assert row["actualQuote"] == "le secteur emploie actuellement plus de 63.000 personnes"


def test_investment_target_against_actual(kg):
    rows = kg.query("targets-vs-actuals", measure="investment")
    # 002: "drainer des investissements de 1,5 milliard de dirhams"; 001: "près de 1,3 milliard
    # de dirhams d'investissements" in 2019.
    assert [(r["targetValue"], r["actualValue"], r["gap"]) for r in rows] == [
        (Decimal("1500000000"), Decimal("1300000000"), Decimal("-200000000"))]
    assert rows[0]["percentOfTarget"] == 87


def test_jobs_series_in_period_order(kg):
    rows = kg.query("indicator-series", measure="jobs", subject="id:sector/offshoring")
    assert [(r["period"], r["value"], r["approximation"], slug(r["article"])) for r in rows] == [
        ("2015", 63000, "more_than", "002_2d0035028c8bf154"),
        ("2019", 120000, "about", "001_5e6b42abafa0d3dc"),
    ]
    targets = kg.query("indicator-series", status="target")
    assert {r["measure"] for r in targets} == {"new-jobs", "additional-export-revenue", "investment"}


def test_no_conflicting_figures_between_the_seed_articles(kg):
    # The only measure and subject two seed articles share is offshoring jobs (002: 2015,
    # 001: 2019): different periods, so no disagreement; every other figure is stated once.
    assert kg.query("conflicting-figures") == []
    series = kg.query("indicator-series", measure="jobs")
    assert len({r["period"] for r in series}) == len(series)


CONFLICT = """\
@prefix okg: <https://w3id.org/okg/ontology#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
<https://w3id.org/okg/id/article/999_conflict> {
  <https://w3id.org/okg/id/article/999_conflict> a okg:Article ; okg:file "999_conflict.txt" .
  <https://w3id.org/okg/id/measure/jobs> a okg:Measure ; skos:notation "jobs" .
  <https://w3id.org/okg/id/indicator/offshoring-employment-2015-bis> a okg:Indicator ;
    okg:measure <https://w3id.org/okg/id/measure/jobs> ; okg:value "70000"^^xsd:decimal ; okg:unit "person" ;
    okg:approximation "exact" ; okg:status "actual" ; okg:period "2015" ;
    okg:subject <https://w3id.org/okg/id/sector/offshoring> ;
    okg:evidence <https://w3id.org/okg/id/evidence/999_conflict/0-40> .
  <https://w3id.org/okg/id/evidence/999_conflict/0-40> a okg:Evidence ;
    okg:quote "le secteur emploie 70.000 personnes" ; okg:start 0 ; okg:end 40 .
}
"""


def test_conflicting_figures_are_shown_side_by_side(tmp_path):
    extra = tmp_path / "conflict.trig"
    extra.write_text(CONFLICT, encoding="utf-8")
    kg = okg.load([ROOT / "graph" / "okg.trig", extra], root=ROOT)
    rows = kg.query("conflicting-figures")
    assert len(rows) == 1
    row = rows[0]
    assert (row["measure"], slug(row["subject"]), row["period"], row["status"]) == ("jobs", "offshoring", "2015", "actual")
    assert (row["valueA"], row["approximationA"], row["valueB"]) == (63000, "more_than", 70000)
    assert row["quoteA"] == "le secteur emploie actuellement plus de 63.000 personnes"
    assert row["quoteB"] == "le secteur emploie 70.000 personnes"
    assert (slug(row["articleA"]), slug(row["articleB"])) == ("002_2d0035028c8bf154", "999_conflict")
    result = cli("query", "conflicting-figures", "--data", str(ROOT / "graph" / "okg.trig"), "--data", str(extra),
                 "-p", "subject", "id:sector/offshoring", "--format", "csv")
    assert result.exit_code == 0 and "70000" in result.out


# ---------------------------------------------------------------- profile, timeline, search, review


@pytest.mark.parametrize("name", ["APEBI", "apebi", "Apébi", "la fédération",
                                  "FEDERATION MAROCAINE DES TECHNOLOGIES DE L'INFORMATION, DES TELECOMMUNICATIONS ET DE L'OFFSHORING",
                                  # 002's alias has a typographic apostrophe; typed with a straight one
                                  "Fédération des technologies de l'information, des télécommunications et de l'Offshoring"])
def test_profile_found_by_acronym_or_any_alias(kg, name):
    rows = kg.query("organisation-profile", name=name)
    assert slugs(rows, "organisation") == {"apebi"}


def test_apebi_profile(kg):
    rows = kg.query("organisation-profile", name="apebi")
    aspects = {}
    for r in rows:
        aspects.setdefault(r["aspect"], set()).add(r["value"] if r["aspect"] in ("name", "acronym", "alias") else slug(r["value"]))
    assert aspects["name"] == {APEBI_NAME}
    assert aspects["acronym"] == {"APEBI"}
    assert {"la fédération", "Apebi", "la représentation sectorielle"} <= aspects["alias"]
    assert aspects["article"] == {"000_a8a135500a8a405a", "001_5e6b42abafa0d3dc", "002_2d0035028c8bf154",
                                  "003_c48c9d5ff8fff619"}
    assert aspects["programme"] == {"apebi-regional-offshoring-programme", "apebi-export-support-centre",
                                    "circulaire-22-2020", "offshoring-ecosystems"}
    assert CONTRACTS_2015 in aspects["convention"] and len(aspects["convention"]) == 5
    # 000: "28 entreprises parmi les membres de la fédération, sont foncièrement exportatrices"
    assert "apebi-exporting-member-companies" in aspects["figure"]
    order = [r["aspect"] for r in rows]
    assert order.index("name") < order.index("alias") < order.index("programme") < order.index("figure")


def test_ministry_profile_by_an_alias_without_accents(kg):
    rows = kg.query("organisation-profile", name="ministere de l'economie numerique")
    assert slugs(rows, "organisation") == {"ministry-of-industry"}
    names = {r["value"] for r in rows if r["aspect"] == "alias"}
    assert "ministère de l'industrie, du commerce et des nouvelles technologies" in names  # 003, 2012
    assert kg.query("organisation-profile", name="Banque du Maghreb") == []


def test_timeline_by_date(kg):
    rows = kg.query("timeline")
    got = [(str(r["date"]), r["kind"], slug(r["event"])) for r in rows]
    assert got[:4] == [
        ("2012-08-08", "reference-date", "003_c48c9d5ff8fff619"),  # "mercredi 8 août" 2012
        ("2015-05-05", "reference-date", "002_2d0035028c8bf154"),
        ("2015-05-05", "signed", CONTRACTS_2015),                   # "signés le 5 mai à Rabat"
        ("2018-09-27", "published", "004_d897eb10a3b6210e"),        # "septembre 27, 2018"
    ]
    assert {(d, k) for d, k, _ in got[4:]} == {("2020-12-31", "target")}
    assert {e for _, _, e in got[4:]} == {"offshoring-ecosystems-new-jobs-target-2020",
                                          "offshoring-ecosystems-additional-export-revenue-target-2020",
                                          "offshoring-ecosystems-investment-target-2020"}
    signed = kg.query("timeline", kind="signed")
    assert [slug(r["event"]) for r in signed] == [CONTRACTS_2015]
    window = kg.query("timeline", **{"from": "2015-01-01", "to": "2019-12-31"})
    assert [str(r["date"]) for r in window] == ["2015-05-05", "2015-05-05", "2018-09-27"]


@pytest.mark.parametrize("text, expected", [
    ("relation client", {("amrc", "prefLabel"), ("crm", "prefLabel"), ("amrc", "quote"), ("crm", "quote"),
                         (CONTRACTS_2015, "quote")}),
    ("FES MEKNES", {("fes-meknes", "prefLabel"), ("fes-meknes", "quote"), ("apebi-fes-meknes-convention", "prefLabel"),
                    ("apebi-fes-meknes-convention", "quote"), ("apebi-oriental-convention", "quote"),
                    ("apebi-dakhla-convention", "quote"), ("oriental", "quote"), ("dakhla-oued-ed-dahab", "quote"),
                    ("001_5e6b42abafa0d3dc", "title")}),
    ("horizon 2020", {("offshoring-ecosystems-additional-export-revenue-target-2020", "quote")}),
    ("Aamara", {("ministry-of-industry", "quote"), ("plan-maroc-numeric", "quote")}),
])
def test_search_ignores_case_accents_and_spacing(kg, text, expected):
    rows = kg.query("search", text=text)
    assert {(slug(r["node"]), r["field"]) for r in rows} == expected
    for r in rows:
        if r["field"] == "quote":
            assert article_text(slug(r["article"]))[r["start"]:r["end"]] == r["match"]


def test_every_fact_of_an_article_with_quote_and_offsets(kg):
    rows = kg.query("article-facts", article="id:article/003_c48c9d5ff8fff619")
    text = article_text("003")
    assert all(text[r["start"]:r["end"]] == r["quote"] for r in rows)
    assert [r["start"] for r in rows] == sorted(r["start"] for r in rows)
    kinds = {}
    for r in rows:
        kinds.setdefault(r["kind"], set()).add(slug(r["fact"]))
    # 003 names the ministry, Apebi and iDate; no figure ("the article states no figure")
    assert kinds["Organisation"] == {"ministry-of-industry", "apebi", "idate"}
    assert kinds["Programme"] == {"plan-maroc-numeric", "e-gov-projects", "co-localisation"}
    assert kinds["Convention"] == {"france-morocco-digital-partnership"}
    assert kinds["Region"] == {"morocco", "rabat", "france", "eurozone"}
    assert "Indicator" not in kinds
    by_file = kg.query("article-facts", file="003_c48c9d5ff8fff619.txt")
    assert by_file == rows


def test_shared_facts(kg):
    rows = {slug(r["fact"]): r["articles"] for r in kg.query("shared-facts")}
    assert rows["morocco"] == 5 and rows["offshoring"] == 5
    assert rows["apebi"] == 4 and rows["ministry-of-industry"] == 3
    assert "idate" not in rows
    assert slugs(kg.query("shared-facts", minArticles=4), "fact") == {"morocco", "offshoring", "apebi"}


# ---------------------------------------------------------------- okg query: parameters


def test_unknown_parameter_lists_the_valid_ones():
    result = cli("query", "timeline", "-p", "since", "2015-01-01")
    assert result.exit_code == 2
    assert "unknown parameter 'since'" in result.stderr and "valid parameters: from, to, kind" in result.stderr


@pytest.mark.parametrize("query, name, value, message", [
    ("programmes-led-by", "organisation", "apebi", "is not an IRI"),
    ("programmes-led-by", "organisation", "id:organisation/apebi> } ; DROP ALL ; #", "is not an IRI"),
    ("shared-facts", "minArticles", "two", "is not a number"),
    ("shared-facts", "minArticles", "2.5", "is not an integer"),
    ("timeline", "from", "2015-02-30", "invalid date"),
])
def test_values_that_do_not_fit_the_declared_type(query, name, value, message):
    result = cli("query", query, "-p", name, value)
    assert result.exit_code == 2 and message in result.stderr
    assert "Traceback" not in result.stderr and len(result.stderr.strip().splitlines()) == 1


INJECTIONS = ['x"} ; DROP ALL ; SELECT * { ?s ?p ?o', "apebi\" || true || \"", '"""\n} #']


@pytest.mark.parametrize("value", INJECTIONS)
def test_injection_is_bound_as_a_value(kg, value):
    assert kg.query("article-facts", file=value) == []
    assert kg.query("indicator-series", measure=value, status=value) == []
    result = cli("query", "timeline", "-p", "kind", value, "--format", "csv")
    assert result.exit_code == 0 and result.out == "date,kind,event,label,quote,article\r\n"


def test_injection_through_the_text_filters(kg):
    assert kg.query("organisation-profile", name=INJECTIONS[0]) == []
    result = cli("query", "search", "-p", "text", INJECTIONS[1], "--format", "csv")
    assert result.exit_code == 0 and result.out == "node,kind,field,match,start,end,article\r\n"


def test_with_values_escapes_what_it_writes():
    from rdflib import Literal, Variable

    from okg.queries import with_values

    text = with_values("SELECT ?x WHERE { ?x ?p ?text }", {Variable("text"): Literal('a"} ; DROP ALL\n#')})
    assert 'VALUES (?text) { ("a\\"} ; DROP ALL\\n#") }' in text
    from rdflib.plugins.sparql import prepareQuery

    prepareQuery(text)


@pytest.mark.parametrize("fmt, expected", [
    ("csv", "date,kind,event,label,quote,article\r\n"),
    ("tsv", "?date\t?kind\t?event\t?label\t?quote\t?article\n"),
    ("table", "date  kind  event  label  quote  article\n"),
])
def test_a_query_that_returns_nothing_prints_the_header_only(fmt, expected):
    result = cli("query", "timeline", "-p", "from", "2030-01-01", "--format", fmt)
    assert result.exit_code == 0
    assert result.out.startswith(expected)
    assert result.out.count("\n") == (3 if fmt == "table" else 1)


def test_json_of_an_empty_result():
    result = cli("query", "timeline", "-p", "from", "2030-01-01", "--format", "json")
    data = json.loads(result.out)
    assert data == {"head": {"vars": ["date", "kind", "event", "label", "quote", "article"]}, "results": {"bindings": []}}


# ---------------------------------------------------------------- okg query: forms and sources


def test_construct_gives_turtle_and_other_graph_formats(tmp_path):
    from rdflib import Graph

    query = "CONSTRUCT { ?p okg:ledBy ?o } WHERE { ?p okg:ledBy ?o }"
    result = cli("query", "-e", f"PREFIX okg: <https://w3id.org/okg/ontology#> {query}")
    assert result.exit_code == 0 and result.out.startswith("@prefix")
    graph = Graph().parse(data=result.out, format="turtle")
    assert len(graph) == 7  # the seven programme leads the sheets state
    out = tmp_path / "leads.nt"
    assert cli("query", "-e", f"PREFIX okg: <https://w3id.org/okg/ontology#> {query}", "-o", str(out)).exit_code == 0
    assert len(Graph().parse(out, format="nt")) == 7
    result = cli("query", "-e", f"PREFIX okg: <https://w3id.org/okg/ontology#> {query}", "--format", "csv")
    assert result.exit_code == 2 and "unknown graph format 'csv'" in result.stderr


def test_ask_and_describe():
    ask = "PREFIX okg: <https://w3id.org/okg/ontology#> ASK { ?c okg:signedIn <https://w3id.org/okg/id/region/rabat> }"
    assert cli("query", "-e", ask, "--format", "json").out == '{"head": {}, "boolean": true}\n'
    assert cli("query", "-e", ask, "--format", "table").out == "true\n"
    assert "<boolean>true</boolean>" in cli("query", "-e", ask, "--format", "xml").out
    describe = cli("query", "-e", "DESCRIBE <https://w3id.org/okg/id/organisation/sfi>", "--format", "nt")
    assert describe.exit_code == 0
    assert '<https://w3id.org/okg/id/organisation/sfi> <http://www.w3.org/2004/02/skos/core#prefLabel> ' \
           '"Société Financière Internationale"@fr .' in describe.out


def test_a_query_file_and_inline_sparql(tmp_path):
    path = tmp_path / "amrc.rq"
    path.write_text("#+ summary: AMRC\nPREFIX okg: <https://w3id.org/okg/ontology#>\n"
                    "SELECT ?o WHERE { ?o okg:acronym \"AMRC\" } ORDER BY ?o\n", encoding="utf-8")
    result = cli("query", str(path))
    assert result.exit_code == 0 and result.out == "o\r\nhttps://w3id.org/okg/id/organisation/amrc\r\n"
    result = cli("query", "-e", "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?a a okg:Article } }")
    assert result.out == "n\r\n5\r\n"  # the okg: prefix (and id:, skos:...) need no PREFIX line
    assert cli("query", "articles", "-e", "SELECT * {}").exit_code == 2
    assert cli("query").exit_code == 2


@pytest.mark.parametrize("name, check", [
    ("out.csv", lambda b: b.startswith(b"date,kind,label\r\n2012-08-08,reference-date,")),
    ("out.srj", lambda b: json.loads(b)["head"]["vars"] == ["date", "kind", "label"]),
    ("out.srx", lambda b: b.startswith(b'<?xml version="1.0" encoding="utf-8"?>\n<sparql xmlns=')),
    ("out.tsv", lambda b: b.startswith(b"?date\t?kind\t?label\n")),
])
def test_output_file_format_from_its_extension(tmp_path, name, check):
    out = tmp_path / name
    result = cli("query", "timeline", "--columns", "date,kind,label", "-o", str(out))
    assert result.exit_code == 0 and result.out == ""
    assert check(out.read_bytes())


def test_unknown_output_extension_or_column():
    assert "unknown result format 'docx'" in cli("query", "timeline", "-o", "/tmp/x.docx").stderr
    result = cli("query", "timeline", "--columns", "date,when")
    assert result.exit_code == 2 and "no column 'when'" in result.stderr and "columns: date, kind" in result.stderr


def test_data_reads_any_rdf_file(tmp_path):
    ttl = tmp_path / "tiny.ttl"
    ttl.write_text("@prefix okg: <https://w3id.org/okg/ontology#> .\n<http://example.org/x> okg:acronym \"XYZ\" .\n")
    result = cli("query", "-e", "SELECT ?o WHERE { ?o <https://w3id.org/okg/ontology#acronym> ?a }", "--data", str(ttl))
    assert result.out == "o\r\nhttp://example.org/x\r\n"
    nq = tmp_path / "graph.nq"
    okg.load(root=ROOT).export(nq, "nq")
    result = cli("query", "programmes-led-by", "-p", "organisation", "id:organisation/sfi", "--data", str(nq))
    assert result.exit_code == 0 and result.out.count("\r\n") == 1  # SFI funds, leads nothing


def test_no_inferred_leaves_out_the_inferred_graph():
    with_inf = cli("query", "region-conventions", "-p", "region", "id:region/morocco")
    without = cli("query", "region-conventions", "-p", "region", "id:region/morocco", "--no-inferred")
    assert with_inf.out.count("\r\n") == 6 and without.out.count("\r\n") == 2


def test_queries_lists_names_summaries_and_parameters(kg):
    result = cli("queries")
    assert result.exit_code == 0
    for name, query in kg.stored().items():
        assert name in result.out
    assert "text:string (required)" in result.out and "name:string=APEBI" in result.out
    detail = cli("queries", "targets-vs-actuals")
    assert "-p measure:string" in detail.out and "run: okg query targets-vs-actuals" in detail.out
    assert cli("queries", "target-vs-actual").exit_code == 2
