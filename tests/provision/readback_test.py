#!/usr/bin/python3
"""Provisioning files read back as a phone would: `callplan provision render` for every
provisionable device of examples/acme and tests/provision/fixtures/phones.yaml, each XML file
validated by xmllint (well-formed) and parsed with xml.etree, each Yealink file parsed as
key = value, and the values compared with the tenant YAML read independently of the C++
loader (PyYAML). Also the CLI's exit codes for devices that cannot be provisioned.

    /usr/bin/python3 tests/provision/readback_test.py build/dev/tools/callplan/callplan
"""
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
SERVER = ("pbx.example.com", "5062")
failures = []


def check(condition, message):
    if not condition:
        failures.append(message)


def load_tenant(path):
    """The tenant YAML with its includes merged (lists concatenated), as the loader does."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    for include in data.pop("include", []):
        part = yaml.safe_load((path.parent / include).read_text(encoding="utf-8"))
        for key, value in part.items():
            data.setdefault(key, []).extend(value)
    return data


def render(cli, tenant, device, name):
    out = subprocess.run([cli, "provision", "render", str(tenant), "--device", device,
                          "--server", ":".join(SERVER), "--transport", "tcp", "--file", name],
                         capture_output=True, check=False)
    check(out.returncode == 0, f"{device}/{name}: exit {out.returncode}: {out.stderr!r}")
    return out.stdout


def xml_root(device, name, content):
    with tempfile.NamedTemporaryFile(suffix=".xml") as f:
        f.write(content)
        f.flush()
        lint = subprocess.run(["xmllint", "--noout", f.name], capture_output=True, check=False)
    check(lint.returncode == 0, f"{device}/{name}: xmllint: {lint.stderr.decode()}")
    return ET.fromstring(content)


def expected(tenant, device):
    user = next(u for u in tenant["users"] if u["extension"] == device["user"])
    sip = device["sip"]
    return {
        "user": sip.get("username") or f"{tenant['tenant']['login']}-{device['id']}",
        "password": sip["password"],
        "display": f"{user['first_name']} {user['last_name']}",
        "label": user["extension"],
    }


def model_key(model):
    return str(model).replace(" ", "").replace("-", "").lower()


def expected_extra(tenant, device):
    """The `provisioning:` keys the device gets: tenant, brand, model, device, later wins."""
    block = tenant.get("provisioning") or {}
    levels = [block.get("keys"), ((block.get("brands") or {}).get(device["brand"]) or {}).get("keys")]
    for model, level in (block.get("models") or {}).items():
        if model_key(model) == model_key(device.get("model", "")):
            levels.append((level or {}).get("keys"))
    levels.append((device.get("provisioning") or {}).get("keys"))
    merged = {}
    for keys in levels:
        for key, value in (keys or {}).items():
            merged[key] = "" if value is None else str(value)
    return merged


def mac_of(device):
    return device["mac"].replace(":", "").replace("-", "").lower()


def read_yealink(cli, path, device):
    keys = {}
    # The common file first, then the MAC file, whose keys win (as the phone reads them).
    for name in ("y000000000000.cfg", mac_of(device) + ".cfg"):
        text = render(cli, path, device["id"], name).decode("utf-8")
        seen = set()
        for line in text.splitlines()[1:]:
            key, _, value = line.partition(" = ")
            check(key not in seen, f"{device['id']}: {key} twice in {name}")
            seen.add(key)
            keys[key] = value
    return {"all": keys, "user": keys["account.1.user_name"], "auth": keys["account.1.auth_name"],
            "password": keys["account.1.password"], "display": keys["account.1.display_name"],
            "label": keys["account.1.label"],
            "server": (keys["account.1.sip_server.1.address"],
                       keys["account.1.sip_server.1.port"]),
            "transport": keys["account.1.sip_server.1.transport_type"] == "1"}


def read_snom(cli, path, device):
    name = mac_of(device) + ".xml"
    root = xml_root(device["id"], name, render(cli, path, device["id"], name))
    s = {e.tag: e.text or "" for e in root.find("phone-settings")}
    every = {(f"{e.tag}[{e.get('idx')}]" if e.get("idx") and e.tag == "fkey" else e.tag):
             e.text or "" for e in root.find("phone-settings")}
    host = s["user_host"]
    return {"all": every, "user": s["user_name"], "auth": s["user_pname"], "password": s["user_pass"],
            "display": s["user_realname"], "label": s["user_idle_text"],
            "server": tuple(host.rsplit(":", 1)),
            "transport": s["user_outbound"].endswith(";transport=tcp")}


def read_grandstream(cli, path, device):
    name = "cfg" + mac_of(device) + ".xml"
    root = xml_root(device["id"], name, render(cli, path, device["id"], name))
    check(root.findtext("mac") == mac_of(device), f"{device['id']}: <mac>")
    p = {e.tag: e.text or "" for e in root.find("config")}
    return {"all": p, "user": p["P35"], "auth": p["P36"], "password": p["P34"], "display": p["P3"],
            "label": p["P270"], "server": tuple(p["P47"].rsplit(":", 1)),
            "transport": p["P130"] == "1"}


def read_polycom(cli, path, device):
    master = xml_root(device["id"], "000000000000.cfg",
                      render(cli, path, device["id"], "000000000000.cfg"))
    check(master.get("CONFIG_FILES") == "[PHONE_MAC_ADDRESS]-callplan.cfg", "polycom master")
    name = mac_of(device) + "-callplan.cfg"
    root = xml_root(device["id"], name, render(cli, path, device["id"], name))
    a = {}
    for element in root:
        for key, value in element.attrib.items():
            check(key.startswith(element.tag + "."), f"{device['id']}: {key} in <{element.tag}>")
            a[key] = value
    return {"all": a, "user": a["reg.1.address"], "auth": a["reg.1.auth.userId"],
            "password": a["reg.1.auth.password"], "display": a["reg.1.displayName"],
            "label": a["reg.1.label"],
            "server": (a["reg.1.server.1.address"], a["reg.1.server.1.port"]),
            "transport": a["reg.1.server.1.transport"] == "TCPOnly"}


READERS = {"yealink": read_yealink, "snom": read_snom, "grandstream": read_grandstream,
           "polycom": read_polycom}


def main():
    cli = sys.argv[1]
    seen = set()
    extra_keys = 0
    for rel in ("examples/acme/acme.yaml", "tests/provision/fixtures/phones.yaml"):
        path = ROOT / rel
        tenant = load_tenant(path)
        for device in tenant["devices"]:
            brand = device.get("brand", "other")
            password = device.get("sip", {}).get("password", "")
            value_with_newline = "\n" in password or any(
                "\n" in u.get("last_name", "") for u in tenant["users"]
                if u["extension"] == device.get("user"))
            if brand not in READERS or "mac" not in device or not password or (
                    brand == "yealink" and value_with_newline):
                continue  # refused: checked by the exit codes below
            got = READERS[brand](cli, path, device)
            want = expected(tenant, device)
            for key in ("user", "password", "display", "label"):
                check(got[key] == want[key],
                      f"{device['id']} ({brand}) {key}: {got[key]!r} != {want[key]!r}")
            check(got["auth"] == want["user"], f"{device['id']}: auth name {got['auth']!r}")
            check(got["server"] == SERVER, f"{device['id']}: server {got['server']}")
            check(got["transport"], f"{device['id']}: transport is not tcp")
            for key, value in expected_extra(tenant, device).items():
                check(got["all"].get(key) == value,
                      f"{device['id']} ({brand}) provisioning key {key}: "
                      f"{got['all'].get(key)!r} != {value!r}")
                extra_keys += 1
            seen.add(brand)
    check(seen == set(READERS), f"brands read back: {sorted(seen)}")
    check(extra_keys >= 10, f"only {extra_keys} provisioning keys read back")

    # Devices that cannot be provisioned: exit 2 and one clear line on stderr, nothing on stdout.
    phones = ROOT / "tests/provision/fixtures/phones.yaml"
    acme = ROOT / "examples/acme/acme.yaml"
    for tenant, device, words in ((phones, "hash-only", "only a hash"),
                                  (phones, "lines-yealink", "line break"),
                                  (acme, "carla-desk", "no `mac`"),
                                  (acme, "anna-softphone", "brand `other`"),
                                  (acme, "no-such-device", "no device")):
        out = subprocess.run([cli, "provision", "render", str(tenant), "--device", device],
                             capture_output=True, text=True, check=False)
        check(out.returncode == 2 and words in out.stderr and out.stdout == "",
              f"{device}: exit {out.returncode}, stderr {out.stderr!r}")
    out = subprocess.run([cli, "provision", "render", str(acme), "--device", "reception",
                          "--server", "pbx:99999"], capture_output=True, text=True, check=False)
    check(out.returncode == 2 and "--server" in out.stderr, f"bad --server: {out.stderr!r}")

    for failure in failures:
        print("FAIL:", failure)
    print(f"provision read-back: {len(seen)} brands, {extra_keys} provisioning keys, "
          f"{len(failures)} failures")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
