"""Does a sentence mention a question term? Whole stems, or compound parts checked against a vocabulary.

Danish glues words together: the question's "klippekortet" is answered by
"klippekortsordningen", "tænderne" by "omsorgstandplejen", "demens" by
"demensramte". Plain substring matching also finds "tænd" in
"lungebetændelser" and "tand" in "kvalitetsstandarden", which are not
compounds of those words. So a term only counts as part of a longer word when
what is left over is itself a word (a known word of the passages, a stem of
one, or two of them glued together), allowing the linking "s" and "e" of
Danish compounds.
"""

from __future__ import annotations

import bisect
import itertools
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property

from ishoj_assistant.danish import STATUS_IDIOM, STOPWORDS, content_words, stem, words

# Compound parts shorter than this are too ambiguous to match inside words.
MIN_PART = 4
# Shortest leftover that can be a word of its own ("pleje", "ramt", "læge").
MIN_LEFTOVER = 3
# A part this long at the start or end of a word is no accident ("klippekort|sordningen").
MIN_SURE_PART = 7
# Shortest head of a question compound that answers for it ("medarbejd" for "kontaktmedarbejder").
MIN_HEAD = 6
_LINKS = ("s", "e")


@dataclass(frozen=True)
class Term:
    """A question word: its stem for whole-word matches, its surface form for compound parts.

    Snowball cuts "demens" to "dem", too short to find in "demensramte"; the
    surface word finds it.
    """

    stem: str
    word: str

    @property
    def parts(self) -> tuple[str, ...]:
        return tuple(p for p in dict.fromkeys((self.stem, self.word, *_derived_from(self.word))) if len(p) >= MIN_PART)


# Adjectives derived from nouns: "velfærdsteknologisk" is about "velfærdsteknologi", "politisk" about "politik",
# "demensvenlig" about "demensven". The text often names the noun where the question has the adjective.
_DERIVATIONS = (("isk", "i"), ("isk", "ik"), ("lig", ""))
# The endings with an inflection after them: the plural and definite "velfærdsteknologiske", the neuter "personligt".
_INFLECTED = tuple(end + inflection for end, _ in _DERIVATIONS for inflection in ("e", "t"))


def _derived_from(word: str) -> tuple[str, ...]:
    """The nouns an adjective may be derived from (none for a word without such an ending); a short one
    ("politi" of "politisk") may be another word."""
    base = word[:-1] if word.endswith(_INFLECTED) else word
    nouns = (base[: -len(end)] + noun for end, noun in _DERIVATIONS if base.endswith(end))
    return tuple(noun for noun in nouns if len(noun) >= MIN_SURE_PART)


# Multi-word prepositions: "i forhold til tænderne" asks about teeth, not about "forhold". A rate ("om året",
# "pr. uge") says how the asked number is counted; the documents write "årligt", "ugentlig" or a table column.
_PREPOSITIONS = re.compile(
    r"\b(?:i forhold til|med hensyn til|når det gælder|i forbindelse med)\b"
    r"|\b(?:om|pr\.?|per) (?:året|år|måneden|måned|ugen|uge|dagen|dag)\b",
    re.IGNORECASE,
)
# Spoken Danish colours a question without adding to what it asks: modal particles ("egentlig", "mon", "vel")
# and discourse phrases ("kort sagt", "i det hele taget", "hvad er X for noget"); so does the status idiom.
_FILLERS = re.compile(
    r"\b(?:egentlig|egentligt|gerne|mon|vel|altså|bare|vist|overhovedet|forresten|i øvrigt|kort sagt"
    r"|i det hele taget|i grunden|helt konkret|for noget"
    # Participles of "have", "få" and "gøre" carry the tense, not the topic ("Hvor mange har vi haft …?"). The
    # past "fik" stays: "hvad mere fik de …?" asks for something new, and its verb is what the answer adds.
    r"|haft|fået|gjort)\b",
    re.IGNORECASE,
)


def question_terms(text: str) -> list[Term]:
    """The content words of a question as terms, in order, without repeats."""
    seen: dict[str, Term] = {}
    for word in content_words(_FILLERS.sub(" ", STATUS_IDIOM.sub(" ", _PREPOSITIONS.sub(" ", text)))):
        seen.setdefault(stem(word), Term(stem(word), word))
    return list(seen.values())


class Vocabulary:
    """The words of the retrieved passages: what a compound's leftover part must be."""

    def __init__(self, texts: Iterable[str]):
        self.words: set[str] = set()
        # Short function words that also open words ("for|ventet", "ind|flytning",
        # "til|bud"): allowed before a part, never glued inside a leftover.
        self.particles: set[str] = set()
        for text in texts:
            for w in words(text):
                if w not in STOPWORDS:
                    self.words.add(w)
                elif len(w) >= MIN_LEFTOVER:
                    self.particles.add(w)
        self.stems = {stem(w) for w in self.words}
        # Sorted forwards and backwards, to find the words a piece opens or ends.
        self._forwards = sorted(self.words)
        self._backwards = sorted(w[::-1] for w in self.words)
        self._cache: dict[tuple[str, str], bool] = {}
        self._heads: dict[Term, tuple[str, ...]] = {}

    def _seen_in_another_word(self, piece: str, word_stem: str, at_start: bool) -> bool:
        """Another word (not an inflection of ``word_stem``) opens or ends with ``piece``.

        "omsorg" never stands alone, but "omsorgspatienter" shows it is a
        word part of its own.
        """
        if len(piece) < MIN_PART:
            return False
        ordered, key = (self._forwards, piece) if at_start else (self._backwards, piece[::-1])
        for candidate in itertools.islice(ordered, bisect.bisect_left(ordered, key), None):
            if not candidate.startswith(key):
                return False
            word = candidate if at_start else candidate[::-1]
            if len(word) >= len(piece) + MIN_LEFTOVER and stem(word) != word_stem:
                return True
        return False

    def is_word(self, piece: str, glued: bool = True) -> bool:
        """A known word or stem, optionally two known words glued (with a linking letter)."""
        if len(piece) < MIN_LEFTOVER:
            return False
        if piece in self.words or piece in self.stems or stem(piece) in self.stems:
            return True
        if not glued:
            return False
        return any(
            self.is_word(piece[:i], glued=False) and self.is_word(piece[i:], glued=False)
            for i in range(MIN_LEFTOVER, len(piece) - MIN_LEFTOVER + 1)
        )

    def _left_ok(self, left: str, word_stem: str = "") -> bool:
        if not left or left in self.particles or self.is_word(left) or (left[-1] in _LINKS and self.is_word(left[:-1])):
            return True
        return self._seen_in_another_word(left, word_stem, at_start=True)

    def _right_ok(self, right: str, word_stem: str = "") -> bool:
        if not right or self.is_word(right) or (right[0] in _LINKS and self.is_word(right[1:])):
            return True
        return self._seen_in_another_word(right, word_stem, at_start=False)

    def is_part(self, part: str, word: str) -> bool:
        """``part`` is one of the words ``word`` is compounded of.

        A long part at either end of the word always is. Otherwise what is
        left of ``word`` around ``part`` must be a word, or the
        beginning (ending) of another word than ``word`` itself: its own
        inflections do not count, so "lungebe-" of "lungebetændelser" does not
        make "tænd" a part.
        """
        key = (part, word)
        if key not in self._cache:
            own = stem(word)
            long_edge = len(part) >= MIN_SURE_PART and (word.startswith(part) or word.endswith(part))
            self._cache[key] = len(word) > len(part) and long_edge or any(
                self._left_ok(word[:i], own) and self._right_ok(word[i + len(part) :], own)
                for i in _occurrences(part, word)
            )
        return self._cache[key]

    def heads(self, term: Term) -> tuple[str, ...]:
        """The head words of a question compound: "medarbejder" of "kontaktmedarbejder".

        Danish compounds are head-final, so a sentence about the head still
        answers ("tilknyttet en medarbejder" for "kontaktmedarbejder").
        """
        if term not in self._heads:
            found = [
                part[i:]
                for part in term.parts
                for i in range(MIN_LEFTOVER, len(part) - MIN_HEAD + 1)
                if self._left_ok(part[:i])
            ]
            self._heads[term] = tuple(dict.fromkeys(found))
        return self._heads[term]


def _occurrences(part: str, word: str) -> list[int]:
    found, i = [], word.find(part)
    while i >= 0:
        found.append(i)
        i = word.find(part, i + 1)
    return found


@dataclass(frozen=True)
class TermSet:
    """The stems and surface words of one piece of text, for matching question terms against."""

    stems: frozenset[str]
    words: frozenset[str]

    @classmethod
    def of(cls, text: str) -> "TermSet":
        surface = frozenset(w for w in words(text) if w not in STOPWORDS)
        return cls(frozenset(stem(w) for w in surface), surface)

    @cached_property
    def tokens(self) -> frozenset[str]:
        """Stems and surface words together: compound parts are looked for in both."""
        return self.stems | self.words

    @cached_property
    def joined(self) -> str:
        """The tokens in one string: most compound parts are in none of them, and one search says so."""
        return "\n".join(self.tokens)

    def __or__(self, other: "TermSet") -> "TermSet":
        return TermSet(self.stems | other.stems, self.words | other.words)

    def __bool__(self) -> bool:
        return bool(self.stems)


EMPTY = TermSet(frozenset(), frozenset())


def mentions(terms: TermSet, term: Term, vocabulary: Vocabulary) -> bool:
    """The text mentions the term as a whole word or as a part of one of its compounds."""
    if term.stem in terms.stems or term.word in terms.words:
        return True
    return any(_contains(terms, part, vocabulary) for part in term.parts)


def mentions_apart(terms: TermSet, term: Term, vocabulary: Vocabulary) -> bool:
    """The text mentions the term, or names a compound's head as a word of its own and its first part anywhere.

    "rygestophold" is "et hold" in a passage about "rygestopkurser": Danish
    writes a compound apart as often as together. Loose enough to say what a
    whole passage is about, too loose to score a sentence by. The head must
    stand alone: "milliarden" inside "Værdighedsmilliarden" is another thing
    than the "ældremilliarden" asked about, however often "ældre" is named.
    """
    if mentions(terms, term, vocabulary):
        return True
    word = term.word
    for i in range(MIN_PART, len(word) - MIN_LEFTOVER + 1):
        head = word[i:]
        if not (head in terms.words or stem(head) in terms.stems):
            continue
        modifier = word[:i]
        stripped = modifier[:-1] if modifier[-1] in _LINKS and len(modifier) > MIN_PART else modifier
        if any(part in terms.tokens or _contains(terms, part, vocabulary) for part in {modifier, stripped}):
            return True
    return False


def mentions_head(terms: TermSet, term: Term, vocabulary: Vocabulary) -> bool:
    """The text mentions only the head of a question compound: "medarbejder" for "kontaktmedarbejder".

    A weaker match: "Værdighedsmilliarden" shares the head of "ældremilliarden"
    and is still another thing.
    """
    return any(_contains(terms, head, vocabulary) for head in vocabulary.heads(term))


def _contains(terms: TermSet, part: str, vocabulary: Vocabulary) -> bool:
    if part not in terms.joined:
        return False
    return part in terms.tokens or any(part in w and vocabulary.is_part(part, w) for w in terms.tokens if len(w) > len(part))
