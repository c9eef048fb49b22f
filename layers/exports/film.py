"""The battle as a film: the atlas page played day by day in headless Chromium, encoded by ffmpeg.

Each day of the atlas's day slider is shown with the page's own ``showDay``; when the day
enters another phase the camera eases from the previous phase's view to the next one over
a few frames. A caption band over the map gives the date (the page's own date text), the
phase title and a line of narrative (that day's events, else the phase's opening
sentence), in the chosen language. Every distinct picture is a PNG screenshot; the frames
that hold a day are links to the same file, so they are identical. ffmpeg (the binary
shipped by ``imageio-ffmpeg``, else one on PATH) encodes the frames with no timestamps or
encoder tags in the file.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..contract import Api, Global, Language, Timeline, TimelinePhase
from ..data.model import Battle
from ..errors import BattleMapError, OutputError, inert
from ..page.assemble import render_site
from .chromium import CHROMIUM_FLAGS, LABELS_PLACED, PAGE_TIMEOUT_MS, chromium_executable, wait_until

FORMATS = ("mp4", "webm", "gif")
#: How long the camera takes to move from one phase's view to the next.
MOVE_SECONDS = 0.8
#: Per format, the filters after the frame selection (ending in the output [v]) and the
#: encoder's arguments. yuv420p at even sizes is what players expect of mp4 and webm.
EVEN = "pad=ceil(iw/2)*2:ceil(ih/2)*2[v]"
ENCODE = {
    # (no B-frames: with them the muxer may time the film's last frame from the decoding order,
    # a day longer than it is, depending on the pictures)
    "mp4": (EVEN, ["-c:v", "libx264", "-preset", "medium", "-crf", "20", "-pix_fmt", "yuv420p", "-bf", "0",
                   "-movflags", "+faststart"]),
    "webm": (EVEN, ["-c:v", "libvpx-vp9", "-b:v", "0", "-crf", "33", "-pix_fmt", "yuv420p",
                    "-deadline", "good", "-cpu-used", "4", "-row-mt", "1"]),
    "gif": ("split[a][b];[a]palettegen=stats_mode=full[p];[b][p]paletteuse=dither=bayer[v]", ["-loop", "0"]),
}  # fmt: skip
#: No version strings, times or other metadata in the file.
BITEXACT = ["-fflags", "+bitexact", "-flags:v", "+bitexact", "-map_metadata", "-1", "-map_chapters", "-1"]


class EncoderMissingError(BattleMapError):
    """Film export needs ffmpeg."""

    exit_code = 5


@dataclass(frozen=True)
class FilmOptions:
    """How a film is made: frame size in pixels, seconds each day is shown, frames per second."""

    size: tuple[int, int] = (1920, 1080)
    seconds_per_day: float = 1.0
    fps: int = 10


@dataclass(frozen=True)
class Shot:
    """One distinct picture of the film: a day, the camera between two phase views, and how
    many frames it is held."""

    day: int
    view_from: int
    view_to: int
    t: float
    frames: int


def ffmpeg_executable() -> str:
    """The ffmpeg shipped by imageio-ffmpeg, else ffmpeg on PATH; a clear error if neither."""
    try:
        import imageio_ffmpeg

        return imageio_ffmpeg.get_ffmpeg_exe()
    except (ImportError, RuntimeError):
        pass
    path = shutil.which("ffmpeg")
    if not path:
        raise EncoderMissingError(
            "film export needs ffmpeg: pip install -e '.[film]' (imageio-ffmpeg ships one) or apt-get install -y ffmpeg"
        )
    return path


def plan(day_range: tuple[int, int], phase_days: list[tuple[int, int]], options: FilmOptions) -> list[Shot]:
    """The shots of the film, day by day: each day is held ``fps × seconds_per_day`` frames
    (at least one); a day whose phase differs from the day before's opens with the camera
    easing between the two phases' views.

    Parameters
    ----------
    day_range : (int, int)
        First and last day (inclusive), as the day slider counts them.
    phase_days : list of (int, int)
        Each phase's first and last day, in phase order.
    options : FilmOptions
        Pace and frame rate.
    """
    per_day = max(1, round(options.fps * options.seconds_per_day))
    move = max(1, min(per_day, round(options.fps * MOVE_SECONDS)))
    shots: list[Shot] = []
    previous: int | None = None
    for day in range(day_range[0], day_range[1] + 1):
        phase = phase_of_day(day, phase_days)
        if previous is None or phase == previous or move == 1:
            shots.append(Shot(day, phase, phase, 1.0, per_day))
        else:
            shots.extend(Shot(day, previous, phase, k / move, 1) for k in range(1, move))
            shots.append(Shot(day, previous, phase, 1.0, per_day - move + 1))
        previous = phase
    return shots


def phase_of_day(day: int, phase_days: list[tuple[int, int]]) -> int:
    """The index of the phase showing ``day``: the one holding it, else the next, else the last
    (the page's own rule for its day slider)."""
    for i, (first, last) in enumerate(phase_days):
        if first <= day <= last:
            return i
    for i, (first, _) in enumerate(phase_days):
        if first > day:
            return i
    return len(phase_days) - 1


def opening_sentence(text: str, lang: str) -> str:
    """The first sentence of a narrative (at least a few words long, so that an abbreviation
    such as "Prep." does not end it)."""
    if lang == Language.ZH:
        match = re.search(r"[。！？]", text)
        return text[: match.end()] if match else text
    for match in re.finditer(r"[.!?](?=\s+[A-Z“\"‘'])", text):
        if match.start() >= 40:
            return text[: match.end()]
    return text


def captions(battle: Battle, phase_ids: list[str], lang: str) -> dict[str, Any]:
    """Caption text for the page's driver: each phase's title and opening sentence, and the
    events of each day (keyed by day index), in the chosen language(s)."""
    langs = [Language.ZH, Language.EN] if lang == Language.BOTH else [lang]
    phases = [p for p in battle.phases if p.id in phase_ids]
    events: dict[int, list[list[str]]] = {}
    for feature in sorted(battle.features, key=lambda f: (f.start or battle.start, f.id)):
        if feature.kind == "event" and feature.start is not None:
            day = (feature.start - battle.start).days
            events.setdefault(day, []).append([getattr(feature.name, code) for code in langs])
    return {
        "langs": langs,
        "title": [getattr(battle.title, code) for code in langs],
        "phases": [
            {
                "title": [getattr(p.title, code) for code in langs],
                "line": [opening_sentence(getattr(p.narrative, code), code) for code in langs],
            }
            for p in phases
        ],
        "events": {str(day): names for day, names in events.items()},
    }


#: Turns the atlas page into a film set: the panel and controls hidden, a caption band
#: added (text set only through textContent), fractional zoom for a smooth camera. Returns
#: the page's timeline, read through the contract the page has taken (keys: ``Timeline``).
SET_UP = """([text, band]) => {
  const bm = window[BM.GL.MAP], map = bm[BM.API.MAP];
  const hide = ['#' + BM.ID.PANEL, '.leaflet-control-layers', '.leaflet-control-zoom', '.leaflet-control-attribution'];
  hide.forEach((sel) => document.querySelectorAll(sel).forEach((n) => { n.style.display = 'none'; }));
  const container = map.getContainer();
  Object.assign(container.style, {position: 'fixed', left: '0', top: '0', width: '100vw', height: '100vh'});
  document.body.classList.remove(BM.C.DRAWER_FOLDED);
  map.options.zoomSnap = 0;
  map.invalidateSize({animate: false});
  document.querySelectorAll('.leaflet-bottom').forEach((n) => { n.style.bottom = band + 'px'; });
  document.querySelectorAll('.leaflet-left').forEach((n) => { n.style.left = '0'; });
  document.querySelectorAll('.' + BM.C.NORTH).forEach((n) => { n.style.display = 'flex'; });
  const h = window.innerHeight, px = (n) => Math.max(8, Math.round(n * h / 1080)) + 'px';
  const pick = (node) => (node ? Array.from(node.querySelectorAll('[lang]')) : [])
    .filter((n) => text.langs.includes(n.getAttribute('lang').slice(0, 2))).map((n) => n.textContent);
  const block = (parent, style) => {
    const node = document.createElement('div');
    Object.assign(node.style, style);
    parent.appendChild(node);
    return node;
  };
  const box = block(document.body, {
    position: 'fixed', left: '0', right: '0', bottom: '0', height: band + 'px', zIndex: '2000',
    boxSizing: 'border-box', padding: px(20) + ' ' + px(40), overflow: 'hidden', display: 'flex', gap: px(40),
    background: 'rgba(24, 20, 16, 0.84)', color: '#f4efe6', lineHeight: '1.25',
    fontFamily: getComputedStyle(document.body).fontFamily,
  });
  const left = block(box, {flex: '1 1 auto', minWidth: '0'});
  const right = block(box, {flex: '0 0 30%', textAlign: 'right', opacity: '0.8'});
  // Each caption has a box of its own height (a line of its size; the story two): a text too
  // long for it wraps at a smaller size (fit, in SHOW), never cut or ended in an ellipsis.
  const boxed = (size, lines, style) => {
    const node = block(left, {fontSize: px(size), lineHeight: '1.25', overflow: 'hidden', overflowWrap: 'anywhere',
      height: 'calc(' + px(size) + ' * 1.25 * ' + lines + ')', ...style});
    node.dataset.size = px(size);
    return node;
  };
  const head = boxed(46, 1, {fontWeight: '700'});
  const phase = boxed(34, 1, {fontWeight: '600'});
  const story = boxed(27, 2, {marginTop: px(6), whiteSpace: 'pre-line'});
  block(right, {fontSize: px(26), marginBottom: px(8)}).textContent = text.title.join(' · ');
  const credit = pick(document.querySelector('.' + BM.C.ATTRIBUTION)).join(' ');
  block(right, {fontSize: px(16), opacity: '0.8'}).textContent = credit;
  window.bmFilm = {head: head, phase: phase, story: story, pick: pick};
  return JSON.parse(document.getElementById(BM.ID.DATA).textContent)[BM.K.TIMELINE];
}"""

#: Shows one shot: the day through the page's own slider, the camera between two views,
#: the names placed at once, the captions; resolves once the browser has drawn it.
SHOW = """async ([shot, views, text, band]) => {
  const bm = window[BM.GL.MAP], map = bm[BM.API.MAP], film = window.bmFilm;
  if (bm[BM.API.DAY]() !== shot.day) { bm[BM.API.SHOW_DAY](shot.day); }
  const pad = Math.round(window.innerHeight * 0.04);
  const tl = L.point(pad, pad), br = L.point(pad, pad + band);
  const view = (bounds) => {
    const b = L.latLngBounds(bounds);
    const zoom = map.getBoundsZoom(b, false, tl.add(br));
    const offset = br.subtract(tl).divideBy(2);
    const centre = map.project(b.getSouthWest(), zoom).add(map.project(b.getNorthEast(), zoom)).divideBy(2).add(offset);
    return {centre: map.options.crs.project(map.unproject(centre, zoom)), zoom: zoom};
  };
  const a = view(views[shot.view_from]), b = view(views[shot.view_to]);
  const e = shot.t * shot.t * (3 - 2 * shot.t);
  const zoom = a.zoom + (b.zoom - a.zoom) * e;
  const centre = L.point(a.centre.x + (b.centre.x - a.centre.x) * e, a.centre.y + (b.centre.y - a.centre.y) * e);
  map.setView(map.options.crs.unproject(centre), zoom, {animate: false});
  bm[BM.API.PLACE_NAMES]();
  film.head.textContent = film.pick(document.querySelector('.' + BM.C.DATE)).join(' · ');
  const phase = text.phases[shot.view_to];
  film.phase.textContent = phase.title.join(' · ');
  const events = text.events[String(shot.day)];
  const joint = (i) => (i === 0 && text.langs[0] === BM.LN.ZH ? '；' : '; ');
  const lines = events ? text.langs.map((_, i) => events.map((names) => names[i]).join(joint(i))) : phase.line;
  film.story.textContent = lines.join('\\n');
  // (the largest size, down to a third of its own, at which the whole text fits its box)
  const fit = (node) => {
    const base = parseFloat(node.dataset.size);
    let size = base;
    node.style.fontSize = size + 'px';
    while (node.scrollHeight > node.clientHeight + 1 && size > base / 3) {
      size = Math.max(base / 3, size * 0.92);
      node.style.fontSize = size + 'px';
    }
    return node.scrollHeight <= node.clientHeight + 1;
  };
  film.fits = [film.head, film.phase, film.story].map(fit);
  await new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)));
  return +map.getContainer().getAttribute(BM.A.LABELS);
}"""


def render_film(
    battle: Battle,
    phases: list[str],
    lang: str,
    fmt: str,
    options: FilmOptions | None = None,
    progress: bool = True,
    browser: Any = None,
) -> dict[str, bytes]:
    """The film of ``phases`` (their span of days) as ``{"<battle-id>.<fmt>": bytes}``.

    ``browser`` may be a running Playwright Chromium (tests share one); by default the
    system Chromium is started for the film and closed after. A missing Chromium or ffmpeg
    raises an error with exit code 5 before anything is rendered.
    """
    if fmt not in FORMATS:
        raise ValueError(f"unknown film format {fmt!r}; expected one of {', '.join(FORMATS)}")
    options = options or FilmOptions()
    ffmpeg = ffmpeg_executable()
    with tempfile.TemporaryDirectory(prefix="battle-film-") as tmp:
        frames = Path(tmp) / "frames"
        frames.mkdir()
        if browser is not None:
            starts, count = _shoot(browser, battle, phases, lang, options, frames, progress)
        else:
            executable = chromium_executable()
            from playwright.sync_api import sync_playwright

            with sync_playwright() as playwright:
                own = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_FLAGS)
                try:
                    starts, count = _shoot(own, battle, phases, lang, options, frames, progress)
                finally:
                    own.close()
        name = f"{battle.id}.{fmt}"
        out = Path(tmp) / name
        _encode(ffmpeg, frames, starts, count, options.fps, fmt, out)
        return {name: out.read_bytes()}


def _shoot(
    browser: Any, battle: Battle, phases: list[str], lang: str, options: FilmOptions, frames: Path, progress: bool
) -> tuple[list[int], int]:
    """Render every shot as PNG into ``frames`` (000000.png …, a held shot's frames linked to
    its first); returns the number of each shot's first frame and the number of frames."""
    from tqdm import tqdm

    width, height = options.size
    band = round(height * 0.2)
    page_file = frames.parent / "atlas.html"
    page_file.write_bytes(render_site(battle, phases, lang, single_file=True, printable=False)["index.html"])
    context = browser.new_context(viewport={"width": width, "height": height}, device_scale_factor=1)
    context.set_default_timeout(PAGE_TIMEOUT_MS)
    context.route(
        "**/*", lambda route: route.abort() if not route.request.url.startswith("file:") else route.continue_()
    )
    try:
        page = context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda err: errors.append(str(err)))
        page.goto(page_file.as_uri())
        wait_until(page, f"window.{Global.MAP} !== undefined")
        wait_until(page, LABELS_PLACED)
        page.evaluate(f"async () => {{ await document.fonts.ready; await window.{Global.MAP}.{Api.READY}; }}")
        text = captions(battle, phases, lang)
        timeline = page.evaluate(SET_UP, [text, band])
        phase_days = [tuple(p[TimelinePhase.DAYS]) for p in timeline[Timeline.PHASES]]
        views = [p[TimelinePhase.FIT] for p in timeline[Timeline.PHASES]]
        shots = plan(tuple(timeline[Timeline.RANGE]), phase_days, options)
        count, starts = 0, []
        bar = tqdm(total=sum(s.frames for s in shots), desc="film", unit="frame", disable=not progress, file=sys.stderr)
        for shot in shots:
            page.evaluate(SHOW, [shot.__dict__, views, text, band])
            if errors:  # a film of a broken page is no film
                raise OutputError(f"the page failed on day {shot.day} of the film: {inert(errors[0])}")
            starts.append(count)
            first = frames / f"{count:06d}.png"
            page.screenshot(path=str(first), full_page=False)
            for k in range(1, shot.frames):  # a held day: the same picture, byte for byte
                _same_file(first, frames / f"{count + k:06d}.png")
            count += shot.frames
            bar.update(shot.frames)
        bar.close()
        return starts, count
    finally:
        context.close()


def _same_file(source: Path, target: Path) -> None:
    """``target`` as a hard link to ``source``, or a copy where links are not possible."""
    try:
        os.link(source, target)
    except OSError:
        shutil.copyfile(source, target)


def _any_of(frames: list[int]) -> str:
    """An ffmpeg expression true for the frame numbers ``frames``: a balanced sum, since the
    expression parser nests only so deep."""
    if len(frames) == 1:
        return f"eq(n,{frames[0]})"
    half = len(frames) // 2
    return f"({_any_of(frames[:half])}+{_any_of(frames[half:])})"


def _encode(ffmpeg: str, frames: Path, starts: list[int], count: int, fps: int, fmt: str, out: Path) -> None:
    """Encode the numbered PNGs in ``frames`` into ``out``.

    Only the first frame of each shot (and the film's last frame, which fixes its length)
    reaches the encoder, with its time: a held day is one long frame, so a lossy encoder
    cannot refine it from frame to frame and every frame of it decodes the same.
    """
    kept = sorted({*starts, count - 1})
    select = f"select='{_any_of(kept)}'"
    chain, codec = ENCODE[fmt]
    command = [
        ffmpeg, "-hide_banner", "-loglevel", "error", "-nostdin", "-y",
        "-framerate", str(fps), "-start_number", "0", "-i", str(frames / "%06d.png"),
        "-filter_complex", f"[0:v]{select},{chain}", "-map", "[v]", "-fps_mode", "passthrough",
        *codec, *BITEXACT, str(out),
    ]  # fmt: skip
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    if result.returncode != 0 or not out.exists():
        raise OutputError(f"ffmpeg could not encode the {fmt} film: {inert(result.stderr.strip()[-800:])}")
