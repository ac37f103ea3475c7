// cluster/redis_credentials.hpp — how a node proves itself to a Redis that asks for it
// (`callplan serve --cluster-auth-file PATH`, docs/cluster.md "Redis with a password"):
// Redis's AUTH, with the password of its `requirepass` (the default user) or of an ACL user.
//
// The file is the operator's, never the command line (which every local user can read in
// /proc): one line with the password, or two lines, the ACL user's name and then its
// password. A final line feed (and a CR before it) is not part of them. Like the cluster
// secret, the file must not be readable by every user of the machine.
//
//   users.acl on Redis:   user callplan on >s3cret ~callplan:* &callplan:* +@all
//   the node's file:      callplan
//                         s3cret
#pragma once

#include <filesystem>
#include <optional>
#include <string>

namespace callplan::cluster {

struct RedisCredentials {
  std::string user;      // "" for the default user (`requirepass`)
  std::string password;  // "" for none: no AUTH is sent
};

// The file's credentials; nullopt with `error` set (a sentence naming the file and what is
// wrong: missing, not a regular file, readable by others, empty, more than two lines, a name
// with a space).
std::optional<RedisCredentials> read_redis_credentials(const std::filesystem::path& file,
                                                       std::string& error);

}  // namespace callplan::cluster
