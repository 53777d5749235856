"""Budget widgets: one drawing code path, served live (ipywidgets) and static (pre-rendered frames).

An ``Explorer`` owns a matplotlib figure and updates its artists in place (``update``). In a
notebook with a kernel, displaying an explorer shows sliders wired to ``update``; on the static
website the same cell output carries pre-rendered frames behind ``<input type="range">``
controls, so moving a control changes the figure without a kernel.
Taught first in chapters/01_power_laws.ipynb.
"""
from __future__ import annotations

import base64
import hashlib
import html
import io
import itertools
import json
from dataclasses import dataclass
from typing import Callable, Sequence

import numpy as np
from matplotlib.figure import Figure

from scalinglaws.compute import format_count, format_flop
from scalinglaws.course.layout import fit_lines
from scalinglaws.laws import HOFFMANN_2022, ChinchillaLaw

__all__ = ["Control", "Explorer", "ComputeBudgetExplorer", "STATIC_FRAME_LIMIT"]

STATIC_FRAME_LIMIT = 64
"""Most frames one static widget may carry, to keep pages light."""


@dataclass(frozen=True)
class Control:
    """A slider: ``values`` are the positions offered on the static site (and the live range).

    ``log`` makes the live slider logarithmic; ``fmt`` formats a value for display.
    """

    name: str
    label: str
    values: Sequence[float]
    default: float
    log: bool = False
    fmt: Callable[[float], str] = lambda v: f"{v:g}"

    def __post_init__(self):
        if len(self.values) < 2:
            raise ValueError(f"control {self.name!r} needs at least two values")
        if not np.all(np.diff(np.asarray(self.values, dtype=float)) > 0):
            raise ValueError(f"control {self.name!r}: values must increase")
        if self.default not in list(self.values):
            raise ValueError(f"control {self.name!r}: default {self.default!r} must be one of its values")


class Explorer:
    """Base class: subclasses set ``controls`` and ``title``, build the fixed parts of the figure
    and the moving artists in ``draw_static_parts`` (registering the moving ones with
    ``self.moving(...)``), and move them in ``update(**values) -> str`` (the returned text is the
    readout). Axes limits stay fixed, so a frame is the cached background plus the moving artists.
    """

    controls: tuple[Control, ...] = ()
    title: str = "Explorer"
    figsize: tuple[float, float] = (6.4, 3.8)
    dpi: int = 80
    registry: list[type["Explorer"]] = []
    """Every concrete explorer class (the benchmark times each one with its default arguments)."""

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        Explorer.registry.append(cls)

    def __init__(self):
        from matplotlib.backends.backend_agg import FigureCanvasAgg

        self.fig = Figure(figsize=self.figsize, dpi=self.dpi, layout="constrained")
        self.canvas = FigureCanvasAgg(self.fig)
        self._moving: list = []
        self.draw_static_parts()
        self.readout = self.update(**self.defaults())
        for artist in self._moving:
            artist.set_visible(False)
        self.canvas.draw()  # lay out once and cache everything that never moves
        self.fig.set_layout_engine("none")
        self._background = self.canvas.copy_from_bbox(self.fig.bbox)
        for artist in self._moving:
            artist.set_visible(True)

    def moving(self, *artists):
        """Register artists that ``update`` changes; return them (one artist returns itself)."""
        self._moving.extend(artists)
        return artists[0] if len(artists) == 1 else artists

    # --- to implement -------------------------------------------------------------------
    def draw_static_parts(self) -> None:
        """Create axes and artists once (subclasses)."""
        raise NotImplementedError

    def update(self, **values: float) -> str:
        """Move the artists to ``values`` and return the readout text (subclasses)."""
        raise NotImplementedError

    # --- shared machinery --------------------------------------------------------------------
    def defaults(self) -> dict[str, float]:
        """The default value of every control."""
        return {c.name: c.default for c in self.controls}

    def png(self, **values: float) -> bytes:
        """Update to ``values`` (defaults for any not given) and render the figure as PNG bytes."""
        buffer = io.BytesIO()
        self._image(**values).save(buffer, format="PNG", compress_level=1)
        return buffer.getvalue()

    def _image(self, **values: float):
        """Update to ``values`` (defaults for any not given) and render the figure as an RGB PIL image."""
        from PIL import Image

        self.readout = self.update(**{**self.defaults(), **values})
        self.canvas.restore_region(self._background)
        for artist in self._moving:
            self.fig.draw_artist(artist)
        width, height = self.canvas.get_width_height()
        image = Image.frombuffer("RGBA", (width, height), self.canvas.buffer_rgba(), "raw", "RGBA", 0, 1)
        return image.convert("RGB")

    def live(self):
        """The ipywidgets form: one slider per control, the figure as an Image, and the readout."""
        import ipywidgets as w

        image = w.Image(value=self.png(), format="png")
        readout = w.HTML(value=_readout_html(self.readout))
        sliders = [_slider(w, c) for c in self.controls]

        def redraw(_change=None):
            values = {c.name: s.value for c, s in zip(self.controls, sliders)}
            image.value = self.png(**values)
            readout.value = _readout_html(self.readout)

        for s in sliders:
            s.observe(redraw, names="value")
        return w.VBox([*sliders, image, readout])

    def frames(self) -> tuple[list[str], list[str]]:
        """Pre-rendered frames over every combination of control values: (PNG base64 list, readouts)."""
        grid = list(itertools.product(*[c.values for c in self.controls]))
        if len(grid) > STATIC_FRAME_LIMIT:
            raise ValueError(f"{len(grid)} static frames exceed STATIC_FRAME_LIMIT = {STATIC_FRAME_LIMIT}")
        images, readouts = [], []
        for combo in grid:
            image = self._image(**dict(zip((c.name for c in self.controls), combo)))
            images.append(base64.b64encode(_palette_png(image)).decode("ascii"))
            readouts.append(self.readout)
        self.png()  # leave the live figure at its defaults
        return images, readouts

    def static_html(self) -> str:
        """The static form: range inputs over pre-rendered frames; works with no kernel and no network."""
        images, readouts = self.frames()
        spec = {
            "shape": [len(c.values) for c in self.controls],
            "labels": [[c.fmt(v) for v in c.values] for c in self.controls],
            "images": images,
            "readouts": readouts,
        }
        # The id names this widget's content (frames excluded: their PNG bytes may differ between machines,
        # the compared outputs must not). The script finds its own widget first, so two identical widgets
        # on one page each still respond to their own controls.
        key = hashlib.sha1(json.dumps([self.title, spec["labels"], readouts]).encode()).hexdigest()[:10]
        inputs = "".join(_range_input(c, i) for i, c in enumerate(self.controls))
        first = _frame_index([list(c.values).index(c.default) for c in self.controls], spec["shape"])
        return _STATIC_TEMPLATE.format(
            key=key,
            title=html.escape(self.title),
            inputs=inputs,
            src=images[first],
            alt=html.escape(readouts[first]),
            readout=html.escape(readouts[first]),
            spec=json.dumps(spec, separators=(",", ":")),
        )

    def _repr_mimebundle_(self, include=None, exclude=None):
        """Live widget for a kernel, static frames (text/html) for the website, readout as text."""
        bundle = {"text/plain": fit_lines(f"{self.title}: {self.readout}"), "text/html": self.static_html()}
        try:
            live = self.live()._repr_mimebundle_()
        except Exception:  # no widget front end available: the static form still shows
            live = {}
        live.pop("text/plain", None)
        return {**live, **bundle}


def _slider(w, control: Control):
    lo, hi = float(control.values[0]), float(control.values[-1])
    style = {"description_width": "initial"}
    layout = w.Layout(width="95%")
    if control.log:
        return w.FloatLogSlider(value=control.default, base=10, min=np.log10(lo), max=np.log10(hi),
                                step=0.05, description=control.label, style=style, layout=layout,
                                readout_format=".2e", continuous_update=True)
    step = (hi - lo) / 200
    return w.FloatSlider(value=control.default, min=lo, max=hi, step=step, description=control.label,
                         style=style, layout=layout, continuous_update=True)


def _readout_html(text: str) -> str:
    return f"<pre style='margin:0'>{html.escape(text)}</pre>"


def _palette_png(image) -> bytes:
    """A frame as PNG with a 64-colour palette: line plots lose nothing visible, pages stay light.

    Fast octree quantisation and zlib's default level: about 2 ms a frame, where median cut with an optimised
    encoding took about 20 ms for files 10% larger (measured on a 544 x 336 frame).
    """
    from PIL import Image

    out = io.BytesIO()
    image.quantize(colors=64, method=Image.Quantize.FASTOCTREE).save(out, format="PNG")
    return out.getvalue()


def _frame_index(position: list[int], shape: list[int]) -> int:
    return int(np.ravel_multi_index(position, shape))


def _range_input(control: Control, i: int) -> str:
    default = list(control.values).index(control.default)
    label = html.escape(control.label)
    return (
        f'<label class="slx-control">{label} '
        f'<input type="range" min="0" max="{len(control.values) - 1}" step="1" value="{default}" '
        f'data-control="{i}" aria-label="{label}"> '
        f'<output>{html.escape(control.fmt(control.default))}</output></label>'
    )


# The website's build reads this form and moves the frames into files of their own, fetched when a control moves
# (_assets/sphinx/widget_frames.py): a change here goes with a change there (a widget it cannot read fails the build).
_STATIC_TEMPLATE = """<div class="slx-widget" id="slx-{key}">
<div class="slx-title"><strong>{title}</strong> <em>(pre-computed frames: works without a kernel)</em></div>
{inputs}
<img class="slx-frame" src="data:image/png;base64,{src}" alt="{alt}" style="max-width:100%">
<pre class="slx-readout">{readout}</pre>
<script type="application/json" class="slx-spec">{spec}</script>
<script>
(function () {{
  var me = document.currentScript;
  var root = (me && me.closest(".slx-widget")) || document.getElementById("slx-{key}");
  var spec = JSON.parse(root.querySelector(".slx-spec").textContent);
  var inputs = root.querySelectorAll("input[type=range]");
  function show() {{
    var index = 0;
    inputs.forEach(function (input, i) {{
      var v = parseInt(input.value, 10);
      input.nextElementSibling.textContent = spec.labels[i][v];
      index = index * spec.shape[i] + v;
    }});
    var img = root.querySelector(".slx-frame");
    img.src = "data:image/png;base64," + spec.images[index];
    img.alt = spec.readouts[index];
    root.querySelector(".slx-readout").textContent = spec.readouts[index];
  }}
  inputs.forEach(function (input) {{ input.addEventListener("input", show); }});
}})();
</script>
</div>"""


def _compute_grid(lo: float, hi: float, per_decade: int = 2) -> list[float]:
    """Budgets from lo to hi FLOP, ``per_decade`` points per decade (rounded to 3 significant digits)."""
    n = int(round(np.log10(hi / lo) * per_decade)) + 1
    return [float(f"{v:.3g}") for v in np.logspace(np.log10(lo), np.log10(hi), n)]


class ComputeBudgetExplorer(Explorer):
    """Compute slider → Chinchilla-optimal N, D, tokens/param and loss, on the IsoFLOP curve it lies on."""

    title = "Compute-budget explorer"
    figsize = (7.6, 3.6)

    def __init__(self, law: ChinchillaLaw = HOFFMANN_2022, lo: float = 1e18, hi: float = 1e27, default: float = 1e21):
        self.law = law
        values = _compute_grid(lo, hi)
        if default not in values:
            raise ValueError(f"default budget {default!r} must be on the grid {values}")
        self.controls = (Control("compute", "Compute budget C (FLOP)", values, default, log=True, fmt=format_flop),)
        self.n_range = np.logspace(6, 14, 300)
        super().__init__()

    def draw_static_parts(self) -> None:
        ax = self.ax = self.fig.add_subplot()
        ax.set(xscale="log", xlabel="parameters N", ylabel="loss (nats/token)", title=self.law.name)
        self.curve = self.moving(*ax.plot([], [], color="C0", label="IsoFLOP curve: D = C/(6N)"))
        self.point = self.moving(*ax.plot([], [], "o", color="C3", label="compute-optimal N"))
        ax.axhline(self.law.E, color="grey", ls=":", label=f"irreducible E = {self.law.E:g}")
        ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=8, frameon=False)
        ax.set_xlim(self.n_range[0], self.n_range[-1])
        ax.set_ylim(self.law.E - 0.2, self.law.E + 2.6)

    def update(self, compute: float) -> str:
        best = self.law.optimal_allocation(compute)
        self.curve.set_data(self.n_range, self.law.isoflop_loss(self.n_range, compute))
        self.point.set_data([best.N], [best.loss])
        return (f"C = {format_flop(compute)}: N_opt = {format_count(best.N)} params, "
                f"D_opt = {format_count(best.D)} tokens, {best.tokens_per_param:.1f} tokens/param, "
                f"loss = {best.loss:.3f} nats/token")
