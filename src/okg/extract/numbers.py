"""French and English quantities: number, scale, unit and approximation, with offsets.

``quantities(text)`` finds "près de 1,3 milliard de DH", "245 MDH", "60.000 nouveaux emplois",
"5 050 postes", "plus de 40%", "trois mesures", "10 billion dirhams", "2.5%" and returns each
as a :class:`Quantity` whose value is normalised to base units. Years, dates, ordinals and
reference numbers ("circulaire 22/2020") are not quantities. Everything runs on the folded
text (same length as the original), so spans index the article itself.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from .text import fold

_UNITS_WORDS = {
    "zero": 0, "un": 1, "une": 1, "deux": 2, "trois": 3, "quatre": 4, "cinq": 5, "six": 6,
    "sept": 7, "huit": 8, "neuf": 9, "dix": 10, "onze": 11, "douze": 12, "treize": 13,
    "quatorze": 14, "quinze": 15, "seize": 16, "vingt": 20, "vingts": 20, "trente": 30,
    "quarante": 40, "cinquante": 50, "soixante": 60, "cent": 100, "cents": 100,
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "seven": 7, "eight": 8, "nine": 9,
    "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15,
    "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30,
    "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90,
    "hundred": 100,
}
# "un/une/one" alone is an article far more often than a number: only with a scale word.
_ARTICLES = {"un", "une", "one"}
_WORD = "|".join(sorted(_UNITS_WORDS, key=len, reverse=True))
_WORDS_RX = rf"(?:{_WORD})(?:(?:-|\s|\s?et\s|-et-)(?:{_WORD}))*"

# (regex on folded text, multiplier); French "billion" is 10^12, English "billion" 10^9.
_SCALES_FR = [(r"milliards?|mrds?|mds?|md", 10**9), (r"millions?|mln|m", 10**6),
              (r"mille|k", 10**3), (r"billions?", 10**12)]
_SCALES_EN = [(r"billions?|bn|b", 10**9), (r"millions?|mln|m", 10**6),
              (r"thousand|k", 10**3), (r"trillions?", 10**12), (r"milliards?", 10**9)]
# Units glued to a scale: "245 MDH", "1,5 MMDH", "12 M€".
_COMPOUND = [(r"mmdhs?|mrddhs?|mdsdhs?", 10**9, "MAD"), (r"mdhs?", 10**6, "MAD"),
             (r"md€|mds€|mrd€|mrds€", 10**9, "EUR"), (r"m€|meur", 10**6, "EUR"),
             (r"m\$|musd", 10**6, "USD"), (r"k€", 10**3, "EUR")]
_CURRENCIES = [(r"dirhams?(?: marocains)?|dhs?|mad", "MAD"), (r"euros?|eur|€", "EUR"),
               (r"dollars?(?: americains| us)?|usd|us\$|\$", "USD"),
               (r"livres? sterling|gbp|£", "GBP"), (r"francs? suisses?|chf", "CHF"),
               (r"dinars? tunisiens?|tnd", "TND"), (r"dinars? algeriens?|dzd", "DZD"),
               (r"francs? cfa|fcfa|xof", "XOF"), (r"yuans?|cny", "CNY"), (r"yens?|jpy", "JPY")]
_PERCENT = r"%|pour ?cent|percent|per cent"
# Count nouns (folded, singular or plural) and the unit they give.
_NOUNS = {
    "job": r"emplois?|postes? d'emplois?|jobs?|postes?",
    "person": r"personnes?|salaries?|employes?|collaborateurs?|travailleurs?|people|persons?"
              r"|employees?|workers?|agents?|jeunes|teleconseillers?|conseillers?",
    "company": r"entreprises?|societes?|firmes?|operateurs?|companies|company|firms?|businesses",
    "measure": r"mesures?|measures?", "office": r"bureaux|bureau|antennes?|agences?|offices?|branches?|succursales?",
    "sector": r"secteurs?|filieres?|sectors?|industries", "project": r"projets?|projects?",
    "programme": r"programmes?|programs?", "convention": r"conventions?|accords?|agreements?",
    "region": r"regions?", "student": r"etudiants?|students?", "graduate": r"laureats?|diplomes?|graduates?",
    "training": r"formations?|trainings?", "startup": r"start-?ups?|jeunes pousses",
    "centre": r"centres?|centers?|centres d'appels?", "country": r"pays|countries|country",
    "contract": r"contrats?|contracts?", "year": r"ans|annees?|years?", "month": r"mois|months?",
    "day": r"jours?|days?", "seat": r"sieges?|seats?|positions de travail|places?(?! (?:financieres?|boursieres?|de marche|fortes?|offshore|d'affaires))",
    "square-metre": r"m2|m²|metres? carres?|square met(?:re|er)s?", "hectare": r"hectares?|ha",
    "user": r"utilisateurs?|users?", "subscriber": r"abonnes?|subscribers?",
    "household": r"menages?|households?", "school": r"ecoles?|schools?",
    "engineer": r"ingenieurs?|engineers?", "member": r"membres?|adherents?|members?",
    "partner": r"partenaires?|partners?", "market": r"marches?|markets?",
}
_NOUN_RX = re.compile(
    r"(?:de |d')?(?:(?:nouveaux|nouvelles|nouvel|new|autres|other|premiers|premieres|grands|grandes|"
    r"petites|petits|additional|additionnels|supplementaires|jeunes|full-time|direct)\s)?"
    r"(?P<noun>" + "|".join(f"(?P<{k.replace('-', '_')}>{v})" for k, v in _NOUNS.items()) + r")\b")

# "places" counts seats (campus, training, parking) unless the talk is of a ranking.
_RANKING = re.compile(r"classement|ranking|palmares|\brang\b|\bgagn|\bperd|\brecul|\bgrimp|\bindice|\bindex")

APPROX = [  # folded cue right before the number (longest first), and its approximation
    (r"pas moins d[e']|au moins|au minimum|minimum|no less than|no fewer than|at least", "at_least"),
    (r"plus d[e']|au-dela d[e']|superieure? a|depassant|more than|over|above|upwards of|in excess of", "more_than"),
    (r"moins d[e']|inferieure? a|less than|fewer than|under|below", "less_than"),
    (r"jusqu'a|au maximum|maximum|up to", "up_to"),
    (r"pres d[e']|environ|quelque|approximativement|autour d[e']|aux alentours d[e']|avoisinant|"
     r"de l'ordre d[e']|nearly|almost|about|around|approximately|roughly|some|close to|~", "about"),
]
_APPROX_RX = [(re.compile(rf"(?:^|[\s('])(?:{rx})\s*$"), a) for rx, a in APPROX]
_MONTHS = (r"janvier|fevrier|mars|avril|mai|juin|juillet|aout|septembre|octobre|novembre|decembre|"
           r"january|february|march|april|may|june|july|august|september|october|november|december")
_APPROX_NOUNS = {"dizaine": 10, "vingtaine": 20, "trentaine": 30, "quarantaine": 40,
                 "cinquantaine": 50, "soixantaine": 60, "centaine": 100}

_NUM = re.compile(
    r"(?P<digits>\d{1,3}(?:[ .](?=\d{3}\b)\d{3})+(?:,\d+)?(?!\d)"     # 60.000, 5 050, 1.300,5
    r"|\d{1,3}(?:,(?=\d{3}\b)\d{3})+(?:\.\d+)?(?!\d)"                 # 10,000 (English)
    r"|\d+(?:[.,]\d+)?(?!\d))"                                        # 245, 1,3, 2.5
    rf"|(?P<words>\b{_WORDS_RX}\b)"
    rf"|(?P<approxnoun>\b(?:{'|'.join(_APPROX_NOUNS)})s?\b)")


@dataclass
class Quantity:
    start: int          # first character of the expression (approximation cue included)
    end: int            # one past its last character (unit included)
    num_start: int      # the number itself
    num_end: int
    value: Decimal      # normalised to base units (1,3 milliard -> 1300000000)
    unit: str | None    # from okg.facts.UNITS, or None when the text gives none
    approximation: str
    scaled: bool        # a scale word was given ("milliard"): a bare scaled amount is money
    year: bool = False  # a bare 19xx/20xx: a date, not a quantity

    def text(self, article: str) -> str:
        return article[self.start:self.end]


def _digits(raw: str, lang: str) -> Decimal:
    raw = raw.replace(" ", "")
    if re.fullmatch(r"\d{1,3}(?:\.\d{3})+(?:,\d+)?", raw) and (lang == "fr" or raw.count(".") > 1):
        return Decimal(raw.replace(".", "").replace(",", "."))
    if re.fullmatch(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?", raw) and (lang == "en" or raw.count(",") > 1):
        return Decimal(raw.replace(",", ""))
    return Decimal(raw.replace(",", "."))


def words_value(raw: str) -> int | None:
    """'trois' -> 3, 'vingt-cinq' -> 25, 'quatre-vingt-dix' -> 90, 'deux cents' -> 200."""
    total = current = 0
    for w in re.split(r"[\s-]+", raw):
        if w == "et":
            continue
        n = _UNITS_WORDS.get(w)
        if n is None:
            return None
        if n == 100:
            current = max(current, 1) * 100
        elif current and n == 20 and current % 100 == 4:   # quatre-vingt(s)
            current = current - 4 + 80
        else:
            current += n
    return total + current


def _scale_at(folded: str, pos: int, lang: str) -> tuple[int, int, str | None, int] | None:
    """(multiplier, end, currency or None, consumed) for a scale word at pos, else None."""
    for rx, mult, cur in _COMPOUND:
        m = re.compile(rf"\s?(?:{rx})(?![a-z])").match(folded, pos)
        if m:
            return mult, m.end(), cur, 1
    for rx, mult in (_SCALES_EN if lang == "en" else _SCALES_FR):
        m = re.compile(rf"\s?(?:{rx})(?![a-z0-9])\.?").match(folded, pos)
        if m and not (len(m.group().strip(" .")) == 1 and not _currency_at(folded, m.end())):
            return mult, m.end(), None, 1        # a lone "m"/"k"/"b" needs a currency after it
    return None


def _currency_at(folded: str, pos: int) -> tuple[str, int] | None:
    m = re.compile(r"\s?(?:de |d')?").match(folded, pos)
    at = m.end() if m else pos
    for rx, code in _CURRENCIES:
        c = re.compile(rf"(?:{rx})(?![a-z])").match(folded, at)
        if c:
            return code, c.end()
    return None


def _prefix_currency(folded: str, pos: int) -> tuple[str, int] | None:
    """'$10 billion', '€5m', 'USD 10 million': a currency right before the number."""
    for rx, code in _CURRENCIES:
        m = re.compile(rf"(?:^|(?<=[\s(]))(?:{rx})\s?$").search(folded, max(0, pos - 12), pos)
        if m and (not m.group().strip().isalpha() or m.group().strip() in ("usd", "eur", "mad")):
            return code, m.start()
    return None


def _approximation(folded: str, pos: int) -> tuple[str, int]:
    window = folded[max(0, pos - 30):pos]
    for rx, name in _APPROX_RX:
        m = rx.search(window)
        if m:
            start = pos - len(window) + m.start()
            return name, start + (1 if folded[start] in " ('" else 0)
    return "exact", pos


def _is_date_or_reference(folded: str, m: re.Match) -> bool:
    s, e = m.start(), m.end()
    before, after = folded[max(0, s - 12):s], folded[e:e + 14]
    if re.match(rf"\s(?:{_MONTHS})\b", after) or re.search(rf"\b(?:{_MONTHS})\s$", before):
        return True
    if re.match(r"(?:er|e|eme|ere|nd|st|rd|th|°)\b", after):          # ordinals: 1er, 3e, 2nd
        return True
    if re.search(r"(?:[a-z]-?|/|n°\s?|no\s|#)$", before) or re.match(r"(?:/|-[a-z])", after):
        return True                                                   # 22/2020, Covid-19, G20
    return bool(re.match(r"[:h]\d", after))                          # 10:30, 9h30


def quantities(text: str, lang: str = "fr", folded: str | None = None) -> list[Quantity]:
    """Every quantity in ``text`` (see the module docstring), in reading order."""
    folded = fold(text) if folded is None else folded
    found: list[Quantity] = []
    for m in _NUM.finditer(folded):
        if found and m.start() < found[-1].end:
            continue                      # inside the previous quantity ("40 pour cent")
        if m["digits"] is not None and _is_date_or_reference(folded, m):
            continue
        q = _quantity(folded, m, lang)
        if q is not None:
            found.append(q)
    _share_ranges(found, folded)
    for q in found:                       # 1,3 milliard -> 1300000000, not 1300000000.0
        if q.value == q.value.to_integral_value():
            q.value = Decimal(int(q.value))
    return found


def _quantity(folded: str, m: re.Match, lang: str) -> Quantity | None:
    raw = m.group()
    if m["digits"] is not None:
        value = _digits(raw, lang)
    elif m["words"] is not None:
        n = words_value(raw.replace("-et-", " et "))
        if n is None:
            return None
        value = Decimal(n)
    else:
        value = Decimal(_APPROX_NOUNS[raw.rstrip("s")])
    end, scaled, unit = m.end(), False, None
    scale = _scale_at(folded, end, lang)
    if scale:
        mult, end, unit, _ = scale
        value, scaled = value * mult, True
    if m["words"] is not None and raw in _ARTICLES and not scaled:
        return None
    if m["words"] is not None and re.search(r"(?:^|[^\w])(?:les|ces|leurs|nos|the|these|those)\s$", folded[max(0, m.start() - 7):m.start()]):
        return None                       # "les deux pays": refers back to things already named
    if unit is None:
        cur = _currency_at(folded, end)
        if cur:
            unit, end = cur
        elif re.match(rf"\s?(?:{_PERCENT})", folded[end:]):
            pm = re.match(rf"\s?(?:{_PERCENT})", folded[end:])
            unit, end = "percent", end + pm.end()
        else:
            nm = _NOUN_RX.match(folded, end + 1 if folded[end:end + 1] == " " else end)
            if nm:
                unit = next(k.replace("_", "-") for k, v in nm.groupdict().items() if v and k != "noun")
                end = nm.end()
                if nm["noun"].startswith("place") and _RANKING.search(folded, max(0, m.start() - 50), end + 50):
                    return None           # "gagné 5 places au classement": ranks, not seats
    start = m.start()
    pre = _prefix_currency(folded, start) if unit is None else None
    if pre:
        unit, start = pre
    approximation, start = _approximation(folded, start)
    if m["approxnoun"] is not None:
        approximation = "about"
        if unit is None:
            return None
    year = (m["digits"] is not None and re.fullmatch(r"(?:19|20)\d\d", raw) is not None
            and not scaled and unit is None)
    if unit is None and not scaled and m["digits"] is None:
        return None                       # "trois" alone says nothing measurable
    return Quantity(start, end, m.start(), m.end(), value, unit, approximation, scaled, year)


def _share_ranges(found: list[Quantity], folded: str) -> None:
    """'entre 1,3 et 1,5 milliard de DH', '10 à 20%': the first number takes the second's unit."""
    for a, b in zip(found, found[1:]):
        link = folded[a.num_end:b.num_start]
        if a.unit is None and not a.scaled and not a.year and re.fullmatch(r"\s?(?:et|a|-|to|and|ou|or)\s?", link):
            if b.scaled:
                mult = _scale_at(folded, b.num_end, "fr") or _scale_at(folded, b.num_end, "en")
                if mult:
                    a.value *= mult[0]
                    a.scaled = True
            a.unit = b.unit
