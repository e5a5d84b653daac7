"""What the build knows: the claims and checking cells of each page, and each claim's status.

A claim is a labelled sphinx-proof box or a numbered equation. It depends on the claims that its
statement, and the proof after it, cite ({prf:ref}, {eq}). :class:`ClaimsDomain` keeps claims and
cells per document (so that incremental and parallel builds stay right); :class:`Verdicts` joins
them with the fresh test reports and computes each claim's status once.
"""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from pathlib import Path
from typing import Any

import nbformat
from docutils import nodes
from sphinx.addnodes import pending_xref
from sphinx.application import Sphinx
from sphinx.domains import Domain
from sphinx.environment import BuildEnvironment
from sphinx.util import logging
from sphinx_proof.nodes import NODE_TYPES, proof_node, unenumerable_node

from sphinx_claims.record import Check, ClaimClass, Report, Status, calls, labels_in_tags, read

BOXES = (*NODE_TYPES.values(), unenumerable_node)
PROVED, EXPERIMENT, CITED = ClaimClass.PROVED, ClaimClass.EXPERIMENT, ClaimClass.CITED


class print_label(nodes.Inline, nodes.Element):  # noqa: N801
    """The LaTeX label of an anchor (``refid``) that is the id of a table row or a cell in HTML:
    Sphinx's LaTeX writer labels neither. In HTML it writes nothing."""


@dataclasses.dataclass(frozen=True)
class Claim:
    label: str
    kind: str  # "lemma", "definition", ... or "equation"
    title: str
    docname: str
    cls: ClaimClass
    cites: tuple[str, ...]  # the labels its statement and proof cite
    has_citation: bool  # a {cite} in its box


@dataclasses.dataclass(frozen=True)
class Cell:
    """A notebook cell tagged ``verifies:<label>``, as a check that has not run."""

    check: Check
    docname: str
    index: int


def _refs(node: nodes.Element, domains: tuple[str, ...] = ("prf", "math")) -> set[str]:
    return {x["reftarget"] for x in node.findall(pending_xref) if x["refdomain"] in domains}


def _claim(node: nodes.Element, cites: set[str], docname: str) -> Claim:
    kind, title = node.get("realtype", "equation"), str(node.get("title", "")).strip(" ()")
    has_citation = bool(_refs(node, ("cite",)))
    return Claim(
        node["label"],
        kind,
        title,
        docname,
        ClaimClass.of(node["classes"]),
        tuple(cites),
        has_citation,
    )


class ClaimsDomain(Domain):
    name = label = "verification"
    #: Per page: its claims, its checking cells, the list it generates, and a digest of what it
    #: showed of them when each builder last wrote it (see render.rewritten).
    initial_data: dict[str, Any] = {"claims": {}, "cells": {}, "pages": {}, "shown": {}}  # noqa: RUF012
    _verdicts: Verdicts | None = None  # once every document is read

    def clear_doc(self, docname: str) -> None:
        self._verdicts = None
        for key in self.initial_data:
            self.data[key].pop(docname, None)

    def merge_domaindata(self, docnames: list[str], otherdata: dict[str, Any]) -> None:
        for key in self.initial_data:
            self.data[key] |= {d: otherdata[key][d] for d in docnames if d in otherdata[key]}

    def process_doc(self, env: BuildEnvironment, docname: str, document: nodes.document) -> None:
        found: dict[nodes.Element, set[str]] = {}
        box = None  # the last box: a proof's references count for it
        for node in document.findall(
            lambda n: isinstance(n, (*BOXES, proof_node, nodes.math_block))
        ):
            if isinstance(node, proof_node) and box is not None:
                found[box] |= _refs(node)
            elif isinstance(node, BOXES) and node.get("label"):
                box, found[node] = node, _refs(node) - {node["label"]}
            elif isinstance(node, nodes.math_block) and node.get("label") and node.get("number"):
                found[node] = set()
        self.data["claims"][docname] = [_claim(n, cites, docname) for n, cites in found.items()]
        path = Path(env.doc2path(docname))
        notebook = nbformat.read(path, as_version=4) if path.suffix == ".ipynb" else None  # type: ignore[no-untyped-call]
        cells = notebook.cells if notebook else []
        nb, context = path.relative_to(env.srcdir).as_posix(), [c.source for c in cells]
        self.data["cells"][docname] = []
        for i, cell in enumerate(cells):
            labels = labels_in_tags(cell.metadata.get("tags"), env.config.claims_tag_prefix)
            if labels and cell.cell_type == "code":
                check = Check(
                    f"{nb}::{i}", labels, "not run", calls(cell.source, context), nb, cell.id
                )
                self.data["cells"][docname].append(Cell(check, docname, i))
        # Each checking cell an anchor, cell-<index>, that the status page links to: the cell's
        # id in HTML (a link to it opens the check), a print_label just before it in LaTeX (not
        # inside: MyST-NB collapses a hide-input cell only if its children are its own).
        checking = {c.index for c in self.data["cells"][docname]}
        for container in list(document.findall(nodes.container)):
            if container.get("nb_element") == "cell_code" and container["cell_index"] in checking:
                anchor = f"cell-{container['cell_index']}"
                container["ids"].append(anchor)
                parent = container.parent
                parent.insert(parent.index(container), print_label("", refid=anchor))

    def in_order(self, key: str) -> list[Any]:
        """Every claim, or cell, in the order of the numbered chapters, then of other pages."""
        number = {d: n.get("", ()) for d, n in self.env.toc_secnumbers.items()}
        docs = sorted(self.data[key], key=lambda d: (number.get(d) or (float("inf"),), d))
        return [x for doc in docs for x in self.data[key][doc]]

    @property
    def verdicts(self) -> Verdicts:
        self._verdicts = self._verdicts or Verdicts(self)
        return self._verdicts


class Verdicts:
    """Each claim's checks (with the report that ran each, and its cell), neighbours and status."""

    def __init__(self, domain: ClaimsDomain) -> None:
        self.claims = {c.label: c for c in domain.in_order("claims")}
        config, root = domain.env.config, Path(domain.env.srcdir)
        self.reports, self.ignored = read(root / config.claims_report_dir, root)
        self.exact_calls = set(config.claims_exact_calls)
        pages = domain.data["pages"]
        self.status_page = next((d for d in pages if pages[d] == "verification-status"), None)
        ran = {(c.notebook, c.cell_id or c.id): (c, r) for r in self.reports for c in r.checks}
        self.checks: dict[str, list[tuple[Check, Report | None, Cell | None]]] = defaultdict(list)
        for cell in domain.in_order("cells"):
            check, report = ran.pop((cell.check.notebook, cell.check.cell_id), (cell.check, None))
            for label in cell.check.labels:
                self.checks[label].append((check, report, cell))
        for check, report in ran.values():  # unit tests (and cells of notebooks not in the book)
            for label in check.labels if check.notebook is None else ():
                self.checks[label].append((check, report, None))
        self.uses = {k: [x for x in c.cites if x in self.claims] for k, c in self.claims.items()}
        self.used_by = {k: [x for x, uses in self.uses.items() if k in uses] for k in self.claims}
        self._memo: dict[str, tuple[Status, Claim | None]] = {}

    def exact(self, check: Check) -> bool:
        """Whether the check calls a function that raises unless an identity holds exactly."""
        return not self.exact_calls.isdisjoint(check.calls)

    def status(self, label: str, path: tuple[str, ...] = ()) -> tuple[Status, Claim | None]:
        """Its status and, if it depends on an unverified claim, the first such claim found.

        Verified only if its own checks all passed and every claim it cites, directly or through
        others, is verified. ``path``: the claims on the way here (a cycle ends there).
        """
        if label not in self._memo:
            own = Status.of([c.outcome for c, _, _ in self.checks[label]])
            verdict: tuple[Status, Claim | None] = (own, None)
            for x in self.uses[label] if verdict[0] is Status.VERIFIED else []:
                status, culprit = self.status(x, (*path, label)) if x not in path else verdict
                if status is not Status.VERIFIED:
                    verdict = (Status.DEPENDS, culprit or self.claims[x])
                    break
            self._memo[label] = verdict
        return self._memo[label]


def problems(env: BuildEnvironment) -> list[tuple[str, str | None]]:
    """Checks naming no claim, claims breaking rules: each message, and the page it is about."""
    found: list[tuple[str, str | None]] = []

    def _warn(message: str, docname: str | None) -> None:
        found.append((message, docname))

    v: Verdicts = env.get_domain("verification").verdicts  # type: ignore[attr-defined]
    proved_kinds, experiment_kinds = (
        env.config.claims_proved_kinds,
        env.config.claims_experiment_kinds,
    )
    for label in set(v.checks) - set(v.claims):
        for check, _, cell in v.checks[label]:
            what = f"cell {cell.index} of {check.notebook}" if cell else f"unit test {check.id}"
            where = cell.docname if cell else None
            _warn(f"{what} verifies '{label}', but no claim has that label", where)
    for c in v.claims.values():
        checks, claim = v.checks[c.label], f"the {c.kind} '{c.label}'"
        if not any(cell for _, _, cell in checks):
            _warn(f"{claim} has no check: tag a code cell that would fail if it were false "
                  f"'verifies:{c.label}'", c.docname)  # fmt: skip
        elif c.cls is PROVED and not any(v.exact(check) for check, _, _ in checks):
            exact = (
                " or ".join(env.config.claims_exact_calls) or "an exact check (none is configured)"
            )
            _warn(f"{claim} is proved, but no check calls {exact}", c.docname)
        if c.kind in proved_kinds and c.cls not in (PROVED, CITED):
            _warn(f"{claim} is classed {c.cls.value}: a {c.kind} is proved or cited", c.docname)
        if c.cls is EXPERIMENT and c.kind not in (*experiment_kinds, *proved_kinds):
            kinds = " or ".join(f"a {k}" for k in experiment_kinds)
            _warn(f"{claim} is an experiment: make it {kinds}", c.docname)
        if c.cls is CITED and not c.has_citation:
            _warn(f"{claim} is cited, but its box has no {{cite:p}} citation", c.docname)

    return found


def warn(app: Sphinx, env: BuildEnvironment) -> None:
    """Build warnings (``-W`` fails the build) for each of the :func:`problems`."""
    for message, docname in problems(env):
        logging.getLogger(__name__).warning(f"verification: {message}", location=docname)
