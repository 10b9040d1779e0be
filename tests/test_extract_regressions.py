"""okg extract: regressions found on articles written for the purpose (none is a seed
article): datelines, hyphenated place names, quotes that keep their period, an unnamed
"secteur", and seats ("places"). Each runs on rules alone and, when it is installed, with the
French model, since `okg extract` uses the model by default."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from okg.extract import extract_text
from okg.extract.gazetteer import from_sheets
from okg.extract.numbers import quantities
from okg.extract.periods import date_line, dateline, future_verbs
from okg.extract.text import fold


@pytest.fixture(scope="module", params=["rules", "model"])
def nlp(request):
    if request.param == "rules":
        return None
    from okg.extract.nlp import load

    model = load()
    if model is None:
        pytest.skip("spaCy model fr_core_news_md not installed")
    return model


def draft(text: str, nlp, **kwargs) -> dict:
    return extract_text(text, file="article.txt", gazetteer=from_sheets([]), nlp=nlp, **kwargs)


def indicator(sheet: dict, value) -> dict:
    found = [i for i in sheet["indicators"] if Decimal(str(i["value"])) == Decimal(str(value))]
    assert len(found) == 1, sheet["indicators"]
    return found[0]


# --- 1. the dateline sets the article's date ------------------------------------------------
@pytest.mark.parametrize("text, day", [
    ("Casablanca, le 12 mars 2019 - L'Office national du tourisme a présenté mardi à Casablanca "
     "son bilan annuel devant les professionnels du secteur réunis pour l'occasion.", dt.date(2019, 3, 12)),
    ("Rabat - 5 mai 2015: Le ministère de l'Agriculture a dévoilé son nouveau plan.", dt.date(2015, 5, 5)),
    ("RABAT, 5 mai 2015 (MAP) - Le ministère de l'Agriculture a dévoilé son nouveau plan.", dt.date(2015, 5, 5)),
    ("Fès, mardi 3 juin 2020 — La région a lancé un appel d'offres.", dt.date(2020, 6, 3)),
    ("Publié le 27/09/2018\n\nLe Maroc mise sur l'industrie.", dt.date(2018, 9, 27)),
    ("September 27, 2018\n\nMorocco bets on its car industry.", dt.date(2018, 9, 27)),
    ("27 septembre 2018\n\nLe Maroc mise sur l'industrie.", dt.date(2018, 9, 27)),
    ("Titre de l'article\n\nTanger, 14/02/2021 | Le port a battu son record.", dt.date(2021, 2, 14)),
])
def test_dateline_gives_the_publication_date(text, day):
    assert date_line(text)[0] == day


@pytest.mark.parametrize("text", [
    # a date inside a sentence is an event, not the dateline
    "Le ministère a signé le 12 mars 2019 un accord avec la région pour moderniser les ports "
    "de pêche de la façade atlantique et former les marins.",
    "Le 12 mars 2019, la fédération a réuni ses membres à Agadir pour préparer la saison et "
    "discuter des nouvelles règles d'exportation vers l'Europe.",
    # past the first paragraph: the body's dates are events
    "Titre\n\n" + "Une longue phrase du corps de l'article qui parle d'autre chose. " * 4
    + "\n\nAgadir, le 3 juin 2020 - la saison a commencé.",
])
def test_body_dates_are_not_datelines(text):
    assert date_line(text) is None


def test_dateline_span_stops_before_the_body():
    text = "Casablanca, le 12 mars 2019 - L'Office a présenté son bilan."
    day, start, end = dateline(text)
    assert (day, text[start:end]) == (dt.date(2019, 3, 12), "Casablanca, le 12 mars 2019 - ")


def test_dateline_resolves_relative_periods_and_weekdays(nlp):
    text = ("Agadir, le 14 novembre 2017 - La Fédération nationale du tourisme (FNT) et l'Office "
            "régional du tourisme ont signé lundi à Agadir une convention de partenariat. L'an "
            "dernier, l'Office régional du tourisme a accompagné près de 900 entreprises.")
    sheet = draft(text, nlp)
    assert sheet["article"]["published"] == "2017-11-14"
    fig = indicator(sheet, 900)
    assert fig["period"] == "2016"
    assert fig["evidence"][0].startswith("L'an dernier")
    conv = sheet["conventions"][0]
    assert conv["signed"] == "2017-11-13"               # "lundi" before Tuesday 14 November
    assert not conv["evidence"][0].startswith("Agadir, le")   # the dateline is not the clause


def test_an_explicit_date_overrides_the_dateline(nlp):
    text = "Oujda, le 2 avril 2016 - L'an dernier, la Chambre de commerce a compté 1.200 adhérents."
    sheet = draft(text, nlp, published=dt.date(2016, 4, 5))
    assert sheet["article"]["published"] == "2016-04-05"
    assert indicator(sheet, 1200)["period"] == "2015"


# --- 2. accents, hyphens and spaces in place names ------------------------------------------
@pytest.mark.parametrize("surface, pid", [
    ("Tanger-Tétouan-Al Hoceïma", "tanger-tetouan-al-hoceima"),
    ("Tanger Tétouan Al-Hoceima", "tanger-tetouan-al-hoceima"),
    ("Béni-Mellal", "beni-mellal"),
    ("Laayoune Sakia El-Hamra", "laayoune-sakia-el-hamra"),
    ("Dakhla Oued Ed Dahab", "dakhla-oued-ed-dahab"),
])
def test_place_names_fold_accents_hyphens_and_spaces(surface, pid):
    gaz = from_sheets([])
    text = f"Les investisseurs visitent {surface} cette semaine."
    hits = gaz.find(text)
    assert [(text[h.start:h.end], h.entry.id) for h in hits] == [(surface, pid)]
    assert gaz.lookup(surface, ("regions",), fuzzy=False).id == pid


def test_a_hyphenated_name_is_not_found_inside_a_longer_one():
    gaz = from_sheets([])
    assert gaz.find("Le port Tanger-Med a grandi.") == []


def test_region_that_hosts_a_project_is_drafted(nlp):
    text = "La région de Tanger Tétouan Al-Hoceïma accueillera un nouvel institut de 450 places."
    sheet = draft(text, nlp)
    assert [r["id"] for r in sheet["regions"]] == ["tanger-tetouan-al-hoceima"]
    fig = indicator(sheet, 450)
    assert (fig["unit"], fig["status"], fig["subject"]) == ("seat", "target", "tanger-tetouan-al-hoceima")


def test_a_city_is_part_of_the_nearest_place_the_article_names(nlp):
    sheet = draft("L'Office a ouvert une agence à Meknès. Au Maroc, le tourisme a attiré 2 millions "
                  "de visiteurs en 2019.", nlp)
    regions = {r["id"]: r for r in sheet["regions"]}
    assert regions["meknes"]["part_of"] == "morocco"     # via Fès-Meknès, which it does not name
    # part_of never names a place the sheet does not define (okg build refuses that)
    assert all(r["part_of"] in regions for r in regions.values() if r["part_of"])


# --- 3. an indicator's quote keeps the period it took ---------------------------------------
@pytest.mark.parametrize("sentence, value, tail", [
    ("Le plan Halieutis vise la création de 20.000 emplois d'ici 2030.", 20_000, "d'ici 2030"),
    ("La stratégie prévoit 4 milliards de dirhams d'investissements à l'horizon 2030.", 4_000_000_000, "à l'horizon 2030"),
    ("Le chiffre d'affaires de la filière a atteint 7 milliards de dirhams, contre 5 milliards en 2017.", 5_000_000_000, "en 2017"),
])
def test_quote_extends_to_a_following_period(nlp, sentence, value, tail):
    fig = indicator(draft(sentence, nlp), value)
    assert fig["evidence"][0].endswith(tail)
    assert fig["evidence"][0] in sentence


def test_quote_does_not_cross_another_figure_to_reach_its_period(nlp):
    sentence = "En 2019, le port a traité 30 millions de tonnes, soit une hausse de 4% sur un an."
    sheet = draft(sentence, nlp)
    assert indicator(sheet, 4)["evidence"][0].startswith("soit une hausse")


# --- 4. "le secteur" without a name -----------------------------------------------------------
def test_unnamed_sector_is_not_the_previous_sentences_programme(nlp):
    text = ("Le programme Maroc Export Plus accompagnera 500 entreprises d'ici 2022. L'an dernier, le "
            "secteur a réalisé un chiffre d'affaires de 3 milliards de dirhams.")
    sheet = draft(text, nlp, published=dt.date(2019, 6, 1))
    assert indicator(sheet, 500)["subject"] is not None
    assert indicator(sheet, 3_000_000_000)["subject"] is None


def test_unnamed_sector_is_the_articles_main_sector(nlp):
    text = ("Le secteur de l'automobile a exporté pour 70 milliards de dirhams en 2018. Le secteur "
            "de l'automobile a aussi attiré de nouveaux équipementiers.\n\n"
            "Le secteur de l'aéronautique a lui aussi progressé.\n\n"
            "Au total, le secteur emploie aujourd'hui 160.000 personnes.")
    sheet = draft(text, nlp, published=dt.date(2019, 1, 10))
    sectors = {s["id"]: s["name"] for s in sheet["sectors"]}
    assert sectors[indicator(sheet, 160_000)["subject"]] == "automobile"


def test_unnamed_sector_is_the_one_named_earlier_in_the_paragraph(nlp):
    text = ("Le secteur de l'automobile a exporté pour 70 milliards de dirhams en 2018. Le secteur "
            "de l'automobile a aussi attiré de nouveaux équipementiers.\n\n"
            "Le secteur de l'aéronautique a lui aussi progressé. Le secteur emploie 17.000 personnes.")
    sheet = draft(text, nlp, published=dt.date(2019, 1, 10))
    sectors = {s["id"]: s["name"] for s in sheet["sectors"]}
    assert sectors[indicator(sheet, 17_000)["subject"]] == "aéronautique"


def test_unnamed_sector_falls_back_to_a_body_the_sentence_names(nlp):
    text = ("Selon l'Association marocaine des industries du textile et de l'habillement (AMITH), le "
            "secteur a créé 8.000 emplois en 2017.")
    sheet = draft(text, nlp)
    assert indicator(sheet, 8_000)["subject"] == "amith"


def test_private_sector_is_not_an_industry(nlp):
    text = ("Le secteur de la logistique attire les investisseurs. Le secteur privé a investi 2 "
            "milliards de dirhams en 2018.")
    sheet = draft(text, nlp)
    assert indicator(sheet, 2_000_000_000)["subject"] is None


# --- 5. "places": seats, not ranks ------------------------------------------------------------
@pytest.mark.parametrize("text, value", [
    ("un nouveau campus de 300 places", 300),
    ("la crèche offrira 1.200 places supplémentaires", 1_200),
    ("un parking de 450 places", 450),
])
def test_places_are_seats(text, value):
    found = [(q.value, q.unit) for q in quantities(text) if q.unit]
    assert found == [(Decimal(value), "seat")]


@pytest.mark.parametrize("text", [
    "le Maroc a gagné 7 places dans le classement Doing Business",
    "le pays recule de 3 places au classement mondial",
    "les 2 places financières du continent",
])
def test_places_that_are_not_seats(text):
    assert [q for q in quantities(text) if q.unit == "seat"] == []


def test_future_tense_without_the_model():
    text = "La région accueillera un campus et les écoles formeront 300 jeunes; Samira filme à la caméra."
    found = [text[s:e] for s, e in future_verbs(text, fold(text), 0, len(text))]
    assert found == ["accueillera", "formeront"]
