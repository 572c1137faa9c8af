"""Compose an extractive answer from ranked units: lead with the best, add only what the ranker backs.

The ranker says how likely each unit is to hold the answer; this module
turns that into what a reader gets:

- the single best quotable unit first, so the answer leads with what was asked;
- further units only when their probability is close to the best one's
  (``Composition.add_ratio``), so facts are not bought with length;
- the best unit's paragraph: the next most probable sentence under its own
  heading, right after it, when the ranker backs it (``Composition.block_ratio``);
- a list question answered by the list the best unit belongs to, as bullets;
- a sentence that refers back ("Dette skyldes ...") with the sentence it refers to;
- a follow-up without the sentences the previous answer already said (``Composition.max_said``);
- a decline when the best probability is low, or when the year the question
  asks about is nowhere in what was found; then the answer says which years
  the documents do cover, cited;
- a decline when the question asks what happened and every chosen unit only
  says what was planned, expected or applied for; then it cites the nearest.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Sequence

import numpy as np

from ishoj_assistant.answering.candidates import Candidate, Kind, distinct, text_key
from ishoj_assistant.answering.checker import DECLINE_TEXT
from ishoj_assistant.answering.features import FEATURES, effective_years, points_elsewhere, quotable
from ishoj_assistant.answering.question import PROSPECTIVE, asks_what_happened, counted_noun
from ishoj_assistant.answering.ranker import Composition
from ishoj_assistant.answering.scoring import PassageTerms, cite, names_anchor, states_anchor
from ishoj_assistant.danish import content_terms, numbers, stem, words
from ishoj_assistant.models import Answer, Passage
from ishoj_assistant.query import QueryAnalysis
from ishoj_assistant.retrieval.duplicates import near_duplicate

# A follow-up's unit must stand in a passage covering at least this share of the best passage's topic coverage.
TOPIC_SHARE = 0.5
# A unit the previous answer said is quoted again when it covers at least this share of the follow-up's own words.
ASKED_AGAIN = 0.5


def compose(
    analysis: QueryAnalysis,
    pool: Sequence[Candidate],
    probabilities: np.ndarray,
    composition: Composition,
    related: Sequence[Passage] = (),
    matrix: np.ndarray | None = None,
    part_probabilities: Sequence[np.ndarray] = (),
    anchor_missing: bool = False,
    unmentioned: float = 0.0,
    passage_terms: PassageTerms | None = None,
) -> Answer:
    """The answer the ranked units support, or an honest decline.

    ``matrix`` holds the units' features (:data:`FEATURES`); the typed-content
    check reads its ``typed_match`` column. ``part_probabilities`` rank the
    units once per part of a question that asks several things; each part
    first gets its own best unit. ``anchor_missing``: the question's most
    specific term is in none of the passages; ``unmentioned`` the share of
    its terms no passage mentions. ``passage_terms`` tells which of the
    question's topic terms each passage mentions.
    """
    ranked = [(c, p) for c, p in _ranked_quotable(pool, probabilities) if not _contents_entry(c, pool)]
    if not analysis.profile.wants_list and not analysis.profile.wants_name:
        ranked = [(c, p) for c, p in ranked if not _names_only(c, pool)]
    if composition.follow_topic and analysis.topic and matrix is not None:
        ranked = _on_conversation_topic(ranked, pool, matrix)
    if not ranked or ranked[0][1] < composition.decline_below:
        return _decline(related)
    follow_up = matrix is not None and analysis.is_follow_up
    # Any question in a conversation, a follow-up or one that names its own subject: what was said is no news.
    said = _said_before(ranked, pool, matrix, composition.max_said) if matrix is not None and analysis.said else set()
    said_units = [c for c, _ in ranked if id(c) in said]
    ranked = [(c, p) for c, p in ranked if id(c) not in said]
    if (composition.require_anchor and anchor_missing) or unmentioned >= composition.max_unmentioned:
        return _decline(related)
    best, best_p = ranked[0]
    # How much of a list question each unit's heading names; empty for any other question.
    headings = _list_headings(pool, matrix) if analysis.profile.wants_list and matrix is not None else {}
    if headings:
        best = _best_headed_list(best, ranked, headings)

    def another_list(unit: Candidate) -> bool:
        """For a list question, an item or the lead-in of a list whose heading names less of the question than
        the lead's: not the list asked for, however probable its items."""
        return bool(headings) and (unit.is_list_item or unit.kind is Kind.LEAD_IN) and headings[id(unit)] < headings[id(best)]

    def unseen(unit: Candidate, have: list[Candidate]) -> list[Candidate]:
        """The unit with the rest of its list, less what ``have`` holds already."""
        return [c for c in _with_list(unit, pool, analysis, composition, have) if c not in have]

    chosen: list[Candidate] = []
    for part in part_probabilities:
        part_ranked = [(c, p) for c, p in _ranked_quotable(pool, part) if id(c) not in said]
        part_best = next((c for c, p in part_ranked if c not in chosen and p >= composition.decline_below), None)
        if part_best is not None:
            chosen.extend(unseen(part_best, chosen))
    if best not in chosen:
        chosen[:0] = unseen(best, chosen)
    if follow_up:  # what the follow-up asks leads, before the conversation's topic
        asked: list[Candidate] = []
        for asked_unit in _naming_what_follow_up_asks(ranked, pool, matrix, composition)[: composition.max_units - 1]:
            asked.extend(unseen(asked_unit, asked))
        chosen = [*asked, *(c for c in chosen if c not in asked)]
    for candidate, p in ranked[1:]:
        # When the best unit stands in a list, only add_ratio stops the answer: a list question's facts may be
        # spread over several lists, and counting each list as one of max_units cut cross-validated fact
        # recall (docs/answers.md, session 24).
        if len(chosen) >= composition.max_units + (len(chosen) - 1 if best.list_id is not None else 0):
            break
        if p < composition.add_ratio * best_p:
            break
        if _sibling(candidate, best):
            continue
        if another_list(candidate):
            continue
        if candidate not in chosen:
            chosen.extend(unseen(candidate, chosen))
    typed_question = any(part.typed for part in analysis.profile.parts)
    backed = composition.add_ratio * best_p  # what the ranker must give a unit added for what is asked
    if matrix is not None and typed_question:
        chosen = _typed_first(_with_typed(chosen, ranked, pool, matrix, backed), pool, matrix, analysis.text)
    noun = counted_noun(analysis.typed) if typed_question else None
    if noun is not None:
        chosen = _counted_first(chosen, ranked, noun, backed)
    if matrix is not None and len(analysis.years) > 1:
        typed = _column("typed_match", pool, matrix)
        chosen = _with_each_year(
            chosen, ranked, pool, analysis.years, typed if typed_question else None, composition.decline_below, composition.max_units
        )
    chosen = _with_antecedents(_lists_together(chosen), pool)
    # Without the asked kind of content there is no nearest answer to show for another year.
    if composition.require_type and matrix is not None and _misses_type(analysis, pool, chosen, matrix, passage_terms, composition.key_share):
        return _decline(related)
    parts = analysis.profile.parts
    asks_figure = bool(parts) and all(p.wants_number or p.wants_amount or p.wants_measure for p in parts)
    typed_units = _column("typed_match", pool, matrix) if matrix is not None and asks_figure else None
    if composition.require_year and _misses_year(analysis, chosen, pool, typed_units):
        # What the conversation already said may still be the nearest year's answer to point to.
        nearest = [*chosen, *said_units]
        if matrix is not None and typed_question:
            nearest = _typed_first(nearest, pool, matrix, analysis.text)
        return _year_decline(analysis, nearest, related, pool)
    if composition.require_fact and _only_plans(analysis, chosen):
        return _pointed_decline(chosen[0], pool, related, "Dokumenterne siger kun, hvad der var planlagt, forventet eller søgt om")
    chosen = _with_block_neighbour(chosen, ranked, composition.block_ratio)
    if typed_units is not None and len(parts) == 1 and not _JOINED.search(analysis.typed):
        chosen = _figures_on_anchor(chosen, analysis.typed, typed_units)
    if _WHAT_IS.match(analysis.typed):
        chosen = _opening_first(chosen, pool, {t.stem for t in analysis.profile.typed_terms})
    chosen = _without_trailing_lead_in(distinct(_in_reading_order(chosen, pool)))  # overlapping chunks repeat sentences
    citations = cite(chosen)
    lines = [_line(unit, c.quote, c.n, _label(unit, pool)) for c, unit in zip(citations, chosen)]
    return Answer(text="\n".join(lines), declined=False, citations=citations, mode="answer")


# A sentence that introduces its own enumeration: a lead-in of several words, a colon, then what it lists.
_OWN_LEAD_IN = re.compile(r"^\S+(?:\s+\S+){3,}:\s+\S")


def _list_headings(pool: Sequence[Candidate], matrix: np.ndarray) -> dict[int, float]:
    """How much of a list question each unit's list heading names: the heading it stands under, or, for a
    sentence that introduces its own enumeration ("Midlerne er fordelt mellem følgende initiativer: A B C"),
    the sentence itself, whose words are its list's heading.

    A PDF that flows a list into its lead-in's line leaves no items to find,
    only that sentence; another list's lead-in under a heading naming more of
    the question must not outrank it on the heading alone.
    """
    headings = _column("heading_coverage", pool, matrix)
    own = _column("coverage", pool, matrix)
    return {id(c): max(headings[id(c)], own[id(c)]) if _OWN_LEAD_IN.search(c.text) else headings[id(c)] for c in pool}


def _best_headed_list(best: Candidate, ranked: list[tuple[Candidate, float]], headings: dict[int, float]) -> Candidate:
    """For a list question, the best item of the list whose heading names most of the question, when that
    heading names more of it than the best unit's heading does; else the best unit.

    A list answers "hvilke …?" as a whole, and what it lists is said by its
    heading ("Spor på tværs af temaerne", "Målsætninger"), not by its items:
    items of a few words share little with the question, and a longer
    sentence of another list under a vaguer heading outranks every one of them.
    """
    items = [(c, p) for c, p in ranked if c.kind is Kind.ITEM]
    if not items:
        return best
    top, _ = max(items, key=lambda item: (headings[id(item[0])], item[1]))
    return top if headings[id(top)] > headings[id(best)] else best


def _list_members(unit: Candidate, units: Sequence[Candidate]) -> list[Candidate]:
    """The units of ``units`` in the same list of the same passage as ``unit`` (itself included)."""
    return [c for c in units if c.list_id == unit.list_id and c.passage is unit.passage]


def _contents_entry(unit: Candidate, pool: Sequence[Candidate]) -> bool:
    """An item of a list whose lead-in says what the document goes through ("I dette skriv gennemgås …
    de 3 overordnede indsatser:"): a table of contents names the document's parts, it answers nothing."""
    return unit.is_list_item and any(c.kind is Kind.LEAD_IN and points_elsewhere(c) for c in _list_members(unit, pool))


def _names_only(unit: Candidate, pool: Sequence[Candidate]) -> bool:
    """A list item that only names something ("1. Madklubben"), or a lead-in whose list is all such items
    ("… følgende tilbud:"): a table of contents, which answers "hvilke …?" and "hvem …?" but nothing else."""
    if unit.kind is Kind.LEAD_IN:
        items = [c for c in _list_members(unit, pool) if c.kind is Kind.ITEM]
        return bool(items) and all(c.is_label_item for c in items)
    return unit.is_label_item


def _ranked_quotable(pool: Sequence[Candidate], probabilities: np.ndarray) -> list[tuple[Candidate, float]]:
    """Quotable units by probability, each sentence once.

    Overlapping chunks repeat a sentence, and PDF extraction may glue a
    heading to it in one chunk and not in the other; the better-ranked copy
    stands for both.
    """
    best: dict[str, tuple[Candidate, float]] = {}
    for candidate, p in zip(pool, probabilities):
        if not quotable(candidate):
            continue
        key = text_key(candidate)
        if key not in best or p > best[key][1]:
            best[key] = (candidate, float(p))
    kept: list[tuple[Candidate, float]] = []
    ends: dict[tuple[str, str], list[str]] = {}  # kept keys by their first and by their last words
    shapes: list[tuple[frozenset[str], frozenset[str]]] = []  # kept units' words and numbers
    for key, (candidate, p) in sorted(best.items(), key=lambda item: -item[1][1]):
        key_ends = _ends(key)
        if any(_glued(key, other) for end in key_ends for other in ends.get(end, ())):
            continue
        shape = (frozenset(words(candidate.text)), frozenset(numbers(candidate.text)))
        if any(_restated(shape, other) for other in shapes):
            continue
        kept.append((candidate, p))
        shapes.append(shape)
        for end in key_ends:
            ends.setdefault(end, []).append(key)
    return kept


# Two sentences with the same figures whose words overlap this much (Jaccard) say the same thing: a report's
# summary repeats its body with a word or two changed. The share retrieval folds copies by (0.8).
_SAME_SENTENCE = 0.8


def _restated(shape: tuple[frozenset[str], frozenset[str]], other: tuple[frozenset[str], frozenset[str]]) -> bool:
    """The sentence says what a kept one says: the same numbers, and nearly the same words."""
    return shape[1] == other[1] and near_duplicate(shape[0], other[0], _SAME_SENTENCE)


# A sentence this long at the start or end of another unit is that unit's sentence, not a shared phrase.
_MIN_GLUED_WORDS = 8


def _ends(key: str) -> list[tuple[str, str]]:
    """The first and the last ``_MIN_GLUED_WORDS`` words of a unit's key (none for a shorter unit)."""
    tokens = key.split()
    if len(tokens) < _MIN_GLUED_WORDS:
        return []
    return [("start", " ".join(tokens[:_MIN_GLUED_WORDS])), ("end", " ".join(tokens[-_MIN_GLUED_WORDS:]))]


def _glued(key: str, other: str) -> bool:
    """One unit is the other with a heading or fragment glued before or after it."""
    shorter, longer = sorted((key, other), key=len)
    return longer.startswith(f"{shorter} ") or longer.endswith(f" {shorter}")


def _sibling(candidate: Candidate, lead: Candidate) -> bool:
    """The same sentence as the lead's, numbers aside, under a heading sharing no word with the lead's:
    another initiative's line.

    A yearly note repeats "Der er afsat kr. ... i 2019." under every
    initiative; after the lead's, the next initiative's is no more answer.
    The same initiative's line of another year ("Klippekort" and "Klippekort
    til hjemmeboende ældre") shares a heading word and stays.
    """
    if _template(candidate) != _template(lead):
        return False
    return not set(content_terms(candidate.heading_text)) & set(content_terms(lead.heading_text))


def _template(candidate: Candidate) -> str:
    return " ".join(token for token in candidate.key.split() if not any(ch.isdigit() for ch in token))


def _with_list(
    unit: Candidate, pool: Sequence[Candidate], analysis: QueryAnalysis, composition: Composition, have: Sequence[Candidate] = ()
) -> list[Candidate]:
    """A lead-in brings the items it announces; an item answering a list question brings its list.

    A lead-in ending in ":" says nothing on its own, and its items may start
    in the next chunk. A list met while answering something else stays one line,
    and so does a lead-in joining an item of its list already chosen (``have``):
    "19 % ryger dagligt" answers how many smoke, and its lead-in says where the
    figure comes from, not that the other six items of the survey belong in the answer.
    """
    if unit.list_id is None or (unit.kind is not Kind.LEAD_IN and not analysis.profile.wants_list):
        return [unit]
    if not analysis.profile.wants_list and any(c.list_id == unit.list_id and c.kind is Kind.ITEM for c in have):
        return [unit]
    members = _list_members(unit, pool)
    lead = [c for c in members if c.kind is Kind.LEAD_IN and quotable(c)]
    items = [c for c in members if c.kind is Kind.ITEM]
    if not items and unit.kind is Kind.LEAD_IN:
        items = _items_in_next_chunk(unit, pool) or _next_statement(unit, pool)
    out: list[Candidate] = []
    seen: set[str] = set()
    for c in [*lead, *[i for i in items if quotable(i)][: composition.max_list_items]] or [unit]:
        if text_key(c) not in seen:
            seen.add(text_key(c))
            out.append(c)
    return out


def _next_statement(lead: Candidate, pool: Sequence[Candidate]) -> list[Candidate]:
    """The quotable unit right after a lead-in whose list is written as paragraphs, not items
    ("... er blevet tydeligt at:" / "Nye venskaber opstår over en bid mad: ...")."""
    after = [c for c in pool if c.passage is lead.passage and c.start >= lead.end]
    return next(([c] for c in sorted(after, key=lambda c: c.start) if quotable(c)), [])


def _items_in_next_chunk(lead: Candidate, pool: Sequence[Candidate]) -> list[Candidate]:
    """The list items opening the chunk after the lead-in's, when retrieval found that chunk too."""
    chunk = lead.passage.chunk
    following = [
        c for c in pool if c.passage.doc_id == chunk.doc_id and c.passage.chunk.chunk_index == chunk.chunk_index + 1
    ]
    return list(itertools.takewhile(lambda c: c.kind is Kind.ITEM, following))


# A heading longer than this is a title or a sentence-like line, not a label to show before a quote.
_MAX_LABEL_WORDS = 6
_BULLET = re.compile(r"^\s*[-•o*▪–]\s+")


def _line(unit: Candidate, quote: str, n: int, label: str = "") -> str:
    """One answer line: list items as bullets (their own bullet glyph dropped), sentences as they stand,
    after the short heading right above them when there is one ("Velfærdsteknologi: Der er afsat ...")."""
    lead = f"{label}: " if label else ""
    if unit.kind is Kind.ITEM:
        return f"- {lead}{_BULLET.sub('', quote)} [{n}]"
    return f"{lead}{quote} [{n}]"


def _label(unit: Candidate, pool: Sequence[Candidate]) -> str:
    """The short heading standing right before a unit, as context for it; "" when there is none.

    "Der er afsat kr. 590.000 i 2019" says nothing without "Velfærdsteknologi"
    above it. The heading is shown apart from the quote, and only when it
    directly precedes the unit, so heading and quote still read word for word
    as in the source.
    """
    heading = _previous(unit, pool)
    if heading is None or heading.kind is not Kind.HEADING or unit.kind is Kind.HEADING:
        return ""
    between = unit.passage.text[heading.end : unit.start]
    text = heading.text.strip().rstrip(":")
    if between.strip() or len(text.split()) > _MAX_LABEL_WORDS or text.lower() in unit.text.lower():
        return ""
    return text


def _previous(unit: Candidate, pool: Sequence[Candidate]) -> Candidate | None:
    """The unit right before this one in its passage, if any."""
    same = [c for c in pool if c.passage is unit.passage]
    i = same.index(unit)
    return same[i - 1] if i > 0 else None


def _with_block_neighbour(chosen: list[Candidate], ranked: list[tuple[Candidate, float]], ratio: float) -> list[Candidate]:
    """The answer with the next most probable sentence of the best unit's block, when it has at least ``ratio``
    of the best unit's probability.

    The sentence that answers best is often one of a paragraph that answers
    together ("Åben Rådgivning er ..." and "De hyppigste emner var ..."): a
    neighbour under the same heading is more likely part of the answer than
    a sentence of another passage at the same probability. It is checked
    after the declines, which judge what the ranker chose on its own, and
    stands right after the best unit: the answer still leads with what
    answers best ("Hvor mange ..." with its count, not the paragraph's
    opening).
    """
    best, best_p = ranked[0]
    if best not in chosen:
        return chosen
    neighbour = next(
        (
            c for c, p in ranked[1:]
            if p >= ratio * best_p and c.block == best.block and c.list_id is None and c not in chosen
        ),
        None,
    )
    if neighbour is None:
        return chosen
    at = chosen.index(best) + 1
    return [*chosen[:at], neighbour, *chosen[at:]]


def _column(name: str, pool: Sequence[Candidate], matrix: np.ndarray) -> dict[int, float]:
    """One feature's value per unit (keyed by identity)."""
    column = FEATURES.index(name)
    return {id(c): float(matrix[i, column]) for i, c in enumerate(pool)}


def _with_antecedents(chosen: list[Candidate], pool: Sequence[Candidate]) -> list[Candidate]:
    """A unit opening with "Dette", "Disse", "I stedet" ... comes right after the sentence it refers back to,
    and so does that sentence when it refers back in turn ("… ønske om at gå igen. Dette ønske var ikke
    realistisk. I stedet fik hun …"). Past the first step the chain runs through prose only: a sentence may
    refer to the list item before it, but what comes before that item is the list, not the argument."""
    out: list[Candidate] = []
    for candidate in chosen:
        if candidate in out:
            continue
        antecedents: list[Candidate] = []
        unit = candidate
        while unit.inherited:
            previous = _previous(unit, pool)
            if previous is None or previous in out or not (previous in chosen or quotable(previous)):
                break
            if antecedents and previous.kind is not Kind.PROSE:  # the list before the item referred to
                break
            antecedents.insert(0, previous)
            unit = previous
        out.extend([*antecedents, candidate])
    return out


def _on_conversation_topic(
    ranked: list[tuple[Candidate, float]], pool: Sequence[Candidate], matrix: np.ndarray
) -> list[tuple[Candidate, float]]:
    """A follow-up is answered from passages about what the conversation was about.

    "Hvad kostede det?" after a question about mentors must not quote the
    cost of something else, however well "kostede" matches: only units whose
    passage covers the conversation's topic at least half as well as the best
    passage does stay.
    """
    kept = {id(c) for c in _on_topic([c for c, _ in ranked], pool, matrix)}
    return [(c, p) for c, p in ranked if id(c) in kept]


def _naming_what_follow_up_asks(
    ranked: list[tuple[Candidate, float]], pool: Sequence[Candidate], matrix: np.ndarray, composition: Composition
) -> list[Candidate]:
    """The units that name what a follow-up itself asks ("Og hvad er målsætningen for det?" ->
    "Målsætningen ligger på ..."), when the best unit overall does not.

    The conversation's topic can outweigh the follow-up's own words in the ranking, and the answer must
    still answer them. Which of several such units "det" points to needs the sentence read, so all of
    them (above the decline threshold) are quoted.
    """
    asked = _column("typed_coverage", pool, matrix)
    if not ranked or asked[id(ranked[0][0])] >= ASKED_AGAIN:
        return []
    return [c for c, p in ranked if asked[id(c)] >= ASKED_AGAIN and p >= composition.decline_below]


def _said_before(
    ranked: list[tuple[Candidate, float]], pool: Sequence[Candidate], matrix: np.ndarray, max_said: float
) -> set[int]:
    """The units (by identity) the previous answer already said: a later question in a conversation asks something new.

    Not a unit that holds what the follow-up itself asks for ("Og hvad er status?" after an answer that
    quoted the status line gets it again), nor the best-ranked unit holding the kind of content it asks
    for ("Hvornår startede den?" after an answer that said "… i gang siden marts 2014" in passing: another
    sentence with a date in it is no answer), and only when something else is left to quote.
    """
    share = _column("repeats_conversation", pool, matrix)
    asked = _column("typed_coverage", pool, matrix)
    typed = _column("typed_match", pool, matrix)
    best_typed = next((c for c, _ in ranked if typed[id(c)] > 0), None)
    said = {
        id(c) for c, _ in ranked if share[id(c)] >= max_said and asked[id(c)] < ASKED_AGAIN and c is not best_typed
    }
    return said if len(said) < len(ranked) else set()


def _on_topic(units: Sequence[Candidate], pool: Sequence[Candidate], matrix: np.ndarray) -> list[Candidate]:
    """The units whose passage covers the question's topic at least ``TOPIC_SHARE`` as well as the best of them."""
    topic = _column("passage_topic", pool, matrix)
    best = max((topic[id(c)] for c in units), default=0.0)
    return [c for c in units if topic[id(c)] >= TOPIC_SHARE * best]


def _misses_year(
    analysis: QueryAnalysis, chosen: Sequence[Candidate], pool: Sequence[Candidate], typed: dict[int, float] | None = None
) -> bool:
    """The question asks about one year (or period) and no chosen unit about the asked thing speaks of it.

    When some chosen units name the question's anchor (its named initiative),
    only those count: a sentence about the whole budget in the asked year
    does not give the initiative's budget for it when the initiative's own
    sentence speaks of another year. Likewise, when the question asks only for
    figures (``typed``: a count or an amount) and chosen units hold one, only
    those count: "I 2021 blev der afholdt 6 kurser" does not become 2022's
    count because the sentence after it, without a figure, stands in a note
    dated 2022. A reason or a date may stand in a sentence without the year
    its neighbour gives.
    """
    if not analysis.years or analysis.comparison or analysis.years_from_answer:
        return False
    about = [c for c in chosen if names_anchor(analysis.text, c)] or list(chosen)
    if typed is not None:
        about = [c for c in about if typed[id(c)] > 0] or about
    return not any(analysis.years & effective_years(c, pool) for c in about)


# A question joining things ("madklubben, besøgsvennerne og caféen", "både i … og i …") asks about each of them,
# not about its one most specific term.
_JOINED = re.compile(r"\b(?:og|både|samt)\b|,", re.IGNORECASE)


def _figures_on_anchor(chosen: list[Candidate], question: str, typed: dict[int, float]) -> list[Candidate]:
    """For a question asking for figures about a named thing, once a chosen unit gives a figure about it, the
    figures of chosen units that do not name it (in their own words or heading) go.

    "Hvor mange deltog i motionskurserne i 2021?" is answered by the courses'
    count; the next paragraph's "I 2021 deltog 47 borgere i forløbet" shares
    the year and the verb, but counts another initiative's participants: a
    wrong number.
    """
    named = {id(c) for c in chosen if names_anchor(question, c)}  # every unit, when the question has no anchor
    if not any(typed[id(c)] > 0 for c in chosen if id(c) in named):
        return chosen
    return [c for c in chosen if typed[id(c)] == 0 or id(c) in named]


def _only_plans(analysis: QueryAnalysis, chosen: Sequence[Candidate]) -> bool:
    """The question asks what happened, and every chosen unit says only what was planned, expected or applied for."""
    return asks_what_happened(analysis.typed) and all(PROSPECTIVE.search(c.text) for c in chosen)


def _misses_type(
    analysis: QueryAnalysis,
    pool: Sequence[Candidate],
    chosen: Sequence[Candidate],
    matrix: np.ndarray,
    passage_terms: PassageTerms | None,
    key_share: float,
) -> bool:
    """The question asks for a number, amount, date or reason and no chosen unit on its topic holds one.

    An amount quoted beside the sentences about what was asked, from a
    passage about something else, does not answer what that thing cost: the
    unit holding it must stand in a passage that covers the question's topic
    at least ``TOPIC_SHARE`` as well as the best chosen passage does, and
    that names a question term at least ``key_share`` as rare as the rarest
    one any retrieved passage names. The question's common words
    ("kommune", "ny") together can cover more of it than the one word that
    says what it is about. A unit that itself names the question's anchor
    (its named initiative) is about the asked thing even when another
    passage holds more of the question's words, a verb such as "startede"
    among them.
    """
    if not any(part.typed for part in analysis.profile.parts):
        return False
    typed = _column("typed_match", pool, matrix)
    about = _on_topic(chosen, pool, matrix)
    if passage_terms is not None and key_share > 0:
        about = [c for c in about if passage_terms.rarest(c.passage) >= key_share * passage_terms.rarest_anywhere]
    about += [c for c in chosen if states_anchor(analysis.text, c)]
    return not any(typed[id(c)] > 0 for c in about)


def _in_reading_order(chosen: list[Candidate], pool: Sequence[Candidate]) -> list[Candidate]:
    """After the lead, a unit whose sentence right before it in the document is in the answer too follows
    that sentence.

    The ranker orders by how well each unit answers, and read in that order a
    status note's "Antallet er lavere end forventet." came before the sentence
    with the number it speaks of. Consecutive sentences read as the document
    wrote them. The lead stays first even when its predecessor is chosen: it
    is what answers best, and the sentences before it mostly introduce it.
    """
    out = list(chosen)
    for unit in sorted(chosen[1:], key=lambda c: c.start):  # a run of sentences is placed from its start
        previous = _previous(unit, pool)
        if previous is None or previous not in out:
            continue
        out.remove(unit)
        out.insert(out.index(previous) + 1, unit)
    return out


def _without_trailing_lead_in(chosen: list[Candidate]) -> list[Candidate]:
    """The answer without a lead-in at its end: "… på følgende måde:" announces what the answer does not show
    (its items were another list's, dropped as repeats, or are not among the passages)."""
    while len(chosen) > 1 and chosen[-1].kind is Kind.LEAD_IN:
        chosen = chosen[:-1]
    return chosen


def _lists_together(chosen: list[Candidate]) -> list[Candidate]:
    """Items of one list stand together, in the list's own order, where its first chosen item stands:
    a timeline's dates read in order, not in the order they scored."""
    out: list[Candidate] = []
    for unit in chosen:
        if unit in out:
            continue
        if unit.list_id is None:
            out.append(unit)
            continue
        members = _list_members(unit, chosen)
        out.extend(sorted(members, key=lambda c: c.start))
    return out


def _with_typed(
    chosen: list[Candidate], ranked: list[tuple[Candidate, float]], pool: Sequence[Candidate], matrix: np.ndarray, floor: float
) -> list[Candidate]:
    """"Hvor mange ..." gets the best unit holding the asked kind of content, when none chosen holds it and
    the ranker backs it (at least ``floor``): the count may rank below two sentences about the same thing."""
    typed = _column("typed_match", pool, matrix)
    if any(typed[id(c)] > 0 for c in chosen):
        return chosen
    extra = next((c for c, p in ranked if p >= floor and typed[id(c)] > 0 and c not in chosen), None)
    return chosen if extra is None else [*chosen, extra]


# A count: not a year, and not a share ("65 % af borgerne" counts no citizens).
_COUNT = re.compile(r"(?<![\d.,])(?!(?:19|20)\d\d\b)\d[\d.,]*(?![\d.,])(?!\s*(?:%|procent))")
# The word a number counts stands right after it or after one word more ("323 brugere", "45 nye borgere").
_COUNTED_WITHIN = 2


def _counted_first(chosen: list[Candidate], ranked: list[tuple[Candidate, float]], noun: str, floor: float) -> list[Candidate]:
    """"Hvor mange brugere …" leads with the sentence whose number counts users, when the lead's number
    counts something else and the ranker backs that sentence (at least ``floor``); a compound ending in
    the noun ("boblbergbrugere") counts it too."""

    def counts_noun(unit: Candidate) -> bool:
        text = unit.text
        return any(
            stem(word).endswith(noun)
            for number in _COUNT.finditer(text)
            for word in words(text[number.end() :])[:_COUNTED_WITHIN]
        )

    if counts_noun(chosen[0]):
        return chosen
    lead = next((c for c, p in ranked if p >= floor and counts_noun(c)), None)
    return chosen if lead is None else [lead, *(c for c in chosen if c is not lead)]


def _with_each_year(
    chosen: list[Candidate],
    ranked: list[tuple[Candidate, float]],
    pool: Sequence[Candidate],
    years: frozenset[int],
    typed: dict[int, float] | None,
    floor: float,
    limit: int,
) -> list[Candidate]:
    """A question over several years ("fra 2016 til 2018", "i 2017 og i 2018") gets, for each asked year no
    chosen unit speaks of, the best unit that does (holding the asked kind of content, ``typed``, for "hvor
    mange"), when the ranker gives it at least ``floor``, and at most ``limit`` more.

    The best units of a yearly series are often all from one year's note: the notes repeat each other,
    and the newest says most about the asked thing, so the other years' figures rank just below the cut.
    The year was asked for by name, so its unit needs only what any answer needs (the decline threshold),
    not what an unasked addition needs (a share of the best unit's probability): with that share, whether
    the third of four years came along turned on the third decimal of a refit.
    """

    def answers(unit: Candidate, year: int) -> bool:
        return year in effective_years(unit, pool) and (typed is None or typed[id(unit)] > 0)

    added: list[Candidate] = []
    for year in sorted(years):
        if len(added) >= limit or any(answers(c, year) for c in [*chosen, *added]):
            continue
        unit = next((c for c, p in ranked if p >= floor and c not in chosen and answers(c, year)), None)
        if unit is not None:
            added.append(unit)
    return [*chosen, *added]


def _typed_first(chosen: list[Candidate], pool: Sequence[Candidate], matrix: np.ndarray, question: str) -> list[Candidate]:
    """"Hvor mange ..." leads with the sentence holding the number: the first chosen sentence (not a list
    item, whose list keeps its order) with the asked kind of content moves to the front.

    Of those, one that names the question's named initiative goes first. A
    follow-up's search carries the previous answer's words: after a cost
    answer, "Hvornår startede den?" ranks the dated budget sentence above the
    date the initiative started, though only the second is about what "den"
    is.
    """
    typed = _column("typed_match", pool, matrix)
    holding = [c for c in chosen if typed[id(c)] > 0 and (c is chosen[0] or c.list_id is None)]
    if not holding:
        return chosen
    lead = next((c for c in holding if states_anchor(question, c)), holding[0])
    if lead is chosen[0]:
        return chosen  # the best unit holds it already, a list item too: a lower one does not go before it
    return [lead, *(c for c in chosen if c is not lead)]


# "Hvad er X?" / "Hvad var X for noget?": the question asks what X is.
_WHAT_IS = re.compile(r"^\s*hvad\s+(?:er|var)\b", re.IGNORECASE)


def _opening_first(chosen: list[Candidate], pool: Sequence[Candidate], asked: set[str]) -> list[Candidate]:
    """"Hvad er X?" leads with the sentence right under the heading X, when one is chosen.

    A note introduces an initiative in the sentence under its heading ("Ung
    på vej" / "Indsats for unge mellem 18-29 år, der står uden job eller
    uddannelse."); the sentences after it say how it works and what it did,
    and share more words with the question because they repeat the name. The
    heading must hold every word of the question: "Hvad er status for X?"
    asks for the status, not for what X is.
    """
    def opens(unit: Candidate) -> bool:
        heading = _previous(unit, pool)
        return heading is not None and heading.kind is Kind.HEADING and bool(asked) and asked <= heading.terms.stems

    opener = next((c for c in chosen if opens(c)), None)
    if opener is None or opener is chosen[0]:
        return chosen
    return [opener, *(c for c in chosen if c is not opener)]


def _year_decline(
    analysis: QueryAnalysis, chosen: Sequence[Candidate], related: Sequence[Passage], pool: Sequence[Candidate]
) -> Answer:
    """Decline, saying which years the closest unit on the question's subject does speak of, cited."""
    asked = ", ".join(str(y) for y in sorted(analysis.years))
    unit = next((c for c in chosen if names_anchor(analysis.text, c)), None)
    if unit is None:
        return _decline(related)
    covered = ", ".join(str(y) for y in sorted(effective_years(unit, pool)))
    if not covered:
        return _decline(related, f"Dokumenterne har ingen oplysninger for {asked}.")
    return _pointed_decline(unit, pool, related, f"Spørgsmålet gælder {asked}, men det nærmeste svar gælder {covered}")


def _pointed_decline(unit: Candidate, pool: Sequence[Candidate], related: Sequence[Passage], reason: str) -> Answer:
    """Decline, saying why and citing the nearest unit after its short heading, as an answer line would
    ("Budget: Der er afsat ..." says nothing without the initiative's name)."""
    citations = cite([unit])
    label = _label(unit, pool)
    quote = f"{label}: " * bool(label) + _BULLET.sub("", citations[0].quote)
    text = f"{DECLINE_TEXT} {reason}: {quote} [1]"
    return Answer(text=text, declined=True, citations=citations, mode="answer", related=list(related))


def _decline(related: Sequence[Passage], reason: str = "") -> Answer:
    text = f"{DECLINE_TEXT} {reason}".strip()
    return Answer(text=text, declined=True, citations=[], mode="answer", related=list(related))
