#!/usr/bin/env bash
# A real call over loopback into `callplan serve` on examples/acme, left as a voicemail: sipp
# plays the carrier (127.0.0.2) calling the main line with RTP (3 s of tone, then #), serve
# answers on its own media side (no phone is registered, so the plan ends in Anna's mailbox),
# the media process stores the WAV and mails it to an aiosmtpd sink. Shows the message's WAV,
# its JSON record and the mail at the end. Everything it starts is stopped by PID; files stay
# in a temporary folder, printed at the end.
# Usage: scripts/demo_voicemail.sh [CALLPLAN_BINARY]   (default build/release/tools/callplan/callplan)
set -euo pipefail
cd "$(dirname "$0")/.."
callplan=$(realpath "${1:-build/release/tools/callplan/callplan}")
work=$(mktemp -d /tmp/callplan-demo-XXXXXX)
sip_port=21060 smtp_port=21025 carrier_port=21070
pids=()
cleanup() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; }
trap cleanup EXIT

echo "== mail sink (aiosmtpd) on 127.0.0.1:$smtp_port, serve on udp:127.0.0.1:$sip_port"
/usr/bin/python3 -m aiosmtpd -n -l "127.0.0.1:$smtp_port" \
  -c aiosmtpd.handlers.Mailbox "$work/maildir" 2>"$work/smtp.log" &
pids+=($!)
"$callplan" serve examples/acme/acme.yaml --listen "udp:127.0.0.1:$sip_port" \
  --trunk "127.0.0.2:$carrier_port" --state-dir "$work/state" --rtp-ports 30000-30499 \
  --smtp "smtp://127.0.0.1:$smtp_port" --mail-from voicemail@acme.example 2>"$work/serve.log" &
pids+=($!)
for _ in $(seq 50); do grep -q "media side: connected" "$work/serve.log" && break; sleep 0.1; done
grep -q "media side: connected" "$work/serve.log" || { cat "$work/serve.log"; exit 1; }

echo "== the carrier calls +31881234567 and leaves 3 s of tone, ended by #"
/usr/bin/python3 -c "
import sys; sys.path.insert(0, 'tests/sip/e2e')
from pathlib import Path
from rtp_pcap import tone_then_key
tone_then_key(Path('$work/message.pcap'), 3.0)"
sed "s|PCAP_FILE|$work/message.pcap|" tests/sip/e2e/scenarios/own_media_voicemail.xml >"$work/caller.xml"
# -d: the wait for the greeting and the tone before the caller speaks
(cd "$work" && sipp -sf caller.xml -i 127.0.0.2 -p "$carrier_port" -mi 127.0.0.2 -mp 30800 \
  -m 1 -d 7500 -nostdin -timeout 40s -key called +31881234567 -key caller +31201234567 \
  "127.0.0.1:$sip_port" >/dev/null 2>"$work/sipp.log")
echo "(sipp exit 0: answered by serve, and serve hung up once the message was stored)"

for _ in $(seq 100); do [ -n "$(ls -A "$work/maildir/new" 2>/dev/null)" ] && break; sleep 0.1; done
echo
echo "== serve's log"
grep -E "callplan serve: call|media: (recorded|mail)" "$work/serve.log" || true
wav=$(find "$work/state/voicemail" -name message.wav | head -1)
echo
echo "== the message: $wav"
/usr/bin/python3 -c "
import wave; w = wave.open('$wav')
print(f'{w.getnframes() / w.getframerate():.2f} s, {w.getframerate()} Hz, {w.getnchannels()} channel(s)')"
cat "$(dirname "$wav")/message.json"; echo
echo
echo "== the mail"
mail=$(find "$work/maildir/new" -type f | head -1)
[ -n "$mail" ] || { echo "no mail arrived"; exit 1; }
/usr/bin/python3 -c "
import email, email.policy
m = email.message_from_binary_file(open('$mail', 'rb'), policy=email.policy.default)
print('To:', m['To']); print('Subject:', m['Subject'])
for part in m.iter_attachments():
    print('attachment:', part.get_content_type(), part.get_filename(), len(part.get_content()), 'bytes')"
echo
echo "(files in $work)"
