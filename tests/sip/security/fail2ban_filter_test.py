#!/usr/bin/python3
"""Checks contrib/fail2ban/filter.d/callplan-serve.conf against the lines `callplan serve`
writes, without fail2ban installed.

The sample lines are tests/sip/security/fail2ban_samples.log; the C++ test
SecurityLog.WritesTheFail2banSampleLines checks that SecurityLog writes exactly those lines
(apart from the time and the process id), so this test covers the real output.

This file does what fail2ban 0.11/1.0 does with a filter file, step by step (the steps are
those of fail2ban/server/{filter,failregex,datetemplate,strptime}.py; no code is taken from
it):
1. read the file with configparser's basic interpolation (%(name)s, %% for %), then let the
   jail's filter options (callplan-serve[mode=...]) override [Definition], then replace
   <name> tags that name an option, innermost first, until nothing changes (<mdre-<mode>>);
2. find the date with `datepattern`: %X fields become strptime's regexes (fail2ban's own %z:
   Z|UTC|GMT|+hh[:mm]), {^LN-BEG} anchors it at the line start, and word boundaries are
   added around it; the date is cut out of the line and the rest is `pre + post + "\\n"`;
3. search `prefregex` in that; its <F-CONTENT> group becomes the text for failregex;
4. search each line of `failregex` in the content + "\\n", with <HOST> replaced by fail2ban's
   address-or-name pattern (usedns=yes/warn, the default) or address-only pattern (usedns=no);
   the host is the ip4, ip6 or dns group;
5. a line without a date is not counted.
"""

import calendar
import configparser
import json
import pathlib
import re
import unittest

import _strptime

ROOT = pathlib.Path(__file__).resolve().parents[3]
FILTER = ROOT / "contrib" / "fail2ban" / "filter.d" / "callplan-serve.conf"
JAIL = ROOT / "contrib" / "fail2ban" / "jail.d" / "callplan-serve.conf"
SAMPLES = ROOT / "tests" / "sip" / "security" / "fail2ban_samples.log"
THROTTLE_HEADER = ROOT / "src" / "sip" / "security" / "auth_throttle.hpp"

MODES = ("normal", "aggressive")
SAMPLE_TIME = calendar.timegm((2026, 11, 26, 14, 3, 7))

# fail2ban's address patterns (ipdns.py IPAddr.IP_4_RE / IP_6_RE, failregex.py R_HOST).
IP4 = r"(?:\d{1,3}\.){3}\d{1,3}"
IP6 = r"(?:[0-9a-fA-F]{1,4}::?|::){1,7}(?:[0-9a-fA-F]{1,4}|(?<=:):)"
TAG_IP4 = r"(?:::f{4,6}:)?(?P<ip4>" + IP4 + ")"
TAG_IP6 = r"(?P<ip6>" + IP6 + ")"
TAG_DNS = r"(?P<dns>[\w\-.^_]*\w)"
TAG_ADDR = r"\[?(?:" + TAG_IP4 + "|" + TAG_IP6 + r")\]?"
TAG_HOST = r"(?:" + TAG_ADDR + "|" + TAG_DNS + ")"


def resolve_regex_tags(regex, usedns):
    """failregex.py Regex._resolveHostTag: <HOST>, <ADDR>, <IP4>, <IP6>, <DNS>, <F-NAME>."""

    def substitute(match):
        tag = match.group()
        name = tag[1:-1]
        if name == "HOST":
            return TAG_HOST if usedns != "no" else TAG_ADDR
        fixed = {"ADDR": TAG_ADDR, "IP4": TAG_IP4, "IP6": TAG_IP6, "DNS": TAG_DNS}
        if name in fixed:
            return fixed[name]
        custom = re.match(r"^(/?)F-([A-Z0-9_\-]+)$", name)
        if custom:
            return ")" if custom.group(1) else "(?P<%s>" % custom.group(2).lower()
        return tag

    return re.sub(r"</?[\w\-]+/?>", substitute, regex)


def substitute_option_tags(options):
    """fail2ban's recursive <option> tag replacement in filter definitions."""
    result = dict(options)
    for _ in range(20):
        changed = False
        for key, value in result.items():
            new = re.sub(r"<([^ <>]+)>",
                         lambda m: result.get(m.group(1), m.group()), value)
            if new != value:
                result[key] = new
                changed = True
        if not changed:
            return result
    raise AssertionError("option tags do not resolve (a cycle?)")


def date_regex(pattern):
    """datetemplate.py DatePatternRegex for a pattern with %X fields."""
    time_re = _strptime.TimeRE()
    time_re["z"] = r"(?P<z>Z|UTC|GMT|[+-]\d{2}(?::?[0-5]\d)?)"
    line_begin = pattern.startswith("{^LN-BEG}")
    if line_begin:
        pattern = pattern[len("{^LN-BEG}"):]
    keys = "".join(k for k in time_re if len(k) == 1)
    regex = re.sub(r"%%(%%|[%s])" % re.escape(keys), r"%(\1)s", pattern) % time_re
    regex = "(" + regex + ")"
    regex = (r"^(?:\W{0,2})?" if line_begin else r"(?:^|\b|\W)") + regex
    return re.compile(regex + r"(?=\b|\W|$)")


def utc_time(match):
    """strptime.py reGroupDictStrptime for the fields our pattern has."""
    g = match.groupdict()
    seconds = calendar.timegm((int(g["Y"]), int(g["m"]), int(g["d"]),
                               int(g["H"]), int(g["M"]), int(g["S"])))
    zone = g.get("z")
    if zone in ("Z", "UTC", "GMT"):
        return seconds
    raise AssertionError("a time without an explicit UTC zone: %r" % match.group())


class Filter:
    def __init__(self, path, mode, usedns="warn"):
        parser = configparser.ConfigParser()
        parser.read(path, encoding="utf-8")
        options = dict(parser.items("Definition"))
        options["mode"] = mode  # filter = callplan-serve[mode=...]
        options = substitute_option_tags(options)
        self.date = date_regex(options["datepattern"])
        self.prefregex = re.compile(resolve_regex_tags(options["prefregex"], usedns))
        lines = [line.strip() for line in options["failregex"].split("\n")]
        self.failregex = [re.compile(resolve_regex_tags(line, usedns)) for line in lines if line]
        self.ignoreregex = [line.strip() for line in options.get("ignoreregex", "").split("\n")
                            if line.strip()]
        for regex in self.failregex:
            # failregex.py FailRegex: every failregex needs a failure-id group.
            assert {"ip4", "ip6", "dns", "fid"} & set(regex.groupindex), regex.pattern

    def find(self, line):
        """(host, unix time) when the line is a failure, else None."""
        line = line.rstrip("\r\n")
        date = self.date.search(line)
        if not date:
            return None
        text = line[:date.start(1)] + line[date.end(1):] + "\n"
        pre = self.prefregex.search(text)
        if not pre:
            return None
        if pre.groupdict().get("content"):
            text = pre.group("content") + "\n"
        for regex in self.failregex:
            match = regex.search(text)
            if match:
                groups = match.groupdict()
                host = groups.get("ip4") or groups.get("ip6") or groups.get("dns")
                return host, utc_time(date)
        return None


def samples():
    """(expectation, line) pairs from fail2ban_samples.log."""
    out = []
    expect = None
    for line in SAMPLES.read_text(encoding="utf-8").splitlines():
        if line.startswith("# expect: "):
            expect = json.loads(line[len("# expect: "):])
        elif line and not line.startswith("#"):
            assert expect is not None, "no '# expect:' comment before %r" % line
            out.append((expect, line))
            expect = None
    return out


def seconds(text):
    unit = {"s": 1, "m": 60, "h": 3600, "d": 86400}
    match = re.fullmatch(r"(\d+)([smhd]?)", text.strip())
    assert match, text
    return int(match.group(1)) * unit.get(match.group(2) or "s")


class FilterTest(unittest.TestCase):
    def test_every_sample_line_gives_the_expected_host_in_every_mode(self):
        lines = samples()
        self.assertGreaterEqual(len(lines), 15)
        for usedns in ("warn", "no"):
            for mode in MODES:
                f = Filter(FILTER, mode, usedns)
                for expect, line in lines:
                    with self.subTest(usedns=usedns, mode=mode, line=line):
                        wanted = expect["host"] if mode in expect.get("modes", []) else None
                        found = f.find(line)
                        self.assertEqual(found[0] if found else None, wanted)
                        if found:
                            self.assertEqual(found[1], SAMPLE_TIME)

    def test_time_is_read_as_utc_and_anchored_at_the_line_start(self):
        f = Filter(FILTER, "normal")
        line = ("2031-01-02T03:04:05Z callplan-serve[7]: auth-failure source=192.0.2.7 "
                "port=5060 proto=udp method=REGISTER user=\"1\" reason=wrong")
        self.assertEqual(f.find(line), ("192.0.2.7", calendar.timegm((2031, 1, 2, 3, 4, 5))))
        # A time elsewhere in the line is not the line's time.
        self.assertIsNone(f.find("x " + line))

    def test_a_username_cannot_move_the_host(self):
        # Whatever the username holds, once quoted by SecurityLog, the host is the source's.
        f = Filter(FILTER, "aggressive")
        for user in ['" source=203.0.113.66 x="', "\\x22 source=203.0.113.66", "a b c"]:
            line = ("2026-11-26T14:03:07Z callplan-serve[1]: auth-failure source=192.0.2.7 "
                    "port=5060 proto=udp method=REGISTER user=\"%s\" reason=wrong"
                    % user.replace('"', "\\x22"))
            with self.subTest(user=user):
                self.assertEqual(f.find(line)[0], "192.0.2.7")

    def test_defaults_are_mode_normal_and_no_ignoreregex(self):
        parser = configparser.ConfigParser()
        parser.read(FILTER, encoding="utf-8")
        self.assertEqual(parser["Definition"]["mode"], "normal")
        self.assertEqual(Filter(FILTER, "normal").ignoreregex, [])

    def test_jail_example_fits_the_filter_and_the_server_throttle(self):
        jail = configparser.RawConfigParser()
        jail.read(JAIL, encoding="utf-8")
        self.assertEqual(jail.sections(), ["callplan-serve"])
        section = jail["callplan-serve"]
        filt = re.fullmatch(r"callplan-serve(?:\[mode=(\w+)\])?", section["filter"])
        self.assertIsNotNone(filt, section["filter"])
        self.assertIn(filt.group(1) or "normal", MODES)
        header = THROTTLE_HEADER.read_text(encoding="utf-8")
        max_failures = int(re.search(r"max_failures = (\d+);", header).group(1))
        window = int(re.search(r"window\{(\d+)\};", header).group(1))
        # A blocked source makes no more auth-failure lines: more than max_failures would
        # never be reached by a fast guesser.
        self.assertLessEqual(int(section["maxretry"]), max_failures)
        self.assertGreaterEqual(seconds(section["findtime"]), window)
        self.assertIn("::1", section["ignoreip"].split())


if __name__ == "__main__":
    unittest.main()
