r"""Figures of the network: the architecture diagram the note announces but does not show.

Matplotlib is imported inside the function, so ``import linearnet`` does not load it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from linearnet._validation import check_positive_int

if TYPE_CHECKING:
    from matplotlib.axes import Axes

__all__ = ["BOOK_STYLE", "DrawnNetwork", "draw_network", "read_network"]

#: Matplotlib settings of the book's figures (``plt.rcParams.update(BOOK_STYLE)`` in each
#: chapter): no text below 10 pt, so that a figure up to 10 inches wide, shown in the site's
#: 690-pixel column, has no text below 9.5 pixels.
BOOK_STYLE: dict[str, float] = {
    "font.size": 11,
    "axes.titlesize": 11,
    "axes.labelsize": 11,
    "legend.fontsize": 10,
    "legend.title_fontsize": 10,
    "xtick.labelsize": 10,
    "ytick.labelsize": 10,
}

#: Radius of a node circle, in data units (layers are one unit apart horizontally).
_NODE_RADIUS = 0.16


def _weight_name(letter: str, *indices: int) -> str:
    """Mathtext for a weight, ``$u_{12}$``; indices are comma-separated once one exceeds 9."""
    sep = "," if any(i > 9 for i in indices) else ""
    return f"${letter}_{{{sep.join(str(i) for i in indices)}}}$"


def _column(count: int) -> list[float]:
    """Heights of ``count`` nodes one unit apart, centred on 0, listed top to bottom."""
    return [(count - 1) / 2 - i for i in range(count)]


def draw_network(p: int = 2, h: int = 2, ax: Axes | None = None) -> Axes:
    r"""Draw the two-layer linear network with every edge labelled by its weight.

    Inputs :math:`x_1, \dots, x_p` and a bias node :math:`1` feed the hidden units
    :math:`y_1, \dots, y_h` through the weights :math:`u_{jk}` (row ``j`` of ``u``, with
    :math:`j = 0` the bias); the hidden units and a second bias node feed the output :math:`z`
    through :math:`v_0, \dots, v_h`. No activation function: each node sums its weighted inputs,

    .. math::

        y_{ik} = u_{0k} + \sum_{j=1}^{p} u_{jk} x_{ij}, \qquad
        z_i^{pred} = v_0 + \sum_{k=1}^{h} v_k y_{ik}.

    Every text artist gets a ``gid`` saying what it shows: ``"node:x1"``, ``"node:1"`` (input
    bias), ``"node:y1"``, ``"node:hidden-1"`` (hidden bias), ``"node:z"``; ``"edge:u01"`` or
    ``"edge:u1,10"`` for the label :math:`u_{jk}`, ``"edge:v0"`` for :math:`v_k`, and
    ``"arrow:u01"``, ``"arrow:v0"``, ... for the arrows themselves (annotations, hence text
    artists); ``"layer:..."`` for the captions under the three layers.

    Parameters
    ----------
    p : int, default 2
        Number of inputs (the note has ``p = 2``).
    h : int, default 2
        Number of hidden units (the note has ``h = 2``).
    ax : matplotlib.axes.Axes, optional
        Where to draw. By default a new figure sized to the network is created.

    Returns
    -------
    matplotlib.axes.Axes
        The axes drawn on, with the axis lines hidden and an equal aspect ratio.

    Raises
    ------
    ValueError
        If ``p`` or ``h`` is not a positive integer.

    Examples
    --------
    The note's network: 3 + 3 + 1 nodes, 6 weights ``u`` and 3 weights ``v``.

    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> ax = draw_network(2, 2)
    >>> sum(t.get_gid().startswith("edge:u") for t in ax.texts)
    6
    >>> import matplotlib.pyplot as plt
    >>> plt.close(ax.figure)
    """
    p = check_positive_int("p", p)
    h = check_positive_int("h", h)

    import matplotlib.pyplot as plt
    from matplotlib.patches import Circle

    if ax is None:
        height = max(p, h) + 1
        _, ax = plt.subplots(figsize=(7.5, 1.2 + 1.25 * height), layout="constrained")

    # Three columns [1, x_1..x_p], [1, y_1..y_h], [z], nodes one unit apart, the bias on top.
    gap = 1.2 + 0.35 * max(p, h)
    x_in, x_hid, x_out = 0.0, gap, 2 * gap
    y_in, y_hid, y_out = _column(p + 1), _column(h + 1), 0.0

    node_style: dict[str, Any] = {"ha": "center", "va": "center", "fontsize": 13, "zorder": 4}
    label_style: dict[str, Any] = {
        "ha": "center",
        "va": "center",
        "fontsize": 11,
        "zorder": 3,
        "bbox": {"boxstyle": "round,pad=0.1", "fc": "white", "ec": "none"},
    }
    arrow_style: dict[str, Any] = {
        "arrowstyle": "-|>",
        "color": "#555555",
        "lw": 1.0,
        "shrinkA": 0,
        "shrinkB": 0,
        "mutation_scale": 10,
    }

    def node(x: float, y: float, text: str, gid: str, bias: bool) -> None:
        face = "#eeeeee" if bias else "#dbe9f6"
        ax.add_patch(Circle((x, y), _NODE_RADIUS, fc=face, ec="#333333", lw=1.2, zorder=2))
        ax.text(x, y, text, gid=gid, **node_style)

    # Every edge as (start, end, label, gid): u_jk from input j (j = 0 the bias) to hidden
    # unit k, then v_k from hidden unit k (k = 0 the bias) to the output z.
    edges = [
        ((x_in, y_in[j]), (x_hid, y_hid[k]), _weight_name("u", j, k), f"edge:u{_gid(j, k)}")
        for j in range(p + 1)
        for k in range(1, h + 1)
    ]
    edges += [
        ((x_hid, y_hid[k]), (x_out, y_out), _weight_name("v", k), f"edge:v{k}")
        for k in range(h + 1)
    ]
    nodes = [(x_in, y) for y in y_in] + [(x_hid, y) for y in y_hid] + [(x_out, y_out)]
    segments = [(start, end) for start, end, _, _ in edges]
    for ((x0, y0), (x1, y1)), (_, _, _, gid) in zip(segments, edges, strict=True):
        # Shorten the segment to the circles' rims.
        length = math.hypot(x1 - x0, y1 - y0)
        dx, dy = (x1 - x0) / length, (y1 - y0) / length
        r = _NODE_RADIUS
        ax.annotate(
            "",
            xy=(x1 - r * dx, y1 - r * dy),
            xytext=(x0 + r * dx, y0 + r * dy),
            arrowprops=arrow_style,
            zorder=1,
            gid=gid.replace("edge:", "arrow:"),
        )
    placed: list[tuple[float, float]] = []
    for i, ((x0, y0), (x1, y1), text, gid) in enumerate(edges):
        t = _label_position(i, segments, placed, nodes)
        xy = (x0 + t * (x1 - x0), y0 + t * (y1 - y0))
        placed.append(xy)
        # The aspect ratio is equal, so the edge's angle in data units is its angle on screen.
        angle = math.degrees(math.atan2(y1 - y0, x1 - x0))
        ax.text(*xy, text, gid=gid, rotation=angle, rotation_mode="anchor", **label_style)

    node(x_in, y_in[0], "$1$", "node:1", bias=True)
    for j in range(1, p + 1):
        node(x_in, y_in[j], f"$x_{{{j}}}$", f"node:x{j}", bias=False)
    node(x_hid, y_hid[0], "$1$", "node:hidden-1", bias=True)
    for k in range(1, h + 1):
        node(x_hid, y_hid[k], f"$y_{{{k}}}$", f"node:y{k}", bias=False)
    node(x_out, y_out, "$z$", "node:z", bias=False)

    bottom = min(*y_in, *y_hid) - 0.55
    caption_style: dict[str, Any] = {"ha": "center", "va": "top", "fontsize": 10, "color": "#444"}
    for x, text in ((x_in, "input layer"), (x_hid, "hidden layer"), (x_out, "output")):
        ax.text(x, bottom, text, gid=f"layer:{text}", **caption_style)

    top = max(*y_in, *y_hid) + 0.3
    ax.set_xlim(x_in - 0.4, x_out + 0.4)
    ax.set_ylim(bottom - 0.35, top)
    ax.set_aspect("equal")
    ax.set_axis_off()
    return ax


@dataclass(frozen=True)
class DrawnNetwork:
    """A network diagram as a reader sees it (:func:`read_network`).

    Attributes
    ----------
    edges : list of (str, (int, str), (int, str))
        For each edge label: its text, and the node its arrow leaves and the node it enters,
        each as (column, text): column 0 the inputs, 1 the hidden layer, 2 the output.
    others : list of str
        The texts that are neither a node nor on an arrow (the layer captions), sorted.
    """

    edges: list[tuple[str, tuple[int, str], tuple[int, str]]]
    others: list[str]


def read_network(ax: Axes) -> DrawnNetwork:
    r"""Read a network diagram from what is drawn: texts, circles and arrows, not the ``gid``\ s.

    The independent reading behind the checks of :prf:ref:`def-network`'s figure. A *node* is a
    text inside a circle, named by its column (circles ranked by their horizontal position) and
    its text. An *arrow* is an annotation with an arrow; it runs from the node nearest its tail
    to the node nearest its head. An *edge label* is a text that lies on exactly one arrow, and
    names the edge of that arrow. So a label drawn on the wrong arrow, or a node given the
    wrong text, is read as the reader would read it.

    Parameters
    ----------
    ax : matplotlib.axes.Axes
        A diagram, as drawn by :func:`draw_network`.

    Returns
    -------
    DrawnNetwork
        The edges, sorted, and the other texts.

    Raises
    ------
    ValueError
        If an arrow ends at no node, or a text lies on more than one arrow (a label on a
        crossing says nothing about which edge it names).

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> drawn = read_network(draw_network(1, 1))
    >>> drawn.edges[0]
    ('$u_{01}$', (0, '$1$'), (1, '$y_{1}$'))
    >>> drawn.others
    ['hidden layer', 'input layer', 'output']
    >>> import matplotlib.pyplot as plt
    >>> plt.close("all")
    """
    from matplotlib.patches import Circle
    from matplotlib.text import Annotation

    circles = [c for c in ax.patches if isinstance(c, Circle)]
    columns = sorted({round(c.center[0], 9) for c in circles})
    arrows = [t for t in ax.texts if isinstance(t, Annotation) and t.arrow_patch is not None]
    nodes: list[tuple[tuple[float, float], tuple[int, str]]] = []
    rest = []
    for t in ax.texts:
        if t in arrows:
            continue
        xy = t.get_position()
        inside = [c for c in circles if math.dist(xy, c.center) < c.radius]
        if inside:
            column = columns.index(round(inside[0].center[0], 9))
            nodes.append((inside[0].center, (column, t.get_text())))
        else:
            rest.append(t)

    def node_at(xy: tuple[float, float]) -> tuple[int, str]:
        centre, name = min(nodes, key=lambda n: math.dist(xy, n[0]))
        if math.dist(xy, centre) > 2 * _NODE_RADIUS:
            raise ValueError(f"an arrow ends at {xy}, at no node: the diagram cannot be read")
        return name

    segments = [(ann.xyann, ann.xy, node_at(ann.xyann), node_at(ann.xy)) for ann in arrows]
    edges, others = [], []
    for t in rest:
        on = [
            (a, b)
            for start, end, a, b in segments
            if _segment_distance(t.get_position(), start, end) < 1e-6
        ]
        if len(on) > 1:
            raise ValueError(f"the text {t.get_text()!r} lies on {len(on)} arrows: which edge?")
        if on:
            edges.append((t.get_text(), *on[0]))
        else:
            others.append(t.get_text())
    return DrawnNetwork(sorted(edges), sorted(others))


def _segment_distance(
    point: tuple[float, float], start: tuple[float, float], end: tuple[float, float]
) -> float:
    """Euclidean distance from ``point`` to the segment from ``start`` to ``end``."""
    (x, y), (x0, y0), (x1, y1) = point, start, end
    ex, ey = x1 - x0, y1 - y0
    s = max(0.0, min(1.0, ((x - x0) * ex + (y - y0) * ey) / (ex * ex + ey * ey)))
    return math.hypot(x - x0 - s * ex, y - y0 - s * ey)


def _label_position(
    edge: int,
    segments: list[tuple[tuple[float, float], tuple[float, float]]],
    placed: list[tuple[float, float]],
    nodes: list[tuple[float, float]],
) -> float:
    """Fraction of the way along ``segments[edge]`` for its label.

    Chosen among 15 candidates to stay clear of the labels already placed, of the nodes and of
    the other edges (a label on a crossing would be ambiguous), preferring the middle on ties.
    """
    start, end = segments[edge]
    others = [s for i, s in enumerate(segments) if i != edge]
    best_t, best_score = 0.5, -math.inf
    for i in range(15):
        t = 0.2 + 0.6 * i / 14
        xy = (start[0] + t * (end[0] - start[0]), start[1] + t * (end[1] - start[1]))
        clearance = min(
            [math.dist(xy, q) / 2 for q in placed]
            + [math.dist(xy, q) - _NODE_RADIUS for q in nodes]
            + [_segment_distance(xy, a, b) for a, b in others]
        )
        # Clearance counts up to a quarter unit; beyond that, prefer labels near the middle.
        score = min(clearance, 0.25) - 0.02 * abs(t - 0.5)
        if score > best_score:
            best_t, best_score = t, score
    return best_t


def _gid(j: int, k: int) -> str:
    """Return the index part of an edge's gid: ``"12"``, or ``"1,10"`` once one exceeds 9."""
    return f"{j},{k}" if max(j, k) > 9 else f"{j}{k}"
