"""The site's shared data as the script files its pages load (``window.BM_SITE``): one file, or
two for a large site (:attr:`layers.page.sitedata.SiteData.lead`), each named by its content,
with the features' JSON in runs that the browser reads with ``JSON.parse``."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cached_property

import numpy as np

from .. import contract
from ..contract import Global, Site
from .details import DETAIL_SIZE, detail_files, inline_details
from .elements import to_json
from .sitedata import SiteData

#: The shared file's features are parsed in runs of about this many bytes of JSON (see
#: SiteFiles.pieces); the format's name goes into the file's digest.
PARSE_RUN = 1 << 21
_FORMAT = b"runs of JSON text\n"


@dataclass(frozen=True)
class SiteFiles:
    """The files of the site's shared data (made once per build: their names are digests of
    the whole data), and the script a single-file page carries instead."""

    site: SiteData

    @cached_property
    def path(self) -> str:
        """Where the shared file lies in the output folder, named by its content (with the
        second file's name in its head, by that one's too)."""
        digest = hashlib.sha256(_FORMAT + self._head.encode("utf-8"))
        for i, entry in enumerate(self.site.entries):  # entry by entry: no copy of the whole
            digest.update(b"\n" + entry if i else entry)
        return f"data/site-{digest.hexdigest()[:16]}.js"

    @cached_property
    def more_path(self) -> str | None:
        """Where a large site's second file lies (see :attr:`SiteData.lead`), named by its
        content; None for a site in one file."""
        lead = self.site.lead
        if lead is None:
            return None
        digest = hashlib.sha256(_FORMAT + b"more\n")
        for i in np.flatnonzero(~lead).tolist():
            digest.update(b"%d\n" % i + self.site.entries[i])
        return f"data/site-more-{digest.hexdigest()[:16]}.js"

    def paths(self, opening: str | None) -> list[str]:
        """The site files a page that opens on phase ``opening`` loads with it: the first
        file, and the second too unless the first holds what that phase draws (a page that
        opens on the lead phase loads the second once its first view is drawn)."""
        if self.more_path is None or opening == self.site.lead_phase:
            return [self.path]
        return [self.path, self.more_path]

    def script(self, only: Iterable[int] | None = None) -> str:
        """The shared data as a script setting ``window.BM_SITE`` (loaded with ``<script
        src>``, so it works from file:// under the CSP's 'self'); with ``only``, just those
        entries, keyed by index, and their details inline (a single-file page carries what it
        draws, and no detail file)."""
        if only is None:
            return self.file().decode("utf-8")
        indices = sorted(set(only))
        features = ",".join(f'"{i}":{self.site.entries[i].decode("utf-8")}' for i in indices)
        head = self._head_with([])
        details = inline_details(self.site.details, indices)
        return f'window.{Global.SITE} = {{{head},"{Site.FEATURES}":{{{features}}}}};{details}'

    def file(self) -> bytes:
        """The shared data file's content as UTF-8 (:meth:`pieces` joined)."""
        return b"".join(self.pieces())

    def pieces(self) -> Iterator[bytes]:
        """The shared data file, in pieces made as a writer takes them (no copy of the whole).

        The file sets ``window.BM_SITE`` to the head with no features, then adds the features
        in runs of about :data:`PARSE_RUN` bytes, each a JSON text in a string parsed with
        ``JSON.parse``: a browser reads such a file faster than the same data as an object
        literal, which it parses as code (in Chromium, with the data at 100k features: read 0.5–0.7 s
        sooner, 1.0–1.5 s after navigation instead of 1.5–2.2 s), and runs of a few MB faster
        than one string of the whole. The string holds the entries' JSON with every backslash doubled, so it parses to
        exactly the entries: they hold no quote and no line break (``json_text`` escapes those)."""
        yield f'window.{Global.SITE} = {{{self._head},"{Site.FEATURES}":[]}};'.encode()
        if self.site.lead is not None:  # a large site: the first file's part, set by index
            yield from self._part(np.flatnonzero(self.site.lead))
            return
        entries = self.site.entries
        if not entries:
            return
        yield f"{Global.SITE}.{Site.FEATURES}=[].concat(".encode()
        yield from _parsed(entries)
        yield b");"

    def more_pieces(self) -> Iterator[bytes]:
        """A large site's second file (:attr:`more_path`), in pieces: the features the first
        does not hold, set by index, and then the head's :attr:`Site.MORE` set to null (the
        page's sign that every feature is there)."""
        assert self.site.lead is not None
        yield from self._part(np.flatnonzero(~self.site.lead))
        yield f"{Global.SITE}.{Site.MORE}=null;".encode()

    def detail_files(self) -> list[tuple[str, tuple[bytes, ...]]]:
        """The detail files (path, pieces): :mod:`layers.page.details`."""
        return [(path, (script,)) for path, script in self._detail_files]

    @cached_property
    def _detail_files(self) -> list[tuple[str, bytes]]:
        return detail_files(self.site.details)

    def _part(self, indices: np.ndarray) -> Iterator[bytes]:
        """A script that sets the site's features at ``indices`` (ascending), the others being
        null until set: the indices as runs ``[first, count, ...]``, then the entries."""
        if not len(indices):
            return
        entries = self.site.entries
        breaks = np.flatnonzero(np.diff(indices) != 1) + 1
        starts = indices[np.concatenate(([0], breaks))]
        counts = np.diff(np.concatenate(([0], breaks, [len(indices)])))
        runs = ",".join(map(str, np.column_stack((starts, counts)).ravel().tolist()))
        yield (
            b"(function(f,n,at,e){var i,j,k=0;for(i=f.length;i<n;i++){f.push(null);}"
            b"for(i=0;i<at.length;i+=2){for(j=at[i];j<at[i]+at[i+1];j++){f[j]=e[k++];}}})"
            b"(%s.%s,%d,[%s],[].concat(" % (Global.SITE.encode(), Site.FEATURES.encode(), len(entries), runs.encode())
        )
        yield from _parsed([entries[i] for i in indices.tolist()])
        yield b"));"

    @cached_property
    def _head(self) -> str:
        return self._head_with([path for path, _ in self._detail_files], self.more_path)

    def _head_with(self, detail_paths: list[str], more: str | None = None) -> str:
        """The contract the page reads its keys from, the style and symbol tables, the date
        texts (the symbols are the build's own SVG; no text from the data), where the details
        are and (a large site) where the second file is."""
        site = self.site
        members = [
            (Site.CONTRACT, to_json(contract.as_json())),
            (Site.ICONS, to_json(site.icons)),
            (Site.STYLES, to_json([s.as_dict() for s in site.styles])),
            (Site.TEXTS, to_json(site.texts)),
            (Site.DETAILS, to_json([DETAIL_SIZE, detail_paths])),
        ]
        if more is not None:
            members.append((Site.MORE, to_json(more)))
        return ",".join(f'"{name}":{value}' for name, value in members)


def _parsed(entries: list[bytes] | tuple[bytes, ...]) -> Iterator[bytes]:
    """``entries`` as ``JSON.parse('[...]')`` calls, comma-separated, in runs of about
    :data:`PARSE_RUN` bytes."""
    start, runs = 0, []
    while start < len(entries):
        end, size = start, 0
        while end < len(entries) and (end == start or size + len(entries[end]) <= PARSE_RUN):
            size += len(entries[end]) + 1
            end += 1
        runs.append((start, end))
        start = end
    for k, (start, end) in enumerate(runs):
        run = b",".join(entries[start:end]).replace(b"\\", b"\\\\")
        yield b"%sJSON.parse('[%s]')" % (b"," if k else b"", run)
