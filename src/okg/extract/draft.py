"""One article in, one draft fact sheet (a dict in the docs/fact-sheets.md schema) out."""

from __future__ import annotations

import bisect
import datetime as dt
import re
from collections import Counter
from typing import Any

from . import entities as E
from . import nlp as N
from .gazetteer import Gazetteer, from_sheets
from .indicators import Draft, SentenceContext, sentence_indicators
from .numbers import quantities
from .periods import date_line, dateline, future_verbs, period_mentions
from .relations import conventions, group_mentions, programme_links
from .text import Span, chunks, fold, language, norm_name, sentences

PRIORITY = {"acronym": 0, "rule": 1, "split": 1, "caps": 2, "gazetteer": 3, "ner": 6}
KIND_PRIORITY = {"organisations": 0, "programmes": 1, "regions": 2, "sectors": 4}


def _resolve_overlaps(mentions: list[E.Mention]) -> list[E.Mention]:
    """Keep the best of overlapping mentions: rule-found bodies over places inside their
    names ("Agence Spéciale Tanger Méditerranée" is not Tanger), longer over shorter."""
    def rank(m: E.Mention) -> tuple:
        p = PRIORITY.get(m.source, 5)
        if m.source == "gazetteer" and m.kind in ("organisations", "programmes"):
            p = 1                             # a known body's full name is as good as a rule
        return (p, KIND_PRIORITY.get(m.kind, 5), -(m.end - m.start), m.start)

    kept: list[E.Mention] = []
    for m in sorted(mentions, key=rank):
        # Split mentions ("les ministères de X et de Y") share one span on purpose.
        if not any(m.start < k.end and k.start < m.end and not (m.source == k.source == "split")
                   for k in kept):
            kept.append(m)
    return sorted(kept, key=lambda m: m.start)


def _chunk_mentions(text: str, folded: str, start: int, end: int, ann: N.Annotation,
                    gaz: Gazetteer) -> list[E.Mention]:
    orgs = E.organisations(text, folded, start, end, ann)
    acr_orgs, acr_sectors = E.acronyms(text, start, end, orgs, gaz)
    found = orgs + acr_orgs + acr_sectors
    found += E.sectors(text, folded, start, end, ann)
    found += E.sector_lists(text, folded, start, end)
    found += E.programmes(text, folded, start, end, ann)
    found += E.region_lists(text, folded, start, end, gaz)
    for hit in gaz.find(text[start:end], folded[start:end]):
        e = hit.entry
        found.append(E.Mention(start + hit.start, start + hit.end, e.kind, e.name, e.acronym, e,
                               e.region_kind, source="gazetteer"))
    taken = [(m.start, m.end) for m in found]
    sector_acronyms = {m.acronym for m in found if m.kind == "sectors" and m.acronym}
    for m in E.from_ner(text, folded, ann, taken, gaz) + E.caps_names(text, start, end):
        if m.name not in sector_acronyms:
            found.append(m)
    return _resolve_overlaps(found)


def _subject(folded: str, sent_start: int, in_sent: list[E.Mention], d: Draft,
             carried: E.Mention | None) -> E.Mention | None:
    """What a figure is about: the nearest body, programme or sector before it in the
    sentence; else a place that opens its clause ("La région de X accueillera ..."); else
    the previous sentence's; else a place named before it ("au Maroc")."""
    before = [m for m in in_sent if m.end <= d.quantity.start]
    actors = [m for m in before if m.kind != "regions"] or [
        m for m in before if _place_as_subject(folded, sent_start, m)]
    if actors:
        return actors[-1]
    if carried is not None:
        return carried
    return before[-1] if before else None


_SUBJECT_PLACE = re.compile(
    r"(?:^|[,;:]|\bet)\s*(?:(?:la|le|les|l')\s*)?(?:(?:region|ville|province|prefecture|commune|capitale|wilaya|"
    r"royaume|pays|metropole)\s+(?:de la|de l'|de|du|d'|des)?\s*(?:(?:la|le|l')\s*)?)?$")


def _place_as_subject(folded: str, sent_start: int, m: E.Mention) -> bool:
    """A place that opens its clause ("Tanger accueillera", "La région de Fès-Meknès a
    attiré") is what the clause is about; "à Rabat", "au Maroc" only say where."""
    return _SUBJECT_PLACE.search(folded[sent_start:m.start]) is not None


# "le secteur a réalisé ...", "ce secteur emploie ...": a sector the sentence does not name.
_BARE_SECTOR = re.compile(r"\b(?:le|ce|du|au) secteur\b|\b(?:la|cette) filiere\b")
_ECONOMY = re.compile(r"(?:prive|prives|public|publics|informel|formel|non agricole)$")
_ADJECTIVE = re.compile(r"(?:iques?|aires?|iels?|ielles?|iers?|ieres?|ales?|aux|ifs?|ives?|iles?|iens?|iennes?)$")


def _sector_phrase(folded: str, start: int, end: int, ann: N.Annotation) -> str | None:
    """How folded[start:end] last says "le secteur": "unnamed" ("le secteur a réalisé"),
    "economy" ("le secteur privé": a part of the economy, not an industry), or None when it
    names or describes one ("le secteur de l'offshoring", "le secteur automobile")."""
    found = None
    for m in _BARE_SECTOR.finditer(folded, start, end):
        nxt = re.match(r"\s+([\w'-]+)", folded[m.end():end])
        word = nxt.group(1) if nxt else ""
        pos = ann.pos.get(m.end() + nxt.start(1)) if nxt else None
        if _ECONOMY.match(word):
            found = "economy"
        elif re.fullmatch(r"de|du|des|d'.*", word) or pos in ("ADJ", "NOUN", "PROPN") or (
                pos is None and _ADJECTIVE.search(word)):
            found = None
        else:
            found = "unnamed"
    return found


class _Sectors:
    """The article's sector mentions, indexed for 'le secteur' (bisect, not a scan per figure:
    a 10 MB article may say it thousands of times)."""

    def __init__(self, mentions: list[E.Mention]) -> None:
        self.all = sorted((m for m in mentions if m.kind == "sectors"), key=lambda m: m.start)
        self.starts = [m.start for m in self.all]
        count = Counter(self._key(m) for m in self.all)
        top = max(count.values(), default=0)
        self.main = [m for m in self.all if count[self._key(m)] == top]   # the most named
        self.main_starts = [m.start for m in self.main]

    @staticmethod
    def _key(m: E.Mention) -> str:
        return m.entry.id if m.entry is not None else (m.acronym or norm_name(m.name))


def _sector_subject(sectors: _Sectors | None, d: Draft, para_start: int, sent_start: int,
                    in_sent: list[E.Mention]) -> E.Mention | None:
    """'le secteur' unnamed: the sector named last earlier in the same paragraph, else the
    article's main sector (the one it names most; of several, the latest named before);
    with no sector at all (or ``sectors`` None: "le secteur privé"), a body or programme
    this sentence names before the figure, else no subject (the previous sentence's body is
    not 'the sector')."""
    if sectors is not None and sectors.all:
        i = bisect.bisect_left(sectors.starts, sent_start)
        if i and sectors.all[i - 1].start >= para_start:
            return sectors.all[i - 1]
        j = bisect.bisect_left(sectors.main_starts, sent_start)
        return sectors.main[j - 1] if j else sectors.main[0]
    named = [m for m in in_sent if m.kind in ("organisations", "programmes") and m.end <= d.quantity.start]
    return named[-1] if named else None


def _metadata(text: str, published: dt.date | None) -> dict[str, Any]:
    """Title, date and source when the article states them (never guessed)."""
    lines = [ln.strip() for ln in text.splitlines() if ln.strip()]
    header: list[str] = []
    for ln in lines[:8]:
        if len(ln) > 160 or ln.endswith((".", "…")) and len(ln.split()) > 12:
            break
        header.append(ln)
    dated = date_line(text)
    if published is None and dated:
        published = dated[0]
    titles = [h for h in header if len(h.split()) >= 3 and not (dated and dated[1] in h)
              and not re.search(r"\b(?:par|by)\s+\w+$", h, re.I)]
    title = max(titles, key=len) if titles and len(header) < len(lines) else None
    source = None
    for ln in lines[-8:] + lines[:8]:
        m = re.match(r"^(?:source|sources)\s*:\s*(.{2,80})$", ln, re.I) or re.match(
            r"^[A-ZÀ-Ý][\w'-]+(?: [A-ZÀ-Ý][\w'-]+){1,3}\s*/\s*(.{2,80})$", ln)
        if m:
            source = re.sub(r"\s+(?:Docs|Online|\.ma|\.com)$", "", m.group(1)).strip()
            break
    return {"title": title, "published": published, "source": source}


def extract_text(text: str, *, file: str, gazetteer: Gazetteer | None = None,
                 published: dt.date | None = None, nlp: Any = "auto") -> dict[str, Any]:
    """Draft fact sheet for one article. ``published`` overrides the article's date line;
    ``nlp`` is a spaCy pipeline, None for rules only, or "auto" to load the French model."""
    gaz = gazetteer if gazetteer is not None else from_sheets([])
    model = N.load() if nlp == "auto" else nlp
    meta = _metadata(text, published)
    published = meta["published"]
    lang = language(text)
    folded = fold(text)
    qs = quantities(text, lang, folded)
    money = Counter(q.unit for q in qs if q.unit in ("MAD", "EUR", "USD", "GBP", "CHF"))
    currency = money.most_common(1)[0][0] if money else None

    mentions: list[E.Mention] = []
    drafts: list[Draft] = []
    sents: list[tuple[int, int]] = []
    sector_refs: list[tuple[Draft, int, int, list[E.Mention]]] = []
    dl = dateline(text)
    index: tuple[int, _Sectors] | None = None          # sector mentions so far, for "le secteur"
    qi = 0
    for span in chunks(text):
        ann = N.pipe(text, [(span.start, span.end)], model)[0]
        if model is None:
            ann.future = future_verbs(text, folded, span.start, span.end)
        chunk_mentions = _chunk_mentions(text, folded, span.start, span.end, ann, gaz)
        mentions += chunk_mentions
        ctx, last_subject, para_end = SentenceContext(), None, -1
        for sent in sentences(text, span.start, span.end):
            if dl and dl[1] <= sent.start < dl[2]:      # "Casablanca, le 12 mars 2019 - ": not a clause
                if sent.end <= dl[2]:
                    continue
                sent = Span(dl[2], sent.end)
            sents.append((sent.start, sent.end))
            if text.rfind("\n", 0, sent.start) > para_end:   # a new paragraph: no carry-over
                ctx, para_end = SentenceContext(), sent.start
            while qi < len(qs) and qs[qi].start < sent.start:
                qi += 1
            sq = []
            while qi < len(qs) and qs[qi].start < sent.end:
                sq.append(qs[qi])
                qi += 1
            periods = period_mentions(folded, sent.start, sent.end, published)
            found = sentence_indicators(text, folded, (sent.start, sent.end), sq, periods, ctx,
                                        published, [f for f in ann.future if sent.start <= f[0] < sent.end], currency)
            in_sent = [m for m in chunk_mentions if sent.start <= m.start < sent.end]
            for d in found:
                d.subject = _subject(folded, sent.start, in_sent, d, last_subject)
                said = _sector_phrase(folded, sent.start, d.quantity.start, ann)
                if said and not any(m.kind == "sectors" and m.end <= d.quantity.start for m in in_sent):
                    ref = (d, text.rfind("\n", 0, sent.start) + 1, sent.start, in_sent)
                    if said == "unnamed" and (index is None or index[0] != len(mentions)):
                        index = (len(mentions), _Sectors(mentions))
                    # "le secteur privé": only a body this sentence names, never a sector
                    d.subject = _sector_subject(index[1] if said == "unnamed" else None, *ref)
                    if said == "unnamed":
                        sector_refs.append(ref)        # again once every mention is known
                last_subject = d.subject or last_subject
            actors = [m for m in in_sent if m.kind != "regions"]
            if found:                       # "Il employait ...": what the last figures were about
                last_subject = found[-1].subject or last_subject
            elif actors:
                last_subject = actors[0]
            drafts += found
    mentions = _acronym_mentions(text, mentions)
    if sector_refs:
        every = _Sectors(mentions)
        for ref in sector_refs:
            ref[0].subject = _sector_subject(every, *ref)
    return _sheet(text, file, meta, lang, mentions, drafts, sents, gaz, published)


def _acronym_mentions(text: str, mentions: list[E.Mention]) -> list[E.Mention]:
    """Once the article defines 'AMDIE', every other 'AMDIE' in it is that body too."""
    defined = {m.acronym: m for m in sorted(mentions, key=lambda m: m.source == "acronym")
               if m.acronym and m.kind in ("organisations", "sectors")
               and m.source in ("acronym", "rule", "split") and len(m.acronym) >= 2}  # glossed ones win
    if not defined:
        return mentions
    rx = re.compile(r"(?<![\w])(" + "|".join(re.escape(a) for a in sorted(defined, key=len, reverse=True)) + r")(?![\w])")
    starts = sorted((m.start, m.end) for m in mentions)
    extra = []
    for hit in rx.finditer(text):
        i = bisect.bisect_right(starts, (hit.start(), float("inf"))) - 1
        inside = i >= 0 and starts[i][1] > hit.start() or (i + 1 < len(starts) and starts[i + 1][0] < hit.end())
        if not inside:
            d = defined[hit.group(1)]
            extra.append(E.Mention(hit.start(), hit.end(), d.kind, d.name, d.acronym, d.entry, source="gazetteer"))
    return sorted(mentions + extra, key=lambda m: m.start)


def _sheet(text: str, file: str, meta: dict, lang: str, mentions: list[E.Mention], drafts: list[Draft],
           sents: list[tuple[int, int]], gaz: Gazetteer, published: dt.date | None) -> dict[str, Any]:
    groups = group_mentions(text, mentions, gaz)      # kind -> list of fact dicts, with "_mentions"
    ids_of = {id(m): f["id"] for kind in groups for f in groups[kind] for m in f["_mentions"]}
    programme_links(text, groups, sents)
    convs = conventions(text, fold(text), groups, sents, published)
    taken = {f["id"] for kind in groups for f in groups[kind]}
    for c in convs:                        # ids are global within a sheet, across kinds
        c["id"] = _unique(c["id"] if c["id"] not in taken else c["id"] + "-convention", taken)
    indicators: list[dict] = []
    seen: dict[tuple, dict] = {}
    for d in drafts:
        q = d.quantity
        quote = text[d.quote[0]:d.quote[1]]
        key = (q.value, q.unit, d.measure, d.period, d.status)
        if key in seen:
            if quote not in seen[key]["evidence"]:
                seen[key]["evidence"].append(quote)
            continue
        subject = ids_of.get(id(d.subject)) if d.subject is not None else None
        fact = {"id": None, "measure": d.measure, "value": _number(q.value), "unit": q.unit,
                "approximation": q.approximation, "period": d.period, "status": d.status,
                "subject": subject, "evidence": [quote]}
        seen[key] = fact
        indicators.append(fact)
    used = {f["id"] for kind in groups for f in groups[kind]} | {c["id"] for c in convs}
    for fact in indicators:
        base = "-".join(x for x in (fact["subject"] or "article", fact["measure"], fact["period"] and fact["period"].replace("/", "-")) if x)
        fact["id"] = _unique(base, used)
    for kind in groups:
        for f in groups[kind]:
            f.pop("_mentions", None)
    groups["regions"] = _linked_regions(groups, convs, indicators, gaz)
    return {
        "article": {"file": file, "title": meta["title"],
                    "published": published.isoformat() if published else None,
                    "source": meta["source"], "language": lang},
        "organisations": groups["organisations"],
        "sectors": groups["sectors"],
        "programmes": groups["programmes"],
        "conventions": convs,
        "regions": groups["regions"],
        "indicators": indicators,
    }


def _linked_regions(groups: dict, convs: list[dict], indicators: list[dict], gaz: Gazetteer) -> list[dict]:
    """Regions the draft links to something, or that the graph already knows: the build's
    QC rule orphan-region refuses a region tied to nothing ("la région du Maghreb" named in
    passing), so such a mention is left out of the draft rather than failing okg build."""
    linked = {r["part_of"] for r in groups["regions"]} | {r["id"] for r in groups["regions"] if r["part_of"]}
    linked |= {c["place"] for c in convs} | {p for c in convs for p in c["parties"]}
    linked |= {p for f in groups["programmes"] for p in f.get("partners", [])}
    linked |= {i["subject"] for i in indicators}
    return [r for r in groups["regions"]
            if r["id"] in linked or (r["id"] in gaz.entries and gaz.entries[r["id"]].from_graph)]


def _number(value: Any) -> int | float:
    return int(value) if value == int(value) else float(value)


def _unique(base: str, used: set[str]) -> str:
    base = re.sub(r"-+", "-", re.sub(r"[^a-z0-9]+", "-", base.lower())).strip("-") or "fact"
    slug, n = base, 2
    while slug in used:
        slug, n = f"{base}-{n}", n + 1
    used.add(slug)
    return slug

