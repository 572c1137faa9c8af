"""The extractive answer's building blocks on small hand-made passages: compounds,
question parts, line kinds, counts, list continuation and restated questions."""

from __future__ import annotations

from ishoj_assistant.answering.candidates import Kind, candidates, line_kinds
from ishoj_assistant.answering.extractive import counts, extractive_answer
from ishoj_assistant.answering.matching import Term, TermSet, Vocabulary, mentions, mentions_head
from ishoj_assistant.answering.question import QuestionProfile, split_question
from ishoj_assistant.models import Chunk, Passage
from ishoj_assistant.sentences import split_sentences
from ishoj_assistant.settings import Settings


def passage(text: str, doc_id: str = "notat", index: int = 0, section: str = "") -> Passage:
    chunk = Chunk(f"{doc_id}:{index}", doc_id, "v1", text, f"{doc_id}.pdf", "Notat", "status", 2019, 1, 1, section, 0, 0, index)
    return Passage(chunk, 1.0)


def test_a_term_matches_the_compounds_it_is_part_of_and_not_chance_substrings() -> None:
    vocabulary = Vocabulary(["omsorgstandplejen hjemmeplejen omsorgspatienterne lungebetændelser lungebetændelse kvalitetsstandarden"])
    tand = Term("tand", "tænderne")
    assert mentions(TermSet.of("90 borgere i omsorgstandplejen"), tand, vocabulary)
    assert not mentions(TermSet.of("fald i antallet af lungebetændelser"), tand, vocabulary)
    assert not mentions(TermSet.of("den nye kvalitetsstandarden"), tand, vocabulary)
    head_only = Term("kontaktmedarbejd", "kontaktmedarbejder")
    vocabulary = Vocabulary(["kontakt en medarbejder"])
    assert not mentions(TermSet.of("en medarbejder"), head_only, vocabulary)
    assert mentions_head(TermSet.of("en medarbejder"), head_only, vocabulary)


def test_irregular_plurals_meet_their_singular() -> None:
    profile = QuestionProfile.of("Hvad gør vi for tænderne?")
    assert [t.stem for t in profile.terms] == ["tand"]


def test_a_question_is_split_into_its_parts_with_a_shared_topic() -> None:
    topic, parts = split_question(
        "Cykling uden alder: hvornår startede det i Ishøj, hvor mange har været med, og hvad var planen for 2019?"
    )
    assert topic == "Cykling uden alder"
    assert parts == ["hvornår startede det i Ishøj", "hvor mange har været med", "hvad var planen for 2019"]
    profile = QuestionProfile.of("Hvor mange brugte klippekortet, og hvorfor var det færre end ventet?")
    assert [(p.wants_number, p.wants_reason) for p in profile.parts] == [(True, False), (False, True)]
    assert len(QuestionProfile.of("Hvad koster hverdagstræning, Ældres Netværk og indsatsen?").parts) == 1


def test_numbered_items_run_into_one_line_are_split_but_a_final_number_is_not() -> None:
    assert split_sentences("Mål • Færre kronikere 2. Flere borgere er aktive 3. Flere trives") == [
        "Mål • Færre kronikere", "2. Flere borgere er aktive", "3. Flere trives",
    ]
    assert split_sentences("Deltagerne var 12. Det er flere end sidst.") == ["Deltagerne var 12.", "Det er flere end sidst."]


def test_line_kinds_tell_headings_from_list_items() -> None:
    lines = [
        "Gode indflytninger for demensramte",
        "Alle borgere får tilknyttet en medarbejder ved indflytningen.",
        "Initiativerne opfylder mål i følgende politikker:",
        "Seniorpolitikken",
        "Sundhedspolitikken",
        "X Styrke den sociale dimension i plejen",
        "Overordnede mål",
    ]
    assert line_kinds(lines) == [Kind.HEADING, Kind.PROSE, Kind.LEAD_IN, Kind.ITEM, Kind.ITEM, Kind.ITEM, Kind.HEADING]


def test_counts_leave_out_years_dates_list_numbers_money_and_the_question_s_own_numbers() -> None:
    assert counts("Fra 1. januar til 1. maj 2019 har 21 borgere haft glæde af ordningen.") == ["21"]
    assert counts("2. Ældres Netværk har fået kr. 500.000 i 3 år.") == []
    assert counts("Der er 14 borgere over 75 år.", asked={"75"}) == ["14"]


def test_a_part_s_answer_must_itself_name_what_the_part_asks_about() -> None:
    text = "Der er 323 brugere af Boblberg i Ishøj. Målsætningen ligger på mellem 1-3 procent."
    answer = extractive_answer(
        "Boblberg brugere Ishøj 323 Er det over målsætningen?", [passage(text)], Settings(),
        focus="Er det over målsætningen?",
    )
    assert "1-3 procent" in answer.text


def test_a_lead_in_ending_a_chunk_brings_the_items_opening_the_next() -> None:
    first = passage("Initiativerne er med til at indfri følgende politikker:", index=4)
    second = passage("Seniorpolitikken\nSundhedspolitikken\nFrivilligpolitikken\nHverdagstræning er godt.", index=5)
    answer = extractive_answer("Hvilke politikker er initiativerne med til at indfri?", [first, second], Settings())
    for policy in ("Seniorpolitikken", "Sundhedspolitikken", "Frivilligpolitikken"):
        assert policy in answer.text


def test_a_passage_that_only_restates_the_question_is_declined() -> None:
    text = "I januar 2020 fremlægges en slutevaluering af initiativerne under Værdighedsmilliarden."
    answer = extractive_answer(
        "Hvad viste slutevalueringen af værdighedsmilliarden, som blev fremlagt i januar 2020?", [passage(text)], Settings()
    )
    assert answer.declined
    assert extractive_answer("Hvornår fremlægges slutevalueringen?", [passage(text)], Settings()).text.startswith("I januar 2020")


def test_each_part_of_a_question_gets_its_own_sentence() -> None:
    text = (
        "Klippekortsordning Der er afsat kr. 500.000 i 2019.\n"
        "Status Fra 1. januar til 1. maj 2019 har 21 borgere haft glæde af klippekortsordningen. "
        "Antallet er lavere end forventet. "
        "Dette skyldes arbejdet med den nye kvalitetsstandard for klippekortsordningen."
    )
    answer = extractive_answer(
        "Hvor mange brugte klippekortet i 2019, og hvorfor var det færre end ventet?", [passage(text)], Settings()
    )
    assert "21 borgere" in answer.text and "kvalitetsstandard" in answer.text
    assert "500.000" not in answer.text
    assert [c.kind for c in candidates([passage(text)])][:1] == [Kind.PROSE]


FORM = (
    "Ansøgte midler til træning af ældre\n"
    "Hvilke indsatser ansøges der om midler til\n"
    "Vælg en eller flere fra listen.\n"
    "Styrke genoptræningsindsatsen\n"
    "X Styrke træningen i eget hjem\n"
    "Kompetenceudvikling af medarbejdere\n"
    "X Flere sociale aktiviteter for ældre\n"
    "Andet\n"
    "Formålet med indsatsen er at flere ældre klarer sig selv i eget hjem."
)


def test_unticked_form_options_are_never_quoted_as_what_was_applied_for() -> None:
    kinds = {c.text: c.kind for c in candidates([passage(FORM)])}
    assert kinds["X Styrke træningen i eget hjem"] is Kind.ITEM
    assert kinds["Styrke genoptræningsindsatsen"] is Kind.FORM
    assert kinds["Vælg en eller flere fra listen."] is Kind.FORM
    asked = extractive_answer("Hvilke felter satte vi kryds i, da vi søgte om midler til træning af ældre?", [passage(FORM)], Settings())
    assert "X Styrke træningen i eget hjem" in asked.text and "X Flere sociale aktiviteter for ældre" in asked.text
    broad = extractive_answer("Hvilke indsatser søgte vi midler til om genoptræningsindsatsen?", [passage(FORM)], Settings())
    assert "Styrke genoptræningsindsatsen" not in broad.text and "Kompetenceudvikling" not in broad.text
    plain = "Indsatser:\nStyrke genoptræningsindsatsen\nKompetenceudvikling af medarbejdere\nAndet"
    assert all(c.kind is not Kind.FORM for c in candidates([passage(plain)]))


def test_a_form_list_with_nothing_ticked_claims_nothing() -> None:
    form = "Bedre forhold for de svageste ældre\nVælg en eller flere fra listen.\nStyrket kontinensindsats\nBedre palliativ indsats\nAndet"
    assert {c.kind for c in candidates([passage(form)])} == {Kind.HEADING, Kind.FORM}
    answer = extractive_answer("Søgte vi om midler til styrket kontinensindsats?", [passage(form)], Settings())
    assert answer.declined


def test_a_question_inside_a_document_is_not_quoted_as_an_answer() -> None:
    text = "Hvad bygger idéoplægget på? Idéoplægget bygger på dialogmøder med borgere og frivillige i 2022."
    asked, stated = candidates([passage(text)])
    assert asked.kind is Kind.PROSE and not asked.is_statement and stated.is_statement
    answer = extractive_answer("Hvad bygger idéoplægget på?", [passage(text)], Settings())
    assert "Hvad bygger" not in answer.text and "dialogmøder" in answer.text
