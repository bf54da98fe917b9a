// The localspot inspector's few behaviours: confirmations and the live request journal.
// Everything it inserts is HTML the server rendered (and escaped); it never builds markup from data itself.
"use strict";

document.addEventListener("submit", (event) => {
  const form = event.target;
  if (form instanceof HTMLFormElement && form.dataset.confirm && !window.confirm(form.dataset.confirm)) {
    event.preventDefault();
  }
});

const MAX_SHOWN = 500;

function startJournal(journal) {
  const state = document.getElementById("live-state");
  const pause = document.getElementById("pause");
  const pending = document.getElementById("pending");
  const waiting = [];
  let paused = false;

  const show = (html) => {
    const template = document.createElement("template");
    template.innerHTML = html;
    const empty = document.getElementById("journal-empty");
    if (empty) empty.remove();
    journal.prepend(template.content);
    while (journal.children.length > MAX_SHOWN) journal.lastElementChild.remove();
  };
  const setState = (name, text) => {
    state.dataset.state = name;
    state.textContent = text;
  };

  const source = new EventSource(journal.dataset.stream);
  source.addEventListener("open", () => setState("live", "live"));
  source.addEventListener("error", () => setState("reconnecting", "reconnecting…"));
  source.addEventListener("exchange", (event) => {
    if (paused) {
      waiting.push(event.data);
      pending.textContent = waiting.length + " new";
    } else {
      show(event.data);
    }
  });
  pause.addEventListener("click", () => {
    paused = !paused;
    pause.setAttribute("aria-pressed", String(paused));
    pause.textContent = paused ? "Resume" : "Pause";
    if (!paused) {
      waiting.splice(0).forEach(show);
      pending.textContent = "";
    }
  });
}

document.addEventListener("DOMContentLoaded", () => {
  const journal = document.getElementById("journal");
  if (journal && journal.dataset.stream && "EventSource" in window) startJournal(journal);
});
