"""`eval`: retrieval and answer metrics on a JSONL question set, per question type.

Follow-up items are searched with the same standalone query the assistant
builds from the conversation, so the retrieval numbers measure what users get.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from ishoj_assistant.context import AppContext
from ishoj_assistant.evaluation.answer_metrics import answer_item_metrics
from ishoj_assistant.evaluation.dataset import load_items
from ishoj_assistant.evaluation.report import markdown_report, text_table
from ishoj_assistant.evaluation.runner import assistant_query, run_evaluation


def run_eval(args: argparse.Namespace) -> int:
    if not args.set.exists():
        print(f"Fejl: findes ikke: {args.set}", file=sys.stderr)
        return 2
    context = AppContext()
    report = run_evaluation(
        load_items(args.set),
        context.retriever,
        context,
        query_builder=assistant_query(context.assistant),
        extra_metrics=[answer_item_metrics],
    )
    print(text_table(report["summary"]))
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "evaluation.json").write_text(json.dumps(report, ensure_ascii=False, indent=2), encoding="utf-8")
    (args.out / "evaluation.md").write_text(markdown_report(report, f"Evaluering: {args.set.name}"), encoding="utf-8")
    print(f"\nSkrev {args.out / 'evaluation.json'} og {args.out / 'evaluation.md'}.")
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("eval", help="Mål søge- og svarkvaliteten på et sæt spørgsmål (JSONL).")
    parser.add_argument("--set", type=Path, required=True, help="JSONL-fil med spørgsmål, evidens og kilder.")
    parser.add_argument("--out", type=Path, default=Path("docs"), help="Mappe til evaluation.json og evaluation.md.")
    parser.set_defaults(handler=run_eval)
