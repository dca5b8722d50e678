// Entry point of the `tansiq` command: argument parsing with CLI11, dispatch to commands.
#include <spdlog/spdlog.h>
#include <CLI/CLI.hpp>

#include "cli/commands.h"
#include "cli/listen.h"

int main(int argc, char** argv) {
  using namespace tansiq;
  CLI::App app{"Tansiq: coalition intelligence-sharing hub (STIX 2.1 over TAXII 2.1)", "tansiq"};
  app.require_subcommand(1);
  std::string db = "hub.db";
  auto add_db = [&db](CLI::App* c) {
    c->add_option("--db", db, "hub database file")->capture_default_str();
  };

  std::string config;
  auto* init = app.add_subcommand("init", "create a hub from a TOML bootstrap file");
  add_db(init);
  init->add_option("--config", config, "bootstrap TOML ([hub], [[party]], [[user]])")->required();

  server::ServerOptions serve_options;
  serve_options.web_root = TANSIQ_DEFAULT_WEB_ROOT;
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
  };
  auto* serve = app.add_subcommand("serve", "serve TAXII 2.1 and the REST API");
  add_db(serve);
  add_serve(serve);

  std::string demo_dir = "demo-hub";
  std::string report = "../shared/data/reports/ar-joint-operations-centre.txt";
  auto* demo = app.add_subcommand("demo", "create (once) and serve a demo hub with four parties");
  demo->add_option("--dir", demo_dir, "folder for the demo hub")->capture_default_str();
  demo->add_option("--report", report, "Arabic report text to load as demo content")
      ->capture_default_str();
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
  bool password_stdin = false;
  auto* user = app.add_subcommand("user", "manage users");
  user->require_subcommand(1);
  auto* user_add = user->add_subcommand("add", "add a user");
  add_db(user_add);
  user_add->add_option("name", user_name)->required();
  user_add->add_option("--party", user_party)->required();
  user_add->add_option("--roles", roles, "officer, analyst, recipient, admin, hub-admin")
      ->delimiter(',')
      ->required();
  user_add->add_flag("--password-stdin", password_stdin, "read a password from stdin");
  auto* user_disable = user->add_subcommand("disable", "disable a user");
  add_db(user_disable);
  user_disable->add_option("name", user_name)->required();
  auto* user_enable = user->add_subcommand("enable", "enable a user");
  add_db(user_enable);
  user_enable->add_option("name", user_name)->required();
  auto* user_passwd = user->add_subcommand("passwd", "set a password (read from stdin)");
  add_db(user_passwd);
  user_passwd->add_option("name", user_name)->required();

  std::string label = "cli";
  auto* token = app.add_subcommand("token", "manage API tokens");
  token->require_subcommand(1);
  auto* token_create = token->add_subcommand("create", "create a token; printed once");
  add_db(token_create);
  token_create->add_option("user", user_name)->required();
  token_create->add_option("--label", label)->capture_default_str();

  auto* audit = app.add_subcommand("audit", "audit log");
  audit->require_subcommand(1);
  auto* verify = audit->add_subcommand("verify", "verify the hash chain and its signatures");
  add_db(verify);

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
  spdlog::set_pattern("%Y-%m-%dT%H:%M:%S.%e %^%l%$ %v");

  if (*init) return cli::Init(db, config);
  if (*serve || *demo) {
    if (!webhook_allow.empty()) serve_options.webhook_allow = webhook_allow;
    if (webhook_retry_ms > 0) {
      serve_options.webhook_retry_initial = std::chrono::milliseconds(webhook_retry_ms);
    }
    if (webhook_retry_max_ms > 0) {
      serve_options.webhook_retry_max = std::chrono::milliseconds(webhook_retry_max_ms);
    }
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
  if (*user_add) return cli::UserAdd(db, user_name, user_party, roles, password_stdin);
  if (*user_disable) return cli::UserSetDisabled(db, user_name, true);
  if (*user_enable) return cli::UserSetDisabled(db, user_name, false);
  if (*user_passwd) return cli::UserPasswd(db, user_name);
  if (*token_create) return cli::TokenCreate(db, user_name, label);
  if (*verify) return cli::AuditVerify(db);
  if (*search) return cli::Search(db, as_user, query, search_limit);
  if (*backup) return cli::Backup(db, backup_to);
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
