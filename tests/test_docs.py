"""Docs that run: every `$ okg ...` line of the README exits as shown, the Python session is a
doctest, and the query table between the README's markers is what `okg queries --format markdown` generates."""

from __future__ import annotations

import doctest
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT

DOCS = [ROOT / "README.md"]
# Long-running servers cannot be run as one-shot lines.
NOT_RUN = {"serve": "starts a server that runs until stopped"}


def console_lines(path: Path) -> list[tuple[str, int, str]]:
    """(command, line number, first line of the output shown) for each `$ okg` line of a console block."""
    if not path.is_file():
        return []
    found, in_console = [], False
    lines = path.read_text(encoding="utf-8").splitlines()
    for i, line in enumerate(lines):
        if line.startswith("```"):
            in_console = line.strip() == "```console"
            continue
        if in_console and line.startswith("$ okg"):
            shown = lines[i + 1] if i + 1 < len(lines) else ""
            found.append((line[2:], i + 1, shown))
    return found


CASES = [(path, *case) for path in DOCS for case in console_lines(path)]


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    """A copy of the project, so lines that build or write files touch only a temp dir."""
    copy = tmp_path_factory.mktemp("project")
    for name in ("ontology", "queries", "seeds", "graph", "docs"):
        if (ROOT / name).exists():
            shutil.copytree(ROOT / name, copy / name)
    for name in ("README.md", "pyproject.toml"):
        if (ROOT / name).exists():
            shutil.copy(ROOT / name, copy / name)
    return copy


@pytest.mark.parametrize("path, command, lineno, shown", CASES,
                         ids=[f"{p.name}:{n}" for p, _, n, _ in CASES])
def test_console_line_runs(project, path, command, lineno, shown):
    verb = command.split()[1] if len(command.split()) > 1 else ""
    if verb in NOT_RUN:
        pytest.skip(f"{path.name}:{lineno}: okg {verb} {NOT_RUN[verb]}")
    # `okg` is this interpreter's okg; the exit status is okg's even when piped into head/cut
    script = f'okg() {{ "{sys.executable}" -m okg "$@"; }}\n{command}\nexit ${{PIPESTATUS[0]}}\n'
    env = {**os.environ, "OKG_ROOT": str(project)}
    result = subprocess.run(["bash", "-c", script], cwd=project, env=env, capture_output=True, text=True,
                            timeout=300)
    expected = 2 if shown.startswith("okg: ") else 0
    assert result.returncode == expected, f"{path.name}:{lineno}: $ {command}\n{result.stderr[-2000:]}"
    if expected:
        assert result.stderr.strip().splitlines()[0] == shown


@pytest.mark.parametrize("path", [p for p in DOCS if p.is_file() and "```pycon" in p.read_text(encoding="utf-8")],
                         ids=lambda p: p.name)
def test_python_session_is_a_doctest(project, path, monkeypatch):
    text = path.read_text(encoding="utf-8")
    blocks = re.findall(r"```pycon\n(.*?)```", text, re.S)
    monkeypatch.setenv("OKG_ROOT", str(project))
    monkeypatch.chdir(project)
    parser, runner = doctest.DocTestParser(), doctest.DocTestRunner(
        optionflags=doctest.NORMALIZE_WHITESPACE | doctest.ELLIPSIS)
    for i, block in enumerate(blocks):
        test = parser.get_doctest(block, {}, f"{path.name}[pycon {i}]", str(path), 0)
        runner.run(test)
    assert runner.failures == 0, f"{path.name}: {runner.failures} failing example(s) (see the output above)"


def _block_check(path: Path):
    from okg.docs import current_block, readme_block
    from okg.queries import stored_queries

    block = current_block(path.read_text(encoding="utf-8"))
    if block is None:
        pytest.skip(f"{path.name} has no <!-- queries:start --> ... <!-- queries:end --> block yet")
    expected = readme_block(stored_queries(ROOT / "queries"))
    assert block == expected, f"{path.name}'s query table drifted from the .rq headers: run okg queries --update {path.name}"


def test_readme_query_table_is_generated_from_the_headers():
    _block_check(ROOT / "README.md")


def test_okg_queries_update_rewrites_the_block(tmp_path):
    from click.testing import CliRunner

    from okg.cli import main

    page = tmp_path / "page.md"
    page.write_text("# x\n<!-- queries:start -->\nold\n<!-- queries:end -->\ntail\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["queries", "--update", str(page)], env={"OKG_ROOT": str(ROOT)})
    assert result.exit_code == 0 and result.output.startswith("updated")
    text = page.read_text(encoding="utf-8")
    assert "| `targets-vs-actuals` |" in text and text.endswith("<!-- queries:end -->\ntail\n")
    again = CliRunner().invoke(main, ["queries", "--update", str(page)], env={"OKG_ROOT": str(ROOT)})
    assert again.output.startswith("unchanged")
