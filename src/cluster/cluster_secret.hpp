// cluster/cluster_secret.hpp — the secret every node of a cluster shares (`callplan serve
// --cluster-secret-file PATH`, docs/cluster.md "The cluster secret"), from which each node
// derives the key of its dialog tokens (sip/proxy/dialog_token.hpp): a call set up by one node
// is then relayed by any other, since each recognises the others' Record-Route and Contact.
//
// The file is the operator's, made once and copied to every node (`head -c 32 /dev/urandom
// > cluster.key; chmod 600 cluster.key`): at least 32 bytes, any content, not readable by
// others. It is never written to Redis: an operator who can read Redis (no password, no TLS
// yet) cannot forge a dialog.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

namespace callplan::cluster {

inline constexpr std::size_t kMinSecretBytes = 32;

// The file's bytes; nullopt with `error` set (a sentence naming the file and what is wrong:
// missing, unreadable, shorter than 32 bytes, readable by others).
std::optional<std::string> read_cluster_secret(const std::filesystem::path& file,
                                               std::string& error);

// A 32-byte key for one use of the secret: HMAC-SHA256(secret, label). Different labels give
// unrelated keys, so the dialog tokens' key says nothing about another use's.
std::string derive_key(std::string_view secret, std::string_view label);

inline constexpr std::string_view kDialogTokenLabel = "callplan cluster: dialog tokens v1";

}  // namespace callplan::cluster
