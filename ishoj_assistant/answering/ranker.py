"""The fitted unit ranker: a logistic model over :data:`features.FEATURES`, shipped as a small JSON file.

The weights are fitted on evidence-labelled units of two corpora by
``ishoj-assistant fit`` (:mod:`ishoj_assistant.evaluation.fitting`), which
also chooses the composition thresholds by cross-validation grouped by
document. At run time scoring is one standardised dot product per unit, so
scikit-learn is needed only to refit.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np

from ishoj_assistant.answering.config import WEIGHTS_FILE
from ishoj_assistant.answering.features import FEATURES
FORMAT_VERSION = 1


@dataclass(frozen=True)
class Composition:
    """How ranked units become an answer; chosen by cross-validation, not by hand.

    ``decline_below``: the best unit's probability under which the answer
    declines. ``add_ratio``: a further unit joins only with at least this
    share of the best unit's probability. ``max_units``: the most units one
    answer quotes (list items under one heading count as one).

    The four ``require_*`` switches decline when what would be quoted does
    not hold what the question pins down: the asked year, the asked kind of
    content (a number, an amount, a date), the question's most specific term
    (a named initiative), or, for a question about what happened, a result
    rather than only what was planned, expected or applied for. ``follow_topic`` answers a follow-up only from
    passages about the earlier question it refers to. ``max_unmentioned``:
    decline when at least this share of the question's terms is mentioned
    nowhere in the passages (above 1: never). ``max_said``: a follow-up does
    not quote again a unit whose words the previous answer already said to
    at least this share (above 1: it may). ``block_ratio``: the next most
    probable sentence under the best unit's own heading joins it, beyond
    ``max_units``, with at least this share of its probability (above 1:
    never); the paragraph the answer stands in often says the rest of it.
    ``key_share``: the asked number, amount or date counts only from a
    passage naming a question term at least this share as rare as the
    rarest one any retrieved passage names (0: any passage on the topic).
    """

    decline_below: float = 0.2
    add_ratio: float = 0.6
    max_units: int = 3
    max_list_items: int = 8
    require_year: bool = True
    require_type: bool = True
    require_anchor: bool = True
    require_fact: bool = True
    follow_topic: bool = True
    max_unmentioned: float = 1.01
    max_said: float = 1.01
    block_ratio: float = 1.01
    key_share: float = 0.0


@dataclass(frozen=True)
class UnitRanker:
    """Standardise, weigh, squash: P(unit holds the answer)."""

    features: tuple[str, ...]
    mean: tuple[float, ...]
    scale: tuple[float, ...]
    coef: tuple[float, ...]
    intercept: float
    composition: Composition = field(default_factory=Composition)
    fitted_on: str = ""

    def probabilities(self, matrix: np.ndarray) -> np.ndarray:
        if len(matrix) == 0:
            return np.zeros(0, np.float32)
        columns = [FEATURES.index(name) for name in self.features]
        z = (matrix[:, columns] - np.asarray(self.mean)) / np.asarray(self.scale)
        return 1.0 / (1.0 + np.exp(-(z @ np.asarray(self.coef) + self.intercept)))

    def with_composition(self, composition: Composition) -> "UnitRanker":
        return UnitRanker(self.features, self.mean, self.scale, self.coef, self.intercept, composition, self.fitted_on)

    def save(self, path: Path = WEIGHTS_FILE) -> None:
        data = {"format": FORMAT_VERSION, **asdict(self)}
        path.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")

    @classmethod
    def load(cls, path: Path = WEIGHTS_FILE) -> "UnitRanker":
        data = json.loads(path.read_text(encoding="utf-8"))
        if data.pop("format", None) != FORMAT_VERSION:
            raise ValueError(f"{path}: ukendt format; kør `ishoj-assistant fit` igen")
        missing = set(data["features"]) - set(FEATURES)
        if missing:
            raise ValueError(f"{path}: ukendte features {sorted(missing)}; kør `ishoj-assistant fit` igen")
        composition = Composition(**data.pop("composition"))
        return cls(
            features=tuple(data["features"]),
            mean=tuple(data["mean"]),
            scale=tuple(data["scale"]),
            coef=tuple(data["coef"]),
            intercept=float(data["intercept"]),
            composition=composition,
            fitted_on=str(data.get("fitted_on", "")),
        )
