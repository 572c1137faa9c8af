"""No reader receives a CPR number through any path: text, metadata, file name, original file
or the UI's temp copy, whichever of eleven common spellings it was written in."""

from __future__ import annotations

import re
from pathlib import Path

import httpx
import pytest

from ingest.privacy import CPR_MASK, mask_cpr
from ishoj_assistant.cli.serve_command import build_app
from ishoj_assistant.context import AppContext
from tests.conftest import make_settings
from tests.live_server import live_server
from tests.pdf_factory import Heading, Paragraph, make_pdf
from tests.test_api import wait_for_job
from ui.documents import DocumentsPanel

# Eleven spellings seen in municipal documents; each serial (1234..1244) occurs nowhere else.
CPR_SPELLINGS = (
    "010203-1234",
    "0202031235",
    "030203 1236",
    "040203\u00a01244",  # non-breaking space
    "12 02 03-1237",
    "13.02.03-1238",
    "140203 - 1239",
    "150203\u20131240",  # en dash
    "160203\u20111241",  # non-breaking hyphen
    "17-02-03-1242",
    "180203/1243",
)
NAME_CPR = "190203-1245"
# A serial standing alone, or after the six birth-date digits; not inside a random hex id ("edd93b812399").
SERIALS = re.compile(r"(?<![0-9a-fA-F])12(?:3[4-9]|4[0-5])(?![0-9a-fA-F])|\d{6}12(?:3[4-9]|4[0-5])")
READER = {"Authorization": "Bearer laes"}
ADMIN = {"Authorization": "Bearer adm"}


@pytest.mark.parametrize("spelling", CPR_SPELLINGS)
def test_each_spelling_is_masked(spelling: str) -> None:
    assert mask_cpr(f"Borgeren ({spelling}) er visiteret.") == (f"Borgeren ({CPR_MASK}) er visiteret.", 1)


def _case_text() -> str:
    return " ".join(f"Borger nummer {i} har CPR {cpr} og bor i Ishøj." for i, cpr in enumerate(CPR_SPELLINGS, 1))


def _strings(value: object) -> list[str]:
    """Every string in a JSON value (scores and other numbers are left out: 0.01234 is no CPR)."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for k, v in value.items() for s in (k, *_strings(v))]
    if isinstance(value, (list, tuple)):
        return [s for v in value for s in _strings(v)]
    return []


def _assert_clean(what: str, value: object) -> None:
    for text in _strings(value):
        assert not SERIALS.search(text), f"CPR digits leaked through {what}: {text[:300]}"


def test_no_cpr_number_reaches_a_reader_by_any_path(tmp_path: Path, embedding_cache_dir: Path) -> None:
    settings = make_settings(tmp_path / "data", embedding_cache_dir, reader_token="laes", admin_token="adm")
    context = AppContext(settings)
    pdf = make_pdf(tmp_path / "src.pdf", [[Heading("Sagsnotat om hjemmepleje"), Paragraph(_case_text())]])
    with live_server(build_app(context)) as url, httpx.Client(base_url=url, timeout=60) as client:
        name = f"Sag {NAME_CPR} hjemmepleje.pdf"
        accepted = client.post("/api/documents", files={"file": (name, pdf.read_bytes())}, headers=ADMIN)
        assert accepted.status_code == 202, accepted.text
        _assert_clean("the accepted upload", accepted.json())
        job = wait_for_job(httpx.Client(base_url=url, headers=ADMIN, timeout=60), accepted.json()["job_id"])
        _assert_clean("the job", job)

        # The UI's upload: the file sits in Gradio's temp folder first, with a CPR in its name.
        ui_file = settings.ui_temp_dir / "a1b2c3" / f"Journal {NAME_CPR}.txt"
        ui_file.parent.mkdir(parents=True)
        ui_file.write_text(f"Journalnotat om hjemmepleje. {_case_text()}", encoding="utf-8")
        statuses = list(DocumentsPanel(context).upload(str(ui_file), "adm"))  # the upload button's handler
        assert "indekseret" in statuses[-1], statuses
        _assert_clean("the UI's upload status", statuses[-1])
        assert not ui_file.exists() and not [p for p in settings.ui_temp_dir.rglob("*") if p.is_file()]

        documents = client.get("/api/documents", headers=READER)
        assert len(documents.json()["documents"]) == 2
        _assert_clean("/api/documents", documents.json())
        search = client.post("/api/search", json={"query": "borger CPR hjemmepleje Ishøj", "k": 10}, headers=READER)
        assert CPR_MASK in search.text
        _assert_clean("/api/search", search.json())
        answer = client.post("/api/ask", json={"question": "Hvilket CPR har borger nummer 3?"}, headers=READER)
        _assert_clean("/api/ask", answer.json())

        for document in documents.json()["documents"]:
            original = client.get(f"/api/documents/{document['doc_id']}/file", headers=READER)
            assert original.status_code == 403 and "administratortoken" in original.json()["detail"]
            _assert_clean("the file endpoint's refusal", original.json())
            assert client.get(f"/api/documents/{document['doc_id']}/file", headers=ADMIN).status_code == 200

    chunks = list(context.store.iter_chunks(live_only=False))
    assert chunks
    _assert_clean("Chroma's chunks", [[c.text, c.doc_id, c.file, c.title, c.section] for c in chunks])
    _assert_clean("Chroma's manifest", [[d.doc_id, d.title, d.file, Path(d.source_path).name] for d in context.store.documents()])
    _assert_clean("a stored file name", [p.name for p in settings.data_dir.rglob("*") if p.is_file() and p.suffix in (".pdf", ".txt")])
