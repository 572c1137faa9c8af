"""Ingestion end to end: generated PDFs/DOCX/TXT/MD through loading, cleaning,
chunking, metadata and a real Chroma store.

Small chunk sizes (20-40 words) make a one-page document produce several
chunks, so chunk borders, sections and pages are exercised without slow
embedding of big documents.
"""

from __future__ import annotations

import json
import re
import unicodedata
from pathlib import Path

import docx
import pytest

from ingest.cleaning import BULLET, clean_document, clean_line
from ingest.loaders import load_document
from ishoj_assistant.context import AppContext
from ishoj_assistant.settings import Settings
from ishoj_assistant.sentences import split_sentences
from tests.conftest import make_settings
from tests.pdf_factory import Bullets, Heading, Lines, Paragraph, make_pdf

JUSTIFIED = (
    "Ishøj Kommune arbejder målrettet med ældre borgeres sundhed og trivsel. "
    "Plejecentrene samarbejder tæt med hjemmeplejen om en god hverdag. "
    "Borgerne får træning, når de har brug for det, og pårørende inddrages løbende."
)


def rich_pages() -> list:
    """Three pages with every layout feature the cleaner must handle."""
    return [
        [
            Heading("Sundhed og trivsel"),
            Paragraph(JUSTIFIED, justify=True),
            Lines(("Projektet styrker den samlede medarbejder-", "staben på plejecentrene i hele kommunen.")),
            Lines(("Vi tilbyder sorg-", "og livsmodsgrupper til alle pårørende i Ishøj.")),
        ],
        [
            Heading("Tilbud til borgerne"),
            Paragraph("Indsatsen omfatter følgende tilbud til ældre borgere:"),
            Bullets(("Træning i eget hjem", "Besøg af en sygeplejerske", "Hjælp til indkøb og rengøring")),
        ],
        [
            Heading("Økonomi og opfølgning"),
            Paragraph(
                "Der er afsat 500.000 kr. til indsatsen i 2019. Udvalget følger op to gange om året. "
                "Resultaterne offentliggøres på kommunens hjemmeside."
            ),
        ],
    ]


@pytest.fixture
def small_settings(tmp_path: Path, embedding_cache_dir: Path) -> Settings:
    return make_settings(tmp_path / "data", embedding_cache_dir, chunk_min_words=20, chunk_max_words=40, chunk_overlap_words=5)


@pytest.fixture
def rich_pdf(tmp_path: Path) -> Path:
    return make_pdf(tmp_path / "docs" / "aeldrepolitik-status-2019.pdf", rich_pages(), title="Ældrepolitik – status 2019")


def ingest(settings: Settings, *paths: Path):  # type: ignore[no-untyped-def]
    context = AppContext(settings)
    return context, context.indexer().ingest(list(paths))


def test_clean_line_normalises_glyph_bullets_nfc_and_spaces() -> None:
    assert clean_line("\uf0b7  Træning   i  hjemmet") == f"{BULLET} Træning i hjemmet"
    decomposed = unicodedata.normalize("NFD", "Ældre på Ølby Å-vej")
    assert decomposed != "Ældre på Ølby Å-vej"
    assert clean_line(decomposed) == "Ældre på Ølby Å-vej"
    assert clean_line("a\u00a0\u00a0b\t c ") == "a b c"


def test_pdf_cleaning_joins_lines_and_keeps_danish_text(rich_pdf: Path) -> None:
    clean = clean_document(load_document(rich_pdf))
    text = clean.text
    assert "  " not in text
    assert "medarbejderstaben på plejecentrene" in text
    assert "medarbejder-" not in text
    assert "sorg- og livsmodsgrupper" in text
    assert "Ishøj Kommune arbejder målrettet med ældre borgeres sundhed og trivsel." in text
    assert f"{BULLET} Træning i eget hjem" in text
    assert text == unicodedata.normalize("NFC", text)
    assert clean.page_count == 3
    assert [clean.page_at(o) for o in clean.page_offsets] == [1, 2, 3]
    assert text[clean.page_offsets[1] :].startswith("Tilbud til borgerne")
    kinds = {clean.block_text(b): b.kind for b in clean.blocks}
    assert kinds["Økonomi og opfølgning"] == "heading"
    assert kinds[f"{BULLET} Besøg af en sygeplejerske"] == "item"


def _page_text(clean_text: str, offsets: list[int], page: int) -> str:
    end = offsets[page] if page < len(offsets) else len(clean_text)
    return clean_text[offsets[page - 1] : end]


def test_chunks_have_pages_sections_offsets_and_whole_sentences(small_settings: Settings, rich_pdf: Path) -> None:
    context, report = ingest(small_settings, rich_pdf)
    assert [r.status for r in report.results] == ["indexed"], report.results
    chunks = context.store.document_chunks("aeldrepolitik-status-2019")
    assert len(chunks) >= 3
    clean = clean_document(load_document(rich_pdf))
    for chunk in chunks:
        last_line = chunk.text.rsplit("\n", 1)[-1]
        whole = last_line.startswith(BULLET) or re.search(r"[.!?:]$", last_line)
        assert whole, f"chunk ends mid-sentence: {chunk.text!r}"
        assert "  " not in chunk.text
        start_page = _page_text(clean.text, clean.page_offsets, chunk.page_start)
        if chunk.page_start == chunk.page_end:
            assert start_page[chunk.char_start : chunk.char_end] == chunk.text
        else:
            end_page = _page_text(clean.text, clean.page_offsets, chunk.page_end)
            assert chunk.text.startswith(start_page[chunk.char_start :][:30])
            assert chunk.text.endswith(end_page[: chunk.char_end][-30:])
    by_text = {c.text: c for c in chunks}
    economy = next(c for t, c in by_text.items() if "500.000 kr." in t)
    assert (economy.page_start, economy.section) == (3, "Økonomi og opfølgning")
    lead_in = [c for c in chunks if "følgende tilbud til ældre borgere:" in c.text]
    assert lead_in and all(f"{BULLET} Træning i eget hjem" in c.text for c in lead_in)
    assert lead_in[0].section == "Tilbud til borgerne" and lead_in[0].page_start == 2
    hyphen = next(c for c in chunks if "medarbejderstaben" in c.text)
    assert hyphen.page_start == 1 and hyphen.section == "Sundhed og trivsel"
    assert any(s.endswith("i Ishøj.") for c in chunks for s in split_sentences(c.text))


def test_metadata_from_pdf_and_sidecar_override(small_settings: Settings, rich_pdf: Path) -> None:
    context, _ = ingest(small_settings, rich_pdf)
    info = context.store.document("aeldrepolitik-status-2019")
    assert info is not None
    assert (info.title, info.doc_type, info.year, info.pages) == ("Ældrepolitik – status 2019", "status", 2019, 3)
    assert all(c.title == info.title and c.year == 2019 for c in context.store.document_chunks(info.doc_id))

    sidecar = rich_pdf.with_name(rich_pdf.name + ".meta.json")
    sidecar.write_text(json.dumps({"doc_type": "strategi", "year": 2021, "title": "Ældrestrategi"}), encoding="utf-8")
    report = context.indexer().ingest([rich_pdf])
    assert [r.status for r in report.results] == ["indexed"], "editing the sidecar must re-index"
    info = context.store.document("aeldrepolitik-status-2019")
    assert info is not None and (info.title, info.doc_type, info.year) == ("Ældrestrategi", "strategi", 2021)
    assert {c.doc_type for c in context.store.document_chunks(info.doc_id)} == {"strategi"}


def test_docx_txt_md_loading_and_unknown_types(small_settings: Settings, tmp_path: Path) -> None:
    folder = tmp_path / "mixed"
    folder.mkdir()
    document = docx.Document()
    document.add_heading("Handleplan for demens", level=1)
    document.add_paragraph("Kommunen opretter et demenscafé-tilbud for borgere og pårørende i 2022.")
    document.save(str(folder / "handleplan.docx"))
    (folder / "referat.md").write_text(
        "# Referat fra ældrerådet\n\nRådet drøftede madordningen på plejecentrene.\n", encoding="utf-8"
    )
    (folder / "noter.txt").write_text("Noter om træning\n\nTræningen foregår i Ishøj Idrætscenter.\n", encoding="utf-8")
    (folder / "regneark.xlsx").write_bytes(b"PK\x03\x04 not really")
    context, report = ingest(small_settings, folder)
    status = {r.file: r for r in report.results}
    assert status["regneark.xlsx"].status == "skipped"
    assert "'.xlsx' understøttes ikke" in status["regneark.xlsx"].reason
    titles = {d.file: d.title for d in context.store.documents()}
    assert titles == {
        "handleplan.docx": "Handleplan for demens",
        "referat.md": "Referat fra ældrerådet",
        "noter.txt": "Noter om træning",
    }
    md_chunks = context.store.document_chunks("referat")
    assert md_chunks[0].section == "Referat fra ældrerådet"
    assert "madordningen" in md_chunks[0].text
    assert "demenscafé-tilbud" in context.store.document_chunks("handleplan")[0].text


def test_one_progress_bar_for_the_whole_run(small_settings: Settings, tmp_path: Path, rich_pdf: Path) -> None:
    other = make_pdf(tmp_path / "docs" / "andet-notat.pdf", [[Heading("Et andet notat"), Paragraph(JUSTIFIED)]])
    calls: list[int] = []
    advances: list[int] = []

    def factory(total: int):  # type: ignore[no-untyped-def]
        calls.append(total)
        return advances.append

    context = AppContext(small_settings)
    texts_before = context.embedder.misses
    report = context.indexer(factory).ingest([rich_pdf, other])
    assert len(report.by_status("indexed")) == 2
    assert len(calls) == 1, "one progress callback for the whole run, not one per document"
    assert calls[0] == sum(advances) == context.embedder.misses - texts_before


def test_bold_list_items_after_a_lead_in_stay_in_its_chunk() -> None:
    """Items set in bold look like headings; after "følgende politikker:" they are the list, not new sections."""
    from ingest.chunking import ChunkingConfig, chunk_document
    from ingest.cleaning import Block, CleanDocument

    filler = " ".join(f"Sætning nummer {i} om hverdagstræning i eget hjem." for i in range(9))
    parts = [("paragraph", filler + " Initiativerne opfylder mål i følgende politikker:")]
    parts += [("heading", name) for name in ("Seniorpolitikken", "Sundhedspolitikken", "Frivilligpolitikken")]
    parts += [("paragraph", " ".join(["Hverdagstræningen har hjulpet mange borgere i hele kommunen."] * 12))]
    text, blocks = "", []
    for kind, piece in parts:
        blocks.append(Block(kind, len(text), len(text) + len(piece), 1))  # type: ignore[arg-type]
        text += piece + "\n"
    doc = CleanDocument(text, [0], blocks)
    chunks = [text[c.start : c.end] for c in chunk_document(doc, ChunkingConfig(min_words=60, max_words=120, overlap_words=10))]
    holding = [c for c in chunks if "følgende politikker:" in c]
    assert holding and all("Frivilligpolitikken" in c for c in holding)
    assert not any(c.startswith("Seniorpolitikken") for c in chunks)


def test_a_role_heading_a_document_repeats_stands_under_the_topic_heading_before_it() -> None:
    """A yearly note repeats "Mål" and "Status" under each initiative: a chunk that starts
    mid-way in one of them is named by the initiative and the role, not by "Status" alone."""
    from ingest.chunking import ChunkingConfig, chunk_document
    from ishoj_assistant.models import SECTION_SEPARATOR
    from ingest.cleaning import Block, CleanDocument

    parts: list[tuple[str, str]] = []
    for initiative in ("Klippekort til hjemmeboende ældre", "Kontinensklinikken"):
        parts += [("heading", initiative), ("heading", "Mål"), ("paragraph", f"Målet for {initiative.lower()} er nået.")]
        parts += [("heading", "Status"), ("paragraph", " ".join([f"Status for {initiative.lower()} er god."] * 30))]
    text, blocks = "", []
    for kind, piece in parts:
        blocks.append(Block(kind, len(text), len(text) + len(piece), 1))  # type: ignore[arg-type]
        text += piece + "\n"
    spans = chunk_document(CleanDocument(text, [0], blocks), ChunkingConfig(min_words=40, max_words=80, overlap_words=10))
    mid_status = [span for span in spans if text[span.start : span.end].startswith("Status for")]
    assert len(mid_status) >= 2, "the status paragraphs are longer than a chunk"
    for span in mid_status:
        initiative = "Kontinensklinikken" if text.startswith("Status for kontinens", span.start) else "Klippekort til hjemmeboende ældre"
        assert span.section == f"{initiative}{SECTION_SEPARATOR}Status"


def test_running_footers_are_dropped_and_table_rows_stay_apart(tmp_path: Path) -> None:
    """A footer repeated on every page never lands inside a sentence that runs over the page break,
    and each row of a table is its own line rather than one paragraph-long sentence."""
    def footer(page: int) -> Lines:
        return Lines((f"Eksempel Kommune · Status 2021 Side {page} af 3",))

    pages = [
        [Lines(("Klippekortet er brugt af mange borgere i hele kommunen i løbet af året, og",)), footer(1)],
        [Lines(("ordningen fortsætter næste år.", "Nøgletal 2020 2021", "Borgere i forløb 19 58", "Andel selvhjulpne 63 % 65 %")),
         footer(2)],
        [Paragraph("Forløbene fortsætter i 2022."), footer(3)],
    ]
    clean = clean_document(load_document(make_pdf(tmp_path / "status.pdf", pages)))
    assert "Side" not in clean.text and "Eksempel Kommune ·" not in clean.text
    assert "i løbet af året, og ordningen fortsætter næste år." in clean.text
    lines = clean.text.splitlines()
    assert "Borgere i forløb 19 58" in lines and "Andel selvhjulpne 63 % 65 %" in lines


def test_a_form_s_fields_stay_apart_and_a_wrapped_value_stays_with_its_field(tmp_path: Path) -> None:
    """Each "Label: value" line of a form is a paragraph of its own, so a question about the amount applied
    for is not answered with every field at once; a value wrapped onto the next line stays in its field."""
    pages = [[
        Heading("A. Stamoplysninger"),
        Lines((
            "Projektets titel: Gåklubben – bevægelse og fællesskab",
            "Projektperiode: 1. januar 2022 – 31. december 2023",
            "Ansøgt beløb: kr. 375.000",
            "Samarbejdspartnere: Aktivitetscentret, Ældresagen lokalt, Idrætsforeningen og",
            "Borgerforeningen",
        )),
        Heading("B. Formål"),
        Paragraph("Projektet skal give flere ældre lyst til at gå sammen i hverdagen."),
    ]]
    lines = clean_document(load_document(make_pdf(tmp_path / "ansoegning.pdf", pages))).text.splitlines()
    assert "Projektperiode: 1. januar 2022 – 31. december 2023" in lines
    assert "Ansøgt beløb: kr. 375.000" in lines
    assert "Samarbejdspartnere: Aktivitetscentret, Ældresagen lokalt, Idrætsforeningen og Borgerforeningen" in lines


def test_a_line_wrapped_before_an_ordinal_stays_in_its_sentence_and_numbered_lists_stay_lists(tmp_path: Path) -> None:
    """A quarter or a date that PDF extraction puts at the start of a line is not item 2 of a list:
    the sentence keeps its end. A numbered list, lower-case items and wrapped items included, keeps
    one item per number, and each item keeps its number as the document wrote it."""
    lines = (
        "Direktøren indstiller, at",
        "1. regnskabet for klubberne tages til efterretning",
        "2. tilskuddet til Seniorklubben hæves fra den",
        "1. marts",
        "3. handleplanen godkendes",
        "• Ombygningen af Lindehuset forventes færdig i",
        "3. kvartal 2025.",
        "• Klubben holder sommerfest den",
        "14. juni.",
    )
    clean = clean_document(load_document(make_pdf(tmp_path / "referat.pdf", [[Lines(lines)]])))
    items = [clean.block_text(block) for block in clean.blocks if block.kind == "item"]
    assert items == [
        "1. regnskabet for klubberne tages til efterretning",
        "2. tilskuddet til Seniorklubben hæves fra den 1. marts",
        "3. handleplanen godkendes",
        f"{BULLET} Ombygningen af Lindehuset forventes færdig i 3. kvartal 2025.",
        f"{BULLET} Klubben holder sommerfest den 14. juni.",
    ]


def test_the_layout_s_headings_reach_the_answer_layer_as_headings(small_settings: Settings, tmp_path: Path) -> None:
    """A title block of short bold lines reads like a plain list and a numbered agenda item like a
    list item; the chunk keeps which lines the layout set as headings, so neither is ever quoted."""
    from ishoj_assistant.answering.candidates import Kind, candidates
    from ishoj_assistant.answering.features import quotable
    from ishoj_assistant.models import Passage

    title_block = ("Testrup Kommune", "Center for Omsorg", "Status på klubtilbud 2024")
    pdf = make_pdf(
        tmp_path / "docs" / "status-klubtilbud-2024.pdf",
        [[
            *(Heading(line) for line in title_block),
            Paragraph("Notatet giver udvalget en status på kommunens klubtilbud til ældre borgere i 2024."),
            Heading("7. Tilsyn på plejecentrene 2024"),
            Paragraph("Plejecentret Lyngly fik karakteren 4, da tilsynet kom på besøg i 2024."),
        ]],
    )
    context, _ = ingest(small_settings, pdf)
    chunks = list(context.store.iter_chunks())
    assert any(chunk.heading_line_numbers for chunk in chunks)
    units = [unit for chunk in chunks for unit in candidates([Passage(chunk, 1.0)])]
    headings = {unit.text.strip() for unit in units if unit.kind is Kind.HEADING}
    assert {*title_block, "7. Tilsyn på plejecentrene 2024"} <= headings
    quoted = {unit.text.strip() for unit in units if quotable(unit)}
    assert "Plejecentret Lyngly fik karakteren 4, da tilsynet kom på besøg i 2024." in quoted
    assert not quoted & headings


def test_a_form_s_options_stay_options_though_the_form_sets_them_in_bold() -> None:
    """Layout headings do not turn a form's ticked option into a heading: "which were ticked" needs it."""
    from ishoj_assistant.answering.candidates import Kind, line_kinds

    lines = ["Vælg indsatsområde", "X Styrke rehabiliteringsindsatsen", "Styrke genoptræningsindsatsen", "Andet"]
    assert line_kinds(lines, frozenset(range(len(lines))))[1:] == [Kind.ITEM, Kind.ITEM, Kind.ITEM]


def test_the_page_s_own_number_set_mid_page_in_bold_is_neither_a_heading_nor_text(tmp_path: Path) -> None:
    """Extraction may place a page header's number between two paragraphs; as a heading it would name the
    section after it "2", and as text it would open the next sentence ("2 Madservice ...")."""
    pdf = make_pdf(
        tmp_path / "status-2022.pdf",
        [
            [Paragraph("Nødkald er sat op hos 40 borgere i 2022.")],
            [Paragraph("Alle borgere er tilfredse med nødkaldene."), Heading("2"),
             Paragraph("Madservice leveres nu til 120 borgere hver dag."), Paragraph("Der er 17 i alt.")],
        ],
    )
    clean = clean_document(load_document(pdf))
    assert not any(clean.block_text(b).strip() == "2" for b in clean.blocks)
    assert not re.search(r"\b2\s+Madservice", clean.text) and "Madservice leveres nu til 120 borgere" in clean.text


def test_a_closing_quote_ends_its_sentence_so_a_reference_line_after_it_stands_alone() -> None:
    text = "”Rehabilitering er en del af hverdagen.” Kilde: Sundhedsstyrelsen (2023)"
    assert split_sentences(text) == ["”Rehabilitering er en del af hverdagen.”", "Kilde: Sundhedsstyrelsen (2023)"]
    assert split_sentences('Hun siger: "Jeg er glad." fortæller hun.') == ['Hun siger: "Jeg er glad." fortæller hun.']


def test_list_items_the_layout_sets_in_bold_stay_items_and_the_text_after_a_list_stands_apart(tmp_path: Path) -> None:
    """Bold "o" items were read as headings, each swallowing the next as its wrapped line, so a list became one
    long line; and a list's last item, which needs no full stop, swallowed the paragraph after it."""
    page = [
        Paragraph("Erfaringerne fra caféerne i Nordbyen viser, at"),
        Heading("o fællesspisning giver appetit på mere"),
        Heading("o gåturene styrker naboskabet på vejen"),
        Paragraph("Om holdene gælder desuden:"),
        Bullets(("alle hold er fyldt op", "ventelisten er blevet kortere")),
        Paragraph("Det foreslås, at ordningen gøres permanent fra næste år."),
    ]
    clean = clean_document(load_document(make_pdf(tmp_path / "cafe.pdf", [page])))
    blocks = [(block.kind, clean.block_text(block)) for block in clean.blocks]
    assert ("item", "o fællesspisning giver appetit på mere") in blocks
    assert ("item", "o gåturene styrker naboskabet på vejen") in blocks
    assert ("item", f"{BULLET} ventelisten er blevet kortere") in blocks
    assert ("paragraph", "Det foreslås, at ordningen gøres permanent fra næste år.") in blocks


def test_list_items_extraction_puts_on_one_line_are_items_of_their_own(tmp_path: Path) -> None:
    """PDF extraction may set a short list on one line ("o møder … o samarbejder … o er …"), and the list
    was quoted as one item. A line that opens with a list mark and repeats it is that many items; the
    mark "o" is no Danish word, and a dash inside a sentence is no mark."""
    page = [
        Lines((
            "Samlet oplever vi, at værkstedet bidrager til, at vi",
            "o møder borgerne i deres eget tempo o samarbejder bedre med foreningerne o er tæt på",
            "nærmiljøet",
            "• der er faste åbningstider • der er kaffe på kanden",
            "– og værkstedet er åbent – også om aftenen – for alle",
        )),
    ]
    clean = clean_document(load_document(make_pdf(tmp_path / "vaerksted.pdf", [page])))
    blocks = [(block.kind, clean.block_text(block)) for block in clean.blocks]
    assert blocks == [
        ("paragraph", "Samlet oplever vi, at værkstedet bidrager til, at vi"),
        ("item", "o møder borgerne i deres eget tempo"),
        ("item", "o samarbejder bedre med foreningerne"),
        ("item", "o er tæt på nærmiljøet"),
        ("item", f"{BULLET} der er faste åbningstider"),
        ("item", f"{BULLET} der er kaffe på kanden"),
        ("item", "– og værkstedet er åbent – også om aftenen – for alle"),
    ]
