"""The Oxigraph store: the okg dataset in pyoxigraph, in memory or persistent on disk.

`--store oxigraph[:PATH]` on every verb that reads the graph; `okg.load(store=...)` in Python.
Queries see what they see on the rdflib store: GRAPH ?g ranges over the named graphs (the
articles, the ontology, the inferred graph) and the default graph is their union, which okg
keeps as an RDF merge in Oxigraph's own default graph (see UNION below). Results come back as
rdflib `Result`s, so every output format is shared, or as Oxigraph's own objects (`native()`)
where speed matters. A store at PATH remembers which files it was loaded from
(`okg-source.json`) and is reloaded only when they change.

Two Oxigraph 0.5 behaviours show through: integer subtypes (xsd:nonNegativeInteger offsets)
come back as xsd:integer, and the XSD 1.1 decimal 245000000 is given as 245000000.0, the form
the built graph holds (`lexical`).
"""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path
from typing import Any, Iterable, Mapping

from rdflib import BNode, Dataset, Graph, Literal, URIRef, Variable
from rdflib.namespace import XSD
from rdflib.query import Result

from . import queries as q
from .errors import OkgError
from .kg import KG
from .namespaces import INFERRED_GRAPH, ONTOLOGY_GRAPH, PREFIXES, bind_prefixes
from .store import DATASET_FORMATS, GRAPH_FORMATS, find_root, format_of

MARKER = "okg-source.json"
DEFAULT_MOVED = "https://w3id.org/okg/graph/default"
# UNION. The store's own default graph holds the RDF merge of every named graph but the inferred one:
# Oxigraph 0.5's union default graph repeats a triple once per graph holding it (oxigraph issue
# #1919), which would inflate COUNTs and slow every lookup of shared facts. Queries read the
# merge plus the inferred graph (disjoint from it by construction) as their default graph;
# GRAPH ?g never sees the merge, since it is not a named graph.
_POSITION = re.compile(r"(?:error at |line )(\d+)(?::(\d+))?", re.I)


def _ox():
    try:
        import pyoxigraph
    except ImportError:
        raise OkgError("--store oxigraph", "pyoxigraph is not installed", "pip install 'okg[fast]'") from None
    return pyoxigraph


def rdf_format(key: str):
    ox = _ox()
    return {"ttl": ox.RdfFormat.TURTLE, "nt": ox.RdfFormat.N_TRIPLES, "nq": ox.RdfFormat.N_QUADS,
            "trig": ox.RdfFormat.TRIG, "jsonld": ox.RdfFormat.JSON_LD, "xml": ox.RdfFormat.RDF_XML}[key]


# ---------------------------------------------------------------- terms


def to_rdflib(term: Any) -> Any:
    """A pyoxigraph term as the rdflib term the memory store would give."""
    ox = _ox()
    if term is None:
        return None
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return Literal(term.value, lang=term.language)
        datatype = term.datatype.value
        if datatype == str(XSD.string):
            return Literal(term.value)
        if datatype == str(XSD.decimal):
            return Literal(lexical(term), datatype=XSD.decimal)
        return Literal(term.value, datatype=URIRef(datatype))
    if isinstance(term, ox.DefaultGraph):
        return None
    raise OkgError("", f"unsupported RDF term {term!r}")


def lexical(term: Any) -> str:
    """The text of a term as the memory store gives it (no rdflib object made: safe in threads).

    Oxigraph writes XSD 1.1 canonical decimals (245000000); the built graph, written by rdflib,
    holds the XSD 1.0 form (245000000.0). Same value, same text on both stores.
    """
    value = term.value
    datatype = getattr(term, "datatype", None)
    if datatype is not None and datatype.value == str(XSD.decimal) and "." not in value and "e" not in value.lower():
        return value + ".0"
    return value


def from_rdflib(term: Any) -> Any:
    ox = _ox()
    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    if isinstance(term, Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        if term.datatype is not None:
            return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
        return ox.Literal(str(term))
    raise OkgError("", f"unsupported RDF term {term!r}")


def quads_of(dataset: Dataset) -> Iterable:
    """An rdflib dataset's quads as pyoxigraph quads (default graph included)."""
    ox = _ox()
    for s, p, o, g in dataset.quads((None, None, None, None)):
        ident = getattr(g, "identifier", g)
        graph = ox.DefaultGraph() if ident is None or str(ident) == "urn:x-rdflib:default" else from_rdflib(ident)
        yield ox.Quad(from_rdflib(s), from_rdflib(p), from_rdflib(o), graph)


# ---------------------------------------------------------------- the store


def parse_spec(spec: str) -> tuple[str, Path | None]:
    """`memory`, `oxigraph` or `oxigraph:PATH`."""
    kind, _, path = spec.partition(":")
    if kind not in ("memory", "oxigraph") or (kind == "memory" and path):
        raise OkgError("--store", f"unknown store {spec!r}", "use memory, oxigraph or oxigraph:PATH")
    return kind, Path(path) if path else None


class OxStore:
    """A pyoxigraph.Store with okg's conventions (union default graph, okg prefixes)."""

    def __init__(self, path: Path | str | None = None, read_only: bool = False) -> None:
        ox = _ox()
        self.path = Path(path) if path else None
        if self.path is not None:
            _check_folder(self.path)
        try:
            if self.path is None:
                self.store = ox.Store()
            elif read_only:
                self.store = ox.Store.read_only(str(self.path))
            else:
                self.store = ox.Store(str(self.path))
        except (OSError, RuntimeError) as err:  # RocksDB reports corruption as RuntimeError
            message = " ".join(str(err).split())
            hint = ("another process holds the store; stop it or use another PATH" if "lock" in message.lower()
                    else "the folder is not a usable Oxigraph store: delete it and okg will rebuild it")
            raise OkgError(str(self.path), f"cannot open Oxigraph store: {message[:200]}", hint) from None

    # ------------------------------------------------------------ loading

    def load(self, paths: Iterable[Path | str], fmt: str | None = None, lenient: bool = False,
             merge: Path | str | None = None) -> None:
        """Replace the store's content with the given RDF files (graph-less files: a graph per file).

        lenient skips Oxigraph's IRI checks (20% faster): for files okg built and checked itself.
        merge is a triples file holding the RDF merge of the article graphs (okg build's
        graph/okg.ttl): bulk-loaded into the default graph, it spares building the merge by a
        SPARQL update (a third of a 1M-triple load). The ontology graph is added to it here.
        """
        ox = _ox()
        self.store.clear()
        for path in map(Path, paths):
            target = None if format_of(path, fmt) in DATASET_FORMATS else ox.NamedNode(path.resolve().as_uri())
            self._bulk_load(path, fmt, target, lenient)
        self._default_to_named()
        if merge is None:
            self.refresh_union()
            return
        self._bulk_load(Path(merge), None, ox.DefaultGraph(), lenient)
        self.store.update(f"ADD SILENT <{ONTOLOGY_GRAPH}> TO DEFAULT")
        if self.path:
            self.store.flush()

    def _bulk_load(self, path: Path, fmt: str | None, target: Any, lenient: bool) -> None:
        key = format_of(path, fmt)
        if not path.is_file():
            raise OkgError(str(path), "file not found", "run okg build first, or give an existing file")
        try:
            self.store.bulk_load(path=str(path), format=rdf_format(key), to_graph=target, lenient=lenient)
        except SyntaxError as err:
            message = " ".join(str(err).split())
            m = _POSITION.search(message)
            where = f"{path}:{m[1]}" if m else str(path)
            raise OkgError(where, f"{GRAPH_FORMATS[key]} syntax error: {message[:200]}",
                           "fix the file or pick the right --format") from None

    def _default_to_named(self) -> None:
        """Triples a file put in the default graph move to a named graph: the default graph is the merge."""
        if self.store.query("ASK { ?s ?p ?o }"):
            self.store.update(f"ADD DEFAULT TO <{DEFAULT_MOVED}>")

    def load_dataset(self, dataset: Dataset) -> None:
        self.store.clear()
        self.store.bulk_extend(quads_of(dataset))
        self._default_to_named()
        self.refresh_union()

    def refresh_union(self) -> None:
        """Rebuild the merge of the asserted graphs in the default graph (after changing them)."""
        self.store.update(f"CLEAR DEFAULT ; INSERT {{ ?s ?p ?o }} WHERE {{ GRAPH ?g {{ ?s ?p ?o }} "
                          f"FILTER(?g != <{INFERRED_GRAPH}>) }}")
        if self.path:
            self.store.flush()

    def ensure_loaded(self, paths: list[Path], fmt: str | None = None, lenient: bool = False,
                      merge: Path | None = None) -> bool:
        """Load unless the store at PATH already holds exactly these files. True if it loaded."""
        if self.path is None:
            self.load(paths, fmt, lenient, merge)
            return True
        marker = self.path / MARKER
        wanted = _fingerprint(paths + ([merge] if merge else []), fmt)
        if marker.is_file():
            try:
                if json.loads(marker.read_text(encoding="utf-8")) == wanted:
                    return False
            except ValueError:
                pass
        marker.unlink(missing_ok=True)  # a load interrupted half-way leaves no marker
        self.load(paths, fmt, lenient, merge)
        marker.write_text(json.dumps(wanted, indent=1), encoding="utf-8")
        return True

    # ------------------------------------------------------------ reading

    def graphs(self) -> list[str]:
        """The dataset's named graphs (articles, ontology, inferred)."""
        return sorted(g.value for g in self.store.named_graphs())

    def __len__(self) -> int:
        """Quads of the dataset (the merge in the default graph not counted)."""
        rows = self.store.query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
        return len(self.store) - int(next(iter(rows))["n"].value)

    def native(self, text: str, bindings: Mapping[Variable, Any] | None = None,
               with_inferred: bool = True, where: str = "query") -> Any:
        """Run SPARQL on the union of the named graphs; pyoxigraph's own result object."""
        ox = _ox()
        # okg's prefixes are predeclared, as rdflib's initNs does on the memory store
        options: dict[str, Any] = {"default_graph": [ox.DefaultGraph()],
                                   "prefixes": {p: str(ns) for p, ns in PREFIXES.items()}}
        if with_inferred:
            options["default_graph"].append(ox.NamedNode(str(INFERRED_GRAPH)))
        else:  # hide the inferred graph from GRAPH ?g too
            options["named_graphs"] = [ox.NamedNode(g) for g in self.graphs() if g != str(INFERRED_GRAPH)]
        if bindings:  # a VALUES block, as for remote endpoints (substitution needs projected variables)
            text = q.with_values(text, bindings)
        text = not_exists_to_minus(text)
        try:
            return self.store.query(text, **options)
        except SyntaxError as err:
            raise syntax_error(err, where) from None
        except OSError as err:
            raise OkgError(where, f"query failed: {err}".splitlines()[0]) from None

    def result(self, text: str, bindings: Mapping[Variable, Any] | None = None,
               with_inferred: bool = True, where: str = "query") -> Result:
        """Run SPARQL and return an rdflib Result (same shape as the memory store's)."""
        ox = _ox()
        raw = self.native(text, bindings, with_inferred, where)
        try:
            if isinstance(raw, ox.QueryBoolean):
                result = Result("ASK")
                result.askAnswer = bool(raw)
            elif isinstance(raw, ox.QueryTriples):
                result = Result("CONSTRUCT")
                graph = Graph()
                for t in raw:
                    graph.add((to_rdflib(t.subject), to_rdflib(t.predicate), to_rdflib(t.object)))
                result.graph = graph
            else:
                names = [v.value for v in raw.variables]
                result = Result("SELECT")
                result.vars = [Variable(n) for n in names]
                result.bindings = [{Variable(n): to_rdflib(row[n]) for n in names if row[n] is not None}
                                   for row in raw]
        except (OSError, RuntimeError) as err:  # evaluation errors surface while iterating
            raise OkgError(where, f"query failed: {err}".splitlines()[0]) from None
        return result

    def update(self, text: str) -> None:
        try:
            self.store.update(text)
        except SyntaxError as err:
            raise syntax_error(err, "update") from None

    def serialize(self, fmt: str, with_inferred: bool = False, with_ontology: bool = False) -> str:
        """The dataset (asserted graphs, and inferred/ontology if asked) in a graph format.

        Quads are sorted first so that the same content gives the same bytes.
        """
        ox = _ox()
        skip = set()
        if not with_inferred:
            skip.add(str(INFERRED_GRAPH))
        if not with_ontology:
            skip.add(str(ONTOLOGY_GRAPH))
        graphs = [g for g in self.graphs() if g not in skip]
        prefixes = {p: str(ns) for p, ns in PREFIXES.items()}
        if fmt in ("trig", "nq"):
            quads = sorted((quad for g in graphs for quad in self.store.quads_for_pattern(None, None, None, ox.NamedNode(g))),
                           key=lambda x: (x.graph_name.value, str(x.subject), str(x.predicate), str(x.object)))
            data = ox.serialize(quads, format=rdf_format(fmt), prefixes=prefixes if fmt == "trig" else None)
        else:
            triples = set()
            for g in graphs:
                triples.update(quad.triple for quad in self.store.quads_for_pattern(None, None, None, ox.NamedNode(g)))
            ordered = sorted(triples, key=lambda t: (str(t.subject), str(t.predicate), str(t.object)))
            data = ox.serialize(ordered, format=rdf_format(fmt),
                                prefixes=prefixes if fmt in ("ttl", "xml") else None)
        return data.decode("utf-8")


_NOT_EXISTS = re.compile(r"FILTER\s+NOT\s+EXISTS\s*\{([^{}]*)\}", re.I)
_COMPLEX = re.compile(r"\b(OPTIONAL|UNION|MINUS|GRAPH|SERVICE|BIND|EXISTS\s*\{[^{}]*\{)\b", re.I)
_VAR = re.compile(r"[?$](\w+)")


def not_exists_to_minus(text: str) -> str:
    """FILTER NOT EXISTS { triples } → MINUS { triples }, where the two mean the same.

    Oxigraph 0.5 plans the inside of NOT EXISTS without the outer bindings, so a two-pattern
    NOT EXISTS over 70k facts takes minutes; MINUS is one hash anti-join. They agree when the
    inner group is plain triple patterns (filters on its own variables allowed) sharing a
    variable with the rest of a query that has no OPTIONAL, UNION, MINUS, GRAPH, BIND or
    subquery (so every outer variable is bound). Anything else is left alone.
    """
    matches = list(_NOT_EXISTS.finditer(text))
    if not matches or len(re.findall(r"\bSELECT\b", text, re.I)) > 1:
        return text
    outside = _NOT_EXISTS.sub(" ", text)
    if _COMPLEX.search(outside):
        return text
    outer_vars = set(_VAR.findall(outside))
    out, last = [], 0
    for m in matches:
        inner = m[1]
        triples = re.sub(r"FILTER\s*\((?:[^()]|\([^()]*\))*\)", " ", inner, flags=re.I)
        inner_vars, triple_vars = set(_VAR.findall(inner)), set(_VAR.findall(triples))
        if _COMPLEX.search(inner) or not (triple_vars & outer_vars) or not inner_vars <= triple_vars | outer_vars \
                or (inner_vars - triple_vars):
            continue
        out.append(text[last:m.start()] + "MINUS {" + inner + "}")
        last = m.end()
    return "".join(out) + text[last:]


def syntax_error(err: SyntaxError, where: str) -> OkgError:
    message = " ".join(str(err).split())
    m = _POSITION.search(message)
    if m:
        where += f":{m[1]}" + (f":{m[2]}" if m[2] else "")
    return OkgError(where, f"SPARQL syntax error: {message[:300]}", "check the query near that position")


def _check_folder(path: Path) -> None:
    """Refuse a folder that holds something other than an Oxigraph store (never write into it)."""
    if path.exists() and not path.is_dir():
        raise OkgError(str(path), "not a folder", "--store oxigraph:PATH names a folder for the store")
    if path.is_dir() and any(path.iterdir()) and not (path / "CURRENT").is_file():
        raise OkgError(str(path), "folder is not an Oxigraph store (no CURRENT file)",
                       "give an empty or new folder, or a folder okg created")
    if (path / "CURRENT").is_file():
        current = (path / "CURRENT").read_bytes()
        if not re.fullmatch(rb"MANIFEST-\d+\n", current):
            raise OkgError(str(path), "corrupt Oxigraph store (unreadable CURRENT file)",
                           "delete the folder and okg will rebuild it")


def _fingerprint(paths: list[Path], fmt: str | None) -> dict:
    files = []
    for path in paths:
        path = Path(path)
        digest = hashlib.sha256()
        try:
            with path.open("rb") as f:
                for block in iter(lambda: f.read(1 << 20), b""):
                    digest.update(block)
        except FileNotFoundError:
            raise OkgError(str(path), "file not found", "run okg build first, or give an existing file") from None
        files.append({"path": str(path.resolve()), "sha256": digest.hexdigest()})
    return {"format": fmt, "files": files}


# ---------------------------------------------------------------- the KG on Oxigraph


class OxKG(KG):
    """`okg.load(store="oxigraph[:PATH]")`: the same API, answered by Oxigraph."""

    def __init__(self, store: OxStore, root: Path, *, with_inferred: bool = True) -> None:
        self.store = store
        self.with_inferred = with_inferred
        self._dataset = None
        super().__init__(None, root)

    @property
    def dataset(self) -> Dataset:
        """The store's graphs as an rdflib Dataset, made on first use (for code written for rdflib)."""
        if self._dataset is None:
            self._dataset = self.graph(with_inferred=self.with_inferred, with_ontology=True)
        return self._dataset

    @dataset.setter
    def dataset(self, value: Dataset | None) -> None:
        self._dataset = value

    def native(self, spec: str | q.StoredQuery, params: dict[str, Any] | None = None) -> Any:
        query = self.resolve(spec)
        bound = q.bindings(query, params or {})
        return self.store.native(query.text, bound, self.with_inferred, str(query.path or query.name))

    def run(self, spec: str | q.StoredQuery, params: dict[str, Any] | None = None) -> Result:
        query = self.resolve(spec)
        bound = q.bindings(query, params or {})
        return self.store.result(query.text, bound, self.with_inferred, str(query.path or query.name))

    def graph(self, with_inferred: bool = False, with_ontology: bool = False) -> Dataset:
        out = bind_prefixes(Dataset(default_union=True))
        for name in self.store.graphs():
            if (name == str(INFERRED_GRAPH) and not with_inferred) or (name == str(ONTOLOGY_GRAPH) and not with_ontology):
                continue
            target = out.graph(URIRef(name))
            for quad in self.store.store.quads_for_pattern(None, None, None, _ox().NamedNode(name)):
                target.add((to_rdflib(quad.subject), to_rdflib(quad.predicate), to_rdflib(quad.object)))
        return out

    def export(self, path: Path | str | None = None, format: str | None = None,
               with_inferred: bool = False, with_ontology: bool = False) -> str:
        from .store import write_files

        text = self.store.serialize(format_of(path, format), with_inferred, with_ontology)
        if path is not None:
            write_files({Path(path): text})
        return text

    def validate(self):
        from . import fastpath
        from .compile import load_ontology
        from .store import data_dir
        from .validate import load_shapes

        folder = data_dir(self.root, "ontology")
        return fastpath.validate(self.store, load_shapes(folder / "shapes.ttl"), self.queries_dir / "qc",
                                 load_ontology(folder / "okg.ttl"), with_inferred=self.with_inferred)

    def __len__(self) -> int:
        return len(self.store)


def load_store(spec: str, path: Path | str | Iterable[Path | str] | None = None, *,
               root: Path | str | None = None, with_inferred: bool = True) -> OxKG:
    """`okg.load(..., store=spec)` for an Oxigraph store."""
    kind, folder = parse_spec(spec)
    root = Path(root) if root else find_root()
    built = path is None
    if built:
        path = root / "graph" / "okg.trig"
        if not path.is_file():
            raise OkgError(str(path), "no built graph", "run: okg build")
    paths = [Path(path)] if isinstance(path, (str, Path)) else [Path(p) for p in path]
    store = OxStore(folder)
    # graph/ is okg build's own, checked output; its okg.ttl is the merge of its article graphs
    merge = root / "graph" / "okg.ttl" if built and (root / "graph" / "okg.ttl").is_file() else None
    store.ensure_loaded(paths, lenient=built, merge=merge)
    return OxKG(store, root, with_inferred=with_inferred)
