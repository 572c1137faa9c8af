"""Rendering an evaluation summary as a console table and as Markdown."""

from __future__ import annotations

from typing import Any

_PREFERRED = ["hit@1", "hit@5", "mrr@10", "coverage@5"]


def metric_names(summary: dict[str, dict[str, float]]) -> list[str]:
    """Retrieval metrics first in a fixed order, then any extra metrics alphabetically."""
    names = {name for row in summary.values() for name in row if name != "n"}
    return [n for n in _PREFERRED if n in names] + sorted(names - set(_PREFERRED))


def _rows(summary: dict[str, dict[str, float]]) -> tuple[list[str], list[list[str]]]:
    names = metric_names(summary)
    header = ["Type", "Antal", *names]
    rows = [
        [group, str(int(row["n"])), *(f"{row[n]:.2f}" if n in row else "-" for n in names)]
        for group, row in summary.items()
    ]
    return header, rows


def text_table(summary: dict[str, dict[str, float]]) -> str:
    header, rows = _rows(summary)
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
    line = lambda r: "  ".join(v.ljust(w) for v, w in zip(r, widths)).rstrip()  # noqa: E731
    return "\n".join([line(header), line(["-" * w for w in widths]), *map(line, rows)])


def markdown_table(summary: dict[str, dict[str, float]]) -> str:
    header, rows = _rows(summary)
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(r) + " |" for r in rows]
    return "\n".join(lines)


def markdown_report(report: dict[str, Any], title: str) -> str:
    """eval.md: the summary table and the items that missed at 5."""
    misses = [r for r in report["items"] if r["metrics"].get("hit@5") == 0.0]
    parts = [f"# {title}", "", markdown_table(report["summary"]), ""]
    if misses:
        parts += ["## Spørgsmål uden træf i top 5", ""]
        parts += [f"- {r['id']} ({r['type']}): {r.get('query', '')}" for r in misses]
        parts.append("")
    return "\n".join(parts)
