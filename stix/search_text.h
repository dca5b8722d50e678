// What of a STIX object is full-text searchable: its name-like fields and its prose. Pure.
#pragma once

#include <string>

#include <boost/json/object.hpp>

namespace tansiq::stix {

struct SearchText {
  std::string title;  // what a search hit shows as the object's name
  std::string names;  // name, aliases, and other name-like fields (not stemmed)
  std::string body;   // description, content, abstract, explanation, labels, pattern...
  std::string lang;   // the `lang` property, if any
  std::string created_by_ref;
};

// Name-like fields: name, aliases, x_mitre_aliases, region, country, city, administrative_area,
// street_address; prose: description, content, abstract, explanation, objective, labels,
// pattern, value (SCOs), subject/body (email), opinion. Strings are joined by newlines.
SearchText ExtractSearchText(const boost::json::object& object);

}  // namespace tansiq::stix
