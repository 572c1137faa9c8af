"""Rebuild the shipped corpus's prebuilt embedding cache, ``corpus/.embeddings.sqlite3``.

The cache holds the vector of every text the assistant embeds for the shipped
documents (chunks, answer units, their headings), keyed like the runtime cache
(embedder name + text), so a fresh machine answers without embedding them
first. Run it after changing cleaning, chunking or how units are cut; texts
that did not change are taken from the old seed or from ``--reuse``'s cache.

    PYTHONPATH=. .venv/bin/python scripts/build_embedding_seed.py [--reuse data]
"""

from __future__ import annotations

import argparse
import shutil
import sqlite3
import tempfile
from pathlib import Path

from ishoj_assistant.answering.features import unit_texts
from ishoj_assistant.context import AppContext
from ishoj_assistant.settings import Settings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--corpus", type=Path, default=Path("corpus"))
    parser.add_argument("--reuse", type=Path, help="a data directory whose embedding cache may hold the texts already")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp)
        if args.reuse and (args.reuse / "cache" / "embeddings.sqlite3").is_file():
            (data / "cache").mkdir(parents=True)
            shutil.copy(args.reuse / "cache" / "embeddings.sqlite3", data / "cache" / "embeddings.sqlite3")
        context = AppContext(Settings(_env_file=None, data_dir=data, corpus_dir=args.corpus))  # type: ignore[call-arg]
        context.indexer().ingest([args.corpus])
        chunks = list(context.store.iter_chunks())
        texts = list(dict.fromkeys([*(c.context_text() for c in chunks), *(t for c in chunks for t in unit_texts(c))]))
        vectors = context.embedder.embed_passages(texts)  # all cached by now; embeds anything still missing
        keys = [context.embedder.key(t) for t in texts]
        seed = args.corpus / ".embeddings.sqlite3"
        seed.unlink(missing_ok=True)
        db = sqlite3.connect(seed)
        db.execute("CREATE TABLE vectors (key TEXT PRIMARY KEY, vector BLOB)")
        db.executemany("INSERT INTO vectors VALUES (?, ?)", [(k, v.tobytes()) for k, v in zip(keys, vectors)])
        db.commit()
        db.execute("VACUUM")
        db.close()
        print(f"{seed}: {len(keys)} vektorer ({seed.stat().st_size / 1e6:.1f} MB)")


if __name__ == "__main__":
    main()
