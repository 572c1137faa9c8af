// The document viewer: a cited page of a PDF (pdf.js) or the indexed text, with the quote marked.
//
// It is a plain consumer of the API: the original file from /api/documents/{id}/file and the
// indexed (CPR-masked) text from /viser/tekst/{id}, both behind the reader token. Every text
// from a document reaches the page through textContent, never innerHTML.
import * as pdfjsLib from "/ui-static/pdfjs/pdf.min.mjs";

pdfjsLib.GlobalWorkerOptions.workerSrc = "/ui-static/pdfjs/pdf.worker.min.mjs";

const params = new URLSearchParams(location.search);
const docId = params.get("dok") || "";
const quote = params.get("citat") || "";
const kind = params.get("visning") === "pdf" ? "pdf" : "tekst";
const TOKEN_KEY = "ishoj-laesetoken";
const $ = (id) => document.getElementById(id);

function status(message) {
  $("status").textContent = message;
}

// Letters and digits only, lower-cased, each with its position: the quote is the indexed
// (cleaned, de-hyphenated) text, so spaces, hyphens and line breaks must not break a match.
function letters(segments) {
  const chars = [];
  const where = [];
  segments.forEach((segment, s) => {
    Array.from(segment).forEach((ch, c) => {
      if (/[\p{L}\p{N}]/u.test(ch)) {
        chars.push(ch.toLowerCase());
        where.push([s, c]);
      }
    });
  });
  return { text: chars.join(""), where };
}

// The quote's span in the segments as [[segment, char], [segment, char]] (end inclusive), or null.
// A quote that runs onto the next page is still found by its beginning; one that starts on the
// previous page by its end.
function findQuote(segments, quoteText) {
  const haystack = letters(segments);
  const needle = letters([quoteText]).text;
  if (!needle) return null;
  for (const [from, to] of [[0, needle.length], [0, 60], [needle.length - 60, needle.length]]) {
    const part = needle.slice(Math.max(0, from), to);
    const at = part.length >= 20 || part === needle ? haystack.text.indexOf(part) : -1;
    if (at >= 0) return [haystack.where[at], withClosing(segments, haystack.where[at + part.length - 1], quoteText)];
  }
  return null;
}

// The end moved past the punctuation the quote closes with (".", "?", "»"), when the text has it there.
function withClosing(segments, [segment, char], quoteText) {
  const closing = (quoteText.match(/[^\p{L}\p{N}\s]*\s*$/u) || [""])[0].trim();
  const fits = closing && segments[segment].slice(char + 1).startsWith(closing);
  return [segment, fits ? char + closing.length : char];
}

async function fetchWithToken(url) {
  const token = sessionStorage.getItem(TOKEN_KEY);
  const response = await fetch(url, { headers: token ? { Authorization: `Bearer ${token}` } : {} });
  if (response.status === 401) {
    $("token-form").hidden = false;
    throw new Error("Dokumentet kræver dit læsetoken.");
  }
  if (!response.ok) {
    let detail = `Dokumentet kunne ikke hentes (${response.status}).`;
    try { detail = (await response.json()).detail || detail; } catch (_) { /* not JSON */ }
    throw new Error(detail);
  }
  return response;
}

function markCount(found) {
  document.body.dataset.markeret = found ? "ja" : "nej";
  $("note").textContent = found ? "" : "Citatet kunne ikke markeres præcist; det står på denne side eller den næste.";
}

// --- PDF ------------------------------------------------------------------
let pdf = null;
let pageNumber = 1;

async function showPdfPage(n) {
  pageNumber = Math.min(Math.max(1, n), pdf.numPages);
  const page = await pdf.getPage(pageNumber);
  const scale = Math.min(2, ($("ark").clientWidth || 800) / page.getViewport({ scale: 1 }).width);
  const viewport = page.getViewport({ scale });
  const canvas = $("side");
  canvas.width = viewport.width;
  canvas.height = viewport.height;
  $("lag").style.width = `${viewport.width}px`;
  $("lag").style.height = `${viewport.height}px`;
  $("lag").replaceChildren();
  await page.render({ canvasContext: canvas.getContext("2d"), viewport }).promise;
  $("sidetal").textContent = `Side ${pageNumber} af ${pdf.numPages}`;
  document.body.dataset.side = String(pageNumber);
  const items = (await page.getTextContent()).items.filter((item) => "str" in item);
  const span = pageNumber === Number(params.get("side")) ? findQuote(items.map((i) => i.str), quote) : null;
  if (span) drawMarks(items, span, viewport);
  markCount(pageNumber !== Number(params.get("side")) || span !== null);
}

// One yellow box per text item in the quote's span, cut to the quoted characters at both ends.
function drawMarks(items, [[firstItem, firstChar], [lastItem, lastChar]], viewport) {
  const marked = [];
  for (let i = firstItem; i <= lastItem; i++) {
    const item = items[i];
    const length = Math.max(1, item.str.length);
    const from = i === firstItem ? firstChar : 0;
    const to = i === lastItem ? lastChar + 1 : length;
    const t = pdfjsLib.Util.transform(viewport.transform, item.transform);
    const height = Math.hypot(t[2], t[3]);
    const width = item.width * viewport.scale;
    const box = document.createElement("div");
    box.className = "markering";
    box.style.left = `${t[4] + (width * from) / length}px`;
    box.style.top = `${t[5] - height}px`;
    box.style.width = `${(width * (to - from)) / length}px`;
    box.style.height = `${height * 1.2}px`;
    $("lag").append(box);
    marked.push(item.str.slice(from, to));
  }
  $("lag").dataset.tekst = marked.join(" ");
  $("lag").firstChild.scrollIntoView({ block: "center" });
}

async function openPdf() {
  const bytes = await (await fetchWithToken(`/api/documents/${encodeURIComponent(docId)}/file`)).arrayBuffer();
  pdf = await pdfjsLib.getDocument({ data: bytes, isEvalSupported: false }).promise;
  $("pdf-visning").hidden = false;
  $("sidevalg").hidden = false;
  $("forrige").onclick = () => showPdfPage(pageNumber - 1);
  $("naeste").onclick = () => showPdfPage(pageNumber + 1);
  await showPdfPage(Number(params.get("side")) || 1);
}

// --- text -----------------------------------------------------------------
async function openText() {
  const body = await (await fetchWithToken(`/viser/tekst/${encodeURIComponent(docId)}`)).json();
  const text = body.text || "";
  const span = findQuote([text], quote);
  const view = $("tekst-visning");
  view.hidden = false;
  if (!span) {
    view.textContent = text;
  } else {
    const start = span[0][1];
    const end = span[1][1] + 1;
    const mark = document.createElement("mark");
    mark.className = "markering";
    mark.textContent = text.slice(start, end);
    view.replaceChildren(text.slice(0, start), mark, text.slice(end));
    mark.scrollIntoView({ block: "center" });
  }
  markCount(span !== null);
}

async function open() {
  $("token-form").hidden = true;
  status("Henter dokumentet …");
  try {
    await (kind === "pdf" ? openPdf() : openText());
    status("");
    document.body.dataset.klar = "ja";
  } catch (error) {
    status(error.message);
  }
}

$("titel").textContent = params.get("titel") || "Dokument";
$("token-form").addEventListener("submit", (event) => {
  event.preventDefault();
  sessionStorage.setItem(TOKEN_KEY, $("token").value);
  open();
});
open();
