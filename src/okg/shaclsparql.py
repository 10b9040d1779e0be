"""SHACL compiled to SPARQL: one SELECT per constraint, run by the store's own engine.

The results are okg.validate.Finding values equal to what the pySHACL path reports (same
source, severity, focus, message, path and value), for the SHACL Core components okg's
shapes use and a few neighbours; any other component is refused by name, so that a new
shape never passes silently. Value nodes are compared as terms, as pySHACL does.

One difference is the store's, not the compiler's: Oxigraph 0.5 stores every integer
subtype (xsd:nonNegativeInteger...) as xsd:integer, so `sh:datatype xsd:nonNegativeInteger`
is checked as "an integer that is not negative".
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF, SH, XSD

from .errors import OkgError
from .validate import Finding

# Components compiled below; anything else on a shape is refused.
SUPPORTED = {SH.minCount, SH.maxCount, SH["class"], SH.datatype, SH.nodeKind, SH.minLength,
             SH.maxLength, SH.pattern, SH["in"], SH.hasValue, SH.lessThan, SH.lessThanOrEquals,
             SH["or"], SH.sparql, SH.minInclusive, SH.maxInclusive, SH.minExclusive, SH.maxExclusive}
IGNORED = {SH.path, SH.message, SH.severity, SH.name, SH.description, SH.order, SH.group, SH.flags,
           SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf, SH.property,
           SH.deactivated, SH.declare, SH.defaultValue, RDF.type}
# Integer subtypes and the bound Oxigraph cannot keep in the datatype (see the module doc).
INTEGER_BOUNDS = {XSD.nonNegativeInteger: ">= 0", XSD.positiveInteger: "> 0",
                  XSD.nonPositiveInteger: "<= 0", XSD.negativeInteger: "< 0"}
CASTS = {XSD.decimal, XSD.integer, XSD.date, XSD.dateTime, XSD.boolean, XSD.double, XSD.float}
COMPARE = {SH.minInclusive: ">=", SH.maxInclusive: "<=", SH.minExclusive: ">", SH.maxExclusive: "<"}
NODE_KINDS = {SH.IRI: "isIRI(?value)", SH.BlankNode: "isBlank(?value)", SH.Literal: "isLiteral(?value)",
              SH.BlankNodeOrIRI: "!isLiteral(?value)", SH.BlankNodeOrLiteral: "!isIRI(?value)",
              SH.IRIOrLiteral: "!isBlank(?value)"}


@dataclass
class Check:
    """One constraint as a query whose rows are violations: ?this, and ?value when there is one."""

    source: str
    severity: str
    message: str
    path: str
    query: str
    value: str = "value"   # what sh:value reports: ?value, the focus node ("focus") or nothing ("")


def _n3(term) -> str:
    if isinstance(term, Literal):
        return term.n3()
    return f"<{term}>"


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


class Compiler:
    def __init__(self, shapes: Graph, subclasses):
        self.shapes = shapes
        self.subclasses = subclasses  # class IRI → its subclasses (itself included), from the data
        self.counter = 0
        self.flags = ""

    def has_class(self, var: str, cls) -> str:
        values = " ".join(f"<{c}>" for c in sorted(self.subclasses(cls)))
        self.counter += 1
        return f"EXISTS {{ {var} a ?t{self.counter} . VALUES ?t{self.counter} {{ {values} }} }}"

    def datatype_ok(self, datatype) -> str:
        if datatype == RDF.langString:
            return "(isLiteral(?value) && LANG(?value) != \"\")"
        if datatype in INTEGER_BOUNDS:
            return (f"COALESCE(isLiteral(?value) && DATATYPE(?value) IN (<{datatype}>, <{XSD.integer}>) "
                    f"&& xsd:integer(STR(?value)) {INTEGER_BOUNDS[datatype]}, false)")
        check = f"isLiteral(?value) && DATATYPE(?value) = <{datatype}>"
        if datatype in CASTS:
            check += f" && <{datatype}>(STR(?value)) = <{datatype}>(STR(?value))"
        return f"COALESCE({check}, false)"

    def member_ok(self, shape) -> str:
        """A shape inside sh:or as a boolean expression on ?value (class, datatype, node kind)."""
        parts = []
        for p, o in self.shapes.predicate_objects(shape):
            if p == SH["class"]:
                parts.append(self.has_class("?value", o))
            elif p == SH.datatype:
                parts.append(self.datatype_ok(o))
            elif p == SH.nodeKind:
                parts.append(NODE_KINDS[o])
            elif str(p).startswith(str(SH)) and p not in IGNORED:
                raise OkgError("shapes", f"sh:or member with {p}: not compiled to SPARQL", "use pySHACL (okg validate)")
        return "(" + " && ".join(parts or ["true"]) + ")"

    def value_filter(self, component, value) -> str | None:
        """The FILTER that keeps the failing value nodes, for components checked one value at a time."""
        if component == SH["class"]:
            return f"!{self.has_class('?value', value)}"
        if component == SH.datatype:
            return f"!{self.datatype_ok(value)}"
        if component == SH.nodeKind:
            return f"!({NODE_KINDS[value]})"
        if component == SH.minLength:
            return f"isBlank(?value) || STRLEN(STR(?value)) < {int(value)}"
        if component == SH.maxLength:
            return f"isBlank(?value) || STRLEN(STR(?value)) > {int(value)}"
        if component == SH.pattern:
            return f"isBlank(?value) || !REGEX(STR(?value), {Literal(str(value)).n3()}, \"{self.flags}\")"
        if component == SH["in"]:
            allowed = " ".join(_n3(v) for v in self.shapes.items(value))
            return f"NOT EXISTS {{ VALUES ?allowed {{ {allowed} }} FILTER(sameTerm(?value, ?allowed)) }}"
        if component in COMPARE:
            return f"!COALESCE(?value {COMPARE[component]} {_n3(value)}, false)"
        if component == SH["or"]:
            return "!(" + " || ".join(self.member_ok(m) for m in self.shapes.items(value)) + ")"
        return None

    def targets(self, node_shape) -> str:
        parts = []
        for cls in self.shapes.objects(node_shape, SH.targetClass):
            values = " ".join(f"<{c}>" for c in sorted(self.subclasses(cls)))
            parts.append(f"{{ ?this a ?class . VALUES ?class {{ {values} }} }}")
        for node in self.shapes.objects(node_shape, SH.targetNode):
            parts.append(f"{{ VALUES ?this {{ {_n3(node)} }} }}")
        for p in self.shapes.objects(node_shape, SH.targetSubjectsOf):
            parts.append(f"{{ ?this <{p}> ?any }}")
        for p in self.shapes.objects(node_shape, SH.targetObjectsOf):
            parts.append(f"{{ ?any <{p}> ?this }}")
        return " UNION ".join(parts)

    def property_checks(self, node_shape, prop, targets: str) -> Iterable[Check]:
        shapes = self.shapes
        path = shapes.value(prop, SH.path)
        path_q = path_sparql(shapes, path)
        path_text = str(path) if isinstance(path, URIRef) else ""
        self.flags = str(shapes.value(prop, SH.flags) or "")
        meta = (str(node_shape), severity(shapes, prop), message(shapes, prop), path_text)
        focus = f"{{ SELECT DISTINCT ?this WHERE {{ {targets} }} }}"
        for component, value in sorted(shapes.predicate_objects(prop)):
            if component in IGNORED or not str(component).startswith(str(SH)):
                continue
            if component not in SUPPORTED or component == SH.sparql:
                raise OkgError(str(node_shape), f"{component} is not compiled to SPARQL", "use pySHACL (okg validate)")
            if component in (SH.minCount, SH.maxCount):
                op = "<" if component == SH.minCount else ">"
                yield Check(*meta, f"SELECT ?this WHERE {{ {focus} OPTIONAL {{ ?this {path_q} ?value }} }} "
                                   f"GROUP BY ?this HAVING (COUNT(DISTINCT ?value) {op} {int(value)})", "")
            elif component == SH.hasValue:
                yield Check(*meta, f"SELECT ?this WHERE {{ {focus} FILTER NOT EXISTS {{ ?this {path_q} {_n3(value)} }} }}", "")
            elif component in (SH.lessThan, SH.lessThanOrEquals):
                op = "<" if component == SH.lessThan else "<="
                yield Check(*meta, f"SELECT DISTINCT ?this ?value WHERE {{ {focus} ?this {path_q} ?value . "
                                   f"?this <{value}> ?other . FILTER(!COALESCE(?value {op} ?other, false)) }}")
            else:
                yield Check(*meta, f"SELECT DISTINCT ?this ?value WHERE {{ {focus} ?this {path_q} ?value . "
                                   f"FILTER({self.value_filter(component, value)}) }}")

    def sparql_checks(self, node_shape, constraint, targets: str) -> Iterable[Check]:
        shapes = self.shapes
        select = str(shapes.value(constraint, SH.select))
        prefixes = []
        for decl_holder in shapes.objects(constraint, SH.prefixes):
            for decl in shapes.objects(decl_holder, SH.declare):
                prefixes.append(f"PREFIX {shapes.value(decl, SH.prefix)}: <{shapes.value(decl, SH.namespace)}>")
        inner = select.replace("$this", "?this")
        value_is_focus = "?value" not in inner.split("WHERE", 1)[0]
        query = "\n".join(prefixes) + f"\nSELECT DISTINCT ?this{'' if value_is_focus else ' ?value'} WHERE {{ " \
                                      f"{{ SELECT DISTINCT ?this WHERE {{ {targets} }} }} {{ {inner} }} }}"
        yield Check(str(node_shape), severity(shapes, constraint), message(shapes, constraint), "", query,
                    "focus" if value_is_focus else "value")

    def checks(self) -> list[Check]:
        out = []
        shapes = self.shapes
        for node_shape in sorted(set(shapes.subjects(RDF.type, SH.NodeShape))):
            if shapes.value(node_shape, SH.deactivated) == Literal(True):
                continue
            targets = self.targets(node_shape)
            if not targets:
                continue
            for p, _ in shapes.predicate_objects(node_shape):
                if str(p).startswith(str(SH)) and p not in IGNORED and p not in (SH.sparql, SH.prefixes):
                    raise OkgError(str(node_shape), f"node-level {p} is not compiled to SPARQL", "use pySHACL (okg validate)")
            for prop in shapes.objects(node_shape, SH.property):
                if shapes.value(prop, SH.deactivated) != Literal(True):
                    out.extend(self.property_checks(node_shape, prop, targets))
            for constraint in shapes.objects(node_shape, SH.sparql):
                out.extend(self.sparql_checks(node_shape, constraint, targets))
        return out


def severity(shapes: Graph, shape) -> str:
    value = shapes.value(shape, SH.severity)
    return str(value).rsplit("#", 1)[-1] if value is not None else "Violation"


def message(shapes: Graph, shape) -> str:
    value = shapes.value(shape, SH.message)
    if value is None:
        raise OkgError(str(shape) if not isinstance(shape, BNode) else "shapes",
                       "a shape without sh:message", "give every shape a sh:message (pySHACL's own wording is not reproduced)")
    return str(value)


def compile_shapes(shapes: Graph, subclasses) -> list[Check]:
    return Compiler(shapes, subclasses).checks()


def validate(store, shapes: Graph, with_inferred: bool = True) -> list[Finding]:
    """Run every compiled check on an OxStore; the findings, unsorted."""
    cache: dict = {}

    def subclasses(cls):
        if cls not in cache:
            rows = store.native(f"SELECT DISTINCT ?c WHERE {{ ?c <http://www.w3.org/2000/01/rdf-schema#subClassOf>* <{cls}> }}",
                                with_inferred=with_inferred, where="shapes")
            cache[cls] = {URIRef(r["c"].value) for r in rows} | {cls}
        return cache[cls]

    findings = []
    for check in compile_shapes(shapes, subclasses):
        text = f"PREFIX xsd: <{XSD}>\n" + check.query
        for row in store.native(text, with_inferred=with_inferred, where=check.source):
            focus = row["this"].value
            value = ""
            if check.value == "focus":
                value = focus
            elif check.value == "value" and row["value"] is not None and not isinstance(row["value"], BlankNode()):
                value = row["value"].value
            findings.append(Finding(check.source, check.severity, focus, check.message, check.path, value))
    return findings


def BlankNode():
    from .oxstore import _ox

    return _ox().BlankNode
