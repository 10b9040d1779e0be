"""Shared fixtures: the project root, the built seed graph, a CLI runner, tiny projects."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED_SEEDS = ROOT.parent / "shared" / "seeds"


@pytest.fixture(scope="session")
def root() -> Path:
    return ROOT


@pytest.fixture(scope="session")
def kg():
    """The committed, built seed graph (graph/okg.trig)."""
    import okg

    return okg.load(root=ROOT)


@pytest.fixture(scope="session")
def sheets():
    from okg.facts import load_sheets

    return {s.article.stem[:3]: s for s in load_sheets(ROOT / "seeds")}


def run_okg(*args: str, cwd: Path | str = ROOT, input: str | None = None,
            env: dict | None = None) -> subprocess.CompletedProcess:
    """Run the real `okg` entry point in a subprocess (exit codes and stderr as users see them)."""
    full_env = {**os.environ, **(env or {})}
    full_env.pop("OKG_ROOT", None) if "OKG_ROOT" not in (env or {}) else None
    return subprocess.run([sys.executable, "-m", "okg", *args], cwd=cwd, capture_output=True,
                          text=True, input=input, env=full_env, timeout=300)


@pytest.fixture
def okg_cli():
    return run_okg


@pytest.fixture
def tiny_project(tmp_path: Path) -> Path:
    """A project with one article (002) and a small sheet: ontology, shapes, queries copied."""
    for name in ("ontology", "queries"):
        shutil.copytree(ROOT / name, tmp_path / name)
    (tmp_path / "seeds").mkdir()
    shutil.copy(ROOT / "seeds" / "002_2d0035028c8bf154.txt", tmp_path / "seeds")
    (tmp_path / "seeds" / "002_2d0035028c8bf154.yaml").write_text(TINY_SHEET, encoding="utf-8")
    return tmp_path


TINY_SHEET = """\
article: {file: 002_2d0035028c8bf154.txt, title: null, published: null,
          reference_date: 2015-05-05, source: null, language: fr}
organisations:
  - {id: cdg, name: "Caisse de dépôt et de gestion", acronym: CDG, aliases: ["groupe CDG"],
     evidence: ["le groupe CDG"]}
  - {id: amrc, name: "Association marocaine de la relation client", acronym: AMRC,
     evidence: ["l’Association marocaine de la relation client"]}
programmes:
  - {id: offshoring-ecosystems, name: "écosystèmes de l'Offshoring", led_by: [cdg],
     evidence: ["c’est au tour de l’Offshoring de se doter de ses propres écosystèmes"]}
conventions:
  - {id: contracts, name: "contrats de performance", signed: 2015-05-05, place: rabat,
     parties: [cdg, amrc], programme: offshoring-ecosystems,
     evidence: ["Les contrats de performances pour l’installation de ces écosystèmes ont été signés le 5 mai à Rabat"]}
regions:
  - {id: morocco, name: Maroc, kind: country, evidence: ["au Maroc"]}
  - {id: rabat, name: Rabat, kind: city, part_of: morocco, evidence: ["à Rabat"]}
indicators:
  - {id: jobs-2020, measure: new-jobs, value: 60000, unit: job, approximation: at_least,
     period: "2020", status: target, subject: offshoring-ecosystems,
     evidence: ["la création de pas moins de 60.000 nouveaux emplois directs"]}
"""


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_http(url: str, process: subprocess.Popen, seconds: float = 30.0) -> None:
    """Poll `url` until it answers (any HTTP status); fail with the process's stderr if it dies."""
    import time
    import urllib.error
    import urllib.request

    deadline = time.monotonic() + seconds
    while True:
        try:
            urllib.request.urlopen(url, timeout=1).read()
            return
        except urllib.error.HTTPError:
            return
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                err = process.stderr.read().decode("utf-8", "replace")[:800] if process.stderr else ""
                pytest.fail(f"server at {url} did not start: {err}")
            time.sleep(0.1)


def stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
