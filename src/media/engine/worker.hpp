// media/engine/worker.hpp — the thread that does the media process's blocking work (prompt
// files, espeak-ng, voicemail store writes, mail enqueueing), so that the Asio thread that
// sends every leg's RTP each 20 ms never waits on a disk or a program. Jobs run in order;
// a job hands its result back with asio::post onto the io_context.
//
//   worker.run([=] { auto prompt = cache.resolve(...);
//                    asio::post(io, [=] { engine.prompt_ready(leg, prompt); }); });
//
// Thread safety: run() from any thread. The destructor finishes the jobs already queued,
// then joins.
#pragma once

#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>

namespace callplan::media::engine {

class Worker {
 public:
  Worker();
  ~Worker();
  Worker(const Worker&) = delete;
  Worker& operator=(const Worker&) = delete;

  void run(std::function<void()> job);

 private:
  void loop();

  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<std::function<void()>> jobs_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace callplan::media::engine
