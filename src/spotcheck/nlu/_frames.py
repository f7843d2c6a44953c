"""Past frames: an earlier episode told before (or beside) the present one.

"When I had my son I bled heavily and passed out, I needed a transfusion.
Yesterday after sex there was a small amount of brown blood": the heavy
bleeding and the faint belong to the birth, not to yesterday.  ConText's
history cues end at the first comma or "and I"; a story of an earlier episode
runs on over its clauses until the writer comes back to now.

A frame opens at a ``past_frame`` cue of the language's ``context.yaml`` ("last
time this happened", "when I had my son", "in 2023", «два года назад», «в
прошлый раз») unless a ``not_past`` cue covers it (a duration or a comparison
of the present: "since last year", "like last time", «с прошлого года»). It
covers the words before the cue in its segment and runs forward over the
segments of its sentence; it ends before the first segment that holds a
``present`` cue ("now", "this time", "today", "I'm", "an hour ago", "but",
«сейчас», «в этот раз», «сегодня», «но»), before a clause after a comma that
has no verb in the past tense ("I had a LLETZ two years ago, bleeding heavily"
keeps the bleeding; «была внематочная, теряла сознание» goes on), before a
later clause that names the sex (a ``new_episode`` cue: «матку удалили в 2018,
после секса немного кровило» is today's bleeding told in the past tense), and
at the end of the sentence. What follows a colon spells out the past it follows
(«Три года назад был выкидыш: сильная боль, сгустки, …»). Segments are
separated by punctuation and the language's gap blockers ("and", "but", «и»,
«а»): "two years ago I had an ectopic and I fainted an hour ago" keeps the
faint, and "with clots and cramping" goes on (a segment after "and" needs no
verb of its own). Findings in a frame are historical: the policy then drops
those of the current episode (``current``) and keeps history findings.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

__all__ = ["past_tokens"]


def past_tokens(
    doc: Any,
    hits: Iterable[tuple[str, int, int]],
    breaks: Callable[[Any], bool],
    past: Callable[[Any], bool],
) -> set[int]:
    """Indices of the tokens of ``doc`` inside a past frame.

    ``hits``: (category, start, end) of the frame cues found (``past_frame``,
    ``present``, ``not_past``, ``new_episode``); ``breaks``: whether a token separates segments;
    ``past``: whether a token is a verb in the past tense.
    """
    openers: list[tuple[int, int]] = []
    present: set[int] = set()
    episode: set[int] = set()
    spans = list(hits)
    nots = [(s, e) for c, s, e in spans if c == "not_past"]
    for category, start, end in spans:
        if category == "present":
            present.update(range(start, end))
        elif category == "new_episode":
            episode.update(range(start, end))
        elif category == "past_frame" and not any(s < end and start < e for s, e in nots):
            openers.append((start, end))
    framed: set[int] = set()
    for start, end in openers:
        if any(i in present for i in range(start, end)):
            continue
        sent = doc[start].sent
        # backward: the words before the cue in its segment, unless a present cue
        # stands between ("I'm bleeding heavily like when I had my son" is no frame)
        back: list[int] = []
        i = start - 1
        while i >= sent.start and not breaks(doc[i]):
            if i in present:
                back = []
                break
            back.append(i)
            i -= 1
        framed.update(back)
        framed.update(range(start, end))
        # forward: segment by segment; a segment with a present cue ends the frame
        i = end
        listed = False
        while i < sent.end:
            j = i + 1 if breaks(doc[i]) else i
            while j < sent.end and not breaks(doc[j]):
                j += 1
            if any(k in present for k in range(i, j)):
                break
            if i > end and any(k in episode for k in range(i, j)):
                break
            if doc[i].text == ":":
                listed = True  # "… a miscarriage: severe pain, clots, I passed out"
            if doc[i].is_punct and not listed and not any(past(doc[k]) for k in range(i, j)):
                break
            framed.update(range(i, j))
            i = j
    return framed
