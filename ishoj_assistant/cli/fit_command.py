"""`fit`: refit the unit ranker on evidence-labelled question sets and choose the composition by CV.

Each set comes with the data directory of its own index (and the corpus to
index there first, incrementally): the sets' documents are different
municipalities' and must not share an index. Writes the weights file the
answerer loads and a Markdown report with the cross-validated figures next
to the in-sample ones.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ishoj_assistant.answering.config import WEIGHTS_FILE
from ishoj_assistant.context import AppContext
from ishoj_assistant.evaluation.dataset import load_items
from ishoj_assistant.evaluation.fitting import Example, collect, fit_and_report
from ishoj_assistant.settings import get_settings


def _examples(sets: list[list[str]]) -> list[Example]:
    examples: list[Example] = []
    for jsonl, data_dir, corpus_dir in sets:
        settings = get_settings().model_copy(update={"data_dir": Path(data_dir), "corpus_dir": Path(corpus_dir)})
        context = AppContext(settings)
        context.indexer().ingest([Path(corpus_dir)])
        name = Path(jsonl).parent.name if Path(jsonl).stem == "train" else Path(jsonl).stem
        examples += collect(load_items(Path(jsonl)), context, name)
        print(f"{name}: {len(examples)} spørgsmål forberedt", file=sys.stderr)
    return examples


def run_fit(args: argparse.Namespace) -> int:
    missing = [path for s in args.set for path in (s[0], s[2]) if not Path(path).exists()]
    if missing:
        print(f"Fejl: findes ikke: {', '.join(missing)}", file=sys.stderr)
        return 2
    # Made before the minutes of fitting, so an unwritable place fails at once, not after them.
    args.weights.parent.mkdir(parents=True, exist_ok=True)
    args.out.mkdir(parents=True, exist_ok=True)
    ranker, report = fit_and_report(_examples(args.set))
    ranker.save(args.weights)
    (args.out / "answer-ranker.md").write_text(report, encoding="utf-8")
    print(report)
    print(f"Skrev {args.weights} og {args.out / 'answer-ranker.md'}.", file=sys.stderr)
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser = subparsers.add_parser(
        "fit", help="Tilpas svarrangeringen på spørgsmålssæt med evidens (krydsvalideret pr. dokument)."
    )
    parser.add_argument(
        "--set", nargs=3, action="append", required=True, metavar=("JSONL", "DATAMAPPE", "DOKUMENTMAPPE"),
        help="et spørgsmålssæt, mappen til dets eget indeks og dokumenterne, der indekseres dér (kan gentages)",
    )
    parser.add_argument("--weights", type=Path, default=WEIGHTS_FILE, help="hvor vægtene skrives")
    parser.add_argument("--out", type=Path, default=Path("docs"), help="mappe til answer-ranker.md")
    parser.set_defaults(handler=run_fit)
