"""Mentions of organisations, regions, sectors and programmes in one stretch of an article.

Rules first (a name grows rightwards from a head noun such as "Agence", "Fédération",
"ministère", "Plan"; acronyms defined in parentheses; roles such as "président de l'X"), then
the gazetteer (names already in the graph), then spaCy's entities for what rules miss.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .gazetteer import Entry, Gazetteer
from .nlp import Annotation
from .text import fold, norm_name

ORG_HEADS = (r"agences?|associations?|federations?|confederations?|ministeres?|banques?|societe|office|"
             r"caisses?|groupe|groupement|chambres?|conseil|direction|departement|autorite|institut|"
             r"universite|ecole|fondation|fonds|haut-commissariat|commission|comite|organisation|union|"
             r"syndicat|cluster|gouvernement|chef d[eu] gouvernement|premier ministre|"
             r"agency|ministry|bank|council|authority|institute|university|foundation|corporation")
# Heads that name a body even in lowercase ("le ministère de l'industrie", "le gouvernement").
ALWAYS_ORG = re.compile(r"(?:ministeres?|gouvernement|chef d[eu] gouvernement|premier ministre)$")
PROGRAMME_HEADS = (r"plan|programme|strategie|pacte|vision|initiative|contrat-programme|circulaire|"
                   r"projets?|strategy|program")
SECTOR_HEADS = r"secteurs?|filieres?"
ROLE = (r"ministre|president|presidente|directeur|directrice|pdg|dg|secretaire general|fondateur|"
        r"fondatrice|patron|porte-parole|filiale|wali|chairman|ceo|director|head|minister")
PREP = r"(?:de la|de l'|des|du|de|d'|a l'|a la|au|aux|pour l'|pour la|pour le|pour les|en|of the|of|for)"
# A name stops at these: verbs and words that start a new clause or a description.
STOP = set("qui que dont ou où lors selon avec sans par sur dans chez entre contre vers pendant afin "
           "est sont a ont sera seront était étaient été étant ayant comme mais donc car ainsi "
           "ce cette ces son sa ses leur leurs notamment aussi également déjà which that with by "
           "is are was were has have will".split())
PUBLICATION = re.compile(r"(?:publication|journal|revue|magazine|quotidien|hebdomadaire|site|note|rapport|"
                         r"newsletter|etude|lettre|bulletin)(?: \w+)?\s$")
ADJ_SUFFIX = re.compile(r"(?:aine?s?|aise?s?|ale?s?|aux|iques?|ienne?s?|elle?s?|if|ives?|iere?s?|"
                        r"ee?s?|ante?s?|ente?s?|aire?s?|oise?s?|ine?s?|eur(?:e|s)?)$")


@dataclass
class Mention:
    start: int
    end: int
    kind: str                     # organisations | regions | sectors | programmes
    name: str                     # as it should be named (may differ from the quote)
    acronym: str | None = None
    entry: Entry | None = None    # the graph entity it is, when known
    region_kind: str | None = None
    source: str = "rule"          # rule | gazetteer | ner | acronym
    description: str | None = None


_WORD = re.compile(r"[^\W_][\w'’-]*|[,;:()«»\"“”.]|&")


def _is_cap(tok: str) -> bool:
    return any(c.isupper() for c in tok[:2]) or (len(tok) > 1 and tok[0] in "lLdD" and tok[1] in "'’" and tok[2:3].isupper())


def _adjective(tok: str, start: int, ann: Annotation) -> bool:
    pos = ann.pos.get(start)
    if pos is not None:
        return pos == "ADJ"
    return bool(ADJ_SUFFIX.search(fold(tok))) and fold(tok) not in STOP


def grow_name(text: str, start: int, limit: int, ann: Annotation, max_tokens: int = 16,
              lowercase_ok: bool = False) -> int:
    """End of a name that starts at ``start`` (its head noun): capitalised words, adjectives,
    and prepositional complements ("de l'information, des télécommunications et de
    l'offshoring"), never a verb, a relative clause or a new body ("et l'Association")."""
    toks = [(m.start(), m.end(), m.group()) for m in _WORD.finditer(text, start, min(limit, start + 400))]
    if not toks:
        return start
    end, after_prep, nouns, n = toks[0][1], False, 0, 0
    i = 1
    while i < len(toks) and n < max_tokens:
        s, e, tok = toks[i]
        f = fold(tok)
        nxt = fold(toks[i + 1][2]) if i + 1 < len(toks) else ""
        if text[end:s].count("\n"):
            break
        if re.fullmatch(PREP, f) or f in ("l'", "la", "le", "les") or re.fullmatch(r"(?:d|l)'\w.*", f):
            if f in ("la", "le", "les") and not after_prep:
                break
            if re.fullmatch(r"(?:d|l)'\w.*", f):        # d'études, l'information: glued
                end, after_prep = e, False
            else:
                after_prep = True
        elif f == "et" and (re.fullmatch(PREP, nxt) or nxt in ("l'", "la", "le")) and not _new_body(text, toks[i + 1][0]):
            after_prep = True
        elif f == "," and re.fullmatch(r"de la|de l'|des|du|de|d'.*", nxt):
            after_prep = True
        elif f in STOP or not tok[0].isalnum():
            break
        elif _is_cap(tok) or tok.isupper() or re.fullmatch(r"\d{2,4}", tok):
            end, after_prep = e, False
        elif after_prep and ann.pos.get(s) == "ADJ" and i + 1 < len(toks) and toks[i + 1][2][0].isalpha():
            end = e                        # "des nouvelles technologies": adjective before its noun
        elif after_prep and (lowercase_ok or ann.pos.get(s) in ("NOUN", "PROPN", None)):
            end, after_prep, nouns = e, False, 1
        elif nouns == 1 and ann.pos.get(s) == "NOUN":
            end, nouns = e, 2              # "de la relation client": a noun-noun compound
        elif _adjective(tok, s, ann) or (lowercase_ok and ann.pos.get(s) == "NOUN" and n < 2):
            end = e
        else:
            break
        i += 1
        n += 1
    return end


def _new_body(text: str, pos: int) -> bool:
    """After 'et': does a new body start here ("et l'Association", "et de l'APEBI")?"""
    m = re.match(r"(?:(?:de la|de l'|des|du|de|la|le|l')\s*)?([^\W\d_][\w&-]*)", fold(text[pos:pos + 60]))
    if not m:
        return False
    word = text[pos + m.start(1):pos + m.end(1)]
    return (word.isupper() and len(word) >= 2) or bool(re.fullmatch(rf"(?:{ORG_HEADS})", m.group(1)))


def _clean(name: str) -> str:
    name = re.sub(r"^(?:les |le |la |l['’]|the )", "", name.strip(), flags=re.I)
    return " ".join(name.split()).strip(" ,;:")


def organisations(text: str, folded: str, start: int, end: int, ann: Annotation) -> list[Mention]:
    """Organisation mentions from head nouns, roles and parenthesised acronyms."""
    out: list[Mention] = []
    for m in re.finditer(rf"(?<![\w-])(?:{ORG_HEADS})(?![\w-])", folded[start:end]):
        s = start + m.start()
        head = fold(text[s:start + m.end()])
        lower_ok = bool(ALWAYS_ORG.match(head))
        if text[s].islower() and not lower_ok:
            continue                       # "une société", "le conseil d'administration"
        e = grow_name(text, s, end, ann, lowercase_ok=lower_ok)
        if e == start + m.end() and not lower_ok and not head.startswith("gouvernement"):
            continue                       # a bare head: "l'Agence" alone names nothing
        if PUBLICATION.search(folded[max(0, s - 30):s]):
            continue
        out.extend(_split_plural(text, s, e, head))
    out += _state(text, folded, start, end)
    out += _roles(text, folded, start, end, ann)
    return out


def _split_plural(text: str, s: int, e: int, head: str) -> list[Mention]:
    """'les ministères de l'Industrie et des Finances' -> two ministries, one quote."""
    phrase = text[s:e]
    if not head.endswith("s") or head.endswith(("fonds", "finances")) or " et " not in phrase:
        return [Mention(s, e, "organisations", _clean(phrase))]
    singular = phrase.split()[0][:-1]
    rest = phrase[len(phrase.split()[0]):]
    return [Mention(s, e, "organisations", _clean(f"{singular} {part.strip()}"), source="split")
            for part in re.split(r"\s+et\s+|,\s+", rest) if part.strip()]


def _state(text: str, folded: str, start: int, end: int) -> list[Mention]:
    """"l'État" (capitalised, with its article) is the state as an actor."""
    return [Mention(start + m.start(1), start + m.end(1), "organisations", text[start + m.start(1):start + m.end(1)])
            for m in re.finditer(r"\b(?:l'|de l'|a l')(etat)\b", folded[start:end])
            if text[start + m.start(1)] == "É" or text[start + m.start(1)] == "E"]


def _roles(text: str, folded: str, start: int, end: int, ann: Annotation) -> list[Mention]:
    """'président de l'Apebi', 'directeur d'études à l'iDate', 'ministre de l'industrie'."""
    out = []
    for m in re.finditer(rf"\b({ROLE})\b", folded[start:end]):
        role, after = m.group(1), start + m.end()
        # The body follows within three words: "directeur d'études à l'iDate".
        for p in re.finditer(rf"\s*\b({PREP})\s*(?=\w)", folded[after:min(end, after + 40)]):
            s = after + p.end()
            if role == "ministre":
                e = grow_name(text, s, end, ann, lowercase_ok=True)
                if e > s:
                    prep = text[after + p.start(1):after + p.end(1)]
                    glue = "" if prep.endswith(("'", "’")) else " "
                    out.append(Mention(start + m.start(), e, "organisations", _clean(f"ministère {prep}{glue}{text[s:e]}")))
                break
            tok = re.match(r"[^\W\d_][\w&-]*", text[s:end])
            if tok and any(c.isupper() for c in tok.group()) and role != "filiale":
                e = grow_name(text, s, end, ann)
                out.append(Mention(s, e, "organisations", _clean(text[s:e])))
                break
    return out


def caps_names(text: str, start: int, end: int) -> list[Mention]:
    """'Maroc PME': capitalised words around an acronym form a body's name."""
    out = []
    rx = r"(?<![\w'’])((?:[A-ZÀ-Ý][\w-]+ ){1,3}[A-Z]{2,6}|[A-Z]{2,6}(?: [A-ZÀ-Ý][\w-]+){1,3})(?![\w])"
    for m in re.finditer(rx, text[start:end]):
        s = start + m.start(1)
        line_start = text.rfind("\n", 0, s) + 1
        if s == line_start or re.search(r"[.!?:]\s*$", text[line_start:s]) or PUBLICATION.search(fold(text[max(0, s - 30):s])):
            continue                       # a capital at a sentence start proves nothing
        out.append(Mention(s, start + m.end(1), "organisations", m.group(1), source="caps"))
    return out


def sector_lists(text: str, folded: str, start: int, end: int) -> list[Mention]:
    """'d'autres filières, comme la banque, les assurances et le développement informatique'."""
    out = []
    rx = r"\b(?:secteurs|filieres|metiers|activites|sectors|industries)\s*,?\s*(?:comme|tels? que|telles que|notamment|such as|like|dont)\s+"
    for m in re.finditer(rx, folded[start:end]):
        s = start + m.end()
        stop = re.search(r"[.;:()\n]", folded[s:end])
        e = s + (stop.start() if stop else min(120, end - s))
        pos = s
        for sep in [*re.finditer(r",\s*|\s+(?:et|and|ou|or)\s+", text[s:e]), None]:
            stop = s + sep.start() if sep else e
            item = re.match(r"\s*(?:(?:la|le|les|the)\s+|l['’])?(.+?)\s*$", text[pos:stop])
            name = item.group(1) if item else ""
            if 0 < len(name.split()) <= 3 and name[:1].isalpha():
                at = pos + item.start(1)
                out.append(Mention(at, at + len(name), "sectors", name.lower()))
            pos = s + sep.end() if sep else e
    return out


ACRONYM = re.compile(r"^[A-Z][A-Za-z&]{1,9}$")


def acronyms(text: str, start: int, end: int, orgs: list[Mention], gaz: Gazetteer) -> tuple[list[Mention], list[Mention]]:
    """'Long Name (ACR)' and 'ACR (Long Name, ...)': returns (organisations, sectors).

    An acronym glossed in lowercase ("CRM (gestion de la relation client)") names an
    activity, so it becomes a sector; one glossed with a body's name is that body.
    """
    new_orgs, sectors = [], []
    for m in re.finditer(r"\(([^()\n]{1,200})\)", text[start:end]):
        ps, pe = start + m.start(), start + m.end()
        inside = m.group(1).strip()
        if ACRONYM.match(inside):                       # "Long Name (ACR)"
            owner = next((o for o in orgs if 0 <= ps - o.end <= 1), None)
            if owner:
                owner.acronym, owner.end = inside, pe
            continue
        base = max(start, ps - 40)
        before = re.search(r"([^\W\d_][\w&-]*)\s*$", text[base:ps])
        if not before or not before.group(1).isupper() or len(before.group(1)) < 2:
            continue
        acr, acr_start = before.group(1), base + before.start(1)
        gloss = re.split(r",|;| - | – ", inside)[0].strip()
        known = gaz.lookup(acr, ("organisations",), fuzzy=False)
        body = re.match(rf"(?:{ORG_HEADS})\b", fold(gloss))
        if gloss[:1].isupper() and (body or known):   # "SFI (Société Financière Internationale, ...)"
            gloss_end = ps + 1 + (len(m.group(1)) - len(m.group(1).lstrip())) + len(gloss)
            new_orgs.append(Mention(acr_start, gloss_end, "organisations", gloss, acr, source="acronym"))
        elif not known and not body:                   # "CRM (gestion de la relation client)"
            sectors.append(Mention(acr_start, pe, "sectors", f"{acr} ({inside})", acr, source="acronym",
                                   description=inside))
    _or_names(text, start, end, orgs + new_orgs)
    return new_orgs, sectors


def _or_names(text: str, start: int, end: int, orgs: list[Mention]) -> None:
    """'la CGEM, ou Confédération générale ...' and 'la Confédération ..., ou CGEM': the
    acronym and the name around "ou" are one body."""
    for m in re.finditer(r"(?<![\w'’])([A-Z][A-Za-z&]{1,9}),?\s+ou\s+(?:encore\s+)?(?:l['’]|la\s|le\s)?(?=[A-ZÀ-Ý])",
                         text[start:end]):
        owner = next((o for o in orgs if o.start == start + m.end()), None)
        if owner and sum(c.isupper() for c in m.group(1)) >= 2:
            owner.acronym, owner.start = m.group(1), start + m.start(1)
    for o in orgs:
        m = re.match(r",?\s+ou\s+(?:encore\s+)?(?:l['’]|la\s|le\s)?([A-Z][A-Za-z&]{1,9})(?![\w])", text[o.end:end])
        if m and o.acronym is None and sum(c.isupper() for c in m.group(1)) >= 2:
            o.acronym, o.end = m.group(1), o.end + m.end()


def sectors(text: str, folded: str, start: int, end: int, ann: Annotation) -> list[Mention]:
    """'le secteur de l'offshoring', 'la filière automobile': the activity after the head."""
    out = []
    rx = rf"\b(?:{SECTOR_HEADS})\s+(?P<prep>(?:de l'|du |des |de la |d')\s*)?(?=\w)"
    for m in re.finditer(rx, folded[start:end]):
        s = start + m.end()
        w = re.match(r"[^\W\d_][\w-]*", text[s:end])
        if not w or fold(w.group()) in STOP or fold(w.group()) in ("la", "le", "les", "un", "une", "qui"):
            continue
        if not m["prep"] and not (w.group().isupper() and len(w.group()) >= 2):
            continue                       # "secteur industriel" describes, "secteur de X" names
        e = s + w.end()
        nxt = re.match(r"\s+([^\W\d_][\w-]*)", text[e:end])
        if nxt and _adjective(nxt.group(1), e + nxt.start(1), ann) and fold(nxt.group(1)) not in STOP:
            e += nxt.end()
        name = text[s:e]
        if re.fullmatch(r"(?:ses?|leurs?|nos|cet|ce|cette|ces|tout|aussi|en)", fold(name)):
            continue
        acronym = name if name.isupper() and len(name) >= 2 else None
        out.append(Mention(start + m.start(), e, "sectors", name if acronym else name.lower(), acronym))
    return out


def programmes(text: str, folded: str, start: int, end: int, ann: Annotation) -> list[Mention]:
    """'Plan Maroc Numeric', 'programme régional de l'offshoring', 'circulaire 22/2020 ...'."""
    out = []
    for m in re.finditer(rf"(?<![\w-])(?:{PROGRAMME_HEADS})(?![\w-])", folded[start:end]):
        s = start + m.start()
        if fold(text[s:start + m.end()]).startswith("circulaire"):
            num = re.match(r"\s+(?:n°\s*)?\d+[/-]\d{2,4}", text[start + m.end():end])
            if not num:
                continue
            e = start + m.end() + num.end()
            rel = re.match(r"\s+relative? (?:a l'|a la |au |aux )\s*[\w-]+", folded[e:end])
            e = e + rel.end() if rel else e
            out.append(Mention(s, e, "programmes", text[s:e]))
            continue
        e = grow_name(text, s, end, ann, max_tokens=6)
        words = text[start + m.end():e].split()
        capital = any(_is_cap(w) for w in words)
        adjective = words and _adjective(words[0], start + m.end() + 1, ann)
        if not words or not (capital or (adjective and len(words) >= 2)):
            continue
        out.append(Mention(s, e, "programmes", " ".join(text[s:e].split())))
    return out


def from_ner(text: str, folded: str, ann: Annotation, taken: list[tuple[int, int]],
             gaz: Gazetteer) -> list[Mention]:
    """spaCy ORG/LOC entities the rules missed, kept only when they look like names."""
    out = []
    for s, e, label in ann.ents:
        if label not in ("ORG", "LOC") or any(s < te and ts < e for ts, te in taken):
            continue
        surface = re.sub(r"^(?:l['’]|la |le |les )", "", text[s:e]).strip()
        s = e - len(surface)
        if not surface or "\n" in surface or not surface[:1].isalpha():
            continue
        lower_elsewhere = re.search(rf"(?<![\w]){re.escape(surface.lower())}(?![\w])", text) is not None
        if label == "LOC":
            pre = folded[max(0, s - 12):s]
            if lower_elsewhere or not re.search(r"(?:\ba|\bau|\baux|\ben|\bvers|\bin|\bat|region d[eu])\s$", pre):
                continue
            if gaz.lookup(surface, ("organisations", "sectors", "programmes"), fuzzy=False):
                continue
            kind = "city" if re.search(r"\ba\s$", pre) else "region"
            out.append(Mention(s, e, "regions", surface, region_kind=kind, source="ner"))
            continue
        inner_caps = sum(c.isupper() for c in surface[1:]) > 0 or not surface[0].isupper()
        if lower_elsewhere or not inner_caps or len(surface) < 3 or PUBLICATION.search(folded[max(0, s - 30):s]):
            continue
        if surface.split()[0].lower() in ("dh", "mdh", "dhs") or surface.isupper() and len(surface) <= 2:
            continue
        out.append(Mention(s, e, "organisations", surface, surface if surface.isupper() else None, source="ner"))
    return out


def region_lists(text: str, folded: str, start: int, end: int, gaz: Gazetteer) -> list[Mention]:
    """'les régions de Fès-Meknès, l'Oriental et Dakhla': each item is a region, and a known
    city given as a region is that city's region ("Dakhla" -> Dakhla-Oued Ed-Dahab)."""
    out = []
    for m in re.finditer(r"\b(?:les |la |des )?regions? (?:de |du |d')", folded[start:end]):
        s = start + m.end()
        stop = re.search(r"[.;:()\n]|\b(?:qui|pour|afin|avec|ont|sont|a)\b", folded[s:end])
        e = s + (stop.start() if stop else min(end - s, 120))
        for item in re.finditer(r"(?:l['’]|la |le )?([A-ZÀ-Ý][\w'’-]*(?:[ -][A-ZÀ-Ý][\w'’-]*)*)", text[s:e]):
            name = item.group(1)
            entry = gaz.lookup(name, ("regions",), fuzzy=False)
            if entry and entry.region_kind == "city":
                parent = next((x for x in gaz.entries.values() if x.kind == "regions" and x.region_kind == "region"
                               and norm_name(x.name).startswith(norm_name(name))), None)
                entry = parent or entry
            out.append(Mention(s + item.start(1), s + item.end(1), "regions", name, entry=entry,
                               region_kind="region", source="rule"))
    return out
