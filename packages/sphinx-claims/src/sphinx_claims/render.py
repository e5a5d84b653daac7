"""What the reader sees: a badge on every claim, the status page and the closing page.

Docutils nodes, made when a page is resolved: the badge (a node with an HTML and a LaTeX visitor),
tables, and the dependency graph (``sphinx.ext.graphviz``, SVG: a cluster per chapter, a colour
and a symbol per status, each node a link to its claim).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from dataclasses import replace
from functools import partial
from typing import Any

from docutils import nodes
from sphinx.addnodes import pending_xref
from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment
from sphinx.ext.graphviz import GraphvizError, graphviz, render_dot
from sphinx.transforms.post_transforms import SphinxPostTransform
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective
from sphinx.util.texescape import escape
from sphinx.writers.html5 import HTML5Translator
from sphinx.writers.latex import LaTeXTranslator

from sphinx_claims.banner import message
from sphinx_claims.claims import BOXES, Claim, Verdicts, print_label, problems
from sphinx_claims.record import ClaimClass, Status

logger = logging.getLogger(__name__)

#: Fill and ink of each status in the graph; verification.css gives the badges the same.
COLOURS = {
    Status.VERIFIED: ("#dafbe1", "#116329"),
    Status.DEPENDS: ("#fff8c5", "#7d4e00"),
    Status.FAILED: ("#ffebe9", "#a40e26"),
    Status.NOT_RUN: ("#eaeef2", "#424a53"),
}
SHORT = dict(theorem="Thm.", lemma="Lem.", proposition="Prop.", definition="Def.", remark="Rem.")
SHORT |= dict(corollary="Cor.", observation="Obs.", example="Ex.")
GRAPH = """digraph claims {
graph [rankdir=LR, fontname="DejaVu Sans", fontsize=11, ranksep=0.3, nodesep=0.1];
node [shape=box, style="rounded,filled", fontname="DejaVu Sans", fontsize=10, height=0.2];
edge [color="#57606a", arrowsize=0.5];
"""


class badge(nodes.inline):  # noqa: N801 (docutils names nodes in lower case)
    """A claim's class, then its status: ``proof ✓``, ``numerical check ✗ failed``.

    The status is always in words in the text: "verified" beside ``✓`` is visually hidden
    (``verification-sr``) but read by screen readers. ``words``: the badge in words, for the PDF.
    """


class badge_symbol(nodes.inline):  # noqa: N801
    """A status symbol, ``✓``: screen readers skip it, as the words beside it say the same."""


class unindexed(nodes.Inline, nodes.Element):  # noqa: N801
    """Text shown but left out of the search index: what changes with every run (its time, its
    commit, a digest of a check's inputs). Sphinx indexes every text node of a page
    (``sphinx.search.WordCollector``), so the text is held in the ``text`` attribute, not as a
    child. Then a run that changes only these leaves ``searchindex.js`` as it was, and the tests
    that read it need not run again; and nobody searches a book for a digest. ``literal``: set as
    code."""

    def astext(self) -> str:
        return str(self["text"])


def html_unindexed(self: HTML5Translator, node: unindexed) -> None:
    """As code, or in a span with the node's classes (a time: ``verification-time``, kept on
    one line by verification.css rather than broken at its hyphens)."""
    text = self.encode(node["text"])
    if node.get("literal"):
        self.body.append(f'<code class="docutils literal notranslate">{text}</code>')
    else:
        self.body.append(self.starttag(node, "span", "") + text + "</span>")
    raise nodes.SkipNode


def latex_unindexed(self: LaTeXTranslator, node: unindexed) -> None:
    text = self.encode(node["text"])
    self.body.append(r"\sphinxcode{\sphinxupquote{" + text + "}}" if node.get("literal") else text)
    raise nodes.SkipNode


def text_unindexed(self: Any, node: unindexed) -> None:
    self.add_text(node["text"])
    raise nodes.SkipNode


def latex_print_label(self: LaTeXTranslator, node: print_label) -> None:
    self.body.append(self.hypertarget(node["refid"]))
    raise nodes.SkipNode


def html_print_label(self: HTML5Translator, node: print_label) -> None:
    raise nodes.SkipNode


class claim_list(nodes.General, nodes.Element):  # noqa: N801
    """Where a generated list goes, filled in when the page is resolved."""


class claim_graph(graphviz):  # noqa: N801
    """The dependency graph: sphinx.ext.graphviz's SVG ``<object>``, named for screen readers."""


def html_graph(self: HTML5Translator, node: claim_graph) -> None:
    """The SVG that ``dot`` draws, as sphinx.ext.graphviz shows it (an ``<object>`` in a
    ``graphviz`` div), named for screen readers (axe: object-alt), then a link to the SVG itself.
    verification.css fits the graph to its column: with 76 claims it is 1,411 px wide at its
    natural size, and on a phone a fifth of that. The link opens it at its natural size, where the
    browser zooms it and each node still links to its claim (sphinx.ext.graphviz writes the nodes'
    links relative to the SVG's own place). The tags are written here, through the translator's
    ``starttag``, rather than patched into graphviz's own HTML."""
    try:
        svg = render_dot(self, node["code"], node["options"], "svg")[0]
    except GraphvizError as exc:
        logger.warning("dot code %r: %s", node["code"], exc)
        raise nodes.SkipNode from exc
    if svg is None:  # dot cannot be run: render_dot has said so
        raise nodes.SkipNode
    tag = partial(self.starttag, nodes.Element(), suffix="")  # no node's ids or classes
    alt = node["alt"]
    self.body += [
        tag("div", CLASS="graphviz"),
        tag("object", CLASS="graphviz", data=svg, type="image/svg+xml", **{"aria-label": alt}),
        f"\n{tag('p', CLASS='warning')}{self.encode(alt)}</p></object></div>\n",
        tag("p", CLASS="verification-graph-zoom"),
        f"{tag('a', CLASS='reference external', href=svg)}Open the graph at full size</a></p>\n",
    ]
    raise nodes.SkipNode


def html_symbol(self: HTML5Translator, node: badge_symbol) -> None:
    hidden: dict[str, Any] = {"aria-hidden": "true"}
    self.body.append(self.starttag(node, "span", "", **hidden))


def html_symbol_end(self: HTML5Translator, node: badge_symbol) -> None:
    self.body.append("</span>")


def latex_badge(self: LaTeXTranslator, node: badge) -> None:
    """``[proof: verified]``; on one line unless long: broken in a narrow table column, a badge
    reads out of order to pdftotext ("[proof: run] ... not")."""
    words = "[" + escape(node["words"], self.config.latex_engine) + "]"
    self.body.append(r"\textit{" + (words if len(words) > 32 else r"\mbox{" + words + "}") + "}")
    raise nodes.SkipNode


class ClaimList(SphinxDirective):
    """``{verification-status}`` (runs, totals, checks, graph) or ``{claims-by-chapter}``."""

    def run(self) -> list[nodes.Node]:
        self.env.get_domain("verification").data["pages"][self.env.docname] = self.name
        return [claim_list(directive=self.name)]


def title_nodes(title: str) -> list[nodes.Node]:
    """A box's title as its source writes it, ``$...$`` as math (else the reader sees the TeX)."""
    parts = re.split(r"\$([^$]+)\$", title)
    return [nodes.math(p, p) if i % 2 else nodes.Text(p) for i, p in enumerate(parts) if p]


def para(*children: str | nodes.Node, **attributes: Any) -> nodes.paragraph:
    texts = (nodes.Text(c) if isinstance(c, str) else c for c in children)
    return nodes.paragraph("", "", *texts, **attributes)


def row(*cells: Sequence[nodes.Node], **attributes: Any) -> nodes.row:
    return nodes.row("", *(nodes.entry("", *cell) for cell in cells), **attributes)


def table(title: str, header: list[str], rows: list[nodes.row]) -> nodes.table:
    group = nodes.tgroup("", *(nodes.colspec(colwidth=1) for _ in header), cols=len(header))
    group += [nodes.thead("", row(*([para(h)] for h in header))), nodes.tbody("", *rows)]
    ids = [nodes.make_id(f"table {title}")]  # a numbered (numfig) table needs one
    return nodes.table("", nodes.title(text=title), group, classes=["verification-table"], ids=ids)


class Page:
    """The nodes of one page."""

    def __init__(self, app: Sphinx, docname: str) -> None:
        self.app, self.env, self.docname = app, app.env, docname
        self.v: Verdicts = app.env.get_domain("verification").verdicts  # type: ignore[attr-defined]

    def xref(self, c: Claim) -> pending_xref:
        """A reference to the claim, as ``{prf:ref}`` or ``{eq}`` makes one: sphinx-proof's domain
        (or Sphinx's math domain) resolves it, with its number and its link, for every builder."""
        domain, role = ("math", "eq") if c.kind == "equation" else ("prf", "ref")
        return pending_xref(
            "", nodes.inline("", c.label), refdomain=domain, reftype=role, reftarget=c.label,
            refdoc=self.docname, refexplicit=False, refwarn=True,
        )  # fmt: skip

    def resolved(self, c: Claim) -> nodes.Element | None:
        """The reference to the claim as its domain resolves it from this page."""
        xref = self.xref(c)
        domain, role, builder = (
            self.env.get_domain(xref["refdomain"]),
            xref["reftype"],
            self.app.builder,
        )
        contnode = nodes.inline("", c.label)
        return domain.resolve_xref(self.env, self.docname, builder, role, c.label, xref, contnode)

    def name(self, c: Claim, short: bool = False) -> str:
        """``Lemma 3.1`` or ``Eq. (2.6)``; ``Lem. 3.1`` if short: the resolved reference's text."""
        found = self.resolved(c)
        text = found.astext() if found is not None else c.label
        if c.kind == "equation":
            return f"Eq. {text}"
        return f"{SHORT.get(c.kind, c.kind.title())} {text.rpartition(' ')[2]}" if short else text

    def link(self, text: str | nodes.Node, docname: str, anchor: str, **kw: Any) -> nodes.reference:
        uri = self.app.builder.get_relative_uri(self.docname, docname) + "#" + anchor
        child = nodes.Text(text) if isinstance(text, str) else text
        return nodes.reference("", "", child, internal=True, refuri=uri, **kw)

    def ref(self, c: Claim) -> list[nodes.Node]:
        """A link to the claim: ``Lemma 3.1``, or ``Eq.`` then ``(2.6)``, as in the text."""
        return [nodes.Text("Eq. "), self.xref(c)] if c.kind == "equation" else [self.xref(c)]

    def badge(self, label: str) -> badge:
        """``proof ✓``, ``experiment ○ not run``, ``proof ◐ depends on ✗ Lemma 3.1``; ``cited``
        alone for a cited claim whose checks passed (its proof is the cited work's, and a ✓ would
        say the book proved it). Hidden words: "verified", and ", which failed" after a culprit.
        """
        (status, culprit), cls = self.v.status(label), self.v.claims[label].cls
        hidden = ["verification-sr"]
        parts: list[nodes.Node] = [nodes.inline("", cls.noun, classes=["verification-class"])]
        if not (status is Status.VERIFIED and cls is ClaimClass.CITED):
            parts += [nodes.Text(" "), badge_symbol("", status.symbol)]
        words = status.words
        if status is Status.VERIFIED:
            parts += [nodes.Text(" "), nodes.inline("", words, classes=hidden)]
        elif culprit:
            root, name = self.v.status(culprit.label)[0], self.name(culprit)
            which = f", which {root.words.replace('not', 'did not')}"
            words = f"verified, but depends on {name}{which}"
            parts += [nodes.Text(" depends on "), badge_symbol("", root.symbol)]
            parts += [nodes.Text(f" {name}"), nodes.inline("", which, classes=hidden)]
        else:
            parts.append(nodes.Text(f" {words}"))
        css = ["verification-badge", "verification-" + status.name.lower().replace("_", "-")]
        return badge("", "", *parts, classes=css, words=f"{cls.noun}: {words}")

    def claim(self, c: Claim, *anchor: nodes.Node) -> list[nodes.Node]:
        title: list[str | nodes.Node] = [" (", *title_nodes(c.title), ")"] if c.title else []
        return [para(*anchor, *self.ref(c), *title), para(nodes.literal(text=c.label))]

    def claims(self, caption: str, labels: list[str]) -> nodes.paragraph:
        links = [self.ref(self.v.claims[x]) for x in labels]
        joined: list[str | nodes.Node] = [caption] if links else []
        for i, link in enumerate(links):
            joined += [", ", *link] if i else link
        return para(*joined)

    def chapter(self, docname: str) -> str:
        secnum = ".".join(map(str, self.env.toc_secnumbers.get(docname, {}).get("", ())))
        return f"{secnum}. " * bool(secnum) + self.env.titles[docname].astext()

    def checks(self, label: str) -> list[nodes.Node]:
        """Each check: its kind, where it is, its outcome, and the run that recorded it."""
        items: dict[str, nodes.list_item] = {}  # a parametrized test once per outcome
        for check, report, cell in self.v.checks[label]:
            exact = "exact" if self.v.exact(check) else "numerical"
            kind = f"{Status.of([check.outcome]).symbol} {exact}"
            what: list[str | nodes.Node]
            if cell:
                at = self.link(f"cell {cell.index}", cell.docname, f"cell-{cell.index}")
                what = [f"{kind} check, ", at, f" of {self.env.titles[cell.docname].astext()}: "]
            else:
                test = check.id.split("::")[-1].split("[")[0]
                what = [f"{kind} unit test ", nodes.literal(text=test), ": "]
            what.append(check.outcome)
            if report:
                # The runs are listed on the status page (in the PDF, self.docname is the book's).
                runs = self.v.status_page or self.docname
                run = self.link(f"{report.session} run", runs, f"run-{report.session}")
                what += [" in the ", run]
            if check.ran:  # the run that produced the outcome, reused or not (sphinx_claims.reuse)
                when = unindexed(text=f"{check.ran[:16]} UTC", classes=["verification-time"])
                digest = unindexed(text=check.inputs[:12], literal=True)
                what += [" (its run: ", when, ", inputs ", digest, ")"]
            items.setdefault(para(*what).astext(), nodes.list_item("", para(*what)))
        return [nodes.bullet_list("", *items.values(), classes=["verification-checks"])]

    def status_page(self) -> list[nodes.Node]:
        """The runs, the totals, a table of every claim and its checks, and the graph."""
        runs = nodes.bullet_list()
        for r in self.v.reports:
            when = unindexed(text=r.time, classes=["verification-time"])
            commit = unindexed(text=r.commit, literal=True)
            about = para(nodes.strong(text=r.session), " tests: ", when, ", commit ", commit)
            on = para("on ", r.machine, classes=["verification-machine"])
            about.insert(0, nodes.target("", "", ids=[f"run-{r.session}"]))
            runs += nodes.list_item("", about, on)
        out = [para("Outcomes come from these test runs of the current sources:"), runs]
        if not self.v.reports:
            no_run = nodes.strong(text="No test run of the current sources is recorded")
            make: list[str | nodes.Node] = [nodes.literal(text="make test"), ", then "]
            make.append(nodes.literal(text="make book"))
            out = [para(no_run, ": every claim shows “not run”. Run ", *make, ".")]
        if self.v.ignored:
            out.append(para(f"{self.v.ignored} report(s) of other sources were ignored."))
        counts = dict.fromkeys(Status, 0)
        rows = []
        for k, c in self.v.claims.items():
            counts[self.v.status(k)[0]] += 1
            links = [
                self.claims("Depends on ", self.v.uses[k]),
                self.claims("Used by ", self.v.used_by[k]),
            ]
            # The row's id is its anchor in HTML; in print, a label where the row starts.
            claim = self.claim(c, print_label("", refid=f"claim-{k}"))
            rows.append(
                row(claim, [para(self.badge(k))], self.checks(k), links, ids=[f"claim-{k}"])
            )
        totals = "; ".join(f"{n} {s.words}" for s, n in counts.items())
        total = nodes.strong(text=f"{len(self.v.claims)} claims:")
        out.append(para(total, f" {totals}.", classes=["verification-totals"]))
        header = ["Claim", "Status", "Checks: outcome and run", "Depends on, used by"]
        return [
            *out,
            table("Every claim and its checks", header, rows),
            *([self.graph()] if self.app.config.claims_graph else []),
        ]

    def claims_page(self) -> list[nodes.Node]:
        """A table per chapter: each claim, its status and class, what it depends on."""
        chapters: dict[str, list[nodes.row]] = {}
        for k, c in self.v.claims.items():
            cells = self.claim(c), [para(self.badge(k))], [self.claims("", self.v.uses[k])]
            chapters.setdefault(c.docname, []).append(row(*cells))
        header = ["Claim", "Class and status", "Depends on"]
        return [table(self.chapter(doc), header, rows) for doc, rows in chapters.items()]

    def graph(self) -> nodes.figure:
        """The claims that cite or are cited; an arrow from each claim to each claim citing it."""
        v = self.v
        shown = [
            c for k, c in v.claims.items() if c.kind != "equation" or v.uses[k] or v.used_by[k]
        ]
        dot = [GRAPH]
        for i, doc in enumerate(dict.fromkeys(c.docname for c in shown)):
            dot.append(f'subgraph cluster_{i} {{label="{self.chapter(doc)}"; color="#d0d7de";')
            for c in (c for c in shown if c.docname == doc):
                status = v.status(c.label)[0]
                fill, ink = COLOURS[status]
                tip = f"{self.name(c)} {c.title}: {status.words}".replace('"', "'")
                found = self.resolved(c)
                uri = found.get("refuri", "") if found is not None else ""
                look = f'fillcolor="{fill}", color="{ink}", fontcolor="{ink}"'
                link = f'URL="{uri}", target="_top", tooltip="{tip}"'
                label = f"{status.symbol} {self.name(c, short=True)}"
                dot.append(f'"{c.label}" [label="{label}", {link}, {look}];')
            dot.append("}")
        dot += [f'"{a}" -> "{c.label}";' for c in shown for a in v.uses[c.label]]
        alt = (
            f"Dependency graph of {len(shown)} claims, one box per chapter: an arrow from A to B "
            "means that B cites A; each node shows its status as a symbol and links to its claim"
        )
        node = claim_graph(code="\n".join([*dot, "}"]), options={"docname": self.docname}, alt=alt)
        legend = ", ".join(f"{s.symbol} {s.words}" for s in Status)
        caption = (
            "Dependencies between the claims: an arrow A → B means that B's statement or proof "
            f"cites A; each node links to its claim. {legend}. Equations that no claim cites are "
            "in the table only."
        )
        figure = nodes.figure("", node, nodes.caption(text=caption), ids=["graph"])
        figure["classes"].append("verification-graph")
        return figure


class Resolve(SphinxPostTransform):
    """Badges on the page's claims, and its generated lists: made before Sphinx resolves the
    references (10), and before the LaTeX builder turns equation references into its own (5), so
    that the links to claims they hold are resolved as every ``{prf:ref}`` and ``{eq}`` is."""

    default_priority = 4

    def run(self, **kwargs: Any) -> None:
        resolve(self.app, self.document, self.env.docname)


def resolve(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    """Badges on the page's claims, and its generated lists."""
    page = Page(app, docname)
    # The LaTeX builder resolves the whole book as one tree, under the root document's name.
    whole_book = app.builder.format == "latex"
    for node in list(doctree.findall(lambda n: isinstance(n, (*BOXES, nodes.math_block)))):
        if not isinstance(node, nodes.Element):
            continue
        c = page.v.claims.get(node.get("label", ""))
        if c and (c.docname == docname or whole_book):
            shown: nodes.Node = page.badge(c.label)
            if page.v.status_page:
                title = f"{len(page.v.checks[c.label])} checks: see the verification status page"
                shown = page.link(shown, page.v.status_page, f"claim-{c.label}", reftitle=title)
            line = para(shown, classes=["verification-badge-line"])
            if isinstance(node, nodes.math_block):
                node.parent.insert(node.parent.index(node) + 1, line)
            else:
                node.children[1].insert(0, line)  # type: ignore[attr-defined] # the box's body
    for node in list(doctree.findall(claim_list)):
        status = node["directive"] == "verification-status"
        node.replace_self(page.status_page() if status else page.claims_page())
        # The claims' titles hold math (title_nodes), made after Sphinx read the page: tell the
        # math domain, or the page loads no MathJax and shows their TeX.
        app.env.get_domain("math").data["has_equations"][docname] = True


def _digest(*parts: object) -> str:
    return hashlib.sha256(repr(parts).encode()).hexdigest()


def rewritten(app: Sphinx, env: BuildEnvironment) -> list[str]:
    """The pages to write again, without reading them again, because what they show of the claims
    changed since they were last written: a badge, a generated list, or the banner (every page).
    The test reports are no Sphinx source, so Sphinx cannot see them change. And the pages a
    problem is about, so that the consistency check warns again (``-W``) until it is fixed."""
    domain = env.get_domain("verification")
    v: Verdicts = domain.verdicts  # type: ignore[attr-defined]
    numbers = env.toc_fignumbers

    def badge(c: Claim) -> tuple[object, ...]:
        status, culprit = v.status(c.label)
        cited = culprit and (
            culprit.label,
            v.status(culprit.label)[0],
            numbers.get(culprit.docname),
        )
        return c.label, status, len(v.checks[c.label]), cited

    banner_words = message(v)
    checks = [
        # Not whether this session reused an outcome: the pages show the run that produced it.
        (
            k,
            [
                (replace(c, reused=False), r and (r.session, r.time, r.commit, r.machine))
                for c, r, _ in cs
            ],
        )
        for k, cs in sorted(v.checks.items())
    ]
    everything = _digest(
        banner_words, v.status_page, list(v.claims.values()), [badge(c) for c in v.claims.values()],
        checks, v.ignored, numbers, env.toc_secnumbers,
    )  # fmt: skip
    shown = {
        doc: everything
        if doc in domain.data["pages"]
        else _digest(
            banner_words, v.status_page, [badge(c) for c in domain.data["claims"].get(doc, [])]
        )
        for doc in env.found_docs
    }
    # By builder: the HTML and LaTeX builders share the environment (Jupyter Book's .doctrees).
    name, before = app.builder.name, domain.data["shown"]
    changed = {doc for doc in shown if before.get(doc, {}).get(name) != shown[doc]}
    domain.data["shown"] = {doc: {**before.get(doc, {}), name: shown[doc]} for doc in shown}
    about = [doc or v.status_page or min(env.found_docs) for _, doc in problems(env)]
    return sorted(changed | {doc for doc in about if doc in env.found_docs})
