"""The answer layer's tuning, as one typed object built once from the settings.

The answerers read this and nothing else of the configuration, so a test or
the fitting command can vary one knob without building a whole ``Settings``.
How units are ranked and composed is not here: that is fitted
(:mod:`ishoj_assistant.answering.ranker`, ``ranker_weights.json``).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ishoj_assistant.settings import Settings

WEIGHTS_FILE = Path(__file__).with_name("ranker_weights.json")


@dataclass(frozen=True)
class AnswerConfig:
    """Knobs of retrieval-for-answers, term weighting and drafts."""

    passages: int = 5
    related: int = 3
    context_weight: float = 0.5
    focus_weight: float = 2.0
    draft_units: int = 8
    ranker_file: Path = WEIGHTS_FILE

    @classmethod
    def from_settings(cls, settings: Settings) -> "AnswerConfig":
        return cls(
            passages=settings.answer_passages,
            related=settings.answer_related,
            context_weight=settings.answer_context_weight,
            focus_weight=settings.answer_focus_weight,
            draft_units=settings.answer_draft_units,
            ranker_file=settings.answer_ranker_file or WEIGHTS_FILE,
        )
