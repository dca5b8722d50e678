// The brief's fixed texts, one table per language.
#include "analysis/brief_text.h"

#include <array>

namespace tansiq::analysis {
namespace {

struct Texts {
  std::string_view lang;
  std::array<std::string_view, 7> text;
};

constexpr std::array<Texts, 4> kTexts = {{
    {"en",
     {"Daily brief", "New FLASH and IMMEDIATE items", "Strongest new correlations",
      "Places with rising activity", "Nothing to report.", "new reports",
      "Groups with rising activity"}},
    {"ar",
     {"الموجز اليومي", "البنود العاجلة والفورية الجديدة", "أقوى الارتباطات الجديدة",
      "أماكن يتصاعد فيها النشاط", "لا جديد.", "تقارير جديدة", "جماعات يتصاعد نشاطها"}},
    {"ru",
     {"Ежедневная сводка", "Новые сообщения ФЛЭШ и СРОЧНО", "Самые сильные новые связи",
      "Места с растущей активностью", "Нет новостей.", "новых сообщений",
      "Группы с растущей активностью"}},
    {"fa",
     {"گزارش روزانه", "موارد فوری و آنی جدید", "قوی‌ترین ارتباطات جدید",
      "مکان‌هایی با فعالیت رو به افزایش", "موردی برای گزارش نیست.",
      "گزارش جدید", "گروه‌هایی با فعالیت رو به افزایش"}},
}};

}  // namespace

std::string_view Text(BriefText which, std::string_view lang) {
  for (const auto& t : kTexts) {
    if (t.lang == lang) return t.text[static_cast<std::size_t>(which)];
  }
  return kTexts[0].text[static_cast<std::size_t>(which)];
}

bool BriefLanguage(std::string_view lang) {
  for (const auto& t : kTexts) {
    if (t.lang == lang) return true;
  }
  return false;
}

}  // namespace tansiq::analysis
