"""The library API: `kg = okg.load(); kg.query("indicators")` — the CLI is a thin shell over it."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Iterable

from rdflib import Dataset, Graph
from rdflib.query import Result

from . import queries as q
from .errors import OkgError
from .namespaces import INFERRED_GRAPH, ONTOLOGY_GRAPH, bind_prefixes
from .store import GRAPH_FORMATS, _graph_of, data_dir, find_root, format_of, parse_rdf


class Rows(list):
    """Query rows as dicts of Python values; `.columns` in the query's order; `.df` gives a
    pandas DataFrame when pandas is installed."""

    def __init__(self, rows: Iterable[dict], columns: list[str]):
        super().__init__(rows)
        self.columns = columns

    @property
    def df(self):
        try:
            import pandas as pd
        except ImportError:
            raise ImportError("Rows.df needs pandas (pip install pandas); the rows are plain dicts") from None
        return pd.DataFrame(list(self), columns=self.columns)

    def column(self, name: str) -> list:
        """One column's values, in row order."""
        return [row[name] for row in self]


class KG:
    """A built okg graph (or any RDF file) with its stored queries."""

    def __init__(self, dataset: Dataset, root: Path, *, with_inferred: bool = True,
                 endpoint: str | None = None, timeout: float = 30.0) -> None:
        self.dataset = dataset
        self.root = root
        self.endpoint = endpoint
        self.timeout = timeout
        if not with_inferred:
            dataset.remove_graph(dataset.graph(INFERRED_GRAPH))

    # ------------------------------------------------------------ queries

    @property
    def queries_dir(self) -> Path:
        return data_dir(self.root, "queries")

    def stored(self) -> dict[str, q.StoredQuery]:
        return q.stored_queries(self.queries_dir)

    def resolve(self, spec: str | q.StoredQuery) -> q.StoredQuery:
        return spec if isinstance(spec, q.StoredQuery) else q.resolve(spec, self.queries_dir)

    def run(self, spec: str | q.StoredQuery, params: dict[str, Any] | None = None) -> Result:
        """Run a stored query (name, .rq path or StoredQuery) and return rdflib's Result."""
        query = self.resolve(spec)
        bound = q.bindings(query, params or {})
        q.check_syntax(query)
        if self.endpoint:
            from .endpoint import remote_query

            text = q.with_prefixes(q.with_values(query.text, bound))
            return remote_query(self.endpoint, text, query.kind, self.timeout)
        try:
            return self.dataset.query(query.text, initBindings=bound, initNs=q.PREFIXES)
        except Exception as err:  # evaluation errors (bad function arguments...) are input errors
            raise OkgError(str(query.path or query.name), f"query failed: {err}".splitlines()[0]) from None

    def query(self, name: str | q.StoredQuery, /, **params: Any) -> Rows | Graph | bool:
        """Rows of a SELECT as dicts; a Graph for CONSTRUCT/DESCRIBE; a bool for ASK.

        `name` is a stored query, a .rq path or a StoredQuery; `params` bind the parameters
        its header declares (unknown ones are refused, omitted ones take their default).
        """
        result = self.run(name, params)
        if result.type == "ASK":
            return bool(result.askAnswer)
        if result.type in ("CONSTRUCT", "DESCRIBE"):
            return q.graph_result(result)
        return Rows(q.rows_of(result), [str(v) for v in result.vars or []])

    def sparql(self, text: str, /, **params: Any) -> Rows | Graph | bool:
        """Run SPARQL text given inline."""
        return self.query(q.from_text(text, "inline"), **params)

    def view(self, name: str, **filters: Any):
        """A NetworkX view (`okg view` lists them); filters: article=, type=, min_degree=."""
        from .views import build

        return build(self, name, **filters)

    # ------------------------------------------------------------ export

    def graph(self, with_inferred: bool = False, with_ontology: bool = False) -> Dataset:
        """A dataset holding the article graphs, and the inferred/ontology graphs if asked."""
        out = bind_prefixes(Dataset(default_union=True))
        for g in self.dataset.graphs():
            if not len(g) or (g.identifier == INFERRED_GRAPH and not with_inferred) or \
                    (g.identifier == ONTOLOGY_GRAPH and not with_ontology):
                continue
            target = out.graph(g.identifier)
            for triple in g:
                target.add(triple)
        return out

    def export(self, path: Path | str | None = None, format: str | None = None,
               with_inferred: bool = False, with_ontology: bool = False) -> str:
        """Serialise; sorted Turtle and TriG so that exports diff cleanly. Writes `path` if given."""
        from .store import trig, turtle, write_files

        fmt = format_of(path, format)
        data = self.graph(with_inferred, with_ontology)
        if fmt == "ttl":
            text = turtle(data.quads((None, None, None, None)))
        elif fmt == "trig":
            text = trig({g.identifier: g for g in data.graphs() if len(g)})
        elif fmt == "nt":
            text = "".join(sorted(set(_graph_of(data).serialize(format="nt").splitlines(True))))
        elif fmt == "nq":
            text = "".join(sorted(set(data.serialize(format="nquads").splitlines(True))))
        else:
            text = data.serialize(format=GRAPH_FORMATS[fmt])
        if path is not None:
            write_files({Path(path): text})
        return text

    # ------------------------------------------------------------ validation

    def validate(self):
        from .validate import load_shapes, validate

        from .compile import load_ontology

        folder = data_dir(self.root, "ontology")
        return validate(self.dataset, load_shapes(folder / "shapes.ttl"), self.queries_dir / "qc",
                        load_ontology(folder / "okg.ttl"))

    def __len__(self) -> int:
        return len(self.dataset)


def load(path: Path | str | Iterable[Path | str] | None = None, *, root: Path | str | None = None,
         with_inferred: bool = True, endpoint: str | None = None, timeout: float = 30.0,
         store: str = "memory") -> KG:
    """Open the built graph (graph/okg.trig under the project root) or any RDF file.

    store: "memory" (rdflib), or "oxigraph[:PATH]" (pyoxigraph, persistent at PATH).
    """
    if store != "memory" and not endpoint:
        from .oxstore import load_store

        return load_store(store, path, root=root, with_inferred=with_inferred)
    root = Path(root) if root else find_root()
    if endpoint:
        if not with_inferred:
            raise OkgError(endpoint, "cannot leave out inferred triples on a remote endpoint",
                           "the endpoint answers from whatever it holds")
        return KG(Dataset(default_union=True), root, endpoint=endpoint, timeout=timeout)
    if path is None:
        path = root / "graph" / "okg.trig"
        if not path.is_file():
            raise OkgError(str(path), "no built graph", "run: okg build")
    paths = [path] if isinstance(path, (str, Path)) else list(path)
    dataset = parse_rdf(paths[0])
    for extra in paths[1:]:
        parse_rdf(extra, into=dataset)
    return KG(dataset, root, with_inferred=with_inferred)
