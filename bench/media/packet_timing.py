#!/usr/bin/python3
"""When the RTP packets of a port range left, as the kernel saw them on the loopback device:
the interval between consecutive packets (by RTP sequence number) of each stream. Run by
bench/media/sipp_bench.py as its own process for the measured window.

Two directions are told apart: `sent` are the packets the media side sends (source address
--media-ip, source port in --ports), one stream per source port; `received` are the packets
sent to it (destination port in --ports), one stream per destination port, which shows how
evenly the far end (sipp) keeps its 20 ms.

A packet socket (AF_PACKET) on `lo` sees each datagram twice there, once outgoing and once
incoming, at about the same moment; a classic BPF filter keeps the outgoing copy of IPv4 UDP
packets of the port range only, in the kernel, so the rest of the machine's loopback traffic
costs a few instructions per packet. Timestamps are the kernel's (SO_TIMESTAMPNS), taken
when the packet was handed to the device: the sender's own timing, not ours. Needs root (or
CAP_NET_RAW). Prints one JSON object on stdout at the end (SIGTERM, or --seconds)."""

from __future__ import annotations

import argparse
import array
import ctypes
import ipaddress
import json
import resource
import signal
import socket
import struct
import time

ETH_P_ALL = 0x0003
SO_ATTACH_FILTER = 26
SO_TIMESTAMPNS = getattr(socket, "SO_TIMESTAMPNS", 35)
PACKET_OUTGOING = 4
SKF_AD_PKTTYPE = 0xFFFFF000 + 4  # SKF_AD_OFF + SKF_AD_PKTTYPE: the packet's direction


# Classic BPF opcodes (linux/filter.h), as tcpdump -dd prints them.
OPCODES = {"ldb": 0x30, "ldh": 0x28, "ldh_ind": 0x48, "ldxb_msh": 0xB1, "ret": 0x06,
           "jeq": 0x15, "jge": 0x35, "jgt": 0x25, "jset": 0x45}


def assemble(source: list) -> list[tuple[int, int, int, int]]:
    """(op, k) and (jump, k, if-true, if-false) with label names ("name:" lines) or None for
    the next instruction, to (code, jt, jf, k) with relative jumps."""
    labels, at = {}, 0
    for item in source:
        if isinstance(item, str):
            labels[item.rstrip(":")] = at
        else:
            at += 1
    out: list[tuple[int, int, int, int]] = []
    for item in source:
        if isinstance(item, str):
            continue
        here = len(out) + 1  # jumps count from the next instruction
        if len(item) == 4:
            op, k, if_true, if_false = item
            jt = 0 if if_true is None else labels[if_true] - here
            jf = 0 if if_false is None else labels[if_false] - here
            out.append((OPCODES[op], jt, jf, k))
        else:
            op, k = item
            out.append((OPCODES[op], 0, 0, k))
    return out


def bpf_program(lo: int, hi: int) -> list[tuple[int, int, int, int]]:
    """Keep outgoing IPv4 UDP packets (first fragments) whose source or destination port is
    in lo..hi; drop the rest in the kernel."""
    return assemble([
        ("ldb", SKF_AD_PKTTYPE),
        ("jeq", PACKET_OUTGOING, None, "drop"),
        ("ldh", 12),                      # ethertype
        ("jeq", 0x0800, None, "drop"),
        ("ldb", 23),                      # IP protocol
        ("jeq", 17, None, "drop"),
        ("ldh", 20),                      # fragment offset
        ("jset", 0x1FFF, "drop", None),
        ("ldxb_msh", 14),                 # X = IP header length
        ("ldh_ind", 14),                  # source port
        ("jge", lo, None, "destination"),
        ("jgt", hi, "destination", "keep"),
        "destination:",
        ("ldh_ind", 16),                  # destination port
        ("jge", lo, None, "drop"),
        ("jgt", hi, "drop", "keep"),
        "keep:",
        ("ret", 0x40000),
        "drop:",
        ("ret", 0),
    ])


def attach(sock: socket.socket, program: list[tuple[int, int, int, int]]) -> None:
    raw = b"".join(struct.pack("HBBI", *insn) for insn in program)
    buf = ctypes.create_string_buffer(raw)
    fprog = struct.pack("HL", len(program), ctypes.addressof(buf))
    sock.setsockopt(socket.SOL_SOCKET, SO_ATTACH_FILTER, fprog)
    attach.keep = buf  # type: ignore[attr-defined]  # the kernel copied it; keep it anyway


def summary(intervals_ns: array.array, packets: int, streams: int) -> dict:
    values = sorted(intervals_ns)
    n = len(values)

    def pct(p: float) -> float:
        return round(values[min(n - 1, int(p / 100 * n))] / 1e6, 3) if n else float("nan")

    within = sum(1 for v in values if 18_000_000 <= v <= 22_000_000)
    return {"packets": packets, "streams": streams, "intervals": n,
            "within_18_22": round(within / n, 5) if n else None,
            "p0.1_ms": pct(0.1), "p1_ms": pct(1), "p50_ms": pct(50), "p99_ms": pct(99),
            "p99.9_ms": pct(99.9), "max_ms": round(values[-1] / 1e6, 3) if n else None}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--ports", required=True, help="LO-HI: the media side's RTP ports")
    parser.add_argument("--media-ip", default="127.0.0.1")
    parser.add_argument("--seconds", type=float, default=3600)
    args = parser.parse_args()
    lo, _, hi = args.ports.partition("-")
    lo_port, hi_port = int(lo), int(hi)
    media_ip = ipaddress.IPv4Address(args.media_ip).packed

    sock = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P_ALL))
    attach(sock, bpf_program(lo_port, hi_port))
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 8 << 20)
    sock.setsockopt(socket.SOL_SOCKET, SO_TIMESTAMPNS, 1)
    sock.bind(("lo", ETH_P_ALL))
    sock.settimeout(0.2)

    stop = False

    def on_term(*_: object) -> None:
        nonlocal stop
        stop = True

    signal.signal(signal.SIGTERM, on_term)
    signal.signal(signal.SIGINT, on_term)
    sent, received = array.array("q"), array.array("q")
    last: dict[tuple[int, int], tuple[int, int]] = {}
    counts = [0, 0]
    ancillary = socket.CMSG_SPACE(16)
    deadline = time.monotonic() + args.seconds
    while not stop and time.monotonic() < deadline:
        try:
            data, anc, _, addr = sock.recvmsg(2048, ancillary)
        except (socket.timeout, InterruptedError):
            continue
        if addr[2] != PACKET_OUTGOING or len(data) < 14 + 20 + 8 + 12:
            continue
        ihl = (data[14] & 0x0F) * 4
        udp = 14 + ihl
        sport, dport = struct.unpack_from("!HH", data, udp)
        if data[26:30] == media_ip and lo_port <= sport <= hi_port:
            direction, port, out = 0, sport, sent
        elif lo_port <= dport <= hi_port:
            direction, port, out = 1, dport, received
        else:
            continue
        ns = 0
        for level, kind, value in anc:
            if level == socket.SOL_SOCKET and kind == SO_TIMESTAMPNS:
                sec, nsec = struct.unpack("@qq", value[:16])
                ns = sec * 1_000_000_000 + nsec
        seq, = struct.unpack_from("!H", data, udp + 8 + 2)
        counts[direction] += 1
        key = (direction, port)
        before = last.get(key)
        if before is not None and seq == (before[0] + 1) & 0xFFFF:
            out.append(ns - before[1])
        last[key] = (seq, ns)

    usage = resource.getrusage(resource.RUSAGE_SELF)
    streams = [sum(1 for d, _ in last if d == k) for k in (0, 1)]
    print(json.dumps({"sent": summary(sent, counts[0], streams[0]),
                      "received": summary(received, counts[1], streams[1]),
                      "cpu_s": round(usage.ru_utime + usage.ru_stime, 2)}), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
