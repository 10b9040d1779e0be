"""Views: stored queries (queries/views/*.rq) turned into NetworkX graphs, filters and metrics.

A view is one SELECT whose rows are links: ?source ?target ?relation ?via ?article ?quote
(?target unbound for a node standing alone). Its `#+ view:` header gives a title, the relation
order (the first relation of a pair names the link), a default layout and `rank`: how much a
quote gains for naming the link's source or target. A link keeps, per relation and article, its
best-ranked quotes. What every node is (type, label, acronym, the articles and quotes stating it)
comes from queries/views/nodes.rq, every name a quote may use from queries/views/names.rq.
Python only folds rows into nodes and links; it never walks triples.
"""

from __future__ import annotations

import csv
import difflib
import io
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import networkx as nx

from . import queries as q
from .errors import OkgError

if TYPE_CHECKING:
    from .kg import KG

NODE_QUERY = "nodes"
NAME_QUERY = "names"
ENDS = ("source", "target")
TYPES = ("Organisation", "Programme", "Convention", "Region", "Sector")
FILTERS = ("article", "type", "min_degree")
SAMPLE_ABOVE = 2000  # nodes; above this, betweenness is estimated from SAMPLE_K pivots
SAMPLE_K = 500


@dataclass
class View:
    name: str
    query: q.StoredQuery
    title: str
    relations: list[str] = field(default_factory=list)
    layout: str = "spring"
    rank: dict[str, int] = field(default_factory=dict)

    @property
    def summary(self) -> str:
        return self.query.summary


def views_dir(kg: KG) -> Path:
    return kg.queries_dir / "views"


def available(kg: KG) -> dict[str, View]:
    """Every query of queries/views/ whose header has a `view:` block, by name."""
    out = {}
    for path in sorted(views_dir(kg).glob("*.rq")):
        query = q.load_query(path)
        spec = query.header.get("view")
        if not isinstance(spec, dict):
            continue
        rank = spec.get("rank") or {}
        if not isinstance(rank, dict) or set(rank) - set(ENDS) or not all(isinstance(v, int) for v in rank.values()):
            raise OkgError(str(path), f"view rank {rank!r} is not a mapping of source/target to whole numbers",
                           "e.g. rank: {source: 2, target: 1}")
        out[query.name] = View(query.name, query, str(spec.get("title") or query.name),
                               [str(r) for r in spec.get("relations") or []], str(spec.get("layout") or "spring"),
                               dict(rank))
    return out


def get(kg: KG, name: str) -> View:
    views = available(kg)
    if name in views:
        return views[name]
    close = difflib.get_close_matches(name, list(views), n=1, cutoff=0.5)
    hint = f"did you mean {close[0]!r}? " if close else ""
    raise OkgError("", f"unknown view {name!r}", f"{hint}views: {', '.join(views) or 'none'}")


# ---------------------------------------------------------------- building


def build(kg: KG, name: str, **filters: Any) -> nx.Graph:
    """The view NAME as an undirected graph; filters: article=, type=, min_degree=."""
    unknown = sorted(set(filters) - set(FILTERS))
    if unknown:
        raise OkgError(f"view {name}", f"unknown filter {unknown[0]!r}", f"filters: {', '.join(FILTERS)}")
    view = get(kg, name)
    articles = {r["article"]: r for r in kg.query("articles")}
    params = {}
    if filters.get("article") is not None:
        params["article"] = resolve_article(filters["article"], articles)
        articles = {params["article"]: articles[params["article"]]}
    nodes = _node_info(kg.query(q.load_query(views_dir(kg) / f"{NODE_QUERY}.rq"), **params))
    rows = kg.query(view.query, **params)
    if view.rank and not any("rank" in row for row in rows):
        names = _names(kg.query(q.load_query(views_dir(kg) / f"{NAME_QUERY}.rq")))
        rows = [{**row, "rank": _rank(view.rank, row, names)} for row in rows]
    graph = _fold(view, rows, nodes)
    graph.graph.update(name=view.name, title=view.title, summary=view.summary, layout=view.layout,
                       relations=_relation_order(view, graph),
                       articles={a: {"file": r.get("file"), "title": r.get("title"),
                                     "published": _text(r.get("published"))} for a, r in sorted(articles.items())},
                       filters={k: v for k, v in filters.items() if v is not None})
    return apply_filters(graph, type=filters.get("type"), min_degree=filters.get("min_degree"))


def _text(value: Any) -> str | None:
    return None if value is None else str(value)


def _node_info(rows: list[dict]) -> dict[str, dict]:
    info: dict[str, dict] = {}
    for row in rows:
        node = info.setdefault(row["node"], {"type": row["type"], "label": row["label"], "acronym": row.get("acronym"),
                                             "articles": [], "quotes": []})
        if row["article"] not in node["articles"]:
            node["articles"].append(row["article"])
        quote = {"quote": row["quote"], "article": row["article"]}
        if row.get("quote") and quote not in node["quotes"]:
            node["quotes"].append(quote)
    return info


def _normal(text: str) -> str:
    return text.replace("\u2019", "'").lower()


def _names(rows: list[dict]) -> dict[str, list[str]]:
    """Node → its names (labels, aliases, acronyms, quotes), normalised for matching."""
    names: dict[str, list[str]] = {}
    for row in rows:
        names.setdefault(row["node"], []).append(_normal(str(row["name"])))
    return names


def _rank(weights: dict[str, int], row: dict, names: dict[str, list[str]]) -> int:
    """How well the row's quote states its link: the weights of the ends it names."""
    if not row.get("quote"):
        return 0
    quote = _normal(str(row["quote"]))
    return sum(weight for end, weight in weights.items()
               if row.get(end) and any(name in quote for name in names.get(row[end], ())))


def _fallback(iri: str) -> dict:
    return {"type": "Other", "label": iri.rstrip("/").rsplit("/", 1)[-1], "acronym": None, "articles": [], "quotes": []}


def _fold(view: View, rows: list[dict], info: dict[str, dict]) -> nx.Graph:
    """Rows → graph: one link per pair, keeping each (relation, article)'s best-ranked quotes."""
    links: dict[tuple[str, str], dict] = {}
    seen: set[str] = set()
    for row in rows:
        source, target = row["source"], row.get("target")
        seen.add(source)
        if not target or target == source:
            continue
        seen.add(target)
        pair = (source, target) if source < target else (target, source)
        link = links.setdefault(pair, {"facts": set(), "best": {}})
        link["facts"].add((row["relation"], row.get("via")))
        best = link["best"].setdefault((row["relation"], row["article"]), {"rank": -1, "evidence": []})
        rank = int(row.get("rank") or 0)
        if rank > best["rank"]:
            best.update(rank=rank, evidence=[])
        entry = {"relation": row["relation"], "article": row["article"], "quote": row.get("quote"),
                 "via": row.get("via"), "viaLabel": (info.get(row.get("via") or "") or {}).get("label")}
        if rank == best["rank"] and entry not in best["evidence"]:
            best["evidence"].append(entry)
    order = {r: i for i, r in enumerate(view.relations)}
    graph = nx.Graph()
    for node in sorted(seen):
        data = info.get(node) or _fallback(node)
        graph.add_node(node, type=data["type"], label=data["label"], acronym=data["acronym"],
                       articles=sorted(data["articles"]), quotes=list(data["quotes"]))
    for (a, b), link in sorted(links.items()):
        relations = sorted({r for r, _ in link["facts"]}, key=lambda r: (order.get(r, len(order)), r))
        evidence = [e for key in sorted(link["best"]) for e in link["best"][key]["evidence"]]
        evidence.sort(key=lambda e: (order.get(e["relation"], len(order)), e["relation"], e["article"]))
        quotes = list(dict.fromkeys(e["quote"] for e in evidence if e["quote"]))
        graph.add_edge(a, b, relation=relations[0], relations=relations, weight=len(link["facts"]),
                       articles=sorted({e["article"] for e in evidence}), quotes=quotes,
                       evidence=[e for e in evidence if e["quote"]])
    _set_degree(graph)
    return graph


def _relation_order(view: View, graph: nx.Graph) -> list[str]:
    present = {r for _, _, d in graph.edges(data=True) for r in d["relations"]}
    return [r for r in view.relations if r in present] + sorted(present - set(view.relations))


def _set_degree(graph: nx.Graph) -> None:
    for node, degree in graph.degree():
        graph.nodes[node]["degree"] = degree


def resolve_article(value: str, articles: dict[str, dict]) -> str:
    """An article given as IRI, id:article/STEM, file name, stem or a unique stem prefix."""
    text = str(value).strip()
    stems = {a: a.rsplit("/", 1)[-1] for a in articles}
    for iri, stem in stems.items():
        if text in (iri, f"id:article/{stem}", stem, articles[iri].get("file")):
            return iri
    matches = [iri for iri, stem in stems.items() if text and stem.startswith(text)]
    if len(matches) == 1:
        return matches[0]
    problem = "matches several articles" if matches else "no such article"
    raise OkgError("--filter article", f"{text!r}: {problem}", f"one of: {', '.join(sorted(stems.values()))}")


def _type_of(value: str, present: set[str]) -> str:
    wanted = value.strip().lower().replace("organization", "organisation")
    for kind in sorted(set(TYPES) | present):
        if wanted in (kind.lower(), kind.lower() + "s"):
            return kind
    raise OkgError("--filter type", f"unknown node type {value!r}", f"one of: {', '.join(TYPES)}")


def apply_filters(graph: nx.Graph, type: str | list[str] | None = None, min_degree: Any = None) -> nx.Graph:
    """Keep nodes of the given types (comma-separated or a list), then those of degree >= min_degree."""
    if type:
        present = {d["type"] for _, d in graph.nodes(data=True)}
        values = type.split(",") if isinstance(type, str) else list(type)
        kinds = {_type_of(v, present) for v in values if v.strip()}
        graph.remove_nodes_from([n for n, d in list(graph.nodes(data=True)) if d["type"] not in kinds])
        _set_degree(graph)
    if min_degree is not None:
        try:
            least = int(min_degree)
        except (TypeError, ValueError):
            raise OkgError("--filter min-degree", f"{min_degree!r} is not a whole number") from None
        if least < 0:
            raise OkgError("--filter min-degree", f"{least} is negative")
        graph.remove_nodes_from([n for n, d in list(graph.degree()) if d < least])
        _set_degree(graph)
    graph.graph["relations"] = [r for r in graph.graph.get("relations", [])
                                if any(r in d["relations"] for _, _, d in graph.edges(data=True))]
    return graph


# ---------------------------------------------------------------- metrics


@dataclass
class Metrics:
    rows: list[dict]
    sampled_k: int | None = None

    @property
    def note(self) -> str:
        if self.sampled_k is None:
            return "betweenness: exact"
        return f"betweenness: estimated from {self.sampled_k} sampled nodes of {len(self.rows)} (graph too large)"


def metrics(graph: nx.Graph, sample_above: int = SAMPLE_ABOVE, k: int = SAMPLE_K, seed: int = 0) -> Metrics:
    """Degree, betweenness (sampled on large graphs) and Louvain community of each node.

    Also stored as node attributes, so files written afterwards carry them.
    """
    n = graph.number_of_nodes()
    sampled = min(k, n) if n > sample_above else None
    between = nx.betweenness_centrality(graph, k=sampled, seed=seed, normalized=True) if n else {}
    try:
        parts = nx.community.louvain_communities(graph, weight="weight", seed=seed) if n else []
    except AttributeError:  # networkx without Louvain
        parts = list(nx.community.greedy_modularity_communities(graph, weight="weight"))
    parts = sorted(parts, key=lambda c: (-len(c), min(c)))
    community = {node: i + 1 for i, part in enumerate(parts) for node in part}
    rows = []
    for node, data in graph.nodes(data=True):
        data["betweenness"] = round(between.get(node, 0.0), 6)
        data["community"] = community.get(node, 0)
        rows.append({"node": node, "label": data["label"], "type": data["type"], "degree": data["degree"],
                     "betweenness": data["betweenness"], "community": data["community"]})
    rows.sort(key=lambda r: (-r["degree"], -r["betweenness"], r["label"]))
    graph.graph["betweenness"] = "exact" if sampled is None else f"sampled k={sampled}"
    return Metrics(rows, sampled)


METRIC_COLUMNS = ("node", "label", "type", "degree", "betweenness", "community")


def metrics_text(result: Metrics, fmt: str = "table", view: str = "") -> str:
    if fmt == "json":
        return json.dumps({"view": view, "betweenness": {"sampled": result.sampled_k is not None,
                                                         "k": result.sampled_k}, "nodes": result.rows},
                          ensure_ascii=False, indent=2) + "\n"
    if fmt == "csv":
        out = io.StringIO()
        writer = csv.DictWriter(out, METRIC_COLUMNS, lineterminator="\r\n")
        writer.writeheader()
        writer.writerows(result.rows)
        return out.getvalue()
    if fmt == "table":
        cells = [[str(r[c]) if c != "betweenness" else f"{r[c]:.4f}" for c in METRIC_COLUMNS[1:]] for r in result.rows]
        return q.table(list(METRIC_COLUMNS[1:]), cells)
    raise OkgError("", f"unknown metrics format {fmt!r}", "one of: table, csv, json")


def summary(graph: nx.Graph) -> str:
    """A few lines saying what the view holds."""
    types: dict[str, int] = {}
    for _, data in graph.nodes(data=True):
        types[data["type"]] = types.get(data["type"], 0) + 1
    relations: dict[str, int] = {}
    for _, _, data in graph.edges(data=True):
        relations[data["relation"]] = relations.get(data["relation"], 0) + 1
    lines = [f"{graph.graph.get('name', 'view')}: {graph.graph.get('title', '')}",
             f"nodes: {graph.number_of_nodes()} ({', '.join(f'{n} {t}' for t, n in sorted(types.items())) or 'none'})",
             f"links: {graph.number_of_edges()} ({', '.join(f'{n} {r}' for r, n in relations.items()) or 'none'})",
             f"articles: {len(graph.graph.get('articles', {}))}"]
    return "\n".join(lines) + "\n"
