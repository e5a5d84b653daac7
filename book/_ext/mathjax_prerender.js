// Typesets TeX into MathJax's CommonHTML at build time, for book/_ext/mathjax_prerender.py.
//
// Runs the pinned MathJax (book/_ext/mathjax: the node build of the same mathjax@3.2.2 the site
// once loaded in every reader's browser) under Debian's node. One request per line on stdin, one
// answer per line on stdout, both JSON:
//   {"tex": "x^2", "display": false}  ->  {"html": "<mjx-container ...>", "error": null}
//   {"stylesheet": true}              ->  {"css": "..."}  (every glyph typeset so far)
// "error" is MathJax's message for TeX it cannot typeset; the html then holds an mjx-merror box.
// TeX input with every package but two: noerrors and noundefined would show bad TeX or an unknown
// macro as text instead of reporting it. Each formula carries its MathML for screen readers
// (assistive-mml), as MathJax does in the browser.
"use strict";

const path = require("path");
const readline = require("readline");

const dir = path.join(__dirname, "mathjax", "es5");

require(path.join(dir, "node-main.js"))
  .init({
    loader: {
      paths: { mathjax: dir },
      load: ["input/tex-full", "output/chtml", "a11y/assistive-mml"],
      require: require,
    },
    tex: { packages: { "[-]": ["noerrors", "noundefined"] } },
    // The stylesheet lands in _static/mathjax/, beside the fonts (book/_vendor/mathjax).
    chtml: { fontURL: "es5/output/chtml/fonts/woff-v2", adaptiveCSS: true },
    startup: { typeset: false },
  })
  .then((MathJax) => {
    const adaptor = MathJax.startup.adaptor;
    const lines = readline.createInterface({ input: process.stdin });
    lines.on("line", (line) => {
      const request = JSON.parse(line);
      let answer;
      if (request.stylesheet) {
        answer = { css: adaptor.textContent(MathJax.chtmlStylesheet()) };
      } else {
        const node = MathJax.tex2chtml(request.tex, { display: request.display });
        const errors = adaptor.tags(node, "mjx-merror");
        answer = {
          html: adaptor.outerHTML(node),
          error: errors.length ? adaptor.getAttribute(errors[0], "data-mjx-error") : null,
        };
      }
      process.stdout.write(JSON.stringify(answer) + "\n");
    });
  })
  .catch((err) => {
    process.stderr.write(`MathJax failed to start: ${err.message}\n`);
    process.exit(1);
  });
