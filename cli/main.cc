// Entry point of the `tansiq` command: argument parsing with CLI11, dispatch to commands.
#include <spdlog/spdlog.h>
#include <sys/stat.h>
#include <CLI/CLI.hpp>

#include <cstdlib>

#include "cli/commands.h"
#include "cli/listen.h"
#include "cli/ops.h"
#include "cli/peer.h"
#include "server/logging.h"
#include "server/ops.h"

int main(int argc, char** argv) {
  using namespace tansiq;
  // Everything tansiq creates — the database, its WAL, backups, key and lock files — holds
  // password hashes, keys or the audit log: the owner's alone.
  ::umask(077);
  CLI::App app{"Tansiq: coalition intelligence-sharing hub (STIX 2.1 over TAXII 2.1)", "tansiq"};
  app.require_subcommand(1);
  app.set_version_flag("--version", std::string("tansiq ") + std::string(server::Version()));
  std::string db = "hub.db";
  auto add_db = [&db](CLI::App* c) {
    c->add_option("--db", db, "hub database file")->capture_default_str();
  };

  std::string config;
  auto* init = app.add_subcommand("init", "create a hub from a TOML bootstrap file");
  add_db(init);
  init->add_option("--config", config, "bootstrap TOML ([hub], [[party]], [[user]], [[peer]])")
      ->required();

  server::ServerOptions serve_options;
  serve_options.web_root = cli::DefaultWebRoot(TANSIQ_DEFAULT_WEB_ROOT);
  std::string log_level = "info", log_format = "text", data_dir;
  double rate_per_user = serve_options.rate_per_user.per_second;
  double burst_per_user = serve_options.rate_per_user.burst;
  double rate_per_token = serve_options.rate_per_token.per_second;
  double burst_per_token = serve_options.rate_per_token.burst;
  std::string listen = "127.0.0.1:8080";
  std::vector<std::string> webhook_allow;
  std::int64_t webhook_retry_ms = 0, webhook_retry_max_ms = 0, webhook_timeout_ms = 10000;
  std::string brief_hour;
  auto add_serve = [&](CLI::App* c) {
    c->add_option("--listen", listen, "address:port to listen on (port 0: any)")
        ->capture_default_str();
    c->add_option("--tls-cert", serve_options.tls_cert, "PEM certificate chain (enables HTTPS)");
    c->add_option("--tls-key", serve_options.tls_key, "PEM private key");
    c->add_flag("--insecure", serve_options.insecure, "allow plain HTTP off loopback");
    c->add_option("--port-file", serve_options.port_file, "write the bound port to this file");
    c->add_option("--threads", serve_options.threads, "worker threads (0: one per core)");
    c->add_option("--max-content-length", serve_options.max_content_length,
                  "largest accepted request body in bytes")
        ->capture_default_str();
    c->add_option("--flash-ack", serve_options.flash_ack,
                  "seconds a FLASH recipient has to acknowledge (0: none; default: the hub's)");
    c->add_option("--immediate-ack", serve_options.immediate_ack,
                  "seconds an IMMEDIATE recipient has to acknowledge (0: none; default: the "
                  "hub's)");
    c->add_option("--webhook-allow", webhook_allow,
                  "webhook URL prefix allowed (repeat; replaces the hub's [webhooks] allow)");
    c->add_option("--webhook-retry-ms", webhook_retry_ms,
                  "first webhook retry after about this many ms (default 1000, doubling)");
    c->add_option("--webhook-retry-max-ms", webhook_retry_max_ms,
                  "longest wait between webhook retries in ms (default 300000)");
    c->add_option("--webhook-max-attempts", serve_options.webhook_max_attempts,
                  "webhook attempts before giving up (default 100; 24 h at most)");
    c->add_option("--webhook-timeout-ms", webhook_timeout_ms,
                  "webhook connect and answer timeouts in ms")
        ->capture_default_str();
    c->add_option("--webhook-ca", serve_options.webhook_ca,
                  "PEM file of extra CA certificates trusted for https webhooks");
    c->add_option("--brief-hour", brief_hour,
                  "UTC hour 0-23 of the daily brief, or off (default: the hub's [analysis] "
                  "brief_hour)");
    c->add_option("--search-total-bound", serve_options.search_total_bound,
                  "visible search matches counted before a total reads N+ (default: the "
                  "hub's [search] total_bound, else 1000)")
        ->check(CLI::Range(std::size_t{1}, std::size_t{10'000'000}));
    c->add_option("--search-rank-window", serve_options.search_rank_window,
                  "search matches ranked fully by BM25 before ranking is tiered (default: the "
                  "hub's [search] rank_window, else 500)")
        ->check(CLI::Range(std::size_t{1}, std::size_t{100'000}));
    // Test seam: shifts the server's clock by the seconds written in this file.
    c->add_option("--clock-file", serve_options.clock_file)->group("");
    c->add_option("--web-root", serve_options.web_root, "folder of the built web UI served at /")
        ->capture_default_str();
    c->add_option("--data-dir", data_dir,
                  "folder of the alias registry and gazetteer (default: $TANSIQ_DATA, else the "
                  "installed share/tansiq/data, else the source tree's data/)");
    c->add_option("--log-level", log_level, "trace, debug, info, warn, error, critical or off")
        ->capture_default_str();
    c->add_option("--log-format", log_format, "text or json (one JSON object per line)")
        ->capture_default_str();
    c->add_option("--rate-per-user", rate_per_user,
                  "requests per second each authenticated user may make (0: no limit)")
        ->capture_default_str()
        ->check(CLI::NonNegativeNumber);
    c->add_option("--burst-per-user", burst_per_user, "requests a user may make at once")
        ->capture_default_str()
        ->check(CLI::NonNegativeNumber);
    c->add_option("--rate-per-token", rate_per_token,
                  "requests per second each API token may make (0: no limit)")
        ->capture_default_str()
        ->check(CLI::NonNegativeNumber);
    c->add_option("--burst-per-token", burst_per_token, "requests a token may make at once")
        ->capture_default_str()
        ->check(CLI::NonNegativeNumber);
  };
  auto* serve = app.add_subcommand("serve", "serve TAXII 2.1 and the REST API");
  add_db(serve);
  add_serve(serve);

  std::string demo_dir = "demo-hub";
  std::string report;
  auto* demo = app.add_subcommand("demo", "create (once) and serve a demo hub with four parties");
  demo->add_option("--dir", demo_dir, "folder for the demo hub")->capture_default_str();
  demo->add_option("--report", report,
                   "an extra Arabic report (text file, first line its title) to load besides "
                   "data/demo/");
  add_serve(demo);

  std::string file, as_user, collection = "coalition";
  auto* import = app.add_subcommand("import", "import a STIX bundle or TAXII envelope file");
  add_db(import);
  import->add_option("file", file, "JSON file (bundle, envelope or array); - for stdin")
      ->required();
  import->add_option("--as", as_user, "user on whose behalf objects are stored")->required();
  import->add_option("--collection", collection, "collection id or alias")->capture_default_str();
  cli::ImportRelease release;
  import->add_option("--tlp", release.tlp,
                     "TLP (clear, green, amber, amber+strict) of objects without markings of "
                     "their own");
  import
      ->add_option("--release-to", release.release_to,
                   "parties (codes) that may read objects without markings of their own")
      ->delimiter(',');

  auto* exp = app.add_subcommand("export", "print a bundle of what a user may read");
  add_db(exp);
  exp->add_option("--as", as_user, "reading user")->required();
  exp->add_option("--collection", collection, "collection id or alias")->capture_default_str();

  std::string party_id, party_name, identity;
  auto* party = app.add_subcommand("party", "manage parties");
  party->require_subcommand(1);
  auto* party_add = party->add_subcommand("add", "add a party");
  add_db(party_add);
  party_add->add_option("--id", party_id, "short code [a-z0-9-]")->required();
  party_add->add_option("--name", party_name, "name, any script")->required();
  party_add->add_option("--identity", identity, "STIX identity id (generated if absent)");

  std::string user_name, user_party;
  std::vector<std::string> roles;
  bool password_stdin = false, token_only = false;
  auto* user = app.add_subcommand("user", "manage users");
  user->require_subcommand(1);
  auto* user_add = user->add_subcommand("add", "add a user");
  add_db(user_add);
  user_add->add_option("name", user_name)->required();
  user_add->add_option("--party", user_party)->required();
  user_add->add_option("--roles", roles, "officer, analyst, recipient, admin, hub-admin, peer")
      ->delimiter(',')
      ->required();
  user_add->add_flag("--password-stdin", password_stdin, "read a password from stdin");
  user_add->add_flag("--token-only", token_only, "no password: the user signs in with API tokens");
  auto* user_disable = user->add_subcommand("disable", "disable a user");
  add_db(user_disable);
  user_disable->add_option("name", user_name)->required();
  auto* user_enable = user->add_subcommand("enable", "enable a user");
  add_db(user_enable);
  user_enable->add_option("name", user_name)->required();
  auto* user_passwd = user->add_subcommand("passwd", "set a password (read from stdin)");
  add_db(user_passwd);
  user_passwd->add_option("name", user_name)->required();

  std::string label = "cli", scope = "full", token_id;
  int expires_days = 0;
  auto* token = app.add_subcommand("token", "manage API tokens");
  token->require_subcommand(1);
  auto* token_create = token->add_subcommand("create", "create a token; printed once");
  add_db(token_create);
  token_create->add_option("user", user_name)->required();
  token_create->add_option("--label", label)->capture_default_str();
  token_create
      ->add_option("--scope", scope, "full; read (no state change); metrics (GET /metrics only)")
      ->capture_default_str();
  token_create->add_option("--expires-days", expires_days, "days until it expires (0: never)")
      ->capture_default_str();
  auto* token_list = token->add_subcommand("list", "list tokens (id, user, scope, dates, label)");
  add_db(token_list);
  token_list->add_option("user", user_name, "only this user's (default: every user's)");
  auto* token_revoke = token->add_subcommand("revoke", "revoke a token by its id (token list)");
  add_db(token_revoke);
  token_revoke->add_option("id", token_id)->required();

  auto* audit = app.add_subcommand("audit", "audit log");
  audit->require_subcommand(1);
  auto* verify = audit->add_subcommand("verify", "verify the hash chain and its signatures");
  add_db(verify);
  std::int64_t audit_from = 1;
  auto* audit_export =
      audit->add_subcommand("export", "print audit records as JSON lines (for a SIEM)");
  add_db(audit_export);
  audit_export->add_option("--from", audit_from, "first sequence number to print")
      ->capture_default_str();

  hub::PeerLinkSpec peer_link;
  std::string peer_name;
  auto* peer = app.add_subcommand("peer", "federation links to remote hubs (docs/federation.md)");
  peer->require_subcommand(1);
  auto* peer_add = peer->add_subcommand("add", "add a link (same fields as a [[peer]] table)");
  add_db(peer_add);
  peer_add->add_option("name", peer_link.name, "the link's local name [a-z0-9-]")->required();
  peer_add->add_option("--url", peer_link.url, "the remote TAXII 2.1 API root")->required();
  peer_add->add_option("--collection", peer_link.collection, "remote collection id or alias")
      ->required();
  peer_add->add_option("--user", peer_link.user, "the remote account (role peer)")->required();
  auto* peer_pw = peer_add->add_option("--password-env", peer_link.password_env,
                                       "environment variable holding its password");
  auto* peer_tok = peer_add->add_option("--token-env", peer_link.token_env,
                                        "environment variable holding its API token");
  peer_pw->excludes(peer_tok);
  peer_add->add_option("--party", peer_link.party, "the local party the link acts for")->required();
  peer_add->add_option("--pull", peer_link.pull, "pull what the remote releases (true/false)")
      ->capture_default_str();
  peer_add->add_option("--push", peer_link.push, "push what the party originates (true/false)")
      ->capture_default_str();
  peer_add->add_option("--interval-seconds", peer_link.interval_seconds, "pull interval")
      ->capture_default_str();
  auto* peer_list = peer->add_subcommand("list", "list the links (tab-separated)");
  add_db(peer_list);
  auto* peer_remove = peer->add_subcommand("remove", "remove a link");
  add_db(peer_remove);
  peer_remove->add_option("name", peer_name)->required();

  std::string query;
  std::size_t search_limit = 20;
  auto* search = app.add_subcommand("search", "search what a user may read (JSON out)");
  add_db(search);
  search->add_option("--as", as_user, "reading user")->required();
  search->add_option("query", query, "words, \"phrases\", -exclusion, OR, name:, type:")
      ->required();
  search->add_option("--limit", search_limit, "hits to print (1-100)")->capture_default_str();

  std::string backup_to;
  auto* backup = app.add_subcommand("backup", "write a consistent copy of the hub");
  add_db(backup);
  backup->add_option("--to", backup_to, "destination file (must not exist)")->required();

  std::string restore_from, restore_key;
  auto* restore = app.add_subcommand(
      "restore", "replace the hub by a backup (checked first; the old files are kept aside)");
  add_db(restore);
  restore->add_option("--from", restore_from, "backup file written by tansiq backup")->required();
  restore->add_option("--key", restore_key, "the backup's key file (default: FROM.key)");

  cli::ListenOptions listen_options;
  auto* listen_cmd =
      app.add_subcommand("listen", "print pushed messages; ack ID / read ID on stdin");
  listen_cmd->add_option("--url", listen_options.url, "the hub's base URL")->capture_default_str();
  listen_cmd->add_option("--user", listen_options.user,
                         "user name (password from TANSIQ_PASSWORD)");
  listen_cmd->add_option("--token", listen_options.token, "API token (Bearer)");
  listen_cmd->add_option("--ca", listen_options.ca_file, "PEM file of CAs to trust (HTTPS)");
  listen_cmd->add_flag("--insecure-tls", listen_options.insecure_tls,
                       "do not verify the server certificate");
  listen_cmd->add_flag("--json", listen_options.raw_json, "print frames as JSON");
  listen_cmd->add_flag("--ack-all", listen_options.ack_all, "acknowledge every message");
  listen_cmd->get_option("--user")->excludes(listen_cmd->get_option("--token"));

  CLI11_PARSE(app, argc, argv);
  if (Status s = server::ConfigureLogging(log_level, log_format); !s.ok()) {
    (void)server::ConfigureLogging("info", "text");
    spdlog::error("{}", s.message());
    return 2;
  }
  if (!data_dir.empty()) {
    ::setenv("TANSIQ_DATA", data_dir.c_str(), 1);
  } else if (std::string installed = cli::InstalledDataDir();
             !installed.empty() && std::getenv("TANSIQ_DATA") == nullptr) {
    ::setenv("TANSIQ_DATA", installed.c_str(), 1);
  }

  if (*init) return cli::Init(db, config);
  if (*serve || *demo) {
    if (!webhook_allow.empty()) serve_options.webhook_allow = webhook_allow;
    if (webhook_retry_ms > 0) {
      serve_options.webhook_retry_initial = std::chrono::milliseconds(webhook_retry_ms);
    }
    if (webhook_retry_max_ms > 0) {
      serve_options.webhook_retry_max = std::chrono::milliseconds(webhook_retry_max_ms);
    }
    serve_options.rate_per_user = {rate_per_user, burst_per_user};
    serve_options.rate_per_token = {rate_per_token, burst_per_token};
    serve_options.webhook_timeout =
        std::chrono::milliseconds(std::max<std::int64_t>(webhook_timeout_ms, 1));
    if (!cli::ParseListen(listen, &serve_options)) {
      spdlog::error("--listen must be address:port, got '{}'", listen);
      return 2;
    }
    if (!brief_hour.empty()) {
      if (brief_hour == "off") {
        serve_options.brief_hour = -1;
      } else if (brief_hour.size() <= 2 &&
                 brief_hour.find_first_not_of("0123456789") == std::string::npos &&
                 std::stoi(brief_hour) <= 23) {
        serve_options.brief_hour = std::stoi(brief_hour);
      } else {
        spdlog::error("--brief-hour must be an hour from 0 to 23 or off, got '{}'", brief_hour);
        return 2;
      }
    }
    return *serve ? cli::Serve(db, serve_options) : cli::Demo(demo_dir, report, serve_options);
  }
  if (*import) return cli::Import(db, file, as_user, collection, release);
  if (*exp) return cli::Export(db, as_user, collection);
  if (*party_add) return cli::PartyAdd(db, party_id, party_name, identity);
  if (*user_add) return cli::UserAdd(db, user_name, user_party, roles, password_stdin, token_only);
  if (*user_disable) return cli::UserSetDisabled(db, user_name, true);
  if (*user_enable) return cli::UserSetDisabled(db, user_name, false);
  if (*user_passwd) return cli::UserPasswd(db, user_name);
  if (*token_create) return cli::TokenCreate(db, user_name, label, scope, expires_days);
  if (*token_list) return cli::TokenList(db, user_name);
  if (*token_revoke) return cli::TokenRevoke(db, token_id);
  if (*peer_add) return cli::PeerAdd(db, peer_link);
  if (*peer_list) return cli::PeerList(db);
  if (*peer_remove) return cli::PeerRemove(db, peer_name);
  if (*verify) return cli::AuditVerify(db);
  if (*audit_export) return cli::AuditExport(db, audit_from);
  if (*search) return cli::Search(db, as_user, query, search_limit);
  if (*backup) return cli::Backup(db, backup_to);
  if (*restore) return cli::Restore(db, restore_from, restore_key);
  if (*listen_cmd) {
    if (!listen_options.user.empty() && listen_options.token.empty()) {
      const char* pw = std::getenv("TANSIQ_PASSWORD");
      if (pw == nullptr) {
        spdlog::error("set TANSIQ_PASSWORD for --user (stdin carries commands), or use --token");
        return 2;
      }
      listen_options.password = pw;
    }
    listen_options.commands = true;
    return cli::Listen(listen_options);
  }
  return 2;
}
