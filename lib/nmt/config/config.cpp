#include "nmt/config/config.h"

#include <cmath>
#include <fstream>
#include <set>
#include <sstream>

#include "nmt/config/config_fields.h"
#include "nmt/util/error.h"

namespace nmt {

const std::map<std::string, std::string>& embedded_presets();  // generated from models/*.json

namespace {

using nlohmann::json;
using namespace config_detail;
using Origins = std::map<std::string, std::string>;  // "model.d_model" -> "models/small.json"

std::string where(const Origins& origins, const std::string& key) {
  auto it = origins.find(key);
  return it == origins.end() ? "" : " (from " + it->second + ")";
}

// Reads one section of a JSON document into a struct, checking types, ranges and choices.
struct Reader {
  const json& section;
  const std::string& prefix;
  const Origins& origins;
  std::set<std::string> seen;

  const json* find(const char* key) {
    seen.insert(key);
    auto it = section.find(key);
    return it == section.end() ? nullptr : &*it;
  }
  [[noreturn]] void fail(const std::string& key, const std::string& what) {
    const std::string full = prefix + "." + key;
    throw ConfigError("config key '" + full + "'" + where(origins, full) + ": " + what);
  }
  void operator()(const char* key, int64_t& value, Range r, const char*) {
    const json* j = find(key);
    if (!j) return;
    double d = 0;
    if (j->is_number_integer() || j->is_number_unsigned())
      d = static_cast<double>(j->get<int64_t>());
    else if (j->is_number_float() && std::floor(j->get<double>()) == j->get<double>())
      d = j->get<double>();
    else
      fail(key, "expected an integer, got " + j->dump());
    if (d < r.min || d > r.max) fail(key, range_text(*j, r));
    value = static_cast<int64_t>(d);
  }
  void operator()(const char* key, double& value, Range r, const char*) {
    const json* j = find(key);
    if (!j) return;
    if (!j->is_number()) fail(key, "expected a number, got " + j->dump());
    const double d = j->get<double>();
    if (!(d >= r.min && d <= r.max)) fail(key, range_text(*j, r));
    value = d;
  }
  void operator()(const char* key, bool& value, std::nullptr_t, const char*) {
    const json* j = find(key);
    if (!j) return;
    if (!j->is_boolean()) fail(key, "expected true or false, got " + j->dump());
    value = j->get<bool>();
  }
  void operator()(const char* key, std::string& value, const Choices& choices, const char* doc) {
    const json* j = find(key);
    if (!j) return;
    if (!j->is_string()) fail(key, "expected a string, got " + j->dump());
    const auto s = j->get<std::string>();
    if (!choices.empty() && std::find(choices.begin(), choices.end(), s) == choices.end()) {
      std::string list;
      for (const auto& c : choices) list += (list.empty() ? "" : ", ") + c;
      fail(key, "'" + s + "' is not one of: " + list);
    }
    value = s;
  }
  void operator()(const char* key, std::string& value, std::nullptr_t, const char* doc) {
    (*this)(key, value, Choices{}, doc);
  }
  static std::string range_text(const json& j, Range r) {
    std::ostringstream out;
    out << j.dump() << " is out of range [" << r.min << ", " << r.max << "]";
    return out.str();
  }
};

struct Writer {
  json& out;
  template <class T, class C>
  void operator()(const char* key, T& value, const C&, const char*) {
    out[key] = value;
  }
};

struct DocWriter {
  std::ostringstream& out;
  const std::string& prefix;
  template <class T>
  static std::string type_name() {
    if constexpr (std::is_same_v<T, bool>)
      return "bool";
    else if constexpr (std::is_same_v<T, int64_t>)
      return "int";
    else if constexpr (std::is_same_v<T, double>)
      return "float";
    else
      return "string";
  }
  template <class T, class C>
  void operator()(const char* key, T& value, const C& constraint, const char* doc) {
    std::string type = type_name<T>();
    if constexpr (std::is_same_v<C, Choices>) {
      type.clear();
      for (const auto& c : constraint) type += (type.empty() ? "" : " \\| ") + c;
    }
    out << "| `" << prefix << "." << key << "` | " << type << " | `" << json(value).dump() << "` | "
        << doc << " |\n";
  }
};

void check_section_keys(const json& section, const std::string& name,
                        const std::set<std::string>& known, const Origins& origins) {
  for (auto it = section.begin(); it != section.end(); ++it)
    if (!known.count(it.key())) {
      const std::string full = name + "." + it.key();
      throw ConfigError("unknown config key '" + full + "'" + where(origins, full));
    }
}

void check_consistency(const Config& c, const Origins& origins) {
  if (c.model.arch == "transformer" && c.model.d_model % c.model.heads != 0)
    throw ConfigError("config key 'model.heads'" + where(origins, "model.heads") + ": " +
                      std::to_string(c.model.heads) +
                      " does not divide model.d_model = " + std::to_string(c.model.d_model));
  if (c.decode.nbest > c.decode.beam && !c.decode.sample)
    throw ConfigError("config key 'decode.nbest'" + where(origins, "decode.nbest") +
                      ": nbest must not exceed decode.beam = " + std::to_string(c.decode.beam));
  if (c.model.share_embeddings && !c.data.joint_vocab)
    throw ConfigError("config key 'model.share_embeddings'" +
                      where(origins, "model.share_embeddings") +
                      ": shared embeddings need data.joint_vocab = true");
}

Config parse(const json& doc, const Origins& origins, const std::string& origin) {
  if (!doc.is_object()) throw ConfigError(origin + ": a config must be a JSON object");
  Config config;
  for (auto it = doc.begin(); it != doc.end(); ++it)
    if (it.key() != "model" && it.key() != "data" && it.key() != "train" && it.key() != "decode")
      throw ConfigError("unknown config section '" + it.key() + "'" + where(origins, it.key()) +
                        " (expected model, data, train, decode)");
  for_each_section(config, [&](const std::string& name, auto& section) {
    auto it = doc.find(name);
    if (it == doc.end()) return;
    if (!it->is_object())
      throw ConfigError("config section '" + name + "'" + where(origins, name) +
                        " must be an object");
    Reader reader{*it, name, origins, {}};
    visit(reader, section);
    check_section_keys(*it, name, reader.seen, origins);
  });
  check_consistency(config, origins);
  return config;
}

// Copies `overlay` onto `base` key by key, remembering where each leaf came from.
void merge(json& base, const json& overlay, const std::string& origin, Origins& origins,
           const std::string& prefix = "") {
  if (!overlay.is_object()) throw ConfigError(origin + ": a config must be a JSON object");
  for (auto it = overlay.begin(); it != overlay.end(); ++it) {
    const std::string key = prefix.empty() ? it.key() : prefix + "." + it.key();
    if (it->is_object()) {
      origins[key] = origin;
      if (!base.contains(it.key()) || !base[it.key()].is_object()) base[it.key()] = json::object();
      merge(base[it.key()], *it, origin, origins, key);
    } else {
      base[it.key()] = *it;
      origins[key] = origin;
    }
  }
}

json read_json_file(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw ConfigError("cannot read config file '" + path + "'");
  try {
    return json::parse(in);
  } catch (const json::parse_error& e) {
    throw ConfigError("config file '" + path + "' is not valid JSON: " + e.what());
  }
}

// "train.lr=3e-4" -> {"train": {"lr": 3e-4}}. A value that is not JSON is taken as a string.
json parse_override(const std::string& text) {
  const auto eq = text.find('=');
  if (eq == std::string::npos || eq == 0)
    throw ConfigError("--set '" + text + "': expected key.path=value, e.g. --set train.lr=3e-4");
  const std::string path = text.substr(0, eq), raw = text.substr(eq + 1);
  json value;
  try {
    value = json::parse(raw);
  } catch (const json::parse_error&) {
    value = raw;
  }
  json out = json::object();
  std::stringstream parts(path);
  std::string part;
  std::vector<std::string> keys;
  while (std::getline(parts, part, '.')) keys.push_back(part);
  if (keys.size() != 2 || keys[0].empty() || keys[1].empty())
    throw ConfigError("--set '" + text +
                      "': keys have two parts, section.key (e.g. model.d_model)");
  out[keys[0]][keys[1]] = value;
  return out;
}

}  // namespace

Config config_from_json(const nlohmann::json& doc, const std::string& origin) {
  Origins origins;
  json merged = json::object();
  merge(merged, doc, origin, origins);
  return parse(merged, origins, origin);
}

Config load_config(const ConfigSources& sources) {
  Origins origins;
  json merged = json::object();
  if (!sources.preset.empty()) {
    const std::string origin = "preset '" + sources.preset + "'";
    try {
      merge(merged, json::parse(preset_json(sources.preset)), origin, origins);
    } catch (const json::parse_error& e) {
      throw ConfigError(origin + " is not valid JSON: " + e.what());
    }
  }
  for (const auto& file : sources.files)
    merge(merged, read_json_file(file), "'" + file + "'", origins);
  for (const auto& o : sources.overrides) {
    json overlay = parse_override(o);
    merge(merged, overlay, "--set " + o, origins);
  }
  return parse(merged, origins, "config");
}

nlohmann::json to_json(const Config& config) {
  Config copy = config;  // the visitors take mutable references
  json out = json::object();
  for_each_section(copy, [&](const std::string& name, auto& section) {
    json s = json::object();
    Writer writer{s};
    visit(writer, section);
    out[name] = s;
  });
  return out;
}

std::vector<std::string> preset_names() {
  std::vector<std::string> names;
  for (const auto& [name, text] : embedded_presets()) names.push_back(name);
  return names;
}

const std::string& preset_json(const std::string& name) {
  const auto& presets = embedded_presets();
  auto it = presets.find(name);
  if (it == presets.end()) {
    std::string list;
    for (const auto& [n, text] : presets) list += (list.empty() ? "" : ", ") + n;
    throw ConfigError("unknown preset '" + name + "' (available: " + list + ")");
  }
  return it->second;
}

std::string config_reference_markdown() {
  Config config;
  std::ostringstream out;
  out << "| key | type | default | meaning |\n|---|---|---|---|\n";
  for_each_section(config, [&](const std::string& name, auto& section) {
    DocWriter writer{out, name};
    visit(writer, section);
  });
  return out.str();
}

}  // namespace nmt
