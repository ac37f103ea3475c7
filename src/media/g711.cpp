// G.711 by its segment structure: a magnitude is biased so that each segment starts at a
// power of two, the segment is then the position of the top bit and the level the next four
// bits. The per-sample functions compute it, so the code reads as the standard's tables do
// (tests/media/g711_test.cpp checks every value against them). Whole frames, what every
// packet of every leg goes through, use tables made once from those functions: 256 values
// per codec to decode, 65,536 codes per codec to encode (64 KiB each).
#include "media/g711.hpp"

#include <algorithm>
#include <array>
#include <bit>
#include <cctype>

namespace callplan::media {
namespace {

// |x| without overflow for -32768.
unsigned magnitude(std::int16_t x) noexcept {
  return x < 0 ? static_cast<unsigned>(-static_cast<int>(x)) : static_cast<unsigned>(x);
}

constexpr unsigned kUlawBias = 33;      // in the 14-bit domain: segment e starts at 2^(e+5) - 33
constexpr unsigned kUlawClip = 8158;    // 8158 + 33 = 8191: the top of segment 7
constexpr unsigned kAlawMax = 4095;     // 13-bit magnitude

}  // namespace

std::uint8_t static_payload_type(Codec codec) noexcept { return codec == Codec::pcmu ? 0 : 8; }

std::string_view encoding_name(Codec codec) noexcept {
  return codec == Codec::pcmu ? "PCMU" : "PCMA";
}

std::optional<Codec> codec_named(std::string_view name) noexcept {
  auto equals = [&](std::string_view want) {
    return std::equal(name.begin(), name.end(), want.begin(), want.end(), [](char a, char b) {
      return std::toupper(static_cast<unsigned char>(a)) == b;
    });
  };
  if (equals("PCMU")) return Codec::pcmu;
  if (equals("PCMA")) return Codec::pcma;
  return std::nullopt;
}

std::uint8_t silence_code(Codec codec) noexcept { return codec == Codec::pcmu ? 0xFF : 0xD5; }

std::uint8_t linear_to_ulaw(std::int16_t sample) noexcept {
  unsigned biased = std::min(magnitude(sample) >> 2, kUlawClip) + kUlawBias;  // 33 .. 8191
  auto segment = static_cast<unsigned>(std::bit_width(biased)) - 6;           // 0 .. 7
  unsigned level = (biased >> (segment + 1)) & 0x0F;
  // Sent inverted; before inversion the sign bit is 1 for negative values.
  unsigned sign = sample < 0 ? 0x80 : 0x00;
  return static_cast<std::uint8_t>(~(sign | (segment << 4) | level));
}

std::int16_t ulaw_to_linear(std::uint8_t code) noexcept {
  unsigned bits = ~code & 0xFFu;
  unsigned segment = (bits >> 4) & 0x07;
  unsigned level = bits & 0x0F;
  // ((2 * level + 33) << segment) - 33 in the 14-bit domain, times 4.
  int value = static_cast<int>(((level << 3) + 0x84) << segment) - 0x84;
  return static_cast<std::int16_t>((bits & 0x80) ? -value : value);
}

std::uint8_t linear_to_alaw(std::int16_t sample) noexcept {
  unsigned value = std::min(magnitude(sample) >> 3, kAlawMax);  // 13-bit magnitude
  unsigned segment = 0;
  unsigned level = 0;
  if (value < 32) {
    level = value >> 1;  // segment 0: steps of 2 from 0
  } else {
    segment = static_cast<unsigned>(std::bit_width(value)) - 5;  // 32..63 -> 1, 2048.. -> 7
    level = (value >> segment) & 0x0F;
  }
  unsigned sign = sample < 0 ? 0x00 : 0x80;  // A-law: sign bit 1 is positive
  return static_cast<std::uint8_t>((sign | (segment << 4) | level) ^ 0x55);
}

std::int16_t alaw_to_linear(std::uint8_t code) noexcept {
  unsigned bits = code ^ 0x55u;
  unsigned segment = (bits >> 4) & 0x07;
  unsigned level = bits & 0x0F;
  // Reconstruction at the middle of the decision interval, in the 13-bit domain times 8.
  int value = segment == 0 ? static_cast<int>((level << 4) + 8)
                           : static_cast<int>(((level << 4) + 0x108) << (segment - 1));
  return static_cast<std::int16_t>((bits & 0x80) ? value : -value);
}

namespace {

struct EncodeTables {
  std::array<std::uint8_t, 65536> ulaw;
  std::array<std::uint8_t, 65536> alaw;
  EncodeTables() noexcept {
    for (std::size_t i = 0; i < 65536; ++i) {
      auto sample = static_cast<std::int16_t>(static_cast<std::uint16_t>(i));
      ulaw[i] = linear_to_ulaw(sample);
      alaw[i] = linear_to_alaw(sample);
    }
  }
};

struct DecodeTables {
  std::array<std::int16_t, 256> ulaw;
  std::array<std::int16_t, 256> alaw;
  DecodeTables() noexcept {
    for (std::size_t i = 0; i < 256; ++i) {
      ulaw[i] = ulaw_to_linear(static_cast<std::uint8_t>(i));
      alaw[i] = alaw_to_linear(static_cast<std::uint8_t>(i));
    }
  }
};

// Made at the first use (thread-safe static initialisation).
const EncodeTables& encode_tables() noexcept {
  static const EncodeTables tables;
  return tables;
}
const DecodeTables& decode_tables() noexcept {
  static const DecodeTables tables;
  return tables;
}

}  // namespace

std::size_t encode(Codec codec, std::span<const std::int16_t> in,
                   std::span<std::uint8_t> out) noexcept {
  std::size_t n = std::min(in.size(), out.size());
  const auto& table = codec == Codec::pcmu ? encode_tables().ulaw : encode_tables().alaw;
  for (std::size_t i = 0; i < n; ++i) out[i] = table[static_cast<std::uint16_t>(in[i])];
  return n;
}

std::size_t decode(Codec codec, std::span<const std::uint8_t> in,
                   std::span<std::int16_t> out) noexcept {
  std::size_t n = std::min(in.size(), out.size());
  const auto& table = codec == Codec::pcmu ? decode_tables().ulaw : decode_tables().alaw;
  for (std::size_t i = 0; i < n; ++i) out[i] = table[in[i]];
  return n;
}

}  // namespace callplan::media
