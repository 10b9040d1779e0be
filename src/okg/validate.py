"""The gate: SHACL shapes (pySHACL) plus QC queries that must return no rows."""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Iterable

from rdflib import BNode, Dataset, Graph, Literal, Namespace, URIRef
from rdflib.namespace import RDF, SH

from .errors import OkgError
from .namespaces import INFERRED_GRAPH, ONTOLOGY_GRAPH, bind_prefixes
from .queries import StoredQuery, load_query

SEVERITIES = ("Info", "Warning", "Violation")
QC = Namespace("https://w3id.org/okg/qc#")


@dataclass(frozen=True)
class Finding:
    source: str        # the shape's IRI or qc:<rule>
    severity: str      # Violation | Warning | Info
    focus: str
    message: str
    path: str = ""
    value: str = ""


@dataclass
class Report:
    findings: list[Finding] = field(default_factory=list)
    rules: dict[str, int] = field(default_factory=dict)  # qc rule -> violations

    def failing(self, fail_on: str = "Violation") -> list[Finding]:
        floor = SEVERITIES.index(fail_on.capitalize())
        return [f for f in self.findings if SEVERITIES.index(f.severity) >= floor]

    def conforms(self, fail_on: str = "Violation") -> bool:
        return not self.failing(fail_on)

    def text(self) -> str:
        lines = []
        for f in self.findings:
            where = f" {f.path}" if f.path else ""
            value = f" = {f.value}" if f.value else ""
            lines.append(f"{f.severity}: {f.focus}{where}{value}: {f.message} [{f.source}]")
        for rule, count in self.rules.items():
            lines.append(f"Rule {rule}: {count} violation(s)")
        verdict = "conforms" if self.conforms() else f"{len(self.failing())} violation(s)"
        lines.append(f"{len(self.findings)} finding(s); {verdict}")
        return "\n".join(lines) + "\n"

    def json(self) -> str:
        return json.dumps({"conforms": self.conforms(), "rules": self.rules,
                           "findings": [asdict(f) for f in self.findings]}, indent=2,
                          ensure_ascii=False) + "\n"

    def graph(self) -> Graph:
        """The report as a sh:ValidationReport (QC findings included), for --format turtle."""
        g = bind_prefixes(Graph())
        g.bind("sh", SH)
        g.bind("qc", QC)
        report = URIRef("https://w3id.org/okg/report")
        g.add((report, RDF.type, SH.ValidationReport))
        g.add((report, SH.conforms, Literal(self.conforms())))
        for n, f in enumerate(self.findings, 1):
            node = URIRef(f"https://w3id.org/okg/report#result-{n}")
            g.add((report, SH.result, node))
            g.add((node, RDF.type, SH.ValidationResult))
            g.add((node, SH.resultSeverity, SH[f.severity]))
            g.add((node, SH.focusNode, URIRef(f.focus) if f.focus.startswith("http") else Literal(f.focus)))
            g.add((node, SH.resultMessage, Literal(f.message)))
            g.add((node, SH.sourceShape if not f.source.startswith("qc:") else SH.sourceConstraint,
                   URIRef(f.source) if f.source.startswith("http") else QC[f.source[3:]]))
            if f.path:
                g.add((node, SH.resultPath, URIRef(f.path) if f.path.startswith("http") else Literal(f.path)))
            if f.value:
                g.add((node, SH.value, Literal(f.value)))
        return g


def data_graph(dataset: Dataset, with_inferred: bool = True) -> Graph:
    """Facts (and inferred triples) as one graph: pySHACL validates a dataset graph by graph."""
    graph = Graph()
    skip = {ONTOLOGY_GRAPH} | (set() if with_inferred else {INFERRED_GRAPH})
    for s, p, o, g in dataset.quads((None, None, None, None)):
        ident = getattr(g, "identifier", g)
        if ident not in skip:
            graph.add((s, p, o))
    return graph


def _shacl(data: Graph, shapes: Graph, ontology: Graph | None) -> list[Finding]:
    import pyshacl

    _, report, _ = pyshacl.validate(data, shacl_graph=shapes, ont_graph=ontology, inference="none",
                                    advanced=True, allow_warnings=True)
    findings = []
    for result in report.subjects(RDF.type, SH.ValidationResult):
        def one(p):
            value = report.value(result, p)
            return "" if value is None or isinstance(value, BNode) else str(value)

        severity = str(report.value(result, SH.resultSeverity)).rsplit("#", 1)[-1]
        source = one(SH.sourceShape)
        if not source:  # property shapes are blank nodes: name them by their node shape
            shape = report.value(result, SH.sourceShape)
            parent = shapes.value(None, SH.property, shape)
            source = str(parent) if parent is not None else "shape"
        findings.append(Finding(source, severity, one(SH.focusNode), one(SH.resultMessage),
                                one(SH.resultPath), one(SH.value)))
    return findings


def qc_rules(folder: Path) -> list[StoredQuery]:
    return [load_query(p, p.stem.removesuffix("-violation")) for p in sorted(folder.glob("*-violation.rq"))]


def problem(rule: StoredQuery) -> str:
    m = re.search(r"^# \*\*Problem:\*\*\s*(.+)$", rule.text, re.M)
    return m[1].strip() if m else rule.name


def _qc(dataset: Dataset, rules: Iterable[StoredQuery]) -> tuple[list[Finding], dict[str, int]]:
    findings, counts = [], {}
    for rule in rules:
        try:
            result = dataset.query(rule.text)
        except Exception as err:
            raise OkgError(str(rule.path), f"QC query failed: {err}".splitlines()[0]) from None
        rows = list(result)
        counts[rule.name] = len(rows)
        names = [str(v) for v in result.vars]
        for row in rows:
            values = dict(zip(names, row))
            focus = values.get(names[0])
            detail = values.get("message")
            message = problem(rule) + (f" ({detail})" if detail else "")
            severity = str(rule.header.get("severity", "Violation")).capitalize()
            findings.append(Finding(f"qc:{rule.name}", severity, str(focus or ""), message,
                                    str(values.get("path") or ""), str(values.get("value") or "")))
    return findings, counts


def validate(dataset: Dataset, shapes: Graph, qc_folder: Path, ontology: Graph | None = None) -> Report:
    if ontology is None:
        ontology = dataset.graph(ONTOLOGY_GRAPH)
    findings = _shacl(data_graph(dataset), shapes, ontology if len(ontology) else None)
    qc_findings, counts = _qc(dataset, qc_rules(qc_folder))
    findings = sorted(findings + qc_findings, key=lambda f: (-SEVERITIES.index(f.severity), f.source, f.focus, f.path, f.message))
    return Report(findings, counts)


def load_shapes(path: Path) -> Graph:
    graph = Graph()
    try:
        graph.parse(str(path), format="turtle")
    except FileNotFoundError:
        raise OkgError(str(path), "shapes file not found") from None
    except Exception as err:
        raise OkgError(str(path), f"Turtle syntax error: {err}".splitlines()[0]) from None
    return graph
