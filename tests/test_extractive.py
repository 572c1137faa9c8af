"""The extractive answer's building blocks on small hand-made passages: compounds,
question parts, line kinds, counts and form text."""

from __future__ import annotations

from ishoj_assistant.answering.candidates import Kind, candidates, line_kinds
from ishoj_assistant.answering.features import quotable
from ishoj_assistant.answering.scoring import _DATE, counts, missing_anchor
from ishoj_assistant.answering.matching import Term, TermSet, Vocabulary, mentions, mentions_apart, mentions_head
from ishoj_assistant.answering.question import QuestionProfile, split_question
from ishoj_assistant.danish import stem
from ishoj_assistant.models import Chunk, Passage
from ishoj_assistant.sentences import split_sentences


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


def test_a_passage_writing_a_compound_apart_mentions_it_when_its_head_stands_alone() -> None:
    """Danish writes a compound apart as often as together: a note on "rygestopkurser" where "et hold" needs ten
    participants is about the question's "rygestophold". A head inside another compound is another thing:
    "Værdighedsmilliarden" is not the "ældremilliarden" asked about, however often "ældre" is named."""
    note = "Der er gennemført 3 rygestopkurser. Der skal være 10 deltagere, før et hold kan oprettes."
    other = "Værdighedsmilliarden giver midler til de ældre i kommunen."
    vocabulary = Vocabulary([note, other])
    assert mentions_apart(TermSet.of(note), Term("rygestophold", "rygestophold"), vocabulary)
    assert not mentions_apart(TermSet.of(other), Term("ældremilliard", "ældremilliarden"), vocabulary)
    assert not mentions_apart(TermSet.of("Der skal være 10 deltagere, før et hold kan oprettes."), Term("rygestophold", "rygestophold"), vocabulary)


def test_an_adjective_matches_the_noun_it_is_derived_from_and_a_short_stem_does_not() -> None:
    """The question's "demografiske" is answered by a note on "demografien"; "politiske" by "politikken".
    "politi" (police) is a word of its own, so a stem that short is no derivation."""
    vocabulary = Vocabulary(["demografien ændrer sig politikken politiet"])
    assert mentions(TermSet.of("Demografien ændrer sig"), Term("demografisk", "demografiske"), vocabulary)
    assert mentions(TermSet.of("Politikken blev vedtaget"), Term("politisk", "politiske"), vocabulary)
    assert not mentions(TermSet.of("Politiet kom forbi"), Term("politisk", "politiske"), vocabulary)
    assert mentions(TermSet.of("Vi har 40 demensvenner"), Term("demensven", "demensvenlige"), vocabulary)


def test_a_question_naming_its_topic_by_an_adjective_finds_it_in_the_noun() -> None:
    """The longest word names the topic; a passage on "velfærdsteknologi" is about what a question on the
    "velfærdsteknologiske" lifts asks, so the topic is not missing."""
    note = passage("Velfærdsteknologi\nKommunen har indført velfærdsteknologi på tre plejecentre i år.")
    assert missing_anchor("Hvor mange velfærdsteknologiske loftlifte er købt ind?", [note]) is None
    assert missing_anchor("Hvor mange træningsrobotter er købt ind?", [note]) == "træningsrobotter"


def test_a_topic_compound_written_apart_in_the_passages_is_not_missing() -> None:
    """Minutes name "Ældrerådet" and its "møde" apart; a question on "ældrerådsmødet" is about them. A
    passage naming only one half is still about something else."""
    minutes = passage("Ældrerådet\nMødedato: 3. maj. Fraværende: Et medlem var fraværende under hele mødet.")
    assert missing_anchor("Hvem var fraværende ved ældrerådsmødet?", [minutes]) is None
    garden = passage("Haven\nDer holdes møde i haven hver torsdag for de frivillige.")
    assert missing_anchor("Hvem var fraværende ved ældrerådsmødet?", [garden]) == "ældrerådsmødet"


def test_spoken_fillers_are_no_question_terms() -> None:
    """Modal particles, discourse phrases and the tense-carrying forms of "have", "få" and "gøre" colour a
    question without adding to what it asks."""
    plain = [t.stem for t in QuestionProfile.of("Hvem kører bussen til caféen om torsdagen?").terms]
    spoken = "Hvem kører egentlig bussen til caféen om torsdagen, altså kort sagt?"
    assert [t.stem for t in QuestionProfile.of(spoken).terms] == plain
    counted = [t.stem for t in QuestionProfile.of("Hvor mange madhold i 2023?").terms]
    assert [t.stem for t in QuestionProfile.of("Hvor mange madhold har vi haft i 2023?").terms] == counted
    assert [t.stem for t in QuestionProfile.of("Hvor mange madhold har vi fået i 2023?").terms] == counted
    # "Hvordan går det med X?" asks how X is doing; "går" is a term where someone goes somewhere.
    status = [t.word for t in QuestionProfile.of("Hvordan går det med madholdet i 2023?").terms]
    also = [t.word for t in QuestionProfile.of("Hvordan står det til med madholdet i 2023?").terms]
    gone = [t.word for t in QuestionProfile.of("Hvordan er det gået med madholdet i 2023?").terms]
    assert status == also == gone == ["madholdet", "2023"]
    assert "går" in [t.word for t in QuestionProfile.of("Hvor mange går på madholdet?").terms]


def test_how_it_is_going_asks_for_results_not_for_a_list_of_ways() -> None:
    """"Hvordan går det med X?" asks how X is doing; "Hvordan arbejder vi med X?" asks for the ways."""
    for spoken in ("Hvordan går det med madklubben?", "Hvordan er det gået med madklubben i år?"):
        part = QuestionProfile.of(spoken).parts[0]
        assert part.wants_result and not part.wants_list, spoken
    assert QuestionProfile.of("Hvordan arbejder vi med madklubben?").parts[0].wants_list

def test_how_fast_asks_for_a_time_limit_that_days_and_weeks_give() -> None:
    """ "Hvor hurtigt" and "hvor lang tid" are answered by "senest ti dage efter", "inden for tre uger"."""
    part = QuestionProfile.of("Hvor hurtigt får borgeren svar fra visitationen?").parts[0]
    assert part.wants_date and part.typed
    assert QuestionProfile.of("Hvor lang tid tager et forløb?").parts[0].wants_date
    assert _DATE.search("Visitationen svarer senest 10 dage efter henvendelsen.")
    assert _DATE.search("Borgeren får svar inden for tre uger.")
    assert not _DATE.search("Visitationen svarer hurtigt.")


def test_irregular_plurals_meet_their_singular() -> None:
    profile = QuestionProfile.of("Hvad gør vi for tænderne?")
    assert [t.stem for t in profile.terms] == ["tand"]


def test_a_latin_noun_in_ium_meets_its_inflected_forms() -> None:
    """A question on "ministeriet" or a "succeskriterium" finds the note's "Ministeriet" and "succeskriterier":
    the Latin ending is dropped before the Danish one, which Snowball does not know."""
    assert stem("ministerium") == stem("ministeriet") == stem("ministeriets")
    assert stem("succeskriterium") == stem("succeskriterier")
    assert stem("medium") == stem("medier")
    assert stem("forum") != stem("for")


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


def test_a_bulleted_list_run_into_its_lead_in_s_line_is_split_at_the_colon_only_before_a_bullet() -> None:
    assert split_sentences("Sådan går det med hjælpemidlerne: - 80 % af liftene bruges. - Stolene står på lager.") == [
        "Sådan går det med hjælpemidlerne:", "- 80 % af liftene bruges.", "- Stolene står på lager.",
    ]
    assert split_sentences("Åbent: kl. 8 - 10 hver dag.") == ["Åbent: kl. 8 - 10 hver dag."]


def test_a_list_item_of_two_sentences_keeps_its_list_together() -> None:
    """An item's second sentence on the item's own line continues the item: the items after it belong to the
    same list, whether each item has its line or the PDF flowed them all into one."""
    lines = (
        "Her følger en status på løsningerne:\n- Liftene er i brug. De bruges mest om natten.\n"
        "- Stolene er i brug.\n- Sengene er endnu ikke i brug."
    )
    flowed = lines.replace("\n-", " -")
    for text in (lines, flowed):
        items = [c for c in candidates([passage(text)]) if c.kind is Kind.ITEM]
        assert len(items) == 3 and len({c.list_id for c in items}) == 1, text


def test_a_list_item_run_into_the_next_paragraph_is_cut_where_the_paragraph_begins() -> None:
    """PDF extraction may put the last item of a list and the paragraph after it on one line; the item stays
    an item, and the paragraph's sentence is a sentence of its own, without the item glued before it."""
    text = (
        "Indsatser:\n1. Madklub i Gårdhaven\n2. Cykelture for beboere\n"
        "3. Besøgsvenner for ensomme ældre Gennem besøgsvennerne har 40 ældre fået fast besøg hver uge i år."
    )
    units = [(c.kind, c.text) for c in candidates([passage(text)])]
    assert (Kind.ITEM, "3. Besøgsvenner for ensomme ældre") in units
    assert (Kind.PROSE, "Gennem besøgsvennerne har 40 ældre fået fast besøg hver uge i år.") in units


def test_a_line_the_layout_broke_mid_sentence_is_not_quoted() -> None:
    """A long numbered heading wrapped onto the next line ends in the middle of its sentence; quoted alone it
    is a fragment. A line ending its sentence before a lower-case line is still a statement."""
    text = (
        "4. Andre indsatser, som ikke står i puljens vejledning, men som kommunen\nselv ønsker at sætte i gang\n"
        "Kommunen har ansat to nye terapeuter i år.\nderudover er der købt nye hjælpemidler."
    )
    quoted = {c.text: quotable(c) for c in candidates([passage(text)])}
    assert quoted["4. Andre indsatser, som ikke står i puljens vejledning, men som kommunen"] is False
    assert quoted["Kommunen har ansat to nye terapeuter i år."] is True


def test_a_sentence_pointing_elsewhere_or_saying_what_the_document_is_is_not_quoted() -> None:
    """"Nedenfor beskrives …" tells the reader where to look, "Dette notat giver en status …" describes the
    note, not the initiative: quoted in an answer or a draft they say nothing. A policy's own aim ("Med
    denne politik ønsker …") is content."""
    text = (
        "Madklubben\nNedenfor beskrives erfaringerne med madklubben i år.\n"
        "Dette notat giver en status på madklubben pr. 1. oktober. Her gennemgås årets erfaringer. "
        "Med denne politik ønsker vi, at flere spiser sammen. Madklubben har haft 25 faste gæster i år."
    )
    quoted = {c.text: quotable(c) for c in candidates([passage(text)])}
    assert quoted["Nedenfor beskrives erfaringerne med madklubben i år."] is False
    assert quoted["Dette notat giver en status på madklubben pr. 1. oktober."] is False
    assert quoted["Her gennemgås årets erfaringer."] is False
    assert quoted["Med denne politik ønsker vi, at flere spiser sammen."] is True
    assert quoted["Madklubben har haft 25 faste gæster i år."] is True


def test_a_signpost_run_into_the_sentence_before_it_is_cut_off() -> None:
    """The layout ran "Nedenfor beskrives …" into the end of a list without a full stop: the list stays a
    unit of its own, the signpost is one and is not quoted, and a lower-case "nedenfor" is no cut."""
    text = (
        "Midlerne er fordelt mellem følgende tilbud: Madklubben Gåklubben og besøgsvenner "
        "Nedenfor beskrives de fastsatte mål for hvert tilbud.\n"
        "Målene for madklubben er beskrevet nedenfor i tabellen."
    )
    units = {c.text: quotable(c) for c in candidates([passage(text)])}
    assert units == {
        "Midlerne er fordelt mellem følgende tilbud: Madklubben Gåklubben og besøgsvenner": True,
        "Nedenfor beskrives de fastsatte mål for hvert tilbud.": False,
        "Målene for madklubben er beskrevet nedenfor i tabellen.": True,
    }


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


def test_unticked_form_options_and_prompts_are_form_text() -> None:
    kinds = {c.text: c.kind for c in candidates([passage(FORM)])}
    assert kinds["X Styrke træningen i eget hjem"] is Kind.ITEM
    assert kinds["Styrke genoptræningsindsatsen"] is Kind.FORM
    assert kinds["Vælg en eller flere fra listen."] is Kind.FORM
    plain = "Indsatser:\nStyrke genoptræningsindsatsen\nKompetenceudvikling af medarbejdere\nAndet"
    assert all(c.kind is not Kind.FORM for c in candidates([passage(plain)]))


def test_a_long_form_prompt_glued_after_its_label_is_form_text() -> None:
    """The PDF may put a field's label and its long prompt on one line; the prompt is the form's own words,
    however long, and the applicant's answer after it is still a statement."""
    text = (
        "Aktiviteter i projektet Beskriv kort hvilke aktiviteter der gennemføres i projektet, hvem der står for "
        "dem, og hvordan de adskiller sig fra det, kommunen gør i dag.\n"
        "Madklubben mødes hver tirsdag, og en frivillig kok står for maden."
    )
    kinds = {c.text: c.kind for c in candidates([passage(text)])}
    assert any(kind is Kind.FORM and "Beskriv kort" in t for t, kind in kinds.items()), kinds
    assert kinds["Madklubben mødes hver tirsdag, og en frivillig kok står for maden."] is Kind.PROSE


def test_check_boxes_side_by_side_are_separate_options() -> None:
    """A form laid out with its options on one line quotes only the ticked ones, each as an option."""
    form = "Hvilke indsatsområder søges der midler til?\n☒ Træning i hjemmet ☐ Velfærdsteknologi ☒ Ernæring ☐ Andet"
    kinds = {c.text: c.kind for c in candidates([passage(form)])}
    assert kinds["☒ Træning i hjemmet"] is Kind.ITEM and kinds["☒ Ernæring"] is Kind.ITEM
    assert kinds["☐ Velfærdsteknologi"] is Kind.FORM and kinds["☐ Andet"] is Kind.FORM
    assert not any("☐" in text and "☒" in text for text in kinds)


def test_a_form_list_with_nothing_ticked_claims_nothing() -> None:
    form = "Bedre forhold for de svageste ældre\nVælg en eller flere fra listen.\nStyrket kontinensindsats\nBedre palliativ indsats\nAndet"
    assert {c.kind for c in candidates([passage(form)])} == {Kind.HEADING, Kind.FORM}


def test_a_form_s_numbered_questions_are_form_text() -> None:
    """What the form asks and offers is not what the applicant answered; the numbered answer headings
    of a policy ("1. Tidlig opsporing") are not questions and stay what they were."""
    form = (
        "3. Beskriv initiativets målgruppe\n"
        "Målgruppen er hjemmeboende borgere over 65 år, som søger om hjemmehjælp.\n"
        "4. Hvilke indsatsområder søges der midler til?"
    )
    policy = "Politikkens principper:\n1. Tidlig opsporing og udredning\n2. Mennesket før diagnosen"
    kinds = {c.text.strip(): c.kind for c in candidates([passage(form), passage(policy, index=1)])}
    assert kinds["3. Beskriv initiativets målgruppe"] is Kind.FORM
    assert kinds["4. Hvilke indsatsområder søges der midler til?"] is Kind.FORM
    assert kinds["1. Tidlig opsporing og udredning"] is not Kind.FORM
    assert kinds["Målgruppen er hjemmeboende borgere over 65 år, som søger om hjemmehjælp."] is Kind.PROSE


def test_a_question_inside_a_document_is_not_a_statement() -> None:
    text = "Hvad bygger idéoplægget på? Idéoplægget bygger på dialogmøder med borgere og frivillige i 2022."
    asked, stated = candidates([passage(text)])
    assert asked.kind is Kind.PROSE and not asked.is_statement and stated.is_statement


def test_a_run_in_label_is_the_sentence_s_heading_and_not_part_of_its_quote() -> None:
    text = "Mål I løbet af året vil 110 borgere blive udredt.\nStatus Fra januar til maj er 43 borgere udredt."
    units = candidates([passage(text)])
    assert [(c.kind, c.text) for c in units] == [
        (Kind.HEADING, "Mål"),
        (Kind.PROSE, "I løbet af året vil 110 borgere blive udredt."),
        (Kind.HEADING, "Status"),
        (Kind.PROSE, "Fra januar til maj er 43 borgere udredt."),
    ]
    assert units[3].heading_text == "Status"
    # An adverb opens a sentence as well as a pronoun does.
    adverb = candidates([passage("Status Overordnet set er alle de nye hjælpemidler i brug.")])
    assert [(c.kind, c.text) for c in adverb] == [
        (Kind.HEADING, "Status"), (Kind.PROSE, "Overordnet set er alle de nye hjælpemidler i brug."),
    ]


def test_a_longer_run_in_label_is_split_off_but_a_name_inside_a_sentence_is_not() -> None:
    text = (
        "Bedre tid til samtaler med de pårørende Et kendetegn ved caféen er, at der altid er en frivillig til stede.\n"
        "Frivillige chauffører er meget mere end kørsel til lægen og tilbage Siden marts har 40 borgere fået kørsel.\n"
        "Flere klubber har deltaget i ugen Alle børn svømmer.\n"
        "I Det gamle bibliotek mødes læseklubben hver torsdag eftermiddag."
    )
    units = candidates([passage(text)])
    assert [(c.kind, c.text) for c in units] == [
        (Kind.HEADING, "Bedre tid til samtaler med de pårørende"),
        (Kind.PROSE, "Et kendetegn ved caféen er, at der altid er en frivillig til stede."),
        (Kind.HEADING, "Frivillige chauffører er meget mere end kørsel til lægen og tilbage"),
        (Kind.PROSE, "Siden marts har 40 borgere fået kørsel."),
        (Kind.PROSE, "Flere klubber har deltaget i ugen Alle børn svømmer."),
        (Kind.PROSE, "I Det gamle bibliotek mødes læseklubben hver torsdag eftermiddag."),  # "I" alone is no label
    ]


def test_a_glued_heading_is_split_off_where_the_sentence_opens_with_its_topic_word() -> None:
    """A slide's headings and its first sentence on one line: the sentence repeats the heading's topic."""
    text = (
        "Målsætninger\n"
        "• Borgerne oplever sammenhængende forløb.\n"
        "Indledning til boligstrategi Boligområdets udfordringer Boligområdet omfatter bl.a. almene boliger og plejeboliger.\n"
        "Projektet har titlen Trygge Boliger og søger i alt kr. 400.000."
    )
    units = candidates([passage(text)])
    glued = next(c for c in units if c.text.startswith("Boligområdet omfatter"))
    assert glued.kind is Kind.PROSE and glued.heading_text == "Indledning til boligstrategi Boligområdets udfordringer"
    assert any(c.kind is Kind.HEADING and c.text == "Indledning til boligstrategi Boligområdets udfordringer" for c in units)
    # A name after a plain sentence start is not a heading's topic word repeated.
    assert units[-1].text == "Projektet har titlen Trygge Boliger og søger i alt kr. 400.000."


def test_a_passage_opening_with_its_theme_s_repeated_heading_keeps_the_theme_as_its_heading() -> None:
    """Ingest writes "Målsætninger", repeated under every theme, as a field of the theme's section path; the
    items under it are the goals of that theme, and a later theme's "Målsætninger" is that theme's."""
    text = (
        "Målsætninger\n"
        "• Borgerne oplever sammenhængende forløb.\n"
        "• Flere borgere er fysisk aktive.\n"
        "Boligstrategi Trygge boliger Temaer\n"
        "• Borgerne skal kunne blive boende længst muligt.\n"
        "Målsætninger\n"
        "• Flere boliger er indrettet til ældre."
    )
    units = candidates([passage(text, section="Sundhedsstrategi Investering i forebyggelse › Målsætninger")])
    goal = next(c for c in units if c.text.startswith("• Flere borgere"))
    assert goal.heading_text == "Sundhedsstrategi Investering i forebyggelse › Målsætninger"
    assert {"investering", "forebyg"} <= set(goal.heading.stems)
    theme = next(c for c in units if c.text.startswith("• Borgerne skal"))
    assert theme.heading_text == "Boligstrategi Trygge boliger Temaer"
    later = next(c for c in units if c.text.startswith("• Flere boliger"))
    assert later.heading_text == "Boligstrategi Trygge boliger Temaer Målsætninger"
