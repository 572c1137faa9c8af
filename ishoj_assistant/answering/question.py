"""What a question asks: its terms, its parts, and the kind of answer each part wants.

Staff ask several things at once ("Hvor mange ... i 2019, og hvorfor var det
færre end ventet?"). An answer that only covers the first part looks complete
and is not, so a question is split into parts at coordinated clauses and at
new question words; each part later gets its own best sentence. A leading
segment without a question word ("Cykling uden alder: hvornår ...") is the
topic every part is about.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ishoj_assistant.answering.matching import Term, question_terms
from ishoj_assistant.danish import COPULAS, STATUS_IDIOM, content_words, normalise, stem, words

_QUESTION_WORDS = ("hvor", "hvad", "hvilk", "hvem")  # "hvor" also opens hvornår, hvorfor, hvordan
# A new part starts after ", og" / ", samt" / ", men", or after , : ; – before a question word.
_COORDINATION = re.compile(r"\s*[,;]\s+(?:og|samt|men)\s+", re.IGNORECASE)
_PUNCTUATION = re.compile(r"\s*(?:[,:;?]|\s[–—-])\s+")

_NUMBER_CUES = ("hvor mange", "hvor meget", "hvad koster", "hvor stor", "hvor stort", "hvor høj", "antal", "andel")
# "Hvor meget betaler/søgte/afsatte vi?": a mass asked for by "hvor meget" may be a sum or a duration as well
# as a count, whatever the verb.
_MEASURE_CUES = ("hvor meget",)
_AMOUNT_WORDS = frozenset({"kr", "kroner", "koste", "koster", "kostede", "penge", "pengene"})
_AMOUNT_PREFIXES = ("beløb", "budget", "omkostning", "udgift", "bevilg")
# "Hvad var budgettet?", "hvad udgjorde udgifterne?": "hvad" asks for the sum only through these verbs.
_COPULAS = COPULAS | {"udgør", "udgjorde"}
# "Hvor hurtigt" and "hvor lang tid" ask for a time limit or span ("senest ti dage efter", "inden for to måneder").
_DATE_CUES = ("hvornår", "hvilket år", "hvor længe", "hvor hurtigt", "hvor lang tid")
_LIST_CUES = ("hvilke ", "hvad gør", "hvordan")
# "Hvad er målene / de store overskrifter / principperne / de overordnede mål i ...?": a plural asked for by
# "hvad" is a list. A noun without a plural ending ("mål", "tiltag") shows its number by the inflected
# adjective after "de".
_ASKS_PLURAL = re.compile(
    rf"\bhvad (?:{'|'.join(sorted(COPULAS))}) (?:de (?:\w+ ){{0,2}}\w+(?:er|e)\b|de (?:\w+e ){{1,2}}\w+\b"
    r"|\w+(?:erne|ene|rne)\b)"
)
_REASON_CUES = ("hvorfor", "årsag", "skyldes")
# "Hvad kom der ud af ...", "hvad blev resultatet": what was achieved is usually counted.
_RESULT_CUES = ("kom der ud af", "resultat", "effekt", "opnå", "nået", "hvordan gik")
# "Hvem står for caféen?", "Hvilket firma har leveret nødkaldene?": the answer names someone. Only a part that
# opens with "hvem" asks it, and not as a subordinate clause ("..., hvem der ryger": which groups of people);
# "hvilk*" asks it of an organisation word ("konsulentfirma", "samarbejdspartnere").
_NAME_OPENERS = ("hvem ", "hvad hedder", "hvad hed ")
_GROUP_CLAUSE = "hvem der "
# "Hvem er målgruppen?", "hvem var deltagerne?": "hvem" asked of a group of people wants them described. Only
# as what "hvem er/var" asks about: "Hvem leverer nødkaldet til borgerne?" asks for a name.
_GROUP_WORDS = ("målgruppe", "deltager", "bruger", "borger", "beboer")
_COPULAS = ("er", "var")
_ORGANISATION_WORDS = ("firma", "leverandør", "konsulent", "forening", "organisation", "virksomhed", "partner")
# "Hvilke felter satte vi kryds i?", "hvad valgte vi i skemaet?": the ticked options of a form.
_TICKED_PREFIXES = ("kryds", "afkryds", "afmærk", "valgt", "valgte")


# Modal and prospective words: a sentence with one says what was planned, expected or applied for, and a
# question with one asks about that.
PROSPECTIVE = re.compile(
    r"\b(?:forvent\w*|planlæg\w*|påtænk\w*|skal|vil|søg\w*|ansøg\w*|forudsætning\w*)\b", re.IGNORECASE
)
# Danish past tense: weak verbs end in -ede or -te; the strong ones a question uses most are listed.
_STRONG_PAST = frozenset({"fik", "gav", "kom", "blev", "gik", "havde", "fandt", "tog", "stod", "sagde", "gjorde", "lå"})
# Words ending like a past tense that are adjectives, and the words that make any such word one ("de samlede").
_PAST_LOOKALIKES = frozenset({"første", "sidste", "bedste", "næste", "seneste", "største", "mindste", "eneste"})
_DETERMINERS = frozenset({"de", "den", "det", "en", "et", "sin", "sit", "sine", "vores", "deres", "hans", "hendes"})


_COMPARATIVES = frozenset({"flere", "færre"})


def counted_noun(question: str) -> str | None:
    """The stem of what "hvor mange …" counts ("Hvor mange brugere er der …?" -> "bruger"), if it names it.

    A sentence whose number counts that noun holds the asked quantity; another
    count in the same paragraph ("over 30 steder") answers something else.
    """
    lowered = normalise(question)
    at = lowered.find("hvor mange ")
    if at < 0:
        return None
    following = content_words(lowered[at + len("hvor mange ") :])
    if not following or not following[0].isalpha() or following[0] in _COMPARATIVES:
        return None  # a comparative ("hvor mange flere …") counts a change, not a noun the sentence names
    return stem(following[0])


def asks_what_happened(question: str) -> bool:
    """The question asks in the past tense about what was done or decided, and not about a plan.

    "Hvad viste evalueringen?" is answered by a result; a sentence saying the
    evaluation "forventes" in September does not answer it. "Hvad forventede
    man?" asks about the plan, and "de samlede udgifter" is an adjective.
    """
    tokens = words(question)
    if PROSPECTIVE.search(question):
        return False
    return any(
        (word in _STRONG_PAST or (word.endswith(("ede", "te")) and word not in _PAST_LOOKALIKES))
        and (i == 0 or tokens[i - 1] not in _DETERMINERS)
        for i, word in enumerate(tokens)
    )


def _asks_name(text: str, tokens: list[str]) -> bool:
    """The part asks who (a person, council or company), answered by a name."""
    opening = normalise(text).lstrip().removeprefix("og ")
    if opening.startswith(_NAME_OPENERS) and not opening.startswith(_GROUP_CLAUSE):
        return not _asks_of_group(tokens)
    asked = _which(tokens) or ""
    return any(organisation in asked for organisation in _ORGANISATION_WORDS)


def _asks_of_group(tokens: list[str]) -> bool:
    """The part is "hvem er/var [i] <a group of people>"."""
    if len(tokens) < 3 or tokens[1] not in _COPULAS:
        return False
    asked = tokens[3] if tokens[2] == "i" and len(tokens) > 3 else tokens[2]
    return asked.startswith(_GROUP_WORDS)


def _which(tokens: list[str]) -> str | None:
    """The word a "hvilke/hvilket/hvilken" asks about ("hvilket beløb" -> "beløb"), if the part has one."""
    return next((tokens[i + 1] for i, w in enumerate(tokens[:-1]) if w.startswith("hvilk")), None)


def is_amount_word(word: str) -> bool:
    """A word that asks for a sum of money ("penge", "koster", "budgettet")."""
    return word in _AMOUNT_WORDS or word.startswith(_AMOUNT_PREFIXES)


def _asks_amount(tokens: list[str]) -> bool:
    """The part asks for a sum of money: it names one, unless it asks "hvilke X" of something else or
    "hvad" with a verb that is not about the sum.

    "Hvilke indsatser søgte vi penge til?" asks for the efforts; "Hvilket
    beløb søgte vi?" and "Hvor mange penge ...?" ask for the sum.
    """
    asked = _which(tokens)
    if asked is not None and not is_amount_word(asked):
        return False
    opening = tokens[1:3] if tokens[:1] == ["og"] else tokens[:2]
    if opening[:1] == ["hvad"] and len(opening) > 1 and opening[1] not in _COPULAS and not is_amount_word(opening[1]):
        return False  # "Hvad skete der med budgettet?" asks what became of it, not how much it was
    return any(is_amount_word(w) for w in tokens)


@dataclass(frozen=True)
class QuestionPart:
    """One thing the question asks, with the kind of content that answers it."""

    terms: tuple[Term, ...]
    wants_number: bool = False
    wants_amount: bool = False
    wants_measure: bool = False
    wants_date: bool = False
    wants_list: bool = False
    wants_reason: bool = False
    wants_result: bool = False
    wants_ticked: bool = False
    wants_name: bool = False

    @classmethod
    def of(cls, text: str) -> "QuestionPart":
        """A part from its text, which also decides the wanted kind of answer."""
        cues = " " + normalise(text)
        has = lambda options: any(cue in cues for cue in options)  # noqa: E731
        return cls(
            terms=tuple(question_terms(text)),
            wants_number=has(_NUMBER_CUES),
            wants_amount=_asks_amount(words(text)),
            wants_measure=has(_MEASURE_CUES),
            wants_date=has(_DATE_CUES),
            # "Hvordan går det med ...?" asks how it is going, a result, not the ways something is done.
            wants_list=(has(_LIST_CUES) and not STATUS_IDIOM.search(cues)) or bool(_ASKS_PLURAL.search(cues)),
            wants_reason=has(_REASON_CUES),
            wants_result=has(_RESULT_CUES) or bool(STATUS_IDIOM.search(cues)),
            wants_ticked=any(w.startswith(_TICKED_PREFIXES) for w in words(text)),
            wants_name=_asks_name(text, words(text)),
        )

    @property
    def typed(self) -> bool:
        """Asks for a number, amount, date, reason, ticked option or name: a sentence without one cannot answer it."""
        return (
            self.wants_number or self.wants_amount or self.wants_date or self.wants_reason or self.wants_ticked
            or self.wants_name
        )


@dataclass(frozen=True)
class QuestionProfile:
    """The whole question: all its terms, the follow-up's own terms, its topic and its parts."""

    terms: tuple[Term, ...]
    focus: frozenset[str]
    topic: frozenset[str]
    parts: tuple[QuestionPart, ...]
    typed_terms: tuple[Term, ...]  # what the user typed: the follow-up itself, not the history it borrows

    @classmethod
    def of(cls, question: str, focus: str | None = None) -> "QuestionProfile":
        """The profile of a standalone question; ``focus`` is the follow-up the user actually typed."""
        asked = focus or question  # a follow-up's parts are its own; the history's words are context
        topic_text, texts = split_question(asked)
        topic = frozenset(t.stem for t in question_terms(topic_text))
        parts = tuple(QuestionPart.of(text) for text in texts) or (QuestionPart.of(asked),)
        return cls(
            terms=tuple(question_terms(question)),
            focus=frozenset(t.stem for t in question_terms(focus)) if focus else frozenset(),
            topic=topic,
            parts=parts,
            typed_terms=tuple(question_terms(focus or question)),
        )

    def _any(self, attribute: str) -> bool:
        return any(getattr(part, attribute) for part in self.parts)

    @property
    def wants_amount(self) -> bool:
        return self._any("wants_amount")

    @property
    def wants_date(self) -> bool:
        return self._any("wants_date")

    @property
    def wants_list(self) -> bool:
        return self._any("wants_list")

    @property
    def wants_ticked(self) -> bool:
        return self._any("wants_ticked")

    @property
    def wants_name(self) -> bool:
        return self._any("wants_name")


def split_question(question: str) -> tuple[str, list[str]]:
    """(topic, parts): the leading segment without a question word, and the asking clauses."""
    segments: list[str] = []
    for clause in _COORDINATION.split(question.strip()):
        pieces = _PUNCTUATION.split(clause)
        current = pieces[0]
        for piece in pieces[1:]:
            if _starts_with_question_word(piece):
                segments.append(current)
                current = piece
            else:
                current = f"{current} {piece}"
        segments.append(current)
    segments = [s.strip(" ?.") for s in segments if s.strip(" ?.")]
    topic = ""
    if len(segments) > 1 and not _starts_with_question_word(segments[0]) and re.search(
        rf"{re.escape(segments[0])}\s*[:–—-]", question
    ):
        topic = segments.pop(0)
    return topic, segments


def _starts_with_question_word(text: str) -> bool:
    first = words(text)[:1]
    return bool(first) and first[0].startswith(_QUESTION_WORDS)
