"""callplan: route calls through a business phone system's call plans, from Python.

    >>> import callplan
    >>> tenant = callplan.load("examples/acme/acme.yaml")
    >>> tenant.issues                                   # every problem, as Issue objects
    []
    >>> trace = tenant.simulate(to="+31881234567", at="2026-11-30T10:00", answer={"002": 5})
    >>> trace.result
    Outcome(disposition='answered', by='002', user=None, reason=None, t=35)
    >>> print(trace)                                    # the readable timeline

The C++ engine (``callplan._core``) does all routing; this package gives it a pythonic face.
See docs/python.md.
"""

from ._args import Presence
from ._calls import Call
from ._errors import Error, LoadError
from ._issues import Issue, Note, Severity
from ._schedule import Schedule
from ._session import Action, CallSession, Leg
from ._state import RoutingState
from ._tenant import CallBatch, Number, Outcomes, Tenant, User, load, load_string
from ._trace import CallInfo, Event, Outcome, Trace

__version__ = "0.1.0"

__all__ = [
    "Action",
    "Call",
    "CallBatch",
    "CallInfo",
    "CallSession",
    "Error",
    "Event",
    "Issue",
    "Leg",
    "LoadError",
    "Note",
    "Number",
    "Outcome",
    "Outcomes",
    "Presence",
    "RoutingState",
    "Schedule",
    "Severity",
    "Tenant",
    "Trace",
    "User",
    "load",
    "load_string",
]
