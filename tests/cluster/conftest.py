"""The cluster tests reuse the SIP end-to-end helpers (server process, sipp peers, the
restart tenant) from tests/sip/e2e."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "sip" / "e2e"))
