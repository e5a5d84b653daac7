/* The search results' snippets from the text a reader reads (book/_ext/site_search.py).

   Loaded on the search page only, deferred: it runs after Sphinx's searchtools.js (a classic
   script, which defines `Search`) and before the first query, which starts on DOMContentLoaded.

   Sphinx 7.4 makes a result's snippet from the text of the page's [role="main"] element, or of
   the result's anchor inside it (Search.htmlToText). pydata-sphinx-theme 0.17's <main
   role="main"> holds more than the article: sphinx-book-theme's print-only table of contents
   (#jb-print-docs-body) first, the article header's buttons, then the page's outline after the
   article. Snippets showed that table of contents. This reads the article alone, with what
   Sphinx leaves out too (the headings' "#" links, scripts and styles). */
(() => {
  if (typeof Search === "undefined") return;
  const sphinxText = Search.htmlToText;
  Search.htmlToText = (htmlString, anchor) => {
    const page = new DOMParser().parseFromString(htmlString, "text/html");
    const article = page.querySelector("article.bd-article");
    if (!article) return sphinxText(htmlString, anchor);
    article.querySelectorAll(".headerlink, script, style").forEach((el) => el.remove());
    const target = anchor ? page.getElementById(decodeURIComponent(anchor.slice(1))) : null;
    return (target && article.contains(target) ? target : article).textContent;
  };
})();
