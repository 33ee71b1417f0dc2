#include "load/fingerprint.h"

#include <nettle/sha2.h>

namespace cartable {

std::string sha256_hex(std::string_view bytes) {
  sha256_ctx ctx;
  sha256_init(&ctx);
  sha256_update(&ctx, bytes.size(), reinterpret_cast<const uint8_t*>(bytes.data()));
  uint8_t digest[SHA256_DIGEST_SIZE];
  sha256_digest(&ctx, sizeof digest, digest);
  static const char hex[] = "0123456789abcdef";
  std::string out;
  out.reserve(2 * sizeof digest);
  for (uint8_t b : digest) {
    out += hex[b >> 4];
    out += hex[b & 15];
  }
  return out;
}

std::optional<std::string> entry_fingerprint(const FileSystem& files, const Portfolio& p, const Entry& e) {
  std::string manifest;
  auto add = [&](const std::string& name) {
    std::string bytes;
    if (!files.read(join_path(p.folder, name), &bytes)) return false;
    manifest += sha256_hex(bytes) + "  " + name + "\n";
    return true;
  };
  if (!add(e.slug + ".md")) return std::nullopt;
  for (const Attachment& a : e.attachments) {
    if (!add(a.file)) return std::nullopt;
  }
  return "sha256:" + sha256_hex(manifest);
}

}  // namespace cartable
