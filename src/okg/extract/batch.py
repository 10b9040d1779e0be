"""Many articles at once: one gazetteer and one spaCy model for all, a progress bar, the
failures collected (the other articles are still extracted), and the output formats."""

from __future__ import annotations

import datetime as dt
import json
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from ..errors import OkgError
from .gazetteer import Gazetteer, from_sheets
from .text import read_text

FORMATS = ("yaml", "json", "ttl")
HEADER = ("# Draft fact sheet written by okg extract: check every fact against its quote,\n"
          "# correct ids, names and links, then run okg build.\n")


@dataclass
class Batch:
    sheets: list[tuple[Path, dict]] = field(default_factory=list)
    failures: list[OkgError] = field(default_factory=list)


class SheetsGazetteer:
    """Gazetteers from a folder of fact sheets, read once. An article that already has a
    sheet there is drafted without it: re-extracting must not copy the curated sheet back."""

    def __init__(self, folder: Path | None) -> None:
        self.sheets: list[dict] = []
        if folder is not None and folder.is_dir():
            from ..facts import read_yaml
            self.sheets = [d for p in sorted(folder.glob("*.yaml")) if isinstance(d := read_yaml(p), dict)]
        self._all = from_sheets(self.sheets)
        self._files = {(s.get("article") or {}).get("file") for s in self.sheets}

    def for_article(self, file: str) -> Gazetteer:
        if file not in self._files:
            return self._all
        return from_sheets([s for s in self.sheets if (s.get("article") or {}).get("file") != file])


def extract_many(paths: list[Path], gazetteer: Gazetteer | SheetsGazetteer, *,
                 published: dt.date | None = None, nlp: Any = "auto",
                 progress: bool | None = None) -> Batch:
    """Draft a sheet for each article; a failing article is recorded, not fatal."""
    from .draft import extract_text
    from .nlp import load

    model = load() if nlp == "auto" else nlp          # once, for every article
    batch = Batch()
    show = progress if progress is not None else len(paths) > 1 and sys.stderr.isatty()
    items: Any = paths
    if show:
        from tqdm import tqdm
        items = tqdm(paths, desc="extracting", unit="article", file=sys.stderr)
    for path in items:
        try:
            text = read_text(path)
            gaz = gazetteer.for_article(path.name) if isinstance(gazetteer, SheetsGazetteer) else gazetteer
            sheet = extract_text(text, file=path.name, gazetteer=gaz, published=published, nlp=model)
        except OkgError as err:
            batch.failures.append(err)
            continue
        batch.sheets.append((path, sheet))
    return batch


def to_yaml(sheet: dict) -> str:
    return HEADER + yaml.safe_dump(sheet, allow_unicode=True, sort_keys=False, width=100_000,
                                   default_flow_style=False)


def to_json(sheet: dict) -> str:
    return json.dumps(sheet, ensure_ascii=False, indent=2) + "\n"


def to_ttl(sheets: list[tuple[Path, dict]]) -> str:
    """Turtle of the drafts, through the same compiler as okg build."""
    try:
        from ..compile import compile_sheets
        from ..store import turtle
    except ImportError as err:  # pragma: no cover - the compiler ships with okg
        raise OkgError("--format ttl", f"the graph compiler is unavailable ({err})", "use --format yaml") from None
    from ..facts import parse_sheet

    parsed = [parse_sheet(sheet, path.with_suffix(".yaml")) for path, sheet in sheets]
    dataset = compile_sheets(parsed)
    return turtle(t for g in dataset.graphs() for t in g)


def render(batch: Batch, fmt: str) -> str:
    """All drafts in one text for stdout: YAML documents, a JSON object or list, Turtle."""
    if fmt == "ttl":
        return to_ttl(batch.sheets) if batch.sheets else ""
    if fmt == "json":
        sheets = [s for _, s in batch.sheets]
        return to_json(sheets[0] if len(sheets) == 1 else sheets) if sheets else ""
    return "---\n".join(to_yaml(s) for _, s in batch.sheets)


def write(batch: Batch, fmt: str, outdir: Path) -> list[Path]:
    """One file per article in ``outdir``: <stem>.yaml, .json or .ttl."""
    outdir.mkdir(parents=True, exist_ok=True)
    written = []
    for path, sheet in batch.sheets:
        target = outdir / f"{path.stem}.{fmt}"
        text = {"yaml": to_yaml, "json": to_json}.get(fmt, lambda s: to_ttl([(path, s)]))(sheet)
        target.write_text(text, encoding="utf-8")
        written.append(target)
    return written
