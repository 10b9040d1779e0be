"""Where the graph lives: project paths, deterministic files, loading RDF from disk."""

from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path
from typing import Iterable, Mapping

from rdflib import Dataset, Graph, URIRef

from .errors import OkgError
from .namespaces import INFERRED_GRAPH, ONTOLOGY_GRAPH, PREFIXES, bind_prefixes

# Extension → rdflib format; one vocabulary for every verb (STYLE.md).
GRAPH_FORMATS = {
    "ttl": "turtle", "nt": "nt", "nq": "nquads", "trig": "trig", "jsonld": "json-ld",
    "xml": "xml",
}
EXTENSIONS = {"turtle": "ttl", "n3": "ttl", "rdf": "xml", "owl": "xml", "json": "jsonld",
              "ntriples": "nt", "nquads": "nq"}
DATASET_FORMATS = {"trig", "nq", "jsonld"}
PACKAGE_DATA = Path(__file__).parent / "data"
_UMASK = os.umask(0)  # read the process umask (there is no getter) and restore it at once
os.umask(_UMASK)


def find_root(start: Path | str | None = None) -> Path:
    """The project folder: $OKG_ROOT, else the nearest folder up holding ontology/okg.ttl."""
    if os.environ.get("OKG_ROOT"):
        return Path(os.environ["OKG_ROOT"])
    here = Path(start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / "ontology" / "okg.ttl").is_file():
            return _short(folder)
    checkout = Path(__file__).resolve().parents[2]
    if (checkout / "ontology" / "okg.ttl").is_file():
        return checkout
    return here


def _short(folder: Path) -> Path:
    """Relative to the working folder when inside it, so messages read seeds/x.yaml."""
    try:
        return folder.relative_to(Path.cwd().resolve())
    except ValueError:
        return folder


def data_dir(root: Path, name: str) -> Path:
    """`root/name` when present (a checkout), else the copy shipped inside the package."""
    local = root / name
    return local if local.exists() else PACKAGE_DATA / name


def format_of(path: Path | str | None, fmt: str | None = None, default: str = "ttl") -> str:
    """A graph format name from --format, else the file extension, else the default."""
    if fmt:
        key = EXTENSIONS.get(fmt, fmt)
    elif path and Path(str(path)).suffix:
        key = Path(str(path)).suffix.lstrip(".").lower()
        key = EXTENSIONS.get(key, key)
    else:
        key = default
    if key not in GRAPH_FORMATS:
        raise OkgError(str(path or fmt), f"unknown graph format {key!r}",
                       f"use one of: {', '.join(GRAPH_FORMATS)}")
    return key


def _turtle_body(graph: Graph) -> str:
    text = bind_prefixes(graph).serialize(format="turtle")
    return "\n".join(line for line in text.splitlines() if not line.startswith("@prefix")).strip()


def _prefix_block() -> str:
    return "".join(f"@prefix {p}: <{ns}> .\n" for p, ns in PREFIXES.items()) + "\n"


def turtle(triples: Iterable[tuple]) -> str:
    """Sorted Turtle, byte-identical for the same triples."""
    graph = Graph()
    for triple in triples:
        graph.add(triple[:3])
    return _prefix_block() + _turtle_body(graph) + "\n"


def trig(graphs: Mapping[URIRef, Iterable[tuple]]) -> str:
    """Sorted TriG, one block per named graph in IRI order (rdflib's own order is not stable)."""
    parts = [_prefix_block().rstrip("\n")]
    for name in sorted(graphs):
        body = _turtle_body(_graph_of(graphs[name]))
        indented = "\n".join(("    " + line) if line else "" for line in body.splitlines())
        parts.append(f"<{name}> {{\n{indented}\n}}")
    return "\n\n".join(parts) + "\n"


def _graph_of(triples: Iterable[tuple]) -> Graph:
    graph = Graph()
    for triple in triples:
        graph.add(triple[:3])
    return graph


def write_files(files: Mapping[Path, str]) -> None:
    """Write every file to a temporary sibling first, then rename: all or nothing visible."""
    temps = []
    try:
        for path, text in files.items():
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
            os.fchmod(fd, 0o666 & ~_UMASK)  # mkstemp makes 0600; a written file should not be private
            with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as out:
                out.write(text)
            temps.append((tmp, path))
    except OSError as err:
        for tmp, _ in temps:
            os.unlink(tmp)
        raise OkgError(str(err.filename or ""), f"cannot write: {err.strerror}",
                       "check the folder exists and is writable") from None
    for tmp, path in temps:
        os.replace(tmp, path)


_LINE = re.compile(r"line (\d+)", re.I)


def parse_rdf(path: Path | str, fmt: str | None = None, into: Dataset | None = None) -> Dataset:
    """Any RDF file into a dataset whose default graph is the union of its graphs.

    Triples of a graph-less format (Turtle...) go to a graph named by the file's URI.
    """
    path = Path(path)
    key = format_of(path, fmt)
    dataset = into if into is not None else bind_prefixes(Dataset(default_union=True))
    if not path.is_file():
        raise OkgError(str(path), "file not found", "run okg build first, or give an existing file")
    try:
        if key in DATASET_FORMATS:
            dataset.parse(str(path), format=GRAPH_FORMATS[key])
        else:
            dataset.graph(URIRef(path.resolve().as_uri())).parse(str(path), format=GRAPH_FORMATS[key])
    except UnicodeDecodeError as err:
        raise OkgError(str(path), f"not UTF-8 (byte {err.start})") from None
    except Exception as err:  # rdflib's parsers raise assorted types; all mean bad input
        message = " ".join(str(err).split())
        m = _LINE.search(message)
        where = f"{path}:{m[1]}" if m else str(path)
        raise OkgError(where, f"{GRAPH_FORMATS[key]} syntax error: {message[:200]}",
                       "fix the file or pick the right --format") from None
    return dataset


def fact_graphs(dataset: Dataset) -> list[URIRef]:
    """Names of the article graphs (every named graph but the ontology and inferred ones)."""
    return sorted(g.identifier for g in dataset.graphs()
                  if isinstance(g.identifier, URIRef)
                  and g.identifier not in (ONTOLOGY_GRAPH, INFERRED_GRAPH)
                  and len(g))
