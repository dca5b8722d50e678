// RFC 8785 canonical JSON: ECMAScript number serialisation, UTF-16 member ordering.
#include "stix/canonical_json.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <string_view>
#include <utility>
#include <vector>

#include <boost/json.hpp>

namespace tansiq::stix {
namespace json = boost::json;
namespace {

// Decodes UTF-8 into UTF-16 code units (the order RFC 8785 sorts member names by). False on
// malformed UTF-8 (overlong forms, surrogates, truncation, values beyond U+10FFFF).
bool ToUtf16(std::string_view s, std::u16string& out) {
  out.clear();
  std::size_t i = 0;
  while (i < s.size()) {
    auto b = static_cast<unsigned char>(s[i]);
    std::uint32_t cp = 0;
    int extra = 0;
    if (b < 0x80) {
      cp = b;
    } else if ((b & 0xE0) == 0xC0) {
      cp = b & 0x1F;
      extra = 1;
    } else if ((b & 0xF0) == 0xE0) {
      cp = b & 0x0F;
      extra = 2;
    } else if ((b & 0xF8) == 0xF0) {
      cp = b & 0x07;
      extra = 3;
    } else {
      return false;
    }
    if (extra > 0 && i + static_cast<std::size_t>(extra) >= s.size()) return false;  // truncated
    for (int k = 1; k <= extra; ++k) {
      auto c = static_cast<unsigned char>(s[i + k]);
      if ((c & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (c & 0x3F);
    }
    constexpr std::uint32_t kMin[] = {0, 0x80, 0x800, 0x10000};
    if (cp < kMin[extra] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
    if (cp >= 0x10000) {
      cp -= 0x10000;
      out.push_back(static_cast<char16_t>(0xD800 + (cp >> 10)));
      out.push_back(static_cast<char16_t>(0xDC00 + (cp & 0x3FF)));
    } else {
      out.push_back(static_cast<char16_t>(cp));
    }
    i += static_cast<std::size_t>(extra) + 1;
  }
  return true;
}

void AppendString(std::string_view s, std::string& out) {
  static constexpr char kHex[] = "0123456789abcdef";
  out.push_back('"');
  for (char ch : s) {
    auto c = static_cast<unsigned char>(ch);
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\b':
        out += "\\b";
        break;
      case '\t':
        out += "\\t";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\f':
        out += "\\f";
        break;
      case '\r':
        out += "\\r";
        break;
      default:
        if (c < 0x20) {
          out += "\\u00";
          out.push_back(kHex[c >> 4]);
          out.push_back(kHex[c & 0xF]);
        } else {
          out.push_back(ch);
        }
    }
  }
  out.push_back('"');
}

Status Append(const json::value& v, std::string& out, std::u16string& scratch) {
  switch (v.kind()) {
    case json::kind::null:
      out += "null";
      return Status::Ok();
    case json::kind::bool_:
      out += v.get_bool() ? "true" : "false";
      return Status::Ok();
    case json::kind::int64:
      out += EcmaScriptNumber(static_cast<double>(v.get_int64()));
      return Status::Ok();
    case json::kind::uint64:
      out += EcmaScriptNumber(static_cast<double>(v.get_uint64()));
      return Status::Ok();
    case json::kind::double_: {
      double d = v.get_double();
      if (!std::isfinite(d)) return InvalidArgument("JSON number is not finite");
      out += EcmaScriptNumber(d);
      return Status::Ok();
    }
    case json::kind::string: {
      const json::string& s = v.get_string();
      if (!ToUtf16(s, scratch)) return InvalidArgument("JSON string is not valid UTF-8");
      AppendString(s, out);
      return Status::Ok();
    }
    case json::kind::array: {
      out.push_back('[');
      bool first = true;
      for (const json::value& e : v.get_array()) {
        if (!first) out.push_back(',');
        first = false;
        if (Status st = Append(e, out, scratch); !st.ok()) return st;
      }
      out.push_back(']');
      return Status::Ok();
    }
    case json::kind::object: {
      const json::object& o = v.get_object();
      std::vector<std::pair<std::u16string, const json::key_value_pair*>> members;
      members.reserve(o.size());
      for (const json::key_value_pair& kv : o) {
        if (!ToUtf16(kv.key(), scratch)) {
          return InvalidArgument("JSON member name is not valid UTF-8");
        }
        members.emplace_back(scratch, &kv);
      }
      std::sort(members.begin(), members.end(),
                [](const auto& a, const auto& b) { return a.first < b.first; });
      out.push_back('{');
      bool first = true;
      for (const auto& [name, kv] : members) {
        if (!first) out.push_back(',');
        first = false;
        AppendString(kv->key(), out);
        out.push_back(':');
        if (Status st = Append(kv->value(), out, scratch); !st.ok()) return st;
      }
      out.push_back('}');
      return Status::Ok();
    }
  }
  return Internal("unknown JSON kind");
}

}  // namespace

std::string EcmaScriptNumber(double d) {
  if (d == 0) return "0";  // +0 and -0 alike
  // Shortest round-trip digits in scientific form: "d[.ddd]e±x".
  char buf[64];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, d, std::chars_format::scientific);
  std::string_view sci(buf, static_cast<std::size_t>(end - buf));
  std::string out;
  if (sci.front() == '-') {
    out.push_back('-');
    sci.remove_prefix(1);
  }
  std::size_t e_pos = sci.find('e');
  std::string digits;
  for (char c : sci.substr(0, e_pos)) {
    if (c != '.') digits.push_back(c);
  }
  int exp10 = 0;
  std::string_view exp_text = sci.substr(e_pos + 1);
  if (!exp_text.empty() && exp_text.front() == '+') exp_text.remove_prefix(1);
  std::from_chars(exp_text.data(), exp_text.data() + exp_text.size(), exp10);
  // ECMA-262 Number::toString: digits s (k of them), value s × 10^(n−k).
  const int k = static_cast<int>(digits.size());
  const int n = exp10 + 1;
  if (k <= n && n <= 21) {
    out += digits;
    out.append(static_cast<std::size_t>(n - k), '0');
  } else if (0 < n && n <= 21) {
    out += digits.substr(0, static_cast<std::size_t>(n));
    out.push_back('.');
    out += digits.substr(static_cast<std::size_t>(n));
  } else if (-6 < n && n <= 0) {
    out += "0.";
    out.append(static_cast<std::size_t>(-n), '0');
    out += digits;
  } else {
    out.push_back(digits[0]);
    if (k > 1) {
      out.push_back('.');
      out += digits.substr(1);
    }
    out.push_back('e');
    out.push_back(n - 1 >= 0 ? '+' : '-');
    out += std::to_string(std::abs(n - 1));
  }
  return out;
}

Result<std::string> CanonicalJson(const json::value& value) {
  std::string out;
  std::u16string scratch;
  if (Status st = Append(value, out, scratch); !st.ok()) return st;
  return out;
}

}  // namespace tansiq::stix
