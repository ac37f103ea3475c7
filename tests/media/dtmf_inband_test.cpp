// In-band DTMF (spandsp's detector behind InbandDtmfDetector): every key from spandsp's
// generator and from sine pairs made here, through both G.711 laws; and no key at all in a
// minute of speech rendered by espeak-ng at test time.
#include "media/dtmf_inband.hpp"

#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <numbers>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "media/g711.hpp"

namespace callplan::media {
namespace {

constexpr const char* kAllKeys = "0123456789*#ABCD";

std::string detect(const std::vector<std::int16_t>& audio, std::size_t frame = 160) {
  InbandDtmfDetector detector;
  std::string digits;
  for (std::size_t at = 0; at < audio.size(); at += frame) {
    std::size_t n = std::min(frame, audio.size() - at);
    digits += detector.feed(std::span(audio).subspan(at, n));
  }
  return digits;
}

std::vector<std::int16_t> through(Codec codec, const std::vector<std::int16_t>& audio) {
  std::vector<std::uint8_t> coded(audio.size());
  std::vector<std::int16_t> out(audio.size());
  encode(codec, audio, coded);
  decode(codec, coded, out);
  return out;
}

// A key as the two sines of Q.23, `amplitude` each, then silence.
void append_key(std::vector<std::int16_t>& out, char key, double amplitude, int on_ms, int off_ms) {
  static const double rows[] = {697, 770, 852, 941};
  static const double cols[] = {1209, 1336, 1477, 1633};
  static const std::string pad = "123A456B789C*0#D";
  std::size_t at = pad.find(key);
  double low = rows[at / 4], high = cols[at % 4];
  for (int i = 0; i < on_ms * 8; ++i) {
    double t = i / 8000.0;
    double v = amplitude * (std::sin(2 * std::numbers::pi * low * t) +
                            std::sin(2 * std::numbers::pi * high * t));
    out.push_back(static_cast<std::int16_t>(std::lround(v)));
  }
  out.insert(out.end(), static_cast<std::size_t>(off_ms) * 8, 0);
}

TEST(InbandDtmf, DetectsEveryKeyFromSpandspsGenerator) {
  std::vector<std::int16_t> audio = dtmf_tones(kAllKeys, 80, 80);
  ASSERT_EQ(audio.size(), 16u * (80 + 80) * 8);
  EXPECT_EQ(detect(audio), kAllKeys);
  EXPECT_EQ(detect(through(Codec::pcmu, audio)), kAllKeys);
  EXPECT_EQ(detect(through(Codec::pcma, audio)), kAllKeys);
  // Frames of any size: the detector keeps its state across calls.
  EXPECT_EQ(detect(audio, 37), kAllKeys);
}

TEST(InbandDtmf, DetectsEveryKeyFromPlainSinePairs) {
  for (double amplitude : {6000.0, 1500.0, 300.0}) {  // about -11, -23 and -37 dBm0 per tone
    std::vector<std::int16_t> audio(800, 0);
    for (const char* k = kAllKeys; *k; ++k) append_key(audio, *k, amplitude, 60, 60);
    EXPECT_EQ(detect(through(Codec::pcmu, audio)), kAllKeys) << "amplitude " << amplitude;
    EXPECT_EQ(detect(through(Codec::pcma, audio)), kAllKeys) << "amplitude " << amplitude;
  }
}

TEST(InbandDtmf, OneDigitPerKeyHoweverLongItIsHeld) {
  std::vector<std::int16_t> audio;
  append_key(audio, '5', 4000, 2000, 100);
  append_key(audio, '5', 4000, 50, 100);
  EXPECT_EQ(detect(audio), "55");
}

TEST(InbandDtmf, IgnoresSilenceASingleToneAndTooShortKeys) {
  std::vector<std::int16_t> audio(8000 * 2, 0);
  for (int i = 0; i < 8000; ++i) {
    audio.push_back(static_cast<std::int16_t>(6000 * std::sin(2 * std::numbers::pi * 697 * i / 8000.0)));
  }
  append_key(audio, '1', 4000, 15, 200);  // 15 ms: shorter than Q.24's 40 ms minimum
  EXPECT_EQ(detect(audio), "");
}

// --- speech ----------------------------------------------------------------------------------

bool have(const char* program) {
  std::string command = std::string("command -v ") + program + " >/dev/null 2>&1";
  return std::system(command.c_str()) == 0;
}

std::vector<std::int16_t> read_raw(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::vector<char> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::vector<std::int16_t> samples(bytes.size() / 2);
  for (std::size_t i = 0; i < samples.size(); ++i) {
    auto lo = static_cast<unsigned char>(bytes[2 * i]);
    auto hi = static_cast<unsigned char>(bytes[2 * i + 1]);
    samples[i] = static_cast<std::int16_t>(lo | hi << 8);
  }
  return samples;
}

// Paragraphs in the languages callplan speaks (tenant.language), with digits, names and
// numbers in them: speech that a weak detector mistakes for keys (talk-off).
const char* const kSpeech[][2] = {
    {"en",
     "Thank you for calling Acme. Our offices are open from nine in the morning until five "
     "thirty in the afternoon, Monday to Friday. For sales, press one. For support, press two. "
     "To reach the reception, stay on the line. Please note that calls may be recorded for "
     "training purposes. Jan de Vries is not available, please leave a message after the "
     "tone. Your call is important to us, and one of our colleagues will be with you shortly. "
     "The quick brown fox jumps over the lazy dog while the telephone rings and rings."},
    {"nl",
     "Welkom bij Acme. Wij zijn bereikbaar van negen uur tot half zes, van maandag tot en met "
     "vrijdag. Kies een voor verkoop en twee voor ondersteuning. Blijf aan de lijn voor de "
     "receptie. Gesprekken kunnen worden opgenomen voor trainingsdoeleinden. Marieke Jansen "
     "is niet bereikbaar, spreek een bericht in na de toon. Een ogenblik geduld alstublieft, "
     "u wordt zo spoedig mogelijk geholpen door een van onze medewerkers."},
    {"de",
     "Vielen Dank für Ihren Anruf. Unser Büro ist von neun bis siebzehn Uhr dreißig besetzt. "
     "Für den Verkauf drücken Sie bitte die Eins, für den Kundendienst die Zwei. Bitte bleiben "
     "Sie am Apparat, der nächste freie Mitarbeiter ist gleich für Sie da."},
    {"en-us+f3",
     "Hello, this is Susan from accounting, calling back about invoice number four four seven "
     "two nine. Could you please call me at five five five, one two three four, before "
     "Thursday? Thanks a lot, and have a wonderful weekend. Bye bye now."},
};

TEST(InbandDtmf, NoDigitsInAMinuteOfSpeech) {
  ASSERT_TRUE(have("espeak-ng"))
      << "espeak-ng is not installed: the in-band DTMF talk-off test needs it to render speech "
         "(scripts/install-deps.sh installs it)";
  ASSERT_TRUE(have("sox")) << "sox is not installed: the in-band DTMF talk-off test needs it "
                              "to resample speech to 8 kHz (scripts/install-deps.sh installs it)";
  const auto dir = std::filesystem::temp_directory_path() /
                   ("callplan-media-speech-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  std::vector<std::int16_t> speech;
  int part = 0;
  // Until a minute is there: the paragraphs again at other speeds and pitches if needed.
  for (int round = 0; speech.size() < 8000u * 62 && round < 6; ++round) {
    for (const auto& [voice, text] : kSpeech) {
      const auto wav = dir / ("part" + std::to_string(part) + ".wav");
      const auto raw = dir / ("part" + std::to_string(part) + ".raw");
      ++part;
      std::string speak = "espeak-ng -v " + std::string(voice) + " -s " +
                          std::to_string(150 + 20 * round) + " -p " + std::to_string(30 + 15 * round) +
                          " -w '" + wav.string() + "' '" + text + "'";
      ASSERT_EQ(std::system(speak.c_str()), 0) << speak;
      std::string resample = "sox '" + wav.string() +
                             "' -t raw -r 8000 -e signed-integer -b 16 -c 1 -L '" + raw.string() + "'";
      ASSERT_EQ(std::system(resample.c_str()), 0) << resample;
      std::vector<std::int16_t> samples = read_raw(raw);
      ASSERT_GT(samples.size(), 8000u) << raw;
      speech.insert(speech.end(), samples.begin(), samples.end());
    }
  }
  std::filesystem::remove_all(dir);
  ASSERT_GE(speech.size(), 8000u * 60) << "less than a minute of speech was rendered";

  EXPECT_EQ(detect(speech), "") << "talk-off in linear speech";
  EXPECT_EQ(detect(through(Codec::pcmu, speech)), "") << "talk-off in PCMU speech";
  EXPECT_EQ(detect(through(Codec::pcma, speech)), "") << "talk-off in PCMA speech";
  // Louder speech (+6 dB, clipped as a hot microphone would) must not press keys either.
  std::vector<std::int16_t> loud(speech.size());
  for (std::size_t i = 0; i < speech.size(); ++i) {
    loud[i] = static_cast<std::int16_t>(std::clamp(speech[i] * 2, -32768, 32767));
  }
  EXPECT_EQ(detect(through(Codec::pcmu, loud)), "") << "talk-off in loud speech";

  // The same speech with keys pressed over it: all of them are still heard.
  std::vector<std::int16_t> keys;
  for (const char* k = kAllKeys; *k; ++k) append_key(keys, *k, 5000, 100, 900);
  std::vector<std::int16_t> mixed(speech.begin(), speech.begin() + static_cast<long>(keys.size()));
  for (std::size_t i = 0; i < keys.size(); ++i) {
    mixed[i] = static_cast<std::int16_t>(std::clamp(mixed[i] / 4 + keys[i], -32768, 32767));
  }
  EXPECT_EQ(detect(through(Codec::pcmu, mixed)), kAllKeys);
}

}  // namespace
}  // namespace callplan::media
