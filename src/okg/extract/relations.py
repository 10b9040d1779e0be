"""From mentions to facts: one fact per entity (mentions grouped, linked to the graph, ids
minted), programme leaders, and conventions with their parties, date and place."""

from __future__ import annotations

import bisect
import datetime as dt
import re
import unicodedata
from typing import Any

from .entities import Mention
from .gazetteer import Gazetteer
from .periods import MONTHS, WEEKDAYS, period_mentions, resolve_day, resolve_weekday
from .text import fold, norm_name

KINDS = ("organisations", "sectors", "programmes", "regions")
_WEEKDAY = "|".join(WEEKDAYS)
_PORTFOLIO_STOP = {"de", "du", "des", "la", "le", "l", "et", "d", "les", "charge", "en", "ministere",
                   "ministeres", "departement", "ministre", "chef"}


def slug(text: str, max_words: int = 6) -> str:
    t = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    words = [w for w in re.split(r"[^a-z0-9]+", t) if w and w not in ("l", "d", "la", "le", "les", "de", "du", "des", "et")]
    return "-".join(words[:max_words]) or "entity"


def _portfolio(name: str) -> set[str]:
    """Ministries are named by their portfolio: 'ministère du Commerce, de l'industrie ...'
    and 'département de l'Industrie' share 'industrie'."""
    f = fold(name)
    if not re.match(r"(?:ministeres?|departement|ministre)\b", f):
        return set()
    return {w for w in re.split(r"[^a-z]+", f) if len(w) > 3 and w not in _PORTFOLIO_STOP}


def _link(m: Mention, gaz: Gazetteer):
    if m.entry is not None:
        return m.entry
    e = gaz.lookup(m.name, (m.kind,))
    if e is None and m.acronym:
        e = gaz.lookup(m.acronym, (m.kind,), fuzzy=False)
    if e is None and m.kind == "organisations" and _portfolio(m.name):
        mine, first = _portfolio(m.name), _first(m.name)
        for entry in gaz.entries.values():
            if entry.kind != "organisations":
                continue
            for n in [entry.name, *entry.aliases]:
                theirs = _portfolio(n)
                if theirs and (first in theirs or _first(n) in mine):
                    return entry
    return e


def _first(name: str) -> str:
    """The first portfolio word (a ministry's main field)."""
    f = fold(name)
    return next((w for w in re.split(r"[^a-z]+", f) if len(w) > 3 and w not in _PORTFOLIO_STOP), "")


def group_mentions(text: str, mentions: list[Mention], gaz: Gazetteer) -> dict[str, list[dict]]:
    """Facts per kind; mentions of one entity (same graph entry, acronym, folded name or
    ministry portfolio) become one fact whose evidence quotes them."""
    groups: dict[str, list[dict]] = {k: [] for k in KINDS}
    index: dict[tuple[str, str], dict] = {}
    used: set[str] = set()
    for m in mentions:
        if m.kind not in groups:
            continue
        entry = _link(m, gaz)
        keys = [("id", entry.id)] if entry else []
        keys += [("acr", m.acronym.upper())] if m.acronym else []
        keys += [("name", norm_name(m.name))]
        if m.kind == "organisations" and m.name.isupper():
            keys.append(("acr", m.name))
        if m.kind == "organisations" and _portfolio(m.name):
            keys.append(("portfolio", _first(m.name)))
        fact = next((index[(m.kind, *k)] for k in keys if (m.kind, *k) in index), None)
        if fact is None and m.kind == "organisations" and _portfolio(m.name):
            fact = next((f for f in groups["organisations"] if any(
                _portfolio(x.name) & _portfolio(m.name) for x in f["_mentions"])), None)
        if fact is None:
            fact = _new_fact(m, entry, used, gaz)
            groups[m.kind].append(fact)
        else:
            _merge(fact, m, entry)
        for k in keys + ([("acr", fact["acronym"].upper())] if fact.get("acronym") else []):
            index.setdefault((m.kind, *k), fact)
        quote = text[m.start:m.end]
        if quote not in fact["evidence"] and len(fact["evidence"]) < 3:
            fact["evidence"].append(quote)
        fact["_mentions"].append(m)
    _finish_regions(groups, gaz)
    for fact in groups["organisations"]:
        fact["aliases"] = [a for a in fact["aliases"] if norm_name(a) not in (norm_name(fact["name"]), norm_name(fact["acronym"] or ""))]
    return groups


def _new_fact(m: Mention, entry, used: set[str], gaz: Gazetteer) -> dict:
    if entry is not None:
        fid = entry.id
    else:
        base = slug(m.acronym) if m.acronym else slug(m.name)
        fid, n = base, 2
        while fid in used or fid in gaz.entries:
            fid, n = f"{base}-{n}", n + 1
    used.add(fid)
    name = entry.name if entry else m.name
    fact: dict[str, Any] = {"id": fid, "name": name}
    if m.kind == "organisations":
        fact["acronym"] = (entry.acronym if entry else None) or m.acronym
        fact["aliases"] = [] if entry is None or norm_name(m.name) == norm_name(entry.name) else [m.name]
    elif m.kind == "programmes":
        fact.update(led_by=[], partners=[], funded_by=[])
    elif m.kind == "regions":
        fact["kind"] = (entry.region_kind if entry else None) or m.region_kind or "region"
        fact["part_of"] = None
        fact["_entry"] = entry
    fact["evidence"] = []
    fact["_mentions"] = []
    return fact


def _merge(fact: dict, m: Mention, entry) -> None:
    if fact.get("acronym") is None and m.acronym and "acronym" in fact:
        fact["acronym"] = m.acronym
    if "aliases" in fact and m.name not in fact["aliases"] and m.name != fact["name"]:
        if entry is None and len(m.name) > len(fact["name"]) and fact["name"] == fact.get("acronym"):
            fact["aliases"].append(fact["name"])
            fact["name"] = m.name                  # a full name beats an acronym as the name
        else:
            fact["aliases"].append(m.name)


def _finish_regions(groups: dict[str, list[dict]], gaz: Gazetteer) -> None:
    """part_of: the nearest ancestor the article also mentions (a reference must be defined
    in the same sheet), so Rabat is part of Morocco when the article names both."""
    present = {f["id"] for f in groups["regions"]}
    for fact in groups["regions"]:
        entry = fact.pop("_entry", None)
        parent = entry.part_of if entry else None
        while parent and parent not in present:
            up = gaz.entries.get(parent)
            parent = up.part_of if up else None
        fact["part_of"] = parent


def _sentence_of(pos: int, sents: list[tuple[int, int]]) -> tuple[int, int]:
    i = bisect.bisect_right(sents, (pos, float("inf"))) - 1
    return sents[i] if i >= 0 and sents[i][0] <= pos < sents[i][1] else (pos, pos)


def programme_links(text: str, groups: dict[str, list[dict]], sents: list[tuple[int, int]]) -> None:
    """led_by: 'X ... son programme', 'programme ... de l'X', 'lancé par X'."""
    orgs = [(m, f["id"]) for f in groups["organisations"] for m in f["_mentions"]]
    folded = fold(text)
    for prog in groups["programmes"]:
        for m in prog["_mentions"]:
            s_start, s_end = _sentence_of(m.start, sents)
            before = [(o, i) for o, i in orgs if s_start <= o.start and o.end <= m.start]
            lead = None
            if re.search(r"\b(?:son|sa|ses|leur|leurs|its|their)\s+$", folded[max(0, m.start - 8):m.start]) and before:
                lead = before[0][1]
            after = re.match(r"\s*(?:de l'|du |de la |des |lance par |pilote par |porte par |initie par |of )", folded[m.end:m.end + 20])
            if lead is None and after:
                nxt = next((i for o, i in orgs if o.start == m.end + after.end() or 0 < o.start - m.end <= after.end() + 3), None)
                lead = nxt
            if lead and lead not in prog["led_by"]:
                prog["led_by"].append(lead)


_TRIGGER = re.compile(
    r"\b(conventions?|accords?(?: de partenariat| cadres?| de cooperation)?|contrats?-programmes?|"
    r"contrats? de performances?|protocoles? d'accord|memorandums?(?: d'entente)?|partenariats?|"
    r"agreements?|memorand(?:um|a) of understanding|mou)\b")
_SIGN = re.compile(r"\b(?:sign\w*|paraph\w*|conclu\w*|scell\w*|ratifi\w*|sealed|inked)\b")


def conventions(text: str, folded: str, groups: dict[str, list[dict]], sents: list[tuple[int, int]],
                published: dt.date | None) -> list[dict]:
    """Agreements signed in a sentence: parties are the bodies and regions it names (a plural
    'conventions avec A, B et C' is one convention per partner), with date and place."""
    parties_at = sorted(((m, f["id"], kind) for kind in ("organisations", "regions") for f in groups[kind]
                         for m in f["_mentions"]), key=lambda x: x[0].start)
    starts = [m.start for m, _, _ in parties_at]
    progs = [(m, f["id"]) for f in groups["programmes"] for m in f["_mentions"]]
    short = {f["id"]: f.get("acronym") or f["name"] for kind in groups for f in groups[kind]}
    out: list[dict] = []
    for s, e in sents:
        sent = folded[s:e]
        trig = _TRIGGER.search(sent)
        if not trig or not _SIGN.search(sent):
            continue
        t_start = s + trig.start()
        in_sent = parties_at[bisect.bisect_left(starts, s):bisect.bisect_left(starts, e)]
        place = next((i for m, i, k in in_sent if k == "regions" and re.search(r"\ba\s$", folded[m.start - 3:m.start])), None)
        parties = [i for m, i, k in in_sent if i != place]
        parties = list(dict.fromkeys(parties))
        signed = _signed(folded, s, e, published)
        programme = next((i for m, i in progs if s <= m.start < e), None)
        quote = text[s:e].strip()
        after = [i for m, i, k in in_sent if m.start > t_start and i != place]
        before = [i for m, i, k in in_sent if m.start < t_start and k == "organisations"]
        plural = trig.group(1).endswith("s") and re.search(r"\bavec\b", sent[trig.end():])
        if plural and before and len(set(after)) >= 2:
            head = re.sub(r"s$", "", trig.group(1).split()[0])
            said = {i: text[m.start:m.end] for m, i, k in reversed(in_sent)}   # as this sentence says it
            pairs = [(f"{head} entre {short[before[0]]} et {said[p]}", [before[0], p]) for p in dict.fromkeys(after)]
        else:
            pairs = [(_name(text, s + trig.start(), e), parties)]
        for name, who in pairs:
            _add_convention(out, name, who, signed, place, programme, quote)
    return out


def _name(text: str, start: int, end: int) -> str:
    """The agreement's noun phrase: trigger and complement, up to a verb or a break."""
    m = re.match(r"[^,;:.()«»]{0,90}?(?=\s+(?:ont|a|avec|entre|sont|ont été|a été|le \d|à \w+ les)\b|[,;:.()]|$)",
                 text[start:end])
    return " ".join((m.group() if m else text[start:start + 60]).split())


def _signed(folded: str, s: int, e: int, published: dt.date | None) -> str | None:
    for p in period_mentions(folded, s, e, published):
        if p.cue == "date" and p.period:
            return p.period
    m = re.search(rf"\b(?:le|{_WEEKDAY}) (\d{{1,2}})(?:er)? ({'|'.join(MONTHS)})\b", folded[s:e])
    if m:
        day = resolve_day(int(m.group(1)), MONTHS[m.group(2)], published)
        return day.isoformat() if day else None
    # "ont signé mardi": the latest Tuesday up to the article's date (not "mardi prochain").
    m = re.search(rf"\b({_WEEKDAY})\b(?!\s+(?:prochain|next)\b)", folded[s:e])
    if m and not re.search(r"\b(?:chaque|tous les|le|every)\s+$", folded[max(s, s + m.start() - 10):s + m.start()]):
        day = resolve_weekday(WEEKDAYS[m.group(1)], published)
        return day.isoformat() if day else None
    return None


def _add_convention(out: list[dict], name: str, parties: list[str], signed, place, programme, quote: str) -> None:
    key = norm_name(name)
    for c in out:
        same_name = norm_name(c["name"]).rstrip("s") == key.rstrip("s") or _close(c["name"], name)
        mine, theirs = set(parties), set(c["parties"])
        if same_name and (not mine or not theirs or mine == theirs or len(mine & theirs) >= 2):
            c["parties"] += [p for p in parties if p not in c["parties"]]
            c["signed"] = c["signed"] or signed
            c["place"] = c["place"] or place
            c["programme"] = c["programme"] or programme
            if quote not in c["evidence"]:
                c["evidence"].append(quote)
            return
    used = {c["id"] for c in out}
    base, n = slug(name, 8), 2
    fid = base
    while fid in used:
        fid, n = f"{base}-{n}", n + 1
    out.append({"id": fid, "name": name, "signed": signed, "place": place, "parties": list(parties),
                "programme": programme, "evidence": [quote]})


def _close(a: str, b: str) -> bool:
    try:
        from rapidfuzz import fuzz
    except ImportError:
        return False
    return fuzz.token_sort_ratio(norm_name(a), norm_name(b)) >= 85
