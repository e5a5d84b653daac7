"""Sphinx extension: a verification badge on every labelled claim, and a status page.

A *claim* is a labelled ``sphinx-proof`` box (definition, theorem, lemma, ...) or a labelled
displayed equation. A *check* is a notebook cell tagged ``verifies:<label>``, or a unit test
marked ``@pytest.mark.verifies("<label>")``. The extension

- fails the build (a warning, and the build is ``-W``) when a claim has no check or a
  ``verifies:`` tag names a label that does not exist;
- reads the reports the test suite wrote under ``_build/verification/`` (only those made from
  the current sources: otherwise every badge says "not run");
- puts a badge (verified / failed / not run, in words and colour) on every claim, linking to
  the claim's row on the status page, and an anchor on every checking cell;
- replaces the ``verification-status`` directive by a table of all claims and a dependency graph
  drawn from the ``{prf:ref}`` and ``{eq}`` references inside each claim and its proof.
"""

from __future__ import annotations

import html
import textwrap
from collections import defaultdict
from pathlib import Path
from typing import Any

import nbformat
from docutils import nodes
from docutils.parsers.rst import Directive
from sphinx.addnodes import pending_xref
from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment
from sphinx.util import logging
from verification_report import check_kind, labels_in_tags, load_reports

logger = logging.getLogger(__name__)

STATUS_DOC = "book/verification_status"
SYMBOL = {"verified": "✓", "failed": "✗", "not run": "○"}
COLOUR = {"verified": "#1a7f37", "failed": "#cf222e", "not run": "#6e7781"}


class verification_status_node(nodes.General, nodes.Element):  # noqa: N801 (docutils node naming)
    """Replaced by the status table and graph once every document has been read."""


class VerificationStatus(Directive):
    """``{verification-status}``: where the table and the graph go."""

    def run(self) -> list[nodes.Node]:
        return [verification_status_node()]


def _proof_nodes() -> tuple[type, ...]:
    from sphinx_proof import nodes as pn

    return tuple({*pn.NODE_TYPES.values(), pn.unenumerable_node})


def _env_dict(env: BuildEnvironment, name: str) -> dict[str, Any]:
    if not hasattr(env, name):
        setattr(env, name, {})
    return getattr(env, name)


def _refs_in(node: nodes.Node) -> set[str]:
    """Labels referenced inside ``node`` with ``{prf:ref}`` or ``{eq}``."""
    out = set()
    for x in node.findall(pending_xref):
        if x.get("refdomain") in ("prf", "math") or x.get("reftype") in ("eq", "numref"):
            out.add(x["reftarget"])
    for x in node.findall(nodes.reference):  # {eq} may already be resolved by myst
        refid = x.get("refid", "")
        if refid.startswith("equation-"):
            out.add(refid[len("equation-") :])
    return out


def on_doctree_read(app: Sphinx, doctree: nodes.document) -> None:
    """Record the claims of this document, their references, and its checking cells."""
    env = app.env
    docname = env.docname
    from sphinx_proof.nodes import proof_node

    claims: list[dict[str, Any]] = []
    deps: dict[str, set[str]] = {}
    last_label = None
    enumerable = _proof_nodes()
    for node in doctree.findall(
        lambda n: isinstance(n, (*enumerable, proof_node, nodes.math_block))
    ):
        if isinstance(node, proof_node):
            if last_label:
                deps[last_label] |= _refs_in(node)
            continue
        label = node.get("label")
        if not label or (isinstance(node, nodes.math_block) and not node.get("number")):
            continue
        kind = "equation" if isinstance(node, nodes.math_block) else node.get("realtype", "claim")
        title = "" if kind == "equation" else str(node.get("title", ""))
        claims.append({"label": label, "kind": kind, "title": title, "docname": docname})
        deps[label] = _refs_in(node) - {label} if kind != "equation" else set()
        if kind != "equation":
            last_label = label
    _env_dict(env, "verification_claims")[docname] = claims
    _env_dict(env, "verification_deps")[docname] = deps

    checks = []
    source_path = Path(env.doc2path(docname))
    if source_path.suffix == ".ipynb":
        nb = nbformat.read(source_path, as_version=4)
        for index, cell in enumerate(nb.cells):
            labels = labels_in_tags(cell.get("metadata", {}).get("tags"))
            if cell.cell_type == "code" and labels:
                checks.append(
                    {
                        "labels": labels,
                        "cell_index": index,
                        "cell_id": cell.get("id"),
                        "kind": check_kind(cell.source),
                        "notebook": source_path.relative_to(app.srcdir).as_posix(),
                        "docname": docname,
                    }
                )
    _env_dict(env, "verification_checks")[docname] = checks


def on_purge(app: Sphinx, env: BuildEnvironment, docname: str) -> None:
    for name in ("verification_claims", "verification_deps", "verification_checks"):
        _env_dict(env, name).pop(docname, None)


def on_merge(app: Sphinx, env: BuildEnvironment, docnames: set[str], other: Any) -> None:
    for name in ("verification_claims", "verification_deps", "verification_checks"):
        for docname in docnames:
            if docname in getattr(other, name, {}):
                _env_dict(env, name)[docname] = getattr(other, name)[docname]


def _all(env: BuildEnvironment, name: str) -> list[Any]:
    docs = _env_dict(env, name)
    return [x for doc in _doc_order(env) for x in docs.get(doc, [])]


def _doc_order(env: BuildEnvironment) -> list[str]:
    """Documents in reading order (the table of contents), then any others."""
    order: list[str] = []
    root = env.config.root_doc

    def walk(doc: str) -> None:
        if doc in order:
            return
        order.append(doc)
        for child in env.toctree_includes.get(doc, []):
            walk(child)

    walk(root)
    return order + sorted(set(env.all_docs) - set(order))


def on_get_outdated(
    app: Sphinx, env: BuildEnvironment, added: set[str], changed: set[str], removed: set[str]
) -> list[str]:
    """Re-render every page with claims, and the status page, on every build.

    Their badges depend on the test reports, which Sphinx does not track as sources: without
    this an incremental build would keep showing the outcomes of an earlier run.
    """
    with_claims = [d for d, claims in _env_dict(env, "verification_claims").items() if claims]
    return [d for d in [*with_claims, STATUS_DOC] if d in env.found_docs]


def on_consistency(app: Sphinx, env: BuildEnvironment) -> None:
    """Fail the build for a claim with no check, or a check naming an unknown label."""
    claims = {c["label"]: c for c in _all(env, "verification_claims")}
    checked = defaultdict(list)
    for check in _all(env, "verification_checks"):
        for label in check["labels"]:
            checked[label].append(check)
            if label not in claims:
                logger.warning(
                    f"verification: cell {check['cell_index']} of {check['notebook']} is tagged "
                    f"'verifies:{label}', but no theorem, lemma, definition or equation has the "
                    f"label '{label}'",
                    location=check["docname"],
                    type="verification",
                )
    for label, tests in _results(app)["tests"].items():
        if label not in claims:
            logger.warning(
                f"verification: unit test {tests[0]['id']} is marked "
                f"@pytest.mark.verifies({label!r}), but no claim of the book has that label",
                type="verification",
            )
    for label, claim in claims.items():
        if label not in checked:
            logger.warning(
                f"verification: the {claim['kind']} '{label}' has no check: tag a code cell "
                f"that would fail if it were false with 'verifies:{label}'",
                location=claim["docname"],
                type="verification",
            )


def _results(app: Sphinx) -> dict[str, Any]:
    """Outcomes by check, from the fresh reports; computed once per build."""
    cached = getattr(app, "_verification_results", None)
    if cached is not None:
        return cached
    fresh, stale = load_reports(Path(app.srcdir))
    by_cell: dict[tuple[str, str], dict[str, Any]] = {}
    tests: dict[str, list[dict[str, Any]]] = defaultdict(list)
    runs = []
    for report in sorted(fresh, key=lambda r: r["time"]):
        run = {k: report[k] for k in ("session", "commit", "time")}
        runs.append(run)
        for check in report["checks"]:
            if check["source"] == "notebook":
                by_cell[(check["notebook"], check["cell_id"])] = {**check, "run": run}
            else:
                for label in check["labels"]:
                    tests[label] = [t for t in tests[label] if t["id"] != check["id"]]
                    tests[label].append({**check, "run": run})
    results = {"by_cell": by_cell, "tests": tests, "runs": runs, "stale": len(stale)}
    app._verification_results = results  # type: ignore[attr-defined]
    return results


def _status(app: Sphinx, label: str) -> tuple[str, list[dict[str, Any]]]:
    """Return the claim's status and its checks, each with an ``outcome``."""
    res = _results(app)
    checks = []
    for check in _all(app.env, "verification_checks"):
        if label in check["labels"]:
            ran = res["by_cell"].get((check["notebook"], check["cell_id"]))
            outcome = ran["outcome"] if ran else "not run"
            checks.append({**check, "outcome": outcome, "run": ran["run"] if ran else None})
    checks.extend(res["tests"].get(label, []))
    outcomes = {c["outcome"] for c in checks}
    if "failed" in outcomes:
        status = "failed"
    elif checks and outcomes == {"passed"}:
        status = "verified"
    else:
        status = "not run"
    return status, checks


def _badge(app: Sphinx, fromdoc: str, label: str) -> nodes.Node:
    status, checks = _status(app, label)
    uri = app.builder.get_relative_uri(fromdoc, STATUS_DOC) + f"#claim-{label}"
    n = len(checks)
    text = f"{SYMBOL[status]} {status}"
    title = f"{status}: {n} check{'s' if n != 1 else ''} — see the verification status page"
    ref = nodes.reference("", "", internal=True, refuri=uri, reftitle=title)
    ref += nodes.inline(text, text)
    ref["classes"] += ["verification-badge", f"verification-{status.replace(' ', '-')}"]
    para = nodes.paragraph("", "", ref, classes=["verification-badge-line"])
    return para


def on_doctree_resolved(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    if app.builder.format != "html":
        return
    enumerable = _proof_nodes()
    labels = {c["label"] for c in _env_dict(app.env, "verification_claims").get(docname, [])}
    for node in list(doctree.findall(lambda n: isinstance(n, (*enumerable, nodes.math_block)))):
        label = node.get("label")
        if label not in labels:
            continue
        badge = _badge(app, docname, label)
        if isinstance(node, nodes.math_block):
            node.parent.insert(node.parent.index(node) + 1, badge)
        else:
            content = node.children[1] if len(node.children) > 1 else node
            content.insert(0, badge)
    for cell in doctree.findall(nodes.container):
        if cell.get("nb_element") == "cell_code" and labels_in_tags(
            cell.get("cell_metadata", {}).get("tags")
        ):
            cell["ids"].append(f"cell-{cell['cell_index']}")
    for node in list(doctree.findall(verification_status_node)):
        node.replace_self(_status_page(app, docname))


def _claim_uri(app: Sphinx, fromdoc: str, claim: dict[str, Any]) -> str:
    anchor = f"equation-{claim['label']}" if claim["kind"] == "equation" else claim["label"]
    return app.builder.get_relative_uri(fromdoc, claim["docname"]) + "#" + anchor


def _claim_number(app: Sphinx, claim: dict[str, Any]) -> str:
    env = app.env
    if claim["kind"] == "equation":
        docname, number = env.domaindata["math"]["objects"][claim["label"]][:2]
        secnum = env.toc_secnumbers.get(docname, {}).get("")
        prefix = ".".join(map(str, secnum)) + "." if secnum else ""
        return f"Eq. ({prefix}{number})"
    info = env.proof_list.get(claim["label"], {})
    fig = env.toc_fignumbers.get(claim["docname"], {}).get(info.get("countertype", ""), {})
    number = ".".join(map(str, fig.get(claim["label"], ())))
    return f"{claim['kind'].title()} {number}".strip()


_SHORT = {
    "definition": "Def.",
    "theorem": "Thm.",
    "lemma": "Lem.",
    "proposition": "Prop.",
    "remark": "Rem.",
    "corollary": "Cor.",
    "example": "Ex.",
}


def _short_number(app: Sphinx, claim: dict[str, Any]) -> str:
    """``Thm. 3.1``, ``Eq. (2.6)``: the claim's number with its kind abbreviated."""
    kind, _, number = _claim_number(app, claim).partition(" ")
    return f"{_SHORT.get(claim['kind'], kind)} {number}"


def _status_page(app: Sphinx, docname: str) -> list[nodes.Node]:
    """The summary of runs, the table of claims and the dependency graph."""
    claims = _all(app.env, "verification_claims")
    res = _results(app)
    parts = []
    if res["runs"]:
        items = "".join(
            f'<li id="run-{r["session"]}"><strong>{html.escape(r["session"])}</strong> tests: '
            f"{html.escape(r['time'])}, commit <code>{html.escape(r['commit'])}</code></li>"
            for r in res["runs"]
        )
        parts.append(
            f"<p>Outcomes come from these test runs of the current sources:</p><ul>{items}</ul>"
        )
    else:
        parts.append(
            "<p><strong>No test run of the current sources is recorded</strong>: every claim "
            "shows \u201cnot run\u201d. Run <code>make test</code>, then <code>make book</code>.</p>"
        )
    if res["stale"]:
        parts.append(
            f"<p>{res['stale']} report(s) of other versions of the sources were ignored.</p>"
        )
    counts: dict[str, int] = defaultdict(int)
    rows = []
    for claim in claims:
        status, checks = _status(app, claim["label"])
        counts[status] += 1
        rows.append(_status_row(app, docname, claim, status, checks))
    totals = ", ".join(f"{counts[s]} {s}" for s in ("verified", "failed", "not run"))
    parts.append(
        f'<p class="verification-totals"><strong>{len(claims)} claims:</strong> {totals}.</p>'
    )
    parts.append(
        '<div class="table-wrapper"><table class="table verification-table">'
        "<caption>Every labelled claim, the checks that verify it, and their outcomes</caption>"
        '<thead><tr><th scope="col">Claim and kinds of check</th><th scope="col">Status</th>'
        '<th scope="col">Checks: outcome and run</th></tr></thead><tbody>'
        + "".join(rows)
        + "</tbody></table></div>"
    )
    return [nodes.raw("", "".join(parts), format="html"), _graph(app, docname, claims)]


def _status_row(
    app: Sphinx, docname: str, claim: dict[str, Any], status: str, checks: list[dict[str, Any]]
) -> str:
    """One ``<tr>`` of the status table."""
    lines = []
    for c in checks:
        symbol = SYMBOL[_outcome_status(c["outcome"])]
        run = c.get("run")
        where = (
            f' in the <a href="#run-{run["session"]}">{html.escape(run["session"])} run</a>'
            if run
            else ""
        )
        if c.get("source") == "pytest":
            name = c["id"].rsplit("::", 1)[-1]
            if "[" in name:
                name = name.split("[", 1)[0] + "[…]"
            what = f'unit test <code title="{html.escape(c["id"])}">{html.escape(name)}</code>'
        else:
            uri = app.builder.get_relative_uri(docname, c["docname"]) + f"#cell-{c['cell_index']}"
            chapter = (
                app.env.titles[c["docname"]].astext()
                if c["docname"] in app.env.titles
                else c["docname"]
            )
            what = (
                f'{html.escape(c["kind"])}, <a href="{uri}">cell {c["cell_index"]}</a> of '
                f"{html.escape(chapter)}"
            )
        lines.append(f"<li>{symbol} {what}: {html.escape(c['outcome'])}{where}</li>")
    lines = list(dict.fromkeys(lines))  # parametrized cases of one test, once per outcome
    kinds = ", ".join(sorted({c["kind"] for c in checks})) or "no check"
    title = claim["title"].strip()
    if title.startswith("(") and title.endswith(")"):
        title = title[1:-1]
    title_html = f" {html.escape(title)}" if title else ""
    cls = status.replace(" ", "-")
    return (
        f'<tr id="claim-{claim["label"]}" class="verification-row-{cls}">'
        f'<td><a href="{_claim_uri(app, docname, claim)}">{html.escape(_claim_number(app, claim))}</a>'
        f"{title_html}<br><code>{claim['label']}</code>"
        f'<br><span class="verification-kinds">{html.escape(kinds)}</span></td>'
        f'<td><span class="verification-badge verification-{cls}">{SYMBOL[status]} {status}</span></td>'
        f'<td><ul class="verification-checks">{"".join(lines)}</ul></td></tr>'
    )


def _outcome_status(outcome: str) -> str:
    return {"passed": "verified", "failed": "failed"}.get(outcome, "not run")


def _graph(app: Sphinx, docname: str, claims: list[dict[str, Any]]) -> nodes.Node:
    """Draw the dependency graph to ``_images/verification-graph.png``; return the figure."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.lines import Line2D

    deps: dict[str, set[str]] = {}
    for doc_deps in _env_dict(app.env, "verification_deps").values():
        deps.update(doc_deps)
    known = {c["label"] for c in claims}
    edges = sorted({(d, c) for c, ds in deps.items() for d in ds if d in known and c in known})
    in_graph = {x for e in edges for x in e} | {
        c["label"] for c in claims if c["kind"] != "equation"
    }
    shown = [c for c in claims if c["label"] in in_graph]
    docs = [d for d in _doc_order(app.env) if any(c["docname"] == d for c in shown)]
    if not docs:
        return nodes.paragraph(text="No claim of the book cites another: no dependency graph.")
    pos: dict[str, tuple[float, float]] = {}
    rows_per_doc: dict[str, int] = defaultdict(int)
    for c in shown:
        pos[c["label"]] = (float(docs.index(c["docname"])), -float(rows_per_doc[c["docname"]]))
        rows_per_doc[c["docname"]] += 1
    height = max(rows_per_doc.values(), default=1)
    fig, ax = plt.subplots(figsize=(3.0 * max(len(docs), 1) + 0.4, 0.62 * height + 1.6))
    boxes = {}
    for c in shown:
        status, _ = _status(app, c["label"])
        x, y = pos[c["label"]]
        boxes[c["label"]] = ax.text(
            x,
            y,
            f"{SYMBOL[status]} {_short_number(app, c)}\n{c['label']}",
            ha="center",
            va="center",
            fontsize=8.5,
            linespacing=1.25,
            zorder=3,
            color="white" if status != "not run" else "black",
            bbox={
                "boxstyle": "round,pad=0.25",
                "ec": COLOUR[status],
                "lw": 1.0,
                "fc": COLOUR[status] if status != "not run" else "#eaeef2",
            },
        )
    for src, dst in edges:
        same_col = pos[src][0] == pos[dst][0]
        down = pos[dst][1] < pos[src][1]
        ax.annotate(
            "",
            zorder=1,
            xy=(0, 0.5) if same_col or pos[dst][0] > pos[src][0] else (1, 0.5),
            xycoords=boxes[dst],
            xytext=(0, 0.5) if same_col or pos[dst][0] < pos[src][0] else (1, 0.5),
            textcoords=boxes[src],
            arrowprops={
                "arrowstyle": "-|>",
                "color": "#57606a",
                "lw": 0.7,
                "shrinkA": 1,
                "shrinkB": 1,
                "mutation_scale": 7,
                "connectionstyle": f"arc3,rad={(0.5 if down else -0.5) if same_col else 0.0}",
            },
        )
    for col, doc in enumerate(docs):
        title = app.env.titles[doc].astext() if doc in app.env.titles else doc
        secnum = app.env.toc_secnumbers.get(doc, {}).get("")
        title = (".".join(map(str, secnum)) + ". " if secnum else "") + title
        ax.text(
            col,
            0.75,
            textwrap.fill(title, 30),
            ha="center",
            va="bottom",
            fontsize=9.5,
            fontweight="bold",
        )
    ax.set_xlim(-0.5, len(docs) - 0.5)
    ax.set_ylim(-height + 0.4, 1.9)
    ax.axis("off")
    handles = [
        Line2D(
            [],
            [],
            marker="s",
            ls="",
            ms=10,
            mfc=COLOUR[s] if s != "not run" else "#eaeef2",
            mec=COLOUR[s],
            label=f"{SYMBOL[s]} {s}",
        )
        for s in ("verified", "failed", "not run")
    ] + [Line2D([], [], color="#57606a", label="A → B: B's statement or proof cites A")]
    ax.legend(
        handles=handles,
        loc="upper center",
        bbox_to_anchor=(0.5, -0.01),
        ncol=4,
        fontsize=8,
        frameon=False,
    )
    images = Path(app.outdir) / "_images"
    images.mkdir(parents=True, exist_ok=True)
    fig.savefig(
        images / "verification-graph.png", dpi=120, bbox_inches="tight", metadata={"Software": None}
    )
    plt.close(fig)
    prefix = "../" * docname.count("/")
    alt = (
        f"Dependency graph of {len(shown)} claims, one column per chapter; an arrow from A to B "
        "means that B's statement or proof cites A; each box shows the claim's status as a "
        "symbol and a colour"
    )
    return nodes.raw(
        "",
        f'<figure class="verification-graph"><a href="{prefix}_images/verification-graph.png">'
        f'<img src="{prefix}_images/verification-graph.png" alt="{html.escape(alt)}"></a><figcaption>Dependencies between the claims, from the '
        "{prf:ref} and {eq} references inside each claim and its proof. Equations that no "
        "claim cites are listed in the table only.</figcaption></figure>",
        format="html",
    )


def setup(app: Sphinx) -> dict[str, Any]:
    app.add_node(verification_status_node)
    app.add_directive("verification-status", VerificationStatus)
    app.connect("doctree-read", on_doctree_read)
    app.connect("env-purge-doc", on_purge)
    app.connect("env-merge-info", on_merge)
    app.connect("env-get-outdated", on_get_outdated)
    app.connect("env-check-consistency", on_consistency)
    app.connect("doctree-resolved", on_doctree_resolved)
    app.add_css_file("verification.css")
    return {
        "version": "1.0",
        "parallel_read_safe": True,
        "parallel_write_safe": True,
        "env_version": 1,
    }
