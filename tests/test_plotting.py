"""Tests for linearnet.plotting: the architecture diagram of the note's network."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import pytest
from matplotlib.patches import Circle

from linearnet.plotting import draw_network


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
