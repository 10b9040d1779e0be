"""okg synth: realistic, deterministic corpora that the real build path accepts."""

from __future__ import annotations

import collections
import re
from decimal import Decimal

import pytest

from okg.errors import OkgError
from okg.facts import load_sheets
from okg.synth import articles_for, synth

from conftest import run_okg


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    folder = tmp_path_factory.mktemp("synth")
    synth(folder, 12, seed=7)
    return folder


def test_same_seed_same_bytes_other_seed_other_corpus(corpus, tmp_path):
    synth(tmp_path / "a", 12, seed=7)
    synth(tmp_path / "b", 12, seed=8)
    files = sorted(p.name for p in (corpus / "seeds").iterdir())
    assert files == sorted(p.name for p in (tmp_path / "a" / "seeds").iterdir()) and len(files) == 24
    for name in files:
        assert (corpus / "seeds" / name).read_bytes() == (tmp_path / "a" / "seeds" / name).read_bytes()
    assert (corpus / "seeds" / files[0]).read_bytes() != (tmp_path / "b" / "seeds" / files[0]).read_bytes()


def test_the_real_build_accepts_it_and_it_conforms(corpus):
    """okg build: every quote found in its article, ids agree across sheets, SHACL and QC pass."""
    done = run_okg("build", env={"OKG_ROOT": str(corpus)}, cwd=corpus)
    assert done.returncode == 0, done.stderr
    assert (corpus / "graph" / "okg.trig").is_file()
    checked = run_okg("validate", env={"OKG_ROOT": str(corpus)}, cwd=corpus)
    assert checked.returncode == 0, checked.stdout


def test_organisations_are_shared_and_figures_sit_in_the_text(corpus):
    sheets = load_sheets(corpus / "seeds")
    seen = collections.Counter(f.id for s in sheets for f in s.all_facts() if f.kind == "organisations")
    assert seen.most_common(1)[0][1] >= 4  # a popular organisation recurs across articles
    assert sum(1 for n in seen.values() if n == 1) >= 5  # and a long tail appears once
    conventions = [f for s in sheets for f in s.all_facts() if f.kind == "conventions"]
    assert conventions and all(len(f.get("parties")) >= 2 for f in conventions)
    for sheet in sheets:
        for fact in sheet.all_facts():
            for quote in fact.evidence:
                assert sheet.article.text[quote.start:quote.end] == quote.text
            if fact.kind == "indicators":
                if fact.get("unit") == "percent":
                    assert Decimal(0) < fact.get("value") <= 100
                    assert f"{fact.get('value')}%" in fact.evidence[0].text
                digits = re.sub(r"\D", "", fact.evidence[0].text)
                assert digits, fact.evidence[0].text  # the figure is written in the quote


def test_articles_for_hits_the_triple_budget(tmp_path):
    from okg.compile import compile_sheets

    synth(tmp_path, articles_for(3_000), seed=2)
    dataset = compile_sheets(load_sheets(tmp_path / "seeds"))
    assert 2_400 <= len(dataset) <= 3_600


def test_cli_writes_a_project_and_refuses_someone_elses_folder(tmp_path):
    done = run_okg("synth", "--articles", "2", "-o", str(tmp_path / "p"))
    assert done.returncode == 0 and "wrote 2 articles" in done.stdout
    assert {p.name for p in (tmp_path / "p").iterdir()} == {"seeds", "ontology", "queries"}
    (tmp_path / "p" / "seeds" / "mine.yaml").write_text("article: {}\n")
    refused = run_okg("synth", "--articles", "2", "-o", str(tmp_path / "p"))
    assert refused.returncode == 2 and "okg synth did not write" in refused.stderr
    assert run_okg("synth", "-o", str(tmp_path / "q")).returncode == 2
    with pytest.raises(OkgError):
        synth(tmp_path / "r", 0)
