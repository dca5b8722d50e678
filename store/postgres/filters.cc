// The TAXII filters over versions in SQL, for the PostgreSQL backend (internal/filters.h).
#include "store/postgres/internal/filters.h"

namespace tansiq::store::internal {
namespace {

// Binds `value` as the next parameter and returns its placeholder ("$n").
std::string Bind(std::vector<pg::Param>& params, pg::Param value) {
  params.push_back(std::move(value));
  return "$" + std::to_string(params.size());
}

// "(SELECT MAX|MIN(version) ...)" over the versions of the row's object in its collection.
std::string Extreme(std::string_view alias, bool max, const std::vector<std::string>& spec_versions,
                    std::vector<pg::Param>& params) {
  std::string sql = max ? "(SELECT MAX(x.version)" : "(SELECT MIN(x.version)";
  sql += " FROM versions x WHERE x.collection = " + std::string(alias) +
         ".collection AND x.id = " + std::string(alias) + ".id";
  AppendAny(sql, params, "x.spec_version", spec_versions);
  return sql + ")";
}

}  // namespace

void AppendAny(std::string& sql, std::vector<pg::Param>& params, std::string_view column,
               const std::vector<std::string>& values) {
  if (values.empty()) return;
  sql += " AND " + std::string(column) + " = ANY(" + Bind(params, pg::ArrayLiteral(values)) +
         "::text[])";
}

void AppendVersionClause(std::string& sql, std::vector<pg::Param>& params, std::string_view alias,
                         VersionFilter::Which which, const std::vector<Micros>& versions,
                         bool also_first, bool also_last,
                         const std::vector<std::string>& spec_versions) {
  using Which = VersionFilter::Which;
  const std::string column = std::string(alias) + ".version";
  switch (which) {
    case Which::kAll:
      return;
    case Which::kLast:
    case Which::kFirst:
      sql +=
          " AND " + column + " = " + Extreme(alias, which == Which::kLast, spec_versions, params);
      return;
    case Which::kListed: {
      std::string any =
          column + " = ANY(" + Bind(params, pg::ArrayLiteral(versions)) + "::bigint[])";
      if (also_first) any += " OR " + column + " = " + Extreme(alias, false, spec_versions, params);
      if (also_last) any += " OR " + column + " = " + Extreme(alias, true, spec_versions, params);
      sql += " AND (" + any + ")";
      return;
    }
  }
}

}  // namespace tansiq::store::internal
