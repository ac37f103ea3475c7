// media/g711.hpp — ITU-T G.711 PCMU (µ-law) and PCMA (A-law): 16-bit linear samples to 8-bit
// code words and back.
//
//   std::array<std::int16_t, 160> frame = ...;
//   std::array<std::uint8_t, 160> payload;
//   media::encode(media::Codec::pcmu, frame, payload);
//
// The linear side is 16-bit; G.711 quantizes the magnitude (|x| / 4 for µ-law's 14-bit range,
// |x| / 8 for A-law's 13-bit range) by the decision values of its Tables 1a/2a, and the sign
// separately, so x and -x get codes of the same level. Decoding returns the reconstruction
// value of the level, scaled back to 16 bits. µ-law has a positive (0xFF) and a negative (0x7F)
// zero; both decode to 0, and 0 encodes to 0xFF.
//
// Thread safety: pure functions. No failure cases: every input has a code and every code a
// value.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

namespace callplan::media {

enum class Codec : std::uint8_t { pcmu, pcma };

// The static RTP payload type (RFC 3551): PCMU 0, PCMA 8.
std::uint8_t static_payload_type(Codec codec) noexcept;
// The SDP encoding name: "PCMU", "PCMA".
std::string_view encoding_name(Codec codec) noexcept;
// Codec for an encoding name (case-insensitive, as SDP says) or nullopt.
std::optional<Codec> codec_named(std::string_view name) noexcept;
// The code word a silent (all-zero) frame carries: 0xFF for PCMU, 0xD5 for PCMA.
std::uint8_t silence_code(Codec codec) noexcept;

std::uint8_t linear_to_ulaw(std::int16_t sample) noexcept;
std::int16_t ulaw_to_linear(std::uint8_t code) noexcept;
std::uint8_t linear_to_alaw(std::int16_t sample) noexcept;
std::int16_t alaw_to_linear(std::uint8_t code) noexcept;

// Whole frames. Converts min(in.size(), out.size()) samples and returns that count.
std::size_t encode(Codec codec, std::span<const std::int16_t> in,
                   std::span<std::uint8_t> out) noexcept;
std::size_t decode(Codec codec, std::span<const std::uint8_t> in,
                   std::span<std::int16_t> out) noexcept;

}  // namespace callplan::media
