"""What the book's sources say the PDF must hold, read from the sources themselves.

The pages of ``_toc.yml`` and their titles, every labelled claim (a ``{prf:...}`` box with a
``:label:``, or a ``$$ ... $$ (label)`` display) with the number the site gives it, the figures
(PNG outputs of the chapters, and the captions in their cells' metadata), and the text a reader
may legitimately see as code (inline code, code cells and their outputs). Nothing here comes from
the build, so the PDF is checked against an independent reading of the book.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from sphinx_claims import reads

ROOT = Path(__file__).resolve().parents[2]
TOC = ROOT / "_toc.yml"

#: A MyST directive fence that opens a sphinx-proof box, e.g. ``:::{prf:theorem} Title``.
BOX = re.compile(r"^(?P<fence>`{3,}|:{3,})\{prf:(?P<kind>\w+)\}[ \t]*(?P<title>.*)$", re.MULTILINE)
OPTION = re.compile(r"^:(?P<key>[\w-]+):[ \t]*(?P<value>.*)$")
#: A labelled display: ``$$ ... $$ (eq-label)``.
EQUATION = re.compile(r"\$\$[ \t]*\((?P<label>[\w-]+)\)[ \t]*$", re.MULTILINE)
INLINE_CODE = re.compile(r"(`+)(.+?)\1")
#: Cells whose source, or outputs, the build drops.
HIDDEN_SOURCE = {"remove-input", "remove-cell"}
HIDDEN_OUTPUT = {"remove-output", "remove-cell"}


@reads.cache  # a notebook read once, and counted for every check it serves
def _notebook(path: Path) -> dict[str, Any]:
    return dict(json.loads(path.read_text(encoding="utf-8")))


@dataclass(frozen=True)
class Page:
    """One entry of _toc.yml: its document name, whether its part is numbered, its source."""

    docname: str
    numbered: bool
    path: Path

    @property
    def notebook(self) -> dict[str, Any] | None:
        return _notebook(self.path) if self.path.suffix == ".ipynb" else None

    @property
    def markdown(self) -> str:
        """The page's Markdown: a .md file, or a notebook's Markdown cells."""
        if self.notebook is None:
            return self.path.read_text(encoding="utf-8")
        return "\n\n".join(
            _source(c) for c in self.notebook["cells"] if c["cell_type"] == "markdown"
        )

    @property
    def title(self) -> str:
        match = re.search(r"^# (.+)$", self.markdown, re.MULTILINE)
        assert match, f"{self.path} has no '# ' title"
        return match.group(1).strip()


@dataclass(frozen=True)
class Claim:
    label: str
    kind: str  # "theorem", "lemma", ... or "equation"
    title: str
    number: str  # "3.1" as the site numbers it; "" in an unnumbered page


@dataclass(frozen=True)
class Figure:
    page: str
    caption: str  # "" for an image without a caption in its cell's metadata


def _source(cell: dict[str, Any]) -> str:
    src = cell.get("source", "")
    return "".join(src) if isinstance(src, list) else str(src)


def _files(node: Any, numbered: bool = False) -> list[tuple[str, bool]]:
    if isinstance(node, list):
        return [f for item in node for f in _files(item, numbered)]
    if not isinstance(node, dict):
        return []
    numbered = bool(node.get("numbered", numbered))
    own = [(str(node["file"]), numbered)] if "file" in node else []
    return own + [
        f for key in ("parts", "chapters", "sections") for f in _files(node.get(key), numbered)
    ]


@reads.cache
def pages() -> tuple[Page, ...]:
    """Every page of the table of contents, in its order."""
    toc = yaml.safe_load(TOC.read_text(encoding="utf-8"))
    found = []
    for docname, numbered in [(toc["root"], False), *_files(toc.get("parts", []))]:
        path = next(p for p in (ROOT / f"{docname}.md", ROOT / f"{docname}.ipynb") if p.is_file())
        found.append(Page(docname, numbered, path))
    return tuple(found)


def claims() -> list[Claim]:
    """Every labelled claim, numbered as Sphinx numbers it: per chapter, per kind of box."""
    out = []
    chapter = 0
    for page in pages():
        chapter += page.numbered
        counts: Counter[str] = Counter()
        text = page.markdown
        events = [(m.start(), "box", m) for m in BOX.finditer(text)]
        events += [(m.start(), "equation", m) for m in EQUATION.finditer(text)]
        for _, what, m in sorted(events, key=lambda e: e[0]):
            if what == "equation":
                kind, title, label = "equation", "", m.group("label")
            else:
                kind, title = m.group("kind"), m.group("title").strip()
                options = _options(text[m.end() :])
                label = options.get("label", "")
                if not label or "nonumber" in options:
                    continue
            counts[kind] += 1
            number = f"{chapter}.{counts[kind]}" if page.numbered else ""
            out.append(Claim(label, kind, title, number))
    return out


def _options(after: str) -> dict[str, str]:
    """The ``:key: value`` lines that open a directive's body."""
    options = {}
    for line in after.splitlines()[1:]:
        m = OPTION.match(line.strip())
        if not m:
            break
        options[m.group("key")] = m.group("value").strip()
    return options


def figures() -> list[Figure]:
    """Each PNG a chapter shows, with the caption its cell gives it."""
    out = []
    for page in pages():
        for cell in (page.notebook or {}).get("cells", []):
            tags = set(cell.get("metadata", {}).get("tags", []))
            if cell["cell_type"] != "code" or tags & HIDDEN_OUTPUT:
                continue
            caption = cell["metadata"].get("mystnb", {}).get("figure", {}).get("caption", "")
            for output in cell.get("outputs", []):
                if "image/png" in output.get("data", {}):
                    out.append(Figure(page.docname, caption))
    return out


#: A citation role, ``{cite:p}`key1,key2```: keys are letters, digits, "-", "_" and ":".
CITE = re.compile(r"\{cite(?::\w+)?\}`([\w:-]+(?:, *[\w:-]+)*)`")


def cited_titles() -> dict[str, str]:
    """The title of every work the pages cite, by its key in book/references.bib."""
    from pybtex.database import parse_file  # sphinxcontrib-bibtex's parser

    keys = {
        k.strip()
        for page in pages()
        for m in CITE.finditer(page.markdown)
        for k in m.group(1).split(",")
    }
    works = parse_file(str(ROOT / "book" / "references.bib")).entries
    return {key: works[key].fields["title"] for key in sorted(keys)}


def code_text() -> str:
    """Everything a reader may see as code: inline code, code cells, their text outputs."""
    parts = []
    for page in pages():
        parts += [m.group(2) for m in INLINE_CODE.finditer(page.markdown)]
        for cell in (page.notebook or {}).get("cells", []):
            if cell["cell_type"] != "code":
                continue
            tags = set(cell.get("metadata", {}).get("tags", []))
            if not tags & HIDDEN_SOURCE:
                parts.append(_source(cell))
            for output in [] if tags & HIDDEN_OUTPUT else cell.get("outputs", []):
                text = output.get("text") or output.get("data", {}).get("text/plain", "")
                parts.append("".join(text) if isinstance(text, list) else str(text))
    return "\n".join(parts)


def fragments(markup: str) -> list[str]:
    """The plain-text runs of a title or caption written in MyST: between its math and its roles
    (``{prf:ref}`thm-x``` prints "Theorem 4.1")."""
    plain = re.sub(r"\$[^$]+\$|\{[\w:-]+\}`[^`]*`", "\0", markup)
    return [s for s in (squash(p) for p in plain.split("\0")) if len(s) >= 3]


def squash(text: str) -> str:
    """Letters and digits only, compatibility-normalised and lower case, so that line breaks,
    hyphenation, ligatures (ﬀ), math italics (𝑣) and typographic quotes do not matter."""
    return re.sub(r"[\W_]+", "", unicodedata.normalize("NFKC", text).lower())
