// The tansiq command's subcommands, one function each; main.cc only parses arguments.
#pragma once

#include <string>
#include <vector>

#include "server/server.h"

namespace tansiq::cli {

int Init(const std::string& db, const std::string& config);
int Serve(const std::string& db, server::ServerOptions options);
int Demo(const std::string& dir, const std::string& report_path, server::ServerOptions options);
// The releasability an import gives every object of the file that carries none of its own
// (no TLP marking and no Tansiq releasability marking defined in the file): `tlp` ("clear",
// "green", "amber", "amber+strict"; empty: none) and/or `release_to` (party codes: a
// releasability marking-definition of the importer's party is added to the import).
struct ImportRelease {
  std::string tlp;
  std::vector<std::string> release_to;
};
int Import(const std::string& db, const std::string& file, const std::string& user,
           const std::string& collection, const ImportRelease& release = {});
int Export(const std::string& db, const std::string& user, const std::string& collection);
int PartyAdd(const std::string& db, const std::string& id, const std::string& name,
             const std::string& identity);
int UserAdd(const std::string& db, const std::string& name, const std::string& party,
            const std::vector<std::string>& roles, bool password_stdin, bool token_only);
int UserSetDisabled(const std::string& db, const std::string& name, bool disabled);
int UserPasswd(const std::string& db, const std::string& name);
int TokenCreate(const std::string& db, const std::string& user, const std::string& label,
                const std::string& scope, int expires_days);
int TokenList(const std::string& db, const std::string& user);
int TokenRevoke(const std::string& db, const std::string& id);
int AuditVerify(const std::string& db);
int Search(const std::string& db, const std::string& user, const std::string& query,
           std::size_t limit);
int Backup(const std::string& db, const std::string& to);
// Replaces the database at `db` (and its key file) by the backup `from`, after checking the
// backup (integrity, audit chain against the key). Refused while a server holds `db`.
int Restore(const std::string& db, const std::string& from, const std::string& key_from);

// "host:port" → options.host/port. False when malformed.
bool ParseListen(const std::string& listen, server::ServerOptions* options);

}  // namespace tansiq::cli
