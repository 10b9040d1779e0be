"""`okg push`: upload the dataset to a SPARQL 1.1 Graph Store Protocol endpoint.

Each named graph (one per article, the ontology, the inferred triples) is sent with an HTTP PUT
to ``URL?graph=<IRI>``. PUT replaces the graph, so pushing again (or after an interrupted
push) converges on the same content and never duplicates a triple.
"""

from __future__ import annotations

import urllib.parse
from dataclasses import dataclass

from rdflib import Graph, URIRef

from .endpoint import request
from .errors import OkgError


@dataclass
class Pushed:
    graph: str
    triples: int


def graph_url(endpoint: str, graph: str) -> str:
    """The Graph Store Protocol URL of one named graph (indirect identification: ?graph=)."""
    parts = urllib.parse.urlsplit(endpoint)
    query = urllib.parse.urlencode({"graph": graph})
    joined = f"{parts.query}&{query}" if parts.query else query
    return urllib.parse.urlunsplit((parts.scheme, parts.netloc, parts.path, joined, parts.fragment))


def ntriples(graph: Graph) -> bytes:
    """Sorted N-Triples: the same bytes for the same graph."""
    text = graph.serialize(format="nt")
    return "".join(sorted(set(text.splitlines(True)))).encode("utf-8")


def graphs_to_push(kg, only: str | None = None) -> list[tuple[str, Graph]]:
    """(IRI, graph) for every non-empty named graph of the dataset, by IRI; or just `only`."""
    found = {str(g.identifier): g for g in kg.dataset.graphs()
             if isinstance(g.identifier, URIRef) and len(g)
             and str(g.identifier) != "urn:x-rdflib:default"}
    if only is not None:
        from .queries import _expand

        iri = _expand(only)
        if iri not in found:
            raise OkgError("--graph", f"no named graph <{iri}> in the dataset",
                           f"one of: {', '.join(sorted(found))}")
        return [(iri, found[iri])]
    return sorted(found.items())


def push(kg, endpoint: str, only: str | None = None, timeout: float = 30.0, progress=None) -> list[Pushed]:
    """PUT each named graph to `endpoint`; returns what was sent. Any failure is an OkgError."""
    if urllib.parse.urlsplit(endpoint).scheme not in ("http", "https"):
        raise OkgError(endpoint, "not an http(s) URL", "give the Graph Store endpoint, e.g. http://127.0.0.1:7878/store")
    done = []
    for iri, graph in graphs_to_push(kg, only):
        body = ntriples(graph)
        request(graph_url(endpoint, iri), body, {"Content-Type": "application/n-triples"}, timeout, "PUT")
        done.append(Pushed(iri, len(graph)))
        if progress:
            progress(done[-1])
    return done
