"""Where the 1M-triple time goes: the load's parts, the slowest OWL RL rules, the query shapes.

Run after `okg bench` (it reuses the corpus and files the bench wrote under build/bench/):

    python benchmarks/probe.py                    # Oxigraph at 1M: load parts, every plan
    python benchmarks/probe.py --size 100k --rdflib links-subselect-first org-programme-links

Each time is the best of 3. The plans are the rewrites of the two slow contract queries that
benchmarks/README.md discusses (the contract queries themselves are in queries/); --rdflib
also runs the named plans or stored queries on the memory store, on the bench's baseline TriG.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
if str(ROOT / "src") not in sys.path:
    sys.path.insert(0, str(ROOT / "src"))


def best(fn, repeat: int = 3) -> tuple[float, object]:
    times, result = [], None
    for _ in range(repeat):
        result = None
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return min(times), result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", default="1M", help="the bench's size label (10k, 100k, 1M)")
    parser.add_argument("--work", default=str(ROOT / "build" / "bench"))
    parser.add_argument("--rdflib", nargs="*", metavar="NAME", help="plans or stored queries to time on rdflib too")
    args = parser.parse_args(argv)

    import pyoxigraph as ox

    from okg import fastpath
    from okg import queries as q
    from okg.compile import load_ontology
    from okg.oxstore import OxStore

    work, corpus = Path(args.work) / f"run-{args.size}", Path(args.work) / f"corpus-{args.size}"
    nq, merge, floor = work / "fast.nq", work / "fast-merge.nt", work / "floor.nt"
    if not nq.is_file():
        print(f"probe: {nq} missing; run okg bench --sizes {args.size} first", file=sys.stderr)
        return 2

    def plain(path: Path):
        store = ox.Store()
        store.bulk_load(path=str(path), format=ox.RdfFormat.N_TRIPLES if path.suffix == ".nt" else ox.RdfFormat.N_QUADS,
                        lenient=path.suffix == ".nq")
        return store

    print(f"load ({args.size}), best of 3:")
    if floor.is_file():
        print(f"  floor (N-Triples, default graph)   {best(lambda: plain(floor))[0]:6.2f} s")
    print(f"  named graphs only (N-Quads)        {best(lambda: plain(nq))[0]:6.2f} s")

    def full():
        store = OxStore()
        store.load([nq], lenient=True, merge=merge)
        return store

    seconds, store = best(full)
    print(f"  named graphs + merge (okg's load)  {seconds:6.2f} s")
    spent: dict[str, float] = {}

    def progress(rule, seconds: float) -> None:
        spent[rule.name] = spent.get(rule.name, 0.0) + seconds

    start = time.perf_counter()
    inferred = fastpath.materialise(store, load_ontology(corpus / "ontology" / "okg.ttl"), progress=progress)
    print(f"materialise ({args.size}): {time.perf_counter() - start:.2f} s, {inferred} inferred triples; slowest rules:")
    for name, seconds in sorted(spent.items(), key=lambda item: -item[1])[:6]:
        print(f"  {name[:60]:60} {seconds:6.2f} s")

    def files(names):
        for name in names:
            path = HERE / "plans" / f"{name}.rq"
            yield name, (path if path.is_file() else ROOT / "queries" / f"{name}.rq")

    plans = [p.stem for p in sorted((HERE / "plans").glob("*.rq"))] + ["indicators", "org-programme-links"]
    print(f"queries on Oxigraph ({args.size}), best of 3, answer serialised as SPARQL JSON:")
    for name, path in files(plans):
        text = q.load_query(path).text
        seconds, body = best(lambda: store.native(text).serialize(format=ox.QueryResultsFormat.JSON))
        rows = len(json.loads(body)["results"]["bindings"])
        print(f"  {name:34} {seconds:6.2f} s  ({rows} rows)")
    if args.rdflib:
        import okg

        kg = okg.load(work / "baseline.trig", root=corpus)
        print(f"queries on rdflib ({args.size}), best of 2:")
        for name, path in files(args.rdflib):
            stored = q.load_query(path)
            seconds, rows = best(lambda: len(kg.query(stored)), repeat=2)
            print(f"  {name:34} {seconds:6.2f} s  ({rows} rows)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
