#include "output/interrupt.h"

#include "base/messages.h"

#include <signal.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <string>
#include <thread>

namespace cartable::interrupt {

namespace {

std::mutex state_mutex;
pid_t child = 0;
std::string scratch;
bool published = false;

sigset_t stop_signals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  return set;
}

[[noreturn]] void watch() {
  sigset_t set = stop_signals();
  int signal = 0;
  while (sigwait(&set, &signal) != 0) {
  }
  std::lock_guard hold(critical_section());
  std::lock_guard lock(state_mutex);
  if (child > 0) ::kill(child, SIGTERM);
  std::error_code ec;
  if (!scratch.empty()) std::filesystem::remove_all(scratch, ec);
  // A thread of its own waits for the signal (not a handler): translating is safe here.
  std::string said = translate(published ? tr("interrupted after the new site was published")
                                         : tr("interrupted; the published site was not changed"));
  std::fprintf(stderr, "cartable: %s\n", said.c_str());
  std::fflush(stderr);
  ::_exit(128 + signal);
}

}  // namespace

void handle_signals() {
  sigset_t set = stop_signals();
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  std::thread(watch).detach();
}

void set_child(pid_t pid) {
  std::lock_guard lock(state_mutex);
  child = pid;
}

void set_scratch(const std::string& path) {
  std::lock_guard lock(state_mutex);
  scratch = path;
}

void note_published() {
  std::lock_guard lock(state_mutex);
  published = true;
}

std::mutex& critical_section() {
  static std::mutex m;
  return m;
}

void reset_signals_in_child(posix_spawnattr_t* attr) {
  sigset_t none, set = stop_signals();
  sigemptyset(&none);
  posix_spawnattr_setsigmask(attr, &none);
  posix_spawnattr_setsigdefault(attr, &set);
  posix_spawnattr_setflags(attr, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
}

}  // namespace cartable::interrupt
