// libFuzzer target for the multilingual text pipeline: any bytes (invalid UTF-8 included) →
// text::Analyzer (every Lang × Field), Normalize, DetectLang, PhoneticKey, FoldedName and
// NameSimilarity/SameName of the input's two halves.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>

#include "text/analyzer.h"
#include "text/name_key.h"

namespace {

using namespace tansiq;

constexpr text::Lang kLangs[] = {text::Lang::kUnknown, text::Lang::kAr, text::Lang::kFa,
                                 text::Lang::kRu, text::Lang::kEn};
constexpr text::Field kFields[] = {text::Field::kText, text::Field::kExact, text::Field::kName};

void Check(bool ok, const char* what) {
  if (!ok) {
    std::fprintf(stderr, "fuzz_text: %s\n", what);
    std::abort();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  static const text::Analyzer analyzer;
  for (text::Lang lang : kLangs) {
    for (text::Field field : kFields) {
      for (const text::Token& t : analyzer.Analyze(input, lang, field)) {
        Check(!t.term.empty(), "empty term");
        Check(t.start <= t.end && t.end <= size, "token offsets outside the input");
        Check(t.span >= 1, "token span 0");
      }
    }
    (void)analyzer.Normalize(input, lang);
  }
  (void)text::DetectLang(input);
  // The first line as a STIX lang tag, the rest as text.
  const auto newline = input.find('\n');
  if (newline != std::string_view::npos) {
    (void)text::DetectLang(input.substr(newline + 1), input.substr(0, newline));
  }
  (void)text::PhoneticKey(input);
  (void)text::FoldedName(input);
  const std::string_view a = input.substr(0, size / 2), b = input.substr(size / 2);
  const double similarity = text::NameSimilarity(a, b);
  Check(similarity >= 0.0 && similarity <= 1.0, "NameSimilarity outside [0, 1]");
  (void)text::SameName(a, b);
  return 0;
}
