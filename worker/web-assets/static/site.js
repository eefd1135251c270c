// @ts-check
// Enhancements shared by every page (the pages work without them): copy buttons.
// A button with data-copy="ID" copies the text of the element with that id and says so.

for (const button of document.querySelectorAll("button[data-copy]")) {
  if (!(button instanceof HTMLButtonElement)) continue;
  button.hidden = false;
  button.addEventListener("click", async () => {
    const source = document.getElementById(button.dataset.copy ?? "");
    if (source === null) return;
    const label = button.textContent;
    try {
      await navigator.clipboard.writeText(source.textContent ?? "");
      button.textContent = "Copied";
    } catch {
      button.textContent = "Copy failed: select the text";
    }
    setTimeout(() => {
      button.textContent = label;
    }, 2000);
  });
}
