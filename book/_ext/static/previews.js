// Previews on hover, loaded when first wanted (book/_ext/previews.py). sphinx-tippy writes each
// page's tips, every target's HTML with its typeset math (about 0.5 MB on a long chapter), to a
// script that makes them in `window.onload`. This page loads that script only when the reader
// first points at, or tabs to, a link in the text; then makes the tips and shows that link's.
(() => {
  const tips = document.currentScript.dataset.tips;
  let requested = false;
  const load = (event) => {
    const link = event.target.closest?.("article.bd-article a");
    if (!link || requested) return;
    requested = true;
    const script = Object.assign(document.createElement("script"), {src: tips});
    script.onload = () => {
      window.onload?.();
      if (link._tippy && link.matches(":hover, :focus")) link._tippy.show();
    };
    document.head.append(script);
  };
  // sphinx-tippy makes the tips after the page has loaded; so does this.
  window.addEventListener("load", () => {
    document.addEventListener("pointerover", load);
    document.addEventListener("focusin", load);
  });
})();
