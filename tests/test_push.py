"""`okg push`: the dataset uploaded by the Graph Store Protocol to a real oxigraph server
(read-write, union default graph), then queried there; pushing again converges."""

from __future__ import annotations

import json
import shutil
import socket
import subprocess
import time

import pytest
from click.testing import CliRunner

from conftest import ROOT, free_port, stop, wait_for_http

OXIGRAPH = shutil.which("oxigraph")
pytestmark = pytest.mark.skipif(OXIGRAPH is None,
                                reason="the oxigraph server binary is not installed (pip install oxigraph)")
ONTOLOGY = "https://w3id.org/okg/graph/ontology"
COUNT = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"


@pytest.fixture(scope="module")
def oxigraph(tmp_path_factory):
    port = free_port()
    process = subprocess.Popen([OXIGRAPH, "serve", "--location", str(tmp_path_factory.mktemp("store")),
                                "--bind", f"127.0.0.1:{port}", "--union-default-graph"],
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    wait_for_http(f"{base}/query?query=ASK%7B%7D", process)
    yield base
    stop(process)


def cli(*args: str):
    from okg.cli import main

    result = CliRunner().invoke(main, list(args), env={"OKG_ROOT": str(ROOT)})
    result.out = result.stdout_bytes.decode("utf-8")
    return result


def remote_count(base: str) -> int:
    result = cli("query", "-e", COUNT, "--endpoint", f"{base}/query", "--format", "json")
    assert result.exit_code == 0, result.output
    return int(json.loads(result.out)["results"]["bindings"][0]["n"]["value"])


def local_quads(kg) -> int:
    return sum(len(g) for g in kg.dataset.graphs())


def test_push_converges_and_answers_like_the_local_graph(oxigraph, kg):
    # an interrupted push: only one graph arrived ...
    one = cli("push", "--endpoint", f"{oxigraph}/store", "--graph", ONTOLOGY)
    assert one.exit_code == 0, one.output
    assert remote_count(oxigraph) == len(kg.dataset.graph(ONTOLOGY))
    # ... then the full push completes it
    full = cli("push", "--endpoint", f"{oxigraph}/store")
    assert full.exit_code == 0, full.output
    assert "pushed 7 graphs" in full.out
    expected = local_quads(kg)
    assert remote_count(oxigraph) == expected
    # pushing again changes nothing: PUT replaces each graph
    again = cli("push", "--endpoint", f"{oxigraph}/store")
    assert again.exit_code == 0 and remote_count(oxigraph) == expected
    # the stored queries answer there as here (the union default graph holds everything)
    remote = cli("query", "conventions", "--endpoint", f"{oxigraph}/query", "--format", "csv")
    local = cli("query", "conventions", "--format", "csv")
    assert remote.exit_code == 0, remote.output
    assert sorted(remote.out.splitlines()) == sorted(local.out.splitlines())
    assert "region/rabat" in remote.out


def test_unknown_graph_is_refused(oxigraph):
    result = cli("push", "--endpoint", f"{oxigraph}/store", "--graph", "https://example.org/nope")
    assert result.exit_code == 2 and "no named graph" in result.output


def test_unreachable_endpoint_is_exit_2_within_the_timeout():
    result = cli("push", "--endpoint", f"http://127.0.0.1:{free_port()}/store", "--timeout", "2")
    assert result.exit_code == 2 and "unreachable" in result.output
    assert len(result.output.strip().splitlines()) == 1


def test_silent_endpoint_is_exit_2_within_the_timeout():
    with socket.socket() as listener:  # accepts connections, never answers
        listener.bind(("127.0.0.1", 0))
        listener.listen(8)
        port = listener.getsockname()[1]
        started = time.monotonic()
        result = cli("push", "--endpoint", f"http://127.0.0.1:{port}/store", "--timeout", "1")
        elapsed = time.monotonic() - started
    assert result.exit_code == 2 and "within 1s" in result.output
    assert elapsed < 5
