// Small enhancements; every page works without JavaScript.
"use strict";
document.addEventListener("click", async (event) => {
  const copy = event.target.closest("[data-copy]");
  if (copy) {
    const source = document.querySelector(copy.dataset.copy);
    const text = source ? ("value" in source ? source.value : source.textContent) : "";
    try {
      await navigator.clipboard.writeText(text.trim());
    } catch {
      if (source && source.select) { source.select(); document.execCommand("copy"); }
    }
    copy.classList.add("copied");
    setTimeout(() => copy.classList.remove("copied"), 1500);
    return;
  }
  const tone = event.target.closest("[data-tone]");
  if (tone) {
    // Switch the draft in place; the link still works without JavaScript.
    const draft = document.getElementById("draft-" + tone.dataset.tone);
    const box = document.querySelector("#decide textarea[name=reply_text]");
    const field = document.querySelector("#decide input[name=tone]");
    if (draft && box && field) {
      event.preventDefault();
      box.value = draft.content.textContent;
      field.value = tone.dataset.tone;
      document.querySelectorAll("[data-tone]").forEach((a) => a.removeAttribute("aria-current"));
      tone.setAttribute("aria-current", "true");
      history.replaceState(null, "", "?tone=" + tone.dataset.tone + "#reply");
    }
  }
  const confirmButton = event.target.closest("[data-confirm]");
  if (confirmButton && !window.confirm(confirmButton.dataset.confirm)) event.preventDefault();
});
document.addEventListener("change", (event) => {
  if (event.target.matches("[data-autosubmit]")) event.target.form.submit();
});
