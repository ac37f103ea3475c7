"""Helpers for the Python schedule tests: run callplan_schedule_probe, and an independent
reference evaluator of schedules built on zoneinfo and dateutil (no code shared with C++)."""

import json
import os
import subprocess
from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from dateutil.easter import EASTER_WESTERN, easter


def run_probe(request):
    probe = os.environ.get("CALLPLAN_SCHEDULE_PROBE")
    assert probe, "set CALLPLAN_SCHEDULE_PROBE to the callplan_schedule_probe executable (ctest does)"
    done = subprocess.run([probe], input=json.dumps(request), capture_output=True, text=True,
                          check=False)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def hm(text):
    h, m = text.split(":")
    return int(h) * 60 + int(m)


def local_wall_clock(instant, zone):
    """Naive local datetime and UTC offset (seconds) of a Unix instant in an IANA zone."""
    aware = datetime.fromtimestamp(instant, tz=ZoneInfo(zone))
    return aware.replace(tzinfo=None), int(aware.utcoffset().total_seconds())


def _own_matches(schedule, local):
    weekday = local.weekday()  # Monday = 0
    minute = local.hour * 60 + local.minute
    for w in schedule.get("weekly", []):
        for d in w["days"]:
            if w["from"] < w["to"]:
                if weekday == d and w["from"] <= minute < w["to"]:
                    return True
            else:  # wraps past midnight: belongs to the day it starts on
                if weekday == d and minute >= w["from"]:
                    return True
                if weekday == (d + 1) % 7 and minute < w["to"]:
                    return True
    if local.date().isoformat() in schedule.get("dates", []):
        return True
    for r in schedule.get("ranges", []):
        if datetime.fromisoformat(r["from"]) <= local < datetime.fromisoformat(r["to"]):
            return True
    for y in schedule.get("yearly", []):
        day = local.date()
        if y["kind"] == "fixed" and (day.month, day.day) == (y["month"], y["day"]):
            return True
        if y["kind"] == "easter":
            for year in (day.year - 1, day.year, day.year + 1):
                if easter(year, EASTER_WESTERN) + timedelta(days=y["offset"]) == day:
                    return True
        if y["kind"] == "nth" and day.month == y["month"] and day.weekday() == y["weekday"]:
            if y["nth"] > 0 and (day.day - 1) // 7 + 1 == y["nth"]:
                return True
            if y["nth"] < 0:
                next_month = date(day.year + day.month // 12, day.month % 12 + 1, 1)
                days_in_month = (next_month - timedelta(days=1)).day
                if (days_in_month - day.day) // 7 + 1 == -y["nth"]:
                    return True
    return False


def reference_matches(schedules, tenant_zone, name, instant):
    by_name = {s["name"]: s for s in schedules}
    schedule = by_name[name]
    local, _ = local_wall_clock(instant, schedule.get("timezone") or tenant_zone)
    if not _own_matches(schedule, local):
        return False
    return not any(reference_matches(schedules, tenant_zone, e, instant)
                   for e in schedule.get("except", []))


def utc(text):
    return int(datetime.fromisoformat(text).replace(tzinfo=timezone.utc).timestamp())
