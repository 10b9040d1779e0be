"""SHACL compiled to SPARQL: a few SELECTs per shape, run by the store's own engine.

The results are okg.validate.Finding values equal to what the pySHACL path reports (same
source, severity, focus, message, path and value) for the SHACL Core components okg's shapes
use and a few neighbours; any other component is refused by name, so that a new shape never
passes unchecked. Value nodes are compared as terms, as pySHACL does. The queries run on two
threads (Oxigraph releases the GIL).

Two differences are the store's, not the compiler's: Oxigraph 0.5 stores every integer
subtype (xsd:nonNegativeInteger...) as xsd:integer, so `sh:datatype xsd:nonNegativeInteger`
is checked as "an integer that is not negative"; and a shape needs a sh:message (pySHACL's
own wording for messages is not reproduced).
"""

from __future__ import annotations

import re
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS, SH, XSD

from .errors import OkgError
from .oxstore import _ox, lexical
from .validate import Finding

# Value-at-a-time components, checked together in one query per property shape.
FILTERED = {SH.datatype, SH.nodeKind, SH.minLength, SH.maxLength, SH.pattern, SH["in"],
            SH.minInclusive, SH.maxInclusive, SH.minExclusive, SH.maxExclusive}
SUPPORTED = FILTERED | {SH.minCount, SH.maxCount, SH["class"], SH.hasValue, SH.lessThan,
                        SH.lessThanOrEquals, SH["or"]}
IGNORED = {SH.path, SH.message, SH.severity, SH.name, SH.description, SH.order, SH.group, SH.flags,
           SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf, SH.property,
           SH.deactivated, SH.declare, SH.defaultValue, SH.sparql, SH.prefixes}
INTEGER_BOUNDS = {XSD.nonNegativeInteger: ">= 0", XSD.positiveInteger: "> 0",
                  XSD.nonPositiveInteger: "<= 0", XSD.negativeInteger: "< 0"}
CASTS = {XSD.decimal, XSD.integer, XSD.date, XSD.dateTime, XSD.boolean, XSD.double, XSD.float}
COMPARE = {SH.minInclusive: ">=", SH.maxInclusive: "<=", SH.minExclusive: ">", SH.maxExclusive: "<"}
NODE_KINDS = {SH.IRI: "isIRI(?value)", SH.BlankNode: "isBlank(?value)", SH.Literal: "isLiteral(?value)",
              SH.BlankNodeOrIRI: "!isLiteral(?value)", SH.BlankNodeOrLiteral: "!isIRI(?value)",
              SH.IRIOrLiteral: "!isBlank(?value)"}
SIMPLE_SELECT = re.compile(r"^\s*SELECT\s+(?:DISTINCT\s+)?((?:[?$]\w+\s*)+)WHERE\s*\{(.*)\}\s*$", re.S | re.I)


@dataclass
class Check:
    """A query whose rows are violations of one shape, and how a row becomes findings.

    kind: "value" (one finding per row, sh:value = ?value), "focus" (sh:value = the focus
    node), "none" (no sh:value), "flags" (?f0... say which components a value fails, one
    finding each), "counts" (?n against min and max).
    """

    source: str
    severity: str
    message: str
    path: str
    query: str
    kind: str = "value"
    bounds: tuple = (None, None)
    flags: int = 0

    def findings(self, row) -> list[Finding]:
        focus = row["this"].value
        value = ""
        if self.kind in ("value", "flags") and row["value"] is not None and not _is_blank(row["value"]):
            value = lexical(row["value"])  # the text the memory store reports
        elif self.kind == "focus":
            value = focus
        n = 1
        if self.kind == "flags":
            n = sum(row[f"f{i}"] is not None and row[f"f{i}"].value == "true" for i in range(self.flags))
        elif self.kind == "counts":
            count, (low, high) = int(row["n"].value), self.bounds
            n = (low is not None and count < low) + (high is not None and count > high)
        return [Finding(self.source, self.severity, focus, self.message, self.path, value)] * n


def _is_blank(term) -> bool:
    return isinstance(term, _ox().BlankNode)


def _n3(term) -> str:
    return term.n3() if isinstance(term, Literal) else f"<{term}>"


def path_sparql(shapes: Graph, path) -> str:
    if isinstance(path, URIRef):
        return f"<{path}>"
    inverse = shapes.value(path, SH.inversePath)
    if inverse is not None:
        return f"^({path_sparql(shapes, inverse)})"
    alternatives = shapes.value(path, SH.alternativePath)
    if alternatives is not None:
        return "(" + "|".join(path_sparql(shapes, p) for p in shapes.items(alternatives)) + ")"
    for prop, op in ((SH.zeroOrMorePath, "*"), (SH.oneOrMorePath, "+"), (SH.zeroOrOnePath, "?")):
        inner = shapes.value(path, prop)
        if inner is not None:
            return f"({path_sparql(shapes, inner)}){op}"
    if shapes.value(path, RDF.first) is not None:
        return "(" + "/".join(path_sparql(shapes, p) for p in shapes.items(path)) + ")"
    raise OkgError("shapes", f"unsupported sh:path {path}")


def severity(shapes: Graph, shape) -> str:
    value = shapes.value(shape, SH.severity)
    return str(value).rsplit("#", 1)[-1] if value is not None else "Violation"


def message(shapes: Graph, shape, where) -> str:
    value = shapes.value(shape, SH.message)
    if value is None:
        raise OkgError(str(where), "a shape without sh:message",
                       "give every shape a sh:message (pySHACL's own wording is not reproduced)")
    return str(value)


def _refuse(where, what) -> OkgError:
    return OkgError(str(where), f"{what} is not compiled to SPARQL", "validate with the memory store (pySHACL)")


@dataclass
class Compiler:
    shapes: Graph
    subclasses: object          # class IRI → its subclasses (itself included), from the data
    flags: str = ""
    checks: list = field(default_factory=list)

    def classes(self, cls) -> str:
        return " ".join(f"<{c}>" for c in sorted(self.subclasses(cls)))

    def datatype_ok(self, datatype) -> str:
        if datatype == RDF.langString:
            return "(isLiteral(?value) && LANG(?value) != \"\")"
        if datatype in INTEGER_BOUNDS:
            return (f"COALESCE(isLiteral(?value) && DATATYPE(?value) IN (<{datatype}>, <{XSD.integer}>) "
                    f"&& xsd:integer(STR(?value)) {INTEGER_BOUNDS[datatype]}, false)")
        check = f"isLiteral(?value) && DATATYPE(?value) = <{datatype}>"
        if datatype in CASTS:  # ill-typed literals ("2015-02-30"^^xsd:date) fail the cast
            check += f" && <{datatype}>(STR(?value)) = <{datatype}>(STR(?value))"
        return f"COALESCE({check}, false)"

    def failing(self, component, value) -> str:
        """A boolean: the value node ?value fails this component."""
        if component == SH.datatype:
            return f"!{self.datatype_ok(value)}"
        if component == SH.nodeKind:
            return f"!({NODE_KINDS[value]})"
        if component in (SH.minLength, SH.maxLength):
            op = "<" if component == SH.minLength else ">"
            return f"(isBlank(?value) || STRLEN(STR(?value)) {op} {int(value)})"
        if component == SH.pattern:
            return f"(isBlank(?value) || !REGEX(STR(?value), {Literal(str(value)).n3()}, \"{self.flags}\"))"
        if component == SH["in"]:
            return f"!({' || '.join(f'sameTerm(?value, {_n3(v)})' for v in self.shapes.items(value)) or 'false'})"
        return f"!COALESCE(?value {COMPARE[component]} {_n3(value)}, false)"

    def or_classes(self, members, where) -> list:
        """sh:or of class shapes: the classes of each member (anything else is refused)."""
        out = []
        for member in members:
            props = {p for p in self.shapes.predicates(member) if str(p).startswith(str(SH))}
            if props != {SH["class"]}:
                raise _refuse(where, "sh:or with members other than single sh:class shapes")
            out.append(self.shapes.value(member, SH["class"]))
        return out

    def targets(self, node_shape) -> str:
        parts = []
        for cls in self.shapes.objects(node_shape, SH.targetClass):
            parts.append(f"{{ ?this a ?class . VALUES ?class {{ {self.classes(cls)} }} }}")
        for node in self.shapes.objects(node_shape, SH.targetNode):
            parts.append(f"{{ VALUES ?this {{ {_n3(node)} }} }}")
        for p in self.shapes.objects(node_shape, SH.targetSubjectsOf):
            parts.append(f"{{ ?this <{p}> ?any }}")
        for p in self.shapes.objects(node_shape, SH.targetObjectsOf):
            parts.append(f"{{ ?any <{p}> ?this }}")
        return f"{{ SELECT DISTINCT ?this WHERE {{ {' UNION '.join(parts)} }} }}" if parts else ""

    def property_shape(self, node_shape, prop, focus: str) -> None:
        shapes = self.shapes
        path = shapes.value(prop, SH.path)
        path_q = path_sparql(shapes, path)
        self.flags = str(shapes.value(prop, SH.flags) or "")
        meta = dict(source=str(node_shape), severity=severity(shapes, prop),
                    message=message(shapes, prop, node_shape), path=str(path) if isinstance(path, URIRef) else "")
        values = f"{focus} ?this {path_q} ?value ."
        filtered = []
        for component, value in sorted(shapes.predicate_objects(prop)):
            if component in IGNORED or not str(component).startswith(str(SH)):
                continue
            if component not in SUPPORTED:
                raise _refuse(node_shape, component)
            if component in FILTERED:
                filtered.append(self.failing(component, value))
            elif component == SH["class"]:
                self.checks.append(Check(**meta, query=f"SELECT DISTINCT ?this ?value WHERE {{ {values} "
                                                       f"MINUS {{ ?value a ?c . VALUES ?c {{ {self.classes(value)} }} }} }}"))
            elif component == SH["or"]:
                minus = " ".join(f"MINUS {{ ?value a ?c{i} . VALUES ?c{i} {{ {self.classes(c)} }} }}"
                                 for i, c in enumerate(self.or_classes(shapes.items(value), node_shape)))
                self.checks.append(Check(**meta, query=f"SELECT DISTINCT ?this ?value WHERE {{ {values} {minus} }}"))
            elif component == SH.hasValue:
                self.checks.append(Check(**meta, kind="none", query=f"SELECT ?this WHERE {{ {focus} "
                                                                    f"MINUS {{ ?this {path_q} {_n3(value)} }} }}"))
            elif component in (SH.lessThan, SH.lessThanOrEquals):
                op = "<" if component == SH.lessThan else "<="
                self.checks.append(Check(**meta, query=f"SELECT DISTINCT ?this ?value WHERE {{ {values} ?this <{value}> ?other . "
                                                       f"FILTER(!COALESCE(?value {op} ?other, false)) }}"))
        low, high = shapes.value(prop, SH.minCount), shapes.value(prop, SH.maxCount)
        if low is not None or high is not None:
            bounds = (int(low) if low is not None else None, int(high) if high is not None else None)
            having = " || ".join(f"COUNT(DISTINCT ?value) {op} {int(b)}" for op, b in (("<", low), (">", high)) if b is not None)
            self.checks.append(Check(**meta, kind="counts", bounds=bounds,
                                     query=f"SELECT ?this (COUNT(DISTINCT ?value) AS ?n) WHERE {{ {focus} "
                                           f"OPTIONAL {{ ?this {path_q} ?value }} }} GROUP BY ?this HAVING ({having})"))
        if filtered:
            binds = " ".join(f"BIND({f} AS ?f{i})" for i, f in enumerate(filtered))
            self.checks.append(Check(**meta, kind="flags", flags=len(filtered),
                                     query=f"SELECT DISTINCT ?this ?value {' '.join(f'?f{i}' for i in range(len(filtered)))} "
                                           f"WHERE {{ {values} {binds} FILTER({' || '.join(f'?f{i}' for i in range(len(filtered)))}) }}"))

    def sparql_constraint(self, node_shape, constraint, focus: str) -> None:
        shapes = self.shapes
        select = str(shapes.value(constraint, SH.select))
        prefixes = [f"PREFIX {shapes.value(d, SH.prefix)}: <{shapes.value(d, SH.namespace)}>"
                    for holder in shapes.objects(constraint, SH.prefixes) for d in shapes.objects(holder, SH.declare)]
        inner = select.replace("$this", "?this")
        m = SIMPLE_SELECT.match(inner)
        projected = m[1].split() if m else inner.split("WHERE", 1)[0].split()
        kind = "value" if "?value" in projected else "focus"
        # A plain SELECT is inlined after the targets, so ?this is bound first, as pySHACL
        # pre-binds $this; anything fancier runs as a subquery joined with the targets.
        body = m[2] if m else f"{{ {inner} }}"
        query = "\n".join(prefixes) + f"\nSELECT DISTINCT ?this{' ?value' if kind == 'value' else ''} WHERE {{ {focus} {body} }}"
        self.checks.append(Check(str(node_shape), severity(shapes, constraint), message(shapes, constraint, node_shape),
                                 "", query, kind))

    def compile(self) -> list[Check]:
        shapes = self.shapes
        for node_shape in sorted(set(shapes.subjects(RDF.type, SH.NodeShape))):
            if shapes.value(node_shape, SH.deactivated) == Literal(True):
                continue
            focus = self.targets(node_shape)
            if not focus:
                continue
            for p in set(shapes.predicates(node_shape)):
                if str(p).startswith(str(SH)) and p not in IGNORED:
                    raise _refuse(node_shape, f"node-level {p}")
            for prop in shapes.objects(node_shape, SH.property):
                if shapes.value(prop, SH.deactivated) != Literal(True):
                    self.property_shape(node_shape, prop, focus)
            for constraint in shapes.objects(node_shape, SH.sparql):
                self.sparql_constraint(node_shape, constraint, focus)
        return self.checks


def validate(store, shapes: Graph, with_inferred: bool = True, threads: int = 2) -> list[Finding]:
    """Run every compiled check on an OxStore; the findings, unsorted."""
    cache: dict = {}

    def subclasses(cls):
        if cls not in cache:
            rows = store.native(f"SELECT DISTINCT ?c WHERE {{ ?c <{RDFS.subClassOf}>* <{cls}> }}",
                                with_inferred=with_inferred, where="shapes")
            cache[cls] = {URIRef(r["c"].value) for r in rows} | {cls}
        return cache[cls]

    checks = Compiler(shapes, subclasses).compile()

    def run(check: Check) -> list[Finding]:
        rows = store.native(f"PREFIX xsd: <{XSD}>\n" + check.query, with_inferred=with_inferred, where=check.source)
        try:
            return [f for row in rows for f in check.findings(row)]
        finally:
            del rows  # Oxigraph results must be dropped by the thread that made them

    with ThreadPoolExecutor(threads) as pool:
        return [f for found in pool.map(run, checks) for f in found]
