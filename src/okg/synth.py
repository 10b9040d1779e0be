"""Synthetic corpus: realistic articles and fact sheets, so the real build runs at any size.

`synth(out, articles=N)` writes a project folder (seeds/*.txt + *.yaml, with ontology/ and
queries/ copied) that `okg build` and `okg.load()` accept like the real seeds. Organisations,
programmes, sectors and regions come from shared pools (a few popular organisations appear in
many articles, most in few); conventions and indicators belong to one article. Every fact's
quote is a phrase of the generated article text. Same N and seed give byte-identical files.
"""

from __future__ import annotations

import datetime as dt
import json
import random
import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path

from .errors import OkgError
from .store import data_dir, find_root

# About this many asserted triples per generated article (measured on the default mix);
# used to turn a triple budget into a number of articles.
TRIPLES_PER_ARTICLE = 290

REGIONS = [  # id, name, kind, part_of
    ("morocco", "Maroc", "country", None),
    ("casablanca-settat", "Casablanca-Settat", "region", "morocco"),
    ("rabat-sale-kenitra", "Rabat-Salé-Kénitra", "region", "morocco"),
    ("tanger-tetouan-al-hoceima", "Tanger-Tétouan-Al Hoceïma", "region", "morocco"),
    ("fes-meknes", "Fès-Meknès", "region", "morocco"),
    ("marrakech-safi", "Marrakech-Safi", "region", "morocco"),
    ("oriental", "l'Oriental", "region", "morocco"),
    ("souss-massa", "Souss-Massa", "region", "morocco"),
    ("beni-mellal-khenifra", "Béni Mellal-Khénifra", "region", "morocco"),
    ("casablanca", "Casablanca", "city", "casablanca-settat"),
    ("mohammedia", "Mohammedia", "city", "casablanca-settat"),
    ("el-jadida", "El Jadida", "city", "casablanca-settat"),
    ("rabat", "Rabat", "city", "rabat-sale-kenitra"),
    ("sale", "Salé", "city", "rabat-sale-kenitra"),
    ("kenitra", "Kénitra", "city", "rabat-sale-kenitra"),
    ("tanger", "Tanger", "city", "tanger-tetouan-al-hoceima"),
    ("tetouan", "Tétouan", "city", "tanger-tetouan-al-hoceima"),
    ("fes", "Fès", "city", "fes-meknes"),
    ("meknes", "Meknès", "city", "fes-meknes"),
    ("marrakech", "Marrakech", "city", "marrakech-safi"),
    ("oujda", "Oujda", "city", "oriental"),
    ("nador", "Nador", "city", "oriental"),
    ("agadir", "Agadir", "city", "souss-massa"),
    ("beni-mellal", "Béni Mellal", "city", "beni-mellal-khenifra"),
]
COMPETITORS = [("tunisia", "Tunisie", "la Tunisie"), ("romania", "Roumanie", "la Roumanie"),
               ("senegal", "Sénégal", "le Sénégal"), ("egypt", "Egypte", "l’Egypte"),
               ("india", "Inde", "l’Inde"), ("philippines", "Philippines", "les Philippines"),
               ("portugal", "Portugal", "le Portugal")]
SECTORS = [("offshoring", "offshoring", "le secteur de l’offshoring"),
           ("crm", "relation client", "les métiers de la relation client"),
           ("bpo", "BPO", "les activités BPO"), ("ito", "ITO", "l’externalisation informatique (ITO)"),
           ("kpo", "KPO", "les services KPO"), ("ict", "technologies de l'information",
                                               "le secteur des technologies de l’information"),
           ("automotive", "automobile", "l’industrie automobile"),
           ("aeronautics", "aéronautique", "la filière aéronautique"),
           ("banking", "banque", "le secteur bancaire"), ("insurance", "assurances", "les assurances")]
ORG_KINDS = [("agency", "Agence {w} pour le développement du numérique", "Agence"),
             ("federation", "Fédération {w} des technologies de l'information", "Fédération"),
             ("association", "Association {w} de la relation client", "Association"),
             ("group", "Groupe {w}", None), ("company", "{w} Services", None),
             ("company", "{w} Consulting", None), ("office", "Office {w} de la formation", "Office"),
             ("bank", "Banque {w} d'investissement", "Banque"),
             ("university", "Université {w}", "Université"),
             ("chamber", "Chambre {w} de commerce et d'industrie", "Chambre")]
SYLLABLES = ["ta", "za", "ka", "mou", "ra", "bit", "sa", "li", "ma", "dou", "ri", "na", "ja",
             "bel", "ha", "mi", "ne", "tou", "far", "sel", "da", "ko", "zi", "lal", "ou", "ba",
             "ti", "ram", "nou", "che"]
PROGRAMME_TOPICS = ["l'offshoring", "la transformation digitale", "l'export de services",
                    "la formation aux métiers du numérique", "l'accueil des investisseurs",
                    "l'e-gouvernement", "les parcs technologiques", "les start-up"]
SOURCES = ["L'Economiste", "Les Inspirations éco", "La Vie éco", "Le Matin", "Médias 24",
           "L'Opinion", "Aujourd'hui le Maroc", "Finances News Hebdo"]
MONTHS = ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre",
          "octobre", "novembre", "décembre"]
# measure, unit, phrase template, value range, percent?
MEASURE_SPECS = [
    ("new-jobs", "job", "la création de {approx}{n} nouveaux emplois directs", (500, 90000)),
    ("jobs", "person", "un effectif de {approx}{n} personnes", (200, 120000)),
    ("revenue", "MAD", "un chiffre d’affaires de {approx}{money}", (5_000_000, 20_000_000_000)),
    ("export-revenue", "MAD", "des exportations de {approx}{money}", (5_000_000, 15_000_000_000)),
    ("investment", "MAD", "un investissement de {approx}{money}", (1_000_000, 5_000_000_000)),
    ("companies", "company", "{approx}{n} entreprises installées", (5, 2000)),
    ("revenue-share", "percent", "{approx}{n}% du chiffre d’affaires", (1, 99)),
    ("growth-rate", "percent", "une croissance de {approx}{n}% par an", (1, 40)),
    ("trainees", "person", "la formation de {approx}{n} jeunes diplômés", (100, 30000)),
    ("budget", "MAD", "une enveloppe de {approx}{money}", (1_000_000, 3_000_000_000)),
]
APPROX = [("exact", ""), ("about", "près de "), ("about", "environ "), ("at_least", "pas moins de "),
          ("more_than", "plus de "), ("less_than", "moins de "), ("up_to", "jusqu’à ")]


@dataclass
class Org:
    id: str
    name: str
    acronym: str | None
    mention: str          # how articles name it (typographic apostrophes)


@dataclass
class Programme:
    id: str
    name: str
    leaders: list[str]
    funders: list[str]


@dataclass
class Pools:
    orgs: list[Org]
    programmes: list[Programme]
    weights: list[float] = field(default_factory=list)


def _word(rng: random.Random) -> str:
    return "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 3))).capitalize()


def _typo(text: str) -> str:
    return text.replace("'", "’")


def pools(articles: int, seed: int) -> Pools:
    """Organisations and programmes shared across articles (sizes grow with the corpus)."""
    rng = random.Random(f"okg-synth-pools-{seed}")
    n_orgs = max(40, int(articles * 1.2))
    orgs, names, acronyms = [], set(), set()
    while len(orgs) < n_orgs:
        kind, template, lead = rng.choice(ORG_KINDS)
        word = _word(rng)
        name = template.format(w=word)
        if name in names:
            continue
        names.add(name)
        acronym = None
        if lead:
            letters = "".join(w[0] for w in name.replace("'", " ").split() if w[0].isupper() or len(w) > 3).upper()
            acronym = letters[:5]
            n = 2
            while acronym.lower() in acronyms:
                acronym, n = f"{letters[:5]}{n}", n + 1
            acronyms.add(acronym.lower())
        slug = f"{kind}-{word.lower()}-{len(orgs)}"
        mention = _typo(f"l'{name}" if name[0] in "AEIOUÉ" else f"la {name}" if lead in ("Fédération", "Association", "Banque", "Université", "Chambre") else f"le {name}")
        if acronym:
            mention += f" ({acronym})"
        orgs.append(Org(slug, name, acronym, mention))
    # Zipf-like popularity: a few organisations appear in many articles.
    weights = [1.0 / (rank + 1) ** 0.9 for rank in range(len(orgs))]
    progs = []
    for k in range(max(12, articles // 3)):
        word = _word(rng)
        leaders = [orgs[i].id for i in _pick(rng, weights, rng.choice((1, 1, 1, 2)))]
        funders = [orgs[i].id for i in _pick(rng, weights, 1)] if rng.random() < 0.3 else []
        topic = rng.choice(PROGRAMME_TOPICS)
        progs.append(Programme(f"programme-{word.lower()}-{k}", f"programme {word} pour {topic}", leaders,
                               [f for f in funders if f not in leaders]))
    return Pools(orgs, progs, weights)


def _pick(rng: random.Random, weights: list[float], k: int) -> list[int]:
    chosen: list[int] = []
    while len(chosen) < k:
        i = rng.choices(range(len(weights)), weights)[0]
        if i not in chosen:
            chosen.append(i)
    return chosen


def _of(mention: str) -> str:
    """'de' before a noun phrase: l’Agence → de l’Agence, le Groupe → du Groupe."""
    if mention.startswith("le "):
        return "du " + mention[3:]
    if mention.startswith("les "):
        return "des " + mention[4:]
    return "de " + mention


def _french_number(n: int) -> str:
    return f"{n:,}".replace(",", ".")


def _money(value: int) -> str:
    if value >= 1_000_000_000:
        return f"{value / 1e9:.1f}".replace(".", ",").replace(",0", "") + " milliards de dirhams"
    return f"{value // 1_000_000} millions de DH"


def _round_money(value: int) -> int:
    if value >= 1_000_000_000:
        return int(round(value / 1e8)) * 100_000_000
    return (value // 1_000_000) * 1_000_000


def _date_fr(day: dt.date) -> str:
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


class _Article:
    """Sentences and facts of one generated article."""

    def __init__(self, index: int, seed: int, p: Pools):
        self.rng = random.Random(f"okg-synth-{seed}-{index}")
        self.pools = p
        self.stem = f"{index:06d}_synth"
        self.sentences: list[str] = []
        self.facts: dict[str, dict[str, dict]] = {k: {} for k in
                                                  ("organisations", "sectors", "programmes", "conventions", "regions", "indicators")}
        rng = self.rng
        self.published = dt.date(2008, 1, 1) + dt.timedelta(days=rng.randrange(13 * 365))

    def say(self, sentence: str) -> None:
        self.sentences.append(sentence)

    def org(self, org: Org, quote: str | None = None) -> str:
        fact = self.facts["organisations"].setdefault(org.id, {
            "id": org.id, "name": org.name, "acronym": org.acronym, "aliases": [], "evidence": []})
        quote = quote or org.mention
        if quote not in fact["evidence"]:
            fact["evidence"].append(quote)
        return org.id

    def region(self, rid: str, quote: str) -> None:
        spec = {r[0]: r for r in REGIONS}
        chain = []
        while rid:
            chain.append(rid)
            rid = spec[rid][3]
        for n, rid in enumerate(chain):
            _, name, kind, part_of = spec[rid]
            fact = self.facts["regions"].setdefault(rid, {
                "id": rid, "name": name, "kind": kind, "part_of": part_of, "evidence": []})
            phrase = quote if n == 0 else _typo("au Maroc" if rid == "morocco" else f"la région {name}")
            if phrase not in fact["evidence"]:
                fact["evidence"].append(phrase)
                if n:
                    self.say(f"Le projet s’inscrit dans la dynamique que connaît {phrase}." if rid != "morocco"
                             else "Cette initiative renforce l’attractivité de l’offshoring au Maroc.")


def _article(index: int, seed: int, p: Pools) -> _Article:
    a = _Article(index, seed, p)
    rng = a.rng
    cities = [r for r in REGIONS if r[2] == "city"]
    city = rng.choice(cities)
    a.say(f"{city[1]}, le {_date_fr(a.published)}. ")
    # Sectors the article is about.
    for sid, name, phrase in rng.sample(SECTORS, rng.randint(1, 3)):
        a.facts["sectors"][sid] = {"id": sid, "name": name, "evidence": [phrase]}
        a.say(f"Les professionnels estiment que {phrase} reste un relais de croissance pour l’économie nationale.")
    # Programmes, their leaders and funders.
    programmes = [p.programmes[i] for i in rng.sample(range(len(p.programmes)), rng.randint(1, 3))]
    orgs_by_id = {o.id: o for o in p.orgs}
    for prog in programmes:
        leaders = [orgs_by_id[i] for i in prog.leaders]
        lead_text = " et ".join(o.mention for o in leaders)
        for o in leaders:
            a.org(o)
        quote = _typo(f"le {prog.name}")
        a.say(f"Lancé par {lead_text}, {quote} vise à consolider la position du Royaume.")
        entry = {"id": prog.id, "name": prog.name, "led_by": list(prog.leaders), "partners": [],
                 "funded_by": [], "evidence": [quote]}
        if prog.funders and rng.random() < 0.7:
            funder = orgs_by_id[prog.funders[0]]
            a.org(funder)
            entry["funded_by"] = [funder.id]
            a.say(f"Le financement est assuré par {funder.mention}, précise-t-on.")
        if rng.random() < 0.15:  # sometimes the article does not say who runs it
            entry["led_by"] = []
        a.facts["programmes"][prog.id] = entry
    # Other organisations quoted in the article.
    for i in _pick(rng, p.weights, rng.randint(3, 7)):
        o = p.orgs[i]
        if o.id in a.facts["organisations"]:
            continue
        a.org(o)
        alias = None
        if o.acronym and rng.random() < 0.5:
            alias = "les responsables " + _of(o.mention.split(" (")[0])
            a.facts["organisations"][o.id]["aliases"].append(alias)
            a.facts["organisations"][o.id]["evidence"].append(alias)
        verb = rng.choice(["souligne", "indique", "rappelle", "estime", "annonce"])
        a.say(f"Pour {o.mention}, le secteur doit monter en gamme, {verb} un responsable."
              + (f" Selon {alias}, les perspectives sont bonnes." if alias else ""))
    org_ids = list(a.facts["organisations"])
    # Conventions: parties, place, programme.
    for k in range(rng.choice((0, 1, 1, 2))):
        place = rng.choice(cities)
        signed = a.published - dt.timedelta(days=rng.randrange(0, 20))
        parties = rng.sample(org_ids, min(len(org_ids), rng.randint(2, 3)))
        prog = rng.choice(programmes)
        cid = f"convention-{a.stem.replace('_', '-')}-{k}"
        quote = f"une convention de partenariat signée le {_date_fr(signed)} à {place[1]}"
        names = ", ".join(orgs_by_id[o].mention for o in parties)
        a.say(f"Les parties ({names}) ont conclu {quote} dans le cadre du {_typo(prog.name)}.")
        place_quote = f"à {place[1]}"
        a.region(place[0], place_quote)
        a.facts["conventions"][cid] = {
            "id": cid, "name": f"convention de partenariat du {signed.isoformat()} ({prog.name})",
            "signed": signed, "place": place[0], "parties": parties, "programme": prog.id, "evidence": [quote]}
    # Regions the article is about (the city of the dateline is always there).
    a.region(city[0], f"{city[1]}, le {_date_fr(a.published)}")
    if rng.random() < 0.2:
        cid, cname, phrase = rng.choice(COMPETITORS)
        a.facts["regions"][cid] = {"id": cid, "name": cname, "kind": "country", "part_of": None,
                                   "competitors": ["morocco"], "evidence": []}
        a.region("morocco", "au Maroc")
        verb = "restent des concurrents directs" if phrase.startswith("les ") else "reste un concurrent direct"
        a.facts["regions"][cid]["evidence"] = [f"{phrase} {verb}"]
        a.say(f"Sur les marchés francophones, {phrase} {verb} du Royaume.")
    # Indicators: figures about the subjects above, each with its own quote.
    subjects = org_ids + list(a.facts["programmes"]) + list(a.facts["sectors"]) + [city[0]]
    for k in range(rng.randint(3, 7)):
        measure, unit, template, (low, high) = rng.choice(MEASURE_SPECS)
        approximation, approx_text = rng.choice(APPROX)
        value = rng.randint(low, high)
        if unit == "MAD":
            value = _round_money(value) or 1_000_000
            text = template.format(approx=approx_text, money=_money(value))
        else:
            if unit != "percent" and value > 1000:
                value = value // 100 * 100
            text = template.format(approx=approx_text, n=_french_number(value))
        status = rng.choice(("actual", "actual", "target", "forecast"))
        year = a.published.year + (rng.randint(1, 6) if status != "actual" else -rng.randint(0, 1))
        period = str(year) if rng.random() < 0.8 else f"{year - 3}/{year}"
        horizon = f" à l’horizon {year}" if status != "actual" else f" en {year}"
        quote = re.sub(r"\bde ([aeiouéAEIOUÉ])", r"d’\1", text + horizon)
        subject = rng.choice(subjects)
        a.say(f"Les données font apparaître {quote}.")
        a.facts["indicators"][f"{a.stem.replace('_', '-')}-figure-{k}"] = {
            "id": f"{a.stem.replace('_', '-')}-figure-{k}", "measure": measure, "value": value, "unit": unit,
            "approximation": approximation, "period": period, "status": status, "subject": subject,
            "evidence": [quote]}
    return a


def _scalar(value) -> str:
    if value is None:
        return "null"
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    if isinstance(value, list):
        return "[" + ", ".join(_scalar(v) for v in value) + "]"
    return json.dumps(value, ensure_ascii=False)  # a JSON string is a YAML double-quoted scalar


def sheet_yaml(a: _Article, title: str, source: str) -> str:
    lines = ["# Synthetic fact sheet (okg synth): generated, not a real article.", "article:",
             f"  file: {a.stem}.txt", f"  title: {_scalar(title)}", f"  published: {a.published.isoformat()}",
             f"  source: {_scalar(source)}", "  language: fr", ""]
    for kind, facts in a.facts.items():
        if not facts:
            lines.append(f"{kind}: []")
            continue
        lines.append(f"{kind}:")
        for fact in facts.values():
            first = True
            for key, value in fact.items():
                if key == "evidence":
                    lines.append("    evidence:")
                    lines.extend(f"      - {_scalar(q)}" for q in value)
                    continue
                lines.append(f"  {'- ' if first else '  '}{key}: {_scalar(value)}")
                first = False
        lines.append("")
    return "\n".join(lines)


@dataclass
class SynthResult:
    folder: Path
    articles: int
    facts: int


def synth(out: Path | str, articles: int, seed: int = 0, root: Path | str | None = None,
          progress: bool = False) -> SynthResult:
    """Write a project folder with `articles` generated articles and their fact sheets."""
    if articles < 1:
        raise OkgError("--articles", f"need at least one article, not {articles}")
    out = Path(out)
    seeds = out / "seeds"
    if seeds.exists() and any(seeds.iterdir()):
        if not all(f.name.endswith(("_synth.txt", "_synth.yaml")) for f in seeds.iterdir()):
            raise OkgError(str(seeds), "folder holds files okg synth did not write", "pick an empty output folder")
        shutil.rmtree(seeds)
    seeds.mkdir(parents=True, exist_ok=True)
    src = Path(root) if root else find_root()
    for name in ("ontology", "queries"):
        if (out / name).exists():
            shutil.rmtree(out / name)
        shutil.copytree(data_dir(src, name), out / name)
    p = pools(articles, seed)
    facts = 0
    indices = range(articles)
    if progress:
        from tqdm import tqdm
        indices = tqdm(indices, desc="synth", unit="article")
    for i in indices:
        a = _article(i, seed, p)
        topic = a.rng.choice(PROGRAMME_TOPICS)
        title = _typo(f"Offshoring : {topic[0].upper() + topic[1:]}, nouvelle étape")
        body = [title, ""]
        sentences = a.sentences
        for start in range(0, len(sentences), 4):
            body.append(" ".join(s.strip() for s in sentences[start:start + 4]))
            body.append("")
        (seeds / f"{a.stem}.txt").write_text("\n".join(body), encoding="utf-8")
        (seeds / f"{a.stem}.yaml").write_text(sheet_yaml(a, title, a.rng.choice(SOURCES)), encoding="utf-8")
        facts += sum(len(f) for f in a.facts.values())
    return SynthResult(out, articles, facts)


def parse_size(text: str, where: str = "--triples") -> int:
    """A triple count such as 10000, 100k or 1m."""
    text = str(text).strip().lower()
    scale = {"k": 1_000, "m": 1_000_000}.get(text[-1:], 1)
    try:
        return int(float(text.rstrip("km")) * scale)
    except ValueError:
        raise OkgError(where, f"not a number: {text!r}", "e.g. 10000, 100k or 1m") from None


def articles_for(triples: int) -> int:
    """How many articles give about `triples` asserted triples."""
    return max(1, round(triples / TRIPLES_PER_ARTICLE))
