// bench/sip/timer_queue_pattern.cpp — what a ring-all call does to the TimerQueue, ten minutes
// of calls at 300 calls/s on a made-up clock: per call, six timers started (the 600 s
// unanswered-INVITE limit, Timer A at 0.5 s, two Timer C at 180 s, two 32 s lifetimes) and
// five of them cancelled soon after, as answers arrive. Prints the time per call, the timers
// left pending and the peak RSS. Built as bench/timer_queue_pattern (release preset:
// `cmake --build --preset release --target timer_queue_pattern`), or by hand:
//
//   g++ -std=c++20 -O2 -Isrc -o /tmp/timer_queue_pattern bench/sip/timer_queue_pattern.cpp
//       src/sip/transport/timer_queue.cpp && /tmp/timer_queue_pattern
//
// Against the previous queue (lazy deletion: build it the same way from
// `git show 3b6f07a:src/sip/transport/timer_queue.{hpp,cpp}`), docs/performance.md.
#include <sys/resource.h>

#include <chrono>
#include <cstdio>

#include "sip/transport/timer_queue.hpp"

using namespace std::chrono;
int main() {
  using callplan::sip::TimerQueue;
  TimerQueue q(TimerQueue::TimePoint{hours(1)});
  auto t = q.now();
  const int calls = 300 * 600;  // ten minutes of calls
  auto w0 = steady_clock::now();
  for (int c = 0; c < calls; ++c) {
    TimerQueue::Id ids[6];
    ids[0] = q.start(milliseconds(600000), [] {});
    ids[1] = q.start(milliseconds(500), [] {});
    ids[2] = q.start(milliseconds(180000), [] {});
    ids[3] = q.start(milliseconds(180000), [] {});
    ids[4] = q.start(milliseconds(32000), [] {});
    ids[5] = q.start(milliseconds(32000), [] {});
    for (int i = 0; i < 5; ++i) q.cancel(ids[i]);
    t += microseconds(3333);
    q.run_due(t);
  }
  double s = duration<double>(steady_clock::now() - w0).count();
  rusage u{}; getrusage(RUSAGE_SELF, &u);
  std::printf("%.0f ns per call (6 starts, 5 cancels), pending %zu, max RSS %ld MiB\n",
              s * 1e9 / calls, q.pending(), u.ru_maxrss / 1024);
}
