"""``PROVENANCE.txt``, which every export carries: what it was made from and with, and the sources."""

from __future__ import annotations

from ..data.model import Battle
from ..page.assemble import provenance


def provenance_text(battle: Battle, fmt: str) -> str:
    """The text of an export's ``PROVENANCE.txt``: the battle's title and the format, the
    data's sha256 and the tool's version (no time), and every source with its tier."""
    lines = [
        f"{battle.title.en} / {battle.title.zh} — export ({fmt})",
        provenance(battle),
        "",
        "Sources:",
        *(f"  {s.id} [{s.tier}] {s.title}" + (f" <{s.url}>" if s.url else "") for s in battle.sources.values()),
    ]
    return "\n".join(lines) + "\n"
