"""Turn results into text for people or JSON for tools (pure functions returning str)."""

from __future__ import annotations

import json
from collections.abc import Sequence

from .results import InboundReport, PageReport

_BOLD, _DIM, _CYAN, _GREEN, _RESET = "\x1b[1m", "\x1b[2m", "\x1b[36m", "\x1b[32m", "\x1b[0m"


def _c(code: str, text: str, color: bool) -> str:
    """Wrap ``text`` in an ANSI code when ``color``."""
    return f"{code}{text}{_RESET}" if color else text


def render_text(reports: Sequence[PageReport], *, color: bool = False) -> str:
    """One line per link (``PAGE:LINE:COL  anchor → target  title  score``), then the keywords."""
    out: list[str] = []
    for rep in reports:
        if len(reports) > 1 or not rep.links:
            out.append(_c(_BOLD, rep.page, color))
        if not rep.links:
            out.append("  no link suggestions")
        for s in rep.links:
            if s.anchor is not None:
                where = f"{rep.page}:{s.anchor.line}:{s.anchor.column}"
                anchor = f"“{s.anchor.text}”"
            else:
                where, anchor = rep.page, "(no anchor in the page)"
            out.append(f"{where}  {_c(_CYAN, anchor, color)} → {_c(_GREEN, s.target, color)}  "
                       f"{s.title}  {s.score:.2f}")
            out.append(_c(_DIM, f"    {s.reason}", color))
        if rep.suppressed:
            out.append(_c(_BOLD, "suppressed by rules:", color))
            for x in rep.suppressed:
                out.append(f"  {x.target}  {x.title}  {x.score:.2f}  ({x.rule})")
        if rep.keywords:
            out.append(_c(_BOLD, "missing keywords:", color))
            for k in rep.keywords:
                pages = ", ".join(k.pages[:3]) + (f" +{len(k.pages) - 3}" if len(k.pages) > 3 else "")
                out.append(f"  {k.term}  {k.score:.3f}  ({pages})")
        out.append("")
    return "\n".join(out)


def render_inbound_text(reports: Sequence[InboundReport], *, color: bool = False) -> str:
    """One line per source page: ``SOURCE:LINE:COL  “anchor” → PAGE  score``."""
    out: list[str] = []
    for rep in reports:
        out.append(_c(_BOLD, f"pages that should link to {rep.page}:", color))
        if not rep.links:
            out.append("  no inbound suggestions")
        for s in rep.links:
            if s.anchor is not None:
                where, anchor = f"{s.source}:{s.anchor.line}:{s.anchor.column}", f"“{s.anchor.text}”"
            else:
                where, anchor = s.source, "(no anchor in the source)"
            out.append(f"{where}  {_c(_CYAN, anchor, color)} → {rep.page}  {s.score:.2f}")
            out.append(_c(_DIM, f"    {s.title}: {s.reason}", color))
        out.append("")
    return "\n".join(out)


def render_json(reports: Sequence[InboundReport] | Sequence[PageReport], *, lines: bool = False) -> str:
    """One JSON array with one object per page (the JSON contract), or one object per line."""
    if lines:
        return "".join(json.dumps(r.to_dict(), ensure_ascii=False) + "\n" for r in reports)
    return json.dumps([r.to_dict() for r in reports], ensure_ascii=False, indent=2) + "\n"
