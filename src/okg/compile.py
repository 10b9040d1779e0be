"""Fact sheets → RDF: one named graph per article, named by the article's IRI."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

from rdflib import BNode, Dataset, Graph, Literal, URIRef
from rdflib.graph import DATASET_DEFAULT_GRAPH_ID
from rdflib.compare import to_canonical_graph
from rdflib.namespace import DCTERMS, RDF, RDFS, SKOS, XSD

from .errors import OkgError
from .facts import MEASURES, Fact, Sheet, period_bounds
from .namespaces import (CLASS, GENID, INFERRED_GRAPH, OKG, ONTOLOGY_GRAPH, article_iri, bind_prefixes,
                         evidence_iri, fact_iri, measure_iri)

# Reference fields: the property each one becomes.
LINKS = {
    ("programmes", "led_by"): OKG.ledBy,
    ("programmes", "partners"): OKG.partner,
    ("programmes", "funded_by"): OKG.fundedBy,
    ("conventions", "parties"): OKG.party,
    ("conventions", "place"): OKG.signedIn,
    ("conventions", "programme"): OKG.implements,
    ("regions", "part_of"): OKG.partOf,
    ("indicators", "subject"): OKG.subject,
    ("organisations", "competitors"): OKG.competitor,
    ("regions", "competitors"): OKG.competitor,
}


def load_ontology(path: Path | str) -> Graph:
    """The ontology with its blank nodes (RDF lists) given stable IRIs."""
    graph = Graph()
    try:
        graph.parse(str(path), format="turtle")
    except FileNotFoundError:
        raise OkgError(str(path), "ontology file not found") from None
    except Exception as err:  # rdflib raises many parser types
        raise OkgError(str(path), f"Turtle syntax error: {err}") from None
    return skolemize(graph)


def skolemize(graph: Graph) -> Graph:
    """Replace blank nodes by IRIs derived from the graph's canonical form (deterministic)."""
    if not any(isinstance(t, BNode) for triple in graph for t in triple):
        return graph
    canonical = to_canonical_graph(graph)
    out = Graph()

    def name(term):
        return URIRef(GENID + str(term)) if isinstance(term, BNode) else term

    for s, p, o in canonical:
        out.add((name(s), p, name(o)))
    for prefix, ns in graph.namespaces():
        out.bind(prefix, ns)
    return out


def _fr(text: str, language: str) -> Literal:
    return Literal(text, lang=language)


def _article_triples(sheet: Sheet) -> Iterable[tuple]:
    a = sheet.article
    node = article_iri(a.stem)
    yield node, RDF.type, OKG.Article
    yield node, OKG.file, Literal(a.file)
    yield node, DCTERMS.language, Literal(a.language)
    yield node, RDFS.label, Literal(a.title or a.file, lang=a.language if a.title else None)
    if a.title:
        yield node, DCTERMS.title, Literal(a.title, lang=a.language)
    if a.published:
        yield node, DCTERMS.issued, Literal(a.published.isoformat(), datatype=XSD.date)
    if a.reference_date:
        yield node, OKG.referenceDate, Literal(a.reference_date.isoformat(), datatype=XSD.date)
    if a.reference_note:
        yield node, OKG.referenceNote, Literal(a.reference_note, lang="en")
    if a.source:
        yield node, DCTERMS.source, Literal(a.source)


def _indicator_label(fact: Fact) -> str:
    value = fact.get("value")
    text = f"{MEASURES[fact.get('measure')]}: {value:,} {fact.get('unit')}".replace(",", " ")
    return f"{text} ({fact.get('period')}, {fact.get('status')})" if fact.get("period") else f"{text} ({fact.get('status')})"


def _fact_triples(fact: Fact, sheet: Sheet, kinds: dict[str, str]) -> Iterable[tuple]:
    node = fact_iri(fact.kind, fact.id)
    lang = sheet.article.language
    yield node, RDF.type, CLASS[fact.kind]
    if fact.kind == "indicators":
        yield node, RDFS.label, Literal(_indicator_label(fact), lang="en")
        yield node, OKG.measure, measure_iri(fact.get("measure"))
        yield node, OKG.value, Literal(fact.get("value"), datatype=XSD.decimal)
        for name in ("unit", "approximation", "status"):
            yield node, OKG[name], Literal(fact.get(name))
        if fact.get("period"):
            start, end = period_bounds(fact.get("period"))
            yield node, OKG.period, Literal(fact.get("period"))
            yield node, OKG.periodStart, Literal(start.isoformat(), datatype=XSD.date)
            yield node, OKG.periodEnd, Literal(end.isoformat(), datatype=XSD.date)
        measure = measure_iri(fact.get("measure"))
        yield measure, RDF.type, OKG.Measure
        yield measure, SKOS.prefLabel, Literal(MEASURES[fact.get("measure")], lang="en")
        yield measure, SKOS.notation, Literal(fact.get("measure"))
    else:
        yield node, SKOS.prefLabel, _fr(fact.get("name"), lang)
        yield node, RDFS.label, _fr(fact.get("name"), lang)
    if fact.kind == "organisations":
        if fact.get("acronym"):
            yield node, OKG.acronym, Literal(fact.get("acronym"))
        for alias in fact.get("aliases"):
            if alias != fact.get("name"):
                yield node, SKOS.altLabel, _fr(alias, lang)
    if fact.kind == "regions":
        yield node, OKG.kind, Literal(fact.get("kind"))
    if fact.kind == "conventions" and fact.get("signed"):
        yield node, OKG.signedOn, Literal(fact.get("signed").isoformat(), datatype=XSD.date)
    for (kind, name), prop in LINKS.items():
        if kind != fact.kind:
            continue
        value = fact.get(name)
        for ref in value if isinstance(value, list) else [value] if value else []:
            yield node, prop, fact_iri(kinds[ref], ref)
    article = article_iri(sheet.article.stem)
    for quote in fact.evidence:
        ev = evidence_iri(sheet.article.stem, quote.start, quote.end)
        yield node, OKG.evidence, ev
        yield ev, RDF.type, OKG.Evidence
        yield ev, OKG.inArticle, article
        yield ev, OKG.quote, Literal(quote.text)
        yield ev, OKG.start, Literal(quote.start, datatype=XSD.nonNegativeInteger)
        yield ev, OKG.end, Literal(quote.end, datatype=XSD.nonNegativeInteger)


def sheet_graph(sheet: Sheet, dataset: Dataset) -> Graph:
    """Add one article's facts to its named graph in `dataset`."""
    graph = dataset.graph(article_iri(sheet.article.stem))
    for triple in _article_triples(sheet):
        graph.add(triple)
    kinds = {fact.id: fact.kind for fact in sheet.all_facts()}
    for fact in sheet.all_facts():
        for triple in _fact_triples(fact, sheet, kinds):
            graph.add(triple)
    return graph


def compile_sheets(sheets: Iterable[Sheet], ontology: Graph | None = None) -> Dataset:
    """A dataset with the ontology graph (if given) and one graph per article."""
    dataset = bind_prefixes(Dataset(default_union=True))
    if ontology is not None:
        target = dataset.graph(ONTOLOGY_GRAPH)
        for triple in ontology:
            target.add(triple)
    for sheet in sheets:
        sheet_graph(sheet, dataset)
    return dataset


@dataclass
class Build:
    """What `build` produced: the files' text, the dataset and the counts."""

    files: dict[Path, str]
    dataset: Dataset
    stale: list[Path]


def build(root: Path | str, *, check: bool = False, write: bool = True) -> Build:
    """Fact sheets + ontology → graph/okg.trig and graph/okg.ttl (nothing written on error)."""
    from .facts import load_sheets
    from .reason import infer
    from .store import trig, turtle

    root = Path(root)
    sheets = load_sheets(root / "seeds")
    ontology = load_ontology(root / "ontology" / "okg.ttl")
    dataset = compile_sheets(sheets, ontology)
    asserted = [t for sheet in sheets for t in dataset.graph(article_iri(sheet.article.stem))]
    inferred = infer(ontology, asserted)
    target = dataset.graph(INFERRED_GRAPH)
    for triple in inferred:
        target.add(triple)
    graphs = {g.identifier: g for g in dataset.graphs() if len(g) and g.identifier != DATASET_DEFAULT_GRAPH_ID}
    files = {
        root / "graph" / "okg.trig": trig(graphs),
        root / "graph" / "okg.ttl": turtle(asserted),
    }
    stale = [p for p, text in files.items()
             if not p.is_file() or p.read_text(encoding="utf-8") != text]
    if write and not check and stale:
        from .store import write_files
        write_files(files)
    return Build(files, dataset, stale)
