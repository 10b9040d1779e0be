"""Writers for views: an offline HTML page, PNG/SVG drawings, GraphML, GEXF, node-link JSON, DOT.

The HTML page is src/okg/web/network.html with vis-network (vendored in web/vendor/) and the
graph inlined: one file that opens offline. GraphML and GEXF cannot hold lists, so lists are
joined into strings there (articles with spaces, quotes with " | "); JSON and HTML keep them.
"""

from __future__ import annotations

import html
import io
import json
import math
import os
import re
import tempfile
import textwrap
import warnings
from pathlib import Path
from typing import Any

import networkx as nx

from .errors import OkgError
from .store import write_files

WEB = Path(__file__).parent / "web"
FORMATS = {"html": "html", "htm": "html", "png": "png", "svg": "svg", "graphml": "graphml",
           "gexf": "gexf", "json": "json", "dot": "dot", "gv": "dot"}
LAYOUTS = ("spring", "kamada-kawai", "circular", "shell", "bipartite")
TYPE_COLOURS = {"Organisation": "#2563eb", "Programme": "#f59e0b", "Convention": "#10b981",
                "Region": "#a855f7", "Sector": "#0ea5e9", "Other": "#6b7280"}
# Relations take these styles in the order the view declares them.
RELATION_STYLES = [("#334155", False), ("#16a34a", True), ("#94a3b8", False), ("#db2777", True),
                   ("#0891b2", False), ("#ea580c", True)]
JOIN = " | "


def format_of(path: Path | str | None, fmt: str | None = None) -> str:
    key = (fmt or (Path(str(path)).suffix.lstrip(".") if path else "")).lower()
    if key not in FORMATS:
        shown = f"unknown view format {key!r}" if key else "no format (the file has no extension)"
        raise OkgError(str(path or ""), shown, f"use one of: {', '.join(sorted(set(FORMATS.values())))}")
    return FORMATS[key]


def relation_styles(graph: nx.Graph) -> dict[str, dict]:
    styles = {}
    for i, rel in enumerate(graph.graph.get("relations", [])):
        colour, dashes = RELATION_STYLES[i % len(RELATION_STYLES)]
        styles[rel] = {"colour": colour, "dashes": dashes}
    return styles


def short_label(data: dict, width: int = 26, lines: int = 3) -> str:
    """What a drawing writes by a node: its acronym, else its name, wrapped and cut."""
    if data.get("acronym"):
        return data["acronym"]
    wrapped = textwrap.wrap(data.get("label") or "", width) or [""]
    return "\n".join(wrapped[:lines]) + ("…" if len(wrapped) > lines else "")


def render(graph: nx.Graph, fmt: str, layout: str | None = None) -> str | bytes:
    """The view as text (or PNG bytes) in one of FORMATS' values."""
    if fmt == "html":
        return to_html(graph)
    if fmt in ("png", "svg"):
        return draw(graph, fmt, layout)
    if fmt == "graphml":
        return "\n".join(nx.generate_graphml(flat(graph))) + "\n"
    if fmt == "gexf":
        return "\n".join(nx.generate_gexf(flat(graph))) + "\n"
    if fmt == "json":
        return json.dumps(nx.node_link_data(graph, edges="links"), ensure_ascii=False, indent=1) + "\n"
    if fmt == "dot":
        return to_dot(graph)
    raise OkgError("", f"unknown view format {fmt!r}", f"use one of: {', '.join(sorted(set(FORMATS.values())))}")


def write(graph: nx.Graph, path: Path | str, fmt: str | None = None, layout: str | None = None) -> Path:
    """Write the view to PATH atomically, the format from its extension unless given."""
    path = Path(path)
    fmt = format_of(path, fmt)
    if path.is_dir():
        raise OkgError(str(path), "is a folder", "give a file name, e.g. links.html")
    content = render(graph, fmt, layout)
    if isinstance(content, str):
        write_files({path: content})
    else:
        _write_bytes(path, content)
    return path


def _write_bytes(path: Path, content: bytes) -> None:
    tmp = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
        umask = os.umask(0o022)
        os.umask(umask)
        os.fchmod(fd, 0o666 & ~umask)  # mkstemp makes 0600; a picture is for sharing
        with os.fdopen(fd, "wb") as out:
            out.write(content)
        os.replace(tmp, path)
    except OSError as err:
        if tmp and os.path.exists(tmp):
            os.unlink(tmp)
        raise OkgError(str(err.filename or path), f"cannot write: {err.strerror}",
                       "check the folder exists and is writable") from None


# ---------------------------------------------------------------- flat formats


def _flat_value(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, (list, tuple)):
        items = [v.get("quote", "") if isinstance(v, dict) else str(v) for v in value]
        return (JOIN if any(isinstance(v, dict) for v in value) or _is_text(value) else " ").join(items)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return value


def _is_text(values: list) -> bool:
    # quotes hold spaces; IRIs and relation names do not
    return any(" " in str(v) for v in values)


def flat(graph: nx.Graph) -> nx.Graph:
    """A copy whose attributes are all scalars, for GraphML and GEXF (no None, no lists)."""
    out = nx.Graph()
    out.graph.update({k: v for k, v in graph.graph.items() if isinstance(v, (str, int, float, bool))})
    for node, data in graph.nodes(data=True):
        out.add_node(node, **{k: _flat_value(v) for k, v in data.items()})
    for a, b, data in graph.edges(data=True):
        attrs = {k: _flat_value(v) for k, v in data.items() if k != "evidence"}
        attrs["relations"] = " ".join(data.get("relations", []))
        attrs["quotes"] = JOIN.join(data.get("quotes", []))
        out.add_edge(a, b, **attrs)
    return out


def _dot_id(text: Any) -> str:
    escaped = str(text).replace("\\", "\\\\").replace('"', '\\"').replace("\r", "").replace("\n", "\\n")
    return f'"{escaped}"'


def to_dot(graph: nx.Graph) -> str:
    """Graphviz DOT (undirected), every string quoted and escaped."""
    styles = relation_styles(graph)
    lines = [f"graph {_dot_id(graph.graph.get('name', 'okg'))} {{",
             f"  graph [label={_dot_id(graph.graph.get('title', ''))}, labelloc=t, fontsize=18, "
             f"fontname=\"Helvetica\", overlap=false, splines=true];",
             '  node [shape=box, style="rounded,filled", fontname="Helvetica", fontsize=10, fontcolor=white, '
             'color=white];',
             '  edge [color="#94a3b8"];']
    for node, data in flat(graph).nodes(data=True):
        attrs = {**data, "label": short_label(graph.nodes[node]), "tooltip": data["label"],
                 "fillcolor": TYPE_COLOURS.get(data["type"], "#6b7280")}
        lines.append(f"  {_dot_id(node)} [" + ", ".join(f"{k}={_dot_id(v)}" for k, v in attrs.items()) + "];")
    for a, b, data in flat(graph).edges(data=True):
        style = styles.get(data["relation"], {"colour": "#94a3b8", "dashes": False})
        attrs = {"color": style["colour"], "style": "dashed" if style["dashes"] else "solid",
                 "penwidth": round(1 + math.log2(data["weight"]), 2), **data}
        lines.append(f"  {_dot_id(a)} -- {_dot_id(b)} [" + ", ".join(f"{k}={_dot_id(v)}" for k, v in attrs.items()) + "];")
    return "\n".join(lines) + "\n}\n"


# ---------------------------------------------------------------- html


def _script_json(value: Any) -> str:
    """JSON that cannot end a <script> element or open a comment inside it."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    for char, code in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"), ("\u2028", "\\u2028"),
                       ("\u2029", "\\u2029")):
        text = text.replace(char, code)
    return text


def page_data(graph: nx.Graph) -> dict:
    """The graph as the page's script reads it."""
    nodes = []
    for node, data in graph.nodes(data=True):
        short = data.get("acronym") or data["label"]
        item = {"id": node, "label": data["label"], "type": data["type"],
                "short": short if len(short) <= 64 else short[:63].rstrip() + "…",
                "acronym": data.get("acronym"), "degree": data["degree"], "articles": data.get("articles", []),
                "quotes": data.get("quotes", [])}
        for key in ("betweenness", "community"):
            if key in data:
                item[key] = data[key]
        nodes.append(item)
    edges = [{"id": f"e{i}", "from": a, "to": b, "relation": d["relation"], "relations": d["relations"],
              "weight": d["weight"], "articles": d["articles"], "evidence": d["evidence"]}
             for i, (a, b, d) in enumerate(graph.edges(data=True))]
    return {"view": graph.graph.get("name", ""), "title": graph.graph.get("title", ""),
            "summary": graph.graph.get("summary", ""), "articles": graph.graph.get("articles", {}),
            "types": TYPE_COLOURS, "relations": relation_styles(graph), "nodes": nodes, "edges": edges}


def to_html(graph: nx.Graph) -> str:
    template = (WEB / "network.html").read_text(encoding="utf-8")
    vis = (WEB / "vendor" / "vis-network.min.js").read_text(encoding="utf-8").replace("</script", "<\\/script")
    values = {"TITLE": html.escape(f"{graph.graph.get('title', '')} — okg"), "DATA": _script_json(page_data(graph)),
              "VIS": vis}
    # one pass, so nothing inserted is scanned for markers again
    return re.sub(r"\{\{(TITLE|DATA|VIS)\}\}", lambda m: values[m[1]], template)


# ---------------------------------------------------------------- pictures


def positions(graph: nx.Graph, layout: str) -> dict:
    """Node positions; each connected component laid out alone, then packed in rows."""
    if layout not in LAYOUTS:
        raise OkgError("--layout", f"unknown layout {layout!r}", f"one of: {', '.join(LAYOUTS)}")
    if layout in ("bipartite", "shell", "circular"):
        return _whole_layout(graph, layout)
    comps = sorted((sorted(c) for c in nx.connected_components(graph)), key=lambda c: (-len(c), c[0]))
    singles = [c[0] for c in comps if len(c) == 1]
    comps = [c for c in comps if len(c) > 1]
    pos, x, y, row_h, row_w = {}, 0.0, 0.0, 0.0, 3.2 * math.sqrt(max(graph.number_of_nodes(), 1))
    for comp in comps:
        sub = nx.Graph()  # not graph.subgraph(): its node order follows a set, so varies by run
        sub.add_nodes_from(comp)
        sub.add_edges_from(graph.edges(comp))
        local, start, rounds = None, None, 300
        if layout == "kamada-kawai" and 2 < len(comp) <= 300:  # quadratic in memory
            try:
                local = nx.kamada_kawai_layout(sub, weight=None)
            except ImportError:  # needs scipy; the spring layout does without
                local = None
        if local is None and len(comp) > 500:  # big: a spectral start and a few spring rounds
            try:
                start, rounds = nx.spectral_layout(sub), 10
            except ImportError:
                rounds = 30
        if local is None:
            local = nx.spring_layout(sub, pos=start, seed=7, k=1.6 / math.sqrt(len(comp)), iterations=rounds,
                                     weight=None)
        local = nx.rescale_layout_dict(local, scale=0.75 * math.sqrt(len(comp)))
        x0, x1 = min(p[0] for p in local.values()), max(p[0] for p in local.values())
        y0, y1 = min(p[1] for p in local.values()), max(p[1] for p in local.values())
        if x > 0 and x + (x1 - x0) > row_w:
            x, y, row_h = 0.0, y - row_h - 1.2, 0.0
        for node, (px, py) in local.items():
            pos[node] = (x + px - x0, y - (y1 - py))
        x, row_h = x + (x1 - x0) + 1.2, max(row_h, y1 - y0)
    y -= row_h + 1.2 if comps else 0
    for i, node in enumerate(singles):
        pos[node] = ((i % 6) * 1.6, y - (i // 6) * 1.0)
    return pos


def _whole_layout(graph: nx.Graph, layout: str) -> dict:
    types = sorted({d["type"] for _, d in graph.nodes(data=True)})
    if layout == "circular":
        return nx.circular_layout(graph)
    groups = [sorted((n for n, d in graph.nodes(data=True) if d["type"] == t),
                     key=lambda n: graph.nodes[n]["label"].lower()) for t in types]
    if layout == "shell":
        return nx.shell_layout(graph, nlist=[g for g in groups if g])
    # bipartite: the first type on the left, the rest on the right, each column ordered to
    # put linked nodes level (median heuristic, a few sweeps)
    left, right = groups[0], [n for g in groups[1:] for n in g]
    for _ in range(4):
        rank = {n: i for i, n in enumerate(left)}
        right.sort(key=lambda n: _median([rank[m] for m in graph[n] if m in rank], rank.get(n, 0)))
        rank = {n: i for i, n in enumerate(right)}
        left.sort(key=lambda n: _median([rank[m] for m in graph[n] if m in rank], len(right)))
    pos = {}
    for column, nodes in ((0.0, left), (1.0, right)):
        span = max(len(nodes) - 1, 1)
        for i, node in enumerate(nodes):
            pos[node] = (column, 1.0 - i / span if len(nodes) > 1 else 0.5)
    return pos


def _median(values: list[int], default: float) -> float:
    if not values:
        return default
    values = sorted(values)
    mid = len(values) // 2
    return values[mid] if len(values) % 2 else (values[mid - 1] + values[mid]) / 2


def draw(graph: nx.Graph, fmt: str = "png", layout: str | None = None) -> bytes | str:
    """A static picture: nodes coloured by type and sized by degree, labelled, with legend and title."""
    try:
        import matplotlib
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure
        from matplotlib.lines import Line2D
    except ImportError:
        raise OkgError("", f"{fmt} pictures need matplotlib", "pip install 'okg[viz]'") from None
    layout = layout or graph.graph.get("layout") or "spring"
    if layout == "bipartite" and len({d["type"] for _, d in graph.nodes(data=True)}) < 2:
        layout = "spring"  # one kind of node: nothing to put in two columns
    n = graph.number_of_nodes()
    bipartite = layout == "bipartite"
    width = 16.0 if bipartite else min(24.0, 11.0 + n / 5)
    height = min(40.0, max(8.0, 0.55 * n / 2 + 2)) if bipartite else width * 0.68
    style = {"svg.hashsalt": "okg", "svg.fonttype": "none", "font.family": "DejaVu Sans"}
    with warnings.catch_warnings(), matplotlib.rc_context(style):
        warnings.filterwarnings("ignore", message="Glyph .* missing from")  # emoji etc.: drawn as boxes
        fig = Figure(figsize=(width, height), dpi=110, facecolor="white")
        FigureCanvasAgg(fig)  # labels are measured in pixels before saving
        ax = fig.add_axes((0.02, 0.1, 0.96, 0.8))
        ax.set_axis_off()
        title = graph.graph.get("title") or graph.graph.get("name") or "okg view"
        fig.suptitle(title, fontsize=20, fontweight="bold", y=0.975)
        counts = [(n, "node"), (graph.number_of_edges(), "link"), (len(graph.graph.get("articles", {})), "article")]
        fig.text(0.5, 0.925, " · ".join(f"{k} {w}{'' if k == 1 else 's'}" for k, w in counts)
                 + f" · okg view {graph.graph.get('name', '')}",
                 ha="center", fontsize=11, color="#6b7280")
        if graph.number_of_edges() == 0:
            ax.text(0.5, 0.5, "No links in this view", ha="center", va="center", fontsize=22, color="#6b7280",
                    transform=ax.transAxes)
        else:
            _draw_graph(ax, graph, positions(graph, layout), bipartite)
            handles = [Line2D([], [], marker="o", linestyle="", markersize=11, markerfacecolor=TYPE_COLOURS.get(t, "#6b7280"),
                              markeredgecolor="white", label=t)
                       for t in sorted({d["type"] for _, d in graph.nodes(data=True)})]
            handles += [Line2D([], [], color=s["colour"], linestyle="--" if s["dashes"] else "-", linewidth=2.5, label=r)
                        for r, s in relation_styles(graph).items()]
            fig.legend(handles=handles, loc="lower center", ncol=min(len(handles), 8), frameon=False, fontsize=12,
                       bbox_to_anchor=(0.5, 0.01), title="node size: number of links", title_fontsize=10)
        out = io.BytesIO() if fmt == "png" else io.StringIO()
        fig.savefig(out, format=fmt, facecolor="white", metadata={"Software": None} if fmt == "png" else {"Date": None})
    return out.getvalue()


LABEL_ALL = 150  # above this many nodes, only the LABEL_TOP best-linked ones are labelled
LABEL_TOP = 60


def _marker_areas(graph: nx.Graph) -> dict:
    most = max((d for _, d in graph.degree()), default=1) or 1
    small = 1.0 if graph.number_of_nodes() <= 200 else 0.3
    return {n: small * (80 + 620 * d / most) for n, d in graph.degree()}


def _draw_graph(ax, graph: nx.Graph, pos: dict, bipartite: bool) -> None:
    from matplotlib.collections import LineCollection

    xs = [p[0] for p in pos.values()]
    ys = [p[1] for p in pos.values()]
    pad_x = 0.45 if bipartite else 0.1 * ((max(xs) - min(xs)) or 1)
    pad_y = 0.06 * ((max(ys) - min(ys)) or 1)
    ax.set_xlim(min(xs) - pad_x, max(xs) + pad_x)
    ax.set_ylim(min(ys) - pad_y * (1 if bipartite else 2.2), max(ys) + pad_y)
    areas = _marker_areas(graph)
    shown = list(graph.nodes)
    if len(shown) > LABEL_ALL:
        shown = sorted(shown, key=lambda n: (-graph.degree(n), graph.nodes[n]["label"]))[:LABEL_TOP]
    labels = {}
    for node in shown:
        x, y = pos[node]
        text = short_label(graph.nodes[node], 34 if bipartite else 24)
        if bipartite:
            left = x < 0.5
            labels[node] = ax.text(x + (-0.025 if left else 0.025), y, text, ha="right" if left else "left",
                                   va="center", fontsize=11, zorder=3)
        else:
            labels[node] = ax.text(x, y, text, ha="center", va="top", fontsize=10, zorder=3,
                                   bbox={"boxstyle": "round,pad=0.12", "fc": "white", "ec": "none", "alpha": 0.75})
    if not bipartite:
        pos = _declutter(ax, pos, labels, areas)
    styles = relation_styles(graph)
    alpha = 0.75 if graph.number_of_edges() <= 300 else 0.25  # a hairball stays see-through
    for rel, style in styles.items():
        edges = [(a, b, d) for a, b, d in graph.edges(data=True) if d["relation"] == rel]
        ax.add_collection(LineCollection([(pos[a], pos[b]) for a, b, _ in edges], colors=style["colour"],
                                         linestyles="--" if style["dashes"] else "-", alpha=alpha, zorder=1,
                                         linewidths=[1.0 + 1.2 * math.log2(d["weight"]) for _, _, d in edges]))
    nodes = list(graph.nodes)
    ax.scatter([pos[n][0] for n in nodes], [pos[n][1] for n in nodes], s=[areas[n] for n in nodes],
               c=[TYPE_COLOURS.get(graph.nodes[n]["type"], "#6b7280") for n in nodes],
               edgecolors="white", linewidths=1.5, zorder=2)


def _declutter(ax, pos: dict, labels: dict, areas: dict, rounds: int = 150) -> dict:
    """Move nodes (with their labels under them) until no node-and-label boxes overlap.

    Works in display pixels inside the axes; edges are drawn afterwards, so they follow.
    """
    renderer = ax.figure.canvas.get_renderer()
    px_per_pt = ax.figure.dpi / 72
    nodes = list(labels)
    centre = {n: list(ax.transData.transform(pos[n])) for n in nodes}
    radius = {n: math.sqrt(areas[n]) / 2 * px_per_pt for n in nodes}
    boxes = {}
    for n in nodes:  # label sits just under its marker; its box relative to the centre
        labels[n].set_position(ax.transData.inverted().transform((centre[n][0], centre[n][1] - radius[n] - 2)))
        bb = labels[n].get_window_extent(renderer)
        boxes[n] = (min(bb.x0, centre[n][0] - radius[n]) - centre[n][0] - 4, centre[n][1] + radius[n] - centre[n][1] + 4,
                    max(bb.x1, centre[n][0] + radius[n]) - centre[n][0] + 4, bb.y0 - centre[n][1] - 4)
    area = ax.get_window_extent(renderer)
    for _ in range(rounds):
        moves = {n: [0.0, 0.0] for n in nodes}
        moved = False
        for i, a in enumerate(nodes):
            ax0, ay1, ax1, ay0 = (centre[a][0] + boxes[a][0], centre[a][1] + boxes[a][1],
                                  centre[a][0] + boxes[a][2], centre[a][1] + boxes[a][3])
            for b in nodes[i + 1:]:
                bx0, by1, bx1, by0 = (centre[b][0] + boxes[b][0], centre[b][1] + boxes[b][1],
                                      centre[b][0] + boxes[b][2], centre[b][1] + boxes[b][3])
                ox, oy = min(ax1, bx1) - max(ax0, bx0), min(ay1, by1) - max(ay0, by0)
                if ox <= 0 or oy <= 0:
                    continue
                moved = True
                sx = 1 if centre[a][0] >= centre[b][0] else -1
                sy = 1 if centre[a][1] >= centre[b][1] else -1
                dx, dy = (0.0, oy / 2 + 1) if oy < 1.5 * ox else (ox / 2 + 1, 0.0)
                moves[a][0] += sx * dx; moves[a][1] += sy * dy
                moves[b][0] -= sx * dx; moves[b][1] -= sy * dy
        if not moved:
            break
        for n in nodes:
            x = centre[n][0] + 0.6 * moves[n][0]
            y = centre[n][1] + 0.6 * moves[n][1]
            centre[n] = [min(max(x, area.x0 - boxes[n][0]), area.x1 - boxes[n][2]),
                         min(max(y, area.y0 - boxes[n][3]), area.y1 - boxes[n][1])]
    inverse = ax.transData.inverted()
    out = dict(pos)
    for n in nodes:
        out[n] = tuple(inverse.transform(centre[n]))
        labels[n].set_position(inverse.transform((centre[n][0], centre[n][1] - radius[n] - 2)))
    return out
