// Fingerprints of portfolio entries, so a trainer's decision is tied to the
// files it was made on (PebblePad voids a sign-off when the work changes).
//
// The fingerprint is "sha256:" + the SHA-256 (nettle) of a manifest in
// sha256sum's format: one line "<sha256 hex>  <name>\n" for the entry file,
// then one per attachment in the order the entry lists them, names relative
// to the portfolio's folder. By hand, from the folder:
//   sha256sum entry.md file1.png file2.pdf | sha256sum
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "base/filesystem.h"
#include "model/model.h"

namespace cartable {

std::string sha256_hex(std::string_view bytes);

// The entry's fingerprint as it is now in `files`; nullopt when a file
// cannot be read (the caller reports it).
std::optional<std::string> entry_fingerprint(const FileSystem& files, const Portfolio& p, const Entry& e);

}  // namespace cartable
