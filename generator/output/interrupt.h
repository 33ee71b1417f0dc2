// Interrupted builds: on SIGINT or SIGTERM the published site stays as it
// was, the search indexer is stopped, the scratch folder is removed and
// cartable exits with 128 + the signal's number. The idle copy of the site
// (output.h) is kept: it has no manifest while it is being changed, so the
// next build compares it byte by byte.
#pragma once

#include <spawn.h>
#include <sys/types.h>

#include <mutex>
#include <string>

namespace cartable::interrupt {

// Call before any thread starts: both signals are blocked in every thread
// and taken by a thread of our own, which cleans up and exits.
void handle_signals();

// The child process to stop on interruption (0: none).
void set_child(pid_t pid);
// A folder to remove on interruption ("": none).
void set_scratch(const std::string& path);
// Held while the site is swapped in, so that an interruption happens before
// or after, never half-way through the bookkeeping.
std::mutex& critical_section();
// Called once the new site is in place: an interruption after it no longer
// says that nothing changed.
void note_published();
// Gives a spawned child the default handling of the two signals.
void reset_signals_in_child(posix_spawnattr_t* attr);

}  // namespace cartable::interrupt
