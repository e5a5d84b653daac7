/* Math in the previews on hover (sphinx-tippy; loaded on every page by book/_ext/previews.py).

   sphinx-tippy copies a reference's target into its tip as the build wrote it, so the tip's math
   is TeX (\( ... \), \[ ... \]) that no MathJax has seen. When a tip with math is first shown, the
   page's MathJax typesets it. A page without math of its own loads no MathJax: there, and if
   typesetting fails, the tip keeps its TeX, which a reader can still read (data-typeset on the
   tip says "done" or "failed"). */
(() => {
  "use strict";

  function typeset(instance) {
    const tip = instance.popper;
    if (tip.dataset.typeset || !tip.querySelector(".math")) return;
    const mathjax = window.MathJax;
    if (!mathjax || !mathjax.startup || !mathjax.startup.promise) return; // the TeX stays
    tip.dataset.typeset = "pending";
    mathjax.startup.promise
      .then(() => mathjax.typesetPromise([tip]))
      .then(() => {
        tip.dataset.typeset = "done";
        if (instance.popperInstance) instance.popperInstance.update();
      })
      .catch(() => {
        tip.dataset.typeset = "failed";
      });
  }

  document.addEventListener("DOMContentLoaded", () => {
    if (window.tippy) window.tippy.setDefaultProps({ onShow: typeset });
  });
})();
