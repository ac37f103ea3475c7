"""Easter-based yearly days, 1900-2100, against python-dateutil's Western Easter."""

from datetime import timedelta

from dateutil.easter import EASTER_WESTERN, easter

from schedule_reference import run_probe

# Easter Sunday, Good Friday, Easter Monday, Ascension, Whit Sunday, Whit Monday, Shrove
# Tuesday, Corpus Christi.
OFFSETS = [0, -2, 1, 39, 49, 50, -47, 60]


def test_easter_days_match_dateutil_1900_to_2100():
    out = run_probe({"mode": "easter", "from": 1900, "to": 2100, "offsets": OFFSETS})
    for offset in OFFSETS:
        expected = [(easter(year, EASTER_WESTERN) + timedelta(days=offset)).isoformat()
                    for year in range(1900, 2101)]
        got = out["easter"][str(offset)]
        mismatches = [(e, g) for e, g in zip(expected, got) if e != g]
        assert len(got) == len(expected)
        assert not mismatches, f"easter{offset:+d}: first mismatches {mismatches[:5]}"
