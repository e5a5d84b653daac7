"""Tests for linearnet.plotting: the architecture diagram of the note's network."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib.patches import Circle

from linearnet.plotting import draw_network, read_network


def _gids(ax: matplotlib.axes.Axes, prefix: str) -> list[str]:
    return [t.get_gid().removeprefix(prefix) for t in ax.texts if t.get_gid().startswith(prefix)]


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def test_note_network_has_every_node_and_weight():
    ax = draw_network(2, 2)
    assert sorted(_gids(ax, "node:")) == sorted(["1", "x1", "x2", "hidden-1", "y1", "y2", "z"])
    assert sorted(_gids(ax, "edge:")) == sorted(
        ["u01", "u02", "u11", "u12", "u21", "u22", "v0", "v1", "v2"]
    )
    labels = {t.get_gid(): t.get_text() for t in ax.texts}
    assert labels["edge:u21"] == "$u_{21}$"
    assert labels["edge:v0"] == "$v_{0}$"
    assert labels["node:x2"] == "$x_{2}$"
    assert sum(isinstance(a, Circle) for a in ax.patches) == 7
    # One arrow per labelled edge.
    assert sorted(_gids(ax, "arrow:")) == sorted(_gids(ax, "edge:"))
    assert len(_gids(ax, "layer:")) == 3


@pytest.mark.parametrize(("p", "h"), [(1, 1), (3, 1), (1, 4), (4, 3), (11, 2)])
def test_counts_for_general_shapes(p, h):
    ax = draw_network(p, h)
    assert len(_gids(ax, "node:")) == p + h + 3
    assert len(_gids(ax, "edge:u")) == (p + 1) * h
    assert len(_gids(ax, "edge:v")) == h + 1
    assert sum(isinstance(a, Circle) for a in ax.patches) == p + h + 3
    assert len(set(_gids(ax, "edge:"))) == (p + 1) * h + h + 1
    assert len(_gids(ax, "arrow:")) == (p + 1) * h + h + 1
    assert len(ax.texts) == 2 * ((p + 1) * h + h + 1) + (p + h + 3) + 3


def test_two_digit_indices_are_separated_by_a_comma():
    ax = draw_network(10, 1)
    labels = {t.get_gid(): t.get_text() for t in ax.texts}
    assert labels["edge:u10,1"] == "$u_{10,1}$"
    assert labels["edge:u91"] == "$u_{91}$"


def test_edge_labels_sit_on_their_edges_and_do_not_collide():
    ax = draw_network(2, 2)
    ax.figure.canvas.draw()
    renderer = ax.figure.canvas.get_renderer()
    boxes = [t.get_window_extent(renderer) for t in ax.texts if t.get_gid().startswith("edge:")]
    for i, a in enumerate(boxes):
        for b in boxes[i + 1 :]:
            assert not a.overlaps(b)


def test_draws_on_given_axes():
    fig, ax = plt.subplots()
    assert draw_network(1, 2, ax=ax) is ax
    assert len(fig.axes) == 1
    assert not ax.axison


@pytest.mark.parametrize(
    ("p", "h", "match"),
    [
        (0, 2, "p must be a positive integer"),
        (2, 0, "h must be a positive integer"),
        (-1, 2, "p must be a positive integer"),
        (2.0, 2, "p must be a positive integer; received 2.0"),
        (True, 2, "p must be a positive integer"),
        (2, "2", "h must be a positive integer"),
    ],
)
def test_rejects_bad_sizes(p, h, match):
    with pytest.raises(ValueError, match=match):
        draw_network(p, h)
    assert plt.get_fignums() == []


# --- what a reader sees: read_network ------------------------------------------------------------


def _expected(p: int, h: int) -> list[tuple[str, tuple[int, str], tuple[int, str]]]:
    """Every edge as the model has it: u_jk from input j (j = 0 the bias) to hidden unit k,
    v_k from hidden unit k (k = 0 the bias) to z; indices comma-separated once one exceeds 9."""

    def name(letter: str, *ix: int) -> str:
        return f"${letter}_{{{(',' if max(ix) > 9 else '').join(map(str, ix))}}}$"

    inp = ["$1$"] + [f"$x_{{{j}}}$" for j in range(1, p + 1)]
    hid = ["$1$"] + [f"$y_{{{k}}}$" for k in range(1, h + 1)]
    edges = [
        (name("u", j, k), (0, inp[j]), (1, hid[k])) for j in range(p + 1) for k in range(1, h + 1)
    ]
    edges += [(name("v", k), (1, hid[k]), (2, "$z$")) for k in range(h + 1)]
    return sorted(edges)


@pytest.mark.parametrize(("p", "h"), [(1, 1), (2, 2), (3, 1), (1, 4), (4, 3), (10, 1)])
def test_every_visible_label_sits_on_the_edge_of_its_weight(p, h):
    drawn = read_network(draw_network(p, h))
    assert drawn.edges == _expected(p, h)
    assert drawn.others == ["hidden layer", "input layer", "output"]


def _text(ax, shown):
    return next(t for t in ax.texts if t.get_text() == shown)


@pytest.mark.parametrize(
    "plant",
    [
        pytest.param(lambda ax: _swap(ax, "$u_{01}$", "$u_{02}$"), id="two edge labels swapped"),
        pytest.param(lambda ax: _swap(ax, "$x_{1}$", "$x_{2}$"), id="two input nodes swapped"),
        pytest.param(
            lambda ax: [
                t.set_text(f"$u_{{{t.get_text()[4]}{t.get_text()[3]}}}$")
                for t in ax.texts
                if t.get_text().startswith("$u_")
            ],
            id="every u_jk printed as u_kj",
        ),
        pytest.param(
            lambda ax: _text(ax, "$v_{0}$").set_position((0, 0)), id="a label off its edge"
        ),
    ],
)
def test_a_wrong_figure_is_read_as_wrong(plant):
    ax = draw_network(2, 2)
    plant(ax)
    assert read_network(ax).edges != _expected(2, 2)


def _swap(ax, a, b):
    ta, tb = _text(ax, a), _text(ax, b)
    ta.set_text(b)
    tb.set_text(a)


def test_an_arrow_that_ends_at_no_node_cannot_be_read():
    ax = draw_network(1, 1)
    ax.annotate("", xy=(5.0, 5.0), xytext=(5.0, 4.0), arrowprops={"arrowstyle": "-|>"})
    with pytest.raises(ValueError, match=r"an arrow ends at \(5.0, 4.0\), at no node"):
        read_network(ax)


def test_a_label_on_two_arrows_cannot_be_read():
    ax = draw_network(2, 2)
    # where the arrows of u02 (bias to y2) and u11 (x1 to y1) cross
    (a, b), (c, d) = (
        np.array([ann.xyann, ann.xy])
        for ann in ax.texts
        if ann.get_gid() in ("arrow:u02", "arrow:u11")
    )
    s, _ = np.linalg.solve(np.column_stack([b - a, c - d]), c - a)
    ax.text(*(a + s * (b - a)), "$w$")
    with pytest.raises(ValueError, match=r"the text '\$w\$' lies on 2 arrows"):
        read_network(ax)
