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


class status_placeholder(nodes.General, nodes.Element):  # noqa: N801 (docutils node naming)
    """Replaced by the status table and graph once every document has been read."""


class VerificationStatus(Directive):
    """``{verification-status}``: where the table and the graph go."""

    def run(self) -> list[nodes.Node]:
        return [status_placeholder()]


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
        runs.append({k: report[k] for k in ("session", "commit", "time")})
        for check in report["checks"]:
            run = {k: report[k] for k in ("commit", "time")}
            if check["source"] == "notebook":
                by_cell[(check["notebook"], check["cell_id"])] = {**check, **run}
            else:
                for label in check["labels"]:
                    tests[label] = [t for t in tests[label] if t["id"] != check["id"]]
                    tests[label].append({**check, **run})
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
            checks.append({**check, "outcome": outcome, "run": ran})
    for test in res["tests"].get(label, []):
        checks.append({**test, "run": test})
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
    for placeholder in list(doctree.findall(status_placeholder)):
        placeholder.replace_self(_status_page(app, docname))


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


def _status_page(app: Sphinx, docname: str) -> list[nodes.Node]:
    env = app.env
    claims = _all(env, "verification_claims")
    res = _results(app)
    out: list[nodes.Node] = []
    if res["runs"]:
        runs = "; ".join(
            f"{r['session']} at {r['time']} on commit {r['commit']}" for r in res["runs"]
        )
        summary = f"Outcomes from the test runs: {runs}."
    else:
        summary = (
            "No test run of the current sources has been recorded: every claim shows "
            "\u201cnot run\u201d. Run `make test`, then `make book`."
        )
    if res["stale"]:
        summary += f" ({res['stale']} older report(s) of other sources ignored.)"
    out.append(
        nodes.raw("", f'<p class="verification-summary">{html.escape(summary)}</p>', format="html")
    )
    counts: dict[str, int] = defaultdict(int)
    rows = []
    for claim in claims:
        status, checks = _status(app, claim["label"])
        counts[status] += 1
        links = []
        for c in checks:
            if c.get("source") == "pytest":
                text = f"{SYMBOL.get(_outcome_status(c['outcome']), '')} unit test <code>{html.escape(c['id'])}</code> ({c['outcome']})"
                links.append(text)
            else:
                uri = (
                    app.builder.get_relative_uri(docname, c["docname"]) + f"#cell-{c['cell_index']}"
                )
                links.append(
                    f'{SYMBOL[_outcome_status(c["outcome"])]} <a href="{uri}">{html.escape(c["kind"])}, '
                    f"cell {c['cell_index']}</a> ({c['outcome']})"
                )
        kinds = sorted({c["kind"] for c in checks})
        run = next((c["run"] for c in checks if c.get("run")), None)
        run_text = f"{run['time']}, {run['commit']}" if run else "—"
        title = f" — {html.escape(claim['title'])}" if claim["title"] else ""
        rows.append(
            f'<tr id="claim-{claim["label"]}" class="verification-row-{status.replace(" ", "-")}">'
            f'<td><a href="{_claim_uri(app, docname, claim)}">{html.escape(_claim_number(app, claim))}</a>{title}'
            f"<br><code>{claim['label']}</code></td>"
            f"<td>{html.escape(', '.join(kinds))}</td>"
            f"<td>{'<br>'.join(links)}</td>"
            f'<td><span class="verification-badge verification-{status.replace(" ", "-")}">'
            f"{SYMBOL[status]} {status}</span></td>"
            f"<td>{html.escape(run_text)}</td></tr>"
        )
    totals = ", ".join(f"{counts[s]} {s}" for s in ("verified", "failed", "not run"))
    out.append(
        nodes.raw(
            "",
            f'<p class="verification-totals"><strong>{len(claims)} claims:</strong> {totals}.</p>',
            format="html",
        )
    )
    table = (
        '<div class="table-wrapper"><table class="table verification-table">'
        "<caption>Every labelled claim of the book, the checks that verify it, and their outcome"
        '</caption><thead><tr><th scope="col">Claim</th><th scope="col">Kind of check</th>'
        '<th scope="col">Checks</th><th scope="col">Status</th><th scope="col">Run</th></tr></thead><tbody>'
        + "".join(rows)
        + "</tbody></table></div>"
    )
    out.append(nodes.raw("", table, format="html"))
    out.append(_graph(app, docname, claims))
    return out


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
    pos: dict[str, tuple[float, float]] = {}
    rows_per_doc: dict[str, int] = defaultdict(int)
    for c in shown:
        pos[c["label"]] = (float(docs.index(c["docname"])), -float(rows_per_doc[c["docname"]]))
        rows_per_doc[c["docname"]] += 1
    height = max(rows_per_doc.values(), default=1)
    fig, ax = plt.subplots(figsize=(3.4 * max(len(docs), 1) + 0.6, 0.42 * height + 1.4))
    boxes = {}
    for c in shown:
        status, _ = _status(app, c["label"])
        x, y = pos[c["label"]]
        boxes[c["label"]] = ax.text(
            x,
            y,
            f"{SYMBOL[status]} {_claim_number(app, c)}  {c['label']}",
            ha="center",
            va="center",
            fontsize=7,
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
        ax.text(col, 0.9, title, ha="center", va="bottom", fontsize=9, fontweight="bold", wrap=True)
    ax.set_xlim(-0.5, len(docs) - 0.5)
    ax.set_ylim(-height + 0.4, 1.5)
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
        images / "verification-graph.png", dpi=110, bbox_inches="tight", metadata={"Software": None}
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
        f'<figure class="verification-graph"><img src="{prefix}_images/verification-graph.png" '
        f'alt="{html.escape(alt)}"><figcaption>Dependencies between the claims, from the '
        "{prf:ref} and {eq} references inside each claim and its proof. Equations that no "
        "claim cites are listed in the table only.</figcaption></figure>",
        format="html",
    )


def _add_static(app: Sphinx) -> None:
    static = str(Path(__file__).parent / "static")
    if static not in app.config.html_static_path:
        app.config.html_static_path.append(static)


def setup(app: Sphinx) -> dict[str, Any]:
    app.add_node(status_placeholder)
    app.add_directive("verification-status", VerificationStatus)
    app.connect("doctree-read", on_doctree_read)
    app.connect("env-purge-doc", on_purge)
    app.connect("env-merge-info", on_merge)
    app.connect("env-check-consistency", on_consistency)
    app.connect("doctree-resolved", on_doctree_resolved)
    app.connect("builder-inited", _add_static)
    app.add_css_file("verification.css")
    return {
        "version": "1.0",
        "parallel_read_safe": True,
        "parallel_write_safe": True,
        "env_version": 1,
    }
