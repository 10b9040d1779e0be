"""IRIs: the ontology namespace, resource slugs and named graphs."""

from __future__ import annotations

from rdflib import Graph, Namespace, URIRef
from rdflib.namespace import DCTERMS, OWL, PROV, RDF, RDFS, SKOS, XSD

OKG = Namespace("https://w3id.org/okg/ontology#")
ID = Namespace("https://w3id.org/okg/id/")
ORG = Namespace("http://www.w3.org/ns/org#")
SCHEMA = Namespace("https://schema.org/")
OA = Namespace("http://www.w3.org/ns/oa#")
QB = Namespace("http://purl.org/linked-data/cube#")

ONTOLOGY_GRAPH = URIRef("https://w3id.org/okg/graph/ontology")
INFERRED_GRAPH = URIRef("https://w3id.org/okg/graph/inferred")
GENID = "https://w3id.org/okg/genid/"

PREFIXES = {
    "okg": OKG, "id": ID, "rdf": RDF, "rdfs": RDFS, "owl": OWL, "xsd": XSD, "skos": SKOS,
    "dcterms": DCTERMS, "prov": PROV, "org": ORG, "schema": SCHEMA, "oa": OA, "qb": QB,
}

# Path segment of each fact kind's IRIs: .../id/organisation/apebi
SEGMENT = {
    "organisations": "organisation", "sectors": "sector", "programmes": "programme",
    "conventions": "convention", "regions": "region", "indicators": "indicator",
}
CLASS = {
    "organisations": OKG.Organisation, "sectors": OKG.Sector, "programmes": OKG.Programme,
    "conventions": OKG.Convention, "regions": OKG.Region, "indicators": OKG.Indicator,
}


def fact_iri(kind: str, fid: str) -> URIRef:
    return ID[f"{SEGMENT[kind]}/{fid}"]


def article_iri(stem: str) -> URIRef:
    """An article's IRI is also the name of the graph holding its facts."""
    return ID[f"article/{stem}"]


def evidence_iri(stem: str, start: int, end: int) -> URIRef:
    return ID[f"evidence/{stem}/{start}-{end}"]


def measure_iri(slug: str) -> URIRef:
    return ID[f"measure/{slug}"]


def bind_prefixes(graph: Graph) -> Graph:
    for prefix, ns in PREFIXES.items():
        graph.bind(prefix, ns, override=True, replace=True)
    return graph
