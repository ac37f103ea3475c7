#!/usr/bin/env bash
# Installs everything callplan needs to build, test, fuzz and benchmark on Debian bookworm.
# Idempotent: apt-get skips what is already there. Run as root (or with sudo).
set -euo pipefail

packages=(
  # toolchain
  build-essential cmake ninja-build pkg-config git clang-14 libclang-rt-14-dev lld-14
  # libraries (libboost-dev: Boost.Beast and Boost.Asio for the HTTP server, src/http)
  libyaml-cpp-dev libboost-graph-dev libboost-dev libfmt-dev pybind11-dev libcli11-dev
  libhowardhinnant-date-dev nlohmann-json3-dev libasio-dev libssl-dev tzdata
  # tests and benchmarks
  googletest libgtest-dev libgmock-dev libbenchmark-dev librapidcheck-dev
  # Python (Debian's interpreter, never PyPI)
  python3 python3-dev python3-pytest python3-hypothesis python3-dateutil
  python3-jsonschema python3-mypy python3-yaml
  # `pip install --no-build-isolation .` in a --system-site-packages venv (docs/python.md)
  python3-venv python3-setuptools python3-wheel python3-pip
  # graphs
  graphviz
  # SIP peers for the server's end-to-end tests and benchmark (docs/sip-server.md)
  sip-tester sipvicious kamailio
  # Prometheus' own text-format parser, for the `serve --metrics` test (tests/sip/metrics)
  python3-prometheus-client
  # the media side (docs/media.md, docs/voicemail.md): spandsp for in-band DTMF and tones;
  # libsndfile, libsamplerate for prompts; espeak-ng speaks text prompts (a program, never
  # linked); libcurl sends voicemail mail; sox, aiosmtpd and openssl (a STARTTLS mail sink)
  # for their tests; liburing batches the media process's RTP system calls (src/media/packet_io*)
  libspandsp-dev liburing-dev espeak-ng sox libsndfile1-dev libsamplerate0-dev libcurl4-openssl-dev
  python3-aiosmtpd openssl
  # the state store of `callplan serve` (docs/state.md): SQLite, embedded; valgrind counts
  # what a REGISTER costs with and without it (bench/sip/state_callgrind.py)
  libsqlite3-dev valgrind
  # `callplan serve --cluster` (docs/cluster.md): the hiredis client; Redis itself for its
  # tests (tests/cluster), started by each test on a Unix socket
  libhiredis-dev redis-server
  # real softphones for the server's end-to-end tests (tests/sip/e2e/test_sip_phones.py,
  # test_linphone.py); faketime moves the server's clock so that test_phones_acme.py plays
  # the example's office hours and its closed branch in every run
  baresip linphone-cli faketime
  # provisioning tests (docs/provisioning.md): xmllint checks every rendered XML file
  libxml2-utils
  # the panel (docs/panel.md): Argon2id password hashes; Debian's Chromium for its browser
  # tests (Playwright drives it; Node.js >= 20.19 and npm come with the machine)
  libsodium-dev chromium
  # the Debian package (docs/operations.md): dpkg-shlibdeps for cpack's Depends, and
  # systemd-analyze, which tests/package/check_deb.sh runs on the unit
  dpkg-dev systemd
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if ((${#missing[@]})); then
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
echo "install-deps: all ${#packages[@]} packages present"
