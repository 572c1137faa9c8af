// Gradio ships no Danish translation and falls back to English for its built-in texts
// ("Drop File Here", "Copy message", ...). This replaces the ones this UI shows, in text and
// in tooltips, as they appear. Only whole, exact strings from Gradio's own markup are replaced.
(() => {
  const DANISH = {
    "Drop File Here": "Slip filen her",
    "- or -": "- eller -",
    "Click to Upload": "Klik for at vælge en fil",
    "Copy message": "Kopiér beskeden",
    "Copied message": "Kopieret",
    "Copy": "Kopiér",
    "Copied": "Kopieret",
    "Clear": "Ryd",
    "Fullscreen": "Fuld skærm",
    "Exit fullscreen mode": "Afslut fuld skærm",
    "Loading...": "Indlæser …",
    "Error": "Fejl",
    "Warning": "Bemærk",
    "Info": "Info",
    "Close": "Luk",
    "Remove": "Fjern",
    "Download": "Hent",
    "Examples": "Eksempler",
    "Search": "Søg",
    "Select all": "Vælg alle",
    "Sort": "Sortér",
    "Connection errored out.": "Forbindelsen til serveren blev afbrudt.",
  };
  const ATTRIBUTES = ["aria-label", "title", "placeholder"];

  function translate(root) {
    const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const text = node.nodeValue.trim();
      if (text in DANISH && !node.parentElement.closest("#samtale .message-content, #dokumenter td")) {
        node.nodeValue = node.nodeValue.replace(text, DANISH[text]);
      }
    }
    const elements = root.querySelectorAll ? root.querySelectorAll("[aria-label], [title], [placeholder]") : [];
    for (const element of elements) {
      for (const name of ATTRIBUTES) {
        const value = element.getAttribute(name);
        if (value && value in DANISH) element.setAttribute(name, DANISH[value]);
      }
    }
  }

  new MutationObserver((changes) => {
    for (const change of changes) {
      for (const node of change.addedNodes) translate(node.nodeType === Node.TEXT_NODE ? node.parentNode || document.body : node);
      if (change.type === "characterData" && change.target.parentNode) translate(change.target.parentNode);
    }
  }).observe(document.documentElement, { childList: true, subtree: true, characterData: true });
  document.addEventListener("DOMContentLoaded", () => translate(document.body));
})();
