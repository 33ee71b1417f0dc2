#include "base/binary_record.h"

#include <xxhash.h>

namespace cartable {

namespace {

uint64_t hash_of(std::string_view bytes, SealHash hash) {
  if (hash == SealHash::Xxh3_128Low) return XXH3_128bits(bytes.data(), bytes.size()).low64;
  return XXH3_64bits(bytes.data(), bytes.size());
}

}  // namespace

void seal(std::string& record, SealHash hash) { BinaryWriter(record).u64(hash_of(record, hash)); }

std::optional<std::string_view> unseal(std::string_view record, SealHash hash) {
  constexpr size_t kSeal = sizeof(uint64_t);
  if (record.size() < kSeal) return std::nullopt;
  std::string_view body = record.substr(0, record.size() - kSeal);
  if (BinaryReader(record.substr(body.size())).u64() != hash_of(body, hash)) return std::nullopt;
  return body;
}

}  // namespace cartable
