"""Leave-one-article-out evaluation of `okg extract` against curated fact sheets.

For each curated sheet, the article is extracted with a gazetteer built from the *other*
sheets only, then compared fact type by fact type:

- organisations: same id, or a shared name (name, acronym or alias, folded: accents, case,
  apostrophes and a leading article ignored), or names with rapidfuzz token_sort_ratio >= 90;
- regions, sectors, programmes, conventions: same id, or names with token_set_ratio >= 85;
- indicators: same value and unit, quoted from the same place (a draft quote and a curated
  quote overlap in the article); among matched pairs, the measure, approximation, period
  and status are then scored as accuracies.

Matching is one-to-one (best pairs first), so a duplicate draft fact is a false positive.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any, Callable

from ..errors import OkgError
from ..facts import read_yaml
from .gazetteer import from_sheets
from .text import norm_name, read_text

TYPES = ("organisations", "regions", "sectors", "programmes", "conventions", "indicators")
ATTRIBUTES = ("measure", "approximation", "period", "status")


@dataclass
class Score:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


@dataclass
class Evaluation:
    scores: dict[str, Score] = field(default_factory=lambda: {t: Score() for t in TYPES})
    attributes: dict[str, list[int]] = field(default_factory=lambda: {a: [0, 0] for a in ATTRIBUTES})
    errors: list[str] = field(default_factory=list)   # "file: kind: FP/FN ..." for reading
    articles: int = 0
    dated: bool = True

    def table(self) -> str:
        """Markdown table: P/R/F1 per fact type, then accuracies on matched indicators."""
        lines = ["| fact type | gold | drafted | matched | precision | recall | F1 |",
                 "|---|---:|---:|---:|---:|---:|---:|"]
        for t in TYPES:
            s = self.scores[t]
            lines.append(f"| {t} | {s.tp + s.fn} | {s.tp + s.fp} | {s.tp} | {s.precision:.2f} | {s.recall:.2f} | {s.f1:.2f} |")
        lines += ["", "| indicator attribute (on matched value+unit) | correct | accuracy |", "|---|---:|---:|"]
        for a in ATTRIBUTES:
            ok, n = self.attributes[a]
            lines.append(f"| {a} | {ok}/{n} | {ok / n if n else 1.0:.2f} |")
        return "\n".join(lines)

    def as_dict(self) -> dict[str, Any]:
        return {"articles": self.articles, "dated": self.dated,
                "types": {t: {"tp": s.tp, "fp": s.fp, "fn": s.fn, "precision": round(s.precision, 3),
                              "recall": round(s.recall, 3), "f1": round(s.f1, 3)} for t, s in self.scores.items()},
                "attributes": {a: {"correct": ok, "total": n, "accuracy": round(ok / n, 3) if n else 1.0}
                               for a, (ok, n) in self.attributes.items()},
                "errors": self.errors}


def _names(fact: dict) -> set[str]:
    names = {fact.get("name"), fact.get("acronym"), *(fact.get("aliases") or [])}
    return {norm_name(n) for n in names if n}


def _fuzzy(a: str, b: str, scorer: str) -> float:
    try:
        from rapidfuzz import fuzz
    except ImportError:
        return 100.0 if a == b else 0.0
    return getattr(fuzz, scorer)(a, b)


def _org_score(p: dict, g: dict) -> float:
    if p["id"] == g["id"]:
        return 101
    pn, gn = _names(p), _names(g)
    if pn & gn:
        return 100
    best = max((_fuzzy(a, b, "token_sort_ratio") for a in pn for b in gn), default=0)
    return best if best >= 90 else 0


def _name_score(p: dict, g: dict) -> float:
    if p["id"] == g["id"]:
        return 101
    best = max((_fuzzy(a, b, "token_set_ratio") for a in _names(p) for b in _names(g) if a and b), default=0)
    return best if best >= 85 else 0


def _spans(fact: dict, text: str) -> list[tuple[int, int]]:
    out = []
    for q in fact.get("evidence") or []:
        q = q["quote"] if isinstance(q, dict) else q
        at = text.find(q)
        while at >= 0:
            out.append((at, at + len(q)))
            at = text.find(q, at + 1)
    return out


def _indicator_score(p: dict, g: dict) -> float:
    if Decimal(str(p["value"])) != Decimal(str(g["value"])) or p["unit"] != g["unit"]:
        return 0
    if p.get("_spans") is not None and g.get("_spans") is not None and not any(
            a < d and c < b for a, b in p["_spans"] for c, d in g["_spans"]):
        return 0                              # same figure, but not the same statement
    return 100 + (p["measure"] == g["measure"]) + (str(p.get("period")) == str(g.get("period")))


def match(pred: list[dict], gold: list[dict], score: Callable[[dict, dict], float]) -> list[tuple[dict, dict]]:
    """One-to-one matching, best-scoring pairs first."""
    pairs = sorted(((score(p, g), i, j) for i, p in enumerate(pred) for j, g in enumerate(gold)), reverse=True)
    used_p, used_g, out = set(), set(), []
    for s, i, j in pairs:
        if s <= 0 or i in used_p or j in used_g:
            continue
        used_p.add(i)
        used_g.add(j)
        out.append((pred[i], gold[j]))
    return out


def compare(draft: dict, gold: dict, ev: Evaluation, file: str, text: str | None = None) -> None:
    """Add one article's comparison to ``ev`` (``text``: the article, to check quotes overlap)."""
    for t in TYPES:
        pred, want = draft.get(t) or [], gold.get(t) or []
        if t == "indicators" and text is not None:
            pred = [{**p, "_spans": _spans(p, text)} for p in pred]
            want = [{**g, "_spans": _spans(g, text)} for g in want]
        scorer = _org_score if t == "organisations" else _indicator_score if t == "indicators" else _name_score
        pairs = match(pred, want, scorer)
        s = ev.scores[t]
        s.tp += len(pairs)
        s.fp += len(pred) - len(pairs)
        s.fn += len(want) - len(pairs)
        matched_p = {id(p) for p, _ in pairs}
        matched_g = {id(g) for _, g in pairs}
        show = (lambda f: f"{f['value']} {f['unit']} ({f.get('measure')})") if t == "indicators" else (lambda f: f.get("name"))
        ev.errors += [f"{file}: {t}: false positive {show(p)!r}" for p in pred if id(p) not in matched_p]
        ev.errors += [f"{file}: {t}: missed {show(g)!r}" for g in want if id(g) not in matched_g]
        if t != "indicators":
            continue
        for p, g in pairs:
            for a in ATTRIBUTES:
                ok = str(p.get(a)) == str(g.get(a)) if a != "approximation" else p.get(a, "exact") == g.get(a, "exact")
                ev.attributes[a][0] += ok
                ev.attributes[a][1] += 1
                if not ok:
                    ev.errors.append(f"{file}: indicator {g['id']}: {a} {p.get(a)!r}, curated {g.get(a)!r}")


def evaluate(folder: Path | str, *, dated: bool = True, nlp: Any = "auto", progress: bool = False) -> Evaluation:
    """Leave-one-article-out evaluation over every curated sheet in ``folder``.

    ``dated``: give the extractor the article's date as the editor knows it (the sheet's
    ``published``, else its ``reference_date``), as ``okg extract --published`` does; with
    False, only a date line printed in the article is used.
    """
    from .draft import extract_text
    from .nlp import load

    folder = Path(folder)
    paths = sorted(folder.glob("*.yaml"))
    if not paths:
        raise OkgError(str(folder), "no curated fact sheets (*.yaml) to evaluate against")
    sheets = [(p, read_yaml(p)) for p in paths]
    model = load() if nlp == "auto" else nlp
    ev = Evaluation(dated=dated)
    iterator = sheets
    if progress:
        from tqdm import tqdm
        iterator = tqdm(sheets, desc="evaluating", unit="article")
    for path, gold in iterator:
        art = gold.get("article") or {}
        text = read_text(folder / art["file"])
        gaz = from_sheets([s for p, s in sheets if p != path])   # never the scored article
        date = art.get("published") or art.get("reference_date") if dated else None
        published = dt.date.fromisoformat(str(date)) if date else None
        draft = extract_text(text, file=art["file"], gazetteer=gaz, published=published, nlp=model)
        compare(draft, gold, ev, art["file"], text)
        ev.articles += 1
    return ev
