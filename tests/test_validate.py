"""okg validate: the seed graph conforms; every negative fixture is flagged as it says."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from rdflib import Graph

import okg
from conftest import ROOT

INVALID = sorted((ROOT / "tests" / "data" / "invalid").glob("*.ttl"))


def expectation(path: Path) -> tuple[str, str]:
    source, message = path.read_text(encoding="utf-8").splitlines()[0].removeprefix("# expect: ").split(" | ")
    return source, message


def test_seed_graph_conforms(kg):
    report = kg.validate()
    assert report.conforms(), report.text()
    assert set(report.rules) >= {"fact-without-evidence", "duplicate-acronym", "indicator-without-unit",
                                 "convention-without-party", "orphan-region", "quote-offsets"}
    assert all(count == 0 for count in report.rules.values())


def test_every_shape_and_rule_has_a_fixture():
    from okg.validate import qc_rules

    sources = {expectation(p)[0] for p in INVALID}
    shapes = Graph().parse(ROOT / "ontology" / "shapes.ttl")
    node_shapes = {str(s) for s in shapes.subjects(predicate=None, object=None)
                   if str(s).startswith("https://w3id.org/okg/shapes#") and not str(s).endswith("prefixes")}
    assert node_shapes <= sources
    assert {f"qc:{r.name}" for r in qc_rules(ROOT / "queries" / "qc")} <= sources


@pytest.mark.parametrize("path", INVALID, ids=[p.stem for p in INVALID])
def test_fixture_is_flagged(path):
    source, message = expectation(path)
    report = okg.load(path, root=ROOT).validate()
    hits = [f for f in report.findings if f.source == source and message in f.message]
    assert hits, report.text()
    fail_on = hits[0].severity
    assert not report.conforms(fail_on)


def test_cli_exit_codes(okg_cli):
    assert okg_cli("validate").returncode == 0
    result = okg_cli("validate", str(ROOT / "tests/data/invalid/qc-orphan-region.ttl"))
    assert result.returncode == 1
    assert "Rule orphan-region: 1 violation(s)" in result.stdout
    warning = str(ROOT / "tests/data/invalid/shape-programme-nobody.ttl")
    assert okg_cli("validate", warning).returncode == 0
    assert okg_cli("validate", warning, "--fail-on", "warning").returncode == 1


def test_report_formats(okg_cli):
    fixture = str(ROOT / "tests/data/invalid/shape-indicator-percent.ttl")
    data = json.loads(okg_cli("validate", fixture, "--format", "json").stdout)
    assert data["conforms"] is False
    assert any("between 0 and 100" in f["message"] for f in data["findings"])
    turtle = okg_cli("validate", fixture, "--format", "turtle").stdout
    report = Graph().parse(data=turtle, format="turtle")
    assert len(list(report.subjects(predicate=None, object=None))) > 1
