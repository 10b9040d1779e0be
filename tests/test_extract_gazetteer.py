"""okg extract: the gazetteer built from fact sheets, and acronym/name linking in text."""

from __future__ import annotations

import pytest

from okg.extract import extract_text
from okg.extract.gazetteer import from_sheets

SHEET = {
    "organisations": [
        {"id": "apebi", "name": "Fédération marocaine des technologies de l'information, des "
         "télécommunications et de l'offshoring", "acronym": "APEBI", "aliases": ["la fédération"]},
        {"id": "ministry-of-industry", "name": "ministère de l'Industrie", "acronym": None, "aliases": []},
    ],
    "regions": [{"id": "fes-meknes", "name": "Fès-Meknès", "kind": "region", "part_of": "morocco"}],
}


@pytest.fixture(scope="module")
def gaz():
    return from_sheets([SHEET])


def test_lookup_is_accent_case_and_apostrophe_insensitive(gaz):
    assert gaz.lookup("apebi").id == "apebi"
    assert gaz.lookup("FES-MEKNES").id == "fes-meknes"
    assert gaz.lookup("Ministère de l’industrie").id == "ministry-of-industry"


def test_lookup_is_fuzzy_on_long_names(gaz):
    pytest.importorskip("rapidfuzz")
    entry = gaz.lookup("Fédération des technologies de l’information, des télécommunications et de l’Offshoring")
    assert entry.id == "apebi"
    assert gaz.lookup("Fédération nationale du transport") is None


def test_find_in_text_respects_case_and_glued_words(gaz):
    text = "l’Apebi et laRoumanie; le royaume; la fédération; Fès-Meknès"
    found = {(text[h.start:h.end], h.entry.id) for h in gaz.find(text)}
    assert ("Apebi", "apebi") in found
    assert ("Roumanie", "romania") in found            # built-in countries, glued article
    assert ("Fès-Meknès", "fes-meknes") in found
    assert not any(t == "royaume" for t, _ in found)   # lowercase common word: not Morocco
    assert not any(t == "fédération" for t, _ in found)  # generic alias: not searched


@pytest.mark.parametrize("sentence, name, acronym", [
    ("Selon l’Agence de développement du digital (ADD), le projet avance.", "Agence de développement du digital", "ADD"),
    ("La CGEM, ou Confédération générale des entreprises du Maroc, salue l’accord.",
     "Confédération générale des entreprises du Maroc", "CGEM"),
    ("Un prêt de la BEI (Banque européenne d’investissement, basée à Luxembourg) est signé.",
     "Banque européenne d’investissement", "BEI"),
])
def test_acronyms_defined_by_the_text(sentence, name, acronym):
    sheet = extract_text(sentence, file="s.txt", nlp=None)
    assert [(o["name"], o["acronym"]) for o in sheet["organisations"]] == [(name, acronym)]


def test_a_lowercase_gloss_makes_a_sector_not_a_body():
    sheet = extract_text("La filière CRM (gestion de la relation client) recrute.", file="s.txt", nlp=None)
    assert sheet["organisations"] == []
    assert [s["id"] for s in sheet["sectors"]] == ["crm"]


def test_draft_links_to_graph_ids(gaz):
    text = "Le ministère de l’Industrie et l’APEBI ont signé une convention à Fès le 3 mars 2021."
    sheet = extract_text(text, file="s.txt", gazetteer=gaz, nlp=None)
    assert {o["id"] for o in sheet["organisations"]} == {"apebi", "ministry-of-industry"}
    [conv] = sheet["conventions"]
    assert conv["signed"] == "2021-03-03" and conv["place"] == "fes"
    assert conv["parties"] == ["ministry-of-industry", "apebi"]
    assert {r["id"]: r["part_of"] for r in sheet["regions"]} == {"fes": None}
