"""okg extract, rule layer: numbers, units, approximations, periods, status cues, text
plumbing. Sentences are the seeds' or written here; no model needed, so these run fast."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from okg.errors import OkgError
from okg.extract.numbers import quantities, words_value
from okg.extract.periods import date_line, period_mentions, resolve_day, status
from okg.extract.text import chunks, decode, fold, sentences


def one(text: str, lang: str = "fr"):
    found = [q for q in quantities(text, lang) if not q.year]
    assert len(found) == 1, [(q.text(text), q.value) for q in found]
    q = found[0]
    return q.value, q.unit, q.approximation, q.text(text)


@pytest.mark.parametrize("text, value, unit, approx", [
    ("le secteur a généré près de 1,3 milliard de dirhams d’investissements", 1_300_000_000, "MAD", "about"),
    ("un volume de facturations à l'export d'environ 245 millions de DH", 245_000_000, "MAD", "about"),
    ("un budget de 245 MDH", 245_000_000, "MAD", "exact"),
    ("la création de pas moins de 60.000 nouveaux emplois directs", 60_000, "job", "at_least"),
    ("5 050 postes ont été pourvus", 5_050, "job", "exact"),
    ("5\u00a0050 postes", 5_050, "job", "exact"),
    ("elles représentent près de 96% du chiffre d'affaires", 96, "percent", "about"),
    ("plus de 40% des débouchés internationaux", 40, "percent", "more_than"),
    ("cette circulaire est venue acter trois mesures phares", 3, "measure", "exact"),
    ("Cinq filières sont concernées", 5, "sector", "exact"),
    ("moins de 12 pour cent des entreprises", 12, "percent", "less_than"),
    ("jusqu'à 2 000 ingénieurs", 2_000, "engineer", "up_to"),
    ("une dizaine d'entreprises", 10, "company", "about"),
    ("plus d'un million d'emplois", 1_000_000, "job", "more_than"),
    ("un fonds de 12 M€", 12_000_000, "EUR", "exact"),
])
def test_french_quantities(text, value, unit, approx):
    v, u, a, _ = one(text)
    assert (v, u, a) == (Decimal(value), unit, approx)


@pytest.mark.parametrize("text, value, unit, approx", [
    ("The programme will bring 10 billion dirhams of investment", 10_000_000_000, "MAD", "exact"),
    ("exports grew by 2.5% in 2019", Decimal("2.5"), "percent", "exact"),
    ("nearly 10,000 jobs were created", 10_000, "job", "about"),
    ("a $10 billion fund", 10_000_000_000, "USD", "exact"),
    ("at least three companies", 3, "company", "at_least"),
])
def test_english_quantities(text, value, unit, approx):
    v, u, a, _ = one(text, "en")
    assert (v, u, a) == (Decimal(value), unit, approx)


def test_quote_covers_cue_number_and_unit():
    assert one("il employait environ 120.000 personnes en 2019")[3] == "environ 120.000 personnes"


@pytest.mark.parametrize("text", [
    "signés le 5 mai à Rabat", "la circulaire 22/2020 relative à l’offshoring", "le Covid-19 et le G20",
    "le 1er janvier", "une réunion, un rapport", "Les deux pays ciblent les mêmes marchés",
    "dans le tiers\u00a01 du groupe",
])
def test_not_quantities(text):
    assert [q for q in quantities(text) if q.unit or q.scaled] == []


def test_years_are_flagged_not_counted():
    qs = quantities("au cours de l’année 2019, 28 entreprises")
    assert [(q.year, q.value) for q in qs] == [(True, 2019), (False, 28)]


def test_a_range_shares_its_unit():
    qs = quantities("entre 1,3 et 1,5 milliard de DH")
    assert [(q.value, q.unit) for q in qs] == [(Decimal(1_300_000_000), "MAD"), (Decimal(1_500_000_000), "MAD")]


def test_number_words():
    assert words_value("vingt-cinq") == 25
    assert words_value("quatre-vingt-dix") == 90
    assert words_value("deux cents") == 200


def periods_of(text: str, published: dt.date | None = None):
    f = fold(text)
    return [(p.period, p.cue) for p in period_mentions(f, 0, len(f), published)]


def test_periods():
    assert periods_of("à l’horizon\u00a02020") == [("2020", "horizon")]
    assert periods_of("au cours de l’année 2019") == [("2019", "year")]
    assert periods_of("sur la période 2014-2020") == [("2014/2020", "range")]
    assert periods_of("le 27 septembre 2018") == [("2018-09-27", "date")]
    assert periods_of("l'an dernier", dt.date(2015, 5, 5)) == [("2014", "relative")]
    assert periods_of("l'an dernier") == [(None, "relative")]          # date unknown: not guessed
    assert periods_of("le secteur emploie actuellement", dt.date(2015, 5, 5)) == [("2015", "now")]
    assert periods_of("d'ici cinq ans", dt.date(2015, 5, 5)) == [("2020", "horizon")]


def test_status_cues():
    assert status(fold("objectif, la création de 60.000 emplois"), None, None) == "target"
    assert status(fold("les exportations devraient atteindre 5 milliards"), None, None) == "forecast"
    assert status(fold("le secteur a généré 1,3 milliard"), None, None) == "actual"
    assert status(fold("il employait 120.000 personnes"), None, None) == "actual"
    assert status(fold("20.000 emplois"), "2020", dt.date(2015, 5, 5)) == "target"
    assert status(fold("20.000 emplois"), None, None) is None


def test_date_line_only_in_the_header():
    text = "Offshoring au maroc\n\nseptembre 27, 2018 Non Par admin\n\nCorps de l'article."
    assert date_line(text) == (dt.date(2018, 9, 27), "septembre 27, 2018")
    body = "Titre\n\n" + "Une longue phrase du corps de l'article. " * 10 + "Signé le 5 mai 2015 à Rabat."
    assert date_line(body) is None


def test_day_without_year_resolves_before_the_article_date():
    assert resolve_day(5, 5, dt.date(2015, 5, 7)) == dt.date(2015, 5, 5)
    assert resolve_day(8, 8, dt.date(2015, 5, 7)) == dt.date(2014, 8, 8)
    assert resolve_day(5, 5, None) is None


def test_fold_keeps_offsets():
    text = "l’Agence Spéciale\u00a0Tanger — Œuvre"
    assert len(fold(text)) == len(text)
    assert fold(text) == "l'agence speciale tanger - ouvre"


def test_sentences_do_not_break_numbers_or_titles():
    text = "Il employait 120.000 personnes. M. Aâmara parle. Fin"
    assert [text[s.start:s.end] for s in sentences(text)] == [
        "Il employait 120.000 personnes.", "M. Aâmara parle.", "Fin"]


def test_chunks_are_bounded_and_cover_the_text():
    text = ("Une phrase de test assez longue. " * 40 + "\n\n") * 200
    spans = list(chunks(text, size=5_000))
    assert all(s.end - s.start <= 5_000 for s in spans)
    assert spans[0].start == 0 and spans[-1].end == len(text)
    assert all(a.end == b.start for a, b in zip(spans, spans[1:]))


def test_decoding():
    assert decode("Fès".encode("utf-8"), "a.txt") == ("Fès", None)
    text, warning = decode("Fès à Rabat".encode("cp1252"), "a.txt")
    assert text == "Fès à Rabat" and "cp1252" in warning
    with pytest.raises(OkgError, match="binary"):
        decode(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "a.png")
