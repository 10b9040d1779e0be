"""Bad input: one line on stderr naming the place, exit 2, no traceback, graph/ untouched."""

from __future__ import annotations

import pytest


SHEET = "seeds/002_2d0035028c8bf154.yaml"
ARTICLE = "seeds/002_2d0035028c8bf154.txt"


def assert_clean_error(result, *fragments):
    assert result.returncode == 2, (result.stdout, result.stderr)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "Traceback" not in result.stderr
    for fragment in fragments:
        assert fragment in lines[0], lines[0]


def edit(project, old, new, path=SHEET):
    file = project / path
    text = file.read_text(encoding="utf-8")
    assert old in text
    file.write_text(text.replace(old, new, 1), encoding="utf-8")


@pytest.mark.parametrize("old, new, fragments", [
    ("organisations:\n", "organisations:\n  - {id: x\n", (SHEET + ":5:5:", "malformed YAML")),
    ("led_by: [cdg]", "led_by: [cdgg]", (SHEET, "programme offshoring-ecosystems", "unknown id 'cdgg'")),
    ('["le groupe CDG"]', '["le groupe CDG marocain"]', (SHEET, "organisation cdg", "quote not found")),
    ("value: 60000", "value: soixante", (SHEET, "indicator jobs-2020", "not a number")),
    ("unit: job", "unit: jobs", (SHEET, "indicator jobs-2020", "unknown unit 'jobs'")),
    ("status: target", "status: hoped", (SHEET, "indicator jobs-2020", "unknown status 'hoped'")),
    ("signed: 2015-05-05", "signed: 2015-02-30", (SHEET, "convention contracts", "invalid date '2015-02-30'")),
    ('period: "2020"', 'period: "2020-13"', (SHEET, "indicator jobs-2020", "invalid date in period")),
    ("kind: city", "kind: town", (SHEET, "region rabat", "unknown region kind 'town'")),
    ("- {id: cdg,", "- {id: CDG!,", (SHEET, "invalid id 'CDG!'")),
])
def test_bad_sheet(tiny_project, okg_cli, old, new, fragments):
    assert okg_cli("build", cwd=tiny_project).returncode == 0
    before = (tiny_project / "graph" / "okg.trig").read_bytes()
    edit(tiny_project, old, new)
    assert_clean_error(okg_cli("build", cwd=tiny_project), *fragments)
    assert (tiny_project / "graph" / "okg.trig").read_bytes() == before


@pytest.mark.parametrize("content, fragment", [
    (None, "article file not found"),
    (b"", "article is empty"),
    (b"  \n\t\n", "article is empty"),
    ("Offshoring à Rabat".encode("latin-1"), "not UTF-8"),
])
def test_bad_article_file(tiny_project, okg_cli, content, fragment):
    article = tiny_project / ARTICLE
    if content is None:
        article.unlink()
    else:
        article.write_bytes(content)
    assert_clean_error(okg_cli("build", cwd=tiny_project), ARTICLE.split("/")[1], fragment)
    assert not (tiny_project / "graph").exists()


def test_turtle_syntax_error_in_data(tmp_path, okg_cli):
    bad = tmp_path / "bad.ttl"
    bad.write_text("@prefix ex: <http://example.org/> .\nex:a ex:b ex:c .\nex:a ex:b \"unclosed .\n")
    assert_clean_error(okg_cli("query", "articles", "--data", str(bad)), "bad.ttl", "syntax error")


def test_unknown_query_suggests_the_closest(okg_cli):
    assert_clean_error(okg_cli("query", "organisation"), "unknown query 'organisation'", "did you mean 'organisations'")


def test_missing_parameter(tmp_path, okg_cli):
    query = tmp_path / "by-acronym.rq"
    query.write_text("#+ summary: by acronym\n#+ params:\n#+   - {name: acronym, type: string, required: true}\n"
                     "PREFIX okg: <https://w3id.org/okg/ontology#>\nSELECT ?o WHERE { ?o okg:acronym ?acronym } ORDER BY ?o\n")
    assert_clean_error(okg_cli("query", str(query)), "missing parameter 'acronym'", "-p acronym")
    result = okg_cli("query", str(query), "-p", "acronym", "APEBI", "--format", "csv")
    assert result.returncode == 0 and "organisation/apebi" in result.stdout


def test_unknown_parameter_lists_valid_ones(tmp_path, okg_cli):
    query = tmp_path / "q.rq"
    query.write_text("#+ params:\n#+   - {name: acronym, type: string}\nSELECT ?acronym WHERE {} ORDER BY ?acronym\n")
    assert_clean_error(okg_cli("query", str(query), "-p", "acronyme", "X"), "unknown parameter 'acronyme'",
                       "valid parameters: acronym")


def test_sparql_syntax_error_has_line_and_column(okg_cli):
    result = okg_cli("query", "-e", "SELECT ?x WHERE {\n  ?x ?y \n}")
    assert_clean_error(result, "inline:", "SPARQL syntax error")
    assert ":3:" in result.stderr or ":2:" in result.stderr


def test_unknown_export_format(okg_cli, tmp_path):
    assert_clean_error(okg_cli("export", "-o", str(tmp_path / "out.docx")), "unknown graph format 'docx'")
    assert not (tmp_path / "out.docx").exists()
