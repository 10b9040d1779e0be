"""Writers: HTML page, PNG/SVG pictures, GraphML, GEXF, node-link JSON, DOT; atomic writes."""

from __future__ import annotations

import json
import re
import struct
import xml.etree.ElementTree as ET

import networkx as nx
import pytest

from conftest import ROOT
from okg import viz
from okg.errors import OkgError
from test_views import ID, WEIRD_LABELS, weird_kg  # noqa: F401  (fixture)

ARTIFACTS = ROOT / "test-artifacts"


@pytest.fixture(scope="module")
def links(kg):
    return kg.view("org-programme")


@pytest.fixture(scope="module")
def weird(weird_kg):  # noqa: F811
    return weird_kg.view("org-programme")


@pytest.fixture(scope="module")
def empty(kg):
    return kg.view("org-programme", article="004")


def png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", data[16:24])


def page_json(page: str) -> dict:
    m = re.search(r'<script type="application/json" id="okg-data">(.*?)</script>', page, re.S)
    return json.loads(m[1])


# ---------------------------------------------------------------- formats


@pytest.mark.parametrize("name, fmt", [("a.html", "html"), ("a.HTM", "html"), ("a.png", "png"), ("a.svg", "svg"),
                                       ("a.graphml", "graphml"), ("a.gexf", "gexf"), ("a.json", "json"),
                                       ("a.dot", "dot"), ("a.gv", "dot")])
def test_format_from_extension(name, fmt):
    assert viz.format_of(name) == fmt


@pytest.mark.parametrize("name", ["a.xlsx", "a", "a.ttl"])
def test_unknown_extension_is_refused(name):
    with pytest.raises(OkgError, match="use one of: dot, gexf, graphml, html, json, png, svg"):
        viz.format_of(name)


def test_gexf_round_trip_keeps_every_attribute(links, tmp_path):
    path = viz.write(links, tmp_path / "links.gexf")
    back = nx.read_gexf(path)
    assert set(back.nodes) == set(links.nodes)
    assert back.number_of_edges() == links.number_of_edges()
    for node, data in links.nodes(data=True):
        got = back.nodes[node]
        assert got["label"] == data["label"] and got["type"] == data["type"]
        assert got["acronym"] == (data["acronym"] or "")
        assert int(got["degree"]) == data["degree"]
        assert got["articles"].split() == data["articles"]
        assert got["quotes"] == " | ".join(q["quote"] for q in data["quotes"])
    for a, b, data in links.edges(data=True):
        got = back.edges[a, b]
        assert got["relation"] == data["relation"]
        assert got["relations"].split() == data["relations"]
        assert float(got["weight"]) == data["weight"]
        assert got["articles"].split() == data["articles"]
        assert got["quotes"].split(" | ") == data["quotes"]


def test_graphml_round_trip(links, tmp_path):
    back = nx.read_graphml(viz.write(links, tmp_path / "links.graphml"))
    node = back.nodes[ID + "organisation/apebi"]
    assert node["acronym"] == "APEBI" and node["type"] == "Organisation"
    assert back.graph["name"] == "org-programme"
    edge = back.edges[ID + "organisation/sfi", ID + "programme/apebi-export-support-centre"]
    assert edge["relation"] == "funds" and "SFI" in edge["quotes"]


def test_json_keeps_lists(links, tmp_path):
    data = json.loads(viz.write(links, tmp_path / "links.json").read_text(encoding="utf-8"))
    back = nx.node_link_graph(data, edges="links")
    apebi = back.nodes[ID + "organisation/apebi"]
    assert isinstance(apebi["articles"], list) and isinstance(apebi["quotes"][0], dict)
    edge = back.edges[ID + "organisation/sfi", ID + "programme/apebi-export-support-centre"]
    assert edge["evidence"][0]["quote"] in edge["quotes"]
    assert data["graph"]["articles"]


def test_dot_escapes_strings(weird, links):
    text = viz.render(weird, "dot")
    assert text.startswith('graph "org-programme" {') and text.rstrip().endswith("}")
    assert 'l\'\\"Agence\\" d’État & co' in text  # the quote in the label is escaped
    assert WEIRD_LABELS["arabic"] in text
    # every line is a statement or brace: no string broke out of its quotes
    for line in text.splitlines()[1:-1]:
        assert line.rstrip().endswith(";"), line
        assert len(re.findall(r'(?<!\\)"', line)) % 2 == 0, line
    assert viz.render(links, "dot").count(" -- ") == links.number_of_edges()


def test_flat_formats_hold_weird_labels(weird, tmp_path):
    back = nx.read_gexf(viz.write(weird, tmp_path / "weird.gexf"))
    assert {d["label"] for _, d in back.nodes(data=True)} == set(WEIRD_LABELS.values())
    back = nx.read_graphml(viz.write(weird, tmp_path / "weird.graphml"))
    assert back.nodes[ID + "organisation/html"]["acronym"] == "<b>X</b>"


# ---------------------------------------------------------------- html


def test_html_is_self_contained(links, tmp_path):
    page = viz.write(links, tmp_path / "links.html").read_text(encoding="utf-8")
    assert not re.search(r"<(script|link|img|iframe)[^>]+(src|href)=", page, re.I)
    assert "vis-network" in page and "vis.Network" in page
    data = page_json(page)
    assert len(data["nodes"]) == links.number_of_nodes() and len(data["edges"]) == links.number_of_edges()
    sfi = next(n for n in data["nodes"] if n["id"] == ID + "organisation/sfi")
    assert sfi["short"] == "SFI" and sfi["quotes"]
    assert all(e["evidence"] for e in data["edges"])
    assert data["relations"]["leads"]["colour"]


def test_html_escapes_every_label(weird):
    page = viz.render(weird, "html")
    assert page.count("<script") == 3  # vis-network, the data, the page's own script
    assert "alert(1)" in page and "<script>alert(1)" not in page and "</script><script>alert(2)" not in page
    data = page_json(page)
    assert {n["label"] for n in data["nodes"]} == set(WEIRD_LABELS.values())
    assert not re.search(r"innerHTML\s*=|insertAdjacentHTML|document\.write", page.split('id="okg-data"')[1])


def test_html_title_is_escaped(weird):
    weird = weird.copy()
    weird.graph["title"] = "<img src=x onerror=alert(3)>"
    page = viz.render(weird, "html")
    assert "<title>&lt;img src=x onerror=alert(3)&gt; — okg</title>" in page
    assert "<img" not in page.replace("<title>", "")


def test_empty_view_page_says_no_links(empty):
    page = viz.render(empty, "html")
    assert page_json(page)["nodes"] == [] and "No links" in page


# ---------------------------------------------------------------- pictures


def test_png_is_legible_size_and_not_blank(links, tmp_path):
    mpimg = pytest.importorskip("matplotlib.image")
    path = viz.write(links, tmp_path / "links.png")
    width, height = png_size(path.read_bytes())
    assert width >= 1200 and height >= 700
    pixels = mpimg.imread(path)[..., :3]
    ink = (pixels.mean(axis=2) < 0.9).mean()
    assert 0.01 < ink < 0.5, ink  # something is drawn, and it is not a solid block
    colours = {tuple((pixels[y, x] * 255).round().astype(int)) for y in range(0, height, 7) for x in range(0, width, 7)}
    assert (37, 99, 235) in colours and (245, 158, 11) in colours  # organisation blue, programme amber
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "org-programme.png").write_bytes(path.read_bytes())


@pytest.mark.parametrize("layout", viz.LAYOUTS)
def test_every_layout_draws(kg, layout):
    pytest.importorskip("matplotlib")
    svg = viz.render(kg.view("conventions"), "svg", layout)
    root = ET.fromstring(svg)
    assert root.tag.endswith("svg")
    assert "Conventions, parties and places" in svg and "APEBI" in svg


def test_unknown_layout(links):
    pytest.importorskip("matplotlib")
    with pytest.raises(OkgError, match="unknown layout 'radial'"):
        viz.render(links, "png", "radial")


def test_svg_escapes_weird_labels(weird):
    pytest.importorskip("matplotlib")
    svg = viz.render(weird, "svg")
    ET.fromstring(svg)  # well-formed whatever the labels hold
    assert "&lt;b&gt;X&lt;/b&gt;" in svg and "<b>" not in svg


def test_empty_picture_says_no_links(empty):
    pytest.importorskip("matplotlib")
    assert "No links in this view" in viz.render(empty, "svg")
    assert png_size(viz.render(empty, "png"))[0] > 0


# ---------------------------------------------------------------- writing


def test_writes_are_atomic_and_leave_no_temporaries(links, tmp_path):
    target = tmp_path / "out" / "links.png"
    viz.write(links, target)
    viz.write(links, tmp_path / "out" / "links.html")
    assert sorted(p.name for p in target.parent.iterdir()) == ["links.html", "links.png"]


@pytest.mark.parametrize("where", ["folder", "under-a-file-png", "under-a-file-html"])
def test_unwritable_output_is_an_input_error(links, tmp_path, where):
    (tmp_path / "file").write_text("x")
    path = {"folder": tmp_path, "under-a-file-png": tmp_path / "file" / "x.png",
            "under-a-file-html": tmp_path / "file" / "x.html"}[where]
    if where == "folder":
        path = tmp_path / "dir.html"
        path.mkdir()
    with pytest.raises(OkgError, match="is a folder|cannot write"):
        viz.write(links, path)
    assert (tmp_path / "file").read_text() == "x"


def test_files_do_not_depend_on_the_hash_seed(okg_cli, tmp_path):
    """Layouts see nodes in a fixed order (a subgraph view would follow a set's order)."""
    pytest.importorskip("matplotlib")
    outputs = []
    for seed in ("1", "2"):
        out = tmp_path / seed / "regions.svg"
        result = okg_cli("view", "regions", "-o", str(out), env={"PYTHONHASHSEED": seed})
        assert result.returncode == 0, result.stderr
        outputs.append(out.read_bytes())
    assert outputs[0] == outputs[1]
