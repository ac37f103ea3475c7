#!/bin/sh
# Regenerates the prompts this example names (plans.yaml) as 8 kHz mono 16-bit WAV files, the
# format the media side plays without resampling. The committed files are the reference:
# simulated timelines and golden traces count their lengths (SPEC 3.9), so regenerate only to
# change the words, and update the traces and tests.yaml with it.
#   sh examples/acme/make-prompts.sh
set -eu
cd "$(dirname "$0")"
say() {  # say FILE WORDS: Dutch speech (tenant country NL), 150 words per minute
  espeak-ng -v nl -s 150 -w "$1.tmp.wav" "$2"
  sox "$1.tmp.wav" -r 8000 -c 1 -b 16 -e signed-integer "$1"
  rm -f "$1.tmp.wav"
}
say closed.wav "Welkom bij Acme. We zijn nu gesloten. Spreek na de toon een bericht in."
say service-menu.wav "Voor verkoop, kies 1. Voor support, kies 2. Voor de receptie, kies 0."
