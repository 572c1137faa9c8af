"""Standalone search queries for follow-up questions, without an LLM.

A follow-up such as "Og året efter – hvorfor gik det ned?" has no topic of
its own: searching for it alone finds nothing useful. The topic lives in the
previous turns, so a follow-up is searched together with their content words.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from ishoj_assistant.answering.checker import DECLINE_TEXT
from ishoj_assistant.danish import COPULAS, MIN_TOPIC_STEM, STATUS_IDIOM, STOPWORDS, content_words, stem, words

History = Sequence[Mapping[str, str]]

# Openings that continue the previous turn rather than start a new topic.
_CONTINUATIONS = ("og ", "men ", "hvad med ", "hvad så med ", "så ", "også ")
# Words that point back to something named earlier.
_ANAPHORA = frozenset({"det", "den", "de", "dem", "der", "dette", "disse", "deres", "dens", "dets", "her", "heraf"})
# After a copula, "de", "den" and "det" before an inflected adjective are articles of a new noun phrase
# ("Hvad er de overordnede mål ...?", "Hvad var det samlede beløb?"), not pronouns pointing back.
_ARTICLES = frozenset({"de", "den", "det"})
# A question with at most this many content words of its own is "short".
_SHORT_CONTENT = 3


def is_follow_up(question: str, history: History) -> bool:
    """Whether the question needs the history to be understood."""
    if not any(turn.get("role") == "user" for turn in history):
        return False
    lowered = " ".join(words(question))
    own_words = _content_words(question)  # "Hvordan går det?" names no topic of its own
    if lowered.startswith(_CONTINUATIONS) or not own_words or _names_the_known(own_words):
        return True
    # "der" is mostly existential ("skal der være") or relative ("borgere, der …"): it points back only in a
    # question that names no topic of its own. "Hvor mange deltagere skal der være for at oprette et
    # rygestophold?" after a turn on a tobacco vision asks about the course, not the vision.
    pointers = _ANAPHORA - {"der"} if _names_unsaid_topic(own_words, history) else _ANAPHORA
    return points_back(question, pointers) and len(own_words) <= _SHORT_CONTENT and not names_new(question, history)


def _names_unsaid_topic(own_words: list[str], history: History) -> bool:
    """One of the question's words is as long as a topic's name (a compound such as "rygestophold") and the
    conversation never said it."""
    said = {stem(w) for w in _said_words(history)}
    return any(len(stem(w)) >= MIN_TOPIC_STEM and stem(w) not in said for w in own_words)


def _said_words(history: History) -> set[str]:
    """Every word the conversation has said, in either role."""
    return {w for turn in history for w in words(turn.get("content", ""))}


# The definite endings of a Danish noun: "målet", "årsagen", "budgetterne".
_DEFINITE = re.compile(r"(?:en|et|ne)$")


def _names_the_known(own_words: list[str]) -> bool:
    """The question's one word of content is a kind of thing in the definite form ("Hvad var målet?",
    "Hvad var årsagen?"): the goal, the reason of what the conversation is about. A compound that names a
    topic itself ("Hvad er ældrestrategien?") starts a new one."""
    return len(own_words) == 1 and bool(_DEFINITE.search(own_words[0])) and len(stem(own_words[0])) < MIN_TOPIC_STEM


def names_new(question: str, history: History) -> bool:
    """Whether the question names something (a capitalised word past its first) the conversation never did.

    "Hvor mange brugere er der på Boblberg?" after a turn about dental care
    asks about Boblberg: its "der" is the existential one, not a pointer to
    the earlier topic. A name is the surest sign of a topic of the
    question's own; a lower-case word is not ("Hvornår skal de have svar på
    ansøgningen?" still asks about the earlier topic).
    """
    said = _said_words(history)
    return any(
        token[0].isupper() and token.lower() not in said for token in _NAME_TOKEN.findall(question)[1:]
    )


_NAME_TOKEN = re.compile(r"[^\W\d_][\w-]*")
_STATUS_WITH_TOPIC = re.compile(rf"(?:{STATUS_IDIOM.pattern})(?=\s+(?:\w+\s+)?(?:med|for)\b)", re.IGNORECASE)


def points_back(question: str, pointers: frozenset[str] = _ANAPHORA) -> bool:
    """Whether the question refers to something named earlier ("det", "den", "dem" ...).

    "Hvordan går det med klippekortet?" names its topic after the idiom, whose
    "det" points nowhere; "Hvordan gik det så i 2020?" names none, and its
    "det" is the earlier topic.
    """
    tokens = words(_STATUS_WITH_TOPIC.sub(" ", question))
    return any(w in pointers and not _is_article(tokens, i) for i, w in enumerate(tokens))


def _is_article(tokens: list[str], i: int) -> bool:
    """"de"/"den"/"det" between a copula and a word in -e that is no stopword: an article, not a pronoun.

    The copula matters: after a modal the same shape is a pronoun and an infinitive ("skal de have").
    """
    if tokens[i] not in _ARTICLES or not 0 < i < len(tokens) - 1:
        return False
    following = tokens[i + 1]
    return tokens[i - 1] in COPULAS and following.endswith("e") and following not in STOPWORDS


def _starts_topic(question: str, history: History) -> bool:
    """Whether a question sets the conversation's topic: it stands on its own, or it carries the earlier
    question over to something the conversation never named ("Hvad med Boblberg?")."""
    return not is_follow_up(question, history) or names_new(question, history)


def topic_turns(history: History) -> list[str]:
    """The user turns the conversation's topic was set and narrowed in: the last one that set it
    (:func:`_starts_topic`), then the follow-ups after it.

    In "Hvad har X opnået?" → "Hvad var målet?" → "Hvor mange penge fik den?"
    the last question's "den" is X, which only the first turn names; the
    turn before it is itself a follow-up and names nothing. After "Hvad med
    Y?" the topic is Y.
    """
    chain: list[str] = []
    for i in range(len(history) - 1, -1, -1):
        if history[i].get("role") != "user":
            continue
        chain.insert(0, history[i]["content"].strip())
        if _starts_topic(history[i]["content"], history[:i]):
            break
    return chain


def standalone_query(question: str, history: History) -> str:
    """The question itself, or for a follow-up the question plus the earlier topic: the turn that set it and
    the newest turn that narrowed it."""
    if not is_follow_up(question, history):
        return question
    topic = topic_turns(history)
    user_turns = topic[:1] + topic[1:][-1:]
    # What the last answer led with is what "det" points to; a question naming something new points elsewhere.
    assistant_turns = [] if names_new(question, history) else [
        _lead(t["content"]) for t in history if t.get("role") == "assistant"
    ][-1:]
    context_words = [w for text in [*user_turns, *assistant_turns] for w in _content_words(text)]
    return " ".join(dict.fromkeys([*context_words, question]))


_MARKER = re.compile(r"\[\d+\]")


def _lead(answer: str) -> str:
    """The previous answer's first line, without its source markers; of a decline, only the nearest answer it
    cited ("Det kan jeg ikke finde … Spørgsmålet gælder 2020, men …: <quote>").

    "det" in a follow-up points to what the answer led with; the rest of a
    long answer (further sentences, a whole list) would outweigh the question
    and the topic in the search and find the passages already shown. The
    decline's own words ("finde", "dokumenterne", "nærmeste svar") are about
    no topic at all.
    """
    first = answer.strip().split("\n", 1)[0]
    if first.startswith(DECLINE_TEXT):
        first = first[len(DECLINE_TEXT) :].partition(": ")[2]
    return _MARKER.sub(" ", first)


def resolved_question(question: str, history: History) -> str | None:
    """How a follow-up was read, for the user to see: the question with the earlier topic it refers to.

    Without a language model nothing is rewritten; the earlier question it
    refers to is shown in brackets, so the user can tell when it was misread.
    None when the question stands on its own.
    """
    if not is_follow_up(question, history):
        return None
    topic = topic_turns(history)
    return f"{question.strip()} (om: {' › '.join(topic)})" if topic else None


def _content_words(text: str) -> list[str]:
    """Unstemmed content words, so the query stays readable and embeds naturally; the status idiom's
    "går det" names no topic."""
    return content_words(STATUS_IDIOM.sub(" ", text))
