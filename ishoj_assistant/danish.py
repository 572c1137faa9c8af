"""Danish text analysis shared by keyword search and the answer layer.

One tokenizer, one stemmer and one stopword list, used identically at index
and query time: if the two ever differed, keyword search would silently
degrade (bm25s, for instance, applies English stopwords to queries unless told).
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import Stemmer
from bm25s.stopwords import STOPWORDS_DANISH

# Words that carry no content in questions to the assistant, on top of the
# Snowball Danish stopwords ("hvor mange", "hvad er", "kan du", ...).
_QUESTION_WORDS = {
    "hvad", "hvem", "hvilke", "hvilken", "hvilket", "hvor", "hvordan", "hvornår", "hvorfor",
    "mange", "meget", "kan", "du", "vi", "jeg", "os", "vores", "fx", "mv", "osv", "pt", "bl",
    "a", "ca", "få", "gør", "gøre", "giv", "fortæl", "skriv", "lav", "udkast", "ikke",
    "sig", "man", "også", "så", "nu", "ind", "ud", "op", "ned", "efter", "før", "over", "under",
    "mellem", "samt", "både", "ved", "via", "hhv", "evt", "ift", "vedr", "dvs",
}

STOPWORDS: frozenset[str] = frozenset(STOPWORDS_DANISH) | frozenset(_QUESTION_WORDS)
# "være" and "blive" in the tenses a question uses: "hvad er/var/bliver/blev ..." asks what something is.
COPULAS: frozenset[str] = frozenset({"er", "var", "bliver", "blev"})
# "Hvordan går det med klippekortet?" asks how it is going: its "det" is the idiom's formal subject, not a
# word pointing back, and its verb is no topic word. Without "hvordan" it is another verb ("gik det ned?").
STATUS_IDIOM = re.compile(r"\bhvordan (?:(?:går|gik) det|er det gået|står det til|ser det ud)\b", re.IGNORECASE)

_TOKEN = re.compile(r"[0-9]+(?:[.,][0-9]+)*%?|[^\W\d_]+(?:-[^\W\d_]+)*", re.UNICODE)

_stemmer = Stemmer.Stemmer("danish")


def normalise(text: str) -> str:
    """NFC, lower case, unified quotes and dashes: the form all matching uses."""
    text = unicodedata.normalize("NFC", text).lower()
    return text.replace("–", "-").replace("—", "-").replace("\u00ad", "")


def words(text: str) -> list[str]:
    """All word and number tokens, lower-cased, hyphenated words split into parts."""
    out: list[str] = []
    for token in _TOKEN.findall(normalise(text)):
        out.extend(part for part in token.split("-") if part)
    return out


# Nouns whose plural changes the vowel, which Snowball leaves apart from the
# singular ("tænderne" would never meet "tandpleje"): plural forms -> singular.
_IRREGULAR_PLURALS = {
    form: singular
    for singular, forms in {
        "tand": ("tænder", "tænderne"), "hånd": ("hænder", "hænderne"), "fod": ("fødder", "fødderne"),
        "bog": ("bøger", "bøgerne"), "mand": ("mænd", "mændene"), "barn": ("børn", "børnene"),
        "bonde": ("bønder", "bønderne"), "nat": ("nætter", "nætterne"), "datter": ("døtre", "døtrene"),
        "mor": ("mødre", "mødrene"), "far": ("fædre", "fædrene"), "bror": ("brødre", "brødrene"),
        "ko": ("køer", "køerne"), "gås": ("gæs", "gæssene"), "stang": ("stænger", "stængerne"),
    }.items()
    for form in forms
}


# Latin loan nouns in "-ium" lose the "um" before an ending ("ministerium", "ministeriet", "ministerier";
# "kriterium", "kriterier"), which Snowball does not know: the bare form is stemmed without it.
_LATIN_IUM = "ium"
_MIN_LATIN_IUM = 6


@lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    """Danish Snowball stem of one lower-cased word, irregular plurals first brought to their singular and a
    Latin "-ium" noun to the stem its inflected forms have."""
    if word.endswith(_LATIN_IUM) and len(word) >= _MIN_LATIN_IUM:
        word = word[: -len("um")]
    return _stemmer.stemWord(_IRREGULAR_PLURALS.get(word, word))


def content_words(text: str) -> list[str]:
    """The words that carry content (stopwords and single letters dropped), in order."""
    return [w for w in words(text) if w not in STOPWORDS and (len(w) > 1 or w.isdigit())]


# A stem this long is a compound that names a topic of its own ("kontinensklinik", "ældrestrategi"); a shorter
# one names a kind of thing ("mål", "budget", "årsag").
MIN_TOPIC_STEM = 10


def content_terms(text: str) -> list[str]:
    """Stemmed content words, in order."""
    return [stem(w) for w in content_words(text)]


def numbers(text: str) -> set[str]:
    """Numbers as written in the text, normalised so '250.000' and '250000' match."""
    found = re.findall(r"\d+(?:[.,]\d+)*", text)
    return {n.replace(".", "").replace(",", ".") if re.fullmatch(r"\d{1,3}(?:\.\d{3})+", n) else n.replace(",", ".") for n in found}
