"""Benchmark `okg extract`: articles per second and peak memory on the five seeds repeated
to 500 articles (model loaded once), plus one ~10 MB article processed in chunks.

    python benchmarks/extract.py                 # 500 articles with the spaCy model, 10 MB rules-only
    python benchmarks/extract.py --rules-only    # no model at all
    python benchmarks/extract.py --big-model     # the 10 MB article through the model too (minutes)

Results go to benchmarks/results/extract.json (and are printed).
"""

from __future__ import annotations

import argparse
import json
import platform
import resource
import shutil
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from okg.extract import nlp as N  # noqa: E402
from okg.extract.batch import SheetsGazetteer, extract_many  # noqa: E402
from okg.extract.draft import extract_text  # noqa: E402


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024   # Linux: KiB


def many(n: int, model) -> dict:
    seeds = sorted((ROOT / "seeds").glob("*.txt"))
    with tempfile.TemporaryDirectory() as tmp:
        paths = []
        for i in range(n):   # distinct files, same contents: the gazetteer of seeds/ links them
            src = seeds[i % len(seeds)]
            dst = Path(tmp) / f"{i:04d}_{src.name}"
            shutil.copy(src, dst)
            paths.append(dst)
        gaz = SheetsGazetteer(ROOT / "seeds")
        start = time.perf_counter()
        batch = extract_many(paths, gaz, nlp=model, progress=True)
        seconds = time.perf_counter() - start
    assert not batch.failures and len(batch.sheets) == n
    return {"articles": n, "seconds": round(seconds, 2), "articles_per_second": round(n / seconds, 1),
            "indicators": sum(len(s["indicators"]) for _, s in batch.sheets)}


def big(megabytes: float, model) -> dict:
    base = (ROOT / "seeds" / "002_2d0035028c8bf154.txt").read_text(encoding="utf-8") + "\n\n"
    text = base * int(megabytes * 1_000_000 / len(base))
    tracemalloc.start()
    start = time.perf_counter()
    sheet = extract_text(text, file="big.txt", nlp=model)
    seconds = time.perf_counter() - start
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return {"characters": len(text), "seconds": round(seconds, 1), "model": model is not None,
            "python_peak_mb": round(peak / 1e6, 1), "indicators": len(sheet["indicators"])}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=500)
    parser.add_argument("--megabytes", type=float, default=10)
    parser.add_argument("--rules-only", action="store_true")
    parser.add_argument("--big-model", action="store_true")
    args = parser.parse_args()
    start = time.perf_counter()
    model = None if args.rules_only else N.load()
    load_seconds = time.perf_counter() - start
    result = {
        "machine": f"{platform.machine()}, {platform.python_version()}",
        "model": N.MODEL if model is not None else None,
        "model_load_seconds": round(load_seconds, 2),
        "many": many(args.articles, model),
        "peak_rss_mb_after_many": round(peak_rss_mb(), 1),
        "big": big(args.megabytes, model if args.big_model else None),
        "peak_rss_mb": round(peak_rss_mb(), 1),
    }
    out = ROOT / "benchmarks" / "results" / "extract.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
