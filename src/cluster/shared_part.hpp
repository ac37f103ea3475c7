// cluster/shared_part.hpp — something a node shares through Redis besides its registrations
// (round-robin positions: shared_round_robin.hpp). SharedRegistrations owns the link to Redis
// and drives every part with it: each part has its own channel and scripts, and takes part in
// every resync, so "in step with Redis" means every part is.
//
//   SharedRoundRobin positions(shared.link(), ...);
//   shared.add(positions, channel, {script source...});   // before shared.start()
#pragma once

#include <functional>
#include <string>
#include <string_view>

namespace callplan::cluster {

class SharedPart {
 public:
  virtual ~SharedPart() = default;

  // The link is ready (at start, and again after every outage): write what Redis may lack,
  // read what it holds, and call `done` once that read is applied. Not called back when the
  // link is lost first (resync comes again with the next connection). Messages published
  // meanwhile are held by the caller and given to message() after every part is done.
  virtual void resync(std::function<void()> done) = 0;
  // The link is lost: what was sent and not confirmed may or may not be in Redis.
  virtual void down() = 0;
  // A message on this part's channel (the node's own included: it says where they stand in
  // Redis's order).
  virtual void message(std::string_view payload) = 0;
  // For the "in step" line: "2 round-robin position(s)".
  virtual std::string summary() const = 0;
};

}  // namespace callplan::cluster
