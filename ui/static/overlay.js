// Opens a source ([n] or "Åbn side N") in the viewer inside the page instead of a new tab.
// Without this script the links still work: they open the viewer in a new tab.
(() => {
  const dialog = document.createElement("dialog");
  dialog.id = "kildeviser";
  const bar = document.createElement("div");
  bar.className = "kildeviser-bjaelke";
  const newTab = document.createElement("a");
  newTab.textContent = "Åbn i ny fane";
  newTab.target = "_blank";
  newTab.rel = "noopener";
  const close = document.createElement("button");
  close.type = "button";
  close.textContent = "Luk";
  close.addEventListener("click", () => dialog.close());
  bar.append(newTab, close);
  const frame = document.createElement("iframe");
  frame.id = "kildeviser-ramme";
  frame.title = "Kilde";
  dialog.append(bar, frame);
  dialog.addEventListener("close", () => { frame.src = "about:blank"; });

  document.addEventListener("click", (event) => {
    const link = event.target.closest && event.target.closest('a[href^="/viser?"]');
    if (!link || event.ctrlKey || event.metaKey || event.shiftKey) return;
    event.preventDefault();
    if (!dialog.isConnected) document.body.append(dialog);
    frame.src = link.getAttribute("href");
    newTab.href = link.getAttribute("href");
    dialog.showModal();
  }, true);
})();
