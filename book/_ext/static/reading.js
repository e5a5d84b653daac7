// reading.py: fit wide display equations to their column, and the checks switch of a chapter.
"use strict";

(() => {
  // A display equation wider than its column is scaled down to fit, to half its size at most; one that
  // still does not fit scrolls inside its box (the theme's overflow: auto), never clips.
  const MIN_SCALE = 0.5;
  function fitDisplays() {
    for (const math of document.querySelectorAll("div.math mjx-container[jax='CHTML']")) {
      math.style.fontSize = "";
      const needed = math.scrollWidth;
      const available = math.clientWidth;
      if (needed > available + 1) {
        const scale = Math.max(MIN_SCALE, (available / needed) * 0.98);
        math.style.fontSize = `calc(${scale.toFixed(3)} * 1ex / 0.442)`;
      }
    }
  }

  // Every check is a cell whose code is collapsed behind "Show the check". One switch at the
  // top of the chapter opens or closes them all; a link to a check (#cell-...) opens it.
  // The switch opens the set-up code and helpers the checks use too.
  const CHECK = "div.cell details.hide";
  function checksSwitch() {
    const cells = [...document.querySelectorAll(CHECK)];
    const checks = cells.filter((d) => d.querySelector("summary")?.textContent.includes("check"));
    const heading = document.querySelector("article.bd-article h1");
    if (!checks.length || !heading) return;
    const wrap = document.createElement("div");
    wrap.className = "checks-switch";
    const button = document.createElement("button");
    button.type = "button";
    const label = () => {
      const open = cells.every((d) => d.open);
      button.textContent = open ? "Hide all checks" : `Show all ${checks.length} checks`;
      button.setAttribute("aria-pressed", String(open));
    };
    button.addEventListener("click", () => {
      const open = !cells.every((d) => d.open);
      for (const d of cells) d.open = open;
      label();
    });
    for (const d of cells) d.addEventListener("toggle", label);
    label();
    wrap.append(button);
    heading.after(wrap);
  }

  function openTarget() {
    const id = decodeURIComponent(location.hash.slice(1));
    const target = id && document.getElementById(id);
    const details = target?.querySelector?.("details.hide") || target?.closest?.("details.hide");
    if (details) details.open = true;
  }

  // On a phone a table of three or more columns becomes one card per row (reading.css), or it
  // would scroll sideways: each cell but the first is labelled with its column's header, kept
  // here in data-label. The claims' tables have their own layout (verification.css).
  function labelCells() {
    const tables = "article.bd-article table:not(.verification-table)";
    for (const table of document.querySelectorAll(tables)) {
      const heads = [...table.querySelectorAll("thead th")].map((th) => th.textContent.trim());
      if (heads.length < 3) continue;
      table.classList.add("cards-on-phone");
      for (const row of table.querySelectorAll("tbody tr")) {
        [...row.children].forEach((cell, i) => {
          if (i > 0 && heads[i]) cell.dataset.label = heads[i];
        });
      }
    }
  }

  function start() {
    labelCells();
    checksSwitch();
    openTarget();
    fitDisplays();
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
  // The formulas' widths change when MathJax's web fonts arrive: measure again then.
  document.fonts?.ready.then(fitDisplays);
  addEventListener("load", fitDisplays);
  addEventListener("hashchange", openTarget);
  let pending;
  addEventListener("resize", () => {
    clearTimeout(pending);
    pending = setTimeout(fitDisplays, 150);
  });
})();
