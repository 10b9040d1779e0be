"""The Oxigraph store: the okg dataset in pyoxigraph, in memory or persistent on disk.

`--store oxigraph[:PATH]` on every verb. The default graph is the union of the named graphs
(as in the rdflib store); results come back as rdflib `Result`s so that every output format
is shared, or natively serialised (`native()`) where speed matters (the endpoint, the bench).
A store at PATH remembers which files it was loaded from (`okg-source.json`) and is reloaded
only when they change.
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
# The RDF merge of every graph but the inferred one, kept as a hidden graph: Oxigraph 0.5's
# union default graph repeats a triple once per graph holding it (oxigraph issue #1919), which
# would inflate COUNTs and slow every lookup of shared facts. Queries read this graph (plus the
# inferred graph, disjoint from it by construction) as their default graph.
UNION_GRAPH = URIRef("https://w3id.org/okg/graph/union")
RDF_LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"
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
        if datatype == str(XSD.decimal) and "." not in term.value:
            # Oxigraph writes XSD 1.1 canonical decimals (245000000); rdflib keeps the XSD 1.0
            # form the built graph holds (245000000.0). Same value, same text on both stores.
            return Literal(term.value + ".0", datatype=XSD.decimal)
        return Literal(term.value, datatype=URIRef(datatype))
    if isinstance(term, ox.DefaultGraph):
        return None
    raise OkgError("", f"unsupported RDF term {term!r}")


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
        except OSError as err:
            message = " ".join(str(err).split())
            hint = ("another process holds the store; stop it or use another PATH" if "lock" in message.lower()
                    else "the folder is not a usable Oxigraph store: delete it and okg will rebuild it")
            raise OkgError(str(self.path), f"cannot open Oxigraph store: {message[:200]}", hint) from None

    # ------------------------------------------------------------ loading

    def load(self, paths: Iterable[Path | str], fmt: str | None = None) -> None:
        """Replace the store's content with the given RDF files (graph-less files: a graph per file)."""
        ox = _ox()
        self.store.clear()
        for path in map(Path, paths):
            key = format_of(path, fmt)
            if not path.is_file():
                raise OkgError(str(path), "file not found", "run okg build first, or give an existing file")
            target = None if key in DATASET_FORMATS else ox.NamedNode(path.resolve().as_uri())
            try:
                self.store.bulk_load(path=str(path), format=rdf_format(key), to_graph=target)
            except SyntaxError as err:
                message = " ".join(str(err).split())
                m = _POSITION.search(message)
                where = f"{path}:{m[1]}" if m else str(path)
                raise OkgError(where, f"{GRAPH_FORMATS[key]} syntax error: {message[:200]}",
                               "fix the file or pick the right --format") from None
        self.refresh_union()

    def load_dataset(self, dataset: Dataset) -> None:
        self.store.clear()
        self.store.bulk_extend(quads_of(dataset))
        self.refresh_union()

    def refresh_union(self) -> None:
        """Rebuild the hidden merge of the asserted graphs (call after changing them)."""
        self.store.update(f"DROP SILENT GRAPH <{UNION_GRAPH}> ; INSERT {{ GRAPH <{UNION_GRAPH}> {{ ?s ?p ?o }} }} "
                          f"WHERE {{ {{ GRAPH ?g {{ ?s ?p ?o }} FILTER(?g != <{INFERRED_GRAPH}>) }} UNION {{ ?s ?p ?o }} }}")
        if self.path:
            self.store.flush()

    def ensure_loaded(self, paths: list[Path], fmt: str | None = None) -> bool:
        """Load unless the store at PATH already holds exactly these files. True if it loaded."""
        if self.path is None:
            self.load(paths, fmt)
            return True
        marker = self.path / MARKER
        wanted = _fingerprint(paths, fmt)
        if marker.is_file():
            try:
                if json.loads(marker.read_text(encoding="utf-8")) == wanted:
                    return False
            except ValueError:
                pass
        marker.unlink(missing_ok=True)  # a load interrupted half-way leaves no marker
        self.load(paths, fmt)
        marker.write_text(json.dumps(wanted, indent=1), encoding="utf-8")
        return True

    # ------------------------------------------------------------ reading

    def graphs(self) -> list[str]:
        """The dataset's named graphs (articles, ontology, inferred), without the hidden merge."""
        return sorted(g.value for g in self.store.named_graphs() if g.value != str(UNION_GRAPH))

    def __len__(self) -> int:
        """Quads of the dataset (the hidden merge not counted)."""
        rows = self.store.query(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{UNION_GRAPH}> {{ ?s ?p ?o }} }}")
        return len(self.store) - int(next(iter(rows))["n"].value)

    def native(self, text: str, bindings: Mapping[Variable, Any] | None = None,
               with_inferred: bool = True, where: str = "query") -> Any:
        """Run SPARQL on the union of the named graphs; pyoxigraph's own result object."""
        ox = _ox()
        names = [ox.NamedNode(g) for g in self.graphs() if with_inferred or g != str(INFERRED_GRAPH)]
        default = [ox.NamedNode(str(UNION_GRAPH))] + ([ox.NamedNode(str(INFERRED_GRAPH))] if with_inferred else [])
        options: dict[str, Any] = {"default_graph": default, "named_graphs": names}
        if bindings:  # a VALUES block, as for remote endpoints (substitution needs projected variables)
            text = q.with_values(text, bindings)
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
        super().__init__(bind_prefixes(Dataset(default_union=True)), root)
        self.store = store
        self.with_inferred = with_inferred

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
    if path is None:
        path = root / "graph" / "okg.trig"
        if not path.is_file():
            raise OkgError(str(path), "no built graph", "run: okg build")
    paths = [Path(path)] if isinstance(path, (str, Path)) else [Path(p) for p in path]
    store = OxStore(folder)
    store.ensure_loaded(paths)
    return OxKG(store, root, with_inferred=with_inferred)
