"""The code in docs/python.md runs unchanged and does what its comments say.

Someone outside the team will write scripts from that page alone, so its ```python blocks are
executed here, in order, in one namespace, from the source tree (the tour loads
examples/acme/acme.yaml by a relative path). The live-call block needs the host's I/O
(`wait_for_phone_event`) and a routing state: the test supplies both, as a host would.
"""

from __future__ import annotations

import contextlib
import io
import os
import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Dict, List, Optional

import callplan
from conftest import SOURCE_DIR

DOC = SOURCE_DIR / "docs" / "python.md"


def python_blocks() -> List[str]:
    return re.findall(r"```python\n(.*?)```", DOC.read_text(encoding="utf-8"), flags=re.S)


@dataclass
class PhoneEvent:
    kind: str
    t: int
    leg_id: int = 0
    digit: str = ""


def test_every_block_runs_in_order_and_prints_what_its_comments_say() -> None:
    blocks = python_blocks()
    assert len(blocks) >= 4, "docs/python.md lost its examples"
    waits: List[Optional[int]] = []

    def wait_for_phone_event(timeout: Optional[int]) -> Optional[PhoneEvent]:
        # Nobody picks up: every wait runs out. Bounded, so a doc loop that never ends fails.
        waits.append(timeout)
        assert len(waits) < 100, "the documented live-call loop does not end"
        return None

    namespace: Dict[str, Any] = {"__name__": "docs_python_md",
                                 "state": callplan.RoutingState(),
                                 "wait_for_phone_event": wait_for_phone_event}
    out = io.StringIO()
    cwd = os.getcwd()
    os.chdir(SOURCE_DIR)
    try:
        with contextlib.redirect_stdout(out):
            for block in blocks:
                exec(compile(block, str(DOC), "exec"), namespace)  # noqa: S102 (our own doc)
    finally:
        os.chdir(cwd)

    # What the comments promise (the tour, simulate_many, schedules).
    assert str(namespace["trace"].result) == "answered by 003 at 35 s"
    assert namespace["outcomes"].tally() == {"answered": 9, "voicemail": 15}
    assert namespace["outcomes"].tally("by") == {"001": 9}
    assert len(namespace["traces"]) == 24
    printed = out.getvalue()
    assert printed.startswith("call from +31612345678 to +31881234567 at 2026-11-30T10:00:00+01:00")
    office = namespace["office"]
    assert not office.matches(datetime(2026, 12, 25, 10))
    assert str(office.next_change(datetime(2026, 12, 4, 18))) == "2026-12-07 08:30:00+01:00"
    # The live call ran to its end with nobody answering.
    session = namespace["session"]
    assert session.ended and waits
    assert session.outcome.disposition in ("voicemail", "unanswered")
