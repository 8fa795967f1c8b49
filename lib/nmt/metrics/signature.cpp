#include "nmt/metrics/signature.h"

namespace nmt::metrics {

Signature::Signature(std::string nrefs) { fields_.emplace_back("nrefs", std::move(nrefs)); }

Signature& Signature::add(const std::string& key, const std::string& value) {
  fields_.emplace_back(key, value);
  return *this;
}

std::vector<std::pair<std::string, std::string>> Signature::fields() const {
  auto all = fields_;
  all.emplace_back("version", kSacrebleuVersion);
  return all;
}

std::string Signature::format() const {
  std::string out;
  for (const auto& [key, value] : fields()) {
    if (!out.empty()) out += '|';
    out += key + ':' + value;
  }
  return out;
}

}  // namespace nmt::metrics
