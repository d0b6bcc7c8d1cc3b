#pragma once
// Checks a JSON value against the subset of JSON Schema the OpenAPI document uses: type (one or a
// list, "null" included), properties, required, additionalProperties: false, items, enum, $ref.
#include <nlohmann/json.hpp>
#include <string>

namespace reelstat::testing {

inline bool json_has_type(const nlohmann::json& v, const std::string& type) {
  if (type == "null") return v.is_null();
  if (type == "object") return v.is_object();
  if (type == "array") return v.is_array();
  if (type == "string") return v.is_string();
  if (type == "boolean") return v.is_boolean();
  if (type == "integer") return v.is_number_integer();
  if (type == "number") return v.is_number();
  return false;
}

// Returns "" when `value` fits `schema`, else where and why it does not.
inline std::string schema_mismatch(const nlohmann::json& doc, const nlohmann::json& schema,
                                   const nlohmann::json& value, const std::string& where = "$") {
  if (schema.contains("$ref")) {
    std::string ref = schema["$ref"];
    const std::string prefix = "#/components/schemas/";
    return schema_mismatch(doc, doc["components"]["schemas"][ref.substr(prefix.size())], value, where);
  }
  if (schema.contains("type")) {
    bool ok = false;
    if (schema["type"].is_array()) {
      for (const auto& t : schema["type"])
        ok = ok || json_has_type(value, t);
    } else {
      ok = json_has_type(value, schema["type"]);
    }
    if (!ok) return where + ": expected " + schema["type"].dump() + ", got " + value.dump().substr(0, 80);
  }
  if (schema.contains("enum")) {
    bool found = false;
    for (const auto& e : schema["enum"])
      found = found || e == value;
    if (!found) return where + ": " + value.dump() + " is not in " + schema["enum"].dump();
  }
  if (value.is_object() && schema.contains("properties")) {
    for (const auto& name : schema.value("required", nlohmann::json::array()))
      if (!value.contains(name)) return where + ": missing " + name.get<std::string>();
    for (const auto& [key, v] : value.items()) {
      if (!schema["properties"].contains(key)) {
        if (schema.value("additionalProperties", true) == false) return where + ": unexpected key " + key;
        continue;
      }
      std::string inner = schema_mismatch(doc, schema["properties"][key], v, where + "." + key);
      if (!inner.empty()) return inner;
    }
  }
  if (value.is_array() && schema.contains("items")) {
    for (size_t i = 0; i < value.size(); ++i) {
      std::string inner =
          schema_mismatch(doc, schema["items"], value[i], where + "[" + std::to_string(i) + "]");
      if (!inner.empty()) return inner;
    }
  }
  return "";
}

}  // namespace reelstat::testing
