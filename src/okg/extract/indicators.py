"""Indicators: a quantity with its measure, period, status and subject, from its sentence."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from .numbers import Quantity
from .periods import PeriodMention, status

# Measure cues (folded), looked for nearest the number first; the first rule whose unit fits wins.
_MEASURES: list[tuple[str, tuple[str, ...], str]] = [
    ("additional-export-revenue", ("money",), r"chiffre d'affaires (?:\w+ )?(?:additionnel|supplementaire)\w*|additional export"),
    ("export-revenue", ("money",), r"(?:chiffre d'affaires|facturations?|recettes?|revenus?|ventes?)[^.]{0,25}(?:a l'export|export)|exportations?|export revenue|exports"),
    ("trade-balance-contribution", ("money",), r"balance commerciale|trade balance"),
    ("investment", ("money",), r"investissements?|investir|investments?|invest"),
    ("budget", ("money",), r"budget|enveloppe|allou"),
    ("funding", ("money",), r"financements?|subventions?|pret|dons?|fonds|funding|grants?|loans?"),
    ("revenue", ("money",), r"chiffre d'affaires|revenus?|recettes|turnover|revenues?|ventes|sales"),
    ("revenue-share", ("percent",), r"chiffre d'affaires|revenus?|turnover|revenue"),
    ("export-market-share", ("percent",), r"debouches|exportations|export markets?|destinations?"),
    ("business-share", ("percent",), r"business|activite|affaires"),
    ("market-share", ("percent",), r"parts? de marche|market share"),
    ("growth-rate", ("percent",), r"croissance|hausse|progression|augment|baisse|recul|growth|increase|rise"),
    ("new-jobs", ("job", "person"), r"creation|creer|cree|nouveaux|generer|created?|new jobs"),
    ("trainees", ("person", "student", "graduate"), r"form[eé]s?|formation|trained|training"),
    ("jobs", ("job", "person"), r"."),
    ("exporting-companies", ("company",), r"export"),
    ("companies", ("company",), r"."),
    ("measures", ("measure",), r"."),
    ("sectors", ("sector",), r"."),
    ("branches", ("office",), r"."),
]
_MONEY = set("MAD EUR USD GBP CHF CAD JPY CNY XOF TND DZD EGP".split())


def measure(unit: str, window: str, num_at: int) -> str:
    """The measure slug for a quantity: cues in its clause, the nearest to the number wins;
    a unit's catch-all rule (".") applies when no cue is there."""
    kind = "money" if unit in _MONEY else unit
    best: tuple[int, str] | None = None
    fallback = None
    for slug, units, rx in _MEASURES:
        if kind not in units:
            continue
        if rx == ".":
            fallback = fallback or slug
            continue
        for m in re.finditer(rx, window):
            dist = min(abs(m.start() - num_at), abs(m.end() - num_at))
            if best is None or dist < best[0]:
                best = (dist, slug)
    return best[1] if best else fallback or "count"


@dataclass
class SentenceContext:
    """What a sentence says about time, passed on to the next one ("Il employait ...")."""
    period: str | None = None
    status: str | None = None
    had_quantities: bool = False


@dataclass
class Draft:
    quantity: Quantity
    measure: str
    period: str | None
    status: str
    quote: tuple[int, int]
    sentence: tuple[int, int]
    subject: str | None = None
    quotes: list[tuple[int, int]] = field(default_factory=list)


def clause_bounds(folded: str, s_start: int, s_end: int, q: Quantity, others: list[Quantity]) -> tuple[int, int]:
    """The part of the sentence about this quantity: from the previous quantity or clause
    break to the next one, never into a relative clause after the number."""
    start, end = s_start, s_end
    for o in others:
        if o.end <= q.start:
            start = max(start, o.end)
        elif o.start >= q.end:
            end = min(end, o.start)
    for m in re.finditer(r"[;:]|, (?=(?:et |mais |alors |tandis ))", folded[start:q.start]):
        start = max(start, start + m.end())
    rel = re.search(r"\b(?:qui|que|dont|lequel|laquelle|which|that|who)\b|[;:(]", folded[q.end:end])
    if rel:
        end = q.end + rel.start()
    return start, end


def quote_bounds(text: str, folded: str, s_start: int, s_end: int, q: Quantity, others: list[Quantity]) -> tuple[int, int]:
    """A readable quote: the clause around the number, cut at the last comma or "et" before
    it (keeping at least three words) and at the first one after it."""
    start, end = clause_bounds(folded, s_start, s_end, q, others)
    cuts = [start + m.end() for m in re.finditer(r", | et ", folded[start:q.start])
            if len(folded[start + m.end():q.start].split()) >= 3]
    if cuts:
        start = cuts[-1]
    words_before = list(re.finditer(r"\S+", text[start:q.start]))
    if len(words_before) > 25:
        start = start + words_before[-25].start()
    stop = re.search(r",|;| et | ou |\bet\b", folded[q.end:end])
    if stop:
        end = q.end + stop.start()
    after = list(re.finditer(r"\S+", text[q.end:end]))
    if len(after) > 15:
        end = q.end + after[14].end()
    while end > start and text[end - 1] in " ,;:.\u00a0":
        end -= 1
    while start < end and text[start] in " ,;:\u00a0":
        start += 1
    return start, end


def with_period(folded: str, quote: tuple[int, int], period: PeriodMention | None, qs: list[Quantity],
                span: tuple[int, int]) -> tuple[int, int]:
    """The quote stretched to the period expression the figure took ("50.000 emplois d'ici
    2025", "L'an dernier, le secteur a réalisé ...") when it stands in the same clause: no
    sentence break, no other figure and only a few words between them."""
    start, end = quote
    if period is None or not (span[0] <= period.start and period.end <= span[1]):
        return quote
    if period.start >= end:
        gap, limit, new = (end, period.start), 6, (start, period.end)
    elif period.end <= start:
        gap, limit, new = (period.end, start), 12, (period.start, end)
    else:
        return (min(start, period.start), max(end, period.end))
    between = folded[gap[0]:gap[1]]
    if re.search(r"[.;:!?()\n]|\b(?:qui|que|dont|contre|alors|tandis|mais)\b", between) or len(between.split()) > limit:
        return quote
    if any(gap[0] <= o.num_start < gap[1] and not o.year for o in qs):
        return quote
    return new


def sentence_indicators(text: str, folded: str, span: tuple[int, int], qs: list[Quantity],
                        periods: list[PeriodMention], ctx: SentenceContext, published: dt.date | None,
                        future: list[tuple[int, int]], default_currency: str | None) -> list[Draft]:
    """Indicators of one sentence; ``ctx`` carries period and status over from the last one."""
    s_start, s_end = span
    sentence = folded[s_start:s_end]
    own_period = next((p for p in periods if p.period and p.cue in ("horizon", "range", "year", "date", "month")), None)
    relative = next((p for p in periods if p.cue in ("relative", "now")), None)
    out: list[Draft] = []
    for q in qs:
        unit = q.unit
        if unit is None and q.scaled and default_currency:
            unit = default_currency       # "près de 8 milliards": the article's currency
        if unit is None or q.year:
            continue
        c_start, c_end = clause_bounds(folded, s_start, s_end, q, qs)
        clause = folded[c_start:c_end]
        near = [p for p in periods if c_start <= p.start < c_end]
        period_m = next((p for p in near if p.cue != "now" or p.period), None) or own_period or relative
        horizon = any(p.cue == "horizon" for p in periods)
        fut = any(c_start <= a < c_end for a, _ in future)
        st = status(clause, period_m.period if period_m else None, published, fut)
        if st is None and re.search(r"\b(?:objectifs?|resultats attendus|ambition|targets?|goal)\b", sentence) or (st is None and horizon):
            st = "target"
        if period_m is None and st is None and ctx.had_quantities:
            period, st = ctx.period, ctx.status
        elif period_m is None:
            period = ctx.period if ctx.had_quantities and ctx.period and st in (None, "actual", ctx.status) else None
        else:
            period = period_m.period
        st = st or "actual"
        if period is None and st == "actual" and published and not (period_m and period_m.cue == "relative"):
            period = str(published.year)   # a present-tense fact is true at the article's date
        window = folded[c_start:c_end]
        qs_ = with_period(folded, quote_bounds(text, folded, s_start, s_end, q, qs), period_m, qs, span)
        out.append(Draft(q, measure(unit, window, q.num_start - c_start), period, st, qs_, span))
        out[-1].quantity.unit = unit
    if out:
        ctx.period, ctx.status, ctx.had_quantities = out[-1].period, out[-1].status, True
    elif own_period:
        ctx.period, ctx.had_quantities = own_period.period, False
    return out
