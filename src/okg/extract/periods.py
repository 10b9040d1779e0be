"""Periods ("en 2019", "à l'horizon 2020", "2014-2020", "l'an dernier"), the article's date
line, and the status cues that tell an actual figure from a target or a forecast."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from .text import fold

MONTHS = {m: i for i, m in enumerate(
    "janvier fevrier mars avril mai juin juillet aout septembre octobre novembre decembre".split(), 1)}
MONTHS.update({m: i for i, m in enumerate(
    "january february march april may june july august september october november december".split(), 1)})
_MONTH = "|".join(MONTHS)
_YEAR = r"(?:19|20)\d\d"


@dataclass
class PeriodMention:
    start: int
    end: int
    period: str | None   # resolved, or None when it is relative and the date is unknown
    cue: str             # horizon | range | year | date | relative | now
    explicit: bool       # a year is written (not resolved from the article's date)


_RULES: list[tuple[str, str]] = [
    ("range", rf"(?:(?:entre|de|sur la periode|pour la periode|periode|from|between)\s+)?(?P<a>{_YEAR})"
              rf"\s*(?:-|/|a|au|et|to|and)\s*(?P<b>{_YEAR})\b"),
    ("date", rf"\b(?P<d>\d{{1,2}})(?:er)?\s+(?P<m>{_MONTH})\s+(?P<y>{_YEAR})\b"),
    ("date", rf"\b(?P<m>{_MONTH})\s+(?P<d>\d{{1,2}}),?\s+(?P<y>{_YEAR})\b"),
    ("month", rf"\b(?P<m>{_MONTH})\s+(?P<y>{_YEAR})\b"),
    ("horizon", rf"(?:a l'horizon|a horizon|horizon|d'ici (?:a |la fin de |fin )?|a l'echeance|by|by the end of)\s*(?:l'an(?:nee)?\s)?(?P<y>{_YEAR})\b"),
    ("year", rf"(?:(?:en|au cours de l'annee|au cours de|durant|pendant|in|during|pour l'annee|"
             rf"(?:a )?fin|debut|courant|l'annee|annee|depuis|since|au titre de)\s+)?(?P<y>{_YEAR})\b(?![.,]\d)"),
]
_RULES_RX = [(cue, re.compile(rx)) for cue, rx in _RULES]
_RELATIVE = [  # folded cue, years from the article's date
    (r"l'an dernier|l'annee derniere|l'an passe|l'annee passee|last year|un an plus tot", -1),
    (r"cette annee|this year|l'annee en cours|en cours d'annee", 0),
    (r"l'an prochain|l'annee prochaine|next year", 1),
]
_NOW = r"actuellement|aujourd'hui|a ce jour|a l'heure actuelle|desormais|a present|en ce moment|currently|today|at present|now"
_IN_YEARS = re.compile(r"d'ici (?P<n>\d+|deux|trois|quatre|cinq|six|sept|huit|neuf|dix) ans|within (?P<e>\d+) years")
_SMALL = {"deux": 2, "trois": 3, "quatre": 4, "cinq": 5, "six": 6, "sept": 7, "huit": 8, "neuf": 9, "dix": 10}


def period_mentions(folded: str, start: int, end: int, published: dt.date | None) -> list[PeriodMention]:
    """Period expressions in folded[start:end], longest first where they overlap."""
    found: list[PeriodMention] = []
    taken: list[tuple[int, int]] = []

    def add(s: int, e: int, period: str | None, cue: str, explicit: bool) -> None:
        if any(s < te and ts < e for ts, te in taken):
            return
        taken.append((s, e))
        found.append(PeriodMention(s, e, period, cue, explicit))

    for cue, rx in _RULES_RX:
        for m in rx.finditer(folded, start, end):
            if folded[max(0, m.start() - 1):m.start()].isalnum() or re.match(r"\d|/\d", folded[m.end():m.end() + 2]):
                continue
            g = m.groupdict()
            if cue == "range":
                if int(g["b"]) <= int(g["a"]):
                    continue
                add(m.start(), m.end(), f"{g['a']}/{g['b']}", cue, True)
            elif cue == "date":
                try:
                    day = dt.date(int(g["y"]), MONTHS[g["m"]], int(g["d"]))
                except ValueError:
                    continue
                add(m.start(), m.end(), day.isoformat(), cue, True)
            elif cue == "month":
                add(m.start(), m.end(), f"{g['y']}-{MONTHS[g['m']]:02d}", cue, True)
            else:
                add(m.start(), m.end(), g["y"], cue, True)
    for rx, delta in _RELATIVE:
        for m in re.finditer(rx, folded[start:end]):
            year = published and str(published.year + delta)
            add(start + m.start(), start + m.end(), year, "relative", False)
    for m in _IN_YEARS.finditer(folded, start, end):
        n = m["n"] or m["e"]
        year = published and str(published.year + int(_SMALL.get(n, n)))
        add(m.start(), m.end(), year, "horizon", False)
    for m in re.finditer(rf"\b(?:{_NOW})\b", folded[start:end]):
        add(start + m.start(), start + m.end(), published and str(published.year), "now", False)
    found.sort(key=lambda p: p.start)
    return found


# --- status -------------------------------------------------------------------------------
_TARGET = re.compile(
    r"\b(?:objectifs?|vise a|visent a|viser|visera|ambitionne|ambition|escompte|escomptes?|"
    r"attendu|attendus|attendues|prevoit de|prevoient de|entend|entendent|a l'horizon|d'ici|"
    r"porter a|permettra|permettront|devra|devront|"
    r"target|targets|aims? to|goal|plans? to|will create|will generate|by 20\d\d)\b")
_FORECAST = re.compile(
    r"\b(?:devrait|devraient|pourrait|pourraient|previsions?|projections?|anticipe|anticipent|"
    r"s'attend|s'attendent|table sur|tablent sur|estime que|prevu|prevue|prevus|"
    r"expects?|expected|forecasts?|projected|should|likely|could reach|is set to)\b")
_PAST = re.compile(r"\b(?:a|ont|avait|avaient)\s+(?:\w+\s)?(?:\w+(?:e|es|is|it|u|us))\b|\b\w+(?:ait|aient)\b")


def status(clause: str, period: str | None, published: dt.date | None, future_tense: bool = False) -> str | None:
    """'target', 'forecast' or 'actual' from cues in the clause (folded), else None.

    A forecast word wins over a target word ("devrait atteindre l'objectif" is a forecast of
    whether a target is met); a period after the article's date is a target; past tenses,
    "actuellement" and past years are actual.
    """
    if _FORECAST.search(clause):
        return "forecast"
    if _TARGET.search(clause):
        return "target"
    if period and published and int(period[:4]) > published.year:
        return "target"
    if future_tense:
        return "target"
    if _PAST.search(clause) or re.search(rf"\b(?:{_NOW})\b", clause):
        return "actual"
    return None


# French future tense without the model: "accueillera", "créera", "atteindront", "sera".
_FUTURE_VERB = re.compile(
    r"\b(?:sera|seront|aura|auront|fera|feront|ira|iront|[a-z]{3,}(?:era|eront|ira|iront|dra|dront|"
    r"tra|tront|vra|vront|rra|rront|ura|uront))\b")
_NOT_VERBS = {"camera", "cameras", "mantra", "sierra", "opera", "extra", "ultra", "contra"}


def future_verbs(text: str, folded: str, start: int, end: int) -> list[tuple[int, int]]:
    """Spans of future-tense verbs in folded[start:end], for when spaCy is unavailable
    (lowercase words only: "Samira" is a name)."""
    return [(m.start(), m.end()) for m in _FUTURE_VERB.finditer(folded, start, end)
            if text[m.start()].islower() and m.group() not in _NOT_VERBS]


# --- the article's own date line ------------------------------------------------------------
_DATE_LINE = [
    re.compile(rf"\b(?P<d>\d{{1,2}})(?:er)?\s+(?P<m>{_MONTH})\s+(?P<y>{_YEAR})\b"),
    re.compile(rf"\b(?P<m>{_MONTH})\s+(?P<d>\d{{1,2}}),?\s+(?P<y>{_YEAR})\b"),
    re.compile(rf"\b(?P<y>{_YEAR})-(?P<mm>\d\d)-(?P<d>\d\d)\b"),
    re.compile(rf"\b(?P<d>\d{{1,2}})/(?P<mm>\d{{1,2}})/(?P<y>{_YEAR})\b"),
]
WEEKDAYS = {d: i for i, d in enumerate("lundi mardi mercredi jeudi vendredi samedi dimanche".split())}
WEEKDAYS.update({d: i for i, d in enumerate("monday tuesday wednesday thursday friday saturday sunday".split())})
_WEEKDAY = "|".join(WEEKDAYS)
# A dateline opens the first paragraph: "Casablanca, le 12 mars 2019 -", "Rabat - 5 mai 2015:",
# "RABAT, 5 mai 2015 (MAP) -", "27 septembre 2018" alone. Matched on folded text.
_AGENCY = r"\((?:[a-z][a-z&.-]{1,8})\)"
_DATELINE = re.compile(
    rf"[ \t]*(?:(?P<place>[a-z][\w'.]*(?:[ -][\w'.]+){{0,3}})\s*(?:{_AGENCY}\s*)?[,:/-]\s*)?"
    rf"(?:(?:le|the|on)\s+)?(?:(?:{_WEEKDAY}),?\s+)?"
    rf"(?P<date>\d{{1,2}}(?:er)?\s+(?:{_MONTH})\s+{_YEAR}|(?:{_MONTH})\s+\d{{1,2}},?\s+{_YEAR}"
    rf"|{_YEAR}-\d\d-\d\d|\d{{1,2}}[/.]\d{{1,2}}[/.]{_YEAR})"
    rf"(?:,?\s*(?:a\s+)?\d{{1,2}}\s*[h:]\s*\d\d)?\s*(?:{_AGENCY}\s*)?(?P<sep>[-:|]+\s*|$)")


def _parse_date(folded: str) -> dt.date | None:
    for rx in _DATE_LINE + [re.compile(rf"\b(?P<d>\d{{1,2}})\.(?P<mm>\d{{1,2}})\.(?P<y>{_YEAR})\b")]:
        m = rx.search(folded)
        if m:
            g = m.groupdict()
            month = MONTHS[g["m"]] if g.get("m") else int(g["mm"])
            try:
                return dt.date(int(g["y"]), month, int(g["d"]))
            except ValueError:
                return None
    return None


def dateline(text: str, max_lines: int = 8) -> tuple[dt.date, int, int] | None:
    """The dateline that opens an article, as (date, start, end): the span covers place, date
    and separator ("Casablanca, le 12 mars 2019 - "), so the body's first sentence can start
    after it. Only the header's short lines and the first body paragraph are looked at; the
    place must be capitalised as a name is."""
    pos, n = 0, 0
    for line in text.splitlines(keepends=True):
        start, pos = pos, pos + len(line)
        if not line.strip():
            continue
        n += 1
        f = fold(line.rstrip("\r\n"))
        m = _DATELINE.match(f)
        if m and (m["place"] is None or line[m.start("place")].isupper()):
            day = _parse_date(m["date"])
            if day is not None:
                return day, start + m.start() + (len(f) - len(f.lstrip())), start + m.end()
        if n >= max_lines or len(line.strip()) >= 120:
            return None                        # past the header: dates are events
    return None


def date_line(text: str, max_lines: int = 8) -> tuple[dt.date, str] | None:
    """Publication date from a dateline, a header or 'Publié le' line: (date, the quoted part).

    Only short lines at the top, a dateline opening the first paragraph, or a line starting
    with 'publié'/'posted'/'mis à jour' count: a date inside the body is an event, never the
    publication date.
    """
    found = dateline(text, max_lines)
    if found:
        day, s, e = found
        return day, text[s:e].strip(" \t-–—:|")
    lines = [ln for ln in text.splitlines() if ln.strip()]
    body = False
    for n, line in enumerate(lines[:200]):
        f = fold(line)
        header = n < max_lines and len(line) < 120 and not body
        body = body or len(line) >= 120
        if not header and not re.match(r"\s*(?:publie|posted|published|mis a jour|date)\b", f):
            continue
        for rx in _DATE_LINE:
            m = rx.search(f)
            if not m:
                continue
            g = m.groupdict()
            month = MONTHS[g["m"]] if g.get("m") else int(g["mm"])
            try:
                return dt.date(int(g["y"]), month, int(g["d"])), line[m.start():m.end()]
            except ValueError:
                continue
    return None


def resolve_weekday(weekday: int, published: dt.date | None) -> dt.date | None:
    """'mardi' in a dispatch of 2019-03-14 is 2019-03-12: the latest such day not after the
    article's date; None when the date is unknown."""
    if published is None:
        return None
    return published - dt.timedelta(days=(published.weekday() - weekday) % 7)


def resolve_day(day: int, month: int, published: dt.date | None) -> dt.date | None:
    """'le 5 mai' in an article of 2015-05-07 is 2015-05-05: the latest such day not after the
    article's date (events are reported after they happen); None when the date is unknown."""
    if published is None:
        return None
    for year in (published.year, published.year - 1):
        try:
            day_ = dt.date(year, month, day)
        except ValueError:
            continue
        if day_ <= published:
            return day_
    return None
