// Fixed texts of the daily brief in the recipient's language (ar, en, ru, fa). Pure.
#pragma once

#include <string>
#include <string_view>

namespace tansiq::analysis {

enum class BriefText {
  kTitle,         // "Daily brief"
  kUrgent,        // "New FLASH and IMMEDIATE items"
  kCorrelations,  // "Strongest new correlations"
  kRising,        // "Places with rising activity"
  kNone,          // "Nothing to report."
  kReports,       // "new reports"
  kRisingGroups,  // "Groups with rising activity" (a trend alert about a watched group)
};

// The text in `lang` ("ar", "en", "ru", "fa"); any other language gets English.
std::string_view Text(BriefText which, std::string_view lang);

// Whether the brief has texts in `lang`.
bool BriefLanguage(std::string_view lang);

}  // namespace tansiq::analysis
