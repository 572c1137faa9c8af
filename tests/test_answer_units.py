"""Properties of the ranked extractive answers, on small hand-made notes with the real embedder and
the shipped ranker weights: what is quoted, what declines, lists, parts and follow-ups."""

from __future__ import annotations

import numpy as np
import pytest

from ishoj_assistant.answering.assistant import Assistant
from ishoj_assistant.answering.candidates import Kind, candidates
from ishoj_assistant.answering.composer import _lists_together, compose
from ishoj_assistant.answering.config import AnswerConfig
from ishoj_assistant.answering.draft import Section, _pick, _place
from ishoj_assistant.answering.features import FEATURES, quotable
from ishoj_assistant.answering.question import QuestionPart, split_question
from ishoj_assistant.answering.ranker import Composition
from ishoj_assistant.context import AppContext
from ishoj_assistant.danish import content_terms
from ishoj_assistant.models import Answer, Chunk, Passage, SearchFilters
from ishoj_assistant.query import analyse

TRAINING = (
    "Træningsholdet på Egevang\n"
    "I 2019 deltog 40 borgere i træningsholdet på Egevang. "
    "Holdet mødes to gange om ugen i aktivitetscentrets sal."
)
MENTORS = (
    "Mentorstøtte til unge\n"
    "I 2022 havde 54 unge en mentor, som støttede dem i at møde stabilt op i uddannelse. "
    "Udgifterne til mentorstøtten udgjorde kr. 1,9 mio. i 2022."
)
CAFE = (
    "Pårørendecaféen\n"
    "Pårørendecaféen mødes den første onsdag i måneden. "
    "Der har i gennemsnit deltaget 11 pårørende pr. gang, og caféen kostede kr. 35.000 i 2022."
)
def exchange(question: str, answer: str) -> list[dict[str, str]]:
    """A conversation so far: one question and the assistant's answer to it."""
    return [{"role": "user", "content": question}, {"role": "assistant", "content": answer}]


MENTOR_CONVERSATION = exchange("Hvor mange unge havde en mentor i 2022?", "I 2022 havde 54 unge en mentor [1]")
WALKING_CLUB_CONVERSATION = exchange(
    "Hvor mange går med i gåklubben?", "Gåklubben har været i gang siden marts 2014, og 60 borgere går med hver uge. [1]"
)
UNRELATED = (
    "Cykelstier\n"
    "Den nye cykelsti langs åen blev åbnet i foråret, og der er talt 900 cyklister om dagen på hverdage."
)


def passage(text: str, doc_id: str = "notat-2019", index: int = 0, year: int = 2019, score: float = 1.0) -> Passage:
    chunk = Chunk(f"{doc_id}:{index}", doc_id, "v1", text, f"{doc_id}.pdf", f"Notat {doc_id}", "status", year, 1, 1, "", 0, 0, index)
    return Passage(chunk, score)


class ListRetriever:
    """Returns fixed passages, the ones sharing most words with the query first, so a test controls
    what the answer layer sees while the query (a follow-up's included) still decides the order."""

    def __init__(self, passages: list[Passage]):
        self.passages = passages

    def search(self, query: str, k: int = 10, filters: SearchFilters | None = None, analysis=None) -> list[Passage]:  # type: ignore[no-untyped-def]
        asked = set(content_terms(query))
        return sorted(self.passages, key=lambda p: -len(asked & set(content_terms(p.text))))[:k]

    def term_rarity(self, stems):  # type: ignore[no-untyped-def]
        return {}


@pytest.fixture
def ask(context: AppContext):  # type: ignore[no-untyped-def]
    """Ask a question over fixed passages with the real embedder and the shipped ranker."""

    def ask(question: str, passages: list[Passage], history: list[dict[str, str]] | None = None, mode: str = "answer") -> Answer:
        assistant = Assistant(ListRetriever(passages), context.embedder, AnswerConfig())
        return assistant.answer(question, history or [], mode=mode)  # type: ignore[arg-type]

    return ask


def test_a_year_outside_the_documents_declines_and_says_which_year_they_cover(ask) -> None:  # type: ignore[no-untyped-def]
    answered = ask("Hvor mange deltog i træningsholdet på Egevang i 2019?", [passage(TRAINING)])
    assert not answered.declined and "40 borgere" in answered.text
    moved = ask("Hvor mange deltog i træningsholdet på Egevang i 2031?", [passage(TRAINING)])
    assert moved.declined
    assert "2031" in moved.text and "2019" in moved.text
    assert moved.citations and "40 borgere" in moved.citations[0].quote


def test_a_year_outside_the_documents_points_to_the_amount_the_conversation_already_gave(ask) -> None:  # type: ignore[no-untyped-def]
    # A new question about another year gets the nearest year's amount as its cited pointer, even though
    # the previous answer already showed that sentence.
    notes = [passage(
        "Klippekort til hjemmeboende ældre\nBudget: Der er afsat kr. 120.000 i 2022.\n"
        "I 2022 har 35 borgere brugt klippekortet til ture og besøg.", "klippekort-2022", year=2022,
    )]
    history: list[dict[str, str]] = []
    for question in ("Hvor mange borgere har brugt klippekortet i 2022?", "Og hvad kostede det?"):
        answer = ask(question, notes, history)
        history += exchange(question, answer.text)
    assert "120.000" in history[-1]["content"]
    moved = ask("Hvad var budgettet for klippekortet i 2031?", notes, history)
    assert moved.declined and "2031" in moved.text and "2022" in moved.text
    assert moved.citations and "120.000" in moved.citations[0].quote


def test_a_year_only_the_previous_answer_named_is_no_reason_to_decline(ask) -> None:  # type: ignore[no-untyped-def]
    # The first answer says when the club started; the user asks what it cost, not what it cost that year.
    notes = [passage(
        "Gåklubben\nGåklubben har været i gang siden marts 2014, og 60 borgere går med hver uge.\n"
        "Det foreslås, at gåklubben gøres permanent med et budget på kr. 95.000 årligt fra 2016.",
        "gaaklub-2015", year=2015,
    )]
    history = WALKING_CLUB_CONVERSATION
    answer = ask("Hvad kostede det?", notes, history)
    assert not answer.declined and "95.000" in answer.text
    asked = ask("Hvad kostede det i 2014?", notes, history)  # a year the user names still has to be answered
    assert asked.declined and "2014" in asked.text


def test_a_date_stated_about_the_named_initiative_answers_though_another_passage_shares_more_words(ask) -> None:  # type: ignore[no-untyped-def]
    # The other note shares the question's verb and more of its words; the date is in the initiative's own sentence.
    notes = [
        passage("Fortællinger\nFrivillige startede kagebagning, og ældre fra seniorgåklubben kommer forbi.", "historier"),
        passage("Status\nSeniorgåklubben har været i gang siden marts 2014.", "status", 1),
    ]
    answer = ask("Hvornår startede seniorgåklubben for ældre?", notes)
    assert not answer.declined and "marts 2014" in answer.text


def test_the_asked_year_must_be_in_what_is_said_about_the_named_initiative(ask) -> None:  # type: ignore[no-untyped-def]
    # The whole budget's sentence speaks of the asked year, the initiative's own sentence of another:
    # the initiative's amount for the asked year is not in the notes.
    notes = [
        passage("Økonomi\nI 2019 blev den samlede ramme til ældreområdets puljer fastholdt på kr. 2,1 mio.", "budget-2019"),
        passage("Besøgsvenneordningen\nBudget: Der er afsat kr. 80.000 i 2021.", "status-2021", year=2021),
    ]
    answered = ask("Hvor mange kroner er der afsat til besøgsvenneordningen i 2021?", notes)
    assert not answered.declined and "80.000" in answered.text
    moved = ask("Hvor mange kroner er der afsat til besøgsvenneordningen i 2019?", notes)
    assert moved.declined and "2019" in moved.text and "2021" in moved.text
    assert moved.citations and "80.000" in moved.citations[0].quote
    assert "Besøgsvenneordningen: Budget" in moved.text  # the quote keeps the heading it needs


def test_a_sentence_without_a_year_speaks_of_the_year_of_the_sentence_before_it(ask) -> None:  # type: ignore[no-untyped-def]
    # A note dated 2022 reports on 2021; its second sentence goes on about 2021's courses, not the cover's year.
    note = [passage(
        "Motionskurser\nI 2021 blev der afholdt 6 motionskurser med i alt 58 deltagere. "
        "Tre måneder efter kurset trænede 70 % af deltagerne stadig hver uge.", "opfoelgning-2022", year=2022,
    )]
    answered = ask("Hvor mange deltog i motionskurserne i 2021?", note)
    assert not answered.declined and "58 deltagere" in answered.text
    moved = ask("Hvor mange deltog i motionskurserne i 2022?", note)
    assert moved.declined and "2022" in moved.text and "2021" in moved.text


def test_a_figure_about_something_else_is_not_quoted_beside_the_asked_one(ask) -> None:  # type: ignore[no-untyped-def]
    # The next paragraph shares the year and the verb, and counts another initiative's participants.
    note = [passage(
        "Motionskurser\nI 2021 deltog 58 borgere i motionskurserne, fordelt på 6 hold.\n"
        "Træning efter sygdom\nI 2021 deltog 47 borgere i forløbet, og 29 fortsatte i en forening.", "sundhedspolitikken", year=2022,
    )]
    answer = ask("Hvor mange deltog i motionskurserne i 2021?", note)
    assert "58 borgere" in answer.text
    assert "47 borgere" not in answer.text
    # Asked as a follow-up, the subject is what the user asked now, not the conversation's broader topic.
    history = exchange("Hvilke indsatser nævner notatet om sundhedspolitikken?", "- Motionskurser [1]\n- Træning efter sygdom [2]")
    follow_up = ask("Hvor mange deltog der i motionskurserne i 2021?", note, history)
    assert "58 borgere" in follow_up.text and "47 borgere" not in follow_up.text


def test_what_happened_is_not_answered_by_what_was_planned(ask) -> None:  # type: ignore[no-untyped-def]
    # The notes say when the club's evaluation is expected and what was applied for, never what came of it.
    planned = [passage(
        "Evaluering af Seniorklubben\nEvalueringen af Seniorklubben forventes at foreligge i juni 2031. "
        "Klubben søger kr. 90.000 til en ny bus.", "klub-2030", year=2030,
    )]
    result = ask("Hvad konkluderede evalueringen af Seniorklubben?", planned)
    assert result.declined and "forventes" in result.text
    assert result.citations and "juni 2031" in result.citations[0].quote
    asked_about_the_plan = ask("Hvornår forventes evalueringen af Seniorklubben at foreligge?", planned)
    assert not asked_about_the_plan.declined and "juni 2031" in asked_about_the_plan.text
    done = [passage(
        "Evaluering af Seniorklubben\nEvalueringen af Seniorklubben viste, at 80 % af deltagerne var tilfredse.",
        "klub-2031", year=2031,
    )]
    assert "80 %" in ask("Hvad konkluderede evalueringen af Seniorklubben?", done).text


def test_headings_form_prompts_and_unticked_options_are_never_quoted(ask) -> None:  # type: ignore[no-untyped-def]
    form = (
        "Ansøgte midler til træning af ældre\n"
        "Vælg en eller flere fra listen.\n"
        "Styrke genoptræningsindsatsen\n"
        "X Styrke træningen i eget hjem\n"
        "Kompetenceudvikling af medarbejdere\n"
        "Formålet med indsatsen er, at flere ældre klarer sig selv i eget hjem."
    )
    units = {c.text: c for c in candidates([passage(form)])}
    assert units["Ansøgte midler til træning af ældre"].kind is Kind.HEADING
    assert not quotable(units["Ansøgte midler til træning af ældre"])
    assert not quotable(units["Styrke genoptræningsindsatsen"])
    assert not quotable(units["Vælg en eller flere fra listen."])
    assert quotable(units["X Styrke træningen i eget hjem"])
    glued = candidates([passage("Formålet med indsatsen Beskriv kort formålet med indsatsen.\nFormålet er at styrke træningen.")])
    assert [c.kind for c in glued] == [Kind.FORM, Kind.PROSE]
    answer = ask("Hvilke midler til træning af ældre søgte vi om?", [passage(form)])
    quoted = {c.quote for c in answer.citations}
    assert not quoted & {"Ansøgte midler til træning af ældre", "Styrke genoptræningsindsatsen", "Vælg en eller flere fra listen."}


def test_reference_lines_and_footnotes_are_never_quoted() -> None:
    notes = (
        "Udgifterne til botilbud er steget med 12 % siden 2019.\n"
        "Kilde: Danmarks Statistik, 2022\n"
        ") Autismeforeningen: ”Viden og fakta om autisme i Danmark” **) Delrapport 1 – foreløbige anbefalinger "
        "til en bæredygtig faglig og økonomisk udvikling af socialområdet (2023)\n"
        "Det er en stor udfordring for kommunen."
    )
    units = {c.text.strip(): c for c in candidates([passage(notes)])}
    assert quotable(units["Udgifterne til botilbud er steget med 12 % siden 2019."])
    footnotes = [c for text, c in units.items() if "Delrapport" in text or text.startswith("Kilde")]
    assert footnotes and not any(quotable(c) for c in footnotes)


def test_a_section_number_standing_alone_is_never_quoted() -> None:
    """"2a." split off a form's section heading once led an answer to "Hvor meget søgte kommunen?" as its amount."""
    form = "Borgeren får en plan for sin træning. 2a. Bedre praktisk hjælp og personlig pleje Vælg en eller flere fra listen."
    units = {c.text.strip(): c for c in candidates([passage(form)])}
    assert quotable(units["Borgeren får en plan for sin træning."])
    assert "2a." in units and not quotable(units["2a."])


def test_an_unrelated_passage_does_not_change_the_answer(ask) -> None:  # type: ignore[no-untyped-def]
    question = "Hvor mange unge havde en mentor i 2022?"
    alone = ask(question, [passage(MENTORS, "ungeindsats", year=2022)])
    widened = ask(question, [passage(MENTORS, "ungeindsats", year=2022), passage(UNRELATED, "trafik", year=2022, score=0.5)])
    assert "54 unge" in alone.text
    assert widened.text == alone.text


def test_a_list_question_gets_the_items_the_lead_in_announces_as_bullets(ask) -> None:  # type: ignore[no-untyped-def]
    first = passage("Indsatsen hviler på arbejdet i tre udvalg. Initiativerne er med til at indfri følgende politikker:", index=4)
    second = passage("Seniorpolitikken\nSundhedspolitikken\nFrivilligpolitikken\nHverdagstræning er et tilbud til alle.", index=5)
    answer = ask("Hvilke politikker er initiativerne med til at indfri?", [first, second])
    lines = answer.text.splitlines()
    assert lines[0].startswith("Initiativerne er med til at indfri følgende politikker:")
    for policy in ("Seniorpolitikken", "Sundhedspolitikken", "Frivilligpolitikken"):
        assert any(line.startswith(f"- {policy}") for line in lines)


def test_a_list_run_into_its_lead_in_s_line_is_answered_as_a_list(ask) -> None:  # type: ignore[no-untyped-def]
    """PDF extraction may flow a dash list into the paragraph that announces it."""
    note = (
        "Alle hjælpemidler er taget i brug, hvor der er behov.\n"
        "Sådan bruges de enkelte hjælpemidler: - 80 % af loftliftene bruges dagligt.\n"
        "- Badestolene bruges ved forflytninger. - Vendesengene står stadig på lager."
    )
    units = candidates([passage(note)])
    kinds = {c.text.strip(): c.kind for c in units}
    assert kinds["Sådan bruges de enkelte hjælpemidler:"] is Kind.LEAD_IN
    assert kinds["- 80 % af loftliftene bruges dagligt."] is Kind.ITEM
    answer = ask("Hvilke hjælpemidler bruges?", [passage(note)])
    lines = answer.text.splitlines()
    for item in ("80 % af loftliftene", "Badestolene", "Vendesengene"):
        assert any(line.startswith(f"- {item}") for line in lines), answer.text


def test_each_part_of_a_question_gets_its_own_unit(ask) -> None:  # type: ignore[no-untyped-def]
    answer = ask(
        "Hvor mange unge havde en mentor i 2022, og hvad kostede mentorstøtten?",
        [passage(MENTORS, "ungeindsats", year=2022)],
    )
    assert "54 unge" in answer.text and "1,9 mio" in answer.text


def test_a_list_question_gets_the_list_under_the_heading_that_names_what_it_asks_for(ask) -> None:  # type: ignore[no-untyped-def]
    # The background list's sentences share more words with the question than the short items do.
    background = passage(
        "Baggrund for den nye ældreplan\n"
        "• Ældreplanen skal samle kommunens indsatser for ældre i én fælles retning.\n"
        "• Flere ældre og færre medarbejdere betyder, at ældreplanen må finde nye løsninger.\n"
        "• Ældreplanen afløser den tidligere ældrepolitik fra 2018.",
        "aeldreplan", year=2023,
    )
    areas = passage(
        "Indsatsområder på tværs af planen\n• Bevægelse i hverdagen\n• Mad og måltider\n• Fællesskaber og frivillighed",
        "aeldreplan", 1, year=2023,
    )
    answer = ask("Hvilke indsatsområder går på tværs af den nye ældreplan?", [background, areas])
    lines = answer.text.splitlines()
    assert "Bevægelse i hverdagen" in lines[0]
    assert all(item in answer.text for item in ("Mad og måltider", "Fællesskaber og frivillighed"))
    assert "Ældreplanen" not in answer.text  # the other list is not what was asked for


def test_a_list_question_gets_no_second_list_under_a_heading_that_names_less_of_it(ask) -> None:  # type: ignore[no-untyped-def]
    goals = passage(
        "Målsætninger for kostplanen\n"
        "• Alle beboere får tilbudt et varmt måltid hver dag.\n"
        "• Flere beboere spiser sammen i fællesstuen.",
        "kostplan", year=2022,
    )
    experience = passage(
        "Erfaringer\n"
        "• Kostplanen har givet beboerne flere fælles måltider og bedre appetit.\n"
        "• Køkkenet har tilpasset kostplanen efter beboernes ønsker.",
        "kostplan", 1, year=2022,
    )
    answer = ask("Hvilke målsætninger har kostplanen?", [goals, experience])
    assert "varmt måltid" in answer.text and "fællesstuen" in answer.text
    assert "Køkkenet" not in answer.text and "bedre appetit" not in answer.text


def test_a_sentence_introducing_its_own_list_is_not_outranked_by_another_list_s_heading(ask) -> None:  # type: ignore[no-untyped-def]
    # The PDF flowed the list into its lead-in's line: no items are left, only the sentence that names them.
    spread = passage(
        "Puljen til ældreområdet – status 2022\n"
        "Midlerne fra puljen er i 2022 fordelt mellem følgende indsatser: Madklubben Besøgsvenner på plejecentret "
        "Træning i eget hjem Demensvenlig by\n"
        "Nedenfor beskrives målene for hver indsats.",
        "pulje-2022", year=2022,
    )
    volunteers = passage(
        "Indsatser på frivilligområdet under puljen\n"
        "På nuværende tidspunkt er to indsatser sat i gang.\n"
        "Det drejer sig om følgende indsatser:\n• Gåklub for seniorer\n• Strikkecafé i biblioteket",
        "pulje-2022", 1, year=2022,
    )
    answer = ask("Hvilke indsatser blev midlerne fra puljen fordelt på i 2022?", [spread, volunteers])
    assert "Madklubben" in answer.text.splitlines()[0]
    assert "Strikkecafé" not in answer.text and "Det drejer sig om" not in answer.text


def test_a_table_of_contents_is_no_answer_to_a_list_question(ask) -> None:  # type: ignore[no-untyped-def]
    contents = passage(
        "Indledning\n"
        "I dette notat gennemgås de væsentligste erfaringer og resultater fra de tre indsatser:\n"
        "1. Resultater for træning i hjemmet\n2. Resultater for madklubben\n3. Resultater for besøgsvennerne",
        "status-2016", year=2016,
    )
    club = passage(
        "Madklubben\nMadklubben har samlet 40 ældre hver uge, og flere deltagere har taget på i vægt.",
        "status-2016", 3, year=2016,
    )
    answer = ask("Hvilke resultater har madklubben haft?", [contents, club])
    assert not answer.declined and "40 ældre" in answer.text
    assert "Resultater for" not in answer.text


@pytest.mark.parametrize("question", ["Hvor mange penge fik Pårørendecaféen?", "Hvor mange penge gik til caféen?"])
def test_words_asking_for_money_need_not_stand_in_the_documents(ask, question: str) -> None:  # type: ignore[no-untyped-def]
    """The sum answers "hvor mange penge"; the documents write "kr.", not "penge"."""
    answer = ask(question, [passage(CAFE, "paaroerende", year=2022), passage(MENTORS, "ungeindsats", year=2022)])
    assert not answer.declined and "35.000" in answer.text.splitlines()[0]


def test_a_list_repeated_by_overlapping_chunks_is_quoted_once_and_no_lead_in_ends_the_answer(ask) -> None:  # type: ignore[no-untyped-def]
    first = (
        "Politiske mål\nInitiativerne opfylder mål i følgende politikker:\n• Seniorpolitikken\n• Sundhedspolitikken\n"
        "• Frivilligpolitikken\nEksempelvis opfylder træningen politikkernes mål på følgende måde:"
    )
    # The next chunk opens with the overlap: the same list, which the lead-in above does not announce.
    second = "• Seniorpolitikken\n• Sundhedspolitikken\n• Frivilligpolitikken\nTræningen holder borgerne længst muligt i eget hjem."
    answer = ask("Hvilke politikker opfylder initiativerne?", [passage(first, "status"), passage(second, "status", index=1)])
    assert not answer.declined and answer.text.count("Sundhedspolitikken") == 1
    assert not answer.text.splitlines()[-1].removesuffix(f" [{len(answer.citations)}]").endswith(":")


def test_a_follow_up_carries_the_previous_turn_s_topic(ask) -> None:  # type: ignore[no-untyped-def]
    passages = [passage(CAFE, "paaroerende", year=2022), passage(MENTORS, "ungeindsats", year=2022)]
    answer = ask("Hvad kostede det?", passages, MENTOR_CONVERSATION)
    assert answer.resolved_question and "mentor" in answer.resolved_question
    assert "1,9 mio" in answer.text and "35.000" not in answer.text


def test_a_follow_up_to_a_follow_up_keeps_the_topic_the_conversation_started_with(ask) -> None:  # type: ignore[no-untyped-def]
    """The turn before names nothing ("Hvad var målet?"); the topic is the one the first turn set."""
    passages = [passage(CAFE, "paaroerende", year=2022), passage(MENTORS, "ungeindsats", year=2022)]
    history = [*MENTOR_CONVERSATION, *exchange("Hvad var målet?", "Det kan jeg ikke finde i dokumenterne.")]
    answer = ask("Hvad kostede det?", passages, history)
    assert answer.resolved_question and "mentor" in answer.resolved_question
    assert "1,9 mio" in answer.text and "35.000" not in answer.text


def test_carrying_the_question_over_to_a_new_name_moves_the_conversation_there(ask) -> None:  # type: ignore[no-untyped-def]
    """"Hvad med X?" asks the last question about X, a name the conversation never used; what follows is about X."""
    passages = [passage(MENTORS, "ungeindsats", year=2022), passage(CAFE, "paaroerende", year=2022)]
    history = list(MENTOR_CONVERSATION)
    moved = ask("Hvad med Pårørendecaféen?", passages, history)
    assert "pårørende" in moved.text.splitlines()[0].lower() and "mentor" not in moved.text.lower()
    history += exchange("Hvad med Pårørendecaféen?", moved.text)
    cost = ask("Hvad kostede den?", passages, history)
    assert cost.resolved_question and cost.resolved_question.endswith("(om: Hvad med Pårørendecaféen?)")
    assert "35.000" in cost.text and "1,9 mio" not in cost.text


def test_a_follow_up_does_not_quote_again_what_the_previous_answer_said(ask) -> None:  # type: ignore[no-untyped-def]
    mentoring = (
        "Mentorstøtte til unge\n"
        "I 2022 havde 54 unge en mentor, som støttede dem i at møde stabilt op i uddannelse. "
        "Desuden kom 20 af de unge i praktik hos en lokal virksomhed gennem ordningen. "
        "Udgifterne til mentorstøtten udgjorde kr. 1,9 mio. i 2022."
    )
    history = exchange(
        "Hvor mange unge havde en mentor i 2022?", "I 2022 havde 54 unge en mentor, som støttede dem i at møde stabilt op i uddannelse. [1]"
    )
    for question in ("Hvor mange unge kom i praktik gennem ordningen?", "Og hvad mere fik de unge med mentor?"):
        answer = ask(question, [passage(mentoring, "ungeindsats", year=2022)], history)
        assert "20 af de unge i praktik" in answer.text and "54 unge" not in answer.text
    # What the follow-up itself asks for is quoted again, though the previous answer said it.
    again = ask("Og hvor mange unge havde en mentor?", [passage(mentoring, "ungeindsats", year=2022)], history)
    assert "54 unge" in again.text


def test_a_follow_up_gets_the_kind_of_content_it_asks_for_though_the_previous_answer_said_it(ask) -> None:  # type: ignore[no-untyped-def]
    # The previous answer gave the date in passing; another sentence with a year in it is no answer to "hvornår".
    club = (
        "Gåklubben\n"
        "Gåklubben har været i gang siden marts 2014, og 60 borgere går med hver uge. "
        "Klubben mødes ved biblioteket hver tirsdag formiddag. "
        "Kommunen gav kr. 20.000 til nye gåstave i 2016."
    )
    history = WALKING_CLUB_CONVERSATION
    answer = ask("Hvornår startede den?", [passage(club, "gaaklub", year=2016)], history)
    assert not answer.declined and answer.citations[0].quote.startswith("Gåklubben har været i gang siden marts 2014")


def test_a_follow_up_that_names_its_own_subject_is_answered_about_it(ask) -> None:  # type: ignore[no-untyped-def]
    """"Og X – ...?" moves the conversation to X; it keeps the earlier turn only as context."""
    passages = [passage(MENTORS, "ungeindsats", year=2022), passage(CAFE, "paaroerende", year=2022)]
    answer = ask("Og pårørendecaféen – hvor mange deltog i gennemsnit?", passages, MENTOR_CONVERSATION)
    assert "11 pårørende" in answer.text.splitlines()[0]


def test_a_sentence_is_quoted_once_though_another_chunk_glues_a_heading_to_it(ask) -> None:  # type: ignore[no-untyped-def]
    glued = "Træningsholdet på Egevang i 2019 deltog 40 borgere i træningsholdet på Egevang. Holdet er populært."
    answer = ask(
        "Hvor mange borgere var med på træningsholdet på Egevang i 2019?",
        [passage(TRAINING), passage(glued, "notat-2019-b", index=1)],
    )
    assert answer.text.count("40 borgere") == 1


@pytest.mark.parametrize(
    ("question", "text", "lead"),
    [
        (
            "Hvor mange borgere var med på træningsholdet på Egevang?",
            "Træningsholdet på Egevang\n"
            "Træningsholdet på Egevang er for borgere, der vil styrke balancen og deltage i træning sammen med andre "
            "borgere. Holdet havde 40 deltagere i foråret.",
            "Holdet havde 40 deltagere",
        ),
        (  # "70 % af borgerne" names the citizens but counts none of them
            "Hvor mange borgere fik hverdagsrehabilitering i 2021?",
            "Hverdagsrehabilitering 2021\n"
            "I 2021 blev 70 % af borgerne i hverdagsrehabilitering helt selvhjulpne. "
            "Med 64 borgere ved årets udgang er projektet bag sin plan.",
            "Med 64 borgere",
        ),
    ],
)
def test_an_answer_to_how_many_leads_with_the_sentence_holding_the_count(ask, question: str, text: str, lead: str) -> None:  # type: ignore[no-untyped-def]
    answer = ask(question, [passage(text)])
    assert answer.text.splitlines()[0].startswith(lead)


def test_a_sentence_about_the_number_before_it_comes_after_that_number(ask) -> None:  # type: ignore[no-untyped-def]
    """"Antallet er lavere …" speaks of the number the sentence before it gave; "Antallet af …" names its own."""
    note = (
        "Klippekort til hjemmeboende ældre\nMål\n"
        "I 2019 vil 50-60 ældre borgere få glæde af en halv times ekstra hjælp om ugen.\n"
        "Status\nFra januar til maj 2019 har 21 borgere brugt klippekortet. "
        "Antallet er lavere end forventet på dette tidspunkt af året. "
        "Dette skyldes den nye kvalitetsstandard for klippekortordningen."
    )
    quotes = [c.quote for c in ask("Hvordan går det med klippekortet?", [passage(note)]).citations]
    lower = quotes.index("Antallet er lavere end forventet på dette tidspunkt af året.")
    assert quotes[lower - 1] == "Fra januar til maj 2019 har 21 borgere brugt klippekortet."
    started = "Holdet startede i maj med 14 deltagere. Antallet er højere end ventet."
    units = {c.text.strip(): c for c in candidates([passage(started)])}
    assert units["Antallet er højere end ventet."].inherited == units["Holdet startede i maj med 14 deltagere."].terms
    own = {c.text.strip(): c for c in candidates([passage("Holdet startede i maj. Antallet af deltagere er 14.")])}
    assert not own["Antallet af deltagere er 14."].inherited


def test_a_formal_subject_is_no_reference_back(ask) -> None:  # type: ignore[no-untyped-def]
    """"Det foreslås, at ..." refers to nothing: the sentence before it is not pulled in front of it."""
    training = (
        "Hverdagstræning i eget hjem\n"
        "Gennem hverdagstræning i eget hjem er omkring 100 ældre borgere blevet mere selvhjulpne. "
        "Træningen i eget hjem tager udgangspunkt i borgerens egen hverdag. "
        "Det foreslås, at indsatsen gøres permanent med et årligt budget på 441.000 kr."
    )
    history = exchange(
        "Hvor mange borgere har fået hverdagstræning i eget hjem?", "Gennem hverdagstræning i eget hjem er omkring 100 ældre borgere blevet mere selvhjulpne. [1]"
    )
    answer = ask("Hvad koster den om året?", [passage(training, "hverdagstraening", year=2015)], history)
    assert "441.000" in answer.text.splitlines()[0]


def test_the_same_line_under_another_initiative_s_heading_is_not_added(ask) -> None:  # type: ignore[no-untyped-def]
    """A yearly note repeats "Der er afsat kr. ..." under every initiative: only the asked one's is the answer."""
    note = (
        "Klubtilbud\nDer er afsat kr. 200.000 i 2019. Klubben mødes hver uge i aktivitetshuset.\n"
        "Cykelværksted\nDer er afsat kr. 150.000 i 2019. Værkstedet har åbent om lørdagen."
    )
    answer = ask("Hvor mange penge er der afsat til klubtilbuddet i 2019?", [passage(note)])
    assert "200.000" in answer.text and "150.000" not in answer.text


def test_a_question_that_stands_alone_has_no_resolved_question(ask) -> None:  # type: ignore[no-untyped-def]
    answer = ask("Hvor mange unge havde en mentor i 2022?", [passage(MENTORS, "ungeindsats", year=2022)])
    assert answer.resolved_question is None


def test_a_sentence_that_refers_back_comes_after_the_sentence_it_refers_to(ask) -> None:  # type: ignore[no-untyped-def]
    text = (
        "Klippekortet blev indført i foråret. Kun 21 borgere har brugt klippekortordningen indtil videre. "
        "Dette skyldes den nye kvalitetsstandard for klippekortordningen."
    )
    answer = ask("Hvorfor har så få borgere brugt klippekortordningen?", [passage(text)])
    quotes = [c.quote for c in answer.citations]
    reason = "Dette skyldes den nye kvalitetsstandard for klippekortordningen."
    assert reason in quotes
    assert quotes.index("Kun 21 borgere har brugt klippekortordningen indtil videre.") == quotes.index(reason) - 1



def test_a_sentence_pointing_back_with_a_pronominal_adverb_follows_the_sentence_it_points_to(ask) -> None:  # type: ignore[no-untyped-def]
    """"Vejen dertil …", "Herudover …" speak of what the sentence before said; quoted first, the answer opens on
    a reference to nothing."""
    text = (
        "Indsatsen mod ensomhed\n"
        "Visionen er et lokalsamfund, hvor ingen ældre føler sig ensomme. "
        "Vejen dertil går gennem indsatser mod ensomhed i både foreninger, plejecentre og boligområder i hele kommunen."
    )
    answer = ask("Hvad er visionen for indsatser mod ensomhed i foreninger og plejecentre?", [passage(text)])
    quotes = [c.quote for c in answer.citations]
    pointing = next((i for i, q in enumerate(quotes) if q.startswith("Vejen dertil")), None)
    assert pointing != 0, answer.text
    if pointing is not None:
        assert quotes[pointing - 1].startswith("Visionen er et lokalsamfund"), answer.text


def test_a_chain_of_references_back_is_quoted_from_its_start(ask) -> None:  # type: ignore[no-untyped-def]
    """"I stedet …" refers back to "Dette ønske …", which refers back in turn: quoted alone, either says
    nothing; the answer reads them from the sentence that names what they refer to."""
    story = (
        "Hverdagstræning hos Karen\n"
        "Karen havde et stort ønske om at kunne cykle igen efter sin hofteoperation. "
        "Dette ønske var ikke realistisk. "
        "I stedet lærte Karen gennem hverdagstræningen at gå på trapper uden hjælp."
    )
    answer = ask("Hvad lærte Karen gennem hverdagstræningen?", [passage(story)])
    quotes = [c.quote for c in answer.citations]
    instead = next(i for i, q in enumerate(quotes) if q.startswith("I stedet lærte Karen"))
    assert quotes[instead - 2 : instead] == [
        "Karen havde et stort ønske om at kunne cykle igen efter sin hofteoperation.",
        "Dette ønske var ikke realistisk.",
    ]

CAFE_PARTNERS = (
    "Pårørendecaféen\n"
    "Caféen drives i samarbejde med Demensforeningen Vestegnen og Egevang Bibliotek. "
    "Der har i gennemsnit deltaget 11 pårørende pr. gang."
)


@pytest.mark.parametrize(
    ("question", "wants_name"),
    [
        ("Hvem driver pårørendecaféen?", True),
        ("Og hvem betaler for den?", True),
        ("Hvilken leverandør har vi valgt til nødkaldet?", True),
        ("Hvilke samarbejdspartnere har caféen?", True),
        ("Ved vi, hvem der kommer i caféen?", False),  # asks about a group, not for a name
        ("Er der forskel på, hvem der kommer i caféen?", False),
        ("Hvem er målgruppen for caféen?", False),  # a group of people, described rather than named
        ("Hvem var deltagerne på holdet?", False),
        ("Hvem leverer nødkaldet til borgerne?", True),
        ("Hvilke aktiviteter har caféen?", False),
    ],
)
def test_who_questions_ask_for_a_name(question: str, wants_name: bool) -> None:
    _, parts = split_question(question)
    assert any(QuestionPart.of(part).wants_name for part in parts) is wants_name


@pytest.mark.parametrize(
    ("question", "wants_list"),
    [
        ("Hvilke aktiviteter har caféen?", True),
        ("Hvad er målene for caféen?", True),
        ("Hvad var de vigtigste resultater af caféen?", True),
        ("Hvad er de overordnede mål for caféen?", True),
        ("Hvad er målet for caféen?", False),
        ("Hvad er Torsdagsklubben?", False),
        ("Hvilken karakter fik caféen ved tilsynet?", False),
    ],
)
def test_a_plural_asked_for_by_hvad_is_a_list_question(question: str, wants_list: bool) -> None:
    assert QuestionPart.of(question).wants_list is wants_list


@pytest.mark.parametrize(
    ("question", "wants_amount"),
    [
        ("Hvad kostede caféen?", True),
        ("Hvad var budgettet til caféen i 2022?", True),
        ("Hvor mange penge fik caféen?", True),
        ("Hvad skete der med budgettet til caféen efter 2022?", False),
        ("Hvad brugte caféen pengene på?", False),
        ("Hvilke aktiviteter fik caféen penge til?", False),
    ],
)
def test_a_sum_is_asked_for_by_its_own_words_not_by_naming_money(question: str, wants_amount: bool) -> None:
    assert QuestionPart.of(question).wants_amount is wants_amount


def test_a_sentence_a_report_repeats_with_a_word_changed_is_quoted_once(ask) -> None:  # type: ignore[no-untyped-def]
    summary = (
        "Resumé\nOmkring 300 personer har indtil nu været involveret af aktiviteter under Seniornetværket, "
        "som samler frivillige og foreninger mod ensomhed blandt ældre."
    )
    body = (
        "Seniornetværket\nOmkring 300 personer har indtil nu været involveret i aktiviteter under Seniornetværket, "
        "som samler frivillige og foreninger i kampen mod ensomhed blandt ældre."
    )
    answer = ask("Hvor mange personer har været involveret i Seniornetværket?", [passage(summary), passage(body, index=1)])
    assert not answer.declined and answer.text.count("Omkring 300 personer") == 1
    # The same sentence with other figures is another fact (next year's note), and both may be quoted.
    later = body.replace("300", "420").replace("indtil nu", "i 2021")
    both = ask("Hvor mange personer har været involveret i Seniornetværket?", [passage(body), passage(later, "notat-2021", 1, 2021)])
    assert "300 personer" in both.text and "420 personer" in both.text


def test_how_much_is_answered_by_a_sum_whatever_the_verb(ask) -> None:  # type: ignore[no-untyped-def]
    # "Hvor meget" asks for a mass: a sum of money answers it even when the question names no money word.
    paid = (
        "Rygestop\n"
        "Kurserne holdes i samarbejde med nabokommunerne. "
        "Kommunen betaler årligt 45.000 kroner for koordinering af kurserne."
    )
    answer = ask("Hvor meget betaler kommunen årligt for rygestopkurserne?", [passage(paid, year=2022)])
    assert not answer.declined and "45.000 kroner" in answer.text
    assert QuestionPart.of("Hvor meget betaler kommunen for kurserne?").wants_measure
    assert not QuestionPart.of("Hvor mange deltog i kurserne?").wants_measure


def test_a_who_question_is_answered_by_a_name_or_declined(ask) -> None:  # type: ignore[no-untyped-def]
    named = ask("Hvem driver pårørendecaféen sammen med kommunen?", [passage(CAFE_PARTNERS, year=2022)])
    assert not named.declined and "Demensforeningen Vestegnen" in named.text
    nameless = ask("Hvem driver pårørendecaféen sammen med kommunen?", [passage(CAFE, year=2022)])
    assert nameless.declined
    # A label glued to its sentence by the PDF ("Status Overordnet ...") is capitalised for its place, not a name.
    glued = "Nødkald\nStatus Overordnet set er alle de nye nødkald i drift hos borgerne i eget hjem."
    assert ask("Hvem leverer de nye nødkald?", [passage(glued, year=2022)]).declined
    # A common noun capitalised by a reflowed list or a quotation is no name either: it is written in
    # lower case elsewhere in the same text.
    reflowed = (
        "Nødkald\n"
        "Indsatserne er Nødkald Skærmbesøg Vasketoiletter og sensorer i natplejen.\n"
        '• "Skærmbesøget er blevet en fast del af min morgen," siger en borger.\n'
        "De nye nødkald, skærmbesøg og vasketoiletter er i drift hos borgerne i eget hjem."
    )
    assert ask("Hvem leverer de nye nødkald?", [passage(reflowed, year=2022)]).declined
    # The municipality's own name, in most of what was found, is the setting and not who did it.
    local = [
        passage(
            "Nødkald\nI 2022 fik 40 borgere i Egevang et nyt nødkald i eget hjem. Nødkaldet kan bæres om halsen.",
            "nodkald", year=2022,
        ),
        passage("Træning\nTræningsholdet i Egevang mødes to gange om ugen.", "traening", year=2022),
    ]
    assert ask("Hvem leverer nødkaldet til borgerne?", local).declined


def test_items_of_one_list_are_quoted_together_in_the_lists_own_order() -> None:
    timeline = (
        "Tidsplan for caféen:\n"
        "• 3. februar – Caféen åbner for pårørende\n"
        "• 10. marts – Første temaaften med en demenskoordinator\n"
        "• 5. maj – Evaluering med de frivillige\n"
        "Caféen holdes i aktivitetscentrets sal."
    )
    units = {c.text.strip()[:12]: c for c in candidates([passage(timeline)])}
    may, hall, february, march = units["• 5. maj – E"], units["Caféen holde"], units["• 3. februar"], units["• 10. marts "]
    assert _lists_together([may, hall, february, march]) == [february, march, may, hall]
    assert _lists_together([hall, march]) == [hall, march]


def test_a_how_many_answer_takes_the_ranked_count_below_the_chosen_sentences() -> None:
    """Two sentences about the asked thing outrank the one holding the count; the count is still quoted,
    first, because the ranker backs it within the composition's add ratio."""
    text = (
        "Alle nye beboere får en kontaktmedarbejder ved indflytningen. "
        "Kontaktmedarbejderen besøger borgeren i eget hjem før indflytningen. "
        "I 2022 er 9 borgere flyttet ind med en kontaktmedarbejder."
    )
    pool = [c for c in candidates([passage(text, year=2022)]) if quotable(c)]
    matrix = np.zeros((len(pool), len(FEATURES)), np.float32)
    matrix[:, FEATURES.index("passage_topic")] = 1.0
    matrix[2, FEATURES.index("typed_match")] = 1.0
    composition = Composition(decline_below=0.1, add_ratio=0.4, max_units=2, require_year=False)
    answer = compose(
        analyse("Hvor mange borgere er flyttet ind med en kontaktmedarbejder?"), pool, np.array([0.8, 0.7, 0.4]),
        composition, matrix=matrix,
    )
    assert not answer.declined and answer.text.startswith("I 2022 er 9 borgere")
    too_weak = compose(
        analyse("Hvor mange borgere er flyttet ind med en kontaktmedarbejder?"), pool, np.array([0.8, 0.7, 0.2]),
        composition, matrix=matrix,
    )
    assert too_weak.declined


def test_after_the_lead_consecutive_sentences_read_in_the_document_s_order() -> None:
    """The ranker puts "Antallet er lavere …" above the sentence with the number it speaks of; the answer
    reads them as the note wrote them, after the lead."""
    text = (
        "Klippekort\n"
        "Målet er, at 50 ældre borgere i 2019 får en halv times ekstra hjælp om ugen. "
        "Fra januar til maj har 21 borgere brugt klippekortet. "
        "Antallet er lavere end forventet på dette tidspunkt af året. "
        "Dette skyldes den nye kvalitetsstandard for ordningen."
    )
    pool = [c for c in candidates([passage(text, year=2019)]) if quotable(c)]
    assert [c.text[:6] for c in pool] == ["Målet ", "Fra ja", "Antall", "Dette "]
    composition = Composition(decline_below=0.1, add_ratio=0.4, max_units=4, require_year=False, require_type=False)
    answer = compose(analyse("Hvordan går det med klippekortet?"), pool, np.array([0.8, 0.45, 0.6, 0.5]), composition)
    assert [c.quote[:6] for c in answer.citations] == ["Målet ", "Fra ja", "Antall", "Dette "]


def test_a_list_item_that_only_names_a_topic_answers_which_not_how() -> None:
    """"1. Madklubben" names an offer: the answer to "hvilke tilbud …?", not to how one of them is doing."""
    text = (
        "Tilbud til ældre\n"
        "Notatet gennemgår kommunens to tilbud:\n1. Madklubben i Gårdhaven\n2. Besøgsvenner\n"
        "Madklubben har i år haft 25 faste gæster hver uge."
    )
    pool = [c for c in candidates([passage(text, year=2022)]) if quotable(c)]
    items = [c.text for c in pool if c.is_label_item]
    assert items == ["1. Madklubben i Gårdhaven", "2. Besøgsvenner"]
    probabilities = np.array([0.9 if c.is_label_item else 0.5 for c in pool])
    composition = Composition(decline_below=0.1, add_ratio=0.4, max_units=3, require_year=False, require_type=False)
    how = compose(analyse("Hvordan går det med madklubben?"), pool, probabilities, composition)
    assert how.citations and not any(c.quote in items for c in how.citations)
    which = compose(analyse("Hvilke tilbud har kommunen til ældre?"), pool, probabilities, composition)
    assert [c.quote for c in which.citations if c.quote in items] == items


def test_the_best_sentence_brings_its_paragraph_neighbour_after_it_not_another_heading_s() -> None:
    """Past ``max_units``, the next most probable sentence under the best unit's heading joins it, after it
    even when it stands before it in the text (the answer leads with what answers best); a sentence under
    another heading at the same probability does not."""
    text = (
        "Besøgsvenner\n"
        "Besøgsvennerne er frivillige, der kommer hos ældre, som bor alene. "
        "I 2021 fik 37 ældre en fast besøgsven, og 12 står på venteliste.\n"
        "Telefonkæden\n"
        "Telefonkæden ringer hver morgen til 20 ældre, som har bedt om det."
    )
    pool = [c for c in candidates([passage(text, year=2021)]) if quotable(c)]
    intro, result, phone = pool
    assert intro.block == result.block != phone.block
    question = analyse("Hvad har besøgsvennerne opnået?")
    probabilities = np.array([0.3, 0.8, 0.3])

    def quoted(block_ratio: float) -> list[str]:
        composition = Composition(decline_below=0.1, add_ratio=0.9, max_units=1, block_ratio=block_ratio)
        answer = compose(question, pool, probabilities, composition)
        assert not answer.declined
        return [c.quote for c in answer.citations]

    assert quoted(block_ratio=0.3) == [result.text.strip(), intro.text.strip()]
    assert quoted(block_ratio=0.5) == [result.text.strip()]


def test_a_lead_in_whose_list_is_written_as_paragraphs_brings_the_first_of_them() -> None:
    """"... er blevet tydeligt, at:" says nothing on its own; with no items after it, the statement after it
    is what it announces."""
    text = (
        "Caféerne har sat meget i gang, og det er blevet tydeligt, at:\n"
        "Nye venskaber opstår over en bid mad: Flere deltagere mødes nu også uden for caféen.\n"
        "Hjemmehjælpen er vigtig: Mange kommer kun af sted, fordi de følges med deres hjælper."
    )
    pool = [c for c in candidates([passage(text, year=2021)]) if quotable(c)]
    lead_in = pool[0]
    assert lead_in.kind is Kind.LEAD_IN
    probabilities = np.array([0.9] + [0.05] * (len(pool) - 1))
    composition = Composition(decline_below=0.1, add_ratio=0.9, max_units=1, require_year=False)
    answer = compose(analyse("Hvad har caféerne sat i gang?"), pool, probabilities, composition)
    quoted = [c.quote for c in answer.citations]
    assert len(quoted) == 2 and "Flere deltagere mødes nu også uden for caféen" in quoted[1]


def application_pages(pages: list[tuple[str, str]] | tuple[tuple[str, str], ...]) -> list[Passage]:
    """One application's pages as passages, one per page: (the section ingest found, the page text)."""
    return [
        Passage(Chunk(
            f"ansoegning-madklub:{i}", "ansoegning-madklub", "v1", text, "ansoegning-madklub.pdf", "Ansøgning om midler",
            "ansoegning", 2021, i + 1, i + 1, section, 0, 0, i,
        ), 1.0 - i / 10)
        for i, (section, text) in enumerate(pages)
    ]


APPLICATION_PAGES = (
    "Ansøgning om midler til Gårdhavens madklub\nFormål\n"
    "Gårdhavens madklub skal give ældre, der spiser alene, et fast måltidsfællesskab hver uge.",
    "Målgruppe\nMålgruppen er hjemmeboende borgere over 70 år, som har tabt sig utilsigtet det seneste halve år.\n"
    "Der lægges særlig vægt på borgere, som bor alene.",
)
TWO_INITIATIVES = (
    "Gårdhavens madklub\n"
    "Madklubben mødes hver tirsdag i Gårdhavens køkken.\n"
    "Cykelværkstedet\n"
    "Cykelværkstedet retter sig mod borgere over 70 år, som har brug for hjælp til at holde cyklen kørende."
)


def test_a_draft_section_draws_on_the_whole_application_but_only_the_topic_s_section_of_a_note(ask) -> None:  # type: ignore[no-untyped-def]
    """An application is about its project from its first page to its last, so its target-group page is used
    though it never repeats the project's name; in a note, text under another initiative's heading is not."""
    application = application_pages([("", text) for text in APPLICATION_PAGES])
    draft = ask(
        "Vi søger igen til Gårdhavens madklub: skriv afsnittet om målgruppen",
        [*application, passage(TWO_INITIATIVES, doc_id="status-2021", year=2021)], mode="draft",
    )
    assert not draft.declined
    quoted = [c.quote for c in draft.citations]
    assert any(q.startswith("Målgruppen er hjemmeboende borgere over 70 år") for q in quoted)
    assert not any("Cykelværkstedet" in q for q in quoted)


FORM_PAGES = (  # (section found at ingest, page text)
    ("Om ansøgeren", "Skema til puljen for fællesspisning\nOm ansøgeren\n"
     "Fristen for ansøgninger til puljen er 1. marts 2021, og svar gives i april. Skemaet sendes til puljens "
     "sekretariat for ældre borgere. Ansøger er kommunens center for ældre, og projektet hedder Gårdhavens madklub.\n"
     "Ansøger: Kommunens center for ældre Titel: Gårdhavens madklub for ældre borgere "
     "Kontaktperson: Udviklingskonsulent i centret for ældre Beløb: kr. 300.000"),
    ("B. Målgruppe og rekruttering", "B. Målgruppe og rekruttering\nMålgruppen er hjemmeboende borgere over 70 år, "
     "som har tabt sig utilsigtet. Mange af borgerne bor alene og har mistet lysten til at lave mad."),
)


def test_a_draft_section_opens_with_the_text_written_under_its_own_name(ask) -> None:  # type: ignore[no-untyped-def]
    """A form's header may rank as high as anything for a section; the paragraph still opens with what the
    earlier application wrote under the section's name, as a person reusing it would, and never quotes the
    form's fields read as one line."""
    application = application_pages(FORM_PAGES)
    draft = ask("Vi vil søge til Gårdhavens madklub igen – skriv et afsnit om målgruppen", application, mode="draft")
    assert not draft.declined
    assert draft.text.startswith("Målgruppe\nMålgruppen er hjemmeboende borgere over 70 år"), draft.text
    assert "Kontaktperson:" not in draft.text


PROJECT_PARTS = (
    "Gårdhavens madklub\nProjektet har tre dele:\n1. Fælles madlavning for ældre i Gårdhavens køkken\n"
    "2. Kørsel til og fra madklubben for ældre med gangbesvær\n3. Besøg af en frivillig madven for de ældre hjemme\n"
    "Madklubben giver ældre, der spiser alene, et fast måltidsfællesskab hver uge. "
    "Ældre med gangbesvær bliver hentet og bragt, så de også kan være med i madklubben."
)


def test_a_draft_paragraph_does_not_quote_the_entries_of_a_numbered_list(ask) -> None:  # type: ignore[no-untyped-def]
    """A numbered list's entries name the parts of a project, as headings do; set in a paragraph they read as
    fragments, so a draft quotes the sentences around them."""
    draft = ask("Skriv et afsnit om formålet med Gårdhavens madklub", [passage(PROJECT_PARTS, year=2021)], mode="draft")
    assert not draft.declined
    quoted = [c.quote for c in draft.citations]
    assert quoted and not any(q[:1].isdigit() for q in quoted), quoted


def test_a_draft_sentence_that_refers_back_follows_the_sentence_it_refers_to() -> None:
    """The best block's best sentences open a paragraph, but "Disse projekter …" read before the projects are
    named says nothing: it follows its antecedent wherever that was picked."""
    text = (
        "Madprojekter for ældre\n"
        "Madklubben samler hver uge 25 ældre om et fælles måltid i Gårdhaven. "
        "Kommunen har også startet madvenner og fællesspisning på plejecentrene. "
        "Disse projekter har vist, at ældre spiser mere, når de spiser sammen med andre. "
        "Flere ældre har taget på i vægt efter et halvt år i madklubben."
    )
    pool = [c for c in candidates([passage(text, year=2021)]) if quotable(c)]
    antecedent = next(i for i, c in enumerate(pool) if c.text.startswith("Kommunen har også"))
    probabilities = np.full(len(pool), 0.5)
    probabilities[antecedent] = 0.1  # below the best block's share of the paragraph
    section = Section("Formål", ("formål",), "Hvad er formålet")
    picked = _pick(pool, probabilities, {_place(c) for c in pool}, set(), 0.05, 4, section)
    texts = [c.text for c in picked]
    referring = next(i for i, t in enumerate(texts) if t.startswith("Disse projekter"))
    assert texts[referring - 1].startswith("Kommunen har også"), texts


EXERCISE_CLASS_SENTENCES = (
    "Holdet mødes tirsdag formiddag i idrætshallen.",
    "Deltagerne træner balance og styrke sammen med en fysioterapeut.",
    "Mange deltagere fortæller, at holdet har givet dem nye venner i lokalområdet.",
)
EXERCISE_CLASS = "Motionsholdet i hallen\n" + " ".join(EXERCISE_CLASS_SENTENCES)
EXERCISE_ASIDES = (
    "Økonomi\nMotionsholdet er gratis for deltagerne, og udgiften på kr. 40.000 dækkes af puljen.\n"
    "Venteliste\nDer er venteliste til motionsholdet, og 12 borgere venter på at blive deltagere.\n"
    "Kørsel\nDeltagere med gangbesvær får kørsel til motionsholdet, så de også kan være med.\n"
    "Instruktør\nEn frivillig instruktør hjælper deltagerne på motionsholdet med øvelserne."
)


def test_a_draft_paragraph_reuses_the_text_written_about_its_subject(context: AppContext) -> None:
    """A paragraph is drawn first from the heading's stretch that best answers it (up to half the paragraph),
    then from the best one-line mentions under other headings: staff reuse what was written on the subject,
    though a single sentence elsewhere may outrank part of it."""
    passages = [passage(EXERCISE_CLASS, index=0), passage(EXERCISE_ASIDES, index=1)]
    assistant = Assistant(ListRetriever(passages), context.embedder, AnswerConfig(draft_units=5))
    draft = assistant.answer("Skriv et kort afsnit om, hvad motionsholdet giver deltagerne", [], mode="draft")
    assert not draft.declined
    quoted = [c.quote for c in draft.citations]
    assert len(quoted) == 5 and set(EXERCISE_CLASS_SENTENCES) <= set(quoted), draft.text


INITIATIVES_WITH_FIELDS = (
    "Status på indsatserne\n"
    "Madvenner Der er afsat kr. 120.000 i 2024.\n"
    "Mål I 2024 skal 30 ældre have en fast madven, der kommer på besøg hver uge.\n"
    "Status Fra januar til maj 2024 har 18 ældre fået en madven gennem Madvenner.\n"
    "Cykelture Der er afsat kr. 80.000 i 2024.\n"
    "Mål I 2024 skal der køres 400 ture med beboere fra plejecentrene.\n"
    "Status Fra januar til maj 2024 er der kørt 150 ture med beboere i Cykelture. Antallet af ture i Cykelture er "
    "lavere end forventet. Arbejdet med at udbrede Cykelture til flere plejecentre fortsætter resten af året."
)


def test_a_field_label_repeated_under_each_initiative_stands_under_its_initiative(ask) -> None:  # type: ignore[no-untyped-def]
    """"Mål" and "Status" recur under every initiative of a status note: they name a field of the initiative
    above them, so the goal sentence, which never repeats the initiative's name, is still its goal and leads
    the answer to a question about the goal, before the status sentence that does name the initiative."""
    pool = candidates([passage(INITIATIVES_WITH_FIELDS, year=2024)])
    goal = next(c for c in pool if c.text.startswith("I 2024 skal der køres"))
    assert goal.heading_text == "Cykelture Mål"
    assert set(content_terms("Cykelture mål")) <= goal.terms.stems  # its own subject, as a run-in label's sentence
    answer = ask("Hvad er målet for Cykelture?", [passage(INITIATIVES_WITH_FIELDS, year=2024)])
    assert not answer.declined
    assert answer.citations[0].quote.startswith("I 2024 skal der køres 400 ture"), answer.text  # leads
    assert not any("madven" in c.quote for c in answer.citations)


def test_an_amount_counts_only_from_a_passage_naming_what_the_question_is_about(ask) -> None:  # type: ignore[no-untyped-def]
    """Common words of the question ("ny", "kommune") can cover more of it than its one rare word; a sum from
    a passage sharing only those is another thing's price."""
    skatepark = (
        "Skateparken ved stationen\n"
        "I skateparken er der hver uge åbne hold for børn og unge. "
        "Skateparken bruges også af skolernes idrætshold om formiddagen."
    )
    fee = (
        "Den nye ordning for kommunens ældre\n"
        "Den nye ordning blev indført i kommunen i foråret. "
        "Kommunen betaler årligt 60.000 kroner for den nye ordning."
    )
    others = [
        passage("Borgerrådgiveren\nKommunen har fået en ny borgerrådgiver, som hjælper borgere med klager.", "notat-2021", 2),
        passage("Nye boliger\nKommunen bygger nye boliger til unge ved stranden.", "notat-2022", 3),
    ]
    passages = [passage(skatepark), passage(fee, "notat-2020", 1, 2020), *others]
    answer = ask("Hvad kostede den nye skatepark i kommunen?", passages)
    assert answer.declined and "60.000" not in answer.text


def test_a_passage_writing_the_asked_compound_apart_is_about_it(ask) -> None:  # type: ignore[no-untyped-def]
    """A note on yoga where "et hold" needs eight participants answers for the question's "yogahold"; a rare
    verb of the question ("oprette") in an unrelated passage made that note look off topic, and the count it
    gives was declined."""
    walks = (
        "Motion for seniorer\n"
        "Der er i år gennemført 12 forløb med yoga på biblioteket. "
        "Der skal mindst være 8 deltagere, før et hold kan starte."
    )
    other = "Nye foreninger\nKommunen hjælper borgere, der vil oprette en ny forening, med vedtægter og lokaler."
    busy = [
        passage("Pårørendecaféen\nCaféen havde i år 20 deltagere pr. gang i gennemsnit.", "notat-2021", 2, 2021),
        passage("Sorggrupper\nDe to sorggrupper har i alt 14 deltagere.", "notat-2022", 3, 2022),
    ]
    answer = ask(
        "Hvor mange deltagere skal der være for at oprette et yogahold?",
        [passage(walks), passage(other, "notat-2020", 1, 2020), *busy],
    )
    assert not answer.declined and "8 deltagere" in answer.text, answer.text


def test_a_rate_in_the_question_is_no_topic_word_the_documents_must_repeat(ask) -> None:  # type: ignore[no-untyped-def]
    """"Om året" says how the sum is counted; a note writes "årligt" or a budget line, so a question
    ending in it is not mostly about words the documents never use."""
    budget = (
        "Hjemmetræning\n"
        "Hjemmetræningen er gjort permanent efter forsøget. "
        "Der er afsat et budget på 320.000 kr. årligt til hjemmetræningen."
    )
    passages = [passage(budget, year=2022), passage(TRAINING, "notat-2020", 1), passage(UNRELATED, "notat-2021", 2)]
    answer = ask("Hvor meget koster hjemmetræningen om året?", passages)
    assert not answer.declined and "320.000 kr." in answer.text


def test_a_question_over_several_years_gets_a_figure_for_each_year(ask) -> None:  # type: ignore[no-untyped-def]
    """Yearly notes repeat each other; the figures of the years a comparison asks for must all be quoted,
    not only those of the note that ranks best."""
    notes = [
        passage(f"Værestedet\nVærestedet har åbent hver dag. Der var {visitors} faste gæster på værestedet i {year}.", f"notat-{year}", i, year)
        for i, (year, visitors) in enumerate([(2019, 31), (2020, 24), (2021, 38), (2022, 45)])
    ]
    answer = ask("Hvor mange faste gæster havde værestedet fra 2019 til 2022?", notes)
    assert not answer.declined
    assert all(str(visitors) in answer.text for visitors in (31, 24, 38, 45))


def test_how_many_leads_with_the_number_that_counts_the_asked_noun(ask) -> None:  # type: ignore[no-untyped-def]
    """Another count in the same paragraph answers something else: the members are counted by
    "412 medlemmer", not by how many places were visited."""
    portal = (
        "Venneportalen\n"
        "Over 30 steder i kommunen er besøgt af venneportalen.dk med oplæg om portalen for nye medlemmer. "
        "Venneportalen er et digitalt fællesskab, hvor borgere finder andre med samme interesser. "
        "Der er nu 412 medlemmer, svarende til 2 % af borgerne over 14 år."
    )
    answer = ask("Hvor mange medlemmer har venneportalen i dag?", [passage(portal, year=2022), passage(UNRELATED, "notat-2021", 1)])
    assert not answer.declined and "412 medlemmer" in answer.text.split("\n")[0]


def test_a_figure_beside_the_asked_term_is_told_from_a_figure_about_something_else(context: AppContext) -> None:
    """"13 % er ensomme" counts the lonely; "62 % af brugerne …" in the same note counts something else."""
    note = passage(
        "Ensomhed blandt ældre\nBoblberg har 300 brugere i kommunen, og 62 % af brugerne henvender sig til borgere i "
        "andre kommuner. Sundhedsprofilen viser, at 13 % er ensomme.",
        "notat",
    )
    assistant = Assistant(ListRetriever([note]), context.embedder, AnswerConfig())
    column = FEATURES.index("figure_beside_term")

    def beside(question: str) -> dict[str, float]:
        analysis = analyse(question)
        prepared = assistant.extractive.prepare(analysis, assistant.retrieve(analysis, "answer", None))
        return {unit.text[:12]: float(row[column]) for unit, row in zip(prepared.pool, prepared.matrix)}

    lonely = beside("Hvor mange borgere er ensomme?")
    assert lonely["Sundhedsprof"] == 1.0 and lonely["Boblberg har"] == 0.0
    assert beside("Hvor mange brugere har Boblberg?")["Boblberg har"] == 1.0
    assert set(beside("Hvad er Boblberg?").values()) == {0.0}  # not a question about a figure


def test_what_is_x_leads_with_the_sentence_under_the_heading_x(ask) -> None:  # type: ignore[no-untyped-def]
    """The sentence under an initiative's heading says what it is; the later ones repeat its name more often."""
    cafe = (
        "Seniorcaféen\n"
        "Et mødested for ældre over 65 år, der vil spise sammen og møde nye mennesker.\n"
        "Seniorcaféen holder åbent tre dage om ugen, og Seniorcaféen har i år haft 40 faste gæster. "
        "I Seniorcaféen samarbejder frivillige og ansatte om at lave maden."
    )
    answer = ask("Hvad er Seniorcaféen?", [passage(cafe, "cafe")])
    assert answer.text.splitlines()[0].startswith("Seniorcaféen: Et mødested for ældre")
    # Asked for its status, the heading does not hold the question: the ranking's order stands.
    status = ask("Hvad er status for Seniorcaféen?", [passage(cafe, "cafe")])
    assert not status.text.splitlines()[0].startswith("Seniorcaféen: Et mødested")


def test_a_lead_in_joining_a_chosen_item_of_its_list_brings_no_other_items() -> None:
    """A figure question answered by one item of a survey's list gets the list's lead-in as the figure's
    source, not the survey's other findings; a list question still gets the whole list."""
    text = (
        "Trivselsmålingen 2022 blandt kommunens seniorer viser følgende:\n"
        "• 14% cykler dagligt\n"
        "• 22% går til motion i en forening\n"
        "• 9% bruger biblioteket hver uge\n"
        "• 31% spiser mindst ét måltid om dagen sammen med andre"
    )
    pool = [c for c in candidates([passage(text, year=2022)]) if quotable(c)]
    lead_in, cycling = pool[0], pool[1]
    assert lead_in.kind is Kind.LEAD_IN and cycling.text.strip().endswith("14% cykler dagligt")
    probabilities = np.array([0.5, 0.9, 0.1, 0.1, 0.1])
    composition = Composition(decline_below=0.1, add_ratio=0.4, max_units=3, require_year=False, require_type=False)
    figure = compose(analyse("Hvor mange seniorer cykler dagligt?"), pool, probabilities, composition)
    assert [c.quote for c in figure.citations] == [lead_in.text.strip(), cycling.text.strip()]
    listing = compose(analyse("Hvilke resultater viser trivselsmålingen?"), pool, probabilities, composition)
    assert len(listing.citations) == 5
