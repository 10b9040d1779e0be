"""The scale path: OWL RL entailments by SPARQL UPDATE rules in Oxigraph, fast build and checks.

`rules(ontology)` compiles the ontology's axioms (subClassOf, equivalentClass, subPropertyOf,
equivalentProperty, inverseOf, SymmetricProperty, TransitiveProperty, propertyChainAxiom,
domain, range) into SPARQL UPDATEs; `materialise(store, ontology)` runs them to a fixpoint and
leaves in the inferred graph exactly what `okg.reason.infer` (owlrl) keeps: the entailments
about okg resources that were not asserted. Change the ontology and the rules change with it.
Axioms whose entailments the rules do not cover (class expressions, keys) are refused by name;
an owl:FunctionalProperty with two values (owlrl would derive owl:sameAs) is reported as an error.

The SHACL side lives in `okg.shaclsparql`; `validate()` here runs it and the QC queries.
"""

from __future__ import annotations

import threading
from collections import defaultdict, deque
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

from rdflib import Graph, URIRef
from rdflib.namespace import OWL, RDF, RDFS

from .errors import OkgError
from .namespaces import ID, INFERRED_GRAPH

DELTA = URIRef("https://w3id.org/okg/graph/delta")
NEXT = URIRef("https://w3id.org/okg/graph/delta-next")
UNSUPPORTED = (OWL.Restriction, OWL.intersectionOf, OWL.unionOf, OWL.oneOf, OWL.hasKey,
               OWL.complementOf, OWL.hasValue, OWL.someValuesFrom, OWL.allValuesFrom)
TRIVIAL = (OWL.Thing, RDFS.Resource, OWL.NamedIndividual)


def _iri(term) -> str:
    return f"<{term}>"


@dataclass
class Schema:
    """The ontology's axioms, closed (subclass and subproperty hierarchies are transitive)."""

    supers: dict[URIRef, set[URIRef]] = field(default_factory=lambda: defaultdict(set))        # class → strict superclasses
    super_props: dict[URIRef, set[URIRef]] = field(default_factory=lambda: defaultdict(set))   # property → its superproperties
    inverse: dict[URIRef, set[URIRef]] = field(default_factory=lambda: defaultdict(set))
    symmetric: set[URIRef] = field(default_factory=set)
    transitive: set[URIRef] = field(default_factory=set)
    chains: list[tuple[URIRef, list[URIRef]]] = field(default_factory=list)
    domains: dict[URIRef, set[URIRef]] = field(default_factory=lambda: defaultdict(set))
    ranges: dict[URIRef, set[URIRef]] = field(default_factory=lambda: defaultdict(set))
    functional: set[URIRef] = field(default_factory=set)
    inverse_functional: set[URIRef] = field(default_factory=set)

    def images(self, p: URIRef) -> set[tuple[URIRef, bool]]:
        """What one `s p o` triple entails by one-triple rules: (property, flipped) pairs.

        The closure of prp-spo1, prp-eqp1/2, prp-inv1/2 and prp-symp, walked at the schema level,
        so a single pass over the data derives all of them.
        """
        seen, todo = {(p, False)}, deque([(p, False)])
        while todo:
            q, flipped = todo.popleft()
            steps = [(r, flipped) for r in self.super_props[q]] + [(r, not flipped) for r in self.inverse[q]]
            if q in self.symmetric:
                steps.append((q, not flipped))
            for step in steps:
                if step not in seen:
                    seen.add(step)
                    todo.append(step)
        return seen - {(p, False)}


def _closure(pairs: dict[URIRef, set[URIRef]]) -> None:
    changed = True
    while changed:
        changed = False
        for node, ups in pairs.items():
            extra = set().union(*(pairs.get(u, set()) for u in list(ups))) - ups - {node}
            if extra:
                ups |= extra
                changed = True


def schema(ontology: Graph) -> Schema:
    """Read and close the axioms the rules are made of; refuse those they cannot honour."""
    for construct in UNSUPPORTED:
        if (None, None, construct) in ontology or (None, construct, None) in ontology:
            raise OkgError("ontology", f"{construct.n3(ontology.namespace_manager)} is outside the fast path",
                           "its entailments need owlrl: use okg build (the OWL RL reasoner)")
    s = Schema()
    for c, d in ontology.subject_objects(RDFS.subClassOf):
        if c != d:
            s.supers[c].add(d)
    for c, d in ontology.subject_objects(OWL.equivalentClass):
        s.supers[c].add(d)
        s.supers[d].add(c)
    for p, q in ontology.subject_objects(RDFS.subPropertyOf):
        if p != q:
            s.super_props[p].add(q)
    for p, q in ontology.subject_objects(OWL.equivalentProperty):
        s.super_props[p].add(q)
        s.super_props[q].add(p)
    _closure(s.supers)
    _closure(s.super_props)
    for p, q in ontology.subject_objects(OWL.inverseOf):
        s.inverse[p].add(q)
        s.inverse[q].add(p)
    s.symmetric = set(ontology.subjects(RDF.type, OWL.SymmetricProperty))
    s.transitive = set(ontology.subjects(RDF.type, OWL.TransitiveProperty))
    s.functional = set(ontology.subjects(RDF.type, OWL.FunctionalProperty))
    s.inverse_functional = set(ontology.subjects(RDF.type, OWL.InverseFunctionalProperty))
    for q, head in ontology.subject_objects(OWL.propertyChainAxiom):
        s.chains.append((q, list(ontology.items(head))))
    s.chains.sort()
    for p, c in ontology.subject_objects(RDFS.domain):
        s.domains[p].add(c)
    for p, c in ontology.subject_objects(RDFS.range):
        s.ranges[p].add(c)
    return s


# ---------------------------------------------------------------- the rules


@dataclass
class Rule:
    name: str            # OWL RL rule family and what it is about, for progress and errors
    text: str            # one SPARQL UPDATE
    stage: str           # "copy" (once), "join" (to a fixpoint), "type" (once, at the end), "clean"
    reads: frozenset = frozenset()   # properties a join rule reads (rerun when they grow)
    writes: URIRef | None = None


def _template(prop: URIRef, flipped: bool) -> str:
    return f"?o {_iri(prop)} ?s" if flipped else f"?s {_iri(prop)} ?o"


def _guarded(template: str) -> str:
    # MINUS, not FILTER NOT EXISTS: Oxigraph runs it as one hash anti-join (50x faster here).
    return f"MINUS {_src(template)}"


def _src(pattern: str) -> str:
    """A pattern read from the merge of the asserted graphs (the store's default graph, see
    okg.oxstore) and from the inferred graph (disjoint from it)."""
    return f"{{ {{ {pattern} }} UNION {{ GRAPH <{INFERRED_GRAPH}> {{ {pattern} }} }} }}"


def copy_rules(s: Schema, properties: Iterable[URIRef], asserted: set[URIRef], source: str | None = None,
               delta: bool = False) -> list[Rule]:
    """prp-spo1/eqp/inv/symp: each triple of p yields all its images in one pass.

    An image whose property also occurs in the articles is inserted only if not asserted there
    (okg keeps entailments only); the others need no check. Images with a literal subject are
    dropped by the store, as SPARQL Update says. In later rounds (`delta`) only new images are
    inserted, and recorded as the next round's delta.
    """
    out = []
    for p in sorted(properties):
        images = [_template(q, f) for q, f in sorted(s.images(p))]
        free = [t for t in images if URIRef(t.split()[1][1:-1]) not in asserted and not delta]
        where = f"GRAPH {source} {{ ?s {_iri(p)} ?o }}" if source else _src(f"?s {_iri(p)} ?o")
        if free:
            out.append(Rule(f"copy {p}", f"INSERT {{ GRAPH <{INFERRED_GRAPH}> {{ {' . '.join(free)} }} }} WHERE {{ {where} }}", "copy"))
        for t in images:
            if t in free:
                continue
            also = f" GRAPH <{NEXT}> {{ {t} }}" if delta else ""
            out.append(Rule(f"copy {p} → {t.split()[1]}", f"INSERT {{ GRAPH <{INFERRED_GRAPH}> {{ {t} }}{also} }} "
                                                          f"WHERE {{ {where} {_guarded(t)} }}", "copy"))
    return out


def _distinct(a: str, p: URIRef, b: str) -> str:
    """Each triple once, whatever the number of article graphs stating it (joins would multiply)."""
    return f"{{ SELECT DISTINCT {a} {b} WHERE {_src(f'{a} {_iri(p)} {b}')} }}"


def join_rules(s: Schema) -> list[Rule]:
    """prp-trp and prp-spo2: rules joining two or more triples, run until nothing is new."""
    out = []
    for q in sorted(s.transitive):
        new = f"?x {_iri(q)} ?z"
        out.append(Rule(f"transitive {q}",
                        f"INSERT {{ GRAPH <{INFERRED_GRAPH}> {{ {new} }} GRAPH <{DELTA}> {{ {new} }} }} WHERE {{ "
                        f"{_distinct('?x', q, '?y')} {_distinct('?y', q, '?z')} {_guarded(new)} }}",
                        "join", frozenset({q}), q))
    for q, chain in s.chains:
        steps = " ".join(_distinct(f"?v{i}", p, f"?v{i + 1}") for i, p in enumerate(chain))
        new = f"?v0 {_iri(q)} ?v{len(chain)}"
        out.append(Rule(f"chain {q}",
                        f"INSERT {{ GRAPH <{INFERRED_GRAPH}> {{ {new} }} GRAPH <{DELTA}> {{ {new} }} }} WHERE {{ "
                        f"{steps} {_guarded(new)} }}", "join", frozenset(chain), q))
    return out


def type_rules(s: Schema) -> list[Rule]:
    """prp-dom and prp-rng (one update per declared class), then cax-sco/cax-eqc.

    The class hierarchy is closed, so one subclass step from every type (asserted, or given by
    a domain or range just before) reaches every superclass.
    """
    below: dict[URIRef, set[URIRef]] = defaultdict(set)
    for c, ups in s.supers.items():
        for d in ups:
            below[d].add(c)
    out = []
    declared = {c for cs in s.domains.values() for c in cs} | {c for cs in s.ranges.values() for c in cs}
    for d in sorted(declared):
        ways = [_src(f"?x {_iri(p)} ?o") for p in sorted(s.domains) if d in s.domains[p]]
        ways += [f"{{ {_src(f'?o {_iri(p)} ?x')} FILTER(!isLiteral(?x)) }}" for p in sorted(s.ranges) if d in s.ranges[p]]
        new = f"?x a {_iri(d)}"
        out.append(Rule(f"domain/range {d}", f"INSERT {{ GRAPH <{INFERRED_GRAPH}> {{ {new} }} }} WHERE {{ "
                                             f"{' UNION '.join(ways)} {_guarded(new)} }}", "type"))
    for d in sorted(below):
        new = f"?x a {_iri(d)}"
        out.append(Rule(f"subclass {d}", f"INSERT {{ GRAPH <{INFERRED_GRAPH}> {{ {new} }} }} WHERE {{ {_src('?x a ?c')} "
                                         f"VALUES ?c {{ {' '.join(_iri(c) for c in sorted(below[d]))} }} {_guarded(new)} }}", "type"))
    return out


# okg.reason.useful: about okg resources, no blank nodes, no trivial types.
CLEAN = Rule("useful", f"PREFIX rdf: <{RDF}> PREFIX owl: <{OWL}> "
                       f"DELETE {{ GRAPH <{INFERRED_GRAPH}> {{ ?s ?p ?o }} }} WHERE {{ GRAPH <{INFERRED_GRAPH}> {{ ?s ?p ?o }} "
                       f"FILTER(!isIRI(?s) || !STRSTARTS(STR(?s), \"{ID}\") || isBlank(?o) "
                       f"|| (?p = rdf:type && ?o IN ({', '.join(_iri(t) for t in TRIVIAL)})) "
                       f"|| (?p = owl:sameAs && sameTerm(?s, ?o))) }}", "clean")


def rules(ontology: Graph) -> list[Rule]:
    """Every rule the ontology gives (first round, every image guarded), for reading."""
    s = schema(ontology)
    props = set(s.super_props) | set(s.inverse) | s.symmetric
    return copy_rules(s, props, asserted=set(_all_images(s, props))) + join_rules(s) + type_rules(s) + [CLEAN]


def _all_images(s: Schema, props) -> set[URIRef]:
    return {q for p in props for q, _ in s.images(p)}


# ---------------------------------------------------------------- running them


def _count(store, graph: URIRef) -> int:
    rows = store.store.query(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}")
    return int(next(iter(rows))["n"].value)


def _predicates(store, graph: URIRef) -> set[URIRef]:
    rows = store.store.query(f"SELECT DISTINCT ?p WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}")
    return {URIRef(r["p"].value) for r in rows}


def _asserted(store, props: Iterable[URIRef]) -> set[URIRef]:
    """Which of these properties some graph other than the inferred one uses."""
    return {p for p in props if store.store.query(f"ASK {{ ?s {_iri(p)} ?o }}")}


def _functional_conflicts(store, s: Schema) -> OkgError | None:
    """prp-fp / prp-ifp: two values of a functional property would make owlrl equate them."""
    for props, pattern, key, other in ((s.functional, "?x ?p ?y", "?x", "?y"), (s.inverse_functional, "?y ?p ?x", "?x", "?y")):
        if not props:
            continue
        query = (f"SELECT ?p ?x (MIN(STR(?y)) AS ?a) (MAX(STR(?y)) AS ?b) WHERE {{ {_src(pattern)} "
                 f"VALUES ?p {{ {' '.join(_iri(p) for p in sorted(props))} }} }} "
                 f"GROUP BY ?p ?x HAVING (COUNT(DISTINCT ?y) > 1) LIMIT 1")
        found = [(row["x"].value, str(row["p"]), row["a"].value, row["b"].value) for row in store.store.query(query)]
        if found:
            x, p, a, b = found[0]
            kind = "functional" if pattern.startswith("?x") else "inverse functional"
            return OkgError(x, f"{kind} property {p} has two values ({a} and {b}): OWL RL would make them "
                               "owl:sameAs, which the fast path does not derive",
                            "fix the data (okg validate flags it), or infer with owlrl (okg build)")
    return None


def materialise(store, ontology: Graph, progress=None) -> int:
    """Fill the inferred graph of an OxStore with the useful OWL RL entailments; their number.

    progress(rule, seconds) is called after each update.
    """
    import time

    s = schema(ontology)

    def run(rule: Rule) -> None:
        start = time.perf_counter()
        store.update(rule.text)
        if progress:
            progress(rule, time.perf_counter() - start)

    store.update(f"DROP SILENT GRAPH <{INFERRED_GRAPH}> ; DROP SILENT GRAPH <{DELTA}> ; DROP SILENT GRAPH <{NEXT}>")
    if not store.store.query("ASK { ?s ?p ?o }"):
        store.refresh_union()
    copy_props = {p for p in set(s.super_props) | set(s.inverse) | s.symmetric if s.images(p)}
    asserted = _asserted(store, _all_images(s, copy_props))
    for rule in copy_rules(s, copy_props, asserted):
        run(rule)
    joins = join_rules(s)
    grown: set[URIRef] | None = None  # None: first round, every join rule runs
    while True:
        store.update(f"DROP SILENT GRAPH <{DELTA}>")
        for rule in joins:
            if grown is None or rule.reads & grown:
                while True:  # a transitive rule doubles the paths it knows each time
                    before = _count(store, DELTA)
                    run(rule)
                    if rule.writes not in rule.reads or _count(store, DELTA) == before:
                        break
        if not _count(store, DELTA):
            break
        store.update(f"DROP SILENT GRAPH <{NEXT}>")
        new_props = _predicates(store, DELTA)
        for rule in copy_rules(s, {p for p in new_props if s.images(p)}, asserted, source=f"<{DELTA}>", delta=True):
            run(rule)
        grown = new_props | _predicates(store, NEXT)
    store.update(f"DROP SILENT GRAPH <{DELTA}> ; DROP SILENT GRAPH <{NEXT}>")
    # The property closure is complete: check functional properties on the other core while
    # the types are derived (Oxigraph releases the GIL; the check reads a snapshot).
    conflict: list = []
    checker = threading.Thread(target=lambda: conflict.append(_functional_conflicts(store, s)))
    checker.start()
    try:
        for rule in type_rules(s) + [CLEAN]:
            run(rule)
    finally:
        checker.join()
    if conflict and conflict[0] is not None:
        raise conflict[0]
    return _count(store, INFERRED_GRAPH)


# ---------------------------------------------------------------- fast build


def load_sheets(folder: Path | str):
    """okg.facts.load_sheets with libyaml when available (same checks, same Sheet objects)."""
    import yaml

    from . import facts

    if not getattr(yaml, "__with_libyaml__", False):
        return facts.load_sheets(folder)

    class Loader(yaml.CSafeLoader):  # dates stay text, as in okg.facts
        pass

    Loader.yaml_implicit_resolvers = facts._Loader.yaml_implicit_resolvers
    folder = Path(folder)
    paths = sorted(folder.glob("*.yaml"))
    if not paths:
        raise OkgError(str(folder), "no fact sheets (*.yaml)", "run okg extract on an article first")
    sheets = []
    for path in paths:
        try:
            data = yaml.load(path.read_text(encoding="utf-8"), Loader=Loader)
        except (yaml.YAMLError, UnicodeDecodeError):
            data = facts.read_yaml(path)  # the slow reader gives the located error message
        sheets.append(facts.parse_sheet(data, path))
    facts.check_agreement(sheets)
    return sheets


def sheet_triples(sheet) -> set[tuple]:
    """One article's triples, as okg.compile.sheet_graph makes them (without an rdflib graph)."""
    from . import compile as c

    out = set(c._article_triples(sheet))
    kinds = {fact.id: fact.kind for fact in sheet.all_facts()}
    for fact in sheet.all_facts():
        out.update(c._fact_triples(fact, sheet, kinds))
    return out


def compile_into(store, sheets, ontology: Graph) -> None:
    """Sheets and ontology into an OxStore: the article graphs and the ontology graph."""
    from .namespaces import ONTOLOGY_GRAPH, article_iri
    from .oxstore import _ox, from_rdflib

    ox = _ox()
    cache: dict = {}

    def term(t):
        found = cache.get(t)
        if found is None:
            found = cache[t] = from_rdflib(t)
        return found

    def quads():
        graph = ox.NamedNode(str(ONTOLOGY_GRAPH))
        for s, p, o in ontology:
            yield ox.Quad(term(s), term(p), term(o), graph)
        for sheet in sheets:
            name = ox.NamedNode(str(article_iri(sheet.article.stem)))
            for s, p, o in sheet_triples(sheet):
                yield ox.Quad(term(s), term(p), term(o), name)

    store.store.clear()
    store.store.bulk_extend(quads())
    store.refresh_union()


# ---------------------------------------------------------------- validation


def validate(store, shapes: Graph, qc_folder: Path, ontology: Graph | None = None, with_inferred: bool = True):
    """SHACL (compiled to SPARQL) and the QC queries over an OxStore: an okg.validate.Report."""
    from . import shaclsparql
    from .validate import SEVERITIES, Report, _qc, qc_rules

    findings = shaclsparql.validate(store, shapes, with_inferred=with_inferred)

    class Adapter:  # okg.validate runs QC queries through `.query(text)`
        @staticmethod
        def query(text):
            return store.result(text, with_inferred=with_inferred, where="qc")

    qc_findings, counts = _qc(Adapter, qc_rules(qc_folder))
    findings = sorted(findings + qc_findings, key=lambda f: (-SEVERITIES.index(f.severity), f.source, f.focus, f.path, f.message))
    return Report(findings, counts)
